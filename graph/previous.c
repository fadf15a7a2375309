/*
 * previous: last night's spans and the stored scores, as rows.  On one
 * more night of 1,000,000 reports these are 1,400,000 spans and
 * 1,500,000 score rows, about 0.6 s of reading that the stage's one
 * thread would otherwise spend before its clustering; read on a thread
 * of their own while the model loads, they are ready before it is.
 */
#include "graph/previous.h"
#include "common/xalloc.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gprev_init(struct gprev *p)
{
	memset(p, 0, sizeof(*p));
}

static int read_spans(struct gprev *p, struct db *db, struct err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	rc = db_prepare(db, &st, "SELECT cluster_id, entity_id, rank, first_night FROM cluster_span "
			"WHERE last_night IS NULL ORDER BY cluster_id, entity_id", err);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		struct gprev_span *s;
		const char *first = (const char *)sqlite3_column_text(st, 3);
		size_t len = first ? strlen(first) : 0;

		rc = 0;
		p->spans = xgrow(p->spans, &cap, (size_t)p->nspans + 1, sizeof(*p->spans));
		s = &p->spans[p->nspans++];
		s->cluster_id = sqlite3_column_int64(st, 0);
		s->entity_id = sqlite3_column_int64(st, 1);
		s->rank = sqlite3_column_int(st, 2);
		s->whole = len < sizeof(s->first);
		if (s->whole)
			memcpy(s->first, first ? first : "", len + 1);
		else
			s->first[0] = '\0';
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

static int read_scores(struct gprev *p, struct db *db, const char *night, struct err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	rc = db_prepare(db, &st, "SELECT entity_id, CASE WHEN night = ? THEN prev_sig ELSE sig END, "
			"betweenness, pagerank, component, degree, strength, sig FROM entity_score", err);
	if (rc == 0)
		rc = db_bind(st, err, "s", night);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		struct gprev_score *s;

		rc = 0;
		p->scores = xgrow(p->scores, &cap, (size_t)p->nscores + 1, sizeof(*p->scores));
		s = &p->scores[p->nscores++];
		memset(s, 0, sizeof(*s));
		s->entity_id = sqlite3_column_int64(st, 0);
		s->old_sig = (uint64_t)sqlite3_column_int64(st, 1);
		s->row.present = 1;
		s->row.betweenness = sqlite3_column_double(st, 2);
		s->row.pagerank = sqlite3_column_double(st, 3);
		s->row.component = sqlite3_column_int64(st, 4);
		s->row.degree = sqlite3_column_int(st, 5);
		s->row.strength = sqlite3_column_double(st, 6);
		s->row.sig = (uint64_t)sqlite3_column_int64(st, 7);
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int gprev_read(struct gprev *p, struct db *db, const char *night, int spans, struct err *err)
{
	if ((spans && read_spans(p, db, err) < 0) || read_scores(p, db, night, err) < 0)
		return err_prefix(err, "reading last night's clusters and scores");
	return 0;
}

static int read_apart(struct db *db, void *arg, struct err *err)
{
	struct gprev *p = arg;

	return gprev_read(p, db, p->night, p->spans_wanted, err);
}

int gprev_start(struct gprev *p, const char *path, const char *night, int spans)
{
	snprintf(p->night, sizeof(p->night), "%s", night);
	p->spans_wanted = spans;
	return apart_start(&p->apart, path, read_apart, p);
}

int gprev_wait(struct gprev *p, struct err *err)
{
	return apart_wait(&p->apart, err);
}

/* The rows a failed reading apart left, dropped before they are read here. */
static void drop_rows(void *arg)
{
	struct gprev *p = arg;

	free(p->spans);
	free(p->scores);
	p->spans = NULL;
	p->scores = NULL;
	p->nspans = p->nscores = 0;
}

int gprev_done(struct gprev *p, struct db *db, const char *night, int spans, struct err *err)
{
	/* A thread started reads what gprev_start set: only one never started is told here. */
	if (!p->apart.started) {
		snprintf(p->night, sizeof(p->night), "%s", night);
		p->spans_wanted = spans;
	}
	return apart_done(&p->apart, db, read_apart, drop_rows, p, err);
}

void gprev_release(struct gprev *p)
{
	struct err ignored;

	gprev_wait(p, &ignored);
	free(p->spans);
	free(p->scores);
	gprev_init(p);
}
