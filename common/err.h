/*
 * err: the one way lookout reports failure.  A function that can fail
 * returns int (0 ok, -1 error) and writes a one-line, lower-case message
 * into a caller-owned struct err.  Modules never print; the CLI prints.
 */
#ifndef COMMON_ERR_H
#define COMMON_ERR_H

#include <stdarg.h>

struct err {
	char msg[1024];
};

/* Format a message into err (which may be NULL) and return -1. */
int err_set(struct err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int err_vset(struct err *err, const char *fmt, va_list ap);

/* Prefix an existing message with context: "reading 'x': <old>"; returns -1. */
int err_prefix(struct err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void err_clear(struct err *err);

#endif
