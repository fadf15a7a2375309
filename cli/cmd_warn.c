/*
 * warn: run the early-warning detectors for one night and list what
 * they raised, most severe first.
 */
#include "cli/cli.h"
#include "output/warn.h"

#include <stdio.h>
#include <string.h>

static int run(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_cmd cmd_warn = {
	"warn", "run the early-warning detectors for a night",
	"usage: lookout warn [--night YYYY-MM-DD] [--conf FILE]\n"
	"\n"
	"Run the detectors (spike, series, dispute, burst, watchlist,\n"
	"near_repeat) on the reports received up to the end of the night and\n"
	"store their warnings; print a summary and one line a warning raised.\n"
	"A warning raised again within its carry days keeps its id.  Running\n"
	"a night again replaces what that night wrote.\n"
	"\n"
	"  --night D    the night judged (default: yesterday, China time)\n"
	"  --conf FILE  parameters (default: DATA/warn.conf)\n",
	run,
};

static int list_raised(struct db *db, const char *night, struct err *err)
{
	sqlite3_stmt *st;
	int r;

	if (db_prepare(db, &st,
		       "SELECT w.wid, w.kind, n.severity, n.title, w.first_night < n.night"
		       " FROM warning_night n JOIN warning w ON w.id = n.warning_id"
		       " WHERE n.night = ? ORDER BY n.severity DESC, w.wid", err) < 0 ||
	    db_bind(st, err, "s", night) < 0) {
		db_finalize(st);
		return -1;
	}
	while ((r = db_step(st, err)) == 1)
		printf("%s  %-11s %3d  %s%s\n", db_text(st, 0), db_text(st, 1),
		       sqlite3_column_int(st, 2), db_text(st, 3),
		       sqlite3_column_int(st, 4) ? "  (carried)" : "");
	db_finalize(st);
	return r;
}

static int run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct warn_opts opts = { NULL, ctx->data_dir, NULL };
	struct warn_summary sum;
	struct db db;
	struct err err;
	int rc = EXIT_OK;

	if (cli_wants_help(&cmd_warn, argc, argv))
		return EXIT_OK;
	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "--night") || !strcmp(argv[i], "--conf")) && i + 1 < argc) {
			if (!strcmp(argv[i], "--night"))
				opts.night = argv[++i];
			else
				opts.conf_path = argv[++i];
		} else if (!strcmp(argv[i], "--night") || !strcmp(argv[i], "--conf")) {
			return cli_usage_error(&cmd_warn, "%s needs a value", argv[i]);
		} else {
			return cli_usage_error(&cmd_warn, "unexpected argument '%s'", argv[i]);
		}
	}
	if (cli_open_db(ctx, &db, &err) < 0 || warn_run(&db, &opts, &sum, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	printf("warn: night %s: %d raised (%d new, %d carried):", sum.night, sum.raised,
	       sum.fresh, sum.carried);
	for (int k = 0; k < WARN_NKINDS; k++)
		printf(" %s %d%s", warn_kind_name((enum warn_kind)k), sum.by_kind[k],
		       k + 1 < WARN_NKINDS ? "," : "");
	if (sum.held) {
		/* Only when a kind's cap held some back, so small nights read as before. */
		printf("; %d more held for the report's list:", sum.held);
		for (int k = 0, first = 1; k < WARN_NKINDS; k++)
			if (sum.held_by_kind[k]) {
				printf("%s %s %d", first ? "" : ",", warn_kind_name((enum warn_kind)k),
				       sum.held_by_kind[k]);
				first = 0;
			}
	}
	printf("\n");
	if (!ctx->quiet && list_raised(&db, sum.night, &err) < 0)
		rc = cli_fail(&err);
out:
	db_close(&db);
	return rc;
}
