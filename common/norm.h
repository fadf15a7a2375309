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
	void *t2s;      /* private: the OpenCC handle and the set of
			 * characters t2s changes, made by norm_init */
};

/*
 * Open OpenCC t2s and find the characters it changes (about 25 ms).
 * A struct norm is for one thread at a time: norm_text may extend that
 * set the first time it meets a character outside the BMP.
 */
int norm_init(struct norm *n, struct err *err);
void norm_release(struct norm *n);  /* safe after a failed norm_init */

/*
 * Append the normalised form of s[0..len) (valid UTF-8; the length, not
 * a NUL, ends it) to out.  Borrows s.  What it does:
 * - NFKC: full-width letters, digits and punctuation become ASCII
 *   (ＡＢＣ１２３ -> ABC123, '，' -> ',', '：' -> ':', '（' -> '(',
 *   '！' -> '!'), ① -> 1, … -> "...", compatibility ideographs become
 *   unified ones.  CJK punctuation with no compatibility form stays as
 *   it is: 。、《》「」【】“” and the middle dot ·.
 * - Traditional to Simplified (OpenCC t2s, phrase-aware), only when the
 *   text holds a character t2s changes; other text is never passed to it.
 * - Every run of white space and control characters (ASCII space, tab,
 *   CR, LF, NUL and the other C0/C1 controls, NBSP, U+3000, the other
 *   Unicode spaces, U+2028/2029) becomes one ASCII space; leading and
 *   trailing space is dropped.  Zero-width space U+200B, word joiner
 *   U+2060, BOM U+FEFF and soft hyphen U+00AD are removed.
 * Case is kept.  On invalid UTF-8 returns -1 and leaves out unchanged.
 */
int norm_text(struct norm *n, const char *s, size_t len, struct sbuf *out,
	      struct err *err);

/*
 * The key used to match field names, appended to out: NFKC, case folded,
 * no white space or invisible characters ("  警情 编号 " -> "警情编号",
 * "ＩＤ" -> "id").  No Traditional to Simplified: an alias table lists
 * Traditional headers itself.  Bytes that are not UTF-8 are kept as they
 * are (ASCII lower-cased, spaces dropped).  Borrows s.
 */
void norm_key(const char *s, size_t len, struct sbuf *out);

/* 1 when s[0..len) is valid UTF-8 (strict: no overlongs, no surrogates,
 * nothing above U+10FFFF, no truncated sequence), else 0. */
int utf8_valid(const char *s, size_t len);

#endif
