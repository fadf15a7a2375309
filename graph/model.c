/*
 * model: loading.  Entity ids are looked up in a table indexed by id
 * (ids are close to dense), or by binary search in the ascending id
 * array when they are not.  Evidence counts come from a
 * merge of two scans in link id order, which is much cheaper than a
 * correlated count per link.
 */
#include "graph/model.h"
#include "graph/linkblock.h"
#include "graph/rowblock.h"
#include "common/day.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int intern_type(struct gmodel *gm, const char *t, struct err *err)
{
	for (int i = 0; i < gm->ntypes; i++)
		if (!strcmp(gm->types[i], t))
			return i;
	if (gm->ntypes == GMODEL_MAX_TYPES)
		return err_set(err, "more than %d entity types (at '%s')", GMODEL_MAX_TYPES, t);
	gm->types[gm->ntypes] = xstrdup(t);
	return gm->ntypes++;
}

int gmodel_type_index(const struct gmodel *gm, const char *type)
{
	for (int i = 0; i < gm->ntypes; i++)
		if (!strcmp(gm->types[i], type))
			return i;
	return -1;
}

const char *gmodel_type(const struct gmodel *gm, int32_t i)
{
	return gm->types[gm->type[i]];
}

int32_t gmodel_vertex(const struct gmodel *gm, int64_t eid)
{
	long lo = 0, hi = gm->nv - 1;

	if (gm->ix) {
		if (eid < gm->eid[0] || eid - gm->eid[0] >= gm->nix)
			return -1;
		return gm->ix[eid - gm->eid[0]];
	}

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;

		if (gm->eid[mid] == eid)
			return (int32_t)mid;
		if (gm->eid[mid] < eid)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

uint64_t gmodel_mix(uint64_t a, uint64_t b)
{
	uint64_t z = a * 0x9e3779b97f4a7c15ULL + b + 0x632be59bd9b4e019ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t double_bits(double x)
{
	uint64_t b;

	memcpy(&b, &x, sizeof(b));
	return b;
}

void gmodel_add_edge(struct gmodel *gm, int32_t u, int32_t v, double w)
{
	if ((size_t)gm->ne == gm->cap)
		gm->e = xgrow(gm->e, &gm->cap, (size_t)gm->ne + 1, sizeof(*gm->e));
	gm->e[gm->ne].u = u < v ? u : v;
	gm->e[gm->ne].v = u < v ? v : u;
	gm->e[gm->ne].w = w;
	gm->e[gm->ne].raw = w;
	gm->e[gm->ne].sig = gmodel_mix(double_bits(w), 0);
	gm->ne++;
}

/* The id table, when it takes at most four entries a vertex. */
static void index_ids(struct gmodel *gm)
{
	if (gm->nv == 0 || gm->eid[gm->nv - 1] - gm->eid[0] >= 4 * (int64_t)gm->nv)
		return;
	gm->nix = (long)(gm->eid[gm->nv - 1] - gm->eid[0] + 1);
	gm->ix = xmalloc(gm->nix * sizeof(*gm->ix));
	for (long i = 0; i < gm->nix; i++)
		gm->ix[i] = -1;
	for (long v = 0; v < gm->nv; v++)
		gm->ix[gm->eid[v] - gm->eid[0]] = (int32_t)v;
}

/*
 * The entities kept in blocks (graph/rowblock.c, schema version 20), a
 * record of 32 bytes an entity not merged, keyed by its id: the id, the
 * hub flag, the type's length and the type.  A type longer than the
 * record holds (none of lookout's is) is marked so and read from the
 * table.  A merged entity has no record: the queries leave it out, and
 * a merge, a new hub, an entity inserted, retyped or deleted marks its
 * id changed.
 */
#define GENT_REC 32
#define GENT_TYPE 22
#define GENT_LONG 255           /* the type's length when it is not in the record */
#define GENT_MAGIC 0x31454c47u

static void entity_encode(sqlite3_stmt *st, unsigned char *rec)
{
	int64_t id = sqlite3_column_int64(st, 0);
	const char *type = db_text(st, 1);
	size_t n = strlen(type);

	memset(rec, 0, GENT_REC);
	memcpy(rec, &id, 8);
	rec[8] = sqlite3_column_int(st, 2) != 0;
	rec[9] = n > GENT_TYPE ? GENT_LONG : (unsigned char)n;
	if (n <= GENT_TYPE)
		memcpy(rec + 10, type, n);
}

/*
 * An entity inserted, retyped, made a hub, merged or deleted; and,
 * before an insert, the row an INSERT OR REPLACE would delete.
 */
static const char *const entity_trigger_names[] = {
	"graph_entity_ai", "graph_entity_au", "graph_entity_ad", "graph_entity_bi",
};
static const char *const entity_trigger_sql[] = {
	"CREATE TRIGGER IF NOT EXISTS graph_entity_ai AFTER INSERT ON entity BEGIN "
	"INSERT OR IGNORE INTO graph_entity_dirty(entity_id) VALUES (NEW.id); END",
	"CREATE TRIGGER IF NOT EXISTS graph_entity_au AFTER UPDATE OF id, type, hub, merged_into ON entity "
	"BEGIN INSERT OR IGNORE INTO graph_entity_dirty(entity_id) VALUES (OLD.id); "
	"INSERT OR IGNORE INTO graph_entity_dirty(entity_id) VALUES (NEW.id); END",
	"CREATE TRIGGER IF NOT EXISTS graph_entity_ad AFTER DELETE ON entity BEGIN "
	"INSERT OR IGNORE INTO graph_entity_dirty(entity_id) VALUES (OLD.id); END",
	"CREATE TRIGGER IF NOT EXISTS graph_entity_bi BEFORE INSERT ON entity BEGIN "
	"INSERT OR IGNORE INTO graph_entity_dirty(entity_id) SELECT id FROM entity WHERE id = NEW.id "
	"UNION ALL SELECT id FROM entity WHERE key = NEW.key; END",
};

static const struct growblock_kind entity_blocks = {
	"graph_entity_block", "graph_entity_dirty",
	"SELECT id, type, hub FROM entity INDEXED BY entity_graph WHERE merged_into IS NULL ORDER BY id",
	"SELECT id, type, hub FROM entity WHERE id IN (SELECT entity_id FROM graph_entity_dirty) "
	"AND merged_into IS NULL ORDER BY id",
	GENT_REC, GENT_MAGIC, entity_encode, 4, entity_trigger_names, entity_trigger_sql,
};

struct entity_ctx {
	struct gmodel *gm;
	struct db *db;
	size_t cap[3];
	int rc;
	struct err *err;
};

/* The type of a record, from the table when the record could not hold it. */
static int record_type(struct entity_ctx *x, int64_t id, const unsigned char *rec)
{
	char type[GENT_TYPE + 1];
	sqlite3_stmt *st;
	int t;

	if (rec[9] <= GENT_TYPE) {
		memcpy(type, rec + 10, rec[9]);
		type[rec[9]] = '\0';
		return intern_type(x->gm, type, x->err);
	}
	if (db_prepare(x->db, &st, "SELECT type FROM entity WHERE id = ?", x->err) < 0)
		return -1;
	t = db_bind(st, x->err, "I", id) < 0 || db_step(st, x->err) != 1 ? -1
		: intern_type(x->gm, db_text(st, 0), x->err);
	db_finalize(st);
	return t;
}

/* Room in the model's per-vertex arrays of entities for n vertices. */
static void entity_room(struct gmodel *gm, size_t cap[3], size_t n)
{
	gm->eid = xgrow(gm->eid, &cap[0], n, sizeof(*gm->eid));
	gm->type = xgrow(gm->type, &cap[1], n, 1);
	gm->hub = xgrow(gm->hub, &cap[2], n, 1);
}

static void add_entity(void *arg, const unsigned char *rec)
{
	struct entity_ctx *x = arg;
	struct gmodel *gm = x->gm;
	int64_t id = growblock_key(rec);
	int t;

	if (x->rc < 0)
		return;
	if ((t = record_type(x, id, rec)) < 0) {
		x->rc = -1;
		return;
	}
	entity_room(gm, x->cap, (size_t)gm->nv + 1);
	gm->eid[gm->nv] = id;
	gm->type[gm->nv] = (unsigned char)t;
	gm->hub[gm->nv] = rec[8];
	gm->nv++;
}

static void forget_entities(void *arg)
{
	struct entity_ctx *x = arg;

	x->gm->nv = 0;
}

/*
 * Every entity not merged, in id order: from the blocks and the entities
 * changed since, else from the narrow index that holds just that (schema
 * version 13).
 */
static int load_entities(struct gmodel *gm, struct db *db, struct err *err)
{
	struct entity_ctx x = { gm, db, { 0, 0, 0 }, 0, err };
	int rc = growblock_each(db, &entity_blocks, add_entity, forget_entities, &x, err);

	/* Room for one past the last, as every array of the model has. */
	entity_room(gm, x.cap, (size_t)gm->nv + 1);
	gm->out = xcalloc(gm->nv + 1, 1);
	gm->skip = xcalloc(gm->nv + 1, 1);
	if (rc < 0 || x.rc < 0)
		return -1;
	index_ids(gm);
	return 0;
}

/* Places of a whole district, street or road join everything in them: mark them. */
static int load_place_levels(struct gmodel *gm, struct db *db, const struct graph_conf *conf,
			     struct err *err)
{
	sqlite3_stmt *st = NULL;
	char *levels;
	int rc;

	levels = graph_conf_json_list(conf->skip_place_levels);
	rc = db_prepare(db, &st, "SELECT entity_id FROM place WHERE level IN "
			"(SELECT value FROM json_each(?))", err);
	if (rc == 0)
		rc = db_bind(st, err, "s", levels);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		int32_t v = gmodel_vertex(gm, sqlite3_column_int64(st, 0));

		if (v >= 0)
			gm->skip[v] = 1;
		rc = 0;
	}
	db_finalize(st);
	free(levels);
	return rc < 0 ? -1 : 0;
}

/* The weight of one link tonight: see data/graph.conf. */
static double edge_weight(const struct graph_conf *conf, double w, long n_evidence,
			  long last_day, long night_end)
{
	double age;

	if (n_evidence > 1)
		w *= 1 + conf->evidence_boost * log((double)n_evidence);
	if (last_day >= 0) {
		age = (double)(night_end - last_day);
		if (age > 0)
			w *= pow(0.5, age / conf->half_life_days);
	}
	return w;
}

/* What each link read adds to the model. */
struct link_ctx {
	struct gmodel *gm;
	const struct graph_conf *conf;
	long night_end;
	char next[11];
};

/* The edge of a link of weight w with n reports of evidence, last seen on last_day. */
static void link_edge(struct gmodel *gm, const struct graph_conf *conf, int32_t u, int32_t v,
		      double w, long n, long last_day, long night_end)
{
	gmodel_add_edge(gm, u, v, edge_weight(conf, w, n, last_day, night_end));
	gm->e[gm->ne - 1].raw = edge_weight(conf, w, n, -1, night_end);
	gm->e[gm->ne - 1].sig = gmodel_mix(gmodel_mix(double_bits(w), (uint64_t)n), (uint64_t)last_day);
}

static void add_link(void *arg, const struct glink *l)
{
	struct link_ctx *x = arg;
	int32_t u, v;

	if (!glink_before(l, x->next))
		return;
	u = gmodel_vertex(x->gm, l->a);
	v = gmodel_vertex(x->gm, l->b);
	if (u < 0 || v < 0 || u == v)
		return;
	link_edge(x->gm, x->conf, u, v, l->weight, 1, l->last_day, x->night_end);
}

static void forget_links(void *arg)
{
	struct link_ctx *x = arg;

	x->gm->ne = 0;
}

/*
 * Without the evidence boost (the default) a link's weight is its row's
 * alone: the links come from the blocks kept between nights
 * (graph/linkblock.c).  With it, every link's evidence is counted, from the
 * link table.
 */
static int load_links(struct gmodel *gm, struct db *db, const struct graph_conf *conf,
		      const char *night, struct err *err)
{
	sqlite3_stmt *ln = NULL, *ev = NULL;
	struct link_ctx x = { gm, conf, day_of(night), "" };
	int64_t ev_link = -1;
	int rc, erc = 0;

	day_string(x.night_end + 1, x.next);
	if (conf->evidence_boost == 0)
		return glinks_each(db, add_link, forget_links, &x, err);
	if (db_prepare(db, &ln, "SELECT id, a, b, weight, last_seen FROM link "
		       "WHERE first_seen IS NULL OR first_seen < ? ORDER BY id", err) < 0 ||
	    db_bind(ln, err, "s", x.next) < 0 ||
	    db_prepare(db, &ev, "SELECT link_id, count(*) FROM link_evidence "
		       "GROUP BY link_id ORDER BY link_id", err) < 0)
		goto fail;
	if ((erc = db_step(ev, err)) < 0)
		goto fail;
	while ((rc = db_step(ln, err)) == 1) {
		int64_t id = sqlite3_column_int64(ln, 0);
		int32_t u = gmodel_vertex(gm, sqlite3_column_int64(ln, 1));
		int32_t v = gmodel_vertex(gm, sqlite3_column_int64(ln, 2));
		long n = 1;

		/* Advance the evidence scan to this link. */
		while (erc == 1 && (ev_link = sqlite3_column_int64(ev, 0)) < id)
			if ((erc = db_step(ev, err)) < 0)
				goto fail;
		if (erc == 1 && ev_link == id)
			n = (long)sqlite3_column_int64(ev, 1);
		if (u < 0 || v < 0 || u == v)
			continue;
		link_edge(gm, conf, u, v, sqlite3_column_double(ln, 3), n, day_of(db_text(ln, 4)),
			  x.night_end);
	}
	if (rc < 0)
		goto fail;
	db_finalize(ln);
	db_finalize(ev);
	return 0;
fail:
	db_finalize(ln);
	db_finalize(ev);
	return -1;
}

int gmodel_load(struct gmodel *gm, struct db *db, const struct graph_conf *conf,
		const char *night, struct err *err)
{
	memset(gm, 0, sizeof(*gm));
	if (load_entities(gm, db, err) < 0 || load_place_levels(gm, db, conf, err) < 0)
		return err_prefix(err, "loading entities");
	if (load_links(gm, db, conf, night, err) < 0)
		return err_prefix(err, "loading links");
	return 0;
}

static void mention_encode(sqlite3_stmt *st, unsigned char *rec)
{
	int64_t rid = sqlite3_column_int64(st, 0), eid = sqlite3_column_int64(st, 1);

	memcpy(rec, &rid, 8);
	memcpy(rec + 8, &eid, 8);
}

/*
 * The mentions kept in blocks, a record (report, entity) keyed by
 * report; the triggers record the report of a mention inserted, moved
 * or deleted, and before an insert the report of the row an INSERT OR
 * REPLACE would delete.
 */
static const char *const mention_trigger_names[] = {
	"graph_mention_ai", "graph_mention_au", "graph_mention_ad", "graph_mention_bi",
};
static const char *const mention_trigger_sql[] = {
	"CREATE TRIGGER IF NOT EXISTS graph_mention_ai AFTER INSERT ON mention BEGIN "
	"INSERT OR IGNORE INTO graph_mention_dirty(report_id) VALUES (NEW.report_id); END",
	"CREATE TRIGGER IF NOT EXISTS graph_mention_au AFTER UPDATE OF report_id, entity_id ON mention "
	"BEGIN INSERT OR IGNORE INTO graph_mention_dirty(report_id) VALUES (OLD.report_id); "
	"INSERT OR IGNORE INTO graph_mention_dirty(report_id) VALUES (NEW.report_id); END",
	"CREATE TRIGGER IF NOT EXISTS graph_mention_ad AFTER DELETE ON mention BEGIN "
	"INSERT OR IGNORE INTO graph_mention_dirty(report_id) VALUES (OLD.report_id); END",
	"CREATE TRIGGER IF NOT EXISTS graph_mention_bi BEFORE INSERT ON mention BEGIN "
	"INSERT OR IGNORE INTO graph_mention_dirty(report_id) "
	"SELECT report_id FROM mention WHERE id = NEW.id; END",
};

static const struct growblock_kind mention_blocks = {
	"graph_mention_block", "graph_mention_dirty",
	"SELECT report_id, entity_id FROM mention ORDER BY report_id, entity_id",
	"SELECT report_id, entity_id FROM mention "
	"WHERE report_id IN (SELECT report_id FROM graph_mention_dirty) ORDER BY report_id, entity_id",
	16, 0x314d4c47u, mention_encode, 4, mention_trigger_names, mention_trigger_sql,
};

struct mention_ctx {
	struct gmentions *m;
	const struct gmodel *gm;
	size_t cap, cap2, cap3;
};

static void add_mention(void *arg, const unsigned char *rec)
{
	struct mention_ctx *x = arg;
	struct gmentions *m = x->m;
	int64_t rid = growblock_key(rec), eid;
	int32_t v;
	long k = m->n;

	memcpy(&eid, rec + 8, 8);
	v = gmodel_vertex(x->gm, eid);
	if (v < 0)
		return;
	if (k > 0 && m->rid[k - 1] == rid && m->v[k - 1] == v) {
		m->rows[k - 1] += m->rows[k - 1] < UINT16_MAX;
		return;
	}
	m->rid = xgrow(m->rid, &x->cap, (size_t)k + 1, sizeof(*m->rid));
	m->v = xgrow(m->v, &x->cap2, (size_t)k + 1, sizeof(*m->v));
	m->rows = xgrow(m->rows, &x->cap3, (size_t)k + 1, sizeof(*m->rows));
	m->rid[k] = rid;
	m->rows[k] = 1;
	m->v[k] = v;
	m->n++;
}

static void forget_mentions(void *arg)
{
	struct mention_ctx *x = arg;

	x->m->n = 0;
}

/* The pair (rid, v) among m's, or -1: a binary search by report, then a walk along it. */
static long find_pair(const struct gmentions *m, int64_t rid, int32_t v)
{
	long lo = 0, hi = m->n;

	while (lo < hi) {
		long mid = lo + (hi - lo) / 2;

		if (m->rid[mid] < rid)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < m->n && m->rid[lo] == rid && m->v[lo] <= v; lo++)
		if (m->v[lo] == v)
			return lo;
	return -1;
}

/*
 * The pairs come in order of report, then entity (vertex order is entity
 * id order), from the blocks kept between nights (graph/rowblock.c) and
 * the reports whose mentions changed, else from the index on
 * mention(report_id, entity_id); the roles, with their reports, from the
 * partial index of the mentions that have one (schema version 19).
 * Roles: 1 named in a skipped role, 2 in another, so a vertex (or a
 * pair) whose bits come to exactly 1 is skipped.
 */
int gmentions_load(struct gmentions *m, struct db *db, const struct gmodel *gm,
		   const char *skip_roles, struct err *err)
{
	struct mention_ctx x = { m, gm, 0, 0, 0 };
	sqlite3_stmt *st = NULL;
	unsigned char *roles = xcalloc(gm->nv + 1, 1);
	int rc;

	memset(m, 0, sizeof(*m));
	rc = growblock_each(db, &mention_blocks, add_mention, forget_mentions, &x, err);
	m->skipped_here = xcalloc(m->n + 1, 1);
	if (rc == 0)
		rc = db_prepare(db, &st, "SELECT entity_id, role IN (SELECT value FROM json_each(?)), "
				"report_id FROM mention INDEXED BY mention_role WHERE role IS NOT NULL", err);
	if (rc == 0)
		rc = db_bind(st, err, "s", skip_roles);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		int32_t v = gmodel_vertex(gm, sqlite3_column_int64(st, 0));
		int bits = sqlite3_column_int(st, 1) ? 1 : 2;
		long at;

		rc = 0;
		if (v < 0)
			continue;
		roles[v] |= bits;
		if ((at = find_pair(m, sqlite3_column_int64(st, 2), v)) >= 0)
			m->skipped_here[at] |= bits;
	}
	db_finalize(st);
	for (long v = 0; v < gm->nv; v++)
		roles[v] = roles[v] == 1;
	for (long k = 0; k < m->n; k++)
		m->skipped_here[k] = m->skipped_here[k] == 1;
	m->role_skip = roles;
	if (rc < 0) {
		gmentions_release(m);
		return err_prefix(err, "reading mentions");
	}
	return 0;
}

void gmentions_release(struct gmentions *m)
{
	free(m->rid);
	free(m->v);
	free(m->rows);
	free(m->role_skip);
	free(m->skipped_here);
	memset(m, 0, sizeof(*m));
}

/*
 * One stable counting sort of the edges from src into dst by one end
 * (by_v: v, else u); count has nv + 1 entries.
 */
static void count_sort(struct gedge *dst, const struct gedge *src, long ne, long nv,
		       long *count, int by_v)
{
	memset(count, 0, (nv + 1) * sizeof(*count));
	for (long i = 0; i < ne; i++)
		count[(by_v ? src[i].v : src[i].u) + 1]++;
	for (long x = 0; x < nv; x++)
		count[x + 1] += count[x];
	for (long i = 0; i < ne; i++)
		dst[count[by_v ? src[i].v : src[i].u]++] = src[i];
}

/*
 * The edges by (u, v), parallel ones in the order they were added (as
 * the stable merge sort of qsort left them, so their weights add up
 * alike): two counting passes, v then u, linear in edges and vertices
 * (qsort of 2.3 million edges cost 0.3 s a night at 1,000,000 reports).
 */
static void sort_edges(struct gmodel *gm)
{
	struct gedge *tmp = xmalloc((gm->ne + 1) * sizeof(*tmp));
	long *count = xmalloc((gm->nv + 1) * sizeof(*count));

	count_sort(tmp, gm->e, gm->ne, gm->nv, count, 1);
	count_sort(gm->e, tmp, gm->ne, gm->nv, count, 0);
	free(count);
	free(tmp);
}

void gmodel_finish(struct gmodel *gm, const struct graph_conf *conf)
{
	long n = 0;
	long *fill;
	unsigned char skip[GMODEL_MAX_TYPES];

	if (gm->ne > 1)
		sort_edges(gm);
	for (long i = 0; i < gm->ne; i++) {
		if (gm->e[i].u == gm->e[i].v)
			continue;
		if (n > 0 && gm->e[n - 1].u == gm->e[i].u && gm->e[n - 1].v == gm->e[i].v) {
			gm->e[n - 1].w += gm->e[i].w;
			gm->e[n - 1].raw += gm->e[i].raw;
			gm->e[n - 1].sig += gm->e[i].sig;
		} else
			gm->e[n++] = gm->e[i];
	}
	gm->ne = n;

	gm->off = xcalloc(gm->nv + 1, sizeof(*gm->off));
	for (long i = 0; i < gm->ne; i++) {
		gm->off[gm->e[i].u + 1]++;
		gm->off[gm->e[i].v + 1]++;
	}
	for (long i = 0; i < gm->nv; i++)
		gm->off[i + 1] += gm->off[i];
	gm->adj = xmalloc((2 * gm->ne + 1) * sizeof(*gm->adj));
	gm->adj_edge = xmalloc((2 * gm->ne + 1) * sizeof(*gm->adj_edge));
	fill = xmalloc((gm->nv + 1) * sizeof(*fill));
	memcpy(fill, gm->off, gm->nv * sizeof(*fill));
	for (long i = 0; i < gm->ne; i++) {
		int32_t u = gm->e[i].u, v = gm->e[i].v;

		gm->adj[fill[u]] = v;
		gm->adj_edge[fill[u]++] = (int32_t)i;
		gm->adj[fill[v]] = u;
		gm->adj_edge[fill[v]++] = (int32_t)i;
	}
	free(fill);

	for (int t = 0; t < gm->ntypes; t++)
		skip[t] = (unsigned char)graph_conf_in(conf->skip_types, gm->types[t]);
	for (long i = 0; i < gm->nv; i++) {
		long deg = gm->off[i + 1] - gm->off[i];

		gm->out[i] = gm->hub[i] || skip[gm->type[i]] || gm->skip[i] ||
			     (conf->hub_degree > 0 && deg > conf->hub_degree);
	}
	gm->clustered = xmalloc(gm->ne + 1);
	for (long i = 0; i < gm->ne; i++) {
		const struct gedge *e = &gm->e[i];

		gm->clustered[i] = !gm->out[e->u] && !gm->out[e->v] && e->w >= conf->min_weight;
	}
}

void gmodel_release(struct gmodel *gm)
{
	free(gm->eid);
	free(gm->ix);
	free(gm->type);
	free(gm->hub);
	free(gm->out);
	free(gm->skip);
	for (int i = 0; i < gm->ntypes; i++)
		free(gm->types[i]);
	free(gm->e);
	free(gm->off);
	free(gm->adj);
	free(gm->adj_edge);
	free(gm->clustered);
	memset(gm, 0, sizeof(*gm));
}
