/*
 * fuzz_values: the number, money, age and sex readers of analyze/values
 * on arbitrary valid UTF-8, and the category classifier on the same
 * text.  A number or amount read never claims more bytes than it was
 * given, is positive, finite and below VALUES_MAX, and prints as itself
 * (to the cent) without an exponent; an age is 0..120.
 */
#include "analyze/category.h"
#include "analyze/values.h"
#include "common/norm.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct category *cat;

static void check_number(double v)
{
	char out[40];

	if (!(v > 0) || !(v < VALUES_MAX))
		abort();
	values_format(v, out);
	if (strchr(out, 'e') || fabs(strtod(out, NULL) - v) > fmax(0.0051, v * 1e-9))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct category_result res;
	const char *currency, *sex;
	double v;
	size_t used;
	int approx, age;
	struct err err;

	if (!cat && !(cat = category_new(LOOKOUT_DATADIR, &err)))
		abort();
	if (!utf8_valid(s, size))
		return 0;
	if (values_number(s, size, &v, &used, &approx) == 0) {
		if (used == 0 || used > size)
			abort();
		check_number(v);
	}
	if (values_amount(s, size, &v, &currency, &approx) == 0) {
		if (!currency || strlen(currency) != 3)
			abort();
		check_number(v);
	}
	if (values_age(s, size, &age, &approx) == 0 && (age < 0 || age > 120))
		abort();
	sex = values_sex(s, size);
	if (sex && strcmp(sex, "男") && strcmp(sex, "女"))
		abort();
	category_classify(cat, s, size, NULL, NULL, &res);
	if (res.n < 0 || res.n > CATEGORY_MAX)
		abort();
	for (int i = 0; i < res.n; i++)
		if (!res.v[i].key || res.v[i].primary != (i == 0))
			abort();
	return 0;
}
