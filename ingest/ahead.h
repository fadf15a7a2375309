/*
 * ahead: what the worker thread knows of a file's new reports before the
 * writer has stored them: the ids they will get, the keys that make a
 * later record of the file an exact duplicate, and their texts for the
 * near-duplicate check.  Owns its copies; depends on common/ only.
 */
#ifndef INGEST_AHEAD_H
#define INGEST_AHEAD_H

#include <stddef.h>
#include <stdint.h>

#include "common/sbuf.h"

struct ahead_key;

struct ingest_ahead {
	int64_t first_id, next_id;      /* the file's first new report, the next one */
	struct sbuf texts;              /* per new report: text NUL place NUL */
	size_t *off;                    /* per new report: its offset in texts */
	long *day;                      /* per new report: its day, or -1 */
	size_t noff, offcap;
	struct ahead_key *slot;         /* open addressing over keys */
	size_t nslots, used;
	struct sbuf keys;               /* the keys' bytes */
};

/* Start a file whose first new report will be first_id. */
void ingest_ahead_init(struct ingest_ahead *a, int64_t first_id);
void ingest_ahead_release(struct ingest_ahead *a);

/*
 * 1 when a new report of the file has content_hash, or source and
 * ext_id (the report table's two unique keys).
 */
int ingest_ahead_known(const struct ingest_ahead *a, const char *source, const char *ext_id,
		       const char *content_hash);
/*
 * Take the next id for a new report with these keys and text (place may
 * be NULL), on day (-1 when unknown).
 */
int64_t ingest_ahead_add(struct ingest_ahead *a, const char *source, const char *ext_id,
			 const char *content_hash, const char *text, const char *place,
			 long day);
/*
 * The text, place ("" when none) and day of a new report of the file,
 * borrowed until the next add; NULL for an id before the file.
 */
const char *ingest_ahead_text(const struct ingest_ahead *a, int64_t id, size_t *len,
			      const char **place, long *day);

#endif
