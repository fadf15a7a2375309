/*
 * report_params: the limits and windows of the morning report, read
 * from data/report.conf over built-in defaults.
 */
#include "output/report_data.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	size_t off;
	int def;
} params[] = {
	{ "top_warnings", offsetof(struct report_params, top_warnings), 50 },
	{ "evidence_per_warning", offsetof(struct report_params, evidence_per_warning), 3 },
	{ "refs_per_item", offsetof(struct report_params, refs_per_item), 100 },
	{ "snippet_chars", offsetof(struct report_params, snippet_chars), 80 },
	{ "clusters_shown", offsetof(struct report_params, clusters_shown), 20 },
	{ "cluster_nodes", offsetof(struct report_params, cluster_nodes), 24 },
	{ "series_shown", offsetof(struct report_params, series_shown), 20 },
	{ "quiet_days", offsetof(struct report_params, quiet_days), 3 },
	{ "quiet_baseline_days", offsetof(struct report_params, quiet_baseline_days), 28 },
	{ "quiet_min_reports", offsetof(struct report_params, quiet_min_reports), 5 },
	{ "quarantine_shown", offsetof(struct report_params, quarantine_shown), 10 },
	{ "late_shown", offsetof(struct report_params, late_shown), 10 },
	{ "held_shown", offsetof(struct report_params, held_shown), 10 },
};

void report_params_default(struct report_params *p)
{
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		*(int *)((char *)p + params[i].off) = params[i].def;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int report_params_load(struct report_params *p, const char *data_dir,
		       struct err *err)
{
	char *path, line[512];
	FILE *f;
	int lineno = 0, rc = 0;

	report_params_default(p);
	if (!data_dir)
		return 0;
	path = xasprintf("%s/report.conf", data_dir);
	f = fopen(path, "r");
	if (!f) {
		if (errno != ENOENT)
			rc = err_set(err, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		char *eq, *key, *val, *end;
		long v;
		size_t i, n = sizeof(params) / sizeof(params[0]);

		lineno++;
		line[strcspn(line, "#")] = '\0';
		key = trim(line);
		if (!*key)
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			rc = err_set(err, "'%s' line %d: expected 'name = value'", path, lineno);
			goto out;
		}
		*eq = '\0';
		key = trim(key);
		val = trim(eq + 1);
		errno = 0;
		v = strtol(val, &end, 10);
		if (!*val || *end || errno || v < 0 || v > 100000) {
			rc = err_set(err, "'%s' line %d: '%s' is not a number from 0 to 100000",
				     path, lineno, val);
			goto out;
		}
		for (i = 0; i < n && strcmp(params[i].name, key); i++)
			;
		if (i == n) {
			rc = err_set(err, "'%s' line %d: unknown parameter '%s'", path, lineno, key);
			goto out;
		}
		*(int *)((char *)p + params[i].off) = (int)v;
	}
out:
	if (f)
		fclose(f);
	free(path);
	return rc;
}
