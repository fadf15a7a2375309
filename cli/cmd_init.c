/*
 * init: create the database (mode 0600) or migrate it to this schema.
 */
#include "cli/cli.h"

#include <stdio.h>

static int run(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_cmd cmd_init = {
	"init", "create or migrate the database",
	"usage: lookout [--db FILE] init\n"
	"\n"
	"Create the database file (mode 0600) if it does not exist and bring\n"
	"its schema up to date.  Every other command does this too.\n",
	run,
};

static int run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct db db;
	struct err err;
	int rc = EXIT_OK;

	(void)argv;
	if (argc > 1)
		return cli_usage_error(&cmd_init, "unexpected argument '%s'", argv[1]);
	if (cli_open_db(ctx, &db, &err) < 0)
		rc = cli_fail(&err);
	else
		printf("database %s: schema version %d\n", ctx->db_path, db_schema_version());
	db_close(&db);
	return rc;
}
