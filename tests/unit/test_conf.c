/*
 * test_conf: the "name = value" reader every stage's parameter file goes
 * through: comments and blanks, trimming, file order, errors that name
 * the file and line, a missing file.
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

#include "common/conf.h"
#include "common/sbuf.h"

/* Collects "name=value;" for each setting; fails on the name "bad". */
static int collect(void *ctx, const char *name, const char *value, struct err *err)
{
	if (!strcmp(name, "bad"))
		return err_set(err, "unknown parameter '%s'", name);
	sbuf_addf(ctx, "%s=%s;", name, value);
	return 0;
}

static char path[64];

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/test_conf.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	return 0;
}

static void test_settings(void **state)
{
	struct sbuf got = SBUF_INIT;
	struct err err;

	write_file("# a comment\n\n  a = 1  \nb=two words # why\nc =\t#x\nd = p#q\r\n");
	assert_int_equal(conf_read(path, 0, collect, &got, &err), 0);
	assert_string_equal(sbuf_str(&got), "a=1;b=two words;c=;d=p#q;");
	sbuf_release(&got);
}

static void test_errors(void **state)
{
	struct sbuf got = SBUF_INIT;
	struct err err;
	char want[128];

	write_file("a = 1\n# c\nno equals here\n");
	assert_int_equal(conf_read(path, 0, collect, &got, &err), -1);
	snprintf(want, sizeof(want), "%s:3: expected 'name = value'", path);
	assert_string_equal(err.msg, want);
	write_file("a = 1\nbad = 2\nc = 3\n");
	sbuf_reset(&got);
	assert_int_equal(conf_read(path, 0, collect, &got, &err), -1);
	snprintf(want, sizeof(want), "%s:2: unknown parameter 'bad'", path);
	assert_string_equal(err.msg, want);
	assert_string_equal(sbuf_str(&got), "a=1;");     /* stops at the bad line */
	sbuf_release(&got);
}

static void test_missing(void **state)
{
	struct sbuf got = SBUF_INIT;
	struct err err;

	unlink(path);
	assert_int_equal(conf_read(path, 1, collect, &got, &err), 0);
	assert_int_equal(got.len, 0);
	assert_int_equal(conf_read(path, 0, collect, &got, &err), -1);
	assert_non_null(strstr(err.msg, "cannot read"));
	sbuf_release(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
