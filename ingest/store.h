/*
 * store: the ingest stage's writes and lookups (batch, report,
 * quarantine, stage_run), each statement prepared once per run.
 * Owns its statements; borrows the database.  Depends on common/db.
 */
#ifndef INGEST_STORE_H
#define INGEST_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "common/db.h"
#include "ingest/dedup.h"
#include "ingest/record.h"

struct ingest_store {
	struct db *db;
	sqlite3_stmt *find_batch, *add_batch, *end_batch, *add_report, *add_new, *add_run, *set_near,
		     *add_quarantine, *get_text, *index_batch, *known, *next_id,
		     *add_band, *add_bands, *add_sketch, *add_sketches, *get_band, *get_sketch;
};

/* A report some buckets took: its rows of report_band and report_sketch. */
struct ingest_band {
	int64_t id, root;
	long day;               /* ingest_report_day, -1 when not known */
	struct dedup_sketch sk;
	int taken;              /* the bands whose buckets took it */
};

/* Reports to write to report_band; owns its array. */
struct ingest_bands {
	struct ingest_band *v;
	size_t n, cap;
};

/* Counts of one batch. */
struct ingest_counts {
	long read, new_, duplicates, near, quarantined;
};

int ingest_store_open(struct ingest_store *s, struct db *db, struct err *err);
void ingest_store_close(struct ingest_store *s);
/* Reset every statement, ending any read a borrowed row kept open. */
void ingest_store_reset(struct ingest_store *s);

/* The id of a done batch with this checksum, or 0. */
int ingest_store_find_batch(struct ingest_store *s, const char *sha256, int64_t *id,
			    struct err *err);
int ingest_store_add_batch(struct ingest_store *s, const char *file, const char *sha256,
			   const char *format, const char *encoding, int64_t *id,
			   struct err *err);
/* Write the batch's counts. */
int ingest_store_end_batch(struct ingest_store *s, int64_t batch,
			   const struct ingest_counts *c, struct err *err);
/* Index the reports from..to (ids, inclusive) for full-text search. */
int ingest_store_index(struct ingest_store *s, int64_t from, int64_t to, struct err *err);

/*
 * Insert a report unless one with its (source, ext_id) or content hash
 * exists: *id is its new id, or 0 for such a duplicate.  sk may be NULL.
 * fresh: the report is known to be new, and a duplicate is an error.
 */
int ingest_store_add_report(struct ingest_store *s, const struct ingest_row *row,
			    const char *raw, size_t raw_len, const struct dedup_sketch *sk,
			    int64_t batch, long line, int fresh, int64_t *id, struct err *err);
/* Reports written by one statement in ingest_store_add_new. */
#define INGEST_STORE_RUN 16

/* A new report for ingest_store_add_new: all borrowed. */
struct ingest_new {
	const struct ingest_row *row;
	const char *raw;
	size_t raw_len;
	const struct dedup_sketch *sk;  /* may be NULL */
	long line;
};

/*
 * Insert n reports known to be new, in order (a duplicate among them is
 * an error); *last is the id of the last, the others' run before it
 * without a gap.
 */
int ingest_store_add_new(struct ingest_store *s, const struct ingest_new *v, size_t n,
			 int64_t batch, int64_t *last, struct err *err);
int ingest_store_set_near(struct ingest_store *s, int64_t id, int64_t of, double sim,
			  struct err *err);
int ingest_store_add_quarantine(struct ingest_store *s, int64_t batch, const char *file,
				long line, const char *reason, const char *raw,
				size_t raw_len, struct err *err);

/* *known = 1 when a stored report has content_hash, or source and ext_id. */
int ingest_store_known(struct ingest_store *s, const char *source, const char *ext_id,
		       const char *content_hash, int *known, struct err *err);
/* The id the next new report will get. */
int ingest_store_next_id(struct ingest_store *s, int64_t *id, struct err *err);

/* The stored text, place and day of a report, borrowed until the next call (a dedup_fetch_fn). */
const char *ingest_store_text(void *store, int64_t id, size_t *len, const char **place,
			      long *day);

/*
 * Fill d with every stored report's sketch; the rows report_band would
 * hold for them are added to out.
 */
int ingest_store_load_sketches(struct ingest_store *s, struct ingest_dedup *d,
			       struct ingest_bands *out, struct err *err);

/* Add the rows of report id, of day, for the bands in taken (a mask, ingest_dedup_add's). */
void ingest_bands_add(struct ingest_bands *b, int64_t id, int64_t root, long day,
		      const struct dedup_sketch *sk, int taken);
void ingest_bands_release(struct ingest_bands *b);
/* Write the rows of b and empty it. */
int ingest_store_add_bands(struct ingest_store *s, struct ingest_bands *b, struct err *err);
/* Fill the bucket of key in d with its stored members of ids below before. */
int ingest_store_load_band(struct ingest_store *s, struct ingest_dedup *d, uint32_t key,
			   int64_t before, struct err *err);
/* *built = 1 when report_band holds the buckets of every stored report. */
int ingest_store_bands_built(struct ingest_store *s, int *built, struct err *err);
int ingest_store_set_bands_built(struct ingest_store *s, struct err *err);

/* Encode/decode a sketch as little-endian bytes (the BLOB in report.sketch). */
void ingest_sketch_encode(const struct dedup_sketch *sk, unsigned char out[4 * DEDUP_NHASH]);
void ingest_sketch_decode(const unsigned char *in, struct dedup_sketch *sk);

#endif
