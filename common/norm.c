/*
 * norm: one normal form for all text, so that every stage compares like
 * with like.
 *
 * norm_text runs three steps.  (1) NFKC with utf8proc: full-width digits,
 * letters and punctuation become ASCII (１３８ -> 138, ＡＢＣ -> ABC,
 * '，' -> ',', '：' -> ':', '（' -> '('), compatibility ideographs become
 * unified ones.  Text made only of ASCII, CJK ideographs and the CJK
 * punctuation that NFKC leaves alone (、。《》「」 ...) is already NFKC, so
 * it skips utf8proc.  (2) White space: every run of white space or control
 * characters (ASCII space, tab, CR, LF, the C0/C1 controls, NBSP, U+3000
 * and the other Unicode spaces, line and paragraph separators) becomes one
 * ASCII space, leading and trailing space is dropped, and the invisible
 * zero-width space, word joiner, soft hyphen and BOM are removed, since
 * they only break matching.  (3) Traditional to Simplified with OpenCC
 * t2s, which is fifteen times slower than the rest: it runs only when the
 * text holds a character t2s would change.  That set is a bitmap built in
 * norm_init by converting every CJK ideograph once (one per line, so no
 * phrase spans two of them) and keeping those that come back different,
 * plus the few that t2s changes only inside a phrase (瞭 in 瞭解).  The
 * whole text is then converted at once, because t2s converts phrases.
 */
#include "common/norm.h"
#include "common/xalloc.h"

#include <opencc/opencc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/*
 * Characters that t2s leaves alone on their own but changes inside some
 * phrase of its TSPhrases dictionary (藉口 -> 借口, 反覆 -> 反复, 瞭解 ->
 * 了解).  Found for OpenCC 1.1 with
 *   opencc_dict -i /usr/share/opencc/TSPhrases.ocd2 -o p.txt -f ocd2 -t text
 * by listing the characters of each phrase whose conversion differs and
 * that do not change alone.
 */
static const char phrase_only[] = "藉覆衹沈瞭牴";

/* The planes t2s can change: the BMP, and plane 2 (CJK extensions B-F). */
#define T2S_LIMIT 0x30000

struct norm_state {
	opencc_t cc;
	int plane2_ready;               /* plane 2 is scanned on first use */
	uint8_t changes[T2S_LIMIT / 8]; /* bit set: t2s changes the code point */
};

/*
 * Decode the code point at s[*i], strictly: no overlong forms, no
 * surrogates, nothing above U+10FFFF, no truncated sequence.  Advances
 * *i past it and returns it, or returns -1 (and advances one byte).
 */
static int32_t utf8_next(const unsigned char *s, size_t len, size_t *i)
{
	size_t p = *i;
	unsigned char c = s[p];
	int32_t cp, min;
	size_t n;

	*i = p + 1;
	if (c < 0x80)
		return c;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 1;
		cp = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 2;
		cp = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 3;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return -1;
	}
	if (len - p - 1 < n)
		return -1;
	for (size_t k = 1; k <= n; k++) {
		unsigned char d = s[p + k];

		if ((d & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (d & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*i = p + 1 + n;
	return cp;
}

static void utf8_put(struct sbuf *out, int32_t cp)
{
	char b[4];
	utf8proc_ssize_t n = utf8proc_encode_char(cp, (utf8proc_uint8_t *)b);

	sbuf_add(out, b, (size_t)n);
}

/*
 * What utf8_next accepts, with two short cuts for what files are made
 * of: ASCII eight bytes at a time, and the three-byte forms whose lead
 * byte alone rules out overlongs and surrogates (E1-EC, EE-EF: the CJK
 * ideographs among them), which need only their two continuation bytes
 * checked.  Every file ingest reads is checked whole (a first load's
 * 243 MB took 0.5 s of the writer by utf8_next alone).
 */
int utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = u[i];

		if (c < 0x80) {
			uint64_t w;

			while (len - i >= 8) {
				memcpy(&w, u + i, 8);
				if (w & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			while (i < len && u[i] < 0x80)
				i++;
		} else if (((c >= 0xE1 && c <= 0xEC) || c >= 0xEE) && c <= 0xEF && len - i >= 3 &&
			   (u[i + 1] & 0xC0) == 0x80 && (u[i + 2] & 0xC0) == 0x80) {
			i += 3;
		} else if (utf8_next(u, len, &i) < 0) {
			return 0;
		}
	}
	return 1;
}

/* White space and controls, folded to one space.  The NFKC forms of the
 * other spaces (U+2000..U+200A, U+202F, U+205F) are U+0020 already, but
 * the key path may see them before NFKC, so they are listed too. */
static int is_space(int32_t c)
{
	return c <= 0x20 || c == 0x7F || (c >= 0x80 && c <= 0xA0) ||
	       c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
	       c == 0x3000;
}

/* Invisible characters that are dropped: zero-width space, word joiner,
 * BOM / zero-width no-break space, soft hyphen. */
static int is_dropped(int32_t c)
{
	return c == 0x200B || c == 0x2060 || c == 0xFEFF || c == 0xAD;
}

/*
 * 1 when a non-ASCII code point is its own NFKC form whatever surrounds
 * it: it has no compatibility mapping and nothing composes with it.  The
 * CJK ideographs and the common CJK punctuation are, which makes most
 * Chinese text trivially NFKC.  (ASCII is NFKC too; an ASCII letter does
 * compose with a following combining mark, but such a mark is not in
 * this set, so that text takes the slow path anyway.)
 */
static int is_nfkc_inert(int32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0x3001 && c <= 0x3003) || (c >= 0x3008 && c <= 0x3011) ||
	       (c >= 0x3014 && c <= 0x301B) || c == 0x2014 ||
	       (c >= 0x2018 && c <= 0x2019) || (c >= 0x201C && c <= 0x201D) ||
	       c == 0x00B7;
}

/* U+FF01..U+FF5E, whose NFKC form is the ASCII character 0xFEE0 below. */
static int is_full_width(int32_t c)
{
	return c >= 0xFF01 && c <= 0xFF5E;
}

static int t2s_changes(const struct norm_state *st, int32_t c)
{
	return c >= 0 && c < T2S_LIMIT && (st->changes[c >> 3] >> (c & 7) & 1);
}

static void t2s_mark(struct norm_state *st, int32_t c)
{
	st->changes[c >> 3] |= (uint8_t)(1u << (c & 7));
}

/*
 * Convert every code point of [lo, hi] with t2s, one per line, and mark
 * those that come back different.  Lines are compared one by one, so a
 * character that becomes two still lines up.
 */
static int t2s_scan(struct norm_state *st, int32_t lo, int32_t hi, struct err *err)
{
	struct sbuf in = SBUF_INIT;
	char *conv;
	const char *p, *q;
	int rc = -1;

	for (int32_t c = lo; c <= hi; c++) {
		utf8_put(&in, c);
		sbuf_addch(&in, '\n');
	}
	conv = opencc_convert_utf8(st->cc, in.buf, in.len);
	if (!conv) {
		err_set(err, "cannot convert with opencc: %s", opencc_error());
		goto out;
	}
	p = in.buf;
	q = conv;
	for (int32_t c = lo; c <= hi; c++) {
		const char *pe = strchr(p, '\n'), *qe = strchr(q, '\n');

		if (!qe) {
			err_set(err, "opencc t2s output does not line up with its input");
			goto out;
		}
		if (pe - p != qe - q || memcmp(p, q, (size_t)(pe - p)))
			t2s_mark(st, c);
		p = pe + 1;
		q = qe + 1;
	}
	rc = 0;
out:
	if (conv)
		opencc_convert_utf8_free(conv);
	sbuf_release(&in);
	return rc;
}

int norm_init(struct norm *n, struct err *err)
{
	struct norm_state *st = xcalloc(1, sizeof(*st));
	size_t i = 0;

	n->t2s = NULL;
	st->cc = opencc_open("t2s.json");
	if (st->cc == (opencc_t)-1) {
		err_set(err, "cannot open opencc 't2s.json': %s", opencc_error());
		free(st);
		return -1;
	}
	n->t2s = st;
	/* Extension A and the unified ideographs hold every BMP character
	 * t2s changes; U+3400..U+9FFF also spans a few symbol blocks, which
	 * cost little to include. */
	if (t2s_scan(st, 0x3400, 0x9FFF, err) < 0) {
		norm_release(n);
		return -1;
	}
	while (phrase_only[i]) {
		int32_t c = utf8_next((const unsigned char *)phrase_only,
				      sizeof(phrase_only) - 1, &i);

		t2s_mark(st, c);
	}
	return 0;
}

void norm_release(struct norm *n)
{
	struct norm_state *st = n->t2s;

	if (!st)
		return;
	opencc_close(st->cc);
	free(st);
	n->t2s = NULL;
}

/*
 * Append s[0..len) (valid UTF-8, NFKC already) to out with white space
 * folded and trimmed and invisible characters dropped.  Returns 1 when
 * the text holds a character t2s changes.  Runs of kept bytes are copied
 * whole, and printable ASCII is passed over without decoding.  A plane-2
 * character scans plane 2 first (once), so the common case never pays
 * for it.
 */
static int fold_space(struct norm_state *st, const char *s, size_t len,
		      struct sbuf *out, struct err *err)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0, start = out->len;
	int space = 0, t2s = 0;

	while (i < len) {
		size_t at = i;
		int32_t c;

		if (u[i] > 0x20 && u[i] < 0x7F) {
			i++;
			continue;
		}
		c = utf8_next(u, len, &i);
		if (c < 0)
			return err_set(err, "invalid utf-8 at byte %zu", at);
		if (is_space(c) || is_dropped(c) || is_full_width(c)) {
			if (at > run) {
				if (space && out->len > start)
					sbuf_addch(out, ' ');
				sbuf_add(out, s + run, at - run);
				space = 0;
			}
			run = i;
			if (!is_full_width(c)) {
				space |= is_space(c);
				continue;
			}
			/* the NFKC of a full-width form, without utf8proc */
			if (space && out->len > start)
				sbuf_addch(out, ' ');
			sbuf_addch(out, (char)(c - 0xFEE0));
			space = 0;
			continue;
		}
		if (c >= 0x20000 && c < T2S_LIMIT && !st->plane2_ready) {
			if (t2s_scan(st, 0x20000, T2S_LIMIT - 1, err) < 0)
				return -1;
			st->plane2_ready = 1;
		}
		if (c >= 0x3400)
			t2s |= t2s_changes(st, c);
	}
	if (len > run) {
		if (space && out->len > start)
			sbuf_addch(out, ' ');
		sbuf_add(out, s + run, len - run);
	}
	return t2s;
}

/*
 * Convert out[start..] with t2s in place: 1 when that changed it, 0 when
 * not, -1 on an OpenCC error.
 */
static int t2s_convert(struct norm_state *st, struct sbuf *out, size_t start,
		       struct err *err)
{
	char *conv = opencc_convert_utf8(st->cc, out->buf + start, out->len - start);
	size_t n;
	int changed;

	if (!conv)
		return err_set(err, "cannot convert with opencc: %s", opencc_error());
	n = strlen(conv);
	changed = n != out->len - start || memcmp(conv, out->buf + start, n);
	if (changed) {
		out->len = start;
		sbuf_add(out, conv, n);
	}
	opencc_convert_utf8_free(conv);
	return changed;
}

/* 1 when valid UTF-8 s[0..len) holds a character t2s changes. */
static int t2s_holds(const struct norm_state *st, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if (t2s_changes(st, utf8_next(u, len, &i)))
			return 1;
	}
	return 0;
}

/*
 * 1 when s[0..len) is valid UTF-8 whose NFKC form fold_space can make
 * alone: inert characters, full-width ASCII forms (mapped one to one),
 * and the spaces and invisibles that fold_space folds or drops anyway.
 */
static int nfkc_trivial(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		int32_t c;

		if (u[i] < 0x80) {
			i++;    /* ASCII is NFKC, alone or before another inert */
			continue;
		}
		c = utf8_next(u, len, &i);
		if (c < 0)
			return 0;
		if (!is_nfkc_inert(c) && !is_full_width(c) && !is_space(c) &&
		    !is_dropped(c))
			return 0;
	}
	return 1;
}

int norm_text(struct norm *n, const char *s, size_t len, struct sbuf *out,
	      struct err *err)
{
	struct norm_state *st = n->t2s;
	utf8proc_uint8_t *nfkc = NULL;
	const char *text = s;
	size_t start = out->len;
	int rc = -1, t2s;

	if (!nfkc_trivial(s, len)) {
		utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)s,
						  (utf8proc_ssize_t)len, &nfkc,
						  UTF8PROC_STABLE | UTF8PROC_COMPOSE |
						  UTF8PROC_COMPAT);

		if (m < 0) {
			nfkc = NULL;
			err_set(err, "cannot normalise text: %s", utf8proc_errmsg(m));
			goto out;
		}
		text = (const char *)nfkc;
		len = (size_t)m;
	}
	t2s = fold_space(st, text, len, out, err);
	/* A second pass only where t2s is not idempotent (薴 -> 苧 -> 苎). */
	for (int pass = 0; t2s > 0 && pass < 2; pass++) {
		t2s = t2s_convert(st, out, start, err);
		if (t2s > 0)
			t2s = t2s_holds(st, out->buf + start, out->len - start);
	}
	if (t2s < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0) {
		out->len = start;
		if (out->buf)
			out->buf[start] = '\0';
	}
	free(nfkc);
	return rc;
}

void norm_key(const char *s, size_t len, struct sbuf *out)
{
	utf8proc_uint8_t *key = NULL;
	utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)s,
					  (utf8proc_ssize_t)len, &key,
					  UTF8PROC_STABLE | UTF8PROC_COMPOSE |
					  UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
	const unsigned char *u;
	size_t i = 0;

	if (m < 0) {
		/* Not UTF-8: keep the bytes, so the key still compares
		 * equal to itself, lower-casing only ASCII. */
		for (size_t k = 0; k < len; k++) {
			unsigned char c = (unsigned char)s[k];

			if (c > 0x20 && c != 0x7F)
				sbuf_addch(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
		}
		return;
	}
	u = key;
	while (i < (size_t)m) {
		size_t at = i;
		int32_t c = utf8_next(u, (size_t)m, &i);

		if (!is_space(c) && !is_dropped(c))
			sbuf_add(out, key + at, i - at);
	}
	free(key);
}
