/*
 * bench_date: date_parse throughput on a mix of the forms records carry.
 * Prints figures only.
 */
#include "common/date.h"

#include <stdio.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
	static const char *const forms[] = {
		"2026-11-21T20:15:00+08:00", "2026-11-21 20:15", "20261121",
		"2026年11月21日20时15分", "11月21日晚8时许", "二〇二六年十一月二十一日",
		"20时许", "not a date at all",
	};
	const size_t nforms = sizeof(forms) / sizeof(forms[0]);
	struct date_ref ref = { 2026, 11, 22 };
	char out[32];
	long count = 0, dates = 0;
	double t0 = now(), t;

	do {
		for (int k = 0; k < 1000; k++)
			dates += date_parse(forms[k % nforms], &ref, out) != DATE_NONE;
		count += 1000;
		t = now() - t0;
	} while (t < 0.5);
	printf("date_parse %9.0f parses/s (%zu forms, %ld dates)\n",
	       count / t, nforms, dates);
	return 0;
}
