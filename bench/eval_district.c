/*
 * eval_district: how often lookout is right on a generated district.
 *
 *   eval_district DB TRUTH
 *
 * DB is a database after `lookout run` on the district's inbox; TRUTH is
 * the generator's truth.jsonl.  Prints, against the truth:
 *   - identifier extraction precision and recall per type (per report,
 *     the set of identifiers its mentions resolve to against the set the
 *     generator wrote into it);
 *   - person resolution as B-cubed precision, recall and F1 (each true
 *     person mention is an item; its predicted cluster is the person
 *     entity that the report's mention of that name resolved to);
 *   - each planted situation found or missed (a warning of its kind, or
 *     for companions a companion row, citing at least half its reports),
 *     and warnings that match nothing planted, by kind, with the graph
 *     stage's series candidates;
 *   - quarantined records against the malformed records planted.
 * Reads the database only.
 */
#include "common/db.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const id_types[] = {
	"phone", "idcard", "plate", "imei", "bankcard", "email", "qq", "wechat", NULL,
};

struct counts {
	long tp, fp, fn;
};

static struct counts per_type[16];

static int type_index(const char *t)
{
	for (int i = 0; id_types[i]; i++)
		if (!strcmp(id_types[i], t))
			return i;
	return -1;
}

/* One true person mention and what it resolved to. */
struct item {
	int truth;              /* the generator's person id */
	long pred;              /* entity id, or -(index+1) when not found */
};

static struct item *items;
static size_t nitems, capitems;

static void add_item(int truth, long pred)
{
	items = xgrow(items, &capitems, nitems + 1, sizeof(*items));
	items[nitems].truth = truth;
	items[nitems].pred = pred ? pred : -(long)(nitems + 1);
	nitems++;
}

static long report_id(struct db *db, sqlite3_stmt *st, const char *ref)
{
	const char *slash = strrchr(ref, '/');
	struct err err;
	long id = 0;

	if (!slash)
		return 0;
	if (db_bind(st, &err, "ts", ref, (int)(slash - ref), slash + 1) == 0 &&
	    db_step(st, &err) == 1)
		id = (long)sqlite3_column_int64(st, 0);
	(void)db;
	return id;
}

static void eval_report(struct db *db, cJSON *t, sqlite3_stmt *st_report,
			sqlite3_stmt *st_ids, sqlite3_stmt *st_person)
{
	const char *ref = cJSON_GetStringValue(cJSON_GetObjectItem(t, "report"));
	cJSON *ids = cJSON_GetObjectItem(t, "ids");
	cJSON *persons = cJSON_GetObjectItem(t, "persons");
	cJSON *x;
	long rid;
	struct err err;
	struct sbuf found = SBUF_INIT;   /* "type:value\n" lines the database holds */

	if (!ref || !(rid = report_id(db, st_report, ref)))
		return;
	db_bind(st_ids, &err, "I", (int64_t)rid);
	while (db_step(st_ids, &err) == 1) {
		const char *key = db_text(st_ids, 0);
		char type[32];
		const char *colon = strchr(key, ':');
		int k, matched = 0;

		if (!colon || colon - key >= (long)sizeof(type))
			continue;
		memcpy(type, key, (size_t)(colon - key));
		type[colon - key] = '\0';
		if ((k = type_index(type)) < 0)
			continue;
		cJSON_ArrayForEach(x, ids) {
			const char *tt = cJSON_GetStringValue(cJSON_GetArrayItem(x, 0));
			const char *tv = cJSON_GetStringValue(cJSON_GetArrayItem(x, 1));

			if (tt && tv && !strcmp(tt, type) && !strcmp(tv, colon + 1))
				matched = 1;
		}
		if (matched)
			per_type[k].tp++;
		else
			per_type[k].fp++;
		sbuf_addf(&found, "%s\n", key);
	}
	cJSON_ArrayForEach(x, ids) {
		const char *tt = cJSON_GetStringValue(cJSON_GetArrayItem(x, 0));
		const char *tv = cJSON_GetStringValue(cJSON_GetArrayItem(x, 1));
		char line[96];
		int k;

		if (!tt || !tv || (k = type_index(tt)) < 0)
			continue;
		snprintf(line, sizeof(line), "%s:%s\n", tt, tv);
		if (!strstr(sbuf_str(&found), line))
			per_type[k].fn++;
	}
	sbuf_release(&found);

	cJSON_ArrayForEach(x, persons) {
		const char *name = cJSON_GetStringValue(cJSON_GetArrayItem(x, 0));
		cJSON *pid = cJSON_GetArrayItem(x, 1);
		long pred = 0;

		if (!name || !cJSON_IsNumber(pid))
			continue;
		if (db_bind(st_person, &err, "Is", (int64_t)rid, name) == 0 &&
		    db_step(st_person, &err) == 1)
			pred = (long)sqlite3_column_int64(st_person, 0);
		add_item(pid->valueint, pred);
	}
}

static int cmp_pred_truth(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->pred != y->pred)
		return (x->pred > y->pred) - (x->pred < y->pred);
	return (x->truth > y->truth) - (x->truth < y->truth);
}

/*
 * B-cubed: for each item, precision is the share of its predicted
 * cluster that truly belongs with it, recall the share of its true
 * cluster predicted with it.  Sorting by (pred, truth) gives each item's
 * pair count and predicted-cluster size; the sum of precisions over a
 * (pred, truth) group of size k in a pred cluster of size n is k*k/n.
 * Recall sums k*k/m over the same groups, m the true cluster size.
 */
static void bcubed(double *p, double *r)
{
	size_t *truth_size;
	int max_truth = 0;
	double sp = 0, sr = 0;

	for (size_t i = 0; i < nitems; i++)
		if (items[i].truth > max_truth)
			max_truth = items[i].truth;
	truth_size = xcalloc((size_t)max_truth + 1, sizeof(*truth_size));
	for (size_t i = 0; i < nitems; i++)
		truth_size[items[i].truth]++;
	qsort(items, nitems, sizeof(*items), cmp_pred_truth);
	for (size_t i = 0; i < nitems;) {
		size_t j = i, n;

		while (j < nitems && items[j].pred == items[i].pred)
			j++;
		n = j - i;
		for (size_t k = i; k < j;) {
			size_t l = k;

			while (l < j && items[l].truth == items[k].truth)
				l++;
			sp += (double)((l - k) * (l - k)) / (double)n;
			sr += (double)((l - k) * (l - k)) / (double)truth_size[items[k].truth];
			k = l;
		}
		i = j;
	}
	free(truth_size);
	*p = nitems ? sp / (double)nitems : 0;
	*r = nitems ? sr / (double)nitems : 0;
}

/*
 * Per kind: warnings raised and those matching nothing planted; then
 * the graph stage's series candidates, of which the series warnings are
 * the best (warn.conf's series.max_per_night).
 */
static void print_by_kind(struct db *db, const char *planted)
{
	sqlite3_stmt *st;
	struct err err;
	int64_t series = 0;

	if (db_prepare(db, &st,
		       "SELECT kind, count(*), sum(NOT EXISTS (SELECT 1 FROM warning_evidence we"
		       "  JOIN report r ON r.id = we.report_id WHERE we.warning_id = w.id"
		       "  AND r.source || '/' || r.ext_id IN (SELECT value FROM json_each(?))))"
		       " FROM warning w GROUP BY kind ORDER BY kind", &err) < 0 ||
	    db_bind(st, &err, "s", planted) < 0) {
		fprintf(stderr, "eval_district: %s\n", err.msg);
		db_finalize(st);
		return;
	}
	printf("  %-12s %6s %8s\n", "kind", "raised", "unmatched");
	while (db_step(st, &err) == 1)
		printf("  %-12s %6lld %8lld\n", db_text(st, 0), (long long)sqlite3_column_int64(st, 1),
		       (long long)sqlite3_column_int64(st, 2));
	db_finalize(st);
	db_int(db, &err, &series, "SELECT count(*) FROM series", "");
	printf("  series candidates of the graph stage: %lld\n\n", (long long)series);
}

/* How many of a situation's reports the best matching warning cites. */
static int situation_found(struct db *db, cJSON *t, const char *kind)
{
	cJSON *reports = cJSON_GetObjectItem(t, "reports");
	const char *sql;
	sqlite3_stmt *st;
	struct err err;
	int need = (cJSON_GetArraySize(reports) + 1) / 2, best = 0;

	if (!strcmp(kind, "companion"))
		sql = "SELECT ce.companion_id, count(*) FROM companion_evidence ce"
		      " JOIN report r ON r.id = ce.report_id"
		      " WHERE r.source || '/' || r.ext_id IN (SELECT value FROM json_each(?))"
		      " GROUP BY ce.companion_id ORDER BY 2 DESC LIMIT 1";
	else
		sql = "SELECT w.id, count(DISTINCT r.id) FROM warning w"
		      " JOIN warning_evidence we ON we.warning_id = w.id"
		      " JOIN report r ON r.id = we.report_id"
		      " WHERE w.kind = ?2 AND r.source || '/' || r.ext_id IN (SELECT value FROM json_each(?1))"
		      " GROUP BY w.id ORDER BY 2 DESC LIMIT 1";
	if (db_prepare(db, &st, sql, &err) < 0)
		return 0;
	{
		char *json = cJSON_PrintUnformatted(reports);

		if (db_bind(st, &err, strcmp(kind, "companion") ? "ss" : "s", json, kind) == 0 &&
		    db_step(st, &err) == 1)
			best = sqlite3_column_int(st, 1);
		free(json);
	}
	db_finalize(st);
	return best >= need && best > 0 ? best : -best;
}

int main(int argc, char **argv)
{
	struct db db;
	struct err err;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	sqlite3_stmt *st_report = NULL, *st_ids = NULL, *st_person = NULL;
	struct sbuf planted_reports = SBUF_INIT;
	int n_sit = 0, n_found = 0;
	long bad_planted = 0, bad_matched = 0;
	int64_t quarantined = 0, warnings = 0, unmatched = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: eval_district DB TRUTH\n");
		return 2;
	}
	if (db_open_readonly(&db, argv[1], &err) < 0) {
		fprintf(stderr, "eval_district: %s\n", err.msg);
		return 1;
	}
	f = fopen(argv[2], "r");
	if (!f) {
		fprintf(stderr, "eval_district: cannot open '%s'\n", argv[2]);
		return 1;
	}
	if (db_prepare(&db, &st_report, "SELECT id FROM report WHERE source = ? AND ext_id = ?", &err) < 0 ||
	    db_prepare(&db, &st_ids,
		       "SELECT DISTINCT e.key FROM mention m JOIN entity e ON e.id = m.entity_id"
		       " WHERE m.report_id = ?", &err) < 0 ||
	    db_prepare(&db, &st_person,
		       "SELECT e.id FROM mention m JOIN entity e ON e.id = m.entity_id"
		       " WHERE m.report_id = ? AND e.type = 'person' AND (m.surface = ?2 OR e.display = ?2)"
		       " LIMIT 1", &err) < 0) {
		fprintf(stderr, "eval_district: %s\n", err.msg);
		return 1;
	}

	printf("situations planted:\n");
	while (getline(&line, &cap, f) > 0) {
		cJSON *t = cJSON_Parse(line);
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(t, "type"));

		if (!type) {
			cJSON_Delete(t);
			continue;
		}
		if (!strcmp(type, "report")) {
			eval_report(&db, t, st_report, st_ids, st_person);
		} else if (!strcmp(type, "situation")) {
			const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(t, "kind"));
			int got = situation_found(&db, t, kind);
			cJSON *x;

			n_sit++;
			n_found += got > 0;
			printf("  %-8s %-11s %-40s cites %d of %d reports\n", got > 0 ? "found" : "MISSED",
			       kind, cJSON_GetStringValue(cJSON_GetObjectItem(t, "note")),
			       got < 0 ? -got : got, cJSON_GetArraySize(cJSON_GetObjectItem(t, "reports")));
			cJSON_ArrayForEach(x, cJSON_GetObjectItem(t, "reports"))
				sbuf_addf(&planted_reports, "%s%s", planted_reports.len ? "\",\"" : "[\"",
					  x->valuestring);
		} else if (!strcmp(type, "malformed")) {
			int64_t n = 0;

			bad_planted++;
			db_int(&db, &err, &n,
			       "SELECT count(*) FROM quarantine WHERE (file = ?1 OR file LIKE '%/' || ?1) AND line = ?2",
			       "sI", cJSON_GetStringValue(cJSON_GetObjectItem(t, "file")),
			       (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(t, "line")));
			bad_matched += n > 0;
		}
		cJSON_Delete(t);
	}
	free(line);
	fclose(f);
	sbuf_adds(&planted_reports, planted_reports.len ? "\"]" : "[]");

	printf("  %d of %d situations found\n\n", n_found, n_sit);

	db_int(&db, &err, &warnings, "SELECT count(*) FROM warning", "");
	db_int(&db, &err, &unmatched,
	       "SELECT count(*) FROM warning w WHERE NOT EXISTS (SELECT 1 FROM warning_evidence we"
	       " JOIN report r ON r.id = we.report_id WHERE we.warning_id = w.id"
	       " AND r.source || '/' || r.ext_id IN (SELECT value FROM json_each(?)))",
	       "s", planted_reports.buf);
	printf("warnings: %lld, of which %lld match nothing planted\n", (long long)warnings,
	       (long long)unmatched);
	print_by_kind(&db, planted_reports.buf);

	printf("identifier extraction (per report, by value):\n");
	printf("  %-9s %7s %7s %7s %9s %7s\n", "type", "tp", "fp", "fn", "precision", "recall");
	for (int i = 0; id_types[i]; i++) {
		struct counts *c = &per_type[i];

		if (c->tp + c->fp + c->fn == 0)
			continue;
		printf("  %-9s %7ld %7ld %7ld %9.4f %7.4f\n", id_types[i], c->tp, c->fp, c->fn,
		       c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 0,
		       c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 0);
	}

	{
		double p, r;
		size_t missing = 0;

		for (size_t i = 0; i < nitems; i++)
			missing += items[i].pred < 0;
		bcubed(&p, &r);
		printf("\nperson resolution (B-cubed over %zu person mentions, %zu not found):\n"
		       "  precision %.4f  recall %.4f  F1 %.4f\n",
		       nitems, missing, p, r, p + r > 0 ? 2 * p * r / (p + r) : 0);
	}

	db_int(&db, &err, &quarantined, "SELECT count(*) FROM quarantine", "");
	printf("\nquarantine: %ld malformed records planted, %ld of them quarantined;"
	       " %lld quarantined in all\n", bad_planted, bad_matched, (long long)quarantined);

	db_finalize(st_report);
	db_finalize(st_ids);
	db_finalize(st_person);
	db_close(&db);
	sbuf_release(&planted_reports);
	free(items);
	return 0;
}
