/*
 * community: the only file that runs igraph algorithms on the whole
 * graph.  Two igraph graphs are built from the model's edge list: the
 * clustering graph (no hubs, no skipped types, no edges decayed to
 * nothing) for components, communities and PageRank, and the same graph
 * cut at cluster borders for betweenness, so that betweenness says who
 * holds a cluster together and costs what the clusters cost, not what
 * the whole district costs.  Leiden optimises modularity here: node
 * weights are strengths and the resolution is divided by twice the total
 * weight, as igraph's documentation prescribes.
 */
#include "graph/community.h"
#include "graph/ig.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Build an undirected igraph of gm's vertices from the edges keep() accepts. */
struct keep_ctx {
	const struct gmodel *gm;
	const struct graph_conf *conf;
	const int32_t *clu;     /* NULL: the clustering graph; else only edges inside a cluster */
};

static int keep_edge(const struct keep_ctx *k, const struct gedge *e)
{
	if (!gmodel_edge_clustered(k->gm, e, k->conf))
		return 0;
	return !k->clu || (k->clu[e->u] >= 0 && k->clu[e->u] == k->clu[e->v]);
}

static int build(igraph_t *g, igraph_vector_t *w, const struct keep_ctx *k, struct err *err)
{
	igraph_vector_int_t ev;
	long m = 0;
	int rc;

	for (long i = 0; i < k->gm->ne; i++)
		m += keep_edge(k, &k->gm->e[i]);
	if (ig_check(igraph_vector_int_init(&ev, 2 * m), "allocating edges", err) < 0)
		return -1;
	if (w && ig_check(igraph_vector_init(w, m), "allocating weights", err) < 0) {
		igraph_vector_int_destroy(&ev);
		return -1;
	}
	m = 0;
	for (long i = 0; i < k->gm->ne; i++) {
		const struct gedge *e = &k->gm->e[i];

		if (!keep_edge(k, e))
			continue;
		VECTOR(ev)[2 * m] = e->u;
		VECTOR(ev)[2 * m + 1] = e->v;
		if (w)
			VECTOR(*w)[m] = e->w;
		m++;
	}
	rc = ig_check(igraph_create(g, &ev, k->gm->nv, IGRAPH_UNDIRECTED), "building the graph", err);
	igraph_vector_int_destroy(&ev);
	if (rc < 0 && w)
		igraph_vector_destroy(w);
	return rc;
}

struct size_ix {
	long size;
	long first;             /* smallest vertex */
	long ix;                /* igraph's label */
};

static int cmp_comp(const void *pa, const void *pb)
{
	const struct size_ix *a = pa, *b = pb;

	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

/*
 * Renumber igraph's labels: groups of at least min members get 1.. (by
 * size when by_size, else by smallest vertex), the rest 0; the new
 * number minus base goes into out.  Returns how many groups were kept.
 */
static long renumber(const igraph_vector_int_t *memb, long ngroups, long nv, long min,
		     int by_size, int base, int32_t *out, long **sizes)
{
	struct size_ix *g = xcalloc(ngroups + 1, sizeof(*g));
	long *to = xmalloc((ngroups + 1) * sizeof(*to));
	long kept = 0;

	for (long i = 0; i < ngroups; i++)
		g[i].first = -1, g[i].ix = i;
	for (long v = 0; v < nv; v++) {
		long c = VECTOR(*memb)[v];

		if (g[c].first < 0)
			g[c].first = v;
		g[c].size++;
	}
	if (by_size)
		qsort(g, ngroups, sizeof(*g), cmp_comp);
	/* else: g is already in label order; sort by first vertex below. */
	for (long i = 0; i < ngroups; i++)
		to[g[i].ix] = -1;
	if (!by_size) {
		/* Labels in order of their first vertex: walk the vertices. */
		for (long v = 0; v < nv; v++) {
			long c = VECTOR(*memb)[v];

			if (to[c] == -1 && g[c].size >= min)
				to[c] = ++kept;
		}
	} else {
		for (long i = 0; i < ngroups; i++)
			if (g[i].size >= min)
				to[g[i].ix] = ++kept;
	}
	if (sizes)
		*sizes = xcalloc(kept + 1, sizeof(**sizes));
	for (long v = 0; v < nv; v++) {
		long c = to[VECTOR(*memb)[v]];

		out[v] = (int32_t)(c > 0 ? c - base : (base ? -1 : 0));
		if (sizes && c > 0)
			(*sizes)[c - base]++;
	}
	free(g);
	free(to);
	return kept;
}

static int components(struct gcomm *gc, const struct gmodel *gm, const igraph_t *g,
		      struct err *err)
{
	igraph_vector_int_t memb;
	igraph_integer_t no = 0;
	int rc = -1;

	if (ig_check(igraph_vector_int_init(&memb, 0), "allocating", err) < 0)
		return -1;
	if (ig_check(igraph_connected_components(g, &memb, NULL, &no, IGRAPH_WEAK),
		     "connected components", err) < 0)
		goto out;
	gc->ncomp = renumber(&memb, no, gm->nv, 2, 1, 0, gc->comp, NULL);
	rc = 0;
out:
	igraph_vector_int_destroy(&memb);
	return rc;
}

static int communities(struct gcomm *gc, const struct gmodel *gm, const struct graph_conf *conf,
		       const igraph_t *g, const igraph_vector_t *w, struct err *err)
{
	igraph_vector_int_t memb;
	igraph_vector_t nodew;
	igraph_integer_t nb = 0;
	igraph_real_t quality, total = igraph_vector_sum(w);
	int rc = -1, leiden = !strcmp(conf->community, "leiden");

	if (ig_check(igraph_vector_int_init(&memb, gm->nv), "allocating", err) < 0)
		return -1;
	if (ig_check(igraph_vector_init(&nodew, gm->nv), "allocating", err) < 0) {
		igraph_vector_int_destroy(&memb);
		return -1;
	}
	for (long v = 0; v < gm->nv; v++)
		VECTOR(nodew)[v] = gc->strength[v];
	if (total <= 0) {
		/* No edges: every vertex is its own community. */
		for (long v = 0; v < gm->nv; v++)
			VECTOR(memb)[v] = v;
		nb = gm->nv;
		gc->method = "none";
	} else {
		igraph_error_t irc = IGRAPH_FAILURE;

		if (leiden) {
			irc = igraph_community_leiden(g, w, &nodew, conf->resolution / (2 * total),
						      conf->leiden_beta, 0, conf->leiden_iterations,
						      &memb, &nb, &quality);
			gc->method = "leiden";
		}
		if (irc != IGRAPH_SUCCESS) {
			irc = igraph_community_multilevel(g, w, conf->resolution, &memb, NULL, NULL);
			nb = igraph_vector_int_size(&memb) ? igraph_vector_int_max(&memb) + 1 : 0;
			gc->method = "multilevel";
		}
		if (ig_check(irc, "community detection", err) < 0)
			goto out;
	}
	gc->nclu = renumber(&memb, nb, gm->nv, conf->min_cluster_size, 0, 1, gc->clu, &gc->clu_size);
	/* Vertices left out of clustering belong to no cluster. */
	for (long v = 0; v < gm->nv; v++)
		if (gm->out[v] && gc->clu[v] >= 0) {
			err_set(err, "internal: vertex %ld is left out of clustering but clustered", v);
			goto out;
		}
	rc = 0;
out:
	igraph_vector_int_destroy(&memb);
	igraph_vector_destroy(&nodew);
	return rc;
}

static int pagerank(struct gcomm *gc, const struct gmodel *gm, const struct graph_conf *conf,
		    const igraph_t *g, const igraph_vector_t *w, struct err *err)
{
	igraph_vector_t pr;
	int rc;

	if (ig_check(igraph_vector_init(&pr, 0), "allocating", err) < 0)
		return -1;
	rc = ig_check(igraph_pagerank(g, IGRAPH_PAGERANK_ALGO_PRPACK, &pr, NULL, igraph_vss_all(),
				      IGRAPH_UNDIRECTED, conf->pagerank_damping,
				      igraph_vector_size(w) ? w : NULL, NULL),
		      "pagerank", err);
	if (rc == 0)
		for (long v = 0; v < gm->nv; v++)
			gc->pagerank[v] = gm->out[v] ? 0 : VECTOR(pr)[v];
	igraph_vector_destroy(&pr);
	return rc;
}

static int betweenness(struct gcomm *gc, const struct gmodel *gm, const struct graph_conf *conf,
		       struct err *err)
{
	struct keep_ctx k = { gm, conf, gc->clu };
	igraph_t g;
	igraph_vector_t res;
	int rc;

	if (build(&g, NULL, &k, err) < 0)
		return -1;
	if (ig_check(igraph_vector_init(&res, 0), "allocating", err) < 0) {
		igraph_destroy(&g);
		return -1;
	}
	rc = ig_check(igraph_betweenness_cutoff(&g, &res, igraph_vss_all(), IGRAPH_UNDIRECTED,
						NULL, conf->betweenness_cutoff),
		      "betweenness", err);
	if (rc == 0)
		for (long v = 0; v < gm->nv; v++)
			gc->betweenness[v] = VECTOR(res)[v];
	igraph_vector_destroy(&res);
	igraph_destroy(&g);
	return rc;
}

int gcomm_compute(struct gcomm *gc, const struct gmodel *gm, const struct graph_conf *conf,
		  struct err *err)
{
	struct keep_ctx k = { gm, conf, NULL };
	igraph_t g;
	igraph_vector_t w;
	double t0 = now_secs(), t1;
	int rc = -1;

	memset(gc, 0, sizeof(*gc));
	gc->comp = xcalloc(gm->nv + 1, sizeof(*gc->comp));
	gc->clu = xmalloc((gm->nv + 1) * sizeof(*gc->clu));
	gc->degree = xcalloc(gm->nv + 1, sizeof(*gc->degree));
	gc->strength = xcalloc(gm->nv + 1, sizeof(*gc->strength));
	gc->pagerank = xcalloc(gm->nv + 1, sizeof(*gc->pagerank));
	gc->betweenness = xcalloc(gm->nv + 1, sizeof(*gc->betweenness));
	for (long v = 0; v < gm->nv; v++)
		gc->degree[v] = (int32_t)(gm->off[v + 1] - gm->off[v]);
	for (long i = 0; i < gm->ne; i++) {
		const struct gedge *e = &gm->e[i];

		if (gmodel_edge_clustered(gm, e, conf)) {
			gc->strength[e->u] += e->w;
			gc->strength[e->v] += e->w;
		}
	}
	if (build(&g, &w, &k, err) < 0)
		return -1;
	if (components(gc, gm, &g, err) < 0 || communities(gc, gm, conf, &g, &w, err) < 0)
		goto out;
	t1 = now_secs();
	gc->secs_cluster = t1 - t0;
	if (pagerank(gc, gm, conf, &g, &w, err) < 0 || betweenness(gc, gm, conf, err) < 0)
		goto out;
	gc->secs_centrality = now_secs() - t1;
	rc = 0;
out:
	igraph_vector_destroy(&w);
	igraph_destroy(&g);
	return rc;
}

void gcomm_release(struct gcomm *gc)
{
	free(gc->comp);
	free(gc->clu);
	free(gc->clu_size);
	free(gc->degree);
	free(gc->strength);
	free(gc->pagerank);
	free(gc->betweenness);
	memset(gc, 0, sizeof(*gc));
}
