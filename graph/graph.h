/*
 * graph: the graph stage.  Loads entities and links into igraph and
 * computes components, Leiden communities (clusters with ids stable from
 * night to night), centrality, series candidates and companions, written
 * to the version 3 tables.  Reads the analyze tables, never writes them.
 * Only graph/ includes igraph; this header does not.
 *
 * entity_score (since schema version 11): pagerank and betweenness are
 * the entity's inside its cluster (0 outside any); component is the
 * number the component is known by, the id of one of its entities (its
 * smallest on the night it appeared; kept while that entity stays in
 * it); strength sums link weights before the decay by age; a row is
 * written only when one of them changes, so its night is the night it
 * was last written.  cluster.component is that number too.
 */
#ifndef GRAPH_GRAPH_H
#define GRAPH_GRAPH_H

#include <stdio.h>

#include "common/db.h"
#include "common/err.h"

struct graph_opts {
	const char *night;      /* "YYYY-MM-DD", borrowed; the night computed */
	const char *data_dir;   /* borrowed; holds graph.conf */
};

struct graph_summary {
	long entities;          /* vertices */
	long links;             /* edges after merging parallel links */
	long hubs;              /* vertices left out of clustering */
	long components;        /* connected components of two or more */
	long clusters;          /* clusters tonight */
	long cl_new, cl_grown, cl_shrunk, cl_merged, cl_split, cl_same, cl_gone;
	long series;
	long companions;
	long redo;              /* vertices clustered again (all of them on a first night) */
	long btw_kept;          /* clusters that kept last night's betweenness */
	long leiden_nodes;      /* nodes Leiden moved them as (pieces far from a change contracted) */
	const char *method;     /* static: "leiden" or "multilevel" */
	/*
	 * CPU seconds of the steps on the stage's thread (immune to a busy
	 * machine; centrality's on the thread it runs on, beside the series),
	 * and wall and CPU seconds in all, every thread's
	 */
	double secs_load, secs_cluster, secs_centrality;
	double secs_crimes;     /* crime reports and reports per cluster (mentions: in secs_load) */
	double secs_write;      /* clusters, members, history, scores */
	double secs_series, secs_layout, secs_commit;
	double secs_total, cpu_total;
};

/*
 * Run the stage for opts->night in one transaction: re-running the same
 * night gives the same result; a night earlier than one already
 * computed is refused.  Fills sum (caller-owned).
 */
int graph_run(struct db *db, const struct graph_opts *opts,
	      struct graph_summary *sum, struct err *err);

/* The default night: the day before today in China time (LOOKOUT_NOW honoured). */
void graph_default_night(char out[11]);

/* 1 when s is a valid "YYYY-MM-DD", else 0. */
int graph_night_valid(const char *s);

/*
 * Write entities, links and companions as GraphML (for Gephi and
 * link-chart tools): node id = entity key, with type, name, hub, cluster
 * and scores; edges with type, weight and evidence count.  Borrows out.
 */
int graph_export_graphml(struct db *db, FILE *out, struct err *err);

#endif
