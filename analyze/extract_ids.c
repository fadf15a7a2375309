/*
 * extract_ids: the identifier and value extractor.
 *
 * Design.  Each rule of data/rules/ids.tsv is one PCRE2 pattern.  The
 * consecutive rules of one type are joined into one JIT-compiled
 * pattern (each alternative marked with its rule), run in one pass over
 * the text: PCRE2's cost is per byte and per pass, so there are as many
 * passes as types, and a pass whose words (the needs column) are absent
 * from the text is not run at all.  A pattern only finds where a
 * candidate stands (capture group 1 when the pattern has one, so a
 * pattern may require its context words, "QQ号" or "微信", without
 * making them part of the span); the checks that decide what it is live
 * in C (analyze/validate, analyze/values): check digits, birth dates,
 * plate grammar, the arithmetic of Chinese numerals.
 *
 * Context.  A number alone rarely says what it is.  The words of
 * data/rules/context.tsv (卡号, 身份证, 串号, 订单号 ...) are found by
 * one scan of the text with a first-character hash, the same scan that
 * finds the passes' needs.  The label nearest before a candidate, within
 * a short window, decides for the kinds that need it: a bank card needs
 * a bank label (before it, touching its end: "向6222...账户转账", or
 * before the first card of a list); a 15-digit number that is both a
 * valid legacy ID and a Luhn-valid IMEI is an ID only after an ID
 * label; any number right after an order, waybill or serial label is no
 * identifier.  Patterns name a context list as {name}, expanded to the
 * alternation of its words, so the words live in one file.
 *
 * Overlaps.  All candidates of all rules are collected first; then the
 * longest wins, then the more confident, then the earlier rule, so a
 * phone inside an ID or card number is never a second mention.
 *
 * Memory.  The candidates, their values and the labels live in buffers
 * that x keeps and reuses, so a call allocates only the mentions it
 * appends.
 */
#include "analyze/extract_ids.h"
#include "analyze/datafile.h"
#include "analyze/validate.h"
#include "analyze/values.h"
#include "common/norm.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* How far before a number (bytes) a label still speaks for it: ten Chinese characters. */
#define LABEL_WINDOW 30
/* How much a label of the candidate's own kind adds to its confidence. */
#define LABEL_BOOST 0.04
/* Slots of the label words' first-character hash (a power of two, above the number of first characters). */
#define LABEL_SLOTS 512

enum ids_kind {
	KIND_PHONE, KIND_IDCARD, KIND_PLATE, KIND_IMEI, KIND_BANKCARD, KIND_EMAIL,
	KIND_QQ, KIND_WECHAT, KIND_CASE, KIND_VIN,
	KIND_AMOUNT, KIND_AGE, KIND_SEX, KIND_DATETIME,
	KIND_COUNT
};

/* The mention types, static so that mentions may outlive x. */
static const char *const kind_names[KIND_COUNT] = {
	"phone", "idcard", "plate", "imei", "bankcard", "email",
	"qq", "wechat", "case", "vin",
	"amount", "age", "sex", "datetime",
};

/* One line of ids.tsv. */
struct ids_rule {
	enum ids_kind kind;
	char *name;             /* owned */
	double confidence;
	char *pattern;          /* owned, {name} expanded; freed once compiled */
	char *needs;            /* owned or NULL: words, one of which the text must hold */
};

/*
 * One pass over the text: the consecutive rules of one type joined into
 * one pattern, each alternative marked with its rule's index, so that
 * the number of passes is the number of types, not of rules.  A pass
 * is skipped when the text holds none of the words its rules need.
 */
struct ids_pass {
	pcre2_code *code;       /* owned */
	int *needs;             /* owned: per need, a word of x->needs (>= 0) or a
				   context list ("{qq}") as -1 - its index; n_needs == 0: always run */
	size_t n_needs;
};

/* A word of a dictionary: a label word, or a word a pass needs. */
struct ids_word {
	char *w;                /* owned */
	size_t len;
	int value;              /* the label's context list, or the need's index */
	uint32_t first;         /* first code point, ASCII lower-cased */
};

/*
 * Words indexed by their first character, longest first, so that one
 * scan of the text finds them all with one hash probe a character
 * (one big alternation would be tried by PCRE2 at every byte).  ASCII
 * case is ignored; a bounded dictionary's words that begin or end with
 * a letter do not touch another letter ("tel" is nothing in "hotel").
 */
struct ids_dict {
	struct ids_word *words;
	size_t n, cap;
	int bounded;
	size_t index[LABEL_SLOTS][2];   /* open hash: first character -> [from, to) of words */
	uint32_t key[LABEL_SLOTS];
};

/* A context list of context.tsv: a name and its words. */
struct ids_context {
	char *name;             /* owned */
	char **words;           /* owned, each owned */
	size_t n, cap;
};

/* A label found in the text: a context word at [start,end). */
struct ids_label {
	size_t start, end;
	int context;            /* index into x->contexts */
};

struct ids_cand {
	enum ids_kind kind;
	size_t rule;
	size_t start, end;
	double confidence;
	int partial;
	size_t value;           /* offset into x->arena */
	size_t surface;         /* offset into x->arena */
	long attrs;             /* offset into x->arena, or -1 */
	int keep;
};

struct ids {
	struct ids_rule *rules;
	size_t n_rules, cap_rules;
	struct ids_pass *passes;
	size_t n_passes;
	struct ids_context *contexts;
	size_t n_contexts, cap_contexts;
	struct ids_dict labels_dict;    /* the context words; value: their list */
	struct ids_dict needs_dict;     /* the words passes need; value: their index */
	unsigned char *need_seen;       /* per need word: seen in the current text */
	pcre2_match_data *md;           /* owned, shared by every pattern */
	int ctx_notid, ctx_idcard, ctx_imei, ctx_bankcard, ctx_vin;  /* -1 when absent */
	int ctx_fill, ctx_notvalue;
	int today;                      /* YYYYMMDD */
	struct date_ref ref;
	/* scratch, reused by every call */
	struct ids_label *labels;
	size_t n_labels, cap_labels;
	struct ids_cand *cands;
	size_t n_cands, cap_cands;
	size_t list_end[KIND_COUNT];    /* end of the last candidate of each kind, or 0 */
	struct sbuf arena;
};

/* ---- loading ---- */

static int context_index(const struct ids *x, const char *name)
{
	for (size_t i = 0; i < x->n_contexts; i++)
		if (strcmp(x->contexts[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int context_line(void *ctx, char **f, int n, struct err *err)
{
	struct ids *x = ctx;
	struct ids_context *c;
	int i;

	if (n != 2 || !*f[0] || !*f[1])
		return err_set(err, "expected 'name<TAB>word'");
	if ((i = context_index(x, f[0])) < 0) {
		x->contexts = xgrow(x->contexts, &x->cap_contexts, x->n_contexts + 1,
				    sizeof(*x->contexts));
		i = (int)x->n_contexts++;
		memset(&x->contexts[i], 0, sizeof(x->contexts[i]));
		x->contexts[i].name = xstrdup(f[0]);
	}
	c = &x->contexts[i];
	c->words = xgrow(c->words, &c->cap, c->n + 1, sizeof(*c->words));
	c->words[c->n++] = xstrdup(f[1]);
	return 0;
}

static int is_ascii_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/*
 * A context word as a pattern: literal, and when it begins or ends with
 * an ASCII letter, not glued to another letter ("tel" is no label inside
 * "hotel").
 */
static void add_word_pattern(struct sbuf *sb, const char *w)
{
	size_t n = strlen(w);

	if (is_ascii_letter(w[0]))
		sbuf_adds(sb, "(?<![A-Za-z])");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];

		if (c < 0x80 && !((c >= '0' && c <= '9') || is_ascii_letter((char)c)))
			sbuf_addch(sb, '\\');
		sbuf_addch(sb, (char)c);
	}
	if (is_ascii_letter(w[n - 1]))
		sbuf_adds(sb, "(?![A-Za-z])");
}

static int by_length_desc(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

	return la < lb ? 1 : la > lb ? -1 : 0;
}

/* Longer words first, so that "银行卡号" is tried before "卡号" at one place. */
static void sort_words(struct ids_context *c)
{
	qsort(c->words, c->n, sizeof(*c->words), by_length_desc);
}

/* Expand every {name} of a rule's pattern into the alternation of its context words. */
static int expand_pattern(const struct ids *x, const char *pat, struct sbuf *out,
			  struct err *err)
{
	for (const char *p = pat; *p; p++) {
		size_t n = 0;

		if (*p == '{' && (p == pat || p[-1] != '\\'))
			while (p[1 + n] >= 'a' && p[1 + n] <= 'z')
				n++;
		if (n > 0 && p[1 + n] == '}') {
			char name[64];
			int i;

			snprintf(name, sizeof(name), "%.*s", (int)n, p + 1);
			if ((i = context_index(x, name)) < 0)
				return err_set(err, "no context list '%s' in context.tsv", name);
			sbuf_adds(out, "(?i:");
			for (size_t k = 0; k < x->contexts[i].n; k++) {
				if (k)
					sbuf_addch(out, '|');
				add_word_pattern(out, x->contexts[i].words[k]);
			}
			sbuf_addch(out, ')');
			p += n + 1;
		} else {
			sbuf_addch(out, *p);
		}
	}
	return 0;
}

/* Compile and JIT-compile a pattern; PCRE2's error becomes err. */
static pcre2_code *compile(const char *pat, uint32_t flags, struct err *err)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE at;
	int code;
	pcre2_code *re;

	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF | flags,
			   &code, &at, NULL);
	if (!re) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		err_set(err, "bad pattern at offset %zu: %s", (size_t)at, (char *)msg);
		return NULL;
	}
	/* Without JIT (an unsupported CPU) pcre2_match interprets: slower, same answers. */
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

static int rule_line(void *ctx, char **f, int n, struct err *err)
{
	struct ids *x = ctx;
	struct sbuf pat = SBUF_INIT;
	struct ids_rule *r;
	pcre2_code *re;
	char *end;
	double conf;
	int kind = -1, rc = 0;

	if (n != 4 && n != 5)
		return err_set(err, "expected 'type<TAB>rule<TAB>confidence<TAB>pattern[<TAB>needs]'");
	for (int k = 0; k < KIND_COUNT; k++)
		if (strcmp(f[0], kind_names[k]) == 0)
			kind = k;
	if (kind < 0)
		return err_set(err, "unknown type '%s'", f[0]);
	conf = strtod(f[2], &end);
	if (end == f[2] || *end || conf <= 0 || conf > 1)
		return err_set(err, "confidence '%s' is not a number in (0,1]", f[2]);
	if (expand_pattern(x, f[3], &pat, err) < 0) {
		rc = -1;
		goto out;
	}
	/* compiled alone once, so that an error names its rule */
	if (!(re = compile(sbuf_str(&pat), 0, err))) {
		rc = err_prefix(err, "rule '%s'", f[1]);
		goto out;
	}
	pcre2_code_free(re);
	x->rules = xgrow(x->rules, &x->cap_rules, x->n_rules + 1, sizeof(*x->rules));
	r = &x->rules[x->n_rules++];
	r->kind = (enum ids_kind)kind;
	r->name = xstrdup(f[1]);
	r->confidence = conf;
	r->pattern = sbuf_detach(&pat);
	r->needs = n == 5 && *f[4] ? xstrdup(f[4]) : NULL;
out:
	sbuf_release(&pat);
	return rc;
}

/* The first code point of a UTF-8 string (ASCII lower-cased) and its byte length. */
static uint32_t first_char(const char *s, size_t len, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (len >= 3 && (u[0] & 0xF0) == 0xE0) {
		*n = 3;
		return (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
	}
	if (len >= 2 && (u[0] & 0xE0) == 0xC0) {
		*n = 2;
		return (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
	}
	if (len >= 4 && (u[0] & 0xF8) == 0xF0) {
		*n = 4;
		return (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3F) << 12 |
		       (uint32_t)(u[2] & 0x3F) << 6 | (u[3] & 0x3F);
	}
	*n = 1;
	return u[0] >= 'A' && u[0] <= 'Z' ? u[0] + 32u : u[0];
}

static size_t dict_slot(const struct ids_dict *d, uint32_t key)
{
	size_t i = (key * 2654435761u) & (LABEL_SLOTS - 1);

	while (d->key[i] && d->key[i] != key)
		i = (i + 1) & (LABEL_SLOTS - 1);
	return i;
}

static int by_first_then_length(const void *pa, const void *pb)
{
	const struct ids_word *a = pa, *b = pb;

	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return a->len > b->len ? -1 : a->len < b->len;
}

/* Add a word (copied) unless it is there; returns its value. */
static int dict_add(struct ids_dict *d, const char *w, int value)
{
	struct ids_word *e;
	size_t n;

	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->words[i].w, w) == 0)
			return d->words[i].value;
	d->words = xgrow(d->words, &d->cap, d->n + 1, sizeof(*d->words));
	e = &d->words[d->n++];
	e->w = xstrdup(w);
	e->len = strlen(w);
	e->value = value;
	e->first = first_char(w, e->len, &n);
	return value;
}

/* Sort the words and index them by first character, once all are added. */
static int dict_build(struct ids_dict *d, struct err *err)
{
	if (d->n > 1)
		qsort(d->words, d->n, sizeof(*d->words), by_first_then_length);
	for (size_t i = 0; i < d->n; i++) {
		size_t slot = dict_slot(d, d->words[i].first);

		if (!d->key[slot]) {
			if (i > LABEL_SLOTS / 2)
				return err_set(err, "too many different first characters in the word lists");
			d->key[slot] = d->words[i].first;
			d->index[slot][0] = i;
		}
		d->index[slot][1] = i + 1;
	}
	return 0;
}

static void dict_release(struct ids_dict *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->words[i].w);
	free(d->words);
}

/* The label words: every context list but the fillers. */
static int index_labels(struct ids *x, struct err *err)
{
	int fill = context_index(x, "fill"), notvalue = context_index(x, "notvalue");

	x->labels_dict.bounded = 1;
	for (size_t i = 0; i < x->n_contexts; i++) {
		sort_words(&x->contexts[i]);    /* for {name} alternations too: longest first */
		if ((int)i == fill || (int)i == notvalue)
			continue;       /* filler words join labels to values; they label nothing */
		for (size_t k = 0; k < x->contexts[i].n; k++)
			dict_add(&x->labels_dict, x->contexts[i].words[k], (int)i);
	}
	return dict_build(&x->labels_dict, err);
}

static int same_needs(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/*
 * The needs of a pass from the needs column: words the text must hold
 * one of, each a literal or "{name}", a label of that context list
 * found in the text (so "QQ" needs no case variants).
 */
static int add_needs(struct ids *x, struct ids_pass *p, char *list, struct err *err)
{
	char *word[64];
	int n = datafile_split(list, ' ', word, 64);

	p->needs = xcalloc((size_t)n, sizeof(*p->needs));
	for (int k = 0; k < n; k++) {
		size_t len = strlen(word[k]);
		int c;

		if (len == 0)
			continue;
		if (word[k][0] == '{' && word[k][len - 1] == '}') {
			word[k][len - 1] = '\0';
			if ((c = context_index(x, word[k] + 1)) < 0)
				return err_set(err, "no context list '%s' in context.tsv", word[k] + 1);
			p->needs[p->n_needs++] = -1 - c;
		} else {
			p->needs[p->n_needs++] = dict_add(&x->needs_dict, word[k], (int)x->needs_dict.n);
		}
	}
	return 0;
}

/*
 * Join each run of rules of one type (and the same needs) into one
 * pattern, and JIT-compile it.  The rules' patterns are freed once joined.
 */
static int build_passes(struct ids *x, struct err *err)
{
	size_t cap = 0;

	for (size_t i = 0; i < x->n_rules;) {
		struct sbuf pat = SBUF_INIT, needs = SBUF_INIT;
		struct ids_pass *p;
		size_t j = i;
		int always = 0;

		for (; j < x->n_rules && x->rules[j].kind == x->rules[i].kind &&
		       same_needs(x->rules[j].needs, x->rules[i].needs); j++) {
			sbuf_addf(&pat, "%s(?:%s)(*MARK:%zu)", j > i ? "|" : "", x->rules[j].pattern, j);
			if (x->rules[j].needs)
				sbuf_addf(&needs, "%s ", x->rules[j].needs);
			else
				always = 1;
			free(x->rules[j].pattern);
			x->rules[j].pattern = NULL;
		}
		x->passes = xgrow(x->passes, &cap, x->n_passes + 1, sizeof(*x->passes));
		p = &x->passes[x->n_passes++];
		memset(p, 0, sizeof(*p));
		p->code = compile(sbuf_str(&pat), 0, err);
		if (p->code && !always && add_needs(x, p, needs.buf, err) < 0) {
			sbuf_release(&pat);
			sbuf_release(&needs);
			return -1;
		}
		sbuf_release(&pat);
		sbuf_release(&needs);
		if (!p->code)
			return err_prefix(err, "rules of type '%s'", kind_names[x->rules[i].kind]);
		i = j;
	}
	x->need_seen = xcalloc(x->needs_dict.n + 1, 1);
	return dict_build(&x->needs_dict, err);
}

/* Today as YYYYMMDD in China Standard Time; LOOKOUT_NOW fixes it for tests. */
static int today_ymd(void)
{
	const char *now = getenv("LOOKOUT_NOW");
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;
	int y, m, d;

	if (now && sscanf(now, "%4d-%2d-%2d", &y, &m, &d) == 3)
		return y * 10000 + m * 100 + d;
	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

struct ids *ids_new(const char *datadir, struct err *err)
{
	struct ids *x = xcalloc(1, sizeof(*x));

	sbuf_init(&x->arena);
	x->today = today_ymd();
	if (datafile_read(datadir, "rules/context.tsv", context_line, x, err) < 0 ||
	    index_labels(x, err) < 0 ||
	    datafile_read(datadir, "rules/ids.tsv", rule_line, x, err) < 0 ||
	    build_passes(x, err) < 0)
		goto fail;
	x->ctx_notid = context_index(x, "notid");
	x->ctx_idcard = context_index(x, "idcard");
	x->ctx_imei = context_index(x, "imei");
	x->ctx_bankcard = context_index(x, "bankcard");
	x->ctx_vin = context_index(x, "vin");
	x->ctx_fill = context_index(x, "fill");
	x->ctx_notvalue = context_index(x, "notvalue");
	x->md = pcre2_match_data_create(20, NULL);
	return x;
fail:
	ids_free(x);
	return NULL;
}

void ids_free(struct ids *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n_rules; i++) {
		free(x->rules[i].name);
		free(x->rules[i].pattern);
		free(x->rules[i].needs);
	}
	free(x->rules);
	for (size_t i = 0; i < x->n_passes; i++) {
		pcre2_code_free(x->passes[i].code);
		free(x->passes[i].needs);
	}
	free(x->passes);
	dict_release(&x->labels_dict);
	dict_release(&x->needs_dict);
	free(x->need_seen);
	for (size_t i = 0; i < x->n_contexts; i++) {
		for (size_t k = 0; k < x->contexts[i].n; k++)
			free(x->contexts[i].words[k]);
		free(x->contexts[i].words);
		free(x->contexts[i].name);
	}
	free(x->contexts);
	pcre2_match_data_free(x->md);
	free(x->labels);
	free(x->cands);
	sbuf_release(&x->arena);
	free(x);
}

void ids_set_date_ref(struct ids *x, const struct date_ref *ref)
{
	if (ref)
		x->ref = *ref;
	else
		memset(&x->ref, 0, sizeof(x->ref));
}

/* ---- matching ---- */

typedef void (*match_fn)(struct ids *x, size_t rule, const char *text, size_t len,
			 size_t start, size_t end);

/*
 * Run one pass over the whole text (valid UTF-8, checked by the caller),
 * calling fn for each match with its rule (from the mark) and the span
 * of its first set capture group, or of the whole match.
 */
static void scan(struct ids *x, const struct ids_pass *p, const char *text, size_t len,
		 match_fn fn)
{
	PCRE2_SIZE off = 0, *ov = pcre2_get_ovector_pointer(x->md);

	while (off <= len) {
		int rc = pcre2_match(p->code, (PCRE2_SPTR)text, len, off, PCRE2_NO_UTF_CHECK,
				     x->md, NULL);
		PCRE2_SPTR mark;
		size_t s, e;

		if (rc < 0)
			break;          /* no match, or a resource limit: nothing more here */
		s = ov[0];
		e = ov[1];
		for (int g = 1; g < rc; g++)
			if (ov[2 * g] != PCRE2_UNSET) {
				s = ov[2 * g];
				e = ov[2 * g + 1];
				break;
			}
		if (e > s && (mark = pcre2_get_mark(x->md)))
			fn(x, (size_t)atol((const char *)mark), text, len, s, e);
		if (ov[1] > ov[0]) {
			off = ov[1];
		} else {
			off = ov[0] + 1;
			while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80)
				off++;
		}
	}
}

/* Whether the text holds one of the words a pass needs (or the pass needs none). */
static int pass_needed(const struct ids *x, const struct ids_pass *p)
{
	if (p->n_needs == 0)
		return 1;
	for (size_t i = 0; i < p->n_needs; i++) {
		if (p->needs[i] >= 0) {
			if (x->need_seen[p->needs[i]])
				return 1;
			continue;
		}
		for (size_t k = 0; k < x->n_labels; k++)
			if (x->labels[k].context == -1 - p->needs[i])
				return 1;
	}
	return 0;
}

/* Compare a word with the text at i, ignoring ASCII case. */
static int word_at(const struct ids_dict *d, const struct ids_word *w, const char *text,
		   size_t len, size_t i)
{
	if (i + w->len > len)
		return 0;
	for (size_t k = 0; k < w->len; k++) {
		char a = text[i + k], b = w->w[k];

		if (a != b && !(is_ascii_letter(a) && (a | 0x20) == (b | 0x20)))
			return 0;
	}
	if (!d->bounded)
		return 1;
	if (is_ascii_letter(w->w[0]) && i > 0 && is_ascii_letter(text[i - 1]))
		return 0;
	if (is_ascii_letter(w->w[w->len - 1]) && i + w->len < len &&
	    is_ascii_letter(text[i + w->len]))
		return 0;
	return 1;
}

/*
 * One scan of the text for both dictionaries: the labels, leftmost and
 * longest first and none overlapping, and every word a pass needs.
 */
static void find_words(struct ids *x, const char *text, size_t len)
{
	const struct ids_dict *ld = &x->labels_dict, *nd = &x->needs_dict;
	size_t i = 0, n, label_end = 0;

	memset(x->need_seen, 0, nd->n);
	while (i < len) {
		uint32_t c = first_char(text + i, len - i, &n);
		size_t slot = dict_slot(ld, c);

		if (i >= label_end && ld->key[slot] == c) {
			for (size_t k = ld->index[slot][0]; k < ld->index[slot][1]; k++) {
				const struct ids_word *w = &ld->words[k];

				if (!word_at(ld, w, text, len, i))
					continue;
				x->labels = xgrow(x->labels, &x->cap_labels, x->n_labels + 1,
						  sizeof(*x->labels));
				x->labels[x->n_labels].start = i;
				x->labels[x->n_labels].end = i + w->len;
				x->labels[x->n_labels].context = w->value;
				x->n_labels++;
				label_end = i + w->len;
				break;
			}
		}
		slot = dict_slot(nd, c);
		if (nd->key[slot] == c)
			for (size_t k = nd->index[slot][0]; k < nd->index[slot][1]; k++)
				if (word_at(nd, &nd->words[k], text, len, i))
					x->need_seen[nd->words[k].value] = 1;
		i += n;
	}
}

/* The context list of the label nearest before start within the window, or -1. */
static int label_before(const struct ids *x, size_t start)
{
	int best = -1;
	size_t best_end = 0;

	for (size_t i = 0; i < x->n_labels; i++) {
		const struct ids_label *l = &x->labels[i];

		if (l->end <= start && start - l->end <= LABEL_WINDOW && l->end >= best_end) {
			best = l->context;
			best_end = l->end;
		}
	}
	return best;
}

/*
 * The context list of a label right after end ("向6222...账户转账"), or -1:
 * only a label that touches the number, or nearly (a space, "的").
 */
static int label_after(const struct ids *x, size_t end)
{
	for (size_t i = 0; i < x->n_labels; i++)
		if (x->labels[i].start >= end && x->labels[i].start - end <= 3)
			return x->labels[i].context;
	return -1;
}

/*
 * Whether the candidate at start continues a list whose previous item
 * was a candidate of the same kind: only list separators between them
 * ("卡号6222...、6214...、6228..."), so the first item's label speaks
 * for all of them.
 */
static int continues_list(const struct ids *x, enum ids_kind kind, const char *text,
			  size_t start)
{
	static const char *const seps[] = { "、", ",", "/", "和", "及", " ", ";" };
	size_t i = x->list_end[kind];

	if (i == 0 || i > start)
		return 0;
	while (i < start) {
		size_t k, n = 0;

		for (k = 0; k < sizeof(seps) / sizeof(seps[0]) && !n; k++)
			if (i + strlen(seps[k]) <= start && memcmp(text + i, seps[k], strlen(seps[k])) == 0)
				n = strlen(seps[k]);
		if (!n)
			return 0;
		i += n;
	}
	return 1;
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static void upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

static int ends_with(const char *s, size_t len, size_t end, const char *w)
{
	size_t n = strlen(w);

	return end >= n && end <= len && memcmp(s + end - n, w, n) == 0;
}

static int begins_with(const char *s, size_t len, size_t at, const char *w)
{
	size_t n = strlen(w);

	return at + n <= len && memcmp(s + at, w, n) == 0;
}

/* An amount or age said to be about so much: 约/大约 before, 左右 after. */
static int approx_around(const char *text, size_t len, size_t start, size_t end)
{
	return ends_with(text, len, start, "约") || begins_with(text, len, end, "左右");
}

/* A copy of s[0..n) bounded to cap-1 bytes; returns 0, or -1 when too long. */
static int copy_value(char *out, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* s[0..n) without its spaces ("110105 19491231 002X"), bounded like copy_value. */
static int copy_without_spaces(char *out, size_t cap, const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == ' ')
			continue;
		if (o + 1 >= cap)
			return -1;
		out[o++] = s[i];
	}
	out[o] = '\0';
	return 0;
}

/* Whether v (lower case) is a word of a context list, ignoring case. */
static int in_context(const struct ids *x, int ctx, const char *v)
{
	if (ctx < 0)
		return 0;
	for (size_t i = 0; i < x->contexts[ctx].n; i++)
		if (strcasecmp(x->contexts[ctx].words[i], v) == 0)
			return 1;
	return 0;
}

static int count_letters(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += is_ascii_letter(*s);
	return n;
}

/* A date or time in the text, read by date_parse against the record's dates. */
static int datetime_value(const struct ids *x, const char *s, size_t n, char *out)
{
	char buf[128], iso[32];
	const struct date_ref *ref = x->ref.year ? &x->ref : NULL;

	if (copy_value(buf, sizeof(buf), s, n) < 0 || date_parse(buf, ref, iso) == DATE_NONE)
		return -1;
	memcpy(out, iso, strlen(iso) + 1);
	return 0;
}

/*
 * Decide what a match of rule is: validate it, put its canonical value
 * (and attributes) into the arena, adjust its confidence by the label
 * before it, and keep it as a candidate.
 */
static void on_match(struct ids *x, size_t rule, const char *text, size_t len,
		     size_t start, size_t end)
{
	const struct ids_rule *r = &x->rules[rule];
	const char *s = text + start, *currency;
	size_t n = end - start;
	char val[256], attrs[64] = "", digits[32];
	double conf = r->confidence, amount;
	int partial = 0, label = label_before(x, start), approx = 0, age;
	struct ids_cand *c;

	if (label >= 0 && label == x->ctx_notid && r->kind <= KIND_VIN)
		return;         /* 订单号 13912345678 is an order, not a phone */
	switch (r->kind) {
	case KIND_PHONE:
		if (validate_phone(s, n, val) < 0)
			return;
		break;
	case KIND_IDCARD:
		if (copy_without_spaces(digits, sizeof(digits), s, n) < 0 ||
		    validate_idcard(digits, strlen(digits), x->today, val) < 0)
			return;
		/* 15 digits that are also a valid IMEI: an ID only when labelled so */
		if (n == 15 && validate_luhn(s, n) && label != x->ctx_idcard)
			return;
		if (label >= 0 && label == x->ctx_idcard)
			conf += LABEL_BOOST;
		break;
	case KIND_IMEI:
		if (validate_imei(s, n, val) < 0 || (label >= 0 && label == x->ctx_idcard))
			return;
		if (label >= 0 && label == x->ctx_imei)
			conf += LABEL_BOOST;
		break;
	case KIND_BANKCARD:
		if ((label < 0 || label != x->ctx_bankcard) &&
		    (x->ctx_bankcard < 0 || label_after(x, end) != x->ctx_bankcard) &&
		    !continues_list(x, KIND_BANKCARD, text, start))
			return;
		if (validate_bankcard(s, n, val) < 0)
			return;
		conf += LABEL_BOOST;
		break;
	case KIND_EMAIL:
	case KIND_QQ:
	case KIND_WECHAT:
		if (copy_value(val, sizeof(val), s, n) < 0)
			return;
		lower(val);
		/* "his WeChat account is ...": a word of the text is no id */
		if (r->kind == KIND_WECHAT && (in_context(x, x->ctx_fill, val) ||
					       in_context(x, x->ctx_notvalue, val)))
			return;
		break;
	case KIND_CASE:
		if (copy_value(val, 41, s, n) < 0)
			return;
		upper(val);
		break;
	case KIND_VIN:
		/* a VIN has letters (its maker code); 17 digits with one letter is a case number */
		if (validate_vin(s, n, val) < 0 || count_letters(val) < 2)
			return;
		if (label >= 0 && label == x->ctx_vin)
			conf += LABEL_BOOST;
		break;
	case KIND_PLATE:
		if (validate_plate(s, n, val, &partial) < 0)
			return;
		break;
	case KIND_AMOUNT:
		if (values_amount(s, n, &amount, &currency, &approx) < 0)
			return;
		values_format(amount, val);
		approx |= approx_around(text, len, start, end);
		if (strcmp(currency, "CNY") != 0)
			snprintf(attrs, sizeof(attrs), "{\"currency\":\"%s\"%s}", currency,
				 approx ? ",\"approx\":true" : "");
		else if (approx)
			snprintf(attrs, sizeof(attrs), "{\"approx\":true}");
		break;
	case KIND_AGE:
		if (values_age(s, n, &age, &approx) < 0)
			return;
		snprintf(val, sizeof(val), "%d", age);
		if (approx || approx_around(text, len, start, end))
			snprintf(attrs, sizeof(attrs), "{\"approx\":true}");
		break;
	case KIND_SEX:
		if (!values_sex(s, n))
			return;
		snprintf(val, sizeof(val), "%s", values_sex(s, n));
		break;
	case KIND_DATETIME:
		if (datetime_value(x, s, n, val) < 0)
			return;
		break;
	case KIND_COUNT:
		return;
	}
	x->cands = xgrow(x->cands, &x->cap_cands, x->n_cands + 1, sizeof(*x->cands));
	c = &x->cands[x->n_cands++];
	x->list_end[r->kind] = end;
	c->kind = r->kind;
	c->rule = rule;
	c->start = start;
	c->end = end;
	c->confidence = conf > 1 ? 1 : conf;
	c->partial = partial;
	c->value = x->arena.len;
	sbuf_add(&x->arena, val, strlen(val) + 1);
	c->attrs = -1;
	c->surface = x->arena.len;
	sbuf_add(&x->arena, s, n);
	sbuf_addch(&x->arena, '\0');
	if (attrs[0]) {
		c->attrs = (long)x->arena.len;
		sbuf_add(&x->arena, attrs, strlen(attrs) + 1);
	}
	c->keep = 0;
}

/* Longest first, then most confident, then the earlier rule, then the earlier place. */
static int by_strength(const void *pa, const void *pb)
{
	const struct ids_cand *a = pa, *b = pb;
	size_t la = a->end - a->start, lb = b->end - b->start;

	if (la != lb)
		return la > lb ? -1 : 1;
	if (a->confidence != b->confidence)
		return a->confidence > b->confidence ? -1 : 1;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

static int by_start(const void *pa, const void *pb)
{
	const struct ids_cand *a = pa, *b = pb;

	if (a->keep != b->keep)
		return a->keep ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

int ids_extract(struct ids *x, const char *text, size_t len, struct mention_list *out)
{
	size_t kept = 0;

	x->n_labels = 0;
	x->n_cands = 0;
	memset(x->list_end, 0, sizeof(x->list_end));
	sbuf_reset(&x->arena);
	if (!utf8_valid(text, len))
		return -1;
	find_words(x, text, len);
	for (size_t p = 0; p < x->n_passes; p++)
		if (pass_needed(x, &x->passes[p]))
			scan(x, &x->passes[p], text, len, on_match);

	if (x->n_cands == 0)
		return 0;
	qsort(x->cands, x->n_cands, sizeof(*x->cands), by_strength);
	for (size_t i = 0; i < x->n_cands; i++) {
		struct ids_cand *c = &x->cands[i];
		int free_span = 1;

		for (size_t k = 0; k < i && free_span; k++)
			if (x->cands[k].keep && c->start < x->cands[k].end && x->cands[k].start < c->end)
				free_span = 0;
		c->keep = free_span;
		kept += (size_t)free_span;
	}
	qsort(x->cands, x->n_cands, sizeof(*x->cands), by_start);

	for (size_t i = 0; i < kept; i++) {
		const struct ids_cand *c = &x->cands[i];
		struct mention *m;

		m = mention_add(out, kind_names[c->kind], x->arena.buf + c->value,
				x->arena.buf + c->surface, (long)c->start, (long)c->end,
				x->rules[c->rule].name, c->confidence);
		m->partial = c->partial;
		if (c->attrs >= 0)
			m->attrs = mention_str(out, x->arena.buf + c->attrs);
	}
	return (int)kept;
}

/* ---- register fields ---- */

/* An address as the email rule reads it: ASCII, one @, a dot in the domain. */
static int field_email(char *v)
{
	char *at = strchr(v, '@');

	if (!at || at == v || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
	    v[strlen(v) - 1] == '.')
		return -1;
	for (const char *p = v; *p; p++)
		if (!is_ascii_letter(*p) && !(*p >= '0' && *p <= '9') && !strchr("._%+-@", *p))
			return -1;
	lower(v);
	return 0;
}

static int field_all(const char *v, const char *allowed, size_t min, size_t max)
{
	size_t n = strlen(v);

	if (n < min || n > max)
		return -1;
	for (; *v; v++)
		if (!strchr(allowed, *v))
			return -1;
	return 0;
}

#define DIGITS "0123456789"
#define LETTERS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

int ids_normalize(struct ids *x, const char *type, const char *value, char **out)
{
	char v[256], val[256];
	size_t n;
	int partial, rc = -1;

	while (*value == ' ')
		value++;
	n = strlen(value);
	while (n > 0 && value[n - 1] == ' ')
		n--;
	if (copy_value(v, sizeof(v), value, n) < 0 || n == 0)
		return -1;
	*out = NULL;
	if (strcmp(type, "phone") == 0) {
		rc = validate_phone(v, n, val);
	} else if (strcmp(type, "idcard") == 0) {
		char id[32];

		rc = copy_without_spaces(id, sizeof(id), v, n);
		if (rc == 0)
			rc = validate_idcard(id, strlen(id), x ? x->today : 0, val);
	} else if (strcmp(type, "plate") == 0) {
		rc = validate_plate(v, n, val, &partial);
	} else if (strcmp(type, "imei") == 0) {
		rc = validate_imei(v, n, val);
	} else if (strcmp(type, "bankcard") == 0) {
		rc = validate_bankcard(v, n, val);
	} else if (strcmp(type, "vin") == 0) {
		rc = validate_vin(v, n, val);
	} else if (strcmp(type, "email") == 0) {
		if (field_email(v) == 0)
			*out = xstrdup(v);
		return *out ? 0 : -1;
	} else if (strcmp(type, "qq") == 0) {
		rc = field_all(v, DIGITS, 5, 11) == 0 && v[0] != '0' ? 0 : -1;
		memcpy(val, v, n + 1);
	} else if (strcmp(type, "wechat") == 0) {
		rc = field_all(v, LETTERS DIGITS "_-", 6, 20) == 0 && is_ascii_letter(v[0]) ? 0 : -1;
		memcpy(val, v, n + 1);
		lower(val);
	} else if (strcmp(type, "case") == 0) {
		rc = field_all(v, LETTERS DIGITS "-", 6, 40);
		memcpy(val, v, n + 1);
		upper(val);
	}
	if (rc == 0)
		*out = xstrdup(val);
	return rc;
}
