/*
 * names_score: score the names extractor against a labelled JSONL file
 * (tests/eval/labelled-names.jsonl).  Shared by the unit test, which
 * asserts the precision bars, and bench/eval_names.c, which prints the
 * figures.  Header-only, static functions: it is not part of the library.
 *
 * A found mention is right when a labelled entity has the same type and
 * the same byte span; value_ok counts the right ones whose value is the
 * labelled value as well (the canonical address for places).
 */
#ifndef TESTS_EVAL_NAMES_SCORE_H
#define TESTS_EVAL_NAMES_SCORE_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/extract_names.h"

enum { SCORE_PERSON, SCORE_PLACE, SCORE_ORG, SCORE_ITEM, SCORE_NTYPES };

static const char *const score_types[SCORE_NTYPES] = { "person", "place", "org", "item" };

struct names_score {
	long tp, fp, fn, value_ok;
};

static int score_type(const char *t)
{
	for (int i = 0; i < SCORE_NTYPES; i++)
		if (!strcmp(t, score_types[i]))
			return i;
	return -1;
}

static double score_p(const struct names_score *s)
{
	return s->tp + s->fp ? (double)s->tp / (double)(s->tp + s->fp) : 1.0;
}

static double score_r(const struct names_score *s)
{
	return s->tp + s->fn ? (double)s->tp / (double)(s->tp + s->fn) : 1.0;
}

/* Score one labelled line; misses and false finds go to log if not NULL. */
static void score_line(struct names *x, const cJSON *j, struct names_score *sc,
		       FILE *log)
{
	const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(j, "text"));
	const cJSON *ents = cJSON_GetObjectItem(j, "entities"), *e;
	struct mention_list l;
	int nexp = cJSON_GetArraySize(ents);
	char *used = calloc((size_t)nexp + 1, 1);

	mention_list_init(&l);
	names_extract(x, text, strlen(text), &l);
	for (size_t i = 0; i < l.n; i++) {
		int t = score_type(l.v[i].type), k = 0, hit = 0;

		if (t < 0)
			continue;
		cJSON_ArrayForEach(e, ents) {
			if (!used[k] && !strcmp(cJSON_GetObjectItem(e, "type")->valuestring, l.v[i].type) &&
			    cJSON_GetObjectItem(e, "start")->valueint == l.v[i].start &&
			    cJSON_GetObjectItem(e, "end")->valueint == l.v[i].end) {
				used[k] = 1;
				hit = 1;
				sc[t].tp++;
				if (!strcmp(cJSON_GetObjectItem(e, "value")->valuestring, l.v[i].value))
					sc[t].value_ok++;
				else if (log)
					fprintf(log, "value %s: '%s' not '%s' in %s\n", l.v[i].type,
						l.v[i].value,
						cJSON_GetObjectItem(e, "value")->valuestring, text);
				break;
			}
			k++;
		}
		if (!hit) {
			sc[t].fp++;
			if (log)
				fprintf(log, "false %s: '%s' in %s\n", l.v[i].type, l.v[i].surface, text);
		}
	}
	for (int k = 0; k < nexp; k++) {
		const cJSON *x2 = cJSON_GetArrayItem(ents, k);
		int t = score_type(cJSON_GetObjectItem(x2, "type")->valuestring);

		if (!used[k] && t >= 0) {
			sc[t].fn++;
			if (log)
				fprintf(log, "missed %s: '%s' in %s\n", score_types[t],
					cJSON_GetObjectItem(x2, "value")->valuestring, text);
		}
	}
	free(used);
	mention_list_release(&l);
}

/* Score every line of path into sc[SCORE_NTYPES]; returns lines read or -1. */
static long score_file(struct names *x, const char *path, struct names_score *sc,
		       FILE *log)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	long n = 0;

	if (!f)
		return -1;
	memset(sc, 0, SCORE_NTYPES * sizeof(*sc));
	while (getline(&line, &cap, f) > 0) {
		cJSON *j = cJSON_Parse(line);

		if (!j || !cJSON_IsString(cJSON_GetObjectItem(j, "text"))) {
			cJSON_Delete(j);
			n = -1;
			break;
		}
		score_line(x, j, sc, log);
		cJSON_Delete(j);
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

#endif
