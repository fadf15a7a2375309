/*
 * measure: run a command and print its wall time, peak resident set and
 * CPU time.
 *
 *   measure LABEL CMD [ARGS...]
 *
 * Prints "LABEL<TAB>seconds<TAB>peak_rss_mb<TAB>exit<TAB>cpu_seconds<TAB>
 * peak_anon_mb" on stderr after the command ends (CPU: user + system, all
 * its threads: what the work costs on one core, whatever else the machine
 * runs); the command's own output passes through.  wait4() gives the
 * child's rusage, so no external time(1) is needed.  The peak resident
 * set counts the pages of a memory-mapped database file, which are the
 * system's file cache and given back under pressure; the peak anonymous
 * memory (RssAnon of /proc/PID/status, read every 10 ms) is what the
 * process itself holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The child's anonymous resident memory in kB, or 0 when unknown. */
static long rss_anon_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "RssAnon:", 8)) {
			kb = atol(line + 8);
			break;
		}
	fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	long anon = 0, kb;
	pid_t done;
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: measure LABEL CMD [ARGS...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("measure: exec");
		_exit(127);
	}
	while ((done = wait4(pid, &status, WNOHANG, &ru)) == 0) {
		if ((kb = rss_anon_kb(pid)) > anon)
			anon = kb;
		nanosleep(&tick, NULL);
	}
	if (done < 0) {
		perror("measure: wait4");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "%s\t%.3f\t%.1f\t%d\t%.3f\t%.1f\n", argv[1],
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		(double)ru.ru_maxrss / 1024.0,
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
		(double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
		(double)anon / 1024.0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
