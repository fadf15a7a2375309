/*
 * escape: HTML and Markdown escaping for the morning report.
 *
 * Each escaper walks the string one UTF-8 character at a time with the
 * same strict decoder (no overlongs, no surrogates, nothing above
 * U+10FFFF), so a broken byte can never combine with what follows into
 * something a browser reads differently from us; it is written as
 * U+FFFD.  Non-ASCII characters are copied as they are: only ASCII
 * carries markup in either language.
 */
#include "output/escape.h"

#include <string.h>

static const char replacement[] = "\xEF\xBF\xBD";   /* U+FFFD */

/*
 * The length in bytes of the valid UTF-8 character at s (1-4), or 0
 * when the bytes at s are not one.  s is NUL-terminated.
 */
static size_t utf8_char(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

/* A control character that is not tab or newline, including DEL. */
static int is_control(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7F;
}

void escape_html(struct sbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s)
		return;
	while (*p) {
		size_t n = utf8_char(p);

		if (n == 0) {
			sbuf_adds(out, replacement);
			p++;
			continue;
		}
		if (n > 1) {
			sbuf_add(out, p, n);
			p += n;
			continue;
		}
		switch (*p) {
		case '&': sbuf_adds(out, "&amp;"); break;
		case '<': sbuf_adds(out, "&lt;"); break;
		case '>': sbuf_adds(out, "&gt;"); break;
		case '"': sbuf_adds(out, "&quot;"); break;
		case '\'': sbuf_adds(out, "&#39;"); break;
		default:
			sbuf_addch(out, is_control(*p) ? ' ' : (char)*p);
		}
		p++;
	}
}

/*
 * Inline Markdown: the characters that start emphasis, code, links and
 * images ([ is enough: without it a parenthesis is text), raw HTML,
 * entities, tables, strikethrough, and headings' closing sequences.
 * A backslash before any ASCII punctuation is always literal in
 * CommonMark, so escaping one too many is harmless.
 */
static int md_special(unsigned char c)
{
	return c && strchr("\\`*_{}[]<>#!|~&^$", c) != NULL;
}

/*
 * Block markers only count at the start of a line: a list bullet, a
 * heading, a quote, a thematic break, a setext underline, an ordered
 * list "1." or "1)".  Returns how many leading bytes need a backslash
 * before the byte at that offset (the marker itself), or -1 for none.
 */
static long md_block_marker(const char *s)
{
	size_t i = 0;

	if (s[0] && strchr("-+=>#*_", s[0]))
		return 0;
	while (s[i] >= '0' && s[i] <= '9' && i < 9)
		i++;
	if (i > 0 && (s[i] == '.' || s[i] == ')'))
		return (long)i;
	return -1;
}

void escape_md(struct sbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long marker;
	int space = 0;

	if (!s)
		return;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	marker = md_block_marker((const char *)p);
	for (long at = 0; *p; at++) {
		size_t n = utf8_char(p);

		if (n == 0) {
			sbuf_adds(out, replacement);
			p++;
			space = 0;
			continue;
		}
		if (n > 1) {
			sbuf_add(out, p, n);
			p += n;
			space = 0;
			continue;
		}
		/* Fold line breaks and runs of blanks: a line break would end a
		 * table row or start a new block. */
		if (*p == '\n' || *p == '\r' || *p == '\t' || *p == ' ' || is_control(*p)) {
			if (!space)
				sbuf_addch(out, ' ');
			space = 1;
			p++;
			continue;
		}
		if (md_special(*p) || at == marker)
			sbuf_addch(out, '\\');
		sbuf_addch(out, (char)*p);
		space = 0;
		p++;
	}
}

void escape_clip(struct sbuf *out, const char *s, size_t max_chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0;
	int pending = 0;   /* a space is owed before the next character */

	if (!s)
		return;
	while (*p) {
		size_t n = utf8_char(p);

		if (n == 1 && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) {
			pending = chars > 0;
			p++;
			continue;
		}
		if (chars + (size_t)pending >= max_chars) {
			sbuf_adds(out, "…");
			return;
		}
		if (pending) {
			sbuf_addch(out, ' ');
			chars++;
			pending = 0;
		}
		if (n == 0) {
			sbuf_adds(out, replacement);
			n = 1;
		} else {
			sbuf_add(out, p, n);
		}
		p += n;
		chars++;
	}
}
