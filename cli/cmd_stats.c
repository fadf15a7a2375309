/*
 * stats: whole-database counts, as text or as the JSON object of
 * FORMAT.md.  A stage that has not run yet gives 0.
 */
#include "cli/cli.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_cmd cmd_stats = {
	"stats", "print whole-database counts",
	"usage: lookout stats [--json]\n"
	"\n"
	"Print the counts of reports, quarantined records, duplicates,\n"
	"near-duplicates, batches, entities, mentions and links.\n"
	"\n"
	"  --json   one JSON object instead of a table\n",
	run,
};

static const struct {
	const char *name;
	const char *sql;
} counts[] = {
	{ "reports", "SELECT count(*) FROM report" },
	{ "quarantined", "SELECT count(*) FROM quarantine" },
	{ "duplicates", "SELECT coalesce(sum(n_duplicate), 0) FROM batch" },
	{ "near_duplicates", "SELECT count(*) FROM report WHERE near_dup_of IS NOT NULL" },
	{ "batches", "SELECT count(*) FROM batch" },
	{ "entities", "SELECT count(*) FROM entity" },
	{ "mentions", "SELECT count(*) FROM mention" },
	{ "links", "SELECT count(*) FROM link" },
	{ "analyzed", "SELECT count(*) FROM analyzed" },
	{ "clusters", "SELECT count(*) FROM cluster WHERE status <> 'gone'" },
	{ "series", "SELECT count(DISTINCT cluster_id) FROM series" },
	{ "warnings", "SELECT count(*) FROM warning" },
	{ "watchlist", "SELECT count(*) FROM watchlist" },
};

static int run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct db db;
	struct err err;
	int json = 0, rc = EXIT_OK;
	size_t n = sizeof(counts) / sizeof(counts[0]);
	cJSON *obj = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else
			return cli_usage_error(&cmd_stats, "unexpected argument '%s'", argv[i]);
	}
	if (cli_open_db(ctx, &db, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	obj = cJSON_CreateObject();
	for (size_t i = 0; i < n; i++) {
		int64_t v;

		if (db_int(&db, &err, &v, counts[i].sql, "") < 0) {
			rc = cli_fail(&err);
			goto out;
		}
		if (json)
			cJSON_AddNumberToObject(obj, counts[i].name, (double)v);
		else
			printf("%-16s %lld\n", counts[i].name, (long long)v);
	}
	if (json) {
		char *s = cJSON_PrintUnformatted(obj);

		puts(s);
		free(s);
	}
out:
	cJSON_Delete(obj);
	db_close(&db);
	return rc;
}
