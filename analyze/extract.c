/*
 * extract: the half of the stage that needs no earlier report.
 *
 * A register row's name, ID number, phone, plate and imei describe one
 * person (row 0), and each persons[] entry another (row 1 + i);
 * field_rows says which, so the pipeline can group them.  The text is
 * read by the identifier extractor and then the names extractor on the
 * same list; the sex and age the names extractor wrote into a person's
 * attrs are read back here, so that the pipeline parses no JSON.
 *
 * Nothing here depends on the order reports come in: the two caches
 * (place fields by text, the reference day of relative dates) only save
 * work.  So a worker thread can run it ahead of the pipeline (worker.c)
 * and the results are what one thread would find.
 */
#include "analyze/extract.h"
#include "analyze/derive.h"
#include "analyze/extract_ids.h"
#include "analyze/extract_names.h"
#include "analyze/strmap.h"
#include "common/date.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct extract {
	struct ids *ids;
	struct names *names;
	struct category *cat;
	struct strmap canon;    /* a place field as written -> its canonical form (owned) */
	char day[11];           /* the day day_ref was read from, or "" */
	struct date_ref day_ref;
};

/* How a register field's value becomes a mention's. */
enum field_norm { AS_IS, IDENT, PLACE };

static void free_canon(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->v[i].key)
			free(m->v[i].val);
	strmap_release(m);
}

struct extract *extract_new(const char *dir, struct err *err)
{
	struct extract *x = xcalloc(1, sizeof(*x));

	strmap_init(&x->canon);
	if (!(x->ids = ids_new(dir, err)) || !(x->names = names_new(dir, err)) ||
	    !(x->cat = category_new(dir, err))) {
		extract_free(x);
		return NULL;
	}
	return x;
}

void extract_free(struct extract *x)
{
	if (!x)
		return;
	ids_free(x->ids);
	names_free(x->names);
	category_free(x->cat);
	free_canon(&x->canon);
	free(x);
}

void extract_result_init(struct extract_result *res)
{
	memset(res, 0, sizeof(*res));
	mention_list_init(&res->fields);
	mention_list_init(&res->text);
}

void extract_result_release(struct extract_result *res)
{
	mention_list_release(&res->fields);
	mention_list_release(&res->text);
	free(res->field_rows);
	free(res->sex);
	free(res->age);
	extract_result_init(res);
}

/*
 * A place field's canonical form (names_place), remembered: the same
 * addresses come back night after night.  The memory is bounded by
 * forgetting everything now and then.
 */
static char *place_canon(struct extract *x, const char *raw)
{
	void **slot;

	if (x->canon.n > 100000)
		free_canon(&x->canon);
	slot = strmap_put(&x->canon, raw);
	if (!*slot)
		*slot = names_place(x->names, raw, strlen(raw), NULL);
	return xstrdup(*slot);
}

/* A register field's value as a mention of type, normalised; invalid ones are dropped. */
static void field_mention(struct extract *x, struct extract_result *res, const char *type,
			  enum field_norm norm, const char *value, const char *field,
			  const char *role, int row)
{
	char *canon = NULL;
	struct mention *m;

	if (!value || !*value)
		return;
	res->field_rows = xgrow(res->field_rows, &res->cap_rows, res->fields.n + 1,
				sizeof(*res->field_rows));
	res->field_rows[res->fields.n] = row;
	if (norm == IDENT) {
		if (ids_normalize(x->ids, type, value, &canon) < 0)
			return;
	} else if (norm == PLACE) {
		canon = place_canon(x, value);
	} else {
		canon = xstrdup(value);
	}
	m = mention_add(&res->fields, type, canon, value, -1, -1, "field", 1.0);
	m->field = field;
	m->partial = strchr(canon, '*') != NULL;
	if (role && *role)
		m->role = mention_str(&res->fields, role);
	free(canon);
}

static const char *json_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The register fields: the row's person, each persons[] entry, then the rest. */
static void register_fields(struct extract *x, const struct extract_report *r,
			    struct extract_result *res)
{
	static const struct {
		const char *field, *type;
		enum field_norm norm;
	} row[] = {
		{ "name", "person", AS_IS }, { "id_number", "idcard", IDENT },
		{ "phone", "phone", IDENT }, { "plate", "plate", IDENT }, { "imei", "imei", IDENT },
	}, other[] = {
		{ "case_no", "case", IDENT }, { "venue", "org", AS_IS }, { "item", "item", AS_IS },
	}, person[] = {
		{ "persons.name", "person", AS_IS }, { "persons.id_number", "idcard", IDENT },
		{ "persons.phone", "phone", IDENT },
	};
	cJSON *f = cJSON_Parse(r->fields ? r->fields : "{}");
	const cJSON *p;
	int entry = 0;

	for (size_t i = 0; i < sizeof(row) / sizeof(row[0]); i++)
		field_mention(x, res, row[i].type, row[i].norm, json_str(f, row[i].field),
			      row[i].field, NULL, 0);
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(f, "persons")) {
		entry++;
		for (size_t i = 0; i < sizeof(person) / sizeof(person[0]); i++)
			field_mention(x, res, person[i].type, person[i].norm,
				      json_str(p, person[i].field + 8), person[i].field,
				      json_str(p, "role"), entry);
	}
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		field_mention(x, res, other[i].type, other[i].norm, json_str(f, other[i].field),
			      other[i].field, NULL, -1);
	if (r->place && *r->place)
		field_mention(x, res, "place", PLACE, r->place, "place", NULL, -1);
	cJSON_Delete(f);
}

/*
 * The day relative dates in the text are read against.  Parsing the
 * stored time costs more than the identifiers: a time in the form ingest
 * stores ("2026-11-21T20:05:00+08:00", fields in range) gives the day of
 * its first ten characters, parsed once for all the reports of that day.
 */
static const struct date_ref *report_day(struct extract *x, const char *iso)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd+08:00";
	size_t i;

	for (i = 0; iso && shape[i]; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)iso[i]) : iso[i] != shape[i])
			break;
	if (!iso || shape[i] || iso[i] || atoi(iso + 11) > 23 || atoi(iso + 14) > 59 ||
	    atoi(iso + 17) > 59) {
		date_ref_from_iso(iso, &x->day_ref);
		x->day[0] = '\0';
	} else if (memcmp(x->day, iso, 10) != 0) {
		memcpy(x->day, iso, 10);
		x->day[10] = '\0';
		date_ref_from_iso(x->day, &x->day_ref);
	}
	return &x->day_ref;
}

/* Sex and age the names extractor read beside each name ("张某(男,44岁)"). */
static void stated_attrs(struct extract_result *res)
{
	res->sex = xgrow(res->sex, &res->cap_stated, res->text.n + 1, sizeof(*res->sex));
	res->age = xrealloc(res->age, res->cap_stated * sizeof(*res->age));
	for (size_t i = 0; i < res->text.n; i++) {
		const struct mention *m = &res->text.v[i];
		const cJSON *v;
		cJSON *o;

		res->sex[i] = 0;
		res->age[i] = INT_MIN;
		if (!m->attrs || strcmp(m->type, "person"))
			continue;
		o = cJSON_Parse(m->attrs);
		v = cJSON_GetObjectItemCaseSensitive(o, "sex");
		if (cJSON_IsString(v))
			res->sex[i] = derive_sex(v->valuestring);
		v = cJSON_GetObjectItemCaseSensitive(o, "age");
		if (cJSON_IsNumber(v))
			res->age[i] = v->valueint;
		cJSON_Delete(o);
	}
}

void extract_run(struct extract *x, const struct extract_report *r, struct extract_result *res)
{
	mention_list_clear(&res->fields);
	mention_list_clear(&res->text);
	register_fields(x, r, res);
	ids_set_date_ref(x->ids, report_day(x, r->received ? r->received : r->occurred));
	if (r->len == 0)
		;       /* a register row: its fields are all there is */
	else if (ids_extract(x->ids, r->text, r->len, &res->text) < 0)
		/* Ingest stores valid UTF-8 only; text that is not is left unread. */
		mention_list_clear(&res->text);
	else
		names_extract(x->names, r->text, r->len, &res->text);
	stated_attrs(res);
	category_classify(x->cat, r->text, r->len, r->category, r->kind, &res->cat);
}
