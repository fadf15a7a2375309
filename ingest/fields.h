/*
 * fields: the alias table of data/aliases.tsv, which maps the headers of
 * real exports (报警时间, 身份证号, Phone No ...) to lookout's canonical
 * field names, and kind values (警情, 举报 ...) to canonical kinds.
 * Owns its strings; depends on common/norm (norm_key) only.
 */
#ifndef INGEST_FIELDS_H
#define INGEST_FIELDS_H

#include <stddef.h>

#include "common/err.h"
#include "common/norm.h"

struct fields_map;

struct ingest_fields {
	struct norm *norm;              /* borrowed: folds Traditional keys */
	struct fields_map *names;       /* match key -> canonical field */
	struct fields_map *kinds;       /* match key -> canonical kind */
	struct fields_map *cache;       /* header exactly as written -> canonical or "" */
	struct fields_map *kind_cache;  /* kind value exactly as written -> kind or "" */
};

/* The fields FORMAT.md names; others in the table are extensions. */
extern const char *const ingest_canonical_fields[];

/*
 * Load path ("alias<TAB>canonical" lines, "kind:alias<TAB>kind" for kind
 * values, '#' comments).  Every canonical name also matches itself.
 * Release f also after an error.
 */
int ingest_fields_load(struct ingest_fields *f, const char *path, struct norm *norm,
		       struct err *err);
void ingest_fields_release(struct ingest_fields *f);

/*
 * The canonical name of a field name as written, or NULL when the table
 * does not know it.  Matching ignores case, white space, full/half width,
 * '_' and '-'.  Returns a string owned by f.
 */
const char *ingest_fields_lookup(struct ingest_fields *f, const char *name, size_t len);
/* The canonical kind of a kind value, or NULL when unknown. */
const char *ingest_fields_kind(struct ingest_fields *f, const char *value, size_t len);

#endif
