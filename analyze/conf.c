/*
 * conf: the settings of analyze.conf (read by common/conf).  An unknown
 * name or a value out of range is an error that names the line, so a
 * typo in the file is not silently ignored.
 */
#include "analyze/conf.h"
#include "analyze/datafile.h"
#include "common/conf.h"
#include "common/xalloc.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void analyze_conf_defaults(struct analyze_conf *c)
{
	static const double grade[6] = { 1.0, 0.8, 0.6, 0.4, 0.2, 0.5 };

	c->chunk_reports = 10000;
	c->commit_reports = 200000;
	c->hub_min_reports = 8;
	c->hub_min_persons = 5;
	c->assoc_max_bytes = 60;
	c->attr_max_bytes = 30;
	c->co_mention_max_entities = 12;
	c->age_tolerance_years = 2;
	memcpy(c->reliability, grade, sizeof(grade));
	memcpy(c->credibility, grade, sizeof(grade));
	c->not_own = c->contact = NULL;
	c->n_not_own = c->n_contact = 0;
}

static void free_words(char ***v, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

void analyze_conf_release(struct analyze_conf *c)
{
	free_words(&c->not_own, &c->n_not_own);
	free_words(&c->contact, &c->n_contact);
}

/* A comma-separated word list, added to what the setting holds. */
static void add_words(char ***v, size_t *nv, const char *value)
{
	char *val = xstrdup(value), *parts[256];
	int n = datafile_split(val, ',', parts, 256);
	size_t cap = *nv;

	for (int i = 0; i < n; i++) {
		char *w = parts[i];

		while (*w == ' ')
			w++;
		if (!*w)
			continue;
		*v = xgrow(*v, &cap, *nv + 1, sizeof(**v));
		(*v)[(*nv)++] = xstrdup(w);
	}
	free(val);
}

static int conf_setting(void *ctx, const char *name, const char *val, struct err *err)
{
	static const struct {
		const char *name;
		size_t off;
		int lo, hi;
	} ints[] = {
		{ "chunk_reports", offsetof(struct analyze_conf, chunk_reports), 1, 1000000 },
		{ "commit_reports", offsetof(struct analyze_conf, commit_reports), 1, 100000000 },
		{ "hub_min_reports", offsetof(struct analyze_conf, hub_min_reports), 1, 1000000 },
		{ "hub_min_persons", offsetof(struct analyze_conf, hub_min_persons), 2, 1000000 },
		{ "assoc_max_bytes", offsetof(struct analyze_conf, assoc_max_bytes), 0, 10000 },
		{ "attr_max_bytes", offsetof(struct analyze_conf, attr_max_bytes), 0, 10000 },
		{ "co_mention_max_entities", offsetof(struct analyze_conf, co_mention_max_entities), 0, 1000 },
		{ "age_tolerance_years", offsetof(struct analyze_conf, age_tolerance_years), 0, 50 },
	};
	struct analyze_conf *c = ctx;
	char *end;

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		if (strcmp(name, ints[i].name))
			continue;
		long v = strtol(val, &end, 10);

		if (end == val || *end || v < ints[i].lo || v > ints[i].hi)
			return err_set(err, "bad value '%s' for '%s'", val, name);
		*(int *)((char *)c + ints[i].off) = (int)v;
		return 0;
	}
	if (!strcmp(name, "not_own")) {
		add_words(&c->not_own, &c->n_not_own, val);
		return 0;
	}
	if (!strcmp(name, "contact")) {
		add_words(&c->contact, &c->n_contact, val);
		return 0;
	}
	if (!strncmp(name, "reliability.", 12) || !strncmp(name, "credibility.", 12)) {
		int rel = name[0] == 'r';
		const char *g = name + 12;
		int idx = rel ? g[0] - 'A' : g[0] - '1';
		double v = strtod(val, &end);

		if (g[0] == '\0' || g[1] != '\0' || idx < 0 || idx > 5)
			return err_set(err, "unknown grade '%s'", name);
		if (end == val || *end || v < 0 || v > 100)
			return err_set(err, "bad value '%s' for '%s'", val, name);
		(rel ? c->reliability : c->credibility)[idx] = v;
		return 0;
	}
	return err_set(err, "unknown setting '%s'", name);
}

int analyze_conf_load(struct analyze_conf *c, const char *dir, struct err *err)
{
	char *path = xasprintf("%s/analyze.conf", dir);
	int rc;

	analyze_conf_defaults(c);
	rc = conf_read(path, 0, conf_setting, c, err);

	free(path);
	return rc;
}

double analyze_conf_weight(const struct analyze_conf *c, const char *reliability,
			   int credibility)
{
	/* An ungraded report counts as "cannot be judged". */
	int r = reliability && reliability[0] >= 'A' && reliability[0] <= 'F'
		? reliability[0] - 'A' : 5;
	int k = credibility >= 1 && credibility <= 6 ? credibility - 1 : 5;

	return c->reliability[r] * c->credibility[k];
}
