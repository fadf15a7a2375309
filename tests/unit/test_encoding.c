/*
 * test_encoding: BOM, detection and GB18030 conversion.  The GB18030
 * bytes are made here with iconv from UTF-8 literals, so the test does
 * not depend on a hand-typed byte table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "common/encoding.h"

/* UTF-8 to GB18030 with iconv; returns the owned bytes and their length. */
static char *to_gb18030(const char *utf8, size_t *len)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	size_t inleft = strlen(utf8), outleft = inleft * 4 + 4;
	char *buf = malloc(outleft), *in = (char *)utf8, *out = buf;

	assert_true(cd != (iconv_t)-1);
	assert_non_null(buf);
	assert_true(iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1);
	iconv_close(cd);
	*len = (size_t)(out - buf);
	return buf;
}

static void check_round_trip(const char *utf8)
{
	struct sbuf out = SBUF_INIT;
	struct err err;
	size_t len;
	char *gb = to_gb18030(utf8, &len);

	assert_int_equal(enc_detect(gb, len), ENC_GB18030);
	assert_int_equal(enc_gb18030_to_utf8(gb, len, &out, &err), 0);
	assert_string_equal(sbuf_str(&out), utf8);
	sbuf_release(&out);
	free(gb);
}

static void test_round_trip(void **state)
{
	(void)state;
	check_round_trip("报警人张三,电话13912345678,称其电动车被盗。");
	check_round_trip("編號,來源,內容\n1,110,臺灣同胞\n");   /* Traditional */
	check_round_trip("价值€500 😀 𠀀");            /* four-byte GB18030 */
}

/* Conversion longer than iconv's output chunk. */
static void test_long(void **state)
{
	struct sbuf in = SBUF_INIT, out = SBUF_INIT;
	struct err err;
	size_t len;
	char *gb;

	(void)state;
	for (int i = 0; i < 5000; i++)
		sbuf_adds(&in, "幸福路12号");
	gb = to_gb18030(in.buf, &len);
	assert_int_equal(enc_detect(gb, len), ENC_GB18030);
	assert_int_equal(enc_gb18030_to_utf8(gb, len, &out, &err), 0);
	assert_int_equal(out.len, in.len);
	assert_memory_equal(out.buf, in.buf, in.len);
	free(gb);
	sbuf_release(&in);
	sbuf_release(&out);
}

static void test_bom(void **state)
{
	(void)state;
	assert_int_equal(enc_bom_len("\xef\xbb\xbf" "abc", 6), 3);
	assert_int_equal(enc_bom_len("\xef\xbb\xbf", 3), 3);
	assert_int_equal(enc_bom_len("\xef\xbb", 2), 0);
	assert_int_equal(enc_bom_len("abc", 3), 0);
	assert_int_equal(enc_bom_len("", 0), 0);
	assert_int_equal(enc_detect("\xef\xbb\xbf" "编号", 9), ENC_UTF8);
}

static void test_detect(void **state)
{
	(void)state;
	assert_int_equal(enc_detect("", 0), ENC_UTF8);
	assert_int_equal(enc_detect("id,text\n", 8), ENC_UTF8);
	assert_int_equal(enc_detect("编号", 6), ENC_UTF8);
	assert_int_equal(enc_detect("\xd6\xd0\xce\xc4", 4), ENC_GB18030);  /* 中文 */
	/* neither: bytes GB18030 does not use, a lead byte at the end */
	assert_int_equal(enc_detect("\x80", 1), ENC_UNKNOWN);
	assert_int_equal(enc_detect("\xff\xfe" "a", 3), ENC_UNKNOWN);
	assert_int_equal(enc_detect("ab\xd6", 3), ENC_UNKNOWN);
	assert_int_equal(enc_detect("\xd6\x7f", 2), ENC_UNKNOWN);
	assert_string_equal(enc_name(ENC_UTF8), "utf-8");
	assert_string_equal(enc_name(ENC_GB18030), "gb18030");
	assert_string_equal(enc_name(ENC_UNKNOWN), "unknown");
}

static void test_errors(void **state)
{
	struct sbuf out = SBUF_INIT;
	struct err err;

	(void)state;
	sbuf_adds(&out, "kept");
	assert_int_equal(enc_gb18030_to_utf8("\xd6\xd0" "ab\xff", 5, &out, &err), -1);
	assert_non_null(strstr(err.msg, "byte 4"));
	assert_string_equal(sbuf_str(&out), "kept");
	assert_int_equal(enc_gb18030_to_utf8("\xd6\xd0\xce", 3, &out, &err), -1);
	assert_non_null(strstr(err.msg, "byte 2"));
	assert_string_equal(sbuf_str(&out), "kept");
	sbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
