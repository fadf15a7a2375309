/*
 * fuzz_csv: the CSV and TSV reader (libcsv) and the row builder on
 * arbitrary bytes, read once with each delimiter (see reader_common.h
 * for what is checked).
 */
#include "tests/fuzz/reader_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int read_csv(const struct ingest_input *in, void *arg, struct err *err)
{
	return ingest_csv_read(in, ',', fuzz_reader_sink, arg, err);
}

static int read_tsv(const struct ingest_input *in, void *arg, struct err *err)
{
	return ingest_csv_read(in, '\t', fuzz_reader_sink, arg, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_reader_run(data, size, read_csv);
	fuzz_reader_run(data, size, read_tsv);
	return 0;
}
