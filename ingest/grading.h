/*
 * grading: default Admiralty grades (source reliability A-F, information
 * credibility 1-6) per source or kind, from data/grading.tsv.  Owns its
 * rules; depends on libc only.
 */
#ifndef INGEST_GRADING_H
#define INGEST_GRADING_H

#include <stddef.h>

#include "common/err.h"

struct grading_rule;

struct ingest_grading {
	struct grading_rule *v;
	size_t n, cap;
};

/*
 * Load path: "match<TAB>reliability<TAB>credibility" lines, match being
 * "source:NAME", "source:PREFIX*", "kind:NAME" or "*"; '#' comments.
 * Release g also after an error.
 */
int ingest_grading_load(struct ingest_grading *g, const char *path, struct err *err);
void ingest_grading_release(struct ingest_grading *g);

/* The first rule matching source or kind; F6 (cannot be judged) when none does. */
void ingest_grading_default(const struct ingest_grading *g, const char *source,
			    const char *kind, char *reliability, int *credibility);

/* 1 when r is one letter A-F / c one digit 1-6. */
int ingest_grading_valid_reliability(const char *r);
int ingest_grading_valid_credibility(const char *c);

#endif
