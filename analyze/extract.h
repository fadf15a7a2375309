/*
 * extract: everything the stage reads from one report on its own, with
 * no database and nothing learnt from earlier reports: register fields,
 * identifiers and values, names, what is stated beside a name, and the
 * categories.  One struct extract per thread (its extractors keep scratch
 * state); results are owned by the caller's struct extract_result.
 */
#ifndef ANALYZE_EXTRACT_H
#define ANALYZE_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/category.h"
#include "analyze/mention.h"
#include "common/err.h"

/* One report as read from the database.  Strings are owned by whoever fills it. */
struct extract_report {
	int64_t id;
	const char *source, *ext_id, *kind, *category, *text, *fields;
	const char *received, *occurred, *reliability, *place;
	size_t len;
	int credibility;
	const char *seen;       /* the report's date: occurred, else received */
	int year;               /* the year ages were stated in */
	double weight;
};

/* What extract_run finds in one report. */
struct extract_result {
	struct mention_list fields;   /* register fields, in field order */
	int *field_rows;        /* per field mention: 0 the register row, 1+i persons[i], -1 none */
	size_t cap_rows;
	struct mention_list text;     /* the text's mentions, identifiers then names */
	char *sex;              /* per text mention: the sex its attrs state ('M', 'F') or 0 */
	int *age;               /* per text mention: the age its attrs state, or -1 */
	size_t cap_stated;
	struct category_result cat;
};

struct extract;

/* Load the extractors from the data folder dir.  Returns owned, or NULL with err set. */
struct extract *extract_new(const char *dir, struct err *err);
/* NULL is a no-op. */
void extract_free(struct extract *x);

void extract_result_init(struct extract_result *res);
void extract_result_release(struct extract_result *res);

/* Fill res (emptied first) from report r.  Borrows r. */
void extract_run(struct extract *x, const struct extract_report *r, struct extract_result *res);

#endif
