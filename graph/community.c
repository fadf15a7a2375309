/*
 * community: the only file that runs igraph algorithms on the whole
 * graph.  The clustering graph (no hubs, no skipped types, no edges
 * decayed to nothing) gives the components (by union-find) and the
 * communities (an igraph graph of all of it only on a first night; one
 * more night clusters the part that changed), and the same graph cut at
 * cluster borders betweenness and PageRank, so that they say who holds
 * a cluster together and cost what the clusters cost, not what the
 * whole district costs.  The igraph graphs hold only the vertices that
 * have a clustered edge (most entities of a district are named once,
 * alone), numbered in vertex order so results do not depend on the
 * mapping.
 * Leiden optimises modularity here: node weights are strengths and the
 * resolution is divided by twice the total weight, as igraph's
 * documentation prescribes.  After the first night it starts from last
 * night's clusters: where the links did not change the partition is
 * already as good as Leiden makes it and stays, so clusters keep their
 * members (and their rows, and their ids) instead of being drawn anew
 * from a random order each night; where new links arrived Leiden moves
 * what they touched.
 */
#include "graph/community.h"
#include "graph/ig.h"
#include "graph/uf.h"
#include "common/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_secs(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The vertices of the clustering graph: model vertex <-> igraph vertex. */
struct compact {
	int32_t *to;            /* [nv] igraph vertex, or -1 */
	int32_t *from;          /* [n] model vertex */
	long n;
};

struct keep_ctx {
	const struct gmodel *gm;
	const struct graph_conf *conf;
	const int32_t *clu;     /* NULL: the clustering graph; else only edges inside a cluster */
	const unsigned char *only;      /* NULL, or only edges between vertices marked here */
};

static int keep_edge(const struct keep_ctx *k, const struct gedge *e)
{
	if (!gmodel_edge_clustered(k->gm, e))
		return 0;
	if (k->only && (!k->only[e->u] || !k->only[e->v]))
		return 0;
	return !k->clu || (k->clu[e->u] >= 0 && k->clu[e->u] == k->clu[e->v]);
}

/*
 * The vertices with an edge k keeps.  With k->only, an edge it keeps has
 * both ends marked: the marked vertices' own edges are looked at, not
 * every edge of the district (one more night marks the vertices of the
 * clusters that changed).
 */
static void compact_init(struct compact *c, const struct keep_ctx *k)
{
	const struct gmodel *gm = k->gm;

	c->to = xmalloc((gm->nv + 1) * sizeof(*c->to));
	c->from = xmalloc((gm->nv + 1) * sizeof(*c->from));
	c->n = 0;
	for (long v = 0; v < gm->nv; v++)
		c->to[v] = -1;
	if (k->only) {
		for (long v = 0; v < gm->nv; v++) {
			if (!k->only[v])
				continue;
			for (long j = gm->off[v]; j < gm->off[v + 1]; j++)
				if (keep_edge(k, &gm->e[gm->adj_edge[j]])) {
					c->to[v] = 0;
					break;
				}
		}
	} else {
		for (long i = 0; i < gm->ne; i++) {
			if (!keep_edge(k, &gm->e[i]))
				continue;
			c->to[gm->e[i].u] = 0;
			c->to[gm->e[i].v] = 0;
		}
	}
	for (long v = 0; v < gm->nv; v++) {
		if (c->to[v] < 0)
			continue;
		c->to[v] = (int32_t)c->n;
		c->from[c->n++] = (int32_t)v;
	}
}

static void compact_release(struct compact *c)
{
	free(c->to);
	free(c->from);
}

/*
 * An undirected igraph g on c's vertices of the edges k accepts, and
 * their weights in w (both caller-owned on success, neither on error).
 */
static int build(igraph_t *g, igraph_vector_t *w, const struct keep_ctx *k,
		 const struct compact *c, struct err *err)
{
	igraph_vector_int_t ev;
	long m = 0;
	int rc;

	for (long i = 0; i < k->gm->ne; i++)
		m += keep_edge(k, &k->gm->e[i]);
	if (ig_check(igraph_vector_int_init(&ev, 2 * m), "allocating edges", err) < 0)
		return -1;
	if (ig_check(igraph_vector_init(w, m), "allocating weights", err) < 0) {
		igraph_vector_int_destroy(&ev);
		return -1;
	}
	m = 0;
	for (long i = 0; i < k->gm->ne; i++) {
		const struct gedge *e = &k->gm->e[i];

		if (!keep_edge(k, e))
			continue;
		VECTOR(ev)[2 * m] = c->to[e->u];
		VECTOR(ev)[2 * m + 1] = c->to[e->v];
		VECTOR(*w)[m] = e->w;
		m++;
	}
	rc = ig_check(igraph_create(g, &ev, c->n, IGRAPH_UNDIRECTED), "building the graph", err);
	igraph_vector_int_destroy(&ev);
	if (rc < 0)
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
 * Renumber igraph's labels (memb, over c's vertices): groups of at least
 * min members get 1.. (by size when by_size, else by smallest vertex),
 * the others none.  out[v] for every model vertex gets the number minus
 * base, or base ? -1 : 0 for none.  Returns how many groups were kept.
 */
static long renumber(const igraph_vector_int_t *memb, long ngroups, const struct compact *c,
		     long nv, long min, int by_size, int base, int32_t *out, long **sizes)
{
	struct size_ix *g = xcalloc(ngroups + 1, sizeof(*g));
	long *to = xmalloc((ngroups + 1) * sizeof(*to));
	long kept = 0;

	for (long i = 0; i < ngroups; i++) {
		g[i].first = -1;
		g[i].ix = i;
		to[i] = -1;
	}
	for (long x = 0; x < c->n; x++) {
		long l = VECTOR(*memb)[x];

		if (g[l].first < 0)
			g[l].first = x;
		g[l].size++;
	}
	if (by_size) {
		if (ngroups > 1)
			qsort(g, ngroups, sizeof(*g), cmp_comp);
		for (long i = 0; i < ngroups; i++)
			if (g[i].size >= min)
				to[g[i].ix] = ++kept;
	} else {
		/* In order of their first vertex: walk the vertices (g is in label order). */
		for (long x = 0; x < c->n; x++) {
			long l = VECTOR(*memb)[x];

			if (to[l] == -1 && g[l].size >= min)
				to[l] = ++kept;
		}
	}
	if (sizes)
		*sizes = xcalloc(kept + 1, sizeof(**sizes));
	for (long v = 0; v < nv; v++)
		out[v] = base ? -1 : 0;
	for (long x = 0; x < c->n; x++) {
		long k = to[VECTOR(*memb)[x]];

		if (k <= 0)
			continue;
		out[c->from[x]] = (int32_t)(k - base);
		if (sizes)
			(*sizes)[k - base]++;
	}
	free(g);
	free(to);
	return kept;
}

/* memb[x] gets x's set as a label 0.. in order of first vertex; returns how many. */
static long uf_label(int32_t *parent, long n, igraph_vector_int_t *memb)
{
	long *label = xmalloc((n + 1) * sizeof(*label));
	long next = 0;

	for (long x = 0; x < n; x++)
		label[x] = -1;
	for (long x = 0; x < n; x++) {
		long root = guf_find(parent, (int32_t)x);

		if (label[root] < 0)
			label[root] = next++;
		VECTOR(*memb)[x] = label[root];
	}
	free(label);
	return next;
}

/*
 * Connected components, by union-find over the edges k keeps: a night
 * that clusters only what changed needs no igraph graph of the whole
 * district.  renumber numbers them by size whatever the labels.
 */
static int components(struct gcomm *gc, const struct gmodel *gm, const struct compact *c,
		      const struct keep_ctx *k, struct err *err)
{
	igraph_vector_int_t memb;
	int32_t *parent = xmalloc((c->n + 1) * sizeof(*parent));
	long no;

	if (ig_check(igraph_vector_int_init(&memb, c->n), "allocating", err) < 0) {
		free(parent);
		return -1;
	}
	for (long x = 0; x < c->n; x++)
		parent[x] = (int32_t)x;
	for (long i = 0; i < gm->ne; i++)
		if (keep_edge(k, &gm->e[i]))
			guf_union(parent, c->to[gm->e[i].u], c->to[gm->e[i].v]);
	no = uf_label(parent, c->n, &memb);
	gc->ncomp = renumber(&memb, no, c, gm->nv, 2, 1, 0, gc->comp, NULL);
	gc->comp_id = xcalloc(gc->ncomp + 1, sizeof(*gc->comp_id));
	for (long v = 0; v < gm->nv; v++)
		if (gc->comp[v] > 0 && gc->comp_id[gc->comp[v]] == 0)
			gc->comp_id[gc->comp[v]] = gm->eid[v];
	igraph_vector_int_destroy(&memb);
	free(parent);
	return 0;
}

/*
 * Leiden's starting partition: last night's cluster of each vertex
 * (start, per model vertex, -1 for none), every other vertex alone.  A
 * cluster that tonight's clustering graph leaves in pieces (a link
 * decayed away, an entity became a hub or was merged) starts as its
 * pieces: Leiden keeps a starting cluster it has no reason to change,
 * and a cluster must be connected.  The pieces are the sets of a
 * union-find over the edges inside a starting cluster; labels are
 * 0.. in order of first vertex, as igraph wants them.
 */
static long warm_start(igraph_vector_int_t *memb, const int32_t *start, const struct compact *c,
		       const struct keep_ctx *k)
{
	const struct gmodel *gm = k->gm;
	int32_t *parent = xmalloc((c->n + 1) * sizeof(*parent));
	long n;

	for (long x = 0; x < c->n; x++)
		parent[x] = (int32_t)x;
	if (k->only) {
		/*
		 * The edges k keeps join c's vertices (those with one): each is
		 * taken from its lower end's adjacency.  The pieces, so the
		 * labels, do not depend on the order of the unions.
		 */
		for (long x = 0; x < c->n; x++) {
			int32_t u = c->from[x];

			if (start[u] < 0)
				continue;
			for (long j = gm->off[u]; j < gm->off[u + 1]; j++) {
				int32_t v = gm->adj[j];

				if (v > u && start[v] == start[u] && c->to[v] >= 0 &&
				    keep_edge(k, &gm->e[gm->adj_edge[j]]))
					guf_union(parent, (int32_t)x, c->to[v]);
			}
		}
	} else {
		for (long i = 0; i < gm->ne; i++) {
			const struct gedge *e = &gm->e[i];

			if (start[e->u] < 0 || start[e->u] != start[e->v] || c->to[e->u] < 0 ||
			    c->to[e->v] < 0 || !keep_edge(k, e))
				continue;
			guf_union(parent, c->to[e->u], c->to[e->v]);
		}
	}
	n = uf_label(parent, c->n, memb);
	free(parent);
	return n;
}

/*
 * Which of the vertices to cluster again Leiden moves one by one
 * (loose[v] = 1): those whose clustered links changed and those within
 * conf->recluster_hops of them over the clustering graph, and every
 * member of a cluster of up to conf->recluster_whole members last night,
 * or of none.  The rest of a larger cluster is far from what changed:
 * it moves only as a whole piece.  Returns owned [nv].
 */
static unsigned char *loose_vertices(const struct gcomm *gc, const struct gmodel *gm,
				     const struct graph_conf *conf, const struct keep_ctx *k,
				     const struct gcomm_prev *prev)
{
	unsigned char *loose = xcalloc(gm->nv + 1, 1);
	int32_t *dist = xmalloc((gm->nv + 1) * sizeof(*dist));
	int32_t *queue = xmalloc((gm->nv + 1) * sizeof(*queue));
	long head = 0, tail = 0;

	for (long v = 0; v < gm->nv; v++) {
		dist[v] = -1;
		if (gc->redo[v] && gc->sig[v] != prev->sig[v]) {
			dist[v] = 0;
			queue[tail++] = (int32_t)v;
		}
	}
	while (head < tail) {
		int32_t u = queue[head++];

		if (dist[u] >= conf->recluster_hops)
			continue;
		for (long j = gm->off[u]; j < gm->off[u + 1]; j++) {
			int32_t w = gm->adj[j];

			if (gc->redo[w] && dist[w] < 0 && keep_edge(k, &gm->e[gm->adj_edge[j]])) {
				dist[w] = dist[u] + 1;
				queue[tail++] = w;
			}
		}
	}
	for (long v = 0; v < gm->nv; v++) {
		int32_t o = prev->clu[v];

		loose[v] = gc->redo[v] && (dist[v] >= 0 || o < 0 || prev->size[o] <= conf->recluster_whole);
	}
	free(dist);
	free(queue);
	return loose;
}

/* An edge of the contracted graph. */
struct cedge {
	int32_t a, b;           /* a < b */
	double w;
};

static int cmp_cedge(const void *pa, const void *pb)
{
	const struct cedge *x = pa, *y = pb;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return (x->b > y->b) - (x->b < y->b);
}

/*
 * The graph Leiden runs on: sub's vertices with the pieces that do not
 * move one by one contracted.  node[x] gets the node of sub vertex x:
 * a loose vertex is a node of its own; the others, one node per set of
 * them that edges inside one of last night's clusters join (connected,
 * so a community stays connected when its nodes are expanded), of at
 * most conf->recluster_piece vertices: a piece that held most of its
 * cluster would leave it at the price of its few links to the loose
 * rest, and large clusters merged that one by one never would.  Nodes
 * are numbered in order of their first vertex, so with nothing
 * contracted the graph is sub's own, edge for edge.  Node weights are
 * the summed strengths; parallel edges are summed, edges inside a node
 * dropped (they add the same to every partition).  Returns the number of
 * nodes, or -1 with err set.
 */
static long contract(igraph_t *g, igraph_vector_t *w, igraph_vector_t *nodew, int32_t *node,
		     const struct gcomm *gc, const struct keep_ctx *k, const struct compact *sub,
		     const unsigned char *loose, const int32_t *start, struct err *err)
{
	const struct gmodel *gm = k->gm;
	int32_t *parent = xmalloc((sub->n + 1) * sizeof(*parent));
	int32_t *size = xmalloc((sub->n + 1) * sizeof(*size));
	long piece = k->conf->recluster_piece;
	struct cedge *ce = NULL;
	size_t cap = 0;
	long nn = 0, m = 0;
	igraph_vector_int_t ev;
	int rc = -1;

	for (long x = 0; x < sub->n; x++) {
		parent[x] = (int32_t)x;
		size[x] = 1;
	}
	for (long i = 0; i < gm->ne; i++) {
		const struct gedge *e = &gm->e[i];
		int32_t ra, rb;

		if (loose[e->u] || loose[e->v] || start[e->u] != start[e->v] || !keep_edge(k, e))
			continue;
		ra = guf_find(parent, sub->to[e->u]);
		rb = guf_find(parent, sub->to[e->v]);
		if (ra == rb || size[ra] + size[rb] > piece)
			continue;
		guf_union(parent, ra, rb);
		size[ra < rb ? ra : rb] = size[ra] + size[rb];
	}
	free(size);
	for (long x = 0; x < sub->n; x++) {
		int32_t r = guf_find(parent, (int32_t)x);

		node[x] = r == x ? (int32_t)nn++ : node[r];
	}
	free(parent);
	for (long i = 0; i < gm->ne; i++) {
		const struct gedge *e = &gm->e[i];
		int32_t a, b;

		if (!keep_edge(k, e))
			continue;
		a = node[sub->to[e->u]];
		b = node[sub->to[e->v]];
		if (a == b)
			continue;
		ce = xgrow(ce, &cap, (size_t)m + 1, sizeof(*ce));
		ce[m].a = a < b ? a : b;
		ce[m].b = a < b ? b : a;
		ce[m++].w = e->w;
	}
	if (m > 1 && nn < sub->n)
		qsort(ce, m, sizeof(*ce), cmp_cedge);
	{
		long n = 0;

		for (long i = 0; i < m; i++) {
			if (n > 0 && ce[n - 1].a == ce[i].a && ce[n - 1].b == ce[i].b)
				ce[n - 1].w += ce[i].w;
			else
				ce[n++] = ce[i];
		}
		m = n;
	}
	if (ig_check(igraph_vector_int_init(&ev, 2 * m), "allocating edges", err) < 0)
		goto out;
	if (ig_check(igraph_vector_init(w, m), "allocating weights", err) < 0)
		goto out_ev;
	if (ig_check(igraph_vector_init(nodew, nn), "allocating weights", err) < 0)
		goto out_w;
	for (long i = 0; i < m; i++) {
		VECTOR(ev)[2 * i] = ce[i].a;
		VECTOR(ev)[2 * i + 1] = ce[i].b;
		VECTOR(*w)[i] = ce[i].w;
	}
	for (long x = 0; x < sub->n; x++)
		VECTOR(*nodew)[node[x]] += gc->strength[sub->from[x]];
	if (ig_check(igraph_create(g, &ev, nn, IGRAPH_UNDIRECTED), "building the graph", err) < 0) {
		igraph_vector_destroy(nodew);
		goto out_w;
	}
	rc = 0;
	goto out_ev;
out_w:
	igraph_vector_destroy(w);
out_ev:
	igraph_vector_int_destroy(&ev);
out:
	free(ce);
	return rc < 0 ? -1 : nn;
}

/*
 * Leiden over the vertices marked in gc->redo only, starting from
 * last night's clusters cut into their connected pieces: the subgraph
 * of these vertices and the edges between them, with each vertex's
 * whole strength as its weight and the whole graph's resolution, so a
 * cluster is judged as in the whole graph; the others keep their
 * starting piece.  Inside the subgraph, what lies far from the changed
 * links of a large cluster is contracted (loose_vertices, contract):
 * Leiden optimises the same quality over partitions that keep each
 * such piece whole.  memb (over c) gets every vertex's label and nb how
 * many labels there are.  Returns igraph's error code.
 */
static igraph_error_t leiden_free(struct gcomm *gc, const struct gmodel *gm,
				  const struct graph_conf *conf, const struct compact *c,
				  const struct gcomm_prev *prev, igraph_real_t resolution,
				  igraph_vector_int_t *memb, igraph_integer_t *nb)
{
	struct keep_ctx all = { gm, conf, NULL, NULL }, k = { gm, conf, NULL, gc->redo };
	struct compact sub;
	igraph_vector_int_t smemb, nmemb;
	igraph_vector_t sw, snodew;
	igraph_integer_t snb = 0;
	igraph_real_t quality;
	igraph_t sg;
	igraph_error_t irc;
	struct err err;
	unsigned char *loose;
	int32_t *node;
	long base = warm_start(memb, prev->clu, c, &all), nn;

	*nb = base;
	compact_init(&sub, &k);
	if (sub.n == 0) {
		compact_release(&sub);
		return IGRAPH_SUCCESS;
	}
	loose = loose_vertices(gc, gm, conf, &k, prev);
	node = xmalloc((sub.n + 1) * sizeof(*node));
	nn = contract(&sg, &sw, &snodew, node, gc, &k, &sub, loose, prev->clu, &err);
	free(loose);
	if (nn < 0) {
		free(node);
		compact_release(&sub);
		return IGRAPH_ENOMEM;
	}
	gc->nnodes = nn;
	irc = igraph_vector_int_init(&smemb, sub.n);
	if (irc == IGRAPH_SUCCESS) {
		irc = igraph_vector_int_init(&nmemb, nn);
		if (irc == IGRAPH_SUCCESS) {
			/* A node starts in the piece of its vertices (one piece: they are joined). */
			warm_start(&smemb, prev->clu, &sub, &k);
			for (long x = 0; x < sub.n; x++)
				VECTOR(nmemb)[node[x]] = VECTOR(smemb)[x];
			irc = igraph_community_leiden(&sg, &sw, &snodew, resolution, conf->leiden_beta, 1,
						      conf->leiden_iterations, &nmemb, &snb, &quality);
			if (irc == IGRAPH_SUCCESS) {
				for (long x = 0; x < sub.n; x++)
					VECTOR(*memb)[c->to[sub.from[x]]] = base + VECTOR(nmemb)[node[x]];
				*nb = base + snb;
			}
			igraph_vector_int_destroy(&nmemb);
		}
		igraph_vector_int_destroy(&smemb);
	}
	igraph_vector_destroy(&snodew);
	igraph_vector_destroy(&sw);
	igraph_destroy(&sg);
	free(node);
	compact_release(&sub);
	return irc;
}

/*
 * The communities of c's vertices; total is the weight of the edges k
 * keeps.  The igraph graph of the whole clustering graph, and the
 * vector of its weights, are built only where they are used: a first
 * night, or the fallback.
 */
static int communities(struct gcomm *gc, const struct gmodel *gm, const struct graph_conf *conf,
		       const struct compact *c, const struct keep_ctx *k, double total,
		       const struct gcomm_prev *prev, struct err *err)
{
	igraph_vector_int_t memb;
	igraph_vector_t nodew, w;
	igraph_integer_t nb = 0;
	igraph_real_t quality;
	igraph_t g;
	int rc = -1, built = 0;

	if (ig_check(igraph_vector_int_init(&memb, c->n), "allocating", err) < 0)
		return -1;
	if (ig_check(igraph_vector_init(&nodew, c->n), "allocating", err) < 0) {
		igraph_vector_int_destroy(&memb);
		return -1;
	}
	for (long x = 0; x < c->n; x++)
		VECTOR(nodew)[x] = gc->strength[c->from[x]];
	gc->method = "none";
	if (c->n > 0 && total > 0) {
		igraph_error_t irc = IGRAPH_FAILURE;

		if (!strcmp(conf->community, "leiden")) {
			if (prev) {
				irc = leiden_free(gc, gm, conf, c, prev, conf->resolution / (2 * total),
						  &memb, &nb);
			} else {
				if (build(&g, &w, k, c, err) < 0)
					goto out;
				built = 1;
				irc = igraph_community_leiden(&g, &w, &nodew, conf->resolution / (2 * total),
							      conf->leiden_beta, 0, conf->leiden_iterations,
							      &memb, &nb, &quality);
			}
			gc->method = "leiden";
		}
		if (irc != IGRAPH_SUCCESS) {
			if (!built && build(&g, &w, k, c, err) < 0)
				goto out;
			built = 1;
			irc = igraph_community_multilevel(&g, &w, conf->resolution, &memb, NULL, NULL);
			nb = igraph_vector_int_size(&memb) ? igraph_vector_int_max(&memb) + 1 : 0;
			gc->method = "multilevel";
		}
		if (ig_check(irc, "community detection", err) < 0)
			goto out;
	}
	gc->nclu = renumber(&memb, nb, c, gm->nv, conf->min_cluster_size, 0, 1, gc->clu, &gc->clu_size);
	rc = 0;
out:
	if (built) {
		igraph_destroy(&g);
		igraph_vector_destroy(&w);
	}
	igraph_vector_int_destroy(&memb);
	igraph_vector_destroy(&nodew);
	return rc;
}

/*
 * Betweenness and PageRank inside each cluster, one small igraph per
 * cluster: built from the model's adjacency, it costs what the cluster
 * costs (igraph's betweenness on the whole graph at once pays per source
 * for the whole graph).  A cluster of up to betweenness_samples members
 * is computed exactly; a larger one from that many of its members taken
 * at an even stride as sources, the counts scaled up by size / sources
 * (Brandes and Pich's estimate), so a cluster costs at most samples
 * searches.  PageRank is the cluster's own too, over its links without
 * their weights, as betweenness: a cluster that did not change keeps
 * both, exactly (PageRank over the whole district, normalised over it,
 * changed every entity's score with every new entity anywhere, and cost
 * seconds a night on a large district).
 */
struct btw {
	igraph_vector_int_t ev, src;
	igraph_vector_t res, pr;
	int32_t *loc;           /* [nv] index inside the current cluster */
};

/* Betweenness of the cluster's graph g (n members, mem). */
static int cluster_betweenness(struct btw *b, struct gcomm *gc, const struct graph_conf *conf,
			       const igraph_t *g, const int32_t *mem, long n, struct err *err)
{
	long S = conf->betweenness_samples > 0 ? conf->betweenness_samples : 1;
	long stride = n <= S ? 1 : (n + S - 1) / S, m = 0;
	igraph_vs_t sources;
	int rc = 0;

	if (stride == 1) {
		rc = ig_check(igraph_betweenness(g, &b->res, igraph_vss_all(), IGRAPH_UNDIRECTED, NULL),
			      "betweenness", err);
	} else {
		igraph_vector_int_clear(&b->src);
		for (long i = 0; i < n && rc == 0; i += stride, m++)
			rc = ig_check(igraph_vector_int_push_back(&b->src, i), "allocating", err);
		if (rc == 0)
			rc = ig_check(igraph_vs_vector(&sources, &b->src), "sources", err);
		if (rc == 0) {
			rc = ig_check(igraph_betweenness_subset(g, &b->res, igraph_vss_all(),
								IGRAPH_UNDIRECTED, sources,
								igraph_vss_all(), NULL),
				      "betweenness", err);
			igraph_vs_destroy(&sources);
		}
	}
	if (rc == 0)
		for (long i = 0; i < n; i++)
			gc->betweenness[mem[i]] = VECTOR(b->res)[i] * (stride == 1 ? 1.0 : (double)n / m);
	return rc;
}

/* PageRank and betweenness of the cluster of n members mem. */
static int cluster_centrality(struct btw *b, struct gcomm *gc, const struct gmodel *gm,
			      const struct graph_conf *conf, const int32_t *mem, long n,
			      struct err *err)
{
	struct keep_ctx k = { gm, conf, gc->clu, NULL };
	igraph_t g;
	int rc;

	for (long i = 0; i < n; i++)
		b->loc[mem[i]] = (int32_t)i;
	igraph_vector_int_clear(&b->ev);
	for (long i = 0; i < n; i++) {
		int32_t u = mem[i];

		for (long j = gm->off[u]; j < gm->off[u + 1]; j++) {
			int32_t v = gm->adj[j];

			if (v > u && keep_edge(&k, &gm->e[gm->adj_edge[j]]) &&
			    (ig_check(igraph_vector_int_push_back(&b->ev, i), "allocating", err) < 0 ||
			     ig_check(igraph_vector_int_push_back(&b->ev, b->loc[v]), "allocating", err) < 0))
				return -1;
		}
	}
	if (ig_check(igraph_create(&g, &b->ev, n, IGRAPH_UNDIRECTED), "building a cluster", err) < 0)
		return -1;
	rc = ig_check(igraph_pagerank(&g, IGRAPH_PAGERANK_ALGO_PRPACK, &b->pr, NULL, igraph_vss_all(),
				      IGRAPH_UNDIRECTED, conf->pagerank_damping, NULL, NULL),
		      "pagerank", err);
	if (rc == 0)
		for (long i = 0; i < n; i++)
			gc->pagerank[mem[i]] = VECTOR(b->pr)[i];
	/* Two members lie between nobody. */
	if (rc == 0 && n >= 3)
		rc = cluster_betweenness(b, gc, conf, &g, mem, n, err);
	igraph_destroy(&g);
	return rc;
}

/*
 * A cluster of last night that nothing touched (no member re-clustered)
 * and that kept all its members is the same graph: its betweenness and
 * PageRank are what they were (unless its PageRank is unknown, -1: a
 * figure of the district-wide definition, before schema version 11).
 */
static int kept_cluster(const struct gcomm *gc, const struct gcomm_prev *prev, const int32_t *mem,
			long n)
{
	int32_t o;

	if (!prev || gc->redo[mem[0]] || (o = prev->clu[mem[0]]) < 0 || prev->size[o] != n)
		return 0;
	for (long i = 0; i < n; i++)
		if (gc->redo[mem[i]] || prev->clu[mem[i]] != o || prev->pagerank[mem[i]] < 0)
			return 0;
	return 1;
}

static int centrality(struct gcomm *gc, const struct gmodel *gm, const struct graph_conf *conf,
		       const struct gcomm_prev *prev, struct err *err)
{
	struct btw b;
	long *start = xcalloc(gc->nclu + 2, sizeof(long)), *fill;
	int32_t *mem = xmalloc((gm->nv + 1) * sizeof(*mem));
	int rc = -1;

	/* The members of each cluster, in vertex order: a counting sort. */
	for (long v = 0; v < gm->nv; v++)
		if (gc->clu[v] >= 0)
			start[gc->clu[v] + 1]++;
	for (long c = 0; c < gc->nclu; c++)
		start[c + 1] += start[c];
	fill = xmalloc((gc->nclu + 1) * sizeof(long));
	memcpy(fill, start, (gc->nclu + 1) * sizeof(long));
	for (long v = 0; v < gm->nv; v++)
		if (gc->clu[v] >= 0)
			mem[fill[gc->clu[v]]++] = (int32_t)v;
	free(fill);
	b.loc = xmalloc((gm->nv + 1) * sizeof(*b.loc));
	if (ig_check(igraph_vector_int_init(&b.ev, 0), "allocating", err) < 0)
		goto out_free;
	if (ig_check(igraph_vector_int_init(&b.src, 0), "allocating", err) < 0)
		goto out_ev;
	if (ig_check(igraph_vector_init(&b.res, 0), "allocating", err) < 0)
		goto out_src;
	if (ig_check(igraph_vector_init(&b.pr, 0), "allocating", err) < 0)
		goto out_res;
	rc = 0;
	for (long c = 0; c < gc->nclu && rc == 0; c++) {
		const int32_t *cm = mem + start[c];
		long n = start[c + 1] - start[c];

		if (kept_cluster(gc, prev, cm, n)) {
			for (long i = 0; i < n; i++) {
				gc->betweenness[cm[i]] = prev->betweenness[cm[i]];
				gc->pagerank[cm[i]] = prev->pagerank[cm[i]];
			}
			gc->nreused++;
		} else {
			rc = cluster_centrality(&b, gc, gm, conf, cm, n, err);
		}
	}
	igraph_vector_destroy(&b.pr);
out_res:
	igraph_vector_destroy(&b.res);
out_src:
	igraph_vector_int_destroy(&b.src);
out_ev:
	igraph_vector_int_destroy(&b.ev);
out_free:
	free(b.loc);
	free(start);
	free(mem);
	return rc;
}

/*
 * Each vertex's signature: its clustered edges, each as the neighbour's
 * entity id mixed with the edge's sig.  It stays the same from night to
 * night unless an edge of the vertex came, went or changed.
 */
static void signatures(struct gcomm *gc, const struct gmodel *gm, const struct keep_ctx *k)
{
	for (long i = 0; i < gm->ne; i++) {
		const struct gedge *e = &gm->e[i];

		if (!keep_edge(k, e))
			continue;
		gc->sig[e->u] += gmodel_mix((uint64_t)gm->eid[e->v], e->sig);
		gc->sig[e->v] += gmodel_mix((uint64_t)gm->eid[e->u], e->sig);
	}
}

/*
 * The vertices to cluster again: those whose signature changed, and the
 * members of last night's clusters that hold one of them or lost a
 * member.  Without prev, all of them.
 */
static void mark_free(struct gcomm *gc, const struct gmodel *gm, const struct compact *c,
		      const struct gcomm_prev *prev)
{
	unsigned char *touched;
	long *present;

	if (!prev) {
		for (long x = 0; x < c->n; x++)
			gc->redo[c->from[x]] = 1;
		gc->nredo = c->n;
		return;
	}
	touched = xcalloc(prev->nold + 1, 1);
	present = xcalloc(prev->nold + 1, sizeof(*present));
	for (long v = 0; v < gm->nv; v++) {
		int32_t o = prev->clu[v];

		if (o < 0)
			continue;
		present[o]++;
		if (gc->sig[v] != prev->sig[v])
			touched[o] = 1;
	}
	for (long o = 0; o < prev->nold; o++)
		if (present[o] != prev->size[o])
			touched[o] = 1;
	for (long x = 0; x < c->n; x++) {
		int32_t v = c->from[x], o = prev->clu[v];

		gc->redo[v] = gc->sig[v] != prev->sig[v] || (o >= 0 && touched[o]);
		gc->nredo += gc->redo[v];
	}
	free(touched);
	free(present);
}

int gcomm_cluster(struct gcomm *gc, const struct gmodel *gm, const struct graph_conf *conf,
		  const struct gcomm_prev *prev, struct err *err)
{
	struct keep_ctx k = { gm, conf, NULL, NULL };
	struct compact c;
	double total = 0, t0 = clock_secs(CLOCK_THREAD_CPUTIME_ID);
	int rc = -1;

	memset(gc, 0, sizeof(*gc));
	gc->comp = xcalloc(gm->nv + 1, sizeof(*gc->comp));
	gc->clu = xmalloc((gm->nv + 1) * sizeof(*gc->clu));
	gc->degree = xcalloc(gm->nv + 1, sizeof(*gc->degree));
	gc->strength = xcalloc(gm->nv + 1, sizeof(*gc->strength));
	gc->strength_raw = xcalloc(gm->nv + 1, sizeof(*gc->strength_raw));
	gc->pagerank = xcalloc(gm->nv + 1, sizeof(*gc->pagerank));
	gc->betweenness = xcalloc(gm->nv + 1, sizeof(*gc->betweenness));
	gc->sig = xcalloc(gm->nv + 1, sizeof(*gc->sig));
	gc->redo = xcalloc(gm->nv + 1, 1);
	for (long v = 0; v < gm->nv; v++)
		gc->degree[v] = (int32_t)(gm->off[v + 1] - gm->off[v]);
	for (long i = 0; i < gm->ne; i++) {
		const struct gedge *e = &gm->e[i];

		/* The total in edge order, as igraph summed the vector of the weights. */
		if (keep_edge(&k, e)) {
			total += e->w;
			gc->strength[e->u] += e->w;
			gc->strength[e->v] += e->w;
			gc->strength_raw[e->u] += e->raw;
			gc->strength_raw[e->v] += e->raw;
		}
	}
	signatures(gc, gm, &k);
	compact_init(&c, &k);
	mark_free(gc, gm, &c, prev);
	if (components(gc, gm, &c, &k, err) == 0 &&
	    communities(gc, gm, conf, &c, &k, total, prev, err) == 0)
		rc = 0;
	gc->secs_cluster = clock_secs(CLOCK_THREAD_CPUTIME_ID) - t0;
	compact_release(&c);
	return rc;
}

static void *centrality_main(void *arg)
{
	struct gcomm *gc = arg;
	double t0 = clock_secs(CLOCK_THREAD_CPUTIME_ID);

	ig_thread_setup();
	gc->c_rc = centrality(gc, gc->c_gm, gc->c_conf, gc->c_prev, &gc->c_err);
	gc->secs_centrality = clock_secs(CLOCK_THREAD_CPUTIME_ID) - t0;
	return NULL;
}

void gcomm_centrality_start(struct gcomm *gc, const struct gmodel *gm,
			    const struct graph_conf *conf, const struct gcomm_prev *prev)
{
	gc->c_gm = gm;
	gc->c_conf = conf;
	gc->c_prev = prev;
	gc->started = pthread_create(&gc->thread, NULL, centrality_main, gc) == 0;
	if (!gc->started)
		centrality_main(gc);
}

int gcomm_centrality_wait(struct gcomm *gc, struct err *err)
{
	if (gc->started) {
		pthread_join(gc->thread, NULL);
		gc->started = 0;
	}
	if (gc->c_rc < 0 && err)
		*err = gc->c_err;
	return gc->c_rc < 0 ? -1 : 0;
}

void gcomm_release(struct gcomm *gc)
{
	gcomm_centrality_wait(gc, NULL);
	free(gc->comp);
	free(gc->clu);
	free(gc->clu_size);
	free(gc->degree);
	free(gc->strength);
	free(gc->strength_raw);
	free(gc->comp_id);
	free(gc->pagerank);
	free(gc->betweenness);
	free(gc->sig);
	free(gc->redo);
	memset(gc, 0, sizeof(*gc));
}
