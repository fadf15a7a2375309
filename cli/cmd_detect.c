/*
 * detect: one spike method on a plain count series, for analysts who
 * hold counts from other systems and to check each method against the
 * reference implementations in R's surveillance package.  Reads CSV
 * lines "t,count" or "date,count" (a header line is optional), prints one
 * line a point: t,observed,expected,threshold,alarm.  Dates must rise;
 * missing days (or weeks) are filled with a count of 0, as surveillance
 * systems that leave out empty days expect.
 */
#include "cli/cli.h"
#include "common/sbuf.h"
#include "common/xalloc.h"
#include "common/day.h"
#include "output/detect.h"

#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_cmd cmd_detect = {
	"detect", "run one spike method on a count series",
	"usage: lookout detect --method M [options] FILE\n"
	"\n"
	"Judge every point of a count series with one aberration method and\n"
	"print t,observed,expected,threshold,alarm a point (the first points,\n"
	"too early for the method, have empty expected and threshold).\n"
	"FILE (or - for standard input) holds lines \"t,count\" or\n"
	"\"YYYY-MM-DD,count\"; a header line is optional.\n"
	"\n"
	"  --method M       ears-c1, ears-c2, ears-c3 (CDC EARS, 7-day baseline),\n"
	"                   cusum, or farrington (Farrington-flexible, Noufaily settings)\n"
	"  --period N       points a seasonal cycle for farrington: 52 (weekly\n"
	"                   data, the default) or 7 (daily data; the default for\n"
	"                   dates one day apart)\n"
	"  --format F       csv (default) or json\n"
	"  --threshold X    EARS C1/C2 sd (3), C3 sum (2), CUSUM decision h (4)\n"
	"  --baseline N     EARS and CUSUM baseline points (7)\n"
	"  --min-sigma S    floor under the baseline sd (0)\n"
	"  --min-count N    no alarm below N cases (0)\n"
	"  --alpha A        farrington: upper quantile 1-A of the threshold (0.05)\n"
	"  --cycles N       farrington: earlier cycles in the baseline (5 for 52, 8 for 7)\n"
	"  --limit N        farrington: no alarm with fewer than N cases in the\n"
	"                   last 4 points (5)\n",
	run,
};

struct series {
	char **t;               /* the first column as given (or a filled date) */
	double *x;
	size_t n, cap;
	int dated;
	int step;               /* days between dated points */
};

static void series_release(struct series *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->t[i]);
	free(s->t);
	free(s->x);
}

static void series_add(struct series *s, const char *t, double x)
{
	size_t cap = s->cap;

	s->t = xgrow(s->t, &cap, s->n + 1, sizeof(*s->t));
	s->x = xgrow(s->x, &s->cap, s->n + 1, sizeof(*s->x));
	s->t[s->n] = xstrdup(t);
	s->x[s->n] = x;
	s->n++;
}

/* Trim spaces, quotes and a carriage return in place. */
static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '"')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '"' ||
			 e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/*
 * Parse one line into the series.  A first line whose count is not a
 * number is a header.
 */
static int parse_line(struct series *s, char *line, long lineno, long *prev_day,
		      const char *path, struct err *err)
{
	char *comma = strchr(line, ','), *t, *c, *end;
	double x;
	long day;

	if (!comma)
		return err_set(err, "'%s' line %ld: expected \"t,count\"", path, lineno);
	*comma = '\0';
	t = trim(line);
	c = trim(comma + 1);
	errno = 0;
	x = strtod(c, &end);
	if (end == c || *end || errno || !isfinite(x) || x < 0) {
		if (s->n == 0 && lineno == 1)
			return 0;       /* header */
		return err_set(err, "'%s' line %ld: count '%s' is not a number of cases",
			       path, lineno, c);
	}
	day = day_number(t);
	if (s->n == 0)
		s->dated = day >= 0;
	if (!s->dated) {
		series_add(s, t, x);
		return 0;
	}
	if (day < 0)
		return err_set(err, "'%s' line %ld: '%s' is not a date YYYY-MM-DD", path, lineno, t);
	if (s->n > 0 && day <= *prev_day)
		return err_set(err, "'%s' line %ld: dates must rise ('%s')", path, lineno, t);
	if (s->n == 1)
		s->step = (int)(day - *prev_day) % 7 == 0 ? 7 : 1;
	/* Fill the days (or weeks) that had nothing. */
	for (long d = *prev_day + s->step; s->n > 0 && d < day; d += s->step) {
		char buf[11];

		day_string(d, buf);
		series_add(s, buf, 0);
	}
	series_add(s, t, x);
	*prev_day = day;
	return 0;
}

static int read_series(const char *path, struct series *s, struct err *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0, prev_day = 0;
	int rc = 0;

	if (!f)
		return err_set(err, "cannot read '%s': %s", path, strerror(errno));
	while (getline(&line, &cap, f) > 0) {
		lineno++;
		if (!*trim(line))
			continue;
		if (parse_line(s, line, lineno, &prev_day, path, err) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = err_set(err, "cannot read '%s': %s", path, strerror(errno));
	if (rc == 0 && s->n == 0)
		rc = err_set(err, "'%s' holds no counts", path);
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

static void print_num(struct sbuf *out, double v)
{
	if (isnan(v))
		return;
	sbuf_addf(out, "%.4f", v);
}

static void print_csv(const struct series *s, const struct detect_point *p)
{
	struct sbuf out = SBUF_INIT;

	sbuf_adds(&out, s->dated ? "date" : "t");
	sbuf_adds(&out, ",observed,expected,threshold,alarm\n");
	for (size_t i = 0; i < s->n; i++) {
		sbuf_addf(&out, "%s,%g,", s->t[i], p[i].observed);
		print_num(&out, p[i].expected);
		sbuf_addch(&out, ',');
		print_num(&out, p[i].threshold);
		sbuf_addf(&out, ",%d\n", p[i].alarm);
	}
	fputs(sbuf_str(&out), stdout);
	sbuf_release(&out);
}

/* Whether a t value is a whole number, so JSON can give it as one. */
static int is_integer(const char *c)
{
	if (*c == '-')
		c++;
	if (!*c || strlen(c) > 15)
		return 0;
	for (; *c; c++)
		if (!isdigit((unsigned char)*c))
			return 0;
	return 1;
}

static void add_num(cJSON *o, const char *name, double v)
{
	if (isnan(v))
		cJSON_AddNullToObject(o, name);
	else if (isinf(v))
		cJSON_AddStringToObject(o, name, v > 0 ? "inf" : "-inf");
	else
		cJSON_AddNumberToObject(o, name, round(v * 1e4) / 1e4);
}

static void print_json(const struct series *s, const struct detect_point *p,
		       const struct detect_opts *o)
{
	cJSON *root = cJSON_CreateObject(), *arr;
	char *text;

	cJSON_AddStringToObject(root, "method", detect_method_name(o->method));
	arr = cJSON_AddArrayToObject(root, "points");
	for (size_t i = 0; i < s->n; i++) {
		cJSON *pt = cJSON_CreateObject();

		if (s->dated)
			cJSON_AddStringToObject(pt, "date", s->t[i]);
		else if (is_integer(s->t[i]))
			cJSON_AddNumberToObject(pt, "t", strtod(s->t[i], NULL));
		else
			cJSON_AddStringToObject(pt, "t", s->t[i]);
		cJSON_AddNumberToObject(pt, "observed", p[i].observed);
		add_num(pt, "expected", p[i].expected);
		add_num(pt, "threshold", p[i].threshold);
		add_num(pt, "score", p[i].score);
		cJSON_AddBoolToObject(pt, "alarm", p[i].alarm);
		cJSON_AddItemToArray(arr, pt);
	}
	text = cJSON_PrintUnformatted(root);
	puts(text);
	free(text);
	cJSON_Delete(root);
}

/* A numeric option value, or -1 with a usage error printed. */
static int opt_num(const char *name, const char *v, double lo, double hi, double *out)
{
	char *end;

	errno = 0;
	*out = v ? strtod(v, &end) : 0;
	if (!v || end == v || *end || errno || !(*out >= lo && *out <= hi)) {
		cli_usage_error(&cmd_detect, "%s needs a number from %g to %g", name, lo, hi);
		return -1;
	}
	return 0;
}

static int run(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *method = NULL, *format = "csv", *path = NULL;
	double period = 0, threshold = NAN, baseline = 7, min_sigma = 0, min_count = 0;
	double alpha = NAN, cycles = 0, limit = NAN;
	struct series s = { 0 };
	struct detect_opts o;
	struct detect_point *p = NULL;
	enum detect_method m;
	struct err err;
	int rc = EXIT_OK;

	(void)ctx;
	if (cli_wants_help(&cmd_detect, argc, argv))
		return EXIT_OK;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int num = 1;
		double *dst = NULL, lo = 0, hi = 1e9;

		if (!strcmp(a, "--method") || !strcmp(a, "--format")) {
			if (!v)
				return cli_usage_error(&cmd_detect, "%s needs a value", a);
			if (!strcmp(a, "--method"))
				method = v;
			else
				format = v;
			i++;
			continue;
		}
		if (!strcmp(a, "--period"))
			dst = &period, lo = 2, hi = 366;
		else if (!strcmp(a, "--threshold"))
			dst = &threshold;
		else if (!strcmp(a, "--baseline"))
			dst = &baseline, lo = 3, hi = 365;
		else if (!strcmp(a, "--min-sigma"))
			dst = &min_sigma;
		else if (!strcmp(a, "--min-count"))
			dst = &min_count;
		else if (!strcmp(a, "--alpha"))
			dst = &alpha, lo = 1e-9, hi = 0.5;
		else if (!strcmp(a, "--cycles"))
			dst = &cycles, lo = 1, hi = 50;
		else if (!strcmp(a, "--limit"))
			dst = &limit;
		else
			num = 0;
		if (num) {
			if (opt_num(a, v, lo, hi, dst) < 0)
				return EXIT_USAGE;
			i++;
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error(&cmd_detect, "unknown option '%s'", a);
		} else if (path) {
			return cli_usage_error(&cmd_detect, "one FILE only ('%s')", a);
		} else {
			path = a;
		}
	}
	if (!method)
		return cli_usage_error(&cmd_detect, "--method is required");
	if (detect_method_parse(method, &m) < 0)
		return cli_usage_error(&cmd_detect, "unknown method '%s'", method);
	if (strcmp(format, "csv") && strcmp(format, "json"))
		return cli_usage_error(&cmd_detect, "unknown format '%s'", format);
	if (!path)
		return cli_usage_error(&cmd_detect, "a FILE is required");
	if (read_series(path, &s, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (period == 0)
		period = s.dated && s.step == 1 ? 7 : 52;
	detect_opts_default(&o, m, (int)period);
	o.baseline = (int)baseline;
	o.min_sigma = min_sigma;
	o.min_count = min_count;
	if (!isnan(threshold))
		o.threshold = threshold;
	if (!isnan(alpha))
		o.alpha = alpha;
	if (cycles > 0)
		o.b = (int)cycles;
	if (!isnan(limit))
		o.limit_cases = limit;
	p = xcalloc(s.n, sizeof(*p));
	detect_run(s.x, s.n, &o, p);
	if (!strcmp(format, "json"))
		print_json(&s, p, &o);
	else
		print_csv(&s, p);
out:
	free(p);
	series_release(&s);
	return rc;
}
