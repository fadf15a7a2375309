/*
 * warn_series: the graph stage's series candidates (串并案) as warnings.
 * A series is raised the night it first becomes a candidate and while a
 * recent report joins it; in between it stays as it was, so the
 * chief is not told the same thing every morning.  Its subject is the
 * series key (its earliest report), which the graph stage keeps as the
 * series grows, so one series is one warning.
 *
 * Ranked, and capped at series.max_per_night: on a large district the
 * graph stage finds tens of thousands of candidates, and on the first
 * night they are all new, but a morning report is read by one chief.
 * Those a recent report joins (what is starting or growing) come first,
 * then the most severe; the rest stay in the report's list of series.
 */
#include "output/warn_int.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The names of the categories "burglary,theft" for a chief. */
static char *category_names(struct warn_ctx *w, const char *list)
{
	struct sbuf b = SBUF_INIT;
	char *copy = xstrdup(list), *save = NULL;

	for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if (b.len)
			sbuf_adds(&b, "、");
		sbuf_adds(&b, warn_category_name(w, p));
	}
	free(copy);
	return sbuf_detach(&b);
}

/*
 * What joins the series: the entities its chains of evidence pass
 * through (series_pair.chain: report, mention, entity, link ...,
 * entity, mention, report), the most often met first, at most eight;
 * the first four named in the text.  Not the cluster's best-ranked
 * members, which may be a victim and the victim's phone: a crew is
 * joined through its plate, not through whoever called the police.
 */
struct join {
	char *key;
	int n;
	size_t first;           /* the order it was first met in */
};

static int cmp_join(const void *pa, const void *pb)
{
	const struct join *a = pa, *b = pb;

	if (a->n != b->n)
		return b->n - a->n;
	return (a->first > b->first) - (a->first < b->first);
}

static void add_join(struct join **v, size_t *n, size_t *cap, const char *key)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].key, key)) {
			(*v)[i].n++;
			return;
		}
	*v = xgrow(*v, cap, *n + 1, sizeof(**v));
	(*v)[*n].key = xstrdup(key);
	(*v)[*n].n = 1;
	(*v)[*n].first = *n;
	(*n)++;
}

static int series_joins(struct warn_ctx *w, sqlite3_stmt *pairs, int64_t series,
			struct warn_cand *c, struct sbuf *names, struct err *err)
{
	struct join *v = NULL;
	size_t n = 0, cap = 0;
	int r;

	if (db_bind(pairs, err, "I", series) < 0)
		return -1;
	while ((r = db_step(pairs, err)) == 1) {
		cJSON *chain = cJSON_Parse(db_text(pairs, 0));
		int steps = cJSON_GetArraySize(chain);

		/* Each step's end but the last is an entity. */
		for (int i = 0; i + 1 < steps; i++) {
			const char *to = cJSON_GetStringValue(
				cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(chain, i), "to"));

			if (to)
				add_join(&v, &n, &cap, to);
		}
		cJSON_Delete(chain);
	}
	sqlite3_reset(pairs);
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_join);
	for (size_t i = 0; i < n; i++) {
		if (i < 8)
			warn_cand_entity(c, v[i].key);
		if (i < 4) {
			char *name = strncmp(v[i].key, "person:", 7) ? xstrdup(warn_key_value(v[i].key))
								     : warn_display(w, v[i].key);

			if (names->len)
				sbuf_adds(names, "、");
			sbuf_adds(names, name);
			free(name);
		}
		free(v[i].key);
	}
	free(v);
	return r < 0 ? -1 : 0;
}

/* A series the night may raise, with what ranks it. */
struct series_row {
	int64_t id;
	char *key, *categories, *first, *last, *label;
	double score;
	int n, days, recent, is_new, severity;
};

static int series_severity(struct warn_ctx *w, double score, int n)
{
	int sev = warn_severity(warn_param(w, WARN_SERIES, "severity_base", 55) +
		warn_param(w, WARN_SERIES, "severity_per_report", 5) * (n - 2) +
		warn_param(w, WARN_SERIES, "severity_per_score", 20) * score);

	if (sev > warn_param(w, WARN_SERIES, "severity_max", 90))
		sev = (int)warn_param(w, WARN_SERIES, "severity_max", 90);
	return sev;
}

/* Joined by a recent report first, then the most severe; total. */
static int series_row_cmp(const void *a, const void *b)
{
	const struct series_row *x = a, *y = b;

	if (x->recent != y->recent)
		return y->recent - x->recent;
	if (x->severity != y->severity)
		return y->severity - x->severity;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return strcmp(x->key, y->key);
}

static void series_row_release(struct series_row *r)
{
	free(r->key);
	free(r->categories);
	free(r->first);
	free(r->last);
	free(r->label);
}

/* Its reports are the recent days' (series_rows). */
void warn_series_from(const struct warn_ctx *w, char out[11])
{
	warn_recent(w, WARN_SERIES, out);
}

/*
 * The series of the night that are new tonight or joined by a recent
 * report, into *out (owned), ranked.  The recent ones are found from the
 * night's reports (warn_report by day), not by a look into every series.
 */
static int series_rows(struct warn_ctx *w, struct series_row **out, size_t *n_out,
		       struct err *err)
{
	sqlite3_stmt *st = NULL;
	struct series_row *v = NULL;
	size_t n = 0, cap = 0;
	char recent[11];
	int r;

	warn_series_from(w, recent);
	if (warn_reports_from(w, recent, err) < 0)
		return -1;
	if (db_prepare(w->db, &st,
		       "WITH recent(series_id) AS (SELECT DISTINCT sr.series_id FROM warn_report r"
		       "  JOIN series_report sr ON sr.report_id = r.report_id WHERE r.day BETWEEN ?4 AND ?1)"
		       " SELECT s.id, s.key, s.score, s.n_reports, s.n_days, s.categories,"
		       " coalesce(substr(s.first_at, 1, 10), ''), coalesce(substr(s.last_at, 1, 10), ''),"
		       " c.label, s.first_night = ?1, s.id IN recent"
		       " FROM series s JOIN cluster c ON c.id = s.cluster_id"
		       " WHERE s.night = ?1 AND s.score >= ?2 AND s.n_reports >= ?3"
		       " AND (s.first_night = ?1 OR s.id IN recent)", err) < 0 ||
	    db_bind(st, err, "sdis", w->night, warn_param(w, WARN_SERIES, "min_score", 0),
		    (int)warn_param(w, WARN_SERIES, "min_reports", 2), recent) < 0) {
		db_finalize(st);
		return -1;
	}
	while ((r = db_step(st, err)) == 1) {
		struct series_row *s;

		v = xgrow(v, &cap, n + 1, sizeof(*v));
		s = &v[n++];
		s->id = sqlite3_column_int64(st, 0);
		s->key = xstrdup(db_text(st, 1));
		s->score = sqlite3_column_double(st, 2);
		s->n = sqlite3_column_int(st, 3);
		s->days = sqlite3_column_int(st, 4);
		s->categories = xstrdup(db_text(st, 5));
		s->first = xstrdup(db_text(st, 6));
		s->last = xstrdup(db_text(st, 7));
		s->label = xstrdup(db_text(st, 8));
		s->is_new = sqlite3_column_int(st, 9);
		s->recent = sqlite3_column_int(st, 10);
		s->severity = series_severity(w, s->score, s->n);
	}
	db_finalize(st);
	if (n)
		qsort(v, n, sizeof(*v), series_row_cmp);
	*out = v;
	*n_out = n;
	return r;
}

/* Raise one series: its members, reports and text. */
static int series_raise(struct warn_ctx *w, sqlite3_stmt *pairs, sqlite3_stmt *reports,
			const struct series_row *s, struct err *err)
{
	struct warn_cand *c = warn_cand_add(w, WARN_SERIES);
	struct sbuf names = SBUF_INIT;
	char *subject = xasprintf("series:%s", s->key);
	char *cats = category_names(w, s->categories);
	cJSON *data = cJSON_CreateObject();
	int rr;

	warn_cand_subject(c, (const char *const *)&subject, 1);
	c->severity = s->severity;
	rr = series_joins(w, pairs, s->id, c, &names, err);
	if (rr == 0)
		rr = db_bind(reports, err, "I", s->id);
	while (rr == 0 && (rr = db_step(reports, err)) == 1) {
		warn_cand_report(c, sqlite3_column_int64(reports, 0));
		rr = 0;
	}
	cJSON_AddStringToObject(data, "cluster", s->label);
	cJSON_AddNumberToObject(data, "score", s->score);
	cJSON_AddNumberToObject(data, "reports", s->n);
	cJSON_AddBoolToObject(data, "new", s->is_new);
	warn_cand_text(c,
		xasprintf("串并案线索：%d起%s警情相互关联（%s）", s->n, cats, s->label),
		xasprintf("%s至%s，%d起%s警情（分布在%d个不同日期）通过共同的人员、号码、"
			  "车辆等标识关联在一起，关联评分%.2f。关键关联：%s。"
			  "这些警情可能是同一人员或团伙所为，建议并案研判、统一侦查。",
			  s->first, s->last, s->n, cats, s->days, s->score,
			  names.len ? sbuf_str(&names) : "见证据"),
		cJSON_PrintUnformatted(data));
	cJSON_Delete(data);
	sbuf_release(&names);
	free(subject);
	free(cats);
	return rr;
}

int warn_series(struct warn_ctx *w, struct err *err)
{
	sqlite3_stmt *reports = NULL, *pairs = NULL;
	struct series_row *rows = NULL;
	size_t n = 0, max = (size_t)warn_param(w, WARN_SERIES, "max_per_night", 20);
	int rc = -1;

	if (series_rows(w, &rows, &n, err) < 0 ||
	    db_prepare(w->db, &pairs,
		       "SELECT chain FROM series_pair WHERE series_id = ? ORDER BY report_a, report_b",
		       err) < 0 ||
	    db_prepare(w->db, &reports,
		       "SELECT report_id FROM series_report WHERE series_id = ? ORDER BY report_id",
		       err) < 0)
		goto out;
	for (size_t i = 0; i < n && (!max || i < max); i++)
		if (series_raise(w, pairs, reports, &rows[i], err) < 0)
			goto out;
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		series_row_release(&rows[i]);
	free(rows);
	db_finalize(pairs);
	db_finalize(reports);
	return rc;
}
