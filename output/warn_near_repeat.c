/*
 * warn_near_repeat: a burglary or theft close in space and time to an
 * earlier one (the near-repeat effect: a place that was just hit is at
 * higher risk for a few days, and so are its neighbours).  Tonight's
 * crimes (near_repeat.categories) are compared with the earlier ones of
 * the window by occurrence date (tonight's: those of the recent days):
 *
 *   building  the same most specific place, when that is one building
 *             (its key ends in one of building_suffixes: 12号, 3栋, 某小区;
 *             a bare road or village is not "the same place"), within
 *             building_days;
 *   street    (near_repeat.street_categories only: burglary, whose risk
 *             spreads to the neighbours) the same road (the place key cut after its last 路, 街, 巷
 *             or 道 that is not 街道) and house numbers at most
 *             street_numbers apart (next door, a few doors down), within
 *             street_days — a whole road is too long to be "near";
 *   distance  both with coordinates, at most distance_m metres apart,
 *             within distance_days.
 *
 * With near_repeat.same_category the two crimes must share their
 * category (a burglary after a burglary): thefts of every kind on one
 * busy road are not the near-repeat pattern.
 *
 * The subject is the shared building or road (or tonight's place for a
 * distance match), so repeats at one place are one warning.  Under the
 * kind's max_per_night the longer chains (more crimes) rank first.
 */
#include "output/warn_int.h"
#include "common/day.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum nr_level { NR_BUILDING, NR_STREET, NR_DISTANCE };

static const char *const level_names[] = { "building", "street", "distance" };

struct crime {
	int64_t id;
	char occ_text[48];        /* occ_day as stored: the order crimes are compared in */
	long occ;                 /* day number of the occurrence */
	int tonight;
	double lat, lon;          /* NAN when absent */
	char *category;
	struct warn_strs places;
	struct warn_strs roads;
	long *number;             /* beside roads: the house number, -1 unknown */
	size_t cap_number;
};

/* The parameters, read once: nr_match runs for every pair of crimes. */
struct nr_params {
	double building_days, street_days, street_numbers, distance_days, distance_m;
	int same_category;
	struct warn_strs suffixes;      /* near_repeat.building_suffixes */
	char *street_categories;        /* " burglary ": may match next door */
};

struct nr_group {
	char *subject;
	enum nr_level level;
	struct warn_strs tonight_ids, earlier_ids;   /* report ids as text */
	long last_earlier;
	const char *category;
};

/* The house number of a place key ("...幸福路12号" -> 12), or -1. */
static long house_number(const char *key)
{
	const char *hao = NULL, *p = key;
	long n = 0, scale = 1;

	while ((p = strstr(p, "号"))) {
		hao = p;
		p += 3;
	}
	if (!hao || hao == key || !isdigit((unsigned char)hao[-1]))
		return -1;
	for (p = hao - 1; p >= key && isdigit((unsigned char)*p) && scale < 1000000; p--) {
		n += (*p - '0') * scale;
		scale *= 10;
	}
	return n;
}

/* The road part of a place key, or NULL: cut after the last 路/街/巷/道. */
static char *road_of(const char *key)
{
	static const char *const ends[] = { "路", "街", "巷", "道" };
	size_t best = 0, len = strlen(key);

	for (size_t i = 0; i + 3 <= len; i++) {
		for (size_t k = 0; k < 4; k++) {
			if (strncmp(key + i, ends[k], 3))
				continue;
			/* 街道 is a township, not a road. */
			if ((k == 1 && !strncmp(key + i + 3, "道", 3)) ||
			    (k == 3 && i >= 3 && !strncmp(key + i - 3, "街", 3)))
				continue;
			best = i + 3;
		}
	}
	return best && best < len ? xstrndup(key, best) : NULL;
}

static double metres(double lat1, double lon1, double lat2, double lon2)
{
	double r = 6371000, p = M_PI / 180;
	double a = sin((lat2 - lat1) * p / 2) * sin((lat2 - lat1) * p / 2) +
		   cos(lat1 * p) * cos(lat2 * p) * sin((lon2 - lon1) * p / 2) *
		   sin((lon2 - lon1) * p / 2);

	return 2 * r * asin(sqrt(a));
}

/* Crime c's most specific places, and the roads and house numbers among them. */
static int crime_places(struct warn_ctx *w, struct crime *c, struct err *err)
{
	if (warn_report_places(w, c->id, &c->places, err) < 0)
		return -1;
	for (size_t k = 0; k < c->places.n; k++) {
		char *road = road_of(c->places.v[k]);

		if (road && !warn_strs_has(&c->roads, road)) {
			warn_strs_add(&c->roads, road);
			c->number = xgrow(c->number, &c->cap_number, c->roads.n, sizeof(*c->number));
			c->number[c->roads.n - 1] = house_number(c->places.v[k]);
		}
		free(road);
	}
	return 0;
}

/*
 * c's category: of its categories that cats names, the primary one
 * first, then the first by name (what ORDER BY is_primary DESC,
 * category would give: strcmp orders as SQLite's BINARY collation).
 * Returns 1 when it has one, 0 when not ("" then), -1 on error.
 */
static int crime_category(sqlite3_stmt *st, const char *cats, struct crime *c, struct err *err)
{
	int r, best_primary = 0;

	if (db_bind(st, err, "I", c->id) < 0)
		return -1;
	while ((r = db_step(st, err)) == 1) {
		const char *cat = db_text(st, 0);
		int primary = sqlite3_column_int(st, 1);
		char *word = xasprintf(" %s ", cat);
		int in = strstr(cats, word) != NULL;

		free(word);
		if (!in || (c->category && (primary < best_primary ||
					    (primary == best_primary && strcmp(cat, c->category) >= 0))))
			continue;
		free(c->category);
		c->category = xstrdup(cat);
		best_primary = primary;
	}
	if (r < 0)
		return -1;
	if (!c->category) {
		c->category = xstrdup("");
		return 0;
	}
	return 1;
}

/*
 * Whether a place key names one building (a house number, 3栋, a 小区),
 * not a road or a village, where "the same place" would be half a
 * district: its end is one of near_repeat.building_suffixes.
 */
/* Whether word is one of the words of list (" a b c ", warn_list's form). */
static int word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = strstr(list, word); p; p = strstr(p + 1, word))
		if (p[-1] == ' ' && p[n] == ' ')
			return 1;
	return 0;
}

static int is_building(const struct nr_params *np, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < np->suffixes.n; i++) {
		size_t k = strlen(np->suffixes.v[i]);

		if (k <= n && !strcmp(key + n - k, np->suffixes.v[i]))
			return 1;
	}
	return 0;
}

/* A road of tonight's crimes with a house number on it. */
struct nr_door {
	const char *road;       /* borrowed from the crime */
	long number;
};

static int door_cmp(const void *a, const void *b)
{
	const struct nr_door *x = a, *y = b;
	int r = strcmp(x->road, y->road);

	return r ? r : (x->number > y->number) - (x->number < y->number);
}

/*
 * Add to ids the reports that mention a place on one of the roads of
 * doors[0..n) (sorted by road) within street_numbers of one of its
 * numbers: a key that starts with the road's, cut there by road_of,
 * with such a house number.  The road's places are read from the index
 * on entity keys; keys are UTF-8, which never holds the byte 0xff, so
 * road || 0xff is past every key that starts with the road.
 */
static int doors_reports(struct warn_ctx *w, const struct nr_params *np,
			 const struct nr_door *doors, size_t n, struct warn_ids *ids,
			 struct err *err)
{
	sqlite3_stmt *places = NULL, *reports = NULL;
	int r = 0;

	if (db_prepare(w->db, &places, "SELECT id, key FROM entity WHERE key >= ?1 AND key < ?2",
		       err) < 0 ||
	    db_prepare(w->db, &reports, "SELECT report_id FROM mention WHERE entity_id = ?", err) < 0)
		r = -1;
	for (size_t i = 0, end; r == 0 && i < n; i = end) {
		char *upto = xasprintf("%s\xff", doors[i].road);

		for (end = i; end < n && !strcmp(doors[end].road, doors[i].road); end++)
			;
		r = db_bind(places, err, "st", doors[i].road, upto, (int)strlen(upto));
		free(upto);
		while (r == 0 && (r = db_step(places, err)) == 1) {
			const char *key = db_text(places, 1);
			long num = house_number(key);
			int near = 0;

			r = 0;
			for (size_t k = i; k < end && !near && num >= 0; k++)
				near = labs(doors[k].number - num) <= np->street_numbers;
			if (near) {     /* the number first: it rules out most, and costs less */
				char *road = road_of(key);

				near = road && !strcmp(road, doors[i].road);
				free(road);
			}
			if (!near)
				continue;
			if (db_bind(reports, err, "I", sqlite3_column_int64(places, 0)) < 0)
				r = -1;
			while (r == 0 && (r = db_step(reports, err)) == 1) {
				ids->v = xgrow(ids->v, &ids->cap, ids->n + 1, sizeof(*ids->v));
				ids->v[ids->n++] = sqlite3_column_int64(reports, 0);
				r = 0;
			}
		}
	}
	db_finalize(places);
	db_finalize(reports);
	return r;
}

/*
 * The reports that may be an earlier crime matching one of tonight's
 * at its building or on its street, into ids (sorted): those that
 * mention one of tonight's buildings, or, when tonight's crime may
 * spread next door, a place a few doors from it on its road.
 */
static int tonight_neighbours(struct warn_ctx *w, const struct nr_params *np,
			      const struct crime *cr, size_t n, struct warn_ids *ids,
			      struct err *err)
{
	struct nr_door *doors = NULL;
	size_t ndoors = 0, cap = 0;
	int rc = -1;

	for (size_t i = 0; i < n; i++) {
		const struct crime *t = &cr[i];

		if (!t->tonight)
			continue;
		for (size_t k = 0; k < t->places.n; k++)
			if (is_building(np, t->places.v[k]) &&
			    warn_naming_reports(w, t->places.v[k], ids, err) < 0)
				goto out;
		for (size_t k = 0; k < t->roads.n && word_in(np->street_categories, t->category); k++) {
			if (t->number[k] < 0)
				continue;
			doors = xgrow(doors, &cap, ndoors + 1, sizeof(*doors));
			doors[ndoors].road = t->roads.v[k];
			doors[ndoors++].number = t->number[k];
		}
	}
	if (ndoors)
		qsort(doors, ndoors, sizeof(*doors), door_cmp);
	if (doors_reports(w, np, doors, ndoors, ids, err) < 0)
		goto out;
	warn_ids_sort(ids);
	rc = 0;
out:
	free(doors);
	return rc;
}

/* A report of the window: its occurrence day, whether it is recent and
 * whether it has both coordinates. */
struct day_id {
	int64_t id;
	char occ[48];           /* ten characters of UTF-8 at most */
	int tonight, geo;
};

/* By occurrence day, then id: the order the crimes are compared in. */
static int day_id_cmp(const void *a, const void *b)
{
	const struct day_id *x = a, *y = b;
	int r = strcmp(x->occ, y->occ);

	return r ? r : (x->id > y->id) - (x->id < y->id);
}

static int crime_cmp(const void *a, const void *b)
{
	const struct crime *x = a, *y = b;
	int r = strcmp(x->occ_text, y->occ_text);

	return r ? r : (x->id > y->id) - (x->id < y->id);
}

/* Add the rows of st (bound: report_id, occ_day, recent, geo) to *v. */
static int day_ids_read(sqlite3_stmt *st, struct day_id **v, size_t *n, size_t *cap,
			struct err *err)
{
	int r;

	while ((r = db_step(st, err)) == 1) {
		*v = xgrow(*v, cap, *n + 1, sizeof(**v));
		(*v)[*n].id = sqlite3_column_int64(st, 0);
		warn_column_copy((*v)[*n].occ, sizeof((*v)[*n].occ), st, 1);
		(*v)[*n].tonight = sqlite3_column_int(st, 2);
		(*v)[(*n)++].geo = sqlite3_column_int(st, 3);
	}
	return r;
}

/* The statements that make a crime of a report of the window. */
struct crime_read {
	sqlite3_stmt *coords, *cats;
	const char *list;       /* near_repeat.categories, warn_list's form */
};

/*
 * Append the crime of report d to *out, with its coordinates (read only
 * when it has both) and category, and the places of a recent one.  A
 * report that is not a crime (no category of the list), or whose
 * coordinates cannot be read, is not added.
 */
static int crime_add(struct warn_ctx *w, struct crime_read *cr, const struct day_id *d,
		     struct crime **out, size_t *n, size_t *cap, struct err *err)
{
	struct crime c = { 0 };
	int r;

	c.id = d->id;
	snprintf(c.occ_text, sizeof(c.occ_text), "%s", d->occ);
	c.occ = day_number(d->occ);
	c.tonight = d->tonight;
	c.lat = c.lon = NAN;
	if (d->geo) {
		if (db_bind(cr->coords, err, "I", d->id) < 0 || (r = db_step(cr->coords, err)) < 0)
			return -1;
		if (r == 1) {
			c.lat = sqlite3_column_type(cr->coords, 0) == SQLITE_NULL ? NAN :
				sqlite3_column_double(cr->coords, 0);
			c.lon = sqlite3_column_type(cr->coords, 1) == SQLITE_NULL ? NAN :
				sqlite3_column_double(cr->coords, 1);
		}
		sqlite3_reset(cr->coords);
		if (r == 0)
			return 0;
	}
	r = crime_category(cr->cats, cr->list, &c, err);
	if (r == 1 && (!c.tonight || crime_places(w, &c, err) == 0)) {
		*out = xgrow(*out, cap, *n + 1, sizeof(**out));
		(*out)[(*n)++] = c;
		return 0;
	}
	free(c.category);
	warn_strs_release(&c.places);
	warn_strs_release(&c.roads);
	free(c.number);
	return r < 0 || r == 1 ? -1 : 0;
}

/*
 * Add the earlier crimes of the window (days [from, recent)) among ids
 * (sorted, repeats allowed) that are not in v (sorted by id), each row
 * looked up by id.
 */
static int crimes_among(struct warn_ctx *w, struct crime_read *cr, const struct warn_ids *ids,
			const struct warn_ids *v, const char *from, const char *recent,
			struct crime **out, size_t *n, size_t *cap, struct err *err)
{
	sqlite3_stmt *row = NULL;
	int r = 0;

	if (db_prepare(w->db, &row, "SELECT report_id, occ_day, 0, geo, day FROM warn_report"
		       " WHERE report_id = ?", err) < 0)
		return -1;
	for (size_t i = 0; r == 0 && i < ids->n; i++) {
		struct day_id d;

		if ((i && ids->v[i] == ids->v[i - 1]) || warn_ids_has(v, ids->v[i]))
			continue;
		if ((r = warn_window_row(row, ids->v[i], 4, from, recent, err)) <= 0)
			continue;
		d.id = ids->v[i];
		warn_column_copy(d.occ, sizeof(d.occ), row, 1);
		d.tonight = 0;
		d.geo = sqlite3_column_int(row, 3);
		sqlite3_reset(row);
		r = crime_add(w, cr, &d, out, n, cap, err);
	}
	db_finalize(row);
	return r;
}

/*
 * The crimes that can match, in occurrence order, with the places of
 * tonight's and of the earlier ones that may share a building or a
 * street with one of them.  An earlier crime that shares neither and
 * has no coordinates cannot match, so a night reads the reports of the
 * recent days, those of its window with coordinates (warn_report_geo)
 * and those that name tonight's buildings and doors, not every crime
 * of the window (on 1,000,000 reports, 24,000 report rows read for the
 * coordinates none had).
 */
static int load_crimes(struct warn_ctx *w, const struct nr_params *np, struct crime **out,
		       size_t *n, struct err *err)
{
	sqlite3_stmt *st = NULL;
	struct crime_read cr = { NULL, NULL, NULL };
	char from[11], recent[11], *cats = warn_list(w, WARN_NEAR_REPEAT, "categories");
	long span = (long)fmax(fmax(warn_param(w, WARN_NEAR_REPEAT, "building_days", 14),
				    warn_param(w, WARN_NEAR_REPEAT, "street_days", 7)),
			       warn_param(w, WARN_NEAR_REPEAT, "distance_days", 7));
	struct warn_ids ids = { 0 }, near = { 0 }, have = { 0 };
	struct day_id *v = NULL;
	size_t cap = 0, nv = 0, cap_v = 0, kept = 0, before;
	int64_t lo = 1, hi = 0;
	int rc = -1;

	warn_recent(w, WARN_NEAR_REPEAT, recent);
	day_add(recent, -span, from);
	if (warn_reports_from(w, from, err) < 0)
		goto out;
	/*
	 * The recent days and the earlier reports with coordinates from the
	 * indexes on day, kept when the report has one of the categories
	 * (warn_category_reports: not a look-up per report, and only of the
	 * ids they span, not the whole history's 216,000 crimes).
	 */
	if (db_prepare(w->db, &st, "SELECT report_id, occ_day, 1, geo FROM warn_report"
		       " WHERE day BETWEEN ?1 AND ?2", err) < 0 ||
	    db_bind(st, err, "ss", recent, w->night) < 0 ||
	    day_ids_read(st, &v, &nv, &cap_v, err) < 0)
		goto out;
	db_finalize(st);
	if (db_prepare(w->db, &st, "SELECT report_id, occ_day, 0, 1 FROM warn_report"
		       " WHERE geo = 1 AND day >= ?1 AND day < ?2", err) < 0 ||
	    db_bind(st, err, "ss", from, recent) < 0 ||
	    day_ids_read(st, &v, &nv, &cap_v, err) < 0)
		goto out;
	db_finalize(st);
	st = NULL;
	for (size_t i = 0; i < nv; i++) {
		lo = i == 0 || v[i].id < lo ? v[i].id : lo;
		hi = i == 0 || v[i].id > hi ? v[i].id : hi;
	}
	if (warn_category_reports(w, cats, lo, hi, &ids, err) < 0)
		goto out;
	for (size_t i = 0; i < nv; i++)
		if (warn_ids_has(&ids, v[i].id)) {
			v[kept++] = v[i];
			have.v = xgrow(have.v, &have.cap, have.n + 1, sizeof(*have.v));
			have.v[have.n++] = v[i].id;
		}
	nv = kept;
	warn_ids_sort(&have);
	if (nv)
		qsort(v, nv, sizeof(*v), day_id_cmp);
	cr.list = cats;
	if (db_prepare(w->db, &cr.coords, "SELECT lat, lon FROM report WHERE id = ?", err) < 0 ||
	    db_prepare(w->db, &cr.cats, "SELECT category, is_primary FROM report_category"
		       " WHERE report_id = ?", err) < 0)
		goto out;
	for (size_t i = 0; i < nv; i++)
		if (crime_add(w, &cr, &v[i], out, n, &cap, err) < 0)
			goto out;
	before = *n;
	if (tonight_neighbours(w, np, *out, *n, &near, err) < 0 ||
	    crimes_among(w, &cr, &near, &have, from, recent, out, n, &cap, err) < 0)
		goto out;
	if (*n > before)
		qsort(*out, *n, sizeof(**out), crime_cmp);
	for (size_t i = 0; i < *n; i++)
		if (!(*out)[i].tonight && warn_ids_has(&near, (*out)[i].id) &&
		    crime_places(w, &(*out)[i], err) < 0)
			goto out;
	rc = 0;
out:
	db_finalize(st);
	db_finalize(cr.coords);
	db_finalize(cr.cats);
	free(ids.v);
	free(near.v);
	free(have.v);
	free(v);
	free(cats);
	return rc;
}

/* The match of an earlier crime e with tonight's t, or -1; *subject borrowed. */
static int nr_match(const struct nr_params *np, const struct crime *t, const struct crime *e,
		    const char **subject)
{
	long gap = t->occ - e->occ;

	if (gap < 0 || e->occ < 0)
		return -1;
	/* A burglary follows a burglary; a pickpocket's theft is no sign of one. */
	if (np->same_category && strcmp(t->category, e->category))
		return -1;
	for (size_t i = 0; gap <= np->building_days && i < t->places.n; i++)
		if (is_building(np, t->places.v[i]) && warn_strs_has(&e->places, t->places.v[i])) {
			*subject = t->places.v[i];
			return NR_BUILDING;
		}
	for (size_t i = 0; gap <= np->street_days && i < t->roads.n &&
	     word_in(np->street_categories, t->category); i++)
		for (size_t j = 0; j < e->roads.n; j++)
			if (t->number[i] >= 0 && e->number[j] >= 0 &&
			    labs(t->number[i] - e->number[j]) <= np->street_numbers &&
			    !strcmp(t->roads.v[i], e->roads.v[j])) {
				*subject = t->roads.v[i];
				return NR_STREET;
			}
	if (!isnan(t->lat) && !isnan(e->lat) && !isnan(t->lon) && !isnan(e->lon) &&
	    gap <= np->distance_days &&
	    metres(t->lat, t->lon, e->lat, e->lon) <= np->distance_m && t->places.n) {
		*subject = t->places.v[0];
		return NR_DISTANCE;
	}
	return -1;
}

static void nr_raise(struct warn_ctx *w, const struct nr_group *g)
{
	struct warn_cand *c = warn_cand_add(w, WARN_NEAR_REPEAT);
	const char *cat = warn_category_name(w, g->category);
	char skey[64], last[11], dkey[64], tonight[32] = "";
	size_t earlier = g->earlier_ids.n;
	int days;
	char *place = warn_display(w, g->subject);
	cJSON *data = cJSON_CreateObject();
	static const char *const where[] = { "同一地点", "同一道路", "附近" };

	snprintf(skey, sizeof(skey), "severity.%s", level_names[g->level]);
	snprintf(dkey, sizeof(dkey), "%s_days", g->level == NR_BUILDING ? "building" :
		 g->level == NR_STREET ? "street" : "distance");
	days = (int)warn_param(w, WARN_NEAR_REPEAT, dkey, 7);
	c->severity = warn_severity(fmin(warn_param(w, WARN_NEAR_REPEAT, skey, 55) +
					 warn_param(w, WARN_NEAR_REPEAT, "severity_per_report", 5) *
					 ((double)earlier - 1),
					 warn_param(w, WARN_NEAR_REPEAT, "severity_max", 85)));
	/* A longer chain first, when the kind's cap holds some back: three
	 * burglaries in one building and next door say more than a second
	 * theft at a busy address, however each level is weighed. */
	c->priority = (int)(earlier + g->tonight_ids.n);
	warn_cand_subject(c, (const char *const *)&g->subject, 1);
	warn_cand_entity(c, g->subject);
	for (size_t i = 0; i < g->tonight_ids.n; i++)
		warn_cand_report(c, strtoll(g->tonight_ids.v[i], NULL, 10));
	for (size_t i = 0; i < earlier; i++)
		warn_cand_report(c, strtoll(g->earlier_ids.v[i], NULL, 10));
	day_string(g->last_earlier, last);
	/* More than one tonight is said so: "第6起" is three earlier and three tonight. */
	if (g->tonight_ids.n > 1)
		snprintf(tonight, sizeof(tonight), "%zu起", g->tonight_ids.n);
	cJSON_AddStringToObject(data, "level", level_names[g->level]);
	cJSON_AddNumberToObject(data, "earlier", (double)earlier);
	cJSON_AddStringToObject(data, "category", g->category);
	warn_cand_text(c,
		xasprintf("%s 近重复%s：%d天内%s第%zu起", place, cat, days,
			  where[g->level], earlier + g->tonight_ids.n),
		xasprintf("%s，%s发生%s%s；此前%d天内，%s已发生%zu起（最近一次%s）%s。"
			  "刚被侵害的地点及其周边在短期内再次发案的风险明显升高（近重复现象），"
			  "建议在该处及周边加强巡逻守候，提醒住户和商户加强防范。",
			  w->night, place, cat, tonight, days,
			  g->level == NR_DISTANCE ? "附近" : where[g->level], earlier, last,
			  g->level == NR_DISTANCE ? "，相距不远" : ""),
		cJSON_PrintUnformatted(data));
	cJSON_Delete(data);
	free(place);
}

/*
 * The crimes that can match: those sharing a place, a road or (with
 * coordinates) a grid cell of about distance_m with a crime.  Matching
 * every crime of tonight with every one of the window is quadratic: a
 * large district has tens of thousands of each.
 */
struct nr_list {
	char *key;
	size_t *v, n, cap;
};

struct nr_index {
	struct nr_list *slot;   /* open addressing by key; key NULL is empty */
	size_t cap, n;
	double cell;            /* grid cell in degrees of latitude */
};

static size_t nr_hash(const char *s)
{
	size_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct nr_list *nr_find(struct nr_index *x, const char *key, int add)
{
	size_t i;

	if (add && 2 * (x->n + 1) > x->cap) {
		struct nr_index old = *x;

		x->cap = x->cap ? 2 * x->cap : 1024;
		x->slot = xcalloc(x->cap, sizeof(*x->slot));
		for (size_t k = 0; k < old.cap; k++)
			if (old.slot[k].key) {
				for (i = nr_hash(old.slot[k].key) & (x->cap - 1); x->slot[i].key;
				     i = (i + 1) & (x->cap - 1))
					;
				x->slot[i] = old.slot[k];
			}
		free(old.slot);
	}
	if (!x->cap)
		return NULL;
	for (i = nr_hash(key) & (x->cap - 1); x->slot[i].key && strcmp(x->slot[i].key, key);
	     i = (i + 1) & (x->cap - 1))
		;
	if (!x->slot[i].key) {
		if (!add)
			return NULL;
		x->slot[i].key = xstrdup(key);
		x->n++;
	}
	return &x->slot[i];
}

/* The grid cell key of a point, dx and dy cells away; longitude cells are
 * twice as wide, enough up to 60 degrees of latitude. */
static void nr_cell(const struct nr_index *x, const struct crime *c, int dx, int dy,
		    char out[64])
{
	snprintf(out, 64, "g:%ld,%ld", (long)floor(c->lat / x->cell) + dy,
		 (long)floor(c->lon / (2 * x->cell)) + dx);
}

static int nr_has_point(const struct crime *c)
{
	return !isnan(c->lat) && !isnan(c->lon) && fabs(c->lat) <= 60;
}

static void nr_index_build(struct nr_index *x, const struct crime *cr, size_t n,
			   const struct nr_params *np)
{
	char key[64];

	x->cell = np->distance_m / 111195.0;
	for (size_t i = 0; i < n; i++) {
		struct nr_list *l;

		for (size_t k = 0; k < cr[i].places.n + cr[i].roads.n; k++) {
			const char *v = k < cr[i].places.n ? cr[i].places.v[k]
							   : cr[i].roads.v[k - cr[i].places.n];
			char *pk = xasprintf("%c:%s", k < cr[i].places.n ? 'p' : 'r', v);

			l = nr_find(x, pk, 1);
			free(pk);
			if (l->n && l->v[l->n - 1] == i)
				continue;
			l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
			l->v[l->n++] = i;
		}
		if (!nr_has_point(&cr[i]) && (isnan(cr[i].lat) || isnan(cr[i].lon)))
			continue;
		if (nr_has_point(&cr[i]))
			nr_cell(x, &cr[i], 0, 0, key);
		else
			snprintf(key, sizeof(key), "g:far");
		l = nr_find(x, key, 1);
		l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
		l->v[l->n++] = i;
	}
}

static void nr_index_release(struct nr_index *x)
{
	for (size_t i = 0; i < x->cap; i++) {
		free(x->slot[i].key);
		free(x->slot[i].v);
	}
	free(x->slot);
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/* The crimes that may match crime i, ascending, into *out (n in *n). */
static void nr_candidates(struct nr_index *x, const struct crime *cr, size_t i, size_t *mark,
			  size_t **out, size_t *n, size_t *cap)
{
	const struct crime *c = &cr[i];
	char key[64];

	*n = 0;
	for (size_t k = 0; k < c->places.n + c->roads.n + 10; k++) {
		struct nr_list *l;

		if (k < c->places.n + c->roads.n) {
			const char *v = k < c->places.n ? c->places.v[k] : c->roads.v[k - c->places.n];
			char *pk = xasprintf("%c:%s", k < c->places.n ? 'p' : 'r', v);

			l = nr_find(x, pk, 0);
			free(pk);
		} else if (k - c->places.n - c->roads.n < 9 && nr_has_point(c)) {
			size_t d = k - c->places.n - c->roads.n;

			nr_cell(x, c, (int)(d % 3) - 1, (int)(d / 3) - 1, key);
			l = nr_find(x, key, 0);
		} else if (k - c->places.n - c->roads.n == 9 && !isnan(c->lat) && !isnan(c->lon)) {
			l = nr_find(x, "g:far", 0);
			/* Far north (or south) every crime with a point is a candidate. */
			for (size_t j = 0; !nr_has_point(c) && j < i; j++)
				if (mark[j] != i + 1 && !isnan(cr[j].lat) && !isnan(cr[j].lon)) {
					mark[j] = i + 1;
					*out = xgrow(*out, cap, *n + 1, sizeof(**out));
					(*out)[(*n)++] = j;
				}
		} else {
			continue;
		}
		for (size_t j = 0; l && j < l->n; j++)
			if (mark[l->v[j]] != i + 1) {
				mark[l->v[j]] = i + 1;
				*out = xgrow(*out, cap, *n + 1, sizeof(**out));
				(*out)[(*n)++] = l->v[j];
			}
	}
	if (*n)
		qsort(*out, *n, sizeof(**out), size_cmp);
}

int warn_near_repeat(struct warn_ctx *w, struct err *err)
{
	struct nr_index x = { 0 }, gx = { 0 };   /* gx: a subject's group, by subject */
	size_t *mark = NULL, *cand = NULL, n_cand = 0, cap_cand = 0;
	struct crime *cr = NULL;
	struct nr_group *g = NULL;
	size_t n = 0, ng = 0, capg = 0;
	int rc = -1;
	struct nr_params np = {
		warn_param(w, WARN_NEAR_REPEAT, "building_days", 14),
		warn_param(w, WARN_NEAR_REPEAT, "street_days", 7),
		warn_param(w, WARN_NEAR_REPEAT, "street_numbers", 6),
		warn_param(w, WARN_NEAR_REPEAT, "distance_days", 7),
		warn_param(w, WARN_NEAR_REPEAT, "distance_m", 200),
		warn_param(w, WARN_NEAR_REPEAT, "same_category", 1) != 0,
		{ 0 },
		warn_list(w, WARN_NEAR_REPEAT, "street_categories"),
	};
	char *suffixes = warn_list(w, WARN_NEAR_REPEAT, "building_suffixes"), *save = NULL;

	for (char *p = strtok_r(suffixes, " ", &save); p; p = strtok_r(NULL, " ", &save))
		warn_strs_add(&np.suffixes, p);
	free(suffixes);

	if (load_crimes(w, &np, &cr, &n, err) < 0)
		goto out;
	nr_index_build(&x, cr, n, &np);
	mark = xcalloc(n ? n : 1, sizeof(*mark));
	for (size_t i = 0; i < n; i++) {
		if (!cr[i].tonight)
			continue;
		nr_candidates(&x, cr, i, mark, &cand, &n_cand, &cap_cand);
		for (size_t c = 0; c < n_cand; c++) {
			size_t j = cand[c];
			const char *subject = NULL;
			char id[32];
			int level;
			size_t k;

			/* An earlier crime: before it, or the same day with a smaller id. */
			if (j == i || cr[j].occ > cr[i].occ ||
			    (cr[j].occ == cr[i].occ && cr[j].id > cr[i].id))
				continue;
			level = nr_match(&np, &cr[i], &cr[j], &subject);
			if (level < 0)
				continue;
			{
				/* A large district has thousands of groups: found by hash. */
				struct nr_list *l = nr_find(&gx, subject, 1);

				if (!l->n) {
					l->v = xgrow(l->v, &l->cap, 1, sizeof(*l->v));
					l->v[l->n++] = ng;
				}
				k = l->v[0];
			}
			if (k == ng) {
				g = xgrow(g, &capg, ng + 1, sizeof(*g));
				memset(&g[ng], 0, sizeof(*g));
				g[ng].subject = xstrdup(subject);
				g[ng].level = (enum nr_level)level;
				g[ng].category = cr[i].category;
				ng++;
			}
			snprintf(id, sizeof(id), "%lld", (long long)cr[i].id);
			warn_strs_add(&g[k].tonight_ids, id);
			snprintf(id, sizeof(id), "%lld", (long long)cr[j].id);
			warn_strs_add(&g[k].earlier_ids, id);
			if (cr[j].occ > g[k].last_earlier)
				g[k].last_earlier = cr[j].occ;
		}
	}
	for (size_t k = 0; k < ng; k++) {
		/* A report of tonight that was also an "earlier" one is tonight's. */
		struct warn_strs only = { 0 };

		for (size_t i = 0; i < g[k].earlier_ids.n; i++)
			if (!warn_strs_has(&g[k].tonight_ids, g[k].earlier_ids.v[i]))
				warn_strs_add(&only, g[k].earlier_ids.v[i]);
		warn_strs_release(&g[k].earlier_ids);
		g[k].earlier_ids = only;
		if (g[k].earlier_ids.n)
			nr_raise(w, &g[k]);
	}
	rc = 0;
out:
	nr_index_release(&x);
	nr_index_release(&gx);
	free(mark);
	free(cand);
	for (size_t k = 0; k < ng; k++) {
		free(g[k].subject);
		warn_strs_release(&g[k].tonight_ids);
		warn_strs_release(&g[k].earlier_ids);
	}
	free(g);
	for (size_t i = 0; i < n; i++) {
		free(cr[i].category);
		warn_strs_release(&cr[i].places);
		warn_strs_release(&cr[i].roads);
		free(cr[i].number);
	}
	free(cr);
	warn_strs_release(&np.suffixes);
	free(np.street_categories);
	return rc;
}
