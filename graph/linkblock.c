/*
 * linkblock: a block holds the links whose id / GLINK_BLOCK is its number,
 * in id order, as a header (magic, count) and fixed 48-byte records in
 * the byte order of the machine (a block of another order fails the
 * magic and every block is read again from the link table).  first_seen
 * is kept as much as the comparison with a night needs (its type, its
 * first GLINK_FIRST bytes and whether it is longer); last_seen as its
 * day.  A night merges each block holding a changed link with the rows
 * those links have now (none: deleted), writes it back, and forgets the
 * changed ids, all in the stage's transaction: a run that dies leaves the
 * blocks and the ids as they were.
 */
#include "graph/linkblock.h"
#include "common/day.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define GLINK_BLOCK 4096
#define GLINK_REC 48
#define GLINK_MAGIC 0x314b4c47u

int glink_before(const struct glink *l, const char *next)
{
	int n, c;

	switch (l->first_type) {
	case GLINK_NULL:
	case GLINK_NUMBER:
		return 1;
	case GLINK_BLOB:
		return 0;
	}
	n = l->first_len < GLINK_FIRST ? l->first_len : GLINK_FIRST;
	c = memcmp(l->first, next, n);
	if (c)
		return c < 0;
	return l->first_len < (int)strlen(next);
}

/* The link of a row (id, a, b, weight, first_seen, last_seen). */
static void read_row(sqlite3_stmt *st, struct glink *l)
{
	int t = sqlite3_column_type(st, 4);

	memset(l, 0, sizeof(*l));
	l->id = sqlite3_column_int64(st, 0);
	l->a = sqlite3_column_int64(st, 1);
	l->b = sqlite3_column_int64(st, 2);
	l->weight = sqlite3_column_double(st, 3);
	l->last_day = day_of(db_text(st, 5));
	l->first_type = t == SQLITE_NULL ? GLINK_NULL : t == SQLITE_TEXT ? GLINK_TEXT
			: t == SQLITE_BLOB ? GLINK_BLOB : GLINK_NUMBER;
	if (l->first_type == GLINK_TEXT) {
		int n = sqlite3_column_bytes(st, 4);
		const unsigned char *s = sqlite3_column_text(st, 4);

		l->first_len = n > GLINK_FIRST ? GLINK_FIRST + 1 : n;
		memcpy(l->first, s, n < GLINK_FIRST ? n : GLINK_FIRST);
	}
}

static void put_rec(unsigned char *p, const struct glink *l)
{
	int32_t day = (int32_t)l->last_day;

	memcpy(p, &l->id, 8);
	memcpy(p + 8, &l->a, 8);
	memcpy(p + 16, &l->b, 8);
	memcpy(p + 24, &l->weight, 8);
	memcpy(p + 32, &day, 4);
	p[36] = (unsigned char)l->first_type;
	p[37] = (unsigned char)l->first_len;
	memcpy(p + 38, l->first, GLINK_FIRST);
}

static void get_rec(const unsigned char *p, struct glink *l)
{
	int32_t day;

	memcpy(&l->id, p, 8);
	memcpy(&l->a, p + 8, 8);
	memcpy(&l->b, p + 16, 8);
	memcpy(&l->weight, p + 24, 8);
	memcpy(&day, p + 32, 4);
	l->last_day = day;
	l->first_type = p[36];
	l->first_len = p[37];
	memcpy(l->first, p + 38, GLINK_FIRST);
}

/* A block being written: its records. */
struct blockbuf {
	unsigned char *data;
	size_t cap;
	uint32_t n;
};

static void buf_add(struct blockbuf *b, const struct glink *l)
{
	b->data = xgrow(b->data, &b->cap, 8 + (size_t)(b->n + 1) * GLINK_REC, 1);
	put_rec(b->data + 8 + (size_t)b->n * GLINK_REC, l);
	b->n++;
}

/* Write block k from b (delete it when empty); b is emptied. */
static int buf_write(struct db *db, sqlite3_stmt *put, sqlite3_stmt *del, int64_t k,
		     struct blockbuf *b, struct err *err)
{
	uint32_t magic = GLINK_MAGIC;
	int rc;

	if (b->n == 0)
		return db_bind(del, err, "I", k) < 0 || db_step(del, err) < 0 ? -1 : 0;
	b->data = xgrow(b->data, &b->cap, 8, 1);
	memcpy(b->data, &magic, 4);
	memcpy(b->data + 4, &b->n, 4);
	rc = db_bind(put, err, "Ib", k, b->data, (int)(8 + (size_t)b->n * GLINK_REC)) < 0 ||
	     db_step(put, err) < 0 ? -1 : 0;
	b->n = 0;
	(void)db;
	return rc;
}

static int prepare_writes(struct db *db, sqlite3_stmt **put, sqlite3_stmt **del, struct err *err)
{
	if (db_prepare(db, put, "INSERT OR REPLACE INTO graph_link_block(block, data) VALUES (?, ?)",
		       err) < 0 ||
	    db_prepare(db, del, "DELETE FROM graph_link_block WHERE block = ?", err) < 0)
		return -1;
	return 0;
}

/* Every link from the link table; the blocks written anew. */
static int from_table(struct db *db, glink_fn fn, void *arg, struct err *err)
{
	sqlite3_stmt *st = NULL, *put = NULL, *del = NULL;
	struct blockbuf b = { NULL, 0, 0 };
	int64_t block = -1;
	int rc;

	rc = db_run(db, err, "DELETE FROM graph_link_block", "") < 0 ||
	     db_run(db, err, "DELETE FROM graph_link_dirty", "") < 0 ||
	     prepare_writes(db, &put, &del, err) < 0 ||
	     db_prepare(db, &st, "SELECT id, a, b, weight, first_seen, last_seen FROM link "
			"ORDER BY id", err) < 0 ? -1 : 0;
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		struct glink l;

		rc = 0;
		read_row(st, &l);
		if (l.id / GLINK_BLOCK != block && b.n && buf_write(db, put, del, block, &b, err) < 0)
			rc = -1;
		block = l.id / GLINK_BLOCK;
		buf_add(&b, &l);
		fn(arg, &l);
	}
	if (rc == 0 && b.n)
		rc = buf_write(db, put, del, block, &b, err);
	db_finalize(st);
	db_finalize(put);
	db_finalize(del);
	free(b.data);
	return rc < 0 ? -1 : 0;
}

/* The ids that changed, ascending, and the rows of those that still exist. */
static int load_changes(struct db *db, int64_t **ids, long *nids, struct glink **rows, long *nrows,
			struct err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0, cap2 = 0;
	int rc;

	*ids = NULL;
	*rows = NULL;
	*nids = *nrows = 0;
	rc = db_prepare(db, &st, "SELECT link_id FROM graph_link_dirty ORDER BY link_id", err);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		rc = 0;
		*ids = xgrow(*ids, &cap, (size_t)*nids + 1, sizeof(**ids));
		(*ids)[(*nids)++] = sqlite3_column_int64(st, 0);
	}
	db_finalize(st);
	st = NULL;
	if (rc == 0)
		rc = db_prepare(db, &st, "SELECT id, a, b, weight, first_seen, last_seen FROM link "
				"WHERE id IN (SELECT link_id FROM graph_link_dirty) ORDER BY id", err);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		rc = 0;
		*rows = xgrow(*rows, &cap2, (size_t)*nrows + 1, sizeof(**rows));
		read_row(st, &(*rows)[(*nrows)++]);
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* A block's records, checked: 0, or 1 when it is not one this code wrote. */
static int block_ok(const unsigned char *p, int len)
{
	uint32_t magic, n;

	if (!p || len < 8)
		return 0;
	memcpy(&magic, p, 4);
	memcpy(&n, p + 4, 4);
	return magic == GLINK_MAGIC && (size_t)len == 8 + (size_t)n * GLINK_REC;
}

struct merge {
	const int64_t *ids;
	long nids, di;
	const struct glink *rows;
	long nrows, ri;
};

/*
 * Block k: its kept records (p, n; none for a block not kept) merged
 * with the changes in it, each passed to fn; written back when one of
 * the changes falls in it.
 */
static int merge_block(struct db *db, sqlite3_stmt *put, sqlite3_stmt *del, int64_t k,
		       const unsigned char *p, uint32_t n, struct merge *m, struct blockbuf *b,
		       glink_fn fn, void *arg, struct err *err)
{
	int64_t end = (k + 1) * GLINK_BLOCK;
	long d0 = m->di;
	uint32_t i = 0;
	struct glink l;

	while (m->di < m->nids && m->ids[m->di] < end)
		m->di++;
	if (m->di == d0) {
		for (i = 0; i < n; i++) {
			get_rec(p + 8 + (size_t)i * GLINK_REC, &l);
			fn(arg, &l);
		}
		return 0;
	}
	/* Kept records not changed, and the changed rows, by id. */
	b->n = 0;
	for (;;) {
		int have_old = 0;

		while (i < n) {
			long lo = d0, hi = m->di - 1;

			get_rec(p + 8 + (size_t)i * GLINK_REC, &l);
			while (lo <= hi) {
				long mid = lo + (hi - lo) / 2;

				if (m->ids[mid] == l.id)
					break;
				if (m->ids[mid] < l.id)
					lo = mid + 1;
				else
					hi = mid - 1;
			}
			if (lo > hi) {
				have_old = 1;
				break;
			}
			i++;
		}
		if (m->ri < m->nrows && m->rows[m->ri].id < end &&
		    (!have_old || m->rows[m->ri].id < l.id)) {
			l = m->rows[m->ri++];
		} else if (have_old) {
			i++;
		} else {
			break;
		}
		buf_add(b, &l);
		fn(arg, &l);
	}
	return buf_write(db, put, del, k, b, err);
}

/* From the blocks and the changes: 0, 1 when a block is not one this code wrote, -1. */
static int from_blocks(struct db *db, glink_fn fn, void *arg, struct err *err)
{
	sqlite3_stmt *st = NULL, *put = NULL, *del = NULL;
	struct blockbuf b = { NULL, 0, 0 };
	struct merge m = { NULL, 0, 0, NULL, 0, 0 };
	int64_t *ids = NULL;
	struct glink *rows = NULL;
	int rc;

	if (load_changes(db, &ids, &m.nids, &rows, &m.nrows, err) < 0) {
		rc = -1;
		goto out;
	}
	m.ids = ids;
	m.rows = rows;
	rc = prepare_writes(db, &put, &del, err) < 0 ||
	     db_prepare(db, &st, "SELECT block, data FROM graph_link_block ORDER BY block", err) < 0
	     ? -1 : 0;
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		int64_t k = sqlite3_column_int64(st, 0);
		const unsigned char *p = sqlite3_column_blob(st, 1);
		uint32_t n;

		rc = 0;
		if (!block_ok(p, sqlite3_column_bytes(st, 1))) {
			rc = 1;
			break;
		}
		/* Blocks not kept that changed links fall in (new ids) come first. */
		while (rc == 0 && m.di < m.nids && m.ids[m.di] / GLINK_BLOCK < k)
			rc = merge_block(db, put, del, m.ids[m.di] / GLINK_BLOCK, NULL, 0, &m, &b,
					 fn, arg, err);
		memcpy(&n, p + 4, 4);
		if (rc == 0)
			rc = merge_block(db, put, del, k, p, n, &m, &b, fn, arg, err);
	}
	if (rc == 1)
		goto out;
	while (rc == 0 && m.di < m.nids)
		rc = merge_block(db, put, del, m.ids[m.di] / GLINK_BLOCK, NULL, 0, &m, &b, fn, arg, err);
	if (rc == 0)
		rc = db_run(db, err, "DELETE FROM graph_link_dirty", "");
out:
	db_finalize(st);
	db_finalize(put);
	db_finalize(del);
	free(b.data);
	free(ids);
	free(rows);
	return rc;
}

int glinks_each(struct db *db, glink_fn fn, void (*reset)(void *arg), void *arg, struct err *err)
{
	int64_t blocks, last, changed;
	int rc;

	if (db_int(db, err, &blocks, "SELECT count(*) FROM graph_link_block", "") < 0 ||
	    db_int(db, err, &last, "SELECT coalesce(max(block), 0) FROM graph_link_block", "") < 0 ||
	    db_int(db, err, &changed, "SELECT count(*) FROM graph_link_dirty", "") < 0)
		return err_prefix(err, "kept links");
	if (blocks > 0 && changed * 8 <= (last + 1) * GLINK_BLOCK) {
		rc = from_blocks(db, fn, arg, err);
		if (rc <= 0)
			return rc < 0 ? err_prefix(err, "kept links") : 0;
		reset(arg);
	}
	return from_table(db, fn, arg, err) < 0 ? err_prefix(err, "links") : 0;
}
