/*
 * split: undoing a merge.  The two sides' founding mentions become
 * never-pairs (resolve_never), the merge is recorded as it was listed
 * (resolve_split), and the stage runs again over every report, which
 * gives exactly the persons a fresh analysis with that correction would.
 */
#include "analyze/analyze.h"

#include <cJSON.h>
#include <string.h>

/* A JSON array of strings from the merge log, as an owned cJSON. */
static cJSON *parse_array(const char *s)
{
	cJSON *a = cJSON_Parse(s);

	if (!cJSON_IsArray(a)) {
		cJSON_Delete(a);
		a = cJSON_CreateArray();
	}
	return a;
}

/* Record the split and the never pairs it makes, in one transaction. */
static int record_split(struct db *db, int64_t merge_id, const char *os_user, struct err *err)
{
	sqlite3_stmt *st = NULL;
	cJSON *kf = NULL, *mf = NULL;
	const cJSON *a, *b;
	char now[32];
	int64_t split_id;
	int rc;

	db_now(now);
	if (db_begin(db, err) < 0)
		return -1;
	rc = db_prepare(db, &st,
		"SELECT 'person:' || m.kept, 'person:' || m.id, m.keys, m.kept_founders, m.merged_founders,"
		" (SELECT group_concat(x, ', ') FROM (SELECT r.source || '/' || r.ext_id AS x"
		"   FROM merge_evidence e JOIN report r ON r.id = e.report_id"
		"   WHERE e.merge_id = m.id ORDER BY x))"
		" FROM merge_log m WHERE m.id = ?", err);
	if (rc == 0 && db_bind(st, err, "I", merge_id) < 0)
		rc = -1;
	if (rc == 0 && (rc = db_step(st, err)) == 0)
		rc = err_set(err, "no merge %lld (see 'lookout resolve list')", (long long)merge_id);
	if (rc == 1)
		rc = db_run(db, err, "INSERT INTO resolve_split(merge_id, kept, merged, keys, reports,"
			    " split_at, os_user) VALUES (?, ?, ?, ?, ?, ?, ?)", "Issssss",
			    merge_id, db_text(st, 0), db_text(st, 1), db_text(st, 2),
			    db_text(st, 5), now, os_user);
	if (rc == 0) {
		split_id = db_last_id(db);
		kf = parse_array(db_text(st, 3));
		mf = parse_array(db_text(st, 4));
		/* Every founder of one side against every founder of the other. */
		cJSON_ArrayForEach(a, kf) {
			cJSON_ArrayForEach(b, mf) {
				const char *x = cJSON_GetStringValue(a), *y = cJSON_GetStringValue(b);

				if (rc < 0 || !x || !y)
					continue;
				if (strcmp(x, y) > 0) {
					const char *t = x;

					x = y;
					y = t;
				}
				rc = db_run(db, err, "INSERT OR IGNORE INTO resolve_never(a, b, split_id)"
					    " VALUES (?, ?, ?)", "ssI", x, y, split_id);
			}
		}
	}
	db_finalize(st);
	cJSON_Delete(kf);
	cJSON_Delete(mf);
	if (rc == 0)
		rc = db_commit(db, err);
	if (rc < 0)
		db_rollback(db);
	return rc;
}

int analyze_split(struct db *db, const struct analyze_opts *opts, int64_t merge_id,
		  const char *os_user, struct analyze_summary *sum, struct err *err)
{
	struct analyze_opts all = *opts;

	memset(sum, 0, sizeof(*sum));
	if (record_split(db, merge_id, os_user, err) < 0)
		return -1;
	/* Replaying every report with the new pair gives exactly the persons
	 * a fresh analysis with that correction would. */
	all.all = 1;
	return analyze_run(db, &all, sum, err);
}
