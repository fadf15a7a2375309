/*
 * conf: the analyze stage's parameters from data/analyze.conf (chunk and
 * transaction sizes,
 * hub thresholds, association distances and words, the co-mention cap,
 * the age tolerance, the Admiralty grading scores behind link weights).
 * Plain values; depends on nothing but the data file.
 */
#ifndef ANALYZE_CONF_H
#define ANALYZE_CONF_H

#include <stddef.h>

#include "common/err.h"

struct analyze_conf {
	int chunk_reports;         /* reports read and extracted at a time */
	int commit_reports;        /* reports a transaction holds, at least one chunk */
	int hub_min_reports;
	int hub_min_persons;
	int assoc_max_bytes;
	int attr_max_bytes;
	int co_mention_max_entities;
	int age_tolerance_years;
	double reliability[6];     /* A..F */
	double credibility[6];     /* 1..6 */
	char **not_own;            /* owned: words that make an identifier someone else's */
	size_t n_not_own;
	char **contact;            /* owned: words that make it the reporter's (联系电话) */
	size_t n_contact;
};

/* Set the built-in defaults, then read dir/analyze.conf over them. */
int analyze_conf_load(struct analyze_conf *c, const char *dir, struct err *err);
void analyze_conf_defaults(struct analyze_conf *c);
void analyze_conf_release(struct analyze_conf *c);

/* The weight one report adds to a link: reliability x credibility. */
double analyze_conf_weight(const struct analyze_conf *c, const char *reliability,
			   int credibility);

#endif
