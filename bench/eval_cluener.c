/*
 * eval_cluener: person and place precision/recall of the names extractor
 * on the CLUENER 2020 corpus (../shared/corpora/ner/cluener/): its
 * "name" labels against our person mentions, its "address" labels
 * against our place mentions.  Texts are given as they are (CLUENER is
 * news and web text, Simplified, mostly full-width punctuation, which
 * the extractor treats as a boundary either way).  Prints figures for
 * exact spans and for overlapping spans.  Tune on train.json only;
 * report dev.json.
 *
 *   eval_cluener [FILE [DATADIR]]
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/extract_names.h"

struct span {
	long s, e;
};

struct tally {
	long found, gold, exact, found_overlap, gold_overlap;
};

/* Byte offset of code point index ci in s. */
static long byte_at(const char *s, long ci)
{
	long b = 0;

	for (; ci > 0 && s[b]; ci--) {
		b++;
		while (((unsigned char)s[b] & 0xC0) == 0x80)
			b++;
	}
	return b;
}

/* Gold spans of one CLUENER label ("name", "address") as byte spans. */
static size_t gold_spans(const cJSON *label, const char *text, struct span *out,
			 size_t max)
{
	const cJSON *ent, *pos;
	size_t n = 0;

	cJSON_ArrayForEach(ent, label)
		cJSON_ArrayForEach(pos, ent)
			if (n < max) {
				out[n].s = byte_at(text, cJSON_GetArrayItem(pos, 0)->valueint);
				out[n].e = byte_at(text, cJSON_GetArrayItem(pos, 1)->valueint + 1);
				n++;
			}
	return n;
}

static int overlaps(const struct span *a, const struct span *b)
{
	return a->s < b->e && b->s < a->e;
}

/* Tally the mentions of type against gold; plain_only leaves out
 * redacted names (张某), which CLUENER does not label as names. */
static void tally(struct tally *t, const struct mention_list *l, const char *type,
		  int plain_only, const struct span *gold, size_t ngold)
{
	struct span found[64];
	size_t nf = 0;

	for (size_t i = 0; i < l->n && nf < 64; i++)
		if (!strcmp(l->v[i].type, type) &&
		    !(plain_only && l->v[i].attrs && strstr(l->v[i].attrs, "redacted"))) {
			found[nf].s = l->v[i].start;
			found[nf].e = l->v[i].end;
			nf++;
		}
	t->found += (long)nf;
	t->gold += (long)ngold;
	for (size_t i = 0; i < nf; i++) {
		int ex = 0, ov = 0;

		for (size_t g = 0; g < ngold; g++) {
			ex |= found[i].s == gold[g].s && found[i].e == gold[g].e;
			ov |= overlaps(&found[i], &gold[g]);
		}
		t->exact += ex;
		t->found_overlap += ov;
	}
	for (size_t g = 0; g < ngold; g++)
		for (size_t i = 0; i < nf; i++)
			if (overlaps(&found[i], &gold[g])) {
				t->gold_overlap++;
				break;
			}
}

static double ratio(long a, long b)
{
	return b ? (double)a / (double)b : 0.0;
}

static void print(const char *what, const struct tally *t)
{
	printf("%-22s %6ld %6ld   %.3f   %.3f     %.3f   %.3f\n", what, t->gold,
	       t->found, ratio(t->exact, t->found), ratio(t->exact, t->gold),
	       ratio(t->found_overlap, t->found), ratio(t->gold_overlap, t->gold));
}

int main(int argc, char **argv)
{
	const char *file = argc > 1 ? argv[1] :
			   LOOKOUT_DATADIR "/../../shared/corpora/ner/cluener/dev.json";
	const char *datadir = argc > 2 ? argv[2] : LOOKOUT_DATADIR;
	struct err err;
	struct names *x = names_new(datadir, &err);
	struct tally person = { 0 }, plain = { 0 }, place = { 0 };
	struct mention_list l;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	long n = 0;

	if (!x) {
		fprintf(stderr, "eval_cluener: %s\n", err.msg);
		return 1;
	}
	f = fopen(file, "r");
	if (!f) {
		fprintf(stderr, "eval_cluener: cannot read '%s'\n", file);
		names_free(x);
		return 1;
	}
	mention_list_init(&l);
	while (getline(&line, &cap, f) > 0) {
		cJSON *j = cJSON_Parse(line);
		const char *text = j ? cJSON_GetStringValue(cJSON_GetObjectItem(j, "text")) : NULL;
		const cJSON *label = j ? cJSON_GetObjectItem(j, "label") : NULL;
		struct span gold[64];
		size_t ng;

		if (!text) {
			cJSON_Delete(j);
			continue;
		}
		mention_list_clear(&l);
		names_extract(x, text, strlen(text), &l);
		ng = gold_spans(cJSON_GetObjectItem(label, "name"), text, gold, 64);
		tally(&person, &l, "person", 0, gold, ng);
		tally(&plain, &l, "person", 1, gold, ng);
		ng = gold_spans(cJSON_GetObjectItem(label, "address"), text, gold, 64);
		tally(&place, &l, "place", 0, gold, ng);
		cJSON_Delete(j);
		n++;
	}
	printf("CLUENER %s: %ld sentences\n", file, n);
	printf("%-22s %6s %6s   %-15s   %-15s\n", "", "gold", "found", "exact P   R",
	       "overlap P   R");
	print("person (name)", &person);
	print("person, not redacted", &plain);
	print("place (address)", &place);
	free(line);
	fclose(f);
	mention_list_release(&l);
	names_free(x);
	return 0;
}
