/*
 * extract_ids: structured identifiers (phone, idcard, plate, imei,
 * bankcard, email, qq, wechat, case, vin) and values (amount, age, sex,
 * datetime) found in a report's normalised text by the PCRE2 rules of
 * data/rules/ids.tsv and the context words of data/rules/context.tsv.
 * Owns its compiled rules and scratch space; depends on analyze/mention.
 */
#ifndef ANALYZE_EXTRACT_IDS_H
#define ANALYZE_EXTRACT_IDS_H

#include <stddef.h>

#include "analyze/mention.h"
#include "common/date.h"
#include "common/err.h"

struct ids;

/*
 * Load and JIT-compile the rules under datadir (data/rules/ids.tsv and
 * context.tsv).  Returns owned, or NULL with err set.  Borrows datadir.
 */
struct ids *ids_new(const char *datadir, struct err *err);

/* NULL is a no-op. */
void ids_free(struct ids *x);

/*
 * The dates a record carries, so that "11月21日晚8时许" in its text gets
 * a year (ids_new starts with none).  Borrows ref; NULL clears it.
 */
void ids_set_date_ref(struct ids *x, const struct date_ref *ref);

/*
 * Append the identifiers and values of text[0..len) (normalised UTF-8)
 * to out, in text order, none overlapping another: where two candidates
 * overlap, the longer wins (a phone inside an ID number is no phone).
 * Each mention's rule points into x and stays valid until ids_free.
 * Returns the number appended, or -1 when text is not valid UTF-8.
 */
int ids_extract(struct ids *x, const char *text, size_t len, struct mention_list *out);

/*
 * The canonical value of one register field (NFKC-normalised text) of
 * type "phone", "idcard", "plate", "imei", "bankcard", "email", "qq",
 * "wechat", "case" or "vin": writes an owned string into *out and
 * returns 0, or returns -1 when the value is not valid for its type.
 * x may be NULL (then ID birth dates are not checked against today).
 */
int ids_normalize(struct ids *x, const char *type, const char *value, char **out);

#endif
