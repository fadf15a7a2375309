/*
 * store: every write of the analyze stage, through statements prepared
 * once a run: entities, mentions, links with their evidence, categories,
 * values, person state and merges, and the clearing that --all needs.
 * The caller holds the transaction.  Depends on common/db and on the
 * stage's resolve types; knows nothing of extraction.
 */
#ifndef ANALYZE_STORE_H
#define ANALYZE_STORE_H

#include <stdint.h>

#include "analyze/linkmap.h"
#include "analyze/resolve.h"
#include "common/db.h"
#include "common/err.h"

struct store_rows;

struct store {
	struct db *db;
	sqlite3_stmt *st[32];
	struct store_rows *rows[10];  /* inserts held back to be written many at once */
	int64_t next_mention;     /* the id the next mention gets */
	int64_t next_entity;      /* the id the next new entity gets */
	int64_t next_link;        /* the id the next new link gets; 0: not yet known */
	int links_fresh;          /* 1: the link table was empty when the run began (-1: unknown) */
	struct linkmap links;     /* the links the run has written or found */
	int64_t *joined;          /* after store_merge: the entities whose link to the */
	size_t n_joined, cap_joined;  /* merged person joined one the kept person had */
};

/* A mention row.  Strings are borrowed. */
struct store_mention {
	int64_t id, report_id, entity_id;
	long start, end;          /* -1 for a field */
	const char *field;        /* NULL for text */
	const char *surface, *role, *rule, *attrs;
	double confidence;
};

int store_open(struct store *s, struct db *db, struct err *err);
/* Finalise the statements; rows not yet written by store_flush are dropped. */
void store_close(struct store *s);
/*
 * Write the rows held back: new entities, links, mentions, link evidence,
 * categories, values, analyzed reports, places, person keys and founders
 * are inserted many to a
 * statement, in the order they were given.  Call before the transaction
 * commits; the functions here that read or update those tables call it
 * themselves.
 */
int store_flush(struct store *s, struct err *err);
/* The same but for the new entities, which wait for store_flush. */
int store_flush_chunk(struct store *s, struct err *err);

/*
 * Empty the derived tables for a rebuild (--all); entity rows stay, reset,
 * so that later stages' references keep pointing at the same keys.
 */
int store_clear(struct db *db, struct err *err);
/* Delete entities nothing mentions any more, where no later stage still refers to them. */
int store_drop_orphans(struct db *db, struct err *err);

/* A new entity, first seen in one report dated seen (may be NULL): its id now, its row held back. */
int store_entity_insert(struct store *s, const char *type, const char *key,
			const char *display, const char *attrs, int hub, const char *seen,
			int64_t *id, struct err *err);
/* Set up an entity row kept from before a rebuild as if new. */
int store_entity_reset(struct store *s, int64_t id, const char *display,
		       const char *attrs, int hub, const char *seen, struct err *err);
/* An entity's first and last seen and report count; hub is its new flag, or -1 when unchanged. */
int store_entity_seen(struct store *s, int64_t id, const char *first, const char *last,
		      int n_reports, int hub, struct err *err);
int store_entity_attrs(struct store *s, int64_t id, const char *display,
		       const char *attrs, struct err *err);

int store_mention(struct store *s, const struct store_mention *m, struct err *err);
/* Add one report's evidence to the link (a, b, type), creating it (*created = 1). */
int store_link(struct store *s, int64_t a, int64_t b, const char *type, double weight,
	       const char *seen, int64_t report_id, int *created, struct err *err);
/* Remove every link of a hub. */
int store_unlink_hub(struct store *s, int64_t entity_id, struct err *err);
/*
 * How many distinct persons hold, use or drive an identifier (typed set),
 * or are mentioned beside an entity (typed 0: an organisation, an object).
 */
int store_person_users(struct store *s, int64_t entity_id, int typed, int64_t *n,
		       struct err *err);

/* Where a place lies: its administrative parent (0 for none) and level. */
int store_place(struct store *s, int64_t entity_id, int64_t parent_id, const char *level,
		struct err *err);

int store_category(struct store *s, int64_t report_id, const char *key, int primary,
		   int score, struct err *err);
int store_value(struct store *s, int64_t report_id, const char *type, const char *value,
		const char *surface, long start, long end, const char *attrs,
		struct err *err);
int store_analyzed(struct store *s, int64_t report_id, const char *now, double weight,
		   struct err *err);
/* Every report with an id up to through is analyzed (analyze_mark). */
int store_mark(struct store *s, int64_t through, struct err *err);

/*
 * Write a person's resolution state: its row, and its keys and founders
 * beyond those already stored (all of them again after a merge).
 */
int store_person(struct store *s, int64_t entity_id, const struct resolve_person *p,
		 struct err *err);
/*
 * Record merge m and move everything of entity merged into kept:
 * mentions, links (their evidence joined, weights summed again), and
 * mark the merged row.  Person state is written by store_person.
 * s->joined then lists the entities at the far end of links that joined
 * one of kept's: each has one distinct person fewer beside it.
 */
int store_merge(struct store *s, int64_t kept, int64_t merged,
		const struct resolve_merge *m, struct err *err);

#endif
