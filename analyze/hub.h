/*
 * hub: numbers that belong to services (110, 12345, 96110, bank and
 * carrier hotlines, a hotel's front desk), from data/service-numbers.tsv.
 * Such an identifier is a hub from the start and creates no person
 * links; the stage also flags identifiers that turn out to be shared
 * (see pipeline.c).  Owns the loaded list; no database.
 */
#ifndef ANALYZE_HUB_H
#define ANALYZE_HUB_H

#include "common/err.h"

struct hub;

/* Load dir/service-numbers.tsv.  Returns owned or NULL with err set. */
struct hub *hub_new(const char *dir, struct err *err);
void hub_free(struct hub *h);

/*
 * The service a number belongs to ("12345" -> "政务服务便民热线"), matched
 * whole or by a listed prefix; NULL when it is nobody's service.  value
 * is a canonical phone value (digits, a landline with its dash).  Borrows.
 */
const char *hub_service(const struct hub *h, const char *value);

#endif
