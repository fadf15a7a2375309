/*
 * companion: everything is sorting.  Register rows become events
 * (venue, time, person); a person's occasions at a venue are its
 * distinct hotel nights, or its café visits with gaps longer than the
 * window.  Only persons with at least k occasions in all can have a
 * companion with k, so pairs are formed among those alone, which keeps
 * a busy café from producing millions of pairs.
 *
 * The chance model: if A and B used venue v independently, A on n_A of
 * its S_v active slots (nights, or window-long slots for a café) and B
 * on n_B, they meet there by chance n_A * n_B / S_v times on average;
 * summed over the venues both used, the count is about Poisson, and
 * chance = P(X >= occasions).  A venue busy every night has a large S_v
 * but its regulars have large n too, so being seen together there means
 * less than at a quiet place.
 */
#include "graph/companion.h"
#include "common/day.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

enum { HOTEL = 0, NETCAFE = 1 };

struct ev {
	int32_t person;         /* vertex */
	int32_t venue;
	int kind;
	int64_t t;              /* minutes */
	int64_t report;
};

struct co {                     /* one co-occurrence of two persons */
	int32_t a, b;           /* vertices, a < b */
	int32_t venue;
	int kind;
	int64_t occ;            /* hotel night (days) or café minute */
	int64_t ra, rb;
	int64_t ta, tb;
};

struct pv {                     /* occasions of one person at one venue */
	int kind;
	int32_t venue, person;
	long n;
};

struct venues {
	char **name;
	size_t n, cap;
	int32_t *slot;          /* open-addressing table of indexes + 1 */
	size_t nslot;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int32_t venue_id(struct venues *vs, const char *name)
{
	size_t i;

	if (2 * (vs->n + 1) > vs->nslot) {
		size_t ns = vs->nslot ? 2 * vs->nslot : 1024;

		free(vs->slot);
		vs->slot = xcalloc(ns, sizeof(*vs->slot));
		vs->nslot = ns;
		for (size_t k = 0; k < vs->n; k++) {
			for (i = hash(vs->name[k]) & (ns - 1); vs->slot[i]; i = (i + 1) & (ns - 1))
				;
			vs->slot[i] = (int32_t)k + 1;
		}
	}
	for (i = hash(name) & (vs->nslot - 1); vs->slot[i]; i = (i + 1) & (vs->nslot - 1))
		if (!strcmp(vs->name[vs->slot[i] - 1], name))
			return vs->slot[i] - 1;
	vs->name = xgrow(vs->name, &vs->cap, vs->n + 1, sizeof(*vs->name));
	vs->name[vs->n] = xstrdup(name);
	vs->slot[i] = (int32_t)++vs->n;
	return (int32_t)vs->n - 1;
}

static void venues_release(struct venues *vs)
{
	for (size_t i = 0; i < vs->n; i++)
		free(vs->name[i]);
	free(vs->name);
	free(vs->slot);
}

double gcompanion_poisson_tail(double lambda, long k)
{
	double sum = 0;

	if (k <= 0)
		return 1;
	if (lambda <= 0)
		return 0;
	if (lambda < k) {
		/* Sum the upper tail directly: it is small and 1 - lower would lose it. */
		for (long i = k; i < k + 1000; i++) {
			double term = exp(-lambda + i * log(lambda) - lgamma((double)i + 1));

			sum += term;
			if (term < sum * 1e-12)
				break;
		}
		return sum > 1 ? 1 : sum;
	}
	for (long i = 0; i < k; i++)
		sum += exp(-lambda + i * log(lambda) - lgamma((double)i + 1));
	return sum > 1 ? 0 : 1 - sum;
}

/* The register rows by kind, through its index (they are a small part of the reports). */
int gcompanion_read(struct gregisters *rows, struct db *db, const struct graph_conf *conf,
		    const char *night, struct err *err)
{
	sqlite3_stmt *st = NULL;
	char *both = xasprintf("%s %s", conf->hotel_kinds, conf->netcafe_kinds);
	char *kinds = graph_conf_json_list(both);
	char next[11];
	int rc;

	day_string(day_of(night) + 1, next);
	memset(rows, 0, sizeof(*rows));
	rc = db_prepare(db, &st,
		"SELECT r.id, r.kind, "
		"       coalesce(nullif(CASE WHEN json_valid(r.fields) "
		"                THEN json_extract(r.fields, '$.venue') END, ''), nullif(r.place, '')), "
		"       coalesce(r.occurred_at, r.received_at) "
		"FROM report r WHERE r.kind IN (SELECT value FROM json_each(?1)) "
		"  AND (r.received_at IS NULL OR r.received_at < ?2) "
		"ORDER BY r.id", err);
	if (rc == 0)
		rc = db_bind(st, err, "ss", kinds, next);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		const char *venue = (const char *)sqlite3_column_text(st, 2);
		int64_t t = day_minutes(db_text(st, 3));
		struct gregister *g;

		rc = 0;
		if (!venue || t < 0)
			continue;
		rows->v = xgrow(rows->v, &rows->cap, (size_t)rows->n + 1, sizeof(*rows->v));
		g = &rows->v[rows->n++];
		g->report = sqlite3_column_int64(st, 0);
		g->t = t;
		g->venue = rows->text.len;
		g->netcafe = graph_conf_in(conf->netcafe_kinds, db_text(st, 1));
		sbuf_add(&rows->text, venue, strlen(venue) + 1);
	}
	db_finalize(st);
	free(both);
	free(kinds);
	return rc < 0 ? -1 : 0;
}

void gcompanion_rows_release(struct gregisters *rows)
{
	free(rows->v);
	sbuf_release(&rows->text);
	memset(rows, 0, sizeof(*rows));
}

/*
 * The events: the persons each register row names, from the mentions
 * the stage read (mn, in report order, as the rows come): an event per
 * mention row, as a query per report gave them (232,000 queries on
 * 1,000,000 reports).  A person is told by its vertex's type, not by a
 * lookup in the entity table for each mention.
 */
static void load_events(const struct gregisters *rows, struct gmodel *gm,
			const struct gmentions *mn, struct venues *vs, struct ev **out, long *n)
{
	int person = gmodel_type_index(gm, "person");
	size_t cap = 0;
	long at = 0;

	*out = NULL;
	*n = 0;
	for (long i = 0; person >= 0 && i < rows->n; i++) {
		const struct gregister *g = &rows->v[i];
		int32_t vid = -1;

		while (at < mn->n && mn->rid[at] < g->report)
			at++;
		for (; at < mn->n && mn->rid[at] == g->report; at++) {
			int32_t v = mn->v[at];

			if (gm->type[v] != person || gm->hub[v])
				continue;
			if (vid < 0)
				vid = venue_id(vs, rows->text.buf + g->venue);
			for (int k = 0; k < mn->rows[at]; k++) {
				*out = xgrow(*out, &cap, (size_t)*n + 1, sizeof(**out));
				(*out)[*n].report = g->report;
				(*out)[*n].kind = g->netcafe ? NETCAFE : HOTEL;
				(*out)[*n].venue = vid;
				(*out)[*n].t = g->t;
				(*out)[*n].person = v;
				(*n)++;
			}
		}
	}
}

/* The slot an event falls in: a hotel night or a café window. */
static int64_t slot_of(const struct ev *e, const struct graph_conf *conf)
{
	int64_t w = conf->netcafe_window_minutes > 0 ? conf->netcafe_window_minutes : 1;

	if (e->kind == HOTEL) {
		int64_t t = e->t - conf->hotel_night_hour * 60;

		return t >= 0 ? t / 1440 : (t - 1439) / 1440;
	}
	return e->t / w;
}

static int cmp_venue_person(const void *pa, const void *pb)
{
	const struct ev *a = pa, *b = pb;

	if (a->kind != b->kind)
		return a->kind - b->kind;
	if (a->venue != b->venue)
		return a->venue < b->venue ? -1 : 1;
	if (a->person != b->person)
		return a->person < b->person ? -1 : 1;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return a->report < b->report ? -1 : a->report > b->report;
}

static int cmp_venue_time(const void *pa, const void *pb)
{
	const struct ev *a = pa, *b = pb;

	if (a->kind != b->kind)
		return a->kind - b->kind;
	if (a->venue != b->venue)
		return a->venue < b->venue ? -1 : 1;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->person != b->person)
		return a->person < b->person ? -1 : 1;
	return a->report < b->report ? -1 : a->report > b->report;
}

static int cmp_co(const void *pa, const void *pb)
{
	const struct co *a = pa, *b = pb;

	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	if (a->b != b->b)
		return a->b < b->b ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind - b->kind;
	if (a->venue != b->venue)
		return a->venue < b->venue ? -1 : 1;
	if (a->occ != b->occ)
		return a->occ < b->occ ? -1 : 1;
	return a->ra < b->ra ? -1 : a->ra > b->ra;
}

/*
 * Count occasions in a run of times (sorted) of one kind: distinct slots
 * for a hotel; for a café a new occasion when more than the window has
 * passed since the last one began.
 */
struct occ_counter {
	long n;
	int64_t last;
};

static void occ_add(struct occ_counter *oc, int kind, int64_t x, const struct graph_conf *conf)
{
	if (oc->n == 0 || (kind == HOTEL ? x != oc->last : x - oc->last > conf->netcafe_window_minutes)) {
		oc->n++;
		oc->last = x;
	}
}

/* Person-venue occasions, venue slot counts, and persons with k or more in all. */
static void count_occasions(struct ev *ev, long n, const struct graph_conf *conf, long nv,
			    struct pv **pvs, long *npv, long **slots, size_t nvenue,
			    unsigned char **cand)
{
	long *total = xcalloc(nv + 1, sizeof(long));
	size_t cap = 0;

	*pvs = NULL;
	*npv = 0;
	*slots = xcalloc(2 * nvenue + 1, sizeof(long));
	*cand = xcalloc(nv + 1, 1);
	if (n > 1)
		qsort(ev, n, sizeof(*ev), cmp_venue_person);
	for (long i = 0; i < n;) {
		struct occ_counter oc = { 0, 0 };
		long j = i;

		for (; j < n && ev[j].kind == ev[i].kind && ev[j].venue == ev[i].venue &&
		       ev[j].person == ev[i].person; j++)
			occ_add(&oc, ev[j].kind, ev[j].kind == HOTEL ? slot_of(&ev[j], conf) : ev[j].t, conf);
		*pvs = xgrow(*pvs, &cap, (size_t)*npv + 1, sizeof(**pvs));
		(*pvs)[*npv].kind = ev[i].kind;
		(*pvs)[*npv].venue = ev[i].venue;
		(*pvs)[*npv].person = ev[i].person;
		(*pvs)[*npv].n = oc.n;
		(*npv)++;
		total[ev[i].person] += oc.n;
		i = j;
	}
	for (long v = 0; v < nv; v++)
		(*cand)[v] = total[v] >= conf->companion_min_occasions;
	/* Active slots per venue and kind. */
	if (n > 1)
		qsort(ev, n, sizeof(*ev), cmp_venue_time);
	for (long i = 0; i < n; i++) {
		int64_t s = slot_of(&ev[i], conf);

		if (i == 0 || ev[i - 1].kind != ev[i].kind || ev[i - 1].venue != ev[i].venue ||
		    slot_of(&ev[i - 1], conf) != s)
			(*slots)[2 * ev[i].venue + ev[i].kind]++;
	}
	free(total);
}

static void add_co(struct co **cos, size_t *cap, long *nco, const struct ev *x, const struct ev *y,
		   int64_t occ)
{
	const struct ev *a = x->person < y->person ? x : y, *b = x->person < y->person ? y : x;
	struct co *c;

	*cos = xgrow(*cos, cap, (size_t)*nco + 1, sizeof(**cos));
	c = &(*cos)[(*nco)++];
	c->a = a->person;
	c->b = b->person;
	c->venue = a->venue;
	c->kind = a->kind;
	c->occ = occ;
	c->ra = a->report;
	c->rb = b->report;
	c->ta = a->t;
	c->tb = b->t;
}

/* Co-occurrences of candidate persons; ev is sorted by venue and time. */
static void pair_up(const struct ev *ev, long n, const unsigned char *cand,
		    const struct graph_conf *conf, struct co **cos, long *nco)
{
	size_t cap = 0;

	*cos = NULL;
	*nco = 0;
	for (long i = 0; i < n;) {
		long j = i;

		/* A group: one venue, one hotel night or a café stretch with no gap over the window. */
		if (ev[i].kind == HOTEL) {
			while (j < n && ev[j].kind == HOTEL && ev[j].venue == ev[i].venue &&
			       slot_of(&ev[j], conf) == slot_of(&ev[i], conf))
				j++;
		} else {
			j = i + 1;
			while (j < n && ev[j].kind == NETCAFE && ev[j].venue == ev[i].venue &&
			       ev[j].t - ev[j - 1].t <= conf->netcafe_window_minutes)
				j++;
		}
		if (j - i <= conf->companion_max_crowd || ev[i].kind == NETCAFE) {
			for (long x = i; x < j; x++) {
				if (!cand[ev[x].person])
					continue;
				for (long y = x + 1; y < j; y++) {
					if (ev[i].kind == NETCAFE &&
					    ev[y].t - ev[x].t > conf->netcafe_window_minutes)
						break;
					if (!cand[ev[y].person] || ev[y].person == ev[x].person)
						continue;
					if (ev[i].kind == NETCAFE && y - x > conf->companion_max_crowd)
						break;
					add_co(cos, &cap, nco, &ev[x], &ev[y],
					       ev[i].kind == HOTEL ? slot_of(&ev[x], conf) : ev[x].t);
				}
			}
		}
		i = j;
	}
	if (*nco > 1)
		qsort(*cos, *nco, sizeof(**cos), cmp_co);
}

static long pv_find(const struct pv *pvs, long npv, int kind, int32_t venue, int32_t person)
{
	long lo = 0, hi = npv - 1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		const struct pv *p = &pvs[mid];
		int c = p->kind != kind ? (p->kind < kind ? -1 : 1)
			: p->venue != venue ? (p->venue < venue ? -1 : 1)
			: p->person != person ? (p->person < person ? -1 : 1) : 0;

		if (c == 0)
			return p->n;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

/* Add a venue name once (a venue used as hotel and café appears in two runs). */
static void add_venue(struct sbuf *sb, int32_t *seen, int *nseen, const struct venues *vs, int32_t v)
{
	for (int i = 0; i < *nseen; i++)
		if (seen[i] == v)
			return;
	if (*nseen < 64)
		seen[(*nseen)++] = v;
	if (sb->len)
		sbuf_addch(sb, ',');
	sbuf_adds(sb, vs->name[v]);
}

static void minute_iso(int64_t m, char out[32])
{
	char d[11];

	day_string((long)(m / 1440), d);
	snprintf(out, 32, "%sT%02d:%02d:00+08:00", d, (int)(m % 1440 / 60), (int)(m % 60));
}

struct writer {
	struct db *db;
	sqlite3_stmt *ins, *evid;
	const char *night;
};

/* Score the pair in co[i..j) and write it when it has enough occasions. */
static int pair_finish(struct writer *w, struct gmodel *gm, const struct graph_conf *conf,
		       const struct co *co, long i, long j, const struct pv *pvs, long npv,
		       const long *slots, const struct venues *vs, long *count, struct err *err)
{
	struct sbuf venues = SBUF_INIT;
	long occasions = 0;
	double lambda = 0;
	int kinds = 0, rc = 0;
	int64_t first = INT64_MAX, last = INT64_MIN, id;
	int32_t seen[64];
	int nseen = 0;
	char t1[32], t2[32];

	for (long k = i; k < j;) {
		struct occ_counter oc = { 0, 0 };
		long l = k;

		for (; l < j && co[l].kind == co[k].kind && co[l].venue == co[k].venue; l++) {
			int64_t lo = co[l].ta < co[l].tb ? co[l].ta : co[l].tb;
			int64_t hi = co[l].ta < co[l].tb ? co[l].tb : co[l].ta;

			occ_add(&oc, co[l].kind, co[l].occ, conf);
			first = lo < first ? lo : first;
			last = hi > last ? hi : last;
		}
		occasions += oc.n;
		kinds |= 1 << co[k].kind;
		if (slots[2 * co[k].venue + co[k].kind] > 0)
			lambda += (double)pv_find(pvs, npv, co[k].kind, co[k].venue, co[k].a) *
				  pv_find(pvs, npv, co[k].kind, co[k].venue, co[k].b) /
				  slots[2 * co[k].venue + co[k].kind];
		add_venue(&venues, seen, &nseen, vs, co[k].venue);
		k = l;
	}
	if (occasions < conf->companion_min_occasions)
		goto out;
	minute_iso(first, t1);
	minute_iso(last, t2);
	if (db_bind(w->ins, err, "IIsiddssss", gm->eid[co[i].a], gm->eid[co[i].b], w->night,
		    (int)occasions, lambda, gcompanion_poisson_tail(lambda, occasions),
		    sbuf_str(&venues), kinds == 3 ? "hotel,netcafe" : kinds == 1 ? "hotel" : "netcafe",
		    t1, t2) < 0 || db_step(w->ins, err) < 0) {
		rc = -1;
		goto out;
	}
	id = db_last_id(w->db);
	for (long k = i; k < j && rc == 0; k++) {
		if (db_bind(w->evid, err, "II", id, co[k].ra) < 0 || db_step(w->evid, err) < 0 ||
		    db_bind(w->evid, err, "II", id, co[k].rb) < 0 || db_step(w->evid, err) < 0)
			rc = -1;
	}
	gmodel_add_edge(gm, co[i].a, co[i].b, conf->companion_weight * occasions);
	(*count)++;
out:
	sbuf_release(&venues);
	return rc;
}

int gcompanion_run(struct db *db, struct gmodel *gm, const struct gmentions *mn,
		   const struct gregisters *rows, const struct graph_conf *conf,
		   const char *night, long *count, struct err *err)
{
	struct venues vs = { 0 };
	struct writer w = { db, NULL, NULL, night };
	struct ev *ev = NULL;
	struct co *co = NULL;
	struct pv *pvs = NULL;
	long nev = 0, nco = 0, npv = 0, *slots = NULL;
	unsigned char *cand = NULL;
	int rc = -1;

	*count = 0;
	if (db_run(db, err, "DELETE FROM companion_evidence", "") < 0 ||
	    db_run(db, err, "DELETE FROM companion", "") < 0)
		goto out;
	load_events(rows, gm, mn, &vs, &ev, &nev);
	count_occasions(ev, nev, conf, gm->nv, &pvs, &npv, &slots, vs.n, &cand);
	pair_up(ev, nev, cand, conf, &co, &nco);
	if (db_prepare(db, &w.ins, "INSERT INTO companion(a, b, night, occasions, expected, chance, "
		       "venues, kinds, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err) < 0 ||
	    db_prepare(db, &w.evid, "INSERT OR IGNORE INTO companion_evidence(companion_id, report_id) "
		       "VALUES (?, ?)", err) < 0)
		goto out;
	for (long i = 0; i < nco;) {
		long j = i;

		while (j < nco && co[j].a == co[i].a && co[j].b == co[i].b)
			j++;
		if (pair_finish(&w, gm, conf, co, i, j, pvs, npv, slots, &vs, count, err) < 0)
			goto out;
		i = j;
	}
	rc = 0;
out:
	if (rc < 0)
		err_prefix(err, "companions");
	db_finalize(w.ins);
	db_finalize(w.evid);
	venues_release(&vs);
	free(ev);
	free(co);
	free(pvs);
	free(slots);
	free(cand);
	return rc;
}
