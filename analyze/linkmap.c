/*
 * linkmap: open addressing with linear probing, grown to keep the load
 * under three quarters (the first night of a large district holds
 * millions of links).  Forgetting an entity does not search the table:
 * each slot carries the generation it was stored in, and a slot older
 * than the generation either end was forgotten in counts as absent (and
 * is overwritten when the link is stored again).
 */
#include "analyze/linkmap.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

void linkmap_init(struct linkmap *m)
{
	memset(m, 0, sizeof(*m));
	idmap_init(&m->forgot);
}

void linkmap_release(struct linkmap *m)
{
	free(m->v);
	idmap_release(&m->forgot);
	linkmap_init(m);
}

static size_t hash(int64_t a, int64_t b, int type)
{
	uint64_t h = ((uint64_t)a * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)b * 0xC2B2AE3D27D4EB4FULL);

	h ^= (uint64_t)(unsigned)type << 56;
	return (size_t)(h ^ h >> 31);
}

static struct linkmap_slot *find(const struct linkmap *m, int64_t a, int64_t b, int type)
{
	size_t mask = m->cap - 1;

	for (size_t i = hash(a, b, type) & mask;; i = (i + 1) & mask) {
		struct linkmap_slot *s = &m->v[i];

		if (!s->id || (s->a == a && s->b == b && s->type == type))
			return s;
	}
}

/* The generation entity e was last forgotten in, 0 when never. */
static uint32_t forgot_in(const struct linkmap *m, int64_t e)
{
	return (uint32_t)(uintptr_t)idmap_get(&m->forgot, e);
}

int64_t linkmap_get(const struct linkmap *m, int64_t a, int64_t b, int type)
{
	const struct linkmap_slot *s;

	if (!m->cap)
		return 0;
	s = find(m, a, b, type);
	if (!s->id || (m->forgot.n && (s->gen < forgot_in(m, a) || s->gen < forgot_in(m, b))))
		return 0;
	return s->id;
}

static void grow(struct linkmap *m)
{
	struct linkmap_slot *old = m->v;
	size_t old_cap = m->cap;

	m->cap = old_cap ? old_cap * 2 : 1024;
	m->v = xcalloc(m->cap, sizeof(*m->v));
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].id)
			*find(m, old[i].a, old[i].b, old[i].type) = old[i];
	free(old);
}

void linkmap_put(struct linkmap *m, int64_t a, int64_t b, int type, int64_t id)
{
	struct linkmap_slot *s;

	if ((m->n + 1) * 4 > m->cap * 3)
		grow(m);
	s = find(m, a, b, type);
	if (!s->id)
		m->n++;
	s->a = a;
	s->b = b;
	s->type = (unsigned char)type;
	s->id = id;
	s->gen = m->gen;
}

void linkmap_forget(struct linkmap *m, int64_t e)
{
	idmap_set(&m->forgot, e, (void *)(uintptr_t)++m->gen);
}

int linkmap_forgotten(const struct linkmap *m, int64_t e)
{
	return forgot_in(m, e) != 0;
}
