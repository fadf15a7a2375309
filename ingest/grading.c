/*
 * grading: an ordered rule list, first match wins, so an analyst puts
 * the specific rules (one informant, one channel) above the general ones
 * (a kind, then "*").  Few rules, few lookups per record: a linear scan.
 */
#include "ingest/grading.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct grading_rule {
	int on_kind;            /* 0 source, 1 kind, 2 anything */
	char *pattern;
	int prefix;             /* pattern ended with '*' */
	char reliability;
	int credibility;
};

int ingest_grading_valid_reliability(const char *r)
{
	return r[0] >= 'A' && r[0] <= 'F' && r[1] == '\0';
}

int ingest_grading_valid_credibility(const char *c)
{
	return c[0] >= '1' && c[0] <= '6' && c[1] == '\0';
}

static int parse_rule(char *line, struct grading_rule *r)
{
	char *f[4] = { NULL };
	int n = 0;

	for (char *tok = strtok(line, "\t\r\n"); tok && n < 4; tok = strtok(NULL, "\t\r\n"))
		f[n++] = tok;
	if (n < 3 || !ingest_grading_valid_reliability(f[1]) ||
	    !ingest_grading_valid_credibility(f[2]))
		return -1;
	if (!strcmp(f[0], "*")) {
		r->on_kind = 2;
	} else if (!strncmp(f[0], "source:", 7)) {
		r->on_kind = 0;
		f[0] += 7;
	} else if (!strncmp(f[0], "kind:", 5)) {
		r->on_kind = 1;
		f[0] += 5;
	} else {
		return -1;
	}
	r->prefix = *f[0] && f[0][strlen(f[0]) - 1] == '*';
	r->pattern = xstrdup(f[0]);
	if (r->prefix)
		r->pattern[strlen(r->pattern) - 1] = '\0';
	r->reliability = f[1][0];
	r->credibility = f[2][0] - '0';
	return 0;
}

int ingest_grading_load(struct ingest_grading *g, const char *path, struct err *err)
{
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int rc = -1;
	FILE *fp = fopen(path, "r");

	memset(g, 0, sizeof(*g));
	if (!fp)
		return err_set(err, "cannot read grading table '%s': %s", path, strerror(errno));
	while (getline(&line, &cap, fp) > 0) {
		struct grading_rule r;

		lineno++;
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (parse_rule(line, &r) < 0) {
			err_set(err, "%s:%ld: expected 'source:NAME|kind:NAME|*<TAB>A-F<TAB>1-6'",
				path, lineno);
			goto out;
		}
		g->v = xgrow(g->v, &g->cap, g->n + 1, sizeof(*g->v));
		g->v[g->n++] = r;
	}
	rc = 0;
out:
	fclose(fp);
	free(line);
	return rc;
}

void ingest_grading_release(struct ingest_grading *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->v[i].pattern);
	free(g->v);
	memset(g, 0, sizeof(*g));
}

static int matches(const struct grading_rule *r, const char *s)
{
	if (r->prefix)
		return !strncmp(s, r->pattern, strlen(r->pattern));
	return !strcmp(s, r->pattern);
}

void ingest_grading_default(const struct ingest_grading *g, const char *source,
			    const char *kind, char *reliability, int *credibility)
{
	*reliability = 'F';
	*credibility = 6;
	for (size_t i = 0; i < g->n; i++) {
		const struct grading_rule *r = &g->v[i];

		if (r->on_kind == 2 || matches(r, r->on_kind ? kind : source)) {
			*reliability = r->reliability;
			*credibility = r->credibility;
			return;
		}
	}
}
