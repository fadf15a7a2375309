/*
 * reader: the three input forms of FORMAT.md (JSON Lines, CSV/TSV, plain
 * text) turned into records of named fields, one call of a sink per
 * record.  A record that cannot be read reaches the sink too, with its
 * reason set, so the caller quarantines it and goes on.  Depends on
 * ingest/input, cJSON and libcsv; knows nothing of the database.
 */
#ifndef INGEST_READER_H
#define INGEST_READER_H

#include <stddef.h>

#include "common/err.h"
#include "ingest/input.h"

/* Records longer than this (raw bytes) are quarantined unread. */
#define INGEST_MAX_RECORD (1024 * 1024)

enum ingest_ftype { IF_TEXT, IF_NUMBER, IF_BOOL, IF_NULL, IF_LIST, IF_OBJECT };

struct ingest_field {
	char *name;             /* owned: the name as written, UTF-8 */
	char *value;            /* owned: text; a number as written; JSON text of a list/object */
	size_t len;
	enum ingest_ftype type;
};

struct ingest_record {
	long line;              /* 1-based number of the record's first line */
	const char *raw;        /* borrowed: the record's original bytes */
	size_t raw_len;
	struct ingest_field *f; /* owned */
	size_t n, cap;
	const char *reject;     /* why it cannot be read, or NULL; points to reason or a literal */
	char reason[200];
};

/* The sink returns -1 only for errors that must stop the whole file. */
typedef int (*ingest_sink_fn)(void *arg, struct ingest_record *rec, struct err *err);
/*
 * The canonical field a plain-text "key: value" line sets, or NULL when
 * the line is text.  A key naming "text" opens the narrative.
 */
typedef const char *(*ingest_key_fn)(void *arg, const char *name, size_t len);

void ingest_record_init(struct ingest_record *r);
void ingest_record_release(struct ingest_record *r);
/*
 * Start record r on lines first..last of in: drops its old fields, sets
 * line and raw, and rejects it when those lines are unreadable or too long.
 */
void ingest_record_start(struct ingest_record *r, const struct ingest_input *in,
			 size_t first, size_t last);
/* Copies name and value. */
void ingest_record_add(struct ingest_record *r, const char *name, size_t nlen,
		       const char *val, size_t vlen, enum ingest_ftype type);
void ingest_record_reject(struct ingest_record *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

int ingest_jsonl_read(const struct ingest_input *in, ingest_sink_fn sink, void *arg,
		      struct err *err);
/* delim is ',' for CSV and '\t' for TSV. */
int ingest_csv_read(const struct ingest_input *in, char delim, ingest_sink_fn sink,
		    void *arg, struct err *err);
int ingest_text_read(const struct ingest_input *in, ingest_key_fn known_key,
		     ingest_sink_fn sink, void *arg, struct err *err);

#endif
