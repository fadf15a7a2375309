/*
 * reader_common: what the fuzz targets of the three readers share.  One
 * input is decoded as ingest does it (ingest/input), read by one reader,
 * and every record that is not rejected is built into a report row as
 * ingest would store it, all without a database.  The sink checks what
 * the rest of lookout relies on: a record's raw bytes lie inside the
 * input, its line is a real line, a rejected record says why, a number,
 * list or object field is JSON text of that type, and a built row holds
 * valid UTF-8 text.  Any breach aborts, so libFuzzer
 * keeps the input.  Included by tests/fuzz/fuzz_{jsonl,csv,text}.c only.
 */
#ifndef TESTS_FUZZ_READER_COMMON_H
#define TESTS_FUZZ_READER_COMMON_H

#include "common/norm.h"
#include "ingest/fields.h"
#include "ingest/grading.h"
#include "ingest/input.h"
#include "ingest/reader.h"
#include "ingest/record.h"

#include <cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct fuzz_reader {
	struct norm norm;
	struct ingest_fields fields;
	struct ingest_grading grading;
	struct ingest_rowctx rctx;
	const struct ingest_input *input;
	struct ingest_row row;
	long records;
};

/* The tables, loaded once from the data folder of the build. */
static struct fuzz_reader *fuzz_reader_get(void)
{
	static struct fuzz_reader fr;
	static int ready;
	struct err err;

	if (ready)
		return &fr;
	if (norm_init(&fr.norm, &err) < 0 ||
	    ingest_fields_load(&fr.fields, LOOKOUT_DATADIR "/aliases.tsv", &fr.norm, &err) < 0 ||
	    ingest_grading_load(&fr.grading, LOOKOUT_DATADIR "/grading.tsv", &err) < 0)
		abort();
	fr.rctx.fields = &fr.fields;
	fr.rctx.grading = &fr.grading;
	fr.rctx.norm = &fr.norm;
	fr.rctx.default_source = "fuzz";
	ready = 1;
	return &fr;
}

static int fuzz_reader_sink(void *arg, struct ingest_record *rec, struct err *err)
{
	struct fuzz_reader *fr = arg;
	const struct ingest_input *in = fr->input;
	int rc;

	fr->records++;
	if (rec->line < 1 || (size_t)rec->line > in->nlines)
		abort();
	if (rec->raw_len && (rec->raw < in->orig || rec->raw + rec->raw_len > in->orig + in->orig_len))
		abort();
	if (rec->reject) {
		if (!*rec->reject)
			abort();
		return 0;
	}
	/* A number, list or object field is JSON text of its type. */
	for (size_t i = 0; i < rec->n; i++) {
		const struct ingest_field *f = &rec->f[i];
		cJSON *v;

		if (f->type != IF_NUMBER && f->type != IF_LIST && f->type != IF_OBJECT)
			continue;
		v = cJSON_ParseWithLength(f->value, f->len);
		if (!v || (f->type == IF_NUMBER && !cJSON_IsNumber(v)) ||
		    (f->type == IF_LIST && !cJSON_IsArray(v)) ||
		    (f->type == IF_OBJECT && !cJSON_IsObject(v)))
			abort();
		cJSON_Delete(v);
	}
	ingest_row_release(&fr->row);
	ingest_row_init(&fr->row);
	rc = ingest_row_build(&fr->rctx, rec, &fr->row, err);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		if (!rec->reject || !*rec->reject)
			abort();
		return 0;
	}
	/* A stored report must be valid UTF-8 with its hash set. */
	if (fr->row.text && !utf8_valid(fr->row.text, strlen(fr->row.text)))
		abort();
	if (fr->row.place && !utf8_valid(fr->row.place, strlen(fr->row.place)))
		abort();
	if (!fr->row.source || !fr->row.ext_id || strlen(fr->row.content_hash) != 64)
		abort();
	return 0;
}

typedef int (*fuzz_read_fn)(const struct ingest_input *in, void *arg, struct err *err);

/* Decode data as ingest does and read it with fn. */
static void fuzz_reader_run(const uint8_t *data, size_t size, fuzz_read_fn fn)
{
	struct fuzz_reader *fr = fuzz_reader_get();
	struct ingest_input in;
	struct err err;
	/* An exact-size copy, so that a read past the end is caught. */
	char *buf = malloc(size ? size : 1);

	if (!buf)
		abort();
	memcpy(buf, data, size);
	ingest_input_init(&in, buf, size);
	fr->input = &in;
	ingest_row_init(&fr->row);
	fn(&in, fr, &err);
	ingest_row_release(&fr->row);
	ingest_input_release(&in);
	free(buf);
}

#endif
