/*
 * evid: the evidence behind a link, as the JSON steps of FORMAT.md
 * ({"from", "to", "type", "weight", "reports"}), shared by the series
 * chains and the path query.  Prepares its statements once; owns them.
 */
#ifndef GRAPH_EVID_H
#define GRAPH_EVID_H

#include <cJSON.h>
#include <stdint.h>

#include "common/db.h"
#include "common/err.h"
#include "common/sbuf.h"

struct gevid {
	struct db *db;
	sqlite3_stmt *key, *ref, *links, *link_reports, *comp, *comp_reports;
	int max_reports;        /* reports listed per step */
};

int gevid_init(struct gevid *ev, struct db *db, int max_reports, struct err *err);
void gevid_release(struct gevid *ev);

/* The key of entity id into out (replaced); "" when there is none. */
int gevid_key(struct gevid *ev, int64_t id, struct sbuf *out, struct err *err);
/* The SOURCE/ID of report id into out (replaced). */
int gevid_ref(struct gevid *ev, int64_t id, struct sbuf *out, struct err *err);

/*
 * The link types between entities a and b into type (replaced: "holds,
 * co_mention", "companion", "" when not linked), their summed stored
 * weight, and the companion row's id (0: none).  Returns 0 or -1.
 */
int gevid_link_type(struct gevid *ev, int64_t a, int64_t b, struct sbuf *type, double *weight,
		    int64_t *companion, struct err *err);
/*
 * The step between entities a and b: their link types ("holds,co_mention",
 * "companion"), summed stored weight, and the reports that evidence them,
 * oldest first.  Returns an owned cJSON object, or NULL with err set on
 * error; a pair that is not linked gives type "".
 */
cJSON *gevid_link_step(struct gevid *ev, int64_t a, int64_t b, struct err *err);
/* The step between an entity and a report that mentions it (type "mention"). */
cJSON *gevid_mention_step(struct gevid *ev, int64_t entity, int64_t report, int report_first,
			  struct err *err);

#endif
