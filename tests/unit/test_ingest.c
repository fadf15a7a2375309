/*
 * test_ingest: the ingest stage's parts without the database: decoding
 * (UTF-8, BOM, GB18030, mixed, NUL), the three readers, the alias and
 * grading tables of data/, building rows (full-width, Traditional, wrong
 * types, persons, defaults), near-duplicate detection, and the worker
 * thread's queue and foresight.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <iconv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "common/day.h"
#include "ingest/ahead.h"
#include "ingest/dedup.h"
#include "ingest/fields.h"
#include "ingest/grading.h"
#include "ingest/ingest.h"
#include "ingest/input.h"
#include "ingest/queue.h"
#include "ingest/reader.h"
#include "ingest/record.h"
#include "ingest/sha256.h"
#include "ingest/store.h"

/* What a reader delivered: one line per record, "LINE|reason" or "LINE|k=v|k=v". */
struct seen {
	char out[64][512];
	int n;
	struct ingest_fields *fields;   /* for the text reader's key lines */
};

static int collect(void *arg, struct ingest_record *r, struct err *err)
{
	struct seen *s = arg;
	char *p = s->out[s->n++];
	size_t room = sizeof(s->out[0]);
	int k = snprintf(p, room, "%ld", r->line);

	if (r->reject) {
		snprintf(p + k, room - (size_t)k, "|!%s", r->reject);
		return 0;
	}
	for (size_t i = 0; i < r->n && (size_t)k < room; i++)
		k += snprintf(p + k, room - (size_t)k, "|%s=%s", r->f[i].name, r->f[i].value);
	return 0;
}

static const char *key_of(void *arg, const char *name, size_t len)
{
	struct seen *s = arg;

	return ingest_fields_lookup(s->fields, name, len);
}

static struct norm norm;
static struct ingest_fields fields;
static struct ingest_grading grading;

static int setup(void **state)
{
	struct err err;

	if (norm_init(&norm, &err) < 0 ||
	    ingest_fields_load(&fields, LOOKOUT_DATADIR "/aliases.tsv", &norm, &err) < 0 ||
	    ingest_grading_load(&grading, LOOKOUT_DATADIR "/grading.tsv", &err) < 0) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	ingest_grading_release(&grading);
	ingest_fields_release(&fields);
	norm_release(&norm);
	return 0;
}

static char *to_gb18030(const char *s)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	size_t inl = strlen(s), outl = 4 * inl + 1;
	char *out = xcalloc(outl, 1), *o = out, *in = (char *)s;

	assert_true(cd != (iconv_t)-1);
	assert_int_not_equal(iconv(cd, &in, &inl, &o, &outl), (size_t)-1);
	iconv_close(cd);
	return out;
}

static void read_jsonl(const char *buf, size_t len, struct seen *s)
{
	struct ingest_input in;
	struct err err;

	memset(s, 0, sizeof(*s));
	ingest_input_init(&in, buf, len);
	assert_int_equal(ingest_jsonl_read(&in, collect, s, &err), 0);
	ingest_input_release(&in);
}

static void test_input_utf8_bom(void **state)
{
	const char buf[] = "\xef\xbb\xbf{\"id\":\"1\"}\r\n\n{\"id\":\"2\"}";
	struct seen s;

	read_jsonl(buf, sizeof(buf) - 1, &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.out[0], "1|id=1");
	assert_string_equal(s.out[1], "3|id=2");
}

static void test_input_gb18030(void **state)
{
	char *gb = to_gb18030("{\"text\":\"幸福路十二号\"}\n{\"text\":\"群众举报\"}\n");
	struct ingest_input in;
	struct seen s;
	const char *raw;
	size_t n;

	ingest_input_init(&in, gb, strlen(gb));
	assert_int_equal(in.enc, ENC_GB18030);
	/* The raw bytes stay GB18030 (n is set before it is read: argument order is unspecified). */
	raw = ingest_input_raw(&in, 1, 1, &n);
	assert_memory_equal(raw, strchr(gb, '\n') + 1, n);
	ingest_input_release(&in);
	read_jsonl(gb, strlen(gb), &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.out[0], "1|text=幸福路十二号");
	assert_string_equal(s.out[1], "2|text=群众举报");
	free(gb);
}

static void test_input_mixed(void **state)
{
	char *gb = to_gb18030("{\"text\":\"国标编码\"}\n");
	char *buf = xasprintf("{\"text\":\"统一码\"}\n%s{\"text\":\"\xff\xfe\"}\n{\"text\":\"a", gb);
	size_t len = strlen(buf);
	struct seen s;

	buf = xrealloc(buf, len + 4);
	memcpy(buf + len, "\0b\"}", 4);   /* a NUL inside the last record */
	read_jsonl(buf, len + 4, &s);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.out[0], "1|text=统一码");
	assert_string_equal(s.out[1], "2|text=国标编码");
	assert_string_equal(s.out[2], "3|!bytes are neither UTF-8 nor GB18030");
	assert_string_equal(s.out[3], "4|!NUL byte in record");
	free(buf);
	free(gb);
}

static void test_jsonl_bad(void **state)
{
	const char buf[] = "{\"a\":1,\"b\":[1],\"c\":null,\"d\":true}\n{broken\n[1]\n\"x\"\n{\"a\":\"x\"} trailing\n";
	struct seen s;

	read_jsonl(buf, sizeof(buf) - 1, &s);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.out[0], "1|a=1|b=[1]|c=|d=true");
	assert_string_equal(s.out[1], "2|!broken JSON near byte 3");
	assert_string_equal(s.out[2], "3|!JSON value is not an object");
	assert_string_equal(s.out[3], "4|!JSON value is not an object");
	assert_non_null(strstr(s.out[4], "text after the object"));
}

static void test_jsonl_too_long(void **state)
{
	size_t n = INGEST_MAX_RECORD + 100;
	char *buf = xmalloc(n + 20);
	struct seen s;

	memset(buf, 'x', n);
	memcpy(buf, "{\"t\":\"", 6);
	memcpy(buf + n, "\"}\n{\"t\":\"ok\"}\n", 14);
	read_jsonl(buf, n + 14, &s);
	assert_int_equal(s.n, 2);
	assert_non_null(strstr(s.out[0], "record over"));
	assert_string_equal(s.out[1], "2|t=ok");
	free(buf);
}

static void read_csv(const char *buf, char delim, struct seen *s)
{
	struct ingest_input in;
	struct err err;

	memset(s, 0, sizeof(*s));
	ingest_input_init(&in, buf, strlen(buf));
	assert_int_equal(ingest_csv_read(&in, delim, collect, s, &err), 0);
	ingest_input_release(&in);
}

static void test_csv(void **state)
{
	struct seen s;

	read_csv("id,text\r\n1,\"two\r\nlines, quoted\"\r\n\r\n2,short,extra\r\n3,\"a \"\"q\"\"\"\r\n4,last", ',', &s);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.out[0], "2|id=1|text=two\r\nlines, quoted");
	assert_string_equal(s.out[1], "5|!row has 3 fields, the header has 2");
	assert_string_equal(s.out[2], "6|id=3|text=a \"q\"");
	assert_string_equal(s.out[3], "7|id=4|text=last");
}

static void test_csv_unterminated(void **state)
{
	struct seen s;

	/* The open quote on line 3 must not swallow the rows after it. */
	read_csv("id,text\n1,ok\n2,\"never closed\n3,fine\n4,also fine\n", ',', &s);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.out[0], "2|id=1|text=ok");
	assert_string_equal(s.out[1], "3|!unterminated quoted field");
	assert_string_equal(s.out[2], "4|id=3|text=fine");
	assert_string_equal(s.out[3], "5|id=4|text=also fine");
}

static void test_tsv(void **state)
{
	struct seen s;

	read_csv("姓名\t证件号码\t机器号\n张三\t\tA1\n李四\t110\tA2\n", '\t', &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.out[0], "2|姓名=张三|证件号码=|机器号=A1");
	assert_string_equal(s.out[1], "3|姓名=李四|证件号码=110|机器号=A2");
}

static void test_text(void **state)
{
	const char buf[] = "来源：hotline\n地点: 幸福路\n有人反映\n第二行\n---\n\n"
			   "內容：群眾舉報\n更多\n---\n时间：不详\nNote: x\n";
	struct ingest_input in;
	struct seen s;
	struct err err;

	memset(&s, 0, sizeof(s));
	s.fields = &fields;
	ingest_input_init(&in, buf, sizeof(buf) - 1);
	assert_int_equal(ingest_text_read(&in, key_of, collect, &s, &err), 0);
	ingest_input_release(&in);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.out[0], "1|来源=hotline|地点=幸福路|text=有人反映\n第二行\n");
	/* A Traditional 內容 key opens the narrative with its value. */
	assert_string_equal(s.out[1], "7|text=群眾舉報\n更多\n");
	/* Keys the table does not know stay in the text. */
	assert_string_equal(s.out[2], "10|text=时间：不详\nNote: x\n");
}

static void test_aliases(void **state)
{
	static const char *const cases[][2] = {
		{ "报警时间", "received_at" }, { "Received At", "received_at" },
		{ "ＲＥＣＥＩＶＥＤ＿ＡＴ", "received_at" }, { "received-at", "received_at" },
		{ " 身份证号 ", "id_number" }, { "公民身份号码", "id_number" },
		{ "報警時間", "received_at" }, { "聯繫電話", "phone" }, { "IMEI", "imei" },
		{ "发案地点", "place" }, { "经度", "lon" }, { "信息可信度", "credibility" },
		{ "退房时间", "checkout_at" }, { "报警人", "reporter" }, { "机器号", "terminal" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = ingest_fields_lookup(&fields, cases[i][0], strlen(cases[i][0]));

		assert_non_null(got);
		assert_string_equal(got, cases[i][1]);
	}
	assert_null(ingest_fields_lookup(&fields, "备注", strlen("备注")));
	assert_string_equal(ingest_fields_kind(&fields, "警情", strlen("警情")), "incident");
	assert_string_equal(ingest_fields_kind(&fields, "TIP", 3), "tip");
	assert_null(ingest_fields_kind(&fields, "other", 5));
}

static void test_grading(void **state)
{
	char r;
	int c;

	ingest_grading_default(&grading, "informant:K07", "tip", &r, &c);
	assert_true(r == 'C' && c == 3);
	ingest_grading_default(&grading, "110", "incident", &r, &c);
	assert_true(r == 'B' && c == 2);
	ingest_grading_default(&grading, "anonymous-box", "tip", &r, &c);
	assert_true(r == 'F' && c == 4);
	ingest_grading_default(&grading, "x", "unheard-of", &r, &c);
	assert_true(r == 'F' && c == 6);
	assert_true(ingest_grading_valid_reliability("A"));
	assert_false(ingest_grading_valid_reliability("G"));
	assert_false(ingest_grading_valid_credibility("7"));
}

/* Build a row from "name=value" fields (type text unless given). */
static int build(struct ingest_row *row, struct ingest_record *rec, const char *const *kv,
		 const enum ingest_ftype *types)
{
	struct ingest_rowctx c = { &fields, &grading, &norm, "file" };
	struct err err;
	int rc;

	ingest_record_init(rec);
	rec->raw = "raw";
	rec->raw_len = 3;
	rec->line = 1;
	for (int i = 0; kv[i]; i++) {
		const char *eq = strchr(kv[i], '=');

		ingest_record_add(rec, kv[i], (size_t)(eq - kv[i]), eq + 1, strlen(eq + 1),
				  types ? types[i] : IF_TEXT);
	}
	ingest_row_init(row);
	rc = ingest_row_build(&c, rec, row, &err);
	assert_true(rc >= 0);
	return rc;
}

static void test_record_normalised(void **state)
{
	const char *const kv[] = {
		"警情编号=Ｊ００１", "报警时间=2026年11月21日20时15分", "案发时间=晚8时许",
		"地點=幸福路１２號", "内容=群眾反映　有人在樓道徘徊，電話１３９１２３４５６７８",
		"联系电话=１３９-1234-5678", "来源可靠性=b", "信息可信度=2", "车队=三队", NULL,
	};
	struct ingest_record rec;
	struct ingest_row row;

	assert_int_equal(build(&row, &rec, kv, NULL), 0);
	assert_string_equal(row.ext_id, "J001");
	assert_string_equal(row.source, "file");
	assert_string_equal(row.kind, "tip");
	assert_string_equal(row.received_at, "2026-11-21T20:15:00+08:00");
	assert_string_equal(row.occurred_at, "2026-11-21T20:00:00+08:00");
	assert_string_equal(row.place, "幸福路12号");
	assert_string_equal(row.text, "群众反映 有人在楼道徘徊,电话13912345678");
	assert_string_equal(row.fields, "{\"phone\":\"139-1234-5678\"}");
	assert_string_equal(row.extra, "{\"车队\":\"三队\"}");
	assert_true(row.reliability[0] == 'B' && row.credibility == 2 && !row.grading_default);
	assert_int_equal(strlen(row.content_hash), 64);
	/* measured for the writer's binds; 0 is "not measured" */
	assert_int_equal(row.text_len, strlen(row.text));
	assert_int_equal(row.fields_len, strlen(row.fields));
	assert_int_equal(row.extra_len, strlen(row.extra));
	assert_int_equal(ingest_row_len(row.text, row.text_len), strlen(row.text));
	assert_int_equal(ingest_row_len(row.text, 0), strlen(row.text));
	assert_int_equal(ingest_row_len("", 0), 0);
	ingest_row_release(&row);
	assert_int_equal(row.text_len, 0);
	ingest_record_release(&rec);
}

static void test_record_kept_with_notes(void **state)
{
	const char *const kv[] = {
		"source=informant:K07", "text=x", "received_at=someday", "reliability=Z",
		"credibility=9", "lat=95", "lon=118.5", NULL,
	};
	const enum ingest_ftype types[] = { IF_TEXT, IF_TEXT, IF_TEXT, IF_TEXT, IF_NUMBER,
					    IF_NUMBER, IF_NUMBER };
	struct ingest_record rec;
	struct ingest_row row;

	assert_int_equal(build(&row, &rec, kv, types), 0);
	assert_string_equal(row.kind, "informant");
	assert_int_equal(row.informant, 1);
	assert_null(row.received_at);
	assert_string_equal(row.received_text, "someday");
	assert_int_equal(row.date_flags, DATE_FLAG_RECEIVED);
	assert_true(row.reliability[0] == 'C' && row.credibility == 3 && row.grading_default);
	assert_false(row.has_lat);
	assert_true(row.has_lon && row.lon == 118.5);
	assert_non_null(strstr(row.extra, "reliability 'Z' is not A-F"));
	assert_non_null(strstr(row.extra, "lat '95' is not a coordinate"));
	/* No id: one is derived from the content. */
	assert_int_equal(row.id_derived, 1);
	assert_int_equal(row.ext_id[0], 'h');
	ingest_row_release(&row);
	ingest_record_release(&rec);
}

static void test_record_rejected(void **state)
{
	static const char *const kv1[] = { "text=42", NULL };
	static const char *const kv2[] = { "phone=[1]", NULL };
	static const char *const kv3[] = { "地点=幸福路", "备注=x", NULL };
	static const char *const kv4[] = { "persons=[{\"name\":7}]", NULL };
	static const char *const kv5[] = { "persons=[{\"name\":\"張三\",\"role\":\"Suspect\"}]", NULL };
	const enum ingest_ftype num[] = { IF_NUMBER }, list[] = { IF_LIST };
	struct ingest_record rec;
	struct ingest_row row;

	assert_int_equal(build(&row, &rec, kv1, num), 1);
	assert_string_equal(rec.reject, "field 'text' is a number, expected text");
	ingest_record_release(&rec);
	ingest_row_release(&row);
	assert_int_equal(build(&row, &rec, kv2, list), 1);
	assert_string_equal(rec.reject, "field 'phone' is a list, expected text");
	ingest_record_release(&rec);
	ingest_row_release(&row);
	assert_int_equal(build(&row, &rec, kv3, NULL), 1);
	assert_non_null(strstr(rec.reject, "no text and no identifying field"));
	ingest_record_release(&rec);
	ingest_row_release(&row);
	assert_int_equal(build(&row, &rec, kv4, list), 1);
	assert_string_equal(rec.reject, "persons[0].name is not text");
	ingest_record_release(&rec);
	ingest_row_release(&row);
	/* A person's name is enough, normalised, role lower-cased. */
	assert_int_equal(build(&row, &rec, kv5, list), 0);
	assert_string_equal(row.fields, "{\"persons\":[{\"name\":\"张三\",\"role\":\"suspect\"}]}");
	ingest_record_release(&rec);
	ingest_row_release(&row);
}

static void test_same_content_same_hash(void **state)
{
	static const char *const a[] = { "id=1", "text=有人反映", "phone=139", NULL };
	static const char *const b[] = { "电话=１３９", "编号=2", "内容=有人反映", NULL };
	struct ingest_record rec;
	struct ingest_row ra, rb;

	build(&ra, &rec, a, NULL);
	ingest_record_release(&rec);
	build(&rb, &rec, b, NULL);
	ingest_record_release(&rec);
	assert_string_equal(ra.content_hash, rb.content_hash);
	ingest_row_release(&ra);
	ingest_row_release(&rb);
}

/*
 * A report known to be new goes in by a plain INSERT; the same report
 * again is a duplicate (id 0) by the upsert, and an error when it was
 * said to be new.
 */
static void test_store_fresh(void **state)
{
	static const char *const kv[] = { "id=S1", "text=有人反映电动车被盗", NULL };
	struct ingest_record rec;
	struct ingest_row row;
	struct ingest_store st;
	struct db db = { 0 };
	struct err err;
	int64_t batch, id;

	assert_int_equal(db_open(&db, ":memory:", &err), 0);
	assert_int_equal(ingest_store_open(&st, &db, &err), 0);
	assert_int_equal(ingest_store_add_batch(&st, "f.jsonl", "00", "jsonl", "utf-8", &batch, &err), 0);
	assert_int_equal(build(&row, &rec, kv, NULL), 0);
	assert_int_equal(ingest_store_add_report(&st, &row, "raw", 3, NULL, batch, 1, 1, &id, &err), 0);
	assert_int_equal(id, 1);
	assert_int_equal(ingest_store_add_report(&st, &row, "raw", 3, NULL, batch, 2, 0, &id, &err), 0);
	assert_int_equal(id, 0);
	assert_int_equal(ingest_store_add_report(&st, &row, "raw", 3, NULL, batch, 3, 1, &id, &err), -1);
	assert_non_null(strstr(err.msg, "UNIQUE constraint failed"));
	ingest_row_release(&row);
	ingest_record_release(&rec);
	ingest_store_close(&st);
	db_close(&db);
}

/*
 * Reports known to be new go in a run of INGEST_STORE_RUN by one
 * statement and the rest one by one, in order, their ids without a
 * gap; a duplicate among them is an error.
 */
static void test_store_new_runs(void **state)
{
	enum { N = INGEST_STORE_RUN + 4 };
	struct ingest_record rec[N];
	struct ingest_row row[N];
	struct ingest_new v[N];
	struct ingest_store st;
	struct db db = { 0 };
	struct err err;
	int64_t batch, last, line;

	assert_int_equal(db_open(&db, ":memory:", &err), 0);
	assert_int_equal(ingest_store_open(&st, &db, &err), 0);
	assert_int_equal(ingest_store_add_batch(&st, "f.jsonl", "00", "jsonl", "utf-8", &batch, &err), 0);
	for (int i = 0; i < N; i++) {
		char id[32], text[64];
		const char *const kv[] = { id, text, NULL };

		snprintf(id, sizeof(id), "id=R%d", i);
		snprintf(text, sizeof(text), "text=第%d条举报", i);
		assert_int_equal(build(&row[i], &rec[i], kv, NULL), 0);
		v[i] = (struct ingest_new){ &row[i], "raw", 3, NULL, 10 + i };
	}
	assert_int_equal(ingest_store_add_new(&st, v, N, batch, &last, &err), 0);
	assert_int_equal(last, N);
	for (int i = 0; i < N; i++) {
		char sql[64];

		snprintf(sql, sizeof(sql), "SELECT line FROM report WHERE id = %d", i + 1);
		assert_int_equal(db_int(&db, &err, &line, sql, ""), 0);
		assert_int_equal(line, 10 + i);
	}
	assert_int_equal(ingest_store_add_new(&st, v, INGEST_STORE_RUN, batch, &last, &err), -1);
	assert_non_null(strstr(err.msg, "UNIQUE constraint failed"));
	for (int i = 0; i < N; i++) {
		ingest_row_release(&row[i]);
		ingest_record_release(&rec[i]);
	}
	ingest_store_close(&st);
	db_close(&db);
}

/*
 * The buckets' rows go in runs of many a statement and the rest one by
 * one: every report's sketch once, a row for each band that took it; the
 * same rows again change nothing.
 */
static void test_store_bands(void **state)
{
	enum { N = 70 };
	struct ingest_bands b = { 0 };
	struct ingest_store st;
	struct db db = { 0 };
	struct err err;
	int64_t v;

	assert_int_equal(db_open(&db, ":memory:", &err), 0);
	/* No report rows to refer to: off, as while ingest writes a night. */
	assert_int_equal(db_exec(&db, "PRAGMA foreign_keys = OFF", &err), 0);
	assert_int_equal(ingest_store_open(&st, &db, &err), 0);
	for (int round = 0; round < 2; round++) {
		for (int i = 1; i <= N; i++) {
			struct dedup_sketch sk;

			for (int h = 0; h < DEDUP_NHASH; h++)
				sk.mh[h] = (uint32_t)(i * 7919 + h * 104729);
			ingest_bands_add(&b, i, i, 20400 + i, &sk, i % 2 ? 0xff : 0x01);
		}
		assert_int_equal(ingest_store_add_bands(&st, &b, &err), 0);
		assert_int_equal(b.n, 0);
		assert_int_equal(db_int(&db, &err, &v, "SELECT count(*) FROM report_sketch", ""), 0);
		assert_int_equal(v, N);
		assert_int_equal(db_int(&db, &err, &v, "SELECT count(*) FROM report_band", ""), 0);
		assert_int_equal(v, N / 2 * DEDUP_BANDS + N / 2);
		assert_int_equal(db_int(&db, &err, &v, "SELECT count(DISTINCT id) FROM report_band", ""), 0);
		assert_int_equal(v, N);
	}
	assert_int_equal(db_int(&db, &err, &v, "SELECT root FROM report_sketch WHERE id = 69", ""), 0);
	assert_int_equal(v, 69);
	assert_int_equal(db_int(&db, &err, &v, "SELECT day FROM report_sketch WHERE id = 69", ""), 0);
	assert_int_equal(v, 20400 + 69);
	ingest_bands_release(&b);
	ingest_store_close(&st);
	db_close(&db);
}

/* A fetch function over a fixed table of texts, ids 1..n. */
static const char *texts[8];
static const char *places[8];
static long days[8];

static int fetches;

static const char *fetch(void *arg, int64_t id, size_t *len, const char **place, long *day)
{
	fetches++;
	*len = strlen(texts[id - 1]);
	*place = places[id - 1] ? places[id - 1] : "";
	*day = days[id - 1];
	return texts[id - 1];
}

static void test_near_duplicates(void **state)
{
	struct ingest_dedup d;
	struct dedup_sketch s;
	int64_t root;
	double sim;
	const char *q;

	texts[0] = "幸福路8号三楼住户反映楼道里每天晚上都有陌生男子徘徊,手持手电筒查看各户门锁,已持续一周。";
	places[0] = "幸福路8号";
	texts[1] = "短文本";
	ingest_dedup_init(&d);
	assert_int_equal(ingest_dedup_sketch(texts[1], strlen(texts[1]), &s), 0);
	assert_int_equal(ingest_dedup_sketch(texts[0], strlen(texts[0]), &s), 1);
	ingest_dedup_add(&d, 1, 1, -1, &s);

	/* The same tip with a sentence added: a near-duplicate of report 1. */
	q = "幸福路8号三楼住户反映楼道里每天晚上都有陌生男子徘徊,手持手电筒查看各户门锁,已持续一周,请尽快处理。";
	ingest_dedup_sketch(q, strlen(q), &s);
	assert_int_equal(ingest_dedup_find(&d, q, strlen(q), "城东社区幸福路8号", -1, &s, fetch, NULL,
					   &root, &sim), 1);
	assert_int_equal(root, 1);
	assert_true(sim >= DEDUP_NEAR && sim < 1);
	/* The same words at another house number: another incident. */
	q = "幸福路9号三楼住户反映楼道里每天晚上都有陌生男子徘徊,手持手电筒查看各户门锁,已持续一周。";
	ingest_dedup_sketch(q, strlen(q), &s);
	assert_int_equal(ingest_dedup_find(&d, q, strlen(q), NULL, -1, &s, fetch, NULL, &root, &sim), 0);
	/* The same text at a place that is not the same: another incident. */
	q = texts[0];
	ingest_dedup_sketch(q, strlen(q), &s);
	assert_int_equal(ingest_dedup_find(&d, q, strlen(q), "解放路3号", -1, &s, fetch, NULL, &root, &sim), 0);
	/* Unrelated text. */
	q = "某小区地下车库发生电动车起火,物业人员用灭火器扑灭,无人员受伤,原因待查。";
	ingest_dedup_sketch(q, strlen(q), &s);
	assert_int_equal(ingest_dedup_find(&d, q, strlen(q), NULL, -1, &s, fetch, NULL, &root, &sim), 0);
	/* The same text DEDUP_DAYS days later is the tip again; three weeks later, another event. */
	days[0] = 20400;
	q = texts[0];
	ingest_dedup_sketch(q, strlen(q), &s);
	assert_int_equal(ingest_dedup_find(&d, q, strlen(q), NULL, 20400 + DEDUP_DAYS, &s, fetch, NULL,
					   &root, &sim), 1);
	assert_int_equal(ingest_dedup_find(&d, q, strlen(q), NULL, 20400 - DEDUP_DAYS, &s, fetch, NULL,
					   &root, &sim), 1);
	assert_int_equal(ingest_dedup_find(&d, q, strlen(q), NULL, 20400 + DEDUP_DAYS + 1, &s, fetch,
					   NULL, &root, &sim), 0);
	assert_int_equal(ingest_dedup_find(&d, q, strlen(q), NULL, 20421, &s, fetch, NULL, &root, &sim), 0);
	/* a day unknown on either side: no window */
	assert_int_equal(ingest_dedup_find(&d, q, strlen(q), NULL, -1, &s, fetch, NULL, &root, &sim), 1);
	days[0] = -1;
	assert_int_equal(ingest_dedup_find(&d, q, strlen(q), NULL, 20421, &s, fetch, NULL, &root, &sim), 1);
	ingest_dedup_release(&d);

	/* A day the index knows rules a candidate out without fetching its text; the same answers. */
	ingest_dedup_init(&d);
	days[0] = 20400;
	ingest_dedup_sketch(texts[0], strlen(texts[0]), &s);
	ingest_dedup_add(&d, 1, 1, 20400, &s);
	fetches = 0;
	assert_int_equal(ingest_dedup_find(&d, q, strlen(q), NULL, 20421, &s, fetch, NULL, &root, &sim), 0);
	assert_int_equal(fetches, 0);
	assert_int_equal(ingest_dedup_find(&d, q, strlen(q), NULL, 20400 + DEDUP_DAYS, &s, fetch, NULL,
					   &root, &sim), 1);
	assert_int_equal(fetches, 1);
	assert_int_equal(ingest_dedup_find(&d, q, strlen(q), NULL, -1, &s, fetch, NULL, &root, &sim), 1);
	assert_int_equal(fetches, 2);
	ingest_dedup_release(&d);

	assert_true(ingest_dedup_jaccard("abcdef", 6, "abcdef", 6) == 1.0);
	assert_true(ingest_dedup_jaccard("abcdef", 6, "uvwxyz", 6) == 0.0);
}

/*
 * An index that reads its buckets as texts fall in them gives the same
 * answers as one built whole.  A template filled with 25 house numbers
 * fills its shared buckets past their cap, and each number comes twice
 * or more (near-duplicates whose first report must be found); the first
 * 30 reports are "stored", the next 20 looked up and added both ways.
 */
#define PART_N 50
#define PART_STORED 30

static char part_text[PART_N][256];

static const char *part_fetch(void *arg, int64_t id, size_t *len, const char **place,
			      long *day)
{
	(void)arg;
	*len = strlen(part_text[id - 1]);
	*place = "";
	*day = -1;
	return part_text[id - 1];
}

struct part_row {
	uint32_t key;
	int band;
	int64_t id, root;
	struct dedup_sketch sk;
};

static struct part_row part_rows[PART_N * DEDUP_BANDS];
static size_t part_nrows;
static int part_loads;

static int part_load(void *arg, struct ingest_dedup *d, uint32_t key)
{
	(void)arg;
	part_loads++;
	for (size_t i = 0; i < part_nrows; i++)
		if (part_rows[i].key == key)
			ingest_dedup_stored(d, key, part_rows[i].band, part_rows[i].id,
					    part_rows[i].root, -1, &part_rows[i].sk);
	return 0;
}

static void test_near_duplicates_partial(void **state)
{
	struct ingest_dedup whole, part;
	int found_any = 0;

	(void)state;
	ingest_dedup_init(&whole);
	ingest_dedup_init(&part);
	part_nrows = 0;
	part_loads = 0;
	for (int i = 0; i < PART_N; i++) {
		struct dedup_sketch s;
		const char *t = part_text[i];
		int64_t id = i + 1, root = id, proot = id;
		double sim = 0, psim = 0;
		int found, pfound, taken;

		snprintf(part_text[i], sizeof(part_text[i]),
			 "幸福路%d号三楼住户反映楼道里每天晚上都有陌生男子徘徊,手持手电筒查看各户门锁%s",
			 (i * 7) % 25, i % 3 ? "。" : ",已持续一周。");
		assert_int_equal(ingest_dedup_sketch(t, strlen(t), &s), 1);
		found = ingest_dedup_find(&whole, t, strlen(t), NULL, -1, &s, part_fetch, NULL, &root, &sim);
		taken = ingest_dedup_add(&whole, id, root, -1, &s);
		if (i < PART_STORED) {
			for (int b = 0; b < DEDUP_BANDS; b++) {
				if (!(taken & (1 << b)))
					continue;
				part_rows[part_nrows].key = ingest_dedup_band_key(&s, b);
				part_rows[part_nrows].band = b;
				part_rows[part_nrows].id = id;
				part_rows[part_nrows].root = root;
				part_rows[part_nrows].sk = s;
				part_nrows++;
			}
			continue;
		}
		assert_int_equal(ingest_dedup_ready(&part, &s, part_load, NULL), 0);
		pfound = ingest_dedup_find(&part, t, strlen(t), NULL, -1, &s, part_fetch, NULL, &proot, &psim);
		assert_int_equal(pfound, found);
		assert_int_equal(proot, root);
		assert_true(psim == sim);
		ingest_dedup_add(&part, id, proot, -1, &s);
		found_any |= found;
	}
	/* The template's buckets are full: some bands say nothing. */
	assert_true(part_nrows < PART_STORED * DEDUP_BANDS);
	assert_true(found_any);
	assert_true(part_loads > 0);
	ingest_dedup_release(&whole);
	ingest_dedup_release(&part);
}

/*
 * SHA-256: the FIPS 180-4 examples (one and two blocks, a million
 * bytes), and the plain code against the SHA-extension code (where
 * this machine has it) for every length around the block boundaries,
 * fed in uneven pieces.
 */
static void test_sha256(void **state)
{
	static const char million_a[] = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	unsigned char buf[700];
	char *big = xmalloc(1000000), fast[65], plain[65];
	uint32_t x = 1;

	sha256_hex("", 0, fast);
	assert_string_equal(fast, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, fast);
	assert_string_equal(fast, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, fast);
	assert_string_equal(fast, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(big, 'a', 1000000);
	sha256_hex(big, 1000000, fast);
	assert_string_equal(fast, million_a);
	free(big);

	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245 + 12345;
		buf[i] = (unsigned char)(x >> 16);
	}
	for (size_t n = 0; n <= sizeof(buf); n++) {
		struct sha256 c;

		sha256_init(&c);
		for (size_t at = 0, step = 1; at < n; at += step, step = step % 70 + 13)
			sha256_update(&c, buf + at, step < n - at ? step : n - at);
		sha256_final_hex(&c, fast);
		sha256_use_plain(1);
		sha256_hex(buf, n, plain);
		sha256_use_plain(0);
		assert_string_equal(fast, plain);
	}
}

/* A report's day: when it happened, else when it came in. */
static void test_report_day(void **state)
{
	(void)state;
	assert_int_equal(ingest_report_day("2026-11-20 23:10", "2026-11-22"), day_number("2026-11-20"));
	assert_int_equal(ingest_report_day(NULL, "2026-11-22 08:00"), day_number("2026-11-22"));
	assert_int_equal(ingest_report_day(NULL, NULL), -1);
}

/*
 * The migration that gave report_sketch its day computes in SQL what
 * ingest_report_day computes for the rows stored before it: the same
 * day for each, odd dates included.
 */
extern const char *const db_migrations[];

static void test_sketch_day_migration(void **state)
{
	static const char *const dates[][2] = {
		{ "2026-11-20 23:10", "2026-11-22" }, { NULL, "2026-11-22T08:00:00+08:00" },
		{ NULL, NULL }, { "2026-02-31", NULL }, { "2024-02-29 10:00", NULL },
		{ "2000-03-01", NULL }, { "1969-12-31", NULL }, { "0000-01-01", NULL },
		{ "0000-03-01", NULL }, { "9999-12-31", NULL }, { "2026-13-01", "2026-11-22" },
		{ "2026-00-10", NULL }, { "2026-01-32", NULL }, { "2026-1-10", NULL },
		{ "", "2026-11-22" }, { NULL, "20261121" }, { NULL, "2026/11/21" },
		{ "2026-11-2", NULL }, { "1970-01-01", NULL }, { "2100-02-28", NULL },
	};
	const size_t n = sizeof(dates) / sizeof(dates[0]);
	sqlite3 *db;
	sqlite3_stmt *st;
	int mine = -1;

	(void)state;
	for (int v = 0; db_migrations[v]; v++)
		if (strstr(db_migrations[v], "ALTER TABLE report_sketch ADD COLUMN day"))
			mine = v;
	assert_true(mine > 0);
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	for (int v = 0; v < mine; v++)
		assert_int_equal(sqlite3_exec(db, db_migrations[v], NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO batch(id, file, sha256, format, encoding, status,"
				      " ingested_at) VALUES (1, 'f', 'x', 'jsonl', 'utf-8', 'done', 't')",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
		"INSERT INTO report(id, source, ext_id, kind, occurred_at, received_at, reliability,"
		" credibility, text, raw, content_hash, batch_id, line) VALUES"
		" (?1, 's', ?1, 'tip', ?2, ?3, 'C', 3, 't', 'r', ?1, 1, 1)", -1, &st, NULL), SQLITE_OK);
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, (int64_t)i + 1);
		sqlite3_bind_text(st, 2, dates[i][0], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, dates[i][1], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO report_sketch(id, root, sketch)"
				      " SELECT id, id, x'00' FROM report", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, db_migrations[mine], NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT day FROM report_sketch WHERE id = ?", -1, &st,
					    NULL), SQLITE_OK);
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, (int64_t)i + 1);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int64(st, 0), ingest_report_day(dates[i][0], dates[i][1]));
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/*
 * The writer reads through a memory map while ingest runs on a database
 * that holds reports, not on an empty one, and puts it back after.
 */
static void test_writer_map(void **state)
{
	char dir[] = "/tmp/test_ingest.XXXXXX", *path, *file, *cmd;
	struct ingest_summary sum;
	struct ingest in;
	struct db db;
	struct err err;
	int64_t v;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/t.db", dir);
	file = xasprintf("%s/tips.jsonl", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("{\"id\":\"T-1\",\"source\":\"hotline\",\"kind\":\"tip\","
	      "\"received_at\":\"2026-11-21 21:40\",\"text\":\"幸福路12号楼下有一辆无牌摩托车连续三晚停放。\"}\n", f);
	fclose(f);
	assert_int_equal(db_open(&db, path, &err), 0);
	for (int round = 0; round < 2; round++) {
		memset(&sum, 0, sizeof(sum));
		assert_int_equal(ingest_init(&in, &db, LOOKOUT_DATADIR, &err), 0);
		assert_int_equal(db_int(&db, &err, &v, "PRAGMA mmap_size", ""), 0);
		assert_true(round == 0 ? v == 0 : v > 0);
		assert_int_equal(ingest_file(&in, file, NULL, NULL, &sum, &err), 0);
		assert_int_equal(ingest_finish(&in, "ok", 0, &err), 0);
		ingest_release(&in);
		assert_int_equal(db_int(&db, &err, &v, "PRAGMA mmap_size", ""), 0);
		assert_int_equal(v, 0);
	}
	db_close(&db);
	cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(file);
	free(path);
}

/* ahead: ids in order, both unique keys, and the texts of the file's new reports. */
static void test_ahead(void **state)
{
	struct ingest_ahead a;
	const char *place;
	size_t len;
	long day;

	ingest_ahead_init(&a, 10);
	assert_false(ingest_ahead_known(&a, "tips", "T1", "h1"));
	assert_int_equal(ingest_ahead_add(&a, "tips", "T1", "h1", "太平北路被盗", "太平北路", 20400), 10);
	assert_int_equal(ingest_ahead_add(&a, "ab", "c", "h2", "second", NULL, -1), 11);
	assert_true(ingest_ahead_known(&a, "other", "T9", "h1"));      /* the same content */
	assert_true(ingest_ahead_known(&a, "tips", "T1", "h9"));       /* the same source and id */
	assert_false(ingest_ahead_known(&a, "tips", "T2", "h9"));
	assert_false(ingest_ahead_known(&a, "a", "bc", "h9"));         /* not "ab" + "c" */
	assert_false(ingest_ahead_known(&a, "tips", "T", "h"));
	assert_string_equal(ingest_ahead_text(&a, 10, &len, &place, &day), "太平北路被盗");
	assert_int_equal(len, strlen("太平北路被盗"));
	assert_string_equal(place, "太平北路");
	assert_int_equal(day, 20400);
	assert_string_equal(ingest_ahead_text(&a, 11, &len, &place, &day), "second");
	assert_string_equal(place, "");
	assert_int_equal(day, -1);
	assert_null(ingest_ahead_text(&a, 9, &len, &place, &day));
	assert_null(ingest_ahead_text(&a, 12, &len, &place, &day));
	for (int i = 0; i < 5000; i++) {    /* past a few table growths */
		char k[32];

		snprintf(k, sizeof(k), "k%d", i);
		assert_false(ingest_ahead_known(&a, "s", k, k));
		assert_int_equal(ingest_ahead_add(&a, "s", k, k, k, k, i), 12 + i);
	}
	assert_true(ingest_ahead_known(&a, "s", "k4999", "x"));
	assert_true(ingest_ahead_known(&a, "t", "y", "k0"));
	assert_string_equal(ingest_ahead_text(&a, 12 + 77, &len, &place, &day), "k77");
	assert_int_equal(day, 77);
	ingest_ahead_release(&a);
}

struct producer {
	struct ingest_queue *q;
	long n, made;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	struct ingest_item *it;

	for (p->made = 0; p->made < p->n && (it = ingest_queue_slot(p->q)); p->made++) {
		it->line = p->made + 1;
		free(it->row.text);
		it->row.text = xasprintf("record %ld", p->made + 1);
		ingest_queue_push(p->q);
	}
	ingest_queue_close(p->q, 0, NULL);
	return NULL;
}

/* queue: every item once, in order, through a ring far smaller than the file. */
static void test_queue_order(void **state)
{
	struct ingest_queue q;
	struct producer p = { &q, 20000, 0 };
	struct ingest_item *it;
	pthread_t t;
	long want = 1;

	ingest_queue_init(&q, 8);
	assert_int_equal(pthread_create(&t, NULL, produce, &p), 0);
	while ((it = ingest_queue_next(&q))) {
		char s[32];

		assert_int_equal(it->line, want);
		snprintf(s, sizeof(s), "record %ld", want);
		assert_string_equal(it->row.text, s);
		want++;
		ingest_queue_done(&q);
	}
	pthread_join(t, NULL);
	assert_int_equal(want, 20001);
	assert_int_equal(q.rc, 0);
	ingest_queue_release(&q);
}

/* queue: a consumer that stops cancels the producer, which then finds no slot. */
static void test_queue_cancel(void **state)
{
	struct ingest_queue q;
	struct producer p = { &q, 1000000, 0 };
	pthread_t t;

	ingest_queue_init(&q, 4);
	assert_int_equal(pthread_create(&t, NULL, produce, &p), 0);
	for (int i = 0; i < 10; i++) {
		assert_non_null(ingest_queue_next(&q));
		ingest_queue_done(&q);
	}
	ingest_queue_cancel(&q);
	pthread_join(t, NULL);
	assert_true(p.made < p.n);
	ingest_queue_release(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_input_utf8_bom),
		cmocka_unit_test(test_input_gb18030),
		cmocka_unit_test(test_input_mixed),
		cmocka_unit_test(test_jsonl_bad),
		cmocka_unit_test(test_jsonl_too_long),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_csv_unterminated),
		cmocka_unit_test(test_tsv),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_grading),
		cmocka_unit_test(test_record_normalised),
		cmocka_unit_test(test_record_kept_with_notes),
		cmocka_unit_test(test_record_rejected),
		cmocka_unit_test(test_same_content_same_hash),
		cmocka_unit_test(test_store_fresh),
		cmocka_unit_test(test_store_new_runs),
		cmocka_unit_test(test_store_bands),
		cmocka_unit_test(test_near_duplicates),
		cmocka_unit_test(test_near_duplicates_partial),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_report_day),
		cmocka_unit_test(test_sketch_day_migration),
		cmocka_unit_test(test_writer_map),
		cmocka_unit_test(test_ahead),
		cmocka_unit_test(test_queue_order),
		cmocka_unit_test(test_queue_cancel),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
