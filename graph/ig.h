/*
 * ig: the igraph boundary.  igraph's default error handler aborts the
 * process; ig_setup() installs one that records the message and returns,
 * and ig_fail() turns an igraph_error_t into a struct err.  Only graph/
 * includes this header (and igraph.h).
 */
#ifndef GRAPH_IG_H
#define GRAPH_IG_H

#include <igraph.h>

#include "common/err.h"

/* Install the error and warning handlers and seed the random generator. */
void ig_setup(unsigned long seed);
/*
 * What ig_setup sets for its thread alone (one OpenMP thread for
 * igraph's PageRank): call it first on another thread that calls igraph.
 */
void ig_thread_setup(void);
/*
 * If rc is not IGRAPH_SUCCESS, write "igraph: WHAT: reason" into err and
 * return -1; else return 0.
 */
int ig_check(igraph_error_t rc, const char *what, struct err *err);

#endif
