/*
 * recall: what earlier runs left, brought into the run's memory.
 *
 * A rebuild (--all) meets every entity again, so it reads them all at
 * once.  An ordinary night meets a few thousand of the million entities
 * and persons a district has: reading all of them cost more than the
 * night's own work, so each is read by its key when the run first meets
 * it, and a person when one of its strong keys is first looked up (all
 * persons under that key, each with all its keys and founders, so that
 * resolution sees exactly what a full load would show it).
 *
 * The never pairs of an analyst's corrections are few and always read.
 */
#include "analyze/run.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define ENT_COLS "id, type, first_seen, last_seen, n_reports, hub, merged_into IS NOT NULL"
/* A person as person_row reads it: its number, what is known, its name. */
#define PERSON_FROM "SELECT substr(e.key, 8), p.idcard, p.sex, p.birth, p.birth_lo," \
	" p.birth_hi, e.display FROM person p JOIN entity e ON e.id = p.entity_id"

enum { Q_ENT, Q_KEY_PERSONS, Q_PERSON, Q_PERSON_KEYS, Q_PERSON_FOUNDERS, N_Q };

_Static_assert(N_Q == sizeof(((struct az *)0)->q) / sizeof(sqlite3_stmt *),
	       "struct az holds a statement for each lookup");

static const char *const q_sql[N_Q] = {
	[Q_ENT] = "SELECT " ENT_COLS " FROM entity WHERE key = ?",
	[Q_KEY_PERSONS] = "SELECT entity_id FROM person_key WHERE key = ? ORDER BY entity_id",
	[Q_PERSON] = PERSON_FROM " WHERE p.entity_id = ?",
	[Q_PERSON_KEYS] = ("SELECT key, report_id FROM person_key WHERE entity_id = ?"
			   " ORDER BY report_id, key"),
	[Q_PERSON_FOUNDERS] = "SELECT sig FROM person_founder WHERE entity_id = ? ORDER BY sig",
};

/* An entity from a row of ENT_COLS, under key in the run's maps. */
static struct ent *ent_row(struct az *az, sqlite3_stmt *st, const char *key)
{
	struct ent *e = az_ent_new(az, db_text(st, 1));

	e->id = sqlite3_column_int64(st, 0);
	if (sqlite3_column_type(st, 2) != SQLITE_NULL)
		e->first = strpool_dup(&az->texts, db_text(st, 2));
	if (sqlite3_column_type(st, 3) != SQLITE_NULL)
		e->last = strpool_dup(&az->texts, db_text(st, 3));
	e->n_reports = sqlite3_column_int(st, 4);
	e->hub = sqlite3_column_int(st, 5);
	e->live = e->n_reports > 0 || sqlite3_column_int(st, 6);
	e->placed = e->live;
	az_ent_stored(e);
	e->users = -1;
	*strmap_put(&az->ents, key) = e;
	idmap_set(&az->by_id, e->id, e);
	return e;
}

static int load_entities(struct az *az, struct err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(az->db, &st, "SELECT " ENT_COLS ", key FROM entity ORDER BY id", err) < 0)
		return -1;
	while ((rc = db_step(st, err)) == 1)
		ent_row(az, st, db_text(st, 7));
	db_finalize(st);
	return rc;
}

/* Loading is not a change: the person's row already says all this. */
static void person_stored(struct resolve_person *p)
{
	p->dirty = p->rewrite = 0;
	p->n_keys_stored = p->n_keys;
	p->n_founders_stored = p->n_founders;
}

static struct resolve_person *person_row(struct az *az, sqlite3_stmt *st)
{
	return resolve_load_person(&az->res, sqlite3_column_int64(st, 0), db_text(st, 1),
				   db_text(st, 2)[0], db_text(st, 3), sqlite3_column_int(st, 4),
				   sqlite3_column_int(st, 5), db_text(st, 6));
}

typedef void (*row_fn)(struct az *az, sqlite3_stmt *st);

/* Call fn on each row of a query without parameters. */
static int load_rows(struct az *az, const char *sql, row_fn fn, struct err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(az->db, &st, sql, err) < 0)
		return -1;
	while ((rc = db_step(st, err)) == 1)
		fn(az, st);
	db_finalize(st);
	return rc;
}

static void all_person_row(struct az *az, sqlite3_stmt *st)
{
	person_row(az, st);
}

static void key_row(struct az *az, sqlite3_stmt *st)
{
	struct resolve_person *p = resolve_get(&az->res, sqlite3_column_int64(st, 0));

	if (p)
		resolve_load_key(&az->res, p, db_text(st, 1), sqlite3_column_int64(st, 2));
}

static void founder_row(struct az *az, sqlite3_stmt *st)
{
	struct resolve_person *p = resolve_get(&az->res, sqlite3_column_int64(st, 0));

	if (p)
		resolve_load_founder(&az->res, p, db_text(st, 1));
}

static void never_row(struct az *az, sqlite3_stmt *st)
{
	resolve_add_never(&az->res, db_text(st, 0), db_text(st, 1));
}

static int load_persons(struct az *az, struct err *err)
{
	if (load_rows(az, PERSON_FROM " ORDER BY e.id", all_person_row, err) < 0 ||
	    load_rows(az, "SELECT substr(e.key, 8), k.key, k.report_id FROM person_key k"
		      " JOIN entity e ON e.id = k.entity_id ORDER BY k.report_id, k.key",
		      key_row, err) < 0 ||
	    load_rows(az, "SELECT substr(e.key, 8), f.sig FROM person_founder f"
		      " JOIN entity e ON e.id = f.entity_id ORDER BY e.id, f.sig",
		      founder_row, err) < 0)
		return -1;
	for (size_t i = 0; i < az->res.n; i++)
		person_stored(az->res.v[i]);
	az->res.n_changed = 0;
	return 0;
}

int az_recall_open(struct az *az, struct err *err)
{
	int64_t any = 0;

	strmap_init(&az->asked);
	if (load_rows(az, "SELECT a, b FROM resolve_never", never_row, err) < 0)
		return -1;
	if (az->opts->all)
		return load_entities(az, err) < 0 || load_persons(az, err) < 0 ? -1 : 0;
	/* Nothing to recall from a database without entities (a first night). */
	if (db_int(az->db, err, &any, "SELECT count(*) FROM (SELECT 1 FROM entity LIMIT 1)", "") < 0)
		return -1;
	az->lazy = any > 0;
	for (int i = 0; az->lazy && i < N_Q; i++)
		if (db_prepare(az->db, &az->q[i], q_sql[i], err) < 0)
			return -1;
	return 0;
}

void az_recall_close(struct az *az)
{
	for (int i = 0; i < N_Q; i++)
		db_finalize(az->q[i]);
	memset(az->q, 0, sizeof(az->q));
	strmap_release(&az->asked);
}

struct ent *az_recall_ent(struct az *az, const char *key, struct err *err, int *rc)
{
	struct ent *e = strmap_get(&az->ents, key);
	sqlite3_stmt *st = az->q[Q_ENT];

	*rc = 0;
	if (e || !az->lazy)
		return e;
	if (db_bind(st, err, "s", key) < 0 || (*rc = db_step(st, err)) < 0) {
		*rc = -1;
		return NULL;
	}
	e = *rc == 1 ? ent_row(az, st, key) : NULL;
	*rc = 0;
	sqlite3_reset(st);
	return e;
}

/* The person of entity eid, with its keys and founders, unless the run has it. */
static int recall_person(struct az *az, int64_t eid, struct err *err)
{
	sqlite3_stmt *st = az->q[Q_PERSON];
	struct resolve_person *p = NULL;
	int rc;

	if (db_bind(st, err, "I", eid) < 0 || (rc = db_step(st, err)) < 0)
		return -1;
	if (rc == 1 && !resolve_get(&az->res, sqlite3_column_int64(st, 0)))
		p = person_row(az, st);
	sqlite3_reset(st);
	if (!p)
		return 0;
	st = az->q[Q_PERSON_KEYS];
	if (db_bind(st, err, "I", eid) < 0)
		return -1;
	while ((rc = db_step(st, err)) == 1)
		resolve_load_key(&az->res, p, db_text(st, 0), sqlite3_column_int64(st, 1));
	sqlite3_reset(st);
	st = az->q[Q_PERSON_FOUNDERS];
	if (rc < 0 || db_bind(st, err, "I", eid) < 0)
		return -1;
	while ((rc = db_step(st, err)) == 1)
		resolve_load_founder(&az->res, p, db_text(st, 0));
	sqlite3_reset(st);
	if (rc < 0)
		return -1;
	person_stored(p);
	return 0;
}

/* Every stored person under key, unless the run looked it up before. */
static int recall_key(struct az *az, const char *key, struct err *err)
{
	sqlite3_stmt *st = az->q[Q_KEY_PERSONS];
	void **asked = strmap_put(&az->asked, key);
	int64_t *eids = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (*asked)
		return 0;
	*asked = az;
	/* The list first: loading a person steps the other statements. */
	if (db_bind(st, err, "s", key) < 0)
		return -1;
	while ((rc = db_step(st, err)) == 1) {
		eids = xgrow(eids, &cap, n + 1, sizeof(*eids));
		eids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = recall_person(az, eids[i], err);
	free(eids);
	return rc;
}

int az_recall_persons(struct az *az, const struct resolve_obs *o, struct err *err)
{
	char **keys;
	size_t n;
	int rc = 0;

	if (!az->lazy)
		return 0;
	keys = xmalloc((o->n_phones + 3) * sizeof(*keys));
	n = resolve_keys(&az->res, o, keys);
	for (size_t i = 0; i < n; i++) {
		if (rc == 0)
			rc = recall_key(az, keys[i], err);
		free(keys[i]);
	}
	free(keys);
	return rc;
}
