/*
 * help: list the commands, or show one command's usage.
 */
#include "cli/cli.h"

#include <stdio.h>

static int run(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_cmd cmd_help = {
	"help", "show the commands, or one command's usage",
	"usage: lookout help [COMMAND]\n"
	"\n"
	"Without COMMAND, list the commands; with it, print its usage.\n",
	run,
};

static int run(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	if (argc > 2)
		return cli_usage_error(&cmd_help, "too many arguments");
	if (argc == 2) {
		const struct cli_cmd *cmd = cli_find(argv[1]);

		if (!cmd)
			return cli_usage_error(&cmd_help, "unknown command '%s'", argv[1]);
		fputs(cmd->usage, stdout);
		return EXIT_OK;
	}
	printf("usage: lookout [--db FILE] [--data DIR] COMMAND [options]\n\n"
	       "The database is --db FILE, else $LOOKOUT_DB, else ./lookout.db.\n\n"
	       "Commands:\n");
	for (int i = 0; cli_commands[i]; i++)
		printf("  %-10s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
	printf("\nRun 'lookout COMMAND --help' for one command's options.\n");
	return EXIT_OK;
}
