/*
 * gtime: civil-date arithmetic (Howard Hinnant's days_from_civil), no
 * libc time zones involved: every stored time is already China time.
 */
#include "graph/gtime.h"

#include <stdio.h>

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

static long days_from_civil(long y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

long gtime_days(const char *s)
{
	int y, m, d;

	if (!s || digits(s, 4, &y) < 0 || s[4] != '-' || digits(s + 5, 2, &m) < 0 ||
	    s[7] != '-' || digits(s + 8, 2, &d) < 0 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	return days_from_civil(y, m, d);
}

int64_t gtime_minutes(const char *s)
{
	long d = gtime_days(s);
	int h = 0, mi = 0;

	if (d < 0)
		return -1;
	if ((s[10] == 'T' || s[10] == ' ') && digits(s + 11, 2, &h) == 0 && s[13] == ':')
		if (digits(s + 14, 2, &mi) < 0)
			mi = 0;
	return (int64_t)d * 1440 + h * 60 + mi;
}

void gtime_date(long d, char out[11])
{
	long z = d + 719468, era, doe, yoe, y, doy, mp, dd, m;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	dd = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	if (y < 0 || y > 9999)
		y = 0;
	snprintf(out, 11, "%04d-%02d-%02d", (int)y, (int)m, (int)dd);
}
