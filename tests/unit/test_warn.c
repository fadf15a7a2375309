/*
 * test_warn: the warn stage on a small database with planted situations
 * (tests/fixtures/warn/night.sql and series.sql): each detector finds its
 * situation, a spike that goes on is one warning carried to the next
 * night, re-running a night gives the same ids, and no informant's code
 * or name reaches a title or an explanation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/db.h"
#include "common/xalloc.h"
#include "output/warn.h"
#include "output/warn_int.h"

#define FIXTURES LOOKOUT_DATADIR "/../tests/fixtures/warn/"

struct fixture {
	char dir[64];
	char path[96];
	struct db db;
};

static void load_sql(struct db *db, const char *name)
{
	char path[512];
	FILE *f;
	char *sql;
	long n;
	struct err err;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	sql = xmalloc((size_t)n + 1);
	assert_int_equal(fread(sql, 1, (size_t)n, f), (size_t)n);
	sql[n] = '\0';
	fclose(f);
	if (db_exec(db, sql, &err) < 0)
		fail_msg("%s: %s", name, err.msg);
	free(sql);
}

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	struct err err;

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_warn.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/lookout.db", fx->dir);
	if (db_open(&fx->db, fx->path, &err) < 0)
		fail_msg("%s", err.msg);
	load_sql(&fx->db, "night.sql");
	load_sql(&fx->db, "series.sql");
	assert_int_equal(db_run(&fx->db, &err,
				"INSERT INTO watchlist(list, key, note, added_at)"
				" VALUES ('wanted', 'plate:苏A12345', '涉嫌盗窃', 'x')", ""), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[160];

	db_close(&fx->db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static void run_night(struct fixture *fx, const char *night, struct warn_summary *sum)
{
	struct warn_opts opts = { night, LOOKOUT_DATADIR, NULL };
	struct err err;

	if (warn_run(&fx->db, &opts, sum, &err) < 0)
		fail_msg("warn %s: %s", night, err.msg);
}

/* One text column of the warning of a kind, owned; "" when there is none. */
static char *column(struct fixture *fx, const char *col, const char *kind)
{
	sqlite3_stmt *st;
	struct err err;
	char *sql = xasprintf("SELECT %s FROM warning WHERE kind = ? ORDER BY wid LIMIT 1", col);
	char *out;

	assert_int_equal(db_prepare(&fx->db, &st, sql, &err), 0);
	assert_int_equal(db_bind(st, &err, "s", kind), 0);
	out = xstrdup(db_step(st, &err) == 1 ? db_text(st, 0) : "");
	db_finalize(st);
	free(sql);
	return out;
}

static int64_t count(struct fixture *fx, const char *sql, const char *arg)
{
	int64_t n;
	struct err err;

	if (db_int(&fx->db, &err, &n, sql, arg ? "s" : "", arg) < 0)
		fail_msg("%s", err.msg);
	return n;
}

/*
 * A category's reports come from the ids a window spans: those of the
 * listed categories in [lo, hi], sorted, added to the ids given, and
 * none outside the range.
 */
static void category_reports_of_a_range(void **state)
{
	struct fixture *fx = *state;
	struct warn_ctx w = { 0 };
	struct warn_ids ids = { 0 };
	struct err err;
	int64_t lo, hi, mid, want, extra = -5;
	char *from;

	w.db = &fx->db;
	lo = count(fx, "SELECT min(report_id) FROM report_category", NULL);
	hi = count(fx, "SELECT max(report_id) FROM report_category", NULL);
	mid = lo + (hi - lo) / 2;
	from = xasprintf("%lld", (long long)mid);
	want = count(fx, "SELECT count(*) FROM report_category WHERE category IN ('burglary', 'theft')"
		     " AND report_id BETWEEN ? + 0 AND (SELECT max(report_id) FROM report_category)",
		     from);
	free(from);
	assert_true(want > 0);
	ids.v = xmalloc(sizeof(*ids.v));
	ids.v[ids.n++] = extra;
	ids.cap = 1;
	assert_int_equal(warn_category_reports(&w, " theft burglary ", mid, hi, &ids, &err), 0);
	assert_int_equal(ids.n, (size_t)want + 1);
	assert_true(ids.v[0] == extra);
	for (size_t i = 1; i < ids.n; i++) {
		assert_true(ids.v[i] >= mid && ids.v[i] <= hi);
		assert_true(ids.v[i] > ids.v[i - 1]);
	}
	/* An empty range (a window without reports) adds nothing. */
	ids.n = 0;
	assert_int_equal(warn_category_reports(&w, " theft burglary ", 1, 0, &ids, &err), 0);
	assert_int_equal(ids.n, 0);
	free(ids.v);
}

/* A column copied as snprintf's "%s" would copy it: cut to the room, NULL as "". */
static void column_copy_cuts_as_snprintf(void **state)
{
	struct fixture *fx = *state;
	sqlite3_stmt *st;
	struct err err;
	char day[11], wide[48];

	assert_int_equal(db_prepare(&fx->db, &st, "SELECT '2026-11-22T08:00', NULL, '2026-11-22'",
				    &err), 0);
	assert_int_equal(db_step(st, &err), 1);
	warn_column_copy(day, sizeof(day), st, 0);
	assert_string_equal(day, "2026-11-22");
	warn_column_copy(wide, sizeof(wide), st, 0);
	assert_string_equal(wide, "2026-11-22T08:00");
	warn_column_copy(day, sizeof(day), st, 1);
	assert_string_equal(day, "");
	warn_column_copy(day, sizeof(day), st, 2);
	assert_string_equal(day, "2026-11-22");
	db_finalize(st);
}

static void every_planted_situation(void **state)
{
	struct fixture *fx = *state;
	struct warn_summary sum;
	char *s;

	run_night(fx, "2026-11-21", &sum);
	assert_string_equal(sum.night, "2026-11-21");
	assert_int_equal(sum.raised, 6);
	assert_int_equal(sum.fresh, 6);
	for (int k = 0; k < WARN_NKINDS; k++)
		assert_int_equal(sum.by_kind[k], 1);

	s = column(fx, "subject", "spike");
	assert_string_equal(s, "[\"place:幸福路社区\",\"category:burglary\"]");
	free(s);
	s = column(fx, "title", "spike");
	assert_non_null(strstr(s, "当日4起"));
	free(s);
	s = column(fx, "json_extract(data, '$.series[#-1].observed')", "spike");
	assert_string_equal(s, "4");
	free(s);

	/* The four burglaries of the night are its evidence. */
	assert_int_equal(count(fx, "SELECT count(*) FROM warning_evidence e JOIN warning w"
			       " ON w.id = e.warning_id WHERE w.kind = ? AND e.report_id IS NOT NULL",
			       "spike"), 4);

	s = column(fx, "subject", "dispute");
	assert_string_equal(s, "[\"person:1\"]");
	free(s);
	s = column(fx, "title", "dispute");
	assert_non_null(strstr(s, "升级"));
	free(s);
	/* The earlier quarrels of the same parties (11-02, 11-15) are read
	 * with the recent ones: all four reports are its evidence. */
	assert_int_equal(count(fx, "SELECT count(*) FROM warning_evidence e JOIN warning w"
			       " ON w.id = e.warning_id WHERE w.kind = ? AND e.report_id IS NOT NULL",
			       "dispute"), 4);
	s = column(fx, "subject", "burst");
	assert_string_equal(s, "[\"phone:16512345678\"]");
	free(s);
	s = column(fx, "subject", "watchlist");
	assert_string_equal(s, "[\"plate:苏A12345\",\"list:wanted\"]");
	free(s);
	s = column(fx, "title", "watchlist");
	assert_non_null(strstr(s, "如家酒店"));
	free(s);
	s = column(fx, "subject", "near_repeat");
	assert_string_equal(s, "[\"place:江苏省南京市玄武区幸福路12号\"]");
	free(s);
	s = column(fx, "subject", "series");
	assert_string_equal(s, "[\"series:110/J50\"]");
	free(s);
	/* The hub number (96110) raised nothing. */
	assert_int_equal(count(fx, "SELECT count(*) FROM warning WHERE subject LIKE ?",
			       "%96110%"), 0);
	/* Ids in order of severity: the wanted plate first. */
	s = column(fx, "wid", "watchlist");
	assert_string_equal(s, "W-2026-11-21-0001");
	free(s);
}

/* A community whose name says so is not called a community twice: 幸福路社区, not 幸福路社区社区. */
static void spike_names_the_level_once(void **state)
{
	struct fixture *fx = *state;
	struct warn_summary sum;
	struct err err;
	char *s;

	assert_int_equal(db_exec(&fx->db, "INSERT INTO place(entity_id, level) VALUES (100, 'community')",
				 &err), 0);
	run_night(fx, "2026-11-21", &sum);
	s = column(fx, "explanation", "spike");
	assert_non_null(strstr(s, "幸福路社区接报入室盗窃4起"));
	free(s);
}

/*
 * A series names what joins its reports (the entities its chains pass
 * through), not its cluster's best-ranked members: a victim ranked
 * first in the cluster is not named.
 */
static void series_named_by_what_joins_it(void **state)
{
	struct fixture *fx = *state;
	struct warn_summary sum;
	struct err err;
	char *s;

	if (db_exec(&fx->db, "INSERT INTO cluster_member(cluster_id, night, entity_id, rank) "
		    "VALUES (1, '2026-11-21', 10, 0)", &err) < 0)
		fail_msg("%s", err.msg);
	run_night(fx, "2026-11-21", &sum);
	s = column(fx, "explanation", "series");
	assert_non_null(strstr(s, "关键关联：苏A12345。"));
	assert_null(strstr(s, "赵甲"));
	free(s);
	s = column(fx, "(SELECT group_concat(e.entity_key) FROM warning_evidence e WHERE e.warning_id = "
		   "warning.id AND e.entity_key IS NOT NULL)", "series");
	assert_string_equal(s, "plate:苏A12345");
	free(s);
}

/*
 * The words of a warning read right: a dispute record that ends its
 * sentence is quoted without a second 。, and a near repeat with two
 * burglaries tonight says so ("第3起" is one earlier and two tonight).
 */
static void warning_words(void **state)
{
	struct fixture *fx = *state;
	struct warn_summary sum;
	struct err err;
	char *s;

	if (db_exec(&fx->db, "INSERT INTO report(id, source, ext_id, kind, received_at, occurred_at, reliability,"
		    "  credibility, informant, text, fields, raw, content_hash, batch_id, line)"
		    " VALUES (24, 'dispute', 'D4', 'dispute', '2026-11-21T10:00:00+08:00',"
		    "  '2026-11-21T10:00:00+08:00', 'B', 2, 0, '张三与李四再次争吵,经调解平息。', '{}', x'00', 'h24', 1, 24);"
		    "INSERT INTO mention(report_id, entity_id, surface, role, rule, confidence)"
		    " VALUES (24, 1, 'x', 'party', 'fixture', 1), (24, 2, 'x', 'party', 'fixture', 1);"
		    "INSERT INTO report_category(report_id, category, is_primary) VALUES (24, 'dispute', 1);"
		    "INSERT INTO report(id, source, ext_id, kind, received_at, occurred_at, reliability,"
		    "  credibility, informant, text, fields, raw, content_hash, batch_id, line)"
		    " VALUES (52, '110', 'J52', 'incident', '2026-11-21T09:00:00+08:00',"
		    "  '2026-11-21T09:00:00+08:00', 'B', 2, 0, '幸福路12号三楼被盗', '{}', x'00', 'h52', 1, 52);"
		    "INSERT INTO mention(report_id, entity_id, surface, rule, confidence)"
		    " VALUES (52, 101, 'x', 'fixture', 1);"
		    "INSERT INTO report_category(report_id, category, is_primary) VALUES (52, 'burglary', 1)",
		    &err) < 0)
		fail_msg("%s", err.msg);
	run_night(fx, "2026-11-21", &sum);
	s = column(fx, "explanation", "dispute");
	assert_non_null(strstr(s, "经调解平息。建议"));
	assert_null(strstr(s, "。。"));
	free(s);
	s = column(fx, "title || ' ' || explanation", "near_repeat");
	assert_non_null(strstr(s, "第3起"));
	assert_non_null(strstr(s, "发生入室盗窃2起；此前14天内，同一地点已发生1起"));
	free(s);
}

static void informants_stay_unnamed(void **state)
{
	struct fixture *fx = *state;
	struct warn_summary sum;

	run_night(fx, "2026-11-21", &sum);
	/* The informant's report supports the dispute warning ... */
	assert_int_equal(count(fx, "SELECT count(*) FROM warning_evidence e JOIN warning w"
			       " ON w.id = e.warning_id WHERE w.kind = 'dispute' AND e.report_id = ?",
			       "23"), 1);
	/* ... but neither its code nor its reporter's name is written. */
	assert_int_equal(count(fx, "SELECT count(*) FROM warning WHERE title || explanation LIKE ?",
			       "%K07%"), 0);
	assert_int_equal(count(fx, "SELECT count(*) FROM warning_night WHERE title || explanation LIKE ?",
			       "%王五%"), 0);
	assert_int_equal(count(fx, "SELECT count(*) FROM warning WHERE explanation LIKE ?",
			       "%***在场劝阻%"), 1);
}

static void spike_carried_to_the_next_night(void **state)
{
	struct fixture *fx = *state;
	struct warn_summary sum;
	char *first, *second;

	run_night(fx, "2026-11-21", &sum);
	first = column(fx, "wid", "spike");
	run_night(fx, "2026-11-22", &sum);
	assert_int_equal(sum.by_kind[WARN_SPIKE], 1);
	assert_int_equal(sum.fresh, 0);
	assert_int_equal(sum.carried, sum.raised);
	second = column(fx, "wid || ' ' || first_night || ' ' || last_night || ' ' || n_nights",
			"spike");
	assert_int_equal(count(fx, "SELECT count(*) FROM warning WHERE kind = ?", "spike"), 1);
	assert_true(!strncmp(second, first, strlen(first)));
	assert_string_equal(second + strlen(first), " 2026-11-21 2026-11-22 2");
	free(first);
	free(second);
	/* Seven burglaries now support it. */
	assert_int_equal(count(fx, "SELECT count(*) FROM warning_evidence e JOIN warning w"
			       " ON w.id = e.warning_id WHERE w.kind = ? AND e.report_id IS NOT NULL",
			       "spike"), 7);
}

/*
 * Every burglary of 幸福路社区 is a theft too: its thefts pass their
 * threshold with the same reports, and are named in the burglary
 * warning, not raised apart.  Six more thefts of the night, not
 * burglaries, are a theft spike of their own: two warnings.
 */
static void spike_folds_what_it_explains(void **state)
{
	struct fixture *fx = *state;
	struct warn_summary sum;
	struct err err;
	char *s;

	assert_int_equal(db_exec(&fx->db, "INSERT INTO report_category(report_id, category, is_primary) "
				 "SELECT id, 'theft', 0 FROM report WHERE id BETWEEN 1 AND 10", &err), 0);
	run_night(fx, "2026-11-21", &sum);
	assert_int_equal(sum.by_kind[WARN_SPIKE], 1);
	s = column(fx, "subject || ' ' || json_extract(data, '$.also[0].category') || ' ' || "
		   "json_extract(data, '$.also[0].observed') || ' ' || json_array_length(data, '$.also')",
		   "spike");
	assert_string_equal(s, "[\"place:幸福路社区\",\"category:burglary\"] theft 4 1");
	free(s);
	s = column(fx, "explanation", "spike");
	assert_non_null(strstr(s, "幸福路社区的盗窃4起超出警戒线，不另行预警"));
	free(s);

	assert_int_equal(db_exec(&fx->db,
		"INSERT INTO report(id, source, ext_id, kind, received_at, occurred_at, reliability, "
		"  credibility, informant, text, fields, raw, content_hash, batch_id, line) "
		"WITH RECURSIVE k(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM k WHERE value < 6) "
		"SELECT 60 + value, '110', 'J6' || value, 'incident', '2026-11-21T09:00:00+08:00', "
		"  '2026-11-21T09:00:00+08:00', 'B', 2, 0, '幸福路社区电动车被盗', '{}', x'00', "
		"  'h6' || value, 1, 60 + value FROM k;"
		"INSERT INTO mention(report_id, entity_id, surface, rule, confidence) "
		"SELECT id, 100, 'x', 'fixture', 1 FROM report WHERE id BETWEEN 61 AND 66;"
		"INSERT INTO report_category(report_id, category, is_primary) "
		"SELECT id, 'theft', 1 FROM report WHERE id BETWEEN 61 AND 66", &err), 0);
	run_night(fx, "2026-11-21", &sum);
	assert_int_equal(sum.by_kind[WARN_SPIKE], 2);
	assert_int_equal(count(fx, "SELECT count(*) FROM warning WHERE kind = 'spike' "
			       "AND json_extract(data, '$.also') IS NULL AND subject LIKE ?",
			       "%category:theft%"), 1);
}

/*
 * With recent_days = 1 only what the night itself brings is raised: on
 * 11-22 that is the spike alone (three more burglaries), carried.
 */
static void only_the_night_with_recent_days_1(void **state)
{
	struct fixture *fx = *state;
	char conf[160];
	struct warn_opts opts = { "2026-11-22", LOOKOUT_DATADIR, conf };
	struct warn_summary sum;
	struct err err;
	FILE *in, *out;
	char buf[4096];
	size_t n;

	run_night(fx, "2026-11-21", &sum);
	snprintf(conf, sizeof(conf), "%s/warn.conf", fx->dir);
	in = fopen(LOOKOUT_DATADIR "/warn.conf", "r");
	out = fopen(conf, "w");
	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fprintf(out, "\nrecent_days = 1\ncategories_file = %s/categories.tsv\n"
		"dispute.escalation_words = %s/escalation-words.txt\n",
		LOOKOUT_DATADIR, LOOKOUT_DATADIR);
	fclose(in);
	fclose(out);
	if (warn_run(&fx->db, &opts, &sum, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(sum.raised, 1);
	assert_int_equal(sum.by_kind[WARN_SPIKE], 1);
	assert_int_equal(sum.carried, 1);
}

static void rerun_gives_the_same(void **state)
{
	struct fixture *fx = *state;
	struct warn_summary sum;
	const char *sql = "SELECT group_concat(wid || kind || last_night || n_nights || severity, ';')"
			  " FROM (SELECT * FROM warning ORDER BY wid)";
	char *before, *after;
	int64_t ev;
	sqlite3_stmt *st;
	struct err err;

	run_night(fx, "2026-11-21", &sum);
	run_night(fx, "2026-11-22", &sum);
	assert_int_equal(db_prepare(&fx->db, &st, sql, &err), 0);
	assert_int_equal(db_step(st, &err), 1);
	before = xstrdup(db_text(st, 0));
	sqlite3_reset(st);
	ev = count(fx, "SELECT count(*) FROM warning_evidence", NULL);
	run_night(fx, "2026-11-21", &sum);
	run_night(fx, "2026-11-22", &sum);
	assert_int_equal(db_step(st, &err), 1);
	after = xstrdup(db_text(st, 0));
	db_finalize(st);
	assert_string_equal(before, after);
	assert_int_equal(count(fx, "SELECT count(*) FROM warning_evidence", NULL), ev);
	free(before);
	free(after);
}

/* Every warning of the database as one text: ids, kinds, subjects, figures, evidence. */
static char *all_warnings(struct db *db)
{
	sqlite3_stmt *st;
	struct err err;
	char *out;

	assert_int_equal(db_prepare(db, &st,
		"SELECT group_concat(x, ';') FROM (SELECT w.wid || w.kind || w.subject || w.last_night"
		" || w.n_nights || w.severity || w.title || coalesce((SELECT group_concat(report_id)"
		"  FROM (SELECT report_id FROM warning_evidence e WHERE e.warning_id = w.id"
		"  ORDER BY report_id)), '') AS x FROM warning w ORDER BY w.wid)", &err), 0);
	assert_int_equal(db_step(st, &err), 1);
	out = xstrdup(db_text(st, 0));
	db_finalize(st);
	return out;
}

/*
 * The detectors that only read run on a connection of their own once
 * warn_report holds their days, a first night too (their days are added
 * before), and give what they give on the stage's connection alone:
 * here, the same nights in a database in memory, which no other
 * connection can read.
 */
static void apart_gives_the_same(void **state)
{
	struct fixture *fx = *state;
	struct warn_opts opts = { "2026-11-21", LOOKOUT_DATADIR, NULL };
	struct warn_summary s21, s22, m21, m22;
	struct db mem;
	struct err err;
	char *file, *memory;

	run_night(fx, "2026-11-21", &s21);
	run_night(fx, "2026-11-22", &s22);
	assert_int_equal(s21.apart, 1);
	assert_int_equal(s22.apart, 1);
	/* Warnings of kinds found apart, to compare. */
	assert_true(s22.by_kind[WARN_SERIES] + s22.by_kind[WARN_DISPUTE] + s22.by_kind[WARN_BURST] +
		    s22.by_kind[WARN_WATCHLIST] > 0);
	if (db_open(&mem, ":memory:", &err) < 0)
		fail_msg("%s", err.msg);
	load_sql(&mem, "night.sql");
	load_sql(&mem, "series.sql");
	assert_int_equal(db_run(&mem, &err,
				"INSERT INTO watchlist(list, key, note, added_at)"
				" VALUES ('wanted', 'plate:苏A12345', '涉嫌盗窃', 'x')", ""), 0);
	assert_int_equal(warn_run(&mem, &opts, &m21, &err), 0);
	assert_int_equal(m21.apart, 0);
	assert_int_equal(m21.raised, s21.raised);
	for (int k = 0; k < WARN_NKINDS; k++)
		assert_int_equal(m21.by_kind[k], s21.by_kind[k]);
	opts.night = "2026-11-22";
	assert_int_equal(warn_run(&mem, &opts, &m22, &err), 0);
	assert_int_equal(m22.apart, 0);
	assert_int_equal(m22.raised, s22.raised);
	for (int k = 0; k < WARN_NKINDS; k++)
		assert_int_equal(m22.by_kind[k], s22.by_kind[k]);
	file = all_warnings(&fx->db);
	memory = all_warnings(&mem);
	assert_string_equal(file, memory);
	free(file);
	free(memory);
	db_close(&mem);
}

static void quiet_night_raises_nothing(void **state)
{
	struct fixture *fx = *state;
	struct warn_summary sum;

	/* One burglary (0 -> 1) and the first dispute: nothing to say. */
	run_night(fx, "2026-11-12", &sum);
	assert_int_equal(sum.raised, 0);
	assert_int_equal(count(fx, "SELECT count(*) FROM warning", NULL), 0);
}

/*
 * A plate read only in part: the watched 苏A12345 and the masked 苏A123**
 * agree, and so do the watched masked 皖A84K** and 皖A84K21; each is a
 * warning of its own that says it is partial and is less severe than the
 * full match; 苏A124** agrees with nothing.
 */
static void partial_plates_match(void **state)
{
	struct fixture *fx = *state;
	struct warn_summary sum;
	int64_t full;

	load_sql(&fx->db, "partial.sql");
	run_night(fx, "2026-11-21", &sum);
	assert_int_equal(sum.by_kind[WARN_WATCHLIST], 3);
	assert_int_equal(count(fx, "SELECT count(*) FROM warning WHERE subject = ?",
			       "[\"plate:苏A12345\",\"list:wanted\",\"plate:苏A123**\"]"), 1);
	assert_int_equal(count(fx, "SELECT count(*) FROM warning WHERE subject = ?",
			       "[\"plate:皖A84K**\",\"list:stolen\",\"plate:皖A84K21\"]"), 1);
	assert_int_equal(count(fx, "SELECT count(*) FROM warning WHERE subject LIKE ?",
			       "%苏A124%"), 0);
	/* The partial match cites the masked record, says so, and ranks lower. */
	assert_int_equal(count(fx, "SELECT count(*) FROM warning_evidence e JOIN warning w"
			       " ON w.id = e.warning_id WHERE w.subject LIKE '%苏A123**%'"
			       " AND e.report_id = ?", "60"), 1);
	assert_int_equal(count(fx, "SELECT count(*) FROM warning WHERE title LIKE ?",
			       "%部分比中%苏A123**%"), 1);
	full = count(fx, "SELECT severity FROM warning WHERE subject = ?",
		     "[\"plate:苏A12345\",\"list:wanted\"]");
	assert_true(count(fx, "SELECT severity FROM warning WHERE subject LIKE ?",
			  "%苏A123**%") < full);
	/* The exact match of the full plate is still its own warning. */
	assert_int_equal(count(fx, "SELECT count(*) FROM warning_evidence e JOIN warning w"
			       " ON w.id = e.warning_id WHERE w.subject = '[\"plate:苏A12345\",\"list:wanted\"]'"
			       " AND e.report_id IS NOT NULL AND e.report_id = ?", "40"), 1);
}

/*
 * Near repeats an analyst would call so: a theft next door to a burglary
 * is not one, nor are two burglaries that name only the same road; two
 * burglaries two doors apart are.
 */
static void near_repeats_are_close(void **state)
{
	struct fixture *fx = *state;
	struct warn_summary sum;

	load_sql(&fx->db, "nearrepeat.sql");
	run_night(fx, "2026-11-21", &sum);
	assert_int_equal(sum.by_kind[WARN_NEAR_REPEAT], 2);
	assert_int_equal(count(fx, "SELECT count(*) FROM warning WHERE kind = 'near_repeat'"
			       " AND subject = ?", "[\"place:江苏省南京市玄武区和平路\"]"), 1);
	assert_int_equal(count(fx, "SELECT count(*) FROM warning_evidence e JOIN warning w"
			       " ON w.id = e.warning_id WHERE w.kind = 'near_repeat'"
			       " AND e.report_id IN (71, 72, 73) AND e.report_id <> ?", "0"), 0);
	assert_int_equal(count(fx, "SELECT count(*) FROM warning_evidence e JOIN warning w"
			       " ON w.id = e.warning_id WHERE w.kind = 'near_repeat'"
			       " AND e.report_id IN (74, 75) AND e.report_id <> ?", "0"), 2);
}

/*
 * A kind's max_per_night: the best-ranked are raised, the rest held in
 * warning_held (counted, not numbered); a watchlist hit never is held,
 * and a re-run of the night holds the same.
 */
static void capped_kinds_hold_the_rest(void **state)
{
	struct fixture *fx = *state;
	struct warn_summary sum;
	char conf[160];
	char *base = xasprintf("%s/warn.conf", LOOKOUT_DATADIR);
	char *cmd;
	FILE *f;
	struct warn_opts opts = { "2026-11-21", LOOKOUT_DATADIR, conf };
	struct err err;

	snprintf(conf, sizeof(conf), "%s/warn.conf", fx->dir);
	cmd = xasprintf("cp '%s' '%s'", base, conf);
	assert_int_equal(system(cmd), 0);
	f = fopen(conf, "a");
	assert_non_null(f);
	fprintf(f, "categories_file = %s/categories.tsv\n"
		"dispute.escalation_words = %s/escalation-words.txt\n"
		"near_repeat.max_per_night = 1\nwatchlist.max_per_night = 1\n",
		LOOKOUT_DATADIR, LOOKOUT_DATADIR);
	fclose(f);
	load_sql(&fx->db, "nearrepeat.sql");
	load_sql(&fx->db, "partial.sql");
	for (int run = 0; run < 2; run++) {
		if (warn_run(&fx->db, &opts, &sum, &err) < 0)
			fail_msg("warn: %s", err.msg);
		assert_int_equal(sum.by_kind[WARN_NEAR_REPEAT], 1);
		assert_int_equal(sum.held_by_kind[WARN_NEAR_REPEAT], 1);
		assert_int_equal(sum.held, 1);
		assert_int_equal(sum.by_kind[WARN_WATCHLIST], 3);
		assert_int_equal(count(fx, "SELECT count(*) FROM warning_held WHERE night = ?",
				       "2026-11-21"), 1);
		assert_int_equal(count(fx, "SELECT count(*) FROM warning WHERE kind = ?",
				       "near_repeat"), 1);
	}
	free(cmd);
	free(base);
}

static void bad_night_is_an_error(void **state)
{
	struct fixture *fx = *state;
	struct warn_opts opts = { "2026-13-45", LOOKOUT_DATADIR, NULL };
	struct warn_summary sum;
	struct err err;

	assert_int_equal(warn_run(&fx->db, &opts, &sum, &err), -1);
	assert_non_null(strstr(err.msg, "2026-13-45"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_planted_situation, setup, teardown),
		cmocka_unit_test_setup_teardown(category_reports_of_a_range, setup, teardown),
		cmocka_unit_test_setup_teardown(column_copy_cuts_as_snprintf, setup, teardown),
		cmocka_unit_test_setup_teardown(informants_stay_unnamed, setup, teardown),
		cmocka_unit_test_setup_teardown(spike_carried_to_the_next_night, setup, teardown),
		cmocka_unit_test_setup_teardown(spike_folds_what_it_explains, setup, teardown),
		cmocka_unit_test_setup_teardown(spike_names_the_level_once, setup, teardown),
		cmocka_unit_test_setup_teardown(series_named_by_what_joins_it, setup, teardown),
		cmocka_unit_test_setup_teardown(warning_words, setup, teardown),
		cmocka_unit_test_setup_teardown(only_the_night_with_recent_days_1, setup, teardown),
		cmocka_unit_test_setup_teardown(rerun_gives_the_same, setup, teardown),
		cmocka_unit_test_setup_teardown(apart_gives_the_same, setup, teardown),
		cmocka_unit_test_setup_teardown(quiet_night_raises_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(partial_plates_match, setup, teardown),
		cmocka_unit_test_setup_teardown(near_repeats_are_close, setup, teardown),
		cmocka_unit_test_setup_teardown(capped_kinds_hold_the_rest, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_night_is_an_error, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
