/*
 * record: from fields as written to a report row.
 *
 * Each field name goes through the alias table.  A known field must
 * hold text (lat, lon and credibility may be numbers; persons must be a
 * list of objects): a number, list or object where text belongs rejects
 * the record, as FORMAT.md says.  JSON null and empty cells count as
 * absent.  When two columns map to one field, the first non-empty one
 * wins and the other is kept in extra under its written name.
 *
 * What a record says badly but usefully is kept, not rejected: an
 * unparseable date stays as text with a date_flags bit; a grade outside
 * A-F / 1-6 or coordinates out of range give way to the default (or
 * nothing) with a line in extra._notes, so the analyst sees both.
 *
 * The content hash covers every normalised field except id and the
 * grades, so the same record re-exported under new ids, or re-graded,
 * is still the same record.
 */
#include "ingest/record.h"
#include "common/date.h"
#include "common/day.h"
#include "common/sbuf.h"
#include "common/xalloc.h"
#include "ingest/sha256.h"

#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fields that are report columns; every other known field goes to fields. */
static const char *const column_fields[] = {
	"id", "source", "kind", "category", "received_at", "occurred_at", "place",
	"lat", "lon", "text", "reliability", "credibility", NULL,
};

/* Fields that identify someone or something, so a record without text still says something. */
static const char *const identifying_fields[] = {
	"name", "id_number", "phone", "plate", "imei", NULL,
};

static const char *const person_keys[] = { "name", "id_number", "phone", "role", NULL };

/* The field a record gives for one canonical name. */
struct slot {
	const char *canon;      /* borrowed from the alias table */
	const struct ingest_field *f;
};

struct build {
	const struct ingest_rowctx *c;
	struct ingest_record *rec;
	struct slot *slot;
	size_t nslot, slotcap;
	cJSON *extra, *notes;
	struct sbuf tmp;
};

/*
 * Names are compared a million times a first load, mostly names that
 * differ in their first byte: that byte is looked at before strcmp.
 */
static int same_name(const char *a, const char *b)
{
	return a[0] == b[0] && !strcmp(a, b);
}

static int in_list(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (same_name(list[i], s))
			return 1;
	return 0;
}

void ingest_row_init(struct ingest_row *row)
{
	memset(row, 0, sizeof(*row));
}

void ingest_row_release(struct ingest_row *row)
{
	char **s[] = {
		&row->source, &row->ext_id, &row->kind, &row->category, &row->received_at,
		&row->received_text, &row->occurred_at, &row->occurred_text, &row->place,
		&row->text, &row->fields, &row->extra,
	};

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		free(*s[i]);
	memset(row, 0, sizeof(*row));
}

static const struct ingest_field *get(const struct build *b, const char *canon)
{
	for (size_t i = 0; i < b->nslot; i++)
		if (same_name(b->slot[i].canon, canon))
			return b->slot[i].f;
	return NULL;
}

static void note(struct build *b, const char *fmt, const char *field, const char *value)
{
	char *s = xasprintf(fmt, field, value);

	if (!b->notes)
		b->notes = cJSON_AddArrayToObject(b->extra, "_notes");
	cJSON_AddItemToArray(b->notes, cJSON_CreateString(s));
	free(s);
}

/* An unknown (or surplus) field, kept verbatim with its JSON type. */
static void keep_extra(struct build *b, const struct ingest_field *f)
{
	cJSON *v;

	if (cJSON_GetObjectItemCaseSensitive(b->extra, f->name))
		return;
	switch (f->type) {
	case IF_TEXT:
		v = cJSON_CreateString(f->value);
		break;
	case IF_NULL:
		v = cJSON_CreateNull();
		break;
	case IF_NUMBER:
		/* As written: a double would round a long card number. */
		v = cJSON_CreateRaw(f->value);
		break;
	default:
		v = cJSON_Parse(f->value);
		if (!v)
			v = cJSON_CreateString(f->value);
		break;
	}
	cJSON_AddItemToObject(b->extra, f->name, v);
}

static const char *type_name(enum ingest_ftype t)
{
	switch (t) {
	case IF_NUMBER: return "a number";
	case IF_BOOL: return "true or false";
	case IF_LIST: return "a list";
	case IF_OBJECT: return "an object";
	default: return "text";
	}
}

/* Sort fields into slots by canonical name; 1 when the record is rejected. */
static int sort_fields(struct build *b)
{
	struct ingest_record *rec = b->rec;

	for (size_t i = 0; i < rec->n; i++) {
		const struct ingest_field *f = &rec->f[i];
		const char *canon = ingest_fields_lookup(b->c->fields, f->name, strlen(f->name));
		int number_ok, want_list;

		if (!canon) {
			if (f->type != IF_TEXT || f->len > 0)
				keep_extra(b, f);
			continue;
		}
		if (f->type == IF_NULL || (f->type == IF_TEXT && f->len == 0))
			continue;
		number_ok = !strcmp(canon, "lat") || !strcmp(canon, "lon") ||
			    !strcmp(canon, "credibility");
		want_list = !strcmp(canon, "persons");
		if (want_list && f->type != IF_LIST) {
			ingest_record_reject(rec, "field '%s' is %s, expected a list of persons",
					     f->name, type_name(f->type));
			return 1;
		}
		if (!want_list && f->type != IF_TEXT && !(number_ok && f->type == IF_NUMBER)) {
			ingest_record_reject(rec, "field '%s' is %s, expected text",
					     f->name, type_name(f->type));
			return 1;
		}
		if (get(b, canon)) {
			keep_extra(b, f);
			continue;
		}
		b->slot = xgrow(b->slot, &b->slotcap, b->nslot + 1, sizeof(*b->slot));
		b->slot[b->nslot].canon = canon;
		b->slot[b->nslot].f = f;
		b->nslot++;
	}
	return 0;
}

/* The normalised form of a field's value (owned), or NULL when absent or blank. */
static char *norm_value(struct build *b, const char *s, size_t len, struct err *err, int *rc)
{
	sbuf_reset(&b->tmp);
	if (norm_text(b->c->norm, s, len, &b->tmp, err) < 0) {
		*rc = -1;
		return NULL;
	}
	return b->tmp.len ? xstrdup(b->tmp.buf) : NULL;
}

static char *norm_field(struct build *b, const char *canon, struct err *err, int *rc)
{
	const struct ingest_field *f = get(b, canon);

	return f ? norm_value(b, f->value, f->len, err, rc) : NULL;
}

static void ascii_lower(char *s)
{
	for (; s && *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static void ascii_upper(char *s)
{
	for (; s && *s; s++)
		*s = (char)toupper((unsigned char)*s);
}

static void parse_date(const char *written, const struct date_ref *ref, char **iso,
		       char **text, int *flags, int flag)
{
	char out[32];

	if (!written)
		return;
	*text = xstrdup(written);
	if (date_parse(written, ref, out) == DATE_NONE)
		*flags |= flag;
	else
		*iso = xstrdup(out);
}

/*
 * The date of an ISO form date_parse wrote ("YYYY-MM-DD..."), or zeroes
 * for NULL: what date_ref_from_iso gives, without parsing it again.
 */
static void ref_of(const char *iso, struct date_ref *ref)
{
	ref->year = ref->month = ref->day = 0;
	if (!iso)
		return;
	ref->year = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + (iso[3] - '0');
	ref->month = (iso[5] - '0') * 10 + (iso[6] - '0');
	ref->day = (iso[8] - '0') * 10 + (iso[9] - '0');
}

static void parse_coord(struct build *b, const char *canon, double limit, double *v, int *has,
			struct err *err, int *rc)
{
	char *s = norm_field(b, canon, err, rc), *end;

	if (!s)
		return;
	errno = 0;
	*v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(*v) || fabs(*v) > limit)
		note(b, "%s '%s' is not a coordinate; left empty", canon, s);
	else
		*has = 1;
	free(s);
}

static void grade(struct build *b, struct ingest_row *row, struct err *err, int *rc)
{
	char *rel = norm_field(b, "reliability", err, rc);
	char *cred = norm_field(b, "credibility", err, rc);
	char def_rel;
	int def_cred;

	ingest_grading_default(b->c->grading, row->source, row->kind, &def_rel, &def_cred);
	ascii_upper(rel);
	row->reliability[0] = def_rel;
	row->credibility = def_cred;
	if (rel && ingest_grading_valid_reliability(rel))
		row->reliability[0] = rel[0];
	else
		row->grading_default = 1;
	if (cred && ingest_grading_valid_credibility(cred))
		row->credibility = cred[0] - '0';
	else
		row->grading_default = 1;
	if (rel && !ingest_grading_valid_reliability(rel))
		note(b, "%s '%s' is not A-F; the source's default is used", "reliability", rel);
	if (cred && !ingest_grading_valid_credibility(cred))
		note(b, "%s '%s' is not 1-6; the source's default is used", "credibility", cred);
	free(rel);
	free(cred);
}

/* persons: a list of objects whose known keys hold text; returns the normalised list. */
static cJSON *norm_persons(struct build *b, const char *json, struct err *err, int *rc)
{
	cJSON *in = cJSON_Parse(json), *out = cJSON_CreateArray(), *p;
	int i = 0;

	cJSON_ArrayForEach(p, in) {
		cJSON *o = cJSON_CreateObject(), *m;

		cJSON_AddItemToArray(out, o);
		if (!cJSON_IsObject(p)) {
			ingest_record_reject(b->rec, "persons[%d] is not an object", i);
			break;
		}
		cJSON_ArrayForEach(m, p) {
			char *v;

			if (!in_list(person_keys, m->string) || cJSON_IsNull(m)) {
				cJSON_AddItemToObject(o, m->string, cJSON_Duplicate(m, 1));
				continue;
			}
			if (!cJSON_IsString(m)) {
				ingest_record_reject(b->rec, "persons[%d].%s is not text", i, m->string);
				break;
			}
			v = norm_value(b, m->valuestring, strlen(m->valuestring), err, rc);
			if (v && !strcmp(m->string, "role"))
				ascii_lower(v);
			if (v)
				cJSON_AddStringToObject(o, m->string, v);
			free(v);
		}
		if (b->rec->reject)
			break;
		i++;
	}
	cJSON_Delete(in);
	return out;
}

static int person_identifies(const cJSON *persons)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, persons)
		for (int k = 0; k < 3; k++)
			if (cJSON_GetObjectItemCaseSensitive(p, person_keys[k]))
				return 1;
	return 0;
}

static int cmp_slot(const void *a, const void *b)
{
	return strcmp(((const struct slot *)a)->canon, ((const struct slot *)b)->canon);
}

/* The known non-column fields, sorted by name so column order does not change the hash. */
static char *build_fields(struct build *b, int *identifies, struct err *err, int *rc)
{
	cJSON *obj = cJSON_CreateObject();
	char *s;

	if (b->nslot)   /* slot is NULL when no field is known: qsort(NULL) is undefined */
		qsort(b->slot, b->nslot, sizeof(*b->slot), cmp_slot);
	for (size_t i = 0; i < b->nslot && !b->rec->reject; i++) {
		const char *canon = b->slot[i].canon;
		const struct ingest_field *f = b->slot[i].f;
		char *v;

		if (in_list(column_fields, canon))
			continue;
		if (!strcmp(canon, "persons")) {
			cJSON *p = norm_persons(b, f->value, err, rc);

			*identifies |= person_identifies(p);
			cJSON_AddItemToObject(obj, canon, p);
			continue;
		}
		v = norm_value(b, f->value, f->len, err, rc);
		if (!v)
			continue;
		if (in_list(identifying_fields, canon))
			*identifies = 1;
		cJSON_AddStringToObject(obj, canon, v);
		free(v);
	}
	s = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	return s;
}

static void hash_part_len(struct sha256 *h, const char *s, size_t len)
{
	sha256_update(h, s ? s : "", s ? len : 0);
	sha256_update(h, "\x1f", 1);
}

static void hash_part(struct sha256 *h, const char *s)
{
	hash_part_len(h, s, s ? strlen(s) : 0);
}

static void content_hash(struct ingest_row *row)
{
	struct sha256 h;
	char coord[64] = "";

	sha256_init(&h);
	hash_part(&h, row->source);
	hash_part(&h, row->kind);
	hash_part(&h, row->category);
	hash_part(&h, row->received_at ? row->received_at : row->received_text);
	hash_part(&h, row->occurred_at ? row->occurred_at : row->occurred_text);
	hash_part(&h, row->place);
	if (row->has_lat || row->has_lon)
		snprintf(coord, sizeof(coord), "%d %.7f %d %.7f", row->has_lat,
			 row->has_lat ? row->lat : 0, row->has_lon, row->has_lon ? row->lon : 0);
	hash_part(&h, coord);
	hash_part_len(&h, row->text, row->text_len);
	hash_part_len(&h, row->fields, row->fields_len);
	sha256_final_hex(&h, row->content_hash);
}

static void set_kind(struct build *b, struct ingest_row *row, struct err *err, int *rc)
{
	char *kind = norm_field(b, "kind", err, rc);
	const char *canon;

	if (kind) {
		canon = ingest_fields_kind(b->c->fields, kind, strlen(kind));
		if (canon) {
			free(kind);
			kind = xstrdup(canon);
		} else {
			ascii_lower(kind);
		}
	} else if (!strncmp(row->source, "informant:", 10)) {
		kind = xstrdup("informant");
	} else {
		canon = ingest_fields_kind(b->c->fields, row->source, strlen(row->source));
		kind = xstrdup(canon ? canon : "tip");
	}
	row->kind = kind;
}

int ingest_row_build(const struct ingest_rowctx *c, struct ingest_record *rec,
		     struct ingest_row *row, struct err *err)
{
	struct build b = { 0 };
	struct date_ref ref;
	int rc = 0, identifies = 0;
	char *received, *occurred;

	b.c = c;
	b.rec = rec;
	b.extra = cJSON_CreateObject();
	sbuf_init(&b.tmp);
	ingest_row_release(row);
	if (sort_fields(&b))
		goto out;

	row->source = norm_field(&b, "source", err, &rc);
	if (!row->source)
		row->source = xstrdup(c->default_source);
	set_kind(&b, row, err, &rc);
	row->informant = !strcmp(row->kind, "informant") || !strncmp(row->source, "informant:", 10);
	row->category = norm_field(&b, "category", err, &rc);

	received = norm_field(&b, "received_at", err, &rc);
	occurred = norm_field(&b, "occurred_at", err, &rc);
	parse_date(received, NULL, &row->received_at, &row->received_text, &row->date_flags,
		   DATE_FLAG_RECEIVED);
	ref_of(row->received_at, &ref);
	parse_date(occurred, &ref, &row->occurred_at, &row->occurred_text, &row->date_flags,
		   DATE_FLAG_OCCURRED);
	free(received);
	free(occurred);
	/*
	 * A register row carries only its check-in or sale time: that is
	 * when it was registered, so it also dates the record's arrival
	 * (the night a row belongs to is judged by received_at).
	 */
	if (!row->received_at && row->occurred_at && !row->received_text)
		row->received_at = xstrdup(row->occurred_at);

	row->place = norm_field(&b, "place", err, &rc);
	parse_coord(&b, "lat", 90, &row->lat, &row->has_lat, err, &rc);
	parse_coord(&b, "lon", 180, &row->lon, &row->has_lon, err, &rc);
	grade(&b, row, err, &rc);
	row->text = norm_field(&b, "text", err, &rc);
	if (!row->text)
		row->text = xstrdup("");
	row->fields = build_fields(&b, &identifies, err, &rc);
	if (rc < 0 || rec->reject)
		goto out;
	if (!*row->text && !identifies) {
		ingest_record_reject(rec, "no text and no identifying field (name, id_number, phone, plate, imei)");
		goto out;
	}
	row->extra = cJSON_PrintUnformatted(b.extra);
	/* Measured here, on the worker, so that the writer's binds need not. */
	row->text_len = strlen(row->text);
	row->fields_len = strlen(row->fields);
	row->extra_len = strlen(row->extra);
	content_hash(row);
	row->ext_id = norm_field(&b, "id", err, &rc);
	if (!row->ext_id) {
		row->ext_id = xasprintf("h%.16s", row->content_hash);
		row->id_derived = 1;
	}
out:
	cJSON_Delete(b.extra);
	free(b.slot);
	sbuf_release(&b.tmp);
	if (rc < 0)
		return -1;
	return rec->reject ? 1 : 0;
}

size_t ingest_row_len(const char *s, size_t n)
{
	return n ? n : strlen(s);
}

long ingest_report_day(const char *occurred_at, const char *received_at)
{
	const char *d = occurred_at ? occurred_at : received_at;

	return d ? day_of(d) : -1;
}
