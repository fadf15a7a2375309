/*
 * layout: the positions of a cluster picture's nodes (the morning
 * report's SVG), computed with an igraph layout on the model's edges
 * among the nodes drawn, and written to cluster_layout.  Borrows the
 * model and the member lists.
 */
#ifndef GRAPH_LAYOUT_H
#define GRAPH_LAYOUT_H

#include <pthread.h>
#include <stdint.h>

#include "common/db.h"
#include "common/err.h"
#include "graph/model.h"

/*
 * Lay out the n vertices mem (n >= 1) with the edges of gm among them:
 * Fruchterman-Reingold for iterations steps from positions drawn with
 * seed, scaled (the same factor on both axes) and centred into
 * [0.05, 0.95].  The same input gives the same output.  Fills the
 * caller's xy[2 * n] (x, y of mem[i] at xy[2i], xy[2i + 1]).
 */
int glayout_compute(const struct gmodel *gm, const int32_t *mem, long n, long iterations,
		    unsigned long seed, double *xy, struct err *err);

/* One picture: cluster_id's members mem[0..n) (n >= 1, borrowed), laid out from seed. */
struct glayout_job {
	int64_t cluster_id;
	const int32_t *mem;
	long n;
	unsigned long seed;
	double *xy;             /* [2n]: the positions, once laid out */
};

/*
 * A night's pictures, laid out on a thread of their own while the
 * caller writes other rows, then written to cluster_layout.
 * Caller-owned (zeroed to begin); borrows the model and the members.
 */
struct glayouts {
	const struct gmodel *gm;
	long iterations;
	struct glayout_job *job;
	long njob;
	size_t cap;
	pthread_t thread;
	int started;
	int rc;
	struct err err;
};

void glayouts_add(struct glayouts *L, int64_t cluster_id, const int32_t *mem, long n,
		  unsigned long seed);
/*
 * Lay the pictures added out on a thread (here, when none can start).
 * igraph is built without thread safety: until glayouts_write the
 * caller must not call igraph, nor change the model or the members.
 */
void glayouts_start(struct glayouts *L, const struct gmodel *gm, long iterations);
/* Wait for the thread and write every picture's rows for night.  Returns 0 or -1. */
int glayouts_write(struct glayouts *L, struct db *db, const char *night, struct err *err);
/* Waits for the thread, if any, first. */
void glayouts_release(struct glayouts *L);

#endif
