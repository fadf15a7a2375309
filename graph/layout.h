/*
 * layout: the positions of a cluster picture's nodes (the morning
 * report's SVG), computed with an igraph layout on the model's edges
 * among the nodes drawn, and written to cluster_layout.  Borrows the
 * model and the member lists; owns nothing between calls.
 */
#ifndef GRAPH_LAYOUT_H
#define GRAPH_LAYOUT_H

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

/* A writer of cluster_layout rows for one night; caller-owned. */
struct glayout_writer {
	struct db *db;
	sqlite3_stmt *ins;
	const char *night;      /* borrowed */
};

/* Drop the rows of night and later (a re-run replaces them), prepare the insert. */
int glayout_writer_init(struct glayout_writer *w, struct db *db, const char *night,
			struct err *err);
void glayout_writer_release(struct glayout_writer *w);

/* Lay out cluster cluster_id's members mem[0..n) and write their rows. */
int glayout_write(struct glayout_writer *w, const struct gmodel *gm, int64_t cluster_id,
		  const int32_t *mem, long n, long iterations, unsigned long seed,
		  struct err *err);

#endif
