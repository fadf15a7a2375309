/*
 * test_resolve: the resolution rules of issue 3.  Strong keys join
 * (ID number, name + phone, name + birth date); a name alone never
 * does; different ID numbers, sexes or birth years keep persons apart;
 * a redacted name joins only through an identifier; a bridging report
 * merges two persons and says why; a never pair (an undone merge) holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/resolve.h"

/* Valid ID numbers (check digits computed): two men born 1990, a woman. */
#define ID_A "110105199003070017"
#define ID_B "320102198506120034"
#define ID_F "110105199003070025"

static int64_t next_n;

static int setup(void **state)
{
	static struct resolve r;

	resolve_init(&r, 2);
	next_n = 1;
	*state = &r;
	return 0;
}

static int teardown(void **state)
{
	resolve_release(*state);
	return 0;
}

/* Observe a person in report rid; the mention number counts up. */
static int64_t see(void **state, int64_t rid, const char *name, const char *idcard,
		   const char *phone, int age, char sex)
{
	const char *phones[1] = { phone };
	struct resolve_obs o;
	char sig[32];

	memset(&o, 0, sizeof(o));
	snprintf(sig, sizeof(sig), "%lld@%lld", (long long)rid, (long long)next_n);
	o.name = name;
	o.idcard = idcard;
	o.phones = phones;
	o.n_phones = phone ? 1 : 0;
	o.age = age;
	o.sex = sex;
	o.report_year = 2026;
	o.sig = sig;
	o.n = next_n++;
	o.report_id = rid;
	return resolve_observe(*state, &o);
}

static void test_id_joins(void **state)
{
	int64_t a = see(state, 1, "张伟", ID_A, NULL, -1, 0);
	int64_t b = see(state, 2, "张伟", ID_A, "13912345678", -1, 0);
	/* an ID number alone is a strong key, whatever the name says */
	int64_t c = see(state, 3, "张卫", ID_A, NULL, -1, 0);

	assert_int_equal(a, 1);
	assert_int_equal(b, a);
	assert_int_equal(c, a);
	assert_int_equal(((struct resolve *)*state)->n_merges, 0);
}

static void test_name_alone_never(void **state)
{
	int64_t a = see(state, 1, "张伟", NULL, NULL, -1, 0);
	int64_t b = see(state, 2, "张伟", NULL, NULL, -1, 0);
	int64_t c = see(state, 3, "张伟", NULL, NULL, 30, 'M');

	assert_true(a != b && b != c && a != c);
}

static void test_name_phone_joins(void **state)
{
	int64_t a = see(state, 1, "李娜", NULL, "13912345678", -1, 0);
	int64_t b = see(state, 2, "李娜", NULL, "13912345678", -1, 0);
	/* the phone alone, under another name, is not a person's key */
	int64_t c = see(state, 3, "王芳", NULL, "13912345678", -1, 0);

	assert_int_equal(a, b);
	assert_true(c != a);
}

static void test_different_ids_never(void **state)
{
	int64_t a = see(state, 1, "张伟", ID_A, "13912345678", -1, 0);
	/* same name and phone, another valid ID number: another person */
	int64_t b = see(state, 2, "张伟", ID_B, "13912345678", -1, 0);
	/* a third report with name and phone only: it joins the first found */
	int64_t c = see(state, 3, "张伟", NULL, "13912345678", -1, 0);
	struct resolve_person *pa = resolve_get(*state, a), *pb = resolve_get(*state, b);

	assert_true(a != b);
	assert_int_equal(c, a);
	assert_string_equal(pa->idcard, ID_A);
	assert_string_equal(pb->idcard, ID_B);
	assert_int_equal(pa->merged_into, 0);
	assert_int_equal(pb->merged_into, 0);
}

static void test_conflicting_age(void **state)
{
	int64_t a = see(state, 1, "张伟", ID_A, "13912345678", -1, 0);
	/* born 1990 by the ID; 50 years old in 2026 is born about 1976 */
	int64_t b = see(state, 2, "张伟", NULL, "13912345678", 50, 0);
	/* 36 fits the ID */
	int64_t c = see(state, 3, "张伟", NULL, "13912345678", 36, 0);

	assert_true(b != a);
	assert_int_equal(c, a);
	assert_int_equal(resolve_get(*state, b)->birth_lo, 2026 - 50 - 1 - 2);
}

static void test_conflicting_sex(void **state)
{
	int64_t a = see(state, 1, "李娜", NULL, "13912345678", -1, 'F');
	int64_t b = see(state, 2, "李娜", NULL, "13912345678", -1, 'M');
	/* the ID of a woman joins her, not him */
	int64_t c = see(state, 3, "李娜", ID_F, "13912345678", -1, 0);

	assert_true(a != b);
	assert_int_equal(c, a);
}

static void test_self_contradiction(void **state)
{
	/* the ID says 1990, the same report says 50: neither joins nor is joined */
	int64_t a = see(state, 1, "张伟", ID_A, NULL, 50, 0);
	int64_t b = see(state, 2, "张伟", ID_A, NULL, -1, 0);

	assert_true(a != b);
	assert_int_equal(see(state, 3, "张伟", ID_A, NULL, -1, 0), b);
}

static void test_redacted(void **state)
{
	const struct resolve *r = *state;
	int64_t a = see(state, 1, "张某", NULL, NULL, 44, 'M');
	int64_t b = see(state, 2, "张某", NULL, NULL, 44, 'M');
	/* through an identifier it may join */
	int64_t c = see(state, 3, "张某", NULL, "13912345678", -1, 0);
	int64_t d = see(state, 4, "张某", NULL, "13912345678", -1, 0);
	int64_t e = see(state, 5, "张某", ID_A, NULL, -1, 0);
	int64_t f = see(state, 6, "张三", ID_A, NULL, -1, 0);
	struct resolve_obs o;
	char sig[] = "7@1";

	assert_true(a != b);
	assert_int_equal(c, d);
	assert_int_equal(e, f);
	/* the full name is shown, not the redacted one */
	assert_string_equal(resolve_get(r, e)->display, "张三");
	/* a redacted name with a birth date has no key at all */
	memset(&o, 0, sizeof(o));
	o.name = "王某某";
	o.birth = "1990-03-07";
	o.age = -1;
	o.sig = sig;
	o.n = 100;
	o.report_id = 7;
	assert_int_equal(resolve_observe(*state, &o), 100);
	o.n = 101;
	assert_int_equal(resolve_observe(*state, &o), 101);
}

static void test_redacted_names(void **state)
{
	(void)state;
	assert_true(resolve_name_redacted("张某"));
	assert_true(resolve_name_redacted("张某某"));
	assert_true(resolve_name_redacted("王某俊"));
	assert_true(resolve_name_redacted("李*"));
	assert_true(resolve_name_redacted("张X"));
	assert_true(resolve_name_redacted("张姓"));
	assert_true(resolve_name_redacted(""));
	assert_false(resolve_name_redacted("张伟"));
	assert_false(resolve_name_redacted("欧阳玉兰"));
	assert_false(resolve_name_redacted("John Smith"));
}

static void test_bridge_merges(void **state)
{
	struct resolve *r = *state;
	int64_t a = see(state, 10, "张伟", NULL, "13912345678", -1, 0);
	int64_t b = see(state, 20, "张伟", ID_A, NULL, -1, 0);
	int64_t c;
	const struct resolve_merge *m;

	assert_true(a != b);
	/* one report holds both keys: the two are one person */
	c = see(state, 30, "张伟", ID_A, "13912345678", -1, 0);
	assert_int_equal(c, a);
	assert_int_equal(r->n_merges, 1);
	m = &r->merges[0];
	assert_int_equal(m->kept, a);
	assert_int_equal(m->merged, b);
	assert_int_equal(m->report_id, 30);
	/* the ID number's birth date makes a third key */
	assert_int_equal(m->n_keys, 3);
	assert_string_equal(m->keys[0], "idcard:" ID_A);
	assert_string_equal(m->keys[1], "name+phone:张伟|13912345678");
	assert_string_equal(m->keys[2], "name+birth:张伟|1990-03-07");
	assert_int_equal(m->n_reports, 3);
	assert_int_equal(m->reports[0], 10);
	assert_int_equal(m->reports[1], 20);
	assert_int_equal(m->reports[2], 30);
	assert_int_equal(m->n_merged_founders, 1);
	assert_string_equal(m->merged_founders[0], "20@2");
	assert_int_equal(resolve_get(r, b)->merged_into, a);
	/* the kept person now answers the merged one's keys */
	assert_int_equal(see(state, 40, "张伟", ID_A, NULL, -1, 0), a);
	assert_int_equal(r->n_merges, 0);
	assert_string_equal(resolve_get(r, a)->idcard, ID_A);
	assert_string_equal(resolve_get(r, a)->birth, "1990-03-07");
}

static void test_never_pair(void **state)
{
	struct resolve *r = *state;
	int64_t a, b;

	/* the merge above, undone: its founders are kept apart */
	resolve_add_never(r, "20@2", "10@1");
	a = see(state, 10, "张伟", NULL, "13912345678", -1, 0);
	b = see(state, 20, "张伟", ID_A, NULL, -1, 0);
	assert_int_equal(see(state, 30, "张伟", ID_A, "13912345678", -1, 0), a);
	assert_int_equal(r->n_merges, 0);
	assert_int_equal(resolve_get(r, b)->merged_into, 0);
	/* and it stays undone however often the bridge comes back */
	assert_int_equal(see(state, 40, "张伟", ID_A, "13912345678", -1, 0), a);
	assert_int_equal(resolve_get(r, b)->merged_into, 0);
}

static void test_three_way(void **state)
{
	struct resolve *r = *state;
	int64_t a = see(state, 1, "刘洋", NULL, "13911111111", -1, 0);
	int64_t b = see(state, 2, "刘洋", NULL, "13922222222", -1, 0);
	int64_t c = see(state, 3, "刘洋", ID_B, NULL, -1, 0);
	const char *phones[2] = { "13911111111", "13922222222" };
	struct resolve_obs o;
	char sig[] = "4@9";

	memset(&o, 0, sizeof(o));
	o.name = "刘洋";
	o.idcard = ID_B;
	o.phones = phones;
	o.n_phones = 2;
	o.age = -1;
	o.sig = sig;
	o.n = 9;
	o.report_id = 4;
	assert_int_equal(resolve_observe(r, &o), a);
	assert_int_equal(r->n_merges, 2);
	assert_int_equal(r->merges[0].merged, b);
	assert_int_equal(r->merges[1].merged, c);
	assert_int_equal(resolve_get(r, a)->n_founders, 3);
}

static void test_load(void **state)
{
	struct resolve *r = *state;
	struct resolve_person *p = resolve_load_person(r, 42, ID_A, 'M', "1990-03-07", 1990, 1990, "张伟");

	resolve_load_key(r, p, "idcard:" ID_A, 5);
	resolve_load_founder(r, p, "5@42");
	assert_int_equal(see(state, 6, "张伟", ID_A, NULL, -1, 0), 42);
	assert_ptr_equal(resolve_get(r, 42), p);
	assert_null(resolve_get(r, 43));
}

/*
 * The keys an observation is looked up by: what a caller reads from its
 * store before resolve_observe.  The ID number gives the birth date of
 * name + birth; a redacted name has no name + birth key.
 */
static void test_keys(void **state)
{
	struct resolve *r = *state;
	const char *phones[2] = { "13912345678", "13800000001" };
	struct resolve_obs o;
	char *keys[5];
	size_t n;

	memset(&o, 0, sizeof(o));
	o.name = "张伟";
	o.idcard = ID_A;
	o.phones = phones;
	o.n_phones = 2;
	o.age = -1;
	n = resolve_keys(r, &o, keys);
	assert_int_equal(n, 4);
	assert_string_equal(keys[0], "idcard:" ID_A);
	assert_string_equal(keys[1], "name+phone:张伟|13912345678");
	assert_string_equal(keys[2], "name+phone:张伟|13800000001");
	assert_string_equal(keys[3], "name+birth:张伟|1990-03-07");
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	o.name = "张某";
	o.n_phones = 0;
	n = resolve_keys(r, &o, keys);
	assert_int_equal(n, 1);
	assert_string_equal(keys[0], "idcard:" ID_A);
	free(keys[0]);
	o.idcard = NULL;
	assert_int_equal(resolve_keys(r, &o, keys), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_id_joins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_alone_never, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_phone_joins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_different_ids_never, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflicting_age, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflicting_sex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_self_contradiction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redacted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redacted_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bridge_merges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_never_pair, setup, teardown),
		cmocka_unit_test_setup_teardown(test_three_way, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
