/*
 * query: the officer's ad-hoc questions (path, expand, cluster, entity,
 * search), answered from SQL through the indexes on link, companion,
 * mention and cluster_member, so each costs what its answer touches, not
 * what the district holds.  Each answer is an owned cJSON object with the
 * keys of FORMAT.md; the CLI prints it as JSON or as a table.
 */
#ifndef GRAPH_QUERY_H
#define GRAPH_QUERY_H

#include <cJSON.h>

#include "common/db.h"
#include "common/err.h"

struct gquery_opts {
	int k;                  /* path: how many shortest chains (1) */
	int forward;            /* path: reports must run forward in time */
	int max_hops;           /* path: the longest chain searched (6) */
	int hops;               /* expand: how far (1) */
	const char *type;       /* expand: only nodes of these types ("person,phone", "report"), or NULL */
	int limit;              /* expand, search, lists: at most this many (50) */
};

void gquery_opts_init(struct gquery_opts *o);

/*
 * Each writes its answer into *out (owned by the caller) and returns 0,
 * or returns -1 with err set ("no entity 'phone:1'" when a key is unknown).
 * KEYs are entity keys ("phone:13912345678"); a bare value is tried with
 * each identifier type; expand also takes a report as SOURCE/ID.
 */
int gquery_path(struct db *db, const char *from, const char *to,
		const struct gquery_opts *o, cJSON **out, struct err *err);
int gquery_expand(struct db *db, const char *key, const struct gquery_opts *o,
		  cJSON **out, struct err *err);
int gquery_cluster(struct db *db, const char *id, const struct gquery_opts *o,
		   cJSON **out, struct err *err);
int gquery_entity(struct db *db, const char *key, const struct gquery_opts *o,
		  cJSON **out, struct err *err);
int gquery_search(struct db *db, const char *text, const struct gquery_opts *o,
		  cJSON **out, struct err *err);

#endif
