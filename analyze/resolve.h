/*
 * resolve: person resolution.  Each person seen in a report (an
 * observation: a name with the identifiers and attributes found beside it)
 * joins the person its strong keys point to, or founds a new one.  Strong
 * keys: a valid ID number; name + phone; name + birth date (never a name
 * alone; a redacted name such as 张某 only with an identifier).  Different
 * ID numbers, sexes or birth years keep persons apart, and so does every
 * "never" pair an analyst made by undoing a merge.  Owns the in-memory
 * persons and key index; the caller loads and stores them (no database).
 */
#ifndef ANALYZE_RESOLVE_H
#define ANALYZE_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/strmap.h"

/* One person as one report shows them.  Everything is borrowed. */
struct resolve_obs {
	const char *name;           /* normalised name, or NULL */
	const char *idcard;         /* a valid canonical ID number, or NULL */
	const char *const *phones;  /* canonical phone values, hubs left out */
	size_t n_phones;
	const char *birth;          /* "YYYY-MM-DD" stated in the text, or NULL */
	char sex;                   /* 'M', 'F' or 0 */
	int age;                    /* stated age, or -1 */
	int report_year;            /* the year the age was stated, 0 unknown */
	const char *sig;            /* the founding mention's signature */
	int64_t n;                  /* the number a person founded here gets */
	int64_t report_id;
};

struct resolve_key {
	char *key;                  /* the resolution's: "idcard:ID", "name+phone:N|P", "name+birth:N|D" */
	int64_t report_id;          /* the report that first gave it */
};

struct resolve_person {
	int64_t n;                  /* person:N */
	int64_t merged_into;        /* 0 while alive */
	char *idcard;               /* the resolution's or NULL */
	char sex;
	char birth[11];             /* exact date, "" when unknown */
	int birth_lo, birth_hi;     /* birth years the evidence allows, 0 unknown */
	char *display;              /* the resolution's or NULL: the name shown */
	int display_redacted;
	struct resolve_key *keys;
	size_t n_keys, cap_keys;
	char **founders;            /* owned array of the resolution's signatures of the persons joined here */
	size_t n_founders, cap_founders;
	int dirty;                  /* changed since the caller last stored it */
	int rewrite;                /* merged: its stored keys and founders are stale */
	size_t n_keys_stored;       /* the caller's count of keys and founders */
	size_t n_founders_stored;   /* already in its store */
};

struct resolve_merge {
	int64_t kept, merged;       /* person numbers */
	int64_t report_id;          /* the report that joined them */
	char **keys;                /* owned: the keys that joined them */
	size_t n_keys;
	int64_t *reports;           /* owned: reports that gave those keys, sorted */
	size_t n_reports;
	char **kept_founders, **merged_founders;   /* owned copies */
	size_t n_kept_founders, n_merged_founders;
};

struct resolve {
	struct resolve_person **v;  /* every person, alive or merged (in blocks) */
	size_t n, cap;
	struct strmap by_n;         /* "N" -> struct resolve_person * */
	struct strmap keys;         /* key -> struct resolve_plist * (owned) */
	struct strmap never;        /* "sigA\037sigB", sigA < sigB -> non-NULL */
	int age_tolerance;
	struct resolve_merge *merges;   /* the merges of the last resolve_observe */
	size_t n_merges, cap_merges;
	struct resolve_person **blocks;    /* owned: the persons, RESOLVE_BLOCK to a block */
	size_t n_blocks, used;             /* blocks; persons of the last one in use */
	struct strpool strings;     /* the persons' texts: ID numbers, names, keys, signatures */
	struct resolve_person **changed;   /* the persons marked dirty, each once; the */
	size_t n_changed, cap_changed;     /* caller empties it as it stores them */
};

void resolve_init(struct resolve *r, int age_tolerance);
void resolve_release(struct resolve *r);

/* 1 when a name is redacted (张某, 张某某, 张某俊, 王*, 李X, 张姓), else 0. */
int resolve_name_redacted(const char *name);

/*
 * Resolve one observation.  Returns the number of the person it joined or
 * founded; r->merges lists the merges it caused (valid until the next call).
 */
int64_t resolve_observe(struct resolve *r, const struct resolve_obs *o);

/*
 * The strong keys by which resolve_observe looks up an observation's
 * persons: owned, into keys[] (room for 3 + o->n_phones); returns how many.
 */
size_t resolve_keys(const struct resolve *r, const struct resolve_obs *o, char **keys);

/* The person numbered n, or NULL.  Borrowed. */
struct resolve_person *resolve_get(const struct resolve *r, int64_t n);

/* Loading stored state (the caller's database).  Borrow their strings. */
struct resolve_person *resolve_load_person(struct resolve *r, int64_t n,
					   const char *idcard, char sex,
					   const char *birth, int birth_lo, int birth_hi,
					   const char *display);
void resolve_load_key(struct resolve *r, struct resolve_person *p, const char *key,
		      int64_t report_id);
void resolve_load_founder(struct resolve *r, struct resolve_person *p, const char *sig);
/* Keep the persons founded at signatures a and b apart for good. */
void resolve_add_never(struct resolve *r, const char *a, const char *b);

#endif
