/*
 * main: lookout [--db FILE] [--data DIR] COMMAND [options].  Parses the
 * global options and dispatches to the command table; nothing else.
 */
#include "cli/cli.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The nightly stages touch hundreds of MB to a few GB of memory, which
 * the kernel hands out a 4 KB page at a time, a page fault each; on a
 * virtual machine a fault is dear.  glibc asks for transparent huge
 * pages for its heaps when its tunable glibc.malloc.hugetlb is 1, and
 * reads it only when a program starts: so these commands set it and run
 * themselves again, once.  One more night of 10,000 reports on
 * 1,000,000 took 11.2-14.6 s with it against 15.4-18.0 s without (a
 * fifth of the page faults, the same peak memory).  A GLIBC_TUNABLES
 * that names the tunable already is left alone: hugetlb=0 turns this
 * off, as a run under valgrind needs to be checked whole (valgrind does
 * not follow a program into the one it runs).  The program run again is
 * the file /proc/self/exe names, not that link: under valgrind the link
 * is valgrind's own.  If running again fails, the command goes on.
 */
static const char *const nightly[] = { "ingest", "analyze", "graph", "warn", "report", "run", NULL };

static void huge_heap(const char *cmd, char **argv)
{
	const char *was = getenv("GLIBC_TUNABLES");
	char *old, *val, self[4096];
	ssize_t n;
	int i = 0;

	while (nightly[i] && strcmp(nightly[i], cmd))
		i++;
	if (!nightly[i] || (was && strstr(was, "glibc.malloc.hugetlb")))
		return;
	old = was ? strdup(was) : NULL;
	if (was && !old)
		return;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0 && n < (ssize_t)sizeof(self) - 1 &&
	    asprintf(&val, "%s%sglibc.malloc.hugetlb=1", old ? old : "", old && *old ? ":" : "") >= 0) {
		self[n] = '\0';
		if (setenv("GLIBC_TUNABLES", val, 1) == 0)
			execv(self, argv);
		free(val);
	}
	if (old)
		setenv("GLIBC_TUNABLES", old, 1);
	else
		unsetenv("GLIBC_TUNABLES");
	free(old);
}

static const char usage[] =
	"usage: lookout [--db FILE] [--data DIR] COMMAND [options]\n"
	"       lookout help [COMMAND]\n";

int main(int argc, char **argv)
{
	struct cli_ctx ctx = { 0 };
	const struct cli_cmd *cmd;
	int i = 1;

	/*
	 * glibc grows a heap 128 KB at a time beyond what is asked, and each
	 * step of a thread's heap is an mprotect that flushes the TLB of
	 * every core the process runs on; the stages grow theirs by hundreds
	 * of MB.  Steps of 64 MB (address space, not memory: pages count when
	 * touched) took analyze's system time on 100,000 reports from about
	 * 0.9 to 0.7 s.
	 */
	mallopt(M_TOP_PAD, 64 << 20);
	ctx.db_path = getenv("LOOKOUT_DB");
	if (!ctx.db_path || !*ctx.db_path)
		ctx.db_path = "lookout.db";
	ctx.data_dir = getenv("LOOKOUT_DATA");
	if (!ctx.data_dir || !*ctx.data_dir)
		ctx.data_dir = LOOKOUT_DATADIR;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if ((!strcmp(argv[i], "--db") || !strcmp(argv[i], "--data")) && i + 1 < argc) {
			if (argv[i][2] == 'd' && argv[i][3] == 'b')
				ctx.db_path = argv[++i];
			else
				ctx.data_dir = argv[++i];
		} else if (!strncmp(argv[i], "--db=", 5)) {
			ctx.db_path = argv[i] + 5;
		} else if (!strncmp(argv[i], "--data=", 7)) {
			ctx.data_dir = argv[i] + 7;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			argv[i] = "help";
			break;
		} else {
			fprintf(stderr, "lookout: unknown option '%s'\n%s", argv[i], usage);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "lookout: no command given (see 'lookout help')\n");
		return EXIT_USAGE;
	}
	cmd = cli_find(argv[i]);
	if (!cmd) {
		fprintf(stderr, "lookout: unknown command '%s' (see 'lookout help')\n", argv[i]);
		return EXIT_USAGE;
	}
	if (cli_wants_help(cmd, argc - i, argv + i))
		return EXIT_OK;
	huge_heap(cmd->name, argv);
	return cmd->run(&ctx, argc - i, argv + i);
}
