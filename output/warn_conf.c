/*
 * warn_conf: a flat list of name/value pairs, looked up by a linear scan
 * (there are a few dozen, read a few hundred times a night).  The last
 * line of a name wins, so an analyst can override by appending.
 */
#include "output/warn_conf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *strip(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int warn_conf_load(struct warn_conf *c, const char *path, struct err *err)
{
	FILE *f;
	char *line = NULL, *slash;
	size_t cap = 0;
	long lineno = 0;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	c->dir = xstrdup(path);
	slash = strrchr(c->dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(c->dir, ".");
	f = fopen(path, "r");
	if (!f)
		return err_set(err, "cannot read '%s': %s", path, strerror(errno));
	while (getline(&line, &cap, f) > 0) {
		char *s = line, *eq, *hash;
		size_t ncap = c->cap;

		lineno++;
		hash = strstr(s, " #");
		if (*strip(s) == '#')
			continue;
		if (hash)
			*hash = '\0';
		s = strip(s);
		if (!*s)
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			rc = err_set(err, "'%s' line %ld: expected \"name = value\"", path, lineno);
			break;
		}
		*eq = '\0';
		c->name = xgrow(c->name, &ncap, c->n + 1, sizeof(*c->name));
		c->value = xgrow(c->value, &c->cap, c->n + 1, sizeof(*c->value));
		c->name[c->n] = xstrdup(strip(s));
		c->value[c->n] = xstrdup(strip(eq + 1));
		c->n++;
	}
	free(line);
	fclose(f);
	return rc;
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
