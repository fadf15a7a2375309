/*
 * report_data: gather one night's morning report from the database.
 *
 * Every query is bounded: per-night filters on indexed columns
 * (report.received_at, warning_evidence.warning_id, cluster_history.night,
 * report.batch_id) and a LIMIT from report.conf on every list, so the
 * cost follows the night, not the size of the history.  Statements are
 * prepared once per load and re-bound per item.
 *
 * Informants.  A report from an informant (report.informant = 1, source
 * "informant:K07") is referred to as "informant/#<row id>" and shown
 * without its text; a person who is the reporter of an informant's
 * report is left out of entity lists and drawn without a name.  On top,
 * every free text we print (titles, explanations, snippets, places, file
 * names) is scrubbed of informant codes and reporters' names, because
 * other stages may have quoted them.  Codes are matched as whole tokens,
 * so the plate 苏AK0712 survives a code "K07".
 */
#include "output/report_data.h"
#include "output/escape.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MASK "***"

/* ---- small helpers ---------------------------------------------------- */

static void strs_add(struct report_strs *l, const char *s)
{
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
}

static void strs_release(struct report_strs *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int strs_has(const struct report_strs *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

static void ref_release(struct report_ref *r)
{
	free(r->ref);
	free(r->when);
	free(r->place);
	free(r->snippet);
}

static void refs_release(struct report_refs *l)
{
	for (size_t i = 0; i < l->n; i++)
		ref_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void counts_free(struct report_count *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].last);
	}
	free(v);
}

/* The date days after (or before) night, both "YYYY-MM-DD". */
static void day_add(const char *night, int days, char out[11])
{
	struct tm tm = { 0 };
	time_t t;

	tm.tm_year = atoi(night) - 1900;
	tm.tm_mon = atoi(night + 5) - 1;
	tm.tm_mday = atoi(night + 8);
	tm.tm_hour = 12;
	t = timegm(&tm) + (time_t)days * 86400;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* ---- parameters --------------------------------------------------------- */

static const struct {
	const char *name;
	size_t off;
	int def;
} params[] = {
	{ "top_warnings", offsetof(struct report_params, top_warnings), 50 },
	{ "evidence_per_warning", offsetof(struct report_params, evidence_per_warning), 3 },
	{ "refs_per_item", offsetof(struct report_params, refs_per_item), 100 },
	{ "snippet_chars", offsetof(struct report_params, snippet_chars), 80 },
	{ "clusters_shown", offsetof(struct report_params, clusters_shown), 20 },
	{ "cluster_nodes", offsetof(struct report_params, cluster_nodes), 24 },
	{ "series_shown", offsetof(struct report_params, series_shown), 20 },
	{ "quiet_days", offsetof(struct report_params, quiet_days), 3 },
	{ "quiet_baseline_days", offsetof(struct report_params, quiet_baseline_days), 28 },
	{ "quiet_min_reports", offsetof(struct report_params, quiet_min_reports), 5 },
	{ "quarantine_shown", offsetof(struct report_params, quarantine_shown), 10 },
	{ "late_shown", offsetof(struct report_params, late_shown), 10 },
};

void report_params_default(struct report_params *p)
{
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		*(int *)((char *)p + params[i].off) = params[i].def;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int report_params_load(struct report_params *p, const char *data_dir,
		       struct err *err)
{
	char *path, line[512];
	FILE *f;
	int lineno = 0, rc = 0;

	report_params_default(p);
	if (!data_dir)
		return 0;
	path = xasprintf("%s/report.conf", data_dir);
	f = fopen(path, "r");
	if (!f) {
		if (errno != ENOENT)
			rc = err_set(err, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		char *eq, *key, *val, *end;
		long v;
		size_t i, n = sizeof(params) / sizeof(params[0]);

		lineno++;
		line[strcspn(line, "#")] = '\0';
		key = trim(line);
		if (!*key)
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			rc = err_set(err, "'%s' line %d: expected 'name = value'", path, lineno);
			goto out;
		}
		*eq = '\0';
		key = trim(key);
		val = trim(eq + 1);
		errno = 0;
		v = strtol(val, &end, 10);
		if (!*val || *end || errno || v < 0 || v > 100000) {
			rc = err_set(err, "'%s' line %d: '%s' is not a number from 0 to 100000",
				     path, lineno, val);
			goto out;
		}
		for (i = 0; i < n && strcmp(params[i].name, key); i++)
			;
		if (i == n) {
			rc = err_set(err, "'%s' line %d: unknown parameter '%s'", path, lineno, key);
			goto out;
		}
		*(int *)((char *)p + params[i].off) = (int)v;
	}
out:
	if (f)
		fclose(f);
	free(path);
	return rc;
}

/* ---- the informant guard ---------------------------------------------- */

struct guard {
	struct report_strs codes;      /* whole tokens: "K07", "informant:K07" */
	struct report_strs names;      /* anywhere: reporters' names */
	int64_t *persons;              /* entity ids of informant reporters */
	size_t n_persons, cap_persons;
};

static int guard_load(struct guard *g, struct db *db, struct err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, r;

	if (db_prepare(db, &st, "SELECT DISTINCT source FROM report WHERE informant = 1", err) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		const char *src = db_text(st, 0);
		const char *colon = strchr(src, ':');

		strs_add(&g->codes, src);
		if (colon && strlen(colon + 1) >= 2)
			strs_add(&g->codes, colon + 1);
	}
	if (r < 0)
		goto out;
	db_finalize(st);
	/* The reporter of an informant's report is the informant. */
	if (db_prepare(db, &st,
		       "SELECT DISTINCT e.id, e.display FROM report r"
		       " JOIN mention m ON m.report_id = r.id"
		       " JOIN entity e ON e.id = m.entity_id"
		       " WHERE r.informant = 1 AND m.role = 'reporter' AND e.type = 'person'",
		       err) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		const char *name = db_text(st, 1);

		g->persons = xgrow(g->persons, &g->cap_persons, g->n_persons + 1,
				   sizeof(*g->persons));
		g->persons[g->n_persons++] = sqlite3_column_int64(st, 0);
		if (strlen(name) >= 2 && !strs_has(&g->names, name))
			strs_add(&g->names, name);
	}
	if (r < 0)
		goto out;
	rc = 0;
out:
	db_finalize(st);
	return rc;
}

static void guard_release(struct guard *g)
{
	strs_release(&g->codes);
	strs_release(&g->names);
	free(g->persons);
}

static int guard_person(const struct guard *g, int64_t id)
{
	for (size_t i = 0; i < g->n_persons; i++)
		if (g->persons[i] == id)
			return 1;
	return 0;
}

static int token_char(unsigned char c)
{
	return isalnum(c);
}

/* Whether s[at..at+len) stands alone, not inside a longer ASCII token. */
static int whole_token(const char *s, size_t at, size_t len)
{
	if (at > 0 && token_char((unsigned char)s[at - 1]))
		return 0;
	return !token_char((unsigned char)s[at + len]);
}

/* Returns an owned copy of s with every secret replaced by MASK. */
static char *guard_scrub(const struct guard *g, const char *s)
{
	struct sbuf out = SBUF_INIT;
	size_t i = 0;

	if (!g->codes.n && !g->names.n)
		return xstrdup(s);
	while (s[i]) {
		size_t hit = 0;

		for (size_t k = 0; k < g->names.n && !hit; k++) {
			size_t n = strlen(g->names.v[k]);

			if (!strncmp(s + i, g->names.v[k], n))
				hit = n;
		}
		for (size_t k = 0; k < g->codes.n && !hit; k++) {
			size_t n = strlen(g->codes.v[k]);

			if (!strncasecmp(s + i, g->codes.v[k], n) && whole_token(s, i, n))
				hit = n;
		}
		if (hit) {
			sbuf_adds(&out, MASK);
			i += hit;
		} else {
			sbuf_addch(&out, s[i++]);
		}
	}
	return sbuf_detach(&out);
}

/* ---- the statements of one load -------------------------------------- */

struct loader {
	struct db *db;
	struct report_data *d;
	struct guard guard;
	char start[11], end[11];       /* the night is [start, end) */
	int64_t prev_batch;            /* batches after this one are new */
	char *prev_warnings;           /* JSON array text of the last report */
	sqlite3_stmt *report;          /* one report by row id */
	sqlite3_stmt *entity;          /* one entity by key */
};

/*
 * Fill r from report row id: its reference (masked for an informant),
 * date, place and, when snippet is set, a clipped snippet of its text.
 */
static int load_ref(struct loader *L, int64_t id, int snippet, struct report_ref *r,
		    struct err *err)
{
	struct sbuf sb = SBUF_INIT;
	int got;

	memset(r, 0, sizeof(*r));
	if (db_bind(L->report, err, "I", id) < 0 || (got = db_step(L->report, err)) < 0)
		return -1;
	if (got == 0) {
		r->ref = xasprintf("report/#%lld", (long long)id);
		r->when = xstrdup("");
		r->place = xstrdup("");
		r->snippet = xstrdup("");
		return 0;
	}
	r->informant = sqlite3_column_int(L->report, 2) != 0;
	if (r->informant)
		r->ref = xasprintf("informant/#%lld", (long long)id);
	else
		r->ref = xasprintf("%s/%s", db_text(L->report, 0), db_text(L->report, 1));
	r->when = xstrdup(db_text(L->report, 3));
	r->place = guard_scrub(&L->guard, db_text(L->report, 4));
	if (snippet && !r->informant) {
		char *clean = guard_scrub(&L->guard, db_text(L->report, 5));

		escape_clip(&sb, clean, (size_t)L->d->params.snippet_chars);
		free(clean);
		r->snippet = sbuf_detach(&sb);
	} else {
		r->snippet = xstrdup("");
	}
	sqlite3_reset(L->report);
	return 0;
}

static void refs_push(struct report_refs *l, struct report_ref *r)
{
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = *r;
}

/*
 * An entity key as it may be shown: "" when the key names an informant
 * (the reporter of an informant's report), else the key.  Unknown keys
 * pass (they are not a person we know of).
 */
static int entity_hidden(struct loader *L, const char *key, struct err *err)
{
	int got, hidden = 0;

	if (!L->guard.n_persons || strncmp(key, "person:", 7))
		return 0;
	if (db_bind(L->entity, err, "s", key) < 0 || (got = db_step(L->entity, err)) < 0)
		return -1;
	if (got)
		hidden = guard_person(&L->guard, sqlite3_column_int64(L->entity, 0));
	sqlite3_reset(L->entity);
	return hidden;
}

/* ---- counts --------------------------------------------------------- */

static int load_counts(struct loader *L, struct err *err)
{
	struct report_data *d = L->d;
	int64_t v;

	if (db_int(L->db, err, &v,
		   "SELECT (SELECT count(*) FROM report WHERE received_at < ?1)"
		   " + (SELECT count(*) FROM report WHERE received_at IS NULL)", "s", L->end) < 0)
		return -1;
	d->reports = (long)v;
	if (db_int(L->db, err, &v,
		   "SELECT count(*) FROM report WHERE received_at >= ? AND received_at < ?",
		   "ss", L->start, L->end) < 0)
		return -1;
	d->new_reports = (long)v;
	if (db_int(L->db, err, &v, "SELECT count(*) FROM entity", "") < 0)
		return -1;
	d->entities = (long)v;
	if (db_int(L->db, err, &v, "SELECT count(*) FROM link", "") < 0)
		return -1;
	d->links = (long)v;
	if (db_int(L->db, err, &v, "SELECT coalesce(max(id), 0) FROM batch", "") < 0)
		return -1;
	d->max_batch_id = v;
	if (db_int(L->db, err, &v,
		   "SELECT count(*) FROM quarantine WHERE batch_id > ? AND batch_id <= ?",
		   "II", L->prev_batch, d->max_batch_id) < 0)
		return -1;
	d->rejected = (long)v;
	d->quality.quarantined = (long)v;
	return 0;
}

/* ---- warnings ------------------------------------------------------- */

/* subject is a JSON array of keys, or one key per '|'-separated part. */
static void parse_subject(struct loader *L, const char *s, struct report_strs *out)
{
	cJSON *j = cJSON_Parse(s);
	const cJSON *it;

	if (cJSON_IsArray(j)) {
		cJSON_ArrayForEach(it, j) {
			if (cJSON_IsString(it)) {
				char *c = guard_scrub(&L->guard, it->valuestring);

				strs_add(out, c);
				free(c);
			}
		}
	} else {
		char *copy = guard_scrub(&L->guard, s), *save = NULL;

		for (char *p = strtok_r(copy, "|", &save); p; p = strtok_r(NULL, "|", &save))
			strs_add(out, p);
		free(copy);
	}
	cJSON_Delete(j);
}

static double json_num(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);

	if (!cJSON_IsNumber(v) && b)
		v = cJSON_GetObjectItemCaseSensitive(o, b);
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/*
 * A spike's daily series from warning.data: {"series": [{"date",
 * "observed", "expected", "threshold"}, ...]} ("t"/"day" and "count"
 * are accepted for date and observed).
 */
static void parse_series(const char *data, struct report_warning *w)
{
	cJSON *j = cJSON_Parse(data);
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, "series"), *it;
	size_t cap = 0;

	if (!cJSON_IsArray(arr))
		goto out;
	cJSON_ArrayForEach(it, arr) {
		const cJSON *day = cJSON_GetObjectItemCaseSensitive(it, "date");
		struct report_point *p;

		if (!cJSON_IsString(day))
			day = cJSON_GetObjectItemCaseSensitive(it, "t");
		if (!cJSON_IsString(day))
			day = cJSON_GetObjectItemCaseSensitive(it, "day");
		if (!cJSON_IsString(day))
			continue;
		w->series = xgrow(w->series, &cap, w->n_series + 1, sizeof(*w->series));
		p = &w->series[w->n_series++];
		snprintf(p->date, sizeof(p->date), "%.10s", day->valuestring);
		p->observed = json_num(it, "observed", "count");
		p->expected = json_num(it, "expected", NULL);
		p->threshold = json_num(it, "threshold", NULL);
	}
out:
	cJSON_Delete(j);
}

static int load_warning_evidence(struct loader *L, sqlite3_stmt *ev, int64_t wrow,
				 const char *night, struct report_warning *w, struct err *err)
{
	int r, shown = 0;

	if (db_bind(ev, err, "Is", wrow, night) < 0)
		return -1;
	while ((r = db_step(ev, err)) == 1) {
		const char *key = db_text(ev, 1);

		if (sqlite3_column_type(ev, 0) != SQLITE_NULL) {
			struct report_ref ref;
			int with_snippet = shown < L->d->params.evidence_per_warning;

			w->n_reports++;
			if (w->reports.n >= (size_t)L->d->params.refs_per_item && !with_snippet)
				continue;
			if (load_ref(L, sqlite3_column_int64(ev, 0), with_snippet, &ref, err) < 0)
				return -1;
			if (w->reports.n < (size_t)L->d->params.refs_per_item)
				strs_add(&w->reports, ref.ref);
			if (with_snippet) {
				refs_push(&w->evidence, &ref);
				shown++;
			} else {
				ref_release(&ref);
			}
		} else if (*key && !strs_has(&w->entities, key)) {
			int hidden = entity_hidden(L, key, err);

			if (hidden < 0)
				return -1;
			if (!hidden)
				strs_add(&w->entities, key);
		}
	}
	return r;
}

/*
 * The warnings of the night.  With the warn stage's warning_night table,
 * each as it was raised that night (so an old night's report stays what
 * it was); without it, those whose span covers the night.  Evidence is
 * what was cited up to the night, the latest report first.
 */
static const char sql_count_nightly[] =
	"SELECT count(*) FROM warning_night WHERE night = ?1";
static const char sql_count[] =
	"SELECT count(*) FROM warning WHERE first_night <= ?1 AND last_night >= ?1";
static const char sql_list_nightly[] =
	"SELECT w.id, w.wid, w.kind, w.subject, w.first_night, w.last_night, n.severity,"
	" n.title, n.explanation, n.data FROM warning_night n JOIN warning w ON w.id = n.warning_id"
	" WHERE n.night = ?1 ORDER BY n.severity DESC, w.wid LIMIT ?2";
static const char sql_list[] =
	"SELECT id, wid, kind, subject, first_night, last_night, severity,"
	" title, explanation, data FROM warning WHERE first_night <= ?1 AND last_night >= ?1"
	" ORDER BY severity DESC, wid LIMIT ?2";
static const char sql_evidence_nightly[] =
	"SELECT e.report_id, coalesce(e.entity_key, '') FROM warning_evidence e"
	" LEFT JOIN report r ON r.id = e.report_id"
	" WHERE e.warning_id = ?1 AND e.night <= ?2"
	" ORDER BY r.received_at IS NULL, r.received_at DESC, e.rowid";
static const char sql_evidence[] =
	"SELECT e.report_id, coalesce(e.entity_key, '') FROM warning_evidence e"
	" LEFT JOIN report r ON r.id = e.report_id"
	" WHERE e.warning_id = ?1 AND ?2 IS NOT NULL"
	" ORDER BY r.received_at IS NULL, r.received_at DESC, e.rowid";

static int load_warnings(struct loader *L, struct err *err)
{
	struct report_data *d = L->d;
	sqlite3_stmt *st = NULL, *ev = NULL;
	size_t cap = 0;
	int64_t total;
	int r, rc = -1;
	int nightly = db_has_table(L->db, "warning_night");

	if (db_int(L->db, err, &total, nightly ? sql_count_nightly : sql_count, "s", d->night) < 0)
		goto out;
	d->warnings_total = (long)total;
	if (db_prepare(L->db, &st, nightly ? sql_list_nightly : sql_list, err) < 0 ||
	    db_prepare(L->db, &ev, nightly ? sql_evidence_nightly : sql_evidence, err) < 0 ||
	    db_bind(st, err, "si", d->night, d->params.top_warnings) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		struct report_warning *w;

		d->warnings = xgrow(d->warnings, &cap, d->n_warnings + 1, sizeof(*d->warnings));
		w = &d->warnings[d->n_warnings++];
		memset(w, 0, sizeof(*w));
		w->id = xstrdup(db_text(st, 1));
		w->kind = xstrdup(db_text(st, 2));
		parse_subject(L, db_text(st, 3), &w->subject);
		w->first_night = xstrdup(db_text(st, 4));
		w->last_night = xstrdup(db_text(st, 5));
		w->is_new = !strcmp(w->first_night, d->night);
		w->severity = sqlite3_column_int(st, 6);
		w->title = guard_scrub(&L->guard, db_text(st, 7));
		w->explanation = guard_scrub(&L->guard, db_text(st, 8));
		parse_series(db_text(st, 9), w);
		if (load_warning_evidence(L, ev, sqlite3_column_int64(st, 0), d->night, w, err) < 0)
			goto out;
	}
	if (r < 0)
		goto out;
	rc = 0;
out:
	db_finalize(st);
	db_finalize(ev);
	return rc;
}

/* ---- watchlist hits ---------------------------------------------------- */

/* The watchlist warnings of the night, each with the entry it matched. */
static int load_hits(struct loader *L, struct err *err)
{
	struct report_data *d = L->d;
	sqlite3_stmt *wl = NULL;
	size_t cap = 0;
	int rc = -1;

	if (db_prepare(L->db, &wl,
		       "SELECT list, coalesce(note, '') FROM watchlist WHERE key = ?"
		       " ORDER BY list LIMIT 1", err) < 0)
		goto out;
	for (size_t i = 0; i < d->n_warnings; i++) {
		const struct report_warning *w = &d->warnings[i];
		struct report_hit *h;
		const char *key = "";
		int got = 0;

		if (strcmp(w->kind, "watchlist"))
			continue;
		d->hits = xgrow(d->hits, &cap, d->n_hits + 1, sizeof(*d->hits));
		h = &d->hits[d->n_hits++];
		memset(h, 0, sizeof(*h));
		h->warning_id = xstrdup(w->id);
		h->severity = w->severity;
		/* The watched key: the first evidence entity or subject part that
		 * is on the list. */
		for (size_t k = 0; k < w->entities.n + w->subject.n && !got; k++) {
			key = k < w->entities.n ? w->entities.v[k] : w->subject.v[k - w->entities.n];
			if (db_bind(wl, err, "s", key) < 0 || (got = db_step(wl, err)) < 0)
				goto out;
		}
		if (got) {
			h->list = xstrdup(db_text(wl, 0));
			h->note = guard_scrub(&L->guard, db_text(wl, 1));
			h->key = xstrdup(key);
		} else {
			h->list = xstrdup("");
			h->note = xstrdup("");
			h->key = xstrdup(w->entities.n ? w->entities.v[0] : "");
		}
		sqlite3_reset(wl);
		for (size_t k = 0; k < w->evidence.n; k++) {
			struct report_ref r = {
				xstrdup(w->evidence.v[k].ref), xstrdup(w->evidence.v[k].when),
				xstrdup(w->evidence.v[k].place), xstrdup(w->evidence.v[k].snippet),
				w->evidence.v[k].informant,
			};

			refs_push(&h->seen, &r);
		}
	}
	rc = 0;
out:
	db_finalize(wl);
	return rc;
}

/* ---- clusters and series --------------------------------------------- */

/* Where each node sits: the graph stage's layout when it stored one
 * (table cluster_layout), else the key player in the middle and the
 * others on a circle in rank order. */
static int place_nodes(struct loader *L, struct report_cluster *c, int64_t cid,
		       const char *mnight, struct err *err)
{
	sqlite3_stmt *st = NULL;
	size_t n = c->n_nodes;
	int r, found = 0;

	if (db_has_table(L->db, "cluster_layout")) {
		if (db_prepare(L->db, &st,
			       "SELECT l.x, l.y FROM cluster_layout l JOIN entity e ON e.id = l.entity_id"
			       " WHERE l.cluster_id = ? AND l.night = ? AND e.key = ?", err) < 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			if (db_bind(st, err, "Iss", cid, mnight, c->nodes[i].key) < 0 ||
			    (r = db_step(st, err)) < 0) {
				db_finalize(st);
				return -1;
			}
			if (r) {
				c->nodes[i].x = sqlite3_column_double(st, 0);
				c->nodes[i].y = sqlite3_column_double(st, 1);
				found++;
			}
		}
		db_finalize(st);
	}
	c->layout_stored = n > 0 && (size_t)found == n;
	if (c->layout_stored)
		return 0;
	for (size_t i = 0; i < n; i++) {
		double a = n > 1 ? 2 * M_PI * (double)(i - 1) / (double)(n - 1) : 0;

		c->nodes[i].x = i == 0 ? 0.5 : 0.5 + 0.45 * cos(a);
		c->nodes[i].y = i == 0 ? 0.5 : 0.5 + 0.45 * sin(a);
	}
	return 0;
}

/* Short readable label of an entity: a person's name, else the value. */
static char *node_label(struct loader *L, const char *key, const char *display)
{
	const char *colon = strchr(key, ':');

	if (!strncmp(key, "person:", 7) && *display)
		return guard_scrub(&L->guard, display);
	return guard_scrub(&L->guard, colon ? colon + 1 : key);
}

static int load_members(struct loader *L, struct report_cluster *c, int64_t cid,
			struct err *err)
{
	sqlite3_stmt *st = NULL, *ln = NULL, *rp = NULL;
	int64_t *ids = NULL;
	size_t cap = 0, ids_cap = 0;
	char mnight[11] = "";
	int64_t dummy;
	int r, rc = -1;

	/* The members as computed on the night, or the latest night kept. */
	if (db_int(L->db, err, &dummy,
		   "SELECT count(*) FROM cluster_member WHERE cluster_id = ? AND night = ?",
		   "Is", cid, L->d->night) < 0)
		goto out;
	if (dummy) {
		memcpy(mnight, L->d->night, sizeof(mnight));
	} else {
		if (db_prepare(L->db, &st, "SELECT coalesce(max(night), '') FROM cluster_member"
			       " WHERE cluster_id = ?", err) < 0 ||
		    db_bind(st, err, "I", cid) < 0 || db_step(st, err) < 0)
			goto out;
		snprintf(mnight, sizeof(mnight), "%s", db_text(st, 0));
		db_finalize(st);
		st = NULL;
	}
	if (db_prepare(L->db, &st,
		       "SELECT e.id, e.key, coalesce(e.display, ''), e.type, m.rank"
		       " FROM cluster_member m JOIN entity e ON e.id = m.entity_id"
		       " WHERE m.cluster_id = ? AND m.night = ? ORDER BY m.rank, e.key", err) < 0 ||
	    db_bind(st, err, "Is", cid, mnight) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *key = db_text(st, 1);
		int hidden = guard_person(&L->guard, id);
		struct report_node *nd;

		if (!hidden && c->entities.n < (size_t)L->d->params.refs_per_item)
			strs_add(&c->entities, key);
		if (c->n_nodes >= (size_t)L->d->params.cluster_nodes)
			continue;
		c->nodes = xgrow(c->nodes, &cap, c->n_nodes + 1, sizeof(*c->nodes));
		ids = xgrow(ids, &ids_cap, c->n_nodes + 1, sizeof(*ids));
		nd = &c->nodes[c->n_nodes];
		ids[c->n_nodes++] = id;
		nd->key = xstrdup(hidden ? "" : key);
		nd->label = hidden ? xstrdup("受保护人员") : node_label(L, key, db_text(st, 2));
		nd->type = xstrdup(db_text(st, 3));
		nd->rank = sqlite3_column_int(st, 4);
	}
	if (r < 0)
		goto out;
	if (place_nodes(L, c, cid, mnight, err) < 0)
		goto out;
	/* Edges among the drawn members, both directions of the pair. */
	if (db_prepare(L->db, &ln,
		       "SELECT sum(weight) FROM link WHERE (a = ?1 AND b = ?2) OR (a = ?2 AND b = ?1)",
		       err) < 0)
		goto out;
	for (size_t i = 0; i < c->n_nodes; i++) {
		for (size_t k = i + 1; k < c->n_nodes; k++) {
			if (db_bind(ln, err, "II", ids[i], ids[k]) < 0 || db_step(ln, err) < 0)
				goto out;
			if (sqlite3_column_type(ln, 0) == SQLITE_NULL)
				continue;
			c->edges = xgrow(c->edges, &c->cap_edges, c->n_edges + 1, sizeof(*c->edges));
			c->edges[c->n_edges].a = i;
			c->edges[c->n_edges].b = k;
			c->edges[c->n_edges++].weight = sqlite3_column_double(ln, 0);
		}
	}
	/* The reports that mention its members, latest first, capped. */
	if (db_prepare(L->db, &rp,
		       "SELECT DISTINCT mn.report_id, r.received_at FROM cluster_member m"
		       " JOIN mention mn ON mn.entity_id = m.entity_id"
		       " JOIN report r ON r.id = mn.report_id"
		       " WHERE m.cluster_id = ? AND m.night = ?"
		       " ORDER BY r.received_at DESC, mn.report_id LIMIT ?", err) < 0 ||
	    db_bind(rp, err, "Isi", cid, mnight, L->d->params.refs_per_item) < 0)
		goto out;
	while ((r = db_step(rp, err)) == 1) {
		struct report_ref ref;

		if (load_ref(L, sqlite3_column_int64(rp, 0), 0, &ref, err) < 0)
			goto out;
		strs_add(&c->reports, ref.ref);
		ref_release(&ref);
	}
	if (r < 0)
		goto out;
	rc = 0;
out:
	free(ids);
	db_finalize(st);
	db_finalize(ln);
	db_finalize(rp);
	return rc;
}

static int load_clusters(struct loader *L, struct err *err)
{
	struct report_data *d = L->d;
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int r, rc = -1;

	/* New or changed tonight: cluster_history has a row for each. */
	if (db_prepare(L->db, &st,
		       "SELECT c.id, c.label, h.status, c.score, h.size,"
		       " EXISTS (SELECT 1 FROM series s WHERE s.cluster_id = c.id AND s.night = ?1)"
		       " FROM cluster_history h JOIN cluster c ON c.id = h.cluster_id"
		       " WHERE h.night = ?1 AND h.status NOT IN ('same', 'gone')"
		       " ORDER BY c.score DESC, c.label LIMIT ?2", err) < 0 ||
	    db_bind(st, err, "si", d->night, d->params.clusters_shown) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		struct report_cluster *c;

		d->clusters = xgrow(d->clusters, &cap, d->n_clusters + 1, sizeof(*d->clusters));
		c = &d->clusters[d->n_clusters++];
		memset(c, 0, sizeof(*c));
		c->id = xstrdup(db_text(st, 1));
		c->status = xstrdup(db_text(st, 2));
		c->is_new = !strcmp(c->status, "new");
		c->score = sqlite3_column_double(st, 3);
		c->size = sqlite3_column_int(st, 4);
		c->is_series = sqlite3_column_int(st, 5);
		if (load_members(L, c, sqlite3_column_int64(st, 0), err) < 0)
			goto out;
	}
	if (r < 0)
		goto out;
	rc = 0;
out:
	db_finalize(st);
	return rc;
}

static int load_series(struct loader *L, struct err *err)
{
	struct report_data *d = L->d;
	sqlite3_stmt *st = NULL, *rp = NULL;
	size_t cap = 0;
	int r, rc = -1;

	if (db_prepare(L->db, &st,
		       "SELECT s.id, c.label, s.score, s.n_reports FROM series s"
		       " JOIN cluster c ON c.id = s.cluster_id WHERE s.night = ?"
		       " ORDER BY s.score DESC, s.key LIMIT ?", err) < 0 ||
	    db_prepare(L->db, &rp,
		       "SELECT sr.report_id FROM series_report sr JOIN report r ON r.id = sr.report_id"
		       " WHERE sr.series_id = ? ORDER BY r.received_at, r.id LIMIT ?", err) < 0 ||
	    db_bind(st, err, "si", d->night, d->params.series_shown) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		struct report_series *s;

		d->series = xgrow(d->series, &cap, d->n_series + 1, sizeof(*d->series));
		s = &d->series[d->n_series++];
		memset(s, 0, sizeof(*s));
		s->cluster = xstrdup(db_text(st, 1));
		s->score = sqlite3_column_double(st, 2);
		s->n_reports = sqlite3_column_int(st, 3);
		if (db_bind(rp, err, "Ii", sqlite3_column_int64(st, 0), d->params.refs_per_item) < 0)
			goto out;
		while ((r = db_step(rp, err)) == 1) {
			struct report_ref ref;

			if (load_ref(L, sqlite3_column_int64(rp, 0),
				     s->reports.n < (size_t)d->params.evidence_per_warning, &ref, err) < 0)
				goto out;
			refs_push(&s->reports, &ref);
		}
		if (r < 0)
			goto out;
	}
	if (r < 0)
		goto out;
	rc = 0;
out:
	db_finalize(st);
	db_finalize(rp);
	return rc;
}

/* ---- what changed since the last report ------------------------------ */

static int load_previous(struct loader *L, struct err *err)
{
	struct report_changes *ch = &L->d->changes;
	sqlite3_stmt *st = NULL;
	int r, rc = -1;

	ch->first = 1;
	if (db_prepare(L->db, &st,
		       "SELECT night, generated_at, max_batch_id,"
		       " coalesce(json_extract(counts, '$.new_reports'), 0), warnings"
		       " FROM report_run WHERE night < ? ORDER BY night DESC LIMIT 1", err) < 0 ||
	    db_bind(st, err, "s", L->d->night) < 0 || (r = db_step(st, err)) < 0)
		goto out;
	if (r == 1) {
		ch->first = 0;
		snprintf(ch->prev_night, sizeof(ch->prev_night), "%s", db_text(st, 0));
		snprintf(ch->prev_generated_at, sizeof(ch->prev_generated_at), "%s", db_text(st, 1));
		L->prev_batch = sqlite3_column_int64(st, 2);
		ch->prev_new_reports = sqlite3_column_int(st, 3);
		L->prev_warnings = xstrdup(db_text(st, 4));
	}
	rc = 0;
out:
	db_finalize(st);
	return rc;
}

static int load_changes(struct loader *L, struct err *err)
{
	struct report_data *d = L->d;
	struct report_changes *ch = &d->changes;
	sqlite3_stmt *st = NULL;
	cJSON *prev = NULL;
	const cJSON *it;
	size_t cap = 0;
	int r, rc = -1;

	/* Cluster statuses tonight, whatever the cap on the list. */
	if (db_prepare(L->db, &st,
		       "SELECT status, count(*) FROM cluster_history WHERE night = ?"
		       " AND status NOT IN ('same') GROUP BY status ORDER BY status", err) < 0 ||
	    db_bind(st, err, "s", d->night) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		ch->cluster_status = xgrow(ch->cluster_status, &cap, ch->n_cluster_status + 1,
					   sizeof(*ch->cluster_status));
		ch->cluster_status[ch->n_cluster_status].name = xstrdup(db_text(st, 0));
		ch->cluster_status[ch->n_cluster_status].last = NULL;
		ch->cluster_status[ch->n_cluster_status++].n = sqlite3_column_int(st, 1);
	}
	if (r < 0)
		goto out;
	db_finalize(st);
	st = NULL;
	if (ch->first)
		goto done;
	prev = cJSON_Parse(L->prev_warnings ? L->prev_warnings : "[]");
	ch->prev_warnings = cJSON_GetArraySize(prev);
	for (size_t i = 0; i < d->n_warnings; i++) {
		const struct report_warning *w = &d->warnings[i];
		int seen = 0;

		cJSON_ArrayForEach(it, prev)
			if (cJSON_IsString(it) && !strcmp(it->valuestring, w->id))
				seen = 1;
		if (seen) {
			ch->n_continuing++;
		} else {
			char *s = xasprintf("%s %s", w->id, w->title);

			strs_add(&ch->new_warnings, s);
			free(s);
		}
	}
	if (db_prepare(L->db, &st, "SELECT title FROM warning WHERE wid = ?", err) < 0)
		goto out;
	cJSON_ArrayForEach(it, prev) {
		int tonight = 0;
		char *s, *title;

		if (!cJSON_IsString(it))
			continue;
		for (size_t i = 0; i < d->n_warnings; i++)
			if (!strcmp(d->warnings[i].id, it->valuestring))
				tonight = 1;
		if (tonight)
			continue;
		if (db_bind(st, err, "s", it->valuestring) < 0 || (r = db_step(st, err)) < 0)
			goto out;
		title = guard_scrub(&L->guard, r ? db_text(st, 0) : "");
		s = xasprintf("%s %s", it->valuestring, title);
		strs_add(&ch->ended_warnings, s);
		free(s);
		free(title);
	}
done:
	rc = 0;
out:
	cJSON_Delete(prev);
	db_finalize(st);
	return rc;
}

/* ---- data quality ----------------------------------------------------- */

static int load_quality(struct loader *L, struct err *err)
{
	struct report_data *d = L->d;
	struct report_quality *q = &d->quality;
	sqlite3_stmt *st = NULL;
	char from[11], quiet[11];
	size_t cap = 0;
	int64_t v;
	int r, rc = -1;

	if (db_prepare(L->db, &st,
		       "SELECT reason, count(*) FROM quarantine WHERE batch_id > ? AND batch_id <= ?"
		       " GROUP BY reason ORDER BY count(*) DESC, reason LIMIT 20", err) < 0 ||
	    db_bind(st, err, "II", L->prev_batch, d->max_batch_id) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		q->reasons = xgrow(q->reasons, &cap, q->n_reasons + 1, sizeof(*q->reasons));
		q->reasons[q->n_reasons].name = guard_scrub(&L->guard, db_text(st, 0));
		q->reasons[q->n_reasons].last = NULL;
		q->reasons[q->n_reasons++].n = sqlite3_column_int(st, 1);
	}
	if (r < 0)
		goto out;
	db_finalize(st);
	cap = 0;
	if (db_prepare(L->db, &st,
		       "SELECT file, line, reason FROM quarantine WHERE batch_id > ? AND batch_id <= ?"
		       " ORDER BY id LIMIT ?", err) < 0 ||
	    db_bind(st, err, "IIi", L->prev_batch, d->max_batch_id, d->params.quarantine_shown) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		struct report_quarantined *s;
		const char *file = db_text(st, 0), *slash = strrchr(file, '/');

		q->samples = xgrow(q->samples, &cap, q->n_samples + 1, sizeof(*q->samples));
		s = &q->samples[q->n_samples++];
		/* The file's own name only: the inbox path says nothing to a chief. */
		s->file = guard_scrub(&L->guard, slash ? slash + 1 : file);
		s->line = sqlite3_column_int(st, 1);
		s->reason = guard_scrub(&L->guard, db_text(st, 2));
	}
	if (r < 0)
		goto out;
	db_finalize(st);
	cap = 0;

	/* Sources that reported in the baseline window but not in the last
	 * quiet_days; every informant counts as one channel, unnamed. */
	day_add(d->night, -d->params.quiet_baseline_days - d->params.quiet_days + 1, from);
	day_add(d->night, -d->params.quiet_days + 1, quiet);
	if (db_prepare(L->db, &st,
		       "SELECT CASE WHEN informant THEN 'informant' ELSE source END AS src,"
		       " count(*), max(received_at) FROM report"
		       " WHERE received_at >= ?1 AND received_at < ?2 GROUP BY src"
		       " HAVING max(received_at) < ?3 AND count(*) >= ?4"
		       " ORDER BY count(*) DESC, src LIMIT 20", err) < 0 ||
	    db_bind(st, err, "sssi", from, L->end, quiet, d->params.quiet_min_reports) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		q->quiet = xgrow(q->quiet, &cap, q->n_quiet + 1, sizeof(*q->quiet));
		q->quiet[q->n_quiet].name = xstrdup(db_text(st, 0));
		q->quiet[q->n_quiet].n = sqlite3_column_int(st, 1);
		q->quiet[q->n_quiet++].last = xstrdup(db_text(st, 2));
	}
	if (r < 0)
		goto out;
	db_finalize(st);
	st = NULL;

	/* Late: received before this night but stored since the last report,
	 * so the earlier reports could not count them.  Without an earlier
	 * report every stored record would look late, so none is. */
	if (!d->changes.first) {
		if (db_int(L->db, err, &v,
			   "SELECT count(*) FROM report WHERE batch_id > ? AND batch_id <= ?"
			   " AND received_at < ?", "IIs", L->prev_batch, d->max_batch_id, L->start) < 0)
			goto out;
		q->late = (long)v;
		if (db_prepare(L->db, &st,
			       "SELECT id FROM report WHERE batch_id > ? AND batch_id <= ?"
			       " AND received_at < ? ORDER BY received_at, id LIMIT ?", err) < 0 ||
		    db_bind(st, err, "IIsi", L->prev_batch, d->max_batch_id, L->start,
			    d->params.late_shown) < 0)
			goto out;
		while ((r = db_step(st, err)) == 1) {
			struct report_ref ref;

			if (load_ref(L, sqlite3_column_int64(st, 0), 0, &ref, err) < 0)
				goto out;
			refs_push(&q->late_refs, &ref);
		}
		if (r < 0)
			goto out;
	}
	if (db_int(L->db, err, &v,
		   "SELECT count(*) FROM report WHERE batch_id > ? AND batch_id <= ?"
		   " AND received_at IS NULL", "II", L->prev_batch, d->max_batch_id) < 0)
		goto out;
	q->undated = (long)v;
	rc = 0;
out:
	db_finalize(st);
	return rc;
}

/* ---- load, free, record -------------------------------------------- */

int report_data_load(struct db *db, const struct report_opts *opts,
		     struct report_data **out, struct err *err)
{
	struct report_data *d = xcalloc(1, sizeof(*d));
	struct loader L = { 0 };
	int rc = -1;

	*out = NULL;
	L.db = db;
	L.d = d;
	if (!opts->night || !report_night_valid(opts->night)) {
		err_set(err, "night '%s' is not a date YYYY-MM-DD", opts->night ? opts->night : "");
		goto out;
	}
	if (report_params_load(&d->params, opts->data_dir, err) < 0)
		goto out;
	snprintf(d->night, sizeof(d->night), "%s", opts->night);
	db_now(d->generated_at);
	memcpy(L.start, d->night, sizeof(L.start));
	day_add(d->night, 1, L.end);
	/* One read transaction: every section sees the same database. */
	if (db_exec(db, "BEGIN", err) < 0)
		goto out;
	if (guard_load(&L.guard, db, err) < 0 ||
	    db_prepare(db, &L.report,
		       "SELECT source, ext_id, informant, coalesce(received_at, ''),"
		       " coalesce(place, ''), text FROM report WHERE id = ?", err) < 0 ||
	    db_prepare(db, &L.entity, "SELECT id FROM entity WHERE key = ?", err) < 0 ||
	    load_previous(&L, err) < 0 || load_counts(&L, err) < 0 ||
	    load_warnings(&L, err) < 0 || load_hits(&L, err) < 0 ||
	    load_clusters(&L, err) < 0 || load_series(&L, err) < 0 ||
	    load_changes(&L, err) < 0 || load_quality(&L, err) < 0)
		goto out;
	rc = 0;
out:
	db_finalize(L.report);
	db_finalize(L.entity);
	if (db->h && !sqlite3_get_autocommit(db->h))
		db_exec(db, "COMMIT", NULL);
	guard_release(&L.guard);
	free(L.prev_warnings);
	if (rc < 0)
		report_data_free(d);
	else
		*out = d;
	return rc;
}

static void warning_release(struct report_warning *w)
{
	free(w->id);
	free(w->kind);
	free(w->title);
	free(w->explanation);
	free(w->first_night);
	free(w->last_night);
	strs_release(&w->subject);
	strs_release(&w->entities);
	strs_release(&w->reports);
	refs_release(&w->evidence);
	free(w->series);
}

static void cluster_release(struct report_cluster *c)
{
	free(c->id);
	free(c->status);
	strs_release(&c->entities);
	strs_release(&c->reports);
	for (size_t i = 0; i < c->n_nodes; i++) {
		free(c->nodes[i].key);
		free(c->nodes[i].label);
		free(c->nodes[i].type);
	}
	free(c->nodes);
	free(c->edges);
}

void report_data_free(struct report_data *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_warnings; i++)
		warning_release(&d->warnings[i]);
	free(d->warnings);
	for (size_t i = 0; i < d->n_clusters; i++)
		cluster_release(&d->clusters[i]);
	free(d->clusters);
	for (size_t i = 0; i < d->n_series; i++) {
		free(d->series[i].cluster);
		refs_release(&d->series[i].reports);
	}
	free(d->series);
	for (size_t i = 0; i < d->n_hits; i++) {
		free(d->hits[i].warning_id);
		free(d->hits[i].list);
		free(d->hits[i].key);
		free(d->hits[i].note);
		refs_release(&d->hits[i].seen);
	}
	free(d->hits);
	strs_release(&d->changes.new_warnings);
	strs_release(&d->changes.ended_warnings);
	counts_free(d->changes.cluster_status, d->changes.n_cluster_status);
	counts_free(d->quality.reasons, d->quality.n_reasons);
	counts_free(d->quality.quiet, d->quality.n_quiet);
	for (size_t i = 0; i < d->quality.n_samples; i++) {
		free(d->quality.samples[i].file);
		free(d->quality.samples[i].reason);
	}
	free(d->quality.samples);
	refs_release(&d->quality.late_refs);
	free(d);
}

int report_data_record(struct db *db, const struct report_data *d, struct err *err)
{
	cJSON *counts = cJSON_CreateObject(), *warnings = cJSON_CreateArray();
	cJSON *clusters = cJSON_CreateArray();
	char *c = NULL, *w = NULL, *k = NULL;
	int rc;

	cJSON_AddNumberToObject(counts, "reports", (double)d->reports);
	cJSON_AddNumberToObject(counts, "new_reports", (double)d->new_reports);
	cJSON_AddNumberToObject(counts, "rejected", (double)d->rejected);
	cJSON_AddNumberToObject(counts, "entities", (double)d->entities);
	cJSON_AddNumberToObject(counts, "links", (double)d->links);
	for (size_t i = 0; i < d->n_warnings; i++)
		cJSON_AddItemToArray(warnings, cJSON_CreateString(d->warnings[i].id));
	for (size_t i = 0; i < d->n_clusters; i++)
		cJSON_AddItemToArray(clusters, cJSON_CreateString(d->clusters[i].id));
	c = cJSON_PrintUnformatted(counts);
	w = cJSON_PrintUnformatted(warnings);
	k = cJSON_PrintUnformatted(clusters);
	rc = db_run(db, err,
		    "INSERT INTO report_run(night, generated_at, max_batch_id, counts, warnings, clusters)"
		    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(night) DO UPDATE SET"
		    " generated_at = excluded.generated_at, max_batch_id = excluded.max_batch_id,"
		    " counts = excluded.counts, warnings = excluded.warnings,"
		    " clusters = excluded.clusters",
		    "ssIsss", d->night, d->generated_at, d->max_batch_id, c, w, k);
	free(c);
	free(w);
	free(k);
	cJSON_Delete(counts);
	cJSON_Delete(warnings);
	cJSON_Delete(clusters);
	return rc;
}

const char *report_kind_name(const char *kind)
{
	static const char *const names[][2] = {
		{ "spike", "警情突增" }, { "series", "串并案线索" },
		{ "dispute", "矛盾纠纷升级" }, { "burst", "同一号码多人举报" },
		{ "watchlist", "布控比中" }, { "near_repeat", "近重复侵财" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(kind, names[i][0]))
			return names[i][1];
	return kind;
}

const char *report_status_name(const char *status)
{
	static const char *const names[][2] = {
		{ "new", "新出现" }, { "grown", "扩大" }, { "shrunk", "缩小" },
		{ "merged", "合并" }, { "split", "分裂" }, { "same", "无变化" },
		{ "gone", "消失" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(status, names[i][0]))
			return names[i][1];
	return status;
}
