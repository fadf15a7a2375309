/*
 * warn: the early-warning stage.  For one night it runs the detectors
 * (spike, series, dispute, burst, watchlist, near_repeat) over the
 * tables of ingest, analyze and graph, and writes warning,
 * warning_night and warning_evidence.  Owns those tables; reads
 * data/warn.conf.  Must not depend on the other stages' headers.
 */
#ifndef OUTPUT_WARN_H
#define OUTPUT_WARN_H

#include "common/db.h"
#include "common/err.h"

enum warn_kind {
	WARN_SPIKE,
	WARN_SERIES,
	WARN_DISPUTE,
	WARN_BURST,
	WARN_WATCHLIST,
	WARN_NEAR_REPEAT,
	WARN_NKINDS,
};

struct warn_opts {
	const char *night;      /* "YYYY-MM-DD"; NULL: the day before today, China time */
	const char *data_dir;   /* holds warn.conf */
	const char *conf_path;  /* NULL: data_dir/warn.conf */
};

struct warn_summary {
	char night[11];
	int raised;             /* warnings raised tonight */
	int fresh;              /* of which first raised tonight */
	int carried;            /* of which carried on from an earlier night */
	int by_kind[WARN_NKINDS];
	int held;               /* found beyond a kind's max_per_night, not raised */
	int held_by_kind[WARN_NKINDS];
	int apart;              /* 1: the detectors that only read ran on a connection of their own */
};

/* The name of a kind ("spike", ...), static. */
const char *warn_kind_name(enum warn_kind k);

/* The default night, the day before today in China time, into out[11]. */
void warn_default_night(char out[11]);

/*
 * Run every detector for opts->night and store the warnings, in one
 * transaction.  Re-running a night replaces what that night wrote, so
 * the result is the same; a warning raised again within its kind's
 * carry days keeps its id.  Borrows db and opts; fills sum.
 */
int warn_run(struct db *db, const struct warn_opts *opts, struct warn_summary *sum,
	     struct err *err);

#endif
