/*
 * analyze: the analyze stage.  Turns each report not yet analyzed into
 * mentions, entities, person resolution, links with their evidence and
 * categories in the database, incrementally, or all over again (--all),
 * which gives what a fresh database would.  Owns nothing between runs;
 * reads report (ingest's), writes only the analyze tables of the schema.
 */
#ifndef ANALYZE_ANALYZE_H
#define ANALYZE_ANALYZE_H

#include <stdint.h>
#include <stdio.h>

#include "common/db.h"
#include "common/err.h"

struct analyze_opts {
	const char *data_dir;   /* the data folder (rules, tables, analyze.conf) */
	int all;                /* clear the stage's tables and analyze every report */
	FILE *progress;         /* a progress line goes here when it is a terminal; may be NULL */
};

struct analyze_summary {
	int64_t reports;        /* reports analyzed by this run */
	int64_t mentions;       /* mentions written */
	int64_t values;         /* amounts, ages, sexes, dates found */
	int64_t entities;       /* entities new to the database (or back after --all) */
	int64_t persons;        /* persons founded */
	int64_t merges;         /* persons merged into others */
	int64_t links;          /* link evidence rows written */
	int64_t hubs;           /* identifiers flagged as hubs */
	int64_t categorized;    /* reports given a category */
	double seconds;         /* wall time of the run */
};

/*
 * Analyze every report without an 'analyzed' row (every report with
 * opts->all), in report order, in transactions of whole chunks of
 * reports (analyze.conf's commit_reports), and record the run in
 * stage_run.  Fills sum.  Returns 0 or -1 with err set; a failure rolls
 * back the open transaction and the ones before it stay.
 */
int analyze_run(struct db *db, const struct analyze_opts *opts,
		struct analyze_summary *sum, struct err *err);

/*
 * Undo the merge whose id is merge_id (the number of the person merged
 * away): keep the persons of both sides apart for good, record who undid
 * it (os_user, borrowed), and rebuild as --all does.  Returns 0 or -1.
 */
int analyze_split(struct db *db, const struct analyze_opts *opts, int64_t merge_id,
		  const char *os_user, struct analyze_summary *sum, struct err *err);

#endif
