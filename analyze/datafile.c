/*
 * datafile: line reader for the data files.  A whole file is read with
 * getline; the files are small (the largest, phone-prefixes.tsv, is a few
 * MB) and read once a run.
 */
#include "analyze/datafile.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int datafile_split(char *s, char sep, char **parts, int max)
{
	int n = 0;

	if (max <= 0)
		return 0;
	parts[n++] = s;
	for (char *p = s; *p && n < max; p++) {
		if (*p == sep) {
			*p = '\0';
			parts[n++] = p + 1;
		}
	}
	return n;
}

int datafile_read(const char *dir, const char *name, datafile_fn fn, void *ctx,
		  struct err *err)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int rc = 0;

	if (!f) {
		rc = err_set(err, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *fields[8];
		int n;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		n = datafile_split(line, '\t', fields, 8);
		if (fn(ctx, fields, n, err) < 0) {
			rc = err_prefix(err, "%s:%zu", path, lineno);
			goto out;
		}
	}
out:
	if (f)
		fclose(f);
	free(line);
	free(path);
	return rc;
}
