/*
 * fuzz_jsonl: the JSON Lines reader and the row builder on arbitrary
 * bytes (see reader_common.h for what is checked).
 */
#include "tests/fuzz/reader_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int read_jsonl(const struct ingest_input *in, void *arg, struct err *err)
{
	return ingest_jsonl_read(in, fuzz_reader_sink, arg, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_reader_run(data, size, read_jsonl);
	return 0;
}
