/*
 * detect: the public-health aberration methods on one count series:
 * EARS C1, C2, C3, a CUSUM, and Farrington-flexible with the improved
 * (Noufaily) settings.  Pure numeric functions: no database, no I/O, no
 * allocation the caller sees.  Used by the spike detector and by
 * 'lookout detect'.  Must not depend on anything but libc and libm.
 */
#ifndef OUTPUT_DETECT_H
#define OUTPUT_DETECT_H

#include <stddef.h>

enum detect_method {
	DETECT_EARS_C1,
	DETECT_EARS_C2,
	DETECT_EARS_C3,
	DETECT_CUSUM,
	DETECT_FARRINGTON,
};

/*
 * One judged point.  expected and threshold are NAN where the series is
 * too short for the method (then alarm is 0).  threshold is the count
 * above which the point alarms (clamped at 0); score is the method's own
 * statistic: the C1/C2/C3 value, the CUSUM sum, or Farrington's
 * exceedance (observed - expected) / (threshold - expected).
 */
struct detect_point {
	double observed;
	double expected;
	double threshold;
	double score;
	int alarm;
};

struct detect_opts {
	enum detect_method method;
	double min_count;       /* no alarm while observed < min_count (0 -> 1) */
	/* EARS and CUSUM: a moving baseline of `baseline` points */
	int baseline;           /* 7 */
	double threshold;       /* C1, C2: 3 sd; C3: 2; CUSUM: the decision h */
	double min_sigma;       /* floor under the baseline sd (R's minSigma) */
	double cusum_k;         /* CUSUM reference value, in sd: 0.5 */
	/* Farrington-flexible */
	int period;             /* points a cycle: 52 weekly, 7 daily */
	int b;                  /* cycles back */
	int w;                  /* half window around the same point */
	int no_periods;         /* levels of the seasonal factor (1: windows only) */
	int past_excluded;      /* most recent points left out of the fit */
	int reweight;           /* down-weight past outbreaks */
	int trend;              /* try a time trend */
	double weights_threshold; /* Anscombe residual above which a point is down-weighted */
	double alpha;           /* upper quantile 1 - alpha of the plug-in NB */
	double p_trend;         /* keep the trend only when its p-value is below */
	double limit_cases;     /* no alarm with fewer cases than this ... */
	int limit_points;       /* ... in the last limit_points points */
};

/* Fill o with the defaults of method m for a series of the given period. */
void detect_opts_default(struct detect_opts *o, enum detect_method m, int period);

/* "ears-c1" ... "farrington" to enum; -1 when unknown. */
int detect_method_parse(const char *name, enum detect_method *m);
/* Returns a static name. */
const char *detect_method_name(enum detect_method m);

/* Judge every point of x[0..n) with o->method; writes out[0..n). */
void detect_run(const double *x, size_t n, const struct detect_opts *o,
		struct detect_point *out);

/* The methods one by one; same contract as detect_run. */
void detect_ears(const double *x, size_t n, const struct detect_opts *o,
		 struct detect_point *out);
void detect_cusum(const double *x, size_t n, const struct detect_opts *o,
		  struct detect_point *out);
void detect_farrington(const double *x, size_t n, const struct detect_opts *o,
		       struct detect_point *out);
/* Farrington on the single point t of x[0..n); out->expected NAN when it cannot. */
void detect_farrington_at(const double *x, size_t n, size_t t,
			  const struct detect_opts *o, struct detect_point *out);

/* A point not (yet) judged: observed only, the rest NAN, no alarm. */
void detect_point_blank(struct detect_point *p, double observed);

/*
 * Mean and sample standard deviation (n - 1) of x[from..to], inclusive;
 * shared by EARS and the CUSUM.
 */
void detect_window_stats(const double *x, size_t from, size_t to,
			 double *mean, double *sd);

#endif
