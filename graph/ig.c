/*
 * ig: igraph calls its error handler before returning an error code.
 * Ours keeps the reason (igraph's own message is better than the bare
 * code) and lets igraph_error_handler_ignore free what igraph had
 * allocated for the failed call, then the caller sees the code.  One
 * thread at a time calls igraph here, so one static buffer is enough.
 */
#include "graph/ig.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char last_reason[256];

static void on_error(const char *reason, const char *file, int line, igraph_error_t rc)
{
	snprintf(last_reason, sizeof(last_reason), "%s", reason ? reason : "");
	igraph_error_handler_ignore(reason, file, line, rc);
}

/* Warnings (for example "Leiden did not converge") are not failures. */
static void on_warning(const char *reason, const char *file, int line)
{
	(void)reason;
	(void)file;
	(void)line;
}

void ig_thread_setup(void)
{
	/*
	 * Debian's igraph runs PageRank (PRPACK) through OpenMP.  The stage
	 * is one job among others on a small machine: threads only spin
	 * (measured: 0.59 s of CPU against 0.10 s single-threaded on a
	 * 100,000-vertex graph), and with two of them PRPACK's sums come in
	 * a varying order, so the low digits of PageRank (which break ties
	 * between key players) changed from run to run.  libgomp reads
	 * OMP_NUM_THREADS when it is loaded, before main(), so setting the
	 * variable here would only reach child processes: ask the runtime
	 * itself, found by name so that lookout does not link it.  The
	 * setting is the calling thread's own.  An operator's own setting
	 * wins.
	 */
	if (!getenv("OMP_NUM_THREADS")) {
		void (*set_threads)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_num_threads");

		if (set_threads)
			set_threads(1);
	}
}

void ig_setup(unsigned long seed)
{
	ig_thread_setup();
	igraph_set_error_handler(on_error);
	igraph_set_warning_handler(on_warning);
	igraph_rng_seed(igraph_rng_default(), seed);
}

int ig_check(igraph_error_t rc, const char *what, struct err *err)
{
	if (rc == IGRAPH_SUCCESS)
		return 0;
	if (last_reason[0])
		err_set(err, "igraph: %s: %s (%s)", what, igraph_strerror(rc), last_reason);
	else
		err_set(err, "igraph: %s: %s", what, igraph_strerror(rc));
	last_reason[0] = '\0';
	return -1;
}
