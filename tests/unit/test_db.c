/*
 * test_db: db_open creates a new database file readable by its owner
 * alone (0600, whatever the umask), and ":memory:" opens SQLite's
 * in-memory database without leaving a file of that name behind.  The
 * log's checkpoints run on their own thread: a commit past four times
 * db_log_pages finds its pages in the database file when it returns,
 * and the next transaction starts the log over.  db_write_rows writes
 * rows many to a statement and the rest one by one, in order; with every
 * set, a row an INSERT OR IGNORE passed over is an error.
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

#include "common/checkpoint.h"
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

static off_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* One transaction of n rows of 16,000 bytes each: a page of 16 KiB a row. */
static void write_rows(struct db *db, int n)
{
	struct err err;

	assert_int_equal(db_begin(db, &err), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(db_run(db, &err, "INSERT INTO big(b) VALUES (zeroblob(16000))", ""), 0);
	assert_int_equal(db_commit(db, &err), 0);
}

static void test_checkpoint_thread(void **state)
{
	char dir[64], old[4096];
	struct db db;
	struct err err;
	int64_t n = 0;
	off_t before, wal;

	(void)state;
	enter_temp(dir, sizeof(dir), old, sizeof(old));
	assert_int_equal(db_open(&db, "x.db", &err), 0);
	assert_int_equal(db_exec(&db, "CREATE TABLE big(b BLOB)", &err), 0);
	db_log_pages(&db, 8);
	/* 20 pages: a checkpoint asked for, not waited for. */
	write_rows(&db, 20);
	assert_non_null(db.ckpt);
	/* 100 pages, more than four times 8: back in the file on return. */
	before = file_size("x.db");
	write_rows(&db, 100);
	assert_true(file_size("x.db") >= before + 100 * 16000);
	assert_true(checkpoint_count(db.ckpt) >= 1);
	wal = file_size("x.db-wal");
	/* The log started over: its file holds one transaction, not two. */
	before = file_size("x.db");
	write_rows(&db, 100);
	assert_true(file_size("x.db") >= before + 100 * 16000);
	assert_true(file_size("x.db-wal") <= wal);
	db_close(&db);
	assert_null(db.ckpt);
	assert_int_equal(db_open(&db, "x.db", &err), 0);
	assert_int_equal(db_int(&db, &err, &n, "SELECT count(*) FROM big", ""), 0);
	assert_int_equal(n, 220);
	db_close(&db);
	unlink("x.db");
	unlink("x.db-wal");
	unlink("x.db-shm");
	assert_int_equal(chdir(old), 0);
	assert_int_equal(rmdir(dir), 0);
}

static const int64_t keys[] = { 1, 2, 3, 4, 5, 6, 7 };

static int bind_key(void *arg, sqlite3_stmt *st, int r, size_t i, struct err *err)
{
	const int64_t *v = arg;

	(void)err;
	return sqlite3_bind_int64(st, r + 1, v[i]) == SQLITE_OK ? 0 : -1;
}

static void test_write_rows(void **state)
{
	struct db db;
	struct err err;
	sqlite3_stmt *many, *one;
	int64_t n = -1, dup[] = { 8, 3, 9 };

	(void)state;
	assert_int_equal(db_open(&db, ":memory:", &err), 0);
	assert_int_equal(db_exec(&db, "CREATE TABLE t(k INTEGER UNIQUE)", &err), 0);
	assert_int_equal(db_prepare_rows(&db, &many, "INSERT OR IGNORE INTO t(k) VALUES ", "(?)", 3,
					 &err), 0);
	assert_int_equal(db_prepare_rows(&db, &one, "INSERT OR IGNORE INTO t(k) VALUES ", "(?)", 1,
					 &err), 0);
	/* 7 rows: two statements of three, then one of one, in order */
	assert_int_equal(db_write_rows(many, 3, one, 7, 1, bind_key, (void *)keys, &err), 0);
	assert_int_equal(db_int(&db, &err, &n, "SELECT count(*) FROM t", ""), 0);
	assert_int_equal(n, 7);
	assert_int_equal(db_int(&db, &err, &n, "SELECT sum(k * rowid) FROM t", ""), 0);
	assert_int_equal(n, 1 * 1 + 2 * 2 + 3 * 3 + 4 * 4 + 5 * 5 + 6 * 6 + 7 * 7);
	/* 3 is there already: ignored, which every makes an error */
	assert_int_equal(db_write_rows(many, 3, one, 3, 1, bind_key, dup, &err), -1);
	assert_non_null(strstr(err.msg, "1 of 3 rows not written"));
	/* and without every, the rest is written */
	assert_int_equal(db_write_rows(many, 3, one, 3, 0, bind_key, dup, &err), 0);
	assert_int_equal(db_int(&db, &err, &n, "SELECT count(*) FROM t", ""), 0);
	assert_int_equal(n, 9);
	db_finalize(many);
	db_finalize(one);
	db_close(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_file_private),
		cmocka_unit_test(test_memory_no_file),
		cmocka_unit_test(test_checkpoint_thread),
		cmocka_unit_test(test_write_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
