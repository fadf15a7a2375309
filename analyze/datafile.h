/*
 * datafile: read the analyze stage's data files (the .tsv, .txt and .conf
 * files of data/): one record a line, '#' starts a comment line, blank
 * lines skipped, fields separated by tabs.  Errors name the file and line.
 */
#ifndef ANALYZE_DATAFILE_H
#define ANALYZE_DATAFILE_H

#include <stddef.h>

#include "common/err.h"

/*
 * Call fn for each record line of dir/name with the line (NUL-terminated,
 * no newline; fn may modify it) split into at most 8 tab-separated fields.
 * fn returns 0 or -1 with err set; the message is then prefixed with the
 * file and line.  Returns 0 or -1.
 */
typedef int (*datafile_fn)(void *ctx, char **fields, int n_fields, struct err *err);
int datafile_read(const char *dir, const char *name, datafile_fn fn, void *ctx,
		  struct err *err);

/* Split s on sep in place into at most max parts; returns the count. */
int datafile_split(char *s, char sep, char **parts, int max);

#endif
