/*
 * derive: ID numbers and phone prefixes.
 *
 * ID regions go into a string map.  The phone table (130,000 prefixes,
 * sorted by prefix in the file) is one array searched by bisection:
 * loading it into a map cost a run more than the night's phone lookups.
 * Region strings repeat thousands of times, so each distinct string is
 * stored once (an interning map) and the prefix entries point at it.  A
 * phone lookup tries the longest prefix first, separately for carrier
 * and region, because libphonenumber gives carriers by 3-4 digits and
 * regions by 7.
 */
#include "analyze/derive.h"
#include "analyze/datafile.h"
#include "analyze/strmap.h"
#include "analyze/validate.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PREFIX_MAX 7

struct derive_prefix {
	char digits[PREFIX_MAX + 1];  /* "1390551", "0755" */
	const char *carrier;   /* interned, or NULL */
	const char *region;
};

struct derive {
	struct strmap regions;    /* "320102" / "320100" / "320000" -> char * (owned) */
	struct derive_prefix *prefixes;   /* ascending by digits */
	size_t n_prefixes, cap_prefixes;
	struct strmap strings;    /* interned region and carrier strings (owned) */
};

static const char *intern(struct derive *d, const char *s)
{
	void **slot;

	if (!*s)
		return NULL;
	slot = strmap_put(&d->strings, s);
	if (!*slot)
		*slot = xstrdup(s);
	return *slot;
}

static void set_region(struct derive *d, const char *code, const char *region)
{
	void **slot = strmap_put(&d->regions, code);

	if (!*slot)
		*slot = xstrdup(region);
}

static int placeholder(const char *pref)
{
	return !*pref || !strcmp(pref, "市辖区") || !strcmp(pref, "县") || strstr(pref, "直辖");
}

/* code, province, prefecture, county, region */
static int region_line(void *ctx, char **f, int n, struct err *err)
{
	struct derive *d = ctx;
	char code[7];

	if (n < 5 || strlen(f[0]) != 6)
		return err_set(err, "expected code, province, prefecture, county, region");
	set_region(d, f[0], f[4]);
	/* Prefecture and province fallbacks for codes the table lacks. */
	memcpy(code, f[0], 7);
	code[4] = code[5] = '0';
	if (!placeholder(f[2])) {
		char *s = xasprintf("%s%s", f[1], f[2]);

		set_region(d, code, s);
		free(s);
	}
	code[2] = code[3] = '0';
	set_region(d, code, f[1]);
	return 0;
}

/* prefix, carrier, region; each prefix after the one before */
static int prefix_line(void *ctx, char **f, int n, struct err *err)
{
	struct derive *d = ctx;
	struct derive_prefix *p;
	size_t len;

	if (n < 3 || !*f[0])
		return err_set(err, "expected prefix, carrier, region");
	len = strlen(f[0]);
	if (len > PREFIX_MAX || strspn(f[0], "0123456789") != len)
		return err_set(err, "prefix '%s' is not 1 to %d digits", f[0], PREFIX_MAX);
	if (d->n_prefixes && strcmp(d->prefixes[d->n_prefixes - 1].digits, f[0]) >= 0)
		return err_set(err, "prefix '%s' out of order: the table is sorted by prefix,"
			       " each once", f[0]);
	d->prefixes = xgrow(d->prefixes, &d->cap_prefixes, d->n_prefixes + 1,
			    sizeof(*d->prefixes));
	p = &d->prefixes[d->n_prefixes++];
	memcpy(p->digits, f[0], len + 1);
	p->carrier = intern(d, f[1]);
	p->region = intern(d, f[2]);
	return 0;
}

static void free_values(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->v[i].key)
			free(m->v[i].val);
	strmap_release(m);
}

void derive_free(struct derive *d)
{
	if (!d)
		return;
	free_values(&d->regions);
	free(d->prefixes);
	free_values(&d->strings);
	free(d);
}

struct derive *derive_new(const char *dir, struct err *err)
{
	struct derive *d = xcalloc(1, sizeof(*d));

	strmap_init(&d->regions);
	strmap_init(&d->strings);
	if (datafile_read(dir, "id-regions.tsv", region_line, d, err) < 0 ||
	    datafile_read(dir, "phone-prefixes.tsv", prefix_line, d, err) < 0) {
		derive_free(d);
		return NULL;
	}
	return d;
}

int derive_idcard_valid(const char *id)
{
	int birth = strlen(id) == 18 ? validate_idcard18(id) : -1;

	return birth >= 18500000 && birth <= 21001231;
}

int derive_idcard(const struct derive *d, const char *id, struct derive_id *out)
{
	char code[7];

	memset(out, 0, sizeof(*out));
	if (!derive_idcard_valid(id))
		return -1;
	memcpy(out->birth, id + 6, 4);
	out->birth[4] = '-';
	memcpy(out->birth + 5, id + 10, 2);
	out->birth[7] = '-';
	memcpy(out->birth + 8, id + 12, 2);
	out->birth[10] = '\0';
	/* The 17th digit, the sequence number's last, is odd for men. */
	out->sex = (id[16] - '0') % 2 ? 'M' : 'F';
	memcpy(out->code, id, 6);
	out->code[6] = '\0';
	if (!d)
		return 0;
	memcpy(code, id, 6);
	code[6] = '\0';
	out->region = strmap_get(&d->regions, code);
	if (!out->region) {
		code[4] = code[5] = '0';
		out->region = strmap_get(&d->regions, code);
	}
	if (!out->region) {
		code[2] = code[3] = '0';
		out->region = strmap_get(&d->regions, code);
	}
	return 0;
}

/* The entry for exactly the first len digits of s, or NULL. */
static const struct derive_prefix *find_prefix(const struct derive *d, const char *s,
					       size_t len)
{
	size_t lo = 0, hi = d->n_prefixes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *k = d->prefixes[mid].digits;
		int c = strncmp(s, k, len);

		/* s[0..len) sorts before a longer key it begins */
		if (c == 0 && k[len])
			c = -1;
		if (c == 0)
			return &d->prefixes[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int derive_phone(const struct derive *d, const char *phone, struct derive_phone *out)
{
	size_t len = strcspn(phone, "-");

	out->carrier = NULL;
	out->region = NULL;
	if (!d || len < 3)
		return -1;
	/* No prefix is longer (a mobile's region is given by seven digits). */
	if (len > PREFIX_MAX)
		len = PREFIX_MAX;
	/* Longest prefix first; an area code is matched whole or shorter. */
	for (; len >= 3 && (!out->carrier || !out->region); len--) {
		const struct derive_prefix *p = find_prefix(d, phone, len);

		if (!p)
			continue;
		if (!out->carrier)
			out->carrier = p->carrier;
		if (!out->region)
			out->region = p->region;
	}
	return out->carrier || out->region ? 0 : -1;
}

char derive_sex(const char *s)
{
	if (!s)
		return 0;
	if (!strcmp(s, "男") || !strcasecmp(s, "male") || !strcasecmp(s, "m") ||
	    !strcmp(s, "男性"))
		return 'M';
	if (!strcmp(s, "女") || !strcasecmp(s, "female") || !strcasecmp(s, "f") ||
	    !strcmp(s, "女性"))
		return 'F';
	return 0;
}
