/*
 * report: print or write the morning report of one night, as HTML,
 * Markdown or the JSON of FORMAT.md.  The report is remembered in
 * report_run (so the next one can say what changed) and the command is
 * written to the audit table like every other read of the records.
 */
#include "cli/cli.h"
#include "output/report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int run(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_cmd cmd_report = {
	"report", "write the morning report of a night",
	"usage: lookout report [--night YYYY-MM-DD] [--format html|md|json] [--out FILE]\n"
	"\n"
	"Write the morning report of one night: the night's counts, warnings\n"
	"ranked by severity with evidence, watchlist hits, new and changed\n"
	"clusters, series, what changed since the last report, and data\n"
	"quality.  No informant's code or name appears in it.\n"
	"\n"
	"  --night D    the night to report (default: yesterday, China time)\n"
	"  --format F   html, md or json (default: from --out's extension, else md)\n"
	"  --out FILE   write to FILE instead of standard output\n",
	run,
};

/* The format a file name asks for, or -1. */
static int format_from_name(const char *path, enum report_format *fmt)
{
	const char *dot = strrchr(path, '.');

	if (!dot || strchr(dot, '/'))
		return -1;
	if (!strcmp(dot, ".htm"))
		dot = ".html";
	return report_format_parse(dot + 1, fmt);
}

static int run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct report_opts opts = { 0 };
	const char *format = NULL, *out_path = NULL;
	char night[11];
	struct db db = { 0 };
	struct err err;
	FILE *out = stdout;
	int rc = EXIT_OK;

	for (int i = 1; i < argc; i++) {
		const char **slot = !strcmp(argv[i], "--night") ? &opts.night
				  : !strcmp(argv[i], "--format") ? &format
				  : !strcmp(argv[i], "--out") ? &out_path : NULL;

		if (!slot)
			return cli_usage_error(&cmd_report, "unexpected argument '%s'", argv[i]);
		if (i + 1 >= argc)
			return cli_usage_error(&cmd_report, "%s needs a value", argv[i]);
		*slot = argv[++i];
	}
	if (opts.night && !report_night_valid(opts.night))
		return cli_usage_error(&cmd_report, "--night '%s' is not a date YYYY-MM-DD",
				       opts.night);
	if (!opts.night) {
		report_default_night(night);
		opts.night = night;
	}
	opts.format = REPORT_MD;
	if (format && report_format_parse(format, &opts.format) < 0)
		return cli_usage_error(&cmd_report, "unknown format '%s'", format);
	if (!format && out_path)
		format_from_name(out_path, &opts.format);
	opts.data_dir = ctx->data_dir;
	opts.record = 1;

	if (cli_open_db(ctx, &db, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (out_path && !(out = fopen(out_path, "w"))) {
		out = stdout;
		err_set(&err, "cannot write '%s': %s", out_path, strerror(errno));
		rc = cli_fail(&err);
		goto out;
	}
	if (report_write(&db, &opts, out, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	cli_audit(&db, argc, argv);
out:
	if (out != stdout && fclose(out) != 0 && rc == EXIT_OK) {
		err_set(&err, "cannot write '%s': %s", out_path, strerror(errno));
		rc = cli_fail(&err);
	}
	db_close(&db);
	return rc;
}
