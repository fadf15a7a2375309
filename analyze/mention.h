/*
 * mention: what an extractor finds in one report, before resolution.
 * Every extractor appends to a mention_list; the list owns the strings
 * in its mentions, kept in one pool (mention_str) and freed together.
 * Offsets are bytes into the report's normalised text (start/end = -1
 * for a field of a register row, with field set).
 */
#ifndef ANALYZE_MENTION_H
#define ANALYZE_MENTION_H

#include <stddef.h>

#include "analyze/strmap.h"

struct mention {
	const char *type;     /* static: "phone", "idcard", "plate", "person", ... */
	char *value;          /* the list's: canonical value, the key without "type:" */
	char *surface;        /* the list's: the text as it stood */
	long start, end;      /* byte offsets, or -1 */
	const char *field;    /* static: register field name, or NULL */
	const char *rule;     /* static: the rule that found it */
	double confidence;    /* 0..1 */
	char *role;           /* the list's or NULL: suspect, victim, witness, reporter, party */
	char *attrs;          /* the list's or NULL: JSON object text (sex, age, amount...) */
	int partial;          /* 1: a masked identifier such as 皖A84K** */
};

struct mention_list {
	struct mention *v;
	size_t n, cap;
	struct strpool strs;  /* the mentions' strings */
};

void mention_list_init(struct mention_list *l);
void mention_list_release(struct mention_list *l);
void mention_list_clear(struct mention_list *l);
/*
 * Append a mention; copies value, surface, role and attrs (each may be
 * NULL except value and surface).  Returns the new mention, borrowed.
 */
struct mention *mention_add(struct mention_list *l, const char *type,
			    const char *value, const char *surface,
			    long start, long end, const char *rule,
			    double confidence);
/* A copy of s (NULL: NULL) owned by l, for a mention's role or attrs. */
char *mention_str(struct mention_list *l, const char *s);
/* Whether [start,end) lies inside a mention already in l. */
int mention_covered(const struct mention_list *l, long start, long end);

#endif
