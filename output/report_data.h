/*
 * report_data: everything the morning report of one night says,
 * gathered from the database once into plain C structs that the JSON,
 * Markdown and HTML writers only format.  Informants are masked here,
 * so no writer can leak one.  Owns every string it holds.
 */
#ifndef OUTPUT_REPORT_DATA_H
#define OUTPUT_REPORT_DATA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/db.h"
#include "common/err.h"
#include "output/report.h"

/* A list of owned strings. */
struct report_strs {
	char **v;
	size_t n, cap;
};

/* Limits and windows, from data/report.conf (defaults when absent). */
struct report_params {
	int top_warnings;          /* warnings shown, most severe first */
	int evidence_per_warning;  /* reports quoted with a snippet */
	int refs_per_item;         /* report references listed per warning/cluster */
	int snippet_chars;
	int clusters_shown;
	int cluster_nodes;         /* members drawn in a cluster picture */
	int series_shown;
	int quiet_days;            /* a source silent this many days went quiet... */
	int quiet_baseline_days;   /* ...after reporting in this window before */
	int quiet_min_reports;     /* at least this often */
	int quarantine_shown;
	int late_shown;
	int held_shown;            /* held situations listed per kind */
};

/* One report as a reader sees it. */
struct report_ref {
	char *ref;          /* "SOURCE/ID", or "informant/#N" for an informant's */
	char *when;         /* received_at, "" when unknown */
	char *place;        /* "" when none */
	char *snippet;      /* clipped text; "" for an informant's report */
	int informant;
};

struct report_refs {
	struct report_ref *v;
	size_t n, cap;
};

/* One day of a spike's series, as the warn stage stored it. */
struct report_point {
	char date[11];
	double observed, expected, threshold;
};

struct report_warning {
	char *id, *kind, *title, *explanation, *first_night, *last_night;
	int severity;
	int is_new;                    /* first raised this night */
	struct report_strs subject;
	struct report_strs entities;
	struct report_strs reports;    /* references, capped at refs_per_item */
	long n_reports;                /* all of them */
	struct report_refs evidence;   /* the latest few, with snippets */
	struct report_point *series;   /* spike: the daily series, else NULL */
	size_t n_series;
};

struct report_node {
	char *key;          /* entity key; "" for a protected person */
	char *label;        /* what the picture prints */
	char *type;
	int rank;           /* key-player rank, 1 the most central */
	double x, y;        /* in [0,1] */
};

struct report_edge {
	size_t a, b;        /* indexes into nodes */
	double weight;
};

struct report_cluster {
	char *id, *status;
	int is_new;
	double score;
	long size;
	struct report_strs entities;
	struct report_strs reports;
	struct report_node *nodes;
	size_t n_nodes;
	struct report_edge *edges;
	size_t n_edges, cap_edges;
	int layout_stored;  /* 1: coordinates from the graph stage, 0: our circle */
	int is_series;      /* 1: also a series candidate tonight */
};

struct report_series {
	char *cluster;
	double score;
	long n_reports;
	struct report_refs reports;
};

/* A watchlist warning, with the watched entry it matched. */
struct report_hit {
	char *warning_id;
	char *list, *key, *note;
	int severity;
	struct report_refs seen;   /* the records that matched */
};

struct report_count {
	char *name;
	long n;
	char *last;                /* quiet sources: the last report's time */
};

struct report_quarantined {
	char *file, *reason;
	long line;
};

struct report_changes {
	int first;                 /* 1: no earlier report to compare with */
	char prev_night[11];
	char prev_generated_at[32];
	long prev_new_reports, prev_warnings;
	struct report_strs new_warnings;      /* "W-... title", raised since */
	struct report_strs ended_warnings;    /* shown last time, not tonight */
	long n_continuing;
	struct report_count *cluster_status;  /* new/grown/... counts tonight */
	size_t n_cluster_status;
};

struct report_quality {
	long quarantined;                     /* since the last report */
	struct report_count *reasons;
	size_t n_reasons;
	struct report_quarantined *samples;
	size_t n_samples;
	struct report_count *quiet;
	size_t n_quiet;
	long late;                            /* for earlier nights, arrived since */
	struct report_refs late_refs;
	long undated;                         /* received date not understood */
};

/*
 * Situations the warn stage held back beyond a kind's max_per_night:
 * counted, and the most severe listed one line each.
 */
struct report_held {
	char *kind;
	long n;
	struct report_strs titles;   /* "title（severity）", most severe first */
};

struct report_data {
	char night[11];
	char generated_at[32];
	long reports, new_reports, rejected, entities, links;
	long warnings_total;                  /* active tonight, before the cap */
	struct report_warning *warnings;
	size_t n_warnings;
	struct report_cluster *clusters;
	size_t n_clusters;
	struct report_series *series;
	size_t n_series;
	struct report_hit *hits;
	size_t n_hits;
	struct report_held *held;             /* by kind, the most held first */
	size_t n_held;
	long held_total;
	struct report_changes changes;
	struct report_quality quality;
	int64_t max_batch_id;
	struct report_params params;
};

/* The built-in parameters. */
void report_params_default(struct report_params *p);
/*
 * Read data_dir/report.conf ("key = value" lines, # comments) over the
 * defaults; a missing file leaves the defaults.  Borrows data_dir.
 */
int report_params_load(struct report_params *p, const char *data_dir,
		       struct err *err);

/*
 * Gather the report of opts->night (which must be set and valid) from
 * db.  Returns an owned struct in *out (report_data_free it), also NULL
 * on error.
 */
int report_data_load(struct db *db, const struct report_opts *opts,
		     struct report_data **out, struct err *err);
void report_data_free(struct report_data *d);

/* Remember d in report_run so the next report can say what changed. */
int report_data_record(struct db *db, const struct report_data *d,
		       struct err *err);

/* The three writers; each borrows d.  Errors are write errors on out. */
int report_json_write(const struct report_data *d, FILE *out, struct err *err);
int report_md_write(const struct report_data *d, FILE *out, struct err *err);
int report_html_write(const struct report_data *d, FILE *out, struct err *err);

/* Shared by the writers: the Chinese name of a warning kind / cluster status. */
const char *report_kind_name(const char *kind);
/*
 * The kind's name to set before a warning's title, "" when the title
 * begins with it already (串并案线索：…, 布控比中：…, 布控部分比中：…).
 */
const char *report_title_kind(const struct report_warning *w);
const char *report_status_name(const char *status);

#endif
