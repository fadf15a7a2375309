/*
 * conf: data/ingest.conf, one setting at a time into a dedup_rule.
 */
#include "ingest/conf.h"
#include "common/conf.h"

#include <stdlib.h>
#include <string.h>

static int setting(void *ctx, const char *name, const char *value, struct err *err)
{
	struct dedup_rule *r = ctx;
	char *end;

	if (!strcmp(name, "near_dup_similarity")) {
		double v = strtod(value, &end);

		if (end == value || *end || !(v > 0 && v <= 1))
			return err_set(err, "near_dup_similarity: '%s' is not a number above 0 and at most 1",
				       value);
		r->near = v;
		return 0;
	}
	if (!strcmp(name, "near_dup_days")) {
		long v = strtol(value, &end, 10);

		if (end == value || *end || v < 0 || v > 3650)
			return err_set(err, "near_dup_days: '%s' is not a whole number of days from 0 to 3650",
				       value);
		r->days = (int)v;
		return 0;
	}
	return err_set(err, "unknown setting '%s'", name);
}

int ingest_conf_load(struct dedup_rule *rule, const char *path, struct err *err)
{
	rule->near = DEDUP_NEAR;
	rule->days = DEDUP_DAYS;
	return conf_read(path, 0, setting, rule, err);
}
