/*
 * apart: one reading function on a thread and a connection of its own,
 * for a stage whose own thread would leave the second core idle.
 */
#include "common/apart.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

static void *apart_main(void *arg)
{
	struct apart *a = arg;
	struct db db;

	a->rc = db_open_readonly(&db, a->path, &a->err);
	/* Its reads land all over the file: a memory map, not a copy of each page. */
	if (a->rc == 0)
		a->rc = db_map(&db, 1, &a->err);
	if (a->rc == 0)
		a->rc = db_exec(&db, "BEGIN", &a->err);
	if (a->rc == 0)
		a->rc = a->fn(&db, a->arg, &a->err);
	if (db.h)
		db_rollback(&db);
	db_close(&db);
	return NULL;
}

int apart_start(struct apart *a, const char *path, apart_fn fn, void *arg)
{
	memset(a, 0, sizeof(*a));
	if (!strcmp(path, ":memory:"))
		return -1;
	a->path = xstrdup(path);
	a->fn = fn;
	a->arg = arg;
	if (pthread_create(&a->thread, NULL, apart_main, a) != 0) {
		free(a->path);
		a->path = NULL;
		return -1;
	}
	a->started = 1;
	return 0;
}

int apart_wait(struct apart *a, struct err *err)
{
	if (!a->started)
		return 0;
	pthread_join(a->thread, NULL);
	a->started = 0;
	free(a->path);
	a->path = NULL;
	if (a->rc < 0) {
		*err = a->err;
		return -1;
	}
	return 0;
}

int apart_done(struct apart *a, struct db *db, apart_fn fn, void (*drop)(void *arg),
	       void *arg, struct err *err)
{
	if (a->started) {
		if (apart_wait(a, err) == 0)
			return 0;
		drop(arg);
	}
	return fn(db, arg, err);
}
