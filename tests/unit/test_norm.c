/*
 * test_norm: the shared normaliser.  Full width to ASCII, Traditional to
 * Simplified (and Simplified left alone, which OpenCC itself confirms),
 * white space folding, strict UTF-8 validation, field-name keys, and the
 * fast paths checked against the slow ones over the whole BMP.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <opencc/opencc.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "common/norm.h"

static struct norm norm;

static int setup(void **state)
{
	struct err err;

	(void)state;
	if (norm_init(&norm, &err) < 0) {
		print_error("norm_init: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	norm_release(&norm);
	return 0;
}

/* norm_text of s, compared with want. */
static void check_text(const char *s, const char *want)
{
	struct sbuf out = SBUF_INIT;
	struct err err;

	if (norm_text(&norm, s, strlen(s), &out, &err) < 0)
		fail_msg("norm_text '%s': %s", s, err.msg);
	if (strcmp(sbuf_str(&out), want))
		fail_msg("norm_text '%s': got '%s', want '%s'", s, sbuf_str(&out), want);
	sbuf_release(&out);
}

static void check_key(const char *s, const char *want)
{
	struct sbuf out = SBUF_INIT;

	norm_key(s, strlen(s), &out);
	assert_string_equal(sbuf_str(&out), want);
	sbuf_release(&out);
}

static void test_full_width(void **state)
{
	(void)state;
	check_text("ＡＢＣ１２３", "ABC123");
	check_text("电话１３９１２３４５６７８", "电话13912345678");
	check_text("ｐｈｏｎｅ：１３９", "phone:139");
	/* full-width punctuation becomes ASCII */
	check_text("张三，男（32岁）：报警", "张三,男(32岁):报警");
	check_text("！？；", "!?;");
	/* CJK punctuation without a compatibility form stays */
	check_text("他说：“走。”《通知》、【附件】", "他说:“走。”《通知》、【附件】");
	/* compatibility ideographs and circled digits */
	check_text("①②", "12");
	check_text("\xef\xa9\xb1", "\xe5\x86\xb5");   /* U+FA71 -> U+51B5 */
	/* a combining accent composes */
	check_text("e\xcc\x81", "\xc3\xa9");
}

static void test_traditional(void **state)
{
	(void)state;
	check_text("臺灣", "台湾");
	check_text("這個", "这个");
	check_text("電話號碼", "电话号码");
	check_text("這個人的電話號碼是１３９１２３４５６７８",
		   "这个人的电话号码是13912345678");
	/* characters t2s changes only inside a phrase */
	check_text("瞭解", "了解");
	check_text("反覆", "反复");
	check_text("藉口", "借口");
	/* and whole phrases, not characters one by one */
	check_text("頭髮", "头发");
	check_text("乾燥", "干燥");
	/* t2s alone is not idempotent here: 薴 -> 苧 -> 苎 */
	check_text("薴", "苎");
	/* a character outside the BMP (CJK extension B) */
	check_text("\xf0\xa1\xbb\x95", "岁");
}

/* Simplified text is returned as it is, and OpenCC agrees it is already
 * Simplified, so skipping it was right. */
static void test_simplified_untouched(void **state)
{
	static const char *texts[] = {
		"群众反映幸福路12号楼下有一辆无牌摩托车连续三晚停放,车主自称姓王,电话13912345678。",
		"11月21日晚8时许,报警人张某(男,32岁)称其停放在小区内的电动车被盗,价值约3000元。",
		"Suspect seen near the bus station, wearing a black jacket.",
		"经了解,双方因琐事发生纠纷,民警到场后进行调解,反复劝说无果。",
	};
	opencc_t cc = opencc_open("t2s.json");

	(void)state;
	assert_true(cc != (opencc_t)-1);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char *conv = opencc_convert_utf8(cc, texts[i], strlen(texts[i]));

		assert_string_equal(conv, texts[i]);
		opencc_convert_utf8_free(conv);
		check_text(texts[i], texts[i]);
	}
	opencc_close(cc);
}

static void test_whitespace(void **state)
{
	(void)state;
	check_text("  a \t b  ", "a b");
	check_text("警情\r\n\r\n内容", "警情 内容");
	check_text("\xe3\x80\x80张三\xe3\x80\x80\xe3\x80\x80李四\xe3\x80\x80", "张三 李四");
	check_text("a\xc2\xa0" "b", "a b");                 /* NBSP */
	check_text("a\xe2\x80\x83" "b", "a b");             /* EM SPACE */
	check_text("a\xe2\x80\xa8" "b", "a b");             /* LINE SEPARATOR */
	check_text("139\xe2\x80\x8b" "1234", "1391234");    /* ZERO WIDTH SPACE */
	check_text("\xef\xbb\xbf" "abc", "abc");            /* BOM */
	check_text("a\x01\x02" "b", "a b");
	check_text(" \n\t\xe3\x80\x80 ", "");
	check_text("", "");
}

static void test_append_and_errors(void **state)
{
	struct sbuf out = SBUF_INIT;
	struct err err;

	(void)state;
	sbuf_adds(&out, "x:");
	assert_int_equal(norm_text(&norm, " 臺灣 ", 8, &out, &err), 0);
	assert_string_equal(sbuf_str(&out), "x:台湾");
	assert_int_equal(norm_text(&norm, "ab\xff", 3, &out, &err), -1);
	assert_string_equal(sbuf_str(&out), "x:台湾");
	assert_true(strlen(err.msg) > 0);
	/* an explicit length, not the NUL, ends the text */
	sbuf_reset(&out);
	assert_int_equal(norm_text(&norm, "１２３４", 6, &out, &err), 0);
	assert_string_equal(sbuf_str(&out), "12");
	sbuf_release(&out);
}

/* norm_text of s[0..n) into a fresh out; fails the test on an error. */
static void norm_into(const char *s, size_t n, struct sbuf *out)
{
	struct err err;

	sbuf_reset(out);
	if (norm_text(&norm, s, n, out, &err) < 0)
		fail_msg("norm_text: %s", err.msg);
}

/*
 * Every code point up to the end of plane 2 (where the CJK extensions
 * are), alone: normalising twice changes nothing; and the fast path
 * (text that is already NFKC skips utf8proc) agrees with the slow one,
 * which "é" after the code point forces without changing it.
 */
static void test_every_code_point(void **state)
{
	struct sbuf once = SBUF_INIT, twice = SBUF_INIT, slow = SBUF_INIT;
	char s[8];

	(void)state;
	for (int32_t c = 1; c < 0x30000; c++) {
		size_t n;

		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		n = (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)s);
		memcpy(s + n, "\xc3\xa9", 2);
		norm_into(s, n, &once);
		norm_into(sbuf_str(&once), once.len, &twice);
		if (strcmp(sbuf_str(&once), sbuf_str(&twice)))
			fail_msg("U+%04X: once '%s' twice '%s'", (unsigned)c,
				 sbuf_str(&once), sbuf_str(&twice));
		norm_into(s, n + 2, &slow);
		sbuf_adds(&once, "\xc3\xa9");
		if (strcmp(once.buf, slow.buf))
			fail_msg("U+%04X: fast '%s' slow '%s'", (unsigned)c,
				 once.buf, slow.buf);
	}
	sbuf_release(&once);
	sbuf_release(&twice);
	sbuf_release(&slow);
}

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("abc", 3));
	assert_true(utf8_valid("臺灣", 6));
	assert_true(utf8_valid("\xf0\x9f\x98\x80", 4));          /* U+1F600 */
	assert_true(utf8_valid("\xf4\x8f\xbf\xbf", 4));          /* U+10FFFF */
	assert_true(utf8_valid("a\0b", 3));                      /* NUL is valid */
	assert_false(utf8_valid("\xc0\xaf", 2));                 /* overlong / */
	assert_false(utf8_valid("\xc1\xbf", 2));
	assert_false(utf8_valid("\xe0\x80\xaf", 3));             /* overlong */
	assert_false(utf8_valid("\xf0\x80\x80\xaf", 4));         /* overlong */
	assert_false(utf8_valid("\xed\xa0\x80", 3));             /* U+D800 */
	assert_false(utf8_valid("\xed\xbf\xbf", 3));             /* U+DFFF */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4));         /* > U+10FFFF */
	assert_false(utf8_valid("\xf5\x80\x80\x80", 4));
	assert_false(utf8_valid("\xe4\xb8", 2));                 /* truncated */
	assert_false(utf8_valid("\xe4\xb8\xad", 2));             /* cut by len */
	assert_false(utf8_valid("\x80", 1));                     /* lone continuation */
	assert_false(utf8_valid("\xe4" "a\xad", 3));
	assert_false(utf8_valid("\xff", 1));
	assert_false(utf8_valid("\xd6\xd0\xce\xc4", 4));         /* GBK 中文 */
	/* the short cuts: ASCII by eight bytes, three-byte forms by their lead */
	assert_true(utf8_valid("0123456789abcdefgh", 18));
	assert_false(utf8_valid("0123456789abcdef\x80", 17));
	assert_false(utf8_valid("01234567\xff" "9abcdef", 16));
	assert_true(utf8_valid("0123456789中文abcdefgh臺", 27));
	assert_false(utf8_valid("0123456789中\xe6\x96", 15));    /* cut by len */
	assert_true(utf8_valid("0123456789中\xe6\x96\xad" "x", 17));
	assert_false(utf8_valid("abcdefgh\xe4\xb8\x41", 11));   /* bad continuation */
	assert_false(utf8_valid("abcdefgh\xe4\x41\xad", 11));
	assert_true(utf8_valid("\xee\x80\x80\xef\xbf\xbf", 6));  /* U+E000, U+FFFF */
	assert_true(utf8_valid("\xe1\x80\x80\xec\xbf\xbf", 6));  /* U+1000, U+CFFF */
	assert_true(utf8_valid("\xe0\xa0\x80\xed\x9f\xbf", 6));  /* U+0800, U+D7FF */
	assert_false(utf8_valid("abcdefgh\xed\xa0\x80", 11));   /* U+D800 after a run */
	assert_false(utf8_valid("abcdefgh\xe0\x9f\xbf", 11));   /* overlong after a run */
}

static void test_key(void **state)
{
	(void)state;
	check_key("  警情 编号 ", "警情编号");
	check_key("ＩＤ", "id");
	check_key("Phone", "phone");
	check_key("PHONE", "phone");
	check_key("ｐｈｏｎｅ\xe3\x80\x80", "phone");
	check_key("id_number", "id_number");
	check_key("Straße", "strasse");
	check_key("\xef\xbb\xbf" "编号", "编号");
	check_key("", "");
	/* not UTF-8: still a key, compared byte for byte */
	check_key("A \xff", "a\xff");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_width),
		cmocka_unit_test(test_traditional),
		cmocka_unit_test(test_simplified_untouched),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_append_and_errors),
		cmocka_unit_test(test_every_code_point),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_key),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
