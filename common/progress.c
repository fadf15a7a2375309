/*
 * progress: rate and ETA from the bytes done against the bytes expected,
 * which is what a reader knows cheaply; the record rate is shown beside
 * it because that is what an analyst thinks in.  Redraws are throttled so
 * the line costs nothing next to the work it reports.
 */
#include "common/progress.h"

#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(struct progress *p, FILE *fp, uint64_t total_bytes)
{
	p->fp = fp && isatty(fileno(fp)) ? fp : NULL;
	p->start = p->last = now();
	p->total = total_bytes;
	p->shown = 0;
}

void progress_update(struct progress *p, const char *what, uint64_t records, uint64_t bytes)
{
	double t, el, mbs;

	if (!p->fp)
		return;
	t = now();
	if (t - p->last < 0.25)
		return;
	p->last = t;
	el = t - p->start > 1e-9 ? t - p->start : 1e-9;
	mbs = (double)bytes / el / 1e6;
	fprintf(p->fp, "\r%s: %llu records, %.0f records/s, %.1f MB/s", what,
		(unsigned long long)records, (double)records / el, mbs);
	if (p->total > bytes && bytes > 0)
		fprintf(p->fp, ", ETA %.0fs", (double)(p->total - bytes) / ((double)bytes / el));
	fputs("\033[K", p->fp);
	fflush(p->fp);
	p->shown = 1;
}

void progress_done(struct progress *p)
{
	if (p->fp && p->shown) {
		fputs("\r\033[K", p->fp);
		fflush(p->fp);
	}
	p->shown = 0;
}
