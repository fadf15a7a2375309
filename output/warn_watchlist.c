/*
 * warn_watchlist: every record of the night that matches a watchlist
 * entry — the automatic comparison of hotel, internet-café and pawn
 * registers (and every other record) against the wanted, stolen,
 * missing and key-person lists.  Matching goes through the database:
 * watchlist keys are normalised entity keys, so they meet the keys
 * analyze gave the record's identifiers; an item entry ("item:金色
 * iPhone 13") also matches a record whose text or item field holds it.
 * Records of the recent days count (a batch that came late, a night
 * missed); one warning per entry, carried while it keeps being seen.
 *
 * Partial plates: a witness often reads only part of a plate, and
 * analyze keeps what was read as a masked key ("plate:皖A84K**").  A
 * watched plate matches such a record when every character that was
 * read agrees (皖A84K21 and 皖A84K**), and a watched masked plate
 * matches the full plates that fit it.  The mask hides characters, so
 * such a match may be another vehicle: it is its own warning (subject:
 * the entry and the masked key), says that it is partial, and is less
 * severe by watchlist.partial_penalty.
 */
#include "output/warn_int.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Column 9 is the record's key when it differs from the watched one.
 *
 * From the watched keys to the records that name them (CROSS JOIN keeps
 * that order), not from the recent days' records to every mention of
 * each: the planner, knowing no sizes, took the records first and read
 * the wide rows of 30,000 of them, their 150,000 mentions and those
 * mentions' entities, for two watched keys (one more night on 1,000,000
 * reports).  The item entries still go over the recent records, as
 * they must, but only when there is one: a term that names no table is
 * tested once, before the loops.
 */
#define HIT_COLUMNS \
	"wl.id, wl.list, wl.key, coalesce(wl.name, ''), coalesce(wl.note, '')," \
	" w.report_id, w.kind, coalesce(json_extract(r.fields, '$.venue'), ''), w.informant"
#define HITS \
	"SELECT " HIT_COLUMNS ", ''" \
	" FROM watchlist wl CROSS JOIN entity e ON e.key = wl.key" \
	" CROSS JOIN mention m ON m.entity_id = e.id" \
	" CROSS JOIN warn_report w ON w.report_id = m.report_id AND w.day BETWEEN ?2 AND ?1" \
	" CROSS JOIN report r ON r.id = w.report_id" \
	" UNION SELECT " HIT_COLUMNS ", ''" \
	" FROM watchlist wl JOIN warn_report w ON w.day BETWEEN ?2 AND ?1" \
	" JOIN report r ON r.id = w.report_id" \
	" WHERE wl.key LIKE 'item:%' AND length(wl.key) > 6" \
	" AND (instr(r.text, substr(wl.key, 6)) > 0" \
	"  OR instr(coalesce(json_extract(r.fields, '$.item'), ''), substr(wl.key, 6)) > 0)" \
	" AND EXISTS (SELECT 1 FROM watchlist WHERE key LIKE 'item:%' AND length(key) > 6)" \
	" ORDER BY 1, 10, 6"
/*
 * Plates that agree where both were read: a masked record plate whose
 * pattern ('*' read as GLOB's one character '?') the watched plate fits,
 * or a record plate that fits a watched masked one.  Plate keys are
 * read from the key index (a range, no scan of the entities); '*' is
 * ASCII and stands for one ASCII character, so '?' is exact here.  From
 * the hits to the records that name them, as in HITS.
 */
#define PARTIAL_HITS \
	"WITH wp(id, key) AS (SELECT id, key FROM watchlist" \
	"  WHERE key >= 'plate:' AND key < 'plate;')," \
	" pp(id, key) AS MATERIALIZED (SELECT id, key FROM entity" \
	"  WHERE key >= 'plate:' AND key < 'plate;' AND instr(key, '*') > 0)," \
	" hit(wid, eid, ekey) AS (SELECT wp.id, pp.id, pp.key FROM wp JOIN pp" \
	"  ON wp.key <> pp.key AND wp.key GLOB replace(pp.key, '*', '?')" \
	"  UNION SELECT wp.id, e.id, e.key FROM wp JOIN entity e" \
	"  ON e.key GLOB replace(wp.key, '*', '?') AND e.key <> wp.key" \
	"  WHERE instr(wp.key, '*') > 0)" \
	" SELECT " HIT_COLUMNS ", hit.ekey FROM hit CROSS JOIN watchlist wl ON wl.id = hit.wid" \
	" CROSS JOIN mention m ON m.entity_id = hit.eid" \
	" CROSS JOIN warn_report w ON w.report_id = m.report_id AND w.day BETWEEN ?2 AND ?1" \
	" CROSS JOIN report r ON r.id = w.report_id" \
	" GROUP BY wl.id, hit.ekey, w.report_id ORDER BY 1, 10, 6"

struct entry {
	int64_t id;
	char *list, *key, *name, *note;
	char *seen;                 /* the record's key, when a partial match; else "" */
	struct sbuf where;          /* "旅馆登记（某宾馆）、..." */
	int64_t *reports;
	size_t n, cap;
};

static void entry_raise(struct warn_ctx *w, struct entry *e)
{
	struct warn_cand *c = warn_cand_add(w, WARN_WATCHLIST);
	char lkey[96], skey[96], tkey[96], *list_key = xasprintf("list:%s", e->list);
	const char *subject[3] = { e->key, list_key, e->seen };
	const char *lname, *tname, *colon = strchr(e->key, ':');
	int partial = *e->seen != '\0';
	char type[32], *what;
	double sev;
	cJSON *data = cJSON_CreateObject();

	snprintf(type, sizeof(type), "%.*s", colon ? (int)(colon - e->key) : 0, e->key);
	snprintf(lkey, sizeof(lkey), "list_name.%s", e->list);
	snprintf(skey, sizeof(skey), "severity.%s", e->list);
	snprintf(tkey, sizeof(tkey), "type_name.%s", type);
	lname = warn_conf_str(&w->conf, lkey, e->list);
	tname = warn_conf_str(&w->conf, tkey, type);
	sev = warn_param(w, WARN_WATCHLIST, skey,
			 warn_param(w, WARN_WATCHLIST, "severity.default", 60));
	if (partial)
		sev -= warn_param(w, WARN_WATCHLIST, "partial_penalty", 20);
	c->severity = warn_severity(sev);
	warn_cand_subject(c, subject, partial ? 3 : 2);
	warn_cand_entity(c, e->key);
	if (partial)
		warn_cand_entity(c, e->seen);
	for (size_t i = 0; i < e->n; i++)
		warn_cand_report(c, e->reports[i]);
	cJSON_AddStringToObject(data, "list", e->list);
	cJSON_AddStringToObject(data, "key", e->key);
	cJSON_AddNumberToObject(data, "records", (double)e->n);
	if (partial)
		cJSON_AddStringToObject(data, "partial", e->seen);
	what = xasprintf("%s %s%s%s%s", tname, warn_key_value(e->key), *e->name ? "（" : "",
			 *e->name ? e->name : "", *e->name ? "）" : "");
	warn_cand_text(c,
		partial ?
		xasprintf("布控部分比中：%s %s%s%s 与 %s 相符，出现在%s", lname,
			  *e->name ? e->name : "", *e->name ? " " : "", warn_key_value(e->key),
			  warn_key_value(e->seen), sbuf_str(&e->where)) :
		xasprintf("布控比中：%s %s%s%s 出现在%s", lname, *e->name ? e->name : "",
			  *e->name ? " " : "", warn_key_value(e->key), sbuf_str(&e->where)),
		partial ?
		xasprintf("%s，%s名单中%s的%s与%zu条新记录中%s的%s %s 相符：%s。"
			  "被遮挡或未看清的字符无法核对，这是部分比中，可能是另一辆车。%s%s%s"
			  "请核实完整号牌，并核查车辆行踪。",
			  w->night, lname, strchr(e->key, '*') ? "只知部分号码" : "", what, e->n,
			  strchr(e->key, '*') ? "" : "只部分可辨", tname, warn_key_value(e->seen),
			  sbuf_str(&e->where),
			  *e->note ? "布控备注：" : "", *e->note ? e->note : "", *e->note ? "。" : "") :
		xasprintf("%s，%s名单中的%s在%zu条新记录中出现：%s。%s%s%s"
			  "请立即核查其行踪和相关人员，依规处置。",
			  w->night, lname, what, e->n, sbuf_str(&e->where),
			  *e->note ? "布控备注：" : "", *e->note ? e->note : "", *e->note ? "。" : ""),
		cJSON_PrintUnformatted(data));
	free(what);
	cJSON_Delete(data);
	free(list_key);
}

static void entry_release(struct entry *e)
{
	free(e->list);
	free(e->key);
	free(e->name);
	free(e->note);
	free(e->seen);
	sbuf_release(&e->where);
	free(e->reports);
	memset(e, 0, sizeof(*e));
}

/* Where a record was seen, for the chief: its kind and venue, no source. */
static void entry_where(struct warn_ctx *w, struct entry *e, const char *kind,
			const char *venue, int informant)
{
	struct sbuf one = SBUF_INIT;

	if (informant)
		sbuf_adds(&one, warn_conf_str(&w->conf, "kind_name.informant", "线索"));
	else if (*venue)
		sbuf_addf(&one, "%s（%s）", warn_kind_label(w, kind), venue);
	else
		sbuf_adds(&one, warn_kind_label(w, kind));
	if (!strstr(sbuf_str(&e->where), sbuf_str(&one)))
		sbuf_addf(&e->where, "%s%s", e->where.len ? "、" : "", sbuf_str(&one));
	sbuf_release(&one);
}

/* Its hits are the recent days' (watch_hits). */
void warn_watchlist_from(const struct warn_ctx *w, char out[11])
{
	warn_recent(w, WARN_WATCHLIST, out);
}

/*
 * Raise one warning per entry (and per masked key it partly matched)
 * from the rows of sql, which come ordered by entry, key and report.
 */
static int watch_hits(struct warn_ctx *w, const char *sql, struct err *err)
{
	sqlite3_stmt *st = NULL;
	struct entry e = { 0 };
	int r, rc = -1;
	char recent[11];

	warn_watchlist_from(w, recent);
	if (warn_reports_from(w, recent, err) < 0 || db_prepare(w->db, &st, sql, err) < 0 || db_bind(st, err, "ss", w->night, recent) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		int64_t id = sqlite3_column_int64(st, 0), rep = sqlite3_column_int64(st, 5);

		if (e.key && (e.id != id || strcmp(e.seen, db_text(st, 9)))) {
			entry_raise(w, &e);
			entry_release(&e);
		}
		if (!e.key) {
			e.id = id;
			e.list = xstrdup(db_text(st, 1));
			e.key = xstrdup(db_text(st, 2));
			e.name = xstrdup(db_text(st, 3));
			e.note = xstrdup(db_text(st, 4));
			e.seen = xstrdup(db_text(st, 9));
		}
		if (e.n && e.reports[e.n - 1] == rep)
			continue;
		e.reports = xgrow(e.reports, &e.cap, e.n + 1, sizeof(*e.reports));
		e.reports[e.n++] = rep;
		entry_where(w, &e, db_text(st, 6), db_text(st, 7), sqlite3_column_int(st, 8));
	}
	if (r < 0)
		goto out;
	if (e.key)
		entry_raise(w, &e);
	rc = 0;
out:
	entry_release(&e);
	db_finalize(st);
	return rc;
}

int warn_watchlist(struct warn_ctx *w, struct err *err)
{
	if (watch_hits(w, HITS, err) < 0)
		return -1;
	return watch_hits(w, PARTIAL_HITS, err);
}
