/*
 * progress: one self-overwriting status line (records/s, MB/s, ETA) for
 * long runs, written only when its stream is a terminal, so logs and
 * tests never see it.  Owns nothing; depends on libc only.
 */
#ifndef COMMON_PROGRESS_H
#define COMMON_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

struct progress {
	FILE *fp;               /* NULL when off */
	double start, last;     /* seconds, monotonic clock */
	uint64_t total;         /* bytes expected, 0 when unknown */
	int shown;
};

/* Turn on when fp is a terminal (fp may be NULL: off). */
void progress_init(struct progress *p, FILE *fp, uint64_t total_bytes);
/* Redraw at most four times a second. */
void progress_update(struct progress *p, const char *what, uint64_t records, uint64_t bytes);
/* Erase the line, if one was drawn. */
void progress_done(struct progress *p);

#endif
