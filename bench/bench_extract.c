/*
 * bench_extract: how many reports a second the extractors read on one
 * core.  Usage: bench_extract [--seconds S] [FILE.jsonl...]
 *
 * The texts are the labelled sentences (tests/eval/labelled-ids.jsonl by
 * default), normalised once as ingest stores them, and joined two or
 * three at a time into reports of about 190 bytes, the size of a
 * call-out text.  Each extractor then runs over all reports again and
 * again for the given CPU time (default 2 s); the figures are printed,
 * never judged: timing belongs to benchmarks, not to tests.
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
#include <time.h>

#define REPORT_BYTES 190

struct report {
	char *text;             /* owned */
	size_t len;
};

struct corpus {
	struct report *v;
	size_t n, cap, bytes;
};

/*
 * CPU time of this thread: on a shared machine (a build running beside
 * the benchmark) wall time measures the neighbours; CPU time measures
 * the extractor.
 */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void corpus_add(struct corpus *c, struct sbuf *sb)
{
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
	c->v[c->n].len = sb->len;
	c->bytes += sb->len;
	c->v[c->n++].text = sbuf_detach(sb);
}

/* Read the texts of a labelled file, normalise them and join them into reports. */
static int corpus_read(struct corpus *c, struct norm *nm, const char *path, struct err *err)
{
	FILE *f = fopen(path, "r");
	struct sbuf report = SBUF_INIT;
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	if (!f)
		return err_set(err, "cannot read '%s'", path);
	while (getline(&line, &cap, f) > 0) {
		cJSON *o = cJSON_Parse(line);
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "text");

		if (cJSON_IsString(t)) {
			if (report.len)
				sbuf_addch(&report, ' ');
			rc = norm_text(nm, t->valuestring, strlen(t->valuestring), &report, err);
		}
		cJSON_Delete(o);
		if (rc < 0)
			break;
		if (report.len >= REPORT_BYTES - 40)
			corpus_add(c, &report);
	}
	if (report.len)
		corpus_add(c, &report);
	sbuf_release(&report);
	free(line);
	fclose(f);
	return rc;
}

typedef int (*extract_fn)(void *x, const char *text, size_t len, struct mention_list *out);

static int run_ids(void *x, const char *text, size_t len, struct mention_list *out)
{
	return ids_extract(x, text, len, out);
}

static int run_names(void *x, const char *text, size_t len, struct mention_list *out)
{
	return names_extract(x, text, len, out);
}

/* Run fn over the corpus for about seconds; print reports/s, MB/s and mentions a report. */
static void measure(const char *name, const struct corpus *c, double seconds,
		    extract_fn first, void *a, extract_fn second, void *b)
{
	struct mention_list out;
	double t0 = now(), t = 0;
	long reports = 0, mentions = 0, bytes = 0;

	mention_list_init(&out);
	while ((t = now() - t0) < seconds) {
		for (size_t i = 0; i < c->n; i++) {
			mention_list_clear(&out);
			first(a, c->v[i].text, c->v[i].len, &out);
			if (second)
				second(b, c->v[i].text, c->v[i].len, &out);
			mentions += (long)out.n;
			bytes += (long)c->v[i].len;
		}
		reports += (long)c->n;
	}
	mention_list_release(&out);
	printf("%-16s %10.0f reports/s  %6.1f MB/s  %5.2f mentions/report  (%.1f us/report)\n",
	       name, reports / t, bytes / t / 1e6, (double)mentions / reports, t / reports * 1e6);
}

int main(int argc, char **argv)
{
	const char *datadir = getenv("LOOKOUT_DATADIR") ? getenv("LOOKOUT_DATADIR") : LOOKOUT_DATADIR;
	const char *deflt[] = { "tests/eval/labelled-ids.jsonl" };
	struct corpus c = { 0 };
	struct names *names = NULL;
	struct ids *ids = NULL;
	struct norm nm;
	struct err err;
	double seconds = 2;
	int i = 1, rc = 1, nfiles;
	const char **files;

	if (argc > 2 && strcmp(argv[1], "--seconds") == 0) {
		seconds = atof(argv[2]);
		i = 3;
	}
	files = i < argc ? (const char **)argv + i : deflt;
	nfiles = i < argc ? argc - i : 1;
	if (norm_init(&nm, &err) < 0) {
		fprintf(stderr, "bench_extract: %s\n", err.msg);
		return 1;
	}
	for (int k = 0; k < nfiles; k++)
		if (corpus_read(&c, &nm, files[k], &err) < 0)
			goto out;
	if (c.n == 0) {
		err_set(&err, "no texts");
		goto out;
	}
	if (!(ids = ids_new(datadir, &err)))
		goto out;
	names = names_new(datadir, &err);
	printf("# %zu reports of %.0f bytes on average, one core, %.0f s of CPU time each\n", c.n,
	       (double)c.bytes / c.n, seconds);
	measure("ids_extract", &c, seconds, run_ids, ids, NULL, NULL);
	if (names) {
		measure("names_extract", &c, seconds, run_names, names, NULL, NULL);
		measure("ids+names", &c, seconds, run_ids, ids, run_names, names);
	}
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "bench_extract: %s\n", err.msg);
	for (size_t k = 0; k < c.n; k++)
		free(c.v[k].text);
	free(c.v);
	ids_free(ids);
	names_free(names);
	norm_release(&nm);
	return rc;
}
