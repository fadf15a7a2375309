/*
 * gtime: day and minute numbers from the ISO 8601 times lookout stores
 * ("YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS+08:00", always China time), so
 * the graph stage can measure ages and windows without a time zone.
 */
#ifndef GRAPH_GTIME_H
#define GRAPH_GTIME_H

#include <stdint.h>

/* Days since 1970-01-01 of the date at the start of s; -1 if none. */
long gtime_days(const char *s);
/* Minutes since 1970-01-01 00:00 China time; the time defaults to 00:00. -1 if none. */
int64_t gtime_minutes(const char *s);
/* Write day number d as "YYYY-MM-DD" into out[11]. */
void gtime_date(long d, char out[11]);

#endif
