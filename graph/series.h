/*
 * series: 串并案 candidates.  Crime reports of one cluster joined through
 * identifiers or resolved persons (never hubs, places or organisations),
 * on two or more dates, with the chain of evidence between each pair of
 * reports and a score.  Owns the crime reports it loads; writes the
 * series tables.
 */
#ifndef GRAPH_SERIES_H
#define GRAPH_SERIES_H

#include <stdint.h>

#include "common/db.h"
#include "common/err.h"
#include "graph/community.h"
#include "graph/conf.h"
#include "graph/model.h"

struct gcrimes {
	long nr;
	int64_t *rid;           /* report ids, ascending */
	long *day;              /* day number of the report's date, -1 when unknown */
	char **cats;            /* owned: its crime categories, "burglary,theft" */
	long *moff;             /* the vertices it mentions: mv[moff[i]..moff[i+1]) */
	int32_t *mv;
	unsigned char *mskip;   /* [moff[nr]] 1: named in this report only in a skipped role */
};

/*
 * Load the reports of crime categories received by the end of night (not
 * near-duplicates) and the entities they mention (from mn, less those
 * only ever named as reporter or victim, mn->role_skip; those so named
 * in the report alone are marked, mn->skipped_here).  Caller-owned cr;
 * release it with gcrimes_release also after an error.
 */
int gcrimes_load(struct gcrimes *cr, struct db *db, const struct gmentions *mn,
		 const struct graph_conf *conf, const char *night, struct err *err);
void gcrimes_release(struct gcrimes *cr);

/*
 * Find the series and replace the series tables with them.  cluster_id
 * maps a cluster index of gc to its stable id.  *count gets how many.
 */
int gseries_run(struct db *db, const struct gcrimes *cr, const struct gmodel *gm,
		const struct gcomm *gc, const int64_t *cluster_id,
		const struct graph_conf *conf, const char *night, long *count,
		struct err *err);

#endif
