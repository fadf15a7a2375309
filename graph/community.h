/*
 * community: what igraph computes on the graph of the model: connected
 * components, communities (Leiden, or multilevel as a fallback), the
 * clusters among them, and centrality.  Owns its result arrays; borrows
 * the model.
 */
#ifndef GRAPH_COMMUNITY_H
#define GRAPH_COMMUNITY_H

#include <pthread.h>
#include <stdint.h>

#include "common/err.h"
#include "graph/conf.h"
#include "graph/model.h"

struct gcomm {
	int32_t *comp;          /* component per vertex, 1 = the largest; 0 alone or left out */
	long ncomp;             /* components of two or more vertices */
	/*
	 * [ncomp + 1] the number a component is known by outside the stage:
	 * its smallest entity id, which stays while it grows (a number by
	 * size changed for most components every night); 0 for none.  The
	 * stage then keeps last night's number where it can (graph.c).
	 */
	int64_t *comp_id;
	int32_t *clu;           /* cluster per vertex, -1 for none */
	long nclu;
	long *clu_size;
	int32_t *degree;        /* distinct neighbours, hubs included */
	double *strength;       /* summed weight of clustered edges */
	double *strength_raw;   /* the same before the decay by age (gedge.raw) */
	double *pagerank;       /* inside the vertex's cluster, on its unweighted links */
	double *betweenness;    /* inside the vertex's cluster */
	uint64_t *sig;          /* per vertex: its clustered edges (see gedge.sig), 0 for none */
	unsigned char *redo;    /* per vertex: re-clustered tonight (all of them on a first night) */
	long nredo;             /* vertices of the clustering graph re-clustered */
	long nreused;           /* clusters whose betweenness was kept from last night */
	long nnodes;            /* nodes Leiden ran on after a first night (pieces contracted) */
	const char *method;     /* static: "leiden" or "multilevel" */
	double secs_cluster, secs_centrality;   /* CPU seconds */
	/* centrality on a thread (gcomm_centrality_start) */
	pthread_t thread;
	int started;
	const struct gmodel *c_gm;
	const struct graph_conf *c_conf;
	const struct gcomm_prev *c_prev;
	int c_rc;
	struct err c_err;
};

/* Last night's clusters and figures, per vertex of tonight's model; all borrowed. */
struct gcomm_prev {
	const int32_t *clu;             /* [nv] last night's cluster 0..nold-1, or -1 */
	long nold;
	const long *size;               /* [nold] its members last night (some may be gone) */
	const uint64_t *sig;            /* [nv] last night's gcomm.sig, 0 for none */
	const double *betweenness;      /* [nv] last night's */
	const double *pagerank;         /* [nv] last night's */
};

/*
 * Compute everything for gm (finished), in two steps.  Clusters are the
 * communities of at least conf->min_cluster_size members, numbered by
 * their smallest vertex, so the order does not depend on the
 * algorithm's labels.  With prev (may be NULL: a first night), only
 * what changed is clustered again: the vertices whose clustered edges
 * changed (their sig differs) and last night's clusters that hold one or
 * lost a member; every other cluster stays as it was, with its
 * betweenness and PageRank.
 *
 * gcomm_cluster fills everything but pagerank, betweenness, nreused and
 * secs_centrality.  gcomm_centrality_start computes those on a thread
 * (here, when none can start), which reads gm, conf, prev and the
 * clusters and writes only them, until gcomm_centrality_wait, which
 * returns its 0 or -1 with err set (err may be NULL).  igraph is built
 * without thread safety: meanwhile the caller must not call igraph, nor
 * change gm, conf, prev's arrays or the clusters.
 */
int gcomm_cluster(struct gcomm *gc, const struct gmodel *gm, const struct graph_conf *conf,
		  const struct gcomm_prev *prev, struct err *err);
void gcomm_centrality_start(struct gcomm *gc, const struct gmodel *gm,
			    const struct graph_conf *conf, const struct gcomm_prev *prev);
int gcomm_centrality_wait(struct gcomm *gc, struct err *err);
/* Waits for the thread, if any, first. */
void gcomm_release(struct gcomm *gc);

#endif
