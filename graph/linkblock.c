/*
 * linkblock: the links kept in blocks (graph/rowblock.c), a record of 48
 * bytes a link keyed by its id, in the byte order of the machine (a block
 * of another order fails the magic and every block is read again from
 * the link table).  first_seen is kept as much as the comparison with a
 * night needs (its type, its first GLINK_FIRST bytes and whether it is
 * longer); last_seen as its day.
 */
#include "graph/linkblock.h"
#include "graph/rowblock.h"
#include "common/day.h"

#include <stdlib.h>
#include <string.h>

#define GLINK_REC 48
#define GLINK_MAGIC 0x314b4c47u

int glink_before(const struct glink *l, const char *next)
{
	int n, c;

	switch (l->first_type) {
	case GLINK_NULL:
	case GLINK_NUMBER:
		return 1;
	case GLINK_BLOB:
		return 0;
	}
	n = l->first_len < GLINK_FIRST ? l->first_len : GLINK_FIRST;
	c = memcmp(l->first, next, n);
	if (c)
		return c < 0;
	return l->first_len < (int)strlen(next);
}

/* The link of a row (id, a, b, weight, first_seen, last_seen). */
static void read_row(sqlite3_stmt *st, struct glink *l)
{
	int t = sqlite3_column_type(st, 4);

	memset(l, 0, sizeof(*l));
	l->id = sqlite3_column_int64(st, 0);
	l->a = sqlite3_column_int64(st, 1);
	l->b = sqlite3_column_int64(st, 2);
	l->weight = sqlite3_column_double(st, 3);
	l->last_day = day_of(db_text(st, 5));
	l->first_type = t == SQLITE_NULL ? GLINK_NULL : t == SQLITE_TEXT ? GLINK_TEXT
			: t == SQLITE_BLOB ? GLINK_BLOB : GLINK_NUMBER;
	if (l->first_type == GLINK_TEXT) {
		int n = sqlite3_column_bytes(st, 4);
		const unsigned char *s = sqlite3_column_text(st, 4);

		l->first_len = n > GLINK_FIRST ? GLINK_FIRST + 1 : n;
		memcpy(l->first, s, n < GLINK_FIRST ? n : GLINK_FIRST);
	}
}

static void put_rec(unsigned char *p, const struct glink *l)
{
	int32_t day = (int32_t)l->last_day;

	memcpy(p, &l->id, 8);
	memcpy(p + 8, &l->a, 8);
	memcpy(p + 16, &l->b, 8);
	memcpy(p + 24, &l->weight, 8);
	memcpy(p + 32, &day, 4);
	p[36] = (unsigned char)l->first_type;
	p[37] = (unsigned char)l->first_len;
	memcpy(p + 38, l->first, GLINK_FIRST);
}

static void get_rec(const unsigned char *p, struct glink *l)
{
	int32_t day;

	memcpy(&l->id, p, 8);
	memcpy(&l->a, p + 8, 8);
	memcpy(&l->b, p + 16, 8);
	memcpy(&l->weight, p + 24, 8);
	memcpy(&day, p + 32, 4);
	l->last_day = day;
	l->first_type = p[36];
	l->first_len = p[37];
	memcpy(l->first, p + 38, GLINK_FIRST);
}

static void encode(sqlite3_stmt *st, unsigned char *rec)
{
	struct glink l;

	read_row(st, &l);
	put_rec(rec, &l);
}

/*
 * A link inserted, changed or deleted; and, before an insert, the row an
 * INSERT OR REPLACE would delete (SQLite runs no delete trigger for it).
 */
static const char *const trigger_names[] = {
	"graph_link_ai", "graph_link_au", "graph_link_ad", "graph_link_bi",
};
static const char *const trigger_sql[] = {
	"CREATE TRIGGER IF NOT EXISTS graph_link_ai AFTER INSERT ON link BEGIN "
	"INSERT OR IGNORE INTO graph_link_dirty(link_id) VALUES (NEW.id); END",
	"CREATE TRIGGER IF NOT EXISTS graph_link_au AFTER UPDATE ON link BEGIN "
	"INSERT OR IGNORE INTO graph_link_dirty(link_id) VALUES (OLD.id); "
	"INSERT OR IGNORE INTO graph_link_dirty(link_id) VALUES (NEW.id); END",
	"CREATE TRIGGER IF NOT EXISTS graph_link_ad AFTER DELETE ON link BEGIN "
	"INSERT OR IGNORE INTO graph_link_dirty(link_id) VALUES (OLD.id); END",
	"CREATE TRIGGER IF NOT EXISTS graph_link_bi BEFORE INSERT ON link BEGIN "
	"INSERT OR IGNORE INTO graph_link_dirty(link_id) SELECT id FROM link WHERE id = NEW.id "
	"UNION ALL SELECT id FROM link WHERE a = NEW.a AND b = NEW.b AND type = NEW.type; END",
};

static const struct growblock_kind links = {
	"graph_link_block", "graph_link_dirty",
	"SELECT id, a, b, weight, first_seen, last_seen FROM link ORDER BY id",
	"SELECT id, a, b, weight, first_seen, last_seen FROM link "
	"WHERE id IN (SELECT link_id FROM graph_link_dirty) ORDER BY id",
	GLINK_REC, GLINK_MAGIC, encode, 4, trigger_names, trigger_sql,
};

struct each {
	glink_fn fn;
	void (*reset)(void *arg);
	void *arg;
};

static void each_rec(void *arg, const unsigned char *rec)
{
	struct each *x = arg;
	struct glink l;

	get_rec(rec, &l);
	x->fn(x->arg, &l);
}

static void each_reset(void *arg)
{
	struct each *x = arg;

	x->reset(x->arg);
}

int glinks_each(struct db *db, glink_fn fn, void (*reset)(void *arg), void *arg, struct err *err)
{
	struct each x = { fn, reset, arg };

	return growblock_each(db, &links, each_rec, each_reset, &x, err);
}
