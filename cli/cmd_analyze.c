/*
 * analyze: run the analyze stage on the reports not analyzed yet (or all
 * of them again with --all) and print one summary line.
 */
#include "analyze/analyze.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static int run(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_cmd cmd_analyze = {
	"analyze", "find entities, persons, links and categories in new reports",
	"usage: lookout analyze [--all] [--timing]\n"
	"\n"
	"Turn each report not analyzed yet into mentions, entities (phones, ID\n"
	"numbers, plates, persons, places ...), links with the reports behind\n"
	"them, and incident categories.  Persons are resolved across reports\n"
	"by strong keys only (ID number, name + phone, name + birth date); see\n"
	"'lookout resolve' to list and undo merges.  Running it twice changes\n"
	"nothing the second time.\n"
	"\n"
	"  --all      forget what analyze wrote and analyze every report again\n"
	"             (after the rules or data files change); the result is what\n"
	"             a fresh database would give, undone merges stay undone\n"
	"  --timing   also print the time taken and reports per second to stderr\n",
	run,
};

static int run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct analyze_opts opts = { ctx->data_dir, 0, stderr };
	struct analyze_summary sum;
	struct db db;
	struct err err;
	int timing = 0, rc = EXIT_OK;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--all"))
			opts.all = 1;
		else if (!strcmp(argv[i], "--timing"))
			timing = 1;
		else
			return cli_usage_error(&cmd_analyze, "unexpected argument '%s'", argv[i]);
	}
	if (cli_open_db(ctx, &db, &err) < 0 || analyze_run(&db, &opts, &sum, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (!ctx->quiet)
		printf("analyzed %lld reports: %lld mentions, %lld values, %lld new entities,"
		       " %lld persons, %lld merges, %lld links evidenced, %lld hubs\n",
		       (long long)sum.reports, (long long)sum.mentions, (long long)sum.values,
		       (long long)sum.entities, (long long)sum.persons, (long long)sum.merges,
		       (long long)sum.links, (long long)sum.hubs);
	if (timing)
		fprintf(stderr, "analyze: %.3f s, %.0f reports/s\n", sum.seconds,
			sum.seconds > 0 ? (double)sum.reports / sum.seconds : 0.0);
out:
	db_close(&db);
	return rc;
}
