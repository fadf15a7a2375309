/*
 * ears: the CDC's Early Aberration Reporting System methods C1, C2 and
 * C3 (Hutwagner et al., "The bioterrorism preparedness and response Early
 * Aberration Reporting System (EARS)", J Urban Health 2003).  Each day is
 * compared with a short moving baseline of `baseline` days (7):
 *
 *   C1  baseline t-7 .. t-1;  C1(t) = (x(t) - mean) / sd;  alarm C1 > 3
 *   C2  baseline t-9 .. t-3 (a guard band of two days keeps the start of
 *       an outbreak out of its own baseline);  alarm C2 > 3
 *   C3  C3(t) = sum over i = 0, 1, 2 of max(0, C2(t-i) - 1);  alarm C3 > 2
 *
 * sd is the sample standard deviation (n - 1), floored at min_sigma as
 * R's surveillance::earsC does with its minSigma.  With sd 0 a day above
 * the baseline mean has an infinite statistic and alarms, one at or below
 * it does not; min_count keeps 0 -> 1 from alarming.
 *
 * C3 follows the CDC definition, which includes the current day's
 * excess.  R's surveillance::earsC (1.20) departs from its own
 * documentation here: its C3 upper bound is observed + sd * (z - lag1 -
 * lag2), so its alarm depends only on the two previous days' C2 excesses
 * and ignores the current day's.  We do not copy that.
 *
 * C1 and C2 match earsC point for point when its alpha is 1 - pnorm(3)
 * (tests/fixtures/detect/ holds the reference figures).
 */
#include "output/detect.h"

#include <math.h>

/* The C2-style statistic of x[t] against its baseline; mu and sigma out. */
static double ears_stat(const double *x, size_t t, size_t lag,
			const struct detect_opts *o, double *mu, double *sigma)
{
	double sd;

	detect_window_stats(x, t - lag - (size_t)o->baseline + 1, t - lag, mu, &sd);
	*sigma = sd > o->min_sigma ? sd : o->min_sigma;
	if (*sigma > 0)
		return (x[t] - *mu) / *sigma;
	if (x[t] > *mu)
		return INFINITY;
	return x[t] < *mu ? -INFINITY : 0;
}

static double excess(double c)
{
	return c - 1 > 0 ? c - 1 : 0;
}

void detect_ears(const double *x, size_t n, const struct detect_opts *o,
		 struct detect_point *out)
{
	size_t lag = o->method == DETECT_EARS_C1 ? 1 : 3;
	size_t first = (size_t)o->baseline + lag - 1;   /* first judged point */

	if (o->method == DETECT_EARS_C3)
		first += 2;
	for (size_t t = 0; t < n; t++) {
		struct detect_point *p = &out[t];
		double mu, sigma, c;

		detect_point_blank(p, x[t]);
		if (t < first)
			continue;
		c = ears_stat(x, t, lag, o, &mu, &sigma);
		p->expected = mu;
		if (o->method != DETECT_EARS_C3) {
			p->score = c;
			p->threshold = mu + o->threshold * sigma;
			p->alarm = x[t] > p->threshold;
		} else {
			double m1, s1, m2, s2;
			double lags = excess(ears_stat(x, t - 1, lag, o, &m1, &s1)) +
				      excess(ears_stat(x, t - 2, lag, o, &m2, &s2));

			p->score = excess(c) + lags;
			p->alarm = p->score > o->threshold;
			/* The count at which C3 would cross its threshold. */
			if (lags > o->threshold)
				p->threshold = 0;
			else
				p->threshold = mu + sigma * (1 + o->threshold - lags);
			if (p->threshold < 0)
				p->threshold = 0;
		}
		if (x[t] < o->min_count)
			p->alarm = 0;
	}
}
