/*
 * fields: alias matching.  A header is matched by a key made with
 * norm_text (Traditional to Simplified) and norm_key (NFKC, lower case,
 * no white space) with '_' and '-' dropped
 * too, so "Received At", "received-at" and "ＲＥＣＥＩＶＥＤ＿ＡＴ" are
 * one name.  Making the key costs an NFKC pass, and a CSV file repeats
 * its headers on every row (and most records their kind or source), so
 * results are cached by the exact bytes written.  The maps are small
 * open-addressing hash tables.
 */
#include "ingest/fields.h"
#include "common/norm.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ingest_canonical_fields[] = {
	"id", "source", "kind", "category", "received_at", "occurred_at", "place",
	"lat", "lon", "text", "reliability", "credibility", "name", "id_number",
	"phone", "plate", "imei", "item", "venue", "case_no", "persons", NULL,
};

static const char *const canonical_kinds[] = {
	"tip", "informant", "incident", "case", "patrol", "dispute", "lodging",
	"netcafe", "pawn", "register", NULL,
};

struct fields_map {
	char **key;
	char **val;
	size_t cap, n;          /* cap is a power of two */
};

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static struct fields_map *map_new(void)
{
	struct fields_map *m = xcalloc(1, sizeof(*m));

	m->cap = 64;
	m->key = xcalloc(m->cap, sizeof(char *));
	m->val = xcalloc(m->cap, sizeof(char *));
	return m;
}

static void map_free(struct fields_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++) {
		free(m->key[i]);
		free(m->val[i]);
	}
	free(m->key);
	free(m->val);
	free(m);
}

static size_t map_slot(const struct fields_map *m, const char *k, size_t n)
{
	size_t i = (size_t)hash(k, n) & (m->cap - 1);

	while (m->key[i] && (strlen(m->key[i]) != n || memcmp(m->key[i], k, n)))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static const char *map_get(const struct fields_map *m, const char *k, size_t n)
{
	size_t i = map_slot(m, k, n);

	return m->key[i] ? m->val[i] : NULL;
}

/* Keeps the first value of a key, so the table's earlier lines win. */
static void map_put(struct fields_map *m, const char *k, size_t n, const char *v)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap) {
		struct fields_map old = *m;

		m->cap *= 2;
		m->n = 0;
		m->key = xcalloc(m->cap, sizeof(char *));
		m->val = xcalloc(m->cap, sizeof(char *));
		for (size_t j = 0; j < old.cap; j++) {
			if (!old.key[j])
				continue;
			i = map_slot(m, old.key[j], strlen(old.key[j]));
			m->key[i] = old.key[j];
			m->val[i] = old.val[j];
			m->n++;
		}
		free(old.key);
		free(old.val);
	}
	i = map_slot(m, k, n);
	if (m->key[i])
		return;
	m->key[i] = xstrndup(k, n);
	m->val[i] = xstrdup(v);
	m->n++;
}

static void match_key(struct norm *norm, const char *s, size_t n, struct sbuf *out)
{
	struct sbuf simple = SBUF_INIT;
	size_t j = 0;

	sbuf_reset(out);
	if (norm && norm_text(norm, s, n, &simple, NULL) == 0) {
		s = simple.buf ? simple.buf : "";
		n = simple.len;
	}
	norm_key(s, n, out);
	sbuf_release(&simple);
	for (size_t i = 0; i < out->len; i++)
		if (out->buf[i] != '_' && out->buf[i] != '-')
			out->buf[j++] = out->buf[i];
	out->len = j;
	if (out->buf)
		out->buf[j] = '\0';
}

static void add(struct ingest_fields *f, struct fields_map *m, const char *alias,
		const char *canon, struct sbuf *key)
{
	match_key(f->norm, alias, strlen(alias), key);
	map_put(m, key->buf ? key->buf : "", key->len, canon);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

int ingest_fields_load(struct ingest_fields *f, const char *path, struct norm *norm,
		       struct err *err)
{
	struct sbuf key = SBUF_INIT;
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int rc = -1;
	FILE *fp;

	f->norm = norm;
	f->names = map_new();
	f->kinds = map_new();
	f->cache = map_new();
	f->kind_cache = map_new();
	fp = fopen(path, "r");
	if (!fp) {
		err_set(err, "cannot read alias table '%s': %s", path, strerror(errno));
		goto out;
	}
	for (int i = 0; ingest_canonical_fields[i]; i++)
		add(f, f->names, ingest_canonical_fields[i], ingest_canonical_fields[i], &key);
	for (int i = 0; canonical_kinds[i]; i++)
		add(f, f->kinds, canonical_kinds[i], canonical_kinds[i], &key);
	while (getline(&line, &cap, fp) > 0) {
		char *tab, *alias, *canon;

		lineno++;
		alias = trim(line);
		if (!*alias || *alias == '#')
			continue;
		tab = strchr(alias, '\t');
		if (!tab) {
			err_set(err, "%s:%ld: expected 'alias<TAB>canonical'", path, lineno);
			goto out;
		}
		*tab = '\0';
		alias = trim(alias);
		canon = trim(tab + 1);
		if (!*alias || !*canon || strchr(canon, '\t')) {
			err_set(err, "%s:%ld: expected 'alias<TAB>canonical'", path, lineno);
			goto out;
		}
		if (!strncmp(alias, "kind:", 5)) {
			add(f, f->kinds, alias + 5, canon, &key);
		} else {
			add(f, f->names, alias, canon, &key);
			add(f, f->names, canon, canon, &key);
		}
	}
	rc = 0;
out:
	if (fp)
		fclose(fp);
	free(line);
	sbuf_release(&key);
	return rc;
}

void ingest_fields_release(struct ingest_fields *f)
{
	map_free(f->names);
	map_free(f->kinds);
	map_free(f->cache);
	map_free(f->kind_cache);
	memset(f, 0, sizeof(*f));
}

/*
 * A cache keeps at most this many names as written: real files repeat a
 * few dozen headers and kinds; a hostile one must not grow it forever.
 */
#define CACHE_MAX 4096

/* The value of name in map m through cache (by the bytes as written), or NULL. */
static const char *cached_lookup(struct ingest_fields *f, struct fields_map *m,
				 struct fields_map *cache, const char *name, size_t len)
{
	struct sbuf key = SBUF_INIT;
	const char *canon = map_get(cache, name, len);

	if (canon)
		return *canon ? canon : NULL;
	match_key(f->norm, name, len, &key);
	canon = map_get(m, key.buf ? key.buf : "", key.len);
	sbuf_release(&key);
	if (cache->n >= CACHE_MAX)
		return canon;
	map_put(cache, name, len, canon ? canon : "");
	canon = map_get(cache, name, len);     /* the copy f owns */
	return *canon ? canon : NULL;
}

const char *ingest_fields_lookup(struct ingest_fields *f, const char *name, size_t len)
{
	return cached_lookup(f, f->names, f->cache, name, len);
}

const char *ingest_fields_kind(struct ingest_fields *f, const char *value, size_t len)
{
	return cached_lookup(f, f->kinds, f->kind_cache, value, len);
}
