/*
 * worker: extraction on a second core.
 *
 * Extraction is a pure function of one report (extract.c), about a third
 * of the stage's work; resolving and writing must stay on one thread, in
 * report order.  So one thread extracts and the pipeline consumes: a
 * queue of batches (the pipeline posts the next chunk before it works on
 * the current one, so at most two are in flight), each with a count of
 * results ready that only grows.  The pipeline takes result i of a batch
 * after the count passed i, so it reads exactly what one thread would
 * have computed, in the same order, and the database comes out the same.
 *
 * One mutex guards the queue, the counts and the flags; a report's
 * result is written by the worker before the count is raised under the
 * mutex and read by the pipeline after it saw the count under it, which
 * orders the two.  The worker's extractors (PCRE2 match data, scratch
 * buffers) are its own.
 */
#include "analyze/worker.h"
#include "common/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct worker {
	char *dir;              /* owned */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t posted;  /* a batch was queued, or quit set */
	pthread_cond_t ready;   /* a result is ready, or loading failed */
	struct worker_batch *head, *tail;
	int quit;
	int loaded;             /* the extractors are loaded */
	int failed;             /* the extractors did not load: err says why */
	struct err err;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct err err = { { 0 } };
	struct extract *x;

	/* Named, so that top and perf tell the two threads apart. */
	pthread_setname_np(pthread_self(), "lookout-extract");
	x = extract_new(w->dir, &err);

	pthread_mutex_lock(&w->lock);
	if (x) {
		w->loaded = 1;
	} else {
		w->failed = 1;
		w->err = err;
	}
	pthread_cond_broadcast(&w->ready);
	while (x && !w->quit) {
		struct worker_batch *b = w->head;
		size_t i;

		if (!b) {
			pthread_cond_wait(&w->posted, &w->lock);
			continue;
		}
		for (i = b->done; i < b->n && !w->quit; i++) {
			pthread_mutex_unlock(&w->lock);
			extract_run(x, &b->v[i], &b->res[i]);
			pthread_mutex_lock(&w->lock);
			b->done = i + 1;
			pthread_cond_broadcast(&w->ready);
		}
		/* Taken off the queue under the same lock as its last result,
		 * so the pipeline may reuse it as soon as it has seen that. */
		if (i == b->n) {
			w->head = b->next;
			if (!w->head)
				w->tail = NULL;
			b->next = NULL;
		}
	}
	pthread_mutex_unlock(&w->lock);
	extract_free(x);
	return NULL;
}

struct worker *worker_start(const char *dir, struct err *err)
{
	struct worker *w = xcalloc(1, sizeof(*w));
	int rc;

	w->dir = xstrdup(dir);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->posted, NULL);
	pthread_cond_init(&w->ready, NULL);
	rc = pthread_create(&w->thread, NULL, worker_main, w);
	if (rc != 0) {
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->posted);
		pthread_cond_destroy(&w->ready);
		free(w->dir);
		free(w);
		err_set(err, "cannot start a thread: %s", strerror(rc));
		return NULL;
	}
	return w;
}

void worker_stop(struct worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->quit = 1;
	pthread_cond_broadcast(&w->posted);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->posted);
	pthread_cond_destroy(&w->ready);
	free(w->dir);
	free(w);
}

void worker_batch_ready(struct worker_batch *b)
{
	size_t had = b->cap_res;

	b->res = xgrow(b->res, &b->cap_res, b->n, sizeof(*b->res));
	for (size_t i = had; i < b->cap_res; i++)
		extract_result_init(&b->res[i]);
}

void worker_batch_release(struct worker_batch *b)
{
	for (size_t i = 0; i < b->cap_res; i++)
		extract_result_release(&b->res[i]);
	free(b->res);
	b->res = NULL;
	b->cap_res = 0;
}

void worker_post(struct worker *w, struct worker_batch *b)
{
	pthread_mutex_lock(&w->lock);
	b->done = 0;
	b->next = NULL;
	if (w->tail)
		w->tail->next = b;
	else
		w->head = b;
	w->tail = b;
	pthread_cond_signal(&w->posted);
	pthread_mutex_unlock(&w->lock);
}

int worker_wait(struct worker *w, struct worker_batch *b, size_t i, struct err *err)
{
	int rc = 0;

	pthread_mutex_lock(&w->lock);
	while (b->done <= i && !w->failed)
		pthread_cond_wait(&w->ready, &w->lock);
	if (b->done <= i) {
		*err = w->err;
		rc = -1;
	}
	pthread_mutex_unlock(&w->lock);
	return rc;
}

int worker_loaded(struct worker *w, struct err *err)
{
	int rc = 0;

	pthread_mutex_lock(&w->lock);
	while (!w->loaded && !w->failed)
		pthread_cond_wait(&w->ready, &w->lock);
	if (w->failed) {
		*err = w->err;
		rc = -1;
	}
	pthread_mutex_unlock(&w->lock);
	return rc;
}
