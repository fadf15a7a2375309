/*
 * eval_extract: precision and recall of the extractors on hand-labelled
 * sentences.  Usage: eval_extract [--verbose] [--ids-only] [--data DIR] FILE.jsonl...
 *
 * Each line of a labelled file is {"text": raw, "ref": "YYYY-MM-DD"?,
 * "entities": [{"type", "value", "start", "end", "surface"?}]} with byte
 * spans into the normalised text.  The text is normalised with
 * norm_text, as ingest stores it; the identifier extractor and then the
 * names extractor run on it, as analyze runs them.  A file is scored
 * only on the types it labels (a names file that leaves phones
 * unlabelled says nothing about phones), so the files of different
 * extractors can be given together.  Exact: type, value and span agree;
 * relaxed: type and value, anywhere in the sentence.
 *
 * tests/unit/test_extract_ids.c includes this file (with
 * EVAL_EXTRACT_NO_MAIN) to hold the extractor to its bars.
 */
#include "analyze/extract_ids.h"
#include "analyze/extract_names.h"
#include "common/norm.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVAL_MAX_TYPES 32

/* The structured identifiers held to precision >= 0.99 and recall >= 0.98. */
static const char *const eval_identifiers[] = {
	"phone", "idcard", "plate", "imei", "bankcard", "email", "qq", "wechat", "case", "vin", NULL,
};

struct eval_counts {
	long gold, pred;
	long tp, fp, fn;        /* exact: type, value, span */
	long rtp, rfp, rfn;     /* relaxed: type and value */
};

struct eval {
	struct norm norm;
	struct ids *ids;
	struct names *names;            /* NULL when its data is missing */
	char *types[EVAL_MAX_TYPES];    /* owned */
	struct eval_counts counts[EVAL_MAX_TYPES];
	int n_types;
	long sentences, span_errors;
	int verbose;
};

struct eval_gold {
	const char *type, *value;       /* borrowed from the parsed line */
	long start, end;
	int hit, rhit;
};

static int eval_type(struct eval *e, const char *type)
{
	for (int i = 0; i < e->n_types; i++)
		if (strcmp(e->types[i], type) == 0)
			return i;
	if (e->n_types == EVAL_MAX_TYPES)
		return -1;
	e->types[e->n_types] = xstrdup(type);
	memset(&e->counts[e->n_types], 0, sizeof(e->counts[0]));
	return e->n_types++;
}

/* with_names: run the names extractor after the identifiers, as analyze does. */
static int eval_init(struct eval *e, const char *datadir, int with_names, struct err *err)
{
	struct err names_err;

	memset(e, 0, sizeof(*e));
	if (norm_init(&e->norm, err) < 0)
		return -1;
	if (!(e->ids = ids_new(datadir, err))) {
		norm_release(&e->norm);
		return -1;
	}
	if (with_names)
		e->names = names_new(datadir, &names_err);
	return 0;
}

static void eval_release(struct eval *e)
{
	ids_free(e->ids);
	names_free(e->names);
	norm_release(&e->norm);
	for (int i = 0; i < e->n_types; i++)
		free(e->types[i]);
}

static const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static long json_long(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? (long)v->valuedouble : -1;
}

/* Whether type is one this file labels. */
static int scored(const char *type, char *const *file_types, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(file_types[i], type) == 0)
			return 1;
	return 0;
}

/* Score one labelled sentence against what the extractors find in it. */
static int eval_sentence(struct eval *e, const cJSON *line, char *const *file_types,
			 int n_file_types, const char *where, struct err *err)
{
	const char *raw = json_str(line, "text"), *ref = json_str(line, "ref");
	const cJSON *ents = cJSON_GetObjectItemCaseSensitive(line, "entities"), *it;
	struct eval_gold *gold = NULL;
	struct mention_list found;
	struct sbuf text = SBUF_INIT;
	struct date_ref dref;
	size_t n_gold = 0, cap = 0;
	int rc = 0;

	mention_list_init(&found);
	if (!raw || !cJSON_IsArray(ents)) {
		rc = err_set(err, "%s: no \"text\" or \"entities\"", where);
		goto out;
	}
	if (norm_text(&e->norm, raw, strlen(raw), &text, err) < 0) {
		rc = err_prefix(err, "%s", where);
		goto out;
	}
	cJSON_ArrayForEach(it, ents) {
		const char *type = json_str(it, "type"), *value = json_str(it, "value");
		const char *surface = json_str(it, "surface");
		long start = json_long(it, "start"), end = json_long(it, "end");

		if (!type || !value || start < 0 || end < start || (size_t)end > text.len) {
			rc = err_set(err, "%s: an entity without type, value or a span inside the text", where);
			goto out;
		}
		if (surface && (strlen(surface) != (size_t)(end - start) ||
				memcmp(text.buf + start, surface, (size_t)(end - start)) != 0)) {
			e->span_errors++;
			fprintf(stderr, "%s: span %ld-%ld is '%.*s', labelled '%s'\n", where, start, end,
				(int)(end - start), text.buf + start, surface);
		}
		gold = xgrow(gold, &cap, n_gold + 1, sizeof(*gold));
		gold[n_gold++] = (struct eval_gold){ type, value, start, end, 0, 0 };
	}

	if (ref)
		date_ref_from_iso(ref, &dref);
	ids_set_date_ref(e->ids, ref ? &dref : NULL);
	if (ids_extract(e->ids, text.buf, text.len, &found) < 0) {
		rc = err_set(err, "%s: text is not valid UTF-8", where);
		goto out;
	}
	if (e->names)
		names_extract(e->names, text.buf, text.len, &found);
	e->sentences++;

	for (size_t i = 0; i < n_gold; i++) {
		int t = eval_type(e, gold[i].type);

		if (t >= 0)
			e->counts[t].gold++;
	}
	for (size_t k = 0; k < found.n; k++) {
		const struct mention *m = &found.v[k];
		int t, hit = 0, rhit = 0;

		if (!scored(m->type, file_types, n_file_types) || (t = eval_type(e, m->type)) < 0)
			continue;
		e->counts[t].pred++;
		for (size_t i = 0; i < n_gold && !hit; i++)
			if (!gold[i].hit && strcmp(gold[i].type, m->type) == 0 &&
			    strcmp(gold[i].value, m->value) == 0 &&
			    gold[i].start == m->start && gold[i].end == m->end)
				gold[i].hit = hit = 1;
		for (size_t i = 0; i < n_gold && !rhit; i++)
			if (!gold[i].rhit && strcmp(gold[i].type, m->type) == 0 &&
			    strcmp(gold[i].value, m->value) == 0)
				gold[i].rhit = rhit = 1;
		e->counts[t].tp += hit;
		e->counts[t].fp += !hit;
		e->counts[t].rtp += rhit;
		e->counts[t].rfp += !rhit;
		if (!hit && e->verbose)
			printf("FP %s %s:%s [%s] %ld-%ld (%s)\n   %s\n", where, m->type, m->value,
			       m->surface, m->start, m->end, m->rule, text.buf);
	}
	for (size_t i = 0; i < n_gold; i++) {
		int t = eval_type(e, gold[i].type);

		if (t < 0)
			continue;
		e->counts[t].fn += !gold[i].hit;
		e->counts[t].rfn += !gold[i].rhit;
		if (!gold[i].hit && e->verbose)
			printf("FN %s %s:%s %ld-%ld\n   %s\n", where, gold[i].type, gold[i].value,
			       gold[i].start, gold[i].end, text.buf);
	}
out:
	free(gold);
	sbuf_release(&text);
	mention_list_release(&found);
	return rc;
}

/* Score every line of one labelled file: first its types, then each sentence. */
static int eval_file(struct eval *e, const char *path, struct err *err)
{
	FILE *f = fopen(path, "r");
	cJSON **lines = NULL;
	char *file_types[EVAL_MAX_TYPES], *buf = NULL, where[512];
	size_t n = 0, cap = 0, bufcap = 0;
	int n_types = 0, rc = 0;
	ssize_t len;

	if (!f)
		return err_set(err, "cannot read '%s'", path);
	while ((len = getline(&buf, &bufcap, f)) >= 0) {
		cJSON *line, *it;

		if (len <= 1)
			continue;
		if (!(line = cJSON_Parse(buf))) {
			rc = err_set(err, "%s:%zu: not JSON", path, n + 1);
			goto out;
		}
		lines = xgrow(lines, &cap, n + 1, sizeof(*lines));
		lines[n++] = line;
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(line, "entities")) {
			const char *type = json_str(it, "type");

			if (type && !scored(type, file_types, n_types) && n_types < EVAL_MAX_TYPES)
				file_types[n_types++] = xstrdup(type);
		}
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		snprintf(where, sizeof(where), "%s:%zu", path, i + 1);
		rc = eval_sentence(e, lines[i], file_types, n_types, where, err);
	}
out:
	for (size_t i = 0; i < n; i++)
		cJSON_Delete(lines[i]);
	for (int i = 0; i < n_types; i++)
		free(file_types[i]);
	free(lines);
	free(buf);
	fclose(f);
	return rc;
}

static double ratio(long a, long b)
{
	return b ? (double)a / (double)b : 1.0;
}

static double f1(double p, double r)
{
	return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

/* Sum the counts of the listed types. */
static void eval_sum(const struct eval *e, const char *const *types, struct eval_counts *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (int i = 0; i < e->n_types; i++)
		for (int k = 0; types[k]; k++)
			if (strcmp(e->types[i], types[k]) == 0) {
				sum->gold += e->counts[i].gold;
				sum->pred += e->counts[i].pred;
				sum->tp += e->counts[i].tp;
				sum->fp += e->counts[i].fp;
				sum->fn += e->counts[i].fn;
				sum->rtp += e->counts[i].rtp;
				sum->rfp += e->counts[i].rfp;
				sum->rfn += e->counts[i].rfn;
			}
}

static void eval_print_row(FILE *f, const char *name, const struct eval_counts *c)
{
	double p = ratio(c->tp, c->tp + c->fp), r = ratio(c->tp, c->tp + c->fn);
	double rp = ratio(c->rtp, c->rtp + c->rfp), rr = ratio(c->rtp, c->rtp + c->rfn);

	fprintf(f, "%-12s %6ld %6ld %6ld %6ld %6ld   %.3f  %.3f  %.3f    %.3f  %.3f\n", name,
		c->gold, c->pred, c->tp, c->fp, c->fn, p, r, f1(p, r), rp, rr);
}

static void eval_print(const struct eval *e, FILE *f)
{
	static const char *const values[] = { "amount", "age", "sex", "datetime", NULL };
	struct eval_counts sum;

	fprintf(f, "%ld sentences%s\n", e->sentences,
		e->names ? "" : " (identifiers and values only)");
	fprintf(f, "%-12s %6s %6s %6s %6s %6s   %-5s  %-5s  %-5s    %-5s  %-5s\n", "type",
		"gold", "found", "tp", "fp", "fn", "P", "R", "F1", "P~", "R~");
	for (int i = 0; i < e->n_types; i++)
		eval_print_row(f, e->types[i], &e->counts[i]);
	eval_sum(e, eval_identifiers, &sum);
	eval_print_row(f, "identifiers", &sum);
	eval_sum(e, values, &sum);
	eval_print_row(f, "values", &sum);
	fprintf(f, "(exact: type, value and span; ~ relaxed: type and value)\n");
	if (e->span_errors)
		fprintf(f, "%ld labelled spans do not match their surface\n", e->span_errors);
}

#ifndef EVAL_EXTRACT_NO_MAIN
int main(int argc, char **argv)
{
	const char *datadir = getenv("LOOKOUT_DATADIR") ? getenv("LOOKOUT_DATADIR") : LOOKOUT_DATADIR;
	struct eval e;
	struct err err;
	int i = 1, verbose = 0, with_names = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--verbose") == 0)
			verbose = 1;
		else if (strcmp(argv[i], "--ids-only") == 0)
			with_names = 0;
		else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
			datadir = argv[++i];
		else
			break;
	}
	if (i == argc || argv[i][0] == '-') {
		fprintf(stderr, "usage: eval_extract [--verbose] [--ids-only] [--data DIR] FILE.jsonl...\n");
		return 2;
	}
	if (eval_init(&e, datadir, with_names, &err) < 0) {
		fprintf(stderr, "eval_extract: %s\n", err.msg);
		return 1;
	}
	e.verbose = verbose;
	for (; i < argc; i++)
		if (eval_file(&e, argv[i], &err) < 0) {
			fprintf(stderr, "eval_extract: %s\n", err.msg);
			eval_release(&e);
			return 1;
		}
	eval_print(&e, stdout);
	eval_release(&e);
	return 0;
}
#endif
