/*
 * report: the morning report of one night, as JSON (FORMAT.md), Markdown
 * or one self-contained Chinese HTML page, all from one gathered struct
 * (output/report_data.h).  Reads every stage's tables, writes only
 * report_run (its own history).  Must not depend on the other stages'
 * code: it reads what they stored.
 */
#ifndef OUTPUT_REPORT_H
#define OUTPUT_REPORT_H

#include <stdio.h>

#include "common/db.h"
#include "common/err.h"

enum report_format { REPORT_JSON, REPORT_MD, REPORT_HTML };

struct report_opts {
	const char *night;        /* "YYYY-MM-DD"; NULL: the day before today, China time */
	enum report_format format;
	const char *data_dir;     /* holds report.conf; NULL: built-in parameters */
	int record;               /* 1: remember this report in report_run */
};

/* Parse "json", "md" or "html" into *fmt; -1 for anything else. */
int report_format_parse(const char *name, enum report_format *fmt);

/* The default night (the day before today in China) into buf[11]. */
void report_default_night(char buf[11]);

/* 1 when s is a real calendar date written "YYYY-MM-DD", else 0. */
int report_night_valid(const char *s);

/*
 * Gather the night's report from db and write it to out in
 * opts->format.  Borrows everything.
 */
int report_write(struct db *db, const struct report_opts *opts, FILE *out,
		 struct err *err);

/*
 * Write the night's report in all three formats into dir as
 * report.json, report.md and report.html, gathering once.  Each file is
 * written beside its final name and renamed into place, so a reader
 * never sees half a report.  dir must exist.  Borrows everything.
 */
int report_write_dir(struct db *db, const struct report_opts *opts,
		     const char *dir, struct err *err);

#endif
