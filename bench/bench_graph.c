/*
 * bench_graph: the graph stage on a synthetic district.
 *
 *   bench_graph DB [REPORTS]
 *
 * Writes (unless DB already holds a generated district) REPORTS reports
 * (default 1,000,000) with the entity, mention, link and category rows
 * analyze would make of them, then runs graph_run twice (a first night
 * and the next) and prints the time of each step and the peak memory.
 * Figures only, never a test.
 *
 * The district: persons in households of five, two households to a
 * building, a street per hundred buildings (a place level the stage
 * leaves out of clustering); most persons hold an ID card and a phone,
 * some drive.  Each report names one person (a few are named often),
 * usually with an identifier and the household's building, and in a
 * third of the reports a second person, from the household or from
 * anywhere (which makes a giant component, as real districts have).  A
 * few service numbers are hubs.  Every pair of a report's entities gets
 * a co_mention link, person-identifier pairs holds/uses/drives; each
 * link has its reports as evidence.  Deterministic (fixed seed).
 */
#include "common/db.h"
#include "common/xalloc.h"
#include "graph/graph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static uint64_t rng = 88172645463325252ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static long pick(long n)
{
	return (long)(next() % (uint64_t)n);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_secs(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static long peak_mb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024;
}

/* Entity ids by kind: persons first, then their identifiers, then places and hubs. */
struct layout {
	long persons, households, buildings, streets, hubs;
	long person0, idcard0, phone0, plate0, building0, street0, hub0, total;
};

static void plan(struct layout *l, long reports)
{
	l->persons = reports * 6 / 10;
	l->households = l->persons / 5 + 1;
	l->buildings = l->households / 2 + 1;
	l->streets = l->buildings / 100 + 1;
	l->hubs = 20;
	l->person0 = 1;
	l->idcard0 = l->person0 + l->persons;
	l->phone0 = l->idcard0 + l->persons;
	l->plate0 = l->phone0 + l->persons;
	l->building0 = l->plate0 + l->persons;
	l->street0 = l->building0 + l->buildings;
	l->hub0 = l->street0 + l->streets;
	l->total = l->hub0 + l->hubs;
}

/* Whether person p has an ID card, a phone, a plate (fixed per person). */
static int has(long p, int what)
{
	uint64_t h = (uint64_t)p * 0x9E3779B97F4A7C15ULL;

	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ULL;
	h ^= h >> 32;
	switch (what) {
	case 0: return h % 10 < 7;              /* idcard */
	case 1: return (h >> 8) % 10 < 8;       /* phone */
	default: return (h >> 16) % 10 < 1;     /* plate */
	}
}

struct gen {
	struct db *db;
	struct layout l;
	sqlite3_stmt *report, *cat, *mention, *link, *evid;
};

static int step(sqlite3_stmt *st, struct err *err)
{
	return db_step(st, err) < 0 ? -1 : 0;
}

static int entities(struct gen *g, struct err *err)
{
	sqlite3_stmt *st, *pl;
	const struct layout *l = &g->l;
	int rc = 0;

	if (db_prepare(g->db, &st, "INSERT INTO entity(id, type, key, display, hub, n_reports) "
		       "VALUES (?, ?, ?, ?, ?, 1)", err) < 0 ||
	    db_prepare(g->db, &pl, "INSERT INTO place(entity_id, level) VALUES (?, ?)", err) < 0)
		return -1;
	for (long id = 1; id < l->total && rc == 0; id++) {
		char key[64], disp[48];
		const char *type;
		int hub = 0;

		if (id < l->idcard0) {
			type = "person";
			snprintf(key, sizeof(key), "person:%ld", id);
			snprintf(disp, sizeof(disp), "人%ld", id % 5000);
		} else if (id < l->phone0) {
			type = "idcard";
			snprintf(disp, sizeof(disp), "3201021990%08ld", id - l->idcard0);
		} else if (id < l->plate0) {
			type = "phone";
			snprintf(disp, sizeof(disp), "139%08ld", id - l->phone0);
		} else if (id < l->building0) {
			type = "plate";
			snprintf(disp, sizeof(disp), "苏A%06ld", id - l->plate0);
		} else if (id < l->street0) {
			type = "place";
			snprintf(disp, sizeof(disp), "玄武区第%ld街%ld号", (id - l->building0) / 100,
				 (id - l->building0) % 100);
		} else if (id < l->hub0) {
			type = "place";
			snprintf(disp, sizeof(disp), "玄武区第%ld街", id - l->street0);
		} else {
			type = "phone";
			hub = 1;
			snprintf(disp, sizeof(disp), "9611%ld", id - l->hub0);
		}
		if (strcmp(type, "person"))
			snprintf(key, sizeof(key), "%s:%s", type, disp);
		rc = db_bind(st, err, "Isssi", (int64_t)id, type, key, disp, hub) < 0 ? -1 : step(st, err);
		if (rc == 0 && !strcmp(type, "place"))
			rc = db_bind(pl, err, "Is", (int64_t)id, id < l->street0 ? "building" : "street") < 0
			     ? -1 : step(pl, err);
	}
	db_finalize(st);
	db_finalize(pl);
	return rc;
}

/* Links are kept in a hash of (a, b, type) -> link id, so evidence can be added. */
struct lkey {
	int64_t a, b;
	int type;
	int64_t id;
};

struct links {
	struct lkey *slot;
	size_t cap, n;
};

static const char *const ltypes[] = { "co_mention", "holds", "uses", "drives" };

static int64_t link_id(struct gen *g, struct links *ls, int64_t a, int64_t b, int type,
		       const char *day, struct err *err)
{
	uint64_t h;
	size_t i;

	if (a > b) {
		int64_t t = a;

		a = b;
		b = t;
	}
	h = ((uint64_t)a * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)b * 0xC2B2AE3D27D4EB4FULL) ^ (uint64_t)type;
	for (i = h & (ls->cap - 1); ls->slot[i].id; i = (i + 1) & (ls->cap - 1))
		if (ls->slot[i].a == a && ls->slot[i].b == b && ls->slot[i].type == type)
			return ls->slot[i].id;
	if (db_bind(g->link, err, "IIsss", a, b, ltypes[type], day, day) < 0 || step(g->link, err) < 0)
		return -1;
	ls->slot[i].a = a;
	ls->slot[i].b = b;
	ls->slot[i].type = type;
	ls->slot[i].id = db_last_id(g->db);
	ls->n++;
	return ls->slot[i].id;
}

static int add_link(struct gen *g, struct links *ls, int64_t a, int64_t b, int type,
		    int64_t report, const char *day, struct err *err)
{
	int64_t id = link_id(g, ls, a, b, type, day, err);

	if (id < 0)
		return -1;
	if (db_bind(g->evid, err, "II", id, report) < 0 || step(g->evid, err) < 0)
		return -1;
	return 0;
}

static int reports(struct gen *g, long n, struct err *err)
{
	static const char *const crimes[] = { "burglary", "theft", "fraud", "vehicle_theft", "assault" };
	const struct layout *l = &g->l;
	struct links ls = { 0 };
	int rc = 0;

	ls.cap = 1;
	while (ls.cap < (size_t)n * 8)
		ls.cap <<= 1;
	ls.slot = xcalloc(ls.cap, sizeof(*ls.slot));
	for (long r = 1; r <= n && rc == 0; r++) {
		int64_t ents[8], persons[2];
		int ne = 0, np = 0, types[8];
		long p = (next() % 10 < 2) ? pick(l->persons / 50 + 1) : pick(l->persons);
		long day = r * 100 / n;
		char at[40], ext[24], hash[24], dd[16];

		snprintf(dd, sizeof(dd), "2026-%02d-%02d", (int)(8 + day / 30 % 4), (int)(1 + day % 28));
		snprintf(at, sizeof(at), "%sT%02d:00:00+08:00", dd, (int)(r % 24));
		snprintf(ext, sizeof(ext), "R%ld", r);
		snprintf(hash, sizeof(hash), "h%ld", r);
		if (db_bind(g->report, err, "Isssss", (int64_t)r, ext, next() % 3 ? "incident" : "tip",
			    at, at, hash) < 0 || step(g->report, err) < 0) {
			rc = -1;
			break;
		}
		if (next() % 10 < 3 && (db_bind(g->cat, err, "Is", (int64_t)r, crimes[pick(5)]) < 0 ||
					step(g->cat, err) < 0)) {
			rc = -1;
			break;
		}
		persons[np++] = p;
		if (next() % 3 == 0) {
			long q = next() % 10 < 6 ? (p / 5) * 5 + pick(5) : pick(l->persons);

			persons[np++] = q < l->persons ? q : p;
		}
		if (np == 2 && persons[1] == persons[0])
			np = 1;
		for (int i = 0; i < np; i++) {
			long q = persons[i];

			ents[ne] = l->person0 + q, types[ne++] = -1;
			if (has(q, 1) && next() % 2)
				ents[ne] = l->phone0 + q, types[ne++] = 2;
			else if (has(q, 0) && next() % 3 == 0)
				ents[ne] = l->idcard0 + q, types[ne++] = 1;
			else if (has(q, 2) && next() % 2)
				ents[ne] = l->plate0 + q, types[ne++] = 3;
		}
		if (next() % 10 < 7) {
			long b = p / 10;

			ents[ne] = l->building0 + b, types[ne++] = 0;
			if (next() % 4 == 0)
				ents[ne] = l->street0 + b / 100, types[ne++] = 0;
		}
		if (next() % 100 == 0)
			ents[ne] = l->hub0 + pick(l->hubs), types[ne++] = 0;
		for (int i = 0; i < ne && rc == 0; i++)
			if (db_bind(g->mention, err, "II", (int64_t)r, ents[i]) < 0 || step(g->mention, err) < 0)
				rc = -1;
		/* A person and their identifier: holds/uses/drives; every other pair: co_mention. */
		for (int i = 0; i < ne && rc == 0; i++) {
			for (int j = i + 1; j < ne && rc == 0; j++) {
				int t = types[i] < 0 && types[j] > 0 && j == i + 1 ? types[j] : 0;

				if (ents[i] >= l->hub0 || ents[j] >= l->hub0) {
					if (t == 0 && j == ne - 1 && i == 0)
						rc = add_link(g, &ls, ents[i], ents[j], 0, (int64_t)r, dd, err);
					continue;
				}
				rc = add_link(g, &ls, ents[i], ents[j], t, (int64_t)r, dd, err);
			}
		}
		if (r % 100000 == 0)
			fprintf(stderr, "  generated %ld reports, %zu links\r", r, ls.n);
	}
	fprintf(stderr, "\n");
	free(ls.slot);
	return rc;
}

static int generate(struct db *db, long n, struct err *err)
{
	struct gen g = { .db = db };
	int rc;

	plan(&g.l, n);
	if (db_exec(db, "PRAGMA synchronous = OFF", err) < 0 || db_begin(db, err) < 0 ||
	    db_run(db, err, "INSERT INTO batch(id, file, sha256, format, encoding, status, ingested_at) "
		   "VALUES (1, 'bench', 'x', 'jsonl', 'utf-8', 'done', '2026-11-01')", "") < 0)
		return -1;
	rc = db_prepare(db, &g.report, "INSERT INTO report(id, source, ext_id, kind, received_at, "
			"occurred_at, reliability, credibility, text, raw, content_hash, batch_id, line) "
			"VALUES (?, '110', ?, ?, ?, ?, 'B', 2, '', x'00', ?, 1, 1)", err);
	if (rc == 0)
		rc = db_prepare(db, &g.cat, "INSERT INTO report_category(report_id, category, is_primary) "
				"VALUES (?, ?, 1)", err);
	if (rc == 0)
		rc = db_prepare(db, &g.mention, "INSERT INTO mention(report_id, entity_id, surface, rule, "
				"confidence) VALUES (?, ?, 's', 'bench', 1)", err);
	if (rc == 0)
		rc = db_prepare(db, &g.link, "INSERT INTO link(a, b, type, weight, first_seen, last_seen) "
				"VALUES (?, ?, ?, 0.64, ?, ?)", err);
	if (rc == 0)
		rc = db_prepare(db, &g.evid, "INSERT OR IGNORE INTO link_evidence(link_id, report_id) "
				"VALUES (?, ?)", err);
	if (rc == 0)
		rc = entities(&g, err);
	if (rc == 0)
		rc = reports(&g, n, err);
	/* analyze sums the evidence into the weight */
	if (rc == 0)
		rc = db_exec(db, "UPDATE link SET weight = 0.64 * (SELECT count(*) FROM link_evidence "
			     "WHERE link_id = link.id)", err);
	db_finalize(g.report);
	db_finalize(g.cat);
	db_finalize(g.mention);
	db_finalize(g.link);
	db_finalize(g.evid);
	if (rc < 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db, err);
}

static void show(const char *night, const struct graph_summary *s, double wall, double cpu)
{
	printf("graph %s: %ld entities, %ld edges, %ld left out, %ld components, %ld clusters "
	       "(%ld new, %ld grown, %ld shrunk, %ld merged, %ld split, %ld same, %ld gone), "
	       "%ld series, %ld companions, by %s\n",
	       night, s->entities, s->links, s->hubs, s->components, s->clusters, s->cl_new,
	       s->cl_grown, s->cl_shrunk, s->cl_merged, s->cl_split, s->cl_same, s->cl_gone,
	       s->series, s->companions, s->method);
	printf("  load + build (SQLite, companions)  %7.2f s CPU\n", s->secs_load);
	printf("  components + Leiden                %7.2f s CPU\n", s->secs_cluster);
	printf("  PageRank + betweenness             %7.2f s CPU\n", s->secs_centrality);
	printf("  build + Leiden + centrality        %7.2f s CPU (target 30 s)\n",
	       s->secs_load + s->secs_cluster + s->secs_centrality);
	printf("  mentions, crime reports, matching  %7.2f s CPU\n", s->secs_crimes);
	printf("  clusters, members, scores written  %7.2f s CPU\n", s->secs_write);
	printf("  series                             %7.2f s CPU\n", s->secs_series);
	printf("  cluster pictures                   %7.2f s CPU\n", s->secs_layout);
	printf("  old members dropped, commit        %7.2f s CPU\n", s->secs_commit);
	printf("  whole stage (series, writes, commit) %5.2f s CPU, %.2f s wall, peak RSS %ld MB\n",
	       cpu, wall, peak_mb());
}

int main(int argc, char **argv)
{
	struct db db = { 0 };
	struct err err;
	struct graph_opts opts = { NULL, LOOKOUT_DATADIR };
	struct graph_summary sum;
	long n = argc > 2 ? atol(argv[2]) : 1000000;
	int64_t have = 0;
	double t0, c0;
	char night[16];

	if (argc < 2 || n <= 0) {
		fprintf(stderr, "usage: bench_graph DB [REPORTS]\n");
		return 2;
	}
	if (db_open(&db, argv[1], &err) < 0 ||
	    db_int(&db, &err, &have, "SELECT count(*) FROM report", "") < 0)
		goto fail;
	if (!have) {
		t0 = now();
		fprintf(stderr, "generating %ld reports into %s\n", n, argv[1]);
		if (generate(&db, n, &err) < 0)
			goto fail;
		fprintf(stderr, "generated in %.1f s\n", now() - t0);
	}
	printf("# bench_graph: %lld reports, %s\n", (long long)(have ? have : n), argv[1]);
	/* Two nights after any computed before, so the same database can be reused. */
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *st;

		if (db_prepare(&db, &st, "SELECT date(coalesce(max(night), '2026-11-19'), '+1 day') "
			       "FROM stage_run WHERE stage = 'graph' AND status = 'ok'", &err) < 0 ||
		    db_step(st, &err) != 1) {
			db_finalize(st);
			goto fail;
		}
		snprintf(night, sizeof(night), "%s", db_text(st, 0));
		db_finalize(st);
		opts.night = night;
		t0 = now();
		c0 = cpu_secs();
		if (graph_run(&db, &opts, &sum, &err) < 0)
			goto fail;
		show(opts.night, &sum, now() - t0, cpu_secs() - c0);
	}
	db_close(&db);
	return 0;
fail:
	fprintf(stderr, "bench_graph: %s\n", err.msg);
	db_close(&db);
	return 1;
}
