/*
 * test_extract_ids: the identifier and value extractor on sentences
 * that trip extractors up (a phone inside an ID number, order numbers,
 * cards without context, masked plates, Chinese numerals), register
 * field normalisation, rule-file errors, and the bars on the labelled
 * set: identifiers precision >= 0.99 and recall >= 0.98.
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

#define EVAL_EXTRACT_NO_MAIN
#include "bench/eval_extract.c"

static struct ids *ids;
static struct mention_list found;

static int setup(void **state)
{
	struct err err;

	(void)state;
	if (!(ids = ids_new(LOOKOUT_DATADIR, &err))) {
		print_error("ids_new: %s\n", err.msg);
		return -1;
	}
	mention_list_init(&found);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mention_list_release(&found);
	ids_free(ids);
	return 0;
}

/* Extract from text (already normalised); returns the count. */
static size_t extract(const char *text)
{
	mention_list_clear(&found);
	assert_true(ids_extract(ids, text, strlen(text), &found) >= 0);
	return found.n;
}

/* The n-th mention of type, or NULL. */
static const struct mention *nth(const char *type, int n)
{
	for (size_t i = 0; i < found.n; i++)
		if (strcmp(found.v[i].type, type) == 0 && n-- == 0)
			return &found.v[i];
	return NULL;
}

static int count(const char *type)
{
	int n = 0;

	while (nth(type, n))
		n++;
	return n;
}

/* Exactly one mention of type, with this value and surface. */
static void expect_one(const char *text, const char *type, const char *value,
		       const char *surface)
{
	const struct mention *m;

	extract(text);
	if (count(type) != 1)
		fail_msg("%d %s in '%s'", count(type), type, text);
	m = nth(type, 0);
	assert_string_equal(m->value, value);
	assert_string_equal(m->surface, surface);
	assert_int_equal(m->end - m->start, strlen(surface));
	assert_memory_equal(text + m->start, surface, strlen(surface));
}

static void expect_none(const char *text, const char *type)
{
	extract(text);
	if (count(type) != 0)
		fail_msg("%s '%s' found in '%s'", type, nth(type, 0)->value, text);
}

static void test_phones(void **state)
{
	(void)state;
	expect_one("联系电话+86 139 1234 5678。", "phone", "13912345678", "+86 139 1234 5678");
	expect_one("电话0086-13912345678", "phone", "13912345678", "0086-13912345678");
	expect_one("座机(0755)83001234转8001", "phone", "0755-83001234", "(0755)83001234");
	expect_one("对方电话010-62345678", "phone", "010-62345678", "010-62345678");
	expect_none("报警电话110,政务热线12345,反诈专线96110", "phone");
	expect_none("订单号13912345678的包裹", "phone");
	expect_none("时间戳20261121201530", "phone");
	expect_none("手机号1391234567少一位", "phone");
}

static void test_longest_wins(void **state)
{
	(void)state;
	/* 11010519491231002X holds 19491231002, which a loose phone rule would take */
	extract("身份证号11010519491231002X,电话13912345678");
	assert_int_equal(count("idcard"), 1);
	assert_int_equal(count("phone"), 1);
	assert_string_equal(nth("phone", 0)->value, "13912345678");
	/* a card number with a mobile-like run inside it */
	extract("银行卡号6222021391234567891");
	assert_int_equal(count("phone"), 0);
	/* a phone as the name of a mailbox */
	expect_one("邮箱13912345678@163.com", "email", "13912345678@163.com", "13912345678@163.com");
	assert_int_equal(count("phone"), 0);
	/* no two mentions overlap, and they come in text order */
	extract("嫌疑人(男,32岁)身份证11010519491231002X,车辆苏A·12345,被骗12.8万元");
	for (size_t i = 1; i < found.n; i++)
		assert_true(found.v[i - 1].end <= found.v[i].start);
}

static void test_idcards(void **state)
{
	(void)state;
	expect_one("身份证号11010519491231002x", "idcard", "11010519491231002X", "11010519491231002x");
	expect_one("身份证:110105 19491231 002X", "idcard", "11010519491231002X",
		   "110105 19491231 002X");
	expect_one("旧身份证号110105491231002", "idcard", "11010519491231002X", "110105491231002");
	/* a wrong check digit is no ID, and nothing else either */
	extract("身份证号110105194912310021");
	assert_int_equal(found.n, 0);
	/* 31 February */
	expect_none("身份证号110105194902310028", "idcard");
}

static void test_bankcards(void **state)
{
	(void)state;
	expect_one("对方银行卡号6222 0212 3456 7890 128", "bankcard", "6222021234567890128",
		   "6222 0212 3456 7890 128");
	expect_one("向4111111111111111账户转账", "bankcard", "4111111111111111", "4111111111111111");
	expect_none("聊天记录里有一串数字6222021234567890128", "bankcard");
	expect_none("交易流水号6222021234567890128", "bankcard");
	/* the label of the first card of a list speaks for the rest */
	extract("卡号6228480624202286、6214838684086228、6222021234567890128");
	assert_int_equal(count("bankcard"), 3);
}

static void test_imei_vin_case(void **state)
{
	(void)state;
	expect_one("手机串号490154203237518", "imei", "490154203237518", "490154203237518");
	expect_one("IMEI:49-015420-323751-8", "imei", "490154203237518", "49-015420-323751-8");
	expect_none("串号490154203237517", "imei");
	expect_one("车架号1M8GDM9AXKP042788", "vin", "1M8GDM9AXKP042788", "1M8GDM9AXKP042788");
	expect_none("车架号1M8GDM9A1KP042788", "vin");
	expect_one("案件编号:A3201022026110001", "case", "A3201022026110001", "A3201022026110001");
	expect_one("警情J20261119001", "case", "J20261119001", "J20261119001");
}

static void test_plates(void **state)
{
	const struct mention *m;

	(void)state;
	expect_one("驾驶苏A·12345逃离", "plate", "苏A12345", "苏A·12345");
	expect_one("新能源车粤B D12345", "plate", "粤BD12345", "粤B D12345");
	expect_one("车牌皖A84K**被遮挡", "plate", "皖A84K**", "皖A84K**");
	m = nth("plate", 0);
	assert_int_equal(m->partial, 1);
	expect_none("车牌京A-O1234", "plate");       /* no O */
	expect_none("鲁A12345678", "plate");         /* too long */
	expect_none("号牌全部遮挡为苏A*****", "plate");
}

static void test_qq_wechat_email(void **state)
{
	(void)state;
	expect_one("QQ号:12345678", "qq", "12345678", "12345678");
	expect_one("扣扣 55667788", "qq", "55667788", "55667788");
	expect_none("QQ群号123456789", "qq");
	expect_none("订单20261121", "qq");
	expect_one("微信号Zhang_San88", "wechat", "zhang_san88", "Zhang_San88");
	expect_one("his WeChat ID: gold_trader88", "wechat", "gold_trader88", "gold_trader88");
	expect_none("his WeChat account is nice", "wechat");
	expect_one("Email: Li.Ming@Example.COM.", "email", "li.ming@example.com", "Li.Ming@Example.COM");
}

static void test_amounts(void **state)
{
	const struct mention *m;

	(void)state;
	expect_one("被骗12.8万元", "amount", "128000", "12.8万元");
	expect_one("损失5000余元", "amount", "5000", "5000余元");
	assert_string_equal(nth("amount", 0)->attrs, "{\"approx\":true}");
	expect_one("被盗人民币三千元", "amount", "3000", "人民币三千元");
	assert_null(nth("amount", 0)->attrs);
	expect_one("现金HK$25,000", "amount", "25000", "HK$25,000");
	assert_string_equal(nth("amount", 0)->attrs, "{\"currency\":\"HKD\"}");
	expect_one("当金人民币壹万贰仟元", "amount", "12000", "人民币壹万贰仟元");
	expect_one("共计123,456.78元", "amount", "123456.78", "123,456.78元");
	expect_none("手表一块,戒指两枚", "amount");
	expect_none("损失数万元", "amount");
	extract("价值约2000元");
	m = nth("amount", 0);
	assert_non_null(m);
	assert_string_equal(m->attrs, "{\"approx\":true}");
}

static void test_age_sex(void **state)
{
	(void)state;
	extract("张某(男,44岁)与李某(女,三十多岁)");
	assert_int_equal(count("sex"), 2);
	assert_int_equal(count("age"), 2);
	assert_string_equal(nth("sex", 0)->value, "男");
	assert_string_equal(nth("sex", 1)->value, "女");
	assert_string_equal(nth("age", 0)->value, "44");
	assert_string_equal(nth("age", 1)->value, "30");
	assert_string_equal(nth("age", 1)->attrs, "{\"approx\":true}");
	expect_one("性别:女,籍贯江苏", "sex", "女", "女");
	expect_one("a 45 years old male", "age", "45", "45 years old");
	expect_none("男女平等,妇女权益", "sex");
	expect_none("150岁", "age");
}

static void test_datetimes(void **state)
{
	struct date_ref ref = { 2026, 11, 22 };

	(void)state;
	ids_set_date_ref(ids, NULL);
	expect_one("2026年11月21日20时15分许,报警人称", "datetime", "2026-11-21T20:15:00+08:00",
		   "2026年11月21日20时15分许");
	expect_none("11月21日晚8时许被盗", "datetime");      /* no year to give it */
	ids_set_date_ref(ids, &ref);
	expect_one("11月21日晚8时许被盗", "datetime", "2026-11-21T20:00:00+08:00", "11月21日晚8时许");
	expect_one("凌晨2时许发现", "datetime", "2026-11-22T02:00:00+08:00", "凌晨2时许");
	expect_none("幸福路21号3栋", "datetime");
	expect_none("快一点走", "datetime");
	ids_set_date_ref(ids, NULL);
}

static void test_bad_text(void **state)
{
	(void)state;
	mention_list_clear(&found);
	assert_int_equal(ids_extract(ids, "\xff\xfe 13912345678", 15, &found), -1);
	assert_int_equal(found.n, 0);
	assert_int_equal(ids_extract(ids, "", 0, &found), 0);
}

static void test_normalize(void **state)
{
	static const struct { const char *type, *in, *want; } cases[] = {
		{ "phone", "+86 139-1234-5678", "13912345678" },
		{ "phone", "075583001234", "0755-83001234" },
		{ "phone", "110", NULL },
		{ "idcard", " 11010519491231002x ", "11010519491231002X" },
		{ "idcard", "110105491231002", "11010519491231002X" },
		{ "idcard", "110105194912310021", NULL },
		{ "plate", "苏A·12345", "苏A12345" },
		{ "plate", "皖a84k**", "皖A84K**" },
		{ "imei", "49-015420-323751-8", "490154203237518" },
		{ "bankcard", "4111 1111 1111 1111", "4111111111111111" },
		{ "bankcard", "4111 1111 1111 1112", NULL },
		{ "email", "Li.Ming@Example.com", "li.ming@example.com" },
		{ "email", "not an email", NULL },
		{ "qq", "12345678", "12345678" },
		{ "qq", "0123456", NULL },
		{ "wechat", "Zhang_San88", "zhang_san88" },
		{ "wechat", "13912345678", NULL },
		{ "case", "a3201022026110001", "A3201022026110001" },
		{ "vin", "1m8gdm9axkp042788", "1M8GDM9AXKP042788" },
		{ "vin", "1M8GDM9A1KP042788", NULL },
		{ "nosuchtype", "x", NULL },
	};
	char *out;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = ids_normalize(ids, cases[i].type, cases[i].in, &out);

		if (!cases[i].want) {
			if (rc == 0)
				fail_msg("%s '%s' accepted as '%s'", cases[i].type, cases[i].in, out);
			continue;
		}
		if (rc != 0)
			fail_msg("%s '%s' refused", cases[i].type, cases[i].in);
		assert_string_equal(out, cases[i].want);
		free(out);
	}
}

/* A data folder under /tmp with the given rule files. */
static void write_rules(const char *dir, const char *ids_tsv, const char *context_tsv)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/rules", dir);
	mkdir(dir, 0700);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/rules/ids.tsv", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(ids_tsv, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/rules/context.tsv", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(context_tsv, f);
	fclose(f);
}

static void remove_rules(const char *dir)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/rules/ids.tsv", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/rules/context.tsv", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/rules", dir);
	rmdir(path);
	rmdir(dir);
}

static void test_rule_errors(void **state)
{
	char dir[64];
	struct err err;
	struct ids *x;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_extract_ids.%d", (int)getpid());
	write_rules(dir, "phone\tbroken\t0.9\t(1[3-9]\n", "phone\t电话\n");
	assert_null(x = ids_new(dir, &err));
	assert_non_null(strstr(err.msg, "rule 'broken'"));
	assert_non_null(strstr(err.msg, "ids.tsv:1"));
	write_rules(dir, "phone\tmobile\t0.9\t{nolist}1[3-9][0-9]{9}\n", "phone\t电话\n");
	assert_null(x = ids_new(dir, &err));
	assert_non_null(strstr(err.msg, "no context list 'nolist'"));
	write_rules(dir, "shoe\tsize\t0.9\t[0-9]+\n", "phone\t电话\n");
	assert_null(x = ids_new(dir, &err));
	assert_non_null(strstr(err.msg, "unknown type 'shoe'"));
	write_rules(dir, "phone\tmobile\t2\t1[3-9][0-9]{9}\n", "phone\t电话\n");
	assert_null(x = ids_new(dir, &err));
	/* a good minimal set works */
	write_rules(dir, "phone\tmobile\t0.9\t(?<![0-9])1[3-9][0-9]{9}(?![0-9])\n", "phone\t电话\n");
	assert_non_null(x = ids_new(dir, &err));
	mention_list_clear(&found);
	assert_int_equal(ids_extract(x, "电话13912345678", strlen("电话13912345678"), &found), 1);
	ids_free(x);
	assert_null(ids_new("/nonexistent", &err));
	assert_non_null(strstr(err.msg, "cannot read"));
	ids_free(NULL);
	remove_rules(dir);
}

/* The bars of the analyze issue, on the hand-labelled sentences. */
static void test_labelled_bars(void **state)
{
	struct eval e;
	struct eval_counts c;
	struct err err;
	FILE *devnull = fopen("/dev/null", "w");
	double p, r;

	(void)state;
	if (eval_init(&e, LOOKOUT_DATADIR, 0, &err) < 0)
		fail_msg("eval_init: %s", err.msg);
	if (eval_file(&e, LOOKOUT_DATADIR "/../tests/eval/labelled-ids.jsonl", &err) < 0)
		fail_msg("eval_file: %s", err.msg);
	eval_print(&e, devnull);
	fclose(devnull);
	eval_sum(&e, eval_identifiers, &c);
	p = ratio(c.tp, c.tp + c.fp);
	r = ratio(c.tp, c.tp + c.fn);
	print_message("identifiers: %ld labelled, precision %.3f, recall %.3f\n", c.gold, p, r);
	assert_true(e.sentences >= 200);
	assert_int_equal(e.span_errors, 0);
	assert_true(p >= 0.99);
	assert_true(r >= 0.98);
	eval_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phones),
		cmocka_unit_test(test_longest_wins),
		cmocka_unit_test(test_idcards),
		cmocka_unit_test(test_bankcards),
		cmocka_unit_test(test_imei_vin_case),
		cmocka_unit_test(test_plates),
		cmocka_unit_test(test_qq_wechat_email),
		cmocka_unit_test(test_amounts),
		cmocka_unit_test(test_age_sex),
		cmocka_unit_test(test_datetimes),
		cmocka_unit_test(test_bad_text),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_rule_errors),
		cmocka_unit_test(test_labelled_bars),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
