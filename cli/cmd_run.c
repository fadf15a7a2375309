/*
 * run: the nightly job in one command: ingest the night's files, then
 * analyze, graph, warn and report, each through its stage's API, with a
 * progress line per stage on stderr and a closing summary on stdout.
 * The report goes to DIR as report.html, report.md and report.json;
 * only those three names in DIR are ever written (see output/report.c).
 *
 * The stages are a table, run in order; each is idempotent, so a run
 * killed anywhere is finished by running it again.
 */
#include "cli/cli.h"
#include "analyze/analyze.h"
#include "common/progress.h"
#include "graph/graph.h"
#include "ingest/ingest.h"
#include "output/report.h"
#include "output/warn.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int run(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_cmd cmd_run = {
	"run", "the nightly job: ingest, analyze, graph, warn, report",
	"usage: lookout run [--night YYYY-MM-DD] [--out DIR] [FILE...]\n"
	"\n"
	"Ingest FILEs, then analyze, graph, warn and report for the night, in\n"
	"one command.  Writes report.html, report.md and report.json into DIR\n"
	"(created if missing) and nothing else there.\n"
	"\n"
	"  --night D   the night to judge (default: yesterday, China time)\n"
	"  --out DIR   where the reports go (default: ./out)\n",
	run,
};

struct run_state {
	struct cli_ctx *ctx;
	struct db *db;
	const char *night;
	const char *out_dir;
	char **files;
	int n_files;
	char summary[512];      /* what the stage did, one line */
	int failed_files;       /* files ingest could not read */
};

/* Ingest every file as its own batch; a file that cannot be read is
 * reported and the others still go in (the run then exits 1). */
static int stage_ingest(struct run_state *s, struct err *err)
{
	struct ingest_summary sum = { 0 };
	struct ingest in;
	struct progress prog;
	int rc = 0;

	memset(&in, 0, sizeof(in));
	if (ingest_init(&in, s->db, s->ctx->data_dir, err) < 0) {
		ingest_release(&in);
		return -1;
	}
	progress_init(&prog, s->ctx->quiet ? NULL : stderr, 0);
	in.progress = &prog;
	for (int i = 0; i < s->n_files; i++) {
		struct err ferr;

		if (ingest_file(&in, s->files[i], NULL, NULL, &sum, &ferr) < 0) {
			progress_done(&prog);
			cli_fail(&ferr);
			s->failed_files++;
			continue;
		}
		progress_done(&prog);
	}
	snprintf(s->summary, sizeof(s->summary),
		 "%ld files (%ld already ingested), %ld read, %ld new, %ld duplicates,"
		 " %ld near-duplicates, %ld quarantined", sum.files, sum.skipped, sum.read,
		 sum.new_, sum.duplicates, sum.near, sum.quarantined);
	if (ingest_finish(&in, s->failed_files ? "failed" : "ok", sum.new_, err) < 0)
		rc = -1;
	ingest_release(&in);
	return rc;
}

static int stage_analyze(struct run_state *s, struct err *err)
{
	struct analyze_opts opts = { s->ctx->data_dir, 0, s->ctx->quiet ? NULL : stderr };
	struct analyze_summary sum;

	memset(&sum, 0, sizeof(sum));
	if (analyze_run(s->db, &opts, &sum, err) < 0)
		return -1;
	snprintf(s->summary, sizeof(s->summary),
		 "%lld reports, %lld mentions, %lld new entities, %lld persons, %lld merges,"
		 " %lld link evidence, %lld hubs", (long long)sum.reports, (long long)sum.mentions,
		 (long long)sum.entities, (long long)sum.persons, (long long)sum.merges,
		 (long long)sum.links, (long long)sum.hubs);
	return 0;
}

static int stage_graph(struct run_state *s, struct err *err)
{
	struct graph_opts opts = { s->night, s->ctx->data_dir };
	struct graph_summary sum;

	memset(&sum, 0, sizeof(sum));
	if (graph_run(s->db, &opts, &sum, err) < 0)
		return -1;
	snprintf(s->summary, sizeof(s->summary),
		 "%ld entities, %ld links, %ld clusters (%ld new, %ld grown, %ld merged, %ld split),"
		 " %ld series, %ld companions", sum.entities, sum.links, sum.clusters, sum.cl_new,
		 sum.cl_grown, sum.cl_merged, sum.cl_split, sum.series, sum.companions);
	return 0;
}

static int stage_warn(struct run_state *s, struct err *err)
{
	struct warn_opts opts = { s->night, s->ctx->data_dir, NULL };
	struct warn_summary sum;

	memset(&sum, 0, sizeof(sum));
	if (warn_run(s->db, &opts, &sum, err) < 0)
		return -1;
	snprintf(s->summary, sizeof(s->summary),
		 "%d warnings (%d new, %d carried on): %d spike, %d series, %d dispute, %d burst,"
		 " %d watchlist, %d near-repeat", sum.raised, sum.fresh, sum.carried,
		 sum.by_kind[WARN_SPIKE], sum.by_kind[WARN_SERIES], sum.by_kind[WARN_DISPUTE],
		 sum.by_kind[WARN_BURST], sum.by_kind[WARN_WATCHLIST], sum.by_kind[WARN_NEAR_REPEAT]);
	return 0;
}

static int stage_report(struct run_state *s, struct err *err)
{
	struct report_opts opts = { 0 };
	int64_t warnings = 0, top = 0;

	opts.night = s->night;
	opts.data_dir = s->ctx->data_dir;
	opts.record = 1;
	if (report_write_dir(s->db, &opts, s->out_dir, err) < 0)
		return -1;
	/* The night's warnings as the warn stage raised them that night. */
	if (db_int(s->db, err, &warnings,
		   "SELECT count(*) FROM warning_night WHERE night = ?", "s", s->night) < 0 ||
	    db_int(s->db, err, &top, "SELECT coalesce(max(severity), 0) FROM warning_night"
		   " WHERE night = ?", "s", s->night) < 0)
		return -1;
	snprintf(s->summary, sizeof(s->summary),
		 "%lld warnings (highest severity %lld); report in %s/report.html",
		 (long long)warnings, (long long)top, s->out_dir);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(struct run_state *s, struct err *err);
} stages[] = {
	{ "ingest", stage_ingest },
	{ "analyze", stage_analyze },
	{ "graph", stage_graph },
	{ "warn", stage_warn },
	{ "report", stage_report },
};

static int have_stage(const char *name)
{
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		if (!strcmp(stages[i].name, name))
			return 1;
	return 0;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Make dir if it does not exist; it must end up a directory. */
static int make_out_dir(const char *dir, struct err *err)
{
	struct stat st;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return err_set(err, "cannot create '%s': %s", dir, strerror(errno));
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return err_set(err, "'%s' is not a directory", dir);
	return 0;
}

static int run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct run_state s = { 0 };
	struct db db = { 0 };
	struct err err;
	char night[11];
	struct timespec t0;
	int rc = EXIT_OK, i;

	s.ctx = ctx;
	s.out_dir = "out";
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (argv[i][0] != '-' || !argv[i][1])
			break;
		if (!strcmp(argv[i], "--night") || !strcmp(argv[i], "--out")) {
			if (i + 1 >= argc)
				return cli_usage_error(&cmd_run, "%s needs a value", argv[i]);
			if (argv[i][2] == 'n')
				s.night = argv[++i];
			else
				s.out_dir = argv[++i];
		} else {
			return cli_usage_error(&cmd_run, "unknown option '%s'", argv[i]);
		}
	}
	s.files = argv + i;
	s.n_files = argc - i;
	if (s.night && !report_night_valid(s.night))
		return cli_usage_error(&cmd_run, "--night '%s' is not a date YYYY-MM-DD", s.night);
	if (!s.night) {
		report_default_night(night);
		s.night = night;
	}
	if (!*s.out_dir)
		return cli_usage_error(&cmd_run, "--out needs a directory");
	if (s.n_files && !have_stage("ingest")) {
		err_set(&err, "this build has no ingest stage yet; ingest FILEs first");
		return cli_fail(&err);
	}
	if (make_out_dir(s.out_dir, &err) < 0 || cli_open_db(ctx, &db, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	s.db = &db;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t k = 0; k < sizeof(stages) / sizeof(stages[0]); k++) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (!ctx->quiet)
			fprintf(stderr, "run %s: [%zu/%zu] %s...\n", s.night, k + 1,
				sizeof(stages) / sizeof(stages[0]), stages[k].name);
		s.summary[0] = '\0';
		if (stages[k].run(&s, &err) < 0) {
			err_prefix(&err, "%s", stages[k].name);
			rc = cli_fail(&err);
			goto out;
		}
		if (!ctx->quiet)
			fprintf(stderr, "run %s: %s done in %.1f s\n", s.night, stages[k].name,
				seconds_since(&ts));
		printf("%-8s %s\n", stages[k].name, s.summary);
	}
	if (!ctx->quiet)
		fprintf(stderr, "run %s: all done in %.1f s\n", s.night, seconds_since(&t0));
	if (s.failed_files)
		rc = EXIT_FAIL;
out:
	db_close(&db);
	return rc;
}
