/*
 * linkmap: the links a run of the stage has written or found, by their
 * key (a, b, type), so that a link met again is not looked for in the
 * database.  Entries are invalidated by entity (linkmap_forget) when a
 * merge or a hub moves or deletes that entity's links.  Depends on
 * nothing but xalloc and strmap's idmap.
 */
#ifndef ANALYZE_LINKMAP_H
#define ANALYZE_LINKMAP_H

#include <stdint.h>
#include <stddef.h>

#include "analyze/strmap.h"

struct linkmap_slot {
	int64_t a, b, id;       /* id 0: an empty slot */
	uint32_t gen;           /* the generation it was stored in */
	unsigned char type;
};

struct linkmap {
	struct linkmap_slot *v;
	size_t n, cap;          /* cap is 0 or a power of two */
	uint32_t gen;           /* bumped by linkmap_forget */
	struct idmap forgot;    /* entity id -> the generation it was forgotten in */
};

void linkmap_init(struct linkmap *m);
void linkmap_release(struct linkmap *m);

/* The id stored for (a, b, type), or 0 when none or forgotten. */
int64_t linkmap_get(const struct linkmap *m, int64_t a, int64_t b, int type);
/* Store id (> 0) for (a, b, type). */
void linkmap_put(struct linkmap *m, int64_t a, int64_t b, int type, int64_t id);
/* Forget every link of entity e (what is stored for it may be gone or moved). */
void linkmap_forget(struct linkmap *m, int64_t e);
/* Whether entity e's links were ever forgotten. */
int linkmap_forgotten(const struct linkmap *m, int64_t e);

#endif
