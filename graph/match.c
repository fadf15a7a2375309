/*
 * match: overlaps are counted by sorting (new, old) pairs, one per old
 * member still clustered tonight.  A pair is significant when the new
 * cluster holds at least min_members and min_share of the old one's
 * members.  Labels go greedily to the largest significant overlaps (ties
 * to the older label), so a merged cluster keeps the label of the part
 * it took most from and a split one leaves its label to its largest
 * piece.  Every choice is ordered, so the same input gives the same ids.
 */
#include "graph/match.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pair {
	long c, o;
	long n;
};

static long pair_key(const struct pair *p, int by_old)
{
	return by_old ? p->o : p->c;
}

/* src[0..np) into dst in the order of their key (below nkeys), equal keys as they came; at is scratch. */
static void count_sort(struct pair *dst, const struct pair *src, long np, long nkeys, int by_old,
		       long *at)
{
	memset(at, 0, (nkeys + 1) * sizeof(*at));
	for (long i = 0; i < np; i++)
		at[pair_key(&src[i], by_old) + 1]++;
	for (long k = 0; k < nkeys; k++)
		at[k + 1] += at[k];
	for (long i = 0; i < np; i++)
		dst[at[pair_key(&src[i], by_old)]++] = src[i];
}

/*
 * Sort the pairs by new cluster, then old cluster: two stable counting
 * sorts, by the old cluster and then by the new, both numbers below a
 * cluster count.  There is a pair per member of last night (1,400,000
 * on 1,000,000 reports), and a comparison sort of them cost a tenth of
 * a second a night.
 */
static void sort_key(struct pair *p, long np, long nnew, long nold)
{
	struct pair *tmp = xmalloc((np + 1) * sizeof(*tmp));
	long *at = xmalloc(((nnew > nold ? nnew : nold) + 1) * sizeof(*at));

	count_sort(tmp, p, np, nold, 1, at);
	count_sort(p, tmp, np, nnew, 0, at);
	free(at);
	free(tmp);
}

/* Largest overlap first; ties to the older (smaller) id, then the new cluster. */
static int cmp_greedy(const void *pa, const void *pb)
{
	const struct pair *a = pa, *b = pb;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	if (a->o != b->o)
		return a->o < b->o ? -1 : 1;
	return a->c < b->c ? -1 : a->c > b->c;
}

void gmatch_label(int64_t id, char out[24])
{
	snprintf(out, 24, "C-%04lld", (long long)id);
}

static void add_label(struct sbuf *sb, int64_t id)
{
	char l[24];

	gmatch_label(id, l);
	if (sb->len)
		sbuf_addch(sb, ',');
	sbuf_adds(sb, l);
}

static int significant(const struct gmatch_in *in, const struct pair *p)
{
	return p->n >= in->min_members && p->n >= in->min_share * in->old_size[p->o];
}

void gmatch_compute(struct gmatch *m, const struct gmatch_in *in)
{
	struct pair *p = xmalloc((in->nmem + 1) * sizeof(*p));
	long np = 0, ns = 0;
	long *nparents = xcalloc(in->nnew + 1, sizeof(long));
	long *nchildren = xcalloc(in->nold + 1, sizeof(long));
	long *over = xcalloc(in->nnew + 1, sizeof(long));       /* overlap with the label's owner */
	long *owner = xmalloc((in->nold + 1) * sizeof(long));   /* new cluster holding an old label */
	long *best = xmalloc((in->nold + 1) * sizeof(long));    /* where most members went */
	long *bestn = xcalloc(in->nold + 1, sizeof(long));
	long *from = xmalloc((in->nnew + 1) * sizeof(long));    /* old cluster whose label it took */
	int64_t next = in->next_id;

	m->nnew = in->nnew;
	m->nold = in->nold;
	m->n = xcalloc(in->nnew + 1, sizeof(*m->n));
	m->o = xcalloc(in->nold + 1, sizeof(*m->o));
	for (long o = 0; o < in->nold; o++)
		owner[o] = -1, best[o] = -1;
	for (long c = 0; c < in->nnew; c++)
		from[c] = -1;

	/* Count the overlaps. */
	for (long i = 0; i < in->nmem; i++) {
		int32_t v = in->mem_vertex[i];

		if (v < 0 || in->clu[v] < 0)
			continue;
		p[np].c = in->clu[v];
		p[np].o = in->mem_old[i];
		p[np].n = 1;
		np++;
	}
	if (np > 1)
		sort_key(p, np, in->nnew, in->nold);
	for (long i = 0; i < np; i++) {
		if (ns > 0 && p[ns - 1].c == p[i].c && p[ns - 1].o == p[i].o)
			p[ns - 1].n++;
		else
			p[ns++] = p[i];
	}
	np = ns;
	for (long i = 0; i < np; i++) {
		if (p[i].n > bestn[p[i].o] || (p[i].n == bestn[p[i].o] && p[i].c < best[p[i].o]))
			best[p[i].o] = p[i].c, bestn[p[i].o] = p[i].n;
	}

	/* Keep the significant pairs and hand out the old labels. */
	ns = 0;
	for (long i = 0; i < np; i++)
		if (significant(in, &p[i]))
			p[ns++] = p[i];
	np = ns;
	for (long i = 0; i < np; i++) {
		nparents[p[i].c]++;
		nchildren[p[i].o]++;
	}
	if (np > 1)
		qsort(p, np, sizeof(*p), cmp_greedy);
	for (long i = 0; i < np; i++) {
		if (owner[p[i].o] >= 0 || from[p[i].c] >= 0)
			continue;
		owner[p[i].o] = p[i].c;
		from[p[i].c] = p[i].o;
		over[p[i].c] = p[i].n;
	}

	/* Ids: an old one where a label was taken, else the next free one. */
	for (long c = 0; c < in->nnew; c++)
		m->n[c].id = from[c] >= 0 ? in->old_id[from[c]] : next++;

	/* Status and what each is related to; p is sorted by overlap, so walk it per cluster. */
	if (np > 1)
		sort_key(p, np, in->nnew, in->nold);
	for (long c = 0, i = 0; c < in->nnew; c++) {
		struct gmatch_new *r = &m->n[c];
		struct sbuf rel = SBUF_INIT;
		long first = i;

		while (i < np && p[i].c == c)
			i++;
		if (from[c] >= 0) {
			r->added = in->new_size[c] - over[c];
			r->removed = in->old_size[from[c]] - over[c];
		} else {
			r->added = in->new_size[c];
		}
		if (nparents[c] == 0) {
			r->status = "new";
		} else if (nparents[c] >= 2) {
			r->status = "merged";
			for (long j = first; j < i; j++)
				if (p[j].o != from[c])
					add_label(&rel, in->old_id[p[j].o]);
		} else if (nchildren[p[first].o] >= 2) {
			long o = p[first].o;

			r->status = "split";
			if (from[c] == o) {
				/* The piece that kept the label names the others. */
				for (long j = 0; j < np; j++)
					if (p[j].o == o && p[j].c != c)
						add_label(&rel, m->n[p[j].c].id);
			} else {
				add_label(&rel, in->old_id[o]);
			}
		} else if (r->added == 0 && r->removed == 0) {
			r->status = "same";
		} else if (r->removed == 0 || (r->added > 0 && in->new_size[c] >= in->old_size[from[c]])) {
			r->status = "grown";
		} else {
			r->status = "shrunk";
		}
		r->related = sbuf_detach(&rel);
	}
	for (long o = 0; o < in->nold; o++) {
		struct sbuf rel = SBUF_INIT;

		m->o[o].gone = owner[o] < 0;
		if (m->o[o].gone && best[o] >= 0)
			add_label(&rel, m->n[best[o]].id);
		m->o[o].related = sbuf_detach(&rel);
	}
	free(p);
	free(nparents);
	free(nchildren);
	free(over);
	free(owner);
	free(best);
	free(bestn);
	free(from);
}

void gmatch_release(struct gmatch *m)
{
	for (long c = 0; c < m->nnew; c++)
		free(m->n[c].related);
	for (long o = 0; o < m->nold; o++)
		free(m->o[o].related);
	free(m->n);
	free(m->o);
	memset(m, 0, sizeof(*m));
}
