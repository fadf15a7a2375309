/*
 * report_json: the morning report as the JSON object of FORMAT.md.  The
 * contract's keys come first and exactly as written there (night,
 * generated_at, counts, warnings, clusters); what the HTML and Markdown
 * reports also show follows in further keys (series, watchlist,
 * changes, data_quality, and per warning its evidence and daily series),
 * so all three formats carry the same content.
 */
#include "output/report_data.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static cJSON *strs_json(const struct report_strs *l)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < l->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(l->v[i]));
	return a;
}

static cJSON *refs_json(const struct report_refs *l, int with_snippet)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < l->n; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "report", l->v[i].ref);
		cJSON_AddStringToObject(o, "received_at", l->v[i].when);
		cJSON_AddStringToObject(o, "place", l->v[i].place);
		if (with_snippet)
			cJSON_AddStringToObject(o, "snippet", l->v[i].snippet);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *counts_json(const struct report_count *v, size_t n, const char *name_key)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, name_key, v[i].name);
		cJSON_AddNumberToObject(o, "count", (double)v[i].n);
		if (v[i].last)
			cJSON_AddStringToObject(o, "last_report", v[i].last);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* A number, or null where the warn stage stored none. */
static cJSON *num_or_null(double v)
{
	return isnan(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v);
}

static cJSON *warning_json(const struct report_warning *w)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", w->id);
	cJSON_AddStringToObject(o, "kind", w->kind);
	cJSON_AddNumberToObject(o, "severity", w->severity);
	cJSON_AddStringToObject(o, "title", w->title);
	cJSON_AddItemToObject(o, "subject", strs_json(&w->subject));
	cJSON_AddItemToObject(o, "entities", strs_json(&w->entities));
	cJSON_AddItemToObject(o, "reports", strs_json(&w->reports));
	cJSON_AddStringToObject(o, "explanation", w->explanation);
	cJSON_AddBoolToObject(o, "new", w->is_new);
	cJSON_AddStringToObject(o, "first_night", w->first_night);
	cJSON_AddNumberToObject(o, "n_reports", (double)w->n_reports);
	cJSON_AddItemToObject(o, "evidence", refs_json(&w->evidence, 1));
	if (w->n_series) {
		cJSON *a = cJSON_CreateArray();

		for (size_t i = 0; i < w->n_series; i++) {
			cJSON *p = cJSON_CreateObject();

			cJSON_AddStringToObject(p, "date", w->series[i].date);
			cJSON_AddItemToObject(p, "observed", num_or_null(w->series[i].observed));
			cJSON_AddItemToObject(p, "expected", num_or_null(w->series[i].expected));
			cJSON_AddItemToObject(p, "threshold", num_or_null(w->series[i].threshold));
			cJSON_AddItemToArray(a, p);
		}
		cJSON_AddItemToObject(o, "series", a);
	}
	return o;
}

static cJSON *cluster_json(const struct report_cluster *c)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", c->id);
	cJSON_AddBoolToObject(o, "new", c->is_new);
	cJSON_AddNumberToObject(o, "score", c->score);
	cJSON_AddItemToObject(o, "entities", strs_json(&c->entities));
	cJSON_AddItemToObject(o, "reports", strs_json(&c->reports));
	cJSON_AddStringToObject(o, "status", c->status);
	cJSON_AddNumberToObject(o, "size", (double)c->size);
	cJSON_AddBoolToObject(o, "series", c->is_series);
	return o;
}

static void extras_json(cJSON *root, const struct report_data *d)
{
	cJSON *a, *o;
	const struct report_changes *ch = &d->changes;
	const struct report_quality *q = &d->quality;

	a = cJSON_AddArrayToObject(root, "series");
	for (size_t i = 0; i < d->n_series; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "cluster", d->series[i].cluster);
		cJSON_AddNumberToObject(o, "score", d->series[i].score);
		cJSON_AddNumberToObject(o, "n_reports", (double)d->series[i].n_reports);
		cJSON_AddItemToObject(o, "reports", refs_json(&d->series[i].reports, 1));
		cJSON_AddItemToArray(a, o);
	}
	a = cJSON_AddArrayToObject(root, "watchlist");
	for (size_t i = 0; i < d->n_hits; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "warning", d->hits[i].warning_id);
		cJSON_AddStringToObject(o, "list", d->hits[i].list);
		cJSON_AddStringToObject(o, "key", d->hits[i].key);
		cJSON_AddStringToObject(o, "note", d->hits[i].note);
		cJSON_AddItemToObject(o, "seen", refs_json(&d->hits[i].seen, 1));
		cJSON_AddItemToArray(a, o);
	}
	o = cJSON_AddObjectToObject(root, "changes");
	cJSON_AddItemToObject(o, "previous_night",
			      ch->first ? cJSON_CreateNull() : cJSON_CreateString(ch->prev_night));
	if (!ch->first) {
		cJSON_AddNumberToObject(o, "previous_new_reports", (double)ch->prev_new_reports);
		cJSON_AddItemToObject(o, "new_warnings", strs_json(&ch->new_warnings));
		cJSON_AddNumberToObject(o, "continuing_warnings", (double)ch->n_continuing);
		cJSON_AddItemToObject(o, "ended_warnings", strs_json(&ch->ended_warnings));
	}
	cJSON_AddItemToObject(o, "clusters", counts_json(ch->cluster_status,
							 ch->n_cluster_status, "status"));
	o = cJSON_AddObjectToObject(root, "data_quality");
	cJSON_AddNumberToObject(o, "quarantined", (double)q->quarantined);
	cJSON_AddItemToObject(o, "reasons", counts_json(q->reasons, q->n_reasons, "reason"));
	a = cJSON_AddArrayToObject(o, "quarantine_samples");
	for (size_t i = 0; i < q->n_samples; i++) {
		cJSON *s = cJSON_CreateObject();

		cJSON_AddStringToObject(s, "file", q->samples[i].file);
		cJSON_AddNumberToObject(s, "line", (double)q->samples[i].line);
		cJSON_AddStringToObject(s, "reason", q->samples[i].reason);
		cJSON_AddItemToArray(a, s);
	}
	cJSON_AddItemToObject(o, "quiet_sources", counts_json(q->quiet, q->n_quiet, "source"));
	cJSON_AddNumberToObject(o, "late", (double)q->late);
	cJSON_AddItemToObject(o, "late_reports", refs_json(&q->late_refs, 0));
	cJSON_AddNumberToObject(o, "undated", (double)q->undated);
}

int report_json_write(const struct report_data *d, FILE *out, struct err *err)
{
	cJSON *root = cJSON_CreateObject(), *counts, *a;
	char *text;
	int rc = 0;

	cJSON_AddStringToObject(root, "night", d->night);
	cJSON_AddStringToObject(root, "generated_at", d->generated_at);
	counts = cJSON_AddObjectToObject(root, "counts");
	cJSON_AddNumberToObject(counts, "reports", (double)d->reports);
	cJSON_AddNumberToObject(counts, "new_reports", (double)d->new_reports);
	cJSON_AddNumberToObject(counts, "rejected", (double)d->rejected);
	cJSON_AddNumberToObject(counts, "entities", (double)d->entities);
	cJSON_AddNumberToObject(counts, "links", (double)d->links);
	a = cJSON_AddArrayToObject(root, "warnings");
	for (size_t i = 0; i < d->n_warnings; i++)
		cJSON_AddItemToArray(a, warning_json(&d->warnings[i]));
	a = cJSON_AddArrayToObject(root, "clusters");
	for (size_t i = 0; i < d->n_clusters; i++)
		cJSON_AddItemToArray(a, cluster_json(&d->clusters[i]));
	cJSON_AddNumberToObject(root, "warnings_total", (double)d->warnings_total);
	extras_json(root, d);
	text = cJSON_Print(root);
	if (fputs(text, out) == EOF || fputc('\n', out) == EOF)
		rc = err_set(err, "cannot write the report: %s", strerror(errno));
	free(text);
	cJSON_Delete(root);
	return rc;
}
