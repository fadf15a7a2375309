/*
 * report_params: the limits and windows of the morning report, read
 * from data/report.conf over built-in defaults.
 */
#include "output/report_data.h"
#include "common/conf.h"
#include "common/xalloc.h"

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

/* One setting of report.conf: a whole number from 0 to 100000. */
static int set_param(void *ctx, const char *key, const char *val, struct err *err)
{
	size_t i, n = sizeof(params) / sizeof(params[0]);
	char *end;
	long v;

	errno = 0;
	v = strtol(val, &end, 10);
	if (!*val || *end || errno || v < 0 || v > 100000)
		return err_set(err, "'%s' is not a number from 0 to 100000", val);
	for (i = 0; i < n && strcmp(params[i].name, key); i++)
		;
	if (i == n)
		return err_set(err, "unknown parameter '%s'", key);
	*(int *)((char *)ctx + params[i].off) = (int)v;
	return 0;
}

int report_params_load(struct report_params *p, const char *data_dir,
		       struct err *err)
{
	char *path;
	int rc;

	report_params_default(p);
	if (!data_dir)
		return 0;
	path = xasprintf("%s/report.conf", data_dir);
	rc = conf_read(path, 1, set_param, p, err);
	free(path);
	return rc;
}
