/*
 * cusum: a one-sided standardised CUSUM on a moving baseline, the
 * companion of EARS for slow, sustained rises that no single day shows.
 *
 *   mean, sd  from the `baseline` points before t, skipping a guard band
 *             of two (as EARS C2 does), sd floored at min_sigma and, when
 *             still 0, taken as one count so a flat baseline cannot make
 *             the sum infinite;
 *   z(t)      (x(t) - mean) / sd;
 *   S(t)      max(0, S(t-1) + z(t) - k), S = 0 before the first point;
 *   alarm     S(t) > h.
 *
 * The sum is not reset after an alarm: an ongoing rise keeps alarming, and
 * the warn stage carries it as one warning.  threshold is the count that
 * would have taken S(t) above h: mean + sd * (h + k - S(t-1)).
 */
#include "output/detect.h"

#include <math.h>

#define CUSUM_GUARD 2

void detect_cusum(const double *x, size_t n, const struct detect_opts *o,
		  struct detect_point *out)
{
	size_t first = (size_t)o->baseline + CUSUM_GUARD;
	double s = 0;

	for (size_t t = 0; t < n; t++) {
		struct detect_point *p = &out[t];
		double mu, sd, sigma;

		detect_point_blank(p, x[t]);
		if (t < first)
			continue;
		detect_window_stats(x, t - CUSUM_GUARD - (size_t)o->baseline,
				    t - CUSUM_GUARD - 1, &mu, &sd);
		sigma = sd > o->min_sigma ? sd : o->min_sigma;
		if (sigma <= 0)
			sigma = 1;
		p->expected = mu;
		p->threshold = mu + sigma * (o->threshold + o->cusum_k - s);
		if (p->threshold < 0)
			p->threshold = 0;
		s += (x[t] - mu) / sigma - o->cusum_k;
		if (s < 0)
			s = 0;
		p->score = s;
		p->alarm = s > o->threshold && x[t] >= o->min_count;
	}
}
