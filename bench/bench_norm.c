/*
 * bench_norm: throughput of norm_text on report-sized Chinese texts
 * (about 190 bytes), Simplified (no OpenCC call) and Traditional (one
 * OpenCC call each), plus the cost of norm_init.  Prints figures only.
 */
#include "common/norm.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Normalise text over and over for about half a second; print texts/s. */
static int run(struct norm *n, const char *label, const char *text)
{
	struct sbuf out = SBUF_INIT;
	struct err err;
	size_t len = strlen(text);
	long count = 0;
	double t0 = now(), t;

	do {
		for (int k = 0; k < 1000; k++) {
			sbuf_reset(&out);
			if (norm_text(n, text, len, &out, &err) < 0) {
				fprintf(stderr, "bench_norm: %s\n", err.msg);
				sbuf_release(&out);
				return -1;
			}
		}
		count += 1000;
		t = now() - t0;
	} while (t < 0.5);
	printf("norm_text %-26s %4zu bytes  %9.0f texts/s  %6.1f MB/s\n",
	       label, len, count / t, count * (double)len / t / 1e6);
	sbuf_release(&out);
	return 0;
}

int main(void)
{
	static const struct {
		const char *label, *text;
	} texts[] = {
		{ "simplified", "11月21日晚8时许,报警人张某(男,32岁)称其停放在幸福路12号"
		  "小区内的电动车被盗,价值约3000元,车主电话13912345678,民警已到场处置,"
		  "调取监控。" },
		{ "simplified+full-width", "１１月２１日晚８时许，报警人张某（男，３２岁）称其停放在"
		  "幸福路１２号小区内的电动车被盗，价值约３０００元，民警已到场。" },
		{ "traditional", "11月21日晚8時許,報警人張某(男,32歲)稱其停放在幸福路12號"
		  "小區內的電動車被盜,價值約3000元,車主電話13912345678,民警已到場處置,"
		  "調取監控。" },
		{ "ascii", "Reporter says a grey van with plate A12345 was parked outside "
		  "the pawn shop on Station Road from 8 pm until midnight, two men "
		  "got out and walked off." },
	};
	struct norm n;
	struct err err;
	double t0 = now();

	if (norm_init(&n, &err) < 0) {
		fprintf(stderr, "bench_norm: %s\n", err.msg);
		return 1;
	}
	printf("norm_init %.1f ms\n", (now() - t0) * 1e3);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (run(&n, texts[i].label, texts[i].text) < 0)
			break;
	norm_release(&n);
	return 0;
}
