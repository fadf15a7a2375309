/*
 * pipeline: the analyze stage, one report after another in report order.
 *
 * For each report: the register fields become mentions (a register row's
 * name, ID number and phone are one person; so is each entry of the
 * persons list); the extractors add the mentions of the text (both in
 * extract.c, run a chunk ahead on a worker thread, worker.c); each
 * identifier in the text is given to the nearest person named before it
 * in the same sentence, and so are ages, sexes and birth dates; the
 * persons are resolved (resolve.c), merges applied; then mentions,
 * values, links with this report as evidence (links.c), and categories
 * are written.
 *
 * Everything that decides an outcome depends only on the reports before
 * this one, taken in order: entities are numbered in the order they are
 * met, mentions get their ids in report order, persons are numbered by
 * their founding mention and hubs are flagged the moment they cross the
 * threshold.  So analyzing in many runs, in one, or again with --all
 * gives the same keys.  The in-memory indexes (entity keys, persons) are
 * loaded at the start and kept in step with every write.
 */
#include "analyze/analyze.h"
#include "analyze/derive.h"
#include "analyze/extract_names.h"
#include "analyze/hub.h"
#include "analyze/run.h"
#include "analyze/worker.h"
#include "common/date.h"
#include "common/progress.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Identifier types, and the link a person has to each. */
static const struct {
	const char *type, *link;
} ident_types[] = {
	{ "idcard", "holds" }, { "phone", "uses" }, { "wechat", "uses" }, { "qq", "uses" },
	{ "bankcard", "uses" }, { "imei", "uses" }, { "email", "uses" }, { "plate", "drives" },
	{ "vin", "drives" }, { "case", NULL },
};

static const char *const value_types[] = { "amount", "age", "sex", "datetime", NULL };

/*
 * The entry of ident_types for type, or -1.  Called for nearly every
 * mention, several times: the first letters are compared before a
 * string is.
 */
static int ident_at(const char *type)
{
	for (int i = 0; i < (int)(sizeof(ident_types) / sizeof(ident_types[0])); i++)
		if (ident_types[i].type[0] == type[0] && !strcmp(type, ident_types[i].type))
			return i;
	return -1;
}

int az_is_ident(const char *type)
{
	return ident_at(type) >= 0;
}

const char *az_link_type(const char *type)
{
	int i = ident_at(type);

	return i < 0 ? NULL : ident_types[i].link;
}

static int is_value(const char *type)
{
	for (int i = 0; value_types[i]; i++)
		if (value_types[i][0] == type[0] && !strcmp(type, value_types[i]))
			return 1;
	return 0;
}

int az_is_person(const struct mention *m)
{
	return !strcmp(m->type, "person");
}

/* ---- entities ---- */

/* A hash of an entity row's display and attributes, to skip writing them unchanged. */
static uint64_t text_hash(const char *a, const char *b)
{
	uint64_t h = 1469598103934665603ULL;

	for (const char *s = a ? a : ""; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (const char *s = b; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/*
 * An entity's first or last seen, in the run's pool of texts: one no
 * longer than the text it replaces (a date for a date) is copied over it.
 */
static void set_text(struct az *az, char **dst, const char *s)
{
	if (*dst && s && strlen(s) <= strlen(*dst)) {
		strcpy(*dst, s);
		return;
	}
	*dst = s ? strpool_dup(&az->texts, s) : NULL;
}

/*
 * A run meets millions of entities and frees them all at its end: each
 * its own allocation, with its type copied, the frees at the end of a
 * first night of 1,000,000 reports took 3 s, most of it the allocator
 * joining freed neighbours (perf).  Entities come in blocks instead and
 * a type is copied once.
 */
enum { ENT_BLOCK = 4096 };

struct ent *az_ent_new(struct az *az, const char *type)
{
	void **t = strmap_put(&az->types, type);
	struct ent *e;

	if (!*t)
		*t = xstrdup(type);
	if (!az->n_ent_blocks || az->ent_used == ENT_BLOCK) {
		az->ent_blocks = xrealloc(az->ent_blocks, (az->n_ent_blocks + 1) * sizeof(*az->ent_blocks));
		az->ent_blocks[az->n_ent_blocks++] = xcalloc(ENT_BLOCK, sizeof(struct ent));
		az->ent_used = 0;
	}
	e = &az->ent_blocks[az->n_ent_blocks - 1][az->ent_used++];
	e->type = *t;
	return e;
}

void az_ent_stored(struct ent *e)
{
	e->stored_n = e->n_reports;
	e->stored_hub = e->hub;
	e->moved = 0;
}

void az_ent_mark(struct az *az, struct ent *e)
{
	if (e->dirty)
		return;
	e->dirty = 1;
	az->dirty = xgrow(az->dirty, &az->cap_dirty, az->n_dirty + 1, sizeof(*az->dirty));
	az->dirty[az->n_dirty++] = e;
}

static void add_str(cJSON *o, const char *k, const char *v)
{
	if (v && *v)
		cJSON_AddStringToObject(o, k, v);
}

static const char *sex_word(char sex)
{
	return sex == 'M' ? "male" : sex == 'F' ? "female" : NULL;
}

/* What an identifier says about itself (derive.c), as an owned JSON text. */
char *az_ident_attrs(struct az *az, const char *type, const char *value,
			 const char *service, int shared)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	if (!strcmp(type, "idcard")) {
		struct derive_id id;

		if (derive_idcard(az->derive, value, &id) == 0) {
			add_str(o, "birth_date", id.birth);
			add_str(o, "sex", sex_word(id.sex));
			add_str(o, "region", id.region);
			add_str(o, "region_code", id.code);
		}
	} else if (!strcmp(type, "phone")) {
		struct derive_phone ph;

		if (derive_phone(az->derive, value, &ph) == 0) {
			add_str(o, "carrier", ph.carrier);
			add_str(o, "region", ph.region);
		}
	}
	if (strchr(value, '*'))
		cJSON_AddTrueToObject(o, "partial");
	add_str(o, "service", service);
	if (shared)
		cJSON_AddStringToObject(o, "hub", "shared");
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/* "type:value" in the run's key buffer, borrowed until the next call. */
static const char *ent_key(struct az *az, const char *type, const char *value)
{
	sbuf_reset(&az->key);
	sbuf_adds(&az->key, type);
	sbuf_addch(&az->key, ':');
	sbuf_adds(&az->key, value);
	return sbuf_str(&az->key);
}

/*
 * The entity of key type:value, created (or set up again after a
 * rebuild) when the run first meets it, in report r.  display may be
 * NULL for value; given_attrs NULL for what the value itself says.
 */
static struct ent *ent_get(struct az *az, const char *type, const char *value,
			   const char *display, const char *given_attrs, const struct extract_report *r,
			   struct err *err)
{
	const char *key = ent_key(az, type, value);
	const char *service = NULL;
	char *attrs = NULL;
	int rc;
	struct ent *e = az_recall_ent(az, key, err, &rc);

	if (rc < 0 || (e && e->live))
		goto out;
	if (!strcmp(type, "phone"))
		service = hub_service(az->hub, value);
	attrs = given_attrs ? xstrdup(given_attrs) : az_ident_attrs(az, type, value, service, 0);
	if (!display)
		display = value;
	/* Written as seen in this report, so the usual case (met once in a
	 * chunk) needs no second write. */
	if (!e) {
		e = az_ent_new(az, type);
		*strmap_put(&az->ents, key) = e;
		rc = store_entity_insert(&az->store, type, key, display, attrs, service != NULL,
					 r->seen, &e->id, err);
		idmap_set(&az->by_id, e->id, e);
		e->users = 0;
	} else {
		rc = store_entity_reset(&az->store, e->id, display, attrs, service != NULL,
					r->seen, err);
		e->users = -1;
	}
	e->hub = service != NULL;
	e->live = 1;
	e->n_reports = 1;
	e->seen_report = r->id;
	set_text(az, &e->first, r->seen);
	set_text(az, &e->last, r->seen);
	az_ent_stored(e);
	e->attrs_hash = text_hash(display, attrs);
	az->sum->entities++;
out:
	free(attrs);
	return rc < 0 ? NULL : e;
}

/* Count the report for an entity once, and widen its first/last seen. */
static void ent_touch(struct az *az, struct ent *e, const struct extract_report *r)
{
	if (e->seen_report == r->id)
		return;
	e->seen_report = r->id;
	e->n_reports++;
	if (r->seen && (!e->first || strcmp(r->seen, e->first) < 0)) {
		set_text(az, &e->first, r->seen);
		e->moved = 1;
	}
	if (r->seen && (!e->last || strcmp(r->seen, e->last) > 0)) {
		set_text(az, &e->last, r->seen);
		e->moved = 1;
	}
	az_ent_mark(az, e);
}

/* The entity of person n, which the run or the database has. */
static struct ent *person_ent(struct az *az, int64_t n, struct err *err)
{
	char value[24];
	int rc;
	struct ent *e = az_recall_ent(az, ent_key(az, "person", strmap_num(value, n)), err, &rc);

	if (!e && rc == 0)
		err_set(err, "person:%lld has no entity row", (long long)n);
	return e;
}

/* ---- the report's mentions ---- */

static const struct mention_list *sort_list;

static int cmp_span(const void *a, const void *b)
{
	const struct mention *x = &sort_list->v[*(const size_t *)a];
	const struct mention *y = &sort_list->v[*(const size_t *)b];

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

static struct item *add_item(struct az *az, struct mention *m)
{
	struct item *it;

	az->items = xgrow(az->items, &az->cap_items, az->n_items + 1, sizeof(*az->items));
	it = &az->items[az->n_items++];
	memset(it, 0, sizeof(*it));
	it->m = m;
	it->group = -1;
	it->owner = -1;
	return it;
}

static struct group *add_group(struct az *az, const struct mention *m, size_t item)
{
	struct group *g;

	az->groups = xgrow(az->groups, &az->cap_groups, az->n_groups + 1, sizeof(*az->groups));
	g = &az->groups[az->n_groups++];
	memset(g, 0, sizeof(*g));
	g->name = m->value;
	g->role = m->role;
	g->first = (int)item;
	g->age = -1;
	return g;
}

/*
 * Items in the order mentions are numbered: fields as read, then the
 * text's mentions by span.  Register persons become groups here: a
 * person field starts one, and the identifiers of the same row (the
 * person's name comes first in it) belong to it.
 */
static void build_items(struct az *az)
{
	int group = -1, group_row = -1;

	az->n_items = 0;
	az->n_groups = 0;
	for (size_t i = 0; i < az->x->fields.n; i++) {
		struct mention *m = &az->x->fields.v[i];
		struct item *it = add_item(az, m);
		int row = az->x->field_rows[i];

		if (az_is_person(m)) {
			add_group(az, m, az->n_items - 1);
			group = (int)az->n_groups - 1;
			group_row = row;
			it->group = group;
		} else if (row >= 0 && row == group_row) {
			it->owner = group;
		}
	}
	az->order = xgrow(az->order, &az->cap_order, az->x->text.n + 1, sizeof(*az->order));
	for (size_t i = 0; i < az->x->text.n; i++)
		az->order[i] = i;
	sort_list = &az->x->text;
	qsort(az->order, az->x->text.n, sizeof(*az->order), cmp_span);
	for (size_t i = 0; i < az->x->text.n; i++) {
		struct mention *m = &az->x->text.v[az->order[i]];

		if (!is_value(m->type))
			add_item(az, m);
	}
}

/* What ends a sentence (ingest folds the full-width ！？； to these). */
static const char *const sentence_ends[] = { "。", "!", "?", ";", "\n", NULL };

/* Whether text[from..to) crosses a sentence end. */
static int crosses_sentence(const char *text, long from, long to)
{
	for (long p = from; p < to; p++)
		for (int i = 0; sentence_ends[i]; i++)
			if (!strncmp(text + p, sentence_ends[i], strlen(sentence_ends[i])) &&
			    p + (long)strlen(sentence_ends[i]) <= to)
				return 1;
	return 0;
}

/* Where the sentence that holds text[at] starts. */
static long sentence_start(const char *text, long at)
{
	for (long p = at; p > 0; p--)
		for (int i = 0; sentence_ends[i]; i++) {
			long l = (long)strlen(sentence_ends[i]);

			if (p >= l && !memcmp(text + p - l, sentence_ends[i], (size_t)l))
				return p;
		}
	return 0;
}

/* Whether text[from..to) holds a word that makes what follows someone else's. */
static int says_not_own(const struct az *az, const char *text, long from, long to)
{
	if (to <= from)
		return 0;
	for (size_t i = 0; i < az->conf.n_not_own; i++) {
		const char *w = az->conf.not_own[i];

		if (memmem(text + from, (size_t)(to - from), w, strlen(w)))
			return 1;
	}
	return 0;
}

/*
 * The text person (item index) a span at [start,end) belongs to: the
 * nearest person mention ending before it in the same sentence, at most
 * max bytes away, with no not_own word between (接到电话139..., 对方
 * 微信...); failing that (when after is set) the nearest one starting
 * after it.  -1 when none.
 */
static int nearest_person(struct az *az, const char *text, long start, long end, int max,
			  int after)
{
	int best = -1;

	for (size_t i = 0; i < az->n_items; i++) {
		const struct mention *m = az->items[i].m;

		if (!az_is_person(m) || m->start < 0 || m->end > start)
			continue;
		if (start - m->end <= max && !crosses_sentence(text, m->end, start))
			best = (int)i;
	}
	if (best >= 0 && says_not_own(az, text, az->items[best].m->end, start))
		return -1;
	if (best >= 0 || !after)
		return best;
	for (size_t i = 0; i < az->n_items; i++) {
		const struct mention *m = az->items[i].m;

		if (az_is_person(m) && m->start >= end && m->start - end <= max &&
		    !crosses_sentence(text, end, m->start))
			return (int)i;
	}
	return -1;
}

/* Whether the identifier at start follows a contact word (联系电话：138...). */
static int after_contact_word(const struct az *az, const char *text, long start)
{
	long q = start;

	while (q > 0 && (text[q - 1] == ' ' || text[q - 1] == ':'))
		q--;
	if (q >= 3 && !memcmp(text + q - 3, "：", 3))
		q -= 3;
	for (size_t i = 0; i < az->conf.n_contact; i++) {
		long l = (long)strlen(az->conf.contact[i]);

		if (q >= l && !memcmp(text + q - l, az->conf.contact[i], (size_t)l))
			return 1;
	}
	return 0;
}

/*
 * The group a contact number that no person stands near belongs to: the
 * report's reporter, else the nearest person before it in the same
 * sentence, however far; -1 when neither, or when a not_own word stands
 * between the sentence's start and the number (对方联系电话...).
 */
static int contact_owner(struct az *az, const char *text, long start, long end)
{
	int p;

	if (says_not_own(az, text, sentence_start(text, start), start))
		return -1;
	for (size_t g = 0; g < az->n_groups; g++)
		if (az->groups[g].role && !strcmp(az->groups[g].role, "reporter"))
			return (int)g;
	p = nearest_person(az, text, start, end, INT_MAX, 0);
	return p < 0 ? -1 : az->items[p].group;
}

/* Sex and age the names extractor read beside a name ("张某(男,44岁)"). */
static void stated(struct group *g, const struct extract_result *x, size_t i)
{
	if (!g->sex)
		g->sex = x->sex[i];
	if (g->age < 0 && x->age[i] != INT_MIN)
		g->age = x->age[i];
}

/*
 * Text persons: one group per distinct name (a report that names 张三
 * twice means one 张三); identifiers, ages, sexes and birth dates go to
 * the nearest person before them, a contact number (联系电话) with no
 * one near to the reporter.
 */
static void text_groups(struct az *az, const struct extract_report *r)
{
	for (size_t i = 0; i < az->n_items; i++) {
		struct item *it = &az->items[i];

		if (!az_is_person(it->m) || it->m->start < 0)
			continue;
		/* The text's 张三 is the register row's or persons list's 张三. */
		for (size_t g = 0; g < az->n_groups && it->group < 0; g++)
			if (!strcmp(az->groups[g].name, it->m->value))
				it->group = (int)g;
		if (it->group < 0) {
			add_group(az, it->m, i);
			it->group = (int)az->n_groups - 1;
		}
		if (!az->groups[it->group].role && it->m->role)
			az->groups[it->group].role = it->m->role;
		stated(&az->groups[it->group], az->x, (size_t)(it->m - az->x->text.v));
	}
	for (size_t i = 0; i < az->n_items; i++) {
		struct item *it = &az->items[i];
		int p;

		if (!az_is_ident(it->m->type) || it->m->start < 0)
			continue;
		p = nearest_person(az, r->text, it->m->start, it->m->end, az->conf.assoc_max_bytes, 0);
		if (p >= 0)
			it->owner = az->items[p].group;
		else if (after_contact_word(az, r->text, it->m->start))
			it->owner = contact_owner(az, r->text, it->m->start, it->m->end);
	}
	for (size_t i = 0; i < az->x->text.n; i++) {
		const struct mention *m = &az->x->text.v[i];
		struct group *g;
		int p, birth;

		if (!is_value(m->type) || !strcmp(m->type, "amount"))
			continue;
		/* A date is a birth date when 出生 or 生 follows it. */
		birth = !strcmp(m->type, "datetime") &&
			(!strncmp(r->text + m->end, "出生", 6) || !strncmp(r->text + m->end, "生", 3));
		if (!strcmp(m->type, "datetime") && !birth)
			continue;
		p = nearest_person(az, r->text, m->start, m->end, az->conf.attr_max_bytes, 1);
		if (p < 0)
			continue;
		g = &az->groups[az->items[p].group];
		if (!strcmp(m->type, "age") && g->age < 0)
			g->age = atoi(m->value);
		else if (!strcmp(m->type, "sex") && !g->sex)
			g->sex = derive_sex(m->value);
		else if (birth && !g->birth[0] && strlen(m->value) >= 10)
			memcpy(g->birth, m->value, 10);
	}
}

/* ---- places ---- */

/* A place's row in the hierarchy, and its level and parent in its attributes. */
static int place_row(struct az *az, struct ent *e, const char *value, const char *parent,
		     const char *level, struct err *err)
{
	cJSON *o = cJSON_CreateObject();
	struct ent *p = NULL;
	char *attrs, *pkey = parent ? xasprintf("place:%s", parent) : NULL;
	int rc;

	if (pkey)
		p = strmap_get(&az->ents, pkey);
	cJSON_AddStringToObject(o, "level", level);
	add_str(o, "parent", pkey);
	attrs = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	rc = store_place(&az->store, e->id, p ? p->id : 0, level, err);
	if (rc == 0)
		rc = store_entity_attrs(&az->store, e->id, value, attrs, err);
	e->placed = 1;
	free(attrs);
	free(pkey);
	return rc;
}

/*
 * A place's administrative chain (names_place): an entity for each level
 * that holds it, each with a place row naming its parent, written once.
 * The enclosing places count the report too, so a warning can count at
 * any level; only the place itself has the mention.
 */
static int place_chain(struct az *az, struct item *it, const struct extract_report *r, struct err *err)
{
	struct names_place pl;
	struct ent *parent = NULL;
	char *canon;
	int rc = 0, prev = 0;
	size_t cap = 0;

	if (it->e->within_known)
		goto touch;
	names_place_init(&pl);
	canon = names_place(az->names, it->m->value, strlen(it->m->value), &pl);
	for (int l = 0; l < NAMES_NLEVELS && rc == 0; l++) {
		struct ent *e;

		if (!pl.level[l])
			continue;
		e = strcmp(pl.level[l], it->m->value)
		    ? ent_get(az, "place", pl.level[l], NULL, NULL, r, err) : it->e;
		if (!e) {
			rc = -1;
			break;
		}
		if (!e->placed)
			rc = place_row(az, e, pl.level[l], parent ? pl.level[prev] : NULL,
				       names_level_name((enum names_level)l), err);
		if (e != it->e) {
			it->e->within = xgrow(it->e->within, &cap, it->e->n_within + 1,
					      sizeof(*it->e->within));
			it->e->within[it->e->n_within++] = e;
		}
		parent = e;
		prev = l;
	}
	if (rc == 0 && !it->e->placed)
		rc = place_row(az, it->e, it->m->value, parent ? pl.level[prev] : NULL,
			       "address", err);
	free(canon);
	names_place_release(&pl);
	if (rc < 0)
		return -1;
	it->e->within_known = 1;
touch:
	for (size_t i = 0; i < it->e->n_within; i++) {
		az->within = xgrow(az->within, &az->cap_within, az->n_within + 1,
				   sizeof(*az->within));
		az->within[az->n_within++] = it->e->within[i];
	}
	return 0;
}

/* ---- resolution ---- */

static void group_add_phone(struct group *g, const char *phone)
{
	for (size_t i = 0; i < g->n_phones; i++)
		if (!strcmp(g->phones[i], phone))
			return;
	g->phones = xgrow(g->phones, &g->cap_phones, g->n_phones + 1, sizeof(*g->phones));
	g->phones[g->n_phones++] = phone;
}

/* Entities for every identifier and other non-person item. */
static int item_entities(struct az *az, const struct extract_report *r, struct err *err)
{
	for (size_t i = 0; i < az->n_items; i++) {
		struct item *it = &az->items[i];

		if (az_is_person(it->m))
			continue;
		it->e = ent_get(az, it->m->type, it->m->value, NULL, NULL, r, err);
		if (!it->e)
			return -1;
		if (!strcmp(it->m->type, "place") && place_chain(az, it, r, err) < 0)
			return -1;
		if (it->owner < 0 || it->e->hub || it->m->partial)
			continue;
		if (!strcmp(it->m->type, "idcard") && !az->groups[it->owner].idcard)
			az->groups[it->owner].idcard = it->m->value;
		else if (!strcmp(it->m->type, "phone"))
			group_add_phone(&az->groups[it->owner], it->m->value);
	}
	return 0;
}

static char *person_attrs(struct az *az, const struct resolve_person *p)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	add_str(o, "birth_date", p->birth);
	if (!p->birth[0] && p->birth_lo) {
		cJSON *a = cJSON_AddArrayToObject(o, "birth_years");

		cJSON_AddItemToArray(a, cJSON_CreateNumber(p->birth_lo));
		cJSON_AddItemToArray(a, cJSON_CreateNumber(p->birth_hi));
	}
	add_str(o, "sex", sex_word(p->sex));
	if (p->idcard) {
		struct derive_id id;

		if (derive_idcard(az->derive, p->idcard, &id) == 0)
			add_str(o, "region", id.region);
	}
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/* After a merge the kept person's counts come from its moved mentions. */
static int recount(struct az *az, struct ent *k, const struct ent *m, struct err *err)
{
	int64_t n;

	if (db_int(az->db, err, &n, "SELECT count(DISTINCT report_id) FROM mention WHERE entity_id = ?",
		   "I", k->id) < 0)
		return -1;
	k->n_reports = (int)n;
	k->seen_report = 0;
	if (m->first && (!k->first || strcmp(m->first, k->first) < 0))
		set_text(az, &k->first, m->first);
	if (m->last && (!k->last || strcmp(m->last, k->last) > 0))
		set_text(az, &k->last, m->last);
	az_ent_mark(az, k);
	return 0;
}

static int resolve_groups(struct az *az, const struct extract_report *r, struct err *err)
{
	for (size_t gi = 0; gi < az->n_groups; gi++) {
		struct group *g = &az->groups[gi];
		const struct item *first = &az->items[g->first];
		char sig[96], value[24], *attrs;
		struct resolve_person *p;
		struct resolve_obs o;
		int64_t n;

		if (first->m->start >= 0)
			snprintf(sig, sizeof(sig), "%lld@%ld", (long long)r->id, first->m->start);
		else
			snprintf(sig, sizeof(sig), "%lld#%s.%zu", (long long)r->id, first->m->field,
				 (size_t)g->first);
		memset(&o, 0, sizeof(o));
		o.name = g->name;
		o.idcard = g->idcard;
		o.phones = g->phones;
		o.n_phones = g->n_phones;
		o.birth = g->birth[0] ? g->birth : NULL;
		o.sex = g->sex;
		o.age = g->age;
		o.report_year = r->year;
		o.sig = sig;
		o.n = first->mention_id;
		o.report_id = r->id;
		if (az_recall_persons(az, &o, err) < 0)
			return -1;
		n = resolve_observe(&az->res, &o);
		if (n == o.n)
			az->sum->persons++;
		strmap_num(value, n);
		/* A new person's row is written whole at once. */
		p = resolve_get(&az->res, n);
		attrs = person_attrs(az, p);
		g->e = ent_get(az, "person", value, p->display, attrs, r, err);
		free(attrs);
		if (!g->e)
			return -1;
		for (size_t i = 0; i < az->res.n_merges; i++) {
			const struct resolve_merge *mg = &az->res.merges[i];
			struct ent *k = person_ent(az, mg->kept, err);
			struct ent *m = k ? person_ent(az, mg->merged, err) : NULL;

			if (!m || store_merge(&az->store, k->id, m->id, mg, err) < 0 ||
			    recount(az, k, m, err) < 0)
				return -1;
			/* Their hub counts lost a person: taken again when needed. */
			for (size_t j = 0; j < az->store.n_joined; j++) {
				struct ent *x = idmap_get(&az->by_id, az->store.joined[j]);

				if (x)
					x->users = -1;
			}
			m->n_reports = 0;
			az_ent_mark(az, m);
			az->sum->merges++;
		}
	}
	return 0;
}

/* ---- writing ---- */

static char *group_attrs(const struct group *g)
{
	cJSON *o;
	char *s;

	if (g->age < 0 && !g->sex && !g->birth[0])
		return NULL;
	o = cJSON_CreateObject();
	if (g->age >= 0)
		cJSON_AddNumberToObject(o, "age", g->age);
	add_str(o, "sex", sex_word(g->sex));
	add_str(o, "birth_date", g->birth);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/*
 * The role of an item's mention: its own, else, for an identifier that
 * belongs to a person of the report, that person's (the reporter's phone
 * in 报警人宋红梅(13876393796) is named as the reporter's, as a
 * persons[] entry's phone is named in the entry's role).
 */
static const char *item_role(const struct az *az, const struct item *it)
{
	if (it->m->role || it->owner < 0)
		return it->m->role;
	return az->groups[it->owner].role;
}

static int write_mentions(struct az *az, const struct extract_report *r, struct err *err)
{
	for (size_t g = 0; g < az->n_groups; g++)
		az->groups[g].attrs = group_attrs(&az->groups[g]);
	for (size_t i = 0; i < az->n_items; i++) {
		const struct item *it = &az->items[i];
		const struct group *g = it->group >= 0 ? &az->groups[it->group] : NULL;
		struct store_mention sm = {
			.id = it->mention_id, .report_id = r->id, .entity_id = it->e->id,
			.start = it->m->start, .end = it->m->end, .field = it->m->field,
			.surface = it->m->surface, .role = item_role(az, it), .rule = it->m->rule,
			.attrs = g && g->attrs ? g->attrs : it->m->attrs,
			.confidence = it->m->confidence,
		};

		if (store_mention(&az->store, &sm, err) < 0)
			return -1;
		ent_touch(az, it->e, r);
	}
	for (size_t i = 0; i < az->n_within; i++)
		ent_touch(az, az->within[i], r);
	az->sum->mentions += (int64_t)az->n_items;
	for (size_t i = 0; i < az->x->text.n; i++) {
		const struct mention *m = &az->x->text.v[i];

		if (!is_value(m->type))
			continue;
		if (store_value(&az->store, r->id, m->type, m->value, m->surface, m->start,
				m->end, m->attrs, err) < 0)
			return -1;
		az->sum->values++;
	}
	return 0;
}

static int write_categories(struct az *az, const struct extract_report *r, struct err *err)
{
	const struct category_result *res = &az->x->cat;

	for (int i = 0; i < res->n; i++)
		if (store_category(&az->store, r->id, res->v[i].key, res->v[i].primary,
				   res->v[i].score, err) < 0)
			return -1;
	if (res->n)
		az->sum->categorized++;
	return 0;
}

static void clear_report(struct az *az)
{
	for (size_t g = 0; g < az->n_groups; g++) {
		free(az->groups[g].phones);
		free(az->groups[g].attrs);
	}
	az->n_groups = 0;
	az->n_items = 0;
	az->n_within = 0;
}

/* Resolve and write report r, whose extraction is x (borrowed). */
static int analyze_report(struct az *az, const struct extract_report *r,
			  struct extract_result *x, struct err *err)
{
	int rc = -1;

	az->x = x;
	build_items(az);
	text_groups(az, r);
	for (size_t i = 0; i < az->n_items; i++)
		az->items[i].mention_id = az->store.next_mention++;
	if (item_entities(az, r, err) < 0 || resolve_groups(az, r, err) < 0)
		goto out;
	for (size_t i = 0; i < az->n_items; i++)
		if (az->items[i].group >= 0)
			az->items[i].e = az->groups[az->items[i].group].e;
	if (write_mentions(az, r, err) < 0 || az_write_links(az, r, err) < 0 ||
	    az_check_hubs(az, err) < 0 || write_categories(az, r, err) < 0 ||
	    store_analyzed(&az->store, r->id, az->now, r->weight, err) < 0)
		goto out;
	az->sum->reports++;
	rc = 0;
out:
	clear_report(az);
	if (rc < 0)
		err_prefix(err, "analyzing report %s/%s", r->source, r->ext_id);
	return rc;
}

/* ---- chunks and runs ---- */

/*
 * Write what the transaction changed in persons and entity counts, then
 * the rows held back: an entity new in the transaction takes its counts
 * and attributes in its held row, and is written once.
 */
static int flush(struct az *az, struct err *err)
{
	for (size_t i = 0; i < az->res.n_changed; i++) {
		struct resolve_person *p = az->res.changed[i];
		struct ent *e;
		char *attrs;
		uint64_t h;
		int rc;

		if (!(e = person_ent(az, p->n, err)))
			return -1;
		if (store_person(&az->store, e->id, p, err) < 0)
			return -1;
		p->dirty = p->rewrite = 0;
		p->n_keys_stored = p->n_keys;
		p->n_founders_stored = p->n_founders;
		if (p->merged_into)
			continue;
		attrs = person_attrs(az, p);
		h = text_hash(p->display, attrs);
		rc = h == e->attrs_hash ? 0
		     : store_entity_attrs(&az->store, e->id, p->display, attrs, err);
		e->attrs_hash = h;
		free(attrs);
		if (rc < 0)
			return -1;
	}
	az->res.n_changed = 0;
	for (size_t i = 0; i < az->n_dirty; i++) {
		struct ent *e = az->dirty[i];

		e->dirty = 0;
		if (e->n_reports == e->stored_n && e->hub == e->stored_hub && !e->moved)
			continue;
		if (store_entity_seen(&az->store, e->id, e->first, e->last, e->n_reports,
				      e->hub == e->stored_hub ? -1 : e->hub, err) < 0)
			return -1;
		az_ent_stored(e);
	}
	az->n_dirty = 0;
	return store_flush(&az->store, err);
}

/* Column i as a string in the chunk's pool, or NULL. */
static const char *col(sqlite3_stmt *st, int i, struct strpool *pool)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? strpool_dupn(pool, (const char *)s, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

/* Forget a chunk's reports; their strings are in its pool, freed together. */
static void chunk_clear(struct worker_batch *c)
{
	strpool_release(&c->strs);
	c->n = 0;
}

static int read_chunk(struct az *az, sqlite3_stmt *st, int64_t after, struct worker_batch *c,
		      struct err *err)
{
	int rc;

	chunk_clear(c);
	if (db_bind(st, err, "Ii", after, az->conf.chunk_reports) < 0)
		return -1;
	while ((rc = db_step(st, err)) == 1) {
		struct extract_report *r;

		c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
		r = &c->v[c->n++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		r->source = col(st, 1, &c->strs);
		r->ext_id = col(st, 2, &c->strs);
		r->kind = col(st, 3, &c->strs);
		r->category = col(st, 4, &c->strs);
		r->text = col(st, 5, &c->strs);
		r->len = (size_t)sqlite3_column_bytes(st, 5);
		r->fields = col(st, 6, &c->strs);
		r->received = col(st, 7, &c->strs);
		r->occurred = col(st, 8, &c->strs);
		r->reliability = col(st, 9, &c->strs);
		r->credibility = sqlite3_column_int(st, 10);
		r->place = col(st, 11, &c->strs);
		if (!r->text)
			r->text = "";
		r->seen = r->occurred ? r->occurred : r->received;
		r->year = r->received ? atoi(r->received) : r->occurred ? atoi(r->occurred) : 0;
		r->weight = analyze_conf_weight(&az->conf, r->reliability, r->credibility);
	}
	sqlite3_reset(st);
	worker_batch_ready(c);
	return rc;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void az_release(struct az *az)
{
	if (az->store_open)
		store_close(&az->store);
	for (size_t b = 0; b < az->n_ent_blocks; b++) {
		size_t n = b + 1 < az->n_ent_blocks ? ENT_BLOCK : az->ent_used;

		for (size_t i = 0; i < n; i++)
			free(az->ent_blocks[b][i].within);
		free(az->ent_blocks[b]);
	}
	free(az->ent_blocks);
	for (size_t i = 0; i < az->types.cap; i++)
		free(az->types.v[i].val);
	strmap_release(&az->types);
	strpool_release(&az->texts);
	strmap_release(&az->ents);
	az_recall_close(az);
	idmap_release(&az->by_id);
	sbuf_release(&az->key);
	resolve_release(&az->res);
	free(az->dirty);
	free(az->within);
	free(az->items);
	free(az->groups);
	free(az->order);
	analyze_conf_release(&az->conf);
	derive_free(az->derive);
	hub_free(az->hub);
	names_free(az->names);
	worker_stop(az->worker);
}

static int az_open(struct az *az, struct err *err)
{
	const char *dir = az->opts->data_dir;

	strmap_init(&az->ents);
	strmap_init(&az->types);
	strpool_init(&az->texts);
	idmap_init(&az->by_id);
	resolve_init(&az->res, 2);
	if (analyze_conf_load(&az->conf, dir, err) < 0)
		return -1;
	az->res.age_tolerance = az->conf.age_tolerance_years;
	/* The worker loads its extractors while this thread loads the rest. */
	if (!(az->worker = worker_start(dir, err)) || !(az->derive = derive_new(dir, err)) ||
	    !(az->hub = hub_new(dir, err)) || !(az->names = names_new(dir, err)))
		return -1;
	db_now(az->now);
	return 0;
}

/*
 * Where the first chunk starts: after analyze_mark's report, which each
 * chunk moves on in its transaction.  A database without the mark
 * starts after the last analyzed report when every report up to it is
 * analyzed, else from the start.  Reports are never deleted and come
 * with ever larger ids, and chunks commit in id order, so that is the
 * rule; the counts confirm it (the reports not analyzed are exactly
 * those after the last analyzed one) in a few index scans, where
 * looking for the first report without an analyzed row read the whole
 * report table, texts and all (682 MB of the 1,165 MB a night of 10,000
 * read on a 1M-report database).
 */
static int first_chunk_after(struct az *az, int64_t *after, struct err *err)
{
	int64_t last = 0, n_analyzed = 0, n_reports = 0, n_after = 0, marked = -1;

	*after = 0;
	if (db_begin(az->db, err) < 0)
		return -1;
	if (db_int(az->db, err, &marked, "SELECT coalesce(max(through), -1) FROM analyze_mark", "") < 0) {
		db_rollback(az->db);
		return -1;
	}
	if (marked >= 0) {
		*after = marked;
		return db_commit(az->db, err);
	}
	if (db_int(az->db, err, &last, "SELECT coalesce(max(report_id), 0) FROM analyzed", "") < 0) {
		db_rollback(az->db);
		return -1;
	}
	/* Nothing analyzed yet (a first night): the start, without counting every report twice. */
	if (last == 0)
		return db_commit(az->db, err);
	if (db_int(az->db, err, &n_analyzed, "SELECT count(*) FROM analyzed", "") < 0 ||
	    db_int(az->db, err, &n_reports, "SELECT count(*) FROM report", "") < 0 ||
	    db_int(az->db, err, &n_after, "SELECT count(*) FROM report WHERE id > ?", "I", last) < 0) {
		db_rollback(az->db);
		return -1;
	}
	if (n_reports - n_analyzed == n_after)
		*after = last;
	return db_commit(az->db, err);
}

static int run_chunks(struct az *az, struct err *err)
{
	sqlite3_stmt *st = NULL;
	struct worker_batch c[2] = { { 0 } }, *cur = &c[0], *next = &c[1];
	struct progress pr;
	int64_t after = 0;
	long held = 0;          /* reports of the open transaction: 0 when none is open */
	int rc, commit;

	progress_init(&pr, az->opts->progress, 0);
	/*
	 * Every reference the stage writes is sound by construction: report
	 * ids come from the report table, entity and link ids from rows this
	 * run wrote or loaded, and nothing in a chunk deletes a row another
	 * row still refers to (a merge moves mentions and links first).  So
	 * the per-row foreign key lookups, a good part of every insert, are
	 * off while chunks are written (the pragma is a no-op inside a
	 * transaction, hence here).  --all's clearing and dropping of orphans
	 * run with them on.
	 */
	rc = db_exec(az->db, "PRAGMA foreign_keys = OFF", err);
	if (rc == 0)
		rc = db_prepare(az->db, &st,
			"SELECT r.id, r.source, r.ext_id, r.kind, r.category, r.text, r.fields,"
			" r.received_at, r.occurred_at, r.reliability, r.credibility, r.place"
			" FROM report r WHERE r.id > ? AND NOT EXISTS"
			" (SELECT 1 FROM analyzed a WHERE a.report_id = r.id) ORDER BY r.id LIMIT ?", err);
	/*
	 * The next chunk is read and posted to the worker before this one is
	 * analyzed, so the worker extracts it meanwhile.  It is what the loop
	 * would read after this chunk's commit: the reports after this
	 * chunk's last, none of which this chunk analyzes.
	 */
	if (rc == 0)
		rc = first_chunk_after(az, &after, err);
	if (rc == 0 && (rc = read_chunk(az, st, after, cur, err)) == 0 && cur->n)
		worker_post(az->worker, cur);
	while (rc == 0 && cur->n) {
		struct worker_batch *t;

		rc = read_chunk(az, st, cur->v[cur->n - 1].id, next, err);
		if (rc == 0 && next->n)
			worker_post(az->worker, next);
		if (rc == 0 && held == 0)
			rc = db_begin(az->db, err);
		for (size_t i = 0; i < cur->n && rc == 0; i++) {
			rc = worker_wait(az->worker, cur, i, err);
			if (rc == 0)
				rc = analyze_report(az, &cur->v[i], &cur->res[i], err);
		}
		/*
		 * The rows held back go every chunk but the new entities; the
		 * persons' state, the entities' counts and the new entities
		 * only before a commit, so an entity seen in every chunk of a
		 * transaction is written once.
		 * Nothing the run reads back from the database mid-way needs
		 * them: the run's own maps hold them (recall.c reads only
		 * what the run has not met).
		 */
		held += cur->n;
		commit = !next->n || held >= az->conf.commit_reports;
		if (rc == 0)
			rc = commit ? flush(az, err) : store_flush_chunk(&az->store, err);
		if (rc == 0)
			rc = store_mark(&az->store, cur->v[cur->n - 1].id, err);
		if (rc == 0 && commit) {
			rc = db_commit(az->db, err);
			held = 0;
		}
		if (rc < 0) {
			db_rollback(az->db);
			break;
		}
		progress_update(&pr, "reports", (uint64_t)az->sum->reports, 0);
		t = cur;
		cur = next;
		next = t;
	}
	progress_done(&pr);
	/* The worker may still be in a posted chunk: stop it before they go. */
	worker_stop(az->worker);
	az->worker = NULL;
	for (int i = 0; i < 2; i++) {
		chunk_clear(&c[i]);
		free(c[i].v);
		worker_batch_release(&c[i]);
	}
	db_finalize(st);
	if (db_exec(az->db, "PRAGMA foreign_keys = ON", rc < 0 ? NULL : err) < 0)
		rc = -1;
	return rc;
}

static int stage_start(struct db *db, int64_t *run_id, struct err *err)
{
	char now[32];

	db_now(now);
	if (db_run(db, err, "INSERT INTO stage_run(stage, started_at, status) VALUES ('analyze', ?, 'running')",
		   "s", now) < 0)
		return -1;
	*run_id = db_last_id(db);
	return 0;
}

static void stage_end(struct db *db, int64_t run_id, int ok, const struct analyze_summary *sum,
		      const struct err *err)
{
	char now[32];

	db_now(now);
	/* Best effort: the run's outcome is already decided and reported. */
	db_run(db, NULL, "UPDATE stage_run SET finished_at = ?, status = ?, rows = ?, note = ? WHERE id = ?",
	       "ssIsI", now, ok ? "ok" : "failed", sum->reports, ok ? NULL : err->msg, run_id);
}

int analyze_run(struct db *db, const struct analyze_opts *opts,
		struct analyze_summary *sum, struct err *err)
{
	struct az az;
	double t0 = now_seconds();
	int64_t run_id = 0;
	int rc = -1;

	memset(sum, 0, sizeof(*sum));
	memset(&az, 0, sizeof(az));
	az.db = db;
	az.opts = opts;
	az.sum = sum;
	if (az_open(&az, err) < 0 || stage_start(db, &run_id, err) < 0)
		goto out;
	if (opts->all && (db_begin(db, err) < 0 || store_clear(db, err) < 0 ||
			  db_commit(db, err) < 0)) {
		db_rollback(db);
		goto out;
	}
	/*
	 * The stage touches indexes all over the database (the connection's
	 * 256 MB cache, db.c, holds them): let the log grow to 256 MB before
	 * its pages are copied back (not 16 MB), so a page written by every
	 * chunk is copied once, not once a chunk.  This connection only.  No
	 * memory map: on a million reports it saved a tenth of the time but
	 * held the mapped file in memory, 3.2 GB at the peak, not 1.5 GB.
	 */
	db_log_pages(db, 16384);
	if (store_open(&az.store, db, err) < 0)
		goto out;
	az.store_open = 1;
	/*
	 * A night on a large database reads its entities and persons one
	 * lookup at a time, each from a page of its own: read through a
	 * memory map, they cost no copy and no system call each.
	 */
	if (az_recall_open(&az, err) < 0 || (az.lazy && db_map(db, 1, err) < 0) ||
	    worker_loaded(az.worker, err) < 0 || run_chunks(&az, err) < 0)
		goto out;
	if (opts->all && (db_begin(db, err) < 0 || store_drop_orphans(db, err) < 0 ||
			  db_commit(db, err) < 0)) {
		db_rollback(db);
		goto out;
	}
	rc = 0;
out:
	if (az.lazy)
		db_map(db, 0, NULL);
	az_release(&az);
	sum->seconds = now_seconds() - t0;
	if (run_id)
		stage_end(db, run_id, rc == 0, sum, err);
	return rc;
}
