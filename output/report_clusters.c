/*
 * report_clusters: the clusters that are new or changed tonight, each
 * with its members (the best-ranked drawn, where the graph stage placed
 * them), the links among those and its latest reports, and the series
 * candidates of the night.
 */
#include "output/report_int.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where each node sits: the graph stage's layout when it stored one
 * (table cluster_layout), else the key player in the middle and the
 * others on a circle in rank order. */
static int place_nodes(struct report_loader *L, struct report_cluster *c, const int64_t *ids,
		       int64_t cid, const char *mnight, struct err *err)
{
	sqlite3_stmt *st = NULL;
	size_t n = c->n_nodes;
	int r, found = 0;

	if (db_prepare(L->db, &st,
		       "SELECT x, y FROM cluster_layout"
		       " WHERE cluster_id = ? AND night = ? AND entity_id = ?", err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		/* By id: a protected person is drawn without a key. */
		if (db_bind(st, err, "IsI", cid, mnight, ids[i]) < 0 ||
		    (r = db_step(st, err)) < 0) {
			db_finalize(st);
			return -1;
		}
		if (r) {
			c->nodes[i].x = sqlite3_column_double(st, 0);
			c->nodes[i].y = sqlite3_column_double(st, 1);
			found++;
		}
	}
	db_finalize(st);
	c->layout_stored = n > 0 && (size_t)found == n;
	if (c->layout_stored)
		return 0;
	for (size_t i = 0; i < n; i++) {
		double a = n > 1 ? 2 * M_PI * (double)(i - 1) / (double)(n - 1) : 0;

		c->nodes[i].x = i == 0 ? 0.5 : 0.5 + 0.45 * cos(a);
		c->nodes[i].y = i == 0 ? 0.5 : 0.5 + 0.45 * sin(a);
	}
	return 0;
}

/* Short readable label of an entity: a person's name, else the value. */
static char *node_label(struct report_loader *L, const char *key, const char *display)
{
	const char *colon = strchr(key, ':');

	if (!strncmp(key, "person:", 7) && *display)
		return report_guard_scrub(&L->guard, display);
	return report_guard_scrub(&L->guard, colon ? colon + 1 : key);
}

/* The ids of the drawn members, beside c->nodes. */
struct drawn {
	int64_t *ids;
	size_t cap, ids_cap;            /* of c->nodes and of ids */
};

/*
 * Take a member, in order: into the cluster's entity list while it has
 * room and the member is not a protected person, and among the drawn
 * nodes while they have room.  Returns 1 once neither has room: the
 * members after it change nothing.
 */
static int take_member(struct report_loader *L, struct report_cluster *c, struct drawn *dr,
		       int64_t id, const char *key, const char *display, const char *type,
		       int rank)
{
	int hidden = report_guard_person(&L->guard, id);

	if (!hidden && c->entities.n < (size_t)L->d->params.refs_per_item)
		report_strs_add(&c->entities, key);
	if (c->n_nodes < (size_t)L->d->params.cluster_nodes) {
		struct report_node *nd;

		c->nodes = xgrow(c->nodes, &dr->cap, c->n_nodes + 1, sizeof(*c->nodes));
		dr->ids = xgrow(dr->ids, &dr->ids_cap, c->n_nodes + 1, sizeof(*dr->ids));
		nd = &c->nodes[c->n_nodes];
		dr->ids[c->n_nodes++] = id;
		nd->key = xstrdup(hidden ? "" : key);
		nd->label = hidden ? xstrdup("受保护人员") : node_label(L, key, display);
		nd->type = xstrdup(type);
		nd->rank = rank;
	}
	return !(c->entities.n < (size_t)L->d->params.refs_per_item) &&
	       c->n_nodes >= (size_t)L->d->params.cluster_nodes;
}

/* A member of the night and its rank; key, display and type once read (owned). */
struct member {
	int64_t id, rank;
	char *key, *display, *type;
};

static int member_rank_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	return (x->rank > y->rank) - (x->rank < y->rank);
}

static int member_key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->key, ((const struct member *)b)->key);
}

/*
 * The members in the order ORDER BY rank, key gives them, taken until
 * nothing more is taken (take_member).  Only the entities taken are
 * read: the ranks come first, then the entity rows of one rank at a
 * time (one each: ranks are the order of the key players), sorted by
 * key.  A changed cluster has 500 to 1,000 members on 1,000,000
 * reports, of which the drawing and the list take two dozen, and each
 * entity row read sits on a page of its own.  Ranks that are not all
 * integers are ordered by the query itself, every member read.
 */
static int take_members(struct report_loader *L, struct report_cluster *c, struct drawn *dr,
			int64_t cid, const char *mnight, struct err *err)
{
	sqlite3_stmt *st = NULL, *ent = NULL;
	struct member *v = NULL;
	size_t n = 0, cap = 0;
	int r, whole = 0, full = 0, rc = -1;

	if (db_prepare(L->db, &st, "SELECT entity_id, rank FROM cluster_member"
		       " WHERE cluster_id = ? AND night = ?", err) < 0 ||
	    db_bind(st, err, "Is", cid, mnight) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		whole |= sqlite3_column_type(st, 1) != SQLITE_INTEGER;
		v = xgrow(v, &cap, n + 1, sizeof(*v));
		memset(&v[n], 0, sizeof(*v));
		v[n].id = sqlite3_column_int64(st, 0);
		v[n++].rank = sqlite3_column_int64(st, 1);
	}
	db_finalize(st);
	st = NULL;
	if (r < 0)
		goto out;
	if (whole) {
		if (db_prepare(L->db, &st,
			       "SELECT e.id, e.key, coalesce(e.display, ''), e.type, m.rank"
			       " FROM cluster_member m JOIN entity e ON e.id = m.entity_id"
			       " WHERE m.cluster_id = ? AND m.night = ? ORDER BY m.rank, e.key",
			       err) < 0 ||
		    db_bind(st, err, "Is", cid, mnight) < 0)
			goto out;
		while (!full && (r = db_step(st, err)) == 1)
			full = take_member(L, c, dr, sqlite3_column_int64(st, 0), db_text(st, 1),
					   db_text(st, 2), db_text(st, 3), sqlite3_column_int(st, 4));
		rc = r < 0 ? -1 : 0;
		goto out;
	}
	if (n)
		qsort(v, n, sizeof(*v), member_rank_cmp);
	if (db_prepare(L->db, &ent, "SELECT key, coalesce(display, ''), type FROM entity WHERE id = ?",
		       err) < 0)
		goto out;
	for (size_t i = 0, end; i < n && !full; i = end) {
		size_t kept = i;

		for (end = i; end < n && v[end].rank == v[i].rank; end++) {
			/* No entity row, no member: the query joined them. */
			if (db_bind(ent, err, "I", v[end].id) < 0 || (r = db_step(ent, err)) < 0)
				goto out;
			if (r == 0)
				continue;
			v[kept] = v[end];
			v[kept].key = xstrdup(db_text(ent, 0));
			v[kept].display = xstrdup(db_text(ent, 1));
			v[kept++].type = xstrdup(db_text(ent, 2));
		}
		qsort(v + i, kept - i, sizeof(*v), member_key_cmp);
		for (size_t k = i; k < kept; k++) {
			if (!full)
				full = take_member(L, c, dr, v[k].id, v[k].key, v[k].display, v[k].type,
						   (int)v[k].rank);
			free(v[k].key);
			free(v[k].display);
			free(v[k].type);
			v[k].key = v[k].display = v[k].type = NULL;
		}
	}
	rc = 0;
out:
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].display);
		free(v[i].type);
	}
	free(v);
	db_finalize(st);
	db_finalize(ent);
	return rc;
}

static int load_members(struct report_loader *L, struct report_cluster *c, int64_t cid,
			struct err *err)
{
	sqlite3_stmt *st = NULL, *ln = NULL, *rp = NULL;
	struct drawn dr = { 0 };
	int64_t *ids = NULL;
	char mnight[11] = "";
	int64_t dummy;
	int r, rc = -1;

	/* The members as computed on the night, or the latest night kept. */
	if (db_int(L->db, err, &dummy,
		   "SELECT count(*) FROM cluster_member WHERE cluster_id = ? AND night = ?",
		   "Is", cid, L->d->night) < 0)
		goto out;
	if (dummy) {
		memcpy(mnight, L->d->night, sizeof(mnight));
	} else {
		if (db_prepare(L->db, &st, "SELECT coalesce(max(night), '') FROM cluster_member"
			       " WHERE cluster_id = ?", err) < 0 ||
		    db_bind(st, err, "I", cid) < 0 || db_step(st, err) < 0)
			goto out;
		snprintf(mnight, sizeof(mnight), "%s", db_text(st, 0));
		db_finalize(st);
		st = NULL;
	}
	if (take_members(L, c, &dr, cid, mnight, err) < 0)
		goto out;
	ids = dr.ids;
	if (place_nodes(L, c, ids, cid, mnight, err) < 0)
		goto out;
	/* Edges among the drawn members, both directions of the pair. */
	if (db_prepare(L->db, &ln,
		       "SELECT sum(weight) FROM link WHERE (a = ?1 AND b = ?2) OR (a = ?2 AND b = ?1)",
		       err) < 0)
		goto out;
	for (size_t i = 0; i < c->n_nodes; i++) {
		for (size_t k = i + 1; k < c->n_nodes; k++) {
			if (db_bind(ln, err, "II", ids[i], ids[k]) < 0 || db_step(ln, err) < 0)
				goto out;
			if (sqlite3_column_type(ln, 0) == SQLITE_NULL)
				continue;
			c->edges = xgrow(c->edges, &c->cap_edges, c->n_edges + 1, sizeof(*c->edges));
			c->edges[c->n_edges].a = i;
			c->edges[c->n_edges].b = k;
			c->edges[c->n_edges++].weight = sqlite3_column_double(ln, 0);
		}
	}
	/* The reports that mention its members, latest first, capped. */
	if (db_prepare(L->db, &rp,
		       "SELECT DISTINCT mn.report_id, r.received_at FROM cluster_member m"
		       " JOIN mention mn ON mn.entity_id = m.entity_id"
		       " JOIN report r ON r.id = mn.report_id"
		       " WHERE m.cluster_id = ? AND m.night = ?"
		       " ORDER BY r.received_at DESC, mn.report_id LIMIT ?", err) < 0 ||
	    db_bind(rp, err, "Isi", cid, mnight, L->d->params.refs_per_item) < 0)
		goto out;
	while ((r = db_step(rp, err)) == 1) {
		struct report_ref ref;

		if (report_load_ref(L, sqlite3_column_int64(rp, 0), 0, &ref, err) < 0)
			goto out;
		report_strs_add(&c->reports, ref.ref);
		report_ref_release(&ref);
	}
	if (r < 0)
		goto out;
	rc = 0;
out:
	free(dr.ids);
	db_finalize(st);
	db_finalize(ln);
	db_finalize(rp);
	return rc;
}

int report_load_clusters(struct report_loader *L, struct err *err)
{
	struct report_data *d = L->d;
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int r, rc = -1;

	/* New or changed tonight: cluster_history has a row for each. */
	if (db_prepare(L->db, &st,
		       "SELECT c.id, c.label, h.status, c.score, h.size,"
		       " EXISTS (SELECT 1 FROM series s WHERE s.cluster_id = c.id AND s.night = ?1)"
		       " FROM cluster_history h JOIN cluster c ON c.id = h.cluster_id"
		       " WHERE h.night = ?1 AND h.status NOT IN ('same', 'gone')"
		       " ORDER BY c.score DESC, c.label LIMIT ?2", err) < 0 ||
	    db_bind(st, err, "si", d->night, d->params.clusters_shown) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		struct report_cluster *c;

		d->clusters = xgrow(d->clusters, &cap, d->n_clusters + 1, sizeof(*d->clusters));
		c = &d->clusters[d->n_clusters++];
		memset(c, 0, sizeof(*c));
		c->id = xstrdup(db_text(st, 1));
		c->status = xstrdup(db_text(st, 2));
		c->is_new = !strcmp(c->status, "new");
		c->score = sqlite3_column_double(st, 3);
		c->size = sqlite3_column_int(st, 4);
		c->is_series = sqlite3_column_int(st, 5);
		if (load_members(L, c, sqlite3_column_int64(st, 0), err) < 0)
			goto out;
	}
	if (r < 0)
		goto out;
	rc = 0;
out:
	db_finalize(st);
	return rc;
}

int report_load_series(struct report_loader *L, struct err *err)
{
	struct report_data *d = L->d;
	sqlite3_stmt *st = NULL, *rp = NULL;
	size_t cap = 0;
	int r, rc = -1;

	if (db_prepare(L->db, &st,
		       "SELECT s.id, c.label, s.score, s.n_reports FROM series s"
		       " JOIN cluster c ON c.id = s.cluster_id WHERE s.night = ?"
		       " ORDER BY s.score DESC, s.key LIMIT ?", err) < 0 ||
	    db_prepare(L->db, &rp,
		       "SELECT sr.report_id FROM series_report sr JOIN report r ON r.id = sr.report_id"
		       " WHERE sr.series_id = ? ORDER BY r.received_at, r.id LIMIT ?", err) < 0 ||
	    db_bind(st, err, "si", d->night, d->params.series_shown) < 0)
		goto out;
	while ((r = db_step(st, err)) == 1) {
		struct report_series *s;

		d->series = xgrow(d->series, &cap, d->n_series + 1, sizeof(*d->series));
		s = &d->series[d->n_series++];
		memset(s, 0, sizeof(*s));
		s->cluster = xstrdup(db_text(st, 1));
		s->score = sqlite3_column_double(st, 2);
		s->n_reports = sqlite3_column_int(st, 3);
		if (db_bind(rp, err, "Ii", sqlite3_column_int64(st, 0), d->params.refs_per_item) < 0)
			goto out;
		if ((r = report_load_refs(L, rp, (size_t)d->params.evidence_per_warning,
					  &s->reports, err)) < 0)
			goto out;
	}
	if (r < 0)
		goto out;
	rc = 0;
out:
	db_finalize(st);
	db_finalize(rp);
	return rc;
}
