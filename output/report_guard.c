/*
 * report_guard: the informant guard of the morning report.  It learns
 * the informants' codes (report.source "informant:K07") and the persons
 * who are the reporters of informants' reports, and scrubs both from any
 * text shown.  Codes are matched as whole tokens, so the plate 苏AK0712
 * survives a code "K07"; names anywhere.
 */
#include "output/report_int.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int report_guard_load(struct report_guard *g, struct db *db, struct err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, r;

	if (db_prepare(db, &st, "SELECT DISTINCT source FROM report WHERE informant = 1", err) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		const char *src = db_text(st, 0);
		const char *colon = strchr(src, ':');

		report_strs_add(&g->codes, src);
		if (colon && strlen(colon + 1) >= 2)
			report_strs_add(&g->codes, colon + 1);
	}
	if (r < 0)
		goto out;
	db_finalize(st);
	/* The reporter of an informant's report is the informant.  From the
	 * informants' reports (a partial index) to their mentions, not from
	 * every person to theirs. */
	if (db_prepare(db, &st,
		       "SELECT DISTINCT e.id, e.display FROM report r"
		       " CROSS JOIN mention m ON m.report_id = r.id"
		       " CROSS JOIN entity e ON e.id = m.entity_id"
		       " WHERE r.informant = 1 AND m.role = 'reporter' AND e.type = 'person'",
		       err) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		const char *name = db_text(st, 1);

		g->persons = xgrow(g->persons, &g->cap_persons, g->n_persons + 1,
				   sizeof(*g->persons));
		g->persons[g->n_persons++] = sqlite3_column_int64(st, 0);
		if (strlen(name) >= 2 && !report_strs_has(&g->names, name))
			report_strs_add(&g->names, name);
	}
	if (r < 0)
		goto out;
	rc = 0;
out:
	db_finalize(st);
	return rc;
}

void report_guard_release(struct report_guard *g)
{
	report_strs_release(&g->codes);
	report_strs_release(&g->names);
	free(g->persons);
}

int report_guard_person(const struct report_guard *g, int64_t id)
{
	for (size_t i = 0; i < g->n_persons; i++)
		if (g->persons[i] == id)
			return 1;
	return 0;
}

static int token_char(unsigned char c)
{
	return isalnum(c);
}

/* Whether s[at..at+len) stands alone, not inside a longer ASCII token. */
static int whole_token(const char *s, size_t at, size_t len)
{
	if (at > 0 && token_char((unsigned char)s[at - 1]))
		return 0;
	return !token_char((unsigned char)s[at + len]);
}

/* Returns an owned copy of s with every secret replaced by REPORT_MASK. */
char *report_guard_scrub(const struct report_guard *g, const char *s)
{
	struct sbuf out = SBUF_INIT;
	size_t i = 0;

	if (!g->codes.n && !g->names.n)
		return xstrdup(s);
	while (s[i]) {
		size_t hit = 0;

		for (size_t k = 0; k < g->names.n && !hit; k++) {
			size_t n = strlen(g->names.v[k]);

			if (!strncmp(s + i, g->names.v[k], n))
				hit = n;
		}
		for (size_t k = 0; k < g->codes.n && !hit; k++) {
			size_t n = strlen(g->codes.v[k]);

			if (!strncasecmp(s + i, g->codes.v[k], n) && whole_token(s, i, n))
				hit = n;
		}
		if (hit) {
			sbuf_adds(&out, REPORT_MASK);
			i += hit;
		} else {
			sbuf_addch(&out, s[i++]);
		}
	}
	return sbuf_detach(&out);
}
