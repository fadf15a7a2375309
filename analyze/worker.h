/*
 * worker: a thread that runs extract (extract.h) ahead of the pipeline.
 * The pipeline posts batches of reports and takes each report's result
 * strictly in order; at most the posted batches are in flight.  Owns its
 * thread and its struct extract; batches are the caller's.
 */
#ifndef ANALYZE_WORKER_H
#define ANALYZE_WORKER_H

#include <stddef.h>

#include "analyze/extract.h"
#include "analyze/strmap.h"
#include "common/err.h"

/* Reports and their results; the caller owns it and its strings. */
struct worker_batch {
	struct extract_report *v;
	size_t n, cap;
	struct strpool strs;           /* the caller's: v's strings, if it keeps them here */
	struct extract_result *res;    /* res[i] is v[i]'s, once worker_wait(i) said so */
	size_t cap_res;
	size_t done;                   /* results ready (the worker's lock guards it) */
	struct worker_batch *next;     /* the queue */
};

struct worker;

/*
 * Start the thread; it loads the extractors from dir itself, so the
 * caller can load its own state meanwhile.  Returns owned, or NULL with
 * err set when no thread can be started.
 */
struct worker *worker_start(const char *dir, struct err *err);
/* Wait until the thread has loaded its extractors.  Returns 0, or -1 with err set. */
int worker_loaded(struct worker *w, struct err *err);
/* Stop the thread (mid-batch if need be) and free it.  NULL is a no-op. */
void worker_stop(struct worker *w);

/* Make room for b->n results (call before worker_post). */
void worker_batch_ready(struct worker_batch *b);
void worker_batch_release(struct worker_batch *b);

/*
 * Queue b.  The caller must not touch b->v or b->res again until it has
 * waited for its last result.  Borrows b.
 */
void worker_post(struct worker *w, struct worker_batch *b);
/* Wait until b->res[i] is ready.  Returns 0, or -1 with err set when the extractors failed to load. */
int worker_wait(struct worker *w, struct worker_batch *b, size_t i, struct err *err);

#endif
