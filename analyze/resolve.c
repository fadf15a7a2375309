/*
 * resolve: greedy, order-dependent clustering of person observations.
 *
 * The stage feeds observations in report order, so the outcome is a pure
 * function of that order: a fresh database and an incremental one that
 * saw the same reports in the same order end with the same persons and
 * the same numbers.  A person is numbered by the mention that founded it,
 * which does not depend on any merge; that is what lets an undone merge
 * (a "never" pair of founder signatures) replay to the same persons.
 *
 * An observation's keys find candidate persons; those it contradicts
 * (another ID number, sex or birth year) are dropped; it joins the lowest
 * numbered of the rest, and the others are merged into that one unless
 * they contradict each other or a never pair stands between them.
 */
#include "analyze/resolve.h"
#include "analyze/derive.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct resolve_plist {
	struct resolve_person **v;
	size_t n, cap;
};

void resolve_init(struct resolve *r, int age_tolerance)
{
	memset(r, 0, sizeof(*r));
	strmap_init(&r->by_n);
	strmap_init(&r->keys);
	strmap_init(&r->never);
	strpool_init(&r->strings);
	r->age_tolerance = age_tolerance;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void clear_merges(struct resolve *r)
{
	for (size_t i = 0; i < r->n_merges; i++) {
		struct resolve_merge *m = &r->merges[i];

		free_strings(m->keys, m->n_keys);
		free(m->reports);
		free_strings(m->kept_founders, m->n_kept_founders);
		free_strings(m->merged_founders, m->n_merged_founders);
	}
	r->n_merges = 0;
}

void resolve_release(struct resolve *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i]->keys);
		free(r->v[i]->founders);
	}
	for (size_t b = 0; b < r->n_blocks; b++)
		free(r->blocks[b]);
	free(r->blocks);
	free(r->v);
	strpool_release(&r->strings);
	for (size_t i = 0; i < r->keys.cap; i++) {
		struct resolve_plist *l = r->keys.v[i].val;

		if (r->keys.v[i].key) {
			free(l->v);
			free(l);
		}
	}
	clear_merges(r);
	free(r->merges);
	free(r->changed);
	strmap_release(&r->by_n);
	strmap_release(&r->keys);
	strmap_release(&r->never);
	memset(r, 0, sizeof(*r));
}

int resolve_name_redacted(const char *name)
{
	static const char *const marks[] = { "某", "*", "＊", "×", "○", "〇", "X", "x", NULL };
	size_t len = strlen(name);

	if (!len)
		return 1;
	/* Marks after the surname; a name never starts with one. */
	for (int i = 0; marks[i]; i++)
		if (strstr(name + 1, marks[i]))
			return 1;
	return len > 3 && !strcmp(name + len - 3, "姓");
}

struct resolve_person *resolve_get(const struct resolve *r, int64_t n)
{
	char buf[24];

	return strmap_get(&r->by_n, strmap_num(buf, n));
}

/*
 * Persons come in blocks and their texts from one pool, all freed at the
 * end: one allocation and one free each, for the 620,000 persons and
 * their 4,000,000 texts of a first night of 1,000,000 reports, took most
 * of the second the run spent freeing them.
 */
enum { RESOLVE_BLOCK = 4096 };

static struct resolve_person *new_person(struct resolve *r, int64_t n)
{
	struct resolve_person *p;
	char buf[24];

	if (!r->n_blocks || r->used == RESOLVE_BLOCK) {
		r->blocks = xrealloc(r->blocks, (r->n_blocks + 1) * sizeof(*r->blocks));
		r->blocks[r->n_blocks++] = xcalloc(RESOLVE_BLOCK, sizeof(struct resolve_person));
		r->used = 0;
	}
	p = &r->blocks[r->n_blocks - 1][r->used++];
	p->n = n;
	*strmap_put(&r->by_n, strmap_num(buf, n)) = p;
	r->v = xgrow(r->v, &r->cap, r->n + 1, sizeof(*r->v));
	r->v[r->n++] = p;
	return p;
}

static void set_display(struct resolve *r, struct resolve_person *p, const char *name)
{
	int redacted;

	if (!name || !*name)
		return;
	redacted = resolve_name_redacted(name);
	if (p->display && (redacted || !p->display_redacted))
		return;
	p->display = strpool_dup(&r->strings, name);
	p->display_redacted = redacted;
}

struct resolve_person *resolve_load_person(struct resolve *r, int64_t n,
					   const char *idcard, char sex,
					   const char *birth, int birth_lo, int birth_hi,
					   const char *display)
{
	struct resolve_person *p = new_person(r, n);

	p->idcard = idcard && *idcard ? strpool_dup(&r->strings, idcard) : NULL;
	p->sex = sex;
	if (birth && strlen(birth) == 10)
		memcpy(p->birth, birth, 11);
	p->birth_lo = birth_lo;
	p->birth_hi = birth_hi;
	set_display(r, p, display);
	return p;
}

static int has_key(const struct resolve_person *p, const char *key)
{
	for (size_t i = 0; i < p->n_keys; i++)
		if (!strcmp(p->keys[i].key, key))
			return 1;
	return 0;
}

static void index_key(struct resolve *r, struct resolve_person *p, const char *key)
{
	void **slot = strmap_put(&r->keys, key);
	struct resolve_plist *l;

	if (!*slot)
		*slot = xcalloc(1, sizeof(struct resolve_plist));
	l = *slot;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == p)
			return;
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = p;
}

void resolve_load_key(struct resolve *r, struct resolve_person *p, const char *key,
		      int64_t report_id)
{
	if (has_key(p, key))
		return;
	p->keys = xgrow(p->keys, &p->cap_keys, p->n_keys + 1, sizeof(*p->keys));
	p->keys[p->n_keys].key = strpool_dup(&r->strings, key);
	p->keys[p->n_keys].report_id = report_id;
	p->n_keys++;
	index_key(r, p, key);
}

void resolve_load_founder(struct resolve *r, struct resolve_person *p, const char *sig)
{
	p->founders = xgrow(p->founders, &p->cap_founders, p->n_founders + 1,
			    sizeof(*p->founders));
	p->founders[p->n_founders++] = strpool_dup(&r->strings, sig);
}

static char *never_key(const char *a, const char *b)
{
	if (strcmp(a, b) > 0) {
		const char *t = a;

		a = b;
		b = t;
	}
	return strmap_join(a, "\037", b, (char *)NULL);
}

void resolve_add_never(struct resolve *r, const char *a, const char *b)
{
	char *k = never_key(a, b);

	*strmap_put(&r->never, k) = r;
	free(k);
}

static int kept_apart(const struct resolve *r, const struct resolve_person *x,
		      const struct resolve_person *y)
{
	if (!r->never.n)
		return 0;
	for (size_t i = 0; i < x->n_founders; i++) {
		for (size_t j = 0; j < y->n_founders; j++) {
			char *k = never_key(x->founders[i], y->founders[j]);
			int hit = strmap_get(&r->never, k) != NULL;

			free(k);
			if (hit)
				return 1;
		}
	}
	return 0;
}

/* What one side of a comparison knows: an ID, a sex, a birth range. */
struct profile {
	const char *idcard;
	char sex;
	const char *birth;      /* exact date or NULL */
	int lo, hi;             /* birth years, 0 unknown */
};

static void person_profile(const struct resolve_person *p, struct profile *f)
{
	f->idcard = p->idcard;
	f->sex = p->sex;
	f->birth = p->birth[0] ? p->birth : NULL;
	f->lo = p->birth_lo;
	f->hi = p->birth_hi;
}

/*
 * The observation's own profile.  The ID number is the best evidence: its
 * birth date and sex stand for the person, and a stated age or sex that
 * contradicts it is left out of the profile, to be caught against the
 * person instead.
 */
static void obs_profile(const struct resolve *r, const struct resolve_obs *o,
			struct profile *f, struct derive_id *id)
{
	memset(f, 0, sizeof(*f));
	f->idcard = o->idcard;
	f->sex = o->sex;
	if (o->birth && strlen(o->birth) == 10) {
		f->birth = o->birth;
		f->lo = f->hi = atoi(o->birth);
	} else if (o->age >= 0 && o->report_year > 0) {
		f->lo = o->report_year - o->age - 1 - r->age_tolerance;
		f->hi = o->report_year - o->age + r->age_tolerance;
	}
	if (o->idcard && derive_idcard(NULL, o->idcard, id) == 0) {
		f->sex = id->sex;
		f->birth = id->birth;
		f->lo = f->hi = atoi(id->birth);
	}
}

static int contradicts(const struct profile *a, const struct profile *b)
{
	if (a->idcard && b->idcard && strcmp(a->idcard, b->idcard))
		return 1;
	if (a->sex && b->sex && a->sex != b->sex)
		return 1;
	if (a->birth && b->birth && strcmp(a->birth, b->birth))
		return 1;
	if (a->lo && b->lo && (a->hi < b->lo || b->hi < a->lo))
		return 1;
	return 0;
}

/* An observation that disagrees with itself (ID 1990, "50岁") stands alone. */
static int obs_self_contradicts(const struct resolve *r, const struct resolve_obs *o)
{
	struct resolve_obs stated = *o;
	struct profile a, b;
	struct derive_id id;

	stated.idcard = NULL;
	obs_profile(r, &stated, &a, &id);
	obs_profile(r, o, &b, &id);
	return contradicts(&a, &b);
}

static void mark_dirty(struct resolve *r, struct resolve_person *p)
{
	if (p->dirty)
		return;
	p->dirty = 1;
	r->changed = xgrow(r->changed, &r->cap_changed, r->n_changed + 1, sizeof(*r->changed));
	r->changed[r->n_changed++] = p;
}

static void absorb_profile(struct resolve *r, struct resolve_person *p, const struct profile *f)
{
	if (!p->idcard && f->idcard)
		p->idcard = strpool_dup(&r->strings, f->idcard);
	if (!p->sex)
		p->sex = f->sex;
	if (!p->birth[0] && f->birth)
		memcpy(p->birth, f->birth, 11);
	if (f->lo) {
		if (!p->birth_lo || f->lo > p->birth_lo)
			p->birth_lo = f->lo;
		if (!p->birth_hi || f->hi < p->birth_hi)
			p->birth_hi = f->hi;
	}
	mark_dirty(r, p);
}

/* The observation's strong keys, owned, into keys[] (at most 2 + phones). */
static size_t obs_keys(const struct resolve_obs *o, const struct profile *f, char **keys)
{
	size_t n = 0;
	int named = o->name && *o->name;

	if (o->idcard)
		keys[n++] = strmap_join("idcard:", o->idcard, (char *)NULL);
	for (size_t i = 0; named && i < o->n_phones; i++)
		keys[n++] = strmap_join("name+phone:", o->name, "|", o->phones[i], (char *)NULL);
	if (named && f->birth && !resolve_name_redacted(o->name))
		keys[n++] = strmap_join("name+birth:", o->name, "|", f->birth, (char *)NULL);
	return n;
}

size_t resolve_keys(const struct resolve *r, const struct resolve_obs *o, char **keys)
{
	struct profile f;
	struct derive_id id;

	obs_profile(r, o, &f, &id);
	return obs_keys(o, &f, keys);
}

static int64_t key_report(const struct resolve_person *p, const char *key)
{
	for (size_t i = 0; i < p->n_keys; i++)
		if (!strcmp(p->keys[i].key, key))
			return p->keys[i].report_id;
	return 0;
}

static char **copy_strings(char *const *v, size_t n)
{
	char **out = xmalloc((n ? n : 1) * sizeof(*out));

	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Record why c joins k: the observation's keys each of them holds. */
static void record_merge(struct resolve *r, const struct resolve_person *k,
			 const struct resolve_person *c, char **keys, size_t n_keys,
			 int64_t report_id)
{
	struct resolve_merge *m;

	r->merges = xgrow(r->merges, &r->cap_merges, r->n_merges + 1, sizeof(*r->merges));
	m = &r->merges[r->n_merges++];
	memset(m, 0, sizeof(*m));
	m->kept = k->n;
	m->merged = c->n;
	m->report_id = report_id;
	m->keys = xmalloc((n_keys ? n_keys : 1) * sizeof(*m->keys));
	m->reports = xmalloc((2 * n_keys + 1) * sizeof(*m->reports));
	m->reports[m->n_reports++] = report_id;
	for (size_t i = 0; i < n_keys; i++) {
		int64_t rk = key_report(k, keys[i]), rc = key_report(c, keys[i]);

		if (!rk && !rc)
			continue;
		m->keys[m->n_keys++] = xstrdup(keys[i]);
		if (rk)
			m->reports[m->n_reports++] = rk;
		if (rc)
			m->reports[m->n_reports++] = rc;
	}
	qsort(m->reports, m->n_reports, sizeof(*m->reports), cmp_i64);
	{
		size_t w = 0;

		for (size_t i = 0; i < m->n_reports; i++)
			if (!w || m->reports[w - 1] != m->reports[i])
				m->reports[w++] = m->reports[i];
		m->n_reports = w;
	}
	m->kept_founders = copy_strings(k->founders, k->n_founders);
	m->n_kept_founders = k->n_founders;
	m->merged_founders = copy_strings(c->founders, c->n_founders);
	m->n_merged_founders = c->n_founders;
}

/* Move everything c knows into k; c stays as a tombstone pointing at k. */
static void merge_into(struct resolve *r, struct resolve_person *k, struct resolve_person *c)
{
	struct profile f;

	person_profile(c, &f);
	absorb_profile(r, k, &f);
	set_display(r, k, c->display);
	for (size_t i = 0; i < c->n_keys; i++) {
		struct resolve_plist *l = strmap_get(&r->keys, c->keys[i].key);
		size_t w = 0;

		/* The index entry for c goes; k takes the key (once). */
		for (size_t j = 0; j < l->n; j++)
			if (l->v[j] != c)
				l->v[w++] = l->v[j];
		l->n = w;
		resolve_load_key(r, k, c->keys[i].key, c->keys[i].report_id);
	}
	c->n_keys = 0;
	for (size_t i = 0; i < c->n_founders; i++)
		resolve_load_founder(r, k, c->founders[i]);
	c->merged_into = k->n;
	c->rewrite = k->rewrite = 1;
	mark_dirty(r, c);
	mark_dirty(r, k);
}

static int cmp_person(const void *a, const void *b)
{
	const struct resolve_person *x = *(struct resolve_person *const *)a;
	const struct resolve_person *y = *(struct resolve_person *const *)b;

	return (x->n > y->n) - (x->n < y->n);
}

int64_t resolve_observe(struct resolve *r, const struct resolve_obs *o)
{
	struct profile f;
	struct derive_id id;
	char **keys = xmalloc((o->n_phones + 3) * sizeof(*keys));
	size_t n_keys, n_cand = 0, cap_cand = 0;
	struct resolve_person **cand = NULL, *k = NULL;
	int self_conflict = obs_self_contradicts(r, o);
	int64_t n;

	clear_merges(r);
	obs_profile(r, o, &f, &id);
	n_keys = obs_keys(o, &f, keys);
	/* Candidates: every living person under one of the keys, that the
	 * observation does not contradict. */
	for (size_t i = 0; i < n_keys && !self_conflict; i++) {
		struct resolve_plist *l = strmap_get(&r->keys, keys[i]);

		for (size_t j = 0; l && j < l->n; j++) {
			struct resolve_person *p = l->v[j];
			struct profile pf;
			int dup = 0;

			person_profile(p, &pf);
			if (p->merged_into || contradicts(&f, &pf))
				continue;
			for (size_t q = 0; q < n_cand && !dup; q++)
				dup = cand[q] == p;
			if (dup)
				continue;
			cand = xgrow(cand, &cap_cand, n_cand + 1, sizeof(*cand));
			cand[n_cand++] = p;
		}
	}
	if (n_cand) {
		qsort(cand, n_cand, sizeof(*cand), cmp_person);
		k = cand[0];
		for (size_t i = 1; i < n_cand; i++) {
			struct profile kf, cf;

			person_profile(k, &kf);
			person_profile(cand[i], &cf);
			if (contradicts(&kf, &cf) || kept_apart(r, k, cand[i]))
				continue;
			record_merge(r, k, cand[i], keys, n_keys, o->report_id);
			merge_into(r, k, cand[i]);
		}
	} else {
		k = new_person(r, o->n);
		resolve_load_founder(r, k, o->sig);
	}
	absorb_profile(r, k, &f);
	set_display(r, k, o->name);
	/* A self-contradicting observation stands alone: nothing may join it
	 * through keys whose evidence is in doubt. */
	for (size_t i = 0; i < n_keys && !self_conflict; i++)
		resolve_load_key(r, k, keys[i], o->report_id);
	n = k->n;
	free_strings(keys, n_keys);
	free(cand);
	return n;
}
