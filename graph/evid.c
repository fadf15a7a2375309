/*
 * evid: link evidence comes from link_evidence (analyze) and, for a
 * companion pair, from companion_evidence (this stage).  Both ends of a
 * link may be stored either way round, so each statement asks for both.
 */
#include "graph/evid.h"

#include <string.h>

int gevid_init(struct gevid *ev, struct db *db, int max_reports, struct err *err)
{
	memset(ev, 0, sizeof(*ev));
	ev->db = db;
	ev->max_reports = max_reports;
	if (db_prepare(db, &ev->key, "SELECT key FROM entity WHERE id = ?", err) < 0 ||
	    db_prepare(db, &ev->ref, "SELECT source || '/' || ext_id FROM report WHERE id = ?", err) < 0 ||
	    db_prepare(db, &ev->links, "SELECT group_concat(type), sum(weight) FROM "
		       "(SELECT type, weight FROM link WHERE (a = ?1 AND b = ?2) OR (a = ?2 AND b = ?1) "
		       " ORDER BY type)", err) < 0 ||
	    db_prepare(db, &ev->link_reports,
		       "SELECT DISTINCT r.source || '/' || r.ext_id, r.received_at, r.id "
		       "FROM link l JOIN link_evidence e ON e.link_id = l.id JOIN report r ON r.id = e.report_id "
		       "WHERE (l.a = ?1 AND l.b = ?2) OR (l.a = ?2 AND l.b = ?1) "
		       "ORDER BY r.received_at, r.id LIMIT ?3", err) < 0 ||
	    db_prepare(db, &ev->comp, "SELECT id, occasions FROM companion "
		       "WHERE (a = ?1 AND b = ?2) OR (a = ?2 AND b = ?1)", err) < 0 ||
	    db_prepare(db, &ev->comp_reports,
		       "SELECT r.source || '/' || r.ext_id FROM companion_evidence c "
		       "JOIN report r ON r.id = c.report_id WHERE c.companion_id = ? "
		       "ORDER BY r.received_at, r.id LIMIT ?", err) < 0)
		return -1;
	return 0;
}

void gevid_release(struct gevid *ev)
{
	db_finalize(ev->key);
	db_finalize(ev->ref);
	db_finalize(ev->links);
	db_finalize(ev->link_reports);
	db_finalize(ev->comp);
	db_finalize(ev->comp_reports);
	memset(ev, 0, sizeof(*ev));
}

static int one_text(sqlite3_stmt *st, int64_t id, struct sbuf *out, struct err *err)
{
	int rc;

	sbuf_reset(out);
	if (db_bind(st, err, "I", id) < 0 || (rc = db_step(st, err)) < 0)
		return -1;
	if (rc == 1)
		sbuf_adds(out, db_text(st, 0));
	sqlite3_reset(st);
	return 0;
}

int gevid_key(struct gevid *ev, int64_t id, struct sbuf *out, struct err *err)
{
	return one_text(ev->key, id, out, err);
}

int gevid_ref(struct gevid *ev, int64_t id, struct sbuf *out, struct err *err)
{
	return one_text(ev->ref, id, out, err);
}

/* Append the first column of every row of st (bound) to arr. */
static int add_rows(sqlite3_stmt *st, cJSON *arr, struct err *err)
{
	int rc;

	while ((rc = db_step(st, err)) == 1)
		cJSON_AddItemToArray(arr, cJSON_CreateString(db_text(st, 0)));
	sqlite3_reset(st);
	return rc;
}

static cJSON *step_new(struct gevid *ev, int64_t a, int64_t b, int a_report, int b_report,
		       struct err *err)
{
	struct sbuf s = SBUF_INIT;
	cJSON *step = cJSON_CreateObject();
	int rc;

	rc = (a_report ? gevid_ref : gevid_key)(ev, a, &s, err);
	cJSON_AddStringToObject(step, "from", sbuf_str(&s));
	if (rc == 0)
		rc = (b_report ? gevid_ref : gevid_key)(ev, b, &s, err);
	cJSON_AddStringToObject(step, "to", sbuf_str(&s));
	sbuf_release(&s);
	if (rc < 0) {
		cJSON_Delete(step);
		return NULL;
	}
	return step;
}

int gevid_link_type(struct gevid *ev, int64_t a, int64_t b, struct sbuf *type, double *weight,
		    int64_t *companion, struct err *err)
{
	int rc;

	sbuf_reset(type);
	*weight = 0;
	*companion = 0;
	rc = db_bind(ev->links, err, "II", a, b);
	if (rc == 0 && (rc = db_step(ev->links, err)) == 1) {
		sbuf_adds(type, db_text(ev->links, 0));
		*weight = sqlite3_column_double(ev->links, 1);
		rc = 0;
	}
	sqlite3_reset(ev->links);
	if (rc == 0)
		rc = db_bind(ev->comp, err, "II", a, b);
	if (rc == 0 && (rc = db_step(ev->comp, err)) == 1) {
		*companion = sqlite3_column_int64(ev->comp, 0);
		if (type->len)
			sbuf_addch(type, ',');
		sbuf_adds(type, "companion");
		rc = 0;
	}
	sqlite3_reset(ev->comp);
	return rc < 0 ? -1 : 0;
}

cJSON *gevid_link_step(struct gevid *ev, int64_t a, int64_t b, struct err *err)
{
	cJSON *step = step_new(ev, a, b, 0, 0, err), *reports;
	struct sbuf type = SBUF_INIT;
	double weight = 0;
	int64_t cid = 0;
	int rc;

	if (!step)
		return NULL;
	reports = cJSON_CreateArray();
	rc = gevid_link_type(ev, a, b, &type, &weight, &cid, err);
	/* The links' reports first (none when only a companion joins them),
	 * then the companion's, as the types read. */
	if (rc == 0) {
		rc = db_bind(ev->link_reports, err, "IIi", a, b, ev->max_reports);
		if (rc == 0)
			rc = add_rows(ev->link_reports, reports, err);
	}
	if (rc == 0 && cid) {
		rc = db_bind(ev->comp_reports, err, "Ii", cid, ev->max_reports);
		if (rc == 0)
			rc = add_rows(ev->comp_reports, reports, err);
	}
	cJSON_AddStringToObject(step, "type", sbuf_str(&type));
	cJSON_AddNumberToObject(step, "weight", weight);
	cJSON_AddItemToObject(step, "reports", reports);
	sbuf_release(&type);
	if (rc < 0) {
		cJSON_Delete(step);
		return NULL;
	}
	return step;
}

/* The report's reference is already the step's end: it is not looked up twice. */
cJSON *gevid_mention_step(struct gevid *ev, int64_t entity, int64_t report, int report_first,
			  struct err *err)
{
	cJSON *step = report_first ? step_new(ev, report, entity, 1, 0, err)
				   : step_new(ev, entity, report, 0, 1, err);
	const char *ref;

	if (!step)
		return NULL;
	ref = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(step, report_first ? "from" : "to"));
	cJSON_AddStringToObject(step, "type", "mention");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(step, "reports"), cJSON_CreateString(ref));
	return step;
}
