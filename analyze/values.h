/*
 * values: numbers as police records write them — money amounts
 * ("12.8万元", "5000余元", "人民币三千元", "HK$25,000"), ages ("32岁",
 * "三十多岁") and sex ("男", "female") — read from a span the extractor
 * found.  Pure functions on UTF-8; no state, no allocation.
 */
#ifndef ANALYZE_VALUES_H
#define ANALYZE_VALUES_H

#include <stddef.h>

/* The largest number read (exclusive): 10^15, printed exactly by values_format. */
#define VALUES_MAX 1e15

/*
 * A number in ASCII digits (with "," thousands and a decimal point)
 * and/or Chinese numerals with their units: "3000", "25,000", "12.8万",
 * "三千", "两千五百", "一万五", "3万5千", "一百零五".  Stops at the first
 * character that is not part of a number; *used gets the bytes read and
 * *approx is set when 余 or 多 appears ("5000余", "三十多").
 * Returns 0 with 0 < *v < VALUES_MAX, or -1.
 */
int values_number(const char *s, size_t len, double *v, size_t *used, int *approx);

/*
 * A money amount: optional currency before ("人民币", "RMB", "¥", "HK$",
 * "US$", "$", "€", ...), a number, optional currency after ("元", "块钱",
 * "港元", "美元", "yuan", ...).  *currency gets an ISO 4217 code (static
 * string; "CNY" for yuan).  Returns 0 with 0 < *v < VALUES_MAX, or -1.
 */
int values_amount(const char *s, size_t len, double *v, const char **currency, int *approx);

/* An age from "32岁", "三十多岁", "32 years old", "aged 32": 0..120.  Returns 0 or -1. */
int values_age(const char *s, size_t len, int *age, int *approx);

/* Sex from "男", "女", "male", "female" (any case): "男" or "女" (static), or NULL. */
const char *values_sex(const char *s, size_t len);

/* A number as a plain decimal string: no exponent, no trailing zeros ("128000", "12.5"). */
void values_format(double v, char out[40]);

#endif
