/*
 * bench_query: latency of the officer's ad-hoc queries.
 *
 *   bench_query DB [N]
 *
 * Draws N (default 1000) entities that have links, at random with a
 * fixed seed, and times `query entity`, `query expand --hops 2` and
 * `query path` (to another member of the same cluster, or to a random
 * linked entity when it has none) through the same functions the CLI
 * calls.  Prints p50, p99 and max per query kind.  Figures only.  With
 * BENCH_CPU set in the environment it times the process's CPU time
 * instead of the wall clock, for a machine that other work shares.
 */
#include "common/db.h"
#include "common/xalloc.h"
#include "graph/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(getenv("BENCH_CPU") ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void report(const char *what, double *ms, int n, int failed)
{
	if (n == 0) {
		printf("  %-16s no queries\n", what);
		return;
	}
	qsort(ms, (size_t)n, sizeof(*ms), cmp_double);
	printf("  %-16s n=%d  p50 %.3f ms  p99 %.3f ms  max %.3f ms%s\n", what, n,
	       ms[n / 2], ms[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1], ms[n - 1],
	       failed ? "  (some answered with an error)" : "");
}

/* Keys of n random linked, non-hub entities, and a partner for each. */
static int draw(struct db *db, int n, char ***keys, char ***partners, struct err *err)
{
	sqlite3_stmt *st;
	int got = 0;

	*keys = xcalloc((size_t)n, sizeof(char *));
	*partners = xcalloc((size_t)n, sizeof(char *));
	/* A fixed-seed draw: order by a hash of the id, not by random(). */
	if (db_prepare(db, &st,
		       "SELECT e.key, coalesce((SELECT e2.key FROM cluster_member m1"
		       "   JOIN cluster_member m2 ON m2.cluster_id = m1.cluster_id AND m2.night = m1.night"
		       "   JOIN entity e2 ON e2.id = m2.entity_id"
		       "   WHERE m1.entity_id = e.id AND m2.entity_id <> e.id"
		       "   ORDER BY (m2.entity_id * 2654435761) % 4294967296 LIMIT 1),"
		       "  (SELECT e3.key FROM entity e3 WHERE e3.id = (SELECT b FROM link WHERE a = e.id LIMIT 1)))"
		       " FROM entity e WHERE e.hub = 0 AND EXISTS (SELECT 1 FROM link WHERE a = e.id)"
		       " ORDER BY (e.id * 2654435761) % 4294967296 LIMIT ?", err) < 0)
		return -1;
	db_bind(st, err, "i", n);
	while (got < n && db_step(st, err) == 1) {
		(*keys)[got] = xstrdup(db_text(st, 0));
		(*partners)[got] = xstrdup(db_text(st, 1));
		got++;
	}
	db_finalize(st);
	return got;
}

int main(int argc, char **argv)
{
	struct db db;
	struct err err;
	struct gquery_opts o;
	char **keys, **partners;
	int n = argc > 2 ? atoi(argv[2]) : 1000, got;
	double *t_entity, *t_expand, *t_path;
	int f_entity = 0, f_expand = 0, f_path = 0;

	if (argc < 2 || n <= 0) {
		fprintf(stderr, "usage: bench_query DB [N]\n");
		return 2;
	}
	if (db_open_readonly(&db, argv[1], &err) < 0) {
		fprintf(stderr, "bench_query: %s\n", err.msg);
		return 1;
	}
	got = draw(&db, n, &keys, &partners, &err);
	if (got < 0) {
		fprintf(stderr, "bench_query: %s\n", err.msg);
		return 1;
	}
	t_entity = xcalloc((size_t)got + 1, sizeof(double));
	t_expand = xcalloc((size_t)got + 1, sizeof(double));
	t_path = xcalloc((size_t)got + 1, sizeof(double));
	for (int i = 0; i < got; i++) {
		cJSON *out = NULL;
		double t0;

		gquery_opts_init(&o);
		t0 = now_ms();
		f_entity |= gquery_entity(&db, keys[i], &o, &out, &err) < 0;
		t_entity[i] = now_ms() - t0;
		cJSON_Delete(out);
		out = NULL;

		o.hops = 2;
		t0 = now_ms();
		f_expand |= gquery_expand(&db, keys[i], &o, &out, &err) < 0;
		t_expand[i] = now_ms() - t0;
		cJSON_Delete(out);
		out = NULL;

		gquery_opts_init(&o);
		t0 = now_ms();
		f_path |= gquery_path(&db, keys[i], partners[i], &o, &out, &err) < 0;
		t_path[i] = now_ms() - t0;
		cJSON_Delete(out);
	}
	printf("  query latency over %d random linked entities:\n", got);
	report("entity", t_entity, got, f_entity);
	report("expand --hops 2", t_expand, got, f_expand);
	report("path", t_path, got, f_path);
	for (int i = 0; i < got; i++) {
		free(keys[i]);
		free(partners[i]);
	}
	free(keys);
	free(partners);
	free(t_entity);
	free(t_expand);
	free(t_path);
	db_close(&db);
	return 0;
}
