/*
 * bench_names: names_extract throughput on call-out texts of about 190
 * bytes, built from the labelled sentences (each text two or three of
 * them joined).  Prints texts per second and MB per second; never fails
 * on timing.
 *
 *   bench_names [N]      (default 200000 texts)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "analyze/extract_names.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

/* CPU time of this process: the machine is shared, and wall time then
 * measures the neighbours as much as us. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	const char *file = LOOKOUT_DATADIR "/../tests/eval/labelled-names.jsonl";
	struct err err;
	struct names *x = names_new(LOOKOUT_DATADIR, &err);
	char **sent = NULL, **texts;
	size_t nsent = 0, cap = 0, ntexts = 0, bytes = 0, mentions = 0;
	struct mention_list l;
	struct sbuf sb = SBUF_INIT;
	FILE *f;
	char *line = NULL;
	size_t lcap = 0;
	double t0, t1;

	if (!x || !(f = fopen(file, "r"))) {
		fprintf(stderr, "bench_names: %s\n", x ? file : err.msg);
		return 1;
	}
	while (getline(&line, &lcap, f) > 0) {
		cJSON *j = cJSON_Parse(line);
		const char *t = j ? cJSON_GetStringValue(cJSON_GetObjectItem(j, "text")) : NULL;

		if (t) {
			sent = xgrow(sent, &cap, nsent + 1, sizeof(*sent));
			sent[nsent++] = xstrdup(t);
		}
		cJSON_Delete(j);
	}
	fclose(f);
	free(line);
	/* texts of about 190 bytes: consecutive sentences joined */
	texts = xmalloc(nsent * sizeof(*texts));
	for (size_t i = 0; i < nsent; ) {
		sbuf_reset(&sb);
		while (i < nsent && sb.len < 170)
			sbuf_adds(&sb, sent[i++]);
		texts[ntexts++] = xstrdup(sbuf_str(&sb));
	}
	mention_list_init(&l);
	t0 = now();
	for (long i = 0; i < n; i++) {
		const char *t = texts[(size_t)i % ntexts];
		size_t len = strlen(t);

		mention_list_clear(&l);
		names_extract(x, t, len, &l);
		bytes += len;
		mentions += l.n;
	}
	t1 = now();
	printf("names_extract: %ld texts (avg %zu bytes, %.1f mentions each) in %.2f s CPU: "
	       "%.0f texts/s, %.1f MB/s\n", n, bytes / (size_t)n, (double)mentions / (double)n,
	       t1 - t0, (double)n / (t1 - t0), (double)bytes / (t1 - t0) / 1e6);
	for (size_t i = 0; i < nsent; i++)
		free(sent[i]);
	for (size_t i = 0; i < ntexts; i++)
		free(texts[i]);
	free(sent);
	free(texts);
	sbuf_release(&sb);
	mention_list_release(&l);
	names_free(x);
	return 0;
}
