/*
 * linkblock: every link as the graph stage reads it, kept between nights
 * in blocks of link ids (graph/rowblock.h: graph_link_block, and
 * graph_link_dirty filled by triggers on the link table while blocks are
 * kept).
 */
#ifndef GRAPH_LINKBLOCK_H
#define GRAPH_LINKBLOCK_H

#include <stdint.h>

#include "common/db.h"
#include "common/err.h"

/* How first_seen is stored: SQLite orders NULL < numbers < text < blobs. */
enum { GLINK_NULL, GLINK_NUMBER, GLINK_TEXT, GLINK_BLOB };

#define GLINK_FIRST 10

struct glink {
	int64_t id, a, b;
	double weight;
	long last_day;          /* day_of(last_seen) */
	int first_type;         /* GLINK_* of first_seen */
	int first_len;          /* text: its length, at most GLINK_FIRST + 1 */
	char first[GLINK_FIRST];   /* text: its first bytes */
};

/* Whether l's first_seen < next (a "YYYY-MM-DD"), as SQL compares them. */
int glink_before(const struct glink *l, const char *next);

typedef void (*glink_fn)(void *arg, const struct glink *l);

/*
 * Call fn for every link, in id order, from the blocks and the links
 * that changed since, or from the link table (growblock_each: reset
 * forgets the links passed before a block proved unreadable).  Call
 * inside a transaction.
 */
int glinks_each(struct db *db, glink_fn fn, void (*reset)(void *arg), void *arg,
		struct err *err);

#endif
