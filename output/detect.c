/*
 * detect: what the methods share — their names, their defaults, the
 * dispatcher, and the mean and standard deviation of a baseline window.
 * The defaults are those of the published methods (CDC EARS; Noufaily et
 * al. 2013 for Farrington-flexible); the warn stage overrides them from
 * data/warn.conf, 'lookout detect' from its options.
 */
#include "output/detect.h"

#include <math.h>
#include <string.h>

static const char *const method_names[] = {
	[DETECT_EARS_C1] = "ears-c1",
	[DETECT_EARS_C2] = "ears-c2",
	[DETECT_EARS_C3] = "ears-c3",
	[DETECT_CUSUM] = "cusum",
	[DETECT_FARRINGTON] = "farrington",
};

int detect_method_parse(const char *name, enum detect_method *m)
{
	for (size_t i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++) {
		if (!strcmp(name, method_names[i])) {
			*m = (enum detect_method)i;
			return 0;
		}
	}
	return -1;
}

const char *detect_method_name(enum detect_method m)
{
	return method_names[m];
}

/*
 * Farrington's windows depend on the cycle: weekly data (period 52) use
 * Noufaily's b = 5 years, w = 3 weeks, 10 seasonal levels and the last
 * 26 weeks left out; daily data with a weekly cycle (period 7) compare
 * the same weekday of the last 8 weeks, one level a weekday.
 */
void detect_opts_default(struct detect_opts *o, enum detect_method m, int period)
{
	memset(o, 0, sizeof(*o));
	o->method = m;
	o->min_count = 0;
	o->baseline = 7;
	o->threshold = m == DETECT_EARS_C3 ? 2.0 : m == DETECT_CUSUM ? 4.0 : 3.0;
	o->min_sigma = 0;
	o->cusum_k = 0.5;
	o->period = period > 1 ? period : 52;
	if (o->period == 7) {
		o->b = 8;
		o->w = 0;
		o->no_periods = 7;
		o->past_excluded = 7;
	} else {
		o->b = 5;
		o->w = o->period >= 13 ? 3 : 0;
		o->no_periods = 10;
		if (o->no_periods > o->period - 2 * o->w)
			o->no_periods = o->period - 2 * o->w;
		o->past_excluded = o->period / 2;
	}
	o->reweight = 1;
	o->trend = 1;
	o->weights_threshold = 2.58;
	o->alpha = 0.05;
	o->p_trend = 0.05;
	o->limit_cases = 5;
	o->limit_points = 4;
}

void detect_run(const double *x, size_t n, const struct detect_opts *o,
		struct detect_point *out)
{
	switch (o->method) {
	case DETECT_EARS_C1:
	case DETECT_EARS_C2:
	case DETECT_EARS_C3:
		detect_ears(x, n, o, out);
		break;
	case DETECT_CUSUM:
		detect_cusum(x, n, o, out);
		break;
	case DETECT_FARRINGTON:
		detect_farrington(x, n, o, out);
		break;
	}
}

void detect_point_blank(struct detect_point *p, double observed)
{
	p->observed = observed;
	p->expected = p->threshold = p->score = NAN;
	p->alarm = 0;
}

void detect_window_stats(const double *x, size_t from, size_t to,
			 double *mean, double *sd)
{
	size_t k = to - from + 1;
	double s = 0, ss = 0;

	for (size_t i = from; i <= to; i++)
		s += x[i];
	*mean = s / (double)k;
	for (size_t i = from; i <= to; i++)
		ss += (x[i] - *mean) * (x[i] - *mean);
	*sd = k > 1 ? sqrt(ss / (double)(k - 1)) : 0;
}
