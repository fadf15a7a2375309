/*
 * date: the date and time forms of police records, to one ISO 8601
 * form in China Standard Time.  Pure functions, no state; used by ingest
 * for record fields and by analyze for dates inside the text.
 */
#ifndef COMMON_DATE_H
#define COMMON_DATE_H

/* What a partial date ("11月21日晚8时许", "20时许") is completed from. */
struct date_ref {
	int year, month, day;   /* 0 when unknown */
};

enum date_precision {
	DATE_NONE = -1,         /* not a date: unparsed */
	DATE_DAY = 0,           /* out is "YYYY-MM-DD" */
	DATE_TIME = 1,          /* out is "YYYY-MM-DDTHH:MM:SS+08:00" */
};

/*
 * Parse s (NUL-terminated UTF-8, already NFKC-normalised or not: full-
 * width digits work) in any form of FORMAT.md: ISO 8601 with or without
 * zone ("2026-11-21T20:15:00+08:00", "2026-11-21 20:15"), "2026/11/21",
 * "2026.11.21", "20261121", "202611212015", "2026年11月21日20时15分",
 * "11月21日晚8时许" (year from ref), "21日20时许" (month from ref),
 * "20时许", "晚8点", "8点半" (day from ref), Chinese numerals
 * ("二〇二六年十一月二十一日"), 凌晨/早上/上午/中午/下午/傍晚/晚上/夜间
 * and 许/左右/前后/多, 今天/昨天/前天/当晚 (from ref), "21/11/2026" only
 * when the order is certain, English "Nov 21, 2026 8:15 pm".  A range
 * ("11月20日22时至次日6时", 至/到/~) gives its start when its end parses.
 * A time with a zone is converted to +08:00; without one it is China
 * Standard Time.  A year taken from ref is the year before when the
 * date would otherwise fall more than half a year after ref (12月31日
 * received on 2 January); a month taken from ref likewise the month
 * before beyond 15 days.  晚/夜 with 6..11 o'clock adds 12 hours, with 12
 * is the midnight ending that day; 夜里2点 stays 02:00.
 * Writes out[32] and returns its precision, or DATE_NONE (out = "") when
 * s is not a valid date (2026年13月45日, 2026-02-30, 24:00, a time with
 * no day, anything left over).  ref may be NULL.  Input over 200 bytes
 * is never a date.
 */
enum date_precision date_parse(const char *s, const struct date_ref *ref, char out[32]);

/* Fill ref from an ISO date written by date_parse; zeroes on failure. */
void date_ref_from_iso(const char *iso, struct date_ref *ref);

#endif
