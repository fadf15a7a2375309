/*
 * input: decoding a file once, keeping the line map.
 *
 * GB18030 never uses the bytes 0x00-0x2f as a trail byte, so '\n', '"',
 * ',' and '\t' mean the same in the original bytes and in the UTF-8
 * text, and line i of one is line i of the other.  That is what lets the
 * readers parse UTF-8 while the raw column keeps the original bytes.
 * A file that is neither all UTF-8 nor all GB18030 (two exports pasted
 * together, a few corrupt lines) is decoded line by line so that only
 * the unreadable lines are lost to quarantine.
 */
#include "ingest/input.h"
#include "common/norm.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Offsets of the starts of lines in s, plus a final offset len. */
static size_t *line_offsets(const char *s, size_t len, size_t *nlines)
{
	size_t cap = 0, n = 0;
	size_t *off = NULL;
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);

		off = xgrow(off, &cap, n + 2, sizeof(*off));
		off[n++] = i;
		i = nl ? (size_t)(nl - s) + 1 : len;
	}
	off = xgrow(off, &cap, n + 1, sizeof(*off));
	off[n] = len;
	*nlines = n;
	return off;
}

static void decode_by_line(struct ingest_input *in)
{
	struct sbuf out = SBUF_INIT;

	in->text_off = xmalloc((in->nlines + 1) * sizeof(size_t));
	for (size_t i = 0; i < in->nlines; i++) {
		const char *p = in->orig + in->orig_off[i];
		size_t n = in->orig_off[i + 1] - in->orig_off[i];
		size_t mark = out.len;

		in->text_off[i] = out.len;
		if (utf8_valid(p, n)) {
			sbuf_add(&out, p, n);
		} else if (enc_gb18030_to_utf8(p, n, &out, NULL) < 0) {
			out.len = mark;
			for (size_t k = 0; k < n; k++)
				sbuf_addch(&out, (unsigned char)p[k] >= 0x80 ? '?' : p[k]);
			in->bad[i] = INPUT_BAD_BYTES;
		}
	}
	in->text_off[in->nlines] = out.len;
	in->text_len = out.len;
	in->text = sbuf_detach(&out);
}

void ingest_input_init(struct ingest_input *in, const char *buf, size_t len)
{
	size_t bom = enc_bom_len(buf, len);
	struct sbuf out = SBUF_INIT;
	size_t ntext;

	memset(in, 0, sizeof(*in));
	in->orig = buf + bom;
	in->orig_len = len - bom;
	in->orig_off = line_offsets(in->orig, in->orig_len, &in->nlines);
	in->bad = xcalloc(in->nlines + 1, 1);
	in->enc = enc_decode(in->orig, in->orig_len, &out);
	if (in->enc == ENC_UTF8) {
		in->text = in->orig;
		in->text_len = in->orig_len;
		in->text_off = in->orig_off;
	} else if (in->enc == ENC_GB18030) {
		in->text_len = out.len;
		in->text = sbuf_detach(&out);
		in->text_off = line_offsets(in->text, in->text_len, &ntext);
		if (ntext != in->nlines) {
			/* Cannot happen for GB18030; stay safe if it does. */
			free((char *)in->text);
			free(in->text_off);
			decode_by_line(in);
		}
	} else {
		sbuf_release(&out);
		decode_by_line(in);
	}
	/* NUL is valid UTF-8 but no record may hold one. */
	for (size_t i = 0; i < in->nlines; i++)
		if (memchr(in->orig + in->orig_off[i], '\0', in->orig_off[i + 1] - in->orig_off[i]))
			in->bad[i] = INPUT_BAD_NUL;
}

void ingest_input_release(struct ingest_input *in)
{
	if (in->text != in->orig)
		free((char *)in->text);
	if (in->text_off != in->orig_off)
		free(in->text_off);
	free(in->orig_off);
	free(in->bad);
	memset(in, 0, sizeof(*in));
}

const char *ingest_input_line(const struct ingest_input *in, size_t i, size_t *len)
{
	const char *p = in->text + in->text_off[i];
	size_t n = in->text_off[i + 1] - in->text_off[i];

	if (n > 0 && p[n - 1] == '\n')
		n--;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	*len = n;
	return p;
}

const char *ingest_input_raw(const struct ingest_input *in, size_t first, size_t last,
			     size_t *len)
{
	*len = in->orig_off[last + 1] - in->orig_off[first];
	return in->orig + in->orig_off[first];
}

const char *ingest_input_check(const struct ingest_input *in, size_t first, size_t last)
{
	for (size_t i = first; i <= last && i < in->nlines; i++) {
		if (in->bad[i] == INPUT_BAD_NUL)
			return "NUL byte in record";
		if (in->bad[i] == INPUT_BAD_BYTES)
			return "bytes are neither UTF-8 nor GB18030";
	}
	return NULL;
}
