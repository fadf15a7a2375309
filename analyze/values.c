/*
 * values: reading numbers the way they are written in records.  The
 * extractor's patterns only find where an amount or an age stands; the
 * arithmetic of Chinese numerals is here, in one place: digits and
 * numerals accumulate into a section below 万, 万 and 亿 close a section,
 * and a lone digit after a unit counts one place lower, as people say
 * it ("三千五" is 3500, "一万五" is 15000).
 */
#include "analyze/values.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The byte length of w when s[i..len) starts with it, else 0. */
static size_t starts(const char *s, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w);

	return i + n <= len && memcmp(s + i, w, n) == 0 ? n : 0;
}

static int cjk_digit(const char *s, size_t len, size_t i, size_t *n)
{
	static const char *const digits[] = { "零", "一", "二", "三", "四", "五", "六", "七", "八", "九" };
	/* the financial forms of receipts and pawn tickets (大写) */
	static const char *const formal[] = { "零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖" };

	for (int d = 0; d < 10; d++)
		if ((*n = starts(s, len, i, digits[d])) || (*n = starts(s, len, i, formal[d])))
			return d;
	if ((*n = starts(s, len, i, "〇")))
		return 0;
	if ((*n = starts(s, len, i, "两")))
		return 2;
	return -1;
}

static double cjk_unit(const char *s, size_t len, size_t i, size_t *n)
{
	static const struct { const char *w; double v; } units[] = {
		{ "十", 10 }, { "百", 100 }, { "千", 1000 }, { "万", 1e4 }, { "亿", 1e8 },
		{ "拾", 10 }, { "佰", 100 }, { "仟", 1000 },
	};

	for (size_t k = 0; k < sizeof(units) / sizeof(units[0]); k++)
		if ((*n = starts(s, len, i, units[k].w)))
			return units[k].v;
	return 0;
}

/* An ASCII decimal with optional "," between digit groups; *n bytes read. */
static double ascii_number(const char *s, size_t len, size_t i, size_t *n)
{
	double v = 0, scale = 0.1;
	size_t j = i;

	while (j < len && ((s[j] >= '0' && s[j] <= '9') ||
			   (s[j] == ',' && j + 1 < len && s[j + 1] >= '0' && s[j + 1] <= '9'))) {
		if (s[j] != ',')
			v = v * 10 + (s[j] - '0');
		j++;
	}
	if (j + 1 < len && s[j] == '.' && s[j + 1] >= '0' && s[j + 1] <= '9') {
		for (j++; j < len && s[j] >= '0' && s[j] <= '9'; j++) {
			v += (s[j] - '0') * scale;
			scale /= 10;
		}
	}
	*n = j - i;
	return v;
}

int values_number(const char *s, size_t len, double *v, size_t *used, int *approx)
{
	double total = 0, section = 0, cur = -1, last = 1;
	int zero = 0, any = 0;
	size_t i = 0, n;

	*approx = 0;
	while (i < len) {
		int d;
		double u;

		if (s[i] >= '0' && s[i] <= '9') {
			if (cur >= 0)
				break;
			cur = ascii_number(s, len, i, &n);
		} else if ((d = cjk_digit(s, len, i, &n)) >= 0) {
			if (cur >= 0)
				cur = cur * 10 + d;     /* 二〇二六: digit by digit */
			else if (d == 0)
				zero = 1;               /* 一百零五: the next digit is a unit digit */
			else
				cur = d;
		} else if ((u = cjk_unit(s, len, i, &n)) > 0) {
			if (u < 1e4) {
				if (cur < 0)
					cur = 1;        /* 十二 */
				section += cur * u;
			} else {
				double val = section + (cur > 0 ? cur : 0);

				if (val <= 0 && total <= 0)
					return -1;      /* a bare 万 says no amount */
				if (u >= 1e8)
					total = (total + val) * u;
				else
					total += val * u;
				section = 0;
			}
			cur = -1;
			last = u;
			zero = 0;
		} else if ((n = starts(s, len, i, "余")) || (n = starts(s, len, i, "多"))) {
			if (!any)
				break;
			*approx = 1;
		} else {
			break;
		}
		any = 1;
		i += n;
	}
	if (cur > 0) {
		/* "三千五" and "一万五": a lone digit after a unit is one place lower */
		if (last >= 10 && !zero && cur < 10 && cur == floor(cur))
			cur *= last / 10;
		total += cur;
	}
	total += section;
	*used = i;
	/* Beyond VALUES_MAX a number is no amount or age a record means, and
	 * values_format could not print it exactly (or at all, for inf). */
	if (!any || total <= 0 || !(total < VALUES_MAX))
		return -1;
	*v = total;
	return 0;
}

struct currency_word {
	const char *w;
	const char *code;
};

/* Words before a number, longest first where one begins another. */
static const struct currency_word currency_before[] = {
	{ "人民币", "CNY" }, { "RMB", "CNY" }, { "CNY", "CNY" }, { "\xC2\xA5", "CNY" },
	{ "HK$", "HKD" }, { "HKD", "HKD" }, { "US$", "USD" }, { "USD", "USD" },
	{ "NT$", "TWD" }, { "MOP", "MOP" }, { "EUR", "EUR" }, { "\xE2\x82\xAC", "EUR" },
	{ "GBP", "GBP" }, { "\xC2\xA3", "GBP" }, { "JPY", "JPY" }, { "$", "USD" },
};

/* Words after a number. */
static const struct currency_word currency_after[] = {
	{ "元", "CNY" }, { "块钱", "CNY" }, { "块", "CNY" }, { "圆", "CNY" },
	{ "港元", "HKD" }, { "港币", "HKD" }, { "美元", "USD" }, { "美金", "USD" },
	{ "欧元", "EUR" }, { "日元", "JPY" }, { "英镑", "GBP" }, { "澳门元", "MOP" },
	{ "澳门币", "MOP" }, { "新台币", "TWD" }, { "台币", "TWD" }, { "韩元", "KRW" },
	{ "yuan", "CNY" }, { "RMB", "CNY" }, { "CNY", "CNY" }, { "HKD", "HKD" },
	{ "USD", "USD" }, { "dollars", "USD" },
};

static const char *currency_at(const struct currency_word *t, size_t nt,
			       const char *s, size_t len, size_t *i)
{
	for (size_t k = 0; k < nt; k++) {
		size_t n = starts(s, len, *i, t[k].w);

		if (n) {
			*i += n;
			return t[k].code;
		}
	}
	return NULL;
}

int values_amount(const char *s, size_t len, double *v, const char **currency, int *approx)
{
	const char *before, *after;
	size_t i = 0, used, n;

	before = currency_at(currency_before, sizeof(currency_before) / sizeof(currency_before[0]),
			     s, len, &i);
	while (i < len && s[i] == ' ')
		i++;
	if (values_number(s + i, len - i, v, &used, approx) < 0)
		return -1;
	i += used;
	while (i < len && s[i] == ' ')
		i++;
	if ((n = starts(s, len, i, "million"))) {
		*v *= 1e6;
		i += n;
	} else if (i < len && (s[i] == 'k' || s[i] == 'K') &&
		   (i + 1 == len || !((s[i + 1] | 0x20) >= 'a' && (s[i + 1] | 0x20) <= 'z'))) {
		*v *= 1e3;
		i++;
	}
	if (!(*v < VALUES_MAX))
		return -1;      /* "999999999999999 million" */
	while (i < len && s[i] == ' ')
		i++;
	/* "手表一块", "两块手表": one Chinese digit before 块 counts things, not yuan */
	if (!before && used == 3 && starts(s, len, i, "块") && !starts(s, len, i, "块钱"))
		return -1;
	after = currency_at(currency_after, sizeof(currency_after) / sizeof(currency_after[0]),
			    s, len, &i);
	if (!before && !after)
		return -1;

	*currency = before ? before : after;
	return 0;
}

int values_age(const char *s, size_t len, int *age, int *approx)
{
	double v;
	size_t used, skip = 0;

	/* "aged 32": the number after the English word */
	while (skip < len && ((s[skip] | 0x20) >= 'a' && (s[skip] | 0x20) <= 'z'))
		skip++;
	while (skip < len && s[skip] == ' ')
		skip++;
	s += skip;
	len -= skip;
	if (values_number(s, len, &v, &used, approx) < 0 || v != floor(v) || v > 120)
		return -1;
	for (size_t i = used; i + 1 < len; i++)
		if (starts(s, len, i, "左右"))
			*approx = 1;
	*age = (int)v;
	return 0;
}

const char *values_sex(const char *s, size_t len)
{
	if (starts(s, len, 0, "男"))
		return "男";
	if (starts(s, len, 0, "女"))
		return "女";
	if (len == 4 && strncasecmp(s, "male", 4) == 0)
		return "男";
	if (len == 6 && strncasecmp(s, "female", 6) == 0)
		return "女";
	return NULL;
}

void values_format(double v, char out[40])
{
	size_t n;

	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(out, 40, "%.0f", v);
		return;
	}
	snprintf(out, 40, "%.2f", v);
	n = strlen(out);
	while (n > 0 && out[n - 1] == '0')
		out[--n] = '\0';
	if (n > 0 && out[n - 1] == '.')
		out[--n] = '\0';
}
