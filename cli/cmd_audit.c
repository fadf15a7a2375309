/*
 * audit: list the audit table, oldest first: when, which OS user, which
 * command, with which arguments.  Every query, export and report writes
 * a row there; reading the trail is itself recorded, after the listing.
 */
#include "cli/cli.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_cmd cmd_audit = {
	"audit", "list who ran which query, export or report",
	"usage: lookout audit [--json]\n"
	"\n"
	"List the audit table, oldest first: time, OS user, command and its\n"
	"arguments.\n"
	"\n"
	"  --json   one JSON array of {\"at\", \"os_user\", \"command\", \"args\"}\n",
	run,
};

static int run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct db db = { 0 };
	struct err err;
	sqlite3_stmt *st = NULL;
	cJSON *arr = NULL;
	int json = 0, rc = EXIT_OK, r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else
			return cli_usage_error(&cmd_audit, "unexpected argument '%s'", argv[i]);
	}
	if (cli_open_db(ctx, &db, &err) < 0 ||
	    db_prepare(&db, &st, "SELECT at, os_user, command, args FROM audit ORDER BY id",
		       &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	arr = cJSON_CreateArray();
	while ((r = db_step(st, &err)) == 1) {
		if (json) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "at", db_text(st, 0));
			cJSON_AddStringToObject(o, "os_user", db_text(st, 1));
			cJSON_AddStringToObject(o, "command", db_text(st, 2));
			cJSON_AddStringToObject(o, "args", db_text(st, 3));
			cJSON_AddItemToArray(arr, o);
		} else {
			printf("%s  %-10s %-8s %s\n", db_text(st, 0), db_text(st, 1),
			       db_text(st, 2), db_text(st, 3));
		}
	}
	if (r < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (json) {
		char *s = cJSON_Print(arr);

		puts(s);
		free(s);
	}
	db_finalize(st);
	st = NULL;
	cli_audit(&db, argc, argv);
out:
	db_finalize(st);
	cJSON_Delete(arr);
	db_close(&db);
	return rc;
}
