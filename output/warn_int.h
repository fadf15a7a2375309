/*
 * warn_int: what the warn stage's detectors share, inside output/ only:
 * the run's context (database, night, parameters, names), candidate
 * warnings that the detectors add and warn.c stores, and the temporary
 * table warn_report of the reports they count.
 */
#ifndef OUTPUT_WARN_INT_H
#define OUTPUT_WARN_INT_H

#include <stdint.h>

#include "common/sbuf.h"
#include "output/warn.h"
#include "output/warn_conf.h"

/*
 * A warning a detector wants raised tonight.  Owns its strings; the
 * subject is a JSON array of keys, data a JSON object.
 */
struct warn_cand {
	enum warn_kind kind;
	char *subject;
	int severity;
	int priority;            /* ranks before severity within the kind's cap */
	int held;                /* beyond the kind's max_per_night: listed, not raised */
	char *title;
	char *explanation;
	char *data;
	int64_t *reports;
	size_t n_reports, cap_reports;
	char **entities;
	size_t n_entities, cap_entities;
};

struct warn_ctx {
	struct db *db;
	char night[11];
	struct warn_conf conf;
	char **cat_key, **cat_name;   /* category names from categories.tsv */
	size_t n_cat, cap_cat;
	char **mask;                  /* informant codes and names, never shown */
	size_t n_mask, cap_mask;
	struct warn_cand *cand;
	size_t n_cand, cap_cand;
	sqlite3_stmt *places;         /* for warn_report_places */
	sqlite3_stmt *display;        /* for warn_display */
	sqlite3_stmt *naming;         /* for warn_naming_reports */
	char *areas;                  /* " county township community ": not places of events */
	char since[11];               /* warn_report holds the days from this one */
	int64_t upto;                 /* ... of the reports up to this id */
	int apart;                    /* 1: a copy reading apart, which never writes */
};

/*
 * warn_report (schema version 6), brought up to date before the
 * detectors run: every report that is not a re-sent copy and has a date,
 * of the days from w->since (see warn_reports_from).
 *   report_id, day (received, else occurred), occ_day (occurred, else
 *   received), kind, informant (1 for informant reports), geo (1 when
 *   it has both coordinates, schema version 18)
 * It holds later nights' reports too when an earlier night is run again:
 * a detector reads its days up to the night, never beyond.
 */

/*
 * SQL: report R is not a re-sent copy.  A near-duplicate (ingest's
 * near_dup_of) received within a day of its first is the same tip sent
 * again and is not counted; one received later is a new event written
 * like an old one (a dispute register's row for the same quarrel).
 */
#define WARN_NOT_RESENT(R) \
	"(" R ".near_dup_of IS NULL OR abs(julianday(" R ".received_at) - julianday(" \
	"(SELECT o.received_at FROM report o WHERE o.id = " R ".near_dup_of))) > 1)"

/*
 * Make warn_report hold the days from 'from' on; each detector asks for
 * the first day it reads before it reads.  A copy reading apart cannot
 * add days: it fails, and the detector runs again on the stage's own
 * connection.
 */
int warn_reports_from(struct warn_ctx *w, const char *from, struct err *err);

/* Add a candidate; returns it, borrowed until the next add. */
struct warn_cand *warn_cand_add(struct warn_ctx *w, enum warn_kind kind);
/* Set the subject from n keys (copied). */
void warn_cand_subject(struct warn_cand *c, const char *const *keys, size_t n);
void warn_cand_report(struct warn_cand *c, int64_t report_id);
void warn_cand_entity(struct warn_cand *c, const char *key);
/* Takes title, explanation and data (data may be NULL for "{}"). */
void warn_cand_text(struct warn_cand *c, char *title, char *explanation, char *data);

/* A parameter "<kind>.<name>" of warn.conf, or def. */
double warn_param(const struct warn_ctx *w, enum warn_kind k, const char *name, double def);
/* Whether word is listed in "<kind>.<name>". */
int warn_param_has(const struct warn_ctx *w, enum warn_kind k, const char *name,
		   const char *word);
/*
 * The first day that counts as recent for kind k, into out[11]: night -
 * recent_days + 1 ("<kind>.recent_days", else "recent_days", else 1).  A
 * situation is raised only when it has a report that recent.
 */
void warn_recent(const struct warn_ctx *w, enum warn_kind k, char out[11]);
/* Clamp to the 0-100 severity scale. */
int warn_severity(double s);

/* The Chinese name of a category key, borrowed (the key when unknown). */
const char *warn_category_name(const struct warn_ctx *w, const char *key);
/* The name of a report kind for a chief ("旅馆登记"), from warn.conf; borrowed. */
const char *warn_kind_label(const struct warn_ctx *w, const char *report_kind);
/* The display form of an entity key: the part after "type:". */
const char *warn_key_value(const char *key);

/* A small list of owned strings. */
struct warn_strs {
	char **v;
	size_t n, cap;
};

void warn_strs_add(struct warn_strs *s, const char *str);   /* copies; no duplicates */
int warn_strs_has(const struct warn_strs *s, const char *str);
void warn_strs_release(struct warn_strs *s);

/*
 * The most specific place keys a report mentions (a place whose key is a
 * prefix of another of the same report is left out, and so is an area
 * of warn.conf's area_levels), into out.
 */
int warn_report_places(struct warn_ctx *w, int64_t report_id, struct warn_strs *out,
		       struct err *err);
/*
 * The same places into out, and (not NULL) the persons it mentions that
 * are not hubs into persons, each one's display name ("" when none) at
 * the same place in names, from one read of the report's mentions.
 */
int warn_report_mentions(struct warn_ctx *w, int64_t report_id, struct warn_strs *out,
			 struct warn_strs *persons, struct warn_strs *names, struct err *err);
/* A growing list of report ids. */
struct warn_ids {
	int64_t *v;
	size_t n, cap;
};

/*
 * Add to out the reports that mention the entity key.  A detector that
 * judges only situations with a recent report reads the older reports
 * these name, not every report of its window.
 */
int warn_naming_reports(struct warn_ctx *w, const char *key, struct warn_ids *out,
			struct err *err);
/*
 * Copy column col of st's row into dst[0..size), cut as snprintf's "%s"
 * would cut it, without its cost: for the rows of a whole window.
 */
void warn_column_copy(char *dst, size_t size, sqlite3_stmt *st, int col);
/*
 * Step row (a statement of warn_report's columns WHERE report_id = ?) on
 * report id: 1 when it has a row whose day (column day_col) falls in
 * [from, recent), the row stepped on for the caller to read and reset;
 * 0 when not (row reset); -1 with err set.  For the earlier reports a
 * detector reads one by one, those related to tonight's.
 */
int warn_window_row(sqlite3_stmt *row, int64_t id, int day_col, const char *from,
		    const char *recent, struct err *err);
/* Sort ids ascending; 1 when id is among the sorted ids. */
void warn_ids_sort(struct warn_ids *ids);
int warn_ids_has(const struct warn_ids *ids, int64_t id);
/*
 * Add to ids the reports with ids in [lo, hi] with a category that list
 * (warn_list's " a b c " form) holds as SQL's instr(list, ' ' ||
 * category || ' ') finds it, and sort them.  A detector asks for the
 * ids its window's reports span, not for every report of the history.
 */
int warn_category_reports(struct warn_ctx *w, const char *list, int64_t lo, int64_t hi,
			  struct warn_ids *ids, struct err *err);

/*
 * Returns the owned display name of an entity key (analyze's display,
 * else the part after "type:").  A failed lookup only costs the name.
 */
char *warn_display(struct warn_ctx *w, const char *key);
/* Returns an owned copy of text cut to at most max characters, with "…". */
char *warn_snippet(const char *text, size_t max);
/* Returns an owned " a b c " form of "<kind>.<name>", for SQL instr(). */
char *warn_list(const struct warn_ctx *w, enum warn_kind k, const char *name);

/* The detectors: each adds its candidates for w->night. */
int warn_spike(struct warn_ctx *w, struct err *err);
int warn_series(struct warn_ctx *w, struct err *err);
int warn_dispute(struct warn_ctx *w, struct err *err);
int warn_burst(struct warn_ctx *w, struct err *err);
int warn_watchlist(struct warn_ctx *w, struct err *err);
int warn_near_repeat(struct warn_ctx *w, struct err *err);
/*
 * The first day each detector that only reads takes from warn_report
 * (what it asks warn_reports_from for), into out[11]: warn.c has those
 * days added before they run on a connection of their own.
 */
void warn_series_from(const struct warn_ctx *w, char out[11]);
void warn_dispute_from(const struct warn_ctx *w, char out[11]);
void warn_burst_from(const struct warn_ctx *w, char out[11]);
void warn_watchlist_from(const struct warn_ctx *w, char out[11]);

#endif
