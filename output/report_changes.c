/*
 * report_changes: what changed since the last morning report (warnings
 * raised and ended, cluster statuses) and the quality of the data that
 * came in (records quarantined, sources gone quiet, late and undated
 * records).
 */
#include "output/report_int.h"
#include "common/day.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int report_load_previous(struct report_loader *L, struct err *err)
{
	struct report_changes *ch = &L->d->changes;
	sqlite3_stmt *st = NULL;
	int r, rc = -1;

	ch->first = 1;
	if (db_prepare(L->db, &st,
		       "SELECT night, generated_at, max_batch_id,"
		       " coalesce(json_extract(counts, '$.new_reports'), 0), warnings"
		       " FROM report_run WHERE night < ? ORDER BY night DESC LIMIT 1", err) < 0 ||
	    db_bind(st, err, "s", L->d->night) < 0 || (r = db_step(st, err)) < 0)
		goto out;
	if (r == 1) {
		ch->first = 0;
		snprintf(ch->prev_night, sizeof(ch->prev_night), "%s", db_text(st, 0));
		snprintf(ch->prev_generated_at, sizeof(ch->prev_generated_at), "%s", db_text(st, 1));
		L->prev_batch = sqlite3_column_int64(st, 2);
		ch->prev_new_reports = sqlite3_column_int(st, 3);
		L->prev_warnings = xstrdup(db_text(st, 4));
	}
	rc = 0;
out:
	db_finalize(st);
	return rc;
}

int report_load_changes(struct report_loader *L, struct err *err)
{
	struct report_data *d = L->d;
	struct report_changes *ch = &d->changes;
	sqlite3_stmt *st = NULL;
	cJSON *prev = NULL;
	const cJSON *it;
	size_t cap = 0;
	int r, rc = -1;

	/* Cluster statuses tonight, whatever the cap on the list. */
	if (db_prepare(L->db, &st,
		       "SELECT status, count(*) FROM cluster_history WHERE night = ?"
		       " AND status NOT IN ('same') GROUP BY status ORDER BY status", err) < 0 ||
	    db_bind(st, err, "s", d->night) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		ch->cluster_status = xgrow(ch->cluster_status, &cap, ch->n_cluster_status + 1,
					   sizeof(*ch->cluster_status));
		ch->cluster_status[ch->n_cluster_status].name = xstrdup(db_text(st, 0));
		ch->cluster_status[ch->n_cluster_status].last = NULL;
		ch->cluster_status[ch->n_cluster_status++].n = sqlite3_column_int(st, 1);
	}
	if (r < 0)
		goto out;
	db_finalize(st);
	st = NULL;
	if (ch->first)
		goto done;
	prev = cJSON_Parse(L->prev_warnings ? L->prev_warnings : "[]");
	ch->prev_warnings = cJSON_GetArraySize(prev);
	for (size_t i = 0; i < d->n_warnings; i++) {
		const struct report_warning *w = &d->warnings[i];
		int seen = 0;

		cJSON_ArrayForEach(it, prev)
			if (cJSON_IsString(it) && !strcmp(it->valuestring, w->id))
				seen = 1;
		if (seen) {
			ch->n_continuing++;
		} else {
			char *s = xasprintf("%s %s", w->id, w->title);

			report_strs_add(&ch->new_warnings, s);
			free(s);
		}
	}
	if (db_prepare(L->db, &st, "SELECT title FROM warning WHERE wid = ?", err) < 0)
		goto out;
	cJSON_ArrayForEach(it, prev) {
		int tonight = 0;
		char *s, *title;

		if (!cJSON_IsString(it))
			continue;
		for (size_t i = 0; i < d->n_warnings; i++)
			if (!strcmp(d->warnings[i].id, it->valuestring))
				tonight = 1;
		if (tonight)
			continue;
		if (db_bind(st, err, "s", it->valuestring) < 0 || (r = db_step(st, err)) < 0)
			goto out;
		title = report_guard_scrub(&L->guard, r ? db_text(st, 0) : "");
		s = xasprintf("%s %s", it->valuestring, title);
		report_strs_add(&ch->ended_warnings, s);
		free(s);
		free(title);
	}
done:
	rc = 0;
out:
	cJSON_Delete(prev);
	db_finalize(st);
	return rc;
}

/* ---- data quality ----------------------------------------------------- */

static int quiet_cmp(const void *a, const void *b)
{
	const struct report_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * Sources that reported in the baseline window but not in the last
 * quiet_days; every informant counts as one channel, unnamed.  The
 * window's reports are counted here, a source at a time as they come
 * from the index on received_at: on 1,000,000 reports its four weeks
 * are 300,000 index entries, and SQL's GROUP BY sorted them all for a
 * dozen sources.
 */
static int load_quiet(struct report_loader *L, struct err *err)
{
	struct report_quality *q = &L->d->quality;
	struct report_count *v = NULL;
	sqlite3_stmt *st = NULL;
	char from[11], quiet[11];
	size_t n = 0, cap = 0, at = 0, kept = 0;
	int r;

	day_add(L->d->night, -L->d->params.quiet_baseline_days - L->d->params.quiet_days + 1, from);
	day_add(L->d->night, -L->d->params.quiet_days + 1, quiet);
	if (db_prepare(L->db, &st,
		       "SELECT CASE WHEN informant THEN 'informant' ELSE source END, received_at"
		       " FROM report WHERE received_at >= ?1 AND received_at < ?2", err) < 0 ||
	    db_bind(st, err, "ss", from, L->end) < 0) {
		db_finalize(st);
		return -1;
	}
	while ((r = db_step(st, err)) == 1) {
		const char *src = db_text(st, 0), *when = db_text(st, 1);

		if (!(at < n && !strcmp(v[at].name, src)))
			for (at = 0; at < n && strcmp(v[at].name, src); at++)
				;
		if (at == n) {
			v = xgrow(v, &cap, n + 1, sizeof(*v));
			v[n].name = xstrdup(src);
			v[n].last = xstrdup(when);
			v[n++].n = 0;
		}
		v[at].n++;
		if (strcmp(when, v[at].last) > 0) {
			free(v[at].last);
			v[at].last = xstrdup(when);
		}
	}
	db_finalize(st);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].last, quiet) < 0 && v[i].n >= L->d->params.quiet_min_reports) {
			v[kept++] = v[i];
			continue;
		}
		free(v[i].name);
		free(v[i].last);
	}
	if (kept)
		qsort(v, kept, sizeof(*v), quiet_cmp);
	for (; kept > 20; kept--) {
		free(v[kept - 1].name);
		free(v[kept - 1].last);
	}
	q->quiet = v;
	q->n_quiet = kept;
	if (r < 0)
		return -1;
	return 0;
}

int report_load_quality(struct report_loader *L, struct err *err)
{
	struct report_data *d = L->d;
	struct report_quality *q = &d->quality;
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int64_t v;
	int r, rc = -1;

	if (db_prepare(L->db, &st,
		       "SELECT reason, count(*) FROM quarantine WHERE batch_id > ? AND batch_id <= ?"
		       " GROUP BY reason ORDER BY count(*) DESC, reason LIMIT 20", err) < 0 ||
	    db_bind(st, err, "II", L->prev_batch, d->max_batch_id) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		q->reasons = xgrow(q->reasons, &cap, q->n_reasons + 1, sizeof(*q->reasons));
		q->reasons[q->n_reasons].name = report_guard_scrub(&L->guard, db_text(st, 0));
		q->reasons[q->n_reasons].last = NULL;
		q->reasons[q->n_reasons++].n = sqlite3_column_int(st, 1);
	}
	if (r < 0)
		goto out;
	db_finalize(st);
	cap = 0;
	if (db_prepare(L->db, &st,
		       "SELECT file, line, reason FROM quarantine WHERE batch_id > ? AND batch_id <= ?"
		       " ORDER BY id LIMIT ?", err) < 0 ||
	    db_bind(st, err, "IIi", L->prev_batch, d->max_batch_id, d->params.quarantine_shown) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		struct report_quarantined *s;
		const char *file = db_text(st, 0), *slash = strrchr(file, '/');

		q->samples = xgrow(q->samples, &cap, q->n_samples + 1, sizeof(*q->samples));
		s = &q->samples[q->n_samples++];
		/* The file's own name only: the inbox path says nothing to a chief. */
		s->file = report_guard_scrub(&L->guard, slash ? slash + 1 : file);
		s->line = sqlite3_column_int(st, 1);
		s->reason = report_guard_scrub(&L->guard, db_text(st, 2));
	}
	if (r < 0)
		goto out;
	db_finalize(st);
	st = NULL;
	if (load_quiet(L, err) < 0)
		goto out;

	/* Late: received before this night but stored since the last report,
	 * so the earlier reports could not count them.  Without an earlier
	 * report every stored record would look late, so none is. */
	if (!d->changes.first) {
		if (db_int(L->db, err, &v,
			   "SELECT count(*) FROM report WHERE batch_id > ? AND batch_id <= ?"
			   " AND received_at < ?", "IIs", L->prev_batch, d->max_batch_id, L->start) < 0)
			goto out;
		q->late = (long)v;
		if (db_prepare(L->db, &st,
			       "SELECT id FROM report WHERE batch_id > ? AND batch_id <= ?"
			       " AND received_at < ? ORDER BY received_at, id LIMIT ?", err) < 0 ||
		    db_bind(st, err, "IIsi", L->prev_batch, d->max_batch_id, L->start,
			    d->params.late_shown) < 0)
			goto out;
		if (report_load_refs(L, st, 0, &q->late_refs, err) < 0)
			goto out;
	}
	if (db_int(L->db, err, &v,
		   "SELECT count(*) FROM report WHERE batch_id > ? AND batch_id <= ?"
		   " AND received_at IS NULL", "II", L->prev_batch, d->max_batch_id) < 0)
		goto out;
	q->undated = (long)v;
	rc = 0;
out:
	db_finalize(st);
	return rc;
}
