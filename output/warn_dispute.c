/*
 * warn_dispute: a dispute that keeps coming back, or turns dangerous.
 *
 * The dispute reports of the window (dispute.window_days, 30; dispute
 * and threat categories, and the dispute registers) are grouped
 * by each resolved person they mention and by their most specific place.
 * A group is raised when one of its reports is recent (recent_days) and it
 * holds dispute.min_reports (3) or more, or dispute.escalation_min_reports
 * (2) when one of them escalates: a threat category, or an escalation
 * word (analyze's escalation-words.txt plus dispute.extra_words: 聚集,
 * 上访, 轻生 ...).  A place's reports count only when they share a
 * party with another of them (dispute.place_same_parties): quarrels of
 * different neighbours in one large building are not one dispute coming
 * back, and on a large district nearly every building has three a month.
 * An escalating group ranks before one that only recurs when the kind's
 * max_per_night holds some back.  Two groups with the same reports (the two parties of
 * one quarrel, or a party and their address) are one warning: a group
 * whose reports all lie in a larger (or earlier) kept group is dropped.
 * The latest report is cited in the explanation.
 */
#include "output/warn_int.h"
#include "common/day.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct drep {
	int64_t id;
	char day[11];
	char *text;               /* NULL until drep_text reads it */
	int informant;
	int threat;
	struct warn_strs words;   /* escalation words found */
	struct warn_strs persons; /* person keys */
	struct warn_strs places;  /* its most specific places */
};

struct member {
	size_t key;               /* index into keys */
	size_t rep;               /* index into the reports */
};

struct group {
	size_t from, to;          /* members[from..to) share the key */
	size_t n;                 /* reports */
	int tonight, escalated;
	size_t latest;
	int kept;
};

struct dispute {
	struct warn_ctx *w;
	struct drep *r;
	size_t n, cap;
	struct member *m;
	size_t nm, capm;
	struct warn_strs words;   /* escalation words */
	struct warn_strs keys;    /* every person and place key, once */
	char **display;           /* beside keys: a person's name, or "" */
	size_t cap_display;
	size_t *slot;             /* hash of keys: index + 1, 0 empty */
	size_t n_slot;            /* a power of two */
	sqlite3_stmt *text;       /* a report's text, for drep_text */
};

static size_t key_hash(const char *s)
{
	size_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The slot of key in the hash: where it is, or the empty one it would take. */
static size_t *key_slot(struct dispute *d, const char *key)
{
	size_t i = key_hash(key) & (d->n_slot - 1);

	while (d->slot[i] && strcmp(d->keys.v[d->slot[i] - 1], key))
		i = (i + 1) & (d->n_slot - 1);
	return &d->slot[i];
}

/*
 * The index of key in d->keys, added (with its display name) when new;
 * a hash, since a month of disputes in a large district names tens of
 * thousands of persons and places.
 */
static size_t key_index(struct dispute *d, const char *key, const char *display)
{
	size_t *at;

	if (2 * (d->keys.n + 1) > d->n_slot) {
		free(d->slot);
		d->n_slot = d->n_slot ? 2 * d->n_slot : 1024;
		d->slot = xcalloc(d->n_slot, sizeof(*d->slot));
		for (size_t i = 0; i < d->keys.n; i++)
			*key_slot(d, d->keys.v[i]) = i + 1;
	}
	at = key_slot(d, key);
	if (*at)
		return *at - 1;
	d->keys.v = xgrow(d->keys.v, &d->keys.cap, d->keys.n + 1, sizeof(*d->keys.v));
	d->keys.v[d->keys.n++] = xstrdup(key);
	*at = d->keys.n;
	d->display = xgrow(d->display, &d->cap_display, d->keys.n, sizeof(*d->display));
	d->display[d->keys.n - 1] = xstrdup(display);
	return d->keys.n - 1;
}

/* Escalation words: the file named in warn.conf and the extra words. */
static int load_words(struct dispute *d, struct err *err)
{
	char *path = warn_conf_path(&d->w->conf, "dispute.escalation_words", "escalation-words.txt");
	char *extra = warn_list(d->w, WARN_DISPUTE, "extra_words"), *save = NULL;
	FILE *f = path ? fopen(path, "r") : NULL;
	char *line = NULL;
	size_t cap = 0;

	if (path && !f) {
		free(extra);
		err_set(err, "cannot read escalation words '%s'", path);
		free(path);
		return -1;
	}
	while (f && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] && line[0] != '#')
			warn_strs_add(&d->words, line);
	}
	for (char *p = strtok_r(extra, " ", &save); p; p = strtok_r(NULL, " ", &save))
		warn_strs_add(&d->words, p);
	free(line);
	free(extra);
	free(path);
	if (f)
		fclose(f);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Report p's persons and places, from one read of its mentions. */
static int drep_mentions(struct dispute *d, struct drep *p, struct err *err)
{
	struct warn_strs names = { 0 };
	int r = warn_report_mentions(d->w, p->id, &p->places, &p->persons, &names, err);

	for (size_t k = 0; r == 0 && k < p->persons.n; k++)
		key_index(d, p->persons.v[k], names.v[k]);
	warn_strs_release(&names);
	return r;
}

/*
 * The reports that mention a person or place of a recent report, into
 * ids (sorted): only those can share a group that may be raised.
 */
static int related_reports(struct dispute *d, const char *recent, struct warn_ids *ids,
			   struct err *err)
{
	char **keys = NULL;
	size_t nk = 0, capk = 0;
	int r = 0;

	for (size_t i = 0; i < d->n; i++) {
		const struct drep *p = &d->r[i];

		if (strcmp(p->day, recent) < 0)
			continue;
		for (size_t k = 0; k < p->persons.n + p->places.n; k++) {
			keys = xgrow(keys, &capk, nk + 1, sizeof(*keys));
			keys[nk++] = k < p->persons.n ? p->persons.v[k] : p->places.v[k - p->persons.n];
		}
	}
	if (nk)
		qsort(keys, nk, sizeof(*keys), cmp_str);
	for (size_t i = 0; r == 0 && i < nk; i++)
		if (i == 0 || strcmp(keys[i], keys[i - 1]))
			r = warn_naming_reports(d->w, keys[i], ids, err);
	free(keys);
	warn_ids_sort(ids);
	return r;
}

/* By day, then id: the order the reports are grouped and cited in. */
static int drep_cmp(const void *a, const void *b)
{
	const struct drep *x = a, *y = b;
	int r = strcmp(x->day, y->day);

	return r ? r : (x->id > y->id) - (x->id < y->id);
}

/* A dispute report of the window, added to d->r. */
static void drep_add(struct dispute *d, int64_t id, const char *day, int informant, int threat)
{
	struct drep *p;

	d->r = xgrow(d->r, &d->cap, d->n + 1, sizeof(*d->r));
	p = &d->r[d->n++];
	memset(p, 0, sizeof(*p));
	p->id = id;
	snprintf(p->day, sizeof(p->day), "%s", day);
	p->informant = informant;
	p->threat = threat;
}

/*
 * The earlier reports of the window among the related ones (sorted,
 * repeats allowed): a dispute kind, or a category of cats or threats,
 * each row and its categories looked up by id.  Those of the recent
 * days are in already.
 */
static int earlier_related(struct dispute *d, const struct warn_ids *related, const char *from,
			   const char *recent, const char *cats, const char *threats,
			   struct err *err)
{
	sqlite3_stmt *row = NULL, *cat = NULL;
	int r = 0, rc = -1;

	if (db_prepare(d->w->db, &row, "SELECT day, informant, kind = 'dispute' FROM warn_report"
		       " WHERE report_id = ?", err) < 0 ||
	    db_prepare(d->w->db, &cat, "SELECT category FROM report_category WHERE report_id = ?",
		       err) < 0)
		goto out;
	for (size_t i = 0; i < related->n; i++) {
		int64_t id = related->v[i];
		int dispute, threat = 0, informant;
		char day[11];

		if (i && id == related->v[i - 1])
			continue;
		if ((r = warn_window_row(row, id, 0, from, recent, err)) < 0)
			goto out;
		if (r == 0)
			continue;
		warn_column_copy(day, sizeof(day), row, 0);
		informant = sqlite3_column_int(row, 1);
		dispute = sqlite3_column_int(row, 2);
		sqlite3_reset(row);
		if (db_bind(cat, err, "I", id) < 0)
			goto out;
		while ((r = db_step(cat, err)) == 1) {
			char *word = xasprintf(" %s ", db_text(cat, 0));

			dispute |= strstr(cats, word) != NULL;
			threat |= strstr(threats, word) != NULL;
			free(word);
		}
		if (r < 0)
			goto out;
		if (!dispute && !threat)
			continue;
		drep_add(d, id, day, informant, threat);
		if (drep_mentions(d, &d->r[d->n - 1], err) < 0)
			goto out;
	}
	rc = 0;
out:
	db_finalize(row);
	db_finalize(cat);
	return rc;
}

/* Its window: window_days up to the night. */
void warn_dispute_from(const struct warn_ctx *w, char out[11])
{
	day_add(w->night, -((long)warn_param(w, WARN_DISPUTE, "window_days", 30) - 1), out);
}

/*
 * The dispute reports of the window, in day order, with their persons
 * and places.  A group is raised only with a recent report in it, so a
 * report that shares no person and no place with a recent one is in no
 * such group: the recent days' reports are read, and their mentions,
 * and of the earlier days only the reports that mention one of their
 * persons or places (on a large district, 10,000 of the month's
 * 300,000), each looked up by id: a night reads what it can raise, not
 * the whole window.
 */
static int load_reports(struct dispute *d, struct err *err)
{
	struct warn_ctx *w = d->w;
	sqlite3_stmt *st = NULL;
	char from[11], recent[11];
	char *cats = warn_list(w, WARN_DISPUTE, "categories");
	char *threats = warn_list(w, WARN_DISPUTE, "threat_categories");
	struct warn_ids related = { 0 }, disputes = { 0 }, threat = { 0 };
	struct wrow { int64_t id; char day[11]; int informant, dispute_kind; } *v = NULL;
	size_t nv = 0, cap_v = 0;
	int64_t lo = 1, hi = 0;
	int r, rc = -1;

	warn_recent(w, WARN_DISPUTE, recent);
	warn_dispute_from(w, from);
	if (warn_reports_from(w, from, err) < 0)
		goto out;
	/*
	 * Not the report rows: only the few in a group that may be raised
	 * are read (drep_text).  The recent days come from the index on
	 * day, and their categories from the reports of the dispute and
	 * threat categories (warn_category_reports) among the ids they
	 * span, not a look-up per report.
	 */
	if (db_prepare(w->db, &st,
		       "SELECT report_id, day, informant, kind = 'dispute' FROM warn_report"
		       " WHERE day BETWEEN ?1 AND ?2", err) < 0 ||
	    db_bind(st, err, "ss", recent, w->night) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		int64_t id = sqlite3_column_int64(st, 0);

		v = xgrow(v, &cap_v, nv + 1, sizeof(*v));
		v[nv].id = id;
		warn_column_copy(v[nv].day, sizeof(v[nv].day), st, 1);
		v[nv].informant = sqlite3_column_int(st, 2);
		v[nv++].dispute_kind = sqlite3_column_int(st, 3);
		lo = nv == 1 || id < lo ? id : lo;
		hi = nv == 1 || id > hi ? id : hi;
	}
	if (r < 0 || warn_category_reports(w, cats, lo, hi, &disputes, err) < 0 ||
	    warn_category_reports(w, threats, lo, hi, &threat, err) < 0)
		goto out;
	for (size_t i = 0; i < nv; i++)
		if (v[i].dispute_kind || warn_ids_has(&disputes, v[i].id) ||
		    warn_ids_has(&threat, v[i].id))
			drep_add(d, v[i].id, v[i].day, v[i].informant, warn_ids_has(&threat, v[i].id));
	if (d->n)
		qsort(d->r, d->n, sizeof(*d->r), drep_cmp);
	for (size_t i = 0; i < d->n; i++)
		if (drep_mentions(d, &d->r[i], err) < 0)
			goto out;
	if (related_reports(d, recent, &related, err) < 0 ||
	    earlier_related(d, &related, from, recent, cats, threats, err) < 0)
		goto out;
	if (d->n)
		qsort(d->r, d->n, sizeof(*d->r), drep_cmp);
	rc = 0;
out:
	db_finalize(st);
	free(v);
	free(related.v);
	free(disputes.v);
	free(threat.v);
	free(cats);
	free(threats);
	return rc;
}

/* Read report p's text and the escalation words it holds, once. */
static int drep_text(struct dispute *d, struct drep *p, struct err *err)
{
	int r;

	if (p->text)
		return 0;
	if (!d->text && db_prepare(d->w->db, &d->text,
				   "SELECT coalesce(text, '') FROM report WHERE id = ?", err) < 0)
		return -1;
	if (db_bind(d->text, err, "I", p->id) < 0 || (r = db_step(d->text, err)) < 0)
		return -1;
	p->text = xstrdup(r == 1 ? db_text(d->text, 0) : "");
	sqlite3_reset(d->text);
	for (size_t i = 0; i < d->words.n; i++)
		if (strstr(p->text, d->words.v[i]))
			warn_strs_add(&p->words, d->words.v[i]);
	return 0;
}

static void add_member(struct dispute *d, size_t key, size_t rep)
{
	d->m = xgrow(d->m, &d->capm, d->nm + 1, sizeof(*d->m));
	d->m[d->nm].key = key;
	d->m[d->nm].rep = rep;
	d->nm++;
}

/* qsort has no context argument; the sort of one run is not re-entered. */
static struct dispute *sort_ctx;

static int member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int r = strcmp(sort_ctx->keys.v[x->key], sort_ctx->keys.v[y->key]);

	return r ? r : (x->rep > y->rep) - (x->rep < y->rep);
}

/* Larger groups first, then persons before places, then by key. */
static int group_cmp_ctx(const struct dispute *d, const struct group *x, const struct group *y)
{
	const char *kx = d->keys.v[d->m[x->from].key], *ky = d->keys.v[d->m[y->from].key];
	int px = !strncmp(kx, "person:", 7), py = !strncmp(ky, "person:", 7);

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	if (px != py)
		return py - px;
	return strcmp(kx, ky);
}

/* Whether every report of g is in k. */
static int group_within(const struct dispute *d, const struct group *g, const struct group *k)
{
	for (size_t i = g->from; i < g->to; i++) {
		int found = 0;

		for (size_t j = k->from; j < k->to && !found; j++)
			found = d->m[j].rep == d->m[i].rep;
		if (!found)
			return 0;
	}
	return 1;
}

/* The display name of a person key the reports named, "" when none. */
static const char *person_name(struct dispute *d, const char *key)
{
	size_t at = *key_slot(d, key);

	return at ? d->display[at - 1] : "";
}

/*
 * Whether reports p and q name the same parties: one person, or at this
 * one place the same two names (a call and a register row often name
 * the two neighbours without the identifiers that would make them the
 * same persons; one common name alone at a busy address is chance).
 */
static int same_parties(struct dispute *d, const struct warn_strs *p, const struct warn_strs *q)
{
	const char *first = NULL;

	for (size_t k = 0; k < p->n; k++) {
		const char *name = person_name(d, p->v[k]);

		for (size_t j = 0; j < q->n; j++) {
			if (!strcmp(q->v[j], p->v[k]))
				return 1;
			if (!*name || strcmp(person_name(d, q->v[j]), name))
				continue;
			if (first && strcmp(first, name))
				return 1;
			first = name;
		}
	}
	return 0;
}

/* Whether report rep names the same parties as another report of members[from..to). */
static int shares_party(struct dispute *d, size_t from, size_t to, size_t rep)
{
	for (size_t i = from; i < to; i++)
		if (d->m[i].rep != rep &&
		    same_parties(d, &d->r[rep].persons, &d->r[d->m[i].rep].persons))
			return 1;
	return 0;
}

/*
 * Keep, of a place's members[from..to), those whose reports share a
 * party with another of them, moved to the front; returns the new end.
 */
static size_t place_same_parties(struct dispute *d, size_t from, size_t to)
{
	char *keep = xcalloc(to - from, 1);
	size_t end = from;

	for (size_t i = from; i < to; i++)
		keep[i - from] = (char)shares_party(d, from, to, d->m[i].rep);
	for (size_t i = from; i < to; i++)
		if (keep[i - from])
			d->m[end++] = d->m[i];
	free(keep);
	return end;
}

static void dispute_raise(struct dispute *d, const struct group *g)
{
	struct warn_ctx *w = d->w;
	struct warn_cand *c = warn_cand_add(w, WARN_DISPUTE);
	const char *key = d->keys.v[d->m[g->from].key];
	const char *name = d->display[d->m[g->from].key];
	const struct drep *latest = &d->r[g->latest];
	struct sbuf words = SBUF_INIT, who = SBUF_INIT;
	int window = (int)warn_param(w, WARN_DISPUTE, "window_days", 30);
	int min = (int)warn_param(w, WARN_DISPUTE, "min_reports", 3);
	double sev;
	char *snippet;
	int ended;
	cJSON *data = cJSON_CreateObject();

	warn_cand_subject(c, &key, 1);
	warn_cand_entity(c, key);
	for (size_t i = g->from; i < g->to; i++) {
		const struct drep *p = &d->r[d->m[i].rep];

		warn_cand_report(c, p->id);
		for (size_t k = 0; k < p->words.n; k++)
			if (!strstr(sbuf_str(&words), p->words.v[k])) {
				sbuf_addf(&words, "%s“%s”", words.len ? "、" : "", p->words.v[k]);
			}
		/* The other party: persons in at least two of the reports. */
		for (size_t k = 0; k < p->persons.n; k++) {
			int seen = 0;

			for (size_t j = g->from; j < g->to; j++)
				seen += warn_strs_has(&d->r[d->m[j].rep].persons, p->persons.v[k]);
			if (seen >= 2)
				warn_cand_entity(c, p->persons.v[k]);
		}
	}
	if (!strncmp(key, "person:", 7)) {
		sbuf_addf(&who, "%s等人", *name ? name : warn_key_value(key));
	} else {
		char *place = warn_display(w, key);

		sbuf_adds(&who, place);
		free(place);
	}
	sev = warn_param(w, WARN_DISPUTE, "severity_base", 45) +
	      warn_param(w, WARN_DISPUTE, "severity_per_report", 5) * ((double)g->n - min) +
	      (g->escalated ? warn_param(w, WARN_DISPUTE, "severity_escalation", 30) : 0);
	if (sev > warn_param(w, WARN_DISPUTE, "severity_max", 95))
		sev = warn_param(w, WARN_DISPUTE, "severity_max", 95);
	c->severity = warn_severity(sev);
	c->priority = g->escalated;
	/* An informant's words are not quoted, even as a snippet. */
	snippet = latest->informant ? xstrdup("（线索内容从略）")
				    : warn_snippet(latest->text, 60);
	cJSON_AddNumberToObject(data, "reports", (double)g->n);
	cJSON_AddBoolToObject(data, "escalated", g->escalated);
	cJSON_AddStringToObject(data, "latest", latest->day);
	/* A record that ends its sentence itself gets no second 。 */
	ended = strlen(snippet) >= strlen("。") &&
		!strcmp(snippet + strlen(snippet) - strlen("。"), "。");
	warn_cand_text(c,
		xasprintf("%s 纠纷反复%s：%d天内%zu起", sbuf_str(&who),
			  g->escalated ? "并出现升级迹象" : "", window, g->n),
		xasprintf("%d天内，%s涉及的纠纷警情共%zu起（%d起即预警）。%s%s%s"
			  "最近一次（%s）：%s%s建议社区民警尽快上门化解矛盾，落实稳控措施，"
			  "防止“民转刑”或个人极端事件。",
			  window, sbuf_str(&who), g->n, min,
			  g->escalated ? "其中出现" : "",
			  g->escalated ? (words.len ? sbuf_str(&words) : "威胁类警情") : "",
			  g->escalated ? "等升级迹象，风险明显上升。" : "",
			  latest->day, snippet, ended ? "" : "。"),
		cJSON_PrintUnformatted(data));
	cJSON_Delete(data);
	free(snippet);
	sbuf_release(&words);
	sbuf_release(&who);
}

static void dispute_release(struct dispute *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->r[i].text);
		warn_strs_release(&d->r[i].words);
		warn_strs_release(&d->r[i].persons);
		warn_strs_release(&d->r[i].places);
	}
	free(d->r);
	free(d->m);
	warn_strs_release(&d->words);
	for (size_t i = 0; i < d->keys.n; i++)
		free(d->display[i]);
	free(d->display);
	free(d->slot);
	warn_strs_release(&d->keys);
	db_finalize(d->text);
}

static int group_cmp(const void *a, const void *b)
{
	return group_cmp_ctx(sort_ctx, a, b);
}

int warn_dispute(struct warn_ctx *w, struct err *err)
{
	struct dispute d = { .w = w };
	struct group *g = NULL;
	size_t ng = 0, capg = 0;
	int min = (int)warn_param(w, WARN_DISPUTE, "min_reports", 3);
	int esc_min = (int)warn_param(w, WARN_DISPUTE, "escalation_min_reports", 2);
	int same_parties = warn_param(w, WARN_DISPUTE, "place_same_parties", 1) != 0;
	int rc = -1;
	char recent[11];

	warn_recent(w, WARN_DISPUTE, recent);

	if (load_words(&d, err) < 0 || load_reports(&d, err) < 0)
		goto out;
	for (size_t i = 0; i < d.n; i++) {
		for (size_t k = 0; k < d.r[i].persons.n; k++)
			add_member(&d, key_index(&d, d.r[i].persons.v[k], ""), i);
		for (size_t k = 0; k < d.r[i].places.n; k++)
			add_member(&d, key_index(&d, d.r[i].places.v[k], ""), i);
	}
	sort_ctx = &d;
	if (d.nm)
		qsort(d.m, d.nm, sizeof(*d.m), member_cmp);
	for (size_t i = 0; i < d.nm;) {
		struct group gr = { i, i, 0, 0, 0, i, 0 };
		size_t end = i;

		while (end < d.nm && d.m[end].key == d.m[i].key)
			end++;
		gr.to = same_parties && strncmp(d.keys.v[d.m[i].key], "person:", 7)
			? place_same_parties(&d, i, end) : end;
		i = end;
		for (size_t k = gr.from; k < gr.to; k++) {
			const struct drep *p = &d.r[d.m[k].rep];

			gr.n++;
			gr.tonight |= strcmp(p->day, recent) >= 0;
			gr.latest = d.m[k].rep;         /* reports are in day order */
		}
		if (!gr.tonight || ((int)gr.n < min && (int)gr.n < esc_min))
			continue;
		/* A group that may be raised: its texts, for the escalation words. */
		for (size_t k = gr.from; k < gr.to; k++) {
			struct drep *p = &d.r[d.m[k].rep];

			if (drep_text(&d, p, err) < 0)
				goto out;
			gr.escalated |= p->threat || p->words.n > 0;
		}
		if (gr.tonight && ((int)gr.n >= min || (gr.escalated && (int)gr.n >= esc_min))) {
			g = xgrow(g, &capg, ng + 1, sizeof(*g));
			g[ng++] = gr;
		}
	}
	if (ng)
		qsort(g, ng, sizeof(*g), group_cmp);
	for (size_t i = 0; i < ng; i++) {
		int within = 0;

		for (size_t k = 0; k < i && !within; k++)
			within = g[k].kept && group_within(&d, &g[i], &g[k]);
		if (within)
			continue;
		g[i].kept = 1;
		dispute_raise(&d, &g[i]);
	}
	rc = 0;
out:
	free(g);
	dispute_release(&d);
	return rc;
}
