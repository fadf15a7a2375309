/*
 * test_linkmap: links stored by (a, b, type) are found again as the map
 * grows; the type and the order of the ends are part of the key;
 * forgetting an entity hides every link stored for it before, at either
 * end, but not those stored after nor other entities' links.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "analyze/linkmap.h"

enum { N_LINKS = 200000 };

static void test_many_links(void **state)
{
	struct linkmap m;

	(void)state;
	linkmap_init(&m);
	assert_int_equal(linkmap_get(&m, 1, 2, 0), 0);
	for (int64_t i = 1; i <= N_LINKS; i++)
		linkmap_put(&m, i, i * 3 + 1, (int)(i % 4), 1000 + i);
	assert_int_equal(m.n, N_LINKS);
	for (int64_t i = 1; i <= N_LINKS; i++) {
		assert_int_equal(linkmap_get(&m, i, i * 3 + 1, (int)(i % 4)), 1000 + i);
		/* another type, the ends swapped: other links */
		assert_int_equal(linkmap_get(&m, i, i * 3 + 1, (int)((i + 1) % 4)), 0);
		assert_int_equal(linkmap_get(&m, i * 3 + 1, i, (int)(i % 4)), 0);
	}
	/* storing again replaces the id, it adds no entry */
	linkmap_put(&m, 5, 16, 1, 7);
	assert_int_equal(linkmap_get(&m, 5, 16, 1), 7);
	assert_int_equal(m.n, N_LINKS);
	linkmap_release(&m);
	assert_int_equal(linkmap_get(&m, 5, 16, 1), 0);
}

static void test_forget(void **state)
{
	struct linkmap m;

	(void)state;
	linkmap_init(&m);
	linkmap_put(&m, 10, 20, 3, 1);
	linkmap_put(&m, 20, 30, 3, 2);
	linkmap_put(&m, 30, 40, 3, 3);
	assert_false(linkmap_forgotten(&m, 20));
	linkmap_forget(&m, 20);
	assert_true(linkmap_forgotten(&m, 20));
	assert_false(linkmap_forgotten(&m, 10));
	/* at either end */
	assert_int_equal(linkmap_get(&m, 10, 20, 3), 0);
	assert_int_equal(linkmap_get(&m, 20, 30, 3), 0);
	assert_int_equal(linkmap_get(&m, 30, 40, 3), 3);
	/* stored after the forgetting: found */
	linkmap_put(&m, 10, 20, 3, 4);
	assert_int_equal(linkmap_get(&m, 10, 20, 3), 4);
	assert_int_equal(linkmap_get(&m, 20, 30, 3), 0);
	/* forgotten again: hidden again */
	linkmap_forget(&m, 10);
	assert_int_equal(linkmap_get(&m, 10, 20, 3), 0);
	assert_int_equal(linkmap_get(&m, 30, 40, 3), 3);
	linkmap_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_links),
		cmocka_unit_test(test_forget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
