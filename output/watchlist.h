/*
 * watchlist: the watched entries (wanted persons, stolen plates and
 * phones, missing persons, items): keys normalised to entity keys,
 * adding, removing, listing and importing CSV or JSON Lines files.  Owns
 * the watchlist table; the warn stage matches it.  Depends on common/
 * and output/warn_conf (header aliases), not on analyze.
 */
#ifndef OUTPUT_WATCHLIST_H
#define OUTPUT_WATCHLIST_H

#include "common/db.h"
#include "common/err.h"
#include "common/norm.h"
#include "common/sbuf.h"
#include "output/warn_conf.h"

/*
 * Normalise a watched value into an entity key, "plate:苏A12345".  field
 * is a record field (id_number, phone, plate, imei, item, bankcard,
 * wechat, qq, email) or "key" for a value already written "type:value".
 * Returns an owned key, or NULL with err saying why the value can never
 * match (a failed check digit, a malformed plate).
 */
char *watchlist_key(struct norm *n, const char *field, const char *value, struct err *err);

/* Add or update (name, note) an entry; *added 1 when it is new. */
int watchlist_add(struct db *db, const char *list, const char *key, const char *name,
		  const char *note, int *added, struct err *err);
/* Remove the entries of key (of one list, or of all when list is NULL). */
int watchlist_remove(struct db *db, const char *list, const char *key, int *removed,
		     struct err *err);

struct watchlist_import {
	long rows, added, updated, skipped;
	struct sbuf problems;   /* one line each: "FILE line N: why" */
};

/*
 * Import a CSV file (header row; canonical names or the aliases of
 * warn.conf's watchlist.alias.*) or JSON Lines (format "csv", "jsonl",
 * or NULL to go by the extension) in one transaction.  Rows without a
 * list take default_list (NULL: the row is skipped).  A row's bad value
 * is skipped and described in st->problems; the rest of the file goes in.
 * The caller releases st->problems.
 */
int watchlist_import_file(struct db *db, struct norm *n, const struct warn_conf *conf,
			  const char *path, const char *format, const char *default_list,
			  struct watchlist_import *st, struct err *err);

#endif
