/*
 * mention_check: what the extractor fuzz targets check of every mention
 * an extractor appends: a span inside the text on UTF-8 character
 * boundaries, a surface that is exactly those bytes, a value and a
 * surface of valid UTF-8, a confidence in 0..1, and attrs that parse as
 * a JSON object.  Any breach aborts.  Included by tests/fuzz/fuzz_ids.c
 * and tests/fuzz/fuzz_names.c only.
 */
#ifndef TESTS_FUZZ_MENTION_CHECK_H
#define TESTS_FUZZ_MENTION_CHECK_H

#include "analyze/mention.h"
#include "common/norm.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

static int fuzz_boundary(const char *text, size_t len, long at)
{
	return at == (long)len || ((unsigned char)text[at] & 0xc0) != 0x80;
}

/* Check mentions from..l->n-1, found in text[0..len). */
static void fuzz_check_mentions(const struct mention_list *l, size_t from,
				const char *text, size_t len)
{
	for (size_t i = from; i < l->n; i++) {
		const struct mention *m = &l->v[i];

		if (!m->type || !m->value || !m->surface || !m->rule)
			abort();
		if (!utf8_valid(m->value, strlen(m->value)) ||
		    !utf8_valid(m->surface, strlen(m->surface)))
			abort();
		if (m->start < 0 || m->end > (long)len || m->start >= m->end)
			abort();
		if (!fuzz_boundary(text, len, m->start) || !fuzz_boundary(text, len, m->end))
			abort();
		if (strlen(m->surface) != (size_t)(m->end - m->start) ||
		    memcmp(m->surface, text + m->start, (size_t)(m->end - m->start)))
			abort();
		if (!(m->confidence >= 0 && m->confidence <= 1))
			abort();
		if (m->attrs) {
			cJSON *a = cJSON_Parse(m->attrs);

			if (!cJSON_IsObject(a))
				abort();
			cJSON_Delete(a);
		}
	}
}

#endif
