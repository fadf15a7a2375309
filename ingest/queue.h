/*
 * queue: the built records of one file, passed from the thread that
 * reads and builds them to the thread that writes them, strictly in
 * file order.  A bounded ring of slots, one producer and one consumer.
 * Owns its slots and their rows; depends on ingest/record, ingest/dedup.
 */
#ifndef INGEST_QUEUE_H
#define INGEST_QUEUE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "ingest/dedup.h"
#include "ingest/record.h"

/* One record as the writer needs it: a row to insert, or a line to quarantine. */
struct ingest_item {
	long line;
	const char *raw;        /* borrowed from the file's bytes */
	size_t raw_len;
	uint64_t upto;          /* bytes of the file up to the record's end, for progress */
	int quarantine;         /* 1: reason says why, row is stale */
	char reason[200];
	struct ingest_row row;  /* owned by the slot, rebuilt in place */
	int has_sketch;
	struct dedup_sketch sk;
	/* When the worker predicted (see ingest/ahead.h): */
	int predicted;
	int64_t id;             /* the id it will get, 0 for an exact duplicate */
	int near;               /* 1: a near-duplicate of root, with similarity sim */
	int64_t root;
	double sim;
	int taken;              /* the near-duplicate buckets that took it (a mask) */
};

struct ingest_queue {
	pthread_mutex_t lock;
	pthread_cond_t not_full, not_empty;
	struct ingest_item *slot;
	size_t cap, head, count;        /* head: the oldest published item */
	int taken;                      /* the consumer holds slot[head] */
	int closed, cancelled;
	int waiting_producer, waiting_consumer;
	int rc;                         /* the producer's result, once closed */
	struct err err;                 /* its error when rc < 0 */
};

void ingest_queue_init(struct ingest_queue *q, size_t cap);
void ingest_queue_release(struct ingest_queue *q);

/*
 * Producer: the slot to fill next (borrowed), waiting while the queue
 * is full; NULL once the consumer has cancelled.  Publish it with push.
 */
struct ingest_item *ingest_queue_slot(struct ingest_queue *q);
void ingest_queue_push(struct ingest_queue *q);
/* Producer: no more items; rc and err (copied when rc < 0) are its result. */
void ingest_queue_close(struct ingest_queue *q, int rc, const struct err *err);

/*
 * Consumer: the oldest item (borrowed until ingest_queue_done), waiting
 * while none is ready; NULL when the producer has closed the queue and
 * every item was taken.
 */
struct ingest_item *ingest_queue_next(struct ingest_queue *q);
void ingest_queue_done(struct ingest_queue *q);
/* Consumer: stop the producer (its next ingest_queue_slot gives NULL). */
void ingest_queue_cancel(struct ingest_queue *q);

#endif
