/*
 * extract_ids: the identifier and value extractor.
 *
 * Design.  Each rule of data/rules/ids.tsv is one PCRE2 pattern, compiled
 * once and JIT-compiled, run in one pass over the text.  A pattern only
 * finds where a candidate stands (capture group 1 when the pattern has
 * one, so a pattern may require its context words, "QQ号" or "微信",
 * without making them part of the span); the checks that decide what
 * it is live in C (analyze/validate, analyze/values): check digits,
 * birth dates, plate grammar, the arithmetic of Chinese numerals.
 *
 * Context.  A number alone rarely says what it is.  One more pattern,
 * built from data/rules/context.tsv, finds the labels in the text
 * (卡号, 身份证, 串号, 订单号 ...).  The label nearest before a
 * candidate, within a short window, decides for the kinds that need it:
 * a bank card needs a bank label (before it, or touching its end:
 * "向6222...账户转账"); a 15-digit number that is both a valid
 * legacy ID and a Luhn-valid IMEI is an ID only after an ID label; any
 * number right after an order, waybill or serial label is no identifier.
 * Patterns may also name a context list as {name}, expanded to the
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
#include "common/sbuf.h"
#include "common/xalloc.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How far before a number (bytes) a label still speaks for it: ten Chinese characters. */
#define LABEL_WINDOW 30
/* How much a label of the candidate's own kind adds to its confidence. */
#define LABEL_BOOST 0.04

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

struct ids_rule {
	enum ids_kind kind;
	char *name;             /* owned */
	double confidence;
	pcre2_code *code;       /* owned */
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
	struct ids_context *contexts;
	size_t n_contexts, cap_contexts;
	pcre2_code *label_code;         /* owned; NULL when context.tsv is empty */
	pcre2_match_data *md;           /* owned, shared by every pattern */
	int ctx_notid, ctx_idcard, ctx_imei, ctx_bankcard, ctx_vin;  /* -1 when absent */
	int today;                      /* YYYYMMDD */
	struct date_ref ref;
	/* scratch, reused by every call */
	struct ids_label *labels;
	size_t n_labels, cap_labels;
	struct ids_cand *cands;
	size_t n_cands, cap_cands;
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
	char *end;
	double conf;
	int kind = -1, rc = 0;

	if (n != 4)
		return err_set(err, "expected 'type<TAB>rule<TAB>confidence<TAB>pattern'");
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
	x->rules = xgrow(x->rules, &x->cap_rules, x->n_rules + 1, sizeof(*x->rules));
	r = &x->rules[x->n_rules];
	r->code = compile(sbuf_str(&pat), 0, err);
	if (!r->code) {
		rc = err_prefix(err, "rule '%s'", f[1]);
		goto out;
	}
	r->kind = (enum ids_kind)kind;
	r->name = xstrdup(f[1]);
	r->confidence = conf;
	x->n_rules++;
out:
	sbuf_release(&pat);
	return rc;
}

/* One pattern that finds every label, each alternative marked with its list's index. */
static int compile_labels(struct ids *x, struct err *err)
{
	struct sbuf pat = SBUF_INIT;
	struct { const char *w; int ctx; } *all = NULL;
	size_t n = 0, cap = 0;
	int fill = context_index(x, "fill");

	for (size_t i = 0; i < x->n_contexts; i++) {
		sort_words(&x->contexts[i]);
		if ((int)i == fill)
			continue;       /* filler words join labels to numbers; they label nothing */
		for (size_t k = 0; k < x->contexts[i].n; k++) {
			all = xgrow(all, &cap, n + 1, sizeof(*all));
			all[n].w = x->contexts[i].words[k];
			all[n].ctx = (int)i;
			n++;
		}
	}
	/* longest first across lists too: 手机串号 (imei) before 手机 (phone) */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strlen(all[j].w) > strlen(all[j - 1].w); j--) {
			const char *w = all[j].w;
			int c = all[j].ctx;

			all[j] = all[j - 1];
			all[j - 1].w = w;
			all[j - 1].ctx = c;
		}
	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_addch(&pat, '|');
		add_word_pattern(&pat, all[i].w);
		sbuf_addf(&pat, "(*MARK:%d)", all[i].ctx);
	}
	if (n > 0 && !(x->label_code = compile(sbuf_str(&pat), PCRE2_CASELESS, err)))
		err_prefix(err, "context words");
	free(all);
	sbuf_release(&pat);
	return n > 0 && !x->label_code ? -1 : 0;
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
	    compile_labels(x, err) < 0 ||
	    datafile_read(datadir, "rules/ids.tsv", rule_line, x, err) < 0)
		goto fail;
	x->ctx_notid = context_index(x, "notid");
	x->ctx_idcard = context_index(x, "idcard");
	x->ctx_imei = context_index(x, "imei");
	x->ctx_bankcard = context_index(x, "bankcard");
	x->ctx_vin = context_index(x, "vin");
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
		pcre2_code_free(x->rules[i].code);
	}
	free(x->rules);
	for (size_t i = 0; i < x->n_contexts; i++) {
		for (size_t k = 0; k < x->contexts[i].n; k++)
			free(x->contexts[i].words[k]);
		free(x->contexts[i].words);
		free(x->contexts[i].name);
	}
	free(x->contexts);
	pcre2_code_free(x->label_code);
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

/*
 * Run one pattern over the whole text, calling fn for each match with
 * the span of its first set capture group (or the whole match).  The
 * first call of a text checks its UTF-8; later ones skip the check.
 * Returns 0, or -1 when the text is not valid UTF-8.
 */
typedef void (*match_fn)(struct ids *x, size_t rule, const char *text, size_t len,
			 size_t start, size_t end);

static int scan(struct ids *x, const pcre2_code *re, size_t rule, const char *text,
		size_t len, uint32_t *opts, match_fn fn)
{
	PCRE2_SIZE off = 0, *ov = pcre2_get_ovector_pointer(x->md);

	while (off <= len) {
		int rc = pcre2_match(re, (PCRE2_SPTR)text, len, off, *opts, x->md, NULL);
		size_t s, e;

		if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21)
			return -1;
		*opts |= PCRE2_NO_UTF_CHECK;
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
		if (e > s)
			fn(x, rule, text, len, s, e);
		if (ov[1] > ov[0]) {
			off = ov[1];
		} else {
			off = ov[0] + 1;
			while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80)
				off++;
		}
	}
	return 0;
}

static void on_label(struct ids *x, size_t rule, const char *text, size_t len,
		     size_t start, size_t end)
{
	PCRE2_SPTR mark = pcre2_get_mark(x->md);

	if (!mark)
		return;
	x->labels = xgrow(x->labels, &x->cap_labels, x->n_labels + 1, sizeof(*x->labels));
	x->labels[x->n_labels].start = start;
	x->labels[x->n_labels].end = end;
	x->labels[x->n_labels].context = atoi((const char *)mark);
	x->n_labels++;
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
	char val[256], attrs[64] = "";
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
		if (validate_idcard(s, n, x->today, val) < 0)
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
		    (x->ctx_bankcard < 0 || label_after(x, end) != x->ctx_bankcard))
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
	uint32_t opts = 0;
	size_t kept = 0;

	x->n_labels = 0;
	x->n_cands = 0;
	sbuf_reset(&x->arena);
	if (x->label_code && scan(x, x->label_code, 0, text, len, &opts, on_label) < 0)
		return -1;
	for (size_t r = 0; r < x->n_rules; r++)
		if (scan(x, x->rules[r].code, r, text, len, &opts, on_match) < 0)
			return -1;

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
			m->attrs = xstrdup(x->arena.buf + c->attrs);
	}
	return (int)kept;
}

/* ---- register fields ---- */

static int field_email(char *v)
{
	char *at = strchr(v, '@');

	if (!at || at == v || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
	    strpbrk(v, " ,;:()<>\"") || v[strlen(v) - 1] == '.')
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
		rc = validate_idcard(v, n, x ? x->today : 0, val);
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
