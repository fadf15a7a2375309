/*
 * input: one input file's bytes as numbered lines of UTF-8, each line
 * mapped back to its original bytes so a record's raw form can be stored
 * verbatim.  Owns the decoded copy; borrows the original bytes.
 * Depends on common/encoding and common/norm only.
 */
#ifndef INGEST_INPUT_H
#define INGEST_INPUT_H

#include <stddef.h>

#include "common/encoding.h"
#include "common/err.h"

/* Why a line cannot be read (ingest_input.bad[i]). */
enum { INPUT_OK = 0, INPUT_BAD_BYTES = 1, INPUT_BAD_NUL = 2 };

struct ingest_input {
	const char *orig;       /* borrowed: the file's bytes, BOM stripped */
	size_t orig_len;
	const char *text;       /* UTF-8 form of orig, owned when != orig */
	size_t text_len;
	enum encoding enc;      /* ENC_UNKNOWN: mixed, decided line by line */
	size_t nlines;
	size_t *orig_off;       /* nlines + 1 offsets: line i is orig[orig_off[i], orig_off[i+1]) */
	size_t *text_off;       /* the same in text */
	unsigned char *bad;     /* per line: INPUT_OK or why it is unreadable */
};

/*
 * Split buf[0..len) into lines and decode them: the whole buffer as
 * UTF-8 when it is valid UTF-8, else as GB18030 when it all converts,
 * else each line on its own (UTF-8, then GB18030, else marked bad with
 * its bytes above 0x7f shown as '?', so the line's structure survives).
 * Borrows buf, which must outlive in.
 */
void ingest_input_init(struct ingest_input *in, const char *buf, size_t len);
void ingest_input_release(struct ingest_input *in);

/* Line i of the decoded text (without its '\n' or "\r\n"); borrowed. */
const char *ingest_input_line(const struct ingest_input *in, size_t i, size_t *len);

/* Original bytes of lines first..last (inclusive, with their newlines). */
const char *ingest_input_raw(const struct ingest_input *in, size_t first, size_t last,
			     size_t *len);

/* The reason lines first..last cannot be read, or NULL when they can. */
const char *ingest_input_check(const struct ingest_input *in, size_t first, size_t last);

#endif
