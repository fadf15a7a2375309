/*
 * day: calendar days as "YYYY-MM-DD" and as day numbers (days since
 * 1970-01-01), for the detectors' windows and the dated series of
 * 'lookout detect'.  Pure functions; depends on nothing.
 */
#ifndef OUTPUT_DAY_H
#define OUTPUT_DAY_H

/* The day number of "YYYY-MM-DD" (exactly that, nothing after), or -1
 * (days before 1970 are not dates here). */
long day_number(const char *s);
/* Write the day z as "YYYY-MM-DD" into out[11]. */
void day_string(long z, char out[11]);
/* out[11] = day + n days; out is "" when day is not a date. */
void day_add(const char *day, long n, char out[11]);

#endif
