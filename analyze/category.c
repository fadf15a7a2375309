/*
 * category: keyword scoring over the report text.
 *
 * Keywords are indexed by their first character (UTF-8 bytes, ASCII
 * lower-cased), so one pass over the text looks up each character once
 * and compares only the few keywords that start with it; a report of 200
 * bytes costs a few microseconds whatever the size of the table.  Each
 * keyword counts once per report.  A keyword right after a negation word
 * (at most one character between) does not count.
 */
#include "analyze/category.h"
#include "analyze/datafile.h"
#include "analyze/strmap.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct cat {
	char *key;
	char *name;           /* the first Chinese name */
	char *parent_key;     /* NULL for none; resolved into parent */
	int parent;           /* index or -1 */
};

struct kw {
	char *word;
	size_t len;
	int cat;
	int weight;
	int ascii;            /* compared ignoring case, as a whole word */
};

struct bucket {
	int *idx;
	size_t n, cap;
};

struct alias {
	char *given;
	size_t len;
	int ascii;
	int cat;
};

/* A negation word, with what each keyword hit would otherwise work out again. */
struct neg {
	char *word;
	size_t len;
	int ascii;
};

struct category {
	struct cat *cats;
	size_t n_cats, cap_cats;
	struct kw *kws;
	size_t n_kws, cap_kws;
	struct strmap first;          /* first character -> struct bucket * */
	uint64_t starts[64];          /* bit first_bit() of each keyword's first character */
	struct alias *aliases;
	size_t n_aliases, cap_aliases;
	struct neg *neg;
	size_t n_neg, cap_neg;
	int threat, other;
};

static const char *const register_kinds[] = { "lodging", "netcafe", "pawn", "register", NULL };

static int is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

static size_t utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

static int find_cat(const struct category *c, const char *key)
{
	for (size_t i = 0; i < c->n_cats; i++)
		if (!strcmp(c->cats[i].key, key))
			return (int)i;
	return -1;
}

/*
 * A 4096-bit filter on first characters: most characters of a text start
 * no keyword, and testing a bit is much cheaper than the map lookup.
 */
static unsigned first_bit(const char *s, size_t n)
{
	unsigned h = 0;

	for (size_t i = 0; i < n; i++)
		h = h * 31 + (unsigned char)s[i];
	return h & 4095;
}

static void add_keyword(struct category *c, const char *word, int cat, int weight)
{
	struct kw *k;
	struct bucket *b;
	void **slot;
	char first[4];
	size_t flen;

	if (!*word)
		return;
	/* The same word twice for one category (a name that is also an
	 * escalation word) counts once, at its higher weight. */
	for (size_t i = 0; i < c->n_kws; i++) {
		if (c->kws[i].cat == cat && !strcmp(c->kws[i].word, word)) {
			if (weight > c->kws[i].weight)
				c->kws[i].weight = weight;
			return;
		}
	}
	c->kws = xgrow(c->kws, &c->cap_kws, c->n_kws + 1, sizeof(*c->kws));
	k = &c->kws[c->n_kws];
	k->word = xstrdup(word);
	k->len = strlen(word);
	k->cat = cat;
	k->weight = weight;
	k->ascii = is_ascii(word);
	if (k->ascii)
		for (char *p = k->word; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	flen = utf8_len((unsigned char)k->word[0]);
	if (flen > k->len)
		flen = k->len;
	memcpy(first, k->word, flen);
	slot = strmap_putn(&c->first, first, flen);
	c->starts[first_bit(first, flen) / 64] |= 1ULL << (first_bit(first, flen) % 64);
	if (!*slot)
		*slot = xcalloc(1, sizeof(struct bucket));
	b = *slot;
	b->idx = xgrow(b->idx, &b->cap, b->n + 1, sizeof(*b->idx));
	b->idx[b->n++] = (int)c->n_kws;
	c->n_kws++;
}

static void add_list(struct category *c, char *list, int cat, int weight)
{
	char *parts[256];
	int n;

	if (!strcmp(list, "-"))
		return;
	n = datafile_split(list, ',', parts, 256);
	for (int i = 0; i < n; i++)
		add_keyword(c, parts[i], cat, weight);
}

static int category_line(void *ctx, char **f, int n, struct err *err)
{
	struct category *c = ctx;

	if (!strcmp(f[0], "category")) {
		struct cat *k;
		char *comma;

		if (n != 5)
			return err_set(err, "expected category, key, parent, names, keywords");
		if (find_cat(c, f[1]) >= 0)
			return err_set(err, "category '%s' given twice", f[1]);
		c->cats = xgrow(c->cats, &c->cap_cats, c->n_cats + 1, sizeof(*c->cats));
		k = &c->cats[c->n_cats++];
		k->key = xstrdup(f[1]);
		comma = strchr(f[3], ',');
		k->name = comma ? xstrndup(f[3], (size_t)(comma - f[3])) : xstrdup(f[3]);
		k->parent_key = strcmp(f[2], "-") ? xstrdup(f[2]) : NULL;
		k->parent = -1;
		add_list(c, f[3], (int)c->n_cats - 1, 2);
		add_list(c, f[4], (int)c->n_cats - 1, 1);
		return 0;
	}
	if (!strcmp(f[0], "alias")) {
		int cat;

		if (n != 3)
			return err_set(err, "expected alias, given, key");
		cat = find_cat(c, f[2]);
		if (cat < 0)
			return err_set(err, "alias of unknown category '%s'", f[2]);
		c->aliases = xgrow(c->aliases, &c->cap_aliases, c->n_aliases + 1,
				   sizeof(*c->aliases));
		c->aliases[c->n_aliases].given = xstrdup(f[1]);
		c->aliases[c->n_aliases].len = strlen(f[1]);
		c->aliases[c->n_aliases].ascii = is_ascii(f[1]);
		c->aliases[c->n_aliases].cat = cat;
		c->n_aliases++;
		return 0;
	}
	if (!strcmp(f[0], "negation")) {
		if (n != 2 || !*f[1])
			return err_set(err, "expected negation, word");
		c->neg = xgrow(c->neg, &c->cap_neg, c->n_neg + 1, sizeof(*c->neg));
		c->neg[c->n_neg].word = xstrdup(f[1]);
		c->neg[c->n_neg].len = strlen(f[1]);
		c->neg[c->n_neg++].ascii = is_ascii(f[1]);
		return 0;
	}
	return err_set(err, "unknown line kind '%s'", f[0]);
}

static int escalation_line(void *ctx, char **f, int n, struct err *err)
{
	struct category *c = ctx;

	if (n != 1)
		return err_set(err, "expected one word a line");
	add_keyword(c, f[0], c->threat, 1);
	return 0;
}

void category_free(struct category *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_cats; i++) {
		free(c->cats[i].key);
		free(c->cats[i].name);
		free(c->cats[i].parent_key);
	}
	for (size_t i = 0; i < c->n_kws; i++)
		free(c->kws[i].word);
	for (size_t i = 0; i < c->first.cap; i++) {
		struct bucket *b = c->first.v[i].val;

		if (c->first.v[i].key) {
			free(b->idx);
			free(b);
		}
	}
	strmap_release(&c->first);
	for (size_t i = 0; i < c->n_aliases; i++)
		free(c->aliases[i].given);
	for (size_t i = 0; i < c->n_neg; i++)
		free(c->neg[i].word);
	free(c->cats);
	free(c->kws);
	free(c->aliases);
	free(c->neg);
	free(c);
}

struct category *category_new(const char *dir, struct err *err)
{
	struct category *c = xcalloc(1, sizeof(*c));

	strmap_init(&c->first);
	if (datafile_read(dir, "categories.tsv", category_line, c, err) < 0)
		goto fail;
	c->threat = find_cat(c, "threat");
	c->other = find_cat(c, "other");
	if (c->threat < 0 || c->other < 0) {
		err_set(err, "'%s/categories.tsv' must define 'threat' and 'other'", dir);
		goto fail;
	}
	for (size_t i = 0; i < c->n_cats; i++) {
		if (!c->cats[i].parent_key)
			continue;
		c->cats[i].parent = find_cat(c, c->cats[i].parent_key);
		if (c->cats[i].parent < 0 || c->cats[i].parent == (int)i) {
			err_set(err, "'%s/categories.tsv': bad parent '%s' of '%s'", dir,
				c->cats[i].parent_key, c->cats[i].key);
			goto fail;
		}
	}
	if (datafile_read(dir, "escalation-words.txt", escalation_line, c, err) < 0)
		goto fail;
	return c;
fail:
	category_free(c);
	return NULL;
}

static int word_char(const char *text, size_t len, long i)
{
	return i >= 0 && (size_t)i < len && isalnum((unsigned char)text[i]);
}

/* Whether text[p..p+k->len) is the keyword, as a whole word for ASCII ones. */
static int keyword_at(const struct kw *k, const char *text, size_t len, size_t p)
{
	if (p + k->len > len)
		return 0;
	if (!k->ascii)
		return !memcmp(text + p, k->word, k->len);
	return !strncasecmp(text + p, k->word, k->len) &&
	       !word_char(text, len, (long)p - 1) &&
	       !word_char(text, len, (long)(p + k->len));
}

/* The start of the character before position p. */
static size_t prev_char(const char *text, size_t p)
{
	if (p == 0)
		return 0;
	p--;
	while (p > 0 && ((unsigned char)text[p] & 0xc0) == 0x80)
		p--;
	return p;
}

static int ends_with_at(const char *text, size_t end, const struct neg *w)
{
	size_t l = w->len;

	if (l > end)
		return 0;
	if (w->ascii)
		return !strncasecmp(text + end - l, w->word, l) &&
		       !word_char(text, end, (long)(end - l) - 1);
	return !memcmp(text + end - l, w->word, l);
}

static int negated(const struct category *c, const char *text, size_t p)
{
	size_t gap1 = prev_char(text, p);

	for (size_t i = 0; i < c->n_neg; i++)
		if (ends_with_at(text, p, &c->neg[i]) ||
		    (gap1 < p && ends_with_at(text, gap1, &c->neg[i])))
			return 1;
	return 0;
}

const char *category_alias(const struct category *c, const char *given)
{
	const struct alias *best = NULL;
	size_t best_len = 0;

	if (!given || !*given)
		return NULL;
	for (size_t i = 0; i < c->n_aliases; i++) {
		const struct alias *a = &c->aliases[i];
		size_t l = a->len;

		if (!strcasecmp(given, a->given))
			return c->cats[a->cat].key;
		/* English aliases must match whole; Chinese ones may be contained. */
		if (l > best_len && !a->ascii && strstr(given, a->given)) {
			best = a;
			best_len = l;
		}
	}
	return best ? c->cats[best->cat].key : NULL;
}

static int is_register(const char *kind)
{
	for (int i = 0; kind && register_kinds[i]; i++)
		if (!strcmp(kind, register_kinds[i]))
			return 1;
	return 0;
}

static void add_hit(struct category_result *out, const struct category *c, int cat,
		    int score)
{
	for (int i = 0; i < out->n; i++)
		if (out->v[i].key == c->cats[cat].key)
			return;
	if (out->n < CATEGORY_MAX) {
		out->v[out->n].key = c->cats[cat].key;
		out->v[out->n].primary = 0;
		out->v[out->n].score = score;
		out->n++;
	}
}

void category_classify(const struct category *c, const char *text, size_t len,
		       const char *given, const char *kind, struct category_result *out)
{
	int *score = xcalloc(c->n_cats, sizeof(*score));
	int seen[128], n_seen = 0, primary = -1;
	const char *alias = category_alias(c, given);

	out->n = 0;
	for (size_t p = 0; p < len; p += utf8_len((unsigned char)text[p])) {
		char first[4];
		size_t flen = utf8_len((unsigned char)text[p]);
		unsigned bit;
		const struct bucket *b;

		if (p + flen > len)
			break;
		memcpy(first, text + p, flen);
		if (flen == 1)
			first[0] = (char)tolower((unsigned char)first[0]);
		bit = first_bit(first, flen);
		if (!(c->starts[bit / 64] & (1ULL << (bit % 64))))
			continue;
		b = strmap_getn(&c->first, first, flen);
		for (size_t i = 0; b && i < b->n; i++) {
			const struct kw *k = &c->kws[b->idx[i]];
			int dup = 0;

			if (!keyword_at(k, text, len, p) || negated(c, text, p))
				continue;
			for (int j = 0; j < n_seen && !dup; j++)
				dup = seen[j] == b->idx[i];
			if (dup)
				continue;
			if (n_seen < 128)
				seen[n_seen++] = b->idx[i];
			score[k->cat] += k->weight;
		}
	}
	if (alias) {
		primary = find_cat(c, alias);
		score[primary] += 100;
		/* "其他" given says nothing the text cannot say better. */
		if (primary == c->other)
			primary = -1;
	}
	/* A threat is said about something (a dispute, an assault): it is
	 * primary only when nothing else is, or when the field says so. */
	for (size_t i = 0; i < c->n_cats; i++)
		if (score[i] > 0 && (int)i != c->other && (int)i != c->threat &&
		    (primary < 0 || score[i] > score[primary]))
			primary = (int)i;
	if (primary < 0 && score[c->threat] > 0)
		primary = c->threat;
	if (primary < 0 && !is_register(kind))
		primary = c->other;
	if (primary >= 0) {
		add_hit(out, c, primary, score[primary]);
		out->v[0].primary = 1;
	}
	/* The rest by score, ties in file order. */
	for (int best;;) {
		best = -1;
		for (size_t i = 0; i < c->n_cats; i++) {
			int taken = 0;

			for (int j = 0; j < out->n && !taken; j++)
				taken = out->v[j].key == c->cats[i].key;
			if (!taken && score[i] > 0 && (int)i != c->other &&
			    (best < 0 || score[i] > score[best]))
				best = (int)i;
		}
		if (best < 0)
			break;
		add_hit(out, c, best, score[best]);
	}
	for (int i = 0, n = out->n; i < n; i++) {
		int cat = find_cat(c, out->v[i].key);

		if (c->cats[cat].parent >= 0)
			add_hit(out, c, c->cats[cat].parent, 0);
	}
	free(score);
}

const char *category_name(const struct category *c, const char *key)
{
	int i = find_cat(c, key);

	return i < 0 ? NULL : c->cats[i].name;
}

size_t category_count(const struct category *c)
{
	return c->n_cats;
}

const char *category_key(const struct category *c, size_t i)
{
	return i < c->n_cats ? c->cats[i].key : NULL;
}
