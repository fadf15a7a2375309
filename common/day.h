/*
 * day: calendar days as "YYYY-MM-DD" and as day numbers (days since
 * 1970-01-01), by H. Hinnant's days_from_civil and civil_from_days
 * (public domain): no time zone and no struct tm, since every time
 * lookout stores is already China time.  Pure functions.
 */
#ifndef COMMON_DAY_H
#define COMMON_DAY_H

#include <stdint.h>

/* The day number of civil date y-m-d (any m, d in range). */
long day_from_civil(int y, int m, int d);
/* The civil date of day number z. */
void day_to_civil(long z, int *y, int *m, int *d);

/* The day number of "YYYY-MM-DD" (exactly that, nothing after, a real
 * date), or -1 (days before 1970 are not dates here). */
long day_number(const char *s);
/* The day number of the date that starts s (a stored date or date and
 * time; not checked against the month's length), or -1 when s does not
 * start with one. */
long day_of(const char *s);
/* Minutes since 1970-01-01 00:00 of a stored date or date and time (the
 * time defaults to 00:00), or -1. */
int64_t day_minutes(const char *s);
/* Write the day z as "YYYY-MM-DD" into out[11]. */
void day_string(long z, char out[11]);
/* out[11] = day + n days; out is "" when day is not a date. */
void day_add(const char *day, long n, char out[11]);

#endif
