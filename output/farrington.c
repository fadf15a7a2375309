/*
 * farrington: Farrington-flexible with the improved settings of Noufaily
 * et al. ("An improved algorithm for outbreak detection in multiple
 * surveillance systems", Stat Med 2013), as R's
 * surveillance::farringtonFlexible computes them with noPeriods = 10,
 * pastWeeksNotIncluded = 26, weightsThreshold = 2.58 and
 * thresholdMethod = "nbPlugin".  For the point t of a series with
 * `period` points a cycle:
 *
 *  1. The baseline is the same point of the b earlier cycles with w
 *     points either side (seasonal level "current"), plus every point
 *     between those windows, cut into no_periods - 1 blocks that each get
 *     a level of a seasonal factor (R's blocks()); the most recent
 *     past_excluded points are left out so a running outbreak does not
 *     raise its own baseline.
 *  2. A quasi-Poisson log-linear GLM, count ~ trend + season, is fitted by
 *     iteratively reweighted least squares (no library here does GLMs;
 *     R's glm() is the model: start at mu = y + 0.1, stop when the
 *     deviance changes by less than 1e-8 relatively, at most 25 rounds).
 *  3. Past outbreaks are down-weighted: points whose Anscombe residual
 *     exceeds weights_threshold get weight s^-2, the rest 1, all scaled so
 *     the weights sum to n; the model is refitted with those weights.
 *  4. The trend is kept only with at least three cycles of history, a
 *     p-value below p_trend and a prediction no higher than the largest
 *     baseline count; otherwise the model is refitted without it.
 *  5. The threshold is the 1 - alpha quantile of a negative binomial with
 *     mean mu0 and variance phi * mu0 (Poisson when phi = 1), phi the
 *     dispersion floored at 1.  A point alarms when it is above the
 *     threshold, not 0, and at least limit_cases cases fell in the last
 *     limit_points points.
 *
 * Two places where R's farringtonFlexible (1.20) does something else, on
 * purpose here: it tests the trend with summary.glm() on a model whose
 * $weights it has overwritten with the reweighting weights, so the
 * dispersion of that test is sum(omega * ((y - mu) / mu)^2) / df instead of
 * the Pearson statistic, and a clear trend can look insignificant (week
 * 193 of its series s1: dispersion 87 instead of 5.8).  And it computes
 * the nbPlugin exceedance score on the link scale, (y - eta0) / (U - eta0);
 * we use the response scale, (y - mu0) / (U - mu0), and decide
 * the alarm by y > U, which is what R's score amounts to in practice.
 */
#include "output/detect.h"
#include "common/xalloc.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FAR_MAXP 24             /* intercept + trend + seasonal levels */
#define FAR_MAXIT 25
#define FAR_EPS 1e-8

struct far_data {
	size_t n;
	double *y;
	double *time;           /* relative to the judged point, which is 0 */
	int *level;             /* 1 .. no_periods; no_periods is "current" */
	double *prior;          /* prior weights */
	int p;                  /* columns of the design */
	int trend;
	int col[FAR_MAXP];      /* column of each seasonal level, -1 for none */
};

struct far_fit {
	double beta[FAR_MAXP];
	double cov[FAR_MAXP * FAR_MAXP];   /* (X'WX)^-1 */
	double *mu;
	double phi;             /* Pearson dispersion, not floored */
	int df;
};

/* Row i of the design into row[0..p). */
static void far_row(const struct far_data *d, size_t i, double *row)
{
	int c = 0;

	memset(row, 0, sizeof(double) * (size_t)d->p);
	row[c++] = 1;
	if (d->trend)
		row[c++] = d->time[i];
	if (d->col[d->level[i]] >= 0)
		row[d->col[d->level[i]]] = 1;
}

/* Cholesky factor of the p x p matrix a, in place (lower); -1 if not PD. */
static int chol(double *a, int p)
{
	for (int j = 0; j < p; j++) {
		double s = a[j * p + j];

		for (int k = 0; k < j; k++)
			s -= a[j * p + k] * a[j * p + k];
		if (s <= 1e-12 * (fabs(a[j * p + j]) + 1e-300))
			return -1;
		a[j * p + j] = sqrt(s);
		for (int i = j + 1; i < p; i++) {
			double t = a[i * p + j];

			for (int k = 0; k < j; k++)
				t -= a[i * p + k] * a[j * p + k];
			a[i * p + j] = t / a[j * p + j];
		}
	}
	return 0;
}

/* Solve L L' x = b with the factor of chol(); b is overwritten by x. */
static void chol_solve(const double *l, int p, double *b)
{
	for (int i = 0; i < p; i++) {
		for (int k = 0; k < i; k++)
			b[i] -= l[i * p + k] * b[k];
		b[i] /= l[i * p + i];
	}
	for (int i = p - 1; i >= 0; i--) {
		for (int k = i + 1; k < p; k++)
			b[i] -= l[k * p + i] * b[k];
		b[i] /= l[i * p + i];
	}
}

/* X'WX with W = prior * mu into a, factorised; -1 when singular. */
static int far_info(const struct far_data *d, const double *mu, double *a)
{
	double row[FAR_MAXP];
	int p = d->p;

	memset(a, 0, sizeof(double) * (size_t)(p * p));
	for (size_t i = 0; i < d->n; i++) {
		double wi = d->prior[i] * mu[i];

		far_row(d, i, row);
		for (int r = 0; r < p; r++)
			for (int c = 0; c <= r; c++)
				a[r * p + c] += wi * row[r] * row[c];
	}
	for (int r = 0; r < p; r++)
		for (int c = r + 1; c < p; c++)
			a[r * p + c] = a[c * p + r];
	return chol(a, p);
}

static double far_deviance(const struct far_data *d, const double *mu)
{
	double dev = 0;

	for (size_t i = 0; i < d->n; i++) {
		double y = d->y[i];

		dev += 2 * d->prior[i] * ((y > 0 ? y * log(y / mu[i]) : 0) - (y - mu[i]));
	}
	return dev;
}

/*
 * Fit the quasi-Poisson GLM by IRLS.  f->mu must hold n doubles.
 * Returns 0 when it converged, -1 otherwise.
 */
static int far_glm(const struct far_data *d, struct far_fit *f)
{
	double a[FAR_MAXP * FAR_MAXP], rhs[FAR_MAXP], row[FAR_MAXP];
	double dev, devold;
	int p = d->p, converged = 0, npos = 0;
	double pearson = 0;

	for (size_t i = 0; i < d->n; i++)
		f->mu[i] = d->y[i] + 0.1;
	devold = far_deviance(d, f->mu);
	for (int it = 0; it < FAR_MAXIT && !converged; it++) {
		memset(rhs, 0, sizeof(rhs));
		for (size_t i = 0; i < d->n; i++) {
			double eta = log(f->mu[i]);
			double z = eta + (d->y[i] - f->mu[i]) / f->mu[i];

			far_row(d, i, row);
			for (int r = 0; r < p; r++)
				rhs[r] += d->prior[i] * f->mu[i] * row[r] * z;
		}
		if (far_info(d, f->mu, a) < 0)
			return -1;
		chol_solve(a, p, rhs);
		memcpy(f->beta, rhs, sizeof(double) * (size_t)p);
		for (size_t i = 0; i < d->n; i++) {
			double eta = 0;

			far_row(d, i, row);
			for (int r = 0; r < p; r++)
				eta += row[r] * f->beta[r];
			f->mu[i] = exp(eta);
		}
		dev = far_deviance(d, f->mu);
		if (!isfinite(dev))
			return -1;
		converged = fabs(dev - devold) / (fabs(dev) + 0.1) < FAR_EPS;
		devold = dev;
	}
	if (!converged || far_info(d, f->mu, a) < 0)
		return -1;
	/* The covariance (X'WX)^-1, one column at a time. */
	for (int c = 0; c < p; c++) {
		double e[FAR_MAXP] = { 0 };

		e[c] = 1;
		chol_solve(a, p, e);
		for (int r = 0; r < p; r++)
			f->cov[r * p + c] = e[r];
	}
	for (size_t i = 0; i < d->n; i++) {
		if (d->prior[i] <= 0)
			continue;
		npos++;
		pearson += d->prior[i] * (d->y[i] - f->mu[i]) * (d->y[i] - f->mu[i]) / f->mu[i];
	}
	f->df = npos - p;
	f->phi = f->df > 0 ? pearson / f->df : 1;
	return 0;
}

/* Leverage of point i: W_i x_i' (X'WX)^-1 x_i. */
static double far_hat(const struct far_data *d, const struct far_fit *f, size_t i)
{
	double row[FAR_MAXP], h = 0;
	int p = d->p;

	far_row(d, i, row);
	for (int r = 0; r < p; r++)
		for (int c = 0; c < p; c++)
			h += row[r] * f->cov[r * p + c] * row[c];
	return h * d->prior[i] * f->mu[i];
}

/*
 * Fit, then down-weight points with large Anscombe residuals and refit
 * (R's algo.farrington.fitGLM.flexible).  Leaves the prior weights used
 * in d->prior and the dispersion, floored at 1, in *phi.
 */
static int far_fit_weighted(struct far_data *d, const struct detect_opts *o,
			    struct far_fit *f, double *phi)
{
	double *s, sum = 0;

	for (size_t i = 0; i < d->n; i++)
		d->prior[i] = 1;
	if (far_glm(d, f) < 0)
		return -1;
	*phi = f->phi > 1 ? f->phi : 1;
	if (!o->reweight)
		return 0;
	s = xmalloc(sizeof(double) * d->n);
	for (size_t i = 0; i < d->n; i++) {
		double mu = f->mu[i], h = far_hat(d, f, i);
		double a = 1.5 * (pow(d->y[i], 2.0 / 3) * pow(mu, -1.0 / 6) - sqrt(mu));

		s[i] = h < 1 ? a / sqrt(*phi * (1 - h)) : 0;
		sum += s[i] > o->weights_threshold ? 1 / (s[i] * s[i]) : 1;
	}
	for (size_t i = 0; i < d->n; i++) {
		double omega = s[i] > o->weights_threshold ? 1 / (s[i] * s[i]) : 1;

		d->prior[i] = omega * (double)d->n / sum;
	}
	free(s);
	if (far_glm(d, f) < 0)
		return -1;
	*phi = f->phi > 1 ? f->phi : 1;
	return 0;
}

/*
 * The regularised incomplete beta I_x(a, b) by its continued fraction
 * (modified Lentz), for the t test of the trend.
 */
/* One step of the modified Lentz method: update c and d by aa, return the factor. */
static double lentz(double *c, double *d, double aa)
{
	*d = 1 + aa * *d;
	*c = 1 + aa / *c;
	if (fabs(*d) < 1e-300)
		*d = 1e-300;
	if (fabs(*c) < 1e-300)
		*c = 1e-300;
	*d = 1 / *d;
	return *d * *c;
}

static double betacf(double a, double b, double x)
{
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	if (fabs(d) < 1e-300)
		d = 1e-300;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= 300; m++) {
		double del;

		h *= lentz(&c, &d, m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)));
		del = lentz(&c, &d, -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)));
		h *= del;
		if (fabs(del - 1) < 1e-14)
			break;
	}
	return h;
}

static double inc_beta(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return front * betacf(a, b, x) / a;
	return 1 - front * betacf(b, a, 1 - x) / b;
}

/* Two-sided p-value of a t statistic with df degrees of freedom. */
static double t_pvalue(double t, int df)
{
	if (df <= 0 || !isfinite(t))
		return isfinite(t) ? 1 : 0;
	return inc_beta(df / 2.0, 0.5, df / (df + t * t));
}

/*
 * The smallest count q with P(Y <= q) >= p, Y negative binomial with mean
 * mu and variance phi * mu, or Poisson when phi <= 1 (R's qnbinom with
 * size mu / (phi - 1), prob 1 / phi; qpois).
 */
static double count_quantile(double p, double mu, double phi)
{
	double cdf = 0, r = phi > 1 ? mu / (phi - 1) : 0;

	if (!(mu > 0))
		return 0;
	p *= 1 - 64 * DBL_EPSILON;
	for (double q = 0; q < 1e7; q++) {
		double lp;

		if (phi > 1)
			lp = lgamma(q + r) - lgamma(r) - lgamma(q + 1) + r * log(1 / phi) +
			     q * log1p(-1 / phi);
		else
			lp = q * log(mu) - mu - lgamma(q + 1);
		cdf += exp(lp);
		if (cdf >= p)
			return q;
	}
	return 1e7;
}

/*
 * Seasonal levels of the points 0..t (R's blocks()): -1 outside the
 * baseline, no_periods for the windows around the same point of earlier
 * cycles (and the current window), 1 .. no_periods - 1 for the blocks
 * between them.
 */
static void far_levels(size_t t, const struct detect_opts *o, int *lev)
{
	size_t per = (size_t)o->period, w = (size_t)o->w;
	int np = o->no_periods;

	for (size_t i = 0; i <= t; i++)
		lev[i] = -1;
	for (size_t i = t - w; i <= t; i++)
		lev[i] = np;
	for (int y = 1; y <= o->b; y++) {
		size_t ref = t - (size_t)y * per;
		size_t gap = per - 2 * w - 1, start = ref + w + 1;

		for (size_t i = ref - w; i <= ref + w; i++)
			lev[i] = np;
		if (np <= 1)
			continue;
		for (int j = 1; j < np; j++) {
			size_t len = gap / (size_t)(np - 1) + ((size_t)j <= gap % (size_t)(np - 1));

			for (size_t i = start; i < start + len && i <= t; i++)
				lev[i] = j;
			start += len;
		}
	}
}

/* Build the design of point t with or without trend; -1 if it cannot be fitted. */
static int far_design(const double *x, size_t t, const struct detect_opts *o,
		      const int *lev, int trend, struct far_data *d)
{
	int present[FAR_MAXP] = { 0 };
	size_t cut = t >= (size_t)o->past_excluded ? t - (size_t)o->past_excluded : 0;

	d->n = 0;
	for (size_t i = 0; i < cut; i++) {
		if (lev[i] < 0 || isnan(x[i]))
			continue;
		d->y[d->n] = x[i];
		d->time[d->n] = (double)i - (double)t;
		d->level[d->n] = lev[i];
		present[lev[i]] = 1;
		d->n++;
	}
	if (!present[o->no_periods])
		return -1;
	d->trend = trend;
	d->p = trend ? 2 : 1;
	for (int l = 0; l <= o->no_periods; l++)
		d->col[l] = -1;
	/* The current level is the reference, so eta0 is the intercept. */
	for (int l = 1; l < o->no_periods; l++)
		if (present[l])
			d->col[l] = d->p++;
	return (size_t)d->p < d->n ? 0 : -1;
}

void detect_farrington_at(const double *x, size_t n, size_t t,
			  const struct detect_opts *o, struct detect_point *out)
{
	struct far_data d = { 0 };
	struct far_fit f = { 0 };
	int *lev = NULL, trend = 0;
	double phi = 1, eta0 = 0, mu0, upper, recent = 0, ymax = 0;
	size_t span = (size_t)o->b * (size_t)o->period + (size_t)o->w;

	detect_point_blank(out, x[t]);
	if (t >= n || o->b < 1 || o->period < 2 || t < span ||
	    o->no_periods < 1 || o->no_periods + 2 > FAR_MAXP ||
	    (o->no_periods > 1 && o->period - 2 * o->w - 1 < o->no_periods - 1))
		return;
	lev = xmalloc(sizeof(int) * (t + 1));
	d.y = xmalloc(sizeof(double) * (t + 1));
	d.time = xmalloc(sizeof(double) * (t + 1));
	d.level = xmalloc(sizeof(int) * (t + 1));
	d.prior = xmalloc(sizeof(double) * (t + 1));
	f.mu = xmalloc(sizeof(double) * (t + 1));
	far_levels(t, o, lev);

	if (o->trend && o->b >= 3 && far_design(x, t, o, lev, 1, &d) == 0 &&
	    far_fit_weighted(&d, o, &f, &phi) == 0) {
		double se = sqrt(f.phi * f.cov[1 * d.p + 1]);

		for (size_t i = 0; i < d.n; i++)
			ymax = d.y[i] > ymax ? d.y[i] : ymax;
		trend = t_pvalue(f.beta[1] / se, f.df) < o->p_trend && exp(f.beta[0]) <= ymax;
	}
	if (!trend && (far_design(x, t, o, lev, 0, &d) < 0 ||
		       far_fit_weighted(&d, o, &f, &phi) < 0))
		goto out;
	eta0 = f.beta[0];
	mu0 = exp(eta0);
	upper = count_quantile(1 - o->alpha, mu0, phi);
	out->expected = mu0;
	out->threshold = upper;
	if (upper > mu0)
		out->score = (x[t] - mu0) / (upper - mu0);
	else
		out->score = x[t] > upper ? INFINITY : 0;
	for (size_t i = 0; i < (size_t)o->limit_points && i <= t; i++)
		recent += isnan(x[t - i]) ? 0 : x[t - i];
	out->alarm = x[t] > upper && x[t] != 0 && recent >= o->limit_cases &&
		     x[t] >= o->min_count;
out:
	free(lev);
	free(d.y);
	free(d.time);
	free(d.level);
	free(d.prior);
	free(f.mu);
}

void detect_farrington(const double *x, size_t n, const struct detect_opts *o,
		       struct detect_point *out)
{
	for (size_t t = 0; t < n; t++)
		detect_farrington_at(x, n, t, o, &out[t]);
}
