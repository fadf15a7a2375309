/*
 * extract_names: persons, places, organisations and objects.
 *
 * Design.  The text is decoded once into code points with their byte
 * offsets, and every word list is a hash table keyed by UTF-8 bytes with
 * a bitmap of the code points that start a key, so the scan at each
 * position costs a bit test for most characters.  The four kinds run in
 * a fixed order, each skipping what earlier ones (and the identifier
 * extractor) claimed: persons first, because they need a cue and are
 * the most precise; then organisations, whose names may hold a place
 * (玄武区人民医院); then places; then objects.
 *
 * Persons.  Chinese has no spaces, so a name is found as a surname
 * (data/surnames.txt) plus one or two given characters, and only where
 * something says a person stands there: a cue before it (报警人, 嫌疑人,
 * 男子: data/person-cues.tsv, which also gives the role), a cue after it
 * (称, 报称, 先生), a bracket with sex or age (张某(男,44岁)), or a link
 * to another person (张三和李四).  Redacted forms (张某, 张某某, 王某俊)
 * are distinctive enough to stand alone, unless the 某 reads "a certain"
 * (于某日, 某理发店: a noun, an org suffix or an address word follows).
 * A given name takes a second character only when that character is a
 * usual second given-name character (data/given-chars.tsv) or a
 * boundary follows it, which is how 张伟逃跑 gives 张伟 and 李建国称
 * gives 李建国.  data/not-persons.txt lists words and characters that
 * are never names.  Tips and informant notes often name people with no
 * cue at all (王磊和张强经常在..., 主任李成说); such a name is taken at
 * lower confidence (rule name.context) when it reads as one (usual
 * given-name characters, no everyday word, no address or org word right
 * after it) and a context word stands beside it: a weak-after word of
 * person-cues.tsv after it (驾驶, 持有, 的朋友, 在) with a boundary
 * before it, or a weak-before word (a title: 主任, 记者, 同学) before it
 * with an after-cue, a context word or a boundary after it.  English
 * names come from data/rules/persons-en.tsv.
 *
 * Places.  Three sources of parts: administrative names from the
 * gazetteer (full names anywhere, short names of provinces and cities
 * unless a road word follows, as in 南京路; county short names only
 * after their parent), and named parts ending in an anchor word from
 * data/rules/places.tsv (幸福路, 城东社区) whose name runs back to a stop
 * word or to the end of the previous part.  An anchor right after
 * another makes one longer anchor, so the name runs over the first: 锁金
 * 村路 is a road and 长江路社区 a community, never a village 锁金村 with
 * a nameless road after it.  A third source is the local landmarks of
 * data/landmarks.tsv (新街口, 卫岗), which bring the street and community
 * of the home area that hold them.  Numbered tails (12号, 3栋, 501室)
 * follow an anchor or a landmark.  Parts never overlap: an
 * administrative name does not start inside an address word (石桥村街道
 * ends a street's name; 街道 is no township there), nor a tail inside an
 * administrative name, so a value parses back into the same parts.
 * Adjacent parts make one address, coarse to fine (an administrative
 * name after a finer part starts another); its administrative names are
 * resolved parent by parent (a name below the previous one, else one
 * under the home area, else the only one), and an address with no
 * administrative part lies in the home area
 * (data/home-area.conf).  An ambiguous name is kept without parents.
 * English addresses (12 Baker Road, near Queen Street) come from a rule
 * built from the road words of places.tsv; they get no home area.
 *
 * Organisations end in a suffix from data/org-suffixes.txt and need a
 * name before it.  Objects are words from data/items.txt in a sentence
 * that also holds a theft, loss or sale word, with the brand, model and
 * colour written before them.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "analyze/extract_names.h"
#include "common/norm.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- text */

/* The report as code points; off[i] is the byte offset of cp[i], off[n] == len. */
struct text {
	const char *s;
	size_t len;
	uint32_t *cp;
	size_t *off;
	size_t n;
	size_t cap;
	int *at;          /* byte offset -> code point index, -1 inside a char */
	size_t atcap;
};

static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *c)
{
	if (s[0] < 0x80) {
		*c = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0 && n >= 2) {
		*c = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
		return 2;
	}
	if ((s[0] & 0xF0) == 0xE0 && n >= 3) {
		*c = ((uint32_t)(s[0] & 0x0F) << 12) |
		     ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
		return 3;
	}
	if ((s[0] & 0xF8) == 0xF0 && n >= 4) {
		*c = ((uint32_t)(s[0] & 0x07) << 18) |
		     ((uint32_t)(s[1] & 0x3F) << 12) |
		     ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
		return 4;
	}
	*c = 0xFFFD;    /* invalid byte: one replacement character each */
	return 1;
}

static void text_load(struct text *t, const char *s, size_t len)
{
	size_t i = 0;

	t->s = s;
	t->len = len;
	t->n = 0;
	t->cp = xgrow(t->cp, &t->cap, len + 1, sizeof(*t->cp));
	t->off = xrealloc(t->off, (t->cap + 1) * sizeof(*t->off));
	t->at = xgrow(t->at, &t->atcap, len + 1, sizeof(*t->at));
	while (i < len) {
		uint32_t c;
		size_t k = utf8_decode((const unsigned char *)s + i, len - i, &c);

		for (size_t j = 1; j < k; j++)
			t->at[i + j] = -1;
		t->at[i] = (int)t->n;
		t->cp[t->n] = c;
		t->off[t->n++] = i;
		i += k;
	}
	t->off[t->n] = len;
	t->at[len] = (int)t->n;
}

/* Where the search goes on after an empty match at byte p: the next character. */
static size_t after_char(const struct text *t, size_t p)
{
	return p < t->len && t->at[p] >= 0 ? t->off[t->at[p] + 1] : p + 1;
}

static void text_release(struct text *t)
{
	free(t->cp);
	free(t->off);
	free(t->at);
}

static int is_han(uint32_t c)
{
	return (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0x20000 && c <= 0x3FFFF);
}

static int is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

static int is_latin(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Code point i of t, or 0 past either end. */
static uint32_t text_cp(const struct text *t, long i)
{
	return i >= 0 && (size_t)i < t->n ? t->cp[i] : 0;
}

/* ---------------------------------------------------------------- dict */

/*
 * A set of UTF-8 words with an int each: open addressing, FNV-1a, and a
 * bitmap of first code points (BMP) so most positions are rejected by
 * one bit test.  maxlen is the longest key in code points.  The keys
 * lie end to end in one buffer (a name's key is its offset there):
 * a malloc and a free for each of the gazetteer's 60,000 names cost a
 * run more than loading them.
 */
struct dict_ent {
	size_t off;             /* the key's offset in dict.keys */
	uint32_t klen;
	uint32_t hash;
	int val;
	int used;
};

/*
 * Most lookups miss, and the big tables (the gazetteer's 60,000 names)
 * do not fit in cache, so a miss would cost a trip to memory.  A bloom
 * bit per (first code point, second code point, length) answers most
 * misses from a 128 KB bitmap first.
 */
#define DICT_BLOOM_BITS 20

/*
 * The longest word at a position is searched from the longest length
 * down.  A mask of the lengths of the keys that start with a pair of
 * code points (bit k: a key of k code points; bit 0: one of more than
 * 31), in a table indexed by a hash of the pair, leaves only the
 * lengths worth a look: a few, against every length up to maxlen.
 */
#define DICT_MASK_BITS 14

struct dict {
	struct dict_ent *v;
	size_t cap, n;
	struct sbuf keys;
	unsigned char first[0x10000 / 8];
	unsigned char *bloom;     /* 1 << DICT_BLOOM_BITS bits */
	uint32_t *lens;           /* 1 << DICT_MASK_BITS length masks */
	int maxlen;
};

static uint32_t bloom_bit(uint32_t c0, uint32_t c1, size_t len)
{
	uint32_t h = c0 * 0x9E3779B1u ^ c1 * 0x85EBCA6Bu ^ (uint32_t)len * 0xC2B2AE35u;

	h ^= h >> 15;
	h *= 0x2C1B3C6Du;
	h ^= h >> 12;
	return h >> (32 - DICT_BLOOM_BITS);
}

/* The slot of dict.lens for the keys starting c0 c1 (c1 0 for keys of one code point). */
static uint32_t lens_slot(uint32_t c0, uint32_t c1)
{
	return (c0 * 0x9E3779B1u ^ c1 * 0x85EBCA6Bu) >> (32 - DICT_MASK_BITS);
}

static uint32_t fnv(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	/* FNV's low bits mix poorly, and the table is indexed by them: the
	 * finaliser of MurmurHash3 spreads the high bits down */
	h ^= h >> 16;
	h *= 0x85EBCA6Bu;
	h ^= h >> 13;
	h *= 0xC2B2AE35u;
	h ^= h >> 16;
	return h;
}

static void dict_release(struct dict *d)
{
	sbuf_release(&d->keys);
	free(d->v);
	free(d->bloom);
	free(d->lens);
	memset(d, 0, sizeof(*d));
}

static struct dict_ent *dict_slot(const struct dict *d, const char *s, size_t n,
				  uint32_t h)
{
	size_t i = h & (d->cap - 1);

	while (d->v[i].used &&
	       !(d->v[i].hash == h && d->v[i].klen == n &&
		 !memcmp(d->keys.buf + d->v[i].off, s, n)))
		i = (i + 1) & (d->cap - 1);
	return &d->v[i];
}

/* Returns a pointer to the word's value, borrowed, or NULL. */
static int *dict_get(const struct dict *d, const char *s, size_t n)
{
	struct dict_ent *e;

	if (!d->cap || !n)
		return NULL;
	e = dict_slot(d, s, n, fnv(s, n));
	return e->used ? &e->val : NULL;
}

/*
 * Add a word (a no-op when present) and return its value slot, borrowed;
 * *added says whether it was new (its value then is val).
 */
static int *dict_put(struct dict *d, const char *s, size_t n, int val, int *added)
{
	struct dict_ent *e;
	uint32_t h = fnv(s, n), c;
	int chars = 0;

	if ((d->n + 1) * 2 > d->cap) {
		struct dict old = *d;

		d->cap = d->cap ? d->cap * 2 : 64;
		d->v = xcalloc(d->cap, sizeof(*d->v));
		for (size_t i = 0; i < old.cap; i++)
			if (old.v[i].used)
				*dict_slot(d, d->keys.buf + old.v[i].off, old.v[i].klen,
					   old.v[i].hash) = old.v[i];
		free(old.v);
	}
	e = dict_slot(d, s, n, h);
	if (added)
		*added = !e->used;
	if (e->used)
		return &e->val;
	e->used = 1;
	e->off = d->keys.len;
	sbuf_add(&d->keys, s, n);
	e->klen = (uint32_t)n;
	e->hash = h;
	e->val = val;
	d->n++;
	{
		size_t k = utf8_decode((const unsigned char *)s, n, &c);
		uint32_t c1 = 0, bit;

		if (k < n)
			utf8_decode((const unsigned char *)s + k, n - k, &c1);
		if (c < 0x10000)
			d->first[c >> 3] |= (unsigned char)(1u << (c & 7));
		for (size_t i = 0; i < n; i++)
			chars += ((unsigned char)s[i] & 0xC0) != 0x80;
		if (chars > d->maxlen)
			d->maxlen = chars;
		if (!d->bloom) {
			d->bloom = xcalloc((size_t)1 << (DICT_BLOOM_BITS - 3), 1);
			d->lens = xcalloc((size_t)1 << DICT_MASK_BITS, sizeof(*d->lens));
		}
		d->lens[lens_slot(c, chars > 1 ? c1 : 0)] |= chars > 31 ? 1u : 1u << chars;
		bit = bloom_bit(c, c1, (size_t)chars);
		d->bloom[bit >> 3] |= (unsigned char)(1u << (bit & 7));
	}
	return &e->val;
}

static int dict_may_start(const struct dict *d, uint32_t c)
{
	return c >= 0x10000 || (d->first[c >> 3] >> (c & 7) & 1);
}

/* The value of the word t[i..i+k), or NULL. */
static int *dict_at(const struct dict *d, const struct text *t, size_t i, size_t k)
{
	uint32_t bit;

	if (i + k > t->n || !k || !d->bloom)
		return NULL;
	bit = bloom_bit(t->cp[i], k > 1 ? t->cp[i + 1] : 0, k);
	if (!(d->bloom[bit >> 3] >> (bit & 7) & 1))
		return NULL;
	return dict_get(d, t->s + t->off[i], t->off[i + k] - t->off[i]);
}

/*
 * The longest word starting at code point i: its length in code points
 * (0 if none) and its value in *val.
 */
static size_t dict_longest(const struct dict *d, const struct text *t, size_t i,
			   int *val)
{
	size_t left;
	uint32_t mask;

	if (i >= t->n || !d->lens || !dict_may_start(d, t->cp[i]))
		return 0;
	left = t->n - i;
	mask = d->lens[lens_slot(t->cp[i], 0)] & 2u;
	if (left > 1)
		mask |= d->lens[lens_slot(t->cp[i], t->cp[i + 1])] & ~2u;
	if (mask & 1u) {
		/* a key longer than 31 code points starts here, maybe */
		for (size_t k = (size_t)d->maxlen < left ? (size_t)d->maxlen : left; k > 31; k--) {
			int *v = dict_at(d, t, i, k);

			if (v) {
				if (val)
					*val = *v;
				return k;
			}
		}
	}
	if (left < 31)
		mask &= (2u << left) - 1;
	mask &= ~1u;
	while (mask) {
		size_t k = (size_t)(31 - __builtin_clz(mask));
		int *v = dict_at(d, t, i, k);

		if (v) {
			if (val)
				*val = *v;
			return k;
		}
		mask &= ~(1u << k);
	}
	return 0;
}

/* The length of the longest word that ends just before code point i, or 0. */
static size_t dict_ending(const struct dict *d, const struct text *t, size_t i)
{
	size_t k = (size_t)d->maxlen;

	if (k > i)
		k = i;
	for (; k > 0; k--)
		if (dict_at(d, t, i - k, k))
			return k;
	return 0;
}

/* ------------------------------------------------------------- loading */

/* Classes of data/given-chars.tsv: where friso saw a given-name character. */
enum { GIVEN_SINGLE = 1, GIVEN_FIRST = 2, GIVEN_SECOND = 4 };

/* The value of a stop word of data/rules/places.tsv that may also start a
 * name (kind lead: 和平路, 向阳路); other stop words have 1. */
enum { PLACE_LEAD = 2 };

struct cue {
	const char *role;   /* static or NULL */
	char sex[4];        /* "男", "女" or "" */
};

struct gaz {
	char code[13];
	int level;          /* 1 province .. 4 township */
	char *name;
	int parent;         /* index or -1 */
	int hidden;         /* 市辖区 and the like: a level with no name of its own */
};

_Static_assert(sizeof(((struct gaz *)0)->code) <= sizeof(((struct names_place *)0)->code),
	       "a gazetteer code fits a place's");

struct patlist {
	char **pat;
	int *level;
	size_t n, cap;
};

/* An anchor word of an address rule found in the text (code points). */
struct anchor {
	size_t s, e;
	size_t last;       /* where the last address word starts (花园路: 路) */
	int level;
};

/* One part of an address: an administrative name or a rule's match. */
struct part {
	size_t s, e;       /* code points */
	int level;         /* enum names_level, NAMES_NLEVELS for a room */
	int hit;           /* administrative: first gazetteer hit, else -1 */
	int lm;            /* a landmark of data/landmarks.tsv, else -1 */
	int unknown;       /* an administrative name the gazetteer lacks (江蹦区) */
};

/* A local landmark: its own level, and the street (gazetteer entry) and
 * community (NULL if not known) of the home area that hold it. */
struct landmark {
	int level;
	int street;
	char *community;
};

/* Gazetteer names map to the head of a chain of hits (one per entry). */
struct gaz_hit {
	int ent;
	int is_short;
	int next;
};

struct names {
	struct dict surname, given, notp, common;
	struct dict cue_before, cue_after;
	struct dict weak_before, weak_after;   /* context words of name.context */
	struct cue *cues;
	size_t ncues, cuecap;
	pcre2_code *en_re;           /* English name rules, one alternation */
	pcre2_code *en_place_re;     /* English addresses (12 Baker Road) */
	struct dict en_skip;         /* words that start no English place name */
	const char **en_role;        /* role of each rule's group */
	size_t nen;

	struct gaz *gaz;
	size_t ngaz, gazcap;
	struct dict gazname;         /* name -> first hit */
	struct dict gazcode;         /* code -> entry */
	struct gaz_hit *hits;
	size_t nhits, hitcap;
	struct dict noshort;         /* short names never taken in free text */
	int home;                    /* gazetteer entry of the home area, or -1 */
	struct landmark *lms;        /* data/landmarks.tsv, by index */
	size_t nlms, lmcap;
	struct dict lmname;          /* name -> index in lms */

	pcre2_code *anchor_re, *tail_re;
	int t_utf;                   /* x->t is valid UTF-8: 1, is not: 0, not yet known: -1 */
	int *anchor_level, *tail_level;
	size_t nanchor, ntail;
	struct dict place_stop;
	struct dict place_admend;    /* last words of administrative names (区) */

	struct dict orgsuf;
	struct dict item, brand, colour, itemskip;
	char **itemcue;
	size_t nitemcue, itemcuecap;

	/* only while loading: the patterns read, compiled at the end */
	struct patlist build_anchor, build_tail, build_en;
	struct sbuf build_en_place;

	pcre2_match_data *md;
	struct text t;
	unsigned char *busy;         /* per code point: claimed by a mention */
	unsigned char *bound;        /* per code point: a place part ends here */
	size_t busycap;
	struct anchor *anchors;
	size_t nanchors, anchorcap;
	struct part *parts;
	size_t nparts, partcap;
	struct sbuf sb;
};

/*
 * The options of a match on the loaded text: PCRE2 checks a subject's
 * UTF-8 on every call, and a report's text is matched a dozen times, so
 * it is checked here once a text; a text that is not valid UTF-8 is
 * left to PCRE2, which refuses it as before.
 */
static uint32_t match_opts(struct names *x)
{
	if (x->t_utf < 0)
		x->t_utf = utf8_valid(x->t.s, x->t.len);
	return x->t_utf ? PCRE2_NO_UTF_CHECK : 0;
}

/* Read a data file line by line; fn gets each line without its newline,
 * skipping blanks and '#' comments.  Returns 0 or -1 with err set. */
static int read_lines(const char *datadir, const char *name,
		      int (*fn)(struct names *, char *, struct err *),
		      struct names *x, struct err *err)
{
	char *path = xasprintf("%s/%s", datadir, name);
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int rc = -1;

	if (!f) {
		err_set(err, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (!n || line[0] == '#')
			continue;
		if (fn(x, line, err) < 0) {
			err_prefix(err, "%s:%ld", path, lineno);
			goto out;
		}
	}
	rc = 0;
out:
	if (f)
		fclose(f);
	free(line);
	free(path);
	return rc;
}

/* Split line at tabs into at most max fields; returns the count. */
static int split_tabs(char *line, char **f, int max)
{
	int n = 0;

	f[n++] = line;
	while (n < max && (line = strchr(line, '\t'))) {
		*line++ = 0;
		f[n++] = line;
	}
	return n;
}

static void dict_add_word(struct dict *d, const char *w, int val)
{
	dict_put(d, w, strlen(w), val, NULL);
}

static int load_surname(struct names *x, char *line, struct err *err)
{
	dict_add_word(&x->surname, line, (int)x->surname.n);
	return 0;
}

static int load_given(struct names *x, char *line, struct err *err)
{
	char *f[2];

	int cls = 0;

	if (split_tabs(line, f, 2) != 2)
		return err_set(err, "want char<TAB>classes");
	for (const char *c = f[1]; *c; c++)
		cls |= *c == 's' ? GIVEN_SINGLE : *c == '1' ? GIVEN_FIRST :
		       *c == '2' ? GIVEN_SECOND : 0;
	dict_add_word(&x->given, f[0], cls);
	return 0;
}

static int load_notp(struct names *x, char *line, struct err *err)
{
	dict_add_word(&x->notp, line, 1);
	return 0;
}

static int load_common(struct names *x, char *line, struct err *err)
{
	dict_add_word(&x->common, line, 1);
	return 0;
}

static const char *role_static(const char *s)
{
	static const char *const roles[] = {
		"reporter", "suspect", "victim", "witness", "party"
	};

	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strcmp(s, roles[i]))
			return roles[i];
	return NULL;
}

static int load_cue(struct names *x, char *line, struct err *err)
{
	char *f[4];
	struct cue *c;
	struct dict *d;

	if (split_tabs(line, f, 4) != 4)
		return err_set(err, "want cue<TAB>role<TAB>before|after<TAB>sex");
	if (strcmp(f[1], "-") && !role_static(f[1]))
		return err_set(err, "unknown role '%s'", f[1]);
	d = !strcmp(f[2], "before") ? &x->cue_before : !strcmp(f[2], "after") ? &x->cue_after :
	    !strcmp(f[2], "weak-before") ? &x->weak_before :
	    !strcmp(f[2], "weak-after") ? &x->weak_after : NULL;
	if (!d)
		return err_set(err, "want before, after, weak-before or weak-after, not '%s'",
			       f[2]);
	x->cues = xgrow(x->cues, &x->cuecap, x->ncues + 1, sizeof(*x->cues));
	c = &x->cues[x->ncues];
	c->role = role_static(f[1]);
	snprintf(c->sex, sizeof(c->sex), "%s", strcmp(f[3], "-") ? f[3] : "");
	dict_add_word(d, f[0], (int)x->ncues++);
	return 0;
}

static int load_orgsuf(struct names *x, char *line, struct err *err)
{
	dict_add_word(&x->orgsuf, line, 1);
	return 0;
}

static int load_item(struct names *x, char *line, struct err *err)
{
	char *w = strchr(line, ' ');

	if (!w)
		return err_set(err, "want KIND WORD");
	*w++ = 0;
	if (!strcmp(line, "item"))
		dict_add_word(&x->item, w, 1);
	else if (!strcmp(line, "brand"))
		dict_add_word(&x->brand, w, 1);
	else if (!strcmp(line, "colour"))
		dict_add_word(&x->colour, w, 1);
	else if (!strcmp(line, "skip"))
		dict_add_word(&x->itemskip, w, 1);
	else if (!strcmp(line, "cue")) {
		x->itemcue = xgrow(x->itemcue, &x->itemcuecap, x->nitemcue + 1,
				   sizeof(*x->itemcue));
		x->itemcue[x->nitemcue++] = xstrdup(w);
	} else
		return err_set(err, "unknown kind '%s'", line);
	return 0;
}

/* Compile pat, which must hold exactly groups capturing groups. */
static pcre2_code *compile_re(const char *pat, uint32_t opts, uint32_t groups,
			      struct err *err)
{
	pcre2_code *re;
	int ec;
	PCRE2_SIZE eo;
	uint32_t have = 0;

	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF | opts, &ec,
			   &eo, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(ec, msg, sizeof(msg));
		err_set(err, "bad pattern near offset %zu of '%s': %s", (size_t)eo, pat,
			(char *)msg);
		return NULL;
	}
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &have);
	if (have != groups) {
		err_set(err, "patterns must use (?:...), not capturing groups");
		pcre2_code_free(re);
		return NULL;
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);  /* falls back to the interpreter */
	return re;
}

/* Compile an alternation of the patterns in pats, each its own group. */
static pcre2_code *compile_groups(char **pats, size_t n, int anchored,
				  struct err *err)
{
	struct sbuf sb = SBUF_INIT;
	pcre2_code *re;

	for (size_t i = 0; i < n; i++)
		sbuf_addf(&sb, "%s(%s)", i ? "|" : "", pats[i]);
	re = compile_re(sbuf_str(&sb), anchored ? PCRE2_ANCHORED : 0, (uint32_t)n, err);
	sbuf_release(&sb);
	return re;
}

/*
 * English addresses: a house number (12, No. 12) before or after one to
 * three capitalised words ending in a road word of places.tsv (kind en):
 * groups 1 and 3 are the number, 2 the road.
 */
static pcre2_code *compile_en_place(const char *words, struct err *err)
{
	char *pat = xasprintf("(?<![A-Za-z0-9])(?:(?:No\\.?\\s*)?(\\d{1,5}[A-Za-z]?),?\\s+)?"
			      "((?:[A-Z][a-z]+\\s+){1,3}(?:%s))(?![A-Za-z])"
			      "(?:,?\\s+(?:No\\.?\\s*)?(\\d{1,5}[A-Za-z]?)(?![A-Za-z\\d:]|\\.\\d))?",
			      words);
	pcre2_code *re = compile_re(pat, 0, 3, err);

	free(pat);
	return re;
}

static const char *const level_names[NAMES_NLEVELS] = {
	"province", "city", "district", "street", "community", "road", "building"
};

const char *names_level_name(enum names_level l)
{
	return l < NAMES_NLEVELS ? level_names[l] : "room";
}

/* A level name of places.tsv; "room" is finer than any kept level. */
static int level_parse(const char *s)
{
	for (int l = 0; l < NAMES_NLEVELS; l++)
		if (!strcmp(s, level_names[l]))
			return l;
	return strcmp(s, "room") ? -1 : NAMES_NLEVELS;
}


static void patlist_add(struct patlist *p, const char *pat, int level)
{
	if (p->n == p->cap) {
		p->pat = xgrow(p->pat, &p->cap, p->n + 1, sizeof(*p->pat));
		p->level = xrealloc(p->level, p->cap * sizeof(*p->level));
	}
	p->pat[p->n] = xstrdup(pat);
	p->level[p->n++] = level;
}

static int load_place_rule(struct names *x, char *line, struct err *err)
{
	char *f[3];
	struct patlist *p;
	int level;

	if (split_tabs(line, f, 3) != 3)
		return err_set(err, "want kind<TAB>level<TAB>pattern");
	if (!strcmp(f[0], "stop")) {
		dict_add_word(&x->place_stop, f[2], 1);
		return 0;
	}
	if (!strcmp(f[0], "lead")) {      /* a stop word that may start a name */
		*dict_put(&x->place_stop, f[2], strlen(f[2]), PLACE_LEAD, NULL) = PLACE_LEAD;
		return 0;
	}
	if (!strcmp(f[0], "adminend")) {
		dict_add_word(&x->place_admend, f[2], 1);
		return 0;
	}
	if (!strcmp(f[0], "noshort")) {
		dict_add_word(&x->noshort, f[2], 1);
		return 0;
	}
	if (!strcmp(f[0], "en")) {
		sbuf_addf(&x->build_en_place, "%s%s", x->build_en_place.len ? "|" : "", f[2]);
		return 0;
	}
	if (!strcmp(f[0], "enskip")) {
		dict_add_word(&x->en_skip, f[2], 1);
		return 0;
	}
	if (strcmp(f[0], "anchor") && strcmp(f[0], "tail"))
		return err_set(err, "unknown kind '%s'", f[0]);
	level = level_parse(f[1]);
	if (level < 0)
		return err_set(err, "unknown level '%s'", f[1]);
	p = f[0][0] == 'a' ? &x->build_anchor : &x->build_tail;
	patlist_add(p, f[2], level);
	return 0;
}

static int load_en_rule(struct names *x, char *line, struct err *err)
{
	char *f[2];

	if (split_tabs(line, f, 2) != 2)
		return err_set(err, "want role<TAB>pattern");
	if (strcmp(f[0], "-") && !role_static(f[0]))
		return err_set(err, "unknown role '%s'", f[0]);
	patlist_add(&x->build_en, f[1], 0);
	x->en_role = xrealloc(x->en_role, (x->nen + 1) * sizeof(*x->en_role));
	x->en_role[x->nen++] = role_static(f[0]);
	return 0;
}

static void patlist_clear(struct patlist *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->pat[i]);
	free(p->pat);
	free(p->level);
	memset(p, 0, sizeof(*p));
}

static int gaz_find_code(const struct names *x, const char *code)
{
	int *v = dict_get(&x->gazcode, code, strlen(code));

	return v ? *v : -1;
}

static void gaz_add_name(struct names *x, const char *name, int ent, int is_short)
{
	int added;
	int *head;

	x->hits = xgrow(x->hits, &x->hitcap, x->nhits + 1, sizeof(*x->hits));
	head = dict_put(&x->gazname, name, strlen(name), (int)x->nhits, &added);
	x->hits[x->nhits].ent = ent;
	x->hits[x->nhits].is_short = is_short;
	x->hits[x->nhits].next = added ? -1 : *head;
	*head = (int)x->nhits++;
}

/* A code's value is its entry, a name's its first hit. */
static int load_gaz(struct names *x, char *line, struct err *err)
{
	char *f[5];
	struct gaz *g;
	int ent = (int)x->ngaz;
	size_t codelen;

	if (split_tabs(line, f, 5) != 5)
		return err_set(err, "want code<TAB>level<TAB>name<TAB>parent<TAB>short");
	codelen = strlen(f[0]);
	if (codelen >= sizeof(g->code) || atoi(f[1]) < 1 || atoi(f[1]) > 4)
		return err_set(err, "bad code '%s' or level '%s'", f[0], f[1]);
	x->gaz = xgrow(x->gaz, &x->gazcap, x->ngaz + 1, sizeof(*x->gaz));
	g = &x->gaz[x->ngaz++];
	memcpy(g->code, f[0], codelen + 1);
	g->level = atoi(f[1]);
	g->name = xstrdup(f[2]);
	g->parent = f[3][0] ? gaz_find_code(x, f[3]) : -1;
	if (f[3][0] && g->parent < 0)
		return err_set(err, "parent '%s' of '%s' not seen before it", f[3], f[0]);
	g->hidden = strstr(f[2], "直辖") || !strcmp(f[2], "市辖区");
	dict_add_word(&x->gazcode, f[0], ent);
	if (!g->hidden) {
		gaz_add_name(x, f[2], ent, 0);
		if (f[4][0])
			gaz_add_name(x, f[4], ent, 1);
	}
	return 0;
}

static int gaz_level(const struct gaz *g)
{
	return g->level - 1;   /* 1 province .. 4 township -> enum names_level */
}

static int gaz_is_below(const struct names *x, int ent, int anc)
{
	for (int p = ent; p >= 0; p = x->gaz[p].parent)
		if (p == anc)
			return 1;
	return 0;
}

/* The entry of name among the children of parent (any level below), or -1. */
static int gaz_child(const struct names *x, const char *name, int parent)
{
	int *h = dict_get(&x->gazname, name, strlen(name));

	for (int i = h ? *h : -1; i >= 0; i = x->hits[i].next)
		if (!x->hits[i].is_short &&
		    (parent < 0 ? x->gaz[x->hits[i].ent].level == 1 :
		     gaz_is_below(x, x->hits[i].ent, parent) && x->hits[i].ent != parent))
			return x->hits[i].ent;
	return -1;
}

static int load_home(struct names *x, char *line, struct err *err)
{
	char *name = strchr(line, ' ');
	int ent;

	if (!name)
		return err_set(err, "want LEVEL NAME");
	name++;
	ent = gaz_child(x, name, x->home);
	if (ent < 0)
		return err_set(err, "'%s' is not in the gazetteer under the lines before it",
			       name);
	x->home = ent;
	return 0;
}

/* name<TAB>level<TAB>street<TAB>community: the street must be one of the
 * home area's, so a landmark never lands outside it. */
static int load_landmark(struct names *x, char *line, struct err *err)
{
	char *f[4];
	struct landmark *lm;
	int level, street;

	if (split_tabs(line, f, 4) != 4)
		return err_set(err, "want name<TAB>level<TAB>street<TAB>community");
	level = level_parse(f[1]);
	if (level != NAMES_COMMUNITY && level != NAMES_ROAD && level != NAMES_BUILDING)
		return err_set(err, "a landmark's level is community, road or building, not '%s'",
			       f[1]);
	if (level == NAMES_COMMUNITY && strcmp(f[3], "-"))
		return err_set(err, "a community is in no community: want -, not '%s'", f[3]);
	street = x->home >= 0 ? gaz_child(x, f[2], x->home) : -1;
	if (street < 0 || gaz_level(&x->gaz[street]) != NAMES_STREET)
		return err_set(err, "'%s' is not a street of the home area", f[2]);
	x->lms = xgrow(x->lms, &x->lmcap, x->nlms + 1, sizeof(*x->lms));
	lm = &x->lms[x->nlms];
	lm->level = level;
	lm->street = street;
	lm->community = strcmp(f[3], "-") ? xstrdup(f[3]) : NULL;
	dict_add_word(&x->lmname, f[0], (int)x->nlms++);
	return 0;
}

struct names *names_new(const char *datadir, struct err *err)
{
	struct names *x = xcalloc(1, sizeof(*x));
	static const struct {
		const char *file;
		int (*fn)(struct names *, char *, struct err *);
	} files[] = {
		{ "surnames.txt", load_surname },
		{ "given-chars.tsv", load_given },
		{ "not-persons.txt", load_notp },
		{ "common-words.txt", load_common },
		{ "person-cues.tsv", load_cue },
		{ "org-suffixes.txt", load_orgsuf },
		{ "items.txt", load_item },
		{ "gazetteer.tsv", load_gaz },
		{ "home-area.conf", load_home },
		{ "landmarks.tsv", load_landmark },
	};

	x->home = -1;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (read_lines(datadir, files[i].file, files[i].fn, x, err) < 0)
			goto fail;
	if (read_lines(datadir, "rules/persons-en.tsv", load_en_rule, x, err) < 0)
		goto fail;
	if (read_lines(datadir, "rules/places.tsv", load_place_rule, x, err) < 0)
		goto fail;
	x->en_re = compile_groups(x->build_en.pat, x->build_en.n, 0, err);
	if (!x->en_re)
		goto fail;
	x->anchor_re = compile_groups(x->build_anchor.pat, x->build_anchor.n, 0, err);
	if (!x->anchor_re)
		goto fail;
	x->tail_re = compile_groups(x->build_tail.pat, x->build_tail.n, 1, err);
	if (!x->tail_re)
		goto fail;
	if (x->build_en_place.len) {
		x->en_place_re = compile_en_place(sbuf_str(&x->build_en_place), err);
		if (!x->en_place_re)
			goto fail;
	}
	sbuf_release(&x->build_en_place);
	x->nanchor = x->build_anchor.n;
	x->anchor_level = (int *)xmemdup(x->build_anchor.level, x->nanchor * sizeof(int));
	x->ntail = x->build_tail.n;
	x->tail_level = (int *)xmemdup(x->build_tail.level, x->ntail * sizeof(int));
	patlist_clear(&x->build_anchor);
	patlist_clear(&x->build_tail);
	patlist_clear(&x->build_en);
	x->md = pcre2_match_data_create(x->nanchor + x->ntail + x->nen + 4, NULL);
	return x;
fail:
	err_prefix(err, "loading names data");
	names_free(x);
	return NULL;
}

void names_free(struct names *x)
{
	if (!x)
		return;
	dict_release(&x->surname);
	dict_release(&x->given);
	dict_release(&x->notp);
	dict_release(&x->common);
	dict_release(&x->cue_before);
	dict_release(&x->cue_after);
	dict_release(&x->weak_before);
	dict_release(&x->weak_after);
	free(x->cues);
	pcre2_code_free(x->en_re);
	pcre2_code_free(x->en_place_re);
	dict_release(&x->en_skip);
	sbuf_release(&x->build_en_place);
	free(x->en_role);
	for (size_t i = 0; i < x->ngaz; i++)
		free(x->gaz[i].name);
	free(x->gaz);
	dict_release(&x->gazname);
	dict_release(&x->gazcode);
	free(x->hits);
	dict_release(&x->noshort);
	for (size_t i = 0; i < x->nlms; i++)
		free(x->lms[i].community);
	free(x->lms);
	dict_release(&x->lmname);
	pcre2_code_free(x->anchor_re);
	pcre2_code_free(x->tail_re);
	free(x->anchor_level);
	free(x->tail_level);
	dict_release(&x->place_stop);
	dict_release(&x->place_admend);
	dict_release(&x->orgsuf);
	dict_release(&x->item);
	dict_release(&x->brand);
	dict_release(&x->colour);
	dict_release(&x->itemskip);
	for (size_t i = 0; i < x->nitemcue; i++)
		free(x->itemcue[i]);
	free(x->itemcue);
	patlist_clear(&x->build_anchor);
	patlist_clear(&x->build_tail);
	patlist_clear(&x->build_en);
	pcre2_match_data_free(x->md);
	text_release(&x->t);
	free(x->busy);
	free(x->bound);
	free(x->anchors);
	free(x->parts);
	sbuf_release(&x->sb);
	free(x);
}

/* ----------------------------------------------------- shared helpers */

static void mark_busy(struct names *x, size_t s, size_t e)
{
	memset(x->busy + s, 1, e - s);
}

static int any_busy(const struct names *x, size_t s, size_t e)
{
	for (size_t i = s; i < e; i++)
		if (x->busy[i])
			return 1;
	return 0;
}

/* A borrowed copy of t[s..e) in x->sb; valid until the next call. */
static const char *span_str(struct names *x, size_t s, size_t e)
{
	sbuf_reset(&x->sb);
	sbuf_add(&x->sb, x->t.s + x->t.off[s], x->t.off[e] - x->t.off[s]);
	return sbuf_str(&x->sb);
}

/* s[0..n) as a JSON string: runs that need no escape are copied whole. */
static void json_str(struct sbuf *sb, const char *s, size_t n)
{
	size_t run = 0;

	sbuf_addch(sb, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c != '"' && c != '\\' && c >= 0x20)
			continue;
		sbuf_add(sb, s + run, i - run);
		run = i + 1;
		if (c < 0x20)
			sbuf_addf(sb, "\\u%04x", c);
		else
			sbuf_addf(sb, "\\%c", c);
	}
	sbuf_add(sb, s + run, n - run);
	sbuf_addch(sb, '"');
}

/* Append ,"key":"value" (or {"key":... when sb is empty) to a JSON object. */
static void json_field(struct sbuf *sb, const char *key, const char *v, size_t n)
{
	sbuf_adds(sb, sb->len ? "," : "{");
	json_str(sb, key, strlen(key));
	sbuf_addch(sb, ':');
	json_str(sb, v, n);
}

static struct mention *emit(struct names *x, struct mention_list *out,
			    const char *type, const char *value, size_t s,
			    size_t e, const char *rule, double conf)
{
	char *surface = xstrndup(x->t.s + x->t.off[s], x->t.off[e] - x->t.off[s]);
	struct mention *m;

	m = mention_add(out, type, value, surface, (long)x->t.off[s],
			(long)x->t.off[e], rule, conf);
	free(surface);
	mark_busy(x, s, e);
	return m;
}

/*
 * Whether code point i lies inside an address word, after its first
 * character (村街道, 大街道: 街道 is no township there).  An address word
 * that starts inside an administrative name gives way to it (孝陵卫街道),
 * so parts never overlap either way: a part that overlapped a named
 * part would begin a run that the same text, parsed again from the
 * value built, would not give back.
 */
static int inside_anchor(const struct names *x, size_t i)
{
	for (size_t k = 0; k < x->nanchors; k++)
		if (i > x->anchors[k].s && i < x->anchors[k].e)
			return 1;
	return 0;
}

/*
 * Whether an administrative name that is no part (the gazetteer lacks
 * it: 江蹦区) ends just before code point i: an adminend word of
 * data/rules/places.tsv (区, 县) with a name before it, not the end of
 * an address word (小区, 社区) nor of a stop word (辖区).
 */
static int admin_end_at(const struct names *x, size_t i)
{
	const struct text *t = &x->t;
	size_t k = dict_ending(&x->place_admend, t, i);

	return k && i > k && is_han(t->cp[i - k - 1]) && !x->busy[i - k - 1] &&
	       !x->bound[i - k] && !x->bound[i] && !inside_anchor(x, i - k) &&
	       !dict_ending(&x->place_stop, t, i) &&
	       !dict_ending(&x->place_stop, t, i - k);
}

/* The length of the stop word that ends just before code point i, or 0;
 * none that a place part ends inside (南京市区: 市 is the city's). */
static size_t stop_ending(const struct names *x, size_t i)
{
	size_t k = dict_ending(&x->place_stop, &x->t, i);

	for (size_t j = i - k + 1; k && j < i; j++)
		if (x->bound[j])
			return 0;
	return k;
}

/*
 * Where the name before an anchor or suffix at code point a begins: back
 * over Han characters to the nearest boundary (a non-Han character, a
 * claimed one, a stop word of data/rules/places.tsv, or the end of a
 * place part; for a place, place set, also the end of an administrative
 * name the gazetteer lacks), at most maxback characters; with no
 * boundary that near, dflt characters (one more for a direction: 中山北路).
 */
static size_t name_start(const struct names *x, size_t a, size_t maxback,
			 size_t dflt, int place)
{
	const struct text *t = &x->t;
	size_t s = a;

	while (s > 0 && a - s <= maxback) {
		size_t stop;

		if (!is_han(t->cp[s - 1]) || x->busy[s - 1] || x->bound[s])
			return s;
		stop = stop_ending(x, s);
		if (stop == 1 && a - s == 1 &&
		    *dict_at(&x->place_stop, t, s - 1, 1) == PLACE_LEAD)
			return s - 1;    /* 和平路, 和平典当行: not 平路 */
		if (stop || (place && admin_end_at(x, s)))
			return s;
		s--;
	}
	if (s == 0 && a <= maxback)
		return 0;      /* the text starts the name */
	s = a - dflt;
	if (s > 0 && a > 0 && (t->cp[a - 1] == 0x4E1C || t->cp[a - 1] == 0x897F ||
			       t->cp[a - 1] == 0x5357 || t->cp[a - 1] == 0x5317 ||
			       t->cp[a - 1] == 0x4E2D))  /* 东 西 南 北 中 */
		s--;
	return s;
}

/* ------------------------------------------------------------- persons */

struct pname {
	size_t s, e;          /* the name */
	size_t ms, me;        /* the mention's span (张姓男子 is wider) */
	int redacted, surname_only;
	char sex[4];
	int age;
};

static int notp_char(const struct names *x, size_t i)
{
	return dict_at(&x->notp, &x->t, i, 1) != NULL;
}

/* A character that ends a name: not Han, a never-in-a-name character,
 * or the start of an after-cue. */
static int name_boundary(const struct names *x, size_t i)
{
	return i >= x->t.n || !is_han(x->t.cp[i]) || notp_char(x, i) ||
	       dict_longest(&x->cue_after, &x->t, i, NULL);
}

static int anchor_or_suffix_at(const struct names *x, size_t i)
{
	for (size_t k = 0; k < x->nanchors; k++)
		if (x->anchors[k].s == i)
			return 1;
	return dict_longest(&x->orgsuf, &x->t, i, NULL) > 0;
}

/*
 * Whether the 某 at code point i reads "a certain": 某日, 某人 (listed in
 * not-persons.txt), or an org suffix or address word close behind it
 * with no stop word between (某理发店, 某小区).
 */
static int mou_is_a_certain(const struct names *x, size_t i)
{
	const struct text *t = &x->t;

	for (size_t k = 2; k <= 4 && i + k <= t->n; k++)
		if (dict_at(&x->notp, t, i, k))
			return 1;
	for (size_t j = i + 1; j < t->n && j <= i + 6; j++) {
		if (!is_han(t->cp[j]) || dict_ending(&x->place_stop, t, j) ||
		    dict_longest(&x->place_stop, t, j, NULL))
			return 0;
		if (t->cp[j] != 0x67D0 && anchor_or_suffix_at(x, j))
			return 1;
	}
	return 0;
}

/* A word that counts after a house number: 号 栋 幢 座 室 楼 层 单元 组. */
static int is_number_word(uint32_t c)
{
	static const uint32_t w[] = {
		0x53F7, 0x680B, 0x5E62, 0x5EA7, 0x5BA4, 0x697C, 0x5C42, 0x5355, 0x5143,
		0x7EC4
	};

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (c == w[i])
			return 1;
	return 0;
}

static int is_numeral(uint32_t c)
{
	static const uint32_t num[] = {
		0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B,
		0x4E5D, 0x5341, 0x4E24, 0x51E0   /* 一二三四五六七八九十两几 */
	};

	for (size_t i = 0; i < sizeof(num) / sizeof(num[0]); i++)
		if (c == num[i])
			return 1;
	return 0;
}

/* A given-name character at i: Han and not a word that ends a name. */
static int given_ok(const struct names *x, size_t i)
{
	return !name_boundary(x, i) && !x->busy[i];
}

/*
 * A two-character given name at j whose first character otherwise ends
 * a name (data/not-persons.txt: 张伟家中 gives 张伟): 彭家豪, 刘和平,
 * 王向东.  Right after a surname, the first of two given characters, a
 * second one, and then a boundary other than 某 (刘和田某 is 刘 and
 * 田某); not a word of not-persons (家中, 其中), nor, without a cue, an
 * everyday word (家门).
 */
static int ending_given_pair(const struct names *x, size_t j, int strict)
{
	const struct text *t = &x->t;
	int *g1, *g2;

	if (j + 1 >= t->n || x->busy[j] || !notp_char(x, j) || !given_ok(x, j + 1) ||
	    !name_boundary(x, j + 2) || text_cp(t, (long)j + 2) == 0x67D0)   /* 刘和田某 */
		return 0;
	g1 = dict_at(&x->given, t, j, 1);
	g2 = dict_at(&x->given, t, j + 1, 1);
	return g1 && (*g1 & GIVEN_FIRST) && g2 && (*g2 & GIVEN_SECOND) &&
	       !dict_at(&x->notp, t, j, 2) && !(strict && dict_at(&x->common, t, j, 2)) &&
	       !dict_longest(&x->place_stop, t, j + 1, NULL) && !anchor_or_suffix_at(x, j + 1);
}

/*
 * Whether the character at k after 某 is a given name's (王某俊) rather
 * than the next word's (张某发生, 刘某酒后): it must be able to end a
 * name, and unless it is a usual one-character name, a boundary must
 * follow it.
 */
static int redacted_given(const struct names *x, size_t k)
{
	int *cls = dict_at(&x->given, &x->t, k, 1);

	if (!cls || !(*cls & (GIVEN_SINGLE | GIVEN_SECOND)))
		return 0;
	return (*cls & GIVEN_SINGLE) || name_boundary(x, k + 1);
}

/*
 * Whether the given name that would start at code point j is the start
 * of an address: Han characters running into an address word within a
 * few characters (父亲于孝陵卫街7号走失, 在王府大街), or, after a surname
 * that is also a function word (于, 将), an administrative name or a
 * landmark (于玄武区, 于新街口).
 */
static int address_follows(const struct names *x, size_t j, int fn_surname)
{
	const struct text *t = &x->t;

	if (fn_surname && (dict_longest(&x->gazname, t, j, NULL) >= 2 ||
			   dict_longest(&x->lmname, t, j, NULL)))
		return 1;
	for (size_t a = j + 1; a < t->n && a <= j + 4; a++) {
		if (!is_han(t->cp[a - 1]) || x->busy[a - 1] ||
		    dict_ending(&x->place_stop, t, a))
			return 0;
		for (size_t k = 0; k < x->nanchors; k++)
			if (x->anchors[k].s == a)
				return 1;
	}
	return 0;
}

/*
 * A person's name at code point i; strong when a cue stands before it.
 * Fills p and returns 1, or returns 0.
 */
static int person_at(struct names *x, size_t i, int strong, struct pname *p)
{
	const struct text *t = &x->t;
	size_t sl, j, k;
	int fn_surname;

	memset(p, 0, sizeof(*p));
	if (i >= t->n || x->busy[i] || !is_han(t->cp[i]))
		return 0;
	sl = dict_longest(&x->surname, t, i, NULL);
	if (!sl)
		return 0;
	/* 于, 将, 同 are surnames and function words; 位于某 or 民警将张某 must
	 * not start a name there */
	fn_surname = sl == 1 && notp_char(x, i);
	if (fn_surname && i > 0 && (dict_at(&x->notp, t, i - 1, 2) ||
				    dict_at(&x->place_stop, t, i - 1, 2)))
		return 0;
	j = i + sl;
	p->s = i;
	if (text_cp(t, (long)j) == 0x67D0) {             /* 某 */
		k = j + 1;
		if (text_cp(t, (long)k) == 0x67D0)
			k++;
		else if (given_ok(x, k) && !anchor_or_suffix_at(x, k) &&
			 !is_numeral(t->cp[k]) && redacted_given(x, k))
			k++;                                  /* 王某俊 */
		if (mou_is_a_certain(x, k - 1) || any_busy(x, i, k) ||
		    (!strong && i > 0 && dict_at(&x->common, t, i - 1, 2)))
			return 0;                       /* 羡慕某英雄 */
		p->e = k;
		p->redacted = 1;
	} else if (text_cp(t, (long)j) == 0x59D3) {      /* 姓: 张姓男子 */
		int ci;
		size_t cl = dict_longest(&x->cue_before, t, j + 1, &ci);

		if (!cl && (text_cp(t, (long)j + 1) == 0x7537 ||
			    text_cp(t, (long)j + 1) == 0x5973))
			cl = 1;                               /* 男 女 */
		if (!cl)
			return 0;
		p->e = j;
		p->me = j + 1 + cl;
		p->redacted = p->surname_only = 1;
		if (t->cp[j + 1] == 0x7537 || t->cp[j + 1] == 0x5973)
			snprintf(p->sex, sizeof(p->sex), "%s", span_str(x, j + 1, j + 2));
		else if (x->cues[ci].sex[0])
			snprintf(p->sex, sizeof(p->sex), "%s", x->cues[ci].sex);
	} else {
		/* without a cue before it, a name must read as one: usual
		 * given-name characters only (公告, 全攻略 are words) */
		int *g1 = dict_at(&x->given, t, j, 1), *g2;
		int strict = !strong || fn_surname;

		if (ending_given_pair(x, j, strict)) {
			k = j + 2;
		} else {
			if (!given_ok(x, j) || (strict && !g1))
				return 0;
			k = j + 1;
			g2 = dict_at(&x->given, t, k, 1);
			if (given_ok(x, k) && !dict_longest(&x->place_stop, t, k, NULL) &&
			    !anchor_or_suffix_at(x, k) &&
			    (strict ? g2 && (*g2 & (GIVEN_SINGLE | GIVEN_SECOND)) :
				      g2 || name_boundary(x, k + 1)))
				k++;
		}
		/* 今天, 代表X: an everyday word is no name without a cue */
		if (strict && dict_at(&x->common, t, i, 2))
			return 0;
		if (dict_at(&x->notp, t, i, k - i) || dict_at(&x->cue_before, t, i, k - i) ||
		    dict_at(&x->place_stop, t, i, 2) || dict_at(&x->gazname, t, i, k - i) ||
		    anchor_or_suffix_at(x, k - 1) ||
		    (strict && address_follows(x, j, fn_surname)))
			return 0;
		p->e = k;
	}
	p->ms = p->s;
	if (!p->me)
		p->me = p->e;
	return 1;
}

/* Digits ending just before code point i: their value, and *start. */
static int digits_before(const struct text *t, size_t i, size_t *start)
{
	size_t s = i;
	int v = 0, mul = 1;

	while (s > 0 && is_digit(t->cp[s - 1]) && i - s < 3) {
		v += (int)(t->cp[s - 1] - '0') * mul;
		mul *= 10;
		s--;
	}
	*start = s;
	return s < i ? v : -1;
}

/*
 * Sex and age written beside a name: 张某(男,44岁), 张某,男,32岁, and an
 * age before a surname-only form (23岁张姓男子).  Returns the code point
 * after what was read, so a joined name can follow.
 */
static size_t person_details(const struct names *x, struct pname *p)
{
	const struct text *t = &x->t;
	size_t i = p->me, end = p->me, limit;
	int paren = text_cp(t, (long)i) == '(';

	if (!paren && !(text_cp(t, (long)i) == ',' &&
			(text_cp(t, (long)i + 1) == 0x7537 || text_cp(t, (long)i + 1) == 0x5973) &&
			!is_han(text_cp(t, (long)i + 2))))
		goto before;
	limit = i + 24 < t->n ? i + 24 : t->n;
	for (i++; i < limit; i++) {
		uint32_t c = t->cp[i];

		if (c == ')' || (!paren && (c == 0x3002 || c == '.' || is_han(c))))
			break;
		if ((c == 0x7537 || c == 0x5973) && !p->sex[0] &&
		    !is_han(text_cp(t, (long)i + 1)) && !is_han(text_cp(t, (long)i - 1)))
			snprintf(p->sex, sizeof(p->sex), "%s", c == 0x7537 ? "男" : "女");
		if (c == 0x5C81 && p->age <= 0) {               /* 岁 */
			size_t s;

			p->age = digits_before(t, i, &s);
		}
	}
	if (paren && i < limit)
		end = i + 1;
before:
	if (p->age <= 0 && p->ms > 0 && t->cp[p->ms - 1] == 0x5C81) {
		size_t s;

		p->age = digits_before(t, p->ms - 1, &s);
	}
	return end;
}

static void person_emit(struct names *x, struct mention_list *out,
			struct pname *p, const char *role, const char *cue_sex,
			const char *rule, double conf)
{
	struct sbuf attrs = SBUF_INIT;
	struct mention *m;
	char *value;

	if (p->surname_only)
		value = xasprintf("%s某", span_str(x, p->s, p->e));
	else
		value = xstrdup(span_str(x, p->s, p->e));
	if (p->redacted)
		sbuf_adds(&attrs, "{\"redacted\":true");
	if (p->surname_only)
		sbuf_adds(&attrs, ",\"surname_only\":true");
	if (!p->sex[0] && cue_sex && cue_sex[0])
		snprintf(p->sex, sizeof(p->sex), "%s", cue_sex);
	if (p->sex[0])
		json_field(&attrs, "sex", p->sex, strlen(p->sex));
	if (p->age > 0 && p->age < 130)
		sbuf_addf(&attrs, "%s\"age\":%d", attrs.len ? "," : "{", p->age);
	if (attrs.len)
		sbuf_addch(&attrs, '}');
	m = emit(x, out, "person", value, p->ms, p->me, rule, conf);
	if (role)
		m->role = mention_str(out, role);
	if (attrs.len)
		m->attrs = mention_str(out, sbuf_str(&attrs));
	sbuf_release(&attrs);
	free(value);
}

/* What follows a name that, without a cue before it, says it is one. */
static int person_confirmed(const struct names *x, const struct pname *p,
			    const char **role)
{
	const struct text *t = &x->t;
	int ci;

	if (dict_longest(&x->cue_after, t, p->me, &ci)) {
		*role = x->cues[ci].role;
		return 1;
	}
	if (text_cp(t, (long)p->me) == '(' &&
	    (text_cp(t, (long)p->me + 1) == 0x7537 || text_cp(t, (long)p->me + 1) == 0x5973 ||
	     is_digit(text_cp(t, (long)p->me + 1))))
		return 1;
	return text_cp(t, (long)p->me) == ',' &&
	       (text_cp(t, (long)p->me + 1) == 0x7537 || text_cp(t, (long)p->me + 1) == 0x5973) &&
	       !is_han(text_cp(t, (long)p->me + 2));
}

static int is_joiner(uint32_t c);

/* Two full names joined (张三和李四在...): each vouches for the other when
 * the second ends at a boundary. */
static int person_pair(struct names *x, const struct pname *p)
{
	struct pname q;

	return is_joiner(text_cp(&x->t, (long)p->me)) && !p->redacted &&
	       person_at(x, p->me + 1, 0, &q) && !q.redacted &&
	       (name_boundary(x, q.me) || dict_longest(&x->weak_after, &x->t, q.me, NULL));
}

static int left_boundary(const struct names *x, size_t i)
{
	return i == 0 || !is_han(x->t.cp[i - 1]) || notp_char(x, i - 1) ||
	       dict_ending(&x->place_stop, &x->t, i) ||
	       dict_ending(&x->cue_after, &x->t, i);
}

static int is_joiner(uint32_t c)
{
	return c == 0x548C || c == 0x4E0E || c == 0x3001 || c == 0x53CA ||
	       c == 0x540C || c == 0x8DDF;   /* 和 与 、 及 同 跟 */
}

/*
 * A name with no cue, of a surname and usual given-name characters
 * (person_at without a cue), where a context word of data/person-cues.tsv
 * says a person stands there: one after it (王磊驾驶, 张强的朋友) with a
 * boundary before it (lb), or one before it (a title: 主任李成) with an
 * after-cue, a context word or the end of the clause after it.  Less
 * sure than a cue: rule name.context.
 */
static int person_weak(const struct names *x, const struct pname *p, int lb,
		       const char **role)
{
	const struct text *t = &x->t;
	int ci;

	if (p->redacted || (!lb && !dict_ending(&x->weak_before, t, p->s)) ||
	    (p->s > 0 && is_digit(t->cp[p->s - 1])))
		return 0;       /* 1200元全是: no name after a number */
	if (dict_longest(&x->weak_after, t, p->me, &ci)) {
		*role = x->cues[ci].role;
		return 1;
	}
	if (lb)
		return 0;
	if (dict_longest(&x->cue_after, t, p->me, &ci)) {
		*role = x->cues[ci].role;
		return 1;
	}
	return !is_han(text_cp(t, (long)p->me));
}

/*
 * Names joined to the one just emitted (张三和李四, 张某、李某与王某)
 * take its role; a role word after the last (张某与李某双方) gives a
 * role to all that have none.  first is the index in out of the first.
 */
static void person_chain(struct names *x, struct mention_list *out, size_t next,
			 size_t first, const char *role, int strong, double conf)
{
	const struct text *t = &x->t;
	struct pname p;
	int ci;

	while (next < t->n && is_joiner(t->cp[next]) &&
	       person_at(x, next + 1, strong, &p)) {
		next = person_details(x, &p);
		person_emit(x, out, &p, role, NULL, "name.joined", conf);
	}
	if (!role && dict_longest(&x->cue_after, t, next, &ci) && x->cues[ci].role)
		for (size_t k = first; k < out->n; k++)
			if (!out->v[k].role && !strcmp(out->v[k].type, "person"))
				out->v[k].role = mention_str(out, x->cues[ci].role);
}

/* 姓王 (自称姓王, 车主姓王): a surname-only person after 姓. */
static int person_surname_after(struct names *x, size_t i, struct pname *p)
{
	const struct text *t = &x->t;
	size_t sl;

	memset(p, 0, sizeof(*p));
	if (t->cp[i] != 0x59D3 || i + 1 >= t->n || x->busy[i + 1])
		return 0;
	sl = dict_longest(&x->surname, t, i + 1, NULL);
	if (!sl || !name_boundary(x, i + 1 + sl))
		return 0;
	p->s = i + 1;
	p->e = i + 1 + sl;
	p->ms = i;
	p->me = p->e;
	p->redacted = p->surname_only = 1;
	return 1;
}

static void persons_zh(struct names *x, struct mention_list *out)
{
	const struct text *t = &x->t;
	size_t i = 0;

	while (i < t->n) {
		struct pname p;
		int ci = -1;
		size_t cl = 0, first = out->n, next;
		const struct cue *cue = NULL;
		const char *role = NULL;

		if (x->busy[i] || !is_han(t->cp[i])) {
			i++;
			continue;
		}
		if (person_surname_after(x, i, &p)) {
			person_emit(x, out, &p, NULL, NULL, "name.surname", 0.7);
			i = p.me;
			continue;
		}
		cl = dict_longest(&x->cue_before, t, i, &ci);
		if (cl) {
			size_t j = i + cl;

			cue = &x->cues[ci];
			if (text_cp(t, (long)j) == ':' || text_cp(t, (long)j) == ' ')
				j++;
			if (person_at(x, j, 1, &p)) {
				next = person_details(x, &p);
				person_emit(x, out, &p, cue->role, cue->sex, "name.cue", 0.9);
				person_chain(x, out, next, first, cue->role, 1, 0.9);
				i = next;
				continue;
			}
		}
		if (person_at(x, i, 0, &p)) {
			int lb = p.redacted || left_boundary(x, i);
			int ok = lb && person_confirmed(x, &p, &role);
			int pair = lb && !ok && person_pair(x, &p);
			int weak = !ok && !pair && person_weak(x, &p, lb, &role);

			if (ok || pair || weak || p.redacted) {
				const char *rule = ok ? "name.after" : pair ? "name.pair" :
						   weak ? "name.context" : "name.redacted";
				double conf = ok ? 0.8 : pair ? 0.7 : weak ? 0.6 : 0.75;

				next = person_details(x, &p);
				person_emit(x, out, &p, role, NULL, rule, conf);
				person_chain(x, out, next, first, role, 0, conf);
				i = next;
				continue;
			}
		}
		i += cl ? cl : 1;
	}
}

/* English names: the rules of data/rules/persons-en.tsv (\K marks where
 * the name starts); a name holding a word of not-persons.txt is dropped. */
static void persons_en(struct names *x, struct mention_list *out)
{
	const struct text *t = &x->t;
	size_t off = 0;

	while (off < t->len &&
	       pcre2_match(x->en_re, (PCRE2_SPTR)t->s, t->len, off, match_opts(x), x->md,
			   NULL) > 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
		size_t bs = ov[0], be = ov[1], s, e, w;
		const char *role = NULL;
		int bad = 0;

		off = be > ov[0] ? be : after_char(t, ov[0]);
		if (bs >= be || t->at[bs] < 0 || t->at[be] < 0)
			continue;
		for (size_t g = 1; g <= x->nen; g++)
			if (ov[2 * g] != PCRE2_UNSET)
				role = x->en_role[g - 1];
		s = (size_t)t->at[bs];
		e = (size_t)t->at[be];
		for (w = s; w < e; ) {
			size_t we = w;

			while (we < e && t->cp[we] != ' ')
				we++;
			if (dict_at(&x->notp, t, w, we - w))
				bad = 1;
			w = we + 1;
		}
		if (bad || any_busy(x, s, e))
			continue;
		{
			struct mention *m = emit(x, out, "person", span_str(x, s, e), s, e,
						 "name.en", 0.8);

			if (role)
				m->role = mention_str(out, role);
		}
	}
}

/* -------------------------------------------------------- organisations */

/*
 * Past a count at code point s, before an org suffix at i: (有)三家网吧,
 * 一家麻将馆 name no org.  A numeral must be followed by a classifier
 * (家 个 间 所 座 处), so 一品香饭店 keeps its name.
 */
static size_t skip_quantity(const struct text *t, size_t s, size_t i)
{
	size_t k = s;

	if (k < i && t->cp[k] == 0x6709)        /* 有 */
		k++;
	while (k < i && is_numeral(t->cp[k]))
		k++;
	if (k == s || k >= i || !is_numeral(t->cp[k - 1]))
		return s;
	switch (t->cp[k]) {
	case 0x5BB6: case 0x4E2A: case 0x95F4: case 0x6240: case 0x5EA7: case 0x5904:
		return k + 1;
	}
	return s;
}

static void orgs(struct names *x, struct mention_list *out)
{
	const struct text *t = &x->t;
	size_t prev_s = 0, prev_e = 0, prev_k = (size_t)-1;

	for (size_t i = 0; i < t->n; i++) {
		size_t k, s;

		if (x->busy[i] || !dict_may_start(&x->orgsuf, t->cp[i]))
			continue;
		k = dict_longest(&x->orgsuf, t, i, NULL);
		if (!k || any_busy(x, i, i + k) || text_cp(t, (long)(i + k)) == 0x5361)
			continue;                                     /* 银行卡 */
		s = name_start(x, i, 8, 4, 0);
		/* 12号一棋牌室: the house number's word is the address's */
		while (s < i && s > 0 && is_number_word(t->cp[s]) &&
		       (is_digit(t->cp[s - 1]) || is_number_word(t->cp[s - 1])))
			s++;
		s = skip_quantity(t, s, i);
		if (out->n && prev_k == out->n - 1 && s == prev_e) {
			/* 工商银行 + 玄武支行, 宾馆 + 有限公司: one org */
			s = prev_s;
			out->n--;       /* its strings stay unused in the list's pool */
		} else if (i - s < 2) {
			continue;
		}
		emit(x, out, "org", span_str(x, s, i + k), s, i + k, "org.suffix", 0.8);
		prev_k = out->n - 1;
		prev_s = s;
		prev_e = i + k;
		i += k - 1;
	}
}

/* --------------------------------------------------------------- places */

static void find_anchors(struct names *x)
{
	const struct text *t = &x->t;
	size_t off = 0;

	x->nanchors = 0;
	while (off < t->len &&
	       pcre2_match(x->anchor_re, (PCRE2_SPTR)t->s, t->len, off, match_opts(x), x->md,
			   NULL) > 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
		struct anchor *a;

		off = ov[1] > ov[0] ? ov[1] : after_char(t, ov[0]);
		if (t->at[ov[0]] < 0 || t->at[ov[1]] < 0)
			continue;
		x->anchors = xgrow(x->anchors, &x->anchorcap, x->nanchors + 1,
				   sizeof(*x->anchors));
		a = &x->anchors[x->nanchors++];
		a->s = (size_t)t->at[ov[0]];
		a->e = (size_t)t->at[ov[1]];
		a->last = a->s;
		/* an anchor right after another ends the longer name: 锁金村路
		 * is a road and 长江路社区 a community, not 锁金村 + 路 */
		if (x->nanchors > 1 && a[-1].e == a->s) {
			a[-1].last = a->s;
			a[-1].e = a->e;
			a = &a[-1];
			x->nanchors--;
		}
		a->level = 0;
		for (size_t g = 1; g <= x->nanchor; g++)
			if (ov[2 * g] != PCRE2_UNSET)
				a->level = x->anchor_level[g - 1];
	}
}

static void add_part(struct names *x, size_t s, size_t e, int level, int hit)
{
	struct part *p;

	x->parts = xgrow(x->parts, &x->partcap, x->nparts + 1, sizeof(*x->parts));
	p = &x->parts[x->nparts++];
	p->s = s;
	p->e = e;
	p->level = level;
	p->hit = hit;
	p->lm = -1;
	p->unknown = 0;
	x->bound[e] = 1;
}

/* Whether a part found so far overlaps code points [s,e). */
static int overlaps_part(const struct names *x, size_t s, size_t e)
{
	for (size_t p = 0; p < x->nparts; p++)
		if (x->parts[p].s < e && s < x->parts[p].e)
			return 1;
	return 0;
}

/* Numbered tails after an anchor or a landmark ending at code point e
 * (12号 3栋 2单元 501室), as parts; returns where they end.  A tail
 * stops at an administrative name (幸福路二号桥街道: 二号桥街道 is a
 * township, not door 二号).  tail_re is compiled anchored: given at
 * match time, PCRE2_ANCHORED would run the interpreter, not the JIT. */
static size_t add_tails(struct names *x, size_t e)
{
	const struct text *t = &x->t;
	size_t off = t->off[e];

	while (off < t->len &&
	       pcre2_match(x->tail_re, (PCRE2_SPTR)t->s, t->len, off, match_opts(x), x->md,
			   NULL) > 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
		int level = 0;

		if (ov[1] <= ov[0] || t->at[ov[1]] < 0 ||
		    any_busy(x, e, (size_t)t->at[ov[1]]) ||
		    overlaps_part(x, e, (size_t)t->at[ov[1]]))
			break;
		for (size_t g = 1; g <= x->ntail; g++)
			if (ov[2 * g] != PCRE2_UNSET)
				level = x->tail_level[g - 1];
		add_part(x, e, (size_t)t->at[ov[1]], level, -1);
		e = (size_t)t->at[ov[1]];
		off = ov[1];
	}
	return e;
}

/* Whether a gazetteer hit may be taken with no parent before it: county
 * and township short names, and two-character full names (城区), may not;
 * nor may short names listed as noshort or followed by a road word. */
static int hit_alone_ok(const struct names *x, const struct gaz_hit *h, size_t s,
			size_t e, int field)
{
	const struct gaz *g = &x->gaz[h->ent];

	if (e - s < 3 && g->level >= 3 && !field)
		return 0;
	if (!h->is_short)
		return 1;
	return g->level <= 2 || (field && g->level == 3);
}

static int short_before_anchor(const struct names *x, size_t e)
{
	for (size_t k = 0; k < x->nanchors; k++)
		if (x->anchors[k].s == e || x->anchors[k].s == e + 1)
			return 1;
	return 0;
}

/* Whether hit h may stand at [s,e): chained says an administrative name
 * ends right before it, so county short names may be taken. */
static int hit_possible(const struct names *x, const struct gaz_hit *h, size_t s,
			size_t e, int chained, int field)
{
	if (h->is_short && (dict_at(&x->noshort, &x->t, s, e - s) ||
			    short_before_anchor(x, e)))
		return 0;
	return chained || hit_alone_ok(x, h, s, e, field);
}

/* Administrative names: parts with their first hit; they end names. */
static void find_admin(struct names *x, int field)
{
	const struct text *t = &x->t;
	size_t last_e = (size_t)-1;

	for (size_t i = 0; i < t->n; i++) {
		int head, ok = 0;
		size_t k;

		if (x->busy[i] || !is_han(t->cp[i]) || inside_anchor(x, i))
			continue;
		k = dict_longest(&x->gazname, t, i, &head);
		if (!k || any_busy(x, i, i + k))
			continue;
		for (int h = head; h >= 0 && !ok; h = x->hits[h].next)
			ok = hit_possible(x, &x->hits[h], i, i + k, last_e == i, field);
		if (!ok)
			continue;
		add_part(x, i, i + k, -1, head);
		last_e = i + k;
		i += k - 1;
	}
}

static int part_cmp(const void *a, const void *b)
{
	const struct part *p = a, *q = b;

	return p->s < q->s ? -1 : p->s > q->s;
}

/*
 * Before a named part starting at s, the administrative names the
 * gazetteer lacks that end there (江蹦区梅园新村), as parts: the address
 * is somewhere the gazetteer does not know, so it gets no home area and
 * its value keeps them, to read back the same.
 */
static void add_unknown_admin(struct names *x, size_t s)
{
	while (admin_end_at(x, s)) {
		size_t u = name_start(x, s - dict_ending(&x->place_admend, &x->t, s),
				      4, 2, 1);

		add_part(x, u, s, -1, -1);
		x->parts[x->nparts - 1].unknown = 1;
		s = u;
	}
}

static void find_named_parts(struct names *x)
{
	size_t nadmin = x->nparts;     /* administrative names and landmarks */

	for (size_t k = 0; k < x->nanchors; k++) {
		struct anchor *a = &x->anchors[k];
		size_t s, e;
		int inside = 0;

		for (size_t p = 0; p < nadmin; p++)
			if (a->s >= x->parts[p].s && a->s < x->parts[p].e)
				inside = 1;
		if (inside || any_busy(x, a->s, a->e))
			continue;
		s = name_start(x, a->s, 5, 2, 1);
		if (a->last - s < 2 && !(s == a->s && x->bound[s] && x->nparts > nadmin &&
				      x->parts[x->nparts - 1].e == s))
			continue;
		add_unknown_admin(x, s);
		add_part(x, s, a->e, a->level, -1);
		e = add_tails(x, a->e);
		while (k + 1 < x->nanchors && x->anchors[k + 1].s < e)
			k++;                            /* anchors inside the tail */
	}
}

/*
 * Landmarks of data/landmarks.tsv (新街口, 卫岗) where no other part
 * holds them and no anchor follows (后宰门街 is a road of its own), with
 * their numbered tails.
 */
static void find_landmarks(struct names *x)
{
	const struct text *t = &x->t;

	for (size_t i = 0; i < t->n; i++) {
		int lm, follows = 0;
		size_t k;

		if (x->busy[i] || !dict_may_start(&x->lmname, t->cp[i]))
			continue;
		k = dict_longest(&x->lmname, t, i, &lm);
		if (!k || any_busy(x, i, i + k) || overlaps_part(x, i, i + k) ||
		    inside_anchor(x, i))
			continue;
		for (size_t a = 0; a < x->nanchors; a++)
			follows |= x->anchors[a].s == i + k;
		if (follows)
			continue;
		add_part(x, i, i + k, x->lms[lm].level, -1);
		x->parts[x->nparts - 1].lm = lm;
		i = add_tails(x, i + k) - 1;
	}
}

/* The gazetteer entry a part stands for, given the entry before it
 * (cur, -1 for none); -1 when none fits or several do. */
static int resolve_hit(const struct names *x, const struct part *p, int cur,
		       int field)
{
	int best = -1, best_rank = INT_MIN, ties = 0;

	for (int h = p->hit; h >= 0; h = x->hits[h].next) {
		const struct gaz_hit *gh = &x->hits[h];
		int rank;

		if (cur >= 0) {
			if (!gaz_is_below(x, gh->ent, cur) || gh->ent == cur)
				continue;
			rank = 10 - x->gaz[gh->ent].level;  /* the nearest level below */
		} else {
			if (!hit_alone_ok(x, gh, p->s, p->e, field))
				continue;
			rank = 0;
			for (int a = x->home; a >= 0; a = x->gaz[a].parent, rank--)
				if (gaz_is_below(x, gh->ent, a)) {
					rank += 10;
					break;
				}
			rank = rank * 10 + 5 - x->gaz[gh->ent].level;
		}
		if (rank > best_rank) {
			best = gh->ent;
			best_rank = rank;
			ties = 0;
		} else if (rank == best_rank && gh->ent != best) {
			ties++;
		}
	}
	return ties ? -1 : best;
}

static void set_level(struct names_place *pl, int level, const struct sbuf *val,
		      const char *part, size_t n)
{
	char *old;

	if (level >= NAMES_NLEVELS)
		return;
	old = pl->part[level];   /* 12号 then 3栋: the building is 12号3栋 */
	free(pl->level[level]);
	pl->level[level] = xstrdup(sbuf_str(val));
	pl->part[level] = old ? xasprintf("%s%.*s", old, (int)n, part) :
				xstrndup(part, n);
	free(old);
}

/*
 * Append entry ent and its ancestors below top (-1: all) to val, coarse
 * first, recording their levels.  A hidden level (市辖区 under 北京市)
 * adds no words but still gets a level, so counts by city work for the
 * municipalities too.
 */
static void add_admin_chain(const struct names *x, int ent, int top,
			    struct sbuf *val, struct names_place *pl)
{
	int chain[8], n = 0;

	for (int a = ent; a >= 0 && a != top && n < 8; a = x->gaz[a].parent)
		chain[n++] = a;
	while (n-- > 0) {
		const struct gaz *g = &x->gaz[chain[n]];

		if (!g->hidden)
			sbuf_adds(val, g->name);
		set_level(pl, gaz_level(g), val, g->hidden ? "" : g->name,
			  g->hidden ? 0 : strlen(g->name));
	}
}

/*
 * Before a landmark, the street and community that hold it, where the
 * address so far ends at the home district (卫岗12号) or at that street
 * (孝陵卫街道卫岗), with nothing finer yet; not after a name left
 * unresolved, which the value holds but no level does.  Returns the new
 * deepest administrative entry.
 */
static int landmark_chain(const struct names *x, const struct landmark *lm,
			  int deepest, struct sbuf *val, struct names_place *pl)
{
	if (pl->level[NAMES_COMMUNITY] || pl->level[NAMES_ROAD] ||
	    pl->level[NAMES_BUILDING])
		return deepest;
	if (deepest == x->home && !pl->level[NAMES_STREET]) {
		add_admin_chain(x, lm->street, x->home, val, pl);
		deepest = lm->street;
	}
	if (deepest == lm->street && lm->community) {
		sbuf_adds(val, lm->community);
		set_level(pl, NAMES_COMMUNITY, val, lm->community, strlen(lm->community));
	}
	return deepest;
}

/*
 * Build the canonical value and levels of the address made of parts
 * [from, to).  Returns how sure it is: 0.9 with an administrative
 * anchor, 0.8 for a bare address in the home area, 0.6 when an
 * administrative name stayed ambiguous or the gazetteer lacks it.
 */
static double place_build(struct names *x, size_t from, size_t to, int field,
			  struct names_place *pl)
{
	const struct text *t = &x->t;
	struct sbuf val = SBUF_INIT;
	int cur = -1, deepest = -1, admin = 0, unresolved = 0;
	double conf = 0.8;

	names_place_release(pl);
	for (size_t k = from; k < to; k++) {
		const struct part *p = &x->parts[k];
		const char *w = t->s + t->off[p->s];
		size_t n = t->off[p->e] - t->off[p->s];

		if (p->unknown)
			admin = unresolved = 1;
		if (p->hit >= 0 && !unresolved) {
			int ent = resolve_hit(x, p, cur, field);

			admin = 1;
			if (ent >= 0) {
				add_admin_chain(x, ent, cur, &val, pl);
				cur = deepest = ent;
				continue;
			}
			unresolved = 1;
		}
		if (p->hit >= 0)
			admin = 1;
		if (!admin && x->home >= 0 && !val.len) {
			add_admin_chain(x, x->home, -1, &val, pl);
			deepest = x->home;
		}
		if (p->lm >= 0 && !unresolved)
			deepest = landmark_chain(x, &x->lms[p->lm], deepest, &val, pl);
		sbuf_add(&val, w, n);
		if (p->hit < 0 && !p->unknown)
			set_level(pl, p->level, &val, w, n);
	}
	/* A gazetteer code fits a place's (the static assertion by struct gaz). */
	if (deepest >= 0)
		strcpy(pl->code, x->gaz[deepest].code);
	if (unresolved)
		conf = 0.6;
	else if (admin)
		conf = 0.9;
	pl->value = sbuf_detach(&val);
	return conf;
}

/* Find the parts of the loaded text (x->t) and sort them. */
static void place_parts(struct names *x, int field)
{
	x->nparts = 0;
	memset(x->bound, 0, x->t.n + 1);
	find_admin(x, field);
	find_landmarks(x);
	find_named_parts(x);
	if (x->nparts)
		qsort(x->parts, x->nparts, sizeof(*x->parts), part_cmp);
}

static int part_is_admin(const struct part *p)
{
	return p->hit >= 0 || p->unknown;
}

/*
 * The end of the run of adjacent parts that starts at part k.  An
 * address goes from coarse to fine, so an administrative name after a
 * finer part starts another (幸福路12号梅园新村街道...): kept in one
 * run, it would follow the home area that the first part brought.
 */
static size_t part_run(const struct names *x, size_t k)
{
	size_t j = k + 1;

	while (j < x->nparts && x->parts[j].s == x->parts[j - 1].e &&
	       (part_is_admin(&x->parts[j - 1]) || !part_is_admin(&x->parts[j])))
		j++;
	return j;
}

static void place_attrs(const struct names_place *pl, struct sbuf *sb)
{
	int any = 0;

	sbuf_reset(sb);
	json_field(sb, "code", pl->code, strlen(pl->code));
	sbuf_adds(sb, ",\"levels\":{");
	for (int l = 0; l < NAMES_NLEVELS; l++)
		if (pl->level[l]) {
			if (any++)
				sbuf_addch(sb, ',');
			json_str(sb, level_names[l], strlen(level_names[l]));
			sbuf_addch(sb, ':');
			json_str(sb, pl->level[l], strlen(pl->level[l]));
		}
	sbuf_adds(sb, "}}");
}

static int is_blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * Fill pl from the English address that x->md holds (compile_en_place's
 * groups) in s: value and road "Baker Road", with the number after it
 * as the building ("Baker Road 12"), white space folded.  Leading words
 * of kind enskip (The, Near) are dropped, and the number before them
 * with them.  Returns the byte where the address starts, or -1 when no
 * name is left (The Road).  English addresses get no home area: they
 * may lie anywhere.
 */
static long en_place(const struct names *x, const char *s, struct names_place *pl)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
	size_t rs = ov[4], re = ov[5], start = ov[0];
	struct sbuf road = SBUF_INIT;
	const char *num = NULL;
	size_t numlen = 0, w;

	for (;;) {
		w = rs;
		while (w < re && !is_blank(s[w]))
			w++;
		if (w >= re)
			break;
		if (!dict_get(&x->en_skip, s + rs, w - rs))
			break;
		while (w < re && is_blank(s[w]))
			w++;
		rs = start = w;
	}
	for (w = rs; w < re && !is_blank(s[w]); w++)
		;
	if (w == re)
		return -1;                        /* the road word alone */
	if (ov[2] != PCRE2_UNSET && start == ov[0]) {
		num = s + ov[2];
		numlen = ov[3] - ov[2];
	} else if (ov[6] != PCRE2_UNSET) {
		num = s + ov[6];
		numlen = ov[7] - ov[6];
	}
	for (size_t i = rs; i < re; i++) {
		if (!is_blank(s[i]))
			sbuf_addch(&road, s[i]);
		else if (road.len && road.buf[road.len - 1] != ' ')
			sbuf_addch(&road, ' ');
	}
	names_place_release(pl);
	set_level(pl, NAMES_ROAD, &road, sbuf_str(&road), road.len);
	if (num) {
		sbuf_addch(&road, ' ');
		sbuf_add(&road, num, numlen);
		set_level(pl, NAMES_BUILDING, &road, num, numlen);
	}
	pl->value = sbuf_detach(&road);
	return (long)start;
}

/* English addresses not claimed before: 12 Baker Road, near Queen Street. */
static void places_en(struct names *x, struct mention_list *out,
		      struct names_place *pl, struct sbuf *attrs)
{
	const struct text *t = &x->t;
	size_t off = 0;

	/* most reports hold no capitalised word: skip the rule for them */
	while (off + 1 < t->len && !(t->s[off] >= 'A' && t->s[off] <= 'Z' &&
				     t->s[off + 1] >= 'a' && t->s[off + 1] <= 'z'))
		off++;
	off = off + 1 < t->len ? 0 : t->len;
	while (x->en_place_re && off < t->len &&
	       pcre2_match(x->en_place_re, (PCRE2_SPTR)t->s, t->len, off, match_opts(x),
			   x->md, NULL) > 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
		size_t end = ov[1];
		long bs;
		struct mention *m;

		off = ov[1] > ov[0] ? ov[1] : after_char(t, ov[0]);
		bs = en_place(x, t->s, pl);
		if (bs < 0 || t->at[bs] < 0 || t->at[end] < 0 ||
		    any_busy(x, (size_t)t->at[bs], (size_t)t->at[end]))
			continue;
		m = emit(x, out, "place", pl->value, (size_t)t->at[bs], (size_t)t->at[end],
			 "place.en", 0.7);
		place_attrs(pl, attrs);
		m->attrs = mention_str(out, sbuf_str(attrs));
	}
}

static void places(struct names *x, struct mention_list *out)
{
	struct names_place pl;
	struct sbuf attrs = SBUF_INIT;

	names_place_init(&pl);
	place_parts(x, 0);
	for (size_t k = 0; k < x->nparts; ) {
		size_t j = part_run(x, k);
		size_t s = x->parts[k].s, e = x->parts[j - 1].e;
		double conf;
		struct mention *m;

		if (any_busy(x, s, e)) {
			k = j;
			continue;
		}
		conf = place_build(x, k, j, 0, &pl);
		m = emit(x, out, "place", pl.value, s, e,
			 j - k == 1 && x->parts[k].hit >= 0 ? "place.admin" : "place.address",
			 conf);
		place_attrs(&pl, &attrs);
		m->attrs = mention_str(out, sbuf_str(&attrs));
		k = j;
	}
	places_en(x, out, &pl, &attrs);
	names_place_release(&pl);
	sbuf_release(&attrs);
}

void names_place_init(struct names_place *p)
{
	memset(p, 0, sizeof(*p));
}

void names_place_release(struct names_place *p)
{
	free(p->value);
	for (int l = 0; l < NAMES_NLEVELS; l++) {
		free(p->level[l]);
		free(p->part[l]);
	}
	names_place_init(p);
}

/* Load text into x and clear the per-text scratch. */
static void scratch_load(struct names *x, const char *s, size_t len)
{
	text_load(&x->t, s, len);
	x->t_utf = -1;
	if (x->t.n + 1 > x->busycap) {
		x->busycap = x->t.n + 1;
		x->busy = xrealloc(x->busy, x->busycap);
		x->bound = xrealloc(x->bound, x->busycap);
	}
	memset(x->busy, 0, x->t.n + 1);
	memset(x->bound, 0, x->t.n + 1);
}

char *names_place(struct names *x, const char *s, size_t len,
		  struct names_place *chain)
{
	struct names_place pl;
	size_t best = 0, bestlen = 0;
	char *v;

	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	scratch_load(x, s, len);
	find_anchors(x);
	place_parts(x, 1);
	for (size_t k = 0; k < x->nparts; ) {
		size_t j = part_run(x, k);
		size_t n = x->parts[j - 1].e - x->parts[k].s;

		if (n > bestlen) {
			best = k;
			bestlen = n;
		}
		k = j;
	}
	names_place_init(&pl);
	if (bestlen) {
		place_build(x, best, part_run(x, best), 1, &pl);
	} else if (!x->en_place_re ||
		   pcre2_match(x->en_place_re, (PCRE2_SPTR)x->t.s, x->t.len, 0, match_opts(x), x->md,
			       NULL) <= 0 ||
		   en_place(x, s, &pl) < 0) {
		names_place_release(&pl);
		pl.value = xstrndup(s, len);
	}
	v = xstrdup(pl.value);
	if (chain) {
		names_place_release(chain);
		*chain = pl;
	} else {
		names_place_release(&pl);
	}
	return v;
}

/* ------------------------------------------------------------- objects */

static int is_sentence_end(uint32_t c)
{
	return c == 0x3002 || c == '!' || c == '?' || c == ';' || c == '\n';
}

static int sentence_has_cue(const struct names *x, size_t i)
{
	const struct text *t = &x->t;
	size_t s = i, e = i;
	const char *bs, *be;

	while (s > 0 && !is_sentence_end(t->cp[s - 1]))
		s--;
	while (e < t->n && !is_sentence_end(t->cp[e]))
		e++;
	bs = t->s + t->off[s];
	be = t->s + t->off[e];
	for (size_t c = 0; c < x->nitemcue; c++)
		if (memmem(bs, (size_t)(be - bs), x->itemcue[c], strlen(x->itemcue[c])))
			return 1;
	return 0;
}

/* Identifiers the other extractor found in the same clause after the
 * object (or just before it), as JSON fields in attrs. */
static void item_ids(const struct names *x, const struct mention_list *out,
		     size_t s, size_t e, struct sbuf *attrs)
{
	const struct text *t = &x->t;
	long bs = (long)t->off[s], be = (long)t->off[e];
	size_t lim = e;

	while (lim < t->n && !is_sentence_end(t->cp[lim]) && lim < e + 40)
		lim++;
	for (size_t k = 0; k < out->n; k++) {
		const struct mention *m = &out->v[k];

		if (m->start < 0 || !strcmp(m->type, "person") || !strcmp(m->type, "place") ||
		    !strcmp(m->type, "org") || !strcmp(m->type, "item") ||
		    !strcmp(m->type, "money") || !strcmp(m->type, "date") ||
		    !strcmp(m->type, "age") || !strcmp(m->type, "sex"))
			continue;
		if ((m->start >= be && m->start < (long)t->off[lim]) ||
		    (m->end <= bs && bs - m->end <= 24))
			if (!strstr(sbuf_str(attrs), m->type))
				json_field(attrs, m->type, m->value, strlen(m->value));
	}
}

static void items(struct names *x, struct mention_list *out)
{
	const struct text *t = &x->t;

	for (size_t i = 0; i < t->n; i++) {
		struct sbuf attrs = SBUF_INIT, val = SBUF_INIT;
		size_t k, s, ms, me, b, cs, ce, bs, be;
		struct mention *m;

		if (x->busy[i] || !dict_may_start(&x->item, t->cp[i]))
			continue;
		k = dict_longest(&x->item, t, i, NULL);
		if (!k || any_busy(x, i, i + k) || dict_longest(&x->itemskip, t, i + k, NULL) ||
		    !sentence_has_cue(x, i))
			continue;
		/* model: Latin letters and digits just before (iPhone 13, Mate60) */
		s = i;
		while (s > 0 && !x->busy[s - 1] &&
		       (is_latin(t->cp[s - 1]) || is_digit(t->cp[s - 1]) ||
			(t->cp[s - 1] == ' ' && s > 1 && !is_han(t->cp[s - 2]))))
			s--;
		while (s < i && (t->cp[s] == ' ' || is_digit(t->cp[s])) &&
		       !dict_ending(&x->brand, t, s))
			s++;                  /* a count (2部) is no model */
		ms = s;
		cs = ce = bs = be = 0;
		for (int round = 0; round < 2; round++) {
			if (!ce && (b = dict_ending(&x->colour, t, ms)) &&
			    !any_busy(x, ms - b, ms)) {
				cs = ms - b;
				ce = ms;
				ms = cs;
			}
			if (!be && (b = dict_ending(&x->brand, t, ms)) &&
			    !any_busy(x, ms - b, ms)) {
				bs = ms - b;
				be = ms;
				ms = bs;
			}
		}
		if (ce)
			json_field(&attrs, "colour", t->s + t->off[cs], t->off[ce] - t->off[cs]);
		if (be) {
			json_field(&attrs, "brand", t->s + t->off[bs], t->off[be] - t->off[bs]);
			sbuf_add(&val, t->s + t->off[bs], t->off[be] - t->off[bs]);
		}
		if (s < i) {
			json_field(&attrs, "model", t->s + t->off[s], t->off[i] - t->off[s]);
			sbuf_add(&val, t->s + t->off[s], t->off[i] - t->off[s]);
		}
		sbuf_add(&val, t->s + t->off[i], t->off[i + k] - t->off[i]);
		me = i + k;
		item_ids(x, out, ms, me, &attrs);
		m = emit(x, out, "item", sbuf_str(&val), ms, me, "item.word", 0.7);
		if (attrs.len) {
			sbuf_addch(&attrs, '}');
			m->attrs = mention_str(out, sbuf_str(&attrs));
		}
		sbuf_release(&attrs);
		sbuf_release(&val);
		i = me - 1;
	}
}

/* ------------------------------------------------------------- extract */

int names_extract(struct names *x, const char *text, size_t len,
		  struct mention_list *out)
{
	scratch_load(x, text, len);
	for (size_t k = 0; k < out->n; k++) {
		const struct mention *m = &out->v[k];

		if (m->start >= 0 && (size_t)m->end <= len && m->start < m->end &&
		    x->t.at[m->start] >= 0 && x->t.at[m->end] >= 0)
			mark_busy(x, (size_t)x->t.at[m->start], (size_t)x->t.at[m->end]);
	}
	find_anchors(x);
	persons_en(x, out);
	persons_zh(x, out);
	orgs(x, out);
	places(x, out);
	items(x, out);
	return 0;
}
