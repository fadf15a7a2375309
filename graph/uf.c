/*
 * uf: path halving and the smaller root kept; no ranks (the sets of the
 * graph stage are found once and read once).
 */
#include "graph/uf.h"

int32_t guf_find(int32_t *parent, int32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

void guf_union(int32_t *parent, int32_t a, int32_t b)
{
	a = guf_find(parent, a);
	b = guf_find(parent, b);
	if (a != b)
		parent[a > b ? a : b] = a < b ? a : b;
}
