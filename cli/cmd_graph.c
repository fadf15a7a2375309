/*
 * graph: run the graph stage for one night and print its summary.
 */
#include "cli/cli.h"
#include "graph/graph.h"

#include <stdio.h>
#include <string.h>

static int run(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_cmd cmd_graph = {
	"graph", "find clusters, series, companions and key players",
	"usage: lookout graph [--night YYYY-MM-DD] [--quiet]\n"
	"\n"
	"Load the entities and links into a graph and compute its components,\n"
	"clusters (Leiden communities, with ids kept from night to night),\n"
	"centrality, series candidates (串并案) and companions (同行/同住).\n"
	"Parameters are in graph.conf in the data folder.\n"
	"\n"
	"  --night D   the night computed (default: yesterday, China time)\n"
	"  --quiet     print nothing on success\n",
	run,
};

static int run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct graph_opts opts = { NULL, ctx->data_dir };
	struct graph_summary sum;
	struct db db = { 0 };
	struct err err;
	char night[11];
	int quiet = ctx->quiet, rc = EXIT_OK;

	graph_default_night(night);
	opts.night = night;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--night") && i + 1 < argc)
			opts.night = argv[++i];
		else if (!strncmp(argv[i], "--night=", 8))
			opts.night = argv[i] + 8;
		else if (!strcmp(argv[i], "--quiet"))
			quiet = 1;
		else
			return cli_usage_error(&cmd_graph, "unexpected argument '%s'", argv[i]);
	}
	if (!graph_night_valid(opts.night))
		return cli_usage_error(&cmd_graph, "--night wants a date YYYY-MM-DD, not '%s'", opts.night);
	if (cli_open_db(ctx, &db, &err) < 0 || graph_run(&db, &opts, &sum, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (!quiet)
		printf("graph %s: %ld entities, %ld links, %ld left out as hubs; %ld components; "
		       "%ld clusters (%ld new, %ld grown, %ld shrunk, %ld merged, %ld split, %ld same, "
		       "%ld gone) by %s; %ld series; %ld companions\n",
		       opts.night, sum.entities, sum.links, sum.hubs, sum.components, sum.clusters,
		       sum.cl_new, sum.cl_grown, sum.cl_shrunk, sum.cl_merged, sum.cl_split, sum.cl_same,
		       sum.cl_gone, sum.method, sum.series, sum.companions);
out:
	db_close(&db);
	return rc;
}
