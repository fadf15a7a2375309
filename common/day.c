/*
 * day: the proleptic Gregorian calendar by H. Hinnant's days_from_civil
 * and civil_from_days algorithms (public domain).
 */
#include "common/day.h"

#include <stdio.h>
#include <string.h>

long day_from_civil(int y, int m, int d)
{
	long yy = y - (m <= 2);
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void day_to_civil(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

long day_number(const char *s)
{
	long z = day_of(s);
	char back[11];

	if (z < 0 || strlen(s) != 10)     /* z < 0: before 1970 */
		return -1;
	/* 29 February of a common year comes back as 1 March: not a date. */
	day_string(z, back);
	return strcmp(back, s) ? -1 : z;
}

long day_of(const char *s)
{
	int y, m, d;

	if (!s || digits(s, 4, &y) < 0 || s[4] != '-' || digits(s + 5, 2, &m) < 0 ||
	    s[7] != '-' || digits(s + 8, 2, &d) < 0 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	return day_from_civil(y, m, d);
}

int64_t day_minutes(const char *s)
{
	long d = day_of(s);
	int h = 0, mi = 0;

	if (d < 0)
		return -1;
	if ((s[10] == 'T' || s[10] == ' ') && digits(s + 11, 2, &h) == 0 && s[13] == ':')
		if (digits(s + 14, 2, &mi) < 0)
			mi = 0;
	return (int64_t)d * 1440 + h * 60 + mi;
}

void day_string(long z, char out[11])
{
	int y, m, d;

	day_to_civil(z, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = 0;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

void day_add(const char *day, long n, char out[11])
{
	long z = day_number(day);

	if (z < 0) {
		out[0] = '\0';
		return;
	}
	day_string(z + n, out);
}
