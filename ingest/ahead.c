/*
 * ahead: a file's new reports as the worker predicts them.
 *
 * The writer holds the database's write lock for the whole file, so no
 * one else adds a report meanwhile, and SQLite gives each new row of an
 * INTEGER PRIMARY KEY table the largest id plus one: the ids are known
 * in advance.  A record is an exact duplicate when a stored report or
 * an earlier new one of the file has its content hash, or its source
 * and ext_id; the stored ones are asked of the database, the file's own
 * are kept here.  The keys are compared byte for byte, as SQLite's
 * BINARY collation does (the texts hold no NUL: such records are
 * quarantined).  The writer checks every prediction against the id it
 * actually gets.
 */
#include "ingest/ahead.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct ahead_key {
	uint64_t hash;                  /* 0: empty */
	size_t off, len;                /* the key in keys */
};

void ingest_ahead_init(struct ingest_ahead *a, int64_t first_id)
{
	memset(a, 0, sizeof(*a));
	a->first_id = a->next_id = first_id;
}

void ingest_ahead_release(struct ingest_ahead *a)
{
	sbuf_release(&a->texts);
	sbuf_release(&a->keys);
	free(a->off);
	free(a->day);
	free(a->slot);
	memset(a, 0, sizeof(*a));
}

/* FNV-1a; never 0, which marks an empty slot. */
static uint64_t key_hash(const char *k, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)k[i]) * 1099511628211ULL;
	return h ? h : 1;
}

/* The slot of key k: where it is, or the empty slot where it goes. */
static size_t slot_of(const struct ingest_ahead *a, const char *k, size_t len, uint64_t h)
{
	size_t i = h & (a->nslots - 1);

	while (a->slot[i].hash && (a->slot[i].hash != h || a->slot[i].len != len ||
				   memcmp(a->keys.buf + a->slot[i].off, k, len)))
		i = (i + 1) & (a->nslots - 1);
	return i;
}

static int has_key(const struct ingest_ahead *a, const char *k, size_t len)
{
	return a->nslots && a->slot[slot_of(a, k, len, key_hash(k, len))].hash;
}

static void grow(struct ingest_ahead *a)
{
	struct ahead_key *old = a->slot;
	size_t on = a->nslots;

	a->nslots = on ? 2 * on : 1024;
	a->slot = xcalloc(a->nslots, sizeof(*a->slot));
	for (size_t i = 0; i < on; i++)
		if (old[i].hash)
			a->slot[slot_of(a, a->keys.buf + old[i].off, old[i].len, old[i].hash)] = old[i];
	free(old);
}

static void add_key(struct ingest_ahead *a, const char *k, size_t len)
{
	uint64_t h = key_hash(k, len);
	size_t i;

	if (2 * (a->used + 1) > a->nslots)
		grow(a);
	i = slot_of(a, k, len, h);
	if (a->slot[i].hash)
		return;
	a->slot[i].hash = h;
	a->slot[i].off = a->keys.len;
	a->slot[i].len = len;
	sbuf_add(&a->keys, k, len);
	a->used++;
}

/*
 * The two keys as one byte string each: "h" + content hash, and "k" +
 * source + NUL + ext_id (no NUL inside either, so the pair is
 * unambiguous).  Returns the length of the pair key written to buf.
 */
static size_t pair_key(struct sbuf *buf, const char *source, const char *ext_id)
{
	sbuf_reset(buf);
	sbuf_addch(buf, 'k');
	sbuf_add(buf, source, strlen(source) + 1);
	sbuf_adds(buf, ext_id);
	return buf->len;
}

int ingest_ahead_known(const struct ingest_ahead *a, const char *source, const char *ext_id,
		       const char *content_hash)
{
	struct sbuf k = SBUF_INIT;
	size_t len;
	int known;

	sbuf_addch(&k, 'h');
	sbuf_adds(&k, content_hash);
	known = has_key(a, k.buf, k.len);
	if (!known) {
		len = pair_key(&k, source, ext_id);
		known = has_key(a, k.buf, len);
	}
	sbuf_release(&k);
	return known;
}

int64_t ingest_ahead_add(struct ingest_ahead *a, const char *source, const char *ext_id,
			 const char *content_hash, const char *text, const char *place,
			 long day)
{
	struct sbuf k = SBUF_INIT;
	size_t len;

	sbuf_addch(&k, 'h');
	sbuf_adds(&k, content_hash);
	add_key(a, k.buf, k.len);
	len = pair_key(&k, source, ext_id);
	add_key(a, k.buf, len);
	sbuf_release(&k);
	if (a->noff == a->offcap) {
		a->off = xgrow(a->off, &a->offcap, a->noff + 1, sizeof(*a->off));
		a->day = xrealloc(a->day, a->offcap * sizeof(*a->day));
	}
	a->day[a->noff] = day;
	a->off[a->noff++] = a->texts.len;
	sbuf_add(&a->texts, text, strlen(text) + 1);
	sbuf_add(&a->texts, place ? place : "", strlen(place ? place : "") + 1);
	return a->next_id++;
}

const char *ingest_ahead_text(const struct ingest_ahead *a, int64_t id, size_t *len,
			      const char **place, long *day)
{
	const char *t;

	if (id < a->first_id || id >= a->next_id)
		return NULL;
	t = a->texts.buf + a->off[id - a->first_id];
	*len = strlen(t);
	*place = t + *len + 1;
	*day = a->day[id - a->first_id];
	return t;
}
