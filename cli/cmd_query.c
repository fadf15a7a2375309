/*
 * query: the officer's ad-hoc questions.  graph/query answers each as a
 * JSON object with the keys of FORMAT.md; this file parses the options,
 * prints the object as one line of JSON (--json) or as a readable table,
 * and writes the question to the audit table.
 */
#include "cli/cli.h"
#include "common/xalloc.h"
#include "graph/query.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_cmd cmd_query = {
	"query", "ask about paths, neighbourhoods, clusters, entities, text",
	"usage: lookout query path KEY KEY [--k N] [--forward] [--max-hops N] [--json]\n"
	"       lookout query expand KEY [--hops N] [--type T[,T...]] [--limit N] [--json]\n"
	"       lookout query cluster ID [--limit N] [--json]\n"
	"       lookout query entity KEY [--limit N] [--json]\n"
	"       lookout query search TEXT... [--limit N] [--json]\n"
	"\n"
	"KEY is an entity key (phone:13912345678, person:17, plate:苏A12345) or a\n"
	"bare identifier; expand also starts from a report, SOURCE/ID.\n"
	"\n"
	"  path      the shortest chain of links between two entities, each link\n"
	"            with the reports behind it; hubs are never passed through\n"
	"    --k N        the N shortest chains\n"
	"    --forward    a chain whose reports run forward in time, one per link\n"
	"    --max-hops N the longest chain searched (default 6)\n"
	"  expand    what lies within N hops (default 1): linked entities and the\n"
	"            reports that mention them; --type keeps some types only:\n"
	"            report (从人到案), person (从案到人, 从物到人), phone, plate...\n"
	"            each hop keeps its 500 most connected nodes (\"truncated\")\n"
	"  cluster   a cluster (C-0017 or 17): key members, members, reports,\n"
	"            series and history\n"
	"  entity    an entity: attributes, identifiers, reports, cluster, scores,\n"
	"            strongest links, companions, series, history\n"
	"  search    reports whose text holds every word given (full-text)\n"
	"\n"
	"  --limit N  list at most N items (default 50)\n"
	"  --json     one JSON object instead of a table\n",
	run,
};

static const char *str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItem(o, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static double num(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItem(o, name);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* Print the strings of an array, comma-separated. */
static void items(const cJSON *arr)
{
	const cJSON *v;
	int first = 1;

	cJSON_ArrayForEach(v, arr) {
		printf("%s%s", first ? "" : ", ", cJSON_IsString(v) ? v->valuestring : "?");
		first = 0;
	}
}

/* A label and the strings of an array on one line; nothing when it is empty. */
static void list(const char *label, const cJSON *arr)
{
	if (!cJSON_GetArraySize(arr))
		return;
	fputs(label, stdout);
	items(arr);
	putchar('\n');
}

static void print_link(const char *indent, const cJSON *l)
{
	printf("%s%s -[%s", indent, str(l, "from"), str(l, "type"));
	if (num(l, "weight") > 0)
		printf(" %.2f", num(l, "weight"));
	printf("]- %s", str(l, "to"));
	if (*str(l, "report")) {
		printf("  on %s", str(l, "report"));
	} else if (cJSON_GetArraySize(cJSON_GetObjectItem(l, "reports"))) {
		fputs("  ", stdout);
		items(cJSON_GetObjectItem(l, "reports"));
	}
	putchar('\n');
}

static void print_path(const cJSON *r)
{
	const cJSON *p, *l;
	int i = 0;

	printf("%s to %s%s\n", str(r, "from"), str(r, "to"),
	       cJSON_IsTrue(cJSON_GetObjectItem(r, "forward")) ? ", reports forward in time" : "");
	cJSON_ArrayForEach(p, cJSON_GetObjectItem(r, "paths")) {
		printf("chain %d: %d link%s\n", ++i, (int)num(p, "hops"), num(p, "hops") == 1 ? "" : "s");
		cJSON_ArrayForEach(l, cJSON_GetObjectItem(p, "links"))
			print_link("  ", l);
	}
	if (!i)
		printf("no chain of at most %d links\n", (int)num(r, "max_hops"));
}

static void print_node(const cJSON *n)
{
	if (!strcmp(str(n, "type"), "report"))
		printf("%-4d %-8s %-32s %s %s %.10s", (int)num(n, "hops"), "report", str(n, "key"),
		       str(n, "kind"), str(n, "category"), str(n, "date"));
	else
		printf("%-4d %-8s %-32s %s", (int)num(n, "hops"), str(n, "type"), str(n, "key"),
		       str(n, "name"));
	printf("  <- %s (%s)\n", str(n, "via"), str(n, "link"));
}

static void print_expand(const cJSON *r)
{
	const cJSON *start = cJSON_GetObjectItem(r, "start"), *n;
	int shown = cJSON_GetArraySize(cJSON_GetObjectItem(r, "nodes"));

	printf("%s: %d within %d hop%s%s%s", str(start, "key"), (int)num(r, "total"),
	       (int)num(r, "hops"), num(r, "hops") == 1 ? "" : "s",
	       *str(r, "type") ? " of type " : "", str(r, "type"));
	if (shown < num(r, "total"))
		printf(" (showing %d)", shown);
	if (cJSON_IsTrue(cJSON_GetObjectItem(r, "truncated")))
		printf(", cut to the %d most connected a hop", (int)num(r, "hop_max"));
	putchar('\n');
	cJSON_ArrayForEach(n, cJSON_GetObjectItem(r, "nodes"))
		print_node(n);
}

static void print_members(const cJSON *r)
{
	const cJSON *k;

	if (cJSON_GetArraySize(cJSON_GetObjectItem(r, "key_members")))
		printf("key members:\n");
	cJSON_ArrayForEach(k, cJSON_GetObjectItem(r, "key_members"))
		printf("  %d. %s %s  degree %d, pagerank %.4f, betweenness %.1f\n", (int)num(k, "rank"),
		       str(k, "key"), str(k, "name"), (int)num(k, "degree"), num(k, "pagerank"),
		       num(k, "betweenness"));
}

static void print_series(const cJSON *r)
{
	const cJSON *s;

	cJSON_ArrayForEach(s, cJSON_GetObjectItem(r, "series")) {
		printf("series %s in %s: score %.2f, %s, %d days, since %s\n", str(s, "key"),
		       str(s, "cluster"), num(s, "score"), str(s, "categories"), (int)num(s, "days"),
		       str(s, "first_night"));
		list("  reports: ", cJSON_GetObjectItem(s, "reports"));
	}
}

static void print_history(const cJSON *r)
{
	const cJSON *h;

	if (cJSON_GetArraySize(cJSON_GetObjectItem(r, "history")))
		printf("history:\n");
	cJSON_ArrayForEach(h, cJSON_GetObjectItem(r, "history")) {
		printf("  %s %-7s size %d (+%d -%d)", str(h, "night"), str(h, "status"),
		       (int)num(h, "size"), (int)num(h, "added"), (int)num(h, "removed"));
		if (*str(h, "related"))
			printf(" %s", str(h, "related"));
		putchar('\n');
	}
}

static void print_cluster(const cJSON *r)
{
	printf("%s %s: score %.2f, %d members, %d reports (%d of crimes), since %s, computed %s\n",
	       str(r, "id"), str(r, "status"), num(r, "score"), (int)num(r, "size"),
	       (int)num(r, "n_reports"), (int)num(r, "n_crimes"), str(r, "first_night"),
	       str(r, "night"));
	print_members(r);
	list("members: ", cJSON_GetObjectItem(r, "entities"));
	list("reports: ", cJSON_GetObjectItem(r, "reports"));
	print_series(r);
	print_history(r);
}

static void print_entity(const cJSON *r)
{
	const cJSON *c = cJSON_GetObjectItem(r, "cluster"), *s = cJSON_GetObjectItem(r, "scores"), *x;
	char *attrs = cJSON_PrintUnformatted(cJSON_GetObjectItem(r, "attributes"));

	printf("%s (%s) %s%s\n", str(r, "key"), str(r, "type"), str(r, "name"),
	       cJSON_IsTrue(cJSON_GetObjectItem(r, "hub")) ? "  [hub]" : "");
	if (strcmp(attrs, "{}"))
		printf("attributes: %s\n", attrs);
	free(attrs);
	printf("seen %s to %s in %d reports\n", str(r, "first_seen"), str(r, "last_seen"),
	       (int)num(r, "n_reports"));
	list("identifiers: ", cJSON_GetObjectItem(r, "identifiers"));
	if (c)
		printf("cluster %s (%s), rank %d\n", str(c, "id"), str(c, "status"), (int)num(c, "rank"));
	if (s)
		printf("degree %d, pagerank %.4f, betweenness %.1f, component %d\n", (int)num(s, "degree"),
		       num(s, "pagerank"), num(s, "betweenness"), (int)num(s, "component"));
	if (cJSON_GetArraySize(cJSON_GetObjectItem(r, "links")))
		printf("strongest links:\n");
	cJSON_ArrayForEach(x, cJSON_GetObjectItem(r, "links"))
		print_link("  ", x);
	cJSON_ArrayForEach(x, cJSON_GetObjectItem(r, "companions"))
		printf("companion %s %s: %d occasions (%.2f expected by chance, p = %.3g) at %s\n",
		       str(x, "key"), str(x, "name"), (int)num(x, "occasions"), num(x, "expected"),
		       num(x, "chance"), str(x, "venues"));
	print_series(r);
	list("reports: ", cJSON_GetObjectItem(r, "reports"));
	print_history(r);
}

static void print_search(const cJSON *r)
{
	const cJSON *x;

	printf("%d report%s for '%s'\n", (int)num(r, "count"), num(r, "count") == 1 ? "" : "s",
	       str(r, "query"));
	cJSON_ArrayForEach(x, cJSON_GetObjectItem(r, "reports"))
		printf("%-24s %-9s %.16s  %s\n", str(x, "report"), str(x, "kind"), str(x, "date"),
		       str(x, "snippet"));
}

static int number(const char *s, int lo, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < lo || v > 1000000)
		return -1;
	*out = (int)v;
	return 0;
}

static int run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct gquery_opts o;
	struct db db = { 0 };
	struct err err;
	const char *what, *args[2] = { NULL, NULL };
	char *words = NULL;
	int nargs = 0, json = 0, rc = EXIT_OK, want;
	cJSON *res = NULL;
	void (*print)(const cJSON *);

	gquery_opts_init(&o);
	if (argc < 2)
		return cli_usage_error(&cmd_query, "which question: path, expand, cluster, entity or search?");
	what = argv[1];
	if (!strcmp(what, "path"))
		want = 2, print = print_path;
	else if (!strcmp(what, "expand"))
		want = 1, print = print_expand;
	else if (!strcmp(what, "cluster"))
		want = 1, print = print_cluster;
	else if (!strcmp(what, "entity"))
		want = 1, print = print_entity;
	else if (!strcmp(what, "search"))
		want = -1, print = print_search;
	else
		return cli_usage_error(&cmd_query, "unknown question '%s'", what);
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int *num_opt = NULL, lo = 1;

		if (!strcmp(a, "--json")) {
			json = 1;
		} else if (!strcmp(a, "--forward") && want == 2) {
			o.forward = 1;
		} else if (!strcmp(a, "--k") && want == 2) {
			num_opt = &o.k;
		} else if (!strcmp(a, "--max-hops") && want == 2) {
			num_opt = &o.max_hops;
		} else if (!strcmp(a, "--hops") && print == print_expand) {
			num_opt = &o.hops;
		} else if (!strcmp(a, "--type") && print == print_expand && v) {
			o.type = v;
			i++;
		} else if (!strcmp(a, "--limit")) {
			num_opt = &o.limit;
		} else if (a[0] == '-' && a[1] == '-') {
			return cli_usage_error(&cmd_query, "unknown option '%s' for %s", a, what);
		} else if (want < 0) {
			char *w = words ? xasprintf("%s %s", words, a) : xstrdup(a);

			free(words);
			words = w;
		} else if (nargs < want) {
			args[nargs++] = a;
		} else {
			return cli_usage_error(&cmd_query, "unexpected argument '%s'", a);
		}
		if (num_opt) {
			if (!v || number(v, lo, num_opt) < 0) {
				free(words);
				return cli_usage_error(&cmd_query, "%s wants a whole number of 1 or more", a);
			}
			i++;
		}
	}
	if ((want > 0 && nargs < want) || (want < 0 && !words)) {
		free(words);
		return cli_usage_error(&cmd_query, "%s wants %s", what,
				       want == 2 ? "two keys" : want < 0 ? "some text" : "a key or id");
	}
	if (cli_open_db(ctx, &db, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	cli_audit(&db, argc, argv);
	if (print == print_path)
		rc = gquery_path(&db, args[0], args[1], &o, &res, &err);
	else if (print == print_expand)
		rc = gquery_expand(&db, args[0], &o, &res, &err);
	else if (print == print_cluster)
		rc = gquery_cluster(&db, args[0], &o, &res, &err);
	else if (print == print_entity)
		rc = gquery_entity(&db, args[0], &o, &res, &err);
	else
		rc = gquery_search(&db, words, &o, &res, &err);
	if (rc < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (json) {
		char *s = cJSON_PrintUnformatted(res);

		puts(s);
		free(s);
	} else {
		print(res);
	}
	rc = EXIT_OK;
out:
	cJSON_Delete(res);
	free(words);
	db_close(&db);
	return rc;
}
