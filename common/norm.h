/*
 * norm: the text normalisation every stage shares, so that ingest,
 * analyze and the watchlist compare like with like: NFKC (utf8proc, so
 * full-width digits and letters become ASCII), Traditional to Simplified
 * (OpenCC t2s, only for text that holds Traditional-only characters),
 * whitespace folded.  Owns an OpenCC handle; depends on nothing else.
 */
#ifndef COMMON_NORM_H
#define COMMON_NORM_H

#include <stddef.h>

#include "common/err.h"
#include "common/sbuf.h"

struct norm {
	void *t2s;      /* opencc_t, opened by norm_init */
};

int norm_init(struct norm *n, struct err *err);
void norm_release(struct norm *n);

/*
 * Append the normalised form of s[0..len) (valid UTF-8) to out: NFKC,
 * Traditional to Simplified, every run of white space (including the
 * ideographic space U+3000 and newlines) folded to one ASCII space,
 * leading and trailing space dropped.  Borrows s.
 */
int norm_text(struct norm *n, const char *s, size_t len, struct sbuf *out,
	      struct err *err);

/* The key used to match field names: NFKC, lower case, no white space. */
void norm_key(const char *s, size_t len, struct sbuf *out);

/* 1 when s[0..len) is valid UTF-8 (no overlongs, no surrogates), else 0. */
int utf8_valid(const char *s, size_t len);

#endif
