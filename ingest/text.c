/*
 * text: the plain-text form.  Reports are separated by a line holding
 * only "---"; a file without one is one report.  A report may open with
 * "key: value" lines (ASCII or full-width colon) that set fields; the
 * first line that is not one, and everything after it, is the text.
 * Only keys the alias table knows open a field line, so a narrative that
 * starts "Note: ..." or "时间：..." keeps its first line as text rather
 * than losing it to an unknown field.
 */
#include "ingest/reader.h"

#include <string.h>

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

static int is_separator(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n == 3 && !memcmp(s, "---", 3);
}

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* Split "key: value" / "键：值"; 1 when line has a colon after a short key. */
static int split_key(const char *s, size_t n, const char **key, size_t *klen,
		     const char **val, size_t *vlen)
{
	for (size_t i = 0; i < n && i < 64; i++) {
		size_t skip = 0;

		if (s[i] == ':')
			skip = 1;
		else if (i + 3 <= n && !memcmp(s + i, "\xef\xbc\x9a", 3))   /* U+FF1A ： */
			skip = 3;
		if (!skip)
			continue;
		*key = s;
		*klen = i;
		*val = s + i + skip;
		*vlen = n - i - skip;
		trim(key, klen);
		trim(val, vlen);
		return *klen > 0;
	}
	return 0;
}

/* One report: lines first..last of in, neither blank at the ends. */
static int read_block(const struct ingest_input *in, size_t first, size_t last,
		      struct ingest_record *r, ingest_key_fn known_key,
		      ingest_sink_fn sink, void *arg, struct err *err)
{
	size_t i = first, text_from = in->text_len + 1;

	ingest_record_start(r, in, first, last);
	if (r->reject)
		return sink(arg, r, err);
	for (; i <= last; i++) {
		const char *s, *key, *val, *canon;
		size_t n, klen, vlen;

		s = ingest_input_line(in, i, &n);
		if (!split_key(s, n, &key, &klen, &val, &vlen))
			break;
		canon = known_key(arg, key, klen);
		if (!canon)
			break;
		if (!strcmp(canon, "text")) {
			/* "内容：..." opens the narrative: its value and every line after. */
			text_from = (size_t)(val - in->text);
			break;
		}
		ingest_record_add(r, key, klen, val, vlen, IF_TEXT);
	}
	if (i <= last) {
		size_t a = text_from <= in->text_len ? text_from : in->text_off[i];
		size_t b = in->text_off[last + 1];

		ingest_record_add(r, "text", 4, in->text + a, b - a, IF_TEXT);
	}
	return sink(arg, r, err);
}

int ingest_text_read(const struct ingest_input *in, ingest_key_fn known_key,
		     ingest_sink_fn sink, void *arg, struct err *err)
{
	struct ingest_record r;
	size_t start = 0;
	int rc = 0;

	ingest_record_init(&r);
	while (start < in->nlines && rc == 0) {
		size_t end = start, first, last;
		const char *s;
		size_t n;

		/* The block is start..end-1; end is a separator or the end. */
		for (; end < in->nlines; end++) {
			s = ingest_input_line(in, end, &n);
			if (is_separator(s, n) && !in->bad[end])
				break;
		}
		first = start;
		last = end;
		while (first < end && (s = ingest_input_line(in, first, &n), blank(s, n)) && !in->bad[first])
			first++;
		while (last > first && (s = ingest_input_line(in, last - 1, &n), blank(s, n)) && !in->bad[last - 1])
			last--;
		if (first < last)
			rc = read_block(in, first, last - 1, &r, known_key, sink, arg, err);
		start = end + 1;
	}
	ingest_record_release(&r);
	return rc;
}
