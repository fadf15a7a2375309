/*
 * conf: the graph stage's parameters, read from data/graph.conf.  Owns
 * the strings of its lists; depends only on common/.  Every parameter has
 * a default here, so a missing line is not an error; an unknown one is.
 */
#ifndef GRAPH_CONF_H
#define GRAPH_CONF_H

#include "common/err.h"

struct graph_conf {
	double half_life_days, evidence_boost, min_weight;
	char *skip_types;               /* space-separated word lists */
	char *skip_place_levels;
	int hub_degree;
	char *community;                /* "leiden" or "multilevel" */
	double resolution, leiden_beta;
	int leiden_iterations;
	int recluster_whole;             /* see data/graph.conf */
	int recluster_hops;
	int recluster_piece;
	int seed;
	int min_cluster_size;
	int match_min_members;
	double match_min_share;
	double score_scale, other_report_weight;
	int betweenness_samples;
	double pagerank_damping;
	int key_members;
	char *crime_categories;
	char *join_types;
	char *series_skip_roles;       /* mentions in these roles join no series */
	char *join_weight;              /* "type:w type:w ..." */
	double hop_decay;
	int series_all_pairs;
	int series_scope_max;
	double series_size_scale, mixed_category_factor;
	char *hotel_kinds, *netcafe_kinds;
	int hotel_night_hour;
	int netcafe_window_minutes;
	int companion_min_occasions;
	int companion_max_crowd;
	double companion_weight;
	int layout_clusters;             /* cluster pictures laid out a night, see graph.conf */
	int layout_nodes;               /* members laid out in each */
	int layout_iterations;
};

/* Set the defaults (caller-owned conf; release it with graph_conf_release). */
void graph_conf_init(struct graph_conf *c);
void graph_conf_release(struct graph_conf *c);
/* Read dir/graph.conf over the defaults; a missing file keeps them. */
int graph_conf_load(struct graph_conf *c, const char *dir, struct err *err);

/* 1 when word is one of the space-separated words of list. */
int graph_conf_in(const char *list, const char *word);
/* The join weight of an entity type (0.5 when not listed). */
double graph_conf_join_weight(const struct graph_conf *c, const char *type);
/* The words of list as a JSON array text, owned (for SQL json_each). */
char *graph_conf_json_list(const char *list);

#endif
