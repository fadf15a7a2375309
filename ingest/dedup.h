/*
 * dedup: near-duplicate detection, the same tip re-sent with small
 * edits.  A MinHash sketch of each text's character 3-grams, an
 * in-memory LSH index of the sketches, and an exact Jaccard check of the
 * candidates.  Owns the index; knows nothing of the database (the caller
 * loads the index and lends a function that fetches a stored text).
 */
#ifndef INGEST_DEDUP_H
#define INGEST_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#define DEDUP_NHASH 16          /* MinHash values per sketch */
#define DEDUP_BANDS 8           /* LSH bands of DEDUP_NHASH / DEDUP_BANDS values */
#define DEDUP_MIN_CHARS 20      /* shorter texts get no sketch */
#define DEDUP_NEAR 0.8          /* Jaccard similarity from which a text is a near-duplicate */

struct dedup_sketch {
	uint32_t mh[DEDUP_NHASH];
};

struct dedup_node;
struct dedup_slot;

struct ingest_dedup {
	struct dedup_node *node;        /* per indexed report, 64-byte aligned in node_mem */
	void *node_mem;
	struct dedup_sketch *sk;        /* per indexed report: its whole sketch */
	size_t n, cap;
	struct dedup_slot *slot;        /* band hash table: key, head node + 1 (0 empty) */
	uint8_t *slot_count;            /* members in the bucket, at most DEDUP_BUCKET_MAX */
	size_t nslots, used;
};

/*
 * The stored text of report id (borrowed until the next call), or NULL;
 * *place is its place ("" when none), borrowed likewise.
 */
typedef const char *(*dedup_fetch_fn)(void *arg, int64_t id, size_t *len, const char **place);

/* Sketch text[0..len) (normalised UTF-8); 0 when too short to have one. */
int ingest_dedup_sketch(const char *text, size_t len, struct dedup_sketch *s);

void ingest_dedup_init(struct ingest_dedup *d);
void ingest_dedup_release(struct ingest_dedup *d);
/* Index report id, itself a near-duplicate of root (root = id when not). */
void ingest_dedup_add(struct ingest_dedup *d, int64_t id, int64_t root,
		      const struct dedup_sketch *s);

/*
 * Find the indexed report most similar to text (with sketch s, at
 * place, which may be NULL), at least DEDUP_NEAR, holding the same
 * numbers, at a compatible place (one names the other).  Returns 1 and
 * sets *root (the first report of its family) and *sim (Jaccard
 * similarity to that first report), or 0.
 */
int ingest_dedup_find(struct ingest_dedup *d, const char *text, size_t len,
		      const char *place, const struct dedup_sketch *s,
		      dedup_fetch_fn fetch, void *arg,
		      int64_t *root, double *sim);

/* Jaccard similarity of the character 3-gram sets of two texts. */
double ingest_dedup_jaccard(const char *a, size_t alen, const char *b, size_t blen);

#endif
