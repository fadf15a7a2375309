/*
 * fuzz_ids: the identifier and value extractor (analyze/extract_ids)
 * with the rules of data/rules/, on arbitrary bytes and on their
 * normalised form, with and without a reference date; and
 * ids_normalize of the bytes as each register field type.  Beyond the
 * mention checks of mention_check.h: ids_extract refuses invalid UTF-8,
 * appends in text order with no two spans overlapping, and a value
 * ids_normalize accepts is valid UTF-8 and normalises to itself.
 */
#include "analyze/extract_ids.h"
#include "tests/fuzz/mention_check.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const types[] = {
	"phone", "idcard", "plate", "imei", "bankcard", "email", "qq", "wechat", "case", "vin",
};

static struct ids *ids;
static struct norm nm;

static void extract(const char *text, size_t len)
{
	static const struct date_ref ref = { 2026, 11, 21 };
	struct mention_list l;

	mention_list_init(&l);
	for (int pass = 0; pass < 2; pass++) {
		int n;

		ids_set_date_ref(ids, pass ? &ref : NULL);
		mention_list_clear(&l);
		n = ids_extract(ids, text, len, &l);
		if (!utf8_valid(text, len)) {
			if (n != -1 || l.n)
				abort();
			continue;
		}
		if (n < 0 || (size_t)n != l.n)
			abort();
		fuzz_check_mentions(&l, 0, text, len);
		for (size_t i = 1; i < l.n; i++)
			if (l.v[i].start < l.v[i - 1].end)
				abort();
	}
	mention_list_release(&l);
}

static void normalize(const char *s)
{
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		char *out = NULL, *again = NULL;

		if (ids_normalize(ids, types[t], s, &out) < 0)
			continue;
		if (!out || !utf8_valid(out, strlen(out)))
			abort();
		if (ids_normalize(ids, types[t], out, &again) < 0 || strcmp(out, again))
			abort();
		free(out);
		free(again);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbuf norm = SBUF_INIT;
	struct err err;
	char *s;

	if (!ids) {
		ids = ids_new(LOOKOUT_DATADIR, &err);
		if (!ids || norm_init(&nm, &err) < 0)
			abort();
	}
	s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	extract(s, size);
	if (utf8_valid(s, size) && norm_text(&nm, s, size, &norm, &err) == 0 && norm.len)
		extract(norm.buf, norm.len);
	normalize(s);
	sbuf_release(&norm);
	free(s);
	return 0;
}
