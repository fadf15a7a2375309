/*
 * warn_spike: a count above its baseline for one place and category.
 *
 * Places are counted at every level analyze gives them: a report at a
 * building counts for its community, street (township) and district
 * through the place table's parents; a place entity without a place row
 * counts as it is.  warn.conf's spike.levels says which levels are judged
 * (spike.count_unleveled: places of no level).
 *
 * The pairs that can alarm are those with at least spike.min_count
 * reports in the last min_count_days (3 in 3 days), one of them tonight
 * — what keeps 0 -> 1 from alarming.  With less than
 * spike.farrington_min_days of history in the database the day is judged
 * by EARS (spike.method, C2 by default: a 7-day baseline behind a 2-day
 * guard band); with more, the last 7 days are judged by
 * Farrington-flexible against the same weeks of earlier years, which
 * knows about seasons.  An alarm cites every report of its window (the
 * min_count_days days, or the week), not only the night's: "6 in 3 days"
 * shows all six.
 *
 * One situation raises one warning: the alarms it also causes at a
 * place above or in a wider category are named in it, not raised (see
 * "one situation, one warning" below).
 *
 * Counting is done here in C rather than in SQL, because on a large
 * database the joins and GROUP BYs of a recursive query cost tens of
 * seconds a night; see "counting" below.  The older days are not read
 * again each night: their counts are kept in spike_count (see "stored
 * counts").
 */
#include "output/warn_int.h"
#include "common/day.h"
#include "output/detect.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Counting, in C.  A report counts for the place entities it mentions
 * and all their ancestors through place.parent_id (its "closure").  The
 * tree is read as far as the night's reports reach into it: a place
 * comes with the report's mentions, an ancestor from its place row the
 * first time one is walked to, and each is kept for the rest of the run
 * (on a large district a night meets a few thousand of 260,000 places,
 * and loading them all was a third of the detector).  Reports are read day range by
 * day range: their day from the received-at index, their spike categories
 * from one range scan of report_category, and their place mentions only
 * when they have such a category.  Two passes:
 *
 *   1. the recent days (the evidence window: min_count_days, or the 7
 *      days of a Farrington week): every (place, category) pair of a
 *      judged level; the candidates are the pairs with min_count reports
 *      in the last min_count_days, one of them tonight (what keeps 0 -> 1
 *      from alarming).  The reports of this pass are kept, so that an
 *      alarm cites every report of its window.
 *   2. the older days the method reads, for the candidates only: from
 *      spike_count, plus the reports it does not hold yet.
 */

/*
 * The places met so far, each in a slot: its entity, its level and its
 * parent (a slot, once walked to).
 */
struct ptree {
	int64_t *id;
	int64_t *parent_id;     /* 0 for none */
	int *parent;            /* slot of parent_id; -1 none, -2 not looked up yet */
	int *level;             /* index into levels, -1 for none */
	size_t n, cap;
	uint32_t *map;          /* open addressing over id: slot + 1, 0 empty */
	size_t nmap;
	struct warn_strs levels;
	unsigned char *judged;  /* per level: whether spike.levels judges it */
	size_t cap_judged;
	sqlite3_stmt *row;      /* an ancestor's place row */
};

static size_t ptree_hash(int64_t id, size_t n)
{
	uint64_t k = (uint64_t)id;

	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k & (n - 1);
}

/* The map's entry for id: where its slot is, or the empty entry where it goes. */
static uint32_t *ptree_entry(struct ptree *t, int64_t id)
{
	size_t i = ptree_hash(id, t->nmap);

	while (t->map[i] && t->id[t->map[i] - 1] != id)
		i = (i + 1) & (t->nmap - 1);
	return &t->map[i];
}

static void ptree_release(struct ptree *t)
{
	free(t->id);
	free(t->parent_id);
	free(t->parent);
	free(t->level);
	free(t->map);
	free(t->judged);
	db_finalize(t->row);
	warn_strs_release(&t->levels);
	memset(t, 0, sizeof(*t));
}

static int level_index(struct warn_ctx *w, struct ptree *t, const char *name)
{
	for (size_t i = 0; i < t->levels.n; i++)
		if (!strcmp(t->levels.v[i], name))
			return (int)i;
	warn_strs_add(&t->levels, name);
	t->judged = xgrow(t->judged, &t->cap_judged, t->levels.n, 1);
	t->judged[t->levels.n - 1] = (unsigned char)warn_param_has(w, WARN_SPIKE, "levels", name);
	return (int)t->levels.n - 1;
}

/*
 * The slot of place id, made from its place row's parent and level
 * (parent 0 and level NULL when it has none) when it is new.
 */
static int ptree_add(struct warn_ctx *w, struct ptree *t, int64_t id, int64_t parent,
		     const char *level)
{
	uint32_t *at;

	if (2 * (t->n + 1) > t->nmap) {
		t->nmap = t->nmap ? 2 * t->nmap : 1024;
		free(t->map);
		t->map = xcalloc(t->nmap, sizeof(*t->map));
		for (size_t i = 0; i < t->n; i++)
			*ptree_entry(t, t->id[i]) = (uint32_t)i + 1;
	}
	at = ptree_entry(t, id);
	if (*at)
		return (int)*at - 1;
	if (t->n == t->cap) {
		size_t cap = t->cap;

		t->id = xgrow(t->id, &cap, t->n + 1, sizeof(*t->id));
		cap = t->cap;
		t->parent_id = xgrow(t->parent_id, &cap, t->n + 1, sizeof(*t->parent_id));
		cap = t->cap;
		t->parent = xgrow(t->parent, &cap, t->n + 1, sizeof(*t->parent));
		t->level = xgrow(t->level, &t->cap, t->n + 1, sizeof(*t->level));
	}
	t->id[t->n] = id;
	t->parent_id[t->n] = parent;
	t->parent[t->n] = parent ? -2 : -1;
	t->level[t->n] = level ? level_index(w, t, level) : -1;
	*at = (uint32_t)t->n + 1;
	return (int)t->n++;
}

/* The parent slot of slot, its place row read the first time; -1 none, -2 error. */
static int ptree_parent(struct warn_ctx *w, struct ptree *t, int slot, struct err *err)
{
	int64_t pid = t->parent_id[slot], gp = 0;
	char *level = NULL;
	int r, p;

	if (t->parent[slot] != -2)
		return t->parent[slot];
	if (!t->row && db_prepare(w->db, &t->row,
				  "SELECT coalesce(parent_id, 0), level FROM place WHERE entity_id = ?",
				  err) < 0)
		return -2;
	if (db_bind(t->row, err, "I", pid) < 0 || (r = db_step(t->row, err)) < 0)
		return -2;
	if (r == 1) {
		gp = sqlite3_column_int64(t->row, 0);
		level = xstrdup(db_text(t->row, 1));
	}
	sqlite3_reset(t->row);
	p = ptree_add(w, t, pid, gp, level);
	free(level);
	t->parent[slot] = p;
	return p;
}

/* ---- pairs: (place slot, category) with daily counts ---- */

struct pair_map {
	uint64_t *key;          /* slot << 8 | category + 1; 0 is empty */
	int *val;
	size_t cap, n;
};

static uint64_t pair_key(int slot, int cat)
{
	return ((uint64_t)slot << 8 | (uint64_t)cat) + 1;
}

static size_t pair_hash(uint64_t k, size_t cap)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k & (cap - 1);
}

static int *pair_slot(struct pair_map *m, uint64_t k, int add)
{
	size_t i;

	if (add && 2 * (m->n + 1) > m->cap) {
		struct pair_map old = *m;

		m->cap = m->cap ? 2 * m->cap : 1024;
		m->key = xcalloc(m->cap, sizeof(*m->key));
		m->val = xcalloc(m->cap, sizeof(*m->val));
		m->n = 0;
		for (size_t j = 0; j < old.cap; j++)
			if (old.key[j])
				*pair_slot(m, old.key[j], 1) = old.val[j];
		free(old.key);
		free(old.val);
	}
	if (!m->cap)
		return NULL;
	for (i = pair_hash(k, m->cap); m->key[i] && m->key[i] != k; i = (i + 1) & (m->cap - 1))
		;
	if (!m->key[i]) {
		if (!add)
			return NULL;
		m->key[i] = k;
		m->val[i] = -1;
		m->n++;
	}
	return &m->val[i];
}

static void pair_map_release(struct pair_map *m)
{
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

/* A report of the evidence window: its day, categories and closure. */
struct rep {
	int64_t id;
	int day;                /* day number */
	uint64_t cats;          /* bit c: spike category c */
	size_t first, count;    /* its closure: s->closure[first .. first + count) */
};

struct spike {
	struct warn_ctx *w;
	sqlite3_stmt *span, *span_id, *cats, *mentions, *entity;
	struct detect_opts ears, far;
	long far_days;          /* days of history in the database, 0 if too few */
	int chart_days;
	double min_count;       /* reports in the recent days */
	int recent_days;
	long night;             /* day number of the night */
	long n;                 /* days judged, ending on the night */
	long window;            /* days of the evidence window, ending on the night */
	struct warn_strs cat;   /* spike.categories, at most 64 */
	struct ptree tree;
	int unleveled;          /* judge places without a level */
	struct rep *reps;       /* the evidence window's reports, by id */
	size_t n_reps, cap_reps;
	int *closure;
	size_t n_closure, cap_closure;
	int64_t counted;        /* spike_count holds the reports up to this id */
	char since[11];         /* ... of the days from this one */
};

/* A pair of place and category: its daily counts and what is shown. */
struct pair {
	int slot, cat;
	int *x;                 /* counts a day over the judged days, oldest first */
	int64_t entity;
	char *key, *display;
	const char *level, *category;
	int tonight;            /* reports tonight */
	int recent;             /* reports in the recent days */
};

/* ---- reading reports ---- */

struct span_rep {
	int64_t id;
	int day;
	uint64_t cats;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span_rep *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static long span_find(const struct span_rep *v, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].id < id)
			lo = mid + 1;
		else if (v[mid].id > id)
			hi = mid;
		else
			return (long)mid;
	}
	return -1;
}

static int cat_index(const struct spike *s, const char *name)
{
	for (size_t i = 0; i < s->cat.n; i++)
		if (!strcmp(s->cat.v[i], name))
			return (int)i;
	return -1;
}

/*
 * The closure of a report: the place entities it mentions and all their
 * ancestors, each once, into *out (appended from its current end).
 */
static int spike_closure(struct spike *s, int64_t report, int **out, size_t *n, size_t *cap,
			 struct err *err)
{
	sqlite3_stmt *st = s->mentions;
	size_t start = *n;
	int r;

	if (db_bind(st, err, "I", report) < 0)
		return -1;
	while ((r = db_step(st, err)) == 1) {
		int slot = ptree_add(s->w, &s->tree, sqlite3_column_int64(st, 0),
				     sqlite3_column_int64(st, 1),
				     sqlite3_column_type(st, 2) == SQLITE_NULL ? NULL : db_text(st, 2));

		/* A place tree has a few levels; 64 stops a cycle. */
		for (int depth = 0; slot >= 0 && depth < 64; depth++) {
			size_t k;

			for (k = start; k < *n && (*out)[k] != slot; k++)
				;
			if (k < *n)
				break;          /* the rest of the way up is in already */
			*out = xgrow(*out, cap, *n + 1, sizeof(**out));
			(*out)[(*n)++] = slot;
			slot = ptree_parent(s->w, &s->tree, slot, err);
		}
		if (slot == -2) {
			sqlite3_reset(st);
			return -1;
		}
	}
	return r;
}

/* Whether a place slot's level is judged. */
static int spike_judged(const struct spike *s, int slot)
{
	int l = s->tree.level[slot];

	if (l < 0 || !*s->tree.levels.v[l])
		return s->unleveled;
	return s->tree.judged[l];
}

/*
 * Read the reports of the days [from, to] (day numbers) whose ids are in
 * (after, upto] and, for each, call count(s, report, closure, n, arg)
 * with its spike categories; the categories come from one range scan of
 * report_category, the places only for reports with a spike category.
 * by_id: the ids are the narrower range (a night's new reports), so they
 * are found by id rather than by day.
 */
typedef void (*spike_count_fn)(struct spike *s, const struct span_rep *r, const int *closure,
			       size_t n, void *arg);

static int spike_read(struct spike *s, long from, long to, int64_t after, int64_t upto,
		      int by_id, spike_count_fn count, void *arg, struct err *err)
{
	sqlite3_stmt *span = by_id ? s->span_id : s->span;
	struct span_rep *v = NULL;
	size_t n = 0, cap = 0, n_clos = 0, cap_clos = 0;
	int *clos = NULL;
	char a[11], b[11], last[16] = "";
	int r, each, last_n = -1, rc = -1;

	day_string(from, a);
	day_string(to + 1, b);
	if (db_bind(span, err, "ssII", a, b, after, upto) < 0)
		goto out;
	while ((r = db_step(span, err)) == 1) {
		const char *day = db_text(span, 1);

		/* The rows come a day at a time: its number is worked out once. */
		if (strcmp(day, last)) {
			snprintf(last, sizeof(last), "%s", day);
			last_n = (int)day_number(day);
		}
		v = xgrow(v, &cap, n + 1, sizeof(*v));
		v[n].id = sqlite3_column_int64(span, 0);
		v[n].day = last_n;
		v[n].cats = 0;
		n++;
	}
	if (r < 0 || !n) {
		rc = r;
		goto out;
	}
	qsort(v, n, sizeof(*v), span_cmp);
	/*
	 * One range scan where the reports are dense in it (a night's new
	 * ones), a look-up each where they are spread over the table: the
	 * days of a window hold reports of every load, and on 1,000,000
	 * reports their range was the whole table.
	 */
	each = v[n - 1].id - v[0].id > 8 * (int64_t)n;
	for (size_t j = 0; j < (each ? n : 1); j++) {
		if (db_bind(s->cats, err, "II", v[j].id, each ? v[j].id : v[n - 1].id) < 0)
			goto out;
		while ((r = db_step(s->cats, err)) == 1) {
			int c = cat_index(s, db_text(s->cats, 1));
			long i = c < 0 ? -1 : each ? (long)j :
				 span_find(v, n, sqlite3_column_int64(s->cats, 0));

			if (i >= 0)
				v[i].cats |= (uint64_t)1 << c;
		}
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (!v[i].cats)
			continue;
		n_clos = 0;
		if (spike_closure(s, v[i].id, &clos, &n_clos, &cap_clos, err) < 0)
			goto out;
		if (n_clos)
			count(s, &v[i], clos, n_clos, arg);
	}
	rc = 0;
out:
	free(v);
	free(clos);
	return rc;
}

/* Pass 1: every judged pair of the evidence window; its reports are kept. */
struct window {
	struct pair_map map;
	struct pair *pairs;
	size_t n, cap;
};

static void count_window(struct spike *s, const struct span_rep *r, const int *closure,
			 size_t n, void *arg)
{
	struct window *win = arg;
	struct rep *kept;
	long d = r->day - (s->night - s->window + 1);

	s->reps = xgrow(s->reps, &s->cap_reps, s->n_reps + 1, sizeof(*s->reps));
	kept = &s->reps[s->n_reps++];
	kept->id = r->id;
	kept->day = r->day;
	kept->cats = r->cats;
	kept->first = s->n_closure;
	kept->count = n;
	s->closure = xgrow(s->closure, &s->cap_closure, s->n_closure + n, sizeof(*s->closure));
	memcpy(s->closure + s->n_closure, closure, n * sizeof(*closure));
	s->n_closure += n;
	if (d < 0 || d >= s->window)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!spike_judged(s, closure[i]))
			continue;
		for (int c = 0; c < (int)s->cat.n; c++) {
			int *at;

			if (!(r->cats >> c & 1))
				continue;
			at = pair_slot(&win->map, pair_key(closure[i], c), 1);
			if (*at < 0) {
				win->pairs = xgrow(win->pairs, &win->cap, win->n + 1, sizeof(*win->pairs));
				memset(&win->pairs[win->n], 0, sizeof(*win->pairs));
				win->pairs[win->n].slot = closure[i];
				win->pairs[win->n].cat = c;
				win->pairs[win->n].x = xcalloc((size_t)s->window, sizeof(int));
				*at = (int)win->n++;
			}
			win->pairs[*at].x[d]++;
		}
	}
}

/* Pass 2: the older days, for the candidates only. */
struct older {
	struct pair_map map;    /* pair key -> candidate */
	struct pair *cand;
};

static void count_older(struct spike *s, const struct span_rep *r, const int *closure,
			size_t n, void *arg)
{
	struct older *o = arg;
	long d = r->day - (s->night - s->n + 1);

	if (d < 0 || d >= s->n)
		return;
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < (int)s->cat.n; c++) {
			int *at;

			if (r->cats >> c & 1 && (at = pair_slot(&o->map, pair_key(closure[i], c), 0)))
				o->cand[*at].x[d]++;
		}
}

/*
 * Stored counts.  spike_count holds, for every judged place and spike
 * category, the reports of each day, counted once when analyze has done
 * them: a night counts only the reports analyzed since the last run and
 * reads the older days of its candidates from the table.  What the table
 * cannot know is checked instead: the settings that decide what is
 * counted, the first day needed, and whether analyze redid its work
 * (then the report counted last has a new analyzed_at); any of those
 * starts the table again.  Reports not analyzed yet (and a database
 * whose reports were written without analyze) are read afresh.
 */
struct tally {
	int slot, cat;
	int day;
};

struct tallies {
	struct tally *v;
	size_t n, cap;
};

static void count_tally(struct spike *s, const struct span_rep *r, const int *closure,
			size_t n, void *arg)
{
	struct tallies *t = arg;

	for (size_t i = 0; i < n; i++) {
		if (!spike_judged(s, closure[i]))
			continue;
		for (int c = 0; c < (int)s->cat.n; c++) {
			if (!(r->cats >> c & 1))
				continue;
			t->v = xgrow(t->v, &t->cap, t->n + 1, sizeof(*t->v));
			t->v[t->n++] = (struct tally){ closure[i], c, r->day };
		}
	}
}

static int tally_cmp(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;

	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	if (x->cat != y->cat)
		return x->cat < y->cat ? -1 : 1;
	return x->day < y->day ? -1 : x->day > y->day;
}

/* What decides the counts, as one string: categories, levels, unleveled. */
static char *spike_settings(const struct spike *s)
{
	struct sbuf b = SBUF_INIT;

	for (size_t i = 0; i < s->cat.n; i++)
		sbuf_addf(&b, "%s%s", i ? " " : "categories=", s->cat.v[i]);
	sbuf_addf(&b, ";levels=%s;unleveled=%d",
		  warn_conf_str(&s->w->conf, "spike.levels", ""), s->unleveled);
	return sbuf_detach(&b);
}

/* analyze's time for report id into at[32], "" when it has none. */
static int spike_analyzed_at(struct spike *s, int64_t id, char at[32], struct err *err)
{
	sqlite3_stmt *st;
	int r;

	at[0] = '\0';
	if (db_prepare(s->w->db, &st, "SELECT analyzed_at FROM analyzed WHERE report_id = ?",
		       err) < 0)
		return -1;
	if (db_bind(st, err, "I", id) == 0 && (r = db_step(st, err)) >= 0) {
		if (r == 1)
			snprintf(at, 32, "%s", db_text(st, 0));
		db_finalize(st);
		return 0;
	}
	db_finalize(st);
	return -1;
}

/*
 * The last report that may be counted for good: the one before the
 * first of warn_report after 'after' that analyze has not done, or the
 * last of warn_report.  *upto out (after when none), with its analyzed_at
 * into at[32] ("" when not analyzed).
 */
static int spike_settled(struct spike *s, int64_t after, int64_t *upto, char at[32],
			 struct err *err)
{
	int64_t first;

	if (db_int(s->w->db, err, &first,
		   "SELECT coalesce(min(w.report_id), 0) FROM warn_report w WHERE w.report_id > ?"
		   " AND NOT EXISTS (SELECT 1 FROM analyzed a WHERE a.report_id = w.report_id)",
		   "I", after) < 0 ||
	    db_int(s->w->db, err, upto,
		   first ? "SELECT coalesce(max(report_id), 0) FROM warn_report WHERE report_id < ?"
			 : "SELECT coalesce(max(report_id), 0) FROM warn_report WHERE ? IS NOT NULL",
		   "I", first) < 0)
		return -1;
	if (*upto < after)
		*upto = after;
	return spike_analyzed_at(s, *upto, at, err);
}

/* Add the tallies to spike_count, one row per place, category and day. */
static int spike_store_tallies(struct spike *s, struct tallies *t, struct err *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (!t->n)
		return 0;
	qsort(t->v, t->n, sizeof(*t->v), tally_cmp);
	if (db_prepare(s->w->db, &st,
		       "INSERT INTO spike_count(place_id, category, day, n) VALUES (?, ?, ?, ?)"
		       " ON CONFLICT DO UPDATE SET n = n + excluded.n", err) < 0)
		return -1;
	for (size_t i = 0, j; rc == 0 && i < t->n; i = j) {
		char day[11];

		for (j = i + 1; j < t->n && !tally_cmp(&t->v[i], &t->v[j]); j++)
			;
		day_string(t->v[i].day, day);
		if (db_bind(st, err, "Issi", s->tree.id[t->v[i].slot], s->cat.v[t->v[i].cat], day,
			    (int)(j - i)) < 0 || db_step(st, err) < 0)
			rc = -1;
	}
	db_finalize(st);
	return rc;
}

/*
 * Bring spike_count up to date for the days from the first one this
 * night judges; s->counted and s->since out.
 */
static int spike_count_update(struct spike *s, struct err *err)
{
	struct warn_ctx *w = s->w;
	struct tallies t = { 0 };
	sqlite3_stmt *st = NULL;
	char *settings = spike_settings(s), need[11], at[32], now_at[32] = "";
	int64_t counted = 0, upto;
	int r, valid = 0, rc = -1;

	day_string(s->night - s->n + 1, need);
	if (warn_reports_from(w, need, err) < 0)
		goto out;
	if (db_prepare(w->db, &st, "SELECT counted_to, analyzed_at, since, settings FROM spike_state",
		       err) < 0 || (r = db_step(st, err)) < 0)
		goto out;
	if (r == 1 && !strcmp(db_text(st, 3), settings) && strcmp(db_text(st, 2), need) <= 0) {
		counted = sqlite3_column_int64(st, 0);
		snprintf(at, sizeof(at), "%s", db_text(st, 1));
		snprintf(s->since, sizeof(s->since), "%s", db_text(st, 2));
		valid = 1;
	}
	db_finalize(st);
	st = NULL;
	if (valid && counted && (spike_analyzed_at(s, counted, now_at, err) < 0))
		goto out;
	if (!valid || strcmp(at, now_at)) {
		if (db_exec(w->db, "DELETE FROM spike_count", err) < 0)
			goto out;
		counted = 0;
		snprintf(s->since, sizeof(s->since), "%s", need);
	}
	if (spike_settled(s, counted, &upto, now_at, err) < 0)
		goto out;
	if (upto > counted &&
	    (spike_read(s, day_number(s->since), s->night + 36500, counted, upto, 1,
			count_tally, &t, err) < 0 ||
	     spike_store_tallies(s, &t, err) < 0))
		goto out;
	if (db_run(w->db, err,
		   "INSERT OR REPLACE INTO spike_state(id, counted_to, analyzed_at, since, settings)"
		   " VALUES (1, ?, ?, ?, ?)", "Isss", upto, now_at, s->since, settings) < 0)
		goto out;
	s->counted = upto;
	rc = 0;
out:
	db_finalize(st);
	free(t.v);
	free(settings);
	return rc;
}

/* The older days of the candidates from spike_count. */
static int spike_stored(struct spike *s, struct pair *cand, size_t n, struct err *err)
{
	sqlite3_stmt *st;
	char from[11], to[11];
	int r = 0;

	if (!s->counted)
		return 0;
	day_string(s->night - s->n + 1, from);
	day_string(s->night - s->window, to);
	if (db_prepare(s->w->db, &st,
		       "SELECT day, n FROM spike_count WHERE place_id = ? AND category = ?"
		       " AND day BETWEEN ? AND ?", err) < 0)
		return -1;
	for (size_t i = 0; i < n && r >= 0; i++) {
		if (db_bind(st, err, "Isss", cand[i].entity, cand[i].category, from, to) < 0)
			break;
		while ((r = db_step(st, err)) == 1) {
			long d = day_number(db_text(st, 0)) - (s->night - s->n + 1);

			if (d >= 0 && d < s->n - s->window)
				cand[i].x[d] += sqlite3_column_int(st, 1);
		}
	}
	db_finalize(st);
	return r < 0 ? -1 : 0;
}

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int r = strcmp(x->key, y->key);

	return r ? r : strcmp(x->category, y->category);
}

static void pair_release(struct pair *p)
{
	free(p->x);
	free(p->key);
	free(p->display);
}

/*
 * The candidates: the judged pairs of the window with min_count reports
 * in the recent days, one of them tonight, with their whole history,
 * ordered by place key and category.  *out and *n out, owned.
 */
static int spike_candidates(struct spike *s, struct pair **out, size_t *n_out,
			    struct err *err)
{
	struct window win = { 0 };
	struct older old = { 0 };
	struct pair *cand = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;

	if (spike_read(s, s->night - s->window + 1, s->night, 0, INT64_MAX, 0, count_window, &win,
		       err) < 0)
		goto out;
	for (size_t i = 0; i < win.n; i++) {
		struct pair *p = &win.pairs[i];
		int recent = 0;

		for (long d = s->window - s->recent_days; d < s->window; d++)
			recent += d >= 0 ? p->x[d] : 0;
		if (recent < s->min_count || !p->x[s->window - 1])
			continue;
		cand = xgrow(cand, &cap, n + 1, sizeof(*cand));
		cand[n] = *p;
		cand[n].recent = recent;
		cand[n].tonight = p->x[s->window - 1];
		cand[n].x = xcalloc((size_t)s->n, sizeof(int));
		memcpy(cand[n].x + s->n - s->window, p->x, sizeof(int) * (size_t)s->window);
		cand[n].entity = s->tree.id[p->slot];
		cand[n].level = s->tree.level[p->slot] >= 0 ?
				s->tree.levels.v[s->tree.level[p->slot]] : "";
		cand[n].category = s->cat.v[p->cat];
		if (db_bind(s->entity, err, "I", cand[n].entity) < 0 ||
		    db_step(s->entity, err) < 0) {
			n++;
			goto out;
		}
		cand[n].key = xstrdup(db_text(s->entity, 0));
		cand[n].display = xstrdup(db_text(s->entity, 1));
		sqlite3_reset(s->entity);
		n++;
	}
	for (size_t i = 0; i < n; i++)
		*pair_slot(&old.map, pair_key(cand[i].slot, cand[i].cat), 1) = (int)i;
	old.cand = cand;
	if (n && s->n > s->window &&
	    (spike_stored(s, cand, n, err) < 0 ||
	     spike_read(s, s->night - s->n + 1, s->night - s->window, s->counted, INT64_MAX, s->counted > 0,
			count_older, &old, err) < 0))
		goto out;
	if (n)
		qsort(cand, n, sizeof(*cand), pair_cmp);
	rc = 0;
out:
	for (size_t i = 0; i < win.n; i++)
		free(win.pairs[i].x);
	free(win.pairs);
	pair_map_release(&win.map);
	pair_map_release(&old.map);
	*out = cand;
	*n_out = n;
	return rc;
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
static void spike_judge(struct spike *s, const struct pair *p, int *alarm,
			struct detect_point *last, cJSON *arr)
{
	long n = s->n;
	double *x, *y = NULL;
	struct detect_point *pt;

	x = xmalloc(sizeof(double) * (size_t)n);
	for (long i = 0; i < n; i++)
		x[i] = p->x[i];
	if (!s->far_days) {
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
	free(x);
	free(y);
}

/* Whether report r, of day from or later, counts for pair p: its category, at its place or below. */
static int rep_of_pair(const struct spike *s, const struct rep *r, const struct pair *p, long from)
{
	if (r->day < from || !(r->cats >> p->cat & 1))
		return 0;
	for (size_t k = 0; k < r->count; k++)
		if (s->closure[r->first + k] == p->slot)
			return 1;
	return 0;
}

static void spike_raise(struct spike *s, const struct pair *p, const struct detect_point *pt,
			cJSON *data, const char *also)
{
	int weekly = s->far_days > 0;
	struct warn_ctx *w = s->w;
	struct warn_cand *c;
	const char *cat = warn_category_name(w, p->category);
	const char *place = *p->display ? p->display : warn_key_value(p->key);
	char catkey[96], level_key[64];
	const char *subject[2] = { p->key, catkey };
	const char *level;
	char *when;
	double sev;
	long from = s->night - (weekly ? 6 : s->recent_days - 1);

	snprintf(catkey, sizeof(catkey), "category:%s", p->category);
	snprintf(level_key, sizeof(level_key), "level_name.%s", p->level);
	level = *p->level ? warn_conf_str(&w->conf, level_key, "") : "";
	/* 锁金一村社区 is named a community already: not 锁金一村社区社区. */
	if (strlen(place) >= strlen(level) && !strcmp(place + strlen(place) - strlen(level), level))
		level = "";
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
			  "建议加强巡防并串并分析这些警情。%s%s%s",
			  when, place, level, cat, pt->observed,
			  weekly ? "往年同期的季节基线（既往高发期已降权）" : "此前7天（间隔2天）的基线",
			  pt->expected, pt->threshold, weekly ? "Farrington" : "EARS",
			  also ? "这些警情也使" : "", also ? also : "",
			  also ? "超出警戒线，不另行预警。" : ""),
		cJSON_PrintUnformatted(data));
	free(when);
	/* The reports of the window at the place or below it (kept by id). */
	for (size_t i = 0; i < s->n_reps; i++)
		if (rep_of_pair(s, &s->reps[i], p, from))
			warn_cand_report(c, s->reps[i].id);
}

/* Days of history for Farrington, or 0 while the database is younger. */
static int spike_history(struct spike *s, struct err *err)
{
	sqlite3_stmt *st;
	long first = -1, have, need, weeks;
	int r;

	/* min(coalesce(received_at, occurred_at)) by index, not by a scan. */
	if (db_prepare(s->w->db, &st,
		       "SELECT substr(min(coalesce((SELECT min(received_at) FROM report),"
		       " '9999'), coalesce((SELECT min(occurred_at) FROM report"
		       " WHERE received_at IS NULL), '9999')), 1, 10)", err) < 0)
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

/* The parameters that say what is counted, and the statements that read. */
static int spike_prepare(struct spike *s, struct err *err)
{
	struct warn_ctx *w = s->w;
	char *cats = warn_list(w, WARN_SPIKE, "categories"), *save = NULL;
	int rc = -1;

	for (char *c = strtok_r(cats, " ", &save); c; c = strtok_r(NULL, " ", &save))
		if (s->cat.n < 64)
			warn_strs_add(&s->cat, c);
	s->unleveled = warn_param(w, WARN_SPIKE, "count_unleveled", 1) != 0;
	s->night = day_number(w->night);
	s->n = s->far_days ? s->far_days : s->chart_days + s->ears.baseline + 4;
	s->window = s->far_days && s->recent_days < 7 ? 7 : s->recent_days;
	if (s->window > s->n)
		s->window = s->n;
	if (db_prepare(w->db, &s->span,
		       "SELECT report_id, day FROM warn_report WHERE day >= ?1 AND day < ?2"
		       " AND report_id > ?3 AND report_id <= ?4", err) < 0 ||
	    db_prepare(w->db, &s->span_id,
		       "SELECT report_id, day FROM warn_report WHERE report_id > ?3 AND report_id <= ?4"
		       " AND +day >= ?1 AND +day < ?2", err) < 0 ||
	    db_prepare(w->db, &s->cats,
		       "SELECT report_id, category FROM report_category"
		       " WHERE report_id BETWEEN ? AND ?", err) < 0 ||
	    /* The place entities it mentions, with their place rows (none: parent 0, level NULL). */
	    db_prepare(w->db, &s->mentions,
		       "SELECT m.entity_id, coalesce(p.parent_id, 0), p.level FROM mention m"
		       " CROSS JOIN entity e ON e.id = m.entity_id"
		       " LEFT JOIN place p ON p.entity_id = m.entity_id"
		       " WHERE m.report_id = ? AND e.type = 'place'", err) < 0 ||
	    db_prepare(w->db, &s->entity,
		       "SELECT key, coalesce(display, '') FROM entity WHERE id = ?", err) < 0)
		goto out;
	rc = 0;
out:
	free(cats);
	return rc;
}

static void spike_release(struct spike *s)
{
	db_finalize(s->span);
	db_finalize(s->span_id);
	db_finalize(s->cats);
	db_finalize(s->mentions);
	db_finalize(s->entity);
	warn_strs_release(&s->cat);
	ptree_release(&s->tree);
	free(s->reps);
	free(s->closure);
}

/*
 * ---- one situation, one warning ----
 *
 * A burglary spike in one community also lifts its street's burglaries,
 * and its thefts (a burglary is a theft too) over their thresholds: three
 * alarms for one situation.  An alarm is folded into another when the
 * other's place is its own or below it, and its reports of the judged
 * days (the night, or Farrington's week) that are not the other's would
 * not alarm by themselves (no more than its threshold).  The most
 * specific alarms are kept first: fewer reports, then a deeper place,
 * then the category listed first in spike.categories.  The kept warning
 * names what it explains.
 */
struct alarm {
	size_t pair;            /* its candidate */
	struct detect_point pt;
	cJSON *data;            /* owned until raised */
	size_t *reps;           /* its reports of the judged days: indexes into s->reps, ascending */
	size_t n_reps;
	int depth;              /* ancestors of its place */
	long into;              /* the alarm it is folded into, or -1 */
};

static int place_depth(const struct spike *s, int slot)
{
	int d = 0;

	/* A place tree has a few levels; 64 stops a cycle. */
	while (d < 64 && (slot = s->tree.parent[slot]) >= 0)
		d++;
	return d;
}

/* Whether the place in slot is anc or lies below it. */
static int place_within(const struct spike *s, int slot, int anc)
{
	for (int d = 0; d < 64 && slot >= 0; d++, slot = s->tree.parent[slot])
		if (slot == anc)
			return 1;
	return 0;
}

static void alarm_reports(const struct spike *s, const struct pair *p, struct alarm *a)
{
	long from = s->night - (s->far_days > 0 ? 6 : 0);

	a->reps = xmalloc((s->n_reps + 1) * sizeof(*a->reps));
	a->n_reps = 0;
	for (size_t i = 0; i < s->n_reps; i++)
		if (rep_of_pair(s, &s->reps[i], p, from))
			a->reps[a->n_reps++] = i;
}

/* How many of a's reports k does not have. */
static size_t reports_beyond(const struct alarm *a, const struct alarm *k)
{
	size_t n = 0, j = 0;

	for (size_t i = 0; i < a->n_reps; i++) {
		while (j < k->n_reps && k->reps[j] < a->reps[i])
			j++;
		n += j == k->n_reps || k->reps[j] != a->reps[i];
	}
	return n;
}

struct specific {
	const struct alarm *al;
	const struct pair *cand;
};

/* The more specific alarm first: fewer reports, a deeper place, the category listed first. */
static int cmp_specific(const void *pa, const void *pb, void *arg)
{
	const struct specific *x = arg;
	const struct alarm *a = &x->al[*(const size_t *)pa], *b = &x->al[*(const size_t *)pb];
	int ca = x->cand[a->pair].cat, cb = x->cand[b->pair].cat;

	if (a->pt.observed != b->pt.observed)
		return a->pt.observed < b->pt.observed ? -1 : 1;
	if (a->depth != b->depth)
		return a->depth > b->depth ? -1 : 1;
	if (ca != cb)
		return ca < cb ? -1 : 1;
	return (a->pair > b->pair) - (a->pair < b->pair);
}

static void fold_alarms(const struct spike *s, const struct pair *cand, struct alarm *al, size_t n)
{
	size_t *order = xmalloc((n + 1) * sizeof(*order)), *kept = xmalloc((n + 1) * sizeof(*kept));
	size_t nkept = 0;
	struct specific x = { al, cand };

	for (size_t i = 0; i < n; i++) {
		alarm_reports(s, &cand[al[i].pair], &al[i]);
		al[i].depth = place_depth(s, cand[al[i].pair].slot);
		al[i].into = -1;
		order[i] = i;
	}
	if (n > 1)
		qsort_r(order, n, sizeof(*order), cmp_specific, &x);
	for (size_t i = 0; i < n; i++) {
		struct alarm *a = &al[order[i]];

		for (size_t j = 0; j < nkept && a->into < 0; j++) {
			const struct alarm *k = &al[kept[j]];

			if (place_within(s, cand[k->pair].slot, cand[a->pair].slot) &&
			    (double)reports_beyond(a, k) <= a->pt.threshold)
				a->into = (long)kept[j];
		}
		if (a->into < 0)
			kept[nkept++] = order[i];
	}
	free(order);
	free(kept);
}

/* What alarm i explains, "锁金村街道的入室盗窃7起、…", with each in its data; NULL for nothing. */
static char *folded_text(const struct spike *s, const struct pair *cand, const struct alarm *al,
			 size_t n, size_t i, cJSON *data)
{
	struct sbuf b = SBUF_INIT;
	cJSON *arr = NULL;

	for (size_t j = 0; j < n; j++) {
		const struct pair *p = &cand[al[j].pair];
		cJSON *o;

		if (al[j].into != (long)i)
			continue;
		if (!arr)
			arr = cJSON_AddArrayToObject(data, "also");
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "place", p->key);
		cJSON_AddStringToObject(o, "category", p->category);
		cJSON_AddNumberToObject(o, "observed", al[j].pt.observed);
		cJSON_AddItemToArray(arr, o);
		sbuf_addf(&b, "%s%s的%s%g起", b.len ? "、" : "",
			  *p->display ? p->display : warn_key_value(p->key),
			  warn_category_name(s->w, p->category), al[j].pt.observed);
	}
	if (!b.len) {
		sbuf_release(&b);
		return NULL;
	}
	return b.buf;
}

int warn_spike(struct warn_ctx *w, struct err *err)
{
	struct spike s = { 0 };
	struct pair *cand = NULL;
	struct alarm *al = NULL;
	size_t n = 0, nal = 0, cap = 0;
	int rc = -1;

	s.w = w;
	spike_opts(&s);
	if (spike_history(&s, err) < 0 || spike_prepare(&s, err) < 0 ||
	    spike_count_update(&s, err) < 0 ||
	    spike_candidates(&s, &cand, &n, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct detect_point pt;
		int alarm;
		cJSON *data = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(data, "series");

		spike_judge(&s, &cand[i], &alarm, &pt, arr);
		if (!alarm) {
			cJSON_Delete(data);
			continue;
		}
		al = xgrow(al, &cap, nal + 1, sizeof(*al));
		al[nal++] = (struct alarm){ .pair = i, .pt = pt, .data = data };
	}
	fold_alarms(&s, cand, al, nal);
	for (size_t i = 0; i < nal; i++) {
		char *also;

		if (al[i].into >= 0)
			continue;
		also = folded_text(&s, cand, al, nal, i, al[i].data);
		spike_raise(&s, &cand[al[i].pair], &al[i].pt, al[i].data, also);
		free(also);
	}
	rc = 0;
out:
	for (size_t i = 0; i < nal; i++) {
		cJSON_Delete(al[i].data);
		free(al[i].reps);
	}
	free(al);
	for (size_t i = 0; i < n; i++)
		pair_release(&cand[i]);
	free(cand);
	spike_release(&s);
	return rc;
}
