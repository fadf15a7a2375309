/*
 * dedup: near-duplicate detection, the same tip re-sent with small
 * edits.  A MinHash sketch of each text's character 3-grams, an
 * in-memory LSH index of the sketches, and an exact Jaccard check of the
 * candidates.  Owns the index; knows nothing of the database (the caller
 * fills the index, whole or a bucket at a time, and lends a function
 * that fetches a stored text).
 */
#ifndef INGEST_DEDUP_H
#define INGEST_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#define DEDUP_NHASH 16          /* MinHash values per sketch */
#define DEDUP_BANDS 8           /* LSH bands of DEDUP_NHASH / DEDUP_BANDS values */
#define DEDUP_MIN_CHARS 20      /* shorter texts get no sketch */
/* Defaults of data/ingest.conf (ingest/conf.c). */
#define DEDUP_NEAR 0.8          /* Jaccard similarity from which a text is a near-duplicate */
#define DEDUP_DAYS 3            /* days apart beyond which two texts tell of two events */

/* What makes a near-duplicate (data/ingest.conf). */
struct dedup_rule {
	double near;            /* at least this Jaccard similarity */
	int days;               /* at most this many days apart, where both days are known */
};

struct dedup_sketch {
	uint32_t mh[DEDUP_NHASH];
};

struct dedup_node;
struct dedup_slot;

struct ingest_dedup {
	struct dedup_rule rule;         /* DEDUP_NEAR, DEDUP_DAYS after init */
	struct dedup_node *node;        /* per indexed report, 64-byte aligned in node_mem */
	void *node_mem;
	struct dedup_sketch *sk;        /* per indexed report: its whole sketch */
	long *day;                      /* per indexed report: its day, -1 when not known */
	size_t n, cap;
	struct dedup_slot *slot;        /* band hash table: key, head node + 1 (0 empty) */
	uint8_t *slot_count;            /* members in the bucket, at most DEDUP_BUCKET_MAX */
	size_t nslots, used;
	uint32_t *by_id;                /* node + 1 by report id, open addressing (0 empty) */
	size_t nby_id;
};

/*
 * Fill the bucket of key with its stored members (ingest_dedup_stored,
 * in id order); 0, or -1 on an error the caller's arg keeps.
 */
typedef int (*dedup_load_fn)(void *arg, struct ingest_dedup *d, uint32_t key);

/*
 * The stored text of report id (borrowed until the next call), or NULL;
 * *place is its place ("" when none), borrowed likewise, and *day its
 * day (ingest_row_day), or -1.
 */
typedef const char *(*dedup_fetch_fn)(void *arg, int64_t id, size_t *len, const char **place,
				      long *day);

/* Sketch text[0..len) (normalised UTF-8); 0 when too short to have one. */
int ingest_dedup_sketch(const char *text, size_t len, struct dedup_sketch *s);

void ingest_dedup_init(struct ingest_dedup *d);
void ingest_dedup_release(struct ingest_dedup *d);
/*
 * Index report id, itself a near-duplicate of root (root = id when not),
 * of day (its fetch_fn's day, or -1).  Returns the bands whose buckets
 * took it (bit b for band b): a bucket takes its first DEDUP_BUCKET_MAX
 * members only.
 */
int ingest_dedup_add(struct ingest_dedup *d, int64_t id, int64_t root, long day,
		     const struct dedup_sketch *s);
/* The key of band b of sketch s: the bucket it falls in. */
uint32_t ingest_dedup_band_key(const struct dedup_sketch *s, int band);

/*
 * An index that holds only some buckets (the stored members of each are
 * kept in the database): before s is looked up or added, make each of
 * its buckets that the index does not hold yet hold its stored members,
 * by calling load.  Once every bucket is made so, the index is the one
 * that adding every stored report would have built.  Returns 0 or -1
 * (load's error).
 */
int ingest_dedup_ready(struct ingest_dedup *d, const struct dedup_sketch *s,
		       dedup_load_fn load, void *arg);
/*
 * For a dedup_load_fn: report id, a member of key's bucket in band b.
 * When the index holds it already (from another bucket) it is put in
 * this one and 1 is returned; otherwise 0, and the caller adds it with
 * ingest_dedup_stored, its root, day (-1 when not known) and sketch read.
 */
int ingest_dedup_stored_known(struct ingest_dedup *d, uint32_t key, int band, int64_t id);
void ingest_dedup_stored(struct ingest_dedup *d, uint32_t key, int band, int64_t id,
			 int64_t root, long day, const struct dedup_sketch *s);

/*
 * Find the indexed report most similar to text (with sketch s, at
 * place, which may be NULL, on day, which may be -1), at least
 * d->rule.near, holding the same numbers, at a compatible place (one
 * names the other), at most d->rule.days days apart when both are known:
 * the same templated call-out at the same door three weeks later is
 * another burglary, not the first one reported again.  Returns 1 and
 * sets *root (the first report of its family) and *sim (Jaccard
 * similarity to that first report), or 0.
 */
int ingest_dedup_find(struct ingest_dedup *d, const char *text, size_t len,
		      const char *place, long day, const struct dedup_sketch *s,
		      dedup_fetch_fn fetch, void *arg,
		      int64_t *root, double *sim);

/* Jaccard similarity of the character 3-gram sets of two texts. */
double ingest_dedup_jaccard(const char *a, size_t alen, const char *b, size_t blen);

#endif
