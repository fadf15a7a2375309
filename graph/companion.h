/*
 * companion: 同行/同住.  Two persons in the same hotel or internet-café
 * register within a window (the same hotel night; minutes at a café) on
 * at least k separate occasions, with the chance of that many
 * co-occurrences if they came and went independently.  Writes the
 * companion tables and adds a companion edge per pair to the model.
 */
#ifndef GRAPH_COMPANION_H
#define GRAPH_COMPANION_H

#include <stddef.h>
#include <stdint.h>

#include "common/db.h"
#include "common/err.h"
#include "common/sbuf.h"
#include "graph/conf.h"
#include "graph/model.h"

/* A hotel or café register row with a venue and a time, as read. */
struct gregister {
	int64_t report;
	int64_t t;              /* minutes */
	size_t venue;           /* its venue's offset in gregisters.text */
	int netcafe;            /* 1: a café visit, 0: a hotel stay */
};

/* The register rows received by the end of a night, in report order; caller-owned. */
struct gregisters {
	struct gregister *v;
	long n;
	size_t cap;
	struct sbuf text;
};

/*
 * Read the register rows of night (it only reads: common/apart may run
 * it).  Returns 0 or -1 with err set.
 */
int gcompanion_read(struct gregisters *rows, struct db *db, const struct graph_conf *conf,
		    const char *night, struct err *err);
void gcompanion_rows_release(struct gregisters *rows);

/*
 * Recompute the companions from the register rows and the persons mn
 * (the mentions of gm's vertices) says they name; replaces the companion
 * tables; adds edges to gm (not yet finished).  *count gets the number
 * of pairs.
 */
int gcompanion_run(struct db *db, struct gmodel *gm, const struct gmentions *mn,
		   const struct gregisters *rows, const struct graph_conf *conf,
		   const char *night, long *count, struct err *err);

/* P(X >= k) for X Poisson with mean lambda. */
double gcompanion_poisson_tail(double lambda, long k);

#endif
