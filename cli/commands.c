/*
 * commands: the command table.  A new command is a cmd_<name>.c file
 * and one line here.
 */
#include "cli/cli.h"

#include <stddef.h>

extern const struct cli_cmd cmd_detect;
extern const struct cli_cmd cmd_warn;
extern const struct cli_cmd cmd_watchlist;
extern const struct cli_cmd cmd_audit;
extern const struct cli_cmd cmd_ingest;
extern const struct cli_cmd cmd_help;
extern const struct cli_cmd cmd_analyze;
extern const struct cli_cmd cmd_export;
extern const struct cli_cmd cmd_resolve;
extern const struct cli_cmd cmd_init;
extern const struct cli_cmd cmd_graph;
extern const struct cli_cmd cmd_query;
extern const struct cli_cmd cmd_quarantine;
extern const struct cli_cmd cmd_report;
extern const struct cli_cmd cmd_run;
extern const struct cli_cmd cmd_stats;

const struct cli_cmd *const cli_commands[] = {
	&cmd_init,
	&cmd_ingest,
	&cmd_quarantine,
	&cmd_stats,
	&cmd_analyze,
	&cmd_resolve,
	&cmd_export,
	&cmd_graph,
	&cmd_query,
	&cmd_detect,
	&cmd_warn,
	&cmd_watchlist,
	&cmd_report,
	&cmd_run,
	&cmd_audit,
	&cmd_help,
	NULL,
};
