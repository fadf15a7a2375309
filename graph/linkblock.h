/*
 * linkblock: every link as the graph stage reads it, kept between nights in
 * blocks of link ids (schema version 17: graph_link_block), with the ids
 * of the links inserted, changed or deleted since (graph_link_dirty,
 * filled by triggers on the link table while blocks are kept).  One more
 * night reads the blocks and the few links that changed, not the whole
 * link table, and rewrites only the blocks that hold a changed link.
 */
#ifndef GRAPH_LINKBLOCK_H
#define GRAPH_LINKBLOCK_H

#include <stdint.h>

#include "common/db.h"
#include "common/err.h"

/* How first_seen is stored: SQLite orders NULL < numbers < text < blobs. */
enum { GLINK_NULL, GLINK_NUMBER, GLINK_TEXT, GLINK_BLOB };

struct glink {
	int64_t id, a, b;
	double weight;
	long last_day;          /* day_of(last_seen) */
	int first_type;         /* GLINK_* of first_seen */
	int first_len;          /* text: its length, at most GLINK_FIRST + 1 */
	char first[10];         /* text: its first bytes */
};

#define GLINK_FIRST 10

/* Whether l's first_seen < next (a "YYYY-MM-DD"), as SQL compares them. */
int glink_before(const struct glink *l, const char *next);

typedef void (*glink_fn)(void *arg, const struct glink *l);

/*
 * Call fn for every link, in id order, and leave the kept blocks as the
 * link table is: read from the blocks and the changed links when blocks
 * are kept and fewer than one link in eight changed, else from the link
 * table (the blocks then written anew).  A block this code did not
 * write (another byte order) is found on the way: reset(arg) is called
 * to forget the links passed so far, and all are read again from the
 * table.  Call inside a transaction.
 */
int glinks_each(struct db *db, glink_fn fn, void (*reset)(void *arg), void *arg,
		struct err *err);

#endif
