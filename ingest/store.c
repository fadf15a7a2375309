/*
 * store: SQL of the ingest stage.  Exact duplicates are found by the
 * database itself: report has UNIQUE (source, ext_id) and UNIQUE
 * content_hash, and the insert says ON CONFLICT DO NOTHING, so one
 * indexed statement both checks and writes, and a duplicate costs no
 * full-text indexing: the batch's new reports are indexed together, a
 * run of ids per statement (see report_fts in common/schema.sql for
 * why not one by one).
 */
#include "ingest/store.h"

#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define SQL_REPORT_COLUMNS \
	"report(source, ext_id, id_derived, kind, category, received_at," \
	" received_text, occurred_at, occurred_text, date_flags, place, lat, lon," \
	" reliability, credibility, grading_default, informant, text, fields, extra, raw," \
	" content_hash, sketch, batch_id, line)"
#define SQL_REPORT_VALUES "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define SQL_ADD_REPORT "INSERT INTO " SQL_REPORT_COLUMNS " VALUES " SQL_REPORT_VALUES
/* Parameters of one report row. */
#define REPORT_NPARAM 25

/*
 * A report the worker foresaw as new goes in by a plain INSERT: the
 * unique keys are checked all the same, but without the upsert's
 * handling (an INSERT ... SELECT of 400,000 reports: 4.9 s CPU with
 * ON CONFLICT DO NOTHING, 3.9 s without).  Should one be a duplicate
 * after all, the constraint fails the file, as any wrong prediction does.
 */
static const char sql_add_report[] = SQL_ADD_REPORT " ON CONFLICT DO NOTHING";
static const char sql_add_new[] = SQL_ADD_REPORT;

/*
 * The INSERT OR FAIL of INGEST_STORE_RUN rows (ingest_store_add_new).
 * OR FAIL, not the default ABORT: an ABORT of a statement that writes
 * several rows needs a statement journal to undo those before the
 * failing one, and a failure fails the file anyway.
 */
#define SQL_ADD_RUN "INSERT OR FAIL INTO " SQL_REPORT_COLUMNS " VALUES "

/* The near-duplicate buckets' rows, BAND_RUN and SKETCH_RUN a statement. */
#define SQL_ADD_BAND "INSERT OR IGNORE INTO report_band(key, id, band) VALUES "
#define SQL_ADD_SKETCH "INSERT OR IGNORE INTO report_sketch(id, root, sketch, day) VALUES "
#define BAND_RUN 64
#define SKETCH_RUN 32

/* Bind, step once, reset. */
static int step_once(sqlite3_stmt *st, struct err *err)
{
	int rc = db_step(st, err);

	sqlite3_reset(st);
	return rc < 0 ? -1 : 0;
}

int ingest_store_open(struct ingest_store *s, struct db *db, struct err *err)
{
	memset(s, 0, sizeof(*s));
	s->db = db;
	if (db_prepare_rows(db, &s->add_run, SQL_ADD_RUN, SQL_REPORT_VALUES, INGEST_STORE_RUN, err) < 0 ||
	    db_prepare_rows(db, &s->add_band, SQL_ADD_BAND, "(?, ?, ?)", 1, err) < 0 ||
	    db_prepare_rows(db, &s->add_bands, SQL_ADD_BAND, "(?, ?, ?)", BAND_RUN, err) < 0 ||
	    db_prepare_rows(db, &s->add_sketch, SQL_ADD_SKETCH, "(?, ?, ?, ?)", 1, err) < 0 ||
	    db_prepare_rows(db, &s->add_sketches, SQL_ADD_SKETCH, "(?, ?, ?, ?)", SKETCH_RUN, err) < 0 ||
	    db_prepare(db, &s->find_batch,
		       "SELECT id FROM batch WHERE sha256 = ? AND status = 'done' ORDER BY id LIMIT 1",
		       err) < 0 ||
	    db_prepare(db, &s->add_batch,
		       "INSERT INTO batch(file, sha256, format, encoding, status, ingested_at)"
		       " VALUES (?, ?, ?, ?, 'done', ?)", err) < 0 ||
	    db_prepare(db, &s->end_batch,
		       "UPDATE batch SET n_read = ?, n_new = ?, n_duplicate = ?, n_near = ?,"
		       " n_quarantined = ? WHERE id = ?", err) < 0 ||
	    db_prepare(db, &s->add_report, sql_add_report, err) < 0 ||
	    db_prepare(db, &s->add_new, sql_add_new, err) < 0 ||
	    db_prepare(db, &s->set_near,
		       "UPDATE report SET near_dup_of = ?, near_sim = ? WHERE id = ?", err) < 0 ||
	    db_prepare(db, &s->add_quarantine,
		       "INSERT INTO quarantine(batch_id, file, line, reason, raw)"
		       " VALUES (?, ?, ?, ?, ?)", err) < 0 ||
	    db_prepare(db, &s->index_batch,
		       "INSERT INTO report_fts(rowid, text) SELECT id, text FROM report"
		       " WHERE id BETWEEN ? AND ?", err) < 0 ||
	    db_prepare(db, &s->known,
		       "SELECT EXISTS (SELECT 1 FROM report WHERE content_hash = ?1)"
		       " OR EXISTS (SELECT 1 FROM report WHERE source = ?2 AND ext_id = ?3)", err) < 0 ||
	    db_prepare(db, &s->next_id, "SELECT coalesce(max(id), 0) + 1 FROM report", err) < 0 ||
	    db_prepare(db, &s->get_text, "SELECT text, coalesce(place, ''), occurred_at, received_at FROM report WHERE id = ?", err) < 0 ||
	    db_prepare(db, &s->get_band,
		       "SELECT id, band FROM report_band WHERE key = ? AND id < ? ORDER BY id, band",
		       err) < 0 ||
	    db_prepare(db, &s->get_sketch, "SELECT root, sketch, day FROM report_sketch WHERE id = ?",
		       err) < 0)
		return -1;
	return 0;
}

/* Every statement of s, for close and reset. */
#define STORE_NSTMT 18

static void all_stmts(const struct ingest_store *s, sqlite3_stmt *all[STORE_NSTMT])
{
	sqlite3_stmt *const list[STORE_NSTMT] = {
		s->find_batch, s->add_batch, s->end_batch, s->add_report, s->add_new, s->add_run,
		s->set_near,
		s->add_quarantine, s->get_text, s->index_batch, s->known, s->next_id,
		s->add_band, s->add_bands, s->add_sketch, s->add_sketches, s->get_band, s->get_sketch,
	};

	memcpy(all, list, sizeof(list));
}

void ingest_store_close(struct ingest_store *s)
{
	sqlite3_stmt *all[STORE_NSTMT];

	all_stmts(s, all);
	for (size_t i = 0; i < STORE_NSTMT; i++)
		db_finalize(all[i]);
	memset(s, 0, sizeof(*s));
}

void ingest_store_reset(struct ingest_store *s)
{
	sqlite3_stmt *all[STORE_NSTMT];

	all_stmts(s, all);
	for (size_t i = 0; i < STORE_NSTMT; i++)
		if (all[i])
			sqlite3_reset(all[i]);
}

int ingest_store_find_batch(struct ingest_store *s, const char *sha256, int64_t *id,
			    struct err *err)
{
	int rc;

	*id = 0;
	if (db_bind(s->find_batch, err, "s", sha256) < 0)
		return -1;
	rc = db_step(s->find_batch, err);
	if (rc == 1)
		*id = sqlite3_column_int64(s->find_batch, 0);
	sqlite3_reset(s->find_batch);
	return rc < 0 ? -1 : 0;
}

int ingest_store_add_batch(struct ingest_store *s, const char *file, const char *sha256,
			   const char *format, const char *encoding, int64_t *id,
			   struct err *err)
{
	char now[32];

	db_now(now);
	if (db_bind(s->add_batch, err, "sssss", file, sha256, format, encoding, now) < 0 ||
	    step_once(s->add_batch, err) < 0)
		return -1;
	*id = db_last_id(s->db);
	return 0;
}

int ingest_store_end_batch(struct ingest_store *s, int64_t batch,
			   const struct ingest_counts *c, struct err *err)
{
	if (db_bind(s->end_batch, err, "IIIIII", (int64_t)c->read, (int64_t)c->new_,
		    (int64_t)c->duplicates, (int64_t)c->near, (int64_t)c->quarantined,
		    batch) < 0)
		return -1;
	return step_once(s->end_batch, err);
}

int ingest_store_index(struct ingest_store *s, int64_t from, int64_t to, struct err *err)
{
	if (db_bind(s->index_batch, err, "II", from, to) < 0)
		return -1;
	return step_once(s->index_batch, err);
}

void ingest_sketch_encode(const struct dedup_sketch *sk, unsigned char out[4 * DEDUP_NHASH])
{
	for (int i = 0; i < DEDUP_NHASH; i++)
		for (int b = 0; b < 4; b++)
			out[4 * i + b] = (unsigned char)(sk->mh[i] >> (8 * b));
}

void ingest_sketch_decode(const unsigned char *in, struct dedup_sketch *sk)
{
	for (int i = 0; i < DEDUP_NHASH; i++)
		sk->mh[i] = (uint32_t)in[4 * i] | (uint32_t)in[4 * i + 1] << 8 |
			    (uint32_t)in[4 * i + 2] << 16 | (uint32_t)in[4 * i + 3] << 24;
}

/*
 * The row's strings live until the statement has run, so they are bound
 * without the copy db_bind makes (SQLITE_STATIC), and every parameter is
 * bound each time, so none needs clearing: at tens of thousands of rows
 * a second the copies were a tenth of the insert.
 */
static int bind_text(sqlite3_stmt *st, int col, const char *s)
{
	return s ? sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, col);
}

/*
 * The long texts go with the length ingest_row_build measured on the
 * worker: SQLite's strlen of them was 2.5% of the writer's time on a
 * first load of 1,000,000 reports (perf).
 */
static int bind_long(sqlite3_stmt *st, int col, const char *s, size_t len)
{
	return s ? sqlite3_bind_text(st, col, s, (int)ingest_row_len(s, len), SQLITE_STATIC) :
		   sqlite3_bind_null(st, col);
}

/*
 * Bind report r's parameters (the r-th row of the statement's VALUES);
 * blob holds its sketch's bytes until the statement has run.
 */
static int bind_row(sqlite3_stmt *st, int r, const struct ingest_row *row, const char *raw,
		    size_t raw_len, const struct dedup_sketch *sk, int64_t batch, long line,
		    unsigned char blob[4 * DEDUP_NHASH], struct err *err)
{
	const char *text[] = {
		row->source, row->ext_id, NULL, row->kind, row->category, row->received_at,
		row->received_text, row->occurred_at, row->occurred_text,
	};
	int base = r * REPORT_NPARAM, rc = SQLITE_OK, col;

	for (col = 1; col <= 9 && rc == SQLITE_OK; col++)
		rc = col == 3 ? sqlite3_bind_int(st, base + col, row->id_derived) :
				bind_text(st, base + col, text[col - 1]);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, base + 10, row->date_flags);
	if (rc == SQLITE_OK)
		rc = bind_text(st, base + 11, row->place);
	if (rc == SQLITE_OK)
		rc = row->has_lat ? sqlite3_bind_double(st, base + 12, row->lat) :
				    sqlite3_bind_null(st, base + 12);
	if (rc == SQLITE_OK)
		rc = row->has_lon ? sqlite3_bind_double(st, base + 13, row->lon) :
				    sqlite3_bind_null(st, base + 13);
	if (rc == SQLITE_OK)
		rc = bind_text(st, base + 14, row->reliability);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, base + 15, row->credibility);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, base + 16, row->grading_default);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, base + 17, row->informant);
	if (rc == SQLITE_OK)
		rc = bind_long(st, base + 18, row->text, row->text_len);
	if (rc == SQLITE_OK)
		rc = bind_long(st, base + 19, row->fields, row->fields_len);
	if (rc == SQLITE_OK)
		rc = bind_long(st, base + 20, row->extra, row->extra_len);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob(st, base + 21, raw_len ? raw : "", (int)raw_len, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = bind_text(st, base + 22, row->content_hash);
	if (rc == SQLITE_OK && sk) {
		ingest_sketch_encode(sk, blob);
		rc = sqlite3_bind_blob(st, base + 23, blob, 4 * DEDUP_NHASH, SQLITE_STATIC);
	} else if (rc == SQLITE_OK) {
		rc = sqlite3_bind_null(st, base + 23);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, base + 24, batch);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, base + 25, (int64_t)line);
	if (rc != SQLITE_OK)
		return err_set(err, "cannot bind parameter: %s (in '%.60s')", sqlite3_errstr(rc),
			       sqlite3_sql(st));
	return 0;
}

int ingest_store_add_report(struct ingest_store *s, const struct ingest_row *row,
			    const char *raw, size_t raw_len, const struct dedup_sketch *sk,
			    int64_t batch, long line, int fresh, int64_t *id, struct err *err)
{
	sqlite3_stmt *st = fresh ? s->add_new : s->add_report;
	unsigned char blob[4 * DEDUP_NHASH];

	*id = 0;
	sqlite3_reset(st);
	if (bind_row(st, 0, row, raw, raw_len, sk, batch, line, blob, err) < 0 ||
	    step_once(st, err) < 0)
		return -1;
	if (sqlite3_changes(s->db->h) > 0)
		*id = db_last_id(s->db);
	return 0;
}

/*
 * Runs of INGEST_STORE_RUN rows go in by one statement each, the rest
 * one by one: a statement's own cost (its cursors on the table and its
 * seven indexes opened and closed, the VM started and halted) was a
 * quarter of a row's insert (300,000 reports: 2.7-3.1 s CPU one a
 * statement, 2.1-2.2 s sixteen).
 */
struct new_rows {
	const struct ingest_new *v;
	int64_t batch;
	unsigned char blob[INGEST_STORE_RUN][4 * DEDUP_NHASH];
};

static int bind_new(void *arg, sqlite3_stmt *st, int r, size_t i, struct err *err)
{
	struct new_rows *a = arg;
	const struct ingest_new *v = &a->v[i];

	return bind_row(st, r, v->row, v->raw, v->raw_len, v->sk, a->batch, v->line, a->blob[r], err);
}

int ingest_store_add_new(struct ingest_store *s, const struct ingest_new *v, size_t n,
			 int64_t batch, int64_t *last, struct err *err)
{
	struct new_rows a = { v, batch, { { 0 } } };

	if (db_write_rows(s->add_run, INGEST_STORE_RUN, s->add_new, n, 0, bind_new, &a, err) < 0)
		return -1;
	*last = db_last_id(s->db);
	return 0;
}

int ingest_store_set_near(struct ingest_store *s, int64_t id, int64_t of, double sim,
			  struct err *err)
{
	if (db_bind(s->set_near, err, "IdI", of, sim, id) < 0)
		return -1;
	return step_once(s->set_near, err);
}

int ingest_store_add_quarantine(struct ingest_store *s, int64_t batch, const char *file,
				long line, const char *reason, const char *raw,
				size_t raw_len, struct err *err)
{
	if (db_bind(s->add_quarantine, err, "IsIsb", batch, file, (int64_t)line, reason,
		    raw, (int)raw_len) < 0)
		return -1;
	return step_once(s->add_quarantine, err);
}

/* One row of one integer column. */
static int one_int(sqlite3_stmt *st, int64_t *v, struct err *err)
{
	int rc = db_step(st, err);

	if (rc == 1)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == 0)
		return err_set(err, "no row from '%.60s'", sqlite3_sql(st));
	return rc < 0 ? -1 : 0;
}

int ingest_store_known(struct ingest_store *s, const char *source, const char *ext_id,
		       const char *content_hash, int *known, struct err *err)
{
	int64_t v = 0;

	if (db_bind(s->known, err, "sss", content_hash, source, ext_id) < 0 ||
	    one_int(s->known, &v, err) < 0)
		return -1;
	*known = v != 0;
	return 0;
}

int ingest_store_next_id(struct ingest_store *s, int64_t *id, struct err *err)
{
	return one_int(s->next_id, id, err);
}

const char *ingest_store_text(void *store, int64_t id, size_t *len, const char **place,
			      long *day)
{
	struct ingest_store *s = store;
	const char *occurred, *received;

	if (db_bind(s->get_text, NULL, "I", id) < 0 || db_step(s->get_text, NULL) != 1)
		return NULL;
	occurred = (const char *)sqlite3_column_text(s->get_text, 2);
	received = (const char *)sqlite3_column_text(s->get_text, 3);
	*day = ingest_report_day(occurred, received);
	*len = (size_t)sqlite3_column_bytes(s->get_text, 0);
	*place = db_text(s->get_text, 1);
	return db_text(s->get_text, 0);
}

int ingest_store_load_sketches(struct ingest_store *s, struct ingest_dedup *d,
			       struct ingest_bands *out, struct err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(s->db, &st,
		       "SELECT id, coalesce(near_dup_of, id), sketch, occurred_at, received_at FROM report"
		       " WHERE sketch IS NOT NULL ORDER BY id", err) < 0)
		return -1;
	while ((rc = db_step(st, err)) == 1) {
		struct dedup_sketch sk;
		int64_t id = sqlite3_column_int64(st, 0), root = sqlite3_column_int64(st, 1);
		long day = ingest_report_day((const char *)sqlite3_column_text(st, 3),
					     (const char *)sqlite3_column_text(st, 4));

		if (sqlite3_column_bytes(st, 2) != 4 * DEDUP_NHASH)
			continue;
		ingest_sketch_decode(sqlite3_column_blob(st, 2), &sk);
		ingest_bands_add(out, id, root, day, &sk, ingest_dedup_add(d, id, root, day, &sk));
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

void ingest_bands_add(struct ingest_bands *b, int64_t id, int64_t root, long day,
		      const struct dedup_sketch *sk, int taken)
{
	struct ingest_band *r;

	if (!taken)
		return;
	b->v = xgrow(b->v, &b->cap, b->n + 1, sizeof(*b->v));
	r = &b->v[b->n++];
	r->id = id;
	r->root = root;
	r->day = day;
	r->sk = *sk;
	r->taken = taken;
}

void ingest_bands_release(struct ingest_bands *b)
{
	free(b->v);
	memset(b, 0, sizeof(*b));
}

struct band_row {
	uint32_t key;
	int band;
	int64_t id;
};

static int band_cmp(const void *x, const void *y)
{
	const struct band_row *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return a->band - b->band;
}

static int bind_sketch(void *arg, sqlite3_stmt *st, int r, size_t i, struct err *err)
{
	const struct ingest_band *v = &((const struct ingest_bands *)arg)->v[i];
	unsigned char blob[4 * DEDUP_NHASH];
	int rc;

	ingest_sketch_encode(&v->sk, blob);
	rc = sqlite3_bind_int64(st, 4 * r + 1, v->id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4 * r + 2, v->root);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob(st, 4 * r + 3, blob, (int)sizeof(blob), SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4 * r + 4, v->day);
	if (rc != SQLITE_OK)
		return err_set(err, "cannot bind parameter: %s", sqlite3_errstr(rc));
	return 0;
}

static int bind_band(void *arg, sqlite3_stmt *st, int r, size_t i, struct err *err)
{
	const struct band_row *v = &((const struct band_row *)arg)[i];
	int rc = sqlite3_bind_int64(st, 3 * r + 1, (int64_t)v->key);

	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3 * r + 2, v->id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 3 * r + 3, v->band);
	if (rc != SQLITE_OK)
		return err_set(err, "cannot bind parameter: %s", sqlite3_errstr(rc));
	return 0;
}

/*
 * report_sketch in id order, which appends; report_band in key order:
 * the keys are hashes, so rows in id order would land all over the
 * table, and in key order each of its pages is written once.
 */
int ingest_store_add_bands(struct ingest_store *s, struct ingest_bands *b, struct err *err)
{
	struct band_row *rows = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;

	if (db_write_rows(s->add_sketches, SKETCH_RUN, s->add_sketch, b->n, 0, bind_sketch, b, err) < 0)
		goto out;
	for (size_t i = 0; i < b->n; i++) {
		const struct ingest_band *r = &b->v[i];

		for (int band = 0; band < DEDUP_BANDS; band++) {
			if (!(r->taken & (1 << band)))
				continue;
			rows = xgrow(rows, &cap, n + 1, sizeof(*rows));
			rows[n].key = ingest_dedup_band_key(&r->sk, band);
			rows[n].band = band;
			rows[n].id = r->id;
			n++;
		}
	}
	if (n)
		qsort(rows, n, sizeof(*rows), band_cmp);
	if (db_write_rows(s->add_bands, BAND_RUN, s->add_band, n, 0, bind_band, rows, err) < 0)
		goto out;
	b->n = 0;
	rc = 0;
out:
	free(rows);
	return rc;
}

/*
 * A member of several buckets is read from report_sketch once: the
 * bucket's rows say which reports, and only those the index does not
 * hold yet are read.
 */
int ingest_store_load_band(struct ingest_store *s, struct ingest_dedup *d, uint32_t key,
			   int64_t before, struct err *err)
{
	int rc;

	if (db_bind(s->get_band, err, "II", (int64_t)key, before) < 0)
		return -1;
	while ((rc = db_step(s->get_band, err)) == 1) {
		int64_t id = sqlite3_column_int64(s->get_band, 0);
		int band = sqlite3_column_int(s->get_band, 1), r;
		struct dedup_sketch sk;

		if (ingest_dedup_stored_known(d, key, band, id))
			continue;
		if (db_bind(s->get_sketch, err, "I", id) < 0 || (r = db_step(s->get_sketch, err)) < 0) {
			rc = -1;
			break;
		}
		if (r == 1 && sqlite3_column_bytes(s->get_sketch, 1) == 4 * DEDUP_NHASH) {
			long day = sqlite3_column_type(s->get_sketch, 2) == SQLITE_NULL
					   ? -1 : (long)sqlite3_column_int64(s->get_sketch, 2);

			ingest_sketch_decode(sqlite3_column_blob(s->get_sketch, 1), &sk);
			ingest_dedup_stored(d, key, band, id, sqlite3_column_int64(s->get_sketch, 0), day,
					    &sk);
		}
		sqlite3_reset(s->get_sketch);
	}
	sqlite3_reset(s->get_band);
	return rc < 0 ? -1 : 0;
}

int ingest_store_bands_built(struct ingest_store *s, int *built, struct err *err)
{
	int64_t v;

	if (db_int(s->db, err, &v, "SELECT coalesce((SELECT built FROM report_band_state), 0)", "") < 0)
		return -1;
	*built = v != 0;
	return 0;
}

int ingest_store_set_bands_built(struct ingest_store *s, struct err *err)
{
	return db_run(s->db, err, "UPDATE report_band_state SET built = 1", "");
}
