/*
 * fuzz_date: date_parse on arbitrary bytes, with and without a
 * reference date.  The output must be a NUL-terminated string of a known
 * shape whenever a date is claimed.
 */
#include "common/date.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char out[32];
	struct date_ref ref = { 2026, 11, 21 };
	enum date_precision p;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	p = date_parse(s, NULL, out);
	if (p != DATE_NONE && strlen(out) != 10 && strlen(out) != 25)
		abort();
	p = date_parse(s, &ref, out);
	if (p == DATE_DAY && strlen(out) != 10)
		abort();
	if (p == DATE_TIME && strlen(out) != 25)
		abort();
	free(s);
	return 0;
}
