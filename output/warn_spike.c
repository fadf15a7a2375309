/*
 * warn_spike: a count above its baseline for one place and category.
 *
 * Places are counted at every level analyze gives them: a report at a
 * building counts for its community, street (township) and district
 * through the place table's parents (when analyze has stored them;
 * otherwise each place entity a report mentions is counted as it is).
 * warn.conf's spike.levels says which levels are judged.
 *
 * One pass over the span's reports counts every (place, category, day)
 * into a temporary table; from it come the pairs with at least
 * spike.min_count reports in the last min_count_days (3 in 3 days), one
 * of them tonight — the only ones that can alarm, and what keeps 0 -> 1
 * from alarming — and their daily histories.  With less than spike.farrington_min_days
 * of history in the database the day is judged by EARS (spike.method,
 * C2 by default: a 7-day baseline behind a 2-day guard band); with more,
 * the last 7 days are judged by Farrington-flexible against the same
 * weeks of earlier years, which knows about seasons.
 */
#include "output/warn_int.h"
#include "output/day.h"
#include "output/detect.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * warn_count: reports a day for every (place, category) of the span,
 * each report counted for its places and all their ancestors when
 * analyze keeps a hierarchy.  One pass over the span's reports (taken
 * by date first, hence MATERIALIZED and CROSS JOIN, which fix SQLite's
 * join order); the pairs and their histories are then read by index.
 */
#define SPAN_REPORTS \
	"WITH RECURSIVE d(id, day) AS MATERIALIZED" \
	" (SELECT id, substr(coalesce(received_at, occurred_at), 1, 10)" \
	" FROM report r WHERE " WARN_NOT_RESENT("r") \
	" AND ((received_at >= ?1 AND received_at < ?2)" \
	"  OR (received_at IS NULL AND occurred_at >= ?1 AND occurred_at < ?2))),"
#define PLACES_UP(FROM) \
	" rp(report_id, entity_id, day) AS (SELECT DISTINCT m.report_id, m.entity_id, d.day" \
	" FROM " FROM " CROSS JOIN mention m ON m.report_id = d.id" \
	" CROSS JOIN entity e ON e.id = m.entity_id AND e.type = 'place'"
#define TREE_UP \
	" UNION SELECT rp.report_id, p.parent_id, rp.day FROM rp" \
	" JOIN place p ON p.entity_id = rp.entity_id WHERE p.parent_id IS NOT NULL"
#define COUNT_INSERT \
	" INSERT INTO warn_count SELECT rp.entity_id, c.category, rp.day," \
	" count(DISTINCT rp.report_id) FROM rp JOIN report_category c ON c.report_id = rp.report_id" \
	" WHERE instr(?3, ' ' || c.category || ' ') > 0 GROUP BY rp.entity_id, c.category, rp.day"

/* The pairs of the recent days (?3 .. ?1): at least ?2 reports, one tonight. */
#define TONIGHT_PAIRS \
	"SELECT c.entity_id, e.key, coalesce(e.display, ''), %s, c.category," \
	" sum(CASE WHEN c.day = ?1 THEN c.n ELSE 0 END), sum(c.n)" \
	" FROM warn_count c JOIN entity e ON e.id = c.entity_id" \
	" WHERE c.day BETWEEN ?3 AND ?1 GROUP BY c.entity_id, c.category" \
	" HAVING sum(c.n) >= ?2 AND max(c.day) = ?1 ORDER BY e.key, c.category"
#define HISTORY \
	"SELECT day, n FROM warn_count WHERE entity_id = ?1 AND category = ?2" \
	" AND day BETWEEN ?3 AND ?4"
/* The reports of an alarm: those of the window at the place or below it. */
#define REPORTS(UP) \
	"WITH RECURSIVE d(id, day) AS (SELECT report_id, day FROM warn_rep" \
	" WHERE day BETWEEN ?3 AND ?4)," PLACES_UP("d") UP ")" \
	" SELECT DISTINCT rp.report_id FROM rp" \
	" JOIN report_category c ON c.report_id = rp.report_id AND c.category = ?2" \
	" WHERE rp.entity_id = ?1 ORDER BY rp.report_id"

struct spike {
	struct warn_ctx *w;
	sqlite3_stmt *history, *reports;
	struct detect_opts ears, far;
	long far_days;          /* days of history in the database, 0 if too few */
	int chart_days;
	double min_count;       /* reports in the recent days */
	int recent_days;
};

struct pair {
	int64_t entity;
	const char *key, *display, *level, *category;
	int tonight;            /* reports tonight */
	int recent;             /* reports in the recent days */
};

/* Daily counts of a pair over [night - n + 1, night] into x[0..n). */
static int spike_counts(struct spike *s, const struct pair *p, long n, double *x,
			struct err *err)
{
	char from[11];
	long base = day_number(s->w->night) - n + 1;
	int r;

	day_add(s->w->night, -(n - 1), from);
	memset(x, 0, sizeof(double) * (size_t)n);
	if (db_bind(s->history, err, "Isss", p->entity, p->category, from, s->w->night) < 0)
		return -1;
	while ((r = db_step(s->history, err)) == 1) {
		long d = day_number(db_text(s->history, 0)) - base;

		if (d >= 0 && d < n)
			x[d] = sqlite3_column_double(s->history, 1);
	}
	return r;
}

static void add_point(cJSON *arr, const char *date, const struct detect_point *p)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "date", date);
	cJSON_AddNumberToObject(o, "observed", p->observed);
	if (isnan(p->expected))
		cJSON_AddNullToObject(o, "expected");
	else
		cJSON_AddNumberToObject(o, "expected", round(p->expected * 100) / 100);
	if (isnan(p->threshold))
		cJSON_AddNullToObject(o, "threshold");
	else
		cJSON_AddNumberToObject(o, "threshold", round(p->threshold * 100) / 100);
	cJSON_AddItemToArray(arr, o);
}

/*
 * Judge a pair; *alarm out, with the judged point in *last and the chart
 * series added to arr.  EARS on days, or Farrington on 7-day sums.
 */
static int spike_judge(struct spike *s, const struct pair *p, int *alarm,
		       struct detect_point *last, int *weekly, cJSON *arr, struct err *err)
{
	long n;
	double *x, *y = NULL;
	struct detect_point *pt;
	int rc = -1;

	*weekly = s->far_days > 0;
	n = *weekly ? s->far_days : s->chart_days + s->ears.baseline + 4;
	x = xmalloc(sizeof(double) * (size_t)n);
	if (spike_counts(s, p, n, x, err) < 0)
		goto out;
	if (!*weekly) {
		pt = xcalloc((size_t)n, sizeof(*pt));
		detect_ears(x, (size_t)n, &s->ears, pt);
		for (long i = n - s->chart_days; i < n; i++) {
			char date[11];

			day_add(s->w->night, i - (n - 1), date);
			add_point(arr, date, &pt[i]);
		}
	} else {
		/* Weeks ending on the night, oldest first. */
		long weeks = n / 7, charted = 8;

		y = xcalloc((size_t)weeks, sizeof(double));
		for (long k = 0; k < weeks; k++)
			for (long d = 0; d < 7; d++)
				y[weeks - 1 - k] += x[n - 1 - 7 * k - d];
		pt = xcalloc((size_t)weeks, sizeof(*pt));
		for (long k = weeks - charted; k < weeks; k++) {
			char date[11];

			if (k < 0)
				continue;
			detect_farrington_at(y, (size_t)weeks, (size_t)k, &s->far, &pt[k]);
			day_add(s->w->night, -7 * (weeks - 1 - k), date);
			add_point(arr, date, &pt[k]);
		}
		n = weeks;
	}
	*last = pt[n - 1];
	*alarm = last->alarm;
	free(pt);
	rc = 0;
out:
	free(x);
	free(y);
	return rc;
}

static int spike_raise(struct spike *s, const struct pair *p, const struct detect_point *pt,
		       int weekly, cJSON *data, struct err *err)
{
	struct warn_ctx *w = s->w;
	struct warn_cand *c;
	const char *cat = warn_category_name(w, p->category);
	const char *place = *p->display ? p->display : warn_key_value(p->key);
	char catkey[96], from[11], level_key[64];
	const char *subject[2] = { p->key, catkey };
	const char *level;
	char *when;
	double sev;
	int r;

	snprintf(catkey, sizeof(catkey), "category:%s", p->category);
	snprintf(level_key, sizeof(level_key), "level_name.%s", p->level);
	level = *p->level ? warn_conf_str(&w->conf, level_key, "") : "";
	sev = warn_param(w, WARN_SPIKE, "severity_base", 50) +
	      warn_param(w, WARN_SPIKE, "severity_per_case", 8) * (pt->observed - pt->threshold);
	{
		char bonus[128];

		snprintf(bonus, sizeof(bonus), "severity_bonus.%s", p->category);
		sev += warn_param(w, WARN_SPIKE, bonus, 0);
	}
	if (sev > warn_param(w, WARN_SPIKE, "severity_max", 95))
		sev = warn_param(w, WARN_SPIKE, "severity_max", 95);
	c = warn_cand_add(w, WARN_SPIKE);
	c->severity = warn_severity(sev);
	warn_cand_subject(c, subject, 2);
	warn_cand_entity(c, p->key);
	cJSON_AddStringToObject(data, "method", weekly ? "farrington" :
				detect_method_name(s->ears.method));
	cJSON_AddStringToObject(data, "category", p->category);
	cJSON_AddStringToObject(data, "level", p->level);
	cJSON_AddNumberToObject(data, "observed", pt->observed);
	cJSON_AddNumberToObject(data, "expected", round(pt->expected * 100) / 100);
	cJSON_AddNumberToObject(data, "threshold", round(pt->threshold * 100) / 100);
	/* The two methods differ in their period and in what "expected" means. */
	when = weekly ? xasprintf("截至%s的7天内", w->night) : xasprintf("%s当日", w->night);
	warn_cand_text(c,
		xasprintf("%s %s 激增：%s%g起（近%d日%d起），%s预期%.1f起", place, cat,
			  weekly ? "近7日" : "当日", pt->observed, s->recent_days, p->recent,
			  weekly ? "往年同期" : "", pt->expected),
		xasprintf("%s，%s%s接报%s%g起。按%s，预期约%.1f起，警戒线%.1f起（%s 方法）。"
			  "超出警戒线说明该地该类警情异常集中，可能是同一人员或团伙连续作案，"
			  "建议加强巡防并串并分析这些警情。",
			  when, place, level, cat, pt->observed,
			  weekly ? "往年同期的季节基线（既往高发期已降权）" : "此前7天（间隔2天）的基线",
			  pt->expected, pt->threshold, weekly ? "Farrington" : "EARS"),
		cJSON_PrintUnformatted(data));
	free(when);
	day_add(w->night, weekly ? -6 : 0, from);
	if (db_bind(s->reports, err, "Isss", p->entity, p->category, from, w->night) < 0)
		return -1;
	while ((r = db_step(s->reports, err)) == 1)
		warn_cand_report(c, sqlite3_column_int64(s->reports, 0));
	return r;
}

/* Days of history for Farrington, or 0 while the database is younger. */
static int spike_history(struct spike *s, struct err *err)
{
	sqlite3_stmt *st;
	long first = -1, have, need, weeks;
	int r;

	if (db_prepare(s->w->db, &st,
		       "SELECT min(substr(coalesce(received_at, occurred_at), 1, 10)) FROM report"
		       " WHERE coalesce(received_at, occurred_at) IS NOT NULL", err) < 0)
		return -1;
	r = db_step(st, err);
	if (r == 1)
		first = day_number(db_text(st, 0));
	db_finalize(st);
	if (r < 0)
		return -1;
	s->far_days = 0;
	have = first >= 0 ? day_number(s->w->night) - first + 1 : 0;
	need = (long)warn_param(s->w, WARN_SPIKE, "farrington_min_days", 365);
	if (have < need)
		return 0;
	/* As many earlier years as the history holds, up to b. */
	weeks = have / 7;
	while (s->far.b > 1 && weeks < (long)s->far.b * s->far.period + s->far.w + 1)
		s->far.b--;
	if (weeks < (long)s->far.b * s->far.period + s->far.w + 1)
		return 0;
	s->far_days = 7 * ((long)s->far.b * s->far.period + s->far.w + 1);
	return 0;
}

/* Fill warn_count for the days the methods read, up to the night. */
static int spike_count(struct spike *s, int tree, struct err *err)
{
	long span = s->far_days ? s->far_days : s->chart_days + s->ears.baseline + 4;
	char from[11], end[11], *cats = warn_list(s->w, WARN_SPIKE, "categories");
	int rc;

	day_add(s->w->night, -(span - 1), from);
	day_add(s->w->night, 1, end);
	rc = db_exec(s->w->db,
		     "CREATE TEMP TABLE IF NOT EXISTS warn_count (entity_id INTEGER, category TEXT,"
		     " day TEXT, n INTEGER, PRIMARY KEY (entity_id, category, day)) WITHOUT ROWID;"
		     "DELETE FROM temp.warn_count", err);
	if (rc == 0)
		rc = db_run(s->w->db, err,
			    tree ? SPAN_REPORTS PLACES_UP("d") TREE_UP ")" COUNT_INSERT
				 : SPAN_REPORTS PLACES_UP("d") ")" COUNT_INSERT,
			    "sss", from, end, cats);
	free(cats);
	return rc;
}

static void spike_opts(struct spike *s)
{
	struct warn_ctx *w = s->w;
	enum detect_method m = DETECT_EARS_C2;

	detect_method_parse(warn_conf_str(&w->conf, "spike.method", "ears-c2"), &m);
	if (m != DETECT_EARS_C1 && m != DETECT_EARS_C3)
		m = DETECT_EARS_C2;
	detect_opts_default(&s->ears, m, 7);
	s->min_count = warn_param(w, WARN_SPIKE, "min_count", 3);
	s->recent_days = (int)warn_param(w, WARN_SPIKE, "min_count_days", 3);
	/* The pairs are already those with min_count reports in the recent
	 * days; a day needs only one of its own to be judged. */
	s->ears.min_count = 1;
	s->ears.min_sigma = warn_param(w, WARN_SPIKE, "min_sigma", 0.5);
	s->ears.baseline = (int)warn_param(w, WARN_SPIKE, "baseline", 7);
	s->ears.threshold = warn_param(w, WARN_SPIKE, "threshold", s->ears.threshold);
	detect_opts_default(&s->far, DETECT_FARRINGTON, 52);
	s->far.b = (int)warn_param(w, WARN_SPIKE, "farrington_years", 5);
	s->far.alpha = warn_param(w, WARN_SPIKE, "farrington_alpha", 0.05);
	s->far.limit_cases = warn_param(w, WARN_SPIKE, "farrington_limit_cases", 5);
	s->chart_days = (int)warn_param(w, WARN_SPIKE, "chart_days", 28);
}

int warn_spike(struct warn_ctx *w, struct err *err)
{
	struct spike s = { 0 };
	sqlite3_stmt *pairs = NULL;
	int tree = db_has_table(w->db, "place"), r, rc = -1;
	char *sql, recent[11];

	s.w = w;
	spike_opts(&s);
	day_add(w->night, -(s.recent_days - 1), recent);
	if (spike_history(&s, err) < 0)
		goto out;
	if (spike_count(&s, tree, err) < 0)
		goto out;
	sql = xasprintf(TONIGHT_PAIRS,
			tree ? "coalesce((SELECT level FROM place WHERE entity_id = e.id), '')"
			     : "coalesce(json_extract(e.attrs, '$.level'), '')");
	r = db_prepare(w->db, &pairs, sql, err);
	free(sql);
	if (r < 0 ||
	    db_prepare(w->db, &s.history, HISTORY, err) < 0 ||
	    db_prepare(w->db, &s.reports, tree ? REPORTS(TREE_UP) : REPORTS(""), err) < 0 ||
	    db_bind(pairs, err, "sds", w->night, s.min_count, recent) < 0)
		goto out;
	while ((r = db_step(pairs, err)) == 1) {
		struct pair p = {
			sqlite3_column_int64(pairs, 0), db_text(pairs, 1), db_text(pairs, 2),
			db_text(pairs, 3), db_text(pairs, 4), sqlite3_column_int(pairs, 5),
			sqlite3_column_int(pairs, 6),
		};
		struct detect_point pt;
		int alarm, weekly;
		cJSON *data, *arr;

		if (!warn_param_has(w, WARN_SPIKE, "categories", p.category))
			continue;
		if (*p.level ? !warn_param_has(w, WARN_SPIKE, "levels", p.level)
			     : !warn_param(w, WARN_SPIKE, "count_unleveled", 1))
			continue;
		data = cJSON_CreateObject();
		arr = cJSON_AddArrayToObject(data, "series");
		if (spike_judge(&s, &p, &alarm, &pt, &weekly, arr, err) < 0 ||
		    (alarm && spike_raise(&s, &p, &pt, weekly, data, err) < 0)) {
			cJSON_Delete(data);
			goto out;
		}
		cJSON_Delete(data);
	}
	rc = r;
out:
	db_finalize(pairs);
	db_finalize(s.history);
	db_finalize(s.reports);
	return rc;
}
