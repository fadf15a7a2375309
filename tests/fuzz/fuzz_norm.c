/*
 * fuzz_norm: the normaliser and encoding detection on arbitrary bytes.
 * Valid UTF-8 must normalise to valid UTF-8 with no leading or trailing
 * space; invalid input must be refused by utf8_valid, never crash.
 */
#include "common/encoding.h"
#include "common/norm.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct norm nm;
static int ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct sbuf out = SBUF_INIT;
	struct err err;

	if (!ready) {
		if (norm_init(&nm, &err) < 0)
			abort();
		ready = 1;
	}
	enc_detect(s, size);
	if (enc_detect(s, size) == ENC_GB18030) {
		if (enc_gb18030_to_utf8(s, size, &out, &err) < 0)
			abort();
		if (!utf8_valid(out.buf, out.len))
			abort();
		sbuf_reset(&out);
	}
	norm_key(s, size, &out);
	sbuf_reset(&out);
	if (utf8_valid(s, size)) {
		if (norm_text(&nm, s, size, &out, &err) == 0) {
			if (!utf8_valid(out.buf ? out.buf : "", out.len))
				abort();
			if (out.len && (out.buf[0] == ' ' || out.buf[out.len - 1] == ' '))
				abort();
		}
	}
	sbuf_release(&out);
	return 0;
}
