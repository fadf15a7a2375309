/*
 * test_graph: the graph stage on small hand-built graphs with known
 * answers.  Each test builds a fresh database through common/db.h with
 * hand-written report, entity, mention and link rows (what analyze would
 * write), runs graph_run and reads the graph tables back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/db.h"
#include "common/apart.h"
#include "graph/companion.h"
#include "graph/graph.h"
#include "graph/ig.h"
#include "graph/match.h"
#include "graph/previous.h"
#include "graph/query.h"

struct fx {
	struct db db;
	char path[64];
	int nreports;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct err err;
	int fd;

	snprintf(f->path, sizeof(f->path), "/tmp/test_graph.XXXXXX");
	fd = mkstemp(f->path);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(f->path);
	if (db_open(&f->db, f->path, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	if (db_run(&f->db, &err, "INSERT INTO batch(id, file, sha256, format, encoding, status, "
		   "ingested_at) VALUES (1, 't', 'x', 'jsonl', 'utf-8', 'done', '2026-11-01')", "") < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char wal[80];

	db_close(&f->db);
	unlink(f->path);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", f->path);
	unlink(wal);
	free(f);
	return 0;
}

static void sql(struct fx *f, const char *q)
{
	struct err err;

	if (db_exec(&f->db, q, &err) < 0)
		fail_msg("%s", err.msg);
}

static int64_t num(struct fx *f, const char *q, const char *arg)
{
	struct err err;
	int64_t v;

	if (db_int(&f->db, &err, &v, q, arg ? "s" : "", arg) < 0)
		fail_msg("%s", err.msg);
	return v;
}

static char *text(struct fx *f, const char *q, const char *arg)
{
	sqlite3_stmt *st;
	struct err err;
	char *s;

	if (db_prepare(&f->db, &st, q, &err) < 0 || db_bind(st, &err, arg ? "s" : "", arg) < 0)
		fail_msg("%s", err.msg);
	s = strdup(db_step(st, &err) == 1 ? db_text(st, 0) : "");
	db_finalize(st);
	return s;
}

/* A report "src/id" received at `when` ("2026-11-03" or with a time), of a kind and category. */
static int64_t report(struct fx *f, const char *src, const char *id, const char *kind,
		      const char *when, const char *category, const char *venue)
{
	struct err err;
	char at[40], hash[32], fields[200];

	snprintf(at, sizeof(at), strlen(when) > 10 ? "%s:00+08:00" : "%sT10:00:00+08:00", when);
	snprintf(hash, sizeof(hash), "h%d", ++f->nreports);
	snprintf(fields, sizeof(fields), venue ? "{\"venue\":\"%s\"}" : "{}", venue);
	if (db_run(&f->db, &err, "INSERT INTO report(source, ext_id, kind, received_at, occurred_at, "
		   "reliability, credibility, text, fields, raw, content_hash, batch_id, line) "
		   "VALUES (?, ?, ?, ?, ?, 'B', 2, 'text', ?, x'00', ?, 1, 1)",
		   "sssssss", src, id, kind, at, at, fields, hash) < 0)
		fail_msg("%s", err.msg);
	if (category && db_run(&f->db, &err, "INSERT INTO report_category(report_id, category, is_primary) "
			       "VALUES (?, ?, 1)", "Is", db_last_id(&f->db), category) < 0)
		fail_msg("%s", err.msg);
	return num(f, "SELECT id FROM report WHERE content_hash = ?", hash);
}

static int64_t entity(struct fx *f, const char *key, int hub)
{
	struct err err;
	char type[32];
	size_t n = strcspn(key, ":");

	snprintf(type, sizeof(type), "%.*s", (int)n, key);
	if (db_run(&f->db, &err, "INSERT INTO entity(type, key, display, hub) VALUES (?, ?, ?, ?)",
		   "sssi", type, key, key + n + 1, hub) < 0)
		fail_msg("%s", err.msg);
	return db_last_id(&f->db);
}

static void mention(struct fx *f, int64_t rep, int64_t ent)
{
	struct err err;

	if (db_run(&f->db, &err, "INSERT INTO mention(report_id, entity_id, surface, rule, confidence) "
		   "VALUES (?, ?, 's', 'test', 1)", "II", rep, ent) < 0)
		fail_msg("%s", err.msg);
}

/* A link a-b seen on `day`, evidenced by report rep (0: none). */
/* n phone entities, "phone:" stem and a digit, their ids in b. */
static void phones(struct fx *f, const char *stem, int n, int64_t *b)
{
	for (int i = 0; i < n; i++) {
		char key[32];

		snprintf(key, sizeof(key), "phone:%s%d", stem, i);
		b[i] = entity(f, key, 0);
	}
}

static void add_link(struct fx *f, int64_t a, int64_t b, const char *type, const char *day, int64_t rep)
{
	struct err err;

	if (db_run(&f->db, &err, "INSERT INTO link(a, b, type, weight, first_seen, last_seen) "
		   "VALUES (?, ?, ?, 1.0, ?, ?)", "IIsss", a < b ? a : b, a < b ? b : a, type, day, day) < 0)
		fail_msg("%s", err.msg);
	if (rep && db_run(&f->db, &err, "INSERT INTO link_evidence(link_id, report_id) VALUES (?, ?)",
			  "II", db_last_id(&f->db), rep) < 0)
		fail_msg("%s", err.msg);
}

/* Link every pair of the n entities (a clique). */
static void clique(struct fx *f, const int64_t *e, int n, const char *day)
{
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			add_link(f, e[i], e[j], "co_mention", day, 0);
}

/* The stage for night with the data files of dir. */
static void run_in(struct fx *f, const char *night, const char *dir, struct graph_summary *sum)
{
	struct graph_opts opts = { night, dir };
	struct err err;

	if (graph_run(&f->db, &opts, sum, &err) < 0)
		fail_msg("%s", err.msg);
}

static void run(struct fx *f, const char *night, struct graph_summary *sum)
{
	run_in(f, night, LOOKOUT_DATADIR, sum);
}

/* The label of the cluster an entity is in tonight, or "". */
static char *cluster_of(struct fx *f, const char *key)
{
	return text(f, "SELECT c.label FROM entity e JOIN cluster_member m ON m.entity_id = e.id "
		    "JOIN cluster c ON c.id = m.cluster_id AND m.night = c.night "
		    "WHERE e.key = ? AND c.status <> 'gone'", key);
}

static void test_components(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	int64_t a[3], b[4];
	char *ca, *cb;

	a[0] = entity(f, "person:1", 0);
	a[1] = entity(f, "phone:13800000001", 0);
	a[2] = entity(f, "plate:苏A00001", 0);
	for (int i = 0; i < 4; i++) {
		char key[32];

		snprintf(key, sizeof(key), "phone:1390000000%d", i);
		b[i] = entity(f, key, 0);
	}
	entity(f, "person:99", 0);      /* alone */
	clique(f, a, 3, "2026-11-01");
	for (int i = 1; i < 4; i++)
		add_link(f, b[0], b[i], "co_mention", "2026-11-01", 0);
	run(f, "2026-11-02", &sum);
	assert_int_equal(sum.entities, 8);
	assert_int_equal(sum.links, 6);
	assert_int_equal(sum.components, 2);
	assert_int_equal(sum.clusters, 2);
	assert_int_equal(sum.cl_new, 2);
	/* A component is known by its smallest entity id. */
	assert_int_equal(num(f, "SELECT component FROM entity_score s JOIN entity e ON e.id = s.entity_id "
			     "WHERE e.key = ?", "phone:13900000002"), b[0]);
	assert_int_equal(num(f, "SELECT component FROM entity_score s JOIN entity e ON e.id = s.entity_id "
			     "WHERE e.key = ?", "plate:苏A00001"), a[0]);
	assert_int_equal(num(f, "SELECT count(*) FROM entity_score s JOIN entity e ON e.id = s.entity_id "
			     "WHERE e.key = ?", "person:99"), 0);
	ca = cluster_of(f, "person:1");
	cb = cluster_of(f, "phone:13900000003");
	assert_string_equal(ca, "C-0001");
	assert_string_equal(cb, "C-0002");
	free(ca);
	free(cb);
	/* The centre of the star is the key player; the last leaf comes last. */
	assert_int_equal(num(f, "SELECT rank FROM cluster_member m JOIN entity e ON e.id = m.entity_id "
			     "WHERE e.key = ?", "phone:13900000000"), 1);
	assert_int_equal(num(f, "SELECT rank FROM cluster_member m JOIN entity e ON e.id = m.entity_id "
			     "WHERE e.key = ?", "phone:13900000003"), 4);
	assert_true(num(f, "SELECT betweenness * 10 FROM entity_score s JOIN entity e ON e.id = s.entity_id "
			"WHERE e.key = ?", "phone:13900000000") == 30);
	/* The stage reads through a memory map and puts it back, with the foreign keys. */
	assert_int_equal(num(f, "PRAGMA mmap_size", NULL), 0);
	assert_int_equal(num(f, "PRAGMA foreign_keys", NULL), 1);
}

static void test_hub_does_not_glue(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	int64_t a[3], b[3], hub;
	char *ca, *cb, *ch;

	a[0] = entity(f, "person:1", 0);
	a[1] = entity(f, "phone:13800000001", 0);
	a[2] = entity(f, "plate:苏A00001", 0);
	b[0] = entity(f, "person:2", 0);
	b[1] = entity(f, "phone:13800000002", 0);
	b[2] = entity(f, "plate:苏A00002", 0);
	hub = entity(f, "phone:110", 1);
	clique(f, a, 3, "2026-11-01");
	clique(f, b, 3, "2026-11-01");
	for (int i = 0; i < 3; i++) {
		add_link(f, a[i], hub, "co_mention", "2026-11-01", 0);
		add_link(f, b[i], hub, "co_mention", "2026-11-01", 0);
	}
	run(f, "2026-11-02", &sum);
	assert_int_equal(sum.hubs, 1);
	assert_int_equal(sum.components, 2);
	assert_int_equal(sum.clusters, 2);
	ca = cluster_of(f, "person:1");
	cb = cluster_of(f, "person:2");
	ch = cluster_of(f, "phone:110");
	assert_string_not_equal(ca, cb);
	assert_string_equal(ch, "");
	/* Still queryable: the hub has its degree, and no PageRank. */
	assert_int_equal(num(f, "SELECT degree FROM entity_score s JOIN entity e ON e.id = s.entity_id "
			     "WHERE e.key = ?", "phone:110"), 6);
	assert_int_equal(num(f, "SELECT component FROM entity_score s JOIN entity e ON e.id = s.entity_id "
			     "WHERE e.key = ?", "phone:110"), 0);
	free(ca);
	free(cb);
	free(ch);
}

/*
 * A planted series: burglary R1 names phone X, burglary R2 four days later
 * names person P, and P uses X (a hotel register row says so).  R3, a
 * theft at the same street as R1, shares only the place and stays out;
 * R4 and R5 share only a hub number and make no series.  The register row
 * also names a plate, so that person, phone and plate make a cluster.
 */
static void test_series(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	int64_t r1, r2, r3, r4, r5, reg, x, p, w, plc, plc2, hub, y1, y2;
	char *chain, *key;

	r1 = report(f, "110", "J1", "incident", "2026-11-01", "burglary", NULL);
	r2 = report(f, "110", "J2", "incident", "2026-11-05", "burglary", NULL);
	r3 = report(f, "110", "J3", "incident", "2026-11-06", "theft", NULL);
	r4 = report(f, "hotline", "T4", "tip", "2026-11-02", "fraud", NULL);
	r5 = report(f, "hotline", "T5", "tip", "2026-11-03", "fraud", NULL);
	reg = report(f, "hotel-register", "H1", "lodging", "2026-11-03 22:00", NULL, "如家酒店");
	x = entity(f, "phone:13912345678", 0);
	p = entity(f, "person:7", 0);
	plc = entity(f, "place:幸福路12号", 0);
	plc2 = entity(f, "place:幸福路14号", 0);
	hub = entity(f, "phone:96110", 1);
	w = entity(f, "plate:苏A99999", 0);
	y1 = entity(f, "person:8", 0);
	y2 = entity(f, "person:9", 0);
	mention(f, r1, x);
	mention(f, r1, plc);
	mention(f, r2, p);
	mention(f, r2, plc2);
	mention(f, r3, plc);
	mention(f, reg, p);
	mention(f, reg, x);
	mention(f, reg, w);
	mention(f, r4, hub);
	mention(f, r4, y1);
	mention(f, r5, hub);
	mention(f, r5, y2);
	add_link(f, x, plc, "co_mention", "2026-11-01", r1);
	add_link(f, p, plc2, "co_mention", "2026-11-05", r2);
	add_link(f, p, x, "uses", "2026-11-03", reg);
	add_link(f, p, w, "co_mention", "2026-11-03", reg);
	add_link(f, x, w, "co_mention", "2026-11-03", reg);
	add_link(f, plc, plc2, "co_mention", "2026-11-06", 0);
	add_link(f, hub, y1, "co_mention", "2026-11-02", r4);
	add_link(f, hub, y2, "co_mention", "2026-11-03", r5);
	run(f, "2026-11-06", &sum);
	assert_int_equal(sum.series, 1);
	assert_int_equal(num(f, "SELECT n_reports FROM series", NULL), 2);
	assert_int_equal(num(f, "SELECT n_days FROM series", NULL), 2);
	key = text(f, "SELECT key || ' ' || categories || ' ' || first_night FROM series", NULL);
	assert_string_equal(key, "110/J1 burglary 2026-11-06");
	assert_int_equal(num(f, "SELECT count(*) FROM series_report WHERE report_id = "
			     "(SELECT id FROM report WHERE ext_id = ?)", "J3"), 0);
	chain = text(f, "SELECT chain FROM series_pair", NULL);
	assert_string_equal(chain,
		"[{\"from\":\"110/J1\",\"to\":\"phone:13912345678\",\"type\":\"mention\",\"reports\":[\"110/J1\"]},"
		"{\"from\":\"phone:13912345678\",\"to\":\"person:7\",\"type\":\"uses\",\"weight\":1,"
		"\"reports\":[\"hotel-register/H1\"]},"
		"{\"from\":\"person:7\",\"to\":\"110/J2\",\"type\":\"mention\",\"reports\":[\"110/J2\"]}]");
	assert_int_equal(num(f, "SELECT hops FROM series_pair", NULL), 3);
	/* strength = phone 0.8 * person 0.7 * hop_decay 0.8 */
	assert_int_equal(num(f, "SELECT round(strength * 1000) FROM series_pair", NULL), 448);
	assert_true(num(f, "SELECT score > 0 AND score < 1 FROM series", NULL));
	free(chain);
	free(key);
}

/*
 * A caller reports two burglaries a week apart: the same person in the
 * reporter role joins no series.  Two burglaries naming one person with
 * no role (a suspect) do make one.
 */
static void test_series_skips_reporters(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	int64_t r1, r2, r3, r4, caller, suspect, c1[3], c2[3];

	r1 = report(f, "110", "J1", "incident", "2026-11-01", "burglary", NULL);
	r2 = report(f, "110", "J2", "incident", "2026-11-08", "burglary", NULL);
	r3 = report(f, "110", "J3", "incident", "2026-11-02", "burglary", NULL);
	r4 = report(f, "110", "J4", "incident", "2026-11-04", "burglary", NULL);
	caller = entity(f, "person:1", 0);
	suspect = entity(f, "person:2", 0);
	mention(f, r1, caller);
	mention(f, r2, caller);
	mention(f, r3, suspect);
	mention(f, r4, suspect);
	/* Each with a phone and a plate, so both are in a cluster. */
	c1[0] = caller;
	c1[1] = entity(f, "phone:13800000001", 0);
	c1[2] = entity(f, "plate:苏A00001", 0);
	c2[0] = suspect;
	c2[1] = entity(f, "phone:13800000002", 0);
	c2[2] = entity(f, "plate:苏A00002", 0);
	clique(f, c1, 3, "2026-11-01");
	clique(f, c2, 3, "2026-11-01");
	sql(f, "UPDATE mention SET role = 'reporter' WHERE entity_id = "
	    "(SELECT id FROM entity WHERE key = 'person:1')");
	run(f, "2026-11-08", &sum);
	assert_int_equal(sum.series, 1);
	assert_int_equal(num(f, "SELECT count(*) FROM series_report x JOIN report r "
			     "ON r.id = x.report_id WHERE r.ext_id IN ('J1', 'J2') AND ? IS NULL", NULL), 0);
	assert_int_equal(num(f, "SELECT n_reports FROM series", NULL), 2);
}

/*
 * A person is the victim of two burglaries and a suspect in two others:
 * the two where the person is a suspect make a series, and the two where
 * the person is the victim join none, although the person is not only
 * ever named as a victim.
 */
static void test_series_skips_victim_reports(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	int64_t r[4], c[3];

	r[0] = report(f, "110", "J1", "incident", "2026-11-01", "burglary", NULL);
	r[1] = report(f, "110", "J2", "incident", "2026-11-03", "burglary", NULL);
	r[2] = report(f, "110", "J3", "incident", "2026-11-05", "burglary", NULL);
	r[3] = report(f, "110", "J4", "incident", "2026-11-07", "burglary", NULL);
	c[0] = entity(f, "person:1", 0);
	c[1] = entity(f, "phone:13800000001", 0);
	c[2] = entity(f, "plate:苏A00001", 0);
	for (int i = 0; i < 4; i++)
		mention(f, r[i], c[0]);
	clique(f, c, 3, "2026-11-01");
	sql(f, "UPDATE mention SET role = 'victim' WHERE report_id IN "
	    "(SELECT id FROM report WHERE ext_id IN ('J1', 'J2'))");
	sql(f, "UPDATE mention SET role = 'suspect' WHERE report_id IN "
	    "(SELECT id FROM report WHERE ext_id IN ('J3', 'J4'))");
	run(f, "2026-11-08", &sum);
	assert_int_equal(sum.series, 1);
	assert_int_equal(num(f, "SELECT n_reports FROM series", NULL), 2);
	assert_int_equal(num(f, "SELECT count(*) FROM series_report x JOIN report r "
			     "ON r.id = x.report_id WHERE r.ext_id IN ('J3', 'J4') AND ? IS NULL", NULL), 2);
}

/*
 * One burglary, R1, names two phones of two separate crews, each crew
 * named again by a later burglary: R1 opens a series in each, so the
 * second key gets its cluster's label; each series gets its own score,
 * and running the night again gives the same rows.
 */
static void test_series_shared_report(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	int64_t r1, r2, r3, a[3], b[3];
	char *before, *after;
	const char *all = "SELECT group_concat(key || ' ' || n_reports || ' ' || round(score, 6), '; ') "
			  "FROM (SELECT * FROM series ORDER BY id)";

	r1 = report(f, "110", "J1", "incident", "2026-11-01", "burglary", NULL);
	r2 = report(f, "110", "J2", "incident", "2026-11-05", "burglary", NULL);
	r3 = report(f, "110", "J3", "incident", "2026-11-07", "burglary", NULL);
	a[0] = entity(f, "phone:13800000011", 0);
	a[1] = entity(f, "person:11", 0);
	a[2] = entity(f, "plate:苏A00011", 0);
	b[0] = entity(f, "phone:13800000022", 0);
	b[1] = entity(f, "person:22", 0);
	b[2] = entity(f, "plate:苏A00022", 0);
	clique(f, a, 3, "2026-11-01");
	clique(f, b, 3, "2026-11-01");
	mention(f, r1, a[0]);
	mention(f, r1, b[0]);
	mention(f, r2, a[1]);
	mention(f, r3, b[1]);
	run(f, "2026-11-07", &sum);
	assert_int_equal(sum.series, 2);
	assert_int_equal(num(f, "SELECT count(*) FROM series WHERE key = ?", "110/J1"), 1);
	assert_int_equal(num(f, "SELECT count(*) FROM series WHERE key LIKE ?", "110/J1@C-%"), 1);
	assert_int_equal(num(f, "SELECT count(*) FROM series WHERE score > 0 AND score < 1", NULL), 2);
	assert_int_equal(num(f, "SELECT count(*) FROM series_pair", NULL), 2);
	before = text(f, all, NULL);
	run(f, "2026-11-07", &sum);
	after = text(f, all, NULL);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/*
 * A person linked to 600 phones: expand keeps 500 a hop and says so; the
 * phone linked to two of them is kept before the others at the second hop.
 */
static void test_expand_cap(void **state)
{
	struct fx *f = *state;
	struct gquery_opts o;
	struct err err;
	cJSON *res = NULL;
	int64_t p, ph[600];
	char key[32];

	p = entity(f, "person:1", 0);
	for (int i = 0; i < 600; i++) {
		snprintf(key, sizeof(key), "phone:139%08d", i);
		ph[i] = entity(f, key, 0);
		add_link(f, p, ph[i], "uses", "2026-11-01", 0);
	}
	gquery_opts_init(&o);
	assert_int_equal(gquery_expand(&f->db, "person:1", &o, &res, &err), 0);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(res, "truncated")));
	assert_int_equal(cJSON_GetObjectItem(res, "total")->valueint, 500);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(res, "nodes")), 50);
	cJSON_Delete(res);
	o.limit = 1000;
	assert_int_equal(gquery_expand(&f->db, "phone:13900000001", &o, &res, &err), 0);
	assert_null(cJSON_GetObjectItem(res, "truncated"));
	assert_int_equal(cJSON_GetObjectItem(res, "total")->valueint, 1);
	cJSON_Delete(res);
}

/* Persons a and b check in together on three nights; c and d on two only. */
static void test_companions(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	int64_t a = entity(f, "person:1", 0), b = entity(f, "person:2", 0);
	int64_t c = entity(f, "person:3", 0), d = entity(f, "person:4", 0);
	int64_t e = entity(f, "person:5", 0), g = entity(f, "person:6", 0);
	static const char *const nights[] = { "2026-11-01 23:10", "2026-11-05 21:00", "2026-11-09 22:30" };
	char id[16], when[32];
	char *s;

	for (int i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "A%d", i);
		mention(f, report(f, "hotel-register", id, "lodging", nights[i], NULL, "如家酒店"), a);
		/* b arrives after midnight: still the same hotel night */
		snprintf(id, sizeof(id), "B%d", i);
		snprintf(when, sizeof(when), "%.10s 23:59", nights[i]);
		if (i == 1)
			snprintf(when, sizeof(when), "2026-11-06 01:30");
		mention(f, report(f, "hotel-register", id, "lodging", when, NULL, "如家酒店"), b);
		snprintf(id, sizeof(id), "C%d", i);
		mention(f, report(f, "hotel-register", id, "lodging", nights[i], NULL, "七天酒店"), c);
		snprintf(id, sizeof(id), "D%d", i);
		/* d is there on the first two nights only */
		mention(f, report(f, "hotel-register", id, "lodging", i < 2 ? nights[i] : "2026-11-12 20:00",
				  NULL, "七天酒店"), d);
		/* e and f at a café: 20 minutes apart is together, 45 is not */
		snprintf(id, sizeof(id), "E%d", i);
		snprintf(when, sizeof(when), "2026-11-0%d 14:00", i + 1);
		mention(f, report(f, "netcafe-register", id, "netcafe", when, NULL, "星空网吧"), e);
		snprintf(id, sizeof(id), "F%d", i);
		snprintf(when, sizeof(when), "2026-11-0%d 14:%d", i + 1, i == 2 ? 45 : 20);
		mention(f, report(f, "netcafe-register", id, "netcafe", when, NULL, "星空网吧"), g);
	}
	run(f, "2026-11-12", &sum);
	assert_int_equal(sum.companions, 1);
	s = text(f, "SELECT ea.key || ' ' || eb.key || ' ' || occasions || ' ' || kinds || ' ' || venues "
		 "FROM companion JOIN entity ea ON ea.id = a JOIN entity eb ON eb.id = b", NULL);
	assert_string_equal(s, "person:1 person:2 3 hotel 如家酒店");
	free(s);
	assert_int_equal(num(f, "SELECT count(*) FROM companion_evidence", NULL), 6);
	/* Each used the hotel on 3 of its 3 active nights: expected 3, so no surprise at all. */
	assert_int_equal(num(f, "SELECT round(expected * 100) FROM companion", NULL), 300);
	assert_int_equal(num(f, "SELECT round(chance * 1000) FROM companion", NULL), 577);
	/* The pair is linked in the graph now: one cluster is too small, but they are a component. */
	assert_int_equal(sum.components, 1);
	(void)c;
	(void)d;
}

/*
 * Matching on arrays alone, last night's members in no particular order
 * (the overlaps are sorted by new cluster, then old): old C-0003 (4) and
 * C-0008 (3) are merged into one cluster, which keeps 3, the larger
 * part; C-0012 lost one member and left the other alone in a new cluster
 * with a newcomer, too small a share to continue it.
 */
static void test_match(void **state)
{
	static const int64_t old_id[] = { 3, 8, 12 };
	static const long old_size[] = { 4, 3, 2 }, new_size[] = { 7, 2 };
	static const int32_t clu[] = { 0, 0, 0, 0, 0, 0, 0, -1, 1, 1 };
	static const int32_t mem_old[] = { 1, 0, 2, 0, 1, 2, 0, 1, 0 };
	static const int32_t mem_vertex[] = { 4, 0, 7, 1, 5, 8, 2, 6, 3 };
	struct gmatch_in in = { 2, new_size, clu, 3, old_id, old_size, 9, mem_old, mem_vertex,
				13, 2, 0.5 };
	struct gmatch m;

	(void)state;
	gmatch_compute(&m, &in);
	assert_int_equal(m.n[0].id, 3);
	assert_string_equal(m.n[0].status, "merged");
	assert_string_equal(m.n[0].related, "C-0008");
	assert_int_equal(m.n[0].added, 3);
	assert_int_equal(m.n[0].removed, 0);
	assert_int_equal(m.n[1].id, 13);
	assert_string_equal(m.n[1].status, "new");
	assert_string_equal(m.n[1].related, "");
	assert_int_equal(m.n[1].added, 2);
	assert_false(m.o[0].gone);
	assert_true(m.o[1].gone);
	assert_string_equal(m.o[1].related, "C-0003");
	assert_true(m.o[2].gone);
	assert_string_equal(m.o[2].related, "C-0013");
	gmatch_release(&m);
}

static void test_poisson_tail(void **state)
{
	(void)state;
	assert_true(gcompanion_poisson_tail(0, 3) == 0);
	assert_true(gcompanion_poisson_tail(5, 0) == 1);
	/* P(X >= 1) = 1 - e^-lambda */
	assert_true(fabs(gcompanion_poisson_tail(0.5, 1) - (1 - exp(-0.5))) < 1e-12);
	/* a tiny tail keeps its precision */
	assert_true(gcompanion_poisson_tail(0.01, 5) > 0 && gcompanion_poisson_tail(0.01, 5) < 1e-11);
}

/* Night 1: K1, K2 (4-cliques) and K3 (a 6-clique).  Night 2: K1 and K2 joined, K3 cut in two. */
static void test_stable_ids(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	int64_t k1[4], k2[4], k3[6];
	char key[32], *s;

	for (int i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "person:%d", 10 + i);
		k1[i] = entity(f, key, 0);
	}
	for (int i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "person:%d", 20 + i);
		k2[i] = entity(f, key, 0);
	}
	for (int i = 0; i < 6; i++) {
		snprintf(key, sizeof(key), "person:%d", 30 + i);
		k3[i] = entity(f, key, 0);
	}
	clique(f, k1, 4, "2026-11-01");
	clique(f, k2, 4, "2026-11-01");
	clique(f, k3, 6, "2026-11-01");
	run(f, "2026-11-01", &sum);
	assert_int_equal(sum.clusters, 3);
	assert_int_equal(sum.cl_new, 3);
	s = cluster_of(f, "person:10"), assert_string_equal(s, "C-0001"), free(s);
	s = cluster_of(f, "person:20"), assert_string_equal(s, "C-0002"), free(s);
	s = cluster_of(f, "person:30"), assert_string_equal(s, "C-0003"), free(s);

	/* The same night again changes nothing. */
	run(f, "2026-11-01", &sum);
	assert_int_equal(sum.cl_new, 3);
	assert_int_equal(num(f, "SELECT count(*) FROM cluster", NULL), 3);

	/* Night 2: every member of K1 linked to every member of K2; K3's halves unlinked. */
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			add_link(f, k1[i], k2[j], "co_mention", "2026-11-02", 0);
	sql(f, "DELETE FROM link WHERE a IN (SELECT id FROM entity WHERE key IN "
	       "('person:30','person:31','person:32')) AND b IN (SELECT id FROM entity WHERE key IN "
	       "('person:33','person:34','person:35'))");
	for (int pass = 0; pass < 2; pass++) {
		/* the second pass re-runs night 2: the same answer */
		run(f, "2026-11-02", &sum);
		assert_int_equal(sum.clusters, 3);
		assert_int_equal(sum.cl_merged, 1);
		assert_int_equal(sum.cl_split, 2);
		assert_int_equal(sum.cl_gone, 1);
		s = cluster_of(f, "person:20"), assert_string_equal(s, "C-0001"), free(s);
		s = cluster_of(f, "person:30"), assert_string_equal(s, "C-0003"), free(s);
		s = cluster_of(f, "person:35"), assert_string_equal(s, "C-0004"), free(s);
		s = text(f, "SELECT group_concat(label || ':' || status || ':' || size, ' ') FROM "
			 "(SELECT * FROM cluster ORDER BY id)", NULL);
		assert_string_equal(s, "C-0001:merged:8 C-0002:gone:0 C-0003:split:3 C-0004:split:3");
		free(s);
		s = text(f, "SELECT group_concat(cluster_id || ':' || status || ':' || added || '/' || removed "
			 "|| ':' || related, ' ') FROM (SELECT * FROM cluster_history WHERE night = ? "
			 "ORDER BY cluster_id)", "2026-11-02");
		assert_string_equal(s, "1:merged:4/0:C-0002 2:gone:0/4:C-0001 3:split:0/3:C-0004 "
				       "4:split:3/0:C-0003");
		free(s);
	}
	/* An earlier night is refused. */
	{
		struct graph_opts opts = { "2026-11-01", LOOKOUT_DATADIR };
		struct err err;

		assert_int_equal(graph_run(&f->db, &opts, &sum, &err), -1);
		assert_non_null(strstr(err.msg, "already computed"));
	}
}

/*
 * Members whose rank changed keep their spans, with the new rank written
 * in, whether the span's first night is a date (found by its whole key)
 * or longer (test fixtures write spans through the member view): a leaf
 * that ranks before the others shifts them.  A re-run of the night ends
 * in the same spans.
 */
static void test_span_close(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	const char *spans = "SELECT group_concat(x, ' ') FROM (SELECT (entity_id - (SELECT min(id) FROM entity)) "
			    "|| ':' || first_night || ':' || coalesce(last_night, '-') || ':' || rank AS x "
			    "FROM cluster_span ORDER BY entity_id, first_night)";
	int64_t b[5];
	char *s;

	phones(f, "1390000000", 5, b);
	for (int i = 1; i < 4; i++)
		add_link(f, b[0], b[i], "co_mention", "2026-11-01", 0);
	run(f, "2026-11-02", &sum);
	s = text(f, spans, NULL);
	assert_string_equal(s, "0:2026-11-02:-:1 1:2026-11-02:-:2 2:2026-11-02:-:3 3:2026-11-02:-:4");
	free(s);
	sql(f, "UPDATE cluster_span SET first_night = '2026-11-01 late' WHERE rank = 4");
	add_link(f, b[0], b[4], "co_mention", "2026-11-03", 0);
	add_link(f, b[0], b[4], "same_address", "2026-11-03", 0);
	run(f, "2026-11-03", &sum);
	s = text(f, spans, NULL);
	assert_string_equal(s, "0:2026-11-02:-:1 1:2026-11-02:-:3 2:2026-11-02:-:4 3:2026-11-01 late:-:5 "
			    "4:2026-11-03:-:2");
	free(s);
	run(f, "2026-11-03", &sum);
	s = text(f, spans, NULL);
	assert_string_equal(s, "0:2026-11-02:-:1 1:2026-11-02:-:3 2:2026-11-02:-:4 3:2026-11-01 late:-:5 "
			    "4:2026-11-03:-:2");
	free(s);
}

/*
 * Last night's spans and the stored scores read on a thread with a
 * connection of its own are the rows the stage's connection reads; an
 * in-memory database is never read apart.
 */
static void test_previous_apart(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	struct gprev here, apart, none;
	struct err err;
	int64_t b[4];

	phones(f, "1391000000", 4, b);
	for (int i = 1; i < 3; i++)
		add_link(f, b[0], b[i], "co_mention", "2026-11-01", 0);
	run(f, "2026-11-02", &sum);
	add_link(f, b[0], b[3], "co_mention", "2026-11-03", 0);
	run(f, "2026-11-03", &sum);
	gprev_init(&here);
	gprev_init(&apart);
	gprev_init(&none);
	assert_int_equal(gprev_read(&here, &f->db, "2026-11-03", 1, &err), 0);
	assert_int_equal(gprev_start(&apart, f->path, "2026-11-03", 1), 0);
	assert_int_equal(gprev_wait(&apart, &err), 0);
	assert_int_equal(here.nspans, num(f, "SELECT count(*) FROM cluster_span WHERE last_night IS NULL", NULL));
	assert_int_equal(here.nscores, num(f, "SELECT count(*) FROM entity_score", NULL));
	assert_true(here.nspans == 4 && here.nscores == 4);
	assert_int_equal(apart.nspans, here.nspans);
	assert_int_equal(apart.nscores, here.nscores);
	for (long i = 0; i < here.nspans; i++) {
		assert_int_equal(apart.spans[i].cluster_id, here.spans[i].cluster_id);
		assert_int_equal(apart.spans[i].entity_id, here.spans[i].entity_id);
		assert_int_equal(apart.spans[i].rank, here.spans[i].rank);
		assert_int_equal(apart.spans[i].whole, here.spans[i].whole);
		assert_string_equal(apart.spans[i].first, here.spans[i].first);
	}
	for (long i = 0; i < here.nscores; i++) {
		assert_int_equal(apart.scores[i].entity_id, here.scores[i].entity_id);
		assert_int_equal(apart.scores[i].row.sig, here.scores[i].row.sig);
		assert_int_equal(apart.scores[i].old_sig, here.scores[i].old_sig);
		assert_int_equal(apart.scores[i].row.degree, here.scores[i].row.degree);
		assert_true(apart.scores[i].row.pagerank == here.scores[i].row.pagerank);
	}
	assert_int_equal(gprev_start(&none, ":memory:", "2026-11-03", 1), -1);
	/* A reading apart that cannot open its database says why. */
	assert_int_equal(gprev_start(&none, "/nonexistent/lookout.db", "2026-11-03", 1), 0);
	assert_int_equal(gprev_wait(&none, &err), -1);
	assert_non_null(strstr(err.msg, "no database"));
	assert_int_equal(gprev_wait(&none, &err), 0);
	/* One that failed apart, or never started, is read here: the same rows. */
	gprev_release(&none);
	assert_int_equal(gprev_start(&none, "/nonexistent/lookout.db", "2026-11-03", 1), 0);
	assert_int_equal(gprev_done(&none, &f->db, "2026-11-03", 1, &err), 0);
	assert_int_equal(none.nspans, here.nspans);
	assert_int_equal(none.nscores, here.nscores);
	gprev_release(&none);
	assert_int_equal(gprev_done(&none, &f->db, "2026-11-03", 1, &err), 0);
	assert_int_equal(none.nspans, here.nspans);
	assert_int_equal(none.nscores, here.nscores);
	gprev_release(&here);
	gprev_release(&apart);
	gprev_release(&none);
}

/*
 * A component keeps the number it is known by when it takes in one with
 * a smaller entity id: the number of most of its members, while that
 * entity is in it; a re-run of the night keeps it too.
 */
static void test_component_ids(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	const char *comp = "SELECT component FROM entity_score s JOIN entity e ON e.id = s.entity_id "
			   "WHERE e.key = ?";
	int64_t a[4], b[3];

	for (int i = 0; i < 3; i++) {
		char key[32];

		snprintf(key, sizeof(key), "person:%d", 40 + i);
		b[i] = entity(f, key, 0);
	}
	for (int i = 0; i < 4; i++) {
		char key[32];

		snprintf(key, sizeof(key), "person:%d", 50 + i);
		a[i] = entity(f, key, 0);
	}
	clique(f, b, 3, "2026-11-01");
	clique(f, a, 4, "2026-11-01");
	run(f, "2026-11-02", &sum);
	assert_int_equal(sum.components, 2);
	assert_int_equal(num(f, comp, "person:52"), a[0]);
	assert_int_equal(num(f, comp, "person:41"), b[0]);
	add_link(f, a[0], b[0], "co_mention", "2026-11-03", 0);
	for (int pass = 0; pass < 2; pass++) {
		run(f, "2026-11-03", &sum);
		assert_int_equal(sum.components, 1);
		assert_int_equal(num(f, comp, "person:41"), a[0]);
		assert_int_equal(num(f, comp, "person:53"), a[0]);
		assert_int_equal(num(f, "SELECT count(DISTINCT component) FROM cluster WHERE status <> 'gone'",
				     NULL), 1);
		assert_int_equal(num(f, "SELECT min(component) FROM cluster WHERE status <> 'gone'", NULL), a[0]);
		/* a[1..3]'s rows, whose figures did not change, are not written again. */
		assert_int_equal(num(f, "SELECT count(*) FROM entity_score WHERE night = '2026-11-02'", NULL), 3);
	}
}

/* The figures of the graph tables that a night writes, as one string (owned). */
static char *graph_tables(struct fx *f)
{
	return text(f, "SELECT (SELECT group_concat(x, ' ') FROM (SELECT cluster_id || ':' || entity_id || ':' "
		    "|| first_night || ':' || coalesce(last_night, '-') || ':' || rank AS x FROM cluster_span "
		    "ORDER BY 1)) || ' | ' || (SELECT group_concat(x, ' ') FROM (SELECT entity_id || ':' || "
		    "night || ':' || component || ':' || degree || ':' || strength || ':' || pagerank || ':' "
		    "|| betweenness || ':' || sig || ':' || prev_sig AS x FROM entity_score ORDER BY 1)) "
		    "|| ' | ' || (SELECT group_concat(x, ' ') FROM (SELECT id || ':' || night || ':' || "
		    "status || ':' || size AS x FROM cluster ORDER BY 1))", NULL);
}

/* The scores of every entity, as one string (owned). */
static char *scores(struct fx *f)
{
	return text(f, "SELECT group_concat(x, ' ') FROM (SELECT entity_id || ':' || component || ':' || "
		    "degree || ':' || strength || ':' || pagerank || ':' || betweenness || ':' || sig AS x "
		    "FROM entity_score ORDER BY 1)", NULL);
}

/*
 * One more night: what did not change is not clustered again, keeps its
 * betweenness and PageRank and writes no member or score row; a new member
 * clusters its cluster again, alone; a re-run of the night writes the
 * same tables, and a first night on the same data the same scores.
 */
static void test_incremental(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	int64_t k1[4], k2[4], k3[5], n;
	char key[32], *a, *b;

	for (int i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "person:%d", 10 + i);
		k1[i] = entity(f, key, 0);
		snprintf(key, sizeof(key), "person:%d", 20 + i);
		k2[i] = entity(f, key, 0);
	}
	for (int i = 0; i < 5; i++) {
		snprintf(key, sizeof(key), "person:%d", 30 + i);
		k3[i] = entity(f, key, 0);
	}
	clique(f, k1, 4, "2026-11-01");
	clique(f, k2, 4, "2026-11-01");
	clique(f, k3, 3, "2026-11-01");
	add_link(f, k3[2], k3[3], "co_mention", "2026-11-01", 0);
	add_link(f, k3[3], k3[4], "co_mention", "2026-11-01", 0);
	run(f, "2026-11-01", &sum);
	assert_int_equal(sum.clusters, 3);
	assert_int_equal(sum.redo, 13);
	assert_int_equal(sum.btw_kept, 0);

	/* Nothing new: the weights decay, nothing is clustered again. */
	run(f, "2026-11-02", &sum);
	assert_int_equal(sum.cl_same, 3);
	assert_int_equal(sum.redo, 0);
	assert_int_equal(sum.btw_kept, 3);
	assert_int_equal(num(f, "SELECT count(*) FROM cluster_span WHERE first_night = ?", "2026-11-02"), 0);
	assert_int_equal(num(f, "SELECT count(*) FROM entity_score WHERE night = ?", "2026-11-02"), 0);
	assert_int_equal(num(f, "SELECT count(*) FROM cluster_member WHERE night = ?", "2026-11-02"), 13);
	assert_int_equal(num(f, "SELECT count(*) FROM cluster_member WHERE night = ?", "2026-11-01"), 13);
	assert_true(num(f, "SELECT betweenness * 10 FROM entity_score s JOIN entity e ON e.id = s.entity_id "
			"WHERE e.key = ?", "person:33") == 30);

	/* A new person linked to K1: K1 alone is clustered again and grows. */
	n = entity(f, "person:40", 0);
	for (int i = 0; i < 4; i++)
		add_link(f, n, k1[i], "co_mention", "2026-11-03", 0);
	run(f, "2026-11-03", &sum);
	assert_int_equal(sum.redo, 5);
	assert_int_equal(sum.btw_kept, 2);
	assert_int_equal(sum.cl_grown, 1);
	assert_int_equal(sum.cl_same, 2);
	a = cluster_of(f, "person:40");
	assert_string_equal(a, "C-0001");
	free(a);
	/* Only K1's members have new spans; K2's and K3's still run from the first night. */
	assert_int_equal(num(f, "SELECT count(*) FROM cluster_span WHERE first_night = ? AND cluster_id <> 1",
			     "2026-11-03"), 0);
	assert_int_equal(num(f, "SELECT count(*) FROM cluster_member WHERE night = ?", "2026-11-03"), 14);
	assert_int_equal(num(f, "SELECT count(*) FROM cluster_member WHERE night = ? AND cluster_id = 1",
			     "2026-11-02"), 4);

	/* The same night again: the same tables, byte for byte. */
	a = graph_tables(f);
	run(f, "2026-11-03", &sum);
	assert_int_equal(sum.redo, 5);
	b = graph_tables(f);
	assert_string_equal(a, b);
	free(a);
	free(b);

	/*
	 * The scores kept for the clusters that did not change are those a
	 * first night computes: forget every night computed and run this one
	 * again.
	 */
	a = scores(f);
	sql(f, "DELETE FROM cluster_span; DELETE FROM graph_night; DELETE FROM cluster_history; "
	    "DELETE FROM cluster_layout; DELETE FROM series_pair; DELETE FROM series_report; "
	    "DELETE FROM series; DELETE FROM cluster; DELETE FROM entity_score; "
	    "DELETE FROM stage_run WHERE stage = 'graph'");
	run(f, "2026-11-03", &sum);
	assert_int_equal(sum.redo, 14);
	assert_int_equal(sum.btw_kept, 0);
	b = scores(f);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

/* A data directory of its own (dir a mkdtemp template) whose graph.conf is conf; path gets the file. */
static void conf_dir(char *dir, char path[64], const char *conf)
{
	FILE *fp;

	assert_non_null(mkdtemp(dir));
	snprintf(path, 64, "%s/graph.conf", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(conf, fp);
	fclose(fp);
}

/* Two cliques of n persons (10.., 20..) joined by one link. */
static void two_cliques(struct fx *f, int64_t *k1, int64_t *k2, int n)
{
	char key[32];

	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "person:%d", 10 + i);
		k1[i] = entity(f, key, 0);
		snprintf(key, sizeof(key), "person:%d", 20 + i);
		k2[i] = entity(f, key, 0);
	}
	clique(f, k1, n, "2026-11-01");
	clique(f, k2, n, "2026-11-01");
	add_link(f, k1[n - 1], k2[0], "co_mention", "2026-11-01", 0);
}

/* The next night a newcomer (person:40) is linked to the first two members of k1. */
static void newcomer(struct fx *f, const int64_t *k1)
{
	int64_t n = entity(f, "person:40", 0);

	add_link(f, n, k1[0], "co_mention", "2026-11-02", 0);
	add_link(f, n, k1[1], "co_mention", "2026-11-02", 0);
}

/*
 * One more night moves one by one only what is near a change in a
 * cluster larger than recluster_whole; the rest moves in pieces of up
 * to recluster_piece members (a data directory of its own sets them
 * small).  A person linked to two members of a six-member clique joins
 * it as when every member moves alone, and a re-run gives the same tables.
 */
static void test_contracted(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	char dir[] = "/tmp/test_graph_conf.XXXXXX", path[64], *a, *b;
	int64_t k1[6], k2[6];

	conf_dir(dir, path, "recluster_whole = 3\nrecluster_hops = 0\nrecluster_piece = 2\n");
	two_cliques(f, k1, k2, 6);
	run_in(f, "2026-11-01", dir, &sum);
	assert_int_equal(sum.clusters, 2);

	newcomer(f, k1);
	run_in(f, "2026-11-02", dir, &sum);
	/* K1 and the newcomer are clustered again: three alone, K1's other four in two pieces. */
	assert_int_equal(sum.redo, 7);
	assert_int_equal(sum.leiden_nodes, 5);
	assert_int_equal(sum.cl_grown, 1);
	assert_int_equal(sum.cl_same, 1);
	a = cluster_of(f, "person:40");
	b = cluster_of(f, "person:15");
	assert_string_equal(a, b);
	free(a);
	free(b);

	a = graph_tables(f);
	run_in(f, "2026-11-02", dir, &sum);
	b = graph_tables(f);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* Every member alone (the shipped settings) comes to the same clusters. */
	a = text(f, "SELECT group_concat(cluster_id || ':' || entity_id) FROM "
		 "(SELECT * FROM cluster_member WHERE night = ? ORDER BY cluster_id, entity_id)", "2026-11-02");
	run(f, "2026-11-02", &sum);
	assert_int_equal(sum.leiden_nodes, 7);
	b = text(f, "SELECT group_concat(cluster_id || ':' || entity_id) FROM "
		 "(SELECT * FROM cluster_member WHERE night = ? ORDER BY cluster_id, entity_id)", "2026-11-02");
	assert_string_equal(a, b);
	free(a);
	free(b);
	unlink(path);
	rmdir(dir);
}

/*
 * community = multilevel (a data directory of its own): Louvain on the
 * whole graph and its weights, on a first night and on the next, two
 * cliques joined by one link are two clusters.
 */
static void test_multilevel(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	char dir[] = "/tmp/test_graph_conf.XXXXXX", path[64], *a, *b;
	int64_t k1[5], k2[5];

	conf_dir(dir, path, "community = multilevel\n");
	two_cliques(f, k1, k2, 5);
	run_in(f, "2026-11-01", dir, &sum);
	assert_string_equal(sum.method, "multilevel");
	assert_int_equal(sum.clusters, 2);

	newcomer(f, k1);
	run_in(f, "2026-11-02", dir, &sum);
	assert_string_equal(sum.method, "multilevel");
	assert_int_equal(sum.clusters, 2);
	a = cluster_of(f, "person:40");
	b = cluster_of(f, "person:10");
	assert_string_equal(a, b);
	free(a);
	free(b);
	a = cluster_of(f, "person:14");
	b = cluster_of(f, "person:20");
	assert_string_not_equal(a, b);
	free(a);
	free(b);
	unlink(path);
	rmdir(dir);
}

/*
 * Cluster pictures: the best-ranked 24 members (data/graph.conf) of a
 * new cluster get a position inside [0.05, 0.95]; a re-run of the night
 * writes the same positions; the next night, where nothing changed, the
 * picture of the night before is kept beside no new one.
 */
static void test_layout(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	int64_t ring[30];
	char key[32], *first, *again;
	const char *dump = "SELECT group_concat(e.key || '@' || printf('%.9f,%.9f', l.x, l.y), ' ') "
			   "FROM (SELECT * FROM cluster_layout WHERE night = ? ORDER BY cluster_id, entity_id) l "
			   "JOIN entity e ON e.id = l.entity_id";

	/* A ring of 30 persons with chords: one cluster larger than a picture. */
	for (int i = 0; i < 30; i++) {
		snprintf(key, sizeof(key), "person:%d", 100 + i);
		ring[i] = entity(f, key, 0);
	}
	for (int i = 0; i < 30; i++) {
		add_link(f, ring[i], ring[(i + 1) % 30], "co_mention", "2026-11-01", 0);
		if (i % 5 == 0 && i < 15)
			add_link(f, ring[i], ring[(i + 15) % 30], "co_mention", "2026-11-01", 0);
	}
	run(f, "2026-11-01", &sum);
	assert_int_equal(sum.cl_new, sum.clusters);
	assert_int_equal(num(f, "SELECT count(*) FROM cluster_layout WHERE night = ?", "2026-11-01"),
			 num(f, "SELECT sum(min(size, 24)) FROM cluster", NULL));
	assert_int_equal(num(f, "SELECT count(*) FROM cluster_layout WHERE x < 0.05 OR x > 0.95 "
			     "OR y < 0.05 OR y > 0.95", NULL), 0);
	/* The members drawn are those the report draws: the best-ranked. */
	assert_int_equal(num(f, "SELECT count(*) FROM cluster_layout l JOIN cluster_member m "
			     "ON m.cluster_id = l.cluster_id AND m.night = l.night AND m.entity_id = l.entity_id "
			     "WHERE m.rank > 24", NULL), 0);
	/* Spread out, not piled in one spot. */
	assert_true(num(f, "SELECT (max(x) - min(x)) * 100 FROM cluster_layout", NULL) >= 80 ||
		    num(f, "SELECT (max(y) - min(y)) * 100 FROM cluster_layout", NULL) >= 80);
	first = text(f, dump, "2026-11-01");
	run(f, "2026-11-01", &sum);
	again = text(f, dump, "2026-11-01");
	assert_true(*first);
	assert_string_equal(first, again);
	free(again);
	/* Nothing new the next night: no new picture, the last one kept. */
	run(f, "2026-11-02", &sum);
	assert_int_equal(sum.cl_same, sum.clusters);
	assert_int_equal(num(f, "SELECT count(*) FROM cluster_layout WHERE night = ?", "2026-11-02"), 0);
	again = text(f, dump, "2026-11-01");
	assert_string_equal(first, again);
	free(again);
	free(first);
}

static void test_graphml(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	struct err err;
	int64_t a = entity(f, "person:1", 0), b = entity(f, "org:A&B<公司>", 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	add_link(f, a, b, "co_mention", "2026-11-01", 0);
	run(f, "2026-11-01", &sum);
	assert_int_equal(graph_export_graphml(&f->db, out, &err), 0);
	fclose(out);
	assert_non_null(strstr(buf, "<node id=\"person:1\"><data key=\"type\">person</data>"));
	assert_non_null(strstr(buf, "<node id=\"org:A&amp;B&lt;公司&gt;\">"));
	assert_non_null(strstr(buf, "source=\"person:1\" target=\"org:A&amp;B&lt;公司&gt;\">"
			       "<data key=\"ltype\">co_mention</data>"));
	assert_non_null(strstr(buf, "</graphml>\n"));
	free(buf);
}

/*
 * The links kept between nights in blocks (schema version 17): after
 * links are inserted (in new blocks too), changed, deleted and replaced,
 * the night reads the blocks and the changed links and ends where a
 * night read from the link table ends, blocks byte for byte included; a
 * block it did not write is read again from the table.  A link first
 * seen after the night (a longer date on the next day) stays out.
 */
static void test_kept_links(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	const char *scores = "SELECT group_concat(x, ' ') FROM (SELECT e.key || ':' || s.degree || ':' || "
			     "s.strength || ':' || s.component AS x FROM entity_score s "
			     "JOIN entity e ON e.id = s.entity_id ORDER BY e.id)";
	const char *blocks = "SELECT group_concat(block || ':' || hex(data), ' ') FROM "
			     "(SELECT * FROM graph_link_block ORDER BY block)";
	struct err err;
	int64_t e[6];
	char *s1, *s2, *b1, *b2;

	for (int i = 0; i < 6; i++) {
		char key[32];

		snprintf(key, sizeof(key), "phone:1380000000%d", i);
		e[i] = entity(f, key, 0);
	}
	clique(f, e, 4, "2026-11-01");
	add_link(f, e[4], e[5], "co_mention", "2026-11-01", 0);
	run(f, "2026-11-01", &sum);
	assert_int_equal(num(f, "SELECT count(*) FROM graph_link_block", NULL), 1);
	assert_int_equal(num(f, "SELECT count(*) FROM graph_link_dirty", NULL), 0);

	sql(f, "UPDATE link SET weight = 2.5, last_seen = '2026-11-02' WHERE id = 1");
	sql(f, "DELETE FROM link WHERE id = 2");
	if (db_run(&f->db, &err, "INSERT OR REPLACE INTO link(a, b, type, weight, first_seen, last_seen) "
		   "VALUES (?, ?, 'co_mention', 3.0, '2026-11-02', '2026-11-02')", "II", e[4], e[5]) < 0 ||
	    db_run(&f->db, &err, "INSERT INTO link(id, a, b, type, weight, first_seen, last_seen) "
		   "VALUES (5000, ?, ?, 'same_address', 1.0, '2026-11-02', '2026-11-02')", "II", e[3], e[4]) < 0 ||
	    db_run(&f->db, &err, "INSERT INTO link(id, a, b, type, weight, first_seen, last_seen) "
		   "VALUES (9000, ?, ?, 'same_address', 1.0, '2026-11-03T08:00', '2026-11-03')", "II",
		   e[0], e[5]) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(num(f, "SELECT count(*) FROM graph_link_dirty", NULL), 6);
	run(f, "2026-11-02", &sum);
	assert_int_equal(num(f, "SELECT count(*) FROM graph_link_block", NULL), 3);
	assert_int_equal(num(f, "SELECT count(*) FROM graph_link_dirty", NULL), 0);
	/* 0-5 is first seen on the 3rd: phone 5 has the one link to 4 */
	s1 = text(f, scores, NULL);
	b1 = text(f, blocks, NULL);
	assert_non_null(strstr(s1, "phone:13800000005:1:3.0:"));

	/* No block kept: the night reads the link table and writes them all. */
	sql(f, "DELETE FROM graph_link_block");
	run(f, "2026-11-02", &sum);
	s2 = text(f, scores, NULL), assert_string_equal(s2, s1), free(s2);
	b2 = text(f, blocks, NULL), assert_string_equal(b2, b1), free(b2);

	/* A block this code did not write. */
	sql(f, "UPDATE graph_link_block SET data = x'00112233445566778899' WHERE block = 1");
	run(f, "2026-11-02", &sum);
	s2 = text(f, scores, NULL), assert_string_equal(s2, s1), free(s2);
	b2 = text(f, blocks, NULL), assert_string_equal(b2, b1), free(b2);

	/* The next night takes the link of the 3rd in. */
	run(f, "2026-11-03", &sum);
	s2 = text(f, scores, NULL);
	assert_non_null(strstr(s2, "phone:13800000005:2:"));
	free(s2);
	free(s1);
	free(b1);
}

/*
 * The entities kept in blocks alike (schema version 20): after an
 * entity is made a hub, merged, retyped, deleted and inserted (in a new
 * block), the night reads the blocks and the changed entities and ends
 * where a night read from the entity table ends, blocks byte for byte
 * included; a block it did not write is read again from the table, and
 * without the stage's triggers the blocks are written anew.
 */
static void test_kept_entities(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	const char *scores = "SELECT group_concat(x, ' ') FROM (SELECT e.key || ':' || s.degree || ':' || "
			     "s.component AS x FROM entity_score s JOIN entity e ON e.id = s.entity_id "
			     "ORDER BY e.id)";
	const char *blocks = "SELECT group_concat(block || ':' || hex(data), ' ') FROM "
			     "(SELECT * FROM graph_entity_block ORDER BY block)";
	struct err err;
	int64_t e[7];
	char *s1, *s2, *b1, *b2;

	for (int i = 0; i < 7; i++) {
		char key[32];

		snprintf(key, sizeof(key), "phone:1390000000%d", i);
		e[i] = entity(f, key, 0);
	}
	clique(f, e, 4, "2026-11-01");
	add_link(f, e[4], e[5], "co_mention", "2026-11-01", 0);
	run(f, "2026-11-01", &sum);
	assert_int_equal(sum.entities, 7);
	assert_int_equal(num(f, "SELECT count(*) FROM graph_entity_block", NULL), 1);
	assert_int_equal(num(f, "SELECT count(*) FROM graph_entity_dirty", NULL), 0);

	if (db_run(&f->db, &err, "UPDATE entity SET hub = 1 WHERE id = ?", "I", e[3]) < 0 ||
	    db_run(&f->db, &err, "UPDATE entity SET merged_into = ? WHERE id = ?", "II", e[4], e[5]) < 0 ||
	    db_run(&f->db, &err, "UPDATE entity SET type = 'imei' WHERE id = ?", "I", e[1]) < 0 ||
	    db_run(&f->db, &err, "DELETE FROM entity WHERE id = ?", "I", e[6]) < 0 ||
	    db_run(&f->db, &err, "INSERT INTO entity(id, type, key) VALUES (9000, 'phone', "
		   "'phone:13900000099')", "") < 0)
		fail_msg("%s", err.msg);
	add_link(f, e[4], 9000, "co_mention", "2026-11-02", 0);
	assert_int_equal(num(f, "SELECT count(*) FROM graph_entity_dirty", NULL), 5);
	run(f, "2026-11-02", &sum);
	assert_int_equal(sum.entities, 6);
	assert_int_equal(sum.hubs, 1);
	assert_int_equal(num(f, "SELECT count(*) FROM graph_entity_block", NULL), 2);
	assert_int_equal(num(f, "SELECT count(*) FROM graph_entity_dirty", NULL), 0);
	s1 = text(f, scores, NULL);
	b1 = text(f, blocks, NULL);
	assert_non_null(strstr(s1, "phone:13900000099:1:"));
	assert_null(strstr(s1, "phone:13900000005:"));

	/* No block kept: the night reads the entity table and writes them all. */
	sql(f, "DELETE FROM graph_entity_block");
	run(f, "2026-11-02", &sum);
	s2 = text(f, scores, NULL), assert_string_equal(s2, s1), free(s2);
	b2 = text(f, blocks, NULL), assert_string_equal(b2, b1), free(b2);

	/* A block this code did not write. */
	sql(f, "UPDATE graph_entity_block SET data = x'00112233445566778899' WHERE block = 0");
	run(f, "2026-11-02", &sum);
	s2 = text(f, scores, NULL), assert_string_equal(s2, s1), free(s2);
	b2 = text(f, blocks, NULL), assert_string_equal(b2, b1), free(b2);

	/* A trigger gone: the blocks are written anew, the trigger again. */
	sql(f, "DROP TRIGGER graph_entity_au");
	sql(f, "UPDATE entity SET hub = 0 WHERE key = 'phone:13900000003'");
	run(f, "2026-11-02", &sum);
	assert_int_equal(sum.hubs, 0);
	assert_int_equal(num(f, "SELECT count(*) FROM sqlite_master WHERE name = 'graph_entity_au'",
			     NULL), 1);
	free(s1);
	free(b1);
}

/*
 * The mentions kept in blocks alike: after mentions are inserted (of a
 * report in a new block too), moved to another entity and deleted, the
 * night ends where a night read from the mention table ends, blocks
 * byte for byte included.  Without the stage's triggers the blocks are
 * not trusted: written anew.
 */
static void test_kept_mentions(void **state)
{
	struct fx *f = *state;
	struct graph_summary sum;
	const char *clusters = "SELECT group_concat(label || ':' || size || ':' || n_reports || ':' || "
			       "n_crimes, ' ') FROM (SELECT * FROM cluster ORDER BY id)";
	const char *blocks = "SELECT group_concat(block || ':' || hex(data), ' ') FROM "
			     "(SELECT * FROM graph_mention_block ORDER BY block)";
	struct err err;
	int64_t e[4], r[3];
	char *s1, *s2, *b1, *b2;

	for (int i = 0; i < 4; i++) {
		char key[32];

		snprintf(key, sizeof(key), "phone:1370000000%d", i);
		e[i] = entity(f, key, 0);
	}
	clique(f, e, 4, "2026-11-01");
	r[0] = report(f, "case", "1", "case", "2026-11-01", "burglary", NULL);
	r[1] = report(f, "case", "2", "case", "2026-11-01", "theft", NULL);
	mention(f, r[0], e[0]);
	mention(f, r[1], e[1]);
	run(f, "2026-11-01", &sum);
	assert_int_equal(num(f, "SELECT count(*) FROM graph_mention_block", NULL), 1);
	assert_int_equal(num(f, "SELECT count(*) FROM graph_mention_dirty", NULL), 0);

	r[2] = report(f, "case", "3", "case", "2026-11-02", "burglary", NULL);
	mention(f, r[2], e[2]);
	mention(f, r[2], e[3]);
	sql(f, "DELETE FROM mention WHERE id = 1");
	if (db_run(&f->db, &err, "UPDATE mention SET entity_id = ? WHERE id = 2", "I", e[3]) < 0 ||
	    db_run(&f->db, &err, "INSERT INTO report(id, source, ext_id, kind, received_at, reliability, "
		   "credibility, text, raw, content_hash, batch_id, line) VALUES (9000, 'case', '9', 'case', "
		   "'2026-11-02T09:00:00+08:00', 'B', 2, 't', x'00', 'h9000', 1, 1)", "") < 0)
		fail_msg("%s", err.msg);
	mention(f, 9000, e[0]);
	assert_int_equal(num(f, "SELECT count(*) FROM graph_mention_dirty", NULL), 4);
	run(f, "2026-11-02", &sum);
	assert_int_equal(num(f, "SELECT count(*) FROM graph_mention_block", NULL), 2);
	assert_int_equal(num(f, "SELECT count(*) FROM graph_mention_dirty", NULL), 0);
	s1 = text(f, clusters, NULL);
	b1 = text(f, blocks, NULL);
	assert_string_equal(s1, "C-0001:4:3:2");

	sql(f, "DELETE FROM graph_mention_block");
	run(f, "2026-11-02", &sum);
	s2 = text(f, clusters, NULL), assert_string_equal(s2, s1), free(s2);
	b2 = text(f, blocks, NULL), assert_string_equal(b2, b1), free(b2);

	/* A trigger gone: the blocks are written anew, the trigger again. */
	sql(f, "DROP TRIGGER graph_mention_ai");
	sql(f, "UPDATE graph_mention_block SET data = x'00' WHERE block = 2");
	run(f, "2026-11-02", &sum);
	s2 = text(f, clusters, NULL), assert_string_equal(s2, s1), free(s2);
	b2 = text(f, blocks, NULL), assert_string_equal(b2, b1), free(b2);
	assert_int_equal(num(f, "SELECT count(*) FROM sqlite_master WHERE name = 'graph_mention_ai'",
			     NULL), 1);
	free(s1);
	free(b1);
}

static void test_night(void **state)
{
	char night[11];

	(void)state;
	setenv("LOOKOUT_NOW", "2026-03-01T01:10:00+08:00", 1);
	graph_default_night(night);
	assert_string_equal(night, "2026-02-28");
	unsetenv("LOOKOUT_NOW");
	assert_true(graph_night_valid("2024-02-29"));
	assert_false(graph_night_valid("2026-02-29"));
	assert_false(graph_night_valid("2026-1-01"));
}

/* What apart_done's reading function saw: the connection, and how often. */
struct apart_seen {
	const struct db *db;
	int calls, drops;
	int64_t reports;
};

static int count_reports_fn(struct db *db, void *arg, struct err *err)
{
	struct apart_seen *s = arg;

	s->db = db;
	s->calls++;
	return db_int(db, err, &s->reports, "SELECT count(*) FROM report", "");
}

static void drop_seen(void *arg)
{
	((struct apart_seen *)arg)->drops++;
}

/*
 * A reading apart gives what the stage's own connection would; one that
 * could not run (its database would not open) is done again on that
 * connection, its partial rows dropped first; one never started too.
 */
static void test_apart_done(void **state)
{
	struct fx *f = *state;
	struct apart_seen apart = { 0 }, failed = { 0 }, none = { 0 };
	struct apart a;
	struct err err;

	report(f, "hotline", "1", "call", "2026-11-01", NULL, NULL);
	report(f, "hotline", "2", "call", "2026-11-02", NULL, NULL);
	assert_int_equal(apart_start(&a, f->path, count_reports_fn, &apart), 0);
	assert_int_equal(apart_done(&a, &f->db, count_reports_fn, drop_seen, &apart, &err), 0);
	assert_true(apart.calls == 1 && apart.drops == 0 && apart.db != &f->db);
	assert_int_equal(apart.reports, 2);

	assert_int_equal(apart_start(&a, "/nonexistent/lookout.db", count_reports_fn, &failed), 0);
	assert_int_equal(apart_done(&a, &f->db, count_reports_fn, drop_seen, &failed, &err), 0);
	assert_true(failed.calls == 1 && failed.drops == 1 && failed.db == &f->db);
	assert_int_equal(failed.reports, apart.reports);

	assert_int_equal(apart_start(&a, ":memory:", count_reports_fn, &none), -1);
	assert_int_equal(apart_done(&a, &f->db, count_reports_fn, drop_seen, &none, &err), 0);
	assert_true(none.calls == 1 && none.drops == 0 && none.db == &f->db);
	assert_int_equal(none.reports, apart.reports);
}

/*
 * OpenMP's thread count is each thread's own: the thread the centrality
 * runs on asks for one as the stage's does, or PRPACK's sums would come
 * in a varying order there and PageRank's low digits change from run to
 * run (they break ties between key players).
 */
static void *omp_threads(void *arg)
{
	int (*get)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "omp_get_max_threads");

	ig_thread_setup();
	*(int *)arg = get ? get() : 1;
	return NULL;
}

static void test_thread_omp(void **state)
{
	void (*set)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_num_threads");
	pthread_t t;
	int n = 0;

	(void)state;
	if (!set || getenv("OMP_NUM_THREADS"))
		skip();
	/* This thread's own setting does not reach another thread. */
	set(3);
	assert_int_equal(pthread_create(&t, NULL, omp_threads, &n), 0);
	pthread_join(t, NULL);
	assert_int_equal(n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_components, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hub_does_not_glue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_series, setup, teardown),
		cmocka_unit_test_setup_teardown(test_series_skips_reporters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_series_skips_victim_reports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_series_shared_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expand_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_companions, setup, teardown),
		cmocka_unit_test(test_poisson_tail),
		cmocka_unit_test(test_match),
		cmocka_unit_test_setup_teardown(test_stable_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_span_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_previous_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apart_done, setup, teardown),
		cmocka_unit_test_setup_teardown(test_component_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_incremental, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contracted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multilevel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_graphml, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kept_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kept_entities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kept_mentions, setup, teardown),
		cmocka_unit_test(test_night),
		cmocka_unit_test(test_thread_omp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
