/*
 * layout: one small igraph per picture, of the drawn members and the
 * model's edges among them (a member's other neighbours are not drawn,
 * so they do not pull).  Fruchterman-Reingold starts from positions
 * drawn from igraph's default generator, seeded for each picture, so a
 * picture depends only on its own members and edges, not on which other
 * clusters were laid out before it.  Edge weights, divided by the
 * heaviest, scale the attraction: members joined by many reports sit
 * closer.  The result is scaled by one factor on both axes (the shape
 * is kept) and centred in [0.05, 0.95], the box the report draws in.
 */
#include "graph/layout.h"
#include "graph/ig.h"
#include "common/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* A drawn vertex and its place in the member list. */
struct at {
	int32_t v;
	long i;
};

static int cmp_at(const void *pa, const void *pb)
{
	const struct at *a = pa, *b = pb;

	return a->v < b->v ? -1 : a->v > b->v;
}

/* The place of vertex v in the member list (s sorted by vertex), or -1. */
static long find(const struct at *s, long n, int32_t v)
{
	struct at key = { v, 0 };
	const struct at *p = n > 0 ? bsearch(&key, s, (size_t)n, sizeof(*s), cmp_at) : NULL;

	return p ? p->i : -1;
}

/* Scale and centre the n points of m into xy, inside [0.05, 0.95] on both axes. */
static void normalise(const igraph_matrix_t *m, long n, double *xy)
{
	double lo[2], hi[2], span, scale;

	for (int k = 0; k < 2; k++) {
		lo[k] = hi[k] = MATRIX(*m, 0, k);
		for (long i = 1; i < n; i++) {
			if (MATRIX(*m, i, k) < lo[k])
				lo[k] = MATRIX(*m, i, k);
			if (MATRIX(*m, i, k) > hi[k])
				hi[k] = MATRIX(*m, i, k);
		}
	}
	span = hi[0] - lo[0] > hi[1] - lo[1] ? hi[0] - lo[0] : hi[1] - lo[1];
	scale = span > 0 ? 0.9 / span : 0;
	for (long i = 0; i < n; i++)
		for (int k = 0; k < 2; k++) {
			double v = 0.5 + (MATRIX(*m, i, k) - (lo[k] + hi[k]) / 2) * scale;

			/* Rounding must not step outside the box the report draws in. */
			xy[2 * i + k] = v < 0.05 ? 0.05 : v > 0.95 ? 0.95 : v;
		}
}

int glayout_compute(const struct gmodel *gm, const int32_t *mem, long n, long iterations,
		    unsigned long seed, double *xy, struct err *err)
{
	struct at *s = xmalloc((n + 1) * sizeof(*s));
	igraph_vector_int_t ev;
	igraph_vector_t w;
	igraph_matrix_t res;
	igraph_t g;
	double maxw = 0;
	int rc = -1;

	for (long i = 0; i < n; i++) {
		s[i].v = mem[i];
		s[i].i = i;
	}
	qsort(s, n, sizeof(*s), cmp_at);
	if (ig_check(igraph_vector_int_init(&ev, 0), "allocating", err) < 0)
		goto out_free;
	if (ig_check(igraph_vector_init(&w, 0), "allocating", err) < 0)
		goto out_ev;
	if (ig_check(igraph_matrix_init(&res, 0, 0), "allocating", err) < 0)
		goto out_w;
	for (long i = 0; i < n; i++) {
		int32_t u = mem[i];

		for (long j = gm->off[u]; j < gm->off[u + 1]; j++) {
			long k = find(s, n, gm->adj[j]);
			double wt = gm->e[gm->adj_edge[j]].w;

			if (k < 0 || gm->adj[j] < u)
				continue;
			if (ig_check(igraph_vector_int_push_back(&ev, i), "allocating", err) < 0 ||
			    ig_check(igraph_vector_int_push_back(&ev, k), "allocating", err) < 0 ||
			    ig_check(igraph_vector_push_back(&w, wt), "allocating", err) < 0)
				goto out_res;
			if (wt > maxw)
				maxw = wt;
		}
	}
	/* Attraction relative to the heaviest edge, never quite nothing. */
	for (long e = 0; e < igraph_vector_size(&w); e++)
		VECTOR(w)[e] = maxw > 0 && VECTOR(w)[e] / maxw > 0.1 ? VECTOR(w)[e] / maxw : 0.1;
	if (ig_check(igraph_create(&g, &ev, n, IGRAPH_UNDIRECTED), "building a picture", err) < 0)
		goto out_res;
	igraph_rng_seed(igraph_rng_default(), seed);
	rc = ig_check(igraph_layout_fruchterman_reingold(&g, &res, 0, iterations > 0 ? iterations : 1,
							 (double)n / 10 > 1 ? (double)n / 10 : 1,
							 IGRAPH_LAYOUT_NOGRID, &w,
							 NULL, NULL, NULL, NULL),
		      "layout", err);
	if (rc == 0)
		normalise(&res, n, xy);
	igraph_destroy(&g);
out_res:
	igraph_matrix_destroy(&res);
out_w:
	igraph_vector_destroy(&w);
out_ev:
	igraph_vector_int_destroy(&ev);
out_free:
	free(s);
	return rc;
}

void glayouts_add(struct glayouts *L, int64_t cluster_id, const int32_t *mem, long n,
		  unsigned long seed)
{
	L->job = xgrow(L->job, &L->cap, (size_t)L->njob + 1, sizeof(*L->job));
	L->job[L->njob++] = (struct glayout_job){ cluster_id, mem, n, seed,
						  xmalloc((2 * (size_t)n + 1) * sizeof(double)) };
}

static void *layouts_main(void *arg)
{
	struct glayouts *L = arg;

	ig_thread_setup();
	for (long i = 0; i < L->njob && L->rc == 0; i++) {
		const struct glayout_job *j = &L->job[i];

		L->rc = glayout_compute(L->gm, j->mem, j->n, L->iterations, j->seed, j->xy, &L->err);
	}
	return NULL;
}

void glayouts_start(struct glayouts *L, const struct gmodel *gm, long iterations)
{
	L->gm = gm;
	L->iterations = iterations;
	L->rc = 0;
	L->started = pthread_create(&L->thread, NULL, layouts_main, L) == 0;
	if (!L->started)
		layouts_main(L);
}

static void layouts_wait(struct glayouts *L)
{
	if (L->started) {
		pthread_join(L->thread, NULL);
		L->started = 0;
	}
}

int glayouts_write(struct glayouts *L, struct db *db, const char *night, struct err *err)
{
	sqlite3_stmt *ins = NULL;
	int rc;

	layouts_wait(L);
	if (L->rc < 0) {
		*err = L->err;
		return -1;
	}
	rc = db_prepare(db, &ins, "INSERT INTO cluster_layout(cluster_id, night, entity_id, x, y) "
			"VALUES (?, ?, ?, ?, ?)", err);
	for (long i = 0; i < L->njob && rc == 0; i++) {
		const struct glayout_job *j = &L->job[i];

		for (long k = 0; k < j->n && rc == 0; k++)
			if (db_bind(ins, err, "IsIdd", j->cluster_id, night, L->gm->eid[j->mem[k]],
				    j->xy[2 * k], j->xy[2 * k + 1]) < 0 || db_step(ins, err) < 0)
				rc = -1;
	}
	db_finalize(ins);
	return rc;
}

void glayouts_release(struct glayouts *L)
{
	layouts_wait(L);
	for (long i = 0; i < L->njob; i++)
		free(L->job[i].xy);
	free(L->job);
	memset(L, 0, sizeof(*L));
}
