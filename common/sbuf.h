/*
 * sbuf: a growable byte string that is always NUL-terminated.  The
 * caller owns the struct; sbuf_release() frees its bytes, sbuf_detach()
 * hands them over as an owned char *.
 */
#ifndef COMMON_SBUF_H
#define COMMON_SBUF_H

#include <stddef.h>

struct sbuf {
	char *buf;
	size_t len;
	size_t cap;
};

#define SBUF_INIT { NULL, 0, 0 }

void sbuf_init(struct sbuf *sb);
void sbuf_release(struct sbuf *sb);
void sbuf_reset(struct sbuf *sb);
void sbuf_add(struct sbuf *sb, const void *data, size_t len);
void sbuf_adds(struct sbuf *sb, const char *s);
void sbuf_addch(struct sbuf *sb, char c);
void sbuf_addf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Returns an owned string; sb is left empty. */
char *sbuf_detach(struct sbuf *sb);
/* Returns the bytes, "" when empty; borrowed until the next change. */
const char *sbuf_str(const struct sbuf *sb);

#endif
