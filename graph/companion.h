/*
 * companion: 同行/同住.  Two persons in the same hotel or internet-café
 * register within a window (the same hotel night; minutes at a café) on
 * at least k separate occasions, with the chance of that many
 * co-occurrences if they came and went independently.  Writes the
 * companion tables and adds a companion edge per pair to the model.
 */
#ifndef GRAPH_COMPANION_H
#define GRAPH_COMPANION_H

#include "common/db.h"
#include "common/err.h"
#include "graph/conf.h"
#include "graph/model.h"

/*
 * Recompute the companions from every register row received by the end
 * of night and the persons mn (the mentions of gm's vertices) says it
 * names; replaces the companion tables; adds edges to gm (not yet
 * finished).  *count gets the number of pairs.
 */
int gcompanion_run(struct db *db, struct gmodel *gm, const struct gmentions *mn,
		   const struct graph_conf *conf, const char *night, long *count,
		   struct err *err);

/* P(X >= k) for X Poisson with mean lambda. */
double gcompanion_poisson_tail(double lambda, long k);

#endif
