/*
 * report_int: what the parts of the morning report's loader share
 * inside output/ (report_data.c drives the load; report_guard.c,
 * report_warnings.c, report_clusters.c and report_changes.c each gather
 * one part).  Same ownership rule as report_data.h: every string the
 * loader puts in a struct is owned by that struct.
 */
#ifndef OUTPUT_REPORT_INT_H
#define OUTPUT_REPORT_INT_H

#include "output/report_data.h"

/* What replaces an informant's code or name in any text shown. */
#define REPORT_MASK "***"

/* ---- lists ---- */
void report_strs_add(struct report_strs *l, const char *s);   /* copies s */
void report_strs_release(struct report_strs *l);
int report_strs_has(const struct report_strs *l, const char *s);
void report_ref_release(struct report_ref *r);
void report_refs_release(struct report_refs *l);
/* Takes r's strings. */
void report_refs_push(struct report_refs *l, struct report_ref *r);
void report_counts_free(struct report_count *v, size_t n);

/* ---- the informant guard (report_guard.c) ---- */
struct report_guard {
	struct report_strs codes;      /* whole tokens: "K07", "informant:K07" */
	struct report_strs names;      /* anywhere: reporters' names */
	int64_t *persons;              /* entity ids of informant reporters */
	size_t n_persons, cap_persons;
};

int report_guard_load(struct report_guard *g, struct db *db, struct err *err);
void report_guard_release(struct report_guard *g);
/* Whether entity id is an informant (the reporter of an informant's report). */
int report_guard_person(const struct report_guard *g, int64_t id);
/* Returns an owned copy of s with every secret replaced by REPORT_MASK. */
char *report_guard_scrub(const struct report_guard *g, const char *s);

/* ---- one load ---- */
struct report_loader {
	struct db *db;
	struct report_data *d;
	struct report_guard guard;
	char start[11], end[11];       /* the night is [start, end) */
	int64_t prev_batch;            /* batches after this one are new */
	char *prev_warnings;           /* JSON array text of the last report */
	sqlite3_stmt *report;          /* one report by row id */
	sqlite3_stmt *entity;          /* one entity by key */
};

/*
 * Fill r (owned by the caller after) from report row id: its reference
 * (masked for an informant), date, place and, when snippet is set, a
 * clipped snippet of its text.
 */
int report_load_ref(struct report_loader *L, int64_t id, int snippet, struct report_ref *r,
		    struct err *err);
/*
 * Step st (bound; its first column a report row id) to its end, adding
 * each report to out, the first 'snippets' of out with a snippet.
 * Returns 0, or -1 on error.
 */
int report_load_refs(struct report_loader *L, sqlite3_stmt *st, size_t snippets,
		     struct report_refs *out, struct err *err);
/* 1 when key names an informant (and may not be shown), 0 if not, -1 error. */
int report_entity_hidden(struct report_loader *L, const char *key, struct err *err);

/* The parts, in the order report_data_load runs them. */
int report_load_previous(struct report_loader *L, struct err *err);   /* report_changes.c */
int report_load_warnings(struct report_loader *L, struct err *err);   /* report_warnings.c */
int report_load_hits(struct report_loader *L, struct err *err);       /* after the warnings */
int report_load_held(struct report_loader *L, struct err *err);
int report_load_clusters(struct report_loader *L, struct err *err);   /* report_clusters.c */
int report_load_series(struct report_loader *L, struct err *err);
int report_load_changes(struct report_loader *L, struct err *err);    /* report_changes.c */
int report_load_quality(struct report_loader *L, struct err *err);

#endif
