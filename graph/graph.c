/*
 * graph: the stage.  One transaction: load the model, add companions,
 * compute communities and centrality, match clusters to last night's,
 * write clusters, members, history and scores, then the series.  The
 * members of the previous night computed are kept so that running the
 * latest night again starts from the same state and ends in the same
 * tables; older ones are dropped.  Members are spans of nights
 * (cluster_span): a night writes only those that joined or left, and
 * the new rank of a member ranked otherwise; a re-run first undoes what
 * the last run of its night wrote (it opened spans on the night and
 * closed others at the night before; a rank it wrote is written again).
 * Score rows too are written only when a figure changed: every figure
 * is the entity's own, its cluster's or its component's, with no decay
 * by age in it, so its row's night is the night it was last written.
 */
#include "graph/graph.h"
#include "common/apart.h"
#include "graph/community.h"
#include "graph/companion.h"
#include "graph/conf.h"
#include "graph/ig.h"
#include "graph/layout.h"
#include "graph/match.h"
#include "graph/model.h"
#include "graph/previous.h"
#include "graph/series.h"
#include "common/day.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_secs(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU seconds of this thread since *since, which moves to now. */
static double step_secs(double *since)
{
	double now = clock_secs(CLOCK_THREAD_CPUTIME_ID), d = now - *since;

	*since = now;
	return d;
}

void graph_default_night(char out[11])
{
	char now[32];

	db_now(now);
	day_string(day_of(now) - 1, out);
}

int graph_night_valid(const char *s)
{
	return day_number(s) >= 0;
}

/* The first night of an open span, as stored (whole 0: longer than a date). */
struct span_first {
	char night[11];
	unsigned char whole;
};

/* Everything one run holds. */
struct run {
	struct db *db;
	const char *night;
	struct graph_conf conf;
	struct gmodel gm;
	struct gcomm gc;
	struct gmentions mn;
	struct gcrimes cr;
	struct gmatch match;
	long *n_reports, *n_crimes;     /* per cluster */
	double *score;                  /* per cluster */
	double *inner;                  /* per vertex: strength inside its cluster */
	int64_t *cluster_id;            /* per cluster */
	int32_t *order;                 /* clustered vertices by cluster, then rank */
	long norder;
	long *first;                    /* per cluster: its start in order */
	/* last night's members */
	long nold, nmem;
	int64_t *old_id;
	long *old_size;
	int32_t *mem_old, *mem_vertex;
	int64_t *mem_eid;               /* [nmem] its entity, and its rank: */
	int32_t *mem_rank;
	struct span_first *mem_first;   /* [nmem] its span's first night */
	unsigned char *mem_kept;        /* [nmem] 1: the same member tonight */
	int32_t *start;                 /* [nv] last night's cluster (index into old_id), or -1 */
	int32_t *span_of;               /* [nv] its open span (index into mem_*), or -1 */
	uint64_t *old_sig;              /* [nv] last night's signature */
	double *old_btw;                /* [nv] last night's betweenness */
	double *old_pr;                 /* [nv] last night's PageRank */
	struct gprev_row *row;          /* [nv] each vertex's stored scores */
	int64_t *row_gone;              /* stored scores of entities not in the model */
	long nrow_gone;
	char prev[11];
	/* last night's spans and the stored scores as read, until load_previous takes them */
	struct gprev pv;
	int pv_apart;                   /* 1: they may be read on a connection of their own */
	struct apart crimes;            /* the crime reports read apart, once started */
	struct gregisters regs;         /* the register rows companions are found in */
	struct apart regs_apart;        /* ... read apart, once started */
	struct glayouts layouts;        /* the cluster pictures */
};

/*
 * Reports mentioning a member, per cluster, and crime reports.  Both
 * lists are in report order, so a report is new to a cluster when it is
 * not the last one counted there.
 */
static void count_reports(struct run *r)
{
	int64_t *last = xmalloc((r->gc.nclu + 1) * sizeof(*last));

	r->n_reports = xcalloc(r->gc.nclu + 1, sizeof(long));
	r->n_crimes = xcalloc(r->gc.nclu + 1, sizeof(long));
	for (long c = 0; c < r->gc.nclu; c++)
		last[c] = -1;
	for (long i = 0; i < r->mn.n; i++) {
		int32_t c = r->gc.clu[r->mn.v[i]];

		if (c >= 0 && last[c] != r->mn.rid[i]) {
			last[c] = r->mn.rid[i];
			r->n_reports[c]++;
		}
	}
	for (long c = 0; c < r->gc.nclu; c++)
		last[c] = -1;
	for (long i = 0; i < r->cr.nr; i++) {
		for (long k = r->cr.moff[i]; k < r->cr.moff[i + 1]; k++) {
			int32_t c = r->gc.clu[r->cr.mv[k]];

			if (c >= 0 && last[c] != r->cr.rid[i]) {
				last[c] = r->cr.rid[i];
				r->n_crimes[c]++;
			}
		}
	}
	free(last);
}

static int load_mentions(struct run *r, struct err *err)
{
	char *skip = graph_conf_json_list(r->conf.series_skip_roles);
	int rc = gmentions_load(&r->mn, r->db, &r->gm, skip, err);

	free(skip);
	return rc;
}

/*
 * Key players first: betweenness inside the cluster, then strength
 * inside the cluster (the weight of its links to other members), then
 * the older entity.  Everything is the cluster's own, so a cluster whose
 * members and links did not change keeps its ranks, and its members'
 * rows, from night to night (PageRank over the whole district, the tie
 * break before, moved with every new link anywhere in the giant
 * component and re-ranked most members every night).
 */
static int cmp_rank(const void *pa, const void *pb, void *arg)
{
	const struct run *r = arg;
	int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
	int32_t ca = r->gc.clu[a], cb = r->gc.clu[b];

	if (ca != cb)
		return ca < cb ? -1 : 1;
	if (r->gc.betweenness[a] != r->gc.betweenness[b])
		return r->gc.betweenness[a] > r->gc.betweenness[b] ? -1 : 1;
	if (r->inner[a] != r->inner[b])
		return r->inner[a] > r->inner[b] ? -1 : 1;
	return a < b ? -1 : a > b;
}

/*
 * The members by cluster (a counting sort), in vertex order until
 * rank_members sorts each cluster's alone: cmp_rank is a total order, so
 * that is the order one sort of all 1,400,000 members gave, for a
 * fraction of the compares.  And each member's strength inside its
 * cluster, cmp_rank's second key.
 */
static void group_members(struct run *r)
{
	long *fill;

	r->inner = xcalloc(r->gm.nv + 1, sizeof(*r->inner));
	for (long i = 0; i < r->gm.ne; i++) {
		const struct gedge *e = &r->gm.e[i];

		if (r->gc.clu[e->u] >= 0 && r->gc.clu[e->u] == r->gc.clu[e->v] &&
		    gmodel_edge_clustered(&r->gm, e)) {
			r->inner[e->u] += e->w;
			r->inner[e->v] += e->w;
		}
	}
	r->order = xmalloc((r->gm.nv + 1) * sizeof(*r->order));
	r->first = xcalloc(r->gc.nclu + 1, sizeof(long));
	fill = xcalloc(r->gc.nclu + 1, sizeof(*fill));
	for (long v = 0; v < r->gm.nv; v++)
		if (r->gc.clu[v] >= 0)
			fill[r->gc.clu[v] + 1]++;
	for (long c = 0; c < r->gc.nclu; c++)
		fill[c + 1] += fill[c];
	memcpy(r->first, fill, r->gc.nclu * sizeof(*r->first));
	for (long v = 0; v < r->gm.nv; v++)
		if (r->gc.clu[v] >= 0)
			r->order[fill[r->gc.clu[v]]++] = (int32_t)v;
	r->norder = r->gc.nclu ? fill[r->gc.nclu - 1] : 0;
	free(fill);
}

/* After group_members, with the centrality in. */
static void rank_members(struct run *r)
{
	for (long c = 0; c < r->gc.nclu; c++)
		if (r->gc.clu_size[c] > 1)
			qsort_r(r->order + r->first[c], r->gc.clu_size[c], sizeof(*r->order), cmp_rank, r);
}

/*
 * The number a component is known by keeps from night to night: the
 * entity id it had, while that entity is still in it; else (a new
 * component, or its entity left) its smallest entity id.  Where two
 * components merged and both entities are in it, the one most of its
 * members had; ties go to the smaller id.  Each number is the id of a
 * member, so no two components share one.  The smallest id alone
 * changed whenever a component took in one with a smaller id: on
 * 1,000,000 reports the giant component's 239,000 score rows were
 * written again one night for that alone (58,000 of them for nothing
 * else).  A re-run of the night finds tonight's numbers stored and
 * keeps them.
 */
static void keep_component_ids(struct run *r)
{
	long *votes = xcalloc(r->gm.nv + 1, sizeof(*votes));
	int32_t *best = xmalloc((r->gc.ncomp + 1) * sizeof(*best));

	for (long v = 0; v < r->gm.nv; v++) {
		int32_t u;

		if (r->gc.comp[v] <= 0 || !r->row[v].present || r->row[v].component <= 0)
			continue;
		u = gmodel_vertex(&r->gm, r->row[v].component);
		if (u >= 0 && r->gc.comp[u] == r->gc.comp[v])
			votes[u]++;
	}
	for (long c = 0; c <= r->gc.ncomp; c++)
		best[c] = -1;
	/* Vertex order is id order: the first of equal votes is the smaller id. */
	for (long v = 0; v < r->gm.nv; v++) {
		int32_t c = r->gc.comp[v];

		if (votes[v] > 0 && (best[c] < 0 || votes[v] > votes[best[c]]))
			best[c] = (int32_t)v;
	}
	for (long c = 1; c <= r->gc.ncomp; c++)
		if (best[c] >= 0)
			r->gc.comp_id[c] = r->gm.eid[best[c]];
	free(votes);
	free(best);
}

/*
 * Refuse an earlier night; clear what an earlier run of this night
 * wrote: the member spans it opened are deleted (all of them when no
 * earlier night is kept, in one go: SQLite then drops the table's pages
 * instead of deleting row by row) and those it closed at the night
 * before are open again.  No index leads with a span's first night, so
 * finding the spans opened tonight reads all of them (1,400,000 on
 * 1,000,000 reports); it is done only when a night from tonight on is
 * kept.  A span is opened with its first night kept (the stage writes
 * graph_night beside the spans it opens, as the cluster_member view
 * and the migration to spans did), and a kept night is dropped only
 * once it is older than the night before the one computed: so a span
 * whose first night is tonight or later has its night kept.
 */
static int prepare_night(struct run *r, struct err *err)
{
	struct db *db = r->db;
	sqlite3_stmt *st = NULL;
	int64_t later, rerun;
	int rc;

	if (db_int(db, err, &later, "SELECT count(*) FROM stage_run WHERE stage = 'graph' "
		   "AND status = 'ok' AND night > ?", "s", r->night) < 0)
		return -1;
	if (later)
		return err_set(err, "the graph was already computed for a night after %s; "
			       "nights are computed in order", r->night);
	if (db_int(db, err, &rerun, "SELECT EXISTS (SELECT 1 FROM graph_night WHERE night >= ?)",
		   "s", r->night) < 0)
		return -1;
	r->prev[0] = '\0';
	if (db_prepare(db, &st, "SELECT max(night) FROM graph_night WHERE night < ?", err) < 0)
		return -1;
	rc = db_bind(st, err, "s", r->night);
	if (rc == 0 && (rc = db_step(st, err)) == 1) {
		snprintf(r->prev, sizeof(r->prev), "%s", db_text(st, 0));
		rc = 0;
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (db_run(db, err, "DELETE FROM series_pair", "") < 0 ||
	    db_run(db, err, "DELETE FROM series_report", "") < 0 ||
	    db_run(db, err, "DELETE FROM series", "") < 0 ||
	    (r->prev[0] && rerun && db_run(db, err, "DELETE FROM cluster_span WHERE first_night >= ?",
					   "s", r->night) < 0) ||
	    (!r->prev[0] && db_run(db, err, "DELETE FROM cluster_span", "") < 0) ||
	    (r->prev[0] && db_run(db, err, "UPDATE cluster_span SET last_night = NULL "
				  "WHERE last_night = ?", "s", r->prev) < 0))
		return -1;
	/* Spans and scores as committed are the ones the stage reads: nothing above changed them. */
	r->pv_apart = r->prev[0] && !rerun && sqlite3_changes(db->h) == 0;
	if (db_run(db, err, "DELETE FROM graph_night WHERE night >= ?", "s", r->night) < 0 ||
	    db_run(db, err, "DELETE FROM cluster_history WHERE night >= ?", "s", r->night) < 0 ||
	    db_run(db, err, "DELETE FROM cluster_layout WHERE night >= ?", "s", r->night) < 0 ||
	    db_run(db, err, "DELETE FROM cluster WHERE first_night >= ?", "s", r->night) < 0)
		return -1;
	return 0;
}

/*
 * The stored scores of each vertex, and last night's signature,
 * betweenness and PageRank.  A re-run of the night finds tonight's
 * figures in the table and the night before's signature beside them.
 */
static void load_scores(struct run *r)
{
	size_t cap = 0;

	r->old_sig = xcalloc(r->gm.nv + 1, sizeof(*r->old_sig));
	r->old_btw = xcalloc(r->gm.nv + 1, sizeof(*r->old_btw));
	r->old_pr = xcalloc(r->gm.nv + 1, sizeof(*r->old_pr));
	r->row = xcalloc(r->gm.nv + 1, sizeof(*r->row));
	for (long i = 0; i < r->pv.nscores; i++) {
		const struct gprev_score *s = &r->pv.scores[i];
		int32_t v = gmodel_vertex(&r->gm, s->entity_id);

		if (v < 0) {
			r->row_gone = xgrow(r->row_gone, &cap, (size_t)r->nrow_gone + 1, sizeof(*r->row_gone));
			r->row_gone[r->nrow_gone++] = s->entity_id;
			continue;
		}
		r->old_sig[v] = s->old_sig;
		r->old_btw[v] = s->row.betweenness;
		r->old_pr[v] = s->row.pagerank;
		r->row[v] = s->row;
	}
}

/*
 * Last night's members; start gets each vertex's cluster there (an
 * index into old_id) or -1.  The rows come from the thread started by
 * graph_run when it could read them apart, else are read here.
 */
static int load_previous(struct run *r, struct err *err)
{
	long n;

	if (gprev_done(&r->pv, r->db, r->night, r->prev[0] != '\0', err) < 0)
		return -1;
	n = r->pv.nspans;
	r->old_id = xmalloc((size_t)(n + 1) * sizeof(*r->old_id));
	r->old_size = xmalloc((size_t)(n + 1) * sizeof(*r->old_size));
	r->mem_old = xmalloc((size_t)(n + 1) * sizeof(*r->mem_old));
	r->mem_vertex = xmalloc((size_t)(n + 1) * sizeof(*r->mem_vertex));
	r->mem_eid = xmalloc((size_t)(n + 1) * sizeof(*r->mem_eid));
	r->mem_rank = xmalloc((size_t)(n + 1) * sizeof(*r->mem_rank));
	r->mem_first = xmalloc((size_t)(n + 1) * sizeof(*r->mem_first));
	for (long j = 0; j < n; j++) {
		const struct gprev_span *sp = &r->pv.spans[j];

		if (r->nold == 0 || r->old_id[r->nold - 1] != sp->cluster_id) {
			r->old_id[r->nold] = sp->cluster_id;
			r->old_size[r->nold++] = 0;
		}
		r->old_size[r->nold - 1]++;
		r->mem_old[j] = (int32_t)(r->nold - 1);
		r->mem_eid[j] = sp->entity_id;
		r->mem_rank[j] = sp->rank;
		r->mem_first[j].whole = sp->whole;
		memcpy(r->mem_first[j].night, sp->first, sizeof(r->mem_first[j].night));
		r->mem_vertex[j] = gmodel_vertex(&r->gm, sp->entity_id);
	}
	r->nmem = n;
	r->mem_kept = xcalloc(r->nmem + 1, 1);
	if (r->nmem) {
		r->start = xmalloc((r->gm.nv + 1) * sizeof(*r->start));
		r->span_of = xmalloc((r->gm.nv + 1) * sizeof(*r->span_of));
		for (long v = 0; v < r->gm.nv; v++)
			r->start[v] = r->span_of[v] = -1;
		for (long j = 0; j < r->nmem; j++)
			if (r->mem_vertex[j] >= 0) {
				r->start[r->mem_vertex[j]] = r->mem_old[j];
				r->span_of[r->mem_vertex[j]] = (int32_t)j;
			}
	}
	load_scores(r);
	gprev_release(&r->pv);
	return 0;
}

/* Tonight's clusters against last night's: ids and what changed. */
static int match_previous(struct run *r, struct err *err)
{
	int64_t next;

	if (db_int(r->db, err, &next, "SELECT coalesce(max(id), 0) + 1 FROM cluster", "") < 0)
		return -1;
	{
		struct gmatch_in in = {
			r->gc.nclu, r->gc.clu_size, r->gc.clu,
			r->nold, r->old_id, r->old_size,
			r->nmem, r->mem_old, r->mem_vertex,
			next, r->conf.match_min_members, r->conf.match_min_share,
		};

		gmatch_compute(&r->match, &in);
	}
	r->cluster_id = xmalloc((r->gc.nclu + 1) * sizeof(*r->cluster_id));
	for (long c = 0; c < r->gc.nclu; c++)
		r->cluster_id[c] = r->match.n[c].id;
	return 0;
}

static void tally(struct graph_summary *sum, const char *status)
{
	if (!strcmp(status, "new"))
		sum->cl_new++;
	else if (!strcmp(status, "grown"))
		sum->cl_grown++;
	else if (!strcmp(status, "shrunk"))
		sum->cl_shrunk++;
	else if (!strcmp(status, "merged"))
		sum->cl_merged++;
	else if (!strcmp(status, "split"))
		sum->cl_split++;
	else if (!strcmp(status, "same"))
		sum->cl_same++;
	else
		sum->cl_gone++;
}

/* How much each cluster deserves a look: see data/graph.conf. */
static void score_clusters(struct run *r)
{
	const struct graph_conf *conf = &r->conf;

	r->score = xmalloc((r->gc.nclu + 1) * sizeof(*r->score));
	for (long c = 0; c < r->gc.nclu; c++) {
		double x = r->n_crimes[c] + conf->other_report_weight * (r->n_reports[c] - r->n_crimes[c]);

		r->score[c] = 1 - exp(-x / (conf->score_scale > 0 ? conf->score_scale : 1));
	}
}

/* A cluster row that was 'same' on its night, as stored. */
struct same_row {
	int64_t id, component;
	double score;
	int size, n_reports, n_crimes;
};

/*
 * The rows of the clusters that were 'same' last night (or already
 * tonight, on a re-run), by id, and their night moved on to tonight in
 * one statement: a cluster that is the same again, with the same
 * figures, then needs no statement of its own (most of a district's
 * clusters, most nights).
 */
static int load_same(struct run *r, struct same_row **rows, long *n, struct err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	rc = db_prepare(r->db, &st, "SELECT id, component, score, size, n_reports, n_crimes FROM cluster "
			"WHERE status = 'same' AND (night = ?1 OR night = ?2) ORDER BY id", err);
	if (rc == 0)
		rc = db_bind(st, err, "ss", r->prev, r->night);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		struct same_row *x;

		rc = 0;
		*rows = xgrow(*rows, &cap, (size_t)*n + 1, sizeof(**rows));
		x = &(*rows)[(*n)++];
		x->id = sqlite3_column_int64(st, 0);
		x->component = sqlite3_column_int64(st, 1);
		x->score = sqlite3_column_double(st, 2);
		x->size = sqlite3_column_int(st, 3);
		x->n_reports = sqlite3_column_int(st, 4);
		x->n_crimes = sqlite3_column_int(st, 5);
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	return db_run(r->db, err, "UPDATE cluster SET night = ?1 WHERE status = 'same' AND night = ?2",
		      "ss", r->night, r->prev);
}

static int cmp_same_row(const void *pa, const void *pb)
{
	const struct same_row *a = pa, *b = pb;

	return a->id < b->id ? -1 : a->id > b->id;
}

/*
 * A cluster that continues one of last night's (any status but new)
 * has its row: it is updated by id, a search in one tree, where the
 * upsert first tried the insert (on one more night of 1,000,000 reports
 * the 163,000 clusters of the first night all change from new).  A new
 * cluster, or one whose row is missing after all, takes the upsert.
 */
static int write_clusters(struct run *r, struct graph_summary *sum, struct err *err)
{
	sqlite3_stmt *cl = NULL, *upd = NULL, *hist = NULL, *gone = NULL;
	struct same_row *same = NULL;
	long nsame = 0;
	int rc = -1;

	if (load_same(r, &same, &nsame, err) < 0 ||
	    db_prepare(r->db, &upd, "UPDATE cluster SET night = ?2, status = ?3, score = ?4, size = ?5, "
		       "n_reports = ?6, n_crimes = ?7, component = ?8 WHERE id = ?1", err) < 0 ||
	    db_prepare(r->db, &cl, "INSERT INTO cluster(id, label, first_night, night, status, score, "
		       "size, n_reports, n_crimes, component) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		       "ON CONFLICT(id) DO UPDATE SET night = excluded.night, status = excluded.status, "
		       "score = excluded.score, size = excluded.size, n_reports = excluded.n_reports, "
		       "n_crimes = excluded.n_crimes, component = excluded.component", err) < 0 ||
	    db_prepare(r->db, &hist, "INSERT INTO cluster_history(cluster_id, night, status, size, "
		       "added, removed, related) VALUES (?, ?, ?, ?, ?, ?, ?)", err) < 0 ||
	    db_prepare(r->db, &gone, "UPDATE cluster SET night = ?, status = 'gone', size = 0, "
		       "score = 0 WHERE id = ?", err) < 0)
		goto out;
	for (long c = 0; c < r->gc.nclu; c++) {
		const struct gmatch_new *m = &r->match.n[c];
		int size = (int)r->gc.clu_size[c];
		int64_t comp = r->gc.comp_id[r->gc.comp[r->order[r->first[c]]]];
		struct same_row key = { m->id, 0, 0, 0, 0, 0 };
		const struct same_row *was = NULL;
		char label[24];
		int written;

		if (nsame && !strcmp(m->status, "same"))
			was = bsearch(&key, same, nsame, sizeof(*same), cmp_same_row);
		/* A row moved on to tonight by load_same with the same figures is written. */
		written = was && was->component == comp && was->score == r->score[c] &&
			  was->size == size && was->n_reports == (int)r->n_reports[c] &&
			  was->n_crimes == (int)r->n_crimes[c];
		if (!written && strcmp(m->status, "new")) {
			if (db_bind(upd, err, "IssdiiiI", m->id, r->night, m->status, r->score[c], size,
				    (int)r->n_reports[c], (int)r->n_crimes[c], comp) < 0 ||
			    db_step(upd, err) < 0)
				goto out;
			written = sqlite3_changes(sqlite3_db_handle(upd)) > 0;
		}
		if (!written) {
			gmatch_label(m->id, label);
			if (db_bind(cl, err, "IssssdiiiI", m->id, label, r->night, r->night, m->status,
				    r->score[c], size, (int)r->n_reports[c], (int)r->n_crimes[c], comp) < 0 ||
			    db_step(cl, err) < 0)
				goto out;
		}
		if (strcmp(m->status, "same") &&
		    (db_bind(hist, err, "Issiiis", m->id, r->night, m->status, size, (int)m->added,
			     (int)m->removed, m->related) < 0 || db_step(hist, err) < 0))
			goto out;
		tally(sum, m->status);
	}
	for (long o = 0; o < r->nold; o++) {
		if (!r->match.o[o].gone)
			continue;
		if (db_bind(gone, err, "sI", r->night, r->old_id[o]) < 0 || db_step(gone, err) < 0 ||
		    db_bind(hist, err, "Issiiis", r->old_id[o], r->night, "gone", 0, 0,
			    (int)r->old_size[o], r->match.o[o].related) < 0 || db_step(hist, err) < 0)
			goto out;
		tally(sum, "gone");
	}
	rc = 0;
out:
	free(same);
	db_finalize(cl);
	db_finalize(upd);
	db_finalize(hist);
	db_finalize(gone);
	return rc < 0 ? err_prefix(err, "writing clusters") : 0;
}

/*
 * The open span of member eid of cluster id last night, or -1 (members
 * are sorted so): for an entity whose span_of is another cluster's, as
 * when it has more than one open span (never one the stage wrote).
 */
static long find_member(const struct run *r, int64_t id, int64_t eid)
{
	long lo = 0, hi = r->nmem - 1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		int64_t mid_id = r->old_id[r->mem_old[mid]];

		if (mid_id == id && r->mem_eid[mid] == eid)
			return mid;
		if (mid_id < id || (mid_id == id && r->mem_eid[mid] < eid))
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/*
 * Tonight's members against last night's open spans: a member in the
 * same cluster keeps its span, and costs nothing if its rank is the
 * same; a new rank is written into the span (its latest night's, as the
 * schema says: a span split for a rank alone, closed and opened again,
 * was 197,000 of the 223,000 spans opened on one more night of
 * 1,000,000 reports, four rows written for each against one).  One new
 * there opens a span; a span nobody kept is closed at the previous
 * night.  A span is found by its whole key, first night included:
 * given only the cluster and the entity, SQLite looked the span up
 * through the index by entity and then in the table, two searches for
 * each.  A first night longer than a date (never one the stage wrote)
 * is found as before.  A member's open span is found through its
 * vertex (span_of), not by a binary search among the 1,400,000.
 */
static int write_members(struct run *r, struct err *err)
{
	sqlite3_stmt *open = NULL, *close = NULL, *close_any = NULL, *rerank = NULL, *rerank_any = NULL;
	int rc = -1;

	if (db_run(r->db, err, "INSERT INTO graph_night(night) VALUES (?)", "s", r->night) < 0 ||
	    db_prepare(r->db, &open, "INSERT INTO cluster_span(cluster_id, entity_id, first_night, "
		       "last_night, rank) VALUES (?, ?, ?, NULL, ?)", err) < 0 ||
	    db_prepare(r->db, &close, "UPDATE cluster_span SET last_night = ?1 WHERE cluster_id = ?2 "
		       "AND entity_id = ?3 AND first_night = ?4 AND last_night IS NULL "
		       "AND first_night <= ?1", err) < 0 ||
	    db_prepare(r->db, &close_any, "UPDATE cluster_span SET last_night = ?1 WHERE cluster_id = ?2 "
		       "AND entity_id = ?3 AND last_night IS NULL AND first_night <= ?1", err) < 0 ||
	    db_prepare(r->db, &rerank, "UPDATE cluster_span SET rank = ?1 WHERE cluster_id = ?2 "
		       "AND entity_id = ?3 AND first_night = ?4 AND last_night IS NULL", err) < 0 ||
	    db_prepare(r->db, &rerank_any, "UPDATE cluster_span SET rank = ?1 WHERE cluster_id = ?2 "
		       "AND entity_id = ?3 AND last_night IS NULL", err) < 0)
		goto out;
	for (long c = 0; c < r->gc.nclu; c++) {
		int64_t id = r->cluster_id[c];

		for (long i = r->first[c]; i < r->first[c] + r->gc.clu_size[c]; i++) {
			int32_t v = r->order[i];
			int64_t eid = r->gm.eid[v];
			int rank = (int)(i - r->first[c] + 1);
			long j = r->span_of ? r->span_of[v] : -1;

			if (j >= 0 && (r->old_id[r->mem_old[j]] != id || r->mem_eid[j] != eid))
				j = find_member(r, id, eid);

			if (j >= 0) {
				r->mem_kept[j] = 1;
				if (r->mem_rank[j] == rank)
					continue;
				if (r->mem_first[j].whole) {
					if (db_bind(rerank, err, "iIIs", rank, id, eid, r->mem_first[j].night) < 0 ||
					    db_step(rerank, err) < 0)
						goto out;
				} else if (db_bind(rerank_any, err, "iII", rank, id, eid) < 0 ||
					   db_step(rerank_any, err) < 0) {
					goto out;
				}
				continue;
			}
			if (db_bind(open, err, "IIsi", id, eid, r->night, rank) < 0 || db_step(open, err) < 0)
				goto out;
		}
	}
	for (long j = 0; j < r->nmem; j++) {
		int64_t id = r->old_id[r->mem_old[j]];

		if (r->mem_kept[j])
			continue;
		if (r->mem_first[j].whole) {
			if (db_bind(close, err, "sIIs", r->prev, id, r->mem_eid[j], r->mem_first[j].night) < 0 ||
			    db_step(close, err) < 0)
				goto out;
		} else if (db_bind(close_any, err, "sII", r->prev, id, r->mem_eid[j]) < 0 ||
			   db_step(close_any, err) < 0) {
			goto out;
		}
	}
	rc = 0;
out:
	db_finalize(open);
	db_finalize(close);
	db_finalize(close_any);
	db_finalize(rerank);
	db_finalize(rerank_any);
	return rc < 0 ? err_prefix(err, "writing members") : 0;
}

/*
 * A score row is written only when a figure in it changed (most
 * entities' do not from one night to the next: the figures are the
 * entity's cluster's and component's own, and the strength is taken
 * before the decay by age), so its night is the night it was last
 * written.  Rows of entities that lost every link or are gone are
 * deleted.
 */
static int write_scores(struct run *r, struct err *err)
{
	sqlite3_stmt *st = NULL, *del = NULL;
	int rc = -1;

	if (db_prepare(r->db, &st, "INSERT OR REPLACE INTO entity_score(entity_id, night, component, "
		       "degree, strength, pagerank, betweenness, sig, prev_sig) "
		       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", err) < 0 ||
	    db_prepare(r->db, &del, "DELETE FROM entity_score WHERE entity_id = ?", err) < 0)
		goto out;
	for (long j = 0; j < r->nrow_gone; j++)
		if (db_bind(del, err, "I", r->row_gone[j]) < 0 || db_step(del, err) < 0)
			goto out;
	for (long v = 0; v < r->gm.nv; v++) {
		const struct gprev_row *row = &r->row[v];
		int64_t comp = r->gc.comp_id[r->gc.comp[v]];

		if (r->gc.degree[v] == 0) {
			if (row->present && (db_bind(del, err, "I", r->gm.eid[v]) < 0 || db_step(del, err) < 0))
				goto out;
			continue;
		}
		if (row->present && row->component == comp && row->degree == r->gc.degree[v] &&
		    row->strength == r->gc.strength_raw[v] && row->pagerank == r->gc.pagerank[v] &&
		    row->betweenness == r->gc.betweenness[v] && row->sig == r->gc.sig[v])
			continue;
		if (db_bind(st, err, "IsIidddII", r->gm.eid[v], r->night, comp,
			    (int)r->gc.degree[v], r->gc.strength_raw[v], r->gc.pagerank[v],
			    r->gc.betweenness[v], (int64_t)r->gc.sig[v],
			    (int64_t)(r->start ? r->old_sig[v] : 0)) < 0 || db_step(st, err) < 0)
			goto out;
	}
	rc = 0;
out:
	db_finalize(st);
	db_finalize(del);
	return rc < 0 ? err_prefix(err, "writing scores") : 0;
}

/* Report order: the higher score first, then the label (as text, as the report sorts it). */
static int cmp_shown(const void *pa, const void *pb, void *arg)
{
	const struct run *r = arg;
	long a = *(const long *)pa, b = *(const long *)pb;
	char la[24], lb[24];

	if (r->score[a] != r->score[b])
		return r->score[a] > r->score[b] ? -1 : 1;
	gmatch_label(r->cluster_id[a], la);
	gmatch_label(r->cluster_id[b], lb);
	return strcmp(la, lb);
}

struct id_ix {
	int64_t id;
	long c;
};

static int cmp_id_ix(const void *pa, const void *pb)
{
	const struct id_ix *a = pa, *b = pb;

	return a->id < b->id ? -1 : a->id > b->id;
}

/*
 * Mark in want[] the clusters of the layout_clusters best series tonight
 * (series were just written; their cluster ids map back through ids,
 * sorted by id).
 */
static int want_series_clusters(struct run *r, unsigned char *want, struct err *err)
{
	struct id_ix *ids = xmalloc((r->gc.nclu + 1) * sizeof(*ids));
	sqlite3_stmt *st = NULL;
	int rc;

	for (long c = 0; c < r->gc.nclu; c++) {
		ids[c].id = r->cluster_id[c];
		ids[c].c = c;
	}
	if (r->gc.nclu > 1)
		qsort(ids, r->gc.nclu, sizeof(*ids), cmp_id_ix);
	rc = db_prepare(r->db, &st, "SELECT cluster_id FROM series WHERE night = ? "
			"ORDER BY score DESC, key LIMIT ?", err);
	if (rc == 0)
		rc = db_bind(st, err, "si", r->night, r->conf.layout_clusters);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		struct id_ix key = { sqlite3_column_int64(st, 0), 0 };
		struct id_ix *hit = bsearch(&key, ids, r->gc.nclu, sizeof(*ids), cmp_id_ix);

		rc = 0;
		if (hit)
			want[hit->c] = 1;
	}
	db_finalize(st);
	free(ids);
	return rc < 0 ? -1 : 0;
}

/*
 * The pictures the morning report draws: the best-ranked layout_nodes
 * members of the layout_clusters best new or changed clusters (in the
 * report's order), and of the clusters of the best series; laid out on
 * a thread from here on, written by glayouts_write.
 */
static int start_layouts(struct run *r, struct err *err)
{
	unsigned char *want = xcalloc(r->gc.nclu + 1, 1);
	long *changed = xmalloc((r->gc.nclu + 1) * sizeof(*changed)), nchanged = 0;
	int rc = -1;

	for (long c = 0; c < r->gc.nclu; c++)
		if (strcmp(r->match.n[c].status, "same"))
			changed[nchanged++] = c;
	if (nchanged > 1)
		qsort_r(changed, nchanged, sizeof(*changed), cmp_shown, r);
	for (long i = 0; i < nchanged && i < r->conf.layout_clusters; i++)
		want[changed[i]] = 1;
	if (want_series_clusters(r, want, err) < 0)
		goto out;
	for (long c = 0; c < r->gc.nclu; c++) {
		long n = r->gc.clu_size[c] < r->conf.layout_nodes ? r->gc.clu_size[c] : r->conf.layout_nodes;

		if (want[c] && n > 0)
			glayouts_add(&r->layouts, r->cluster_id[c], r->order + r->first[c], n,
				     (unsigned long)r->conf.seed + (unsigned long)r->cluster_id[c]);
	}
	glayouts_start(&r->layouts, &r->gm, r->conf.layout_iterations);
	rc = 0;
out:
	free(want);
	free(changed);
	return rc < 0 ? err_prefix(err, "cluster pictures") : 0;
}

static void run_release(struct run *r)
{
	struct err ignored;

	/*
	 * The readings apart use the run's mentions and fill its rows, the
	 * centrality reads the model and last night's figures: end them first.
	 */
	apart_wait(&r->crimes, &ignored);
	apart_wait(&r->regs_apart, &ignored);
	gcompanion_rows_release(&r->regs);
	gcomm_centrality_wait(&r->gc, NULL);
	glayouts_release(&r->layouts);
	gprev_release(&r->pv);
	graph_conf_release(&r->conf);
	gmodel_release(&r->gm);
	gcomm_release(&r->gc);
	gmentions_release(&r->mn);
	gcrimes_release(&r->cr);
	gmatch_release(&r->match);
	free(r->n_reports);
	free(r->n_crimes);
	free(r->score);
	free(r->inner);
	free(r->cluster_id);
	free(r->order);
	free(r->first);
	free(r->old_id);
	free(r->old_size);
	free(r->mem_old);
	free(r->mem_vertex);
	free(r->mem_eid);
	free(r->mem_rank);
	free(r->mem_first);
	free(r->mem_kept);
	free(r->start);
	free(r->span_of);
	free(r->old_sig);
	free(r->old_btw);
	free(r->old_pr);
	free(r->row);
	free(r->row_gone);
}

static int log_run(struct run *r, const char *started, const struct graph_summary *sum,
		   struct err *err)
{
	char now[32], *note;
	int rc;

	db_now(now);
	note = xasprintf("%ld entities, %ld links, %ld hubs, %ld clusters (%ld new, %ld gone), "
			 "%ld series, %ld companions, %s",
			 sum->entities, sum->links, sum->hubs, sum->clusters, sum->cl_new,
			 sum->cl_gone, sum->series, sum->companions, sum->method);
	rc = db_run(r->db, err, "INSERT INTO stage_run(stage, night, started_at, finished_at, status, "
		    "rows, note) VALUES ('graph', ?, ?, ?, 'ok', ?, ?)", "sssis",
		    r->night, started, now, (int)sum->clusters, note);
	free(note);
	return rc;
}

/* The crime reports and their members (gcrimes_load), on db: the stage's, or one apart. */
static int load_crimes(struct db *db, void *arg, struct err *err)
{
	struct run *r = arg;

	return gcrimes_load(&r->cr, db, &r->mn, &r->conf, r->night, err);
}

/* The register rows (gcompanion_read), on db: the stage's, or one apart. */
static int load_registers(struct db *db, void *arg, struct err *err)
{
	struct run *r = arg;

	return gcompanion_read(&r->regs, db, &r->conf, r->night, err);
}

static void drop_registers(void *arg)
{
	gcompanion_rows_release(&((struct run *)arg)->regs);
}

static void drop_crimes(void *arg)
{
	gcrimes_release(&((struct run *)arg)->cr);
}

int graph_run(struct db *db, const struct graph_opts *opts, struct graph_summary *sum,
	      struct err *err)
{
	struct run r;
	struct gcomm_prev prev;
	double t0 = clock_secs(CLOCK_MONOTONIC), c0 = clock_secs(CLOCK_PROCESS_CPUTIME_ID);
	double c1 = clock_secs(CLOCK_THREAD_CPUTIME_ID);
	char started[32];
	int rc = -1, fk_off = 0;

	memset(&r, 0, sizeof(r));
	memset(sum, 0, sizeof(*sum));
	sum->method = "none";
	r.db = db;
	r.night = opts->night;
	db_now(started);
	graph_conf_init(&r.conf);
	if (!graph_night_valid(opts->night)) {
		err_set(err, "night '%s' is not a date YYYY-MM-DD", opts->night);
		goto out;
	}
	if (graph_conf_load(&r.conf, opts->data_dir, err) < 0)
		goto out;
	ig_setup((unsigned long)r.conf.seed);
	/*
	 * The stage reads every entity, link and mention: a larger page cache
	 * saves many reads.  Every row it writes refers to entities and
	 * reports it has just read in this transaction, or to clusters and
	 * series it has just written, and it deletes a cluster or a series
	 * only after the rows that refer to it; so the foreign key lookups,
	 * two per member row into the large entity table and more per series
	 * row, check nothing and are off while it writes (the pragma is a
	 * no-op inside a transaction, hence here; back on in every case).
	 * Its reads land all over the file: they go through a memory map,
	 * not a copy of each page read (on 1,000,000 reports some 0.6 s of
	 * a night's CPU, most of it system time); off again after, for the
	 * stages that follow on this connection.
	 */
	if (db_exec(db, "PRAGMA foreign_keys = OFF", err) < 0)
		goto out;
	fk_off = 1;
	if (db_map(db, 1, err) < 0 || db_begin(db, err) < 0)
		goto out;
	if (prepare_night(&r, err) < 0)
		goto fail;
	/* Last night's rows are read meanwhile when they can be (graph/previous.h). */
	if (r.pv_apart)
		gprev_start(&r.pv, db->path, r.night, 1);
	/* So are the register rows, from a table the stage never writes. */
	apart_start(&r.regs_apart, db->path, load_registers, &r);
	if (gmodel_load(&r.gm, db, &r.conf, r.night, err) < 0 || load_mentions(&r, err) < 0)
		goto fail;
	if (apart_done(&r.regs_apart, db, load_registers, drop_registers, &r, err) < 0 ||
	    gcompanion_run(db, &r.gm, &r.mn, &r.regs, &r.conf, r.night, &sum->companions, err) < 0)
		goto fail;
	gcompanion_rows_release(&r.regs);
	gmodel_finish(&r.gm, &r.conf);
	if (load_previous(&r, err) < 0)
		goto fail;
	/*
	 * So are the crime reports, from tables the stage never writes, while
	 * it clusters (Leiden keeps one core), not while it loads: then the
	 * second core reads last night's rows, which the stage waits for.
	 */
	apart_start(&r.crimes, db->path, load_crimes, &r);
	sum->secs_load = step_secs(&c1);
	prev = (struct gcomm_prev){ r.start, r.nold, r.old_size, r.old_sig, r.old_btw, r.old_pr };
	if (gcomm_cluster(&r.gc, &r.gm, &r.conf, r.start ? &prev : NULL, err) < 0)
		goto fail;
	sum->secs_cluster = r.gc.secs_cluster;
	sum->method = r.gc.method;
	/*
	 * Centrality on a thread of its own while this one does what needs
	 * only the clusters: their ids and rows, and the series.
	 */
	gcomm_centrality_start(&r.gc, &r.gm, &r.conf, r.start ? &prev : NULL);
	keep_component_ids(&r);
	group_members(&r);
	step_secs(&c1);
	if (apart_done(&r.crimes, db, load_crimes, drop_crimes, &r, err) < 0 ||
	    match_previous(&r, err) < 0)
		goto fail;
	count_reports(&r);
	score_clusters(&r);
	sum->secs_crimes = step_secs(&c1);
	if (write_clusters(&r, sum, err) < 0)
		goto fail;
	sum->secs_write = step_secs(&c1);
	if (gseries_run(db, &r.cr, &r.gm, &r.gc, r.cluster_id, &r.conf, r.night, &sum->series, err) < 0)
		goto fail;
	sum->secs_series = step_secs(&c1);
	if (gcomm_centrality_wait(&r.gc, err) < 0)
		goto fail;
	sum->secs_centrality = r.gc.secs_centrality;
	rank_members(&r);
	/* The pictures are laid out on a thread while this one writes members and scores. */
	if (start_layouts(&r, err) < 0)
		goto fail;
	sum->secs_layout = step_secs(&c1);
	if (write_members(&r, err) < 0 || write_scores(&r, err) < 0)
		goto fail;
	sum->secs_write += step_secs(&c1);
	if (glayouts_write(&r.layouts, db, r.night, err) < 0) {
		err_prefix(err, "cluster pictures");
		goto fail;
	}
	sum->secs_layout += step_secs(&c1);
	/* Keep the previous night's members and pictures for a re-run of this one; drop older ones. */
	if (r.prev[0] && (db_run(db, err, "DELETE FROM cluster_span WHERE last_night < ?", "s", r.prev) < 0 ||
			  db_run(db, err, "DELETE FROM graph_night WHERE night < ?", "s", r.prev) < 0 ||
			  db_run(db, err, "DELETE FROM cluster_layout WHERE night < ?", "s", r.prev) < 0))
		goto fail;
	sum->entities = r.gm.nv;
	sum->links = r.gm.ne;
	for (long v = 0; v < r.gm.nv; v++)
		sum->hubs += r.gm.out[v];
	sum->components = r.gc.ncomp;
	sum->redo = r.gc.nredo;
	sum->btw_kept = r.gc.nreused;
	sum->leiden_nodes = r.gc.nnodes;
	sum->clusters = r.gc.nclu;
	if (log_run(&r, started, sum, err) < 0 || db_commit(db, err) < 0)
		goto fail;
	sum->secs_commit = step_secs(&c1);
	sum->secs_total = clock_secs(CLOCK_MONOTONIC) - t0;
	sum->cpu_total = clock_secs(CLOCK_PROCESS_CPUTIME_ID) - c0;
	rc = 0;
	goto out;
fail:
	db_rollback(db);
out:
	if (fk_off && db_map(db, 0, rc < 0 ? NULL : err) < 0)
		rc = -1;
	if (fk_off && db_exec(db, "PRAGMA foreign_keys = ON", rc < 0 ? NULL : err) < 0)
		rc = -1;
	if (rc < 0)
		err_prefix(err, "graph");
	run_release(&r);
	return rc;
}
