/*
 * conf: a table of parameters, each with its type and place in struct
 * graph_conf, so that reading a line is one loop and a new parameter is
 * one line in the table and one in data/graph.conf.
 */
#include "graph/conf.h"
#include "common/conf.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_INT, K_DOUBLE, K_STR };

static const struct param {
	const char *name;
	enum kind kind;
	size_t off;
} params[] = {
#define P(name, kind) { #name, kind, offsetof(struct graph_conf, name) }
	P(half_life_days, K_DOUBLE),
	P(evidence_boost, K_DOUBLE),
	P(min_weight, K_DOUBLE),
	P(skip_types, K_STR),
	P(skip_place_levels, K_STR),
	P(hub_degree, K_INT),
	P(community, K_STR),
	P(resolution, K_DOUBLE),
	P(leiden_beta, K_DOUBLE),
	P(leiden_iterations, K_INT),
	P(recluster_whole, K_INT),
	P(recluster_hops, K_INT),
	P(recluster_piece, K_INT),
	P(seed, K_INT),
	P(min_cluster_size, K_INT),
	P(match_min_members, K_INT),
	P(match_min_share, K_DOUBLE),
	P(score_scale, K_DOUBLE),
	P(other_report_weight, K_DOUBLE),
	P(betweenness_samples, K_INT),
	P(pagerank_damping, K_DOUBLE),
	P(key_members, K_INT),
	P(crime_categories, K_STR),
	P(join_types, K_STR),
	P(series_skip_roles, K_STR),
	P(join_weight, K_STR),
	P(hop_decay, K_DOUBLE),
	P(series_all_pairs, K_INT),
	P(series_scope_max, K_INT),
	P(series_size_scale, K_DOUBLE),
	P(mixed_category_factor, K_DOUBLE),
	P(hotel_kinds, K_STR),
	P(netcafe_kinds, K_STR),
	P(hotel_night_hour, K_INT),
	P(netcafe_window_minutes, K_INT),
	P(companion_min_occasions, K_INT),
	P(companion_max_crowd, K_INT),
	P(companion_weight, K_DOUBLE),
	P(layout_clusters, K_INT),
	P(layout_nodes, K_INT),
	P(layout_iterations, K_INT),
#undef P
};

#define NPARAMS (sizeof(params) / sizeof(params[0]))

static void set_str(struct graph_conf *c, size_t off, const char *s)
{
	char **p = (char **)((char *)c + off);

	free(*p);
	*p = xstrdup(s);
}

void graph_conf_init(struct graph_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->half_life_days = 180;
	c->evidence_boost = 0;
	c->min_weight = 0.001;
	c->skip_types = xstrdup("category org item");
	c->skip_place_levels = xstrdup("province city district county street township community road");
	c->hub_degree = 500;
	c->community = xstrdup("leiden");
	c->resolution = 1.0;
	c->leiden_beta = 0.01;
	c->leiden_iterations = 2;
	c->recluster_whole = 50;
	c->recluster_hops = 1;
	c->recluster_piece = 16;
	c->seed = 20261121;
	c->min_cluster_size = 3;
	c->match_min_members = 2;
	c->match_min_share = 0.25;
	c->score_scale = 5;
	c->other_report_weight = 0.25;
	c->betweenness_samples = 64;
	c->pagerank_damping = 0.85;
	c->key_members = 5;
	c->crime_categories = xstrdup("burglary theft pickpocketing vehicle_theft robbery "
				      "fraud assault gambling drugs");
	c->join_types = xstrdup("person idcard phone plate imei bankcard vin email qq wechat case");
	c->series_skip_roles = xstrdup("reporter victim");
	c->join_weight = xstrdup("idcard:1.0 imei:1.0 vin:1.0 case:1.0 plate:0.9 bankcard:0.9 "
				 "phone:0.8 wechat:0.8 qq:0.8 email:0.8 person:0.7");
	c->hop_decay = 0.8;
	c->series_all_pairs = 8;
	c->series_scope_max = 2000;
	c->series_size_scale = 2;
	c->mixed_category_factor = 0.8;
	c->hotel_kinds = xstrdup("lodging");
	c->netcafe_kinds = xstrdup("netcafe");
	c->hotel_night_hour = 12;
	c->netcafe_window_minutes = 30;
	c->companion_min_occasions = 3;
	c->companion_max_crowd = 200;
	c->companion_weight = 0.5;
	c->layout_clusters = 100;
	c->layout_nodes = 24;
	c->layout_iterations = 500;
}

void graph_conf_release(struct graph_conf *c)
{
	for (size_t i = 0; i < NPARAMS; i++) {
		if (params[i].kind == K_STR) {
			char **p = (char **)((char *)c + params[i].off);

			free(*p);
			*p = NULL;
		}
	}
}

static int set_param(void *ctx, const char *name, const char *val, struct err *err)
{
	struct graph_conf *c = ctx;

	for (size_t i = 0; i < NPARAMS; i++) {
		const struct param *p = &params[i];
		char *end;

		if (strcmp(p->name, name))
			continue;
		errno = 0;
		if (p->kind == K_STR) {
			set_str(c, p->off, val);
		} else if (p->kind == K_INT) {
			long v = strtol(val, &end, 10);

			if (errno || end == val || *end || v < -1000000000L || v > 1000000000L)
				return err_set(err, "'%s' is not a whole number", val);
			*(int *)((char *)c + p->off) = (int)v;
		} else {
			double v = strtod(val, &end);

			if (errno || end == val || *end)
				return err_set(err, "'%s' is not a number", val);
			*(double *)((char *)c + p->off) = v;
		}
		return 0;
	}
	return err_set(err, "unknown parameter '%s'", name);
}

int graph_conf_load(struct graph_conf *c, const char *dir, struct err *err)
{
	char *path = xasprintf("%s/graph.conf", dir);
	int rc = conf_read(path, 1, set_param, c, err);

	if (rc == 0 && strcmp(c->community, "leiden") && strcmp(c->community, "multilevel"))
		rc = err_set(err, "%s: community must be leiden or multilevel, not '%s'",
			     path, c->community);
	if (rc == 0 && (c->half_life_days <= 0 || c->min_cluster_size < 2 ||
			c->netcafe_window_minutes < 0 || c->companion_min_occasions < 1 ||
			c->hotel_night_hour < 0 || c->hotel_night_hour > 23 ||
			c->recluster_whole < 0 || c->recluster_hops < 0 || c->recluster_piece < 1))
		rc = err_set(err, "%s: half_life_days must be > 0, min_cluster_size >= 2, "
			     "companion_min_occasions >= 1, hotel_night_hour 0-23, "
			     "recluster_whole and recluster_hops >= 0, recluster_piece >= 1", path);
	free(path);
	return rc;
}

int graph_conf_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	if (!n)
		return 0;
	for (const char *p = list; (p = strstr(p, word)); p += n) {
		int start = p == list || p[-1] == ' ';
		int end = p[n] == '\0' || p[n] == ' ';

		if (start && end)
			return 1;
	}
	return 0;
}

double graph_conf_join_weight(const struct graph_conf *c, const char *type)
{
	size_t n = strlen(type);

	for (const char *p = c->join_weight; (p = strstr(p, type)); p += n) {
		if ((p == c->join_weight || p[-1] == ' ') && p[n] == ':')
			return atof(p + n + 1);
	}
	return 0.5;
}

char *graph_conf_json_list(const char *list)
{
	struct sbuf sb = SBUF_INIT;
	const char *p = list;

	sbuf_addch(&sb, '[');
	while (*p) {
		size_t n;

		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (!n)
			break;
		if (sb.len > 1)
			sbuf_addch(&sb, ',');
		/* Words are type and category names: no quotes or backslashes. */
		sbuf_addch(&sb, '"');
		for (size_t i = 0; i < n; i++)
			if (p[i] != '"' && p[i] != '\\')
				sbuf_addch(&sb, p[i]);
		sbuf_addch(&sb, '"');
		p += n;
	}
	sbuf_addch(&sb, ']');
	return sbuf_detach(&sb);
}
