/*
 * cli: helpers shared by the commands.
 */
#include "cli/cli.h"
#include "common/sbuf.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct cli_cmd *cli_find(const char *name)
{
	for (int i = 0; cli_commands[i]; i++)
		if (!strcmp(cli_commands[i]->name, name))
			return cli_commands[i];
	return NULL;
}

int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lookout %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'lookout %s --help')\n", cmd->name);
	return EXIT_USAGE;
}

int cli_fail(const struct err *err)
{
	fprintf(stderr, "lookout: %s\n", err->msg);
	return EXIT_FAIL;
}

int cli_wants_help(const struct cli_cmd *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(cmd->usage, stdout);
			return 1;
		}
	}
	return 0;
}

int cli_open_db(struct cli_ctx *ctx, struct db *db, struct err *err)
{
	return db_open(db, ctx->db_path, err);
}

const char *cli_os_user(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *user = getenv("USER");

	if (pw && pw->pw_name)
		return pw->pw_name;
	return user ? user : "?";
}

void cli_audit(struct db *db, int argc, char **argv)
{
	struct sbuf args = SBUF_INIT;
	char now[32];

	for (int i = 1; i < argc; i++) {
		if (i > 1)
			sbuf_addch(&args, ' ');
		sbuf_adds(&args, argv[i]);
	}
	db_now(now);
	/* An audit failure must not hide the answer; it is best effort. */
	db_run(db, NULL, "INSERT INTO audit(at, os_user, command, args) VALUES (?, ?, ?, ?)",
	       "ssss", now, cli_os_user(), argv[0], sbuf_str(&args));
	sbuf_release(&args);
}
