/*
 * test_extract_names: persons (cues, redacted forms, traps), places
 * (parents, home area, levels), organisations and objects, and the
 * precision bars on the labelled sentences.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "tests/eval/names_score.h"

static struct names *names;
static struct mention_list list;

static int setup(void **state)
{
	struct err err;

	names = names_new(LOOKOUT_DATADIR, &err);
	if (!names)
		fprintf(stderr, "%s\n", err.msg);
	mention_list_init(&list);
	return names ? 0 : -1;
}

static int teardown(void **state)
{
	names_free(names);
	mention_list_release(&list);
	return 0;
}

static void run(const char *text)
{
	mention_list_clear(&list);
	assert_int_equal(names_extract(names, text, strlen(text), &list), 0);
}

/* The mention of this type and value, or NULL. */
static const struct mention *find(const char *type, const char *value)
{
	for (size_t i = 0; i < list.n; i++)
		if (!strcmp(list.v[i].type, type) && !strcmp(list.v[i].value, value))
			return &list.v[i];
	return NULL;
}

static size_t count(const char *type)
{
	size_t n = 0;

	for (size_t i = 0; i < list.n; i++)
		n += !strcmp(list.v[i].type, type);
	return n;
}

static void test_cues_and_roles(void **state)
{
	const struct mention *m;

	run("报警人张伟称其家中被盗。");
	m = find("person", "张伟");
	assert_non_null(m);
	assert_string_equal(m->role, "reporter");
	assert_string_equal(m->surface, "张伟");
	assert_int_equal(m->start, 9);
	assert_int_equal(m->end, 15);

	run("犯罪嫌疑人李建国逃跑,受害人赵磊受伤,证人孙丽丽在场。");
	assert_string_equal(find("person", "李建国")->role, "suspect");
	assert_string_equal(find("person", "赵磊")->role, "victim");
	assert_string_equal(find("person", "孙丽丽")->role, "witness");

	/* the second given character is taken only when it reads as one */
	run("嫌疑人张伟逃跑。");
	assert_non_null(find("person", "张伟"));
	assert_int_equal(count("person"), 1);

	/* two names joined share the cue's role */
	run("当事人王某和李某某因琐事发生纠纷。");
	assert_string_equal(find("person", "王某")->role, "party");
	assert_string_equal(find("person", "李某某")->role, "party");

	/* a name with a cue after it only */
	run("经查,陈晓明称其不认识对方。");
	assert_non_null(find("person", "陈晓明"));
}

static void test_redacted(void **state)
{
	const struct mention *m;

	run("嫌疑人王某(男,44岁)与张某某、王某俊发生纠纷。");
	m = find("person", "王某");
	assert_non_null(m);
	assert_string_equal(m->attrs, "{\"redacted\":true,\"sex\":\"男\",\"age\":44}");
	assert_non_null(find("person", "张某某"));
	assert_non_null(find("person", "王某俊"));

	run("23岁张姓男子在路边被打伤。");
	m = find("person", "张某");
	assert_non_null(m);
	assert_string_equal(m->surface, "张姓男子");
	assert_string_equal(m->attrs,
			    "{\"redacted\":true,\"surname_only\":true,\"sex\":\"男\",\"age\":23}");

	run("车主自称姓王,电话未留。");
	m = find("person", "王某");
	assert_non_null(m);
	assert_string_equal(m->surface, "姓王");

	/* a redacted name is not followed into the next word */
	run("张某发生纠纷后,民警将刘某送往医院。");
	assert_non_null(find("person", "张某"));
	assert_non_null(find("person", "刘某"));
	assert_int_equal(count("person"), 2);
}

static void test_traps(void **state)
{
	run("社区民警赶到派出所,发现某理发店内无人。");
	assert_int_equal(count("person"), 0);
	assert_int_equal(count("org"), 0);   /* 派出所 and 某理发店 name no org */

	run("于某日晚间,位于某某小区的一家店被盗。");
	assert_int_equal(count("person"), 0);
	assert_int_equal(count("place"), 0);

	run("司机称乘客下车后未付车费,老板称监控损坏。");
	assert_int_equal(count("person"), 0);

	run("民警查获一辆电动车。");
	assert_int_equal(count("person"), 0);

	/* spans claimed before (here by hand, as the identifier extractor
	 * would) are left alone */
	mention_list_clear(&list);
	mention_add(&list, "phone", "13912345678", "张伟", 9, 15, "test", 1.0);
	assert_int_equal(names_extract(names, "报警人张伟称", strlen("报警人张伟称"), &list), 0);
	assert_int_equal(count("person"), 0);
}

static void test_english(void **state)
{
	run("Suspect John Smith was seen near the hotel; Mr. Brown said he saw him.");
	assert_string_equal(find("person", "John Smith")->role, "suspect");
	assert_non_null(find("person", "Brown"));
	run("Police Station officers visited the area.");
	assert_int_equal(count("person"), 0);
}

static void test_places(void **state)
{
	const struct mention *m;

	/* the home area before a bare address */
	run("报警人称其在幸福路12号被盗。");
	m = find("place", "江苏省南京市玄武区幸福路12号");
	assert_non_null(m);
	assert_string_equal(m->surface, "幸福路12号");
	assert_non_null(strstr(m->attrs, "\"road\":\"江苏省南京市玄武区幸福路\""));

	/* parents from the gazetteer; 中山 is not the city before 北路 */
	run("南京市鼓楼区中山北路8号一商铺被撬。");
	assert_non_null(find("place", "江苏省南京市鼓楼区中山北路8号"));

	run("在北京朝阳区建国路88号被抓获。");
	assert_non_null(find("place", "北京市朝阳区建国路88号"));

	run("江苏省南京市玄武区孝陵卫街道卫岗社区发生一起盗窃。");
	m = find("place", "江苏省南京市玄武区孝陵卫街道卫岗社区");
	assert_non_null(m);
	assert_non_null(strstr(m->attrs, "\"code\":\"320102009\""));

	/* words that end like an address but are not one */
	run("村民反映,该小区的社区民警路过时发现异常。");
	assert_int_equal(count("place"), 0);
}

static void test_place_chain(void **state)
{
	struct names_place pl;
	char *v;

	names_place_init(&pl);
	v = names_place(names, "城东社区幸福路12号3栋2单元501室", strlen("城东社区幸福路12号3栋2单元501室"), &pl);
	assert_string_equal(v, "江苏省南京市玄武区城东社区幸福路12号3栋2单元501室");
	assert_string_equal(pl.level[NAMES_DISTRICT], "江苏省南京市玄武区");
	assert_string_equal(pl.level[NAMES_COMMUNITY], "江苏省南京市玄武区城东社区");
	assert_string_equal(pl.level[NAMES_ROAD], "江苏省南京市玄武区城东社区幸福路");
	assert_string_equal(pl.level[NAMES_BUILDING], "江苏省南京市玄武区城东社区幸福路12号3栋");
	assert_string_equal(pl.part[NAMES_BUILDING], "12号3栋");
	assert_null(pl.level[NAMES_STREET]);
	assert_string_equal(pl.code, "320102");

	/* idempotent: the canonical value gives itself back */
	{
		char *again = names_place(names, v, strlen(v), &pl);

		assert_string_equal(again, v);
		free(again);
	}
	free(v);

	v = names_place(names, "梅园新村街道", strlen("梅园新村街道"), &pl);
	assert_string_equal(v, "江苏省南京市玄武区梅园新村街道");
	assert_string_equal(pl.part[NAMES_STREET], "梅园新村街道");
	free(v);

	/* a municipality: the city level is the province's */
	v = names_place(names, "北京", strlen("北京"), &pl);
	assert_string_equal(v, "北京市");
	free(v);

	/* no address: the text, trimmed */
	v = names_place(names, " 如家 ", strlen(" 如家 "), &pl);
	assert_string_equal(v, "如家");
	assert_null(pl.level[NAMES_DISTRICT]);
	free(v);
	assert_string_equal(names_level_name(NAMES_STREET), "street");
	names_place_release(&pl);
}

static void test_orgs(void **state)
{
	run("张伟和李强在如家快捷酒店发生争执,随后到城东派出所报警。");
	assert_non_null(find("org", "如家快捷酒店"));
	assert_non_null(find("org", "城东派出所"));
	assert_non_null(find("person", "张伟"));
	assert_non_null(find("person", "李强"));

	run("万某在中国工商银行玄武支行被人诈骗。");
	assert_non_null(find("org", "中国工商银行玄武支行"));
	assert_int_equal(count("org"), 1);

	run("其银行卡被盗刷。");
	assert_int_equal(count("org"), 0);
}

static void test_items(void **state)
{
	const struct mention *m;

	run("报警人称其一部黑色苹果iPhone 13手机被盗。");
	m = find("item", "苹果iPhone 13手机");
	assert_non_null(m);
	assert_string_equal(m->surface, "黑色苹果iPhone 13手机");
	assert_string_equal(m->attrs,
			    "{\"colour\":\"黑色\",\"brand\":\"苹果\",\"model\":\"iPhone 13\"}");

	/* identifiers after the object go into its attrs */
	mention_list_clear(&list);
	{
		const char *t = "其华为手机被盗,串号356938035643809。";
		const char *imei = strstr(t, "356");

		mention_add(&list, "imei", "356938035643809", "356938035643809",
			    imei - t, imei - t + 15, "test", 1.0);
		names_extract(names, t, strlen(t), &list);
	}
	m = find("item", "华为手机");
	assert_non_null(m);
	assert_non_null(strstr(m->attrs, "\"imei\":\"356938035643809\""));

	/* no theft, loss or sale in the sentence: no exhibit */
	run("民警用手机联系报警人。他的手机号码是多少。");
	assert_int_equal(count("item"), 0);
}

static void test_labelled_bars(void **state)
{
	struct names_score sc[SCORE_NTYPES];
	long n = score_file(names, LOOKOUT_DATADIR "/../tests/eval/labelled-names.jsonl",
			    sc, NULL);

	assert_true(n >= 120);
	assert_true(score_p(&sc[SCORE_PERSON]) >= 0.9);
	assert_true(score_p(&sc[SCORE_PLACE]) >= 0.9);
	assert_true(score_r(&sc[SCORE_PERSON]) >= 0.8);
	assert_true(score_r(&sc[SCORE_PLACE]) >= 0.7);
}

static void test_bad_datadir(void **state)
{
	struct err err;

	assert_null(names_new("/nonexistent", &err));
	assert_non_null(strstr(err.msg, "surnames.txt"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cues_and_roles),
		cmocka_unit_test(test_redacted),
		cmocka_unit_test(test_traps),
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_places),
		cmocka_unit_test(test_place_chain),
		cmocka_unit_test(test_orgs),
		cmocka_unit_test(test_items),
		cmocka_unit_test(test_labelled_bars),
		cmocka_unit_test(test_bad_datadir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
