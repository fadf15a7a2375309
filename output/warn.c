/*
 * warn: the stage driver.  First the reports stored since are added to
 * warn_report (the reports the detectors read, a cache), and committed;
 * then one transaction forgets what an earlier run of the same night
 * wrote, runs each detector into a list of candidates (those that only
 * read on a connection of their own: see detect), and stores them in a
 * fixed order (severity, kind, subject) so that the numbers of the
 * night's new warnings do not depend on the order the detectors ran in.
 *
 * Carrying: a candidate is the same warning as one of an earlier night
 * when kind and subject are equal and that warning was last raised
 * within the kind's carry_days (warn.conf).  It keeps its id; its title,
 * explanation and severity become tonight's, and its evidence grows.
 *
 * Capping: a kind's candidates beyond its max_per_night (warn.conf), the
 * lower-ranked, are held: stored in warning_held for the report's list,
 * not raised (watchlist hits never are).
 *
 * Informants: the detectors build titles and explanations from places,
 * categories, counts and identifiers, never from a report's source; as a
 * last guard every informant code and every name an informant report
 * gives for its reporter is masked out of them before they are stored.
 */
#include "output/warn_int.h"
#include "common/apart.h"
#include "common/day.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const kind_names[WARN_NKINDS] = {
	[WARN_SPIKE] = "spike",
	[WARN_SERIES] = "series",
	[WARN_DISPUTE] = "dispute",
	[WARN_BURST] = "burst",
	[WARN_WATCHLIST] = "watchlist",
	[WARN_NEAR_REPEAT] = "near_repeat",
};

const char *warn_kind_name(enum warn_kind k)
{
	return kind_names[k];
}

void warn_default_night(char out[11])
{
	char now[32];

	db_now(now);
	now[10] = '\0';
	day_add(now, -1, out);
}

/* ---- candidates ------------------------------------------------------ */

struct warn_cand *warn_cand_add(struct warn_ctx *w, enum warn_kind kind)
{
	struct warn_cand *c;

	w->cand = xgrow(w->cand, &w->cap_cand, w->n_cand + 1, sizeof(*w->cand));
	c = &w->cand[w->n_cand++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	return c;
}

void warn_cand_subject(struct warn_cand *c, const char *const *keys, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(keys[i]));
	free(c->subject);
	c->subject = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
}

void warn_cand_report(struct warn_cand *c, int64_t report_id)
{
	for (size_t i = 0; i < c->n_reports; i++)
		if (c->reports[i] == report_id)
			return;
	c->reports = xgrow(c->reports, &c->cap_reports, c->n_reports + 1, sizeof(*c->reports));
	c->reports[c->n_reports++] = report_id;
}

void warn_cand_entity(struct warn_cand *c, const char *key)
{
	for (size_t i = 0; i < c->n_entities; i++)
		if (!strcmp(c->entities[i], key))
			return;
	c->entities = xgrow(c->entities, &c->cap_entities, c->n_entities + 1,
			    sizeof(*c->entities));
	c->entities[c->n_entities++] = xstrdup(key);
}

void warn_cand_text(struct warn_cand *c, char *title, char *explanation, char *data)
{
	free(c->title);
	free(c->explanation);
	free(c->data);
	c->title = title;
	c->explanation = explanation;
	c->data = data ? data : xstrdup("{}");
}

static void cand_release(struct warn_cand *c)
{
	free(c->subject);
	free(c->title);
	free(c->explanation);
	free(c->data);
	free(c->reports);
	for (size_t i = 0; i < c->n_entities; i++)
		free(c->entities[i]);
	free(c->entities);
}

/* Most severe first; then kind and subject, so the order is total. */
static int cand_cmp(const void *a, const void *b)
{
	const struct warn_cand *x = a, *y = b;
	int r;

	if (x->severity != y->severity)
		return y->severity - x->severity;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	r = strcmp(x->subject, y->subject);
	return r ? r : strcmp(x->title, y->title);
}

/*
 * Within one kind: the higher priority first (what the detector ranks
 * above severity: an escalating dispute before a quarrel that only
 * recurs), then the most severe; then subject, so the order is total.
 */
static int cand_rank_cmp(const void *a, const void *b)
{
	const struct warn_cand *x = *(const struct warn_cand *const *)a;
	const struct warn_cand *y = *(const struct warn_cand *const *)b;
	int r;

	if (x->priority != y->priority)
		return y->priority - x->priority;
	if (x->severity != y->severity)
		return y->severity - x->severity;
	r = strcmp(x->subject, y->subject);
	return r ? r : strcmp(x->title, y->title);
}

/*
 * Hold back, kind by kind, the candidates beyond "<kind>.max_per_night"
 * (0: no limit), the lower-ranked ones.  On a large district a loose
 * kind finds thousands of situations a night; a chief reads one page,
 * and one flood must not push out the rest (a watchlist hit, a spike).
 * What is held is counted and listed in one line each, not dropped.
 */
static void cand_hold(struct warn_ctx *w)
{
	struct warn_cand **v = xmalloc((w->n_cand ? w->n_cand : 1) * sizeof(*v));

	for (int k = 0; k < WARN_NKINDS; k++) {
		/* A watched person, phone or plate seen is never held back. */
		double max = k == WARN_WATCHLIST ? 0 : warn_param(w, (enum warn_kind)k, "max_per_night", 0);
		size_t n = 0;

		for (size_t i = 0; i < w->n_cand; i++)
			if (w->cand[i].kind == (enum warn_kind)k)
				v[n++] = &w->cand[i];
		if (!(max > 0) || n <= (size_t)max)
			continue;
		qsort(v, n, sizeof(*v), cand_rank_cmp);
		for (size_t i = (size_t)max; i < n; i++)
			v[i]->held = 1;
	}
	free(v);
}

/* ---- parameters and names -------------------------------------------- */

double warn_param(const struct warn_ctx *w, enum warn_kind k, const char *name, double def)
{
	char key[128];

	snprintf(key, sizeof(key), "%s.%s", kind_names[k], name);
	return warn_conf_num(&w->conf, key, def);
}

int warn_param_has(const struct warn_ctx *w, enum warn_kind k, const char *name,
		   const char *word)
{
	char key[128];

	snprintf(key, sizeof(key), "%s.%s", kind_names[k], name);
	return warn_conf_has(&w->conf, key, word);
}

void warn_recent(const struct warn_ctx *w, enum warn_kind k, char out[11])
{
	long days = (long)warn_param(w, k, "recent_days", warn_conf_num(&w->conf, "recent_days", 1));

	day_add(w->night, -(days > 1 ? days - 1 : 0), out);
}

int warn_severity(double s)
{
	if (!(s > 0))
		return 0;
	return s > 100 ? 100 : (int)(s + 0.5);
}

const char *warn_category_name(const struct warn_ctx *w, const char *key)
{
	for (size_t i = 0; i < w->n_cat; i++)
		if (!strcmp(w->cat_key[i], key))
			return w->cat_name[i];
	return key;
}

const char *warn_kind_label(const struct warn_ctx *w, const char *report_kind)
{
	char key[96];

	snprintf(key, sizeof(key), "kind_name.%s", report_kind);
	return warn_conf_str(&w->conf, key, warn_conf_str(&w->conf, "kind_name.default", "记录"));
}

const char *warn_key_value(const char *key)
{
	const char *colon = strchr(key, ':');

	return colon ? colon + 1 : key;
}

/*
 * Category names from analyze's data file (categories.tsv: "category
 * KEY PARENT NAMES KEYWORDS", the first name shown).  A missing file
 * leaves the keys as names.
 */
static void load_categories(struct warn_ctx *w)
{
	char *path = warn_conf_path(&w->conf, "categories_file", "categories.tsv");
	FILE *f = path ? fopen(path, "r") : NULL;
	char *line = NULL;
	size_t cap = 0;

	while (f && getline(&line, &cap, f) > 0) {
		char *field[4], *save = NULL, *p = line;
		int n = 0;
		size_t kcap = w->cap_cat;

		if (strncmp(line, "category\t", 9))
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		while (n < 4 && (field[n] = strtok_r(p, "\t", &save))) {
			p = NULL;
			n++;
		}
		if (n < 4)
			continue;
		field[3][strcspn(field[3], ",")] = '\0';
		w->cat_key = xgrow(w->cat_key, &kcap, w->n_cat + 1, sizeof(*w->cat_key));
		w->cat_name = xgrow(w->cat_name, &w->cap_cat, w->n_cat + 1, sizeof(*w->cat_name));
		w->cat_key[w->n_cat] = xstrdup(field[1]);
		w->cat_name[w->n_cat] = xstrdup(field[3]);
		w->n_cat++;
	}
	free(line);
	if (f)
		fclose(f);
	free(path);
}

static void mask_add(struct warn_ctx *w, const char *s)
{
	/* One character would mask too much; informant codes are longer. */
	if (strlen(s) < 2)
		return;
	for (size_t i = 0; i < w->n_mask; i++)
		if (!strcmp(w->mask[i], s))
			return;
	w->mask = xgrow(w->mask, &w->cap_mask, w->n_mask + 1, sizeof(*w->mask));
	w->mask[w->n_mask++] = xstrdup(s);
}

/* Informant codes (the part after "informant:") and reporters' names. */
static int load_mask(struct warn_ctx *w, struct err *err)
{
	/* Ranges on source and the partial index on informant, not scans
	 * (named: the planner took the index on received_at, which holds
	 * informant too, and read all of it); from the informants' reports
	 * to their mentions, not from every person to theirs. */
#define INFORMANT_REPORTS \
	"WITH inf(id) AS (SELECT id FROM report WHERE source >= 'informant:' AND source < 'informant;'" \
	" UNION SELECT id FROM report INDEXED BY report_informant WHERE informant = 1) "
	static const char *const sql[] = {
		"SELECT DISTINCT source FROM report WHERE source >= 'informant:' AND source < 'informant;'",
		"SELECT DISTINCT substr(source, 11) FROM report"
		" WHERE source >= 'informant:' AND source < 'informant;'",
		INFORMANT_REPORTS
		"SELECT DISTINCT e.display FROM inf CROSS JOIN mention m ON m.report_id = inf.id"
		" CROSS JOIN entity e ON e.id = m.entity_id"
		" WHERE e.type = 'person' AND m.role = 'reporter' AND e.display IS NOT NULL",
		/* No name is NULL, which mask_add drops as "": each row's JSON read once. */
		INFORMANT_REPORTS
		"SELECT DISTINCT json_extract(r.fields, '$.name') FROM inf JOIN report r ON r.id = inf.id",
	};

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *st;
		int r;

		if (db_prepare(w->db, &st, sql[i], err) < 0)
			return -1;
		while ((r = db_step(st, err)) == 1)
			mask_add(w, db_text(st, 0));
		db_finalize(st);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* Returns an owned copy of s with every masked string replaced by ***. */
static char *mask_text(const struct warn_ctx *w, const char *s)
{
	char *out = xstrdup(s);

	for (size_t i = 0; i < w->n_mask; i++) {
		struct sbuf b = SBUF_INIT;
		const char *p = out, *hit;
		size_t n = strlen(w->mask[i]);

		if (!strstr(out, w->mask[i]))
			continue;
		while ((hit = strstr(p, w->mask[i]))) {
			sbuf_add(&b, p, (size_t)(hit - p));
			sbuf_adds(&b, "***");
			p = hit + n;
		}
		sbuf_adds(&b, p);
		free(out);
		out = sbuf_detach(&b);
	}
	return out;
}

/* ---- small shared helpers -------------------------------------------- */

void warn_strs_add(struct warn_strs *s, const char *str)
{
	if (warn_strs_has(s, str))
		return;
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = xstrdup(str);
}

int warn_strs_has(const struct warn_strs *s, const char *str)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], str))
			return 1;
	return 0;
}

void warn_strs_release(struct warn_strs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int warn_report_mentions(struct warn_ctx *w, int64_t report_id, struct warn_strs *out,
			 struct warn_strs *persons, struct warn_strs *names, struct err *err)
{
	struct warn_strs all = { 0 };
	int r;

	/* Areas (a community, a district) are not where something happened.
	 * Places and persons in one read of the report's mentions: a month
	 * of disputes is tens of thousands of reports. */
	if (!w->places &&
	    db_prepare(w->db, &w->places,
		       "SELECT DISTINCT e.key, e.type = 'person', coalesce(e.display, ''), e.hub"
		       " FROM mention m JOIN entity e ON e.id = m.entity_id"
		       " LEFT JOIN place p ON p.entity_id = e.id"
		       " WHERE m.report_id = ?1 AND ((e.type = 'place'"
		       " AND instr(?2, ' ' || coalesce(p.level, json_extract(e.attrs, '$.level'), '-') || ' ') = 0)"
		       " OR (?3 AND e.type = 'person'))"
		       " ORDER BY e.key", err) < 0)
		return -1;
	if (db_bind(w->places, err, "Isi", report_id, w->areas, persons != NULL) < 0)
		return -1;
	while ((r = db_step(w->places, err)) == 1) {
		if (!sqlite3_column_int(w->places, 1)) {
			warn_strs_add(&all, db_text(w->places, 0));
		} else if (!sqlite3_column_int(w->places, 3) &&
			   !warn_strs_has(persons, db_text(w->places, 0))) {
			/* names stays beside persons: a name may repeat. */
			warn_strs_add(persons, db_text(w->places, 0));
			names->v = xgrow(names->v, &names->cap, names->n + 1, sizeof(*names->v));
			names->v[names->n++] = xstrdup(db_text(w->places, 2));
		}
	}
	for (size_t i = 0; r == 0 && i < all.n; i++) {
		size_t n = strlen(all.v[i]);
		int finest = 1;

		for (size_t j = 0; j < all.n && finest; j++)
			if (j != i && strlen(all.v[j]) > n && !strncmp(all.v[j], all.v[i], n))
				finest = 0;
		if (finest)
			warn_strs_add(out, all.v[i]);
	}
	warn_strs_release(&all);
	return r;
}

int warn_report_places(struct warn_ctx *w, int64_t report_id, struct warn_strs *out,
		       struct err *err)
{
	return warn_report_mentions(w, report_id, out, NULL, NULL, err);
}

char *warn_display(struct warn_ctx *w, const char *key)
{
	char *out = NULL;

	if (!w->display)
		db_prepare(w->db, &w->display,
			   "SELECT display FROM entity WHERE key = ? AND display <> ''", NULL);
	if (w->display && db_bind(w->display, NULL, "s", key) == 0 &&
	    db_step(w->display, NULL) == 1)
		out = xstrdup(db_text(w->display, 0));
	if (w->display)
		sqlite3_reset(w->display);
	return out ? out : xstrdup(warn_key_value(key));
}

int warn_naming_reports(struct warn_ctx *w, const char *key, struct warn_ids *out,
			struct err *err)
{
	int r;

	if (!w->naming && db_prepare(w->db, &w->naming,
				     "SELECT m.report_id FROM entity e CROSS JOIN mention m"
				     " ON m.entity_id = e.id WHERE e.key = ?", err) < 0)
		return -1;
	if (db_bind(w->naming, err, "s", key) < 0)
		return -1;
	while ((r = db_step(w->naming, err)) == 1) {
		out->v = xgrow(out->v, &out->cap, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = sqlite3_column_int64(w->naming, 0);
	}
	sqlite3_reset(w->naming);
	return r;
}

void warn_column_copy(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const char *t = db_text(st, col);
	size_t n = strnlen(t, size - 1);

	memcpy(dst, t, n);
	dst[n] = '\0';
}

int warn_window_row(sqlite3_stmt *row, int64_t id, int day_col, const char *from,
		    const char *recent, struct err *err)
{
	int r;

	if (db_bind(row, err, "I", id) < 0 || (r = db_step(row, err)) < 0)
		return -1;
	if (r == 1 && strcmp(db_text(row, day_col), from) >= 0 &&
	    strcmp(db_text(row, day_col), recent) < 0)
		return 1;
	sqlite3_reset(row);
	return 0;
}

static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

void warn_ids_sort(struct warn_ids *ids)
{
	if (ids->n)
		qsort(ids->v, ids->n, sizeof(*ids->v), id_cmp);
}

int warn_ids_has(const struct warn_ids *ids, int64_t id)
{
	return ids->n && bsearch(&id, ids->v, ids->n, sizeof(*ids->v), id_cmp) != NULL;
}

/* Merge the sorted ids of run into the sorted ids of *ids. */
static void ids_merge(struct warn_ids *ids, const struct warn_ids *run)
{
	int64_t *v;
	size_t i = 0, j = 0, k = 0;

	if (!run->n)
		return;
	v = xmalloc((ids->n + run->n) * sizeof(*v));
	while (i < ids->n || j < run->n)
		v[k++] = j == run->n || (i < ids->n && ids->v[i] <= run->v[j]) ? ids->v[i++] : run->v[j++];
	free(ids->v);
	ids->v = v;
	ids->n = ids->cap = k;
}

/*
 * Read from the index on category: each category stored is found by a
 * skip over the index (a dozen look-ups), and those the list names give
 * their reports in one range each.  A detector's window holds hundreds
 * of thousands of reports all over the table, and a look-up of each
 * one's categories was most of its time.
 */
int warn_category_reports(struct warn_ctx *w, const char *list, int64_t lo, int64_t hi,
			  struct warn_ids *ids, struct err *err)
{
	sqlite3_stmt *next = NULL, *rows = NULL;
	struct warn_ids run = { 0 };
	char *cat = xstrdup("");
	int r, rc = -1;

	warn_ids_sort(ids);
	if (db_prepare(w->db, &next, "SELECT min(category) FROM report_category WHERE category > ?",
		       err) < 0 ||
	    db_prepare(w->db, &rows, "SELECT report_id FROM report_category WHERE category = ?"
		       " AND report_id BETWEEN ? AND ?", err) < 0)
		goto out;
	for (;;) {
		char *word;

		if (db_bind(next, err, "s", cat) < 0 || (r = db_step(next, err)) < 0)
			goto out;
		if (r == 0 || sqlite3_column_type(next, 0) == SQLITE_NULL)
			break;
		free(cat);
		cat = xstrdup(db_text(next, 0));
		word = xasprintf(" %s ", cat);
		r = strstr(list, word) ? db_bind(rows, err, "sII", cat, lo, hi) : 1;
		free(word);
		if (r < 0)
			goto out;
		run.n = 0;
		while (r == 0 && (r = db_step(rows, err)) == 1) {
			run.v = xgrow(run.v, &run.cap, run.n + 1, sizeof(*run.v));
			run.v[run.n++] = sqlite3_column_int64(rows, 0);
			r = 0;
		}
		if (r < 0)
			goto out;
		/* A category's reports come in id order: merged, not sorted again. */
		ids_merge(ids, &run);
	}
	rc = 0;
out:
	free(run.v);
	free(cat);
	db_finalize(next);
	db_finalize(rows);
	return rc;
}

char *warn_snippet(const char *text, size_t max)
{
	size_t i = 0, chars = 0;

	while (text[i] && chars < max) {
		i++;
		while (((unsigned char)text[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	if (!text[i])
		return xstrdup(text);
	return xasprintf("%.*s…", (int)i, text);
}

char *warn_list(const struct warn_ctx *w, enum warn_kind k, const char *name)
{
	char key[128], *s;

	snprintf(key, sizeof(key), "%s.%s", kind_names[k], name);
	s = xasprintf(" %s ", warn_conf_str(&w->conf, key, ""));
	for (char *p = s; *p; p++)
		if (*p == ',' || *p == '\t')
			*p = ' ';
	return s;
}

/* ---- the night's state ----------------------------------------------- */

/*
 * Forget what an earlier run of this night wrote: its evidence and night
 * rows, the warnings it created that no other night raised, and put the
 * latest-night fields of the rest back to their last other night.
 */
static int reset_night(struct warn_ctx *w, struct err *err)
{
	const char *n = w->night;

	/* The ids this night gave, so a re-run gives the same subject the same id. */
	if (db_exec(w->db, "CREATE TEMP TABLE IF NOT EXISTS warn_old (kind TEXT, subject TEXT, wid TEXT,"
		    " PRIMARY KEY (kind, subject));"
		    "DELETE FROM temp.warn_old", err) < 0 ||
	    db_run(w->db, err,
		   "INSERT OR IGNORE INTO warn_old SELECT kind, subject, wid FROM warning w"
		   " WHERE first_night = ?1 AND NOT EXISTS (SELECT 1 FROM warning_night n"
		   "  WHERE n.warning_id = w.id AND n.night <> ?1)", "s", n) < 0)
		return -1;
	if (db_run(w->db, err, "DELETE FROM warning_held WHERE night = ?", "s", n) < 0 ||
	    db_run(w->db, err, "DELETE FROM warning_evidence WHERE night = ?", "s", n) < 0 ||
	    db_run(w->db, err, "DELETE FROM warning_night WHERE night = ?", "s", n) < 0 ||
	    db_run(w->db, err,
		   "DELETE FROM warning_evidence WHERE warning_id IN (SELECT id FROM warning w"
		   " WHERE NOT EXISTS (SELECT 1 FROM warning_night n WHERE n.warning_id = w.id))",
		   "") < 0 ||
	    db_run(w->db, err,
		   "DELETE FROM warning WHERE NOT EXISTS"
		   " (SELECT 1 FROM warning_night n WHERE n.warning_id = warning.id)", "") < 0)
		return -1;
	return db_run(w->db, err,
		      "UPDATE warning SET (last_night, severity, title, explanation, data) ="
		      " (SELECT night, severity, title, explanation, data FROM warning_night n"
		      "  WHERE n.warning_id = warning.id ORDER BY night DESC LIMIT 1),"
		      " n_nights = (SELECT count(*) FROM warning_night n WHERE n.warning_id = warning.id)"
		      " WHERE last_night >= ?", "s", n);
}

/*
 * warn_report holds the reports up to id warn_state.upto whose day is
 * warn_state.since or later.  Each night adds the reports stored since
 * (report ids only grow, and what decides a row, the dates and a re-sent
 * copy's first report, is fixed when the report is stored); a detector
 * that reads further back first has the older days added
 * (warn_reports_from), so a first run reads the days it needs, not every
 * report ever stored.  Both read the wide report rows by the index on
 * received_at (or, undated ones, by occurred_at).
 */
#define WARN_REPORT_FILL \
	"INSERT OR IGNORE INTO warn_report SELECT id, substr(coalesce(received_at, occurred_at), 1, 10)," \
	" substr(coalesce(occurred_at, received_at), 1, 10), kind," \
	" informant = 1 OR source LIKE 'informant:%', lat IS NOT NULL AND lon IS NOT NULL" \
	" FROM report WHERE " WARN_NOT_RESENT("report")

/* Add the reports with ids in (after, upto] of the days [from, to). */
static int reports_fill(struct warn_ctx *w, const char *from, const char *to, int64_t after,
			int64_t upto, struct err *err)
{
	/* Two statements, so that the first can use the index on received_at. */
	if (db_run(w->db, err, WARN_REPORT_FILL " AND received_at >= ?1 AND received_at < ?2"
		   " AND id > ?3 AND id <= ?4", "ssII", from, to, after, upto) < 0 ||
	    db_run(w->db, err, WARN_REPORT_FILL " AND received_at IS NULL AND occurred_at >= ?1"
		   " AND occurred_at < ?2 AND id > ?3 AND id <= ?4", "ssII", from, to, after, upto) < 0)
		return -1;
	return 0;
}

/* The reports stored since the last run, of the days warn_report holds. */
static int update_reports(struct warn_ctx *w, struct err *err)
{
	sqlite3_stmt *st;
	int64_t upto = 0, last;
	int r;

	if (db_prepare(w->db, &st, "SELECT since, upto FROM warn_state", err) < 0)
		return -1;
	r = db_step(st, err);
	if (r == 1) {
		snprintf(w->since, sizeof(w->since), "%s", db_text(st, 0));
		upto = sqlite3_column_int64(st, 1);
	} else {
		day_add(w->night, 1, w->since);     /* nothing yet: the detectors ask */
	}
	db_finalize(st);
	if (r < 0 || db_int(w->db, err, &last, "SELECT coalesce(max(id), 0) FROM report", "") < 0)
		return -1;
	if (last > upto) {
		/* New reports are few: by id when there were reports before. */
		if (upto ? db_run(w->db, err, WARN_REPORT_FILL " AND id > ?1 AND id <= ?2"
				  " AND coalesce(received_at, occurred_at) >= ?3", "IIs", upto, last,
				  w->since) < 0
			 : reports_fill(w, w->since, "9999", 0, last, err) < 0)
			return -1;
	}
	w->upto = last;
	return db_run(w->db, err, "INSERT OR REPLACE INTO warn_state(id, since, upto) VALUES (1, ?, ?)",
		      "sI", w->since, last);
}

int warn_reports_from(struct warn_ctx *w, const char *from, struct err *err)
{
	if (strcmp(from, w->since) >= 0)
		return 0;
	if (w->apart)
		return err_set(err, "warn_report lacks the days from %s, read apart", from);
	if (reports_fill(w, from, w->since, 0, w->upto, err) < 0)
		return -1;
	snprintf(w->since, sizeof(w->since), "%s", from);
	return db_run(w->db, err, "UPDATE warn_state SET since = ?", "s", from);
}

/* ---- storing --------------------------------------------------------- */

static int step_done(sqlite3_stmt *st, struct err *err)
{
	int r;

	while ((r = db_step(st, err)) == 1)
		;
	return r;
}

struct store {
	sqlite3_stmt *find, *old, *insert, *night, *update, *evidence, *held;
	int last;               /* the highest number a warning of the night has */
};

/*
 * The highest number the night's warnings have, stored or forgotten by
 * reset_night (whose ids come back when their subjects are raised again):
 * new warnings are numbered on from it, one by one, in store order.
 */
static int store_last(struct warn_ctx *w, struct store *s, struct err *err)
{
	char lo[16], hi[16];
	int64_t stored, old;

	snprintf(lo, sizeof(lo), "W-%s-", w->night);
	snprintf(hi, sizeof(hi), "W-%s.", w->night);
	if (db_int(w->db, err, &stored,
		   "SELECT coalesce(max(CAST(substr(wid, 14) AS INTEGER)), 0) FROM warning"
		   " WHERE wid >= ? AND wid < ?", "ss", lo, hi) < 0 ||
	    db_int(w->db, err, &old,
		   "SELECT coalesce(max(CAST(substr(wid, 14) AS INTEGER)), 0) FROM warn_old", "") < 0)
		return -1;
	s->last = (int)(stored > old ? stored : old);
	return 0;
}

static int store_prepare(struct warn_ctx *w, struct store *s, struct err *err)
{
	if (db_prepare(w->db, &s->find,
		       "SELECT id, wid, first_night FROM warning WHERE kind = ?1 AND subject = ?2"
		       " AND last_night >= ?3 AND first_night <= ?4"
		       " ORDER BY last_night DESC LIMIT 1", err) < 0 ||
	    db_prepare(w->db, &s->old,
		       "SELECT wid FROM warn_old WHERE kind = ? AND subject = ?", err) < 0 ||
	    db_prepare(w->db, &s->insert,
		       "INSERT INTO warning(wid, kind, subject, first_night, last_night, n_nights,"
		       " severity, title, explanation, data) VALUES (?1, ?2, ?3, ?4, ?4, 1, ?5, ?6, ?7, ?8)",
		       err) < 0 ||
	    db_prepare(w->db, &s->night,
		       "INSERT OR IGNORE INTO warning_night(warning_id, night, severity, title,"
		       " explanation, data) VALUES (?, ?, ?, ?, ?, ?)", err) < 0 ||
	    db_prepare(w->db, &s->update,
		       "UPDATE warning SET (last_night, severity, title, explanation, data) ="
		       " (SELECT night, severity, title, explanation, data FROM warning_night n"
		       "  WHERE n.warning_id = warning.id ORDER BY night DESC LIMIT 1),"
		       " n_nights = (SELECT count(*) FROM warning_night n WHERE n.warning_id = warning.id)"
		       " WHERE id = ?", err) < 0 ||
	    db_prepare(w->db, &s->evidence,
		       "INSERT OR IGNORE INTO warning_evidence(warning_id, report_id, entity_key, night)"
		       " VALUES (?, ?, ?, ?)", err) < 0 ||
	    db_prepare(w->db, &s->held,
		       "INSERT OR IGNORE INTO warning_held(night, kind, subject, severity, title)"
		       " VALUES (?, ?, ?, ?, ?)", err) < 0)
		return -1;
	return store_last(w, s, err);
}

static void store_release(struct store *s)
{
	db_finalize(s->find);
	db_finalize(s->old);
	db_finalize(s->insert);
	db_finalize(s->night);
	db_finalize(s->update);
	db_finalize(s->evidence);
	db_finalize(s->held);
}

/* Keep a held candidate for the report's list: its place in line, not a warning. */
static int store_held(struct warn_ctx *w, struct store *s, const struct warn_cand *c,
		      struct warn_summary *sum, struct err *err)
{
	char *title = mask_text(w, c->title);
	int r = db_bind(s->held, err, "sssis", w->night, kind_names[c->kind], c->subject,
			c->severity, title);

	free(title);
	if (r < 0 || step_done(s->held, err) < 0)
		return -1;
	if (sqlite3_changes(w->db->h) > 0) {
		sum->held++;
		sum->held_by_kind[c->kind]++;
	}
	return 0;
}

/*
 * Find the warning this candidate continues: *id and *carried out, and
 * first[11] its first night.  When there is none, *id is 0 and wid[32]
 * gets the id the new one takes: the one this night gave the subject
 * before, else the next number of the night.
 */
static int store_find(struct warn_ctx *w, struct store *s, const struct warn_cand *c,
		      int64_t *id, int *carried, char first[11], char wid[32], struct err *err)
{
	char since[11];
	long carry = (long)warn_param(w, c->kind, "carry_days", 1);
	int r;

	*id = 0;
	*carried = 0;
	day_add(w->night, -carry, since);
	if (db_bind(s->find, err, "ssss", kind_names[c->kind], c->subject, since, w->night) < 0 ||
	    (r = db_step(s->find, err)) < 0)
		return -1;
	if (r == 1) {
		*id = sqlite3_column_int64(s->find, 0);
		snprintf(first, 11, "%s", db_text(s->find, 2));
		*carried = strcmp(first, w->night) < 0;
		sqlite3_reset(s->find);
		return 0;
	}
	sqlite3_reset(s->find);
	if (db_bind(s->old, err, "ss", kind_names[c->kind], c->subject) < 0 ||
	    (r = db_step(s->old, err)) < 0)
		return -1;
	if (r == 1)
		snprintf(wid, 32, "%s", db_text(s->old, 0));
	else
		snprintf(wid, 32, "W-%s-%04d", w->night, ++s->last);
	sqlite3_reset(s->old);
	snprintf(first, 11, "%s", w->night);
	return 0;
}

/*
 * Store one candidate.  A new warning is inserted whole, as tonight
 * raised it; one that exists gets tonight's row in warning_night and
 * its latest-night fields from there (a re-run of an older night must
 * not overwrite a later one's).
 */
static int store_one(struct warn_ctx *w, struct store *s, const struct warn_cand *c,
		     struct warn_summary *sum, struct err *err)
{
	int64_t id;
	int carried, added, existed, rc = -1;
	char first[11], wid[32];
	char *title = mask_text(w, c->title), *expl = NULL;

	if (store_find(w, s, c, &id, &carried, first, wid, err) < 0)
		goto out;
	if (carried)
		expl = xasprintf("%s（该预警自%s起持续。）", c->explanation, first);
	else
		expl = xstrdup(c->explanation);
	{
		char *masked = mask_text(w, expl);

		free(expl);
		expl = masked;
	}
	existed = id != 0;
	if (!existed) {
		if (db_bind(s->insert, err, "ssssisss", wid, kind_names[c->kind], c->subject,
			    w->night, c->severity, title, expl, c->data) < 0 ||
		    step_done(s->insert, err) < 0)
			goto out;
		id = db_last_id(w->db);
	}
	/* Two candidates of one subject (rare) make one warning: the first,
	 * more severe, gives the text; both give evidence. */
	if (db_bind(s->night, err, "Isisss", id, w->night, c->severity, title, expl, c->data) < 0 ||
	    step_done(s->night, err) < 0)
		goto out;
	added = sqlite3_changes(w->db->h) > 0;
	if (added && existed &&
	    (db_bind(s->update, err, "I", id) < 0 || step_done(s->update, err) < 0))
		goto out;
	for (size_t i = 0; i < c->n_reports; i++)
		if (db_bind(s->evidence, err, "IIns", id, c->reports[i], w->night) < 0 ||
		    step_done(s->evidence, err) < 0)
			goto out;
	for (size_t i = 0; i < c->n_entities; i++)
		if (db_bind(s->evidence, err, "Inss", id, c->entities[i], w->night) < 0 ||
		    step_done(s->evidence, err) < 0)
			goto out;
	if (added) {
		sum->raised++;
		sum->by_kind[c->kind]++;
		if (carried)
			sum->carried++;
		else
			sum->fresh++;
	}
	rc = 0;
out:
	free(title);
	free(expl);
	return rc;
}

static int store_all(struct warn_ctx *w, struct warn_summary *sum, struct err *err)
{
	struct store s = { 0 };
	int rc = -1;

	cand_hold(w);
	if (w->n_cand)
		qsort(w->cand, w->n_cand, sizeof(*w->cand), cand_cmp);
	if (store_prepare(w, &s, err) < 0)
		goto out;
	for (size_t i = 0; i < w->n_cand; i++)
		if ((w->cand[i].held ? store_held(w, &s, &w->cand[i], sum, err)
				     : store_one(w, &s, &w->cand[i], sum, err)) < 0)
			goto out;
	rc = 0;
out:
	store_release(&s);
	return rc;
}

/* ---- the run --------------------------------------------------------- */

static void finalize_lookups(struct warn_ctx *w)
{
	db_finalize(w->places);
	db_finalize(w->display);
	db_finalize(w->naming);
	w->places = w->display = w->naming = NULL;
}

static void drop_cands(struct warn_ctx *w)
{
	for (size_t i = 0; i < w->n_cand; i++)
		cand_release(&w->cand[i]);
	free(w->cand);
	w->cand = NULL;
	w->n_cand = w->cap_cand = 0;
}

static void ctx_release(struct warn_ctx *w)
{
	warn_conf_release(&w->conf);
	for (size_t i = 0; i < w->n_cat; i++) {
		free(w->cat_key[i]);
		free(w->cat_name[i]);
	}
	free(w->cat_key);
	free(w->cat_name);
	for (size_t i = 0; i < w->n_mask; i++)
		free(w->mask[i]);
	free(w->mask);
	drop_cands(w);
	finalize_lookups(w);
	free(w->areas);
}

static int log_run(struct warn_ctx *w, const char *started, const struct warn_summary *sum,
		   struct err *err)
{
	char now[32];

	db_now(now);
	return db_run(w->db, err,
		      "INSERT INTO stage_run(stage, night, started_at, finished_at, status, rows, note)"
		      " VALUES ('warn', ?, ?, ?, 'ok', ?, ?)",
		      "sssis", w->night, started, now, sum->raised,
		      sum->fresh ? "new warnings" : "no new warnings");
}

static int (*const detectors[WARN_NKINDS])(struct warn_ctx *, struct err *) = {
	[WARN_SPIKE] = warn_spike,
	[WARN_SERIES] = warn_series,
	[WARN_DISPUTE] = warn_dispute,
	[WARN_BURST] = warn_burst,
	[WARN_WATCHLIST] = warn_watchlist,
	[WARN_NEAR_REPEAT] = warn_near_repeat,
};

/*
 * The detectors that run on the stage's connection: spike, which keeps
 * its counts in tables of its own, and near-repeat beside it, so that
 * the two connections' shares are alike (on one more night of
 * 1,000,000 reports, about 0.3 s each against 0.55 s for the others).
 */
static const unsigned char on_stage[WARN_NKINDS] = {
	[WARN_SPIKE] = 1,
	[WARN_NEAR_REPEAT] = 1,
};

/* The first day each detector not on_stage reads from warn_report. */
static void (*const reads_from[WARN_NKINDS])(const struct warn_ctx *, char[11]) = {
	[WARN_SERIES] = warn_series_from,
	[WARN_DISPUTE] = warn_dispute_from,
	[WARN_BURST] = warn_burst_from,
	[WARN_WATCHLIST] = warn_watchlist_from,
};

/*
 * The days the detectors not on_stage read are added to warn_report
 * before it is committed, so that they can read apart on a first night
 * too (they could not add them there: a read-only connection).  The
 * same days they would have asked for themselves.
 */
static int fill_apart_days(struct warn_ctx *w, struct err *err)
{
	char first[11] = "", day[11];

	for (int k = 0; k < WARN_NKINDS; k++) {
		if (on_stage[k] || !reads_from[k] || !warn_param(w, (enum warn_kind)k, "enabled", 1))
			continue;
		reads_from[k](w, day);
		if (!first[0] || strcmp(day, first) < 0)
			memcpy(first, day, sizeof(first));
	}
	return first[0] ? warn_reports_from(w, first, err) : 0;
}

/* Run the enabled detectors that run on the stage's connection (stage 1), or the others. */
static int run_detectors(struct warn_ctx *w, int stage, struct err *err)
{
	for (int k = 0; k < WARN_NKINDS; k++) {
		if (on_stage[k] != stage || !warn_param(w, (enum warn_kind)k, "enabled", 1))
			continue;
		if (detectors[k](w, err) < 0)
			return err_prefix(err, "%s detector", kind_names[k]);
	}
	return 0;
}

/* The detectors not on_stage, on db, for a copy of the context reading apart (detect). */
static int detect_rest(struct db *db, void *arg, struct err *err)
{
	struct warn_ctx *b = arg;
	int rc;

	b->db = db;
	rc = run_detectors(b, 0, err);
	/* Its lookups are its connection's: finalised before that closes. */
	finalize_lookups(b);
	return rc;
}

/*
 * The detectors not on_stage only read: once warn_report is committed
 * they run on a copy of the context reading apart (common/apart.h),
 * beside the others on the stage's connection, and their candidates
 * join the others' after (store_all orders them; each kind's come from
 * one connection, in the order its detector gave them).  The days they
 * read are in warn_report by then (fill_apart_days).  When the copy
 * cannot read apart (warn_report still lacks days it needs, an
 * in-memory database, no thread), its candidates are dropped and its
 * detectors run here after the others.  The copy shares the context's
 * conf, categories and masks, which nothing changes meanwhile.
 */
static int detect(struct warn_ctx *w, struct warn_summary *sum, struct err *err)
{
	struct warn_ctx b = *w;
	struct apart a;
	struct err ignored;
	int rc, apart;

	b.cand = NULL;
	b.n_cand = b.cap_cand = 0;
	b.places = b.display = b.naming = NULL;
	b.apart = 1;
	apart = apart_start(&a, w->db->path, detect_rest, &b) == 0;
	rc = run_detectors(w, 1, err);
	if (apart_wait(&a, &ignored) < 0 || !apart) {
		drop_cands(&b);
		return rc < 0 ? rc : run_detectors(w, 0, err);
	}
	sum->apart = 1;
	if (rc == 0 && b.n_cand) {
		w->cand = xgrow(w->cand, &w->cap_cand, w->n_cand + b.n_cand, sizeof(*w->cand));
		memcpy(w->cand + w->n_cand, b.cand, b.n_cand * sizeof(*b.cand));
		w->n_cand += b.n_cand;
		free(b.cand);
	} else {
		drop_cands(&b);
	}
	return rc;
}

int warn_run(struct db *db, const struct warn_opts *opts, struct warn_summary *sum,
	     struct err *err)
{
	struct warn_ctx w = { 0 };
	char *conf_path = NULL, started[32];
	int rc = -1;

	memset(sum, 0, sizeof(*sum));
	db_now(started);
	w.db = db;
	if (opts->night) {
		if (day_number(opts->night) < 0)
			return err_set(err, "night '%s' is not a date YYYY-MM-DD", opts->night);
		snprintf(w.night, sizeof(w.night), "%s", opts->night);
	} else {
		warn_default_night(w.night);
	}
	snprintf(sum->night, sizeof(sum->night), "%s", w.night);
	conf_path = opts->conf_path ? xstrdup(opts->conf_path)
				    : xasprintf("%s/warn.conf", opts->data_dir);
	if (warn_conf_load(&w.conf, conf_path, err) < 0)
		goto out;
	load_categories(&w);
	w.areas = xasprintf(" %s ", warn_conf_str(&w.conf, "area_levels",
						 "province city district street community"));
	/*
	 * The detectors read rows all over the report, mention and entity
	 * tables: through a memory map (SQLite's limit, 2 GB), not a copy
	 * of each page read.  Put back after, for the stages that follow on
	 * this connection.
	 */
	if (db_map(db, 1, err) < 0 || db_begin(db, err) < 0)
		goto out;
	/*
	 * warn_report, a cache of what the reports say, is committed first,
	 * so that the detectors reading apart see it (detect); the night's
	 * warnings are cleared and written again in one transaction.
	 */
	if (load_mask(&w, err) < 0 || update_reports(&w, err) < 0 || fill_apart_days(&w, err) < 0 ||
	    db_commit(db, err) < 0 || db_begin(db, err) < 0)
		goto fail;
	if (reset_night(&w, err) < 0 || detect(&w, sum, err) < 0)
		goto fail;
	if (store_all(&w, sum, err) < 0 || log_run(&w, started, sum, err) < 0 ||
	    db_exec(db, "DELETE FROM temp.warn_old", err) < 0 ||
	    db_commit(db, err) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	db_rollback(db);
out:
	db_map(db, 0, NULL);
	free(conf_path);
	ctx_release(&w);
	return rc;
}
