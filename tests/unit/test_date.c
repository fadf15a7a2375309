/*
 * test_date: the date forms of FORMAT.md and issue 2, table-driven.  Each
 * case is an input, the reference date it is completed from (all zero:
 * none), the expected ISO text and precision.  Invalid dates, garbage and
 * times without a reference day must give DATE_NONE and "".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "common/day.h"

struct date_case {
	const char *in;
	struct date_ref ref;
	const char *want;
	enum date_precision prec;
};

#define NOREF { 0, 0, 0 }
#define REF { 2026, 11, 22 }
#define T(s) "2026-11-" s "+08:00"

static const struct date_case cases[] = {
	/* ISO 8601 and its near relatives */
	{ "2026-11-21T20:15:00+08:00", NOREF, T("21T20:15:00"), DATE_TIME },
	{ "2026-11-21 20:15", NOREF, T("21T20:15:00"), DATE_TIME },
	{ "2026-11-21 20:15:00", NOREF, T("21T20:15:00"), DATE_TIME },
	{ "2026-11-21T20:15", NOREF, T("21T20:15:00"), DATE_TIME },
	{ "2026-11-21T20:15:07", NOREF, T("21T20:15:07"), DATE_TIME },
	{ "2026-11-21T20:15:07.250", NOREF, T("21T20:15:07"), DATE_TIME },
	{ "2026-11-21T12:15:00Z", NOREF, T("21T20:15:00"), DATE_TIME },
	{ "2026-11-21T20:15:00-05:00", NOREF, T("22T09:15:00"), DATE_TIME },
	{ "2026-11-21 20:15:00 +0800", NOREF, T("21T20:15:00"), DATE_TIME },
	{ "2026-12-31T23:30:00Z", NOREF, "2027-01-01T07:30:00+08:00", DATE_TIME },
	{ "2026-01-01T02:00:00+09:00", NOREF, "2026-01-01T01:00:00+08:00", DATE_TIME },
	{ "2026-11-21", NOREF, "2026-11-21", DATE_DAY },
	{ "2026/11/21", NOREF, "2026-11-21", DATE_DAY },
	{ "2026.11.21", NOREF, "2026-11-21", DATE_DAY },
	{ "2026/11/21 8:05", NOREF, T("21T08:05:00"), DATE_TIME },
	{ "2026/1/5", NOREF, "2026-01-05", DATE_DAY },
	{ "  2026-11-21  ", NOREF, "2026-11-21", DATE_DAY },
	/* compact */
	{ "20261121", NOREF, "2026-11-21", DATE_DAY },
	{ "202611212015", NOREF, T("21T20:15:00"), DATE_TIME },
	{ "20261121201507", NOREF, T("21T20:15:07"), DATE_TIME },
	{ "20261121T201500", NOREF, T("21T20:15:00"), DATE_TIME },
	{ "20261121 20:15", NOREF, T("21T20:15:00"), DATE_TIME },
	/* year last, only when the order is certain */
	{ "21/11/2026", NOREF, "2026-11-21", DATE_DAY },
	{ "11/21/2026", NOREF, "2026-11-21", DATE_DAY },
	{ "21.11.2026 20:15", NOREF, T("21T20:15:00"), DATE_TIME },
	{ "05/05/2026", NOREF, "2026-05-05", DATE_DAY },
	{ "05/06/2026", NOREF, "", DATE_NONE },
	/* Chinese */
	{ "2026年11月21日", NOREF, "2026-11-21", DATE_DAY },
	{ "2026年11月21号", NOREF, "2026-11-21", DATE_DAY },
	{ "2026年11月21日20时15分", NOREF, T("21T20:15:00"), DATE_TIME },
	{ "2026年11月21日20时15分30秒", NOREF, T("21T20:15:30"), DATE_TIME },
	{ "2026年11月21日20:15", NOREF, T("21T20:15:00"), DATE_TIME },
	{ "2026年11月21日 20:15", NOREF, T("21T20:15:00"), DATE_TIME },
	{ "2026年11月21日(星期六)20时", NOREF, T("21T20:00:00"), DATE_TIME },
	{ "2026年11月21日 周六", NOREF, "2026-11-21", DATE_DAY },
	{ "2026年11月21日下午3点", NOREF, T("21T15:00:00"), DATE_TIME },
	{ "2026年11月21日凌晨2时许", NOREF, T("21T02:00:00"), DATE_TIME },
	{ "2026年11月21日晚", NOREF, "2026-11-21", DATE_DAY },
	{ "11月21日晚8时许", REF, T("21T20:00:00"), DATE_TIME },
	{ "11月21日晚上8点", REF, T("21T20:00:00"), DATE_TIME },
	{ "11月21日夜间10时左右", REF, T("21T22:00:00"), DATE_TIME },
	{ "11月21日夜里2点多", REF, T("21T02:00:00"), DATE_TIME },
	{ "11月21日凌晨3时", REF, T("21T03:00:00"), DATE_TIME },
	{ "11月21日凌晨12点", REF, T("21T00:00:00"), DATE_TIME },
	{ "11月21日早上7点", REF, T("21T07:00:00"), DATE_TIME },
	{ "11月21日上午10时30分", REF, T("21T10:30:00"), DATE_TIME },
	{ "11月21日中午12点", REF, T("21T12:00:00"), DATE_TIME },
	{ "11月21日中午1点", REF, T("21T13:00:00"), DATE_TIME },
	{ "11月21日下午2时", REF, T("21T14:00:00"), DATE_TIME },
	{ "11月21日下午14时", REF, T("21T14:00:00"), DATE_TIME },
	{ "11月21日傍晚6点", REF, T("21T18:00:00"), DATE_TIME },
	{ "11月21日晚12点", REF, T("22T00:00:00"), DATE_TIME },
	{ "11月21日", REF, "2026-11-21", DATE_DAY },
	{ "11月21号", REF, "2026-11-21", DATE_DAY },
	{ "12月31日", { 2027, 1, 2 }, "2026-12-31", DATE_DAY },
	{ "12月31日", REF, "2026-12-31", DATE_DAY },
	{ "21日20时许", REF, T("21T20:00:00"), DATE_TIME },
	{ "25日", { 2026, 12, 2 }, "2026-11-25", DATE_DAY },
	{ "31日", REF, "2026-10-31", DATE_DAY },
	{ "20时许", REF, T("22T20:00:00"), DATE_TIME },
	{ "晚8点", REF, T("22T20:00:00"), DATE_TIME },
	{ "8点半", REF, T("22T08:30:00"), DATE_TIME },
	{ "8点一刻", REF, T("22T08:15:00"), DATE_TIME },
	{ "8时30分许", REF, T("22T08:30:00"), DATE_TIME },
	{ "8点30", REF, T("22T08:30:00"), DATE_TIME },
	{ "8点钟", REF, T("22T08:00:00"), DATE_TIME },
	{ "约20时", REF, T("22T20:00:00"), DATE_TIME },
	{ "20时前后", REF, T("22T20:00:00"), DATE_TIME },
	/* Chinese numerals */
	{ "二〇二六年十一月二十一日", NOREF, "2026-11-21", DATE_DAY },
	{ "二零二六年十一月二十一日晚八时许", NOREF, T("21T20:00:00"), DATE_TIME },
	{ "二○二六年一月五日", NOREF, "2026-01-05", DATE_DAY },
	{ "十一月二十一日", REF, "2026-11-21", DATE_DAY },
	{ "十一月十日下午两点", REF, "2026-11-10T14:00:00+08:00", DATE_TIME },
	{ "二十时三十分", REF, T("22T20:30:00"), DATE_TIME },
	{ "十二月三十一日", REF, "2026-12-31", DATE_DAY },
	/* full width, Traditional marker characters */
	{ "２０２６年１１月２１日", NOREF, "2026-11-21", DATE_DAY },
	{ "２０２６－１１－２１　２０：１５", NOREF, T("21T20:15:00"), DATE_TIME },
	{ "11月21日晚8時許", REF, T("21T20:00:00"), DATE_TIME },
	{ "11月21號晚上8點", REF, T("21T20:00:00"), DATE_TIME },
	/* relative days */
	{ "昨天", REF, "2026-11-21", DATE_DAY },
	{ "今天凌晨3点", REF, T("22T03:00:00"), DATE_TIME },
	{ "前天晚上9点", REF, T("20T21:00:00"), DATE_TIME },
	{ "昨天", { 2026, 3, 1 }, "2026-02-28", DATE_DAY },
	{ "昨天", NOREF, "", DATE_NONE },
	{ "当晚8时许", REF, T("22T20:00:00"), DATE_TIME },
	{ "昨晚11点", REF, T("21T23:00:00"), DATE_TIME },
	{ "今早7点", REF, T("22T07:00:00"), DATE_TIME },
	/* English */
	{ "Nov 21, 2026", NOREF, "2026-11-21", DATE_DAY },
	{ "21 November 2026 8:15 pm", NOREF, T("21T20:15:00"), DATE_TIME },
	{ "21-Nov-2026", NOREF, "2026-11-21", DATE_DAY },
	{ "Sept. 5, 2026", NOREF, "2026-09-05", DATE_DAY },
	{ "2026-11-21 8:15 PM", NOREF, T("21T20:15:00"), DATE_TIME },
	{ "8pm", REF, T("22T20:00:00"), DATE_TIME },
	{ "12 a.m.", REF, T("22T00:00:00"), DATE_TIME },
	{ "12pm", REF, T("22T12:00:00"), DATE_TIME },
	{ "2026-11-21 13:00 pm", NOREF, "", DATE_NONE },
	{ "Mayor 21 2026", NOREF, "", DATE_NONE },
	{ "21 Nov", NOREF, "", DATE_NONE },
	{ "Feb 30, 2026", NOREF, "", DATE_NONE },
	/* a range gives its start, when its end parses too */
	{ "2026年11月20日22时至21日6时许", NOREF, T("20T22:00:00"), DATE_TIME },
	{ "11月20日22时许至次日6时", REF, T("20T22:00:00"), DATE_TIME },
	{ "11月20日晚10时至次日凌晨", REF, T("20T22:00:00"), DATE_TIME },
	{ "2026-11-20 22:00 ~ 2026-11-21 06:00", NOREF, T("20T22:00:00"), DATE_TIME },
	{ "2026年11月20日至21日", NOREF, "2026-11-20", DATE_DAY },
	{ "2026-11-20 至 garbage", NOREF, "", DATE_NONE },
	{ "2026-11-20至", NOREF, "", DATE_NONE },
	{ "次日6时", REF, "", DATE_NONE },
	/* calendar */
	{ "2024-02-29", NOREF, "2024-02-29", DATE_DAY },
	{ "2000-02-29", NOREF, "2000-02-29", DATE_DAY },
	{ "1900-02-29", NOREF, "", DATE_NONE },
	{ "2026-02-29", NOREF, "", DATE_NONE },
	{ "2026-02-30", NOREF, "", DATE_NONE },
	{ "2026-04-31", NOREF, "", DATE_NONE },
	{ "2026年13月45日", NOREF, "", DATE_NONE },
	{ "2026-00-10", NOREF, "", DATE_NONE },
	{ "2026-11-00", NOREF, "", DATE_NONE },
	{ "0000-01-01", NOREF, "", DATE_NONE },
	{ "20261341", NOREF, "", DATE_NONE },
	/* times out of range or out of their period */
	{ "2026-11-21 24:00", NOREF, "", DATE_NONE },
	{ "2026-11-21 23:60", NOREF, "", DATE_NONE },
	{ "2026-11-21 23:59:60", NOREF, "", DATE_NONE },
	{ "2026年11月21日25时", NOREF, "", DATE_NONE },
	{ "202611212460", NOREF, "", DATE_NONE },
	{ "11月21日凌晨9点", REF, "", DATE_NONE },
	{ "11月21日上午15点", REF, "", DATE_NONE },
	/* a time needs a day, a partial date a reference */
	{ "20时许", NOREF, "", DATE_NONE },
	{ "20:15", NOREF, "", DATE_NONE },
	{ "11月21日", NOREF, "", DATE_NONE },
	/* garbage */
	{ "", NOREF, "", DATE_NONE },
	{ "   ", NOREF, "", DATE_NONE },
	{ "abc", NOREF, "", DATE_NONE },
	{ "2026", NOREF, "", DATE_NONE },
	{ "2026-11", NOREF, "", DATE_NONE },
	{ "2026年11月", NOREF, "", DATE_NONE },
	{ "2026-11-21 garbage", NOREF, "", DATE_NONE },
	{ "2026-11/21", NOREF, "", DATE_NONE },
	{ "十十月", REF, "", DATE_NONE },
	{ "2026-11-21T20:15:00+99:00", NOREF, "", DATE_NONE },
	{ "123456789012345678", NOREF, "", DATE_NONE },
	{ "13912345678", NOREF, "", DATE_NONE },
	{ "\xff\xfe", NOREF, "", DATE_NONE },
	{ "2026-11-21\xe5", NOREF, "", DATE_NONE },
	{ "晚上", REF, "", DATE_NONE },
};

static void test_table(void **state)
{
	size_t n = sizeof(cases) / sizeof(cases[0]);
	int failed = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct date_case *c = &cases[i];
		const struct date_ref *ref = c->ref.year ? &c->ref : NULL;
		char out[32];
		enum date_precision p = date_parse(c->in, ref, out);

		if (p != c->prec || strcmp(out, c->want)) {
			print_error("case %zu '%s': got %d '%s', want %d '%s'\n",
				    i, c->in, p, out, c->prec, c->want);
			failed++;
		} else if (p != DATE_NONE) {
			/* the output is itself a date, and parses to itself */
			char again[32];

			if (date_parse(out, NULL, again) != p || strcmp(again, out)) {
				print_error("case %zu: '%s' re-parses as '%s'\n",
					    i, out, again);
				failed++;
			}
		}
	}
	assert_int_equal(failed, 0);
	assert_true(n >= 60);
}

/* Every day of four years round-trips through three spellings. */
static void test_every_day(void **state)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	char in[64], want[48], out[32];

	(void)state;
	for (int y = 2023; y <= 2026; y++)
		for (int m = 1; m <= 12; m++) {
			int last = dm[m - 1] + (m == 2 && y % 4 == 0);

			for (int d = 1; d <= last + 1; d++) {
				enum date_precision p = d <= last ? DATE_DAY : DATE_NONE;

				snprintf(want, sizeof(want), "%04d-%02d-%02d", y, m, d);
				snprintf(in, sizeof(in), "%d年%d月%d日", y, m, d);
				assert_int_equal(date_parse(in, NULL, out), p);
				snprintf(in, sizeof(in), "%04d%02d%02d", y, m, d);
				assert_int_equal(date_parse(in, NULL, out), p);
				snprintf(in, sizeof(in), "%d/%d/%d", y, m, d);
				assert_int_equal(date_parse(in, NULL, out), p);
				assert_string_equal(out, p == DATE_DAY ? want : "");
			}
		}
}

static void test_ref_from_iso(void **state)
{
	struct date_ref r;

	(void)state;
	date_ref_from_iso("2026-11-21T20:15:00+08:00", &r);
	assert_int_equal(r.year, 2026);
	assert_int_equal(r.month, 11);
	assert_int_equal(r.day, 21);
	date_ref_from_iso("2027-01-03", &r);
	assert_int_equal(r.year, 2027);
	assert_int_equal(r.month, 1);
	assert_int_equal(r.day, 3);
	date_ref_from_iso("not a date", &r);
	assert_int_equal(r.year, 0);
	assert_int_equal(r.month, 0);
	assert_int_equal(r.day, 0);
}

/* Long, unterminated-looking and byte-noise inputs never crash. */
static void test_hostile(void **state)
{
	char buf[600], out[32];
	unsigned seed = 12345;

	(void)state;
	memset(buf, '9', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	assert_int_equal(date_parse(buf, NULL, out), DATE_NONE);
	assert_string_equal(out, "");
	for (size_t k = 0; k + 3 < sizeof(buf); k += 3)
		memcpy(buf + k, "十", 3);
	buf[sizeof(buf) - 1] = '\0';
	assert_int_equal(date_parse(buf, NULL, out), DATE_NONE);
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(round % 40);
		struct date_ref ref = { 2026, 11, 22 };

		for (size_t k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			buf[k] = (char)("0123456789-/:T +年月日时分点晚许\xe5\x8d\x81"[(seed >> 16) % 40]);
		}
		buf[n] = '\0';
		date_parse(buf, &ref, out);
		assert_true(strlen(out) < 32);
	}
}

/* common/day: day numbers, strict and lenient reading, minutes, adding. */
static void test_day(void **state)
{
	char out[11];

	(void)state;
	assert_int_equal(day_number("1970-01-01"), 0);
	assert_int_equal(day_number("2026-11-21"), 20778);
	assert_int_equal(day_number("1969-12-31"), -1);         /* before 1970 */
	assert_int_equal(day_number("2025-02-29"), -1);         /* not a date */
	assert_int_equal(day_number("2026-11-21T08:00"), -1);   /* exactly a date */
	assert_int_equal(day_of("2026-11-21T08:00:00+08:00"), 20778);
	assert_int_equal(day_of("2026-1-21"), -1);
	assert_int_equal(day_minutes("2026-11-21T08:30:00+08:00"), 20778L * 1440 + 510);
	assert_int_equal(day_minutes("2026-11-21"), 20778L * 1440);
	day_string(20778, out);
	assert_string_equal(out, "2026-11-21");
	day_add("2024-02-28", 1, out);
	assert_string_equal(out, "2024-02-29");
	day_add("2026-12-31", 1, out);
	assert_string_equal(out, "2027-01-01");
	day_add("junk", 1, out);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_every_day),
		cmocka_unit_test(test_ref_from_iso),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_day),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
