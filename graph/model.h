/*
 * model: the graph in memory, without igraph: one vertex per entity (in
 * entity id order), one edge per linked pair with the weights of its
 * links summed, and an adjacency index.  Loaded from the analyze tables;
 * the companion step adds its edges before gmodel_finish().  Owns all
 * its arrays.
 */
#ifndef GRAPH_MODEL_H
#define GRAPH_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "common/db.h"
#include "common/err.h"
#include "graph/conf.h"

#define GMODEL_MAX_TYPES 64

struct gedge {
	int32_t u, v;           /* u < v after gmodel_finish */
	double w;
	double raw;             /* w before the decay by age, which changes every night */
	/*
	 * What the edge is made of, apart from its age: a hash of each link's
	 * stored weight, evidence count and last day (or of a companion
	 * edge's weight), summed over merged parallel edges.  It changes
	 * when a link does, not when the night moves on and every weight
	 * decays by the same factor.
	 */
	uint64_t sig;
};

struct gmodel {
	long nv;
	int64_t *eid;           /* entity id of each vertex, ascending */
	/*
	 * The vertex of each entity id from eid[0], or -1: ids are close to
	 * dense, and a lookup per link and mention is the stage's commonest
	 * step.  NULL when the ids are too sparse for it (binary search).
	 */
	int32_t *ix;
	long nix;
	unsigned char *type;    /* index into types */
	unsigned char *hub;     /* entity.hub */
	unsigned char *out;     /* 1: left out of clustering (hub, skipped type, too many neighbours) */
	unsigned char *skip;    /* 1: a place of a level left out of clustering */
	char *types[GMODEL_MAX_TYPES];
	int ntypes;
	long ne;
	size_t cap;
	struct gedge *e;
	long *off;              /* adjacency: the neighbours of i are adj[off[i]..off[i+1]) */
	int32_t *adj;
	int32_t *adj_edge;      /* the edge of each adjacency entry */
	/*
	 * [ne] 1: the edge is in the clustering graph (neither end left
	 * out, its weight at least min_weight), decided once by
	 * gmodel_finish: the stage walks the 2,300,000 edges of a large
	 * district a dozen times asking.
	 */
	unsigned char *clustered;
};

/*
 * Every mention of a vertex, from the index of mentions by report:
 * distinct (report, vertex) pairs sorted by report, then vertex (vertex order is
 * entity id order).  role_skip marks, per vertex, an entity named with a
 * role only in the roles of the JSON array skip_roles (never in another,
 * at least once in one of them); skipped_here, per pair, a pair whose
 * report names the entity with a role only in those roles.  Owns its
 * arrays.
 */
struct gmentions {
	long n;
	int64_t *rid;
	int32_t *v;
	uint16_t *rows;         /* the mention rows of each pair (at most 65,535) */
	unsigned char *role_skip;       /* [nv] */
	unsigned char *skipped_here;    /* [n] */
};

int gmentions_load(struct gmentions *m, struct db *db, const struct gmodel *gm,
		   const char *skip_roles, struct err *err);
void gmentions_release(struct gmentions *m);

/*
 * Load every entity and every link first seen by the end of night, with
 * its decayed weight (see data/graph.conf).  gm is caller-owned; release
 * it with gmodel_release also after an error.
 */
int gmodel_load(struct gmodel *gm, struct db *db, const struct graph_conf *conf,
		const char *night, struct err *err);
void gmodel_release(struct gmodel *gm);

/*
 * Add an edge of weight w between vertices u and v (before
 * gmodel_finish); w is its raw weight too, and its sig hashes w.
 */
void gmodel_add_edge(struct gmodel *gm, int32_t u, int32_t v, double w);
/* A 64-bit hash of a and b (splitmix64 of their mix), for signatures. */
uint64_t gmodel_mix(uint64_t a, uint64_t b);
/*
 * Merge parallel edges (summing weights), drop self-loops, build the
 * adjacency and mark the vertices left out of clustering.
 */
void gmodel_finish(struct gmodel *gm, const struct graph_conf *conf);

/* The vertex of an entity id, or -1. */
int32_t gmodel_vertex(const struct gmodel *gm, int64_t eid);
/* The type name of vertex i (borrowed). */
const char *gmodel_type(const struct gmodel *gm, int32_t i);
/* The type index of a type name, or -1 when no entity has it. */
int gmodel_type_index(const struct gmodel *gm, const char *type);
/* Whether e, an edge of gm->e, is in the clustering graph (after gmodel_finish). */
static inline int gmodel_edge_clustered(const struct gmodel *gm, const struct gedge *e)
{
	return gm->clustered[e - gm->e];
}

#endif
