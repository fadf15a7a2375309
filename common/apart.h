/*
 * apart: runs a function that only reads the database on a thread with
 * a read-only connection of its own, in one read transaction, while the
 * stage goes on with its own connection.  The function sees what is
 * committed, not what the stage's open transaction has changed: start
 * it only for rows that transaction has not touched (the stage holds
 * the write lock, so nothing else commits meanwhile).  Owns the thread
 * and that connection; the function's arg is the caller's, and the
 * caller touches what the function writes only after apart_wait.
 */
#ifndef COMMON_APART_H
#define COMMON_APART_H

#include <pthread.h>

#include "common/db.h"
#include "common/err.h"

typedef int (*apart_fn)(struct db *db, void *arg, struct err *err);

struct apart {
	pthread_t thread;
	int started;
	char *path;
	apart_fn fn;
	void *arg;
	int rc;
	struct err err;
};

/*
 * Start fn(db, arg, err) on a thread, on the database at path.
 * Returns 0, or -1 when it was not started (no thread, or path is
 * ":memory:", which no other connection can open): then call fn on the
 * stage's own connection.
 */
int apart_start(struct apart *a, const char *path, apart_fn fn, void *arg);
/* Wait for the function started, if any.  Returns its 0, or -1 with err set. */
int apart_wait(struct apart *a, struct err *err);
/*
 * What fn(db, arg) reads, apart or here: wait for a; when it was not
 * started, or failed (drop(arg) then forgets what it read), call fn on
 * db, the stage's own connection.  Returns 0, or -1 with err set.
 */
int apart_done(struct apart *a, struct db *db, apart_fn fn, void (*drop)(void *arg),
	       void *arg, struct err *err);

#endif
