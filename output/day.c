/*
 * day: the proleptic Gregorian calendar by H. Hinnant's days_from_civil
 * and civil_from_days algorithms (public domain), which need no time
 * zone and no struct tm.
 */
#include "output/day.h"

#include <stdio.h>
#include <string.h>

long day_number(const char *s)
{
	int y, m, d, len = 0;
	long era, yoe, doy, doe, z;
	char back[11];
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &len) != 3 || len != 10 || s[len] || y < 1970 ||
	    m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	z = era * 146097 + doe - 719468;
	/* 29 February of a common year comes back as 1 March: not a date. */
	day_string(z, back);
	return strcmp(back, s) ? -1 : z;
}

void day_string(long z, char out[11])
{
	long era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(y % 10000), (unsigned)(m % 13),
		 (unsigned)(d % 32));
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
