/*
 * checkpoint: a WAL checkpoint copies the pages the log holds back into
 * the database file and syncs it.  SQLite runs one in the committing
 * connection, after the commit, once the log is long enough: the
 * thread that writes waits for it.  On a first night's analyze of
 * 1,000,000 reports that was 8% of the stage's time, all of it on the
 * thread every other one waits for.
 *
 * Here a thread with a connection of its own runs the checkpoints
 * instead (SQLITE_CHECKPOINT_PASSIVE: it takes no lock a writer or a
 * reader needs and copies only frames no reader still reads), while
 * the writer goes on.  A request counts; the thread runs one
 * checkpoint for all requests made before it started.  What the log
 * holds is the same as before, so a crash at any point loses nothing a
 * commit had made durable.
 */
#include "common/checkpoint.h"
#include "common/xalloc.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>

struct checkpoint {
	sqlite3 *h;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;      /* a request, a checkpoint done, or stop */
	unsigned long asked, done;   /* requests made; requests a checkpoint has covered */
	unsigned long runs;          /* checkpoints run */
	int stop;
};

static void *checkpoint_main(void *arg)
{
	struct checkpoint *c = arg;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		unsigned long want;

		while (c->done == c->asked && !c->stop)
			pthread_cond_wait(&c->changed, &c->lock);
		if (c->done == c->asked)
			break;
		want = c->asked;
		pthread_mutex_unlock(&c->lock);
		/*
		 * An error leaves frames in the log, where readers still find
		 * them and the next checkpoint copies them: nothing is lost,
		 * as with SQLite's own automatic checkpoint, which ignores it too.
		 */
		sqlite3_wal_checkpoint_v2(c->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&c->lock);
		c->done = want;
		c->runs++;
		pthread_cond_broadcast(&c->changed);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

struct checkpoint *checkpoint_new(const char *path)
{
	struct checkpoint *c = xcalloc(1, sizeof(*c));

	/* A connection finds the log only once it has read the database: read its schema. */
	if (sqlite3_open_v2(path, &c->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(c->h, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->changed, NULL);
	if (pthread_create(&c->thread, NULL, checkpoint_main, c) != 0) {
		pthread_cond_destroy(&c->changed);
		pthread_mutex_destroy(&c->lock);
		goto fail;
	}
	return c;
fail:
	sqlite3_close_v2(c->h);
	free(c);
	return NULL;
}

void checkpoint_request(struct checkpoint *c, int wait)
{
	unsigned long want;

	pthread_mutex_lock(&c->lock);
	want = ++c->asked;
	pthread_cond_broadcast(&c->changed);
	while (wait && c->done < want)
		pthread_cond_wait(&c->changed, &c->lock);
	pthread_mutex_unlock(&c->lock);
}

unsigned long checkpoint_count(struct checkpoint *c)
{
	unsigned long n;

	pthread_mutex_lock(&c->lock);
	n = c->runs;
	pthread_mutex_unlock(&c->lock);
	return n;
}

void checkpoint_free(struct checkpoint *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	c->stop = 1;
	pthread_cond_broadcast(&c->changed);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->changed);
	pthread_mutex_destroy(&c->lock);
	sqlite3_close_v2(c->h);
	free(c);
}
