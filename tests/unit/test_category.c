/*
 * test_category: primary and further categories from keywords, the
 * given field through aliases, parents, threat from escalation words,
 * negation, English whole words, register rows, and data-file errors.
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

#include "analyze/category.h"

static int setup(void **state)
{
	struct err err;

	*state = category_new(LOOKOUT_DATADIR, &err);
	if (!*state)
		fprintf(stderr, "%s\n", err.msg);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	category_free(*state);
	return 0;
}

static void classify(void **state, const char *text, const char *given, const char *kind,
		     struct category_result *out)
{
	category_classify(*state, text, strlen(text), given, kind, out);
}

static const char *primary(const struct category_result *r)
{
	for (int i = 0; i < r->n; i++)
		if (r->v[i].primary)
			return r->v[i].key;
	return NULL;
}

static int has(const struct category_result *r, const char *key)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].key, key))
			return 1;
	return 0;
}

static void test_keywords(void **state)
{
	struct category_result r;

	classify(state, "报警人刘敏称其家中被盗,门窗有撬压痕迹,丢失金手镯。", NULL, "tip", &r);
	assert_string_equal(primary(&r), "burglary");
	assert_true(r.v[0].primary);
	/* its parent comes along, and the loss is a further category */
	assert_true(has(&r, "theft"));
	assert_true(has(&r, "lost_property"));

	classify(state, "两车在路口追尾相撞,无人受伤。", NULL, "incident", &r);
	assert_string_equal(primary(&r), "traffic");
	assert_int_equal(r.n, 1);

	classify(state, "群众反映幸福路12号楼下有一辆无牌摩托车连续三晚停放。", NULL, "tip", &r);
	assert_string_equal(primary(&r), "suspicious");
}

static void test_given_field(void **state)
{
	struct category_result r;

	/* the given field wins over the text, an alias contained in it counts */
	classify(state, "邻居家吵架声音很大。", "入室盗窃案件", "case", &r);
	assert_string_equal(primary(&r), "burglary");
	assert_true(has(&r, "dispute"));
	classify(state, "some text", "Fraud", "case", &r);
	assert_string_equal(primary(&r), "fraud");
	/* 其他 says nothing the text cannot say better */
	classify(state, "对方冒充客服要求转账,被骗5000元。", "其他", "incident", &r);
	assert_string_equal(primary(&r), "fraud");
	assert_string_equal(category_alias(*state, "电信网络诈骗"), "fraud");
	assert_null(category_alias(*state, "天气晴朗"));
	assert_null(category_alias(*state, NULL));
}

static void test_threat(void **state)
{
	struct category_result r;

	classify(state, "两家因宅基地纠纷发生争吵,李某扬言要弄死对方。", NULL, "dispute", &r);
	assert_string_equal(primary(&r), "dispute");
	assert_true(has(&r, "threat"));
	/* as many threat words as dispute words: the dispute is what it is about */
	classify(state, "邻居张某因停车与其发生纠纷,张某扬言要砍死他。", NULL, "tip", &r);
	assert_string_equal(primary(&r), "dispute");
	assert_true(has(&r, "threat"));
	/* a threat alone is the primary category */
	classify(state, "王某持刀在楼道内威胁邻居。", NULL, "incident", &r);
	assert_string_equal(primary(&r), "threat");
	/* negated: 未持刀 is no threat */
	classify(state, "经查,李某未持刀,双方因停车发生争执。", NULL, "dispute", &r);
	assert_false(has(&r, "threat"));
	assert_string_equal(primary(&r), "dispute");
}

static void test_negation(void **state)
{
	struct category_result r;

	classify(state, "巡逻至长江路,未发现可疑人员。", NULL, "patrol", &r);
	assert_string_equal(primary(&r), "other");
	assert_int_equal(r.n, 1);
	classify(state, "巡逻至长江路,走访商户三家,提醒防范电信诈骗。", NULL, "patrol", &r);
	assert_false(has(&r, "fraud"));
	/* a negation further away does not reach the keyword */
	classify(state, "尚未找回被盗电动车。", NULL, "case", &r);
	assert_string_equal(primary(&r), "vehicle_theft");
}

static void test_english(void **state)
{
	struct category_result r;

	classify(state, "A SUSPICIOUS man was loitering near the school.", NULL, "tip", &r);
	assert_string_equal(primary(&r), "suspicious");
	/* whole words only: "fired" is not "fire" */
	classify(state, "He was fired from his job last week.", NULL, "tip", &r);
	assert_false(has(&r, "fire"));
	classify(state, "Nothing was stolen.", NULL, "tip", &r);
	assert_true(has(&r, "theft"));
}

static void test_register(void **state)
{
	struct category_result r;

	classify(state, "", NULL, "lodging", &r);
	assert_int_equal(r.n, 0);
	classify(state, "", NULL, "tip", &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(primary(&r), "other");
	/* a register row whose text says something still gets it */
	classify(state, "典当物品疑似被盗手机", NULL, "pawn", &r);
	assert_string_equal(primary(&r), "theft");
}

static void test_table(void **state)
{
	size_t n = category_count(*state);
	int found_other = 0;

	assert_true(n >= 18);
	for (size_t i = 0; i < n; i++)
		found_other |= !strcmp(category_key(*state, i), "other");
	assert_true(found_other);
	assert_null(category_key(*state, n));
	assert_string_equal(category_name(*state, "burglary"), "入室盗窃");
	assert_string_equal(category_name(*state, "vehicle_theft"), "盗窃机动车");
	assert_null(category_name(*state, "nonsense"));
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static void test_bad_files(void **state)
{
	char dir[] = "/tmp/test_category_XXXXXX";
	struct category *c;
	struct err err;

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "categories.tsv", "category\tother\t-\t其他\t-\nalias\t盗窃\ttheft\n");
	assert_null(category_new(dir, &err));
	assert_non_null(strstr(err.msg, "categories.tsv:2"));
	assert_non_null(strstr(err.msg, "unknown category 'theft'"));
	write_file(dir, "categories.tsv", "category\tother\t-\t其他\t-\n");
	assert_null(category_new(dir, &err));
	assert_non_null(strstr(err.msg, "threat"));
	write_file(dir, "categories.tsv",
		   "category\tthreat\t-\t威胁\t-\ncategory\tother\t-\t其他\t-\n");
	write_file(dir, "escalation-words.txt", "# words\n砍死\n");
	c = category_new(dir, NULL);
	assert_non_null(c);
	{
		struct category_result r;

		category_classify(c, "扬言砍死他", 15, NULL, NULL, &r);
		assert_string_equal(r.v[0].key, "threat");
	}
	category_free(c);
	remove_file(dir, "categories.tsv");
	remove_file(dir, "escalation-words.txt");
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keywords),
		cmocka_unit_test(test_given_field),
		cmocka_unit_test(test_threat),
		cmocka_unit_test(test_negation),
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_register),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_bad_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
