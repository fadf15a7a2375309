/*
 * report_warnings: the warnings of the night as the warn stage stored
 * them (with their evidence, newest first, and a spike's daily series),
 * and the watchlist hits among them with the entry each matched.
 */
#include "output/report_int.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* subject is a JSON array of keys, or one key per '|'-separated part. */
static void parse_subject(struct report_loader *L, const char *s, struct report_strs *out)
{
	cJSON *j = cJSON_Parse(s);
	const cJSON *it;

	if (cJSON_IsArray(j)) {
		cJSON_ArrayForEach(it, j) {
			if (cJSON_IsString(it)) {
				char *c = report_guard_scrub(&L->guard, it->valuestring);

				report_strs_add(out, c);
				free(c);
			}
		}
	} else {
		char *copy = report_guard_scrub(&L->guard, s), *save = NULL;

		for (char *p = strtok_r(copy, "|", &save); p; p = strtok_r(NULL, "|", &save))
			report_strs_add(out, p);
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

static int load_warning_evidence(struct report_loader *L, sqlite3_stmt *ev, int64_t wrow,
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
			if (report_load_ref(L, sqlite3_column_int64(ev, 0), with_snippet, &ref, err) < 0)
				return -1;
			if (w->reports.n < (size_t)L->d->params.refs_per_item)
				report_strs_add(&w->reports, ref.ref);
			if (with_snippet) {
				report_refs_push(&w->evidence, &ref);
				shown++;
			} else {
				report_ref_release(&ref);
			}
		} else if (*key && !report_strs_has(&w->entities, key)) {
			int hidden = report_entity_hidden(L, key, err);

			if (hidden < 0)
				return -1;
			if (!hidden)
				report_strs_add(&w->entities, key);
		}
	}
	return r;
}

/*
 * The warnings of the night, each as the warn stage raised it that night
 * (warning_night: an old night's report stays what it was).  Evidence is
 * what was cited up to the night, the latest report first.
 */
static const char sql_count[] =
	"SELECT count(*) FROM warning_night WHERE night = ?1";
/*
 * The top_warnings most severe, shown most severe first; every watchlist
 * hit among them whatever its severity (a stolen phone pawned is one
 * line a chief must see, however many disputes the night had): the hits
 * take their places first, the others fill the rest.
 */
static const char sql_list[] =
	"SELECT id, wid, kind, subject, first_night, last_night, severity, title, explanation, data"
	" FROM (SELECT *, row_number() OVER (ORDER BY kind = 'watchlist' DESC,"
	" severity DESC, wid) AS rank_ FROM (SELECT w.id, w.wid, w.kind, w.subject, w.first_night,"
	" w.last_night, n.severity AS severity, n.title, n.explanation, n.data"
	" FROM warning_night n JOIN warning w ON w.id = n.warning_id WHERE n.night = ?1))"
	" WHERE rank_ <= ?2 OR kind = 'watchlist' ORDER BY severity DESC, wid";
static const char sql_evidence[] =
	"SELECT e.report_id, coalesce(e.entity_key, '') FROM warning_evidence e"
	" LEFT JOIN report r ON r.id = e.report_id"
	" WHERE e.warning_id = ?1 AND e.night <= ?2"
	" ORDER BY r.received_at IS NULL, r.received_at DESC, e.rowid";

int report_load_warnings(struct report_loader *L, struct err *err)
{
	struct report_data *d = L->d;
	sqlite3_stmt *st = NULL, *ev = NULL;
	size_t cap = 0;
	int64_t total;
	int r, rc = -1;

	if (db_int(L->db, err, &total, sql_count, "s", d->night) < 0)
		goto out;
	d->warnings_total = (long)total;
	if (db_prepare(L->db, &st, sql_list, err) < 0 ||
	    db_prepare(L->db, &ev, sql_evidence, err) < 0 ||
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
		w->title = report_guard_scrub(&L->guard, db_text(st, 7));
		w->explanation = report_guard_scrub(&L->guard, db_text(st, 8));
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
int report_load_hits(struct report_loader *L, struct err *err)
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
			h->note = report_guard_scrub(&L->guard, db_text(wl, 1));
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

			report_refs_push(&h->seen, &r);
		}
	}
	rc = 0;
out:
	db_finalize(wl);
	return rc;
}

/* ---- held situations ---------------------------------------------------- */

/*
 * What the warn stage held back tonight beyond a kind's max_per_night:
 * the count of each kind, and its held_shown most severe titles.
 */
int report_load_held(struct report_loader *L, struct err *err)
{
	struct report_data *d = L->d;
	sqlite3_stmt *kinds = NULL, *titles = NULL;
	size_t cap = 0;
	int r, rc = -1;

	if (db_prepare(L->db, &kinds,
		       "SELECT kind, count(*) FROM warning_held WHERE night = ?"
		       " GROUP BY kind ORDER BY count(*) DESC, kind", err) < 0 ||
	    db_prepare(L->db, &titles,
		       "SELECT title, severity FROM warning_held WHERE night = ? AND kind = ?"
		       " ORDER BY severity DESC, subject LIMIT ?", err) < 0 ||
	    db_bind(kinds, err, "s", d->night) < 0)
		goto out;
	while ((r = db_step(kinds, err)) == 1) {
		struct report_held *h;
		int t;

		d->held = xgrow(d->held, &cap, d->n_held + 1, sizeof(*d->held));
		h = &d->held[d->n_held++];
		memset(h, 0, sizeof(*h));
		h->kind = xstrdup(db_text(kinds, 0));
		h->n = sqlite3_column_int64(kinds, 1);
		d->held_total += h->n;
		if (db_bind(titles, err, "ssi", d->night, h->kind, d->params.held_shown) < 0)
			goto out;
		while ((t = db_step(titles, err)) == 1) {
			char *scrubbed = report_guard_scrub(&L->guard, db_text(titles, 0));
			char *line = xasprintf("%s（%d）", scrubbed, sqlite3_column_int(titles, 1));

			report_strs_add(&h->titles, line);
			free(line);
			free(scrubbed);
		}
		if (t < 0)
			goto out;
	}
	if (r < 0)
		goto out;
	rc = 0;
out:
	db_finalize(kinds);
	db_finalize(titles);
	return rc;
}
