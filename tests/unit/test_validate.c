/*
 * test_validate: the identifier checks.  Known-good numbers come from
 * their standards (GB 11643's sample ID 11010519491231002X, the ISO 3779
 * sample VIN 1M8GDM9AXKP042788, the GSMA sample IMEI 490154203237518,
 * the 4111... test card); each has one digit changed to see it refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "analyze/validate.h"
#include "analyze/values.h"

#define TODAY 20261123

/* Validate with f and compare the canonical form, or expect a refusal when want is NULL. */
static void check(int (*f)(const char *, size_t, char *), const char *in, const char *want)
{
	char out[VALIDATE_MAX];
	int rc = f(in, strlen(in), out);

	if (!want) {
		if (rc == 0)
			fail_msg("'%s' accepted as '%s'", in, out);
		return;
	}
	if (rc != 0)
		fail_msg("'%s' refused", in);
	assert_string_equal(out, want);
}

static int idcard(const char *s, size_t n, char *out)
{
	return validate_idcard(s, n, TODAY, out);
}

static int plate(const char *s, size_t n, char *out)
{
	int partial;

	return validate_plate(s, n, out, &partial);
}

static void test_idcard_check_digit(void **state)
{
	(void)state;
	assert_int_equal(validate_idcard_check("11010519491231002"), 'X');
	assert_int_equal(validate_idcard_check("44052419800101001"), '3');
	check(idcard, "11010519491231002X", "11010519491231002X");
	check(idcard, "11010519491231002x", "11010519491231002X");   /* lower-case x */
	check(idcard, "440524198001010013", "440524198001010013");
	check(idcard, "440524198001010014", NULL);                   /* wrong check digit */
	check(idcard, "11010519491231002Y", NULL);
	check(idcard, "1101051949123100", NULL);                     /* 16 characters */
}

static void test_idcard_birth_date(void **state)
{
	(void)state;
	check(idcard, "510108200002294560", "510108200002294560");  /* 2000 is a leap year */
	check(idcard, "510108190002294563", NULL);                  /* 1900 is not */
	check(idcard, "110101199013070011", NULL);                  /* month 13 */
	check(idcard, "110101199004310011", NULL);                  /* 31 April */
	check(idcard, "110105202612310009", NULL);                  /* born after today */
	check(idcard, "110101189901010011", NULL);                  /* before 1900 */
	check(idcard, "990101199003070011", NULL);                  /* no province 99 */
}

static void test_idcard_legacy(void **state)
{
	char out[VALIDATE_MAX];

	(void)state;
	/* 15 digits: the year gets "19" and a check digit is computed */
	check(idcard, "110105491231002", "11010519491231002X");
	check(idcard, "440524800101001", "440524198001010013");
	check(idcard, "440524801301001", NULL);
	assert_int_equal(validate_idcard("44052480010100", 14, TODAY, out), -1);
}

static void test_luhn(void **state)
{
	(void)state;
	assert_true(validate_luhn("490154203237518", 15));
	assert_false(validate_luhn("490154203237519", 15));
	assert_true(validate_luhn("4111111111111111", 16));
	assert_false(validate_luhn("4111111111111121", 16));
	assert_false(validate_luhn("", 0));
	assert_false(validate_luhn("41111a1111111111", 16));
}

static void test_imei_bankcard(void **state)
{
	(void)state;
	check(validate_imei, "490154203237518", "490154203237518");
	check(validate_imei, "49-015420-323751-8", "490154203237518");
	check(validate_imei, "490154203237517", NULL);
	check(validate_imei, "4901542032375", NULL);
	check(validate_bankcard, "4111111111111111", "4111111111111111");
	check(validate_bankcard, "6222 0212 3456 7890 128", "6222021234567890128");
	check(validate_bankcard, "6217001234567890122", "6217001234567890122");
	check(validate_bankcard, "6217001234567890123", NULL);
	check(validate_bankcard, "411111111111111", NULL);            /* 15 digits */
	check(validate_bankcard, "41111111111111110000", NULL);       /* 20 digits */
}

static void test_phone(void **state)
{
	(void)state;
	check(validate_phone, "13912345678", "13912345678");
	check(validate_phone, "139-1234-5678", "13912345678");
	check(validate_phone, "+86 139 1234 5678", "13912345678");
	check(validate_phone, "008613912345678", "13912345678");
	check(validate_phone, "8613912345678", "13912345678");
	check(validate_phone, "(+86)13912345678", "13912345678");
	check(validate_phone, "12912345678", NULL);           /* 12x is no mobile prefix */
	check(validate_phone, "1391234567", NULL);            /* 10 digits */
	check(validate_phone, "0755-83001234", "0755-83001234");
	check(validate_phone, "(0755)83001234", "0755-83001234");
	check(validate_phone, "010-62345678", "010-62345678");
	check(validate_phone, "02584001234", "025-84001234");
	check(validate_phone, "0571-8765432", "0571-8765432");   /* 7-digit local number */
	check(validate_phone, "010-6234567", NULL);              /* three-digit area codes have 8 */
	check(validate_phone, "0155-83001234", NULL);            /* no area code 015x */
	check(validate_phone, "0755-03001234", NULL);            /* a local number starts 2-9 */
	check(validate_phone, "110", NULL);
	check(validate_phone, "12345", NULL);
	check(validate_phone, "96110", NULL);
	check(validate_phone, "139a12345678", NULL);
}

static void test_vin(void **state)
{
	(void)state;
	assert_int_equal(validate_vin_check("1M8GDM9AXKP042788"), 'X');
	check(validate_vin, "1M8GDM9AXKP042788", "1M8GDM9AXKP042788");
	check(validate_vin, "1m8gdm9axkp042788", "1M8GDM9AXKP042788");
	check(validate_vin, "1M8GDM9A1KP042788", NULL);
	check(validate_vin, "LFV2A21K1A3012345", "LFV2A21K1A3012345");
	check(validate_vin, "LFV2A21K0A3012345", NULL);
	check(validate_vin, "IFV2A21K1A3012345", NULL);          /* no I in a VIN */
	check(validate_vin, "LFV2A21K1A301234", NULL);
}

static void test_plate(void **state)
{
	char out[VALIDATE_MAX];
	int partial;

	(void)state;
	check(plate, "京A12345", "京A12345");
	check(plate, "苏A·12345", "苏A12345");
	check(plate, "苏A-12345", "苏A12345");
	check(plate, "苏A 12345", "苏A12345");
	check(plate, "苏a12345", "苏A12345");
	check(plate, "粤B·D12345", "粤BD12345");               /* new-energy, small car */
	check(plate, "粤B12345D", "粤B12345D");                /* new-energy, large car */
	check(plate, "粤B123456", NULL);                       /* six without D or F */
	check(plate, "苏A1234警", "苏A1234警");
	check(plate, "苏A1234挂", "苏A1234挂");
	check(plate, "京I12345", NULL);                        /* no I */
	check(plate, "京A12O45", NULL);                        /* no O */
	check(plate, "港A12345", NULL);                        /* not a province abbreviation */
	check(plate, "京A1234", NULL);
	check(plate, "京AABCDE", NULL);                        /* no digit at all */
	assert_int_equal(validate_plate("皖A84K**", strlen("皖A84K**"), out, &partial), 0);
	assert_string_equal(out, "皖A84K**");
	assert_int_equal(partial, 1);
	assert_int_equal(validate_plate("皖A****1", strlen("皖A****1"), out, &partial), -1);
	assert_int_equal(validate_plate("京A12345", strlen("京A12345"), out, &partial), 0);
	assert_int_equal(partial, 0);
}

static void test_numbers(void **state)
{
	static const struct { const char *in; double want; int approx; } cases[] = {
		{ "3000", 3000, 0 }, { "25,000", 25000, 0 }, { "12.8万", 128000, 0 },
		{ "5000余", 5000, 1 }, { "三千", 3000, 0 }, { "两千五百", 2500, 0 },
		{ "一万五", 15000, 0 }, { "三千五", 3500, 0 }, { "3万5千", 35000, 0 },
		{ "一百零五", 105, 0 }, { "十二", 12, 0 }, { "二十", 20, 0 },
		{ "三十多", 30, 1 }, { "一亿二千万", 120000000, 0 }, { "十万", 100000, 0 },
		{ "1.5万余", 15000, 1 }, { "二〇二六", 2026, 0 },
	};
	double v;
	size_t used;
	int approx;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (values_number(cases[i].in, strlen(cases[i].in), &v, &used, &approx) < 0)
			fail_msg("'%s' refused", cases[i].in);
		if (v != cases[i].want || approx != cases[i].approx)
			fail_msg("'%s': %g approx %d", cases[i].in, v, approx);
		assert_int_equal(used, strlen(cases[i].in));
	}
	assert_int_equal(values_number("万", strlen("万"), &v, &used, &approx), -1);
	assert_int_equal(values_number("abc", 3, &v, &used, &approx), -1);
}

static void test_amount_age_sex(void **state)
{
	const char *cur;
	char buf[40];
	double v;
	int approx, age;

	(void)state;
	assert_int_equal(values_amount("HK$25,000", strlen("HK$25,000"), &v, &cur, &approx), 0);
	assert_true(v == 25000);
	assert_string_equal(cur, "HKD");
	assert_int_equal(values_amount("人民币三千元", strlen("人民币三千元"), &v, &cur, &approx), 0);
	assert_true(v == 3000);
	assert_string_equal(cur, "CNY");
	assert_int_equal(values_amount("100美元", strlen("100美元"), &v, &cur, &approx), 0);
	assert_string_equal(cur, "USD");
	assert_int_equal(values_amount("3000", 4, &v, &cur, &approx), -1);   /* no currency */
	assert_int_equal(values_age("三十多岁", strlen("三十多岁"), &age, &approx), 0);
	assert_int_equal(age, 30);
	assert_int_equal(approx, 1);
	assert_int_equal(values_age("32岁", strlen("32岁"), &age, &approx), 0);
	assert_int_equal(age, 32);
	assert_int_equal(approx, 0);
	assert_int_equal(values_age("150岁", strlen("150岁"), &age, &approx), -1);
	assert_string_equal(values_sex("男", 3), "男");
	assert_string_equal(values_sex("Female", 6), "女");
	assert_null(values_sex("人", 3));
	values_format(128000, buf);
	assert_string_equal(buf, "128000");
	values_format(12.5, buf);
	assert_string_equal(buf, "12.5");
	values_format(0.05, buf);
	assert_string_equal(buf, "0.05");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idcard_check_digit),
		cmocka_unit_test(test_idcard_birth_date),
		cmocka_unit_test(test_idcard_legacy),
		cmocka_unit_test(test_luhn),
		cmocka_unit_test(test_imei_bankcard),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_vin),
		cmocka_unit_test(test_plate),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_amount_age_sex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
