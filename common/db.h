/*
 * db: the one SQLite database every stage reads and writes.  Owns
 * opening (mode 0600, WAL, foreign keys, busy timeout), the schema
 * migrations of common/schema.sql, and a small prepare/bind/step helper
 * that turns every SQLite error, with its SQL, into a struct err.
 */
#ifndef COMMON_DB_H
#define COMMON_DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

struct checkpoint;

struct db {
	sqlite3 *h;
	char *path;
	struct checkpoint *ckpt;   /* the log's checkpoints, once a commit asked for one (db.c) */
	int log_pages;             /* db_log_pages's, 0 for the default */
};

/* The schema version this binary migrates to. */
int db_schema_version(void);

/*
 * Open (creating with mode 0600 if needed) and migrate the database at
 * path.  The caller owns db and must db_close() it, also after an error.
 * The log's pages are copied back into the file on a thread of the
 * connection's own (common/checkpoint.h), started by the first commit
 * that leaves the log longer than 1,000 pages (see db_log_pages).
 */
int db_open(struct db *db, const char *path, struct err *err);
/* Open an existing database read-only, no migration. */
int db_open_readonly(struct db *db, const char *path, struct err *err);
void db_close(struct db *db);

/* Run SQL without parameters (may hold several statements). */
int db_exec(struct db *db, const char *sql, struct err *err);
int db_begin(struct db *db, struct err *err);      /* BEGIN IMMEDIATE */
int db_commit(struct db *db, struct err *err);
void db_rollback(struct db *db);
/*
 * Read the file through a memory map (on: SQLite's limit, 2 GB), not a
 * copy of each page read; off puts back the default, no map.  For a
 * stage whose reads land all over a large file; the mapped pages are
 * the file's cache, shared, but they count in the process's RSS.
 */
int db_map(struct db *db, int on, struct err *err);
/*
 * A commit that leaves the write-ahead log longer than pages pages asks
 * for its checkpoint (pages 0: 1,000, SQLite's default); one that leaves
 * it longer than four times that waits for the copy, so that the log
 * starts over.  For a stage whose every commit rewrites pages all over
 * the file, a larger figure copies each of them back fewer times.
 */
void db_log_pages(struct db *db, int pages);

/*
 * Parameter formats for db_bind/db_run/db_int, one letter a parameter:
 *   s  const char *  (NULL binds NULL)
 *   t  const char *, int len   text of a given length
 *   i  int
 *   I  int64_t
 *   d  double
 *   b  const void *, int len   blob
 *   n  (no argument) NULL
 */
int db_prepare(struct db *db, sqlite3_stmt **st, const char *sql, struct err *err);
/* Reset st, clear old bindings, bind new ones. */
int db_bind(sqlite3_stmt *st, struct err *err, const char *fmt, ...);
/* Returns 1 for a row, 0 when done, -1 on error (message in err). */
int db_step(sqlite3_stmt *st, struct err *err);
void db_finalize(sqlite3_stmt *st);

/*
 * Statements that write many rows: head followed by rows copies of
 * values ("(?, ?, ?)"), comma-separated.  db_write_rows writes rows
 * 0..n-1 in order, run_rows at a time through run (prepared with that
 * many) while that many remain, the rest one by one through one, so
 * rowids come out as row by row.  bind binds row i as the statement's
 * r-th row of values (its parameters r * columns + 1 on).  A
 * statement's own cost (cursors opened and closed, the program started
 * and halted) is then paid once a run, not once a row.  With every set,
 * a row the statement did not write (an INSERT OR IGNORE that met a
 * constraint) is an error: OR IGNORE then serves only to spare SQLite
 * the statement journal that a statement which may abort needs.
 */
int db_prepare_rows(struct db *db, sqlite3_stmt **st, const char *head, const char *values,
		    int rows, struct err *err);
typedef int (*db_bind_row_fn)(void *arg, sqlite3_stmt *st, int r, size_t i, struct err *err);
int db_write_rows(sqlite3_stmt *run, size_t run_rows, sqlite3_stmt *one, size_t n,
		  int every, db_bind_row_fn bind, void *arg, struct err *err);

/* Prepare, bind, run to completion, finalize. */
int db_run(struct db *db, struct err *err, const char *sql, const char *fmt, ...);
/* The first column of the first row as int64 (*out = 0 when no row). */
int db_int(struct db *db, struct err *err, int64_t *out, const char *sql,
	   const char *fmt, ...);

int64_t db_last_id(struct db *db);
/* Column text as a borrowed C string, "" for NULL. */
const char *db_text(sqlite3_stmt *st, int col);

/* The current time, ISO 8601 in China Standard Time, into buf[32]. */
void db_now(char buf[32]);

#endif
