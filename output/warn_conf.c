/*
 * warn_conf: a flat list of name/value pairs (read by common/conf),
 * looked up by a linear scan (there are a few dozen, read a few hundred
 * times a night).  The last line of a name wins, so an analyst can
 * override by appending.
 */
#include "output/warn_conf.h"
#include "common/conf.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* One setting, kept in file order. */
static int add_pair(void *ctx, const char *name, const char *value, struct err *err)
{
	struct warn_conf *c = ctx;
	size_t ncap = c->cap;

	c->name = xgrow(c->name, &ncap, c->n + 1, sizeof(*c->name));
	c->value = xgrow(c->value, &c->cap, c->n + 1, sizeof(*c->value));
	c->name[c->n] = xstrdup(name);
	c->value[c->n] = xstrdup(value);
	c->n++;
	return 0;
}

int warn_conf_load(struct warn_conf *c, const char *path, struct err *err)
{
	char *slash;

	memset(c, 0, sizeof(*c));
	c->dir = xstrdup(path);
	slash = strrchr(c->dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(c->dir, ".");
	return conf_read(path, 0, add_pair, c, err);
}

void warn_conf_release(struct warn_conf *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->name[i]);
		free(c->value[i]);
	}
	free(c->name);
	free(c->value);
	free(c->dir);
	memset(c, 0, sizeof(*c));
}

const char *warn_conf_str(const struct warn_conf *c, const char *name, const char *def)
{
	for (size_t i = c->n; i-- > 0;)
		if (!strcmp(c->name[i], name))
			return c->value[i];
	return def;
}

double warn_conf_num(const struct warn_conf *c, const char *name, double def)
{
	const char *v = warn_conf_str(c, name, NULL);
	char *end;
	double d;

	if (!v)
		return def;
	d = strtod(v, &end);
	return end != v && !*end ? d : def;
}

int warn_conf_has(const struct warn_conf *c, const char *name, const char *word)
{
	const char *v = warn_conf_str(c, name, ""), *p = v;
	size_t n = strlen(word);

	while ((p = strstr(p, word))) {
		int start = p == v || p[-1] == ' ' || p[-1] == ',';
		int end = p[n] == '\0' || p[n] == ' ' || p[n] == ',';

		if (start && end)
			return 1;
		p += n;
	}
	return 0;
}

char *warn_conf_path(const struct warn_conf *c, const char *name, const char *def)
{
	const char *v = warn_conf_str(c, name, def);

	if (!v || !*v)
		return NULL;
	if (v[0] == '/')
		return xstrdup(v);
	return xasprintf("%s/%s", c->dir, v);
}
