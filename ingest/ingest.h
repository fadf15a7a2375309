/*
 * ingest: the ingest stage as `lookout ingest` and `lookout run` call
 * it.  Reads input files (JSON Lines, CSV/TSV, plain text; UTF-8 or
 * GB18030), normalises each record, quarantines what cannot be read,
 * drops exact duplicates, marks near-duplicates, and writes one batch
 * per file, a night's files in one transaction.  Owns its tables (batch, report,
 * quarantine, report_fts); depends on common/ only.
 */
#ifndef INGEST_INGEST_H
#define INGEST_INGEST_H

#include <stdint.h>

#include "common/db.h"
#include "common/err.h"
#include "common/norm.h"
#include "common/progress.h"
#include "ingest/ahead.h"
#include "ingest/dedup.h"
#include "ingest/fields.h"
#include "ingest/grading.h"
#include "ingest/store.h"

/* What ingesting one file did (and, summed by the caller, a run). */
struct ingest_summary {
	long files;             /* files ingested as new batches */
	long skipped;           /* files already ingested, untouched */
	long read, new_, duplicates, near, quarantined;
	int64_t batch;          /* the new batch, or the earlier one of a skipped file */
};

struct ingest {
	struct db *db;          /* borrowed */
	struct norm norm;
	struct ingest_fields fields;
	struct ingest_grading grading;
	struct ingest_store store;
	struct ingest_dedup dedup;
	int dedup_loaded;
	/* The index holds some buckets only: the others are read from report_band when needed. */
	int dedup_partial;
	/*
	 * A second, read-only connection for the worker thread, which looks
	 * for duplicates ahead of the writer; when it cannot be opened, the
	 * writer looks for them itself (the same results, one thread less).
	 */
	struct db reader;
	struct ingest_store rstore;
	int reader_state;       /* 0 not tried, 1 open, -1 none */
	/*
	 * The open transaction: files go into it one after another (a
	 * savepoint each) until their new reports reach INGEST_GROUP, and
	 * are committed together (ingest.c says why).
	 */
	int group_open;
	int64_t group_new;              /* new reports written in it */
	int64_t fts_from, fts_to;       /* its new reports not in the full-text index yet */
	struct ingest_bands bands;      /* report_band rows of its new reports */
	int ahead_on;                   /* the worker predicts ids and duplicates */
	struct ingest_ahead ahead;      /* ... of the group's new reports (a first load's: the run's) */
	int64_t run;            /* stage_run row */
	int mapped;             /* db reads through a memory map until ingest_release */
	struct progress *progress;      /* borrowed, may be NULL */
	uint64_t done_records;  /* for the progress line, over the run */
};

/*
 * Load the tables and settings of data_dir (aliases.tsv, grading.tsv,
 * ingest.conf), prepare the statements and log the run as started.
 * Release in also after an error.
 */
int ingest_init(struct ingest *in, struct db *db, const char *data_dir, struct err *err);
/*
 * Commit the files not committed yet and log the run as finished
 * (status "ok" or "failed") with its rows.
 */
int ingest_finish(struct ingest *in, const char *status, long rows, struct err *err);
void ingest_release(struct ingest *in);

/* The format of a path by its extension ("jsonl", "csv", "tsv", "txt"), or NULL. */
const char *ingest_format_of(const char *path);
/* 1 when name is a format ingest reads. */
int ingest_format_valid(const char *name);

/*
 * Ingest one file ("-" is standard input) as one batch.  format may be
 * NULL (by extension; for standard input, JSON Lines when it starts with
 * '{').  source names the records that carry no source (NULL: the
 * file's name without extension, "stdin" for "-").  A file whose
 * checksum matches a done batch is not read again: sum->skipped = 1 and
 * sum->batch is that batch.  Adds to sum.
 */
int ingest_file(struct ingest *in, const char *path, const char *format, const char *source,
		struct ingest_summary *sum, struct err *err);

#endif
