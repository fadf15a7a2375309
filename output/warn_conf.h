/*
 * warn_conf: the parameters of the warn stage, read from data/warn.conf
 * ("name = value" lines, '#' comments).  Owns the names and values it
 * read; a parameter missing from the file takes the default the caller
 * gives, so an older warn.conf keeps working.
 */
#ifndef OUTPUT_WARN_CONF_H
#define OUTPUT_WARN_CONF_H

#include <stddef.h>

#include "common/err.h"

struct warn_conf {
	char **name, **value;
	size_t n, cap;
	char *dir;              /* the folder of the file, for files it names */
};

/* Read path into c (which the caller releases, also after an error). */
int warn_conf_load(struct warn_conf *c, const char *path, struct err *err);
void warn_conf_release(struct warn_conf *c);

/* The value of name, borrowed, or def. */
const char *warn_conf_str(const struct warn_conf *c, const char *name, const char *def);
double warn_conf_num(const struct warn_conf *c, const char *name, double def);
/* Whether word is one of the space- or comma-separated words of name's value. */
int warn_conf_has(const struct warn_conf *c, const char *name, const char *word);
/* Returns an owned path: name's value, relative to the conf's folder. */
char *warn_conf_path(const struct warn_conf *c, const char *name, const char *def);

#endif
