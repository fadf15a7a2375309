/*
 * test_strmap: keys copied into blocks stay readable and findable as the
 * map grows and its blocks fill (many keys, keys longer than a block,
 * keys with a length given); an empty map finds nothing; a released map
 * can be used again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/strmap.h"

enum { N_KEYS = 100000 };

static void key_of(char *buf, size_t size, int i)
{
	snprintf(buf, size, "phone:139%08d", i * 7);
}

static void test_many_keys(void **state)
{
	struct strmap m;
	static int vals[N_KEYS];
	char key[32];

	(void)state;
	strmap_init(&m);
	assert_null(strmap_get(&m, "nothing"));
	for (int i = 0; i < N_KEYS; i++) {
		key_of(key, sizeof(key), i);
		vals[i] = i;
		*strmap_put(&m, key) = &vals[i];
	}
	assert_int_equal(m.n, N_KEYS);
	for (int i = 0; i < N_KEYS; i++) {
		int *v;

		key_of(key, sizeof(key), i);
		v = strmap_get(&m, key);
		assert_non_null(v);
		assert_int_equal(*v, i);
	}
	/* Every slot's key is the copy of what was put, NUL-terminated. */
	for (size_t i = 0; i < m.cap; i++)
		if (m.v[i].key) {
			int *v = m.v[i].val;

			key_of(key, sizeof(key), *v);
			assert_string_equal(m.v[i].key, key);
		}
	/* Putting a key again keeps its value and adds nothing. */
	key_of(key, sizeof(key), 5);
	assert_ptr_equal(*strmap_put(&m, key), &vals[5]);
	assert_int_equal(m.n, N_KEYS);
	assert_null(strmap_get(&m, "phone:139"));
	strmap_release(&m);
	assert_int_equal(m.n, 0);
	assert_null(strmap_get(&m, key));
	/* Used again after release. */
	*strmap_put(&m, "place:幸福路") = &vals[1];
	assert_ptr_equal(strmap_get(&m, "place:幸福路"), &vals[1]);
	strmap_release(&m);
}

static void test_long_keys(void **state)
{
	struct strmap m;
	static int a = 1, b = 2, c = 3;
	size_t len = 200000;
	char *big = malloc(len + 1), *big2;

	(void)state;
	assert_non_null(big);
	memset(big, 'x', len);
	big[len] = '\0';
	big2 = strdup(big);
	assert_non_null(big2);
	big2[len - 1] = 'y';
	strmap_init(&m);
	*strmap_put(&m, "short") = &a;
	*strmap_put(&m, big) = &b;
	*strmap_put(&m, "after") = &c;
	assert_ptr_equal(strmap_get(&m, "short"), &a);
	assert_ptr_equal(strmap_get(&m, big), &b);
	assert_null(strmap_get(&m, big2));
	assert_ptr_equal(strmap_get(&m, "after"), &c);
	/* A key given by length: only its first len bytes count. */
	assert_ptr_equal(strmap_getn(&m, "shortcut", 5), &a);
	*strmap_putn(&m, "afterwards", 5) = &b;
	assert_ptr_equal(strmap_get(&m, "after"), &b);
	assert_int_equal(m.n, 3);
	strmap_release(&m);
	free(big);
	free(big2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_long_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
