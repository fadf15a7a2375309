/*
 * eval_names: precision and recall of the names extractor per type on
 * the labelled sentences (tests/eval/labelled-names.jsonl).  Prints
 * figures only; `eval_names -v` also lists every miss and false find.
 *
 *   eval_names [-v] [DATADIR [FILE]]
 */
#include "tests/eval/names_score.h"

int main(int argc, char **argv)
{
	struct err err;
	struct names *x;
	struct names_score sc[SCORE_NTYPES];
	int verbose = argc > 1 && !strcmp(argv[1], "-v");
	const char *datadir = argc > 1 + verbose ? argv[1 + verbose] : LOOKOUT_DATADIR;
	const char *file = argc > 2 + verbose ? argv[2 + verbose] :
			   LOOKOUT_DATADIR "/../tests/eval/labelled-names.jsonl";
	long n;

	x = names_new(datadir, &err);
	if (!x) {
		fprintf(stderr, "eval_names: %s\n", err.msg);
		return 1;
	}
	n = score_file(x, file, sc, verbose ? stdout : NULL);
	names_free(x);
	if (n < 0) {
		fprintf(stderr, "eval_names: cannot read '%s'\n", file);
		return 1;
	}
	printf("names extractor on %s (%ld sentences), exact spans\n", file, n);
	printf("%-7s %5s %5s %5s %9s %7s %7s\n", "type", "tp", "fp", "fn", "precision",
	       "recall", "value");
	for (int t = 0; t < SCORE_NTYPES; t++)
		printf("%-7s %5ld %5ld %5ld %9.3f %7.3f %7.3f\n", score_types[t], sc[t].tp,
		       sc[t].fp, sc[t].fn, score_p(&sc[t]), score_r(&sc[t]),
		       sc[t].tp ? (double)sc[t].value_ok / (double)sc[t].tp : 1.0);
	return 0;
}
