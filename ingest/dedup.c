/*
 * dedup: MinHash LSH.
 *
 * A text's shingles are its overlapping 3-code-point windows, hashed to
 * 64 bits.  The sketch keeps, for each of 16 hash functions, the least
 * value over the shingles; two texts agree on one value with probability
 * equal to their Jaccard similarity J.  The 16 values are cut into 8
 * bands of 2, and two texts whose sketches agree on a whole band become
 * candidates: probability 1 - (1 - J^2)^8, that is 0.9994 at J = 0.8 and
 * 0.08 at J = 0.1, so true near-duplicates are nearly always found and
 * unrelated texts rarely looked at.  A candidate must first agree on at
 * least 9 of the 16 values (cheap, in memory) and, where the index knows
 * its day, be near enough in time (templated texts make candidates all
 * over the history), then its text is fetched and the exact Jaccard
 * computed; only that figure decides,
 * and only when the two texts hold the same numbers (one set of digit
 * runs inside the other): 太平北路105号 and 太平北路111号 in one template
 * are two incidents, not one tip sent twice; and only at the same place
 * (one place text inside the other), for the same reason.
 *
 * Police records are templated ("X与Y因装修发生纠纷,经调解..."), so some
 * bands are shared by thousands of different reports.  A bucket stops
 * taking members at DEDUP_BUCKET_MAX: a band that common says nothing,
 * and walking it would make ingest quadratic.  Of the candidates, only
 * the DEDUP_CHECK best by sketch agreement are checked exactly, so the
 * cost per record is bounded whatever the history holds.
 *
 * A near-duplicate points at the first report of its family, so a tip
 * re-sent three times gives one original and two copies of it.
 *
 * The index need not be whole: its caller may keep each bucket's
 * members in the database and have a bucket filled (ingest_dedup_ready)
 * the first time a text falls in it, so that a night's few thousand
 * texts read the buckets they fall in, not every sketch ever stored.
 * A bucket is filled before anything is added to it, so its members
 * stay in id order, and candidates are ranked by id, not by where they
 * sit in memory: the same answers as an index built whole.
 */
#include "ingest/dedup.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define DEDUP_BUCKET_MAX 16     /* members a band bucket takes */
#define DEDUP_CHECK 2           /* candidates whose texts are compared exactly */
#define DEDUP_AGREE 9           /* of DEDUP_NHASH sketch values, to be a candidate */

/*
 * What a bucket walk reads of one indexed report, in one cache line:
 * the chain links of its eight buckets, the low byte of each sketch
 * value, and its ids.  Two sketches that agree on a value agree on its
 * low byte, so the low bytes agreeing on fewer than DEDUP_AGREE values
 * rule a member out without reading its whole sketch; the few that pass
 * are counted exactly.  With the index far larger than the caches, the
 * walk costs one memory access a member, not three.
 */
struct dedup_node {
	uint32_t next[DEDUP_BANDS];     /* the next member of each band's bucket, + 1 */
	uint8_t low[DEDUP_NHASH];
	int64_t id, root;
};

_Static_assert(sizeof(struct dedup_node) == 64, "a node is one cache line");

struct dedup_slot {
	uint32_t key, head;
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* Decode one code point; the text is valid UTF-8 (normalised). */
static uint32_t next_cp(const unsigned char *s, size_t len, size_t *i)
{
	uint32_t c = s[*i];
	int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

	if (extra)
		c &= 0x3f >> extra;
	(*i)++;
	while (extra-- > 0 && *i < len)
		c = (c << 6) | (s[(*i)++] & 0x3f);
	return c;
}

/* The shingle hashes of a text, in text order; returns how many. */
static size_t shingles(const char *text, size_t len, uint64_t **out)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, n = 0;
	uint32_t w[3] = { 0, 0, 0 };
	/* no more shingles than bytes: one allocation, not one per shingle */
	uint64_t *v = xmalloc((len ? len : 1) * sizeof(*v));
	size_t seen = 0;

	while (i < len) {
		w[0] = w[1];
		w[1] = w[2];
		w[2] = next_cp(s, len, &i);
		if (++seen < 3)
			continue;
		v[n++] = mix(((uint64_t)w[0] << 42) ^ ((uint64_t)w[1] << 21) ^ w[2]);
	}
	*out = v;
	return n;
}

/*
 * Sort v[0..n) ascending: a bottom-up merge sort, since qsort's
 * comparison callback cost more than the merging for these few hundred
 * values a text.
 */
static void sort_u64(uint64_t *v, size_t n)
{
	uint64_t *tmp, *a = v, *b, *t;

	if (n < 2)
		return;
	tmp = xmalloc(n * sizeof(*tmp));
	b = tmp;
	for (size_t i = 1; i < n; i++) {        /* runs of 8 by insertion */
		uint64_t x = v[i];
		size_t j = i;

		if (i % 8 == 0)
			continue;
		while (j % 8 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
	for (size_t width = 8; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				b[k++] = a[j] < a[i] ? a[j++] : a[i++];
			while (i < mid)
				b[k++] = a[i++];
			while (j < hi)
				b[k++] = a[j++];
		}
		t = a;
		a = b;
		b = t;
	}
	if (a != v)
		memcpy(v, a, n * sizeof(*v));
	free(tmp);
}

static size_t sorted_unique(uint64_t *v, size_t n)
{
	size_t j = 0;

	sort_u64(v, n);
	for (size_t i = 0; i < n; i++)
		if (j == 0 || v[i] != v[j - 1])
			v[j++] = v[i];
	return j;
}

/* The distinct shingles of a text, sorted; *v is owned by the caller. */
static size_t shingle_set(const char *text, size_t len, uint64_t **v)
{
	size_t n = shingles(text, len, v);

	return sorted_unique(*v, n);
}

/* How many members two sorted sets share. */
static size_t common_count(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny)
{
	size_t i = 0, j = 0, both = 0;

	while (i < nx && j < ny) {
		if (x[i] == y[j]) {
			both++;
			i++;
			j++;
		} else if (x[i] < y[j]) {
			i++;
		} else {
			j++;
		}
	}
	return both;
}

static double jaccard_sets(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny)
{
	size_t both = common_count(x, nx, y, ny);

	return nx + ny - both ? (double)both / (double)(nx + ny - both) : 1.0;
}

double ingest_dedup_jaccard(const char *a, size_t alen, const char *b, size_t blen)
{
	uint64_t *x = NULL, *y = NULL;
	size_t nx = shingle_set(a, alen, &x), ny = shingle_set(b, blen, &y);
	double sim = jaccard_sets(x, nx, y, ny);

	free(x);
	free(y);
	return sim;
}

/*
 * The numbers of a text (runs of ASCII digits) as a sorted set of
 * hashes.  Templated records differ in exactly these (幸福路105号 and
 * 111号, 被骗2000元 and 25000元), and a re-sent tip keeps them.
 */
static size_t number_set(const char *s, size_t len, uint64_t **v)
{
	size_t n = 0, cap = 0;

	*v = NULL;
	for (size_t i = 0; i < len;) {
		size_t j = i;
		uint64_t h = 1469598103934665603ULL;

		while (j < len && s[j] >= '0' && s[j] <= '9')
			h = (h ^ (unsigned char)s[j++]) * 1099511628211ULL;
		if (j == i) {
			i++;
			continue;
		}
		*v = xgrow(*v, &cap, n + 1, sizeof(**v));
		(*v)[n++] = h;
		i = j;
	}
	return sorted_unique(*v, n);
}

/* 1 when one set holds the other. */
static int nested(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny)
{
	size_t both = common_count(x, nx, y, ny);

	return both == nx || both == ny;
}

/* Places are compatible when one is missing or names the other (幸福路12号, 城东社区幸福路12号). */
static int same_place(const char *a, const char *b)
{
	if (!a || !*a || !*b)
		return 1;
	return strstr(a, b) || strstr(b, a);
}

/* The query's sets, made the first time a candidate needs them. */
struct query {
	const char *text, *place;
	size_t len;
	uint64_t *shingles, *numbers;
	size_t nshingles, nnumbers;
	int have_numbers, have_shingles;
};

/*
 * The similarity of a candidate to the query, 0 when their places or
 * numbers differ.  Those two checks are cheap and settle most
 * candidates of a templated text, so the 3-gram sets (a sort each) are
 * made only for the candidates that pass them.
 */
static double similarity(struct query *q, const char *t, size_t tlen, const char *place)
{
	uint64_t *ts = NULL, *tn = NULL;
	size_t nts, ntn;
	double sim = 0;

	if (!same_place(q->place, place))
		return 0;
	if (!q->have_numbers) {
		q->nnumbers = number_set(q->text, q->len, &q->numbers);
		q->have_numbers = 1;
	}
	ntn = number_set(t, tlen, &tn);
	if (nested(q->numbers, q->nnumbers, tn, ntn)) {
		if (!q->have_shingles) {
			q->nshingles = shingle_set(q->text, q->len, &q->shingles);
			q->have_shingles = 1;
		}
		nts = shingle_set(t, tlen, &ts);
		sim = jaccard_sets(q->shingles, q->nshingles, ts, nts);
	}
	free(ts);
	free(tn);
	return sim;
}

static size_t count_cps(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

int ingest_dedup_sketch(const char *text, size_t len, struct dedup_sketch *s)
{
	uint64_t *v;
	size_t n;

	memset(s, 0xff, sizeof(*s));
	if (count_cps(text, len) < DEDUP_MIN_CHARS)
		return 0;
	n = shingles(text, len, &v);
	for (size_t i = 0; i < n; i++)
		for (int h = 0; h < DEDUP_NHASH; h++) {
			uint32_t x = (uint32_t)mix(v[i] + 0x9e3779b97f4a7c15ULL * (uint64_t)(h + 1));

			if (x < s->mh[h])
				s->mh[h] = x;
		}
	free(v);
	return 1;
}

void ingest_dedup_init(struct ingest_dedup *d)
{
	memset(d, 0, sizeof(*d));
	d->rule.near = DEDUP_NEAR;
	d->rule.days = DEDUP_DAYS;
}

void ingest_dedup_release(struct ingest_dedup *d)
{
	free(d->node_mem);
	free(d->sk);
	free(d->day);
	free(d->slot);
	free(d->slot_count);
	free(d->by_id);
	memset(d, 0, sizeof(*d));
}

uint32_t ingest_dedup_band_key(const struct dedup_sketch *s, int band)
{
	const int rows = DEDUP_NHASH / DEDUP_BANDS;
	uint64_t h = (uint64_t)band;

	for (int r = 0; r < rows; r++)
		h = mix(h ^ s->mh[band * rows + r]);
	return (uint32_t)h | 1;   /* 0 marks an empty slot */
}

/* The slot of key: where it is, or the empty slot where it goes. */
static size_t slot_of(const struct ingest_dedup *d, uint32_t key)
{
	size_t i = mix(key) & (d->nslots - 1);

	while (d->slot[i].key && d->slot[i].key != key)
		i = (i + 1) & (d->nslots - 1);
	return i;
}

static void grow_slots(struct ingest_dedup *d)
{
	struct dedup_slot *old = d->slot;
	uint8_t *ocount = d->slot_count;
	size_t on = d->nslots;

	d->nslots = on ? 2 * on : 1024;
	d->slot = xcalloc(d->nslots, sizeof(*d->slot));
	d->slot_count = xcalloc(d->nslots, sizeof(uint8_t));
	for (size_t i = 0; i < on; i++) {
		size_t j;

		if (!old[i].key)
			continue;
		j = slot_of(d, old[i].key);
		d->slot[j] = old[i];
		d->slot_count[j] = ocount[i];
	}
	free(old);
	free(ocount);
}

/* Room for one more node, the nodes kept on 64-byte boundaries. */
static void grow_nodes(struct ingest_dedup *d)
{
	size_t cap = d->cap ? 2 * d->cap : 1024;
	void *mem = xmalloc(cap * sizeof(struct dedup_node) + 63);
	struct dedup_node *node = (struct dedup_node *)(((uintptr_t)mem + 63) & ~(uintptr_t)63);

	if (d->n)
		memcpy(node, d->node, d->n * sizeof(*node));
	free(d->node_mem);
	d->node_mem = mem;
	d->node = node;
	d->sk = xrealloc(d->sk, cap * sizeof(*d->sk));
	d->day = xrealloc(d->day, cap * sizeof(*d->day));
	d->cap = cap;
}

/* The place of id in by_id: where it is, or the empty place where it goes. */
static size_t id_slot(const struct ingest_dedup *d, int64_t id)
{
	size_t i = mix((uint64_t)id) & (d->nby_id - 1);

	while (d->by_id[i] && d->node[d->by_id[i] - 1].id != id)
		i = (i + 1) & (d->nby_id - 1);
	return i;
}

static void grow_by_id(struct ingest_dedup *d)
{
	uint32_t *old = d->by_id;
	size_t on = d->nby_id;

	d->nby_id = on ? 2 * on : 1024;
	d->by_id = xcalloc(d->nby_id, sizeof(*d->by_id));
	for (size_t i = 0; i < on; i++)
		if (old[i])
			d->by_id[id_slot(d, d->node[old[i] - 1].id)] = old[i];
	free(old);
}

/* A new node for report id, in no bucket yet; returns its index. */
static size_t new_node(struct ingest_dedup *d, int64_t id, int64_t root, long day,
		       const struct dedup_sketch *s)
{
	size_t e = d->n;
	struct dedup_node *nd;

	if (d->n == d->cap)
		grow_nodes(d);
	if (2 * (d->n + 1) > d->nby_id)
		grow_by_id(d);
	nd = &d->node[e];
	memset(nd->next, 0, sizeof(nd->next));
	nd->id = id;
	nd->root = root;
	for (int h = 0; h < DEDUP_NHASH; h++)
		nd->low[h] = (uint8_t)s->mh[h];
	d->sk[e] = *s;
	d->day[e] = day;
	d->n++;
	d->by_id[id_slot(d, id)] = (uint32_t)e + 1;
	return e;
}

/* The slot of key, made when missing. */
static size_t slot_make(struct ingest_dedup *d, uint32_t key)
{
	size_t i;

	if (2 * (d->used + 1) > d->nslots)
		grow_slots(d);
	i = slot_of(d, key);
	if (!d->slot[i].key) {
		d->slot[i].key = key;
		d->used++;
	}
	return i;
}

/* Put node e at the head of key's bucket in band b, unless it is full; 1 when put. */
static int link_node(struct ingest_dedup *d, size_t e, int b, uint32_t key)
{
	size_t i = slot_make(d, key);

	if (d->slot_count[i] >= DEDUP_BUCKET_MAX)
		return 0;
	d->slot_count[i]++;
	d->node[e].next[b] = d->slot[i].head;
	d->slot[i].head = (uint32_t)e + 1;
	return 1;
}

int ingest_dedup_add(struct ingest_dedup *d, int64_t id, int64_t root, long day,
		     const struct dedup_sketch *s)
{
	size_t e = new_node(d, id, root, day, s);
	int taken = 0;

	for (int b = 0; b < DEDUP_BANDS; b++)
		if (link_node(d, e, b, ingest_dedup_band_key(s, b)))
			taken |= 1 << b;
	return taken;
}

int ingest_dedup_stored_known(struct ingest_dedup *d, uint32_t key, int band, int64_t id)
{
	size_t at;

	if (!d->nby_id || !d->by_id[at = id_slot(d, id)])
		return 0;
	if (band >= 0 && band < DEDUP_BANDS)
		link_node(d, d->by_id[at] - 1, band, key);
	return 1;
}

void ingest_dedup_stored(struct ingest_dedup *d, uint32_t key, int band, int64_t id,
			 int64_t root, long day, const struct dedup_sketch *s)
{
	size_t e;

	if (ingest_dedup_stored_known(d, key, band, id))
		return;
	e = new_node(d, id, root, day, s);
	if (band >= 0 && band < DEDUP_BANDS)
		link_node(d, e, band, key);
}

int ingest_dedup_ready(struct ingest_dedup *d, const struct dedup_sketch *s,
		       dedup_load_fn load, void *arg)
{
	for (int b = 0; b < DEDUP_BANDS; b++) {
		uint32_t key = ingest_dedup_band_key(s, b);

		if (d->nslots && d->slot[slot_of(d, key)].key)
			continue;
		/* The slot first: a text with the key twice loads it once. */
		slot_make(d, key);
		if (load(arg, d, key) < 0)
			return -1;
	}
	return 0;
}

static int agree(const struct dedup_sketch *a, const struct dedup_sketch *b)
{
	int n = 0;

	for (int h = 0; h < DEDUP_NHASH; h++)
		n += a->mh[h] == b->mh[h];
	return n;
}

/* Values on which the low bytes of two sketches agree: at least agree()'s count. */
static int agree_low(const uint8_t *a, const uint8_t *b)
{
	int n = 0;

	for (int h = 0; h < DEDUP_NHASH; h++)
		n += a[h] == b[h];
	return n;
}

struct cand {
	uint32_t e;             /* entry index */
	int agree;
	int64_t id;
};

/* 1 when x goes before y: better agreement, or the older report among equals. */
static int cand_before(const struct cand *x, const struct cand *y)
{
	return x->agree != y->agree ? x->agree > y->agree : x->id < y->id;
}

/*
 * Keep c among the DEDUP_CHECK best of best[0..*n), each entry once (an
 * entry that shares several bands with the query is met once per band).
 */
static void keep_best(struct cand *best, size_t *n, struct cand c)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (best[i].e == c.e)
			return;
	if (*n == DEDUP_CHECK && !cand_before(&c, &best[*n - 1]))
		return;
	if (*n < DEDUP_CHECK)
		(*n)++;
	for (i = *n - 1; i > 0 && cand_before(&c, &best[i - 1]); i--)
		best[i] = best[i - 1];
	best[i] = c;
}

/* Whether two days (-1 when unknown) are near enough for one event. */
static int same_days(const struct dedup_rule *r, long a, long b)
{
	return a < 0 || b < 0 || labs(a - b) <= r->days;
}

int ingest_dedup_find(struct ingest_dedup *d, const char *text, size_t len,
		      const char *place, long day, const struct dedup_sketch *s,
		      dedup_fetch_fn fetch, void *arg,
		      int64_t *root, double *sim)
{
	struct cand c[DEDUP_CHECK];
	struct query q = { 0 };
	uint32_t cur[DEDUP_BANDS];
	uint8_t low[DEDUP_NHASH];
	size_t n = 0;
	int64_t best = -1;
	size_t best_e = 0;
	double best_sim = 0;
	int found = 0;

	if (!d->nslots)
		return 0;
	for (int h = 0; h < DEDUP_NHASH; h++)
		low[h] = (uint8_t)s->mh[h];
	for (int b = 0; b < DEDUP_BANDS; b++)
		cur[b] = d->slot[slot_of(d, ingest_dedup_band_key(s, b))].head;
	/*
	 * The eight chains are walked side by side, a member of each in
	 * turn, so their memory accesses overlap instead of waiting on each
	 * other.  The order does not matter: keep_best orders the candidates.
	 */
	for (int more = 1; more;) {
		more = 0;
		for (int b = 0; b < DEDUP_BANDS; b++) {
			const struct dedup_node *nd;
			uint32_t e;

			if (!cur[b])
				continue;
			e = cur[b] - 1;
			nd = &d->node[e];
			cur[b] = nd->next[b];
			more = 1;
			if (agree_low(low, nd->low) >= DEDUP_AGREE) {
				struct cand k = { e, agree(s, &d->sk[e]), nd->id };

				if (k.agree >= DEDUP_AGREE)
					keep_best(c, &n, k);
			}
		}
	}
	if (n == 0)
		return 0;
	q.text = text;
	q.len = len;
	q.place = place;
	for (size_t i = 0; i < n; i++) {
		const struct dedup_node *ce = &d->node[c[i].e];
		const char *cplace;
		size_t tlen;
		long cday;
		const char *t;
		double j;

		/* A day known here is the one the fetch would give: no read to rule it out. */
		if (!same_days(&d->rule, day, d->day[c[i].e]))
			continue;
		t = fetch(arg, ce->id, &tlen, &cplace, &cday);
		if (!t || !same_days(&d->rule, day, cday))
			continue;
		j = similarity(&q, t, tlen, cplace);
		if (j > best_sim || (j == best_sim && ce->id < best)) {
			best_sim = j;
			best = ce->id;
			best_e = c[i].e;
		}
	}
	if (best >= 0 && best_sim >= d->rule.near) {
		*root = d->node[best_e].root;
		*sim = best_sim;
		found = 1;
		if (*root != best) {
			const char *cplace;
			size_t tlen;
			long cday;
			const char *t = fetch(arg, *root, &tlen, &cplace, &cday);

			if (t)
				*sim = similarity(&q, t, tlen, cplace);
		}
	}
	free(q.shingles);
	free(q.numbers);
	return found;
}
