/*
 * conf: one reader for every stage's parameter file, so that comments,
 * blanks and errors that name the file and line mean the same in each.
 */
#include "common/conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Cut line at its comment: a '#' that starts it or follows a blank. */
static void cut_comment(char *line)
{
	for (char *p = line; *p; p++) {
		if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
	}
}

int conf_read(const char *path, int missing_ok, conf_fn fn, void *ctx, struct err *err)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *s, *eq;
	size_t cap = 0;
	long lineno = 0;
	int rc = 0;

	if (!f) {
		if (missing_ok && errno == ENOENT)
			return 0;
		return err_set(err, "cannot read '%s': %s", path, strerror(errno));
	}
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		cut_comment(line);
		s = trim(line);
		if (!*s)
			continue;
		eq = strchr(s, '=');
		if (!eq)
			rc = err_set(err, "expected 'name = value'");
		else {
			*eq = '\0';
			rc = fn(ctx, trim(s), trim(eq + 1), err);
		}
		if (rc < 0)
			err_prefix(err, "%s:%ld", path, lineno);
	}
	if (rc == 0 && ferror(f))
		rc = err_set(err, "cannot read '%s': %s", path, strerror(errno));
	free(line);
	fclose(f);
	return rc;
}
