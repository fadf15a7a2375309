/*
 * test_detect: the aberration methods on series with known answers.
 * The EARS and CUSUM figures are worked by hand in the comments; the
 * Farrington test plants outbreaks in a constructed seasonal series.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "output/detect.h"

#define EPS 1e-5

static void run(enum detect_method m, const double *x, size_t n,
		struct detect_point *p)
{
	struct detect_opts o;

	detect_opts_default(&o, m, 52);
	detect_run(x, n, &o, p);
}

/*
 * x = 1 3 1 3 1 3 2 | 6 ...  (days 0..6 are the first baseline)
 *
 * Days 0..6 sum to 14: mean 2; squared deviations 1,1,1,1,1,1,0 sum to 6,
 * so the sample variance is 6/6 = 1 and sd = 1.
 *
 * C1 on day 7 (baseline days 0..6): C1 = (6 - 2) / 1 = 4 > 3, an alarm;
 * the threshold is 2 + 3 * 1 = 5.  Day 8 (baseline 1..7 = 3 1 3 1 3 2 6:
 * sum 19, mean 2.714286, sum of squares 69 - 19^2/7 = 17.428571, sd =
 * sqrt(17.428571 / 6) = 1.704336): C1 = (2 - 2.714286) / 1.704336 < 0.
 */
static void ears_c1_by_hand(void **state)
{
	double x[] = { 1, 3, 1, 3, 1, 3, 2, 6, 2 };
	struct detect_point p[9];

	(void)state;
	run(DETECT_EARS_C1, x, 9, p);
	for (int t = 0; t < 7; t++) {
		assert_true(isnan(p[t].expected));
		assert_int_equal(p[t].alarm, 0);
	}
	assert_true(fabs(p[7].expected - 2) < EPS);
	assert_true(fabs(p[7].threshold - 5) < EPS);
	assert_true(fabs(p[7].score - 4) < EPS);
	assert_int_equal(p[7].alarm, 1);
	assert_true(fabs(p[8].expected - 2.714286) < EPS);
	assert_true(fabs(p[8].threshold - (2.714286 + 3 * 1.704336)) < EPS);
	assert_int_equal(p[8].alarm, 0);
}

/*
 * x = 1 3 1 3 1 3 2 6 2 4 6 5
 *
 * C2 skips two guard days: day 9 uses days 0..6 (mean 2, sd 1), so
 * C2(9) = (4 - 2) / 1 = 2, threshold 5, no alarm.  Day 10 uses 1..7
 * (mean 2.714286, sd 1.704336): C2(10) = (6 - 2.714286) / 1.704336 =
 * 1.927856.  Day 11 uses 2..8 = 1 3 1 3 2 6 2 (sum 18, mean 2.571429,
 * sum of squares 64 - 18^2/7 = 17.714286, sd 1.718249): C2(11) =
 * (5 - 2.571429) / 1.718249 = 1.413399, threshold 2.571429 + 3 *
 * 1.718249 = 7.726177.
 *
 * C3(11) = max(0, C2(11) - 1) + max(0, C2(10) - 1) + max(0, C2(9) - 1)
 *        = 0.413399 + 0.927856 + 1 = 2.341254 > 2: an alarm.  The day's
 * count that would have reached C3 = 2 is 2.571429 + 1.718249 * (1 + 2 -
 * 1.927856) = 4.413640.  R's earsC would not alarm here: it leaves out
 * the current day's 0.413399 and the previous two sum to 1.93 < 2.
 */
static void ears_c2_c3_by_hand(void **state)
{
	double x[] = { 1, 3, 1, 3, 1, 3, 2, 6, 2, 4, 6, 5 };
	struct detect_point p[12];

	(void)state;
	run(DETECT_EARS_C2, x, 12, p);
	assert_true(isnan(p[8].expected));
	assert_true(fabs(p[9].score - 2) < EPS);
	assert_true(fabs(p[9].threshold - 5) < EPS);
	assert_int_equal(p[9].alarm, 0);
	assert_true(fabs(p[10].score - 1.927856) < EPS);
	assert_true(fabs(p[11].score - 1.413399) < EPS);
	assert_true(fabs(p[11].threshold - 7.726177) < EPS);
	assert_int_equal(p[11].alarm, 0);

	run(DETECT_EARS_C3, x, 12, p);
	assert_true(isnan(p[10].expected));
	assert_true(fabs(p[11].expected - 2.571429) < EPS);
	assert_true(fabs(p[11].score - 2.341254) < EPS);
	assert_true(fabs(p[11].threshold - 4.413640) < EPS);
	assert_int_equal(p[11].alarm, 1);
}

/* C2 strictly above the threshold: exactly 3 sd is no alarm, a hair more is. */
static void ears_threshold_is_strict(void **state)
{
	double x[] = { 1, 3, 1, 3, 1, 3, 2, 0, 0, 5 };
	struct detect_point p[10];

	(void)state;
	run(DETECT_EARS_C2, x, 10, p);
	assert_int_equal(p[9].alarm, 0);
	x[9] = 5.001;
	run(DETECT_EARS_C2, x, 10, p);
	assert_int_equal(p[9].alarm, 1);
}

/*
 * x = 1 3 1 3 1 3 2 2 2 4 4 4, k = 0.5, h = 4, baseline 7 after a guard of 2.
 * Day 9: baseline 0..6, mean 2, sd 1: z = 2, S = 0 + 2 - 0.5 = 1.5;
 *   threshold 2 + 1 * (4 + 0.5 - 0) = 6.5.
 * Day 10: baseline 1..7 = 3 1 3 1 3 2 2 (mean 15/7 = 2.142857, sum of
 *   squares 37 - 225/7 = 4.857143, sd 0.899735): z = 2.064102,
 *   S = 1.5 + 2.064102 - 0.5 = 3.064102.
 * Day 11: baseline 2..8 = 1 3 1 3 2 2 2 (mean 2, sd sqrt(4/6) = 0.816497):
 *   z = 2.449490, S = 3.064102 + 2.449490 - 0.5 = 5.013592 > 4: alarm;
 *   threshold 2 + 0.816497 * (4.5 - 3.064102) = 3.172408.
 */
static void cusum_by_hand(void **state)
{
	double x[] = { 1, 3, 1, 3, 1, 3, 2, 2, 2, 4, 4, 4 };
	struct detect_point p[12];

	(void)state;
	run(DETECT_CUSUM, x, 12, p);
	assert_true(isnan(p[8].expected));
	assert_true(fabs(p[9].score - 1.5) < EPS);
	assert_true(fabs(p[9].threshold - 6.5) < EPS);
	assert_int_equal(p[9].alarm, 0);
	assert_true(fabs(p[10].score - 3.064102) < EPS);
	assert_int_equal(p[10].alarm, 0);
	assert_true(fabs(p[11].score - 5.013592) < EPS);
	assert_true(fabs(p[11].threshold - 3.172408) < EPS);
	assert_int_equal(p[11].alarm, 1);
}

static int any_alarm(enum detect_method m, const double *x, size_t n,
		     double min_count, double min_sigma)
{
	struct detect_point p[400];
	struct detect_opts o;
	int any = 0;

	detect_opts_default(&o, m, 52);
	o.min_count = min_count;
	o.min_sigma = min_sigma;
	detect_run(x, n, &o, p);
	for (size_t t = 0; t < n; t++)
		any |= p[t].alarm;
	return any;
}

static void flat_series_never_alarms(void **state)
{
	double x[400];
	enum detect_method all[] = { DETECT_EARS_C1, DETECT_EARS_C2, DETECT_EARS_C3,
				     DETECT_CUSUM, DETECT_FARRINGTON };

	(void)state;
	for (int level = 0; level <= 20; level += 5) {
		for (int t = 0; t < 400; t++)
			x[t] = level;
		for (size_t m = 0; m < sizeof(all) / sizeof(all[0]); m++)
			assert_int_equal(any_alarm(all[m], x, 400, 0, 0), 0);
	}
}

/*
 * A sparse series (a single case every 9 or 10 days): with a minimum
 * count of 2 nothing alarms; without it EARS flags the lone 1 after a
 * week of zeros, which is what the minimum count is for.
 */
static void sparse_series_needs_min_count(void **state)
{
	double x[400];
	enum detect_method all[] = { DETECT_EARS_C1, DETECT_EARS_C2, DETECT_EARS_C3,
				     DETECT_CUSUM, DETECT_FARRINGTON };

	(void)state;
	for (int t = 0; t < 400; t++)
		x[t] = t % 10 == 3 || t % 9 == 5 ? 1 : 0;
	for (size_t m = 0; m < sizeof(all) / sizeof(all[0]); m++)
		assert_int_equal(any_alarm(all[m], x, 400, 2, 0.5), 0);
	assert_int_equal(any_alarm(DETECT_EARS_C1, x, 400, 0, 0), 1);
}

/* A fixed pseudo-random Poisson stream, so the test is the same everywhere. */
static uint64_t rng = 88172645463325252ULL;

static double poisson(double lambda)
{
	double l = exp(-lambda), p = 1;
	int k = 0;

	do {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		p *= (double)(rng >> 11) / 9007199254740992.0;
		k++;
	} while (p > l);
	return k - 1;
}

static double season(int t)
{
	return 6 + 4 * sin(2 * M_PI * t / 52.0);
}

/*
 * Six years of weekly counts with a yearly cycle (mean 2 to 10); the
 * last week is judged.  Without an outbreak it is quiet and the
 * expectation follows the season; with 25 extra cases it alarms.  A big
 * outbreak a year earlier, in the same weeks, is down-weighted by the
 * reweighting, so it hardly raises this year's expectation.
 */
static void farrington_planted_outbreak(void **state)
{
	enum { N = 6 * 52 };
	double x[N];
	struct detect_opts o;
	struct detect_point quiet, loud, past, noweights;
	size_t t = N - 1;

	(void)state;
	for (int i = 0; i < N; i++)
		x[i] = poisson(season(i));
	detect_opts_default(&o, DETECT_FARRINGTON, 52);
	x[t] = season((int)t);
	detect_farrington_at(x, N, t, &o, &quiet);
	assert_false(isnan(quiet.expected));
	assert_true(fabs(quiet.expected - season((int)t)) < 0.25 * season((int)t));
	assert_true(quiet.threshold > quiet.expected);
	assert_int_equal(quiet.alarm, 0);

	x[t] += 25;
	detect_farrington_at(x, N, t, &o, &loud);
	assert_int_equal(loud.alarm, 1);
	assert_true(loud.score > 1);
	assert_true(fabs(loud.expected - quiet.expected) < 1e-9);   /* t is not in its own baseline */

	for (size_t i = t - 52 - 2; i <= t - 52 + 2; i++)
		x[i] += 30;
	detect_farrington_at(x, N, t, &o, &past);
	o.reweight = 0;
	detect_farrington_at(x, N, t, &o, &noweights);
	assert_true(noweights.expected > past.expected);
	assert_true(fabs(past.expected - quiet.expected) < 0.25 * quiet.expected);
	assert_int_equal(past.alarm, 1);
}

/* Too short a history: nothing judged, nothing alarmed. */
static void farrington_needs_history(void **state)
{
	double x[100];
	struct detect_point p[100];
	struct detect_opts o;

	(void)state;
	for (int i = 0; i < 100; i++)
		x[i] = i == 99 ? 50 : 3;
	detect_opts_default(&o, DETECT_FARRINGTON, 52);
	detect_farrington(x, 100, &o, p);
	for (int i = 0; i < 100; i++) {
		assert_true(isnan(p[i].expected));
		assert_int_equal(p[i].alarm, 0);
	}
	o.b = 1;
	detect_farrington_at(x, 100, 99, &o, &p[99]);
	assert_false(isnan(p[99].expected));
	assert_int_equal(p[99].alarm, 1);
}

static void method_names(void **state)
{
	enum detect_method m;

	(void)state;
	assert_int_equal(detect_method_parse("ears-c3", &m), 0);
	assert_int_equal(m, DETECT_EARS_C3);
	assert_string_equal(detect_method_name(DETECT_FARRINGTON), "farrington");
	assert_int_equal(detect_method_parse("ears-c4", &m), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ears_c1_by_hand),
		cmocka_unit_test(ears_c2_c3_by_hand),
		cmocka_unit_test(ears_threshold_is_strict),
		cmocka_unit_test(cusum_by_hand),
		cmocka_unit_test(flat_series_never_alarms),
		cmocka_unit_test(sparse_series_needs_min_count),
		cmocka_unit_test(farrington_planted_outbreak),
		cmocka_unit_test(farrington_needs_history),
		cmocka_unit_test(method_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
