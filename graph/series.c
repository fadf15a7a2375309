/*
 * series: a bipartite picture inside each scope.  A scope is a whole
 * connected component when it is small (series_scope_max entities or
 * fewer), else a cluster: Leiden only serves to cut the giant component
 * of a large district, and does not split a small crew whose reports are
 * chained through a phone.  The nodes are the scope's joining entities
 * (identifier and person types in a cluster, no hubs) and "report
 * nodes", one per crime report and scope it mentions joining entities
 * of.  A report node touches the joining entities its report mentions;
 * two joining entities touch when a link joins them.  The connected
 * pieces (union-find) holding two or more crime reports on two or more
 * dates are the series; a breadth-first search inside a piece gives the
 * shortest chain between two of its reports.  A place, an organisation
 * or a hub is never a node, so none of them can join two reports.
 * Nor can an entity only ever named as a reporter or victim
 * (series_skip_roles), wherever it is named without a role: a caller who
 * reports two burglaries is not a crew.  Named once as a suspect or
 * party, it joins again, but not through a report that names it only as
 * a reporter or victim: the victim of two thefts who was a party to a
 * fight ties none of the three to another.
 */
#include "graph/series.h"
#include "graph/evid.h"
#include "graph/match.h"
#include "graph/uf.h"
#include "common/day.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * The crime categories of each report come from one scan of
 * report_category in report order, walked along the reports (a
 * correlated query per report cost seconds on a large district).
 */
int gcrimes_load(struct gcrimes *cr, struct db *db, const struct gmentions *mn,
		 const struct graph_conf *conf, const char *night, struct err *err)
{
	sqlite3_stmt *rep = NULL, *cat = NULL;
	char *cats = graph_conf_json_list(conf->crime_categories);
	struct sbuf sb = SBUF_INIT;
	char next[11];
	size_t cap[4] = { 0, 0, 0, 1 }, mcap = 0, scap = 0;
	long nm = 0, at = 0;
	int rc, crc = 0;

	memset(cr, 0, sizeof(*cr));
	day_string(day_of(night) + 1, next);
	rc = db_prepare(db, &rep,
		"SELECT r.id, coalesce(r.occurred_at, r.received_at) "
		"FROM report r WHERE r.id IN (SELECT report_id FROM report_category "
		"  WHERE category IN (SELECT value FROM json_each(?1))) "
		"AND r.near_dup_of IS NULL AND (r.received_at IS NULL OR r.received_at < ?2) "
		"ORDER BY r.id", err);
	if (rc == 0)
		rc = db_bind(rep, err, "ss", cats, next);
	if (rc == 0)
		rc = db_prepare(db, &cat, "SELECT report_id, category FROM report_category "
				"WHERE category IN (SELECT value FROM json_each(?)) "
				"ORDER BY report_id, category", err);
	if (rc == 0)
		rc = db_bind(cat, err, "s", cats);
	if (rc == 0)
		rc = crc = db_step(cat, err);
	if (rc == 1)
		rc = 0;
	cr->moff = xmalloc(sizeof(long));
	cr->moff[0] = 0;
	while (rc == 0 && (rc = db_step(rep, err)) == 1) {
		long i = cr->nr;

		rc = 0;
		cr->rid = xgrow(cr->rid, &cap[0], (size_t)i + 1, sizeof(*cr->rid));
		cr->day = xgrow(cr->day, &cap[1], (size_t)i + 1, sizeof(*cr->day));
		cr->cats = xgrow(cr->cats, &cap[2], (size_t)i + 1, sizeof(*cr->cats));
		cr->moff = xgrow(cr->moff, &cap[3], (size_t)i + 2, sizeof(*cr->moff));
		cr->rid[i] = sqlite3_column_int64(rep, 0);
		cr->day[i] = day_of(db_text(rep, 1));
		/* Its categories, in order, joined by commas. */
		sbuf_reset(&sb);
		while (crc == 1 && sqlite3_column_int64(cat, 0) <= cr->rid[i]) {
			if (sqlite3_column_int64(cat, 0) == cr->rid[i]) {
				if (sb.len)
					sbuf_addch(&sb, ',');
				sbuf_adds(&sb, db_text(cat, 1));
			}
			crc = db_step(cat, err);
		}
		if (crc < 0) {
			rc = -1;
			break;
		}
		cr->cats[i] = xstrdup(sbuf_str(&sb));
		cr->nr++;
		/* Both lists are in report order: walk the mentions along. */
		while (at < mn->n && mn->rid[at] < cr->rid[i])
			at++;
		for (; at < mn->n && mn->rid[at] == cr->rid[i]; at++) {
			if (mn->role_skip[mn->v[at]])
				continue;
			cr->mv = xgrow(cr->mv, &mcap, (size_t)nm + 1, sizeof(*cr->mv));
			cr->mskip = xgrow(cr->mskip, &scap, (size_t)nm + 1, sizeof(*cr->mskip));
			cr->mskip[nm] = mn->skipped_here[at];
			cr->mv[nm++] = mn->v[at];
		}
		cr->moff[i + 1] = nm;
	}
	db_finalize(rep);
	db_finalize(cat);
	sbuf_release(&sb);
	free(cats);
	return rc < 0 ? err_prefix(err, "loading crime reports") : 0;
}

void gcrimes_release(struct gcrimes *cr)
{
	for (long i = 0; i < cr->nr; i++)
		free(cr->cats[i]);
	free(cr->cats);
	free(cr->rid);
	free(cr->day);
	free(cr->moff);
	free(cr->mv);
	free(cr->mskip);
	memset(cr, 0, sizeof(*cr));
}

/* The working state of one run. */
struct ser {
	const struct gcrimes *cr;
	const struct gmodel *gm;
	const struct gcomm *gc;
	const struct graph_conf *conf;
	unsigned char *join;    /* per vertex: may join reports */
	long nrn;               /* report nodes */
	int32_t *rn_rep;        /* its crime report */
	int32_t *rn_scope;      /* its scope */
	int32_t *scope;         /* per vertex: a component (nclu + its number) or a cluster */
	long *inv_off;          /* per vertex: the report nodes touching it */
	int32_t *inv;
	int32_t *uf;            /* union-find over vertices then report nodes */
	int32_t *prev, *stamp, *queue;
	int32_t cur;
};

static int joins(const struct ser *s, int32_t v, int32_t scope)
{
	return s->join[v] && s->scope[v] == scope;
}

/* Whether mention m of a crime report joins the report inside scope. */
static int joins_report(const struct ser *s, long m, int32_t scope)
{
	return !s->cr->mskip[m] && joins(s, s->cr->mv[m], scope);
}

/* An edge both of whose ends join reports inside one cluster. */
static int joint_edge(const struct ser *s, long e)
{
	const struct gedge *g = &s->gm->e[e];

	return gmodel_edge_clustered(s->gm, g) && s->join[g->u] &&
	       joins(s, g->v, s->scope[g->u]);
}

static void build(struct ser *s)
{
	const struct gmodel *gm = s->gm;
	const struct gcrimes *cr = s->cr;
	long nv = gm->nv;
	size_t cap = 0;
	long *fill, *comp_size;
	unsigned char jt[GMODEL_MAX_TYPES];

	for (int t = 0; t < gm->ntypes; t++)
		jt[t] = (unsigned char)graph_conf_in(s->conf->join_types, gm->types[t]);
	s->join = xcalloc(nv + 1, 1);
	for (long v = 0; v < nv; v++)
		s->join[v] = jt[gm->type[v]] && !gm->out[v] && s->gc->clu[v] >= 0;
	comp_size = xcalloc(s->gc->ncomp + 1, sizeof(long));
	for (long v = 0; v < nv; v++)
		comp_size[s->gc->comp[v]]++;
	s->scope = xmalloc((nv + 1) * sizeof(*s->scope));
	for (long v = 0; v < nv; v++) {
		int32_t c = s->gc->comp[v];

		s->scope[v] = c > 0 && comp_size[c] <= s->conf->series_scope_max
			      ? (int32_t)(s->gc->nclu + c) : s->gc->clu[v];
	}
	free(comp_size);

	/* Report nodes: one per crime report and cluster of a joining entity it mentions. */
	for (long i = 0; i < cr->nr; i++) {
		long first = s->nrn;

		for (long k = cr->moff[i]; k < cr->moff[i + 1]; k++) {
			int32_t v = cr->mv[k], c = s->scope[v], dup = 0;

			if (!s->join[v] || cr->mskip[k])
				continue;
			for (long j = first; j < s->nrn; j++)
				dup |= s->rn_scope[j] == c;
			if (dup)
				continue;
			size_t c2 = cap;
			s->rn_rep = xgrow(s->rn_rep, &cap, (size_t)s->nrn + 1, sizeof(*s->rn_rep));
			s->rn_scope = xgrow(s->rn_scope, &c2, (size_t)s->nrn + 1, sizeof(*s->rn_scope));
			s->rn_rep[s->nrn] = (int32_t)i;
			s->rn_scope[s->nrn] = c;
			s->nrn++;
		}
	}

	/* Which report nodes touch each vertex. */
	s->inv_off = xcalloc(nv + 1, sizeof(long));
	for (long k = 0; k < s->nrn; k++) {
		long i = s->rn_rep[k];

		for (long m = cr->moff[i]; m < cr->moff[i + 1]; m++)
			if (joins_report(s, m, s->rn_scope[k]))
				s->inv_off[cr->mv[m] + 1]++;
	}
	for (long v = 0; v < nv; v++)
		s->inv_off[v + 1] += s->inv_off[v];
	s->inv = xmalloc((s->inv_off[nv] + 1) * sizeof(*s->inv));
	fill = xmalloc((nv + 1) * sizeof(*fill));
	memcpy(fill, s->inv_off, nv * sizeof(*fill));
	for (long k = 0; k < s->nrn; k++) {
		long i = s->rn_rep[k];

		for (long m = cr->moff[i]; m < cr->moff[i + 1]; m++)
			if (joins_report(s, m, s->rn_scope[k]))
				s->inv[fill[cr->mv[m]]++] = (int32_t)k;
	}
	free(fill);

	/* The pieces. */
	s->uf = xmalloc((nv + s->nrn + 1) * sizeof(*s->uf));
	for (long x = 0; x < nv + s->nrn; x++)
		s->uf[x] = (int32_t)x;
	for (long e = 0; e < gm->ne; e++)
		if (joint_edge(s, e))
			guf_union(s->uf, gm->e[e].u, gm->e[e].v);
	for (long v = 0; v < nv; v++)
		for (long j = s->inv_off[v]; j < s->inv_off[v + 1]; j++)
			guf_union(s->uf, (int32_t)v, (int32_t)(nv + s->inv[j]));
	s->prev = xmalloc((nv + s->nrn + 1) * sizeof(int32_t));
	s->stamp = xcalloc(nv + s->nrn + 1, sizeof(int32_t));
	s->queue = xmalloc((nv + s->nrn + 1) * sizeof(int32_t));
}

static void ser_release(struct ser *s)
{
	free(s->join);
	free(s->rn_rep);
	free(s->rn_scope);
	free(s->scope);
	free(s->inv_off);
	free(s->inv);
	free(s->uf);
	free(s->prev);
	free(s->stamp);
	free(s->queue);
}

static void visit(struct ser *s, int32_t x, int32_t from, long *tail)
{
	if (s->stamp[x] == s->cur)
		return;
	s->stamp[x] = s->cur;
	s->prev[x] = from;
	s->queue[(*tail)++] = x;
}

/*
 * Shortest chain from report node a to report node b (same piece):
 * fills path (nodes, a first) and returns its length in nodes.
 */
static long chain(struct ser *s, int32_t a, int32_t b, int32_t **path)
{
	const struct gmodel *gm = s->gm;
	long nv = gm->nv, head = 0, tail = 0, n = 0;
	int32_t ra = (int32_t)(nv + a), rb = (int32_t)(nv + b);

	s->cur++;
	visit(s, ra, -1, &tail);
	while (head < tail && s->stamp[rb] != s->cur) {
		int32_t x = s->queue[head++];

		if (x >= nv) {
			long k = x - nv, i = s->rn_rep[k];

			for (long m = s->cr->moff[i]; m < s->cr->moff[i + 1]; m++)
				if (joins_report(s, m, s->rn_scope[k]))
					visit(s, s->cr->mv[m], x, &tail);
			continue;
		}
		for (long j = gm->off[x]; j < gm->off[x + 1]; j++)
			if (joint_edge(s, gm->adj_edge[j]))
				visit(s, gm->adj[j], x, &tail);
		for (long j = s->inv_off[x]; j < s->inv_off[x + 1]; j++)
			visit(s, (int32_t)(nv + s->inv[j]), x, &tail);
	}
	if (s->stamp[rb] != s->cur)
		return 0;
	for (int32_t x = rb; x >= 0; x = s->prev[x])
		n++;
	*path = xmalloc(n * sizeof(**path));
	for (int32_t x = rb, i = (int32_t)n - 1; x >= 0; x = s->prev[x])
		(*path)[i--] = x;
	return n;
}

/*
 * The statements of the write, prepared once: a district has tens of
 * thousands of series, and preparing the key's count and the score's
 * update for each of them was a large part of the step.
 */
struct out {
	struct db *db;
	struct gevid ev;
	sqlite3_stmt *series, *report, *pair, *seen, *first, *key_count, *score;
	const char *night;
};

/* Write the chain between report nodes a and b; returns its strength, -1 on error. */
static double write_pair(struct ser *s, struct out *o, int64_t series_id, int32_t a, int32_t b,
			 struct err *err)
{
	const struct gmodel *gm = s->gm;
	long nv = gm->nv;
	int32_t *path = NULL;
	long n = chain(s, a, b, &path);
	double strength = 1;
	cJSON *arr = cJSON_CreateArray();
	char *text = NULL;
	int rc = 0;

	if (n < 3) {
		/* Cannot happen: a and b are in one piece. */
		free(path);
		cJSON_Delete(arr);
		err_set(err, "internal: no chain between two reports of a series");
		return -1;
	}
	for (long i = 0; i + 1 < n && rc == 0; i++) {
		int32_t x = path[i], y = path[i + 1];
		cJSON *step;

		if (x >= nv)
			step = gevid_mention_step(&o->ev, gm->eid[y], s->cr->rid[s->rn_rep[x - nv]], 1, err);
		else if (y >= nv)
			step = gevid_mention_step(&o->ev, gm->eid[x], s->cr->rid[s->rn_rep[y - nv]], 0, err);
		else
			step = gevid_link_step(&o->ev, gm->eid[x], gm->eid[y], err);
		if (!step) {
			rc = -1;
			break;
		}
		cJSON_AddItemToArray(arr, step);
		if (x < nv)
			strength *= graph_conf_join_weight(s->conf, gmodel_type(gm, x));
	}
	strength *= pow(s->conf->hop_decay, (double)(n - 3));
	if (rc == 0) {
		text = cJSON_PrintUnformatted(arr);
		rc = db_bind(o->pair, err, "IIIidt", series_id, s->cr->rid[s->rn_rep[a]],
			     s->cr->rid[s->rn_rep[b]], (int)(n - 1), strength, text, (int)strlen(text));
		if (rc == 0 && db_step(o->pair, err) < 0)
			rc = -1;
	}
	free(text);
	free(path);
	cJSON_Delete(arr);
	return rc < 0 ? -1 : strength;
}

struct member {
	int32_t rn;
	int32_t root;
	long day;
	int64_t rid;
};

static int cmp_member(const void *pa, const void *pb)
{
	const struct member *a = pa, *b = pb;
	long da = a->day < 0 ? 1L << 40 : a->day, db = b->day < 0 ? 1L << 40 : b->day;

	if (a->root != b->root)
		return a->root < b->root ? -1 : 1;
	if (da != db)
		return da < db ? -1 : 1;
	return a->rid < b->rid ? -1 : a->rid > b->rid;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, distinct categories of the series, and whether one is common to all. */
static void series_categories(const struct ser *s, const struct member *m, long n,
			      struct sbuf *out, int *common)
{
	char **all = NULL;
	size_t cap = 0, na = 0;

	for (long i = 0; i < n; i++) {
		const char *c = s->cr->cats[s->rn_rep[m[i].rn]];

		while (*c) {
			size_t len = strcspn(c, ",");

			all = xgrow(all, &cap, na + 1, sizeof(*all));
			all[na++] = xstrndup(c, len);
			c += len + (c[len] == ',');
		}
	}
	if (na > 1)
		qsort(all, na, sizeof(*all), cmp_str);
	*common = 0;
	sbuf_reset(out);
	for (size_t i = 0; i < na; i++) {
		long count = 0;

		if (i > 0 && !strcmp(all[i], all[i - 1]))
			continue;
		for (size_t k = i; k < na && !strcmp(all[k], all[i]); k++)
			count++;
		if (count == n)
			*common = 1;
		if (out->len)
			sbuf_addch(out, ',');
		sbuf_adds(out, all[i]);
	}
	for (size_t i = 0; i < na; i++)
		free(all[i]);
	free(all);
}

/*
 * A report can open series in two clusters; the second gets the label
 * of its cluster appended so that keys stay unique.
 */
static int unique_key(struct out *o, struct sbuf *key, int64_t cluster, struct err *err)
{
	int64_t n;
	char label[24];

	if (db_bind(o->key_count, err, "s", sbuf_str(key)) < 0 || db_step(o->key_count, err) < 0)
		return -1;
	n = sqlite3_column_int64(o->key_count, 0);
	sqlite3_reset(o->key_count);
	if (n) {
		gmatch_label(cluster, label);
		sbuf_addf(key, "@%s", label);
	}
	return 0;
}

/* The cluster holding most of the joining entities the series' reports mention. */
static int32_t series_cluster(const struct ser *s, const struct member *m, long n)
{
	int32_t best = -1;
	long bestn = 0;

	for (long i = 0; i < n; i++) {
		long k = m[i].rn, r = s->rn_rep[k];

		for (long j = s->cr->moff[r]; j < s->cr->moff[r + 1]; j++) {
			int32_t c = s->gc->clu[s->cr->mv[j]];
			long count = 0;

			if (!joins_report(s, j, s->rn_scope[k]))
				continue;
			for (long i2 = 0; i2 < n; i2++) {
				long k2 = m[i2].rn, r2 = s->rn_rep[k2];

				for (long j2 = s->cr->moff[r2]; j2 < s->cr->moff[r2 + 1]; j2++)
					count += joins_report(s, j2, s->rn_scope[k2]) &&
						 s->gc->clu[s->cr->mv[j2]] == c;
			}
			if (count > bestn || (count == bestn && c < best))
				best = c, bestn = count;
		}
	}
	return best;
}

static int write_series(struct ser *s, struct out *o, const struct member *m, long n,
			const int64_t *cluster_id, struct err *err)
{
	struct sbuf key = SBUF_INIT, cats = SBUF_INIT, first = SBUF_INIT;
	long days = 0, npairs = 0;
	double sum = 0, score;
	int common, rc = -1;
	int64_t sid;
	char d1[11] = "", d2[11] = "";

	for (long i = 0; i < n; i++)
		if (m[i].day >= 0 && (i == 0 || m[i].day != m[i - 1].day))
			days++;
	if (days < 2)
		return 0;
	series_categories(s, m, n, &cats, &common);
	if (gevid_ref(&o->ev, m[0].rid, &key, err) < 0)
		goto out;
	if (unique_key(o, &key, cluster_id[series_cluster(s, m, n)], err) < 0)
		goto out;
	if (db_bind(o->seen, err, "ss", sbuf_str(&key), o->night) < 0 || db_step(o->seen, err) < 0 ||
	    db_bind(o->first, err, "s", sbuf_str(&key)) < 0 || db_step(o->first, err) < 0)
		goto out;
	sbuf_adds(&first, db_text(o->first, 0));
	sqlite3_reset(o->first);
	day_string(m[0].day, d1);
	for (long i = n - 1; i >= 0; i--)
		if (m[i].day >= 0) {
			day_string(m[i].day, d2);
			break;
		}
	/* Score and days are updated once the pairs are known. */
	if (db_bind(o->series, err, "sIssdiisss", sbuf_str(&key), cluster_id[series_cluster(s, m, n)],
		    o->night, sbuf_str(&first), 0.0, (int)n, (int)days, d1, d2, sbuf_str(&cats)) < 0 ||
	    db_step(o->series, err) < 0)
		goto out;
	sid = db_last_id(o->db);
	for (long i = 0; i < n; i++)
		if (db_bind(o->report, err, "II", sid, m[i].rid) < 0 || db_step(o->report, err) < 0)
			goto out;
	for (long i = 0; i < n; i++) {
		for (long j = i + 1; j < n; j++) {
			double st;

			if (n > s->conf->series_all_pairs && j > i + 1)
				break;
			st = write_pair(s, o, sid, m[i].rn, m[j].rn, err);
			if (st < 0)
				goto out;
			if (j == i + 1) {
				sum += st;
				npairs++;
			}
		}
	}
	score = (npairs ? sum / npairs : 0) *
		(0.5 + 0.5 * (1 - exp(-(double)(n - 1) / s->conf->series_size_scale))) *
		(common ? 1 : s->conf->mixed_category_factor);
	if (db_bind(o->score, err, "dI", score, sid) < 0 || db_step(o->score, err) < 0)
		goto out;
	rc = 1;
out:
	sbuf_release(&key);
	sbuf_release(&cats);
	sbuf_release(&first);
	return rc;
}

int gseries_run(struct db *db, const struct gcrimes *cr, const struct gmodel *gm,
		const struct gcomm *gc, const int64_t *cluster_id,
		const struct graph_conf *conf, const char *night, long *count,
		struct err *err)
{
	struct ser s = { .cr = cr, .gm = gm, .gc = gc, .conf = conf };
	struct out o = { .db = db, .night = night };
	struct member *m = NULL;
	int rc = -1;

	*count = 0;
	if (db_run(db, err, "DELETE FROM series_pair", "") < 0 ||
	    db_run(db, err, "DELETE FROM series_report", "") < 0 ||
	    db_run(db, err, "DELETE FROM series", "") < 0 ||
	    db_run(db, err, "DELETE FROM series_seen WHERE first_night >= ?", "s", night) < 0 ||
	    gevid_init(&o.ev, db, 5, err) < 0 ||
	    db_prepare(db, &o.series, "INSERT INTO series(key, cluster_id, night, first_night, score, "
		       "n_reports, n_days, first_at, last_at, categories) "
		       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err) < 0 ||
	    db_prepare(db, &o.report, "INSERT OR IGNORE INTO series_report(series_id, report_id) "
		       "VALUES (?, ?)", err) < 0 ||
	    db_prepare(db, &o.pair, "INSERT OR REPLACE INTO series_pair(series_id, report_a, report_b, "
		       "hops, strength, chain) VALUES (?, ?, ?, ?, ?, ?)", err) < 0 ||
	    db_prepare(db, &o.seen, "INSERT OR IGNORE INTO series_seen(key, first_night) VALUES (?, ?)",
		       err) < 0 ||
	    db_prepare(db, &o.first, "SELECT first_night FROM series_seen WHERE key = ?", err) < 0 ||
	    db_prepare(db, &o.key_count, "SELECT count(*) FROM series WHERE key = ?", err) < 0 ||
	    db_prepare(db, &o.score, "UPDATE series SET score = ? WHERE id = ?", err) < 0)
		goto out;
	build(&s);
	m = xmalloc((s.nrn + 1) * sizeof(*m));
	for (long k = 0; k < s.nrn; k++) {
		m[k].rn = (int32_t)k;
		m[k].root = guf_find(s.uf, (int32_t)(gm->nv + k));
		m[k].day = cr->day[s.rn_rep[k]];
		m[k].rid = cr->rid[s.rn_rep[k]];
	}
	if (s.nrn > 1)
		qsort(m, s.nrn, sizeof(*m), cmp_member);
	for (long i = 0; i < s.nrn;) {
		long j = i;
		int w;

		while (j < s.nrn && m[j].root == m[i].root)
			j++;
		if (j - i >= 2) {
			if ((w = write_series(&s, &o, m + i, j - i, cluster_id, err)) < 0)
				goto out;
			*count += w;
		}
		i = j;
	}
	rc = 0;
out:
	if (rc < 0)
		err_prefix(err, "series");
	free(m);
	ser_release(&s);
	gevid_release(&o.ev);
	db_finalize(o.series);
	db_finalize(o.report);
	db_finalize(o.pair);
	db_finalize(o.seen);
	db_finalize(o.first);
	db_finalize(o.key_count);
	db_finalize(o.score);
	return rc;
}
