/*
 * mention: the list extractors fill.
 */
#include "analyze/mention.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

void mention_list_init(struct mention_list *l)
{
	l->v = NULL;
	l->n = 0;
	l->cap = 0;
	strpool_init(&l->strs);
}

void mention_list_clear(struct mention_list *l)
{
	strpool_release(&l->strs);
	l->n = 0;
}

char *mention_str(struct mention_list *l, const char *s)
{
	return s ? strpool_dup(&l->strs, s) : NULL;
}

void mention_list_release(struct mention_list *l)
{
	mention_list_clear(l);
	free(l->v);
	mention_list_init(l);
}

struct mention *mention_add(struct mention_list *l, const char *type,
			    const char *value, const char *surface,
			    long start, long end, const char *rule,
			    double confidence)
{
	struct mention *m;

	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	m = &l->v[l->n++];
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->value = strpool_dup(&l->strs, value);
	m->surface = strpool_dup(&l->strs, surface);
	m->start = start;
	m->end = end;
	m->rule = rule;
	m->confidence = confidence;
	return m;
}

int mention_covered(const struct mention_list *l, long start, long end)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].start >= 0 && l->v[i].start <= start && end <= l->v[i].end)
			return 1;
	return 0;
}
