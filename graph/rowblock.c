/*
 * rowblock: a block is a header (magic, count) and its records.  A night
 * merges each block holding a changed key with the rows that key has now
 * (none: deleted), writes it back (deletes it when empty), and forgets
 * the changed keys.  Table names come from the kinds in code, never from
 * data.
 */
#include "graph/rowblock.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

int64_t growblock_key(const unsigned char *rec)
{
	int64_t k;

	memcpy(&k, rec, 8);
	return k;
}

/* The statements of one pass. */
struct pass {
	const struct growblock_kind *k;
	sqlite3_stmt *put, *del;
	unsigned char *data;    /* the block being written: header and records */
	size_t cap;
	uint32_t n;
};

static unsigned char *pass_add(struct pass *p)
{
	p->data = xgrow(p->data, &p->cap, 8 + (size_t)(p->n + 1) * p->k->size, 1);
	return p->data + 8 + (size_t)p->n++ * p->k->size;
}

/* Write block b from p (delete it when empty); p is emptied. */
static int pass_write(struct pass *p, int64_t b, struct err *err)
{
	int rc;

	if (p->n == 0)
		return db_bind(p->del, err, "I", b) < 0 || db_step(p->del, err) < 0 ? -1 : 0;
	p->data = xgrow(p->data, &p->cap, 8, 1);
	memcpy(p->data, &p->k->magic, 4);
	memcpy(p->data + 4, &p->n, 4);
	rc = db_bind(p->put, err, "Ib", b, p->data, (int)(8 + (size_t)p->n * p->k->size)) < 0 ||
	     db_step(p->put, err) < 0 ? -1 : 0;
	p->n = 0;
	return rc;
}

static int pass_init(struct pass *p, struct db *db, const struct growblock_kind *k,
		     struct err *err)
{
	char *put = xasprintf("INSERT OR REPLACE INTO %s(block, data) VALUES (?, ?)", k->blocks);
	char *del = xasprintf("DELETE FROM %s WHERE block = ?", k->blocks);
	int rc;

	memset(p, 0, sizeof(*p));
	p->k = k;
	rc = db_prepare(db, &p->put, put, err) < 0 || db_prepare(db, &p->del, del, err) < 0 ? -1 : 0;
	free(put);
	free(del);
	return rc;
}

static void pass_release(struct pass *p)
{
	db_finalize(p->put);
	db_finalize(p->del);
	free(p->data);
}

/* Delete every row of table (one of a kind's, named in code). */
static int empty(struct db *db, const char *table, struct err *err)
{
	char *sql = xasprintf("DELETE FROM %s", table);
	int rc = db_run(db, err, sql, "");

	free(sql);
	return rc;
}

static int clear(struct db *db, const struct growblock_kind *k, struct err *err)
{
	return empty(db, k->blocks, err) < 0 || empty(db, k->dirty, err) < 0 ? -1 : 0;
}

/* Create the triggers of k (those there already stay). */
static int arm(struct db *db, const struct growblock_kind *k, struct err *err)
{
	for (int i = 0; i < k->ntriggers; i++)
		if (db_exec(db, k->trigger_sql[i], err) < 0)
			return -1;
	return 0;
}

/* 1 when every trigger of k is there, else 0; -1 on error. */
static int armed(struct db *db, const struct growblock_kind *k, struct err *err)
{
	for (int i = 0; i < k->ntriggers; i++) {
		int64_t have;

		if (db_int(db, err, &have, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
			   "AND name = ?", "s", k->trigger_names[i]) < 0)
			return -1;
		if (!have)
			return 0;
	}
	return 1;
}

/* Every row from the table; the blocks written anew (and the triggers created) when write. */
static int from_table(struct db *db, const struct growblock_kind *k, int write, growblock_fn fn,
		      void *arg, struct err *err)
{
	sqlite3_stmt *st = NULL;
	struct pass p;
	unsigned char *one = xmalloc(k->size);
	int64_t block = -1;
	int rc;

	rc = pass_init(&p, db, k, err);
	if (rc == 0 && write)
		rc = clear(db, k, err) < 0 || arm(db, k, err) < 0 ? -1 : 0;
	if (rc == 0)
		rc = db_prepare(db, &st, k->all, err);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		unsigned char *rec = one;
		int64_t b;

		rc = 0;
		k->encode(st, one);
		b = growblock_key(one) / GROWBLOCK_KEYS;
		if (write) {
			if (b != block && p.n && pass_write(&p, block, err) < 0)
				rc = -1;
			block = b;
			rec = pass_add(&p);
			memcpy(rec, one, k->size);
		}
		fn(arg, rec);
	}
	if (rc == 0 && p.n)
		rc = pass_write(&p, block, err);
	db_finalize(st);
	pass_release(&p);
	free(one);
	return rc < 0 ? -1 : 0;
}

/* The changed keys, ascending, and the records of their rows now. */
struct changes {
	int64_t *keys;
	long nkeys, ki;
	unsigned char *recs;
	long nrecs, ri;
};

static int load_changes(struct db *db, const struct growblock_kind *k, struct changes *c,
			struct err *err)
{
	char *q = xasprintf("SELECT * FROM %s ORDER BY 1", k->dirty);
	sqlite3_stmt *st = NULL;
	size_t cap = 0, cap2 = 0;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = db_prepare(db, &st, q, err);
	free(q);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		rc = 0;
		c->keys = xgrow(c->keys, &cap, (size_t)c->nkeys + 1, sizeof(*c->keys));
		c->keys[c->nkeys++] = sqlite3_column_int64(st, 0);
	}
	db_finalize(st);
	st = NULL;
	if (rc == 0)
		rc = db_prepare(db, &st, k->changed, err);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		rc = 0;
		c->recs = xgrow(c->recs, &cap2, (size_t)(c->nrecs + 1) * k->size, 1);
		k->encode(st, c->recs + (size_t)c->nrecs++ * k->size);
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* Whether a block's bytes are one this code wrote for k. */
static int block_ok(const struct growblock_kind *k, const unsigned char *p, int len)
{
	uint32_t magic, n;

	if (!p || len < 8)
		return 0;
	memcpy(&magic, p, 4);
	memcpy(&n, p + 4, 4);
	return magic == k->magic && (size_t)len == 8 + (size_t)n * k->size;
}

/* Whether key is among the changed keys from k0 to c->ki. */
static int changed(const struct changes *c, long k0, int64_t key)
{
	long lo = k0, hi = c->ki - 1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;

		if (c->keys[mid] == key)
			return 1;
		if (c->keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

/*
 * Block b: its kept records (data, n; none for a block not kept) merged
 * with the changes in it, each passed to fn; written back when a change
 * falls in it.
 */
static int merge_block(struct pass *p, int64_t b, const unsigned char *data, uint32_t n,
		       struct changes *c, growblock_fn fn, void *arg, struct err *err)
{
	const struct growblock_kind *k = p->k;
	int64_t end = (b + 1) * GROWBLOCK_KEYS;
	long k0 = c->ki;
	uint32_t i = 0;

	while (c->ki < c->nkeys && c->keys[c->ki] < end)
		c->ki++;
	if (c->ki == k0) {
		for (i = 0; i < n; i++)
			fn(arg, data + 8 + (size_t)i * k->size);
		return 0;
	}
	p->n = 0;
	for (;;) {
		const unsigned char *old = NULL, *rec;

		for (; i < n; i++) {
			old = data + 8 + (size_t)i * k->size;
			if (!changed(c, k0, growblock_key(old)))
				break;
			old = NULL;
		}
		rec = c->ri < c->nrecs ? c->recs + (size_t)c->ri * k->size : NULL;
		if (rec && growblock_key(rec) < end && (!old || growblock_key(rec) < growblock_key(old))) {
			c->ri++;
		} else if (old) {
			rec = old;
			i++;
		} else {
			break;
		}
		memcpy(pass_add(p), rec, k->size);
		fn(arg, rec);
	}
	return pass_write(p, b, err);
}

/* From the blocks and the changes: 0, 1 when a block is not one this code wrote, -1. */
static int from_blocks(struct db *db, const struct growblock_kind *k, growblock_fn fn, void *arg,
		       struct err *err)
{
	char *q = xasprintf("SELECT block, data FROM %s ORDER BY block", k->blocks);
	sqlite3_stmt *st = NULL;
	struct changes c;
	struct pass p;
	int rc;

	rc = load_changes(db, k, &c, err) < 0 || pass_init(&p, db, k, err) < 0 ||
	     db_prepare(db, &st, q, err) < 0 ? -1 : 0;
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		int64_t b = sqlite3_column_int64(st, 0);
		const unsigned char *data = sqlite3_column_blob(st, 1);
		uint32_t n;

		rc = 0;
		if (!block_ok(k, data, sqlite3_column_bytes(st, 1))) {
			rc = 1;
			break;
		}
		/* Blocks not kept that changed keys fall in (new keys) come first. */
		while (rc == 0 && c.ki < c.nkeys && c.keys[c.ki] / GROWBLOCK_KEYS < b)
			rc = merge_block(&p, c.keys[c.ki] / GROWBLOCK_KEYS, NULL, 0, &c, fn, arg, err);
		memcpy(&n, data + 4, 4);
		if (rc == 0)
			rc = merge_block(&p, b, data, n, &c, fn, arg, err);
	}
	while (rc == 0 && c.ki < c.nkeys)
		rc = merge_block(&p, c.keys[c.ki] / GROWBLOCK_KEYS, NULL, 0, &c, fn, arg, err);
	if (rc == 0)
		rc = empty(db, k->dirty, err);
	db_finalize(st);
	pass_release(&p);
	free(c.keys);
	free(c.recs);
	free(q);
	return rc;
}

int growblock_each(struct db *db, const struct growblock_kind *k, growblock_fn fn,
		   void (*reset)(void *arg), void *arg, struct err *err)
{
	char *q1 = xasprintf("SELECT count(*), coalesce(max(block), 0) FROM %s", k->blocks);
	char *q2 = xasprintf("SELECT count(*) FROM %s", k->dirty);
	sqlite3_stmt *st = NULL;
	int64_t have, blocks = 0, last = 0, nchanged = 0;
	int rc, ok = 0;

	rc = db_int(db, err, &have, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
		    "AND name = ?", "s", k->blocks);
	if (rc == 0 && have)
		rc = db_prepare(db, &st, q1, err);
	if (rc == 0 && st && (rc = db_step(st, err)) == 1) {
		blocks = sqlite3_column_int64(st, 0);
		last = sqlite3_column_int64(st, 1);
		rc = 0;
	}
	db_finalize(st);
	if (rc == 0 && have)
		rc = db_int(db, err, &nchanged, q2, "");
	if (rc == 0 && have && (ok = armed(db, k, err)) < 0)
		rc = -1;
	free(q1);
	free(q2);
	if (rc < 0)
		return err_prefix(err, "%s", k->blocks);
	if (!have)
		return from_table(db, k, 0, fn, arg, err) < 0 ? err_prefix(err, "%s", k->blocks) : 0;
	if (ok && blocks > 0 && nchanged * 8 <= (last + 1) * GROWBLOCK_KEYS) {
		rc = from_blocks(db, k, fn, arg, err);
		if (rc <= 0)
			return rc < 0 ? err_prefix(err, "%s", k->blocks) : 0;
		reset(arg);
	}
	return from_table(db, k, 1, fn, arg, err) < 0 ? err_prefix(err, "%s", k->blocks) : 0;
}
