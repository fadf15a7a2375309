/*
 * match: keeps cluster ids stable from night to night.  Tonight's
 * clusters are matched to last night's by member overlap and each is
 * marked new, grown, shrunk, merged, split or same; last night's that
 * nobody continues are gone.  Pure computation on arrays; owns its
 * results.
 */
#ifndef GRAPH_MATCH_H
#define GRAPH_MATCH_H

#include <stdint.h>

struct gmatch_in {
	long nnew;
	const long *new_size;           /* [nnew] */
	const int32_t *clu;             /* cluster of each vertex, -1 for none */
	long nold;
	const int64_t *old_id;          /* [nold] ascending */
	const long *old_size;           /* [nold] members last night */
	long nmem;                      /* last night's members: */
	const int32_t *mem_old;         /* [nmem] index into old_id */
	const int32_t *mem_vertex;      /* [nmem] its vertex tonight, -1 when gone */
	int64_t next_id;                /* the id a new cluster gets first */
	int min_members;
	double min_share;
};

struct gmatch_new {
	int64_t id;
	const char *status;             /* static */
	long added, removed;
	char *related;                  /* owned: "C-0003,C-0009" or "" */
};

struct gmatch_old {
	int gone;                       /* 1: no cluster continues it tonight */
	char *related;                  /* owned: where most of its members went */
};

struct gmatch {
	struct gmatch_new *n;           /* [nnew] */
	struct gmatch_old *o;           /* [nold] */
	long nnew, nold;
};

void gmatch_compute(struct gmatch *m, const struct gmatch_in *in);
void gmatch_release(struct gmatch *m);

/* The label of cluster id into out[24], "C-0017". */
void gmatch_label(int64_t id, char out[24]);

#endif
