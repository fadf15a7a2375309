/*
 * escape: how a string from a record is written into HTML and Markdown,
 * so that nothing in a record reaches a reader as markup or code.  One
 * function per output context; every one also repairs invalid UTF-8.
 * Owns nothing; depends only on common/sbuf.
 */
#ifndef OUTPUT_ESCAPE_H
#define OUTPUT_ESCAPE_H

#include <stddef.h>

#include "common/sbuf.h"

/*
 * Append s as HTML text, safe both between tags and inside a quoted
 * attribute value (also in inline SVG): & < > " ' become character
 * references, control characters other than tab and newline become a
 * space, invalid UTF-8 becomes U+FFFD.  Borrows s (NULL appends nothing).
 */
void escape_html(struct sbuf *out, const char *s);

/*
 * Append s as inline Markdown text (a paragraph, a list item or a table
 * cell): every character CommonMark or GitHub give a meaning inline is
 * backslash-escaped, a block marker at the start is neutralised, line
 * breaks are folded to a space, invalid UTF-8 becomes U+FFFD.  Borrows s.
 */
void escape_md(struct sbuf *out, const char *s);

/*
 * Append at most max_chars characters of s (whole UTF-8 characters,
 * invalid bytes repaired to U+FFFD, white space runs folded to one
 * space) and "…" when s was longer.  For evidence snippets.  Borrows s.
 */
void escape_clip(struct sbuf *out, const char *s, size_t max_chars);

#endif
