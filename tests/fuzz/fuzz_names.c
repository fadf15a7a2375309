/*
 * fuzz_names: the names extractor (analyze/extract_names) with the real
 * surname list, cue words and gazetteer, on the normalised form of
 * arbitrary bytes, after the identifier extractor as the analyze stage
 * runs them; and names_place on the bytes.  Beyond the mention checks
 * of mention_check.h: names_place gives valid UTF-8, each level of its
 * chain is a prefix of the whole value, and it is idempotent.
 */
#include "analyze/extract_ids.h"
#include "analyze/extract_names.h"
#include "tests/fuzz/mention_check.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ids *ids;
static struct names *names;
static struct norm nm;

static void place(const char *s, size_t len)
{
	struct names_place chain;
	char *v, *again;

	names_place_init(&chain);
	v = names_place(names, s, len, &chain);
	if (!v || !utf8_valid(v, strlen(v)))
		abort();
	for (int l = 0; l < NAMES_NLEVELS; l++)
		if (chain.level[l] && strncmp(chain.level[l], v, strlen(chain.level[l])))
			abort();
	again = names_place(names, v, strlen(v), NULL);
	if (strcmp(v, again))
		abort();
	free(again);
	free(v);
	names_place_release(&chain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbuf norm = SBUF_INIT;
	struct mention_list l;
	struct err err;
	size_t from;

	if (!names) {
		ids = ids_new(LOOKOUT_DATADIR, &err);
		names = names_new(LOOKOUT_DATADIR, &err);
		if (!ids || !names || norm_init(&nm, &err) < 0)
			abort();
	}
	if (!utf8_valid((const char *)data, size) ||
	    norm_text(&nm, (const char *)data, size, &norm, &err) < 0)
		return 0;
	mention_list_init(&l);
	if (norm.len) {
		if (ids_extract(ids, norm.buf, norm.len, &l) < 0)
			abort();
		from = l.n;
		names_extract(names, norm.buf, norm.len, &l);
		fuzz_check_mentions(&l, from, norm.buf, norm.len);
		place(norm.buf, norm.len);
	}
	mention_list_release(&l);
	sbuf_release(&norm);
	return 0;
}
