/*
 * test_db: db_open creates a new database file readable by its owner
 * alone (0600, whatever the umask), and ":memory:" opens SQLite's
 * in-memory database without leaving a file of that name behind.
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

#include "common/db.h"

/* Run in a fresh folder of its own; *old gets the folder to go back to. */
static void enter_temp(char *dir, size_t size, char *old, size_t old_size)
{
	snprintf(dir, size, "/tmp/test_db.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_non_null(getcwd(old, old_size));
	assert_int_equal(chdir(dir), 0);
}

static void test_new_file_private(void **state)
{
	char dir[64], old[4096];
	struct db db;
	struct err err;
	struct stat st;
	mode_t mask = umask(022);

	(void)state;
	enter_temp(dir, sizeof(dir), old, sizeof(old));
	assert_int_equal(db_open(&db, "x.db", &err), 0);
	db_close(&db);
	assert_int_equal(stat("x.db", &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	unlink("x.db");
	unlink("x.db-wal");
	unlink("x.db-shm");
	umask(mask);
	assert_int_equal(chdir(old), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void test_memory_no_file(void **state)
{
	char dir[64], old[4096];
	struct db db;
	struct err err;
	int64_t n = -1;

	(void)state;
	enter_temp(dir, sizeof(dir), old, sizeof(old));
	assert_int_equal(db_open(&db, ":memory:", &err), 0);
	assert_int_equal(db_int(&db, &err, &n, "SELECT count(*) FROM report", ""), 0);
	assert_int_equal(n, 0);
	db_close(&db);
	assert_int_not_equal(access(":memory:", F_OK), 0);
	assert_int_equal(chdir(old), 0);
	/* Fails if anything was left in the folder. */
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_file_private),
		cmocka_unit_test(test_memory_no_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
