/*
 * store: the stage's SQL, one table of statements prepared by
 * store_open and finalised by store_close.
 *
 * A link gets each report's weight and evidence as the report is
 * analyzed (see store_link); a report's weight is also kept in
 * 'analyzed', so that when a merge joins two persons' links the weight
 * is summed again from the evidence rather than added twice for a
 * report that evidenced both.
 */
#include "analyze/store.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum {
	ENT_RESET, ENT_SEEN, ENT_HUB, ENT_ATTRS, ENT_MERGED,
	MEN_MOVE,
	LINK_NEW, LINK_ID, LINK_ADD, LINK_WIDEN, LINK_OF, EVID_COPY, EVID_DEL, LINK_DEL, LINK_REWEIGH,
	HUB_EVID_DEL, HUB_LINK_DEL, PERSON_USERS, PERSON_NEAR,
	PERSON_UPSERT, PERSON_DEL, PKEY_DEL, FOUND_DEL,
	MLOG_INS, MEV_DEL, MEV_INS,
	MARK_SET,
	N_STMT
};

static const char *const sql[N_STMT] = {
	[ENT_RESET] = "UPDATE entity SET display = ?, attrs = ?, hub = ?, first_seen = ?, last_seen = ?,"
		      " n_reports = 1, merged_into = NULL WHERE id = ?",
	/*
	 * Counts and hub flag apart: an index holding a column the SET names
	 * is rewritten for every row updated, changed or not, and the graph's
	 * entity_graph holds hub (1,285 of the 14,015 pages one more night's
	 * analyze wrote on a 1,000,000-report database).
	 */
	[ENT_SEEN] = "UPDATE entity SET first_seen = ?, last_seen = ?, n_reports = ? WHERE id = ?",
	[ENT_HUB] = "UPDATE entity SET hub = ? WHERE id = ?",
	[ENT_ATTRS] = "UPDATE entity SET display = ?, attrs = ? WHERE id = ?",
	[ENT_MERGED] = "UPDATE entity SET merged_into = ?, n_reports = 0 WHERE id = ?",
	[MEN_MOVE] = "UPDATE mention SET entity_id = ? WHERE entity_id = ?",
	[LINK_NEW] = "INSERT OR IGNORE INTO link(a, b, type, weight, first_seen, last_seen)"
		     " VALUES (?, ?, ?, ?, ?, ?)",
	[LINK_ID] = "SELECT id FROM link WHERE a = ? AND b = ? AND type = ?",
	[LINK_ADD] = "UPDATE link SET weight = weight + ?2,"
		     " first_seen = CASE WHEN first_seen IS NULL OR ?3 < first_seen"
		     "   THEN coalesce(?3, first_seen) ELSE first_seen END,"
		     " last_seen = CASE WHEN last_seen IS NULL OR ?3 > last_seen"
		     "   THEN coalesce(?3, last_seen) ELSE last_seen END"
		     " WHERE id = ?1",
	[LINK_WIDEN] = "UPDATE link SET"
		       " first_seen = CASE WHEN first_seen IS NULL OR ?4 < first_seen"
		       "   THEN coalesce(?4, first_seen) ELSE first_seen END,"
		       " last_seen = CASE WHEN last_seen IS NULL OR ?5 > last_seen"
		       "   THEN coalesce(?5, last_seen) ELSE last_seen END"
		       " WHERE a = ?1 AND b = ?2 AND type = ?3 RETURNING id",
	[LINK_OF] = "SELECT id, a, b, type, first_seen, last_seen FROM link"
		    " WHERE a = ?1 UNION SELECT id, a, b, type, first_seen, last_seen FROM link"
		    " WHERE b = ?1 ORDER BY 1",
	[EVID_COPY] = "INSERT OR IGNORE INTO link_evidence(link_id, report_id)"
		      " SELECT ?, report_id FROM link_evidence WHERE link_id = ?",
	[EVID_DEL] = "DELETE FROM link_evidence WHERE link_id = ?",
	[LINK_DEL] = "DELETE FROM link WHERE id = ?",
	[LINK_REWEIGH] = "UPDATE link SET weight = (SELECT coalesce(sum(an.weight), 0)"
			 " FROM link_evidence e JOIN analyzed an ON an.report_id = e.report_id"
			 " WHERE e.link_id = ?1) WHERE id = ?1",
	[HUB_EVID_DEL] = "DELETE FROM link_evidence WHERE link_id IN"
			 " (SELECT id FROM link WHERE a = ?1 UNION SELECT id FROM link WHERE b = ?1)",
	[HUB_LINK_DEL] = "DELETE FROM link WHERE id IN"
			 " (SELECT id FROM link WHERE a = ?1 UNION SELECT id FROM link WHERE b = ?1)",
	/*
	 * (a, b, type) is unique and an identifier has one link type, so each
	 * person is one row here, and a co-mention partner is either a or b:
	 * no DISTINCT or UNION needed.
	 */
	[PERSON_USERS] = "SELECT count(*) FROM link WHERE b = ?"
			 " AND type IN ('holds', 'uses', 'drives')",
	[PERSON_NEAR] = "SELECT count(*) FROM (SELECT 1 FROM link l JOIN entity e ON e.id = l.a"
			" WHERE l.b = ?1 AND l.type = 'co_mention' AND e.type = 'person'"
			" UNION ALL SELECT 1 FROM link l JOIN entity e ON e.id = l.b"
			" WHERE l.a = ?1 AND l.type = 'co_mention' AND e.type = 'person')",
	[PERSON_UPSERT] = "INSERT INTO person(entity_id, idcard, sex, birth, birth_lo, birth_hi)"
			  " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(entity_id) DO UPDATE SET"
			  " idcard = excluded.idcard, sex = excluded.sex, birth = excluded.birth,"
			  " birth_lo = excluded.birth_lo, birth_hi = excluded.birth_hi",
	[PERSON_DEL] = "DELETE FROM person WHERE entity_id = ?",
	[PKEY_DEL] = "DELETE FROM person_key WHERE entity_id = ?",
	[FOUND_DEL] = "DELETE FROM person_founder WHERE entity_id = ?",
	[MLOG_INS] = "INSERT OR REPLACE INTO merge_log(id, kept, report_id, keys, kept_founders,"
		     " merged_founders) VALUES (?, ?, ?, ?, ?, ?)",
	[MEV_DEL] = "DELETE FROM merge_evidence WHERE merge_id = ?",
	[MEV_INS] = "INSERT OR IGNORE INTO merge_evidence(merge_id, report_id) VALUES (?, ?)",
	[MARK_SET] = "INSERT OR REPLACE INTO analyze_mark(id, through) VALUES (1, ?)",
};

/*
 * Bind every parameter of st (the letters of db_bind: s i I d n), with
 * no copies: each statement here is stepped at once and reset by run()
 * or run_id(), and every use binds all of its parameters again, so the
 * borrowed strings are never read after the call that gave them.  This
 * is db_bind without its reset, clearing and copying, which cost as
 * much as a small insert.
 */
static int bind(sqlite3_stmt *st, struct err *err, const char *fmt, ...)
{
	va_list ap;
	int rc = SQLITE_OK;

	va_start(ap, fmt);
	for (int i = 0; fmt[i] && rc == SQLITE_OK; i++) {
		const char *s;

		switch (fmt[i]) {
		case 's':
			s = va_arg(ap, const char *);
			rc = s ? sqlite3_bind_text(st, i + 1, s, -1, SQLITE_STATIC)
			       : sqlite3_bind_null(st, i + 1);
			break;
		case 'i':
			rc = sqlite3_bind_int(st, i + 1, va_arg(ap, int));
			break;
		case 'I':
			rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
			break;
		case 'd':
			rc = sqlite3_bind_double(st, i + 1, va_arg(ap, double));
			break;
		case 'n':
			rc = sqlite3_bind_null(st, i + 1);
			break;
		default:
			rc = SQLITE_MISUSE;
			break;
		}
	}
	va_end(ap);
	if (rc != SQLITE_OK)
		return err_set(err, "cannot bind parameter: %s (in '%.60s')",
			       sqlite3_errstr(rc), sqlite3_sql(st));
	return 0;
}

/* Step a bound statement to completion. */
static int run(sqlite3_stmt *st, struct err *err)
{
	int rc;

	while ((rc = db_step(st, err)) == 1)
		;
	sqlite3_reset(st);
	return rc;
}

/* Step a bound statement whose first row's first column is an id. */
static int run_id(sqlite3_stmt *st, int64_t *id, struct err *err)
{
	int rc = db_step(st, err);

	if (rc == 1)
		*id = sqlite3_column_int64(st, 0);
	while (rc == 1)
		rc = db_step(st, err);
	sqlite3_reset(st);
	return rc;
}

/*
 * Rows held back.  Most of an insert's cost is the statement, not the
 * row: a report's four mentions, its evidence, categories and its
 * analyzed row each took a statement of their own.  So these rows are
 * kept (strings copied into one buffer) and written ROWS_AT_ONCE to a
 * statement of that many VALUES groups, the rest one at a time, in the
 * order given, so that rowids come out as before.
 *
 * A plain INSERT of many rows must be undone alone if one of its rows
 * breaks a constraint, so SQLite copies every page it first changes
 * into a statement journal (16 KiB a page, in 1 KiB pieces each
 * allocated): 7% of the stage's instructions.  A statement that cannot
 * abort needs none, so every table here is written with OR IGNORE, and
 * where no row may be ignored (every) a row not written is an error
 * (db_write_rows counts them), on which the stage rolls the whole
 * transaction back, as on any.  (OR FAIL would spare the journal too,
 * but a trigger's statements take the policy of the one that fires
 * them, and the graph stage's triggers on link and mention are written
 * OR IGNORE: under OR IGNORE they run as written.)
 */
enum {
	ROWS_ENTITY, ROWS_LINK, ROWS_MENTION, ROWS_EVIDENCE, ROWS_CATEGORY, ROWS_VALUE, ROWS_ANALYZED,
	ROWS_PLACE, ROWS_PKEY, ROWS_FOUNDER, N_ROWS
};

#define ROWS_AT_ONCE 64

static const struct {
	const char *conflict;
	int every;              /* 1: no row may be ignored */
	const char *table, *cols;
	int ncol;
} rows_sql[N_ROWS] = {
	[ROWS_ENTITY] = { "OR IGNORE", 1, "entity", "id, type, key, display, attrs, hub, first_seen,"
			  " last_seen, n_reports, merged_into", 10 },
	[ROWS_LINK] = { "OR IGNORE", 1, "link", "id, a, b, type, weight, first_seen, last_seen", 7 },
	[ROWS_MENTION] = { "OR IGNORE", 1, "mention", "id, report_id, entity_id, start, end, field,"
			   " surface, role, rule, confidence, attrs", 11 },
	[ROWS_EVIDENCE] = { "OR IGNORE", 0, "link_evidence", "link_id, report_id", 2 },
	[ROWS_CATEGORY] = { "OR IGNORE", 0, "report_category", "report_id, category, is_primary, score",
			    4 },
	[ROWS_VALUE] = { "OR IGNORE", 1, "report_value", "report_id, type, value, surface, start, end,"
			 " attrs", 7 },
	[ROWS_ANALYZED] = { "OR IGNORE", 1, "analyzed", "report_id, analyzed_at, weight", 3 },
	[ROWS_PLACE] = { "OR IGNORE", 0, "place", "entity_id, parent_id, level", 3 },
	[ROWS_PKEY] = { "OR IGNORE", 0, "person_key", "key, entity_id, report_id", 3 },
	[ROWS_FOUNDER] = { "OR REPLACE", 0, "person_founder", "sig, entity_id", 2 },
};

struct cell {
	char kind;              /* a letter of bind(): s i I d n */
	int64_t i;              /* the integer, or the text's offset in rows.text */
	double d;
	size_t len;             /* the text's length */
};

struct store_rows {
	sqlite3_stmt *one, *many;
	int ncol, every;
	struct cell *cells;     /* n rows of ncol cells */
	size_t n_cells, cap_cells;
	struct sbuf text;
};

static int rows_open(struct db *db, struct store_rows *r, int which, struct err *err)
{
	struct sbuf values = SBUF_INIT;
	char *head = xasprintf("INSERT %s INTO %s(%s) VALUES ", rows_sql[which].conflict,
			       rows_sql[which].table, rows_sql[which].cols);
	int rc;

	r->ncol = rows_sql[which].ncol;
	r->every = rows_sql[which].every;
	sbuf_addch(&values, '(');
	for (int c = 0; c < r->ncol; c++)
		sbuf_adds(&values, c ? ", ?" : "?");
	sbuf_addch(&values, ')');
	rc = db_prepare_rows(db, &r->one, head, sbuf_str(&values), 1, err);
	if (rc == 0)
		rc = db_prepare_rows(db, &r->many, head, sbuf_str(&values), ROWS_AT_ONCE, err);
	sbuf_release(&values);
	free(head);
	return rc;
}

static void rows_close(struct store_rows *r)
{
	db_finalize(r->one);
	db_finalize(r->many);
	free(r->cells);
	sbuf_release(&r->text);
	memset(r, 0, sizeof(*r));
}

/* Column col of held-back row i, emptied, of kind (a letter of rows_bind). */
static struct cell *rows_cell(struct store_rows *r, size_t i, int col, char kind)
{
	struct cell *c = &r->cells[i * (size_t)r->ncol + (size_t)col];

	memset(c, 0, sizeof(*c));
	c->kind = kind;
	return c;
}

/* Give column col of held-back row i the text t (NULL: NULL); an old text stays unused. */
static void rows_set_text(struct store_rows *r, size_t i, int col, const char *t)
{
	struct cell *c = rows_cell(r, i, col, t ? 's' : 'n');

	if (!t)
		return;
	c->i = (int64_t)r->text.len;
	c->len = strlen(t);
	sbuf_add(&r->text, t, c->len);
}

/* The text in column col of held-back row i (NULL for NULL), borrowed until the next change; its length in *len. */
static const char *rows_text(const struct store_rows *r, size_t i, int col, size_t *len)
{
	const struct cell *c = &r->cells[i * (size_t)r->ncol + (size_t)col];

	*len = c->len;
	return c->kind == 's' ? r->text.buf + c->i : NULL;
}

/* Give column col of held-back row i the integer v. */
static void rows_set_int(struct store_rows *r, size_t i, int col, int64_t v)
{
	rows_cell(r, i, col, 'I')->i = v;
}

/*
 * Hold back one row: a letter of bind() per column, then the values;
 * also o, an int64_t offset that is NULL when negative.
 */
static void rows_add(struct store_rows *r, const char *fmt, ...)
{
	size_t row = r->n_cells / (size_t)r->ncol;
	va_list ap;

	r->cells = xgrow(r->cells, &r->cap_cells, r->n_cells + (size_t)r->ncol,
			 sizeof(*r->cells));
	r->n_cells += (size_t)r->ncol;
	va_start(ap, fmt);
	for (int i = 0; i < r->ncol; i++) {
		int64_t v;

		switch (fmt[i]) {
		case 's':
			rows_set_text(r, row, i, va_arg(ap, const char *));
			break;
		case 'i':
			rows_set_int(r, row, i, va_arg(ap, int));
			break;
		case 'I':
			rows_set_int(r, row, i, va_arg(ap, int64_t));
			break;
		case 'o':
			v = va_arg(ap, int64_t);
			if (v >= 0)
				rows_set_int(r, row, i, v);
			else
				rows_cell(r, row, i, 'n');
			break;
		case 'd':
			rows_cell(r, row, i, 'd')->d = va_arg(ap, double);
			break;
		default:
			rows_cell(r, row, i, 'n');
			break;
		}
	}
	va_end(ap);
}

/* Bind held-back row i as the statement's row'th row of values (db_write_rows). */
static int rows_bind(void *arg, sqlite3_stmt *st, int row, size_t i, struct err *err)
{
	const struct store_rows *r = arg;
	const struct cell *c = r->cells + i * (size_t)r->ncol;
	int rc = SQLITE_OK;

	for (int k = 0; k < r->ncol && rc == SQLITE_OK; k++) {
		int p = row * r->ncol + k + 1;

		switch (c[k].kind) {
		case 's':
			rc = sqlite3_bind_text(st, p, r->text.buf + c[k].i, (int)c[k].len,
					       SQLITE_STATIC);
			break;
		case 'i':
		case 'I':
			rc = sqlite3_bind_int64(st, p, c[k].i);
			break;
		case 'd':
			rc = sqlite3_bind_double(st, p, c[k].d);
			break;
		default:
			rc = sqlite3_bind_null(st, p);
			break;
		}
	}
	if (rc != SQLITE_OK)
		return err_set(err, "cannot bind parameter: %s (in '%.60s')",
			       sqlite3_errstr(rc), sqlite3_sql(st));
	return 0;
}

static int rows_write(struct store_rows *r, struct err *err)
{
	int rc = db_write_rows(r->many, ROWS_AT_ONCE, r->one, r->n_cells / (size_t)r->ncol,
			       r->every, rows_bind, r, err);

	r->n_cells = 0;
	sbuf_reset(&r->text);
	return rc;
}

/* Write the held rows of tables from..N_ROWS-1. */
static int flush_from(struct store *s, int from, struct err *err)
{
	for (int i = from; i < N_ROWS; i++)
		if (s->rows[i] && rows_write(s->rows[i], err) < 0)
			return -1;
	return 0;
}

int store_flush(struct store *s, struct err *err)
{
	return flush_from(s, ROWS_ENTITY, err);
}

int store_flush_chunk(struct store *s, struct err *err)
{
	return flush_from(s, ROWS_ENTITY + 1, err);
}

int store_open(struct store *s, struct db *db, struct err *err)
{
	_Static_assert(N_ROWS == sizeof(s->rows) / sizeof(s->rows[0]), "one row batch a table");
	memset(s, 0, sizeof(*s));
	s->db = db;
	for (int i = 0; i < N_STMT; i++)
		if (db_prepare(db, &s->st[i], sql[i], err) < 0)
			return -1;
	for (int i = 0; i < N_ROWS; i++) {
		s->rows[i] = xcalloc(1, sizeof(*s->rows[i]));
		if (rows_open(db, s->rows[i], i, err) < 0)
			return -1;
	}
	s->links_fresh = -1;
	linkmap_init(&s->links);
	if (db_int(db, err, &s->next_mention, "SELECT coalesce(max(id), 0) + 1 FROM mention", "") < 0 ||
	    db_int(db, err, &s->next_entity, "SELECT coalesce(max(id), 0) + 1 FROM entity", "") < 0)
		return -1;
	return 0;
}

void store_close(struct store *s)
{
	for (int i = 0; i < N_STMT; i++)
		db_finalize(s->st[i]);
	memset(s->st, 0, sizeof(s->st));
	for (int i = 0; i < N_ROWS; i++) {
		if (s->rows[i])
			rows_close(s->rows[i]);
		free(s->rows[i]);
		s->rows[i] = NULL;
	}
	linkmap_release(&s->links);
	free(s->joined);
	s->joined = NULL;
	s->n_joined = s->cap_joined = 0;
}

int store_clear(struct db *db, struct err *err)
{
	return db_exec(db,
		"DELETE FROM link_evidence; DELETE FROM link; DELETE FROM mention;"
		" DELETE FROM report_category; DELETE FROM report_value; DELETE FROM place;"
		" DELETE FROM merge_evidence; DELETE FROM merge_log;"
		" DELETE FROM person_key; DELETE FROM person_founder; DELETE FROM person;"
		" DELETE FROM analyzed; DELETE FROM analyze_mark;"
		" UPDATE entity SET display = NULL, attrs = '{}', first_seen = NULL,"
		"  last_seen = NULL, hub = 0, n_reports = 0, merged_into = NULL;", err);
}

int store_drop_orphans(struct db *db, struct err *err)
{
	sqlite3_stmt *sel = NULL, *del = NULL;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc;

	rc = db_prepare(db, &sel, "SELECT id FROM entity WHERE n_reports = 0 AND merged_into IS NULL"
			" AND id NOT IN (SELECT merged_into FROM entity WHERE merged_into IS NOT NULL)", err);
	if (rc == 0)
		rc = db_prepare(db, &del, "DELETE FROM entity WHERE id = ?", err);
	while (rc == 0 && (rc = db_step(sel, err)) == 1) {
		ids = xgrow(ids, &cap, n + 1, sizeof(*ids));
		ids[n++] = sqlite3_column_int64(sel, 0);
		rc = 0;
	}
	/* A later stage may still refer to one (its foreign key says no):
	 * that row stays, with n_reports = 0, until that stage lets go. */
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (bind(del, err, "I", ids[i]) < 0)
			rc = -1;
		else
			run(del, NULL);
	}
	db_finalize(sel);
	db_finalize(del);
	free(ids);
	return rc < 0 ? -1 : 0;
}

/*
 * New entity rows are held back for the whole transaction, numbered as
 * SQLite would (the largest id plus one): the rows held are the ids just
 * below next_entity.  A change to one of them is made where it waits,
 * so an entity first met in a transaction is written once, with its
 * counts, names and attributes as the transaction leaves them; a
 * statement that reads the entity table first writes them.
 */
static long held_row(const struct store_rows *r, int64_t next, int64_t id)
{
	int64_t held = (int64_t)(r->n_cells / (size_t)r->ncol);

	if (id < next && id >= next - held)
		return (long)(held - (next - id));
	return -1;
}

static long held_entity(const struct store *s, int64_t id)
{
	return held_row(s->rows[ROWS_ENTITY], s->next_entity, id);
}

static int entities_written(struct store *s, struct err *err)
{
	return s->rows[ROWS_ENTITY]->n_cells ? store_flush(s, err) : 0;
}

int store_entity_insert(struct store *s, const char *type, const char *key,
			const char *display, const char *attrs, int hub, const char *seen,
			int64_t *id, struct err *err)
{
	*id = s->next_entity++;
	rows_add(s->rows[ROWS_ENTITY], "IssssissIn", *id, type, key, display, attrs, hub, seen,
		 seen, (int64_t)1);
	return 0;
}

int store_entity_reset(struct store *s, int64_t id, const char *display,
		       const char *attrs, int hub, const char *seen, struct err *err)
{
	if (bind(s->st[ENT_RESET], err, "ssissI", display, attrs, hub, seen, seen, id) < 0)
		return -1;
	return run(s->st[ENT_RESET], err);
}

int store_entity_seen(struct store *s, int64_t id, const char *first, const char *last,
		      int n_reports, int hub, struct err *err)
{
	long row = held_entity(s, id);

	if (row >= 0) {
		struct store_rows *r = s->rows[ROWS_ENTITY];

		rows_set_text(r, (size_t)row, 6, first);
		rows_set_text(r, (size_t)row, 7, last);
		rows_set_int(r, (size_t)row, 8, n_reports);
		if (hub >= 0)
			rows_set_int(r, (size_t)row, 5, hub);
		return 0;
	}
	if (bind(s->st[ENT_SEEN], err, "ssiI", first, last, n_reports, id) < 0 ||
	    run(s->st[ENT_SEEN], err) < 0)
		return -1;
	if (hub < 0)
		return 0;
	if (bind(s->st[ENT_HUB], err, "iI", hub, id) < 0)
		return -1;
	return run(s->st[ENT_HUB], err);
}

/* An entity's name and attributes: where its row waits, if it does. */
int store_entity_attrs(struct store *s, int64_t id, const char *display,
		       const char *attrs, struct err *err)
{
	long row = held_entity(s, id);

	if (row >= 0) {
		rows_set_text(s->rows[ROWS_ENTITY], (size_t)row, 3, display);
		rows_set_text(s->rows[ROWS_ENTITY], (size_t)row, 4, attrs);
		return 0;
	}
	if (bind(s->st[ENT_ATTRS], err, "ssI", display, attrs, id) < 0)
		return -1;
	return run(s->st[ENT_ATTRS], err);
}

int store_mention(struct store *s, const struct store_mention *m, struct err *err)
{
	/* Offsets or the field: one or the other is NULL. */
	rows_add(s->rows[ROWS_MENTION], "IIIoossssds",
		 m->id, m->report_id, m->entity_id, (int64_t)m->start, (int64_t)m->end, m->field,
		 m->surface, m->role, m->rule ? m->rule : "", m->confidence, m->attrs);
	return 0;
}

/*
 * The link (a, b, type) for a link being moved, with its first and last
 * seen widened to first..last; *joined = 1 when it was there already.
 * Its weight is summed again by the caller.
 */
static int join_link(struct store *s, int64_t a, int64_t b, const char *type,
		     const char *first, const char *last, int64_t *id, int *joined,
		     struct err *err)
{
	*joined = 0;
	if (bind(s->st[LINK_NEW], err, "IIsdss", a, b, type, 0.0, first, last) < 0 ||
	    run(s->st[LINK_NEW], err) < 0)
		return -1;
	if (sqlite3_changes(s->db->h) == 1) {
		*id = db_last_id(s->db);
		return 0;
	}
	*joined = 1;
	if (bind(s->st[LINK_WIDEN], err, "IIsss", a, b, type, first, last) < 0)
		return -1;
	return run_id(s->st[LINK_WIDEN], id, err);
}

/*
 * Links are numbered as SQLite would (the largest id plus one) and new
 * ones held back like entities (the rows held are the ids just below
 * next_link), so that a link met again in the same chunk of reports is
 * changed where it waits.  The run remembers every link it wrote or
 * found (s->links); one it does not know is looked up only when the
 * table had links before the run, or its ends' links were moved or
 * deleted (a merge, a hub), which also writes the held links first.
 * An UPDATE ... RETURNING on the key cost twice a lookup and an update
 * by id: RETURNING keeps its rows in a table of its own.
 */
static const char *const link_types[] = { "holds", "uses", "drives", "co_mention" };

static int link_type(const char *type)
{
	for (size_t i = 0; i < sizeof(link_types) / sizeof(link_types[0]); i++)
		if (!strcmp(type, link_types[i]))
			return (int)i;
	return -1;
}

/* SQLite's order of texts (BINARY): bytes, then the shorter first. */
static int text_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int c = memcmp(a, b, na < nb ? na : nb);

	return c ? c : (na > nb) - (na < nb);
}

/* LINK_ADD on held-back link row i: its weight plus weight, its dates widened to seen. */
static void link_add_held(struct store_rows *r, size_t i, double weight, const char *seen)
{
	const char *t;
	size_t n, len;

	r->cells[i * (size_t)r->ncol + 4].d += weight;
	if (!seen)
		return;
	n = strlen(seen);
	t = rows_text(r, i, 5, &len);
	if (!t || text_cmp(seen, n, t, len) < 0)
		rows_set_text(r, i, 5, seen);
	t = rows_text(r, i, 6, &len);
	if (!t || text_cmp(seen, n, t, len) > 0)
		rows_set_text(r, i, 6, seen);
}

/* Write the rows held back for one table, for a statement that reads or changes it. */
static int held_written(struct store *s, int which, struct err *err)
{
	return s->rows[which]->n_cells ? rows_write(s->rows[which], err) : 0;
}

/*
 * Before entity e's links are deleted or moved: forget what the run knew
 * of them, and number new links from the table again.  The held links
 * are written by the caller's store_flush_chunk, as the other rows are.
 */
static void links_changing(struct store *s, int64_t e)
{
	linkmap_forget(&s->links, e);
	s->next_link = 0;
}

int store_link(struct store *s, int64_t a, int64_t b, const char *type, double weight,
	       const char *seen, int64_t report_id, int *created, struct err *err)
{
	int t = link_type(type);
	int64_t id;
	long row;

	*created = 0;
	if (t < 0)
		return err_set(err, "unknown link type '%s'", type);
	if (!s->next_link &&
	    db_int(s->db, err, &s->next_link, "SELECT coalesce(max(id), 0) + 1 FROM link", "") < 0)
		return -1;
	if (s->links_fresh < 0)
		s->links_fresh = s->next_link == 1;
	id = linkmap_get(&s->links, a, b, t);
	if (!id && (!s->links_fresh || linkmap_forgotten(&s->links, a) ||
		    linkmap_forgotten(&s->links, b))) {
		if (bind(s->st[LINK_ID], err, "IIs", a, b, type) < 0 ||
		    run_id(s->st[LINK_ID], &id, err) < 0)
			return -1;
		if (id)
			linkmap_put(&s->links, a, b, t, id);
	}
	if (!id) {
		id = s->next_link++;
		rows_add(s->rows[ROWS_LINK], "IIIsdss", id, a, b, type, weight, seen, seen);
		linkmap_put(&s->links, a, b, t, id);
		*created = 1;
	} else if ((row = held_row(s->rows[ROWS_LINK], s->next_link, id)) >= 0) {
		link_add_held(s->rows[ROWS_LINK], (size_t)row, weight, seen);
	} else if (bind(s->st[LINK_ADD], err, "Ids", id, weight, seen) < 0 ||
		   run(s->st[LINK_ADD], err) < 0) {
		return -1;
	}
	rows_add(s->rows[ROWS_EVIDENCE], "II", id, report_id);
	return 0;
}

int store_unlink_hub(struct store *s, int64_t entity_id, struct err *err)
{
	links_changing(s, entity_id);
	if (store_flush_chunk(s, err) < 0 ||
	    bind(s->st[HUB_EVID_DEL], err, "I", entity_id) < 0 ||
	    run(s->st[HUB_EVID_DEL], err) < 0 ||
	    bind(s->st[HUB_LINK_DEL], err, "I", entity_id) < 0)
		return -1;
	return run(s->st[HUB_LINK_DEL], err);
}

int store_person_users(struct store *s, int64_t entity_id, int typed, int64_t *n,
		       struct err *err)
{
	sqlite3_stmt *st = s->st[typed ? PERSON_USERS : PERSON_NEAR];

	*n = 0;
	/* Only the count of persons beside it reads the entity table. */
	if (held_written(s, ROWS_LINK, err) < 0 || (!typed && entities_written(s, err) < 0) ||
	    bind(st, err, "I", entity_id) < 0)
		return -1;
	return run_id(st, n, err);
}

int store_category(struct store *s, int64_t report_id, const char *key, int primary,
		   int score, struct err *err)
{
	rows_add(s->rows[ROWS_CATEGORY], "Isii", report_id, key, primary, score);
	return 0;
}

int store_value(struct store *s, int64_t report_id, const char *type, const char *value,
		const char *surface, long start, long end, const char *attrs,
		struct err *err)
{
	rows_add(s->rows[ROWS_VALUE], "IsssIIs", report_id, type, value, surface,
		 (int64_t)start, (int64_t)end, attrs);
	return 0;
}

int store_place(struct store *s, int64_t entity_id, int64_t parent_id, const char *level,
		struct err *err)
{
	rows_add(s->rows[ROWS_PLACE], "Ios", entity_id, parent_id ? parent_id : (int64_t)-1, level);
	return 0;
}

int store_analyzed(struct store *s, int64_t report_id, const char *now, double weight,
		   struct err *err)
{
	rows_add(s->rows[ROWS_ANALYZED], "Isd", report_id, now, weight);
	return 0;
}

int store_mark(struct store *s, int64_t through, struct err *err)
{
	if (bind(s->st[MARK_SET], err, "I", through) < 0)
		return -1;
	return run(s->st[MARK_SET], err);
}

int store_person(struct store *s, int64_t entity_id, const struct resolve_person *p,
		 struct err *err)
{
	char sex[2] = { p->sex, '\0' };
	size_t keys_from = p->rewrite ? 0 : p->n_keys_stored;
	size_t founders_from = p->rewrite ? 0 : p->n_founders_stored;

	if (p->rewrite &&
	    (held_written(s, ROWS_PKEY, err) < 0 || held_written(s, ROWS_FOUNDER, err) < 0 ||
	     bind(s->st[PKEY_DEL], err, "I", entity_id) < 0 || run(s->st[PKEY_DEL], err) < 0 ||
	     bind(s->st[FOUND_DEL], err, "I", entity_id) < 0 || run(s->st[FOUND_DEL], err) < 0))
		return -1;
	/* A person merged away has no row of its own, whether it had one
	 * from an earlier chunk or not (so chunks of any size give the same
	 * tables); one without keys can never be found again: only its
	 * entity row (written by the caller) is worth keeping. */
	if (p->merged_into)
		return bind(s->st[PERSON_DEL], err, "I", entity_id) < 0 ? -1
		       : run(s->st[PERSON_DEL], err);
	if (!p->n_keys && !p->rewrite)
		return 0;
	if (bind(s->st[PERSON_UPSERT], err, "Isssii", entity_id, p->idcard,
		    p->sex ? sex : NULL, p->birth[0] ? p->birth : NULL,
		    p->birth_lo, p->birth_hi) < 0 ||
	    run(s->st[PERSON_UPSERT], err) < 0)
		return -1;
	for (size_t i = keys_from; i < p->n_keys; i++)
		rows_add(s->rows[ROWS_PKEY], "sII", p->keys[i].key, entity_id, p->keys[i].report_id);
	for (size_t i = founders_from; i < p->n_founders; i++)
		rows_add(s->rows[ROWS_FOUNDER], "sI", p->founders[i], entity_id);
	return 0;
}

static char *json_strings(char *const *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	char *s;

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	s = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	return s;
}

struct old_link {
	int64_t id, a, b;
	char *type, *first, *last;
};

/* Re-point every link of merged at kept, joining it with kept's own. */
static int move_links(struct store *s, int64_t kept, int64_t merged, struct err *err)
{
	sqlite3_stmt *of = s->st[LINK_OF];
	struct old_link *v = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (bind(of, err, "I", merged) < 0)
		return -1;
	while ((rc = db_step(of, err)) == 1) {
		v = xgrow(v, &cap, n + 1, sizeof(*v));
		v[n].id = sqlite3_column_int64(of, 0);
		v[n].a = sqlite3_column_int64(of, 1);
		v[n].b = sqlite3_column_int64(of, 2);
		v[n].type = xstrdup(db_text(of, 3));
		v[n].first = sqlite3_column_type(of, 4) == SQLITE_NULL ? NULL : xstrdup(db_text(of, 4));
		v[n].last = sqlite3_column_type(of, 5) == SQLITE_NULL ? NULL : xstrdup(db_text(of, 5));
		n++;
	}
	sqlite3_reset(of);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int64_t a = v[i].a == merged ? kept : v[i].a;
		int64_t b = v[i].b == merged ? kept : v[i].b;
		int64_t id = 0;

		/* Co-mentions are stored a < b; typed links keep the person first. */
		if (!strcmp(v[i].type, "co_mention") && a > b) {
			int64_t t = a;

			a = b;
			b = t;
		}
		if (a != b) {
			int joined;

			rc = join_link(s, a, b, v[i].type, v[i].first, v[i].last, &id, &joined, err);
			if (rc == 0 && joined) {
				s->joined = xgrow(s->joined, &s->cap_joined, s->n_joined + 1,
						  sizeof(*s->joined));
				s->joined[s->n_joined++] = a == kept ? b : a;
			}
			if (rc == 0 && (bind(s->st[EVID_COPY], err, "II", id, v[i].id) < 0 ||
					run(s->st[EVID_COPY], err) < 0))
				rc = -1;
		}
		if (rc == 0 && (bind(s->st[EVID_DEL], err, "I", v[i].id) < 0 ||
				run(s->st[EVID_DEL], err) < 0 ||
				bind(s->st[LINK_DEL], err, "I", v[i].id) < 0 ||
				run(s->st[LINK_DEL], err) < 0))
			rc = -1;
		if (rc == 0 && a != b && (bind(s->st[LINK_REWEIGH], err, "I", id) < 0 ||
					  run(s->st[LINK_REWEIGH], err) < 0))
			rc = -1;
	}
	for (size_t i = 0; i < n; i++) {
		free(v[i].type);
		free(v[i].first);
		free(v[i].last);
	}
	free(v);
	return rc < 0 ? -1 : 0;
}

int store_merge(struct store *s, int64_t kept, int64_t merged,
		const struct resolve_merge *m, struct err *err)
{
	char *keys = json_strings(m->keys, m->n_keys);
	char *kf = json_strings(m->kept_founders, m->n_kept_founders);
	char *mf = json_strings(m->merged_founders, m->n_merged_founders);
	long row = held_entity(s, merged);
	int rc = -1;

	s->n_joined = 0;
	links_changing(s, kept);
	links_changing(s, merged);
	if (store_flush_chunk(s, err) < 0 ||
	    bind(s->st[MEN_MOVE], err, "II", kept, merged) < 0 || run(s->st[MEN_MOVE], err) < 0 ||
	    move_links(s, kept, merged, err) < 0)
		goto out;
	if (row >= 0) {
		rows_set_int(s->rows[ROWS_ENTITY], (size_t)row, 9, kept);
		rows_set_int(s->rows[ROWS_ENTITY], (size_t)row, 8, 0);
	} else if (bind(s->st[ENT_MERGED], err, "II", kept, merged) < 0 ||
		   run(s->st[ENT_MERGED], err) < 0) {
		goto out;
	}
	if (bind(s->st[MLOG_INS], err, "IIIsss", m->merged, m->kept, m->report_id,
		    keys, kf, mf) < 0 ||
	    run(s->st[MLOG_INS], err) < 0 ||
	    bind(s->st[MEV_DEL], err, "I", m->merged) < 0 || run(s->st[MEV_DEL], err) < 0)
		goto out;
	for (size_t i = 0; i < m->n_reports; i++)
		if (bind(s->st[MEV_INS], err, "II", m->merged, m->reports[i]) < 0 ||
		    run(s->st[MEV_INS], err) < 0)
			goto out;
	rc = 0;
out:
	free(keys);
	free(kf);
	free(mf);
	return rc;
}
