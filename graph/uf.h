/*
 * uf: union-find over int32 indexes, the sets of an array the caller
 * owns (parent[x] = x to start).  The smaller root stays a set's root,
 * so the result does not depend on the order of the unions.
 */
#ifndef GRAPH_UF_H
#define GRAPH_UF_H

#include <stdint.h>

/* The root of x's set, halving the path on the way. */
int32_t guf_find(int32_t *parent, int32_t x);
/* Join the sets of a and b. */
void guf_union(int32_t *parent, int32_t a, int32_t b);

#endif
