/*
 * date: police records write one instant in many ways.  date_parse works
 * in two passes.  The first rewrites the input into a canonical string:
 * full-width characters become ASCII, white space one space, Chinese
 * numerals ASCII digits (二〇二六 -> 2026 digit by digit, 二十一 -> 21 by
 * place value), and the Traditional forms of the few marker characters
 * (時 點 許 號 ...) their Simplified ones.  The second pass reads that
 * string with a fixed grammar:
 *
 *   [约|大约] DATE? [weekday] [T| ] TIME? [zone] [许|左右|前后|多|钟|整]*
 *
 * A range (至, 到, ~) gives its start, if its end parses too.
 *
 * DATE is ISO-like (2026-11-21, 2026/11/21, 2026.11.21), compact
 * (20261121, and 202611212015 or 20261121201500 which also carry the
 * time), Chinese (2026年11月21日, 11月21日, 21日, with 日 or 号), an
 * unambiguous day-first or month-first date with the year last
 * (21/11/2026, 11/21/2026), English (Nov 21, 2026; 21 November 2026),
 * or a relative word (今天, 昨天, 前天, 明天; 当晚, 昨晚 also set a period).
 * TIME is 20:15[:00] or 20时[15分][00秒], 8点半, 8点一刻, each with an
 * optional period word before it (凌晨, 上午, 中午, 下午, 傍晚, 晚上, 夜里
 * ...) or am/pm after it that moves a 12-hour clock to 24 hours.  Anything else makes the
 * whole input DATE_NONE: a date that is not sure is not a date.
 *
 * Missing parts come from the reference date (a record's received_at):
 * a date without a year takes the reference year, or the year before when
 * that would put it more than half a year after the reference (a report
 * received on 2 January about "12月31日"); a bare "21日" takes the
 * reference month, or the month before when it would be more than 15
 * days ahead; a bare time takes the reference day.  Calendar arithmetic
 * uses day numbers (days since 1970-01-01, proleptic Gregorian), so a
 * zone shift or "晚12点" can cross a month or year end safely.
 */
#include "common/date.h"
#include "common/day.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

/* No date form is longer than this; longer input is not a date. */
#define DATE_MAX_INPUT 200

enum period {
	P_NONE, P_DAWN, P_MORNING, P_NOON, P_AFTERNOON, P_EVENING, P_NIGHT,
	P_AM, P_PM
};

struct when {
	int y, m, d;
	int hh, mi, ss;
	int has_date, has_time;
	int zone;               /* minutes east of UTC when has_zone */
	int has_zone;
	int next_day;           /* 晚12点: the midnight that ends the day */
	enum period period;     /* implied by the date word: 当晚, 昨晚 */
	int range_end;          /* the end of a range: 次日 is allowed */
};

/* ---- calendar ---- */

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12)
		return 0;
	return dm[m - 1] + (m == 2 && is_leap(y));
}

static int valid_ymd(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= days_in_month(y, m);
}

static void add_days(struct when *w, long n)
{
	day_to_civil(day_from_civil(w->y, w->m, w->d) + n, &w->y, &w->m, &w->d);
}

/* ---- pass 1: the canonical string ---- */

/* The value of a Chinese numeral character, 10 for 十, else -1. */
static int cn_digit(int32_t cp)
{
	switch (cp) {
	case 0x3007: case 0x96F6: case 0x25CB: return 0;   /* 〇 零 ○ */
	case 0x4E00: return 1;                               /* 一 */
	case 0x4E8C: case 0x4E24: case 0x5169: return 2;    /* 二 两 兩 */
	case 0x4E09: return 3;
	case 0x56DB: return 4;
	case 0x4E94: return 5;
	case 0x516D: return 6;
	case 0x4E03: return 7;
	case 0x516B: return 8;
	case 0x4E5D: return 9;
	case 0x5341: return 10;                              /* 十 */
	default: return -1;
	}
}

/* Traditional forms of the marker characters, to their Simplified ones. */
static int32_t simplify(int32_t cp)
{
	switch (cp) {
	case 0x6642: return 0x65F6;   /* 時 时 */
	case 0x9EDE: return 0x70B9;   /* 點 点 */
	case 0x8A31: return 0x8BB8;   /* 許 许 */
	case 0x5F8C: return 0x540E;   /* 後 后 */
	case 0x6DE9: return 0x51CC;   /* 淩 凌 */
	case 0x9593: return 0x95F4;   /* 間 间 */
	case 0x865F: return 0x53F7;   /* 號 号 */
	case 0x88E1: return 0x91CC;   /* 裡 里 */
	case 0x9031: return 0x5468;   /* 週 周 */
	case 0x79AE: return 0x793C;   /* 禮 礼 */
	case 0x9418: return 0x949F;   /* 鐘 钟 */
	case 0x665A: return cp;
	case 0x3000: case 0xA0: return ' ';
	default:
		if (cp >= 0xFF01 && cp <= 0xFF5E)   /* full-width ASCII */
			return cp - 0xFEE0;
		return cp;
	}
}

struct canon {
	char buf[DATE_MAX_INPUT + 8];
	size_t len;
};

static void canon_put(struct canon *c, const char *s, size_t n)
{
	if (c->len + n < sizeof(c->buf)) {
		memcpy(c->buf + c->len, s, n);
		c->len += n;
	}
}

static void canon_cp(struct canon *c, int32_t cp)
{
	utf8proc_uint8_t b[4];
	utf8proc_ssize_t n = utf8proc_encode_char(cp, b);

	canon_put(c, (const char *)b, (size_t)n);
}

/*
 * Write a run of Chinese numerals as ASCII digits: by place value when it
 * holds 十 (十 10, 十一 11, 二十 20, 二十一 21), else digit by digit
 * (二〇二六 2026).  Returns -1 for a run that is no number (十十).
 */
static int canon_numeral(struct canon *c, const int *v, size_t n)
{
	size_t ten = n;
	char b[4];
	int val;

	for (size_t k = 0; k < n; k++)
		if (v[k] == 10) {
			if (ten != n)
				return -1;
			ten = k;
		}
	if (ten == n) {
		for (size_t k = 0; k < n; k++) {
			b[0] = (char)('0' + v[k]);
			canon_put(c, b, 1);
		}
		return 0;
	}
	if (ten > 1 || n - ten > 2 || (ten == 1 && v[0] == 0) ||
	    (n - ten == 2 && v[ten + 1] == 0))
		return -1;
	val = (ten == 1 ? v[0] : 1) * 10 + (n - ten == 2 ? v[ten + 1] : 0);
	snprintf(b, sizeof(b), "%d", val);
	canon_put(c, b, strlen(b));
	return 0;
}

static int canonicalise(const char *s, size_t len, struct canon *c)
{
	const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
	size_t i = 0;
	int run[DATE_MAX_INPUT];
	size_t nrun = 0;

	c->len = 0;
	for (;;) {
		int32_t cp = 0;
		int dv;

		if (i < len) {
			utf8proc_ssize_t n = utf8proc_iterate(u + i,
							      (utf8proc_ssize_t)(len - i), &cp);

			if (n < 0)
				return -1;
			i += (size_t)n;
		}
		dv = cp > 0 ? cn_digit(cp) : -1;
		if (dv >= 0 && nrun < DATE_MAX_INPUT) {
			run[nrun++] = dv;
			continue;
		}
		if (nrun && canon_numeral(c, run, nrun) < 0)
			return -1;
		nrun = 0;
		if (cp == 0)
			break;
		cp = simplify(cp);
		if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
			if (c->len && c->buf[c->len - 1] != ' ')
				canon_put(c, " ", 1);
			continue;
		}
		canon_cp(c, cp);
	}
	while (c->len && c->buf[c->len - 1] == ' ')
		c->len--;
	c->buf[c->len] = '\0';
	return 0;
}

/* ---- pass 2: the grammar ---- */

static int eat(const char **p, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(*p, word, n))
		return 0;
	*p += n;
	return 1;
}

static void skip_spaces(const char **p)
{
	while (**p == ' ')
		(*p)++;
}

/* Read up to 14 digits; returns how many were read (0: none, -1: too many). */
static int number(const char **p, long long *val)
{
	int n = 0;

	*val = 0;
	while (**p >= '0' && **p <= '9') {
		if (++n > 14)
			return -1;
		*val = *val * 10 + (**p - '0');
		(*p)++;
	}
	return n;
}

/* Exactly n digits at *p, as a number; -1 when they are not there. */
static int digits(const char **p, int n)
{
	int v = 0;

	for (int k = 0; k < n; k++) {
		if ((*p)[k] < '0' || (*p)[k] > '9')
			return -1;
		v = v * 10 + ((*p)[k] - '0');
	}
	*p += n;
	return v;
}

static int eat_day_mark(const char **p)
{
	return eat(p, "日") || eat(p, "号");
}

/*
 * Relative day words: an offset from the reference day, and for some
 * (当晚 "that evening", 昨晚 "last night") a period of that day.  次日
 * ("the next day") only ends a range, where the reference is its start;
 * elsewhere the day it follows is not known.
 */
static int relative_day(const char **p, int range_end, int *off, enum period *per)
{
	static const struct {
		const char *word;
		int off;
		enum period per;
	} words[] = {
		{ "大前天", -3, P_NONE }, { "前天", -2, P_NONE },
		{ "昨天", -1, P_NONE }, { "昨日", -1, P_NONE },
		{ "昨晚", -1, P_NIGHT }, { "昨夜", -1, P_NIGHT },
		{ "今天", 0, P_NONE }, { "今日", 0, P_NONE },
		{ "当天", 0, P_NONE }, { "当日", 0, P_NONE },
		{ "今晚", 0, P_NIGHT }, { "当晚", 0, P_NIGHT },
		{ "当夜", 0, P_NIGHT }, { "今早", 0, P_MORNING },
		{ "今晨", 0, P_MORNING }, { "明天", 1, P_NONE },
		{ "明日", 1, P_NONE }, { "明晚", 1, P_NIGHT },
	};

	if (range_end && (eat(p, "次日") || eat(p, "翌日") || eat(p, "第二天"))) {
		*off = 1;
		*per = P_NONE;
		return 1;
	}
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (eat(p, words[k].word)) {
			*off = words[k].off;
			*per = words[k].per;
			return 1;
		}
	return 0;
}

/*
 * An English month name, whole or cut to three letters (Nov, November,
 * Sept), any case, with an optional full stop: 1..12, or 0 (p unchanged).
 */
static int month_name(const char **p)
{
	static const char *const names[12] = {
		"january", "february", "march", "april", "may", "june", "july",
		"august", "september", "october", "november", "december",
	};
	const char *s = *p;
	char word[12];
	size_t n = 0;

	while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')) {
		if (n == sizeof(word) - 1)
			return 0;
		word[n++] = (char)(*s++ | 0x20);
	}
	word[n] = '\0';
	if (*s == '.')
		s++;
	for (int m = 0; m < 12; m++)
		if (!strcmp(word, names[m]) ||
		    (n == 3 && !strncmp(word, names[m], 3)) ||
		    (m == 8 && !strcmp(word, "sept"))) {
			*p = s;
			return m + 1;
		}
	return 0;
}

/* "Nov 21, 2026", "November 21 2026": the part after the month name. */
static int english_day_year(const char **p, struct when *w)
{
	const char *s = *p;
	long long d, y;

	skip_spaces(&s);
	if (number(&s, &d) < 1 || d > 31)
		return -1;
	if (*s == ',')
		s++;
	skip_spaces(&s);
	if (number(&s, &y) != 4)
		return -1;
	w->d = (int)d;
	w->y = (int)y;
	*p = s;
	return 1;
}

/*
 * Complete a date that lacks its year (or year and month) from ref,
 * stepping back one year (month) when the result would lie too far after
 * the reference: records report what has happened.
 */
static int complete_from_ref(struct when *w, const struct date_ref *ref, int no_month)
{
	long r, c;

	if (!ref || ref->year <= 0 || (no_month && ref->month <= 0))
		return -1;
	w->y = ref->year;
	if (no_month)
		w->m = ref->month;
	if (!valid_ymd(ref->year, ref->month, ref->day))
		return 0;   /* no day to compare with: keep the reference year */
	r = day_from_civil(ref->year, ref->month, ref->day);
	if (valid_ymd(w->y, w->m, w->d)) {
		c = day_from_civil(w->y, w->m, w->d);
		if (c - r <= (no_month ? 15 : 183))
			return 0;
	} else if (!no_month) {
		return 0;   /* 2月30日: invalid in any year */
	}
	/* Too far ahead, or (31日 in a 30-day month) not in this month. */
	if (!no_month)
		w->y--;
	else if (--w->m == 0) {
		w->m = 12;
		w->y--;
	}
	return 0;
}

/*
 * A compact date of n digits v, s just after them: 20261121,
 * 202611212015, 20261121201500, or 20261121 followed by "T2015[00]" or
 * " 2015[00]" (but "20261121 20:15" is left to the time grammar).
 * Returns where parsing goes on.
 */
static const char *parse_compact(const char *s, long long v, int n, struct when *w)
{
	long long t = 0;
	int nt = n - 8;

	if (nt) {
		t = v % (nt == 4 ? 10000 : 1000000);
		v /= nt == 4 ? 10000 : 1000000;
	} else if (*s == 'T' || *s == 't' || *s == ' ') {
		const char *q = s + 1;

		nt = number(&q, &t);
		if ((nt == 4 || nt == 6) && *q != ':')
			s = q;
		else
			nt = 0;
	}
	w->y = (int)(v / 10000);
	w->m = (int)(v / 100 % 100);
	w->d = (int)(v % 100);
	if (nt) {
		if (nt == 4)
			t *= 100;       /* HHMM -> HHMM00 */
		w->hh = (int)(t / 10000);
		w->mi = (int)(t / 100 % 100);
		w->ss = (int)(t % 100);
		w->has_time = 1;
	}
	return s;
}

/*
 * The date part.  Returns 1 when a date was read, 0 when there is none
 * (p unchanged: the input may be a time alone), -1 when the input is a
 * broken date.  A compact date with its time sets the time too.
 */
static int parse_date(const char **p, const struct date_ref *ref, struct when *w)
{
	const char *s = *p;
	long long v, v2, v3;
	int n, n2, n3, off;
	char sep;

	if ((w->m = month_name(&s)) > 0) {
		if (english_day_year(&s, w) < 0)
			return -1;
		*p = s;
		return 1;
	}
	if (relative_day(&s, w->range_end, &off, &w->period)) {
		if (!ref || !valid_ymd(ref->year, ref->month, ref->day))
			return -1;
		w->y = ref->year;
		w->m = ref->month;
		w->d = ref->day;
		add_days(w, off);
		*p = s;
		return 1;
	}
	n = number(&s, &v);
	if (n <= 0)
		return n;
	if (n == 8 || n == 12 || n == 14) {
		*p = parse_compact(s, v, n, w);
		return 1;
	}
	if (n == 4 && (*s == '-' || *s == '/' || *s == '.')) {
		/* 2026-11-21, 2026/11/21, 2026.11.21 */
		sep = *s++;
		n2 = number(&s, &v2);
		if (n2 < 1 || n2 > 2 || *s++ != sep)
			return -1;
		n3 = number(&s, &v3);
		if (n3 < 1 || n3 > 2)
			return -1;
		w->y = (int)v;
		w->m = (int)v2;
		w->d = (int)v3;
		*p = s;
		return 1;
	}
	if (n == 4 && eat(&s, "年")) {
		/* 2026年11月21日 */
		w->y = (int)v;
		skip_spaces(&s);
		n2 = number(&s, &v2);
		if (n2 < 1 || n2 > 2 || !eat(&s, "月"))
			return -1;
		skip_spaces(&s);
		n3 = number(&s, &v3);
		if (n3 < 1 || n3 > 2)
			return -1;
		if (!eat_day_mark(&s) && *s && *s != ' ')
			return -1;
		w->m = (int)v2;
		w->d = (int)v3;
		*p = s;
		return 1;
	}
	if (n <= 2 && eat(&s, "月")) {
		/* 11月21日: the year from ref */
		w->m = (int)v;
		skip_spaces(&s);
		n2 = number(&s, &v2);
		if (n2 < 1 || n2 > 2 || !eat_day_mark(&s))
			return -1;
		w->d = (int)v2;
		if (complete_from_ref(w, ref, 0) < 0)
			return -1;
		*p = s;
		return 1;
	}
	if (n <= 2 && eat_day_mark(&s)) {
		/* 21日: month and year from ref */
		w->d = (int)v;
		if (complete_from_ref(w, ref, 1) < 0)
			return -1;
		*p = s;
		return 1;
	}
	if (n <= 2 && (*s == ' ' || *s == '-')) {
		/* 21 Nov 2026, 21-Nov-2026 */
		const char *q = s + 1;

		sep = *s;
		if ((w->m = month_name(&q)) > 0) {
			if (*q++ != sep || number(&q, &v3) != 4)
				return -1;
			w->d = (int)v;
			w->y = (int)v3;
			*p = q;
			return 1;
		}
	}
	if (n <= 2 && (*s == '/' || *s == '-' || *s == '.')) {
		/* 21/11/2026 or 11/21/2026, only when the order is certain */
		sep = *s++;
		n2 = number(&s, &v2);
		if (n2 < 1 || n2 > 2 || *s++ != sep)
			return -1;
		n3 = number(&s, &v3);
		if (n3 != 4)
			return -1;
		w->y = (int)v3;
		if (v > 12 && v2 <= 12) {
			w->d = (int)v;
			w->m = (int)v2;
		} else if (v2 > 12 && v <= 12) {
			w->m = (int)v;
			w->d = (int)v2;
		} else if (v == v2) {
			w->m = w->d = (int)v;
		} else {
			return -1;
		}
		*p = s;
		return 1;
	}
	return 0;   /* a number that starts a time */
}

/* "(星期六)", "周六", "礼拜天" after a date: read and ignored. */
static void skip_weekday(const char **p)
{
	const char *s = *p;
	int paren;

	skip_spaces(&s);
	paren = eat(&s, "(");
	if (!eat(&s, "星期") && !eat(&s, "周") && !eat(&s, "礼拜"))
		return;
	if (*s >= '1' && *s <= '7')
		s++;
	else if (!eat(&s, "日") && !eat(&s, "天"))
		return;
	if (paren && !eat(&s, ")"))
		return;
	*p = s;
}

static enum period parse_period(const char **p)
{
	static const struct { const char *word; enum period period; } words[] = {
		{ "凌晨", P_DAWN }, { "早上", P_MORNING }, { "早晨", P_MORNING },
		{ "清晨", P_MORNING }, { "上午", P_MORNING }, { "早", P_MORNING },
		{ "中午", P_NOON }, { "午间", P_NOON }, { "下午", P_AFTERNOON },
		{ "午后", P_AFTERNOON }, { "傍晚", P_EVENING },
		{ "晚上", P_NIGHT }, { "晚间", P_NIGHT }, { "夜间", P_NIGHT },
		{ "夜里", P_NIGHT }, { "夜晚", P_NIGHT }, { "深夜", P_NIGHT },
		{ "半夜", P_NIGHT }, { "晚", P_NIGHT }, { "夜", P_NIGHT },
	};

	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (eat(p, words[k].word))
			return words[k].period;
	return P_NONE;
}

/*
 * Move a 12-hour clock reading to 24 hours by its period word.  Returns
 * the hour, 24 for "midnight at the end of the day", or -1 when the hour
 * does not fit the period (凌晨9点, 上午15点).
 */
static int apply_period(enum period per, int h)
{
	switch (per) {
	case P_NONE:
		return h;
	case P_DAWN:
		return h == 12 ? 0 : h <= 6 ? h : -1;
	case P_MORNING:
		return h <= 12 ? h : -1;
	case P_NOON:
		return h >= 1 && h <= 2 ? h + 12 : h >= 11 && h <= 14 ? h : -1;
	case P_AFTERNOON:
	case P_EVENING:
		return h < 12 ? h + 12 : h <= 23 ? h : -1;
	case P_AM:
		return h == 12 ? 0 : h >= 1 && h < 12 ? h : -1;
	case P_PM:
		return h == 12 ? 12 : h >= 1 && h < 12 ? h + 12 : -1;
	case P_NIGHT:
		/* 晚8点 is 20:00, 夜里2点 still 2:00, 晚12点 the midnight
		 * that ends the day. */
		if (h >= 6 && h < 12)
			return h + 12;
		if (h == 12)
			return 24;
		return h <= 23 ? h : -1;
	}
	return -1;
}

/* +08:00, +0800, +08, -05:00, Z */
static int parse_zone(const char **p, struct when *w)
{
	const char *s = *p;
	int sign, hh, mm = 0;

	skip_spaces(&s);
	if (*s == 'Z' || *s == 'z') {
		*p = s + 1;
		w->has_zone = 1;
		w->zone = 0;
		return 0;
	}
	if (eat(&s, "UTC") || eat(&s, "GMT")) {
		w->has_zone = 1;
		w->zone = 0;
		*p = s;
		if (*s != '+' && *s != '-')
			return 0;
	}
	if (*s != '+' && *s != '-')
		return 0;
	sign = *s++ == '-' ? -1 : 1;
	hh = digits(&s, 2);
	if (hh < 0 || hh > 14)
		return -1;
	if (*s == ':')
		s++;
	if (*s >= '0' && *s <= '9') {
		mm = digits(&s, 2);
		if (mm < 0 || mm > 59)
			return -1;
	}
	w->has_zone = 1;
	w->zone = sign * (hh * 60 + mm);
	*p = s;
	return 0;
}

/*
 * "am", "p.m." after an English time: 1 when read (per set), 0 when
 * absent, -1 when it clashes with a Chinese period word.
 */
static int parse_ampm(const char **p, enum period *per)
{
	const char *s = *p;
	enum period ap;

	skip_spaces(&s);
	if (*s == 'a' || *s == 'A')
		ap = P_AM;
	else if (*s == 'p' || *s == 'P')
		ap = P_PM;
	else
		return 0;
	s++;
	if (*s == '.')
		s++;
	if (*s != 'm' && *s != 'M')
		return 0;
	s++;
	if (*s == '.')
		s++;
	if (*per != P_NONE)
		return -1;
	*per = ap;
	*p = s;
	return 1;
}

/*
 * The time part: "20:15[:00[.123]]" (an ISO time, which may carry a zone)
 * or "[period] 20时[15分][00秒]", "8点半", "8点30", "8点一刻".  Returns
 * 1 when a time was read, 0 when there is none, -1 when it is broken.
 */
static int parse_time(const char **p, struct when *w)
{
	const char *s = *p;
	enum period per;
	long long h, m = 0, sec = 0;
	int n;

	per = parse_period(&s);
	if (per == P_NONE)
		per = w->period;
	skip_spaces(&s);
	n = number(&s, &h);
	if (n == 0) {
		*p = s;   /* "11月21日晚": a period word alone adds nothing */
		return per == P_NONE ? 0 : 2;
	}
	if (n < 0 || n > 2)
		return -1;
	if (*s == ':') {
		s++;
		if ((m = digits(&s, 2)) < 0)
			return -1;
		if (*s == ':') {
			s++;
			if ((sec = digits(&s, 2)) < 0)
				return -1;
			if (*s == '.' || *s == ',') {
				s++;
				while (*s >= '0' && *s <= '9')
					s++;
			}
		}
		if (parse_ampm(&s, &per) < 0)
			return -1;
		if (per == P_NONE && parse_zone(&s, w) < 0)
			return -1;
	} else if (eat(&s, "时") || eat(&s, "点")) {
		if (eat(&s, "半")) {
			m = 30;
		} else if (eat(&s, "1刻")) {
			m = 15;
		} else if (eat(&s, "3刻")) {
			m = 45;
		} else if (*s >= '0' && *s <= '9') {
			n = number(&s, &m);
			if (n < 0 || n > 2)
				return -1;
			eat(&s, "分");
			if (*s >= '0' && *s <= '9') {
				n = number(&s, &sec);
				if (n < 0 || n > 2 || !eat(&s, "秒"))
					return -1;
			}
		}
	} else if (parse_ampm(&s, &per) <= 0) {
		return -1;      /* a bare number is no time, but 8pm is */
	}
	h = apply_period(per, (int)h);
	if (h < 0 || h > 24 || m > 59 || sec > 59)
		return -1;
	if (h == 24 && (per != P_NIGHT || m || sec))
		return -1;
	w->next_day = h == 24;
	w->hh = h == 24 ? 0 : (int)h;
	w->mi = (int)m;
	w->ss = (int)sec;
	w->has_time = 1;
	*p = s;
	return 1;
}

/* 许, 左右, 前后, 多, 钟, 整: "about", dropped. */
static void skip_approx(const char **p)
{
	const char *s = *p;

	for (;;) {
		skip_spaces(&s);
		if (!eat(&s, "许") && !eat(&s, "左右") && !eat(&s, "前后") &&
		    !eat(&s, "多") && !eat(&s, "钟") && !eat(&s, "整"))
			break;
	}
	*p = s;
}

/*
 * One date or time at s, completed from ref.  *rest is set to what
 * follows it, which the caller judges.
 */
static enum date_precision parse_one(const char *s, const struct date_ref *ref,
				     struct when *w, const char **rest)
{
	int rd, rt;

	skip_spaces(&s);
	if (!eat(&s, "大约"))
		eat(&s, "约");
	rd = parse_date(&s, ref, w);
	if (rd < 0)
		return DATE_NONE;
	if (rd && !valid_ymd(w->y, w->m, w->d))
		return DATE_NONE;
	if (rd)
		skip_weekday(&s);
	if (!w->has_time) {
		if (rd && (*s == 'T' || *s == 't') && s[1] >= '0' && s[1] <= '9')
			s++;
		skip_spaces(&s);
		rt = parse_time(&s, w);
		if (rt < 0)
			return DATE_NONE;
	} else if (parse_zone(&s, w) < 0) {
		return DATE_NONE;
	}
	skip_approx(&s);
	*rest = s;
	if (!w->has_time)
		return rd ? DATE_DAY : DATE_NONE;
	if (!rd) {
		if (!ref || !valid_ymd(ref->year, ref->month, ref->day))
			return DATE_NONE;
		w->y = ref->year;
		w->m = ref->month;
		w->d = ref->day;
	}
	if (w->hh > 23 || w->mi > 59 || w->ss > 59)
		return DATE_NONE;
	if (w->next_day)
		add_days(w, 1);
	if (w->has_zone) {
		long t = day_from_civil(w->y, w->m, w->d) * 1440 + w->hh * 60 +
			 w->mi - w->zone + 8 * 60;
		long day = t >= 0 ? t / 1440 : -((-t + 1439) / 1440);
		long min = t - day * 1440;

		day_to_civil(day, &w->y, &w->m, &w->d);
		w->hh = (int)(min / 60);
		w->mi = (int)(min % 60);
	}
	if (!valid_ymd(w->y, w->m, w->d))
		return DATE_NONE;
	return DATE_TIME;
}

/*
 * The whole input: one date, or a range whose start is taken
 * ("2026年11月20日22时至21日6时许", the span a burglary victim can
 * give).  The end must parse too, completed from the start, so that a
 * range is a range and not a date followed by noise.
 */
static enum date_precision parse(const char *s, const struct date_ref *ref,
				 struct when *w)
{
	enum date_precision prec = parse_one(s, ref, w, &s);
	struct date_ref start = { w->y, w->m, w->d };
	struct when end;

	if (prec == DATE_NONE || !*s)
		return prec;
	if (!eat(&s, "至") && !eat(&s, "到") && !eat(&s, "~") && !eat(&s, "〜") &&
	    !eat(&s, "—"))
		return DATE_NONE;
	memset(&end, 0, sizeof(end));
	end.range_end = 1;
	if (parse_one(s, &start, &end, &s) == DATE_NONE || *s)
		return DATE_NONE;
	return prec;
}

/*
 * The last n decimal digits of v, zero-padded, at out: what "%0*u"
 * writes, without snprintf's format parsing (two calls were 40% of a
 * date's parse, a million dates a first load).
 */
static void put_digits(char *out, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

enum date_precision date_parse(const char *s, const struct date_ref *ref, char out[32])
{
	struct canon c;
	struct when w;
	enum date_precision prec;
	size_t len;

	out[0] = '\0';
	if (!s || (len = strnlen(s, DATE_MAX_INPUT + 1)) > DATE_MAX_INPUT)
		return DATE_NONE;
	if (canonicalise(s, len, &c) < 0)
		return DATE_NONE;
	memset(&w, 0, sizeof(w));
	prec = parse(c.buf, ref, &w);
	if (prec == DATE_NONE)
		return prec;
	/* The fields are in range here (1 <= y <= 9999 ...). */
	put_digits(out, (unsigned)w.y, 4);
	out[4] = '-';
	put_digits(out + 5, (unsigned)w.m, 2);
	out[7] = '-';
	put_digits(out + 8, (unsigned)w.d, 2);
	out[10] = '\0';
	if (prec == DATE_TIME) {
		out[10] = 'T';
		put_digits(out + 11, (unsigned)w.hh, 2);
		out[13] = ':';
		put_digits(out + 14, (unsigned)w.mi, 2);
		out[16] = ':';
		put_digits(out + 17, (unsigned)w.ss, 2);
		memcpy(out + 19, "+08:00", 7);
	}
	return prec;
}

void date_ref_from_iso(const char *iso, struct date_ref *ref)
{
	char out[32];

	ref->year = ref->month = ref->day = 0;
	if (date_parse(iso, NULL, out) == DATE_NONE)
		return;
	ref->year = (out[0] - '0') * 1000 + (out[1] - '0') * 100 +
		    (out[2] - '0') * 10 + (out[3] - '0');
	ref->month = (out[5] - '0') * 10 + (out[6] - '0');
	ref->day = (out[8] - '0') * 10 + (out[9] - '0');
}
