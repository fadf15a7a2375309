/*
 * links: a report's links and the hubs they make.
 *
 * A person is linked to the identifiers that are theirs (holds, uses,
 * drives), and the report's entities to each other (co_mention), with
 * the report as evidence of each.  An identifier, an organisation or an
 * object that too many different persons come to share is a hub: its
 * links are removed and it gets none again, or it would join everyone
 * to everyone in the graph.
 */
#include "analyze/run.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct pair {
	struct ent *a, *b;
	const char *type;
};

static int has_pair(const struct pair *v, size_t n, const struct ent *a, const struct ent *b,
		    int any_type, const char *type)
{
	for (size_t i = 0; i < n; i++)
		if (((v[i].a == a && v[i].b == b) || (any_type && v[i].a == b && v[i].b == a)) &&
		    (any_type || !strcmp(v[i].type, type)))
			return 1;
	return 0;
}

static void add_pair(struct pair **v, size_t *n, size_t *cap, struct ent *a, struct ent *b,
		     const char *type)
{
	if (a == b || has_pair(*v, *n, a, b, 0, type))
		return;
	*v = xgrow(*v, cap, *n + 1, sizeof(**v));
	(*v)[*n].a = a;
	(*v)[*n].b = b;
	(*v)[*n].type = type;
	(*n)++;
}

static void add_ent(struct ent ***v, size_t *n, size_t *cap, struct ent *e)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == e)
			return;
	*v = xgrow(*v, cap, *n + 1, sizeof(**v));
	(*v)[(*n)++] = e;
}

/* Whether a hub check counts persons beside e (else the persons using it). */
static int counts_beside(const struct ent *e)
{
	return !strcmp(e->type, "org") || !strcmp(e->type, "item");
}

/*
 * A new link row (a, b, type) is one more person for a hub check of its
 * other end, when that count is known: a person using an identifier, or
 * a person mentioned beside an organisation or an object.
 */
static void count_user(struct ent *a, struct ent *b, const char *type)
{
	int typed = strcmp(type, "co_mention") != 0;

	if (typed && b->users >= 0)
		b->users++;
	if (!typed && !strcmp(a->type, "person") && counts_beside(b) && b->users >= 0)
		b->users++;
	if (!typed && !strcmp(b->type, "person") && counts_beside(a) && a->users >= 0)
		a->users++;
}

/*
 * A person's links to the identifiers that are theirs, then co-mention
 * links between the report's entities: persons first, then identifiers,
 * then the rest, at most co_mention_max_entities of them, hubs left out,
 * and no co-mention where a typed link already joins the pair.
 */
int az_write_links(struct az *az, const struct extract_report *r, struct err *err)
{
	struct pair *v = NULL;
	struct ent **ents = NULL;
	size_t n = 0, cap = 0, n_typed, n_ents = 0, cap_ents = 0;
	int rc = 0;

	for (size_t i = 0; i < az->n_items; i++) {
		const struct item *it = &az->items[i];
		const char *type = az_link_type(it->m->type);

		if (it->owner >= 0 && type && !it->e->hub && !it->m->partial)
			add_pair(&v, &n, &cap, az->groups[it->owner].e, it->e, type);
	}
	n_typed = n;
	for (size_t g = 0; g < az->n_groups; g++)
		add_ent(&ents, &n_ents, &cap_ents, az->groups[g].e);
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < az->n_items; i++)
			if (!az_is_person(az->items[i].m) && az_is_ident(az->items[i].m->type) == !pass)
				add_ent(&ents, &n_ents, &cap_ents, az->items[i].e);
	{
		size_t w = 0;

		for (size_t i = 0; i < n_ents; i++)
			if (!ents[i]->hub && w < (size_t)az->conf.co_mention_max_entities)
				ents[w++] = ents[i];
		n_ents = w;
	}
	for (size_t i = 0; i < n_ents; i++) {
		for (size_t j = i + 1; j < n_ents; j++) {
			struct ent *a = ents[i], *b = ents[j];

			if (has_pair(v, n_typed, a, b, 1, NULL))
				continue;
			add_pair(&v, &n, &cap, a->id < b->id ? a : b, a->id < b->id ? b : a, "co_mention");
		}
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		int created = 0;

		rc = store_link(&az->store, v[i].a->id, v[i].b->id, v[i].type, r->weight, r->seen,
				r->id, &created, err);
		if (created)
			count_user(v[i].a, v[i].b, v[i].type);
	}
	az->sum->links += (int64_t)n;
	free(v);
	free(ents);
	return rc;
}

/*
 * An identifier used by many different persons across many reports is
 * shared (a shop's counter phone); so is an organisation or an object
 * that many different persons are mentioned beside (a hotel in its own
 * register, "手机" with no make or number).  Either would join
 * everyone to everyone in the graph.
 * The count is taken from the links once a run and then kept up to date
 * (count_user, and the merges in resolve_groups).
 */
int az_check_hubs(struct az *az, struct err *err)
{
	for (size_t i = 0; i < az->n_items; i++) {
		struct ent *e = az->items[i].e;
		const struct mention *m = az->items[i].m;
		int64_t users;
		char *attrs;
		int rc, ident = az_is_ident(m->type);

		if ((!ident && !counts_beside(e)) || e->hub ||
		    e->n_reports < az->conf.hub_min_reports)
			continue;
		if (e->users < 0) {
			if (store_person_users(&az->store, e->id, ident, &users, err) < 0)
				return -1;
			e->users = (int)users;
		}
		if (e->users < az->conf.hub_min_persons)
			continue;
		e->hub = 1;
		az_ent_mark(az, e);
		attrs = az_ident_attrs(az, m->type, m->value, NULL, 1);
		rc = store_unlink_hub(&az->store, e->id, err);
		if (rc == 0)
			rc = store_entity_attrs(&az->store, e->id, m->value, attrs, err);
		free(attrs);
		if (rc < 0)
			return -1;
		az->sum->hubs++;
	}
	return 0;
}
