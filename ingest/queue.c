/*
 * queue: a ring of slots under one mutex.
 *
 * The producer fills the slot after the newest published one in place
 * (the slot's row keeps its allocations from the record before), so a
 * record costs no copy on the way.  The consumer takes the oldest,
 * which stays counted until it is done with it, so the producer never
 * writes a slot that is being read.
 *
 * Waking a thread costs more than handing over one record, so neither
 * side is woken for every item: a waiting producer when the queue has
 * drained to half, a waiting consumer when a batch (WAKE_BATCH) is
 * ready, and both when the producer closes or the consumer cancels.
 */
#include "ingest/queue.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define WAKE_BATCH 32

void ingest_queue_init(struct ingest_queue *q, size_t cap)
{
	memset(q, 0, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->not_full, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	q->cap = cap;
	q->slot = xcalloc(cap, sizeof(*q->slot));
}

void ingest_queue_release(struct ingest_queue *q)
{
	for (size_t i = 0; i < q->cap; i++)
		ingest_row_release(&q->slot[i].row);
	free(q->slot);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
	pthread_mutex_destroy(&q->lock);
	memset(q, 0, sizeof(*q));
}

struct ingest_item *ingest_queue_slot(struct ingest_queue *q)
{
	struct ingest_item *it = NULL;

	pthread_mutex_lock(&q->lock);
	while (q->count == q->cap && !q->cancelled) {
		q->waiting_producer = 1;
		pthread_cond_wait(&q->not_full, &q->lock);
		q->waiting_producer = 0;
	}
	if (!q->cancelled)
		it = &q->slot[(q->head + q->count) % q->cap];
	pthread_mutex_unlock(&q->lock);
	return it;
}

void ingest_queue_push(struct ingest_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->count++;
	if (q->waiting_consumer && (q->count >= WAKE_BATCH || q->count == q->cap))
		pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
}

void ingest_queue_close(struct ingest_queue *q, int rc, const struct err *err)
{
	pthread_mutex_lock(&q->lock);
	q->closed = 1;
	q->rc = rc;
	if (rc < 0 && err)
		q->err = *err;
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
}

struct ingest_item *ingest_queue_next(struct ingest_queue *q)
{
	struct ingest_item *it = NULL;

	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && !q->closed) {
		q->waiting_consumer = 1;
		pthread_cond_wait(&q->not_empty, &q->lock);
		q->waiting_consumer = 0;
	}
	if (q->count > 0) {
		it = &q->slot[q->head];
		q->taken = 1;
	}
	pthread_mutex_unlock(&q->lock);
	return it;
}

void ingest_queue_done(struct ingest_queue *q)
{
	pthread_mutex_lock(&q->lock);
	if (q->taken) {
		q->taken = 0;
		q->head = (q->head + 1) % q->cap;
		q->count--;
		if (q->waiting_producer && q->count <= q->cap / 2)
			pthread_cond_signal(&q->not_full);
	}
	pthread_mutex_unlock(&q->lock);
}

void ingest_queue_cancel(struct ingest_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->cancelled = 1;
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->lock);
}
