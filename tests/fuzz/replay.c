/*
 * replay: run a fuzz target over stored inputs without libFuzzer, so
 * `make test` replays every seed and every crash ever found under any
 * compiler.  Arguments are files or folders (each file inside is one
 * input).  Prints "ok fuzz-<target> N inputs" when every input returns.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long count;

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;
	uint8_t chunk[65536];

	if (!f) {
		fprintf(stderr, "replay: cannot open '%s'\n", path);
		exit(1);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (len + n > cap) {
			cap = (len + n) * 2;
			buf = realloc(buf, cap);
			if (!buf)
				exit(1);
		}
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(f);
	/* Hand the target an exact-size heap copy so ASan sees overreads. */
	{
		uint8_t *exact = malloc(len ? len : 1);

		if (!exact)
			exit(1);
		if (len)
			memcpy(exact, buf, len);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	free(buf);
	count++;
}

static void run_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: no '%s'\n", path);
		exit(1);
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	d = opendir(path);
	if (!d)
		exit(1);
	while ((e = readdir(d)) != NULL) {
		char sub[4096];

		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		run_path(sub);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	const char *name = argc > 0 ? strrchr(argv[0], '/') : NULL;

	for (int i = 1; i < argc; i++)
		run_path(argv[i]);
	printf("ok fuzz-%s replayed %ld inputs\n", name ? name + 1 : argv[0], count);
	return 0;
}
