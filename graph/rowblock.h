/*
 * rowblock: rows of an analyze table as the graph stage reads them, kept
 * between nights in blocks (schema versions 17 and 20), with the keys of
 * the rows inserted, changed or deleted since, which triggers on the
 * table record.  The stage creates the triggers when it writes every
 * block from the table, and trusts the blocks only while all its
 * triggers are there (a migration that rebuilt the table would have
 * dropped them).  One more night reads the blocks and the rows of the
 * changed keys, not the whole table, and rewrites only the blocks
 * holding a changed key.  A record is a fixed number of bytes, its key
 * (an int64) first; records are kept in the order of the table's query,
 * which is by key.  Used for the links (graph/linkblock.c), the
 * mentions and the entities (graph/model.c).
 */
#ifndef GRAPH_ROWBLOCK_H
#define GRAPH_ROWBLOCK_H

#include <stdint.h>

#include "common/db.h"
#include "common/err.h"

#define GROWBLOCK_KEYS 4096     /* a block holds the keys k with k / GROWBLOCK_KEYS its number */

struct growblock_kind {
	const char *blocks;     /* the table of blocks (block, data) */
	const char *dirty;      /* the table of changed keys (one column, the key) */
	const char *all;        /* SQL: every row, by key (then as records are kept) */
	const char *changed;    /* SQL: the rows of the changed keys, in the same order */
	int size;               /* bytes a record */
	uint32_t magic;         /* the blocks' first four bytes, in the machine's byte order */
	/* A row of either query as a record (size bytes, the key first). */
	void (*encode)(sqlite3_stmt *st, unsigned char *rec);
	/* The triggers that record changed keys: names, and statements creating them. */
	int ntriggers;
	const char *const *trigger_names;
	const char *const *trigger_sql;
};

/* The key of a record. */
int64_t growblock_key(const unsigned char *rec);

typedef void (*growblock_fn)(void *arg, const unsigned char *rec);

/*
 * Call fn for every record, in order, and leave the blocks as the table
 * is: from the blocks and the changed rows when blocks are kept and
 * fewer than one key in eight changed, else from the table (the blocks
 * written anew).  When a block proves not to be one this code wrote
 * (another byte order, another record size), reset(arg) forgets the
 * records passed so far and all are read again from the table.  Call
 * inside a transaction: a run that dies leaves blocks and keys as they
 * were.  With no table of blocks (a database of an earlier schema 17)
 * the rows come from the table alone.  Blocks without all their
 * triggers are written anew.
 */
int growblock_each(struct db *db, const struct growblock_kind *k, growblock_fn fn,
		   void (*reset)(void *arg), void *arg, struct err *err);

#endif
