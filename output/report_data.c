/*
 * report_data: gather one night's morning report from the database.
 *
 * Every query is bounded: per-night filters on indexed columns
 * (report.received_at, warning_evidence.warning_id, cluster_history.night,
 * report.batch_id) and a LIMIT from report.conf on every list, so the
 * cost follows the night, not the size of the history.  Statements are
 * prepared once per load and re-bound per item.
 *
 * Informants.  A report from an informant (report.informant = 1, source
 * "informant:K07") is referred to as "informant/#<row id>" and shown
 * without its text; a person who is the reporter of an informant's
 * report is left out of entity lists and drawn without a name.  On top,
 * every free text we print (titles, explanations, snippets, places, file
 * names) is scrubbed of informant codes and reporters' names, because
 * other stages may have quoted them (report_guard.c).
 *
 * This file drives the load and holds what the parts share; the parts
 * are in report_warnings.c, report_clusters.c and report_changes.c, the
 * parameters in report_params.c.
 */
#include "output/report_int.h"
#include "common/day.h"
#include "output/escape.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---------------------------------------------------- */

void report_strs_add(struct report_strs *l, const char *s)
{
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
}

void report_strs_release(struct report_strs *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int report_strs_has(const struct report_strs *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

void report_ref_release(struct report_ref *r)
{
	free(r->ref);
	free(r->when);
	free(r->place);
	free(r->snippet);
}

void report_refs_release(struct report_refs *l)
{
	for (size_t i = 0; i < l->n; i++)
		report_ref_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void report_counts_free(struct report_count *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].last);
	}
	free(v);
}

/* ---- the statements of one load -------------------------------------- */

/*
 * Fill r from report row id: its reference (masked for an informant),
 * date, place and, when snippet is set, a clipped snippet of its text.
 */
int report_load_ref(struct report_loader *L, int64_t id, int snippet, struct report_ref *r,
		    struct err *err)
{
	struct sbuf sb = SBUF_INIT;
	int got;

	memset(r, 0, sizeof(*r));
	if (db_bind(L->report, err, "I", id) < 0 || (got = db_step(L->report, err)) < 0)
		return -1;
	if (got == 0) {
		r->ref = xasprintf("report/#%lld", (long long)id);
		r->when = xstrdup("");
		r->place = xstrdup("");
		r->snippet = xstrdup("");
		return 0;
	}
	r->informant = sqlite3_column_int(L->report, 2) != 0;
	if (r->informant)
		r->ref = xasprintf("informant/#%lld", (long long)id);
	else
		r->ref = xasprintf("%s/%s", db_text(L->report, 0), db_text(L->report, 1));
	r->when = xstrdup(db_text(L->report, 3));
	r->place = report_guard_scrub(&L->guard, db_text(L->report, 4));
	if (snippet && !r->informant) {
		char *clean = report_guard_scrub(&L->guard, db_text(L->report, 5));

		escape_clip(&sb, clean, (size_t)L->d->params.snippet_chars);
		free(clean);
		r->snippet = sbuf_detach(&sb);
	} else {
		r->snippet = xstrdup("");
	}
	sqlite3_reset(L->report);
	return 0;
}

void report_refs_push(struct report_refs *l, struct report_ref *r)
{
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = *r;
}

int report_load_refs(struct report_loader *L, sqlite3_stmt *st, size_t snippets,
		     struct report_refs *out, struct err *err)
{
	int r;

	while ((r = db_step(st, err)) == 1) {
		struct report_ref ref;

		if (report_load_ref(L, sqlite3_column_int64(st, 0), out->n < snippets, &ref, err) < 0)
			return -1;
		report_refs_push(out, &ref);
	}
	return r;
}

/*
 * An entity key as it may be shown: "" when the key names an informant
 * (the reporter of an informant's report), else the key.  Unknown keys
 * pass (they are not a person we know of).
 */
int report_entity_hidden(struct report_loader *L, const char *key, struct err *err)
{
	int got, hidden = 0;

	if (!L->guard.n_persons || strncmp(key, "person:", 7))
		return 0;
	if (db_bind(L->entity, err, "s", key) < 0 || (got = db_step(L->entity, err)) < 0)
		return -1;
	if (got)
		hidden = report_guard_person(&L->guard, sqlite3_column_int64(L->entity, 0));
	sqlite3_reset(L->entity);
	return hidden;
}

/* ---- counts --------------------------------------------------------- */

static int load_counts(struct report_loader *L, struct err *err)
{
	struct report_data *d = L->d;
	int64_t v;

	/*
	 * The reports received before the night's end or undated: all of
	 * them but those received later, which are few.  Counting the table
	 * reads its smallest index by pages; the dates before the end were
	 * a million index entries stepped through one by one.
	 */
	if (db_int(L->db, err, &v,
		   "SELECT (SELECT count(*) FROM report)"
		   " - (SELECT count(*) FROM report WHERE received_at >= ?1)", "s", L->end) < 0)
		return -1;
	d->reports = (long)v;
	if (db_int(L->db, err, &v,
		   "SELECT count(*) FROM report WHERE received_at >= ? AND received_at < ?",
		   "ss", L->start, L->end) < 0)
		return -1;
	d->new_reports = (long)v;
	if (db_int(L->db, err, &v, "SELECT count(*) FROM entity", "") < 0)
		return -1;
	d->entities = (long)v;
	if (db_int(L->db, err, &v, "SELECT count(*) FROM link", "") < 0)
		return -1;
	d->links = (long)v;
	if (db_int(L->db, err, &v, "SELECT coalesce(max(id), 0) FROM batch", "") < 0)
		return -1;
	d->max_batch_id = v;
	if (db_int(L->db, err, &v,
		   "SELECT count(*) FROM quarantine WHERE batch_id > ? AND batch_id <= ?",
		   "II", L->prev_batch, d->max_batch_id) < 0)
		return -1;
	d->rejected = (long)v;
	d->quality.quarantined = (long)v;
	return 0;
}

/* ---- load, free, record -------------------------------------------- */

int report_data_load(struct db *db, const struct report_opts *opts,
		     struct report_data **out, struct err *err)
{
	struct report_data *d = xcalloc(1, sizeof(*d));
	struct report_loader L = { 0 };
	int rc = -1;

	*out = NULL;
	L.db = db;
	L.d = d;
	if (!opts->night || !report_night_valid(opts->night)) {
		err_set(err, "night '%s' is not a date YYYY-MM-DD", opts->night ? opts->night : "");
		goto out;
	}
	if (report_params_load(&d->params, opts->data_dir, err) < 0)
		goto out;
	snprintf(d->night, sizeof(d->night), "%s", opts->night);
	db_now(d->generated_at);
	memcpy(L.start, d->night, sizeof(L.start));
	day_add(d->night, 1, L.end);
	/*
	 * One read transaction: every section sees the same database.  The
	 * file is read through a memory map (SQLite's limit, 2 GB), not a
	 * copy of each page read: a cluster's reports are read one row each,
	 * thousands of pages all over the report table.
	 */
	if (db_map(db, 1, err) < 0 || db_exec(db, "BEGIN", err) < 0)
		goto out;
	if (report_guard_load(&L.guard, db, err) < 0 ||
	    db_prepare(db, &L.report,
		       "SELECT source, ext_id, informant, coalesce(received_at, ''),"
		       " coalesce(place, ''), text FROM report WHERE id = ?", err) < 0 ||
	    db_prepare(db, &L.entity, "SELECT id FROM entity WHERE key = ?", err) < 0 ||
	    report_load_previous(&L, err) < 0 || load_counts(&L, err) < 0 ||
	    report_load_warnings(&L, err) < 0 || report_load_hits(&L, err) < 0 ||
	    report_load_held(&L, err) < 0 ||
	    report_load_clusters(&L, err) < 0 || report_load_series(&L, err) < 0 ||
	    report_load_changes(&L, err) < 0 || report_load_quality(&L, err) < 0)
		goto out;
	rc = 0;
out:
	db_finalize(L.report);
	db_finalize(L.entity);
	if (db->h && !sqlite3_get_autocommit(db->h))
		db_exec(db, "COMMIT", NULL);
	if (db->h)
		db_map(db, 0, NULL);
	report_guard_release(&L.guard);
	free(L.prev_warnings);
	if (rc < 0)
		report_data_free(d);
	else
		*out = d;
	return rc;
}

static void warning_release(struct report_warning *w)
{
	free(w->id);
	free(w->kind);
	free(w->title);
	free(w->explanation);
	free(w->first_night);
	free(w->last_night);
	report_strs_release(&w->subject);
	report_strs_release(&w->entities);
	report_strs_release(&w->reports);
	report_refs_release(&w->evidence);
	free(w->series);
}

static void cluster_release(struct report_cluster *c)
{
	free(c->id);
	free(c->status);
	report_strs_release(&c->entities);
	report_strs_release(&c->reports);
	for (size_t i = 0; i < c->n_nodes; i++) {
		free(c->nodes[i].key);
		free(c->nodes[i].label);
		free(c->nodes[i].type);
	}
	free(c->nodes);
	free(c->edges);
}

void report_data_free(struct report_data *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_warnings; i++)
		warning_release(&d->warnings[i]);
	free(d->warnings);
	for (size_t i = 0; i < d->n_clusters; i++)
		cluster_release(&d->clusters[i]);
	free(d->clusters);
	for (size_t i = 0; i < d->n_series; i++) {
		free(d->series[i].cluster);
		report_refs_release(&d->series[i].reports);
	}
	free(d->series);
	for (size_t i = 0; i < d->n_held; i++) {
		free(d->held[i].kind);
		report_strs_release(&d->held[i].titles);
	}
	free(d->held);
	for (size_t i = 0; i < d->n_hits; i++) {
		free(d->hits[i].warning_id);
		free(d->hits[i].list);
		free(d->hits[i].key);
		free(d->hits[i].note);
		report_refs_release(&d->hits[i].seen);
	}
	free(d->hits);
	report_strs_release(&d->changes.new_warnings);
	report_strs_release(&d->changes.ended_warnings);
	report_counts_free(d->changes.cluster_status, d->changes.n_cluster_status);
	report_counts_free(d->quality.reasons, d->quality.n_reasons);
	report_counts_free(d->quality.quiet, d->quality.n_quiet);
	for (size_t i = 0; i < d->quality.n_samples; i++) {
		free(d->quality.samples[i].file);
		free(d->quality.samples[i].reason);
	}
	free(d->quality.samples);
	report_refs_release(&d->quality.late_refs);
	free(d);
}

int report_data_record(struct db *db, const struct report_data *d, struct err *err)
{
	cJSON *counts = cJSON_CreateObject(), *warnings = cJSON_CreateArray();
	cJSON *clusters = cJSON_CreateArray();
	char *c = NULL, *w = NULL, *k = NULL;
	int rc;

	cJSON_AddNumberToObject(counts, "reports", (double)d->reports);
	cJSON_AddNumberToObject(counts, "new_reports", (double)d->new_reports);
	cJSON_AddNumberToObject(counts, "rejected", (double)d->rejected);
	cJSON_AddNumberToObject(counts, "entities", (double)d->entities);
	cJSON_AddNumberToObject(counts, "links", (double)d->links);
	for (size_t i = 0; i < d->n_warnings; i++)
		cJSON_AddItemToArray(warnings, cJSON_CreateString(d->warnings[i].id));
	for (size_t i = 0; i < d->n_clusters; i++)
		cJSON_AddItemToArray(clusters, cJSON_CreateString(d->clusters[i].id));
	c = cJSON_PrintUnformatted(counts);
	w = cJSON_PrintUnformatted(warnings);
	k = cJSON_PrintUnformatted(clusters);
	rc = db_run(db, err,
		    "INSERT INTO report_run(night, generated_at, max_batch_id, counts, warnings, clusters)"
		    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(night) DO UPDATE SET"
		    " generated_at = excluded.generated_at, max_batch_id = excluded.max_batch_id,"
		    " counts = excluded.counts, warnings = excluded.warnings,"
		    " clusters = excluded.clusters",
		    "ssIsss", d->night, d->generated_at, d->max_batch_id, c, w, k);
	free(c);
	free(w);
	free(k);
	cJSON_Delete(counts);
	cJSON_Delete(warnings);
	cJSON_Delete(clusters);
	return rc;
}

/* Each kind's name, and how a title that names its kind itself begins. */
static const char *const kind_names[][3] = {
	{ "spike", "警情突增", "警情突增" }, { "series", "串并案线索", "串并案线索" },
	{ "dispute", "矛盾纠纷升级", "矛盾纠纷升级" }, { "burst", "同一号码多人举报", "同一号码多人举报" },
	{ "watchlist", "布控比中", "布控" }, { "near_repeat", "近重复侵财", "近重复侵财" },
};

const char *report_kind_name(const char *kind)
{
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (!strcmp(kind, kind_names[i][0]))
			return kind_names[i][1];
	return kind;
}

const char *report_title_kind(const struct report_warning *w)
{
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (!strcmp(w->kind, kind_names[i][0]) &&
		    !strncmp(w->title, kind_names[i][2], strlen(kind_names[i][2])))
			return "";
	return report_kind_name(w->kind);
}

const char *report_status_name(const char *status)
{
	static const char *const names[][2] = {
		{ "new", "新出现" }, { "grown", "扩大" }, { "shrunk", "缩小" },
		{ "merged", "合并" }, { "split", "分裂" }, { "same", "无变化" },
		{ "gone", "消失" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(status, names[i][0]))
			return names[i][1];
	return status;
}
