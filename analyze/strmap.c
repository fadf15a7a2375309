/*
 * strmap: open addressing with linear probing, FNV-1a hashes (folded
 * to 32 bits, kept with the key's length in the slot), grown to
 * keep the load under one half.  Keys are copied once on insert, into
 * the map's strpool: blocks that double from 1 KB to 64 KB (a longer
 * string gets a block of its own); each block starts with a pointer to
 * the one before it.
 */
#include "analyze/strmap.h"
#include "common/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static uint32_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return (uint32_t)(h ^ h >> 32);
}

enum { BLOCK_FIRST = 1024, BLOCK_MAX = 65536 };

void strpool_init(struct strpool *p)
{
	memset(p, 0, sizeof(*p));
}

void strpool_release(struct strpool *p)
{
	char *b = p->block;

	while (b) {
		char *prev;

		memcpy(&prev, b, sizeof(prev));
		free(b);
		b = prev;
	}
	strpool_init(p);
}

char *strpool_dupn(struct strpool *p, const char *str, size_t len)
{
	char *s;

	if (!p->block || p->size - p->used < len + 1) {
		size_t size = p->size ? p->size * 2 : BLOCK_FIRST;
		char *b;

		if (size > BLOCK_MAX)
			size = BLOCK_MAX;
		if (size < sizeof(b) + len + 1)
			size = sizeof(b) + len + 1;
		b = xmalloc(size);
		memcpy(b, &p->block, sizeof(p->block));
		p->block = b;
		p->used = sizeof(b);
		p->size = size;
	}
	s = p->block + p->used;
	memcpy(s, str, len);
	s[len] = '\0';
	p->used += len + 1;
	return s;
}

char *strpool_dup(struct strpool *p, const char *s)
{
	return strpool_dupn(p, s, strlen(s));
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void strmap_release(struct strmap *m)
{
	strpool_release(&m->keys);
	free(m->v);
	strmap_init(m);
}

static struct strmap_slot *find(const struct strmap *m, const char *key,
				size_t len, uint32_t h)
{
	size_t mask = m->cap - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct strmap_slot *s = &m->v[i];

		if (!s->key)
			return s;
		if (s->hash == h && s->len == len && !memcmp(s->key, key, len))
			return s;
	}
}

static void grow(struct strmap *m)
{
	struct strmap old = *m;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->v = xcalloc(m->cap, sizeof(*m->v));
	for (size_t i = 0; i < old.cap; i++) {
		struct strmap_slot *s = &old.v[i];

		if (s->key)
			*find(m, s->key, s->len, s->hash) = *s;
	}
	free(old.v);
}

void *strmap_getn(const struct strmap *m, const char *key, size_t len)
{
	struct strmap_slot *s;

	if (!m->cap)
		return NULL;
	s = find(m, key, len, hash_bytes(key, len));
	return s->key ? s->val : NULL;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	return strmap_getn(m, key, strlen(key));
}

void **strmap_putn(struct strmap *m, const char *key, size_t len)
{
	uint32_t h = hash_bytes(key, len);
	struct strmap_slot *s;

	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	s = find(m, key, len, h);
	if (!s->key) {
		s->key = strpool_dupn(&m->keys, key, len);
		s->hash = h;
		s->len = (uint32_t)len;
		s->val = NULL;
		m->n++;
	}
	return &s->val;
}

void **strmap_put(struct strmap *m, const char *key)
{
	return strmap_putn(m, key, strlen(key));
}

char *strmap_num(char buf[24], int64_t n)
{
	char tmp[24];
	uint64_t u = n < 0 ? -(uint64_t)n : (uint64_t)n;
	size_t len = 0, i = 0;

	do {
		tmp[len++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (n < 0)
		buf[i++] = '-';
	while (len)
		buf[i++] = tmp[--len];
	buf[i] = '\0';
	return buf;
}

char *strmap_join(const char *s, ...)
{
	va_list ap;
	size_t len = 0, at = 0;
	char *out;

	va_start(ap, s);
	for (const char *p = s; p; p = va_arg(ap, const char *))
		len += strlen(p);
	va_end(ap);
	out = xmalloc(len + 1);
	va_start(ap, s);
	for (const char *p = s; p; p = va_arg(ap, const char *)) {
		size_t l = strlen(p);

		memcpy(out + at, p, l);
		at += l;
	}
	va_end(ap);
	out[at] = '\0';
	return out;
}

void idmap_init(struct idmap *m)
{
	m->v = NULL;
	m->n = 0;
	m->cap = 0;
}

void idmap_release(struct idmap *m)
{
	free(m->v);
	idmap_init(m);
}

static size_t id_slot(const struct idmap *m, int64_t key)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)(((uint64_t)key * 0x9e3779b97f4a7c15ULL) >> 20) & mask;

	while (m->v[i].val && m->v[i].key != key)
		i = (i + 1) & mask;
	return i;
}

void *idmap_get(const struct idmap *m, int64_t key)
{
	return m->cap ? m->v[id_slot(m, key)].val : NULL;
}

void idmap_set(struct idmap *m, int64_t key, void *val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct idmap old = *m;

		m->cap = old.cap ? old.cap * 2 : 64;
		m->v = xcalloc(m->cap, sizeof(*m->v));
		for (size_t j = 0; j < old.cap; j++)
			if (old.v[j].val)
				m->v[id_slot(m, old.v[j].key)] = old.v[j];
		free(old.v);
	}
	i = id_slot(m, key);
	if (!m->v[i].val)
		m->n++;
	m->v[i].key = key;
	m->v[i].val = val;
}
