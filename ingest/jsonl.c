/*
 * jsonl: JSON Lines, one object per line.  Each line is parsed on its
 * own (cJSON), so a broken line is quarantined and the next one read.
 * Every member becomes a field: strings as they are, numbers as written
 * (digit for digit, taken from the line itself), lists and objects as
 * their JSON text; record.c decides which types a field may have.  Blank lines are skipped, not quarantined; a line with
 * a \u0000 escape is quarantined, as cJSON would cut the string there.
 */
#include "ingest/reader.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/*
 * The members' values of one parsed line as written, in order, so that a
 * number keeps its digits: cJSON holds it as a double, and would turn a
 * 19-digit card number into 6.22202123456789e+18.  The line is known to
 * be valid JSON (cJSON has parsed it), so the scan needs no checks.
 */
struct scan {
	const char *s;
	size_t n, i;
};

static void scan_space(struct scan *sc)
{
	while (sc->i < sc->n && strchr(" \t\r\n", sc->s[sc->i]) && sc->s[sc->i])
		sc->i++;
}

/* Past one value (string, number, literal, list or object) at sc->i. */
static void scan_value(struct scan *sc)
{
	size_t depth = 0;
	int in_string = 0;

	for (; sc->i < sc->n; sc->i++) {
		char c = sc->s[sc->i];

		if (in_string) {
			if (c == '\\') {
				sc->i++;
			} else if (c == '"') {
				in_string = 0;
				if (!depth) {
					sc->i++;
					return;
				}
			}
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '[' || c == '{') {
			depth++;
		} else if (c == ']' || c == '}') {
			if (!depth)
				return;         /* the end of the enclosing object */
			if (!--depth) {
				sc->i++;
				return;
			}
		} else if (!depth && strchr(", \t\r\n", c)) {
			return;
		}
	}
}

/* The next member's value: 1 with s[*a, *b), or 0 at the end of the object. */
static int scan_member(struct scan *sc, size_t *a, size_t *b)
{
	scan_space(sc);
	if (sc->i < sc->n && (sc->s[sc->i] == '{' || sc->s[sc->i] == ','))
		sc->i++;
	scan_space(sc);
	if (sc->i >= sc->n || sc->s[sc->i] != '"')
		return 0;
	scan_value(sc);                 /* the name */
	scan_space(sc);
	sc->i++;                        /* ':' */
	scan_space(sc);
	*a = sc->i;
	scan_value(sc);
	*b = sc->i;
	return 1;
}

/* raw is the member's value as written (or NULL). */
static void add_member(struct ingest_record *r, const cJSON *m, const char *raw, size_t rlen)
{
	const char *name = m->string ? m->string : "";
	char *s;

	if (cJSON_IsString(m)) {
		ingest_record_add(r, name, strlen(name), m->valuestring,
				  strlen(m->valuestring), IF_TEXT);
	} else if (cJSON_IsNull(m)) {
		ingest_record_add(r, name, strlen(name), "", 0, IF_NULL);
	} else if (cJSON_IsBool(m)) {
		s = cJSON_IsTrue(m) ? "true" : "false";
		ingest_record_add(r, name, strlen(name), s, strlen(s), IF_BOOL);
	} else if (cJSON_IsNumber(m) && raw) {
		ingest_record_add(r, name, strlen(name), raw, rlen, IF_NUMBER);
	} else {
		enum ingest_ftype t = cJSON_IsNumber(m) ? IF_NUMBER :
				      cJSON_IsArray(m) ? IF_LIST : IF_OBJECT;

		s = cJSON_PrintUnformatted(m);
		ingest_record_add(r, name, strlen(name), s, strlen(s), t);
		free(s);
	}
}

/*
 * cJSON ends a string at a \u0000 escape, so the rest of the text (or
 * of a field name) would be lost without a word: such a record is
 * quarantined like one with a raw NUL byte.
 */
static int nul_escape(const char *s, size_t n)
{
	for (size_t i = 0; i + 6 <= n; i++) {
		if (s[i] != '\\')
			continue;
		if (s[i + 1] == 'u' && !memcmp(s + i + 2, "0000", 4))
			return 1;
		i++;    /* the escaped character, which may be a backslash */
	}
	return 0;
}

/* How deeply s[0..n) nests lists and objects at its end (strings skipped). */
static size_t depth_at(const char *s, size_t n)
{
	size_t depth = 0;
	int in_string = 0;

	for (size_t i = 0; i < n; i++) {
		if (in_string) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_string = 0;
		} else if (s[i] == '"') {
			in_string = 1;
		} else if (s[i] == '[' || s[i] == '{') {
			depth++;
		} else if ((s[i] == ']' || s[i] == '}') && depth > 0) {
			depth--;
		}
	}
	return depth;
}

static void parse_line(struct ingest_record *r, const char *s, size_t n)
{
	const char *end = NULL;
	cJSON *obj;
	const cJSON *m;

	if (nul_escape(s, n)) {
		ingest_record_reject(r, "NUL character (\\u0000) in record");
		return;
	}
	obj = cJSON_ParseWithLengthOpts(s, n, &end, 0);
	if (!obj) {
		size_t at = end && end >= s ? (size_t)(end - s) : 0;

		if (depth_at(s, at) >= CJSON_NESTING_LIMIT)
			ingest_record_reject(r, "JSON nested deeper than %d levels", CJSON_NESTING_LIMIT);
		else
			ingest_record_reject(r, "broken JSON near byte %zu", at + 1);
		return;
	}
	/* Allow trailing white space, nothing else. */
	if (end && !blank(end, n - (size_t)(end - s))) {
		ingest_record_reject(r, "broken JSON: text after the object at byte %zu",
				     (size_t)(end - s) + 1);
	} else if (!cJSON_IsObject(obj)) {
		ingest_record_reject(r, "JSON value is not an object");
	} else {
		struct scan sc = { s, n, 0 };
		size_t a, b;

		cJSON_ArrayForEach(m, obj) {
			if (scan_member(&sc, &a, &b))
				add_member(r, m, s + a, b - a);
			else
				add_member(r, m, NULL, 0);
		}
	}
	cJSON_Delete(obj);
}

int ingest_jsonl_read(const struct ingest_input *in, ingest_sink_fn sink, void *arg,
		      struct err *err)
{
	struct ingest_record r;
	int rc = 0;

	ingest_record_init(&r);
	for (size_t i = 0; i < in->nlines && rc == 0; i++) {
		size_t n;
		const char *s = ingest_input_line(in, i, &n);

		if (blank(s, n) && !in->bad[i])
			continue;
		ingest_record_start(&r, in, i, i);
		if (!r.reject)
			parse_line(&r, s, n);
		rc = sink(arg, &r, err);
	}
	ingest_record_release(&r);
	return rc;
}
