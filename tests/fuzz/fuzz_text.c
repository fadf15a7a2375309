/*
 * fuzz_text: the plain-text reader ("key: value" lines, "---"
 * separators) with the real alias table, and the row builder, on
 * arbitrary bytes (see reader_common.h for what is checked).
 */
#include "tests/fuzz/reader_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *known_key(void *arg, const char *name, size_t len)
{
	struct fuzz_reader *fr = arg;

	return ingest_fields_lookup(&fr->fields, name, len);
}

static int read_text(const struct ingest_input *in, void *arg, struct err *err)
{
	return ingest_text_read(in, known_key, fuzz_reader_sink, arg, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_reader_run(data, size, read_text);
	return 0;
}
