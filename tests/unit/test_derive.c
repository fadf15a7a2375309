/*
 * test_derive: ID numbers (check digit, dates, sex, region by county,
 * prefecture and province) and phone prefixes (longest prefix, carrier
 * and region apart, landlines), against the shipped data files.
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

#include "analyze/derive.h"

static int setup(void **state)
{
	struct err err;

	*state = derive_new(LOOKOUT_DATADIR, &err);
	if (!*state)
		fprintf(stderr, "%s\n", err.msg);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	derive_free(*state);
	return 0;
}

static void test_idcard_valid(void **state)
{
	(void)state;
	assert_true(derive_idcard_valid("110105199003070017"));
	assert_true(derive_idcard_valid("11010519491231002X"));
	/* one digit changed: the check digit no longer fits */
	assert_false(derive_idcard_valid("110105199003070018"));
	assert_false(derive_idcard_valid("110105199003071017"));
	/* canonical form only: upper-case X, 18 characters */
	assert_false(derive_idcard_valid("11010519491231002x"));
	assert_false(derive_idcard_valid("11010519900307001"));
	assert_false(derive_idcard_valid("1101051990030700170"));
	/* the check digit fits but 1990-02-30 is no date */
	assert_false(derive_idcard_valid("11010519900230001X"));
	assert_false(derive_idcard_valid(""));
}

static void test_idcard_derive(void **state)
{
	struct derive_id id;

	assert_int_equal(derive_idcard(*state, "110105199003070017", &id), 0);
	assert_string_equal(id.birth, "1990-03-07");
	assert_int_equal(id.sex, 'M');
	assert_string_equal(id.code, "110105");
	assert_non_null(id.region);
	assert_string_equal(id.region, "北京市朝阳区");

	assert_int_equal(derive_idcard(*state, "110105199003070025", &id), 0);
	assert_int_equal(id.sex, 'F');

	assert_int_equal(derive_idcard(*state, "110105199003070018", &id), -1);
	/* works without tables, with no region then */
	assert_int_equal(derive_idcard(NULL, "320102198506120034", &id), 0);
	assert_string_equal(id.birth, "1985-06-12");
	assert_null(id.region);
}

static void test_idcard_region_fallback(void **state)
{
	struct derive_id id;

	/* 320199 is no county: the prefecture 南京市 is what is known */
	assert_int_equal(derive_idcard(*state, "32019919900101001X", &id), 0);
	assert_non_null(id.region);
	assert_string_equal(id.region, "江苏省南京市");
	/* 99 is no province at all */
	assert_int_equal(derive_idcard(*state, "990101199001010019", &id), 0);
	assert_null(id.region);
}

static void test_phone(void **state)
{
	struct derive_phone ph;

	assert_int_equal(derive_phone(*state, "13905510000", &ph), 0);
	assert_non_null(ph.carrier);
	assert_string_equal(ph.carrier, "中国移动");
	assert_non_null(ph.region);
	assert_string_equal(ph.region, "安徽省合肥市");

	assert_int_equal(derive_phone(*state, "0755-83001234", &ph), 0);
	assert_null(ph.carrier);
	assert_string_equal(ph.region, "广东省深圳市");

	assert_int_equal(derive_phone(*state, "09", &ph), -1);
	assert_int_equal(derive_phone(NULL, "13905510000", &ph), -1);
}

static void test_sex(void **state)
{
	(void)state;
	assert_int_equal(derive_sex("男"), 'M');
	assert_int_equal(derive_sex("female"), 'F');
	assert_int_equal(derive_sex("Male"), 'M');
	assert_int_equal(derive_sex("女性"), 'F');
	assert_int_equal(derive_sex("未知"), 0);
	assert_int_equal(derive_sex(NULL), 0);
}

static void test_bad_table(void **state)
{
	char dir[] = "/tmp/test_derive_XXXXXX";
	char path[256];
	struct err err;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/id-regions.tsv", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# header\n110105\tonly two\n", f);
	fclose(f);
	assert_null(derive_new(dir, &err));
	assert_non_null(strstr(err.msg, "id-regions.tsv:2"));
	unlink(path);
	/* and a missing table is an error that names it */
	assert_null(derive_new(dir, &err));
	assert_non_null(strstr(err.msg, "id-regions.tsv"));
	rmdir(dir);
}

/* The phone table is searched by bisection: it must be sorted, each prefix once. */
static void test_prefix_table(void **state)
{
	char dir[] = "/tmp/test_derive_XXXXXX";
	char regions[256], prefixes[256];
	struct derive_phone ph;
	struct derive *d;
	struct err err;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(regions, sizeof(regions), "%s/id-regions.tsv", dir);
	snprintf(prefixes, sizeof(prefixes), "%s/phone-prefixes.tsv", dir);
	f = fopen(regions, "w");
	assert_non_null(f);
	fputs("110105\t北京市\t市辖区\t朝阳区\t北京市朝阳区\n", f);
	fclose(f);
	f = fopen(prefixes, "w");
	assert_non_null(f);
	fputs("# prefix\tcarrier\tregion\n130\t联通\t\n1300\t\t\n1300123\t\t北京\n131\t联通\t\n", f);
	fclose(f);
	d = derive_new(dir, &err);
	assert_non_null(d);
	/* 1300123 gives the region, 1300 has neither, 130 the carrier */
	assert_int_equal(derive_phone(d, "13001234567", &ph), 0);
	assert_string_equal(ph.carrier, "联通");
	assert_string_equal(ph.region, "北京");
	assert_int_equal(derive_phone(d, "13101234567", &ph), 0);
	assert_null(ph.region);
	assert_int_equal(derive_phone(d, "13201234567", &ph), -1);
	derive_free(d);
	f = fopen(prefixes, "w");
	assert_non_null(f);
	fputs("131\t联通\t\n130\t联通\t\n", f);
	fclose(f);
	assert_null(derive_new(dir, &err));
	assert_non_null(strstr(err.msg, "phone-prefixes.tsv:2"));
	assert_non_null(strstr(err.msg, "out of order"));
	unlink(prefixes);
	unlink(regions);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idcard_valid),
		cmocka_unit_test(test_idcard_derive),
		cmocka_unit_test(test_idcard_region_fallback),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_sex),
		cmocka_unit_test(test_bad_table),
		cmocka_unit_test(test_prefix_table),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
