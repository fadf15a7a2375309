/*
 * csv: CSV and TSV through libcsv (RFC 4180 quoting, quoted fields may
 * span lines).  The first row is the header.
 *
 * libcsv is fed one decoded line at a time, so we know which lines a
 * row spans and can store its original bytes.  A row whose field count
 * differs from the header's is quarantined whole.  A quote that is
 * never closed would swallow the rest of the file into one field; when
 * the file ends inside a quoted field, or an open row grows past the
 * record size limit, only the row's first line is quarantined and
 * parsing starts again on the line after it, so no later row is lost.
 */
#include "ingest/reader.h"
#include "common/xalloc.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

/* libcsv's parser state for "inside a field" (libcsv.c: FIELD_BEGUN). */
#define CSV_STATE_FIELD_BEGUN 2

struct cell {
	char *s;
	size_t len;
};

struct csvr {
	const struct ingest_input *in;
	ingest_sink_fn sink;
	void *arg;
	struct err *err;
	int rc;
	struct cell *hdr;
	size_t nhdr;
	int have_hdr;
	struct cell *cell;
	size_t ncell, cellcap;
	size_t row_first, line;
	int row_open, row_ended;
	struct ingest_record r;
};

static void free_cells(struct cell *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].s);
}

static void on_field(void *s, size_t len, void *data)
{
	struct csvr *st = data;
	struct cell *c;

	st->cell = xgrow(st->cell, &st->cellcap, st->ncell + 1, sizeof(*st->cell));
	c = &st->cell[st->ncell++];
	c->s = xmalloc(len + 1);
	if (len)
		memcpy(c->s, s, len);
	c->s[len] = '\0';
	c->len = len;
}

static int all_empty(const struct cell *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].len)
			return 0;
	return 1;
}

static void emit_row(struct csvr *st)
{
	struct ingest_record *r = &st->r;

	if (st->rc < 0 || all_empty(st->cell, st->ncell))
		goto out;
	if (!st->have_hdr) {
		st->hdr = st->cell;
		st->nhdr = st->ncell;
		st->have_hdr = 1;
		st->cell = NULL;
		st->ncell = st->cellcap = 0;
		return;
	}
	ingest_record_start(r, st->in, st->row_first, st->line);
	if (!r->reject && st->ncell != st->nhdr)
		ingest_record_reject(r, "row has %zu fields, the header has %zu",
				     st->ncell, st->nhdr);
	if (!r->reject)
		for (size_t i = 0; i < st->ncell; i++)
			ingest_record_add(r, st->hdr[i].s, st->hdr[i].len,
					  st->cell[i].s, st->cell[i].len, IF_TEXT);
	st->rc = st->sink(st->arg, r, st->err);
out:
	free_cells(st->cell, st->ncell);
	st->ncell = 0;
}

static void on_row(int c, void *data)
{
	struct csvr *st = data;

	emit_row(st);
	st->row_ended = 1;
	st->row_open = 0;
	st->row_first = st->line;
}

static int blank_line(const char *s, size_t n)
{
	return n == 0 || (n == 1 && s[0] == '\r');
}

/* Quarantine the first line of a row whose quote never closes. */
static void quarantine_first_line(struct csvr *st, const char *why)
{
	ingest_record_start(&st->r, st->in, st->row_first, st->row_first);
	if (!st->r.reject)
		ingest_record_reject(&st->r, "%s", why);
	st->rc = st->sink(st->arg, &st->r, st->err);
	free_cells(st->cell, st->ncell);
	st->ncell = 0;
}

/*
 * Parse from line start to the end.  Returns the line to restart from
 * after a runaway quoted field, or in->nlines when the file is done.
 */
static size_t parse_from(struct csvr *st, size_t start, char delim)
{
	const struct ingest_input *in = st->in;
	struct csv_parser p;
	size_t restart = in->nlines;

	csv_init(&p, 0);
	csv_set_delim(&p, (unsigned char)delim);
	st->row_open = 0;
	for (size_t i = start; i < in->nlines && st->rc == 0; i++) {
		const char *s = in->text + in->text_off[i];
		size_t n = in->text_off[i + 1] - in->text_off[i];
		size_t len;
		const char *body = ingest_input_line(in, i, &len);

		st->line = i;
		if (!st->row_open)
			st->row_first = i;
		st->row_ended = 0;
		csv_parse(&p, s, n, on_field, on_row, st);
		if (!st->row_ended && !blank_line(body, len))
			st->row_open = 1;
		if (st->row_open && in->orig_off[i + 1] - in->orig_off[st->row_first] > INGEST_MAX_RECORD &&
		    i > st->row_first) {
			quarantine_first_line(st, "unterminated quoted field");
			restart = st->row_first + 1;
			goto out;
		}
	}
	if (st->rc == 0 && st->row_open && p.quoted && p.pstate == CSV_STATE_FIELD_BEGUN) {
		quarantine_first_line(st, "unterminated quoted field");
		restart = st->row_first + 1;
		goto out;
	}
	if (st->rc == 0)
		csv_fini(&p, on_field, on_row, st);
out:
	csv_free(&p);
	return restart;
}

int ingest_csv_read(const struct ingest_input *in, char delim, ingest_sink_fn sink,
		    void *arg, struct err *err)
{
	struct csvr st;
	size_t line = 0;

	memset(&st, 0, sizeof(st));
	st.in = in;
	st.sink = sink;
	st.arg = arg;
	st.err = err;
	ingest_record_init(&st.r);
	while (line < in->nlines && st.rc == 0)
		line = parse_from(&st, line, delim);
	free_cells(st.cell, st.ncell);
	free(st.cell);
	free_cells(st.hdr, st.nhdr);
	free(st.hdr);
	ingest_record_release(&st.r);
	return st.rc;
}
