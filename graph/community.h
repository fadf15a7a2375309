/*
 * community: what igraph computes on the graph of the model: connected
 * components, communities (Leiden, or multilevel as a fallback), the
 * clusters among them, and centrality.  Owns its result arrays; borrows
 * the model.
 */
#ifndef GRAPH_COMMUNITY_H
#define GRAPH_COMMUNITY_H

#include <stdint.h>

#include "common/err.h"
#include "graph/conf.h"
#include "graph/model.h"

struct gcomm {
	int32_t *comp;          /* component per vertex, 1 = the largest; 0 alone or left out */
	long ncomp;             /* components of two or more vertices */
	int32_t *clu;           /* cluster per vertex, -1 for none */
	long nclu;
	long *clu_size;
	int32_t *degree;        /* distinct neighbours, hubs included */
	double *strength;       /* summed weight of clustered edges */
	double *pagerank;
	double *betweenness;    /* inside the vertex's cluster */
	const char *method;     /* static: "leiden" or "multilevel" */
	double secs_cluster, secs_centrality;   /* CPU seconds */
};

/*
 * Compute everything for gm (finished).  Clusters are the communities of
 * at least conf->min_cluster_size members, numbered by their smallest
 * vertex, so the order does not depend on the algorithm's labels.
 */
int gcomm_compute(struct gcomm *gc, const struct gmodel *gm,
		  const struct graph_conf *conf, struct err *err);
void gcomm_release(struct gcomm *gc);

#endif
