/*
 * ingest: read input files into the database, one batch per file, and
 * print one summary line.  A file already ingested is named and left
 * alone; a file that cannot be read is named, the others still go in,
 * and the exit code is 1.
 */
#include "cli/cli.h"
#include "common/progress.h"
#include "ingest/ingest.h"

#include <stdio.h>
#include <string.h>

static int run(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_cmd cmd_ingest = {
	"ingest", "read input files (JSON Lines, CSV/TSV, text) into the database",
	"usage: lookout ingest [--format jsonl|csv|tsv|txt] [--source NAME] FILE...\n"
	"\n"
	"Read each FILE ('-' is standard input) as one batch: normalise every\n"
	"record, keep what cannot be read in quarantine, skip exact duplicates\n"
	"and mark near-duplicates.  A file ingested before is not read again.\n"
	"The format is taken from the extension (.jsonl .ndjson .csv .tsv .txt)\n"
	"unless --format says otherwise.  Files may be UTF-8 or GB18030.\n"
	"\n"
	"  --format F     read every FILE as F\n"
	"  --source NAME  the source of records that do not name one\n"
	"                 (default: the file's name without extension)\n"
	"\n"
	"Prints: ingest: N files, N read, N new, N duplicates, N near-duplicates,\n"
	"N quarantined.  'lookout quarantine' lists what was quarantined.\n",
	run,
};

static int run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct ingest_summary sum = { 0 };
	struct ingest in;
	struct progress prog;
	struct db db;
	struct err err;
	const char *format = NULL, *source = NULL;
	int i, rc = EXIT_OK;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if ((!strcmp(argv[i], "--format") || !strcmp(argv[i], "--source")) && i + 1 < argc) {
			if (argv[i][2] == 'f')
				format = argv[++i];
			else
				source = argv[++i];
		} else if (!strncmp(argv[i], "--format=", 9)) {
			format = argv[i] + 9;
		} else if (!strncmp(argv[i], "--source=", 9)) {
			source = argv[i] + 9;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			if (!strcmp(argv[i], "--format") || !strcmp(argv[i], "--source"))
				return cli_usage_error(&cmd_ingest, "option '%s' needs a value", argv[i]);
			return cli_usage_error(&cmd_ingest, "unknown option '%s'", argv[i]);
		} else {
			break;
		}
	}
	if (i >= argc)
		return cli_usage_error(&cmd_ingest, "no input files given");
	if (format && !ingest_format_valid(format))
		return cli_usage_error(&cmd_ingest, "unknown format '%s' (jsonl, csv, tsv or txt)", format);
	if (source && !*source)
		return cli_usage_error(&cmd_ingest, "empty --source");
	for (int j = i, stdin_seen = 0; j < argc; j++)
		if (!strcmp(argv[j], "-") && stdin_seen++)
			return cli_usage_error(&cmd_ingest, "standard input given twice");

	memset(&in, 0, sizeof(in));
	if (cli_open_db(ctx, &db, &err) < 0 || ingest_init(&in, &db, ctx->data_dir, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	progress_init(&prog, ctx->quiet ? NULL : stderr, 0);
	in.progress = &prog;
	for (; i < argc; i++) {
		int64_t before = sum.skipped;

		if (ingest_file(&in, argv[i], format, source, &sum, &err) < 0) {
			progress_done(&prog);
			cli_fail(&err);
			rc = EXIT_FAIL;
			continue;
		}
		progress_done(&prog);
		if (sum.skipped > before)
			printf("%s: already ingested as batch %lld, nothing changed\n", argv[i],
			       (long long)sum.batch);
	}
	printf("ingest: %ld file%s, %ld read, %ld new, %ld duplicates, %ld near-duplicates, %ld quarantined",
	       sum.files, sum.files == 1 ? "" : "s", sum.read, sum.new_, sum.duplicates, sum.near,
	       sum.quarantined);
	if (sum.skipped)
		printf(" (%ld already ingested)", sum.skipped);
	putchar('\n');
	if (ingest_finish(&in, rc == EXIT_OK ? "ok" : "failed", sum.new_, &err) < 0)
		rc = cli_fail(&err);
out:
	ingest_release(&in);
	db_close(&db);
	return rc;
}
