/*
 * checkpoint: copies a WAL database's log back into its file on a
 * thread and connection of its own, so the connection that committed
 * goes on writing.  Owns the thread and its connection; knows nothing
 * of the schema.  db.c starts one for a connection that writes.
 */
#ifndef COMMON_CHECKPOINT_H
#define COMMON_CHECKPOINT_H

struct checkpoint;

/* Open path on a new connection and start the thread.  Returns owned, or NULL when either fails. */
struct checkpoint *checkpoint_new(const char *path);
/*
 * Ask for a passive checkpoint of everything committed so far; with
 * wait, return only once one has run (so the log can start again at
 * its beginning with the next write).
 */
void checkpoint_request(struct checkpoint *c, int wait);
/* The checkpoints run so far. */
unsigned long checkpoint_count(struct checkpoint *c);
/* Finish the checkpoint asked for, stop the thread, close its connection.  NULL is a no-op. */
void checkpoint_free(struct checkpoint *c);

#endif
