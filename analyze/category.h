/*
 * category: the incident categories of a report (data/categories.tsv and
 * data/escalation-words.txt): keywords in the text, the given 类别 field
 * through aliases, one primary and any number besides, "threat" raised by
 * escalation words.  Owns the loaded tables; pure functions of the text
 * otherwise (no database, no other module of the stage).
 */
#ifndef ANALYZE_CATEGORY_H
#define ANALYZE_CATEGORY_H

#include <stddef.h>

#include "common/err.h"

#define CATEGORY_MAX 32

struct category;

struct category_hit {
	const char *key;        /* borrowed from the table: "burglary" */
	int primary;            /* 1 for exactly one hit of a result */
	int score;              /* keyword score; the given field adds 100 */
};

struct category_result {
	struct category_hit v[CATEGORY_MAX];   /* primary first, then by score */
	int n;
};

/* Load dir/categories.tsv and dir/escalation-words.txt.  Returns owned or NULL. */
struct category *category_new(const char *dir, struct err *err);
void category_free(struct category *c);

/*
 * Classify one report: text[0..len) is its normalised narrative, given
 * its category field (may be NULL), kind its kind (may be NULL; register
 * kinds get no "other").  Borrows everything; fills out.
 */
void category_classify(const struct category *c, const char *text, size_t len,
		       const char *given, const char *kind, struct category_result *out);

/* The category a given field means ("入室盗窃案件" -> "burglary"), or NULL. */
const char *category_alias(const struct category *c, const char *given);

/* The shown Chinese name of a key ("burglary" -> "入室盗窃"), or NULL. */
const char *category_name(const struct category *c, const char *key);

/* The number of categories, and the i-th key in file order. */
size_t category_count(const struct category *c);
const char *category_key(const struct category *c, size_t i);

#endif
