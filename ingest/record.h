/*
 * record: one read record (named fields as written) turned into one
 * normalised report row, or rejected with a reason for quarantine.
 * Owns the row's strings; borrows the alias table, grading rules and
 * normaliser.  Depends on common/norm, common/date, cJSON.
 */
#ifndef INGEST_RECORD_H
#define INGEST_RECORD_H

#include "common/err.h"
#include "common/norm.h"
#include "ingest/fields.h"
#include "ingest/grading.h"
#include "ingest/reader.h"

/* report.date_flags bits */
enum { DATE_FLAG_RECEIVED = 1, DATE_FLAG_OCCURRED = 2 };

struct ingest_row {
	char *source, *ext_id, *kind, *category;
	char *received_at, *received_text;      /* ISO or NULL; as written or NULL */
	char *occurred_at, *occurred_text;
	char *place;
	char *text;
	char *fields;           /* JSON object of known non-column fields, normalised */
	char *extra;            /* JSON object of unknown fields, verbatim, plus "_notes" */
	/*
	 * The lengths of text, fields and extra, as ingest_row_build
	 * measured them; 0 means not measured (ingest_row_len).
	 */
	size_t text_len, fields_len, extra_len;
	int id_derived, date_flags, grading_default, informant;
	int has_lat, has_lon;
	double lat, lon;
	char reliability[2];
	int credibility;
	char content_hash[65];
};

/* What building a row borrows. */
struct ingest_rowctx {
	struct ingest_fields *fields;
	const struct ingest_grading *grading;
	struct norm *norm;
	const char *default_source;     /* for records without a source */
};

void ingest_row_init(struct ingest_row *row);
void ingest_row_release(struct ingest_row *row);

/*
 * Fill row from rec (which must not be rejected yet).  Returns 0 with
 * row filled, 1 when rec is rejected (reason in rec->reject), -1 on an
 * error that must stop the file.  Borrows rec.
 */
int ingest_row_build(const struct ingest_rowctx *c, struct ingest_record *rec,
		     struct ingest_row *row, struct err *err);

/* The length of s, n when it was measured (n > 0), else strlen: s of a row with its length. */
size_t ingest_row_len(const char *s, size_t n);

/*
 * A report's day for the near-duplicate window: the day it happened,
 * else the day it came in (stored dates, either NULL), as a day number,
 * or -1 when neither is known.
 */
long ingest_report_day(const char *occurred_at, const char *received_at);

#endif
