/*
 * strmap: a hash table from strings to pointers, for the analyze stage's
 * in-memory indexes (entity keys, person keys, prefixes).  Owns copies of
 * its keys, kept end to end in blocks (a run holds millions of keys: a
 * malloc and a free each cost more than the key); the values belong to
 * the caller.  No deletion: the stage only ever adds and updates during a
 * run.  Depends on nothing but xalloc.
 */
#ifndef ANALYZE_STRMAP_H
#define ANALYZE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	char *key;          /* owned; NULL for an empty slot */
	void *val;
	uint32_t hash, len; /* keys are shorter than 4 GB */
};

/*
 * strpool: copies of strings kept end to end in blocks and freed all at
 * once, for strings that live as long as their pool (a malloc and a
 * free each cost more than a short string).
 */
struct strpool {
	char *block;        /* the newest block, or NULL */
	size_t used, size;  /* of that block */
};

void strpool_init(struct strpool *p);
void strpool_release(struct strpool *p);
/* A copy of s[0..len) with its NUL, owned by the pool. */
char *strpool_dupn(struct strpool *p, const char *s, size_t len);
char *strpool_dup(struct strpool *p, const char *s);

struct strmap {
	struct strmap_slot *v;
	size_t n, cap;      /* cap is 0 or a power of two */
	struct strpool keys;    /* the key copies */
};

void strmap_init(struct strmap *m);
/* Free the keys (not the values). */
void strmap_release(struct strmap *m);

/* The value stored under key[0..len), or NULL.  Borrows key. */
void *strmap_getn(const struct strmap *m, const char *key, size_t len);
void *strmap_get(const struct strmap *m, const char *key);
/*
 * The value slot for key[0..len), inserted (with a copy of the key and a
 * NULL value) when absent.  The pointer is valid until the next insert.
 */
void **strmap_putn(struct strmap *m, const char *key, size_t len);
void **strmap_put(struct strmap *m, const char *key);

/*
 * Key building without printf, which costs more than the lookup: n in
 * decimal into buf (returned), and an owned concatenation of the
 * strings up to the first NULL.
 */
char *strmap_num(char buf[24], int64_t n);
char *strmap_join(const char *s, ...);

/*
 * idmap: the same for int64_t keys (row ids), which need no copies.
 * Values belong to the caller.
 */
struct idmap_slot {
	int64_t key;
	void *val;          /* NULL for an empty slot */
};

struct idmap {
	struct idmap_slot *v;
	size_t n, cap;
};

void idmap_init(struct idmap *m);
void idmap_release(struct idmap *m);
void *idmap_get(const struct idmap *m, int64_t key);
/* Store val (not NULL) under key, replacing what was there. */
void idmap_set(struct idmap *m, int64_t key, void *val);

#endif
