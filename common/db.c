/*
 * db: SQLite access.  Every statement goes through db_prepare with
 * bound parameters; errors carry the SQL so a failing statement can be
 * found.  Migrations are applied one at a time, each in its own
 * transaction together with the user_version bump, so a crash during a
 * migration leaves the previous version intact; the version is read
 * again inside that transaction, so two processes opening an old or new
 * database at once do not both apply a step.
 */
#include "common/db.h"
#include "common/checkpoint.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern const char *const db_migrations[];

int db_schema_version(void)
{
	int n = 0;

	while (db_migrations[n])
		n++;
	return n;
}

static int sql_err(struct db *db, struct err *err, const char *sql)
{
	char head[80];
	size_t n = strcspn(sql, "\n");

	if (n >= sizeof(head))
		n = sizeof(head) - 1;
	memcpy(head, sql, n);
	head[n] = '\0';
	return err_set(err, "database '%s': %s (in '%s')",
		       db->path ? db->path : "?", sqlite3_errmsg(db->h), head);
}

int db_exec(struct db *db, const char *sql, struct err *err)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sql_err(db, err, sql);
	return 0;
}

/*
 * A statement left stepped but not reset keeps its read snapshot open
 * after its transaction; BEGIN IMMEDIATE on a snapshot another process
 * has since written past fails at once with SQLITE_BUSY_SNAPSHOT, which
 * the busy timeout does not wait out ("database is locked" when two
 * ingests run at once).  So no statement stays active into a transaction.
 */
int db_begin(struct db *db, struct err *err)
{
	for (sqlite3_stmt *st = sqlite3_next_stmt(db->h, NULL); st; st = sqlite3_next_stmt(db->h, st))
		if (sqlite3_stmt_busy(st))
			sqlite3_reset(st);
	return db_exec(db, "BEGIN IMMEDIATE", err);
}

int db_commit(struct db *db, struct err *err)
{
	return db_exec(db, "COMMIT", err);
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int db_map(struct db *db, int on, struct err *err)
{
	return db_exec(db, on ? "PRAGMA mmap_size = 2147418112" : "PRAGMA mmap_size = 0", err);
}

static int migrate(struct db *db, struct err *err)
{
	int64_t have;
	int want = db_schema_version();

	if (db_int(db, err, &have, "PRAGMA user_version", "") < 0)
		return -1;
	if (have > want)
		return err_set(err, "database '%s' has schema version %lld, newer than this lookout (%d)",
			       db->path, (long long)have, want);
	for (int v = (int)have + 1; v <= want; v++) {
		char pragma[64];

		if (db_begin(db, err) < 0)
			return -1;
		/* Another process may have migrated while we waited for the lock. */
		if (db_int(db, err, &have, "PRAGMA user_version", "") < 0) {
			db_rollback(db);
			return -1;
		}
		if (have >= v) {
			if (db_commit(db, err) < 0)
				return -1;
			continue;
		}
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v);
		if (db_exec(db, db_migrations[v - 1], err) < 0 ||
		    db_exec(db, pragma, err) < 0) {
			db_rollback(db);
			return err_prefix(err, "migrating to schema version %d", v);
		}
		if (db_commit(db, err) < 0)
			return -1;
	}
	return 0;
}

static int configure(struct db *db, struct err *err)
{
	sqlite3_busy_timeout(db->h, 30000);
	sqlite3_extended_result_codes(db->h, 1);
	if (db_exec(db, "PRAGMA foreign_keys = ON", err) < 0)
		return -1;
	return 0;
}

/*
 * The default page cache (2 MB) is far smaller than the indexes a
 * night's bulk writes touch, so every insert into a large index would
 * go to the file; 256 MB is a ceiling, not an allocation.  Set once the
 * file is known to be a database (these read its header).
 */
static int tune(struct db *db, struct err *err)
{
	if (db_exec(db, "PRAGMA cache_size = -262144", err) < 0 ||
	    db_exec(db, "PRAGMA temp_store = MEMORY", err) < 0)
		return -1;
	return 0;
}

/*
 * Switching a new file to WAL takes a lock that the busy handler does
 * not wait for, so two processes opening the same new database at once
 * could fail with "database is locked": try again for up to 30 s.
 */
static int set_wal(struct db *db, struct err *err)
{
	static const char sql[] = "PRAGMA journal_mode = WAL";

	for (int i = 0; sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK; i++) {
		if ((sqlite3_errcode(db->h) & 0xff) != SQLITE_BUSY || i >= 3000)
			return sql_err(db, err, sql);
		usleep(10000);
	}
	return 0;
}

/*
 * Why the first read of a database failed: not a database at all, or a
 * database that cannot be opened where it is (a read-only file system
 * or folder, where WAL cannot make its -shm file).
 */
static int open_err(struct db *db, const char *path, struct err *err)
{
	int code = sqlite3_errcode(db->h) & 0xff;
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	int writable = access(dir, W_OK) == 0, why = errno;

	free(dir);
	if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT || writable)
		return err_set(err, "'%s' is not a lookout database: %s", path,
			       sqlite3_errmsg(db->h));
	return err_set(err, "cannot open database '%s': its folder is not writable (%s)",
		       path, strerror(why));
}

/*
 * Create the file ourselves first so it gets mode 0600, not the umask's.
 * ":memory:" names SQLite's in-memory database, not a file.
 */
static int create_private(const char *path, struct err *err)
{
	int fd;

	if (!strcmp(path, ":memory:"))
		return 0;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		return err_set(err, "cannot create database '%s': %s", path, strerror(errno));
	}
	close(fd);
	return 0;
}

/*
 * A connection is used by one thread at a time, so SQLite's own mutexes
 * (taken on every call, and on every allocation for memory statistics
 * that nothing reads) are pure cost, about a tenth of a bulk insert.
 * The statistics can be turned off only before SQLite starts; a later
 * call is refused, harmlessly.
 */
static int open_flags(int flags)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	return flags | SQLITE_OPEN_NOMUTEX;
}

/*
 * SQLite calls this after each commit of a connection that writes, in
 * place of its automatic checkpoint, with the log's length in pages.
 * The checkpoint runs on the connection's own thread while this one
 * goes on.  The log starts again at its beginning only with a write that
 * finds every page of it copied back, and a stage that begins its next
 * transaction at once never finds that: so once the log is four times
 * the length that asks for a copy, the commit waits for it, and the
 * next write starts the log over (the copy has only the last commit's
 * pages left to do by then).  Without a thread the checkpoint runs here.
 */
static int wal_hook(void *arg, sqlite3 *h, const char *name, int pages)
{
	struct db *db = arg;
	int ask = db->log_pages > 0 ? db->log_pages : 1000;

	if (pages < ask)
		return SQLITE_OK;
	if (!db->ckpt)
		db->ckpt = checkpoint_new(db->path);
	if (db->ckpt)
		checkpoint_request(db->ckpt, pages / 4 >= ask);
	else
		sqlite3_wal_checkpoint(h, name);
	return SQLITE_OK;
}

void db_log_pages(struct db *db, int pages)
{
	db->log_pages = pages;
}

int db_open(struct db *db, const char *path, struct err *err)
{
	struct stat st;
	int64_t ok;

	db->h = NULL;
	db->ckpt = NULL;
	db->log_pages = 0;
	db->path = xstrdup(path);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return err_set(err, "database '%s' is a directory", path);
	if (create_private(path, err) < 0)
		return -1;
	if (sqlite3_open_v2(path, &db->h, open_flags(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE),
			    NULL) != SQLITE_OK)
		return err_set(err, "cannot open database '%s': %s", path,
			       db->h ? sqlite3_errmsg(db->h) : "out of memory");
	if (configure(db, err) < 0)
		return -1;
	/* Reading the schema is the first thing that fails on a non-database. */
	if (db_int(db, err, &ok, "SELECT count(*) FROM sqlite_master", "") < 0)
		return open_err(db, path, err);
	/*
	 * 16 KiB pages make the bulk inserts of ingest and analyze about a
	 * quarter cheaper than the 4 KiB default.  A WAL database keeps the
	 * page size it was created with, so this counts only on a new file.
	 */
	if (ok == 0 && db_exec(db, "PRAGMA page_size = 16384", err) < 0)
		return -1;
	if (set_wal(db, err) < 0 || tune(db, err) < 0 ||
	    db_exec(db, "PRAGMA synchronous = NORMAL", err) < 0)
		return -1;
	sqlite3_wal_hook(db->h, wal_hook, db);
	return migrate(db, err);
}

int db_open_readonly(struct db *db, const char *path, struct err *err)
{
	int64_t v;

	db->h = NULL;
	db->ckpt = NULL;
	db->log_pages = 0;
	db->path = xstrdup(path);
	if (access(path, F_OK) != 0)
		return err_set(err, "no database '%s' (run 'lookout init' or 'lookout ingest' first)", path);
	if (sqlite3_open_v2(path, &db->h, open_flags(SQLITE_OPEN_READONLY), NULL) != SQLITE_OK)
		return err_set(err, "cannot open database '%s': %s", path,
			       db->h ? sqlite3_errmsg(db->h) : "out of memory");
	if (configure(db, err) < 0)
		return -1;
	if (db_int(db, err, &v, "PRAGMA user_version", "") < 0)
		return open_err(db, path, err);
	if (tune(db, err) < 0)
		return -1;
	if (v != db_schema_version())
		return err_set(err, "database '%s' has schema version %lld, expected %d (open it read-write once to migrate)",
			       path, (long long)v, db_schema_version());
	return 0;
}

void db_close(struct db *db)
{
	checkpoint_free(db->ckpt);
	db->ckpt = NULL;
	if (db->h)
		sqlite3_close_v2(db->h);
	db->h = NULL;
	free(db->path);
	db->path = NULL;
}

int db_prepare(struct db *db, sqlite3_stmt **st, const char *sql, struct err *err)
{
	*st = NULL;
	if (sqlite3_prepare_v2(db->h, sql, -1, st, NULL) != SQLITE_OK)
		return sql_err(db, err, sql);
	return 0;
}

int db_prepare_rows(struct db *db, sqlite3_stmt **st, const char *head, const char *values,
		    int rows, struct err *err)
{
	struct sbuf b = SBUF_INIT;
	int rc;

	sbuf_adds(&b, head);
	for (int i = 0; i < rows; i++) {
		if (i)
			sbuf_adds(&b, ", ");
		sbuf_adds(&b, values);
	}
	rc = db_prepare(db, st, sbuf_str(&b), err);
	sbuf_release(&b);
	return rc;
}

int db_write_rows(sqlite3_stmt *run, size_t run_rows, sqlite3_stmt *one, size_t n,
		  int every, db_bind_row_fn bind, void *arg, struct err *err)
{
	size_t i = 0;

	while (i < n) {
		size_t k = n - i >= run_rows ? run_rows : 1;
		sqlite3_stmt *st = k > 1 ? run : one;
		int rc;

		sqlite3_reset(st);
		for (size_t r = 0; r < k; r++)
			if (bind(arg, st, (int)r, i + r, err) < 0)
				return -1;
		rc = db_step(st, err);
		sqlite3_reset(st);
		if (rc < 0)
			return -1;
		if (every && (size_t)sqlite3_changes(sqlite3_db_handle(st)) != k)
			return err_set(err, "database error: %d of %zu rows not written, a constraint"
				       " stood in their way (in '%.60s')",
				       (int)k - sqlite3_changes(sqlite3_db_handle(st)), k,
				       sqlite3_sql(st));
		i += k;
	}
	return 0;
}

static int bind_va(sqlite3_stmt *st, struct err *err, const char *fmt, va_list ap)
{
	int rc = SQLITE_OK;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	for (int i = 0; fmt[i] && rc == SQLITE_OK; i++) {
		int col = i + 1;
		const char *s;
		const void *p;
		int len;

		switch (fmt[i]) {
		case 's':
			s = va_arg(ap, const char *);
			rc = s ? sqlite3_bind_text(st, col, s, -1, SQLITE_TRANSIENT)
			       : sqlite3_bind_null(st, col);
			break;
		case 't':
			s = va_arg(ap, const char *);
			len = va_arg(ap, int);
			rc = s ? sqlite3_bind_text(st, col, s, len, SQLITE_TRANSIENT)
			       : sqlite3_bind_null(st, col);
			break;
		case 'i':
			rc = sqlite3_bind_int(st, col, va_arg(ap, int));
			break;
		case 'I':
			rc = sqlite3_bind_int64(st, col, va_arg(ap, int64_t));
			break;
		case 'd':
			rc = sqlite3_bind_double(st, col, va_arg(ap, double));
			break;
		case 'b':
			p = va_arg(ap, const void *);
			len = va_arg(ap, int);
			rc = sqlite3_bind_blob(st, col, p ? p : "", len, SQLITE_TRANSIENT);
			break;
		case 'n':
			rc = sqlite3_bind_null(st, col);
			break;
		default:
			return err_set(err, "db_bind: bad format letter '%c'", fmt[i]);
		}
	}
	if (rc != SQLITE_OK)
		return err_set(err, "cannot bind parameter: %s (in '%.60s')",
			       sqlite3_errstr(rc), sqlite3_sql(st));
	return 0;
}

int db_bind(sqlite3_stmt *st, struct err *err, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = bind_va(st, err, fmt, ap);
	va_end(ap);
	return rc;
}

int db_step(sqlite3_stmt *st, struct err *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return err_set(err, "database error: %s (in '%.60s')",
		       sqlite3_errmsg(sqlite3_db_handle(st)), sqlite3_sql(st));
}

void db_finalize(sqlite3_stmt *st)
{
	sqlite3_finalize(st);
}

int db_run(struct db *db, struct err *err, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	if (db_prepare(db, &st, sql, err) < 0)
		return -1;
	va_start(ap, fmt);
	rc = bind_va(st, err, fmt, ap);
	va_end(ap);
	while (rc == 0 && (rc = db_step(st, err)) == 1)
		rc = 0;
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int db_int(struct db *db, struct err *err, int64_t *out, const char *sql,
	   const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	*out = 0;
	if (db_prepare(db, &st, sql, err) < 0)
		return -1;
	va_start(ap, fmt);
	rc = bind_va(st, err, fmt, ap);
	va_end(ap);
	if (rc == 0) {
		rc = db_step(st, err);
		if (rc == 1)
			*out = sqlite3_column_int64(st, 0);
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int64_t db_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

const char *db_text(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? (const char *)s : "";
}

/* LOOKOUT_NOW fixes the clock, so tests and re-runs can compare output. */
void db_now(char buf[32])
{
	const char *fixed = getenv("LOOKOUT_NOW");
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;

	if (fixed && *fixed) {
		snprintf(buf, 32, "%s", fixed);
		return;
	}

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}
