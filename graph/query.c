/*
 * query: breadth-first searches that ask SQL for one node's neighbours
 * at a time (link by a and by b, companion, mention by entity and by
 * report: index-only reads, schema version 8), so a question costs what
 * its answer touches.
 * Hubs are never passed through (a path through 110 says nothing) but
 * can be asked about.  The shortest chain is a bidirectional search;
 * for the k shortest and for chains whose reports run forward in time
 * the neighbourhood that can hold such chains (the two half-radius balls
 * around the ends) is extracted and searched in memory: igraph for the
 * k shortest, a small earliest-arrival table for time order.
 */
#include "graph/query.h"
#include "graph/evid.h"
#include "graph/ig.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VISIT_MAX 200000        /* nodes one search may touch */

void gquery_opts_init(struct gquery_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->k = 1;
	o->max_hops = 6;
	o->hops = 1;
	o->limit = 50;
}

/* ---- a node map: entity e is 2e, report r is 2r+1 ---- */

struct node {
	int64_t code;
	int ds, dt;             /* hops from the start / from the target, -1 unknown */
	int64_t ps, pt;         /* the code it was reached from on each side */
	const char *via;        /* static link type it was reached by (expand) */
	int hub;
};

struct nmap {
	struct node *v;
	size_t n, cap;
	int32_t *slot;
	size_t nslot;
};

static uint64_t mix(int64_t x)
{
	uint64_t z = (uint64_t)x + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void nmap_rehash(struct nmap *m)
{
	size_t ns = m->nslot ? 2 * m->nslot : 256;

	free(m->slot);
	m->slot = xcalloc(ns, sizeof(*m->slot));
	m->nslot = ns;
	for (size_t k = 0; k < m->n; k++) {
		size_t i = mix(m->v[k].code) & (ns - 1);

		while (m->slot[i])
			i = (i + 1) & (ns - 1);
		m->slot[i] = (int32_t)k + 1;
	}
}

/* The node of code, or NULL; with add, created (distances unknown). */
static struct node *nmap_get(struct nmap *m, int64_t code, int add)
{
	size_t i;

	if (2 * (m->n + 1) > m->nslot)
		nmap_rehash(m);
	for (i = mix(code) & (m->nslot - 1); m->slot[i]; i = (i + 1) & (m->nslot - 1))
		if (m->v[m->slot[i] - 1].code == code)
			return &m->v[m->slot[i] - 1];
	if (!add)
		return NULL;
	m->v = xgrow(m->v, &m->cap, m->n + 1, sizeof(*m->v));
	memset(&m->v[m->n], 0, sizeof(m->v[m->n]));
	m->v[m->n].code = code;
	m->v[m->n].ds = m->v[m->n].dt = -1;
	m->v[m->n].ps = m->v[m->n].pt = -1;
	m->slot[i] = (int32_t)++m->n;
	return &m->v[m->n - 1];
}

static void nmap_release(struct nmap *m)
{
	free(m->v);
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

#define ENT(id) ((int64_t)(id) * 2)
#define REP(id) ((int64_t)(id) * 2 + 1)
#define IS_REP(code) ((code) & 1)
#define ID(code) ((code) >> 1)

/* ---- statements ---- */

struct q {
	struct db *db;
	struct gevid ev;
	/* Index-only lookups (see the covering indexes of schema version 8). */
	sqlite3_stmt *link_a, *link_b, *comp_a, *comp_b, *ent_reports, *rep_ents;
	sqlite3_stmt *ent_row, *rep_row;
	int64_t *hubs;          /* owned: the ids of hub entities, ascending */
	size_t n_hubs;
};

/* Hubs are few (service numbers, shared identifiers): one read of them
 * spares a look at the entity row of every neighbour. */
static int load_hubs(struct q *q, struct err *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if (db_prepare(q->db, &st, "SELECT id FROM entity WHERE hub = 1 ORDER BY id", err) < 0)
		return -1;
	while ((rc = db_step(st, err)) == 1) {
		q->hubs = xgrow(q->hubs, &cap, q->n_hubs + 1, sizeof(*q->hubs));
		q->hubs[q->n_hubs++] = sqlite3_column_int64(st, 0);
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

static int cmp_code(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The index of x in the ascending array v[n], or -1. */
static int find_code(const int64_t *v, size_t n, int64_t x)
{
	const int64_t *p = n ? bsearch(&x, v, n, sizeof(*v), cmp_code) : NULL;

	return p ? (int)(p - v) : -1;
}

static int is_hub(const struct q *q, int64_t id)
{
	return find_code(q->hubs, q->n_hubs, id) >= 0;
}

static int q_init(struct q *q, struct db *db, struct err *err)
{
	memset(q, 0, sizeof(*q));
	q->db = db;
	if (gevid_init(&q->ev, db, 5, err) < 0 || load_hubs(q, err) < 0 ||
	    db_prepare(db, &q->link_a, "SELECT b FROM link WHERE a = ?", err) < 0 ||
	    db_prepare(db, &q->link_b, "SELECT a FROM link WHERE b = ?", err) < 0 ||
	    db_prepare(db, &q->comp_a, "SELECT b FROM companion WHERE a = ?", err) < 0 ||
	    db_prepare(db, &q->comp_b, "SELECT a FROM companion WHERE b = ?", err) < 0 ||
	    db_prepare(db, &q->ent_reports, "SELECT DISTINCT report_id FROM mention "
		       "WHERE entity_id = ? ORDER BY report_id", err) < 0 ||
	    db_prepare(db, &q->rep_ents, "SELECT DISTINCT entity_id FROM mention "
		       "WHERE report_id = ? ORDER BY entity_id", err) < 0 ||
	    db_prepare(db, &q->ent_row, "SELECT key, type, display, attrs, first_seen, last_seen, hub "
		       "FROM entity WHERE id = ?", err) < 0 ||
	    db_prepare(db, &q->rep_row,
		       "SELECT source || '/' || ext_id, kind, "
		       " coalesce((SELECT category FROM report_category WHERE report_id = r.id "
		       "           ORDER BY is_primary DESC, category LIMIT 1), category, ''), "
		       " coalesce(occurred_at, received_at, ''), substr(text, 1, 40) "
		       "FROM report r WHERE id = ?", err) < 0)
		return -1;
	return 0;
}

static void q_release(struct q *q)
{
	gevid_release(&q->ev);
	db_finalize(q->link_a);
	db_finalize(q->link_b);
	db_finalize(q->comp_a);
	db_finalize(q->comp_b);
	db_finalize(q->ent_reports);
	db_finalize(q->rep_ents);
	db_finalize(q->ent_row);
	db_finalize(q->rep_row);
	free(q->hubs);
}

/* A neighbour: its code, whether a report mention reaches it, whether it is a hub. */
struct nbr {
	int64_t code;
	int mention;
	int hub;
};

struct nbrs {
	struct nbr *v;
	size_t n, cap;
};

static void nbrs_add(struct nbrs *b, int64_t code, int mention, int hub)
{
	b->v = xgrow(b->v, &b->cap, b->n + 1, sizeof(*b->v));
	b->v[b->n].code = code;
	b->v[b->n].mention = mention;
	b->v[b->n].hub = hub;
	b->n++;
}

/* Appends the ids st gives for id as neighbours; 0 or -1. */
static int add_rows(struct q *q, sqlite3_stmt *st, int64_t id, int reports, struct nbrs *b,
		    struct err *err)
{
	int rc = db_bind(st, err, "I", id);

	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		int64_t x = sqlite3_column_int64(st, 0);

		if (reports)
			nbrs_add(b, REP(x), 1, 0);
		else
			nbrs_add(b, ENT(x), 0, is_hub(q, x));
		rc = 0;
	}
	sqlite3_reset(st);
	return rc < 0 ? -1 : 0;
}

static int cmp_nbr(const void *pa, const void *pb)
{
	const struct nbr *a = pa, *b = pb;

	return a->code < b->code ? -1 : a->code > b->code;
}

/* Sorts b[from..] by code and keeps one of each. */
static void sort_unique(struct nbrs *b, size_t from)
{
	size_t k = from;

	qsort(b->v + from, b->n - from, sizeof(*b->v), cmp_nbr);
	for (size_t i = from; i < b->n; i++)
		if (k == from || b->v[k - 1].code != b->v[i].code)
			b->v[k++] = b->v[i];
	b->n = k;
}

/*
 * The neighbours of node code, in code order: a report's entities; an
 * entity's linked entities and companions (then its reports, when
 * with_reports).
 */
static int neighbours(struct q *q, int64_t code, int with_reports, struct nbrs *b, struct err *err)
{
	int64_t id = ID(code);

	b->n = 0;
	if (IS_REP(code)) {
		if (add_rows(q, q->rep_ents, id, 0, b, err) < 0)
			return -1;
		for (size_t i = 0; i < b->n; i++)
			b->v[i].mention = 1;
		return 0;
	}
	if (add_rows(q, q->link_a, id, 0, b, err) < 0 || add_rows(q, q->link_b, id, 0, b, err) < 0 ||
	    add_rows(q, q->comp_a, id, 0, b, err) < 0 || add_rows(q, q->comp_b, id, 0, b, err) < 0)
		return -1;
	sort_unique(b, 0);
	if (with_reports && add_rows(q, q->ent_reports, id, 1, b, err) < 0)
		return -1;
	return 0;
}

/* ---- naming nodes ---- */

static int resolve_report(struct db *db, const char *s, int64_t *id, struct err *err)
{
	*id = 0;
	/* The source may hold '/' itself: try every split, the last first. */
	for (const char *p = s + strlen(s); p > s; p--) {
		char *src;
		int rc;

		if (p[-1] != '/')
			continue;
		src = xstrndup(s, (size_t)(p - 1 - s));
		rc = db_int(db, err, id, "SELECT id FROM report WHERE source = ? AND ext_id = ?",
			    "ss", src, p);
		free(src);
		if (rc < 0)
			return -1;
		if (*id)
			return 0;
	}
	return 0;
}

/* Resolve s to a node code: an entity key, a bare identifier, or (reports) SOURCE/ID. */
static int resolve(struct db *db, const char *s, int reports, int64_t *code, struct err *err)
{
	static const char *const types[] = { "phone", "idcard", "plate", "imei", "bankcard",
					     "wechat", "qq", "email", "case", "vin", "person", NULL };
	int64_t id;

	if (db_int(db, err, &id, "SELECT id FROM entity WHERE key = ?", "s", s) < 0)
		return -1;
	if (id) {
		*code = ENT(id);
		return 0;
	}
	if (reports && resolve_report(db, s, &id, err) < 0)
		return -1;
	if (id) {
		*code = REP(id);
		return 0;
	}
	for (int i = 0; !strchr(s, ':') && types[i]; i++) {
		char *key = xasprintf("%s:%s", types[i], s);
		int rc = db_int(db, err, &id, "SELECT id FROM entity WHERE key = ?", "s", key);

		free(key);
		if (rc < 0)
			return -1;
		if (id) {
			*code = ENT(id);
			return 0;
		}
	}
	return err_set(err, "no %s '%s'", reports ? "entity or report" : "entity", s);
}

/* The key (entity) or SOURCE/ID (report) of a node into out. */
static int node_name(struct q *q, int64_t code, struct sbuf *out, struct err *err)
{
	return (IS_REP(code) ? gevid_ref : gevid_key)(&q->ev, ID(code), out, err);
}

/* A JSON description of a node: key, type, name (entities) or kind, category, date (reports). */
static cJSON *node_json(struct q *q, int64_t code, struct err *err)
{
	sqlite3_stmt *st = IS_REP(code) ? q->rep_row : q->ent_row;
	cJSON *o = NULL;
	int rc;

	if (db_bind(st, err, "I", ID(code)) < 0 || (rc = db_step(st, err)) < 0)
		return NULL;
	o = cJSON_CreateObject();
	if (rc == 1 && IS_REP(code)) {
		cJSON_AddStringToObject(o, "key", db_text(st, 0));
		cJSON_AddStringToObject(o, "type", "report");
		cJSON_AddStringToObject(o, "kind", db_text(st, 1));
		cJSON_AddStringToObject(o, "category", db_text(st, 2));
		cJSON_AddStringToObject(o, "date", db_text(st, 3));
	} else if (rc == 1) {
		cJSON_AddStringToObject(o, "key", db_text(st, 0));
		cJSON_AddStringToObject(o, "type", db_text(st, 1));
		cJSON_AddStringToObject(o, "name", db_text(st, 2));
		if (sqlite3_column_int(st, 6))
			cJSON_AddBoolToObject(o, "hub", 1);
	}
	sqlite3_reset(st);
	return o;
}

/* ---- path ---- */

struct frontier {
	int64_t *v;
	size_t n, cap;
};

static void push(struct frontier *f, int64_t code)
{
	f->v = xgrow(f->v, &f->cap, f->n + 1, sizeof(*f->v));
	f->v[f->n++] = code;
}

/*
 * One level of a breadth-first search on one side (side 0 from the
 * start, 1 from the target): expand every node of cur into next.  Hubs
 * other than the two ends are not entered.  Sets *meet to the meeting
 * node with the smallest total length, if any.
 */
static int bfs_level(struct q *q, struct nmap *m, int side, struct frontier *cur,
		     struct frontier *next, int64_t s, int64_t t, struct nbrs *b,
		     int64_t *meet, int *best, struct err *err)
{
	next->n = 0;
	for (size_t i = 0; i < cur->n; i++) {
		struct node *x = nmap_get(m, cur->v[i], 0);
		int dx = side ? x->dt : x->ds;

		if (neighbours(q, cur->v[i], 0, b, err) < 0)
			return -1;
		for (size_t j = 0; j < b->n; j++) {
			struct node *y;
			int total;

			if (b->v[j].hub && b->v[j].code != s && b->v[j].code != t)
				continue;
			y = nmap_get(m, b->v[j].code, 1);
			x = nmap_get(m, cur->v[i], 0);  /* the map may have moved */
			if ((side ? y->dt : y->ds) < 0) {
				if (side)
					y->dt = dx + 1, y->pt = cur->v[i];
				else
					y->ds = dx + 1, y->ps = cur->v[i];
				push(next, y->code);
			}
			if (y->ds >= 0 && y->dt >= 0) {
				total = y->ds + y->dt;
				if (*best < 0 || total < *best || (total == *best && y->code < *meet)) {
					*best = total;
					*meet = y->code;
				}
			}
		}
		if (m->n > VISIT_MAX)
			return err_set(err, "the search touched more than %d entities; "
				       "ask about something less connected", VISIT_MAX);
	}
	return 0;
}

/*
 * Shortest distance between s and t by a bidirectional search, filling m
 * with the nodes seen; *meet is the middle node (-1: no chain within
 * max hops).
 */
static int shortest(struct q *q, struct nmap *m, int64_t s, int64_t t, int max_hops,
		    int64_t *meet, int *dist, struct err *err)
{
	struct frontier f[2] = { { 0 }, { 0 } }, next = { 0 };
	struct nbrs b = { 0 };
	int depth[2] = { 0, 0 }, rc = 0;
	struct node *ns = nmap_get(m, s, 1), *nt;

	ns->ds = 0;
	nt = nmap_get(m, t, 1);
	nt->dt = 0;
	*meet = -1;
	*dist = -1;
	if (s == t) {
		*meet = s;
		*dist = 0;
		return 0;
	}
	push(&f[0], s);
	push(&f[1], t);
	while (*dist < 0 && f[0].n && f[1].n && depth[0] + depth[1] < max_hops) {
		int side = f[0].n <= f[1].n ? 0 : 1;
		struct frontier tmp;

		rc = bfs_level(q, m, side, &f[side], &next, s, t, &b, meet, dist, err);
		if (rc < 0)
			break;
		depth[side]++;
		tmp = f[side];
		f[side] = next;
		next = tmp;
	}
	free(f[0].v);
	free(f[1].v);
	free(next.v);
	free(b.v);
	return rc;
}

/* The chain through meet, from s to t, as codes. */
static size_t chain_codes(struct nmap *m, int64_t meet, int64_t **out)
{
	size_t a = 0, b = 0, k;
	int64_t *v;

	for (int64_t c = meet; c >= 0; c = nmap_get(m, c, 0)->ps)
		a++;
	for (int64_t c = nmap_get(m, meet, 0)->pt; c >= 0; c = nmap_get(m, c, 0)->pt)
		b++;
	v = xmalloc((a + b) * sizeof(*v));
	k = a;
	for (int64_t c = meet; c >= 0; c = nmap_get(m, c, 0)->ps)
		v[--k] = c;
	k = a;
	for (int64_t c = nmap_get(m, meet, 0)->pt; c >= 0; c = nmap_get(m, c, 0)->pt)
		v[k++] = c;
	*out = v;
	return a + b;
}

/* A chain of entity codes as {"hops", "entities", "links"}; dates[] (forward) may be NULL. */
static cJSON *chain_json(struct q *q, const int64_t *v, size_t n, const int64_t *reports,
			 struct err *err)
{
	cJSON *o = cJSON_CreateObject(), *ents, *links;
	struct sbuf s = SBUF_INIT;
	int rc = 0;

	cJSON_AddNumberToObject(o, "hops", (double)(n - 1));
	ents = cJSON_AddArrayToObject(o, "entities");
	links = cJSON_AddArrayToObject(o, "links");
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = node_name(q, v[i], &s, err);
		cJSON_AddItemToArray(ents, cJSON_CreateString(sbuf_str(&s)));
		if (rc == 0 && i + 1 < n) {
			cJSON *step = gevid_link_step(&q->ev, ID(v[i]), ID(v[i + 1]), err);

			if (!step) {
				rc = -1;
				break;
			}
			if (reports) {
				rc = gevid_ref(&q->ev, reports[i], &s, err);
				cJSON_AddStringToObject(step, "report", sbuf_str(&s));
			}
			cJSON_AddItemToArray(links, step);
		}
	}
	sbuf_release(&s);
	if (rc < 0) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* The neighbourhood that holds every chain of at most D links: two balls of D/2. */
struct sub {
	int64_t *code;          /* vertex -> node code */
	size_t n;
	int32_t *eu, *ev;       /* edges, u < v */
	size_t ne, cap;
	int32_t s, t;
};

static int sub_vertex(const struct sub *g, int64_t code)
{
	return find_code(g->code, g->n, code);
}

static int extract(struct q *q, int64_t s, int64_t t, int D, struct sub *g, struct err *err)
{
	struct nmap m = { 0 };
	struct frontier f = { 0 }, next = { 0 };
	struct nbrs b = { 0 };
	size_t ecap2 = 0;
	int64_t meet = -1;
	int best = -1, rc = 0;

	memset(g, 0, sizeof(*g));
	/* Ball around s of radius ceil(D/2), then around t of floor(D/2). */
	for (int side = 0; side < 2 && rc == 0; side++) {
		int radius = side ? D / 2 : (D + 1) / 2;
		struct node *o = nmap_get(&m, side ? t : s, 1);

		if (side)
			o->dt = 0;
		else
			o->ds = 0;
		f.n = 0;
		push(&f, side ? t : s);
		for (int d = 0; d < radius && f.n && rc == 0; d++) {
			struct frontier tmp;

			rc = bfs_level(q, &m, side, &f, &next, s, t, &b, &meet, &best, err);
			tmp = f;
			f = next;
			next = tmp;
		}
	}
	if (rc == 0) {
		g->n = m.n;
		g->code = xmalloc((m.n + 1) * sizeof(*g->code));
		for (size_t i = 0; i < m.n; i++)
			g->code[i] = m.v[i].code;
		qsort(g->code, g->n, sizeof(*g->code), cmp_code);
		g->s = sub_vertex(g, s);
		g->t = sub_vertex(g, t);
	}
	/* Every edge between two nodes of the union (hubs were never added). */
	for (size_t i = 0; rc == 0 && i < g->n; i++) {
		rc = neighbours(q, g->code[i], 0, &b, err);
		for (size_t j = 0; rc == 0 && j < b.n; j++) {
			int v = sub_vertex(g, b.v[j].code);

			if (v <= (int)i)
				continue;
			g->eu = xgrow(g->eu, &g->cap, g->ne + 1, sizeof(*g->eu));
			g->ev = xgrow(g->ev, &ecap2, g->ne + 1, sizeof(*g->ev));
			g->eu[g->ne] = (int32_t)i;
			g->ev[g->ne++] = v;
		}
	}
	nmap_release(&m);
	free(f.v);
	free(next.v);
	free(b.v);
	return rc;
}

static void sub_release(struct sub *g)
{
	free(g->code);
	free(g->eu);
	free(g->ev);
}

static int k_shortest(struct q *q, const struct sub *g, int k, int max_hops, cJSON *paths,
		      struct err *err)
{
	igraph_t ig;
	igraph_vector_int_t ev;
	igraph_vector_int_list_t vp;
	int rc = -1;

	if (ig_check(igraph_vector_int_init(&ev, 2 * (igraph_integer_t)g->ne), "allocating", err) < 0)
		return -1;
	for (size_t i = 0; i < g->ne; i++) {
		VECTOR(ev)[2 * i] = g->eu[i];
		VECTOR(ev)[2 * i + 1] = g->ev[i];
	}
	if (ig_check(igraph_create(&ig, &ev, (igraph_integer_t)g->n, IGRAPH_UNDIRECTED),
		     "building the neighbourhood", err) < 0) {
		igraph_vector_int_destroy(&ev);
		return -1;
	}
	if (ig_check(igraph_vector_int_list_init(&vp, 0), "allocating", err) < 0)
		goto out_graph;
	if (ig_check(igraph_get_k_shortest_paths(&ig, NULL, &vp, NULL, k, g->s, g->t, IGRAPH_ALL),
		     "k shortest paths", err) < 0)
		goto out_list;
	rc = 0;
	for (igraph_integer_t i = 0; i < igraph_vector_int_list_size(&vp) && rc == 0; i++) {
		igraph_vector_int_t *p = igraph_vector_int_list_get_ptr(&vp, i);
		size_t n = (size_t)igraph_vector_int_size(p);
		int64_t *codes;
		cJSON *c;

		if (n == 0 || (int)n - 1 > max_hops)
			continue;
		codes = xmalloc(n * sizeof(*codes));
		for (size_t j = 0; j < n; j++)
			codes[j] = g->code[VECTOR(*p)[j]];
		c = chain_json(q, codes, n, NULL, err);
		free(codes);
		if (!c)
			rc = -1;
		else
			cJSON_AddItemToArray(paths, c);
	}
out_list:
	igraph_vector_int_list_destroy(&vp);
out_graph:
	igraph_destroy(&ig);
	igraph_vector_int_destroy(&ev);
	return rc;
}

/* ---- forward in time ---- */

struct dated {                  /* one report evidencing an edge */
	char at[32];
	int64_t report;
};

static int cmp_dated(const void *a, const void *b)
{
	const struct dated *x = a, *y = b;
	int c = strcmp(x->at, y->at);

	return c ? c : (x->report < y->report ? -1 : x->report > y->report);
}

/* The reports of every edge of g, by date. */
static int edge_reports(struct q *q, const struct sub *g, struct dated ***out, size_t **nout,
			struct err *err)
{
	sqlite3_stmt *st = NULL;
	struct dated **d = xcalloc(g->ne + 1, sizeof(*d));
	size_t *n = xcalloc(g->ne + 1, sizeof(*n));
	int rc = db_prepare(q->db, &st,
		"SELECT r.id, coalesce(r.occurred_at, r.received_at) FROM link l "
		"JOIN link_evidence e ON e.link_id = l.id JOIN report r ON r.id = e.report_id "
		"WHERE (l.a = ?1 AND l.b = ?2) OR (l.a = ?2 AND l.b = ?1) "
		"UNION SELECT r.id, coalesce(r.occurred_at, r.received_at) FROM companion c "
		"JOIN companion_evidence e ON e.companion_id = c.id JOIN report r ON r.id = e.report_id "
		"WHERE (c.a = ?1 AND c.b = ?2) OR (c.a = ?2 AND c.b = ?1)", err);

	for (size_t i = 0; rc == 0 && i < g->ne; i++) {
		size_t cap = 0;

		rc = db_bind(st, err, "II", ID(g->code[g->eu[i]]), ID(g->code[g->ev[i]]));
		while (rc == 0 && (rc = db_step(st, err)) == 1) {
			rc = 0;
			if (sqlite3_column_type(st, 1) == SQLITE_NULL)
				continue;
			d[i] = xgrow(d[i], &cap, n[i] + 1, sizeof(**d));
			d[i][n[i]].report = sqlite3_column_int64(st, 0);
			snprintf(d[i][n[i]].at, sizeof(d[i][n[i]].at), "%s", db_text(st, 1));
			n[i]++;
		}
		if (n[i] > 1)
			qsort(d[i], n[i], sizeof(**d), cmp_dated);
	}
	db_finalize(st);
	*out = d;
	*nout = n;
	return rc < 0 ? -1 : 0;
}

/*
 * The chain with the fewest links whose reports can be taken one per
 * link in time order: arrive[h][v] is the earliest report date on which
 * v can be reached in h links.  Earliest arrival is enough: any later
 * choice allows nothing an earlier one does not.
 */
static int forward(struct q *q, const struct sub *g, int max_hops, cJSON *paths, struct err *err)
{
	struct dated **d = NULL;
	size_t *nd = NULL, nv = g->n;
	int H = max_hops + 1, found = -1, rc;
	const char **arrive = xcalloc((size_t)H * nv, sizeof(*arrive));
	int32_t *from = xmalloc((size_t)H * nv * sizeof(*from));
	int64_t *via = xmalloc((size_t)H * nv * sizeof(*via));

	rc = edge_reports(q, g, &d, &nd, err);
	arrive[g->s] = "";
	for (int h = 1; rc == 0 && h < H && found < 0; h++) {
		for (size_t e = 0; e < g->ne; e++) {
			for (int dir = 0; dir < 2; dir++) {
				int32_t u = dir ? g->ev[e] : g->eu[e], v = dir ? g->eu[e] : g->ev[e];
				const char *t = arrive[(size_t)(h - 1) * nv + u];
				const char **slot = &arrive[(size_t)h * nv + v];

				if (!t)
					continue;
				for (size_t k = 0; k < nd[e]; k++) {
					if (strcmp(d[e][k].at, t) < 0)
						continue;
					if (!*slot || strcmp(d[e][k].at, *slot) < 0) {
						*slot = d[e][k].at;
						from[(size_t)h * nv + v] = u;
						via[(size_t)h * nv + v] = d[e][k].report;
					}
					break;
				}
			}
		}
		if (arrive[(size_t)h * nv + g->t])
			found = h;
	}
	if (rc == 0 && found > 0) {
		int64_t *codes = xmalloc((size_t)(found + 1) * sizeof(*codes));
		int64_t *reps = xmalloc((size_t)found * sizeof(*reps));
		int32_t v = g->t;
		cJSON *c;

		for (int h = found; h >= 0; h--) {
			codes[h] = g->code[v];
			if (h > 0) {
				reps[h - 1] = via[(size_t)h * nv + v];
				v = from[(size_t)h * nv + v];
			}
		}
		c = chain_json(q, codes, (size_t)found + 1, reps, err);
		if (c)
			cJSON_AddItemToArray(paths, c);
		else
			rc = -1;
		free(codes);
		free(reps);
	}
	for (size_t e = 0; e < g->ne; e++)
		free(d ? d[e] : NULL);
	free(d);
	free(nd);
	free(arrive);
	free(from);
	free(via);
	return rc;
}

int gquery_path(struct db *db, const char *from, const char *to,
		const struct gquery_opts *o, cJSON **out, struct err *err)
{
	struct q q;
	struct nmap m = { 0 };
	struct sub g = { 0 };
	int64_t s, t, meet, *codes = NULL;
	int dist = -1, rc = -1;
	cJSON *res = NULL, *paths;
	struct sbuf name = SBUF_INIT;

	*out = NULL;
	if (q_init(&q, db, err) < 0 || resolve(db, from, 0, &s, err) < 0 || resolve(db, to, 0, &t, err) < 0)
		goto out;
	res = cJSON_CreateObject();
	if (node_name(&q, s, &name, err) < 0)
		goto out;
	cJSON_AddStringToObject(res, "from", sbuf_str(&name));
	if (node_name(&q, t, &name, err) < 0)
		goto out;
	cJSON_AddStringToObject(res, "to", sbuf_str(&name));
	if (o->forward)
		cJSON_AddBoolToObject(res, "forward", 1);
	paths = cJSON_AddArrayToObject(res, "paths");
	if (shortest(&q, &m, s, t, o->max_hops, &meet, &dist, err) < 0)
		goto out;
	if (dist > 0 && o->k <= 1 && !o->forward) {
		size_t n = chain_codes(&m, meet, &codes);
		cJSON *c = chain_json(&q, codes, n, NULL, err);

		if (!c)
			goto out;
		cJSON_AddItemToArray(paths, c);
	} else if (dist > 0) {
		/* k shortest: chains up to two links longer; forward: anything up to max_hops. */
		int D = o->forward ? o->max_hops : (dist + 2 < o->max_hops ? dist + 2 : o->max_hops);

		if (extract(&q, s, t, D, &g, err) < 0)
			goto out;
		if (o->forward ? forward(&q, &g, o->max_hops, paths, err) < 0
			       : k_shortest(&q, &g, o->k, o->max_hops, paths, err) < 0)
			goto out;
	}
	cJSON_AddNumberToObject(res, "max_hops", o->max_hops);
	rc = 0;
out:
	if (rc < 0) {
		cJSON_Delete(res);
		res = NULL;
	}
	*out = res;
	free(codes);
	sbuf_release(&name);
	sub_release(&g);
	nmap_release(&m);
	q_release(&q);
	return rc;
}

/* ---- expand ---- */

/* Whether a node's type is one of the comma-separated types (NULL: all). */
static int type_wanted(const char *types, const char *type)
{
	size_t n = strlen(type);

	if (!types || !*types)
		return 1;
	for (const char *p = types; (p = strstr(p, type)); p += n)
		if ((p == types || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return 1;
	return 0;
}

static int cmp_hops(const void *pa, const void *pb)
{
	const struct node *a = pa, *b = pb;

	if (a->ds != b->ds)
		return a->ds - b->ds;
	if (IS_REP(a->code) != IS_REP(b->code))
		return IS_REP(a->code) ? 1 : -1;
	return a->code < b->code ? -1 : a->code > b->code;
}

/*
 * An entity in thousands of reports is not a hub yet, but expanding
 * through all of it costs a query for each and shows the officer a
 * list nobody reads.  Each hop keeps the EXPAND_HOP_MAX nodes reached
 * from the most nodes of the hop before (entities before reports, the
 * newest first among equals); the answer says it was cut.
 */
#define EXPAND_HOP_MAX 500

struct ranked {
	int64_t code;
	int w;
};

static int cmp_ranked(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;

	if (a->w != b->w)
		return b->w - a->w;
	if (IS_REP(a->code) != IS_REP(b->code))
		return IS_REP(a->code) ? 1 : -1;
	return a->code > b->code ? -1 : a->code < b->code;
}

/* Cuts next to EXPAND_HOP_MAX nodes, the dropped ones marked ds -2; 1 if any was dropped. */
static int cap_hop(struct nmap *m, struct frontier *next)
{
	struct ranked *r;

	if (next->n <= EXPAND_HOP_MAX)
		return 0;
	r = xmalloc(next->n * sizeof(*r));
	for (size_t i = 0; i < next->n; i++) {
		r[i].code = next->v[i];
		r[i].w = nmap_get(m, next->v[i], 0)->dt;
	}
	qsort(r, next->n, sizeof(*r), cmp_ranked);
	for (size_t i = 0; i < next->n; i++) {
		if (i < EXPAND_HOP_MAX)
			next->v[i] = r[i].code;
		else
			nmap_get(m, r[i].code, 0)->ds = -2;
	}
	next->n = EXPAND_HOP_MAX;
	free(r);
	return 1;
}

int gquery_expand(struct db *db, const char *key, const struct gquery_opts *o,
		  cJSON **out, struct err *err)
{
	struct q q;
	struct nmap m = { 0 };
	struct frontier f = { 0 }, next = { 0 };
	struct nbrs b = { 0 };
	struct sbuf name = SBUF_INIT;
	struct node *sorted = NULL;
	cJSON *res = NULL, *nodes, *start;
	int64_t s;
	long total = 0, shown = 0;
	int rc = -1, truncated = 0;

	*out = NULL;
	if (q_init(&q, db, err) < 0 || resolve(db, key, 1, &s, err) < 0)
		goto out;
	nmap_get(&m, s, 1)->ds = 0;
	push(&f, s);
	/* Breadth first; a hub is reached but not passed through, unless it is the start. */
	for (int d = 0; d < o->hops && f.n; d++) {
		struct frontier tmp;

		next.n = 0;
		for (size_t i = 0; i < f.n; i++) {
			struct node *x = nmap_get(&m, f.v[i], 0);

			if (x->hub && f.v[i] != s)
				continue;
			if (neighbours(&q, f.v[i], 1, &b, err) < 0)
				goto out;
			for (size_t j = 0; j < b.n; j++) {
				struct node *y = nmap_get(&m, b.v[j].code, 1);

				if (y->ds == d + 1)
					y->dt++;
				if (y->ds != -1)        /* placed already, or dropped */
					continue;
				y->ds = d + 1;
				y->dt = 1;      /* expand keeps in dt how many nodes reach it */
				y->ps = f.v[i];
				y->via = b.v[j].mention ? "mention" : NULL;
				y->hub = b.v[j].hub;
				push(&next, y->code);
			}
			if (m.n > VISIT_MAX) {
				err_set(err, "the neighbourhood holds more than %d entities and reports; "
					"ask for fewer hops or one type", VISIT_MAX);
				goto out;
			}
		}
		truncated |= cap_hop(&m, &next);
		tmp = f;
		f = next;
		next = tmp;
	}
	res = cJSON_CreateObject();
	start = node_json(&q, s, err);
	if (!start)
		goto out;
	cJSON_AddItemToObject(res, "start", start);
	cJSON_AddNumberToObject(res, "hops", o->hops);
	if (truncated) {
		cJSON_AddBoolToObject(res, "truncated", 1);
		cJSON_AddNumberToObject(res, "hop_max", EXPAND_HOP_MAX);
	}
	if (o->type)
		cJSON_AddStringToObject(res, "type", o->type);
	nodes = cJSON_AddArrayToObject(res, "nodes");
	sorted = xmalloc((m.n + 1) * sizeof(*sorted));
	memcpy(sorted, m.v, m.n * sizeof(*sorted));
	qsort(sorted, m.n, sizeof(*sorted), cmp_hops);
	for (size_t i = 0; i < m.n; i++) {
		cJSON *n;
		const char *type;

		if (sorted[i].ds <= 0)  /* the start, or dropped */
			continue;
		if (!o->type && shown >= o->limit) {
			total++;        /* counted, not described */
			continue;
		}
		n = node_json(&q, sorted[i].code, err);
		if (!n)
			goto out;
		type = cJSON_GetObjectItem(n, "type")->valuestring;
		if (!type_wanted(o->type, type) || shown >= o->limit) {
			total += type_wanted(o->type, type);
			cJSON_Delete(n);
			continue;
		}
		total++;
		shown++;
		cJSON_AddNumberToObject(n, "hops", sorted[i].ds);
		if (node_name(&q, sorted[i].ps, &name, err) < 0) {
			cJSON_Delete(n);
			goto out;
		}
		cJSON_AddStringToObject(n, "via", sbuf_str(&name));
		if (!sorted[i].via) {
			/* An entity-entity step: name the link types. */
			double weight;
			int64_t cid;

			if (gevid_link_type(&q.ev, ID(sorted[i].ps), ID(sorted[i].code), &name,
					    &weight, &cid, err) < 0) {
				cJSON_Delete(n);
				goto out;
			}
			cJSON_AddStringToObject(n, "link", sbuf_str(&name));
		} else {
			cJSON_AddStringToObject(n, "link", "mention");
		}
		cJSON_AddItemToArray(nodes, n);
	}
	cJSON_AddNumberToObject(res, "total", (double)total);
	rc = 0;
out:
	if (rc < 0) {
		cJSON_Delete(res);
		res = NULL;
	}
	*out = res;
	free(sorted);
	free(f.v);
	free(next.v);
	free(b.v);
	sbuf_release(&name);
	nmap_release(&m);
	q_release(&q);
	return rc;
}

/* ---- cluster and entity ---- */

/*
 * Scores to six significant digits: more says nothing to an officer, and
 * the last digits of PageRank depend on the order of a parallel sum.
 */
static double round6(double x)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.6g", x);
	return strtod(buf, NULL);
}

/* Run st (bound) and add the first column of each row to arr as a string. */
static int strings(sqlite3_stmt *st, cJSON *arr, struct err *err)
{
	int rc;

	while ((rc = db_step(st, err)) == 1)
		cJSON_AddItemToArray(arr, cJSON_CreateString(db_text(st, 0)));
	db_finalize(st);
	return rc;
}

/* Prepare sql, bind one int64, add its rows' first columns to a new array named name. */
static int add_strings(struct db *db, cJSON *o, const char *name, const char *sql, int64_t id,
		       int limit, struct err *err)
{
	sqlite3_stmt *st;

	if (db_prepare(db, &st, sql, err) < 0)
		return -1;
	if (db_bind(st, err, "Ii", id, limit) < 0) {
		db_finalize(st);
		return -1;
	}
	return strings(st, cJSON_AddArrayToObject(o, name), err);
}

static int add_history(struct db *db, cJSON *o, int64_t cluster, struct err *err)
{
	sqlite3_stmt *st;
	cJSON *arr = cJSON_AddArrayToObject(o, "history");
	int rc;

	if (db_prepare(db, &st, "SELECT night, status, size, added, removed, related "
		       "FROM cluster_history WHERE cluster_id = ? ORDER BY night", err) < 0)
		return -1;
	rc = db_bind(st, err, "I", cluster);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		cJSON *h = cJSON_CreateObject();

		cJSON_AddStringToObject(h, "night", db_text(st, 0));
		cJSON_AddStringToObject(h, "status", db_text(st, 1));
		cJSON_AddNumberToObject(h, "size", sqlite3_column_int(st, 2));
		cJSON_AddNumberToObject(h, "added", sqlite3_column_int(st, 3));
		cJSON_AddNumberToObject(h, "removed", sqlite3_column_int(st, 4));
		if (*db_text(st, 5))
			cJSON_AddStringToObject(h, "related", db_text(st, 5));
		cJSON_AddItemToArray(arr, h);
		rc = 0;
	}
	db_finalize(st);
	return rc;
}

static int add_series(struct db *db, cJSON *o, const char *where, int64_t id, struct err *err)
{
	sqlite3_stmt *st, *rep = NULL;
	cJSON *arr = cJSON_AddArrayToObject(o, "series");
	char *sql = xasprintf("SELECT s.id, s.key, s.score, s.n_reports, s.n_days, s.categories, "
			      "s.first_night, c.label FROM series s JOIN cluster c ON c.id = s.cluster_id "
			      "WHERE %s ORDER BY s.score DESC, s.key", where);
	int rc = db_prepare(db, &st, sql, err);

	free(sql);
	if (rc < 0)
		return -1;
	rc = db_prepare(db, &rep, "SELECT r.source || '/' || r.ext_id FROM series_report x "
			"JOIN report r ON r.id = x.report_id WHERE x.series_id = ? "
			"ORDER BY coalesce(r.occurred_at, r.received_at), r.id", err);
	if (rc == 0)
		rc = db_bind(st, err, "I", id);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		cJSON *s = cJSON_CreateObject(), *reps;

		cJSON_AddStringToObject(s, "key", db_text(st, 1));
		cJSON_AddStringToObject(s, "cluster", db_text(st, 7));
		cJSON_AddNumberToObject(s, "score", round6(sqlite3_column_double(st, 2)));
		cJSON_AddNumberToObject(s, "days", sqlite3_column_int(st, 4));
		cJSON_AddStringToObject(s, "categories", db_text(st, 5));
		cJSON_AddStringToObject(s, "first_night", db_text(st, 6));
		reps = cJSON_AddArrayToObject(s, "reports");
		cJSON_AddItemToArray(arr, s);
		rc = db_bind(rep, err, "I", sqlite3_column_int64(st, 0));
		while (rc == 0 && (rc = db_step(rep, err)) == 1) {
			cJSON_AddItemToArray(reps, cJSON_CreateString(db_text(rep, 0)));
			rc = 0;
		}
	}
	db_finalize(st);
	db_finalize(rep);
	return rc < 0 ? -1 : 0;
}

static int add_members(struct db *db, cJSON *o, int64_t cluster, const char *night, int limit,
		       struct err *err)
{
	sqlite3_stmt *st;
	cJSON *key = cJSON_AddArrayToObject(o, "key_members");
	cJSON *all = cJSON_AddArrayToObject(o, "entities");
	int rc;

	if (db_prepare(db, &st, "SELECT e.key, e.type, e.display, m.rank, s.degree, s.pagerank, "
		       "s.betweenness FROM cluster_member m JOIN entity e ON e.id = m.entity_id "
		       "LEFT JOIN entity_score s ON s.entity_id = e.id "
		       "WHERE m.cluster_id = ? AND m.night = ? ORDER BY m.rank", err) < 0)
		return -1;
	rc = db_bind(st, err, "Is", cluster, night);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		rc = 0;
		if (cJSON_GetArraySize(all) < limit)
			cJSON_AddItemToArray(all, cJSON_CreateString(db_text(st, 0)));
		if (sqlite3_column_int(st, 3) <= 5) {
			cJSON *k = cJSON_CreateObject();

			cJSON_AddStringToObject(k, "key", db_text(st, 0));
			cJSON_AddStringToObject(k, "type", db_text(st, 1));
			cJSON_AddStringToObject(k, "name", db_text(st, 2));
			cJSON_AddNumberToObject(k, "rank", sqlite3_column_int(st, 3));
			cJSON_AddNumberToObject(k, "degree", sqlite3_column_int(st, 4));
			cJSON_AddNumberToObject(k, "pagerank", round6(sqlite3_column_double(st, 5)));
			cJSON_AddNumberToObject(k, "betweenness", round6(sqlite3_column_double(st, 6)));
			cJSON_AddItemToArray(key, k);
		}
	}
	db_finalize(st);
	return rc;
}

int gquery_cluster(struct db *db, const char *id, const struct gquery_opts *o,
		   cJSON **out, struct err *err)
{
	sqlite3_stmt *st = NULL;
	cJSON *res = NULL;
	int64_t cid = 0;
	char *night = NULL;
	int rc = -1, step;

	*out = NULL;
	if (db_prepare(db, &st, "SELECT id, label, status, score, size, first_night, night, n_reports, "
		       "n_crimes, component FROM cluster WHERE label = ?1 OR label = 'C-' || "
		       "substr('0000' || ?1, -4) OR (?1 GLOB '[0-9]*' AND id = CAST(?1 AS INTEGER))",
		       err) < 0 || db_bind(st, err, "s", id) < 0 || (step = db_step(st, err)) < 0)
		goto out;
	if (step == 0) {
		err_set(err, "no cluster '%s'", id);
		goto out;
	}
	res = cJSON_CreateObject();
	cid = sqlite3_column_int64(st, 0);
	night = xstrdup(db_text(st, 6));
	cJSON_AddStringToObject(res, "id", db_text(st, 1));
	cJSON_AddStringToObject(res, "status", db_text(st, 2));
	cJSON_AddBoolToObject(res, "new", !strcmp(db_text(st, 2), "new"));
	cJSON_AddNumberToObject(res, "score", round6(sqlite3_column_double(st, 3)));
	cJSON_AddNumberToObject(res, "size", sqlite3_column_int(st, 4));
	cJSON_AddStringToObject(res, "first_night", db_text(st, 5));
	cJSON_AddStringToObject(res, "night", night);
	cJSON_AddNumberToObject(res, "n_reports", sqlite3_column_int(st, 7));
	cJSON_AddNumberToObject(res, "n_crimes", sqlite3_column_int(st, 8));
	db_finalize(st);
	st = NULL;
	if (add_members(db, res, cid, night, o->limit, err) < 0 ||
	    add_strings(db, res, "reports",
			"SELECT r.source || '/' || r.ext_id FROM report r WHERE r.id IN "
			"(SELECT DISTINCT x.report_id FROM cluster_member m JOIN mention x ON x.entity_id = m.entity_id "
			" WHERE m.cluster_id = ?1 AND m.night = (SELECT night FROM cluster WHERE id = ?1)) "
			"ORDER BY coalesce(r.occurred_at, r.received_at) DESC, r.id LIMIT ?2",
			cid, o->limit, err) < 0 ||
	    add_series(db, res, "s.cluster_id = ?", cid, err) < 0 ||
	    add_history(db, res, cid, err) < 0)
		goto out;
	rc = 0;
out:
	db_finalize(st);
	free(night);
	if (rc < 0) {
		cJSON_Delete(res);
		res = NULL;
	}
	*out = res;
	return rc;
}

/* Linked entities by weight, as FORMAT.md link objects. */
static int add_links(struct q *q, cJSON *o, int64_t id, int limit, struct err *err)
{
	sqlite3_stmt *st;
	cJSON *arr = cJSON_AddArrayToObject(o, "links");
	int rc;

	if (db_prepare(q->db, &st, "SELECT other, sum(w) FROM ("
		       " SELECT b AS other, weight AS w FROM link WHERE a = ?1"
		       " UNION ALL SELECT a, weight FROM link WHERE b = ?1"
		       " UNION ALL SELECT b, 0 FROM companion WHERE a = ?1"
		       " UNION ALL SELECT a, 0 FROM companion WHERE b = ?1) "
		       "GROUP BY other ORDER BY sum(w) DESC, other LIMIT ?2", err) < 0)
		return -1;
	rc = db_bind(st, err, "Ii", id, limit);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		cJSON *step = gevid_link_step(&q->ev, id, sqlite3_column_int64(st, 0), err);

		if (!step) {
			rc = -1;
			break;
		}
		cJSON_AddItemToArray(arr, step);
		rc = 0;
	}
	db_finalize(st);
	return rc;
}

static int add_companions(struct db *db, cJSON *o, int64_t id, struct err *err)
{
	sqlite3_stmt *st;
	cJSON *arr = cJSON_AddArrayToObject(o, "companions");
	int rc;

	if (db_prepare(db, &st, "SELECT e.key, e.display, c.occasions, c.expected, c.chance, c.venues, "
		       "c.kinds, c.first_seen, c.last_seen FROM companion c "
		       "JOIN entity e ON e.id = CASE WHEN c.a = ?1 THEN c.b ELSE c.a END "
		       "WHERE c.a = ?1 OR c.b = ?1 ORDER BY c.occasions DESC, e.key", err) < 0)
		return -1;
	rc = db_bind(st, err, "I", id);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		cJSON *c = cJSON_CreateObject();

		cJSON_AddStringToObject(c, "key", db_text(st, 0));
		cJSON_AddStringToObject(c, "name", db_text(st, 1));
		cJSON_AddNumberToObject(c, "occasions", sqlite3_column_int(st, 2));
		cJSON_AddNumberToObject(c, "expected", round6(sqlite3_column_double(st, 3)));
		cJSON_AddNumberToObject(c, "chance", round6(sqlite3_column_double(st, 4)));
		cJSON_AddStringToObject(c, "venues", db_text(st, 5));
		cJSON_AddStringToObject(c, "kinds", db_text(st, 6));
		cJSON_AddStringToObject(c, "first_seen", db_text(st, 7));
		cJSON_AddStringToObject(c, "last_seen", db_text(st, 8));
		cJSON_AddItemToArray(arr, c);
		rc = 0;
	}
	db_finalize(st);
	return rc;
}

/*
 * The entity's cluster tonight, its rank and scores.  Read from the spans:
 * the view cluster_member on the right of a LEFT JOIN would be computed
 * whole.
 */
static int add_cluster_of(struct db *db, cJSON *o, int64_t id, int64_t *cluster, struct err *err)
{
	sqlite3_stmt *st;
	int rc;

	*cluster = 0;
	/* A score row holds on every night after the one it was written on: the latest night's cluster. */
	if (db_prepare(db, &st, "SELECT c.id, c.label, c.status, m.rank, s.component, s.degree, "
		       "s.pagerank, s.betweenness FROM entity_score s "
		       "CROSS JOIN (SELECT max(night) AS night FROM graph_night) n "
		       "LEFT JOIN cluster_span m ON m.entity_id = s.entity_id AND m.first_night <= n.night "
		       "AND (m.last_night IS NULL OR m.last_night >= n.night) "
		       "LEFT JOIN cluster c ON c.id = m.cluster_id AND c.night = n.night "
		       "WHERE s.entity_id = ?", err) < 0)
		return -1;
	rc = db_bind(st, err, "I", id);
	if (rc == 0 && (rc = db_step(st, err)) == 1) {
		cJSON *sc = cJSON_AddObjectToObject(o, "scores");

		cJSON_AddNumberToObject(sc, "component", sqlite3_column_int(st, 4));
		cJSON_AddNumberToObject(sc, "degree", sqlite3_column_int(st, 5));
		cJSON_AddNumberToObject(sc, "pagerank", round6(sqlite3_column_double(st, 6)));
		cJSON_AddNumberToObject(sc, "betweenness", round6(sqlite3_column_double(st, 7)));
		if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
			cJSON *c = cJSON_AddObjectToObject(o, "cluster");

			*cluster = sqlite3_column_int64(st, 0);
			cJSON_AddStringToObject(c, "id", db_text(st, 1));
			cJSON_AddStringToObject(c, "status", db_text(st, 2));
			cJSON_AddNumberToObject(c, "rank", sqlite3_column_int(st, 3));
		}
		rc = 0;
	}
	db_finalize(st);
	return rc;
}

int gquery_entity(struct db *db, const char *key, const struct gquery_opts *o,
		  cJSON **out, struct err *err)
{
	struct q q;
	cJSON *res = NULL, *attrs;
	int64_t code, id, cluster = 0, n;
	sqlite3_stmt *st;
	int rc = -1, step;

	*out = NULL;
	if (q_init(&q, db, err) < 0 || resolve(db, key, 0, &code, err) < 0)
		goto out;
	id = ID(code);
	st = q.ent_row;
	if (db_bind(st, err, "I", id) < 0 || (step = db_step(st, err)) < 0)
		goto out;
	if (step == 0) {
		err_set(err, "no entity '%s'", key);
		goto out;
	}
	res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "key", db_text(st, 0));
	cJSON_AddStringToObject(res, "type", db_text(st, 1));
	cJSON_AddStringToObject(res, "name", db_text(st, 2));
	attrs = cJSON_Parse(db_text(st, 3));
	cJSON_AddItemToObject(res, "attributes", attrs ? attrs : cJSON_CreateObject());
	cJSON_AddStringToObject(res, "first_seen", db_text(st, 4));
	cJSON_AddStringToObject(res, "last_seen", db_text(st, 5));
	cJSON_AddBoolToObject(res, "hub", sqlite3_column_int(st, 6));
	sqlite3_reset(st);
	/* A person's identifiers, or the persons holding an identifier. */
	if (add_strings(db, res, "identifiers",
			"SELECT e.key FROM (SELECT b AS other FROM link WHERE a = ?1 AND type IN ('holds','uses','drives') "
			" UNION SELECT a FROM link WHERE b = ?1 AND type IN ('holds','uses','drives')) x "
			"JOIN entity e ON e.id = x.other ORDER BY e.type = 'person', e.key LIMIT ?2",
			id, o->limit, err) < 0 ||
	    db_int(db, err, &n, "SELECT count(DISTINCT report_id) FROM mention WHERE entity_id = ?", "I", id) < 0)
		goto out;
	cJSON_AddNumberToObject(res, "n_reports", (double)n);
	if (add_strings(db, res, "reports",
			"SELECT r.source || '/' || r.ext_id FROM report r WHERE r.id IN "
			"(SELECT report_id FROM mention WHERE entity_id = ?1) "
			"ORDER BY coalesce(r.occurred_at, r.received_at) DESC, r.id LIMIT ?2",
			id, o->limit, err) < 0 ||
	    add_cluster_of(db, res, id, &cluster, err) < 0 ||
	    add_links(&q, res, id, 10, err) < 0 ||
	    add_companions(db, res, id, err) < 0 ||
	    add_series(db, res, "s.id IN (SELECT series_id FROM series_report WHERE report_id IN "
		       "(SELECT report_id FROM mention WHERE entity_id = ?))", id, err) < 0)
		goto out;
	if (cluster && add_history(db, res, cluster, err) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0) {
		cJSON_Delete(res);
		res = NULL;
	}
	*out = res;
	q_release(&q);
	return rc;
}

/* ---- search ---- */

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/*
 * A snippet around the first term found in text: up to 16 characters
 * each side, the term in brackets, as FTS5's snippet() marks them.
 */
static char *make_snippet(const char *text, const char *term)
{
	const char *hit = strstr(text, term), *a, *b;
	struct sbuf sb = SBUF_INIT;
	int n;

	if (!hit)
		return xstrdup("");
	a = hit;
	for (n = 0; a > text && n < 16; n++)
		do
			a--;
		while (a > text && ((unsigned char)*a & 0xC0) == 0x80);
	b = hit + strlen(term);
	for (n = 0; *b && n < 16; n++)
		do
			b++;
		while (*b && ((unsigned char)*b & 0xC0) == 0x80);
	if (a > text)
		sbuf_adds(&sb, "…");
	sbuf_add(&sb, a, (size_t)(hit - a));
	sbuf_addch(&sb, '[');
	sbuf_adds(&sb, term);
	sbuf_addch(&sb, ']');
	sbuf_add(&sb, hit + strlen(term), (size_t)(b - hit - strlen(term)));
	if (*b)
		sbuf_adds(&sb, "…");
	return sbuf_detach(&sb);
}

int gquery_search(struct db *db, const char *text, const struct gquery_opts *o,
		  cJSON **out, struct err *err)
{
	struct sbuf match = SBUF_INIT;
	cJSON *shorts = cJSON_CreateArray(), *res = NULL, *arr;
	char *shorts_json = NULL, *first_short = NULL;
	sqlite3_stmt *st = NULL;
	const char *p = text;
	int rc = -1;

	*out = NULL;
	/* Terms of three characters or more go to the trigram index; shorter ones to instr(). */
	while (*p) {
		size_t n;
		char *term;

		while (*p == ' ' || *p == '\t')
			p++;
		n = strcspn(p, " \t");
		if (!n)
			break;
		term = xstrndup(p, n);
		p += n;
		if (utf8_chars(term) >= 3) {
			if (match.len)
				sbuf_addch(&match, ' ');
			sbuf_addch(&match, '"');
			for (char *c = term; *c; c++) {
				if (*c == '"')
					sbuf_addch(&match, '"');
				sbuf_addch(&match, *c);
			}
			sbuf_addch(&match, '"');
		} else {
			cJSON_AddItemToArray(shorts, cJSON_CreateString(term));
			if (!first_short)
				first_short = xstrdup(term);
		}
		free(term);
	}
	if (!match.len && !first_short) {
		err_set(err, "nothing to search for");
		goto out;
	}
	shorts_json = cJSON_PrintUnformatted(shorts);
	if (match.len)
		rc = db_prepare(db, &st,
			"SELECT r.source || '/' || r.ext_id, r.kind, coalesce(r.occurred_at, r.received_at, ''), "
			" snippet(report_fts, 0, '[', ']', '…', 12), r.text "
			"FROM report_fts JOIN report r ON r.id = report_fts.rowid "
			"WHERE report_fts MATCH ?1 AND NOT EXISTS "
			" (SELECT 1 FROM json_each(?2) WHERE instr(r.text, value) = 0) "
			"ORDER BY report_fts.rank, r.id LIMIT ?3", err);
	else
		rc = db_prepare(db, &st,
			"SELECT r.source || '/' || r.ext_id, r.kind, coalesce(r.occurred_at, r.received_at, ''), "
			" NULL, r.text FROM report r WHERE ?1 IS NULL AND NOT EXISTS "
			" (SELECT 1 FROM json_each(?2) WHERE instr(r.text, value) = 0) "
			"ORDER BY coalesce(r.occurred_at, r.received_at) DESC, r.id LIMIT ?3", err);
	if (rc == 0 && match.len)
		rc = db_bind(st, err, "ssi", sbuf_str(&match), shorts_json, o->limit);
	else if (rc == 0)
		rc = db_bind(st, err, "nsi", shorts_json, o->limit);
	if (rc < 0)
		goto out;
	res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "query", text);
	arr = cJSON_AddArrayToObject(res, "reports");
	while ((rc = db_step(st, err)) == 1) {
		cJSON *r = cJSON_CreateObject();

		cJSON_AddStringToObject(r, "report", db_text(st, 0));
		cJSON_AddStringToObject(r, "kind", db_text(st, 1));
		cJSON_AddStringToObject(r, "date", db_text(st, 2));
		if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
			cJSON_AddStringToObject(r, "snippet", db_text(st, 3));
		} else {
			char *snip = make_snippet(db_text(st, 4), first_short);

			cJSON_AddStringToObject(r, "snippet", snip);
			free(snip);
		}
		cJSON_AddItemToArray(arr, r);
	}
	if (rc < 0)
		goto out;
	cJSON_AddNumberToObject(res, "count", cJSON_GetArraySize(arr));
	rc = 0;
out:
	if (rc < 0) {
		cJSON_Delete(res);
		res = NULL;
	}
	*out = res;
	db_finalize(st);
	cJSON_Delete(shorts);
	free(shorts_json);
	free(first_short);
	sbuf_release(&match);
	return rc;
}
