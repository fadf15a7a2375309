/*
 * derive: what an identifier says about its holder.  An ID number gives
 * a birth date, a sex and the county where it was issued (data/id-regions.tsv);
 * a phone number's prefix gives its carrier and home region
 * (data/phone-prefixes.tsv, longest prefix wins).  Owns the two tables;
 * pure lookups otherwise, no database.
 */
#ifndef ANALYZE_DERIVE_H
#define ANALYZE_DERIVE_H

#include "common/err.h"

struct derive;

struct derive_id {
	char birth[11];        /* "YYYY-MM-DD" */
	char sex;              /* 'M' or 'F' */
	char code[7];          /* the six-digit county code */
	const char *region;    /* borrowed from the table, or NULL when unknown */
};

struct derive_phone {
	const char *carrier;   /* borrowed, or NULL */
	const char *region;    /* borrowed, or NULL */
};

/* Load the tables from dir.  Returns an owned handle or NULL with err set. */
struct derive *derive_new(const char *dir, struct err *err);
void derive_free(struct derive *d);

/*
 * 1 when id is a valid 18-character ID number in canonical form (17 digits
 * and a digit or upper-case X, ISO 7064 MOD 11-2 check, a real birth date
 * not after 2100), else 0.  Needs no tables.
 */
int derive_idcard_valid(const char *id);

/*
 * Fill out from a valid canonical ID number; the region is looked up by
 * county, then prefecture, then province code.  Returns 0, or -1 when id
 * is not valid.  d may be NULL (no region then).
 */
int derive_idcard(const struct derive *d, const char *id, struct derive_id *out);

/*
 * Fill out for a canonical phone value ("13912345678" or "0755-83001234").
 * Returns 0 when the carrier or the region is known, -1 otherwise.
 */
int derive_phone(const struct derive *d, const char *phone, struct derive_phone *out);

/* Sex from a word: 男/male/M -> 'M', 女/female/F -> 'F', else 0. */
char derive_sex(const char *s);

#endif
