/*
 * previous: what the stage stored the night before, read as rows by
 * entity id, before tonight's model exists: last night's members (the
 * open spans of cluster_span) and every stored score (entity_score).
 * Read on the stage's own connection, or apart (common/apart.h) while
 * the stage loads the model, when nothing in the stage's transaction
 * has changed those two tables yet.  Owns its arrays.
 */
#ifndef GRAPH_PREVIOUS_H
#define GRAPH_PREVIOUS_H

#include <stdint.h>

#include "common/db.h"
#include "common/err.h"
#include "common/apart.h"

/* An open span, in cluster then entity order; first is its first night when whole. */
struct gprev_span {
	int64_t cluster_id, entity_id;
	int32_t rank;
	unsigned char whole;            /* 0: first_night is longer than a date */
	char first[11];
};

/* An entity_score row's figures as stored (present 0: no row). */
struct gprev_row {
	int64_t component;
	int32_t degree;
	unsigned char present;
	double strength, pagerank, betweenness;
	uint64_t sig;
};

/* A stored score row; old_sig is last night's signature (prev_sig on a re-run night). */
struct gprev_score {
	int64_t entity_id;
	uint64_t old_sig;
	struct gprev_row row;
};

struct gprev {
	struct gprev_span *spans;
	long nspans;
	struct gprev_score *scores;
	long nscores;
	struct apart apart;             /* the reading apart, once started */
	char night[11];
	int spans_wanted;
};

void gprev_init(struct gprev *p);
/*
 * Read the rows on db, inside the caller's transaction: the open spans
 * when spans is 1 (a night before this one was computed), and the
 * scores, last night's signature taken for night.  Returns 0 or -1.
 */
int gprev_read(struct gprev *p, struct db *db, const char *night, int spans, struct err *err);
/*
 * Start reading the same rows from the database at path on a thread.
 * Returns 0, or -1 when no thread could be started or path is
 * ":memory:" (then read them with gprev_read).
 */
int gprev_start(struct gprev *p, const char *path, const char *night, int spans);
/* Wait for the thread started (a no-op when none is).  Returns its 0 or -1 with err set. */
int gprev_wait(struct gprev *p, struct err *err);
/*
 * The rows, read apart (gprev_start) or, when that did not start or
 * failed, here on db as gprev_read does (apart_done).  Returns 0 or -1.
 */
int gprev_done(struct gprev *p, struct db *db, const char *night, int spans, struct err *err);
/* Wait for any thread, then free the rows. */
void gprev_release(struct gprev *p);

#endif
