/*
 * warn_burst: one identifier (a phone, a bank card, a WeChat id) in the
 * reports of many different people within a short window — the fraud
 * number that many victims report.  A reporter is the person a report
 * names as its reporter or victim; a report that names none counts as a
 * reporter of its own.  Hubs (service numbers, shop counters) and the
 * register kinds (hotel, café, pawn rows, where one number is a guest's
 * own) are left out, and so is a report in which the number is a
 * person's own (analyze linked it to them: the reporter's callback
 * number, a party's phone in a dispute register), not one it reports.
 * Raised while one of its reports is recent, so
 * only the identifiers the recent reports name are looked up in the
 * window, not every mention of its days.
 */
#include "output/warn_int.h"
#include "common/day.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hit {
	int64_t report;
	char *reporter;
	int tonight;
};

static void burst_raise(struct warn_ctx *w, const char *key, const char *type,
			const struct hit *h, size_t n, size_t reporters, int window,
			const char *cats)
{
	struct warn_cand *c = warn_cand_add(w, WARN_BURST);
	int min = (int)warn_param(w, WARN_BURST, "min_reporters", 3);
	char tkey[96];
	const char *tname;
	double sev;
	cJSON *data = cJSON_CreateObject();

	snprintf(tkey, sizeof(tkey), "type_name.%s", type);
	tname = warn_conf_str(&w->conf, tkey, type);
	warn_cand_subject(c, &key, 1);
	warn_cand_entity(c, key);
	for (size_t i = 0; i < n; i++)
		warn_cand_report(c, h[i].report);
	sev = warn_param(w, WARN_BURST, "severity_base", 50) +
	      warn_param(w, WARN_BURST, "severity_per_reporter", 8) * ((double)reporters - min);
	if (sev > warn_param(w, WARN_BURST, "severity_max", 90))
		sev = warn_param(w, WARN_BURST, "severity_max", 90);
	c->severity = warn_severity(sev);
	cJSON_AddNumberToObject(data, "reporters", (double)reporters);
	cJSON_AddNumberToObject(data, "reports", (double)n);
	cJSON_AddNumberToObject(data, "window_days", window);
	warn_cand_text(c,
		xasprintf("%s %s 被%zu名不同报警人反映（%d天内）", tname, warn_key_value(key),
			  reporters, window),
		xasprintf("%d天内，%zu名互不相同的报警人或受害人在%zu份警情、线索中提到%s %s%s%s。"
			  "同一号码或账户被多名互不相关的群众反映，常见于电信网络诈骗或团伙作案，"
			  "建议尽快核查其使用人和资金流向，并提醒群众防范。",
			  window, reporters, n, tname, warn_key_value(key),
			  *cats ? "，涉及" : "", cats),
		cJSON_PrintUnformatted(data));
	cJSON_Delete(data);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Judge the hits of one identifier: distinct reporters, and tonight? */
static int burst_judge(struct warn_ctx *w, sqlite3_stmt *cats, const char *from,
		       const char *key, const char *type, struct hit *h, size_t n,
		       struct err *err)
{
	int window = (int)warn_param(w, WARN_BURST, "window_days", 14);
	int min = (int)warn_param(w, WARN_BURST, "min_reporters", 3);
	char **who = xmalloc(sizeof(char *) * (n ? n : 1));
	size_t reporters = 0;
	int tonight = 0, r = 0;
	struct sbuf names = SBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		who[i] = h[i].reporter;
		tonight |= h[i].tonight;
	}
	qsort(who, n, sizeof(*who), cmp_str);
	for (size_t i = 0; i < n; i++)
		reporters += i == 0 || strcmp(who[i], who[i - 1]);
	free(who);
	if (!tonight || (int)reporters < min)
		return 0;
	if (db_bind(cats, err, "sss", key, from, w->night) < 0)
		return -1;
	while ((r = db_step(cats, err)) == 1)
		sbuf_addf(&names, "%s%s", names.len ? "、" : "",
			  warn_category_name(w, db_text(cats, 0)));
	if (r == 0)
		burst_raise(w, key, type, h, n, reporters, window, sbuf_str(&names));
	sbuf_release(&names);
	return r;
}

/* Its window: window_days up to the night. */
void warn_burst_from(const struct warn_ctx *w, char out[11])
{
	day_add(w->night, -((long)warn_param(w, WARN_BURST, "window_days", 14) - 1), out);
}

int warn_burst(struct warn_ctx *w, struct err *err)
{
	sqlite3_stmt *st = NULL, *cats = NULL;
	char from[11], *types = warn_list(w, WARN_BURST, "types");
	char *skip = warn_list(w, WARN_BURST, "skip_kinds");
	char *key = NULL, *type = NULL, recent[11];
	struct hit *h = NULL;
	size_t n = 0, cap = 0;
	int r, rc = -1;

	warn_burst_from(w, from);
	warn_recent(w, WARN_BURST, recent);
	if (warn_reports_from(w, from, err) < 0)
		goto out;
	if (db_prepare(w->db, &st,
		       "SELECT e.key, e.type, w.report_id, w.day >= ?5,"
		       " coalesce((SELECT min(p.key) FROM mention pm JOIN entity p ON p.id = pm.entity_id"
		       "  WHERE pm.report_id = w.report_id AND p.type = 'person'"
		       "  AND pm.role IN ('reporter', 'victim')), 'report:' || w.report_id)"
		       " FROM (SELECT DISTINCT m.entity_id FROM warn_report w"
		       "  JOIN mention m ON m.report_id = w.report_id"
		       "  WHERE w.day BETWEEN ?5 AND ?2 AND instr(?4, ' ' || w.kind || ' ') = 0) t"
		       " JOIN entity e ON e.id = t.entity_id"
		       " JOIN mention m ON m.entity_id = e.id"
		       " JOIN warn_report w ON w.report_id = m.report_id"
		       " WHERE w.day BETWEEN ?1 AND ?2 AND e.hub = 0"
		       " AND instr(?3, ' ' || e.type || ' ') > 0 AND instr(?4, ' ' || w.kind || ' ') = 0"
		       " AND NOT EXISTS (SELECT 1 FROM link l"
		       "  JOIN link_evidence le ON le.link_id = l.id AND le.report_id = w.report_id"
		       "  WHERE l.b = e.id AND l.type IN ('holds', 'uses'))"
		       " GROUP BY e.id, w.report_id ORDER BY e.key, w.report_id", err) < 0 ||
	    db_prepare(w->db, &cats,
		       "SELECT c.category FROM entity e JOIN mention m ON m.entity_id = e.id"
		       " JOIN warn_report w ON w.report_id = m.report_id"
		       " JOIN report_category c ON c.report_id = w.report_id AND c.is_primary = 1"
		        " WHERE e.key = ?1 AND w.day BETWEEN ?2 AND ?3 GROUP BY c.category"
		       " ORDER BY count(*) DESC, c.category LIMIT 3", err) < 0 ||
	    db_bind(st, err, "sssss", from, w->night, types, skip, recent) < 0)
		goto out;
	for (;;) {
		r = db_step(st, err);
		if (r < 0)
			goto out;
		/* A new identifier (or the end): judge the one before. */
		if (key && (r == 0 || strcmp(key, db_text(st, 0)))) {
			if (burst_judge(w, cats, from, key, type, h, n, err) < 0)
				goto out;
			for (size_t i = 0; i < n; i++)
				free(h[i].reporter);
			n = 0;
			free(key);
			free(type);
			key = type = NULL;
		}
		if (r == 0)
			break;
		if (!key) {
			key = xstrdup(db_text(st, 0));
			type = xstrdup(db_text(st, 1));
		}
		h = xgrow(h, &cap, n + 1, sizeof(*h));
		h[n].report = sqlite3_column_int64(st, 2);
		h[n].tonight = sqlite3_column_int(st, 3);
		h[n].reporter = xstrdup(db_text(st, 4));
		n++;
	}
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(h[i].reporter);
	free(h);
	free(key);
	free(type);
	free(types);
	free(skip);
	db_finalize(st);
	db_finalize(cats);
	return rc;
}
