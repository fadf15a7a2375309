/*
 * reader: the record every reader fills.  Fields are copied so a reader
 * may reuse its buffers; the field array is kept across records so a
 * long file does not allocate it again for every row.  A record of more
 * than MAX_FIELDS fields is rejected.
 */
#include "ingest/reader.h"
#include "common/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * No real export has more fields than this; a record with more (a CSV
 * row of 100,000 columns fits in INGEST_MAX_RECORD) is quarantined,
 * since building a row costs time quadratic in its unknown fields.
 */
#define MAX_FIELDS 1000

void ingest_record_init(struct ingest_record *r)
{
	memset(r, 0, sizeof(*r));
}

static void clear_fields(struct ingest_record *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->f[i].name);
		free(r->f[i].value);
	}
	r->n = 0;
}

void ingest_record_release(struct ingest_record *r)
{
	clear_fields(r);
	free(r->f);
	memset(r, 0, sizeof(*r));
}

void ingest_record_start(struct ingest_record *r, const struct ingest_input *in,
			 size_t first, size_t last)
{
	const char *why;

	clear_fields(r);
	r->reject = NULL;
	r->line = (long)first + 1;
	r->raw = ingest_input_raw(in, first, last, &r->raw_len);
	if (r->raw_len > INGEST_MAX_RECORD)
		ingest_record_reject(r, "record over %d bytes (%zu)", INGEST_MAX_RECORD, r->raw_len);
	else if ((why = ingest_input_check(in, first, last)))
		r->reject = why;
}

void ingest_record_add(struct ingest_record *r, const char *name, size_t nlen,
		       const char *val, size_t vlen, enum ingest_ftype type)
{
	struct ingest_field *f;

	if (r->n >= MAX_FIELDS) {
		if (!r->reject)
			ingest_record_reject(r, "record has more than %d fields", MAX_FIELDS);
		return;
	}
	r->f = xgrow(r->f, &r->cap, r->n + 1, sizeof(*r->f));
	f = &r->f[r->n++];
	f->name = xstrndup(name, nlen);
	f->value = xmalloc(vlen + 1);
	if (vlen)
		memcpy(f->value, val, vlen);
	f->value[vlen] = '\0';
	f->len = vlen;
	f->type = type;
}

void ingest_record_reject(struct ingest_record *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	r->reject = r->reason;
}
