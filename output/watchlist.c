/*
 * watchlist: entries are matched by entity key, so a watched value must
 * be written exactly as analyze writes the key of the same identifier
 * (FORMAT.md: "phone:13812345678", "plate:京A12345", upper-case X in ID
 * numbers ...).  analyze owns the full extraction rules, but stages do
 * not include each other's headers, so the light normalisation a typed
 * or imported value needs is done here: NFKC through common/norm (full-
 * width digits and letters), separators dropped (· • - . space and, for
 * phones, brackets and +86), letters upper-cased, and the check digits
 * verified so that a mistyped entry is reported instead of silently never
 * matching.  The matching itself then happens in the database, key
 * against key (warn_watchlist.c).
 */
#include "output/watchlist.h"
#include "common/xalloc.h"

#include <cJSON.h>
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Drop ASCII characters of drop and the dots · (U+00B7) and • (U+2022). */
static char *squeeze(const char *s, const char *drop)
{
	struct sbuf b = SBUF_INIT;

	for (size_t i = 0; s[i];) {
		if (!strncmp(s + i, "\xc2\xb7", 2)) {
			i += 2;
		} else if (!strncmp(s + i, "\xe2\x80\xa2", 3)) {
			i += 3;
		} else {
			if (!strchr(drop, s[i]))
				sbuf_addch(&b, s[i]);
			i++;
		}
	}
	return sbuf_detach(&b);
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return n > 0;
}

static int luhn(const char *s)
{
	size_t n = strlen(s);
	int sum = 0;

	for (size_t i = 0; i < n; i++) {
		int d = s[n - 1 - i] - '0';

		if (i % 2) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum % 10 == 0;
}

/* The ISO 7064 MOD 11-2 check character of the first 17 digits. */
static char id_check(const char *s)
{
	static const int weight[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;

	for (int i = 0; i < 17; i++)
		sum += (s[i] - '0') * weight[i];
	return "10X98765432"[sum % 11];
}

static char *key_idcard(char *v, struct err *err)
{
	size_t n = strlen(v);
	char id[19];

	for (size_t i = 0; i < n; i++)
		v[i] = (char)toupper((unsigned char)v[i]);
	if (n == 15 && all_digits(v, 15)) {
		/* A legacy number: the century goes in, a check digit on the end. */
		snprintf(id, sizeof(id), "%.6s19%.9s", v, v + 6);
		id[17] = id_check(id);
		id[18] = '\0';
		return xasprintf("idcard:%s", id);
	}
	if (n != 18 || !all_digits(v, 17) || !(isdigit((unsigned char)v[17]) || v[17] == 'X')) {
		err_set(err, "'%s' is not an ID number of 18 (or 15) digits", v);
		return NULL;
	}
	if (id_check(v) != v[17]) {
		err_set(err, "ID number '%s' fails its check digit", v);
		return NULL;
	}
	return xasprintf("idcard:%s", v);
}

static char *key_phone(char *v, struct err *err)
{
	char *p = v;
	size_t n;

	if (!strncmp(p, "+86", 3))
		p += 3;
	else if (!strncmp(p, "0086", 4))
		p += 4;
	else if (!strncmp(p, "86", 2) && strlen(p) == 13 && p[2] == '1')
		p += 2;
	n = strlen(p);
	if (n == 11 && p[0] == '1' && all_digits(p, n))
		return xasprintf("phone:%s", p);
	/* A landline: 010 and 02x have three-digit area codes, the rest four. */
	if (n >= 10 && n <= 12 && p[0] == '0' && all_digits(p, n)) {
		int area = p[1] == '1' || p[1] == '2' ? 3 : 4;

		return xasprintf("phone:%.*s-%s", area, p, p + area);
	}
	if (n >= 3 && n <= 8 && all_digits(p, n))
		return xasprintf("phone:%s", p);
	err_set(err, "'%s' is not a phone number", v);
	return NULL;
}

static char *key_plate(char *v, struct err *err)
{
	size_t n = strlen(v), rest;

	for (size_t i = 0; i < n; i++)
		v[i] = (char)toupper((unsigned char)v[i]);
	/* A province character (three bytes of UTF-8), a letter, 5 or 6 more. */
	rest = n >= 3 ? n - 3 : 0;
	if (n < 3 || (unsigned char)v[0] < 0xe0 || !isupper((unsigned char)v[3]) ||
	    (rest != 6 && rest != 7)) {
		err_set(err, "'%s' is not a vehicle plate", v);
		return NULL;
	}
	for (size_t i = 3; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && strncmp(v + i, "*", 1)) {
			err_set(err, "'%s' is not a vehicle plate", v);
			return NULL;
		}
	return xasprintf("plate:%s", v);
}

static char *key_digits(const char *type, char *v, size_t lo, size_t hi, struct err *err)
{
	size_t n = strlen(v);

	if (n < lo || n > hi || !all_digits(v, n)) {
		err_set(err, "'%s' is not a %s number", v, type);
		return NULL;
	}
	if (!luhn(v)) {
		err_set(err, "%s '%s' fails its check digit", type, v);
		return NULL;
	}
	return xasprintf("%s:%s", type, v);
}

static char *key_lower(const char *type, char *v)
{
	for (char *p = v; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return xasprintf("%s:%s", type, v);
}

char *watchlist_key(struct norm *n, const char *field, const char *value, struct err *err)
{
	struct sbuf norm = SBUF_INIT;
	char *v = NULL, *key = NULL;
	const char *type = field;

	if (norm_text(n, value, strlen(value), &norm, err) < 0)
		goto out;
	if (!strcmp(field, "key")) {
		const char *all = sbuf_str(&norm), *colon = strchr(all, ':');
		char *rest;

		if (!colon) {
			err_set(err, "'%s' is not a key TYPE:VALUE", all);
			goto out;
		}
		type = xstrndup(all, (size_t)(colon - all));
		rest = xstrdup(colon + 1);
		sbuf_reset(&norm);
		sbuf_adds(&norm, rest);
		free(rest);
	}
	if (!*sbuf_str(&norm)) {
		err_set(err, "empty %s", type);
		goto out;
	}
	if (!strcmp(type, "item")) {
		key = xasprintf("item:%s", sbuf_str(&norm));
		goto out;
	}
	v = squeeze(sbuf_str(&norm), !strcmp(type, "phone") ? " -.()" : " -.");
	if (!strcmp(type, "id_number") || !strcmp(type, "idcard"))
		key = key_idcard(v, err);
	else if (!strcmp(type, "phone"))
		key = key_phone(v, err);
	else if (!strcmp(type, "plate"))
		key = key_plate(v, err);
	else if (!strcmp(type, "imei"))
		key = key_digits("imei", v, 15, 15, err);
	else if (!strcmp(type, "bankcard"))
		key = key_digits("bankcard", v, 16, 19, err);
	else if (!strcmp(type, "wechat") || !strcmp(type, "qq") || !strcmp(type, "email"))
		key = key_lower(type, v);
	else if (!strcmp(type, "person") || !strcmp(type, "case"))
		key = xasprintf("%s:%s", type, v);
	else
		err_set(err, "cannot watch '%s' (id_number, phone, plate, imei, item, bankcard, wechat, qq, email)",
			type);
out:
	if (type != field)
		free((char *)type);
	free(v);
	sbuf_release(&norm);
	return key;
}

int watchlist_add(struct db *db, const char *list, const char *key, const char *name,
		  const char *note, int *added, struct err *err)
{
	int64_t had;
	char now[32];

	db_now(now);
	if (db_int(db, err, &had, "SELECT count(*) FROM watchlist WHERE list = ? AND key = ?",
		   "ss", list, key) < 0 ||
	    db_run(db, err,
		   "INSERT INTO watchlist(list, key, name, note, added_at) VALUES (?1, ?2, ?3, ?4, ?5)"
		   " ON CONFLICT (list, key) DO UPDATE SET name = coalesce(?3, name),"
		   " note = coalesce(?4, note)",
		   "sssss", list, key, name && *name ? name : NULL, note && *note ? note : NULL,
		   now) < 0)
		return -1;
	*added = had == 0;
	return 0;
}

int watchlist_remove(struct db *db, const char *list, const char *key, int *removed,
		     struct err *err)
{
	if (db_run(db, err, "DELETE FROM watchlist WHERE key = ?1 AND (?2 IS NULL OR list = ?2)",
		   "ss", key, list) < 0)
		return -1;
	*removed = sqlite3_changes(db->h);
	return 0;
}

/* ---- import ---------------------------------------------------------- */

enum { F_LIST, F_NAME, F_NOTE, F_ID, F_PHONE, F_PLATE, F_IMEI, F_BANKCARD, F_WECHAT,
       F_QQ, F_EMAIL, F_ITEM, F_KEY, F_N };

static const char *const fields[F_N] = {
	"list", "name", "note", "id_number", "phone", "plate", "imei", "bankcard", "wechat",
	"qq", "email", "item", "key",
};

struct importer {
	struct db *db;
	struct norm *n;
	const struct warn_conf *conf;
	const char *path, *default_list;
	struct watchlist_import *st;
	int col[64];            /* CSV column -> field, -1 unknown */
	int ncol;
	char *row[F_N];         /* the current row's values, owned */
	long rowno;
	struct sbuf cell;
	int field_no;
	int failed;
	struct err *err;
};

/* The field a header names (canonical or an alias of warn.conf), or -1. */
static int field_of(const struct warn_conf *conf, const char *header)
{
	struct sbuf h = SBUF_INIT, a = SBUF_INIT;
	int found = -1;

	norm_key(header, strlen(header), &h);
	for (int f = 0; f < F_N && found < 0; f++) {
		char name[64];
		char *aliases, *save = NULL;

		sbuf_reset(&a);
		norm_key(fields[f], strlen(fields[f]), &a);
		if (!strcmp(sbuf_str(&a), sbuf_str(&h))) {
			found = f;
			break;
		}
		snprintf(name, sizeof(name), "watchlist.alias.%s", fields[f]);
		aliases = xstrdup(warn_conf_str(conf, name, ""));
		for (char *p = strtok_r(aliases, " ", &save); p && found < 0;
		     p = strtok_r(NULL, " ", &save)) {
			sbuf_reset(&a);
			norm_key(p, strlen(p), &a);
			if (!strcmp(sbuf_str(&a), sbuf_str(&h)))
				found = f;
		}
		free(aliases);
	}
	sbuf_release(&h);
	sbuf_release(&a);
	return found;
}

static void problem(struct importer *im, const char *why)
{
	sbuf_addf(&im->st->problems, "'%s' row %ld: %s\n", im->path, im->rowno, why);
}

/* Store the current row's entries; a database error stops the import. */
static int import_row(struct importer *im)
{
	const char *list = im->row[F_LIST] && *im->row[F_LIST] ? im->row[F_LIST] : im->default_list;
	int any = 0;

	im->st->rows++;
	if (!list) {
		problem(im, "no list (wanted, key_person, stolen, missing ...)");
		im->st->skipped++;
		return 0;
	}
	for (int f = F_ID; f < F_N; f++) {
		struct err why;
		char *key;
		int added;

		if (!im->row[f] || !*im->row[f])
			continue;
		any = 1;
		key = watchlist_key(im->n, fields[f], im->row[f], &why);
		if (!key) {
			problem(im, why.msg);
			im->st->skipped++;
			continue;
		}
		if (watchlist_add(im->db, list, key, im->row[F_NAME], im->row[F_NOTE], &added,
				  im->err) < 0) {
			free(key);
			return -1;
		}
		if (added)
			im->st->added++;
		else
			im->st->updated++;
		free(key);
	}
	if (!any) {
		problem(im, "no id_number, phone, plate, imei or item");
		im->st->skipped++;
	}
	return 0;
}

static void row_clear(struct importer *im)
{
	for (int f = 0; f < F_N; f++) {
		free(im->row[f]);
		im->row[f] = NULL;
	}
}

static void on_field(void *s, size_t len, void *data)
{
	struct importer *im = data;

	sbuf_reset(&im->cell);
	sbuf_add(&im->cell, s ? s : "", s ? len : 0);
	if (im->rowno == 0) {
		if (im->ncol < 64)
			im->col[im->ncol++] = field_of(im->conf, sbuf_str(&im->cell));
	} else if (im->field_no < im->ncol && im->col[im->field_no] >= 0 &&
		   !im->row[im->col[im->field_no]]) {
		im->row[im->col[im->field_no]] = xstrdup(sbuf_str(&im->cell));
	}
	im->field_no++;
}

static void on_row(int c, void *data)
{
	struct importer *im = data;

	(void)c;
	if (im->rowno > 0 && !im->failed && import_row(im) < 0)
		im->failed = 1;
	row_clear(im);
	im->rowno++;
	im->field_no = 0;
}

static int import_csv(struct importer *im, FILE *f)
{
	struct csv_parser p;
	char buf[65536];
	size_t n;

	if (csv_init(&p, CSV_APPEND_NULL) != 0)
		return err_set(im->err, "cannot start the CSV reader");
	while (!im->failed && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		/* A UTF-8 byte order mark before the header is not part of it. */
		size_t skip = im->rowno == 0 && im->ncol == 0 && n >= 3 &&
			      !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;

		if (csv_parse(&p, buf + skip, n - skip, on_field, on_row, im) != n - skip) {
			err_set(im->err, "'%s': %s", im->path, csv_strerror(csv_error(&p)));
			csv_free(&p);
			return -1;
		}
	}
	csv_fini(&p, on_field, on_row, im);
	csv_free(&p);
	row_clear(im);
	return im->failed ? -1 : 0;
}

static int import_jsonl(struct importer *im, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	while (rc == 0 && getline(&line, &cap, f) > 0) {
		cJSON *o, *it;

		im->rowno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line)
			continue;
		o = cJSON_Parse(line);
		if (!cJSON_IsObject(o)) {
			problem(im, "not a JSON object");
			im->st->skipped++;
			cJSON_Delete(o);
			continue;
		}
		cJSON_ArrayForEach(it, o) {
			int fno = field_of(im->conf, it->string);
			char num[64];

			if (fno < 0 || im->row[fno])
				continue;
			if (cJSON_IsString(it)) {
				im->row[fno] = xstrdup(it->valuestring);
			} else if (cJSON_IsNumber(it)) {
				snprintf(num, sizeof(num), "%.0f", it->valuedouble);
				im->row[fno] = xstrdup(num);
			}
		}
		rc = import_row(im);
		row_clear(im);
		cJSON_Delete(o);
	}
	free(line);
	return rc;
}

int watchlist_import_file(struct db *db, struct norm *n, const struct warn_conf *conf,
			  const char *path, const char *format, const char *default_list,
			  struct watchlist_import *st, struct err *err)
{
	struct importer im = { 0 };
	const char *dot = strrchr(path, '.');
	FILE *f;
	int rc;

	if (!format)
		format = dot && (!strcmp(dot, ".jsonl") || !strcmp(dot, ".ndjson") ||
				 !strcmp(dot, ".json")) ? "jsonl" : "csv";
	if (strcmp(format, "csv") && strcmp(format, "jsonl"))
		return err_set(err, "unknown format '%s' (csv or jsonl)", format);
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f)
		return err_set(err, "cannot read '%s': %s", path, strerror(errno));
	im.db = db;
	im.n = n;
	im.conf = conf;
	im.path = path;
	im.default_list = default_list;
	im.st = st;
	im.err = err;
	rc = db_begin(db, err);
	if (rc == 0)
		rc = !strcmp(format, "csv") ? import_csv(&im, f) : import_jsonl(&im, f);
	if (rc == 0 && ferror(f))
		rc = err_set(err, "cannot read '%s': %s", path, strerror(errno));
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	sbuf_release(&im.cell);
	row_clear(&im);
	if (f != stdin)
		fclose(f);
	return rc;
}
