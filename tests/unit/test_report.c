/*
 * test_report: the morning report gathered from the hand-built night of
 * tests/fixtures/report/night.sql.  Counts, warning order and caps, the
 * informant never appearing in any format, record strings escaped in
 * HTML, what changed since the last report, data quality, parameters,
 * and the report directory that is never written through a link.
 * Runs from the repository root (as make check does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "output/report.h"
#include "output/report_data.h"

#define FIXTURE "tests/fixtures/report/night.sql"

struct fx {
	char dir[64];
	struct db db;
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	buf[fread(buf, 1, (size_t)n, f)] = '\0';
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof(*fx));
	struct err err;
	char *path, *sql = slurp(FIXTURE);
	int rc;

	setenv("LOOKOUT_NOW", "2026-11-22T02:10:04+08:00", 1);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_report.XXXXXX");
	if (!sql || !mkdtemp(fx->dir)) {
		print_error("cannot read %s or make a directory\n", FIXTURE);
		free(sql);
		free(fx);
		return -1;
	}
	path = xasprintf("%s/t.db", fx->dir);
	rc = db_open(&fx->db, path, &err);
	if (rc == 0)
		rc = db_exec(&fx->db, sql, &err);
	if (rc < 0)
		print_error("fixture: %s\n", err.msg);
	free(path);
	free(sql);
	*state = fx;
	return rc;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	char *cmd = xasprintf("rm -rf '%s'", fx->dir);

	db_close(&fx->db);
	if (system(cmd) != 0)
		print_error("cannot remove %s\n", fx->dir);
	free(cmd);
	free(fx);
	return 0;
}

static struct report_data *load(struct fx *fx, const char *data_dir)
{
	struct report_opts opts = { "2026-11-21", REPORT_JSON, data_dir, 0 };
	struct report_data *d = NULL;
	struct err err;

	if (report_data_load(&fx->db, &opts, &d, &err) < 0)
		fail_msg("report_data_load: %s", err.msg);
	return d;
}

/* The report in one format as an owned string. */
static char *render(struct fx *fx, enum report_format fmt)
{
	struct report_opts opts = { "2026-11-21", fmt, NULL, 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct err err;

	assert_non_null(f);
	if (report_write(&fx->db, &opts, f, &err) < 0)
		fail_msg("report_write: %s", err.msg);
	fclose(f);
	return buf;
}

static void test_nights(void **state)
{
	enum report_format f;
	char night[11];

	(void)state;
	assert_true(report_night_valid("2026-11-21"));
	assert_true(report_night_valid("2024-02-29"));
	assert_false(report_night_valid("2026-02-29"));
	assert_false(report_night_valid("2026-13-01"));
	assert_false(report_night_valid("2026-1-21"));
	assert_false(report_night_valid("2026/11/21"));
	assert_false(report_night_valid(""));
	assert_int_equal(report_format_parse("html", &f), 0);
	assert_int_equal(f, REPORT_HTML);
	assert_int_equal(report_format_parse("md", &f), 0);
	assert_int_equal(f, REPORT_MD);
	assert_int_equal(report_format_parse("pdf", &f), -1);
	setenv("LOOKOUT_NOW", "2026-03-01T00:30:00+08:00", 1);
	report_default_night(night);
	assert_string_equal(night, "2026-02-28");
	setenv("LOOKOUT_NOW", "2026-11-22T02:10:04+08:00", 1);
}

static void test_counts_and_order(void **state)
{
	struct report_data *d = load(*state, NULL);

	assert_string_equal(d->generated_at, "2026-11-22T02:10:04+08:00");
	assert_int_equal(d->reports, 15);
	assert_int_equal(d->new_reports, 5);
	assert_int_equal(d->rejected, 2);          /* batches 2 and 3: after the last report */
	assert_int_equal(d->entities, 8);
	assert_int_equal(d->links, 5);
	assert_int_equal(d->warnings_total, 4);    /* W-2026-11-18-0003 ended on the 19th */
	assert_int_equal(d->n_warnings, 4);
	for (size_t i = 1; i < d->n_warnings; i++)
		assert_true(d->warnings[i - 1].severity >= d->warnings[i].severity);
	assert_string_equal(d->warnings[1].kind, "spike");
	assert_int_equal(d->warnings[1].n_series, 14);
	assert_string_equal(d->warnings[1].series[13].date, "2026-11-21");
	assert_true(d->warnings[1].series[13].observed == 2);
	assert_false(d->warnings[1].is_new);
	/* The latest evidence first. */
	assert_string_equal(d->warnings[1].evidence.v[0].ref, "110/J20261121002");
	assert_int_equal(d->n_clusters, 2);        /* C-0022 is 'same': not shown */
	assert_string_equal(d->clusters[0].id, "C-0017");
	assert_true(d->clusters[0].is_series);
	assert_false(d->clusters[0].layout_stored);
	assert_int_equal(d->n_series, 1);
	assert_int_equal(d->n_hits, 1);
	assert_string_equal(d->hits[0].list, "wanted");
	assert_string_equal(d->hits[0].key, "idcard:11010119900307001X");
	report_data_free(d);
}

/*
 * A cluster's drawn members come as ORDER BY rank, key gives them,
 * capped, with a protected person keyless in its place: 40 more members
 * of C-0021, two to a rank, their keys against the order of their ids,
 * and the informant's reporter (entity 5) tied with two of them.
 */
static void test_cluster_members_in_rank_then_key_order(void **state)
{
	struct fx *fx = *state;
	const struct report_cluster *c = NULL;
	struct report_data *d;
	sqlite3_stmt *st;
	struct err err;
	size_t k = 0;

	for (int i = 0; i < 40; i++) {
		char *sql = xasprintf("INSERT INTO entity(id, type, key, display) VALUES"
				      " (%d, 'phone', 'phone:139%08d', 'x');"
				      "INSERT INTO cluster_member(cluster_id, night, entity_id, rank)"
				      " VALUES (21, '2026-11-21', %d, %d)",
				      100 + i, 99 - i, 100 + i, 2 + i / 2);

		assert_int_equal(db_exec(&fx->db, sql, &err), 0);
		free(sql);
	}
	assert_int_equal(db_exec(&fx->db, "INSERT INTO cluster_member(cluster_id, night, entity_id, rank)"
				 " VALUES (21, '2026-11-21', 5, 3)", &err), 0);
	d = load(fx, NULL);
	for (size_t i = 0; i < d->n_clusters; i++)
		if (!strcmp(d->clusters[i].id, "C-0021"))
			c = &d->clusters[i];
	assert_non_null(c);
	assert_true(c->n_nodes > 4 && c->n_nodes < 42);
	assert_true(c->entities.n > 0);
	assert_int_equal(db_prepare(&fx->db, &st,
				    "SELECT e.id, e.key, m.rank FROM cluster_member m"
				    " JOIN entity e ON e.id = m.entity_id"
				    " WHERE m.cluster_id = 21 AND m.night = '2026-11-21'"
				    " ORDER BY m.rank, e.key", &err), 0);
	while (k < c->n_nodes && db_step(st, &err) == 1) {
		int hidden = sqlite3_column_int64(st, 0) == 5;

		assert_string_equal(c->nodes[k].key, hidden ? "" : db_text(st, 1));
		assert_int_equal(c->nodes[k].rank, sqlite3_column_int(st, 2));
		k++;
	}
	db_finalize(st);
	assert_int_equal(k, c->n_nodes);
	assert_string_equal(c->entities.v[0], "phone:13800000000");
	report_data_free(d);
}

static void test_informant_masked(void **state)
{
	struct report_data *d = load(*state, NULL);
	const struct report_warning *burst = &d->warnings[2];
	const char *const secrets[] = { "K07", "李秀英", "informant:", "person:18" };
	const enum report_format fmts[] = { REPORT_JSON, REPORT_MD, REPORT_HTML };

	assert_string_equal(burst->kind, "burst");
	assert_string_equal(burst->evidence.v[0].ref, "informant/#5");
	assert_int_equal(burst->evidence.v[0].informant, 1);
	assert_string_equal(burst->evidence.v[0].snippet, "");
	assert_false(strstr(burst->explanation, "K07"));
	assert_non_null(strstr(burst->explanation, "***"));
	for (size_t i = 0; i < burst->entities.n; i++)
		assert_string_not_equal(burst->entities.v[i], "person:18");
	report_data_free(d);
	for (size_t f = 0; f < 3; f++) {
		char *out = render(*state, fmts[f]);

		for (size_t s = 0; s < 4; s++)
			if (strstr(out, secrets[s]))
				fail_msg("format %zu shows '%s'", f, secrets[s]);
		assert_non_null(strstr(out, "informant/"));
		free(out);
	}
}

static void test_html_escaped(void **state)
{
	char *html = render(*state, REPORT_HTML);

	assert_false(strstr(html, "<script"));
	assert_false(strstr(html, "<img"));
	assert_false(strstr(html, "<b>12"));
	assert_false(strstr(html, "<b>A"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(html, "&lt;img src=x onerror=alert(1)&gt;"));
	assert_non_null(strstr(html, "Content-Security-Policy"));
	assert_non_null(strstr(html, "<polygon"));   /* the spike's band */
	assert_non_null(strstr(html, "<circle"));
	/* Self-contained: nothing fetched from anywhere. */
	assert_false(strstr(html, "src="  "\""));
	assert_false(strstr(html, "href="));
	free(html);
}

static void test_changes_and_quality(void **state)
{
	struct report_data *d = load(*state, NULL);

	assert_false(d->changes.first);
	assert_string_equal(d->changes.prev_night, "2026-11-20");
	assert_int_equal(d->changes.new_warnings.n, 3);
	assert_int_equal(d->changes.n_continuing, 1);
	assert_int_equal(d->changes.ended_warnings.n, 1);
	assert_non_null(strstr(d->changes.ended_warnings.v[0], "W-2026-11-18-0003"));
	assert_int_equal(d->quality.quarantined, 2);
	assert_int_equal(d->quality.n_samples, 2);
	assert_string_equal(d->quality.samples[0].file, "hotline.jsonl");
	assert_string_equal(d->quality.samples[1].file, "informant_***.txt");
	assert_int_equal(d->quality.n_quiet, 1);
	assert_string_equal(d->quality.quiet[0].name, "96110");
	assert_int_equal(d->quality.late, 1);
	assert_string_equal(d->quality.late_refs.v[0].ref, "patrol/P-331");
	assert_int_equal(d->quality.undated, 1);
	report_data_free(d);
}

static void test_params(void **state)
{
	struct fx *fx = *state;
	char *conf = xasprintf("%s/report.conf", fx->dir);
	struct report_params p;
	struct report_data *d;
	struct err err;
	FILE *f = fopen(conf, "w");

	fputs("# fewer\ntop_warnings = 1\n evidence_per_warning=0 \n", f);
	fclose(f);
	d = load(fx, fx->dir);
	assert_int_equal(d->n_warnings, 1);
	assert_int_equal(d->warnings_total, 4);
	assert_int_equal(d->warnings[0].evidence.n, 0);
	assert_int_equal(d->warnings[0].reports.n, 1);
	report_data_free(d);
	f = fopen(conf, "w");
	fputs("top_warning = 3\n", f);
	fclose(f);
	assert_int_equal(report_params_load(&p, fx->dir, &err), -1);
	assert_non_null(strstr(err.msg, "unknown parameter 'top_warning'"));
	f = fopen(conf, "w");
	fputs("top_warnings = many\n", f);
	fclose(f);
	assert_int_equal(report_params_load(&p, fx->dir, &err), -1);
	assert_non_null(strstr(err.msg, "report.conf:1: 'many' is not a number"));
	unlink(conf);
	assert_int_equal(report_params_load(&p, fx->dir, &err), 0);
	assert_int_equal(p.top_warnings, 50);
	free(conf);
}

/*
 * A watchlist hit is never pushed off the page, however low its severity
 * and however few warnings are shown; what the warn stage held back
 * beyond a kind's cap is counted and listed, masked, most severe first.
 */
static void test_hits_kept_and_held_listed(void **state)
{
	struct fx *fx = *state;
	char *conf = xasprintf("%s/report.conf", fx->dir), *md;
	struct report_data *d;
	struct err err;
	FILE *f = fopen(conf, "w");

	fputs("top_warnings = 1\nheld_shown = 2\n", f);
	fclose(f);
	assert_int_equal(db_run(&fx->db, &err, "UPDATE warning_night SET severity = 5"
				" WHERE warning_id = 2 AND night = '2026-11-21'", ""), 0);
	assert_int_equal(db_run(&fx->db, &err,
				"INSERT INTO warning_held(night, kind, subject, severity, title) VALUES"
				" ('2026-11-21', 'near_repeat', 'a', 70, '幸福路12号 近重复入室盗窃'),"
				" ('2026-11-21', 'near_repeat', 'b', 85, '和平路 近重复入室盗窃 K07'),"
				" ('2026-11-21', 'near_repeat', 'c', 55, '长江路3号 近重复盗窃'),"
				" ('2026-11-21', 'dispute', 'd', 45, '幸福路12号 纠纷反复'),"
				" ('2026-11-20', 'dispute', 'e', 45, '前一晚的')", ""), 0);
	d = load(fx, fx->dir);
	assert_int_equal(d->n_warnings, 1);
	assert_string_equal(d->warnings[0].kind, "watchlist");
	assert_int_equal(d->n_hits, 1);
	assert_int_equal(d->held_total, 4);
	assert_int_equal(d->n_held, 2);
	assert_string_equal(d->held[0].kind, "near_repeat");
	assert_int_equal(d->held[0].n, 3);
	assert_int_equal(d->held[0].titles.n, 2);
	assert_non_null(strstr(d->held[0].titles.v[0], "和平路"));
	assert_null(strstr(d->held[0].titles.v[0], "K07"));
	assert_string_equal(d->held[1].kind, "dispute");
	report_data_free(d);
	unlink(conf);
	md = render(fx, REPORT_MD);
	assert_non_null(strstr(md, "另有 4 条未单列"));
	assert_null(strstr(md, "前一晚的"));
	free(md);
	free(conf);
}

/*
 * A title that names its kind itself (the watchlist's 布控比中：, the
 * series' 串并案线索：) gets no second kind name, in Markdown or HTML;
 * another gets its kind's name before it.
 */
static void test_kind_named_once(void **state)
{
	struct fx *fx = *state;
	struct err err;
	char *md, *html;

	assert_int_equal(db_run(&fx->db, &err, "UPDATE warning_night SET title = "
				"'布控比中：在逃人员 张三 出现在如家酒店' WHERE warning_id = 2", ""), 0);
	assert_int_equal(db_run(&fx->db, &err, "UPDATE warning SET kind = 'series' WHERE id = 3", ""), 0);
	assert_int_equal(db_run(&fx->db, &err, "UPDATE warning_night SET title = "
				"'串并案线索：3起入室盗窃警情相互关联' WHERE warning_id = 3", ""), 0);
	md = render(fx, REPORT_MD);
	html = render(fx, REPORT_HTML);
	assert_non_null(strstr(md, "] 布控比中：在逃人员 张三"));
	assert_non_null(strstr(md, "] 串并案线索：3起入室盗窃"));
	assert_non_null(strstr(md, "] 警情突增：入室盗窃 in"));
	assert_non_null(strstr(html, "</span>1. 布控比中：在逃人员 张三"));
	assert_non_null(strstr(html, "警情突增：入室盗窃 in"));
	assert_non_null(strstr(html, ". 串并案线索：3起入室盗窃"));
	assert_null(strstr(md, "布控比中：布控比中"));
	assert_null(strstr(md, "串并案线索：串并案线索"));
	assert_null(strstr(html, "布控比中：布控比中"));
	assert_null(strstr(html, "串并案线索：串并案线索"));
	free(md);
	free(html);
}

static void test_write_dir_and_record(void **state)
{
	struct fx *fx = *state;
	struct report_opts opts = { "2026-11-21", REPORT_HTML, NULL, 1 };
	char *out = xasprintf("%s/out", fx->dir), *victim = xasprintf("%s/victim", fx->dir);
	char *link = xasprintf("%s/report.html", out), *path;
	struct report_data *d;
	struct stat st;
	struct err err;
	int64_t n;
	FILE *f;

	assert_int_equal(mkdir(out, 0700), 0);
	f = fopen(victim, "w");
	fputs("untouched\n", f);
	fclose(f);
	assert_int_equal(symlink(victim, link), 0);
	if (report_write_dir(&fx->db, &opts, out, &err) < 0)
		fail_msg("report_write_dir: %s", err.msg);
	/* The link was replaced by the report, its target left alone. */
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(stat(victim, &st), 0);
	assert_int_equal(st.st_size, 10);
	for (int i = 0; i < 2; i++) {
		path = xasprintf("%s/report.%s", out, i ? "md" : "json");
		assert_int_equal(stat(path, &st), 0);
		assert_true(st.st_size > 100);
		free(path);
	}
	assert_int_equal(db_int(&fx->db, &err, &n,
				"SELECT count(*) FROM report_run WHERE night = '2026-11-21'"
				" AND max_batch_id = 3", ""), 0);
	assert_int_equal(n, 1);
	/* Re-running the same night compares with the night before, still. */
	d = load(fx, NULL);
	assert_string_equal(d->changes.prev_night, "2026-11-20");
	report_data_free(d);
	/* The next night sees tonight's report and no new batches. */
	opts.night = "2026-11-22";
	assert_int_equal(report_data_load(&fx->db, &opts, &d, &err), 0);
	assert_string_equal(d->changes.prev_night, "2026-11-21");
	assert_int_equal(d->rejected, 0);
	assert_int_equal(d->changes.ended_warnings.n, 4);
	report_data_free(d);
	free(out);
	free(victim);
	free(link);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nights),
		cmocka_unit_test_setup_teardown(test_counts_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cluster_members_in_rank_then_key_order, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_informant_masked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_and_quality, setup, teardown),
		cmocka_unit_test_setup_teardown(test_params, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hits_kept_and_held_listed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kind_named_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_dir_and_record, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
