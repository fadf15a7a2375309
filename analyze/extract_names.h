/*
 * extract_names: persons, places, organisations and objects in report
 * text, from a surname list, cue words, an administrative gazetteer and
 * PCRE2 address rules, all read from the data folder.  Owns its tables;
 * depends on common/ and analyze/mention only (no database, no other
 * extractor).  One struct names per thread: it keeps scratch buffers.
 */
#ifndef ANALYZE_EXTRACT_NAMES_H
#define ANALYZE_EXTRACT_NAMES_H

#include <stddef.h>

#include "analyze/mention.h"
#include "common/err.h"

struct names;

/* The levels a place is kept at, coarse to fine. */
enum names_level {
	NAMES_PROVINCE,
	NAMES_CITY,
	NAMES_DISTRICT,
	NAMES_STREET,     /* township, town or street office (街道, 镇, 乡) */
	NAMES_COMMUNITY,  /* community, residential estate, village */
	NAMES_ROAD,
	NAMES_BUILDING,   /* door number or building (12号, 3栋) */
	NAMES_NLEVELS
};

/*
 * A normalised place with its chain of enclosing places.  level[l] is
 * the canonical value of the place at level l that holds this one (a
 * prefix of value, usable as a key: "江苏省南京市玄武区" for the
 * district), or NULL where the address says nothing of that level;
 * part[l] is that level's own words ("玄武区").  The caller owns the
 * struct: names_place_init() before use, names_place_release() after.
 */
struct names_place {
	char *value;                  /* owned: the whole canonical address */
	char *level[NAMES_NLEVELS];   /* owned or NULL */
	char *part[NAMES_NLEVELS];    /* owned or NULL */
	char code[16];                /* gazetteer code of the finest
				         administrative level, or "" */
};

/* Returns owned tables read from datadir, or NULL with err set. */
struct names *names_new(const char *datadir, struct err *err);
void names_free(struct names *x);

/*
 * Append person, place, org and item mentions found in text[0..len)
 * (NFKC-normalised, Simplified, white space folded) to out.  Runs after
 * the identifier extractor on the same list: spans that overlap a
 * mention already in out are skipped, and identifiers near an object
 * are copied into its attrs.  Borrows text.  Returns 0 (no failure
 * mode beyond out of memory, which is fatal); int for the house style.
 *
 * person: value is the name as written (张伟, 张某, 张某某, 王某俊,
 * John Smith); a surname-only mention (张姓男子, 姓王) gets the value
 * 张某 and attrs {"redacted":true,"surname_only":true}.  Redacted names
 * carry {"redacted":true}; sex and age written beside a name go into
 * attrs; role is set when a cue says it.
 * place: value is names_place()'s canonical value; attrs hold the chain
 * ({"code":...,"levels":{"district":...,"road":...}}).
 * org: value is the name as written.  item: value is brand + model +
 * object word (苹果iPhone 13手机); attrs hold colour, brand, model and
 * identifiers (imei, plate, vin ...) found right after it.
 */
int names_extract(struct names *x, const char *text, size_t len,
		  struct mention_list *out);

void names_place_init(struct names_place *p);
void names_place_release(struct names_place *p);
/* "province", "city", "district", "street", "community", "road", "building". */
const char *names_level_name(enum names_level l);

/*
 * Normalise a place string (a register field, or a value from
 * names_extract) to its canonical value: administrative parents added
 * where the gazetteer makes them unambiguous, the home area before a
 * bare address, a landmark's street and community before it (卫岗12号);
 * an English address becomes road then number (Baker Road 12).
 * Idempotent, so a canonical value gives back itself and its chain.
 * Borrows s; returns owned; fills chain if not NULL (released and
 * refilled).  Text that holds no address comes back trimmed but
 * otherwise as it was.
 */
char *names_place(struct names *x, const char *s, size_t len,
		  struct names_place *chain);

#endif
