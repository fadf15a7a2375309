/*
 * resolve: the person merges analyze made, and undoing one.  A merge is
 * named by the number of the person merged away (person:N gives merge N),
 * which stays the same when analyze runs again.
 */
#include "analyze/analyze.h"
#include "cli/cli.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_cmd cmd_resolve = {
	"resolve", "list person merges, or undo one",
	"usage: lookout resolve list [--undone] [--json]\n"
	"       lookout resolve split MERGE_ID\n"
	"\n"
	"list    every merge of two persons: its id, the person kept, the person\n"
	"        merged into it, the keys that joined them and the reports behind\n"
	"        those keys\n"
	"        --undone  the merges undone with split instead\n"
	"        --json    one JSON object a line\n"
	"split   undo merge MERGE_ID: its two persons are kept apart from now on,\n"
	"        through every later analysis and 'analyze --all'; the reports\n"
	"        are analyzed again at once\n",
	run,
};

static void print_row(int json, int64_t id, const char *kept, const char *merged,
		      const char *keys_json, const char *reports, const char *extra)
{
	cJSON *keys = cJSON_Parse(keys_json), *k;

	if (json) {
		cJSON *o = cJSON_CreateObject(), *r = cJSON_CreateArray();
		char *dup = xstrdup(reports), *save = NULL;

		for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save))
			cJSON_AddItemToArray(r, cJSON_CreateString(t + (*t == ' ')));
		cJSON_AddNumberToObject(o, "id", (double)id);
		cJSON_AddStringToObject(o, "kept", kept);
		cJSON_AddStringToObject(o, "merged", merged);
		cJSON_AddItemToObject(o, "keys", keys ? keys : cJSON_CreateArray());
		cJSON_AddItemToObject(o, "reports", r);
		if (extra)
			cJSON_AddStringToObject(o, "undone", extra);
		{
			char *s = cJSON_PrintUnformatted(o);

			puts(s);
			free(s);
		}
		cJSON_Delete(o);
		free(dup);
		return;
	}
	printf("%lld\t%s <- %s\tkeys: ", (long long)id, kept, merged);
	{
		int first = 1;

		cJSON_ArrayForEach(k, keys) {
			printf("%s%s", first ? "" : ", ", cJSON_GetStringValue(k));
			first = 0;
		}
	}
	printf("\treports: %s", reports);
	if (extra)
		printf("\tundone %s", extra);
	putchar('\n');
	cJSON_Delete(keys);
}

static int list(struct db *db, int undone, int json, struct err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (undone)
		rc = db_prepare(db, &st,
			"SELECT merge_id, kept, merged, keys, reports, split_at || ' by ' || os_user"
			" FROM resolve_split ORDER BY id", err);
	else
		rc = db_prepare(db, &st,
			"SELECT m.id, 'person:' || m.kept, 'person:' || m.id, m.keys,"
			" (SELECT group_concat(x, ', ') FROM (SELECT r.source || '/' || r.ext_id AS x"
			"   FROM merge_evidence e JOIN report r ON r.id = e.report_id"
			"   WHERE e.merge_id = m.id ORDER BY x)), NULL"
			" FROM merge_log m ORDER BY m.id", err);
	if (rc < 0)
		return -1;
	while ((rc = db_step(st, err)) == 1)
		print_row(json, sqlite3_column_int64(st, 0), db_text(st, 1), db_text(st, 2),
			  db_text(st, 3), db_text(st, 4),
			  sqlite3_column_type(st, 5) == SQLITE_NULL ? NULL : db_text(st, 5));
	db_finalize(st);
	return rc;
}

static int run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct db db = { 0 };
	struct err err;
	int rc = EXIT_OK, undone = 0, json = 0;
	int64_t merge_id = 0;
	char *end;

	if (argc < 2)
		return cli_usage_error(&cmd_resolve, "expected 'list' or 'split'");
	if (!strcmp(argv[1], "list")) {
		for (int i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--undone"))
				undone = 1;
			else if (!strcmp(argv[i], "--json"))
				json = 1;
			else
				return cli_usage_error(&cmd_resolve, "unexpected argument '%s'", argv[i]);
		}
	} else if (!strcmp(argv[1], "split")) {
		if (argc != 3)
			return cli_usage_error(&cmd_resolve, "split takes one MERGE_ID");
		merge_id = strtoll(argv[2], &end, 10);
		if (end == argv[2] || *end || merge_id <= 0)
			return cli_usage_error(&cmd_resolve, "bad MERGE_ID '%s'", argv[2]);
	} else {
		return cli_usage_error(&cmd_resolve, "unknown action '%s'", argv[1]);
	}
	if (cli_open_db(ctx, &db, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (merge_id) {
		struct analyze_opts opts = { ctx->data_dir, 1, stderr };
		struct analyze_summary sum;

		if (analyze_split(&db, &opts, merge_id, cli_os_user(), &sum, &err) < 0) {
			rc = cli_fail(&err);
			goto out;
		}
		cli_audit(&db, argc, argv);
		if (!ctx->quiet)
			printf("split merge %lld; analyzed %lld reports again: %lld persons, %lld merges\n",
			       (long long)merge_id, (long long)sum.reports, (long long)sum.persons,
			       (long long)sum.merges);
	} else if (list(&db, undone, json, &err) < 0) {
		rc = cli_fail(&err);
	}
out:
	db_close(&db);
	return rc;
}
