/*
 * conf: the "name = value" parameter files of data/ (analyze.conf,
 * graph.conf, warn.conf, report.conf).  This reads the lines; each
 * stage keeps its own table of names, defaults and checks.  Depends on
 * nothing but common/err.
 */
#ifndef COMMON_CONF_H
#define COMMON_CONF_H

#include "common/err.h"

/* One setting: name and value trimmed, both borrowed for the call. */
typedef int (*conf_fn)(void *ctx, const char *name, const char *value, struct err *err);

/*
 * Call fn for each setting of the file at path, in file order.  '#'
 * starts a comment (at the start of a line, or after a blank); blank
 * lines are skipped.  A line without '=' or an error from fn fails with
 * the message prefixed by "PATH:LINE: ".  A missing file is an error,
 * unless missing_ok (then nothing is called).  Returns 0 or -1.
 */
int conf_read(const char *path, int missing_ok, conf_fn fn, void *ctx, struct err *err);

#endif
