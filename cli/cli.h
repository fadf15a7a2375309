/*
 * cli: the command table and what every command shares: the database
 * path, the data folder, printing errors, and usage errors.  One file
 * per command (cmd_<name>.c) exports a struct cli_cmd listed in
 * commands.c.  Exit codes: 0 ok, 1 failure, 2 usage error.
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include "common/db.h"
#include "common/err.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct cli_ctx {
	const char *db_path;    /* --db, LOOKOUT_DB, or ./lookout.db */
	const char *data_dir;   /* --data, LOOKOUT_DATA, or the built-in path */
	int quiet;
};

struct cli_cmd {
	const char *name;
	const char *summary;    /* one line for 'lookout help' */
	const char *usage;      /* the full --help text */
	int (*run)(struct cli_ctx *ctx, int argc, char **argv);
};

extern const struct cli_cmd *const cli_commands[];
const struct cli_cmd *cli_find(const char *name);

/* Print "lookout CMD: msg" and the hint to stderr; returns EXIT_USAGE. */
int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print "lookout: msg" from err to stderr; returns EXIT_FAIL. */
int cli_fail(const struct err *err);
/* If argv holds -h/--help, print the usage to stdout and return 1. */
int cli_wants_help(const struct cli_cmd *cmd, int argc, char **argv);

/* Open the database read-write (creating and migrating it). */
int cli_open_db(struct cli_ctx *ctx, struct db *db, struct err *err);
/* The OS user running the command (static storage, or "?"). */
const char *cli_os_user(void);
/* Record a query or export in the audit table. */
void cli_audit(struct db *db, int argc, char **argv);

#endif
