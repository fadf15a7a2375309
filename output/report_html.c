/*
 * report_html: the morning report as one self-contained Chinese HTML
 * page.  Inline CSS, inline SVG, no script, no external resource, so it
 * opens offline in any browser and prints.  A Content-Security-Policy
 * forbids scripts outright as a second wall; the first is that every
 * string from a record goes through escape_html, including those inside
 * SVG.  Pictures: a chart per spike (observed counts, expected value,
 * the band up to the alarm threshold) and a link chart per new or
 * changed cluster (the graph stage's layout when stored, else a circle
 * around the key player).
 */
#include "output/report_data.h"
#include "output/escape.h"

#include <errno.h>
#include <math.h>
#include <string.h>

static const char head[] =
	"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	"style-src 'unsafe-inline'; img-src data:\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";

static const char style[] =
	"<style>\n"
	"body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",\"PingFang SC\",sans-serif;"
	"margin:0 auto;max-width:60em;padding:1em 1.5em;color:#222;line-height:1.5}\n"
	"h1{font-size:1.6em;border-bottom:3px solid #8b0000;padding-bottom:.2em}\n"
	"h2{font-size:1.25em;margin-top:1.6em;border-left:5px solid #8b0000;padding-left:.4em}\n"
	"h3{font-size:1.05em;margin:.2em 0}\n"
	".note{color:#666;font-size:.9em}\n"
	".counts{display:flex;flex-wrap:wrap;gap:.6em}\n"
	".count{border:1px solid #ccc;border-radius:4px;padding:.4em .8em;min-width:7em}\n"
	".count b{display:block;font-size:1.4em}\n"
	".warning{border:1px solid #ddd;border-left:6px solid #999;padding:.5em .8em;margin:.8em 0}\n"
	".sev-high{border-left-color:#c00}.sev-mid{border-left-color:#e69500}"
	".sev-low{border-left-color:#4a90d9}\n"
	".sev{display:inline-block;min-width:2.2em;text-align:center;color:#fff;background:#999;"
	"border-radius:3px;margin-right:.4em}\n"
	".sev-high .sev{background:#c00}.sev-mid .sev{background:#e69500}"
	".sev-low .sev{background:#4a90d9}\n"
	".tag{font-size:.8em;border:1px solid #c00;color:#c00;border-radius:3px;padding:0 .3em}\n"
	"dl{display:grid;grid-template-columns:6em 1fr;gap:.1em .6em;margin:.4em 0}"
	"dt{color:#666}dd{margin:0;word-break:break-all}\n"
	"blockquote{margin:.3em 0;padding:.2em .6em;background:#f6f6f6;border-left:3px solid #bbb}\n"
	".ref{font-family:monospace;font-size:.9em}\n"
	"table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #ccc;padding:.1em .5em}\n"
	"svg{max-width:100%;height:auto;background:#fff;border:1px solid #eee}\n"
	"svg text{font-size:11px;fill:#333}\n"
	"@media print{.warning{break-inside:avoid}}\n"
	"</style>\n";

static void h(struct sbuf *sb, const char *s)
{
	if (s && *s)
		escape_html(sb, s);
	else
		sbuf_adds(sb, "—");
}

static void h_list(struct sbuf *sb, const struct report_strs *l)
{
	if (!l->n)
		sbuf_adds(sb, "—");
	for (size_t i = 0; i < l->n; i++) {
		sbuf_adds(sb, i ? "、<span class=\"ref\">" : "<span class=\"ref\">");
		escape_html(sb, l->v[i]);
		sbuf_adds(sb, "</span>");
	}
}

static void h_ref(struct sbuf *sb, const struct report_ref *r)
{
	sbuf_adds(sb, "<blockquote><span class=\"ref\">");
	h(sb, r->ref);
	sbuf_adds(sb, "</span> ");
	h(sb, r->when);
	if (*r->place) {
		sbuf_adds(sb, " · ");
		escape_html(sb, r->place);
	}
	if (r->informant) {
		sbuf_adds(sb, "<br>线人报告，内容不在晨报中显示。");
	} else if (*r->snippet) {
		sbuf_adds(sb, "<br>");
		escape_html(sb, r->snippet);
	}
	sbuf_adds(sb, "</blockquote>\n");
}

static const char *sev_class(int severity)
{
	return severity >= 70 ? "sev-high" : severity >= 40 ? "sev-mid" : "sev-low";
}

/* ---- the spike chart ------------------------------------------------ */

enum { CW = 640, CH = 220, CL = 40, CR = 12, CT = 12, CB = 34 };

static double chart_x(size_t i, size_t n)
{
	return CL + (n > 1 ? (double)i * (CW - CL - CR) / (double)(n - 1) : (CW - CL - CR) / 2.0);
}

static double chart_y(double v, double top)
{
	return CT + (CH - CT - CB) * (1.0 - v / top);
}

/*
 * The band between expected and threshold, a dashed expected line, the
 * observed counts as a line with dots (red where above the threshold).
 * Days the warn stage left without a value are skipped.
 */
static void h_chart(struct sbuf *sb, const struct report_warning *w)
{
	size_t n = w->n_series;
	double top = 1;
	int first;

	for (size_t i = 0; i < n; i++) {
		const struct report_point *p = &w->series[i];

		if (!isnan(p->observed) && p->observed > top)
			top = p->observed;
		if (!isnan(p->threshold) && p->threshold > top)
			top = p->threshold;
	}
	top = ceil(top * 1.1);
	sbuf_addf(sb, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\""
		  " xmlns=\"http://www.w3.org/2000/svg\"><title>每日数量：",
		  CW, CH, CW, CH);
	escape_html(sb, w->title);
	sbuf_adds(sb, "</title>\n");
	sbuf_addf(sb, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>",
		  CL, CH - CB, CW - CR, CH - CB);
	sbuf_addf(sb, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>",
		  CL, CT, CL, CH - CB);
	sbuf_addf(sb, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f</text>"
		  "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n",
		  CL - 4, CT + 8, top, CL - 4, CH - CB);
	/* The band: along the thresholds, back along the expected values. */
	sbuf_adds(sb, "<polygon fill=\"#f5d5a0\" fill-opacity=\"0.6\" stroke=\"none\" points=\"");
	for (size_t i = 0; i < n; i++)
		if (!isnan(w->series[i].threshold) && !isnan(w->series[i].expected))
			sbuf_addf(sb, "%.1f,%.1f ", chart_x(i, n), chart_y(w->series[i].threshold, top));
	for (size_t i = n; i-- > 0;)
		if (!isnan(w->series[i].threshold) && !isnan(w->series[i].expected))
			sbuf_addf(sb, "%.1f,%.1f ", chart_x(i, n), chart_y(w->series[i].expected, top));
	sbuf_adds(sb, "\"/>\n<polyline fill=\"none\" stroke=\"#e69500\" stroke-dasharray=\"5,3\" points=\"");
	for (size_t i = 0; i < n; i++)
		if (!isnan(w->series[i].expected))
			sbuf_addf(sb, "%.1f,%.1f ", chart_x(i, n), chart_y(w->series[i].expected, top));
	sbuf_adds(sb, "\"/>\n<polyline fill=\"none\" stroke=\"#1f4e99\" stroke-width=\"2\" points=\"");
	for (size_t i = 0; i < n; i++)
		if (!isnan(w->series[i].observed))
			sbuf_addf(sb, "%.1f,%.1f ", chart_x(i, n), chart_y(w->series[i].observed, top));
	sbuf_adds(sb, "\"/>\n");
	for (size_t i = 0; i < n; i++) {
		const struct report_point *p = &w->series[i];
		int alarm = !isnan(p->threshold) && p->observed > p->threshold;

		if (isnan(p->observed))
			continue;
		sbuf_addf(sb, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"><title>",
			  chart_x(i, n), chart_y(p->observed, top), alarm ? 4 : 3,
			  alarm ? "#c00" : "#1f4e99");
		escape_html(sb, p->date);
		sbuf_addf(sb, "：实际 %.0f", p->observed);
		if (!isnan(p->expected))
			sbuf_addf(sb, "，期望 %.2f", p->expected);
		if (!isnan(p->threshold))
			sbuf_addf(sb, "，阈值 %.2f", p->threshold);
		sbuf_adds(sb, "</title></circle>\n");
	}
	first = 1;
	for (size_t i = 0; i < n; i += (n > 8 ? (n + 6) / 7 : 1)) {
		sbuf_addf(sb, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
			  chart_x(i, n), CH - CB + 14);
		escape_html(sb, w->series[i].date + (first ? 0 : 5));
		sbuf_adds(sb, "</text>");
		first = 0;
	}
	sbuf_addf(sb, "\n<text x=\"%d\" y=\"%d\">— 实际数量　- - 期望值　▇ 期望至报警阈值</text>"
		  "</svg>\n", CL, CH - 4);
}

/* ---- the cluster picture -------------------------------------------- */

enum { GW = 420, GH = 320, GP = 40 };

static const char *node_colour(const char *type)
{
	static const char *const colours[][2] = {
		{ "person", "#d9534f" }, { "phone", "#2a9fd6" }, { "idcard", "#f0ad4e" },
		{ "plate", "#5cb85c" }, { "place", "#8e7cc3" }, { "org", "#777777" },
		{ "imei", "#20b2aa" }, { "bankcard", "#b8860b" }, { "case", "#444444" },
	};

	for (size_t i = 0; i < sizeof(colours) / sizeof(colours[0]); i++)
		if (!strcmp(type, colours[i][0]))
			return colours[i][1];
	return "#999999";
}

static void h_cluster_svg(struct sbuf *sb, const struct report_cluster *c)
{
	double maxw = 1;

	for (size_t i = 0; i < c->n_edges; i++)
		if (c->edges[i].weight > maxw)
			maxw = c->edges[i].weight;
	sbuf_addf(sb, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\""
		  " xmlns=\"http://www.w3.org/2000/svg\"><title>团伙 ", GW, GH, GW, GH);
	escape_html(sb, c->id);
	sbuf_adds(sb, " 关系图</title>\n");
	for (size_t i = 0; i < c->n_edges; i++) {
		const struct report_node *a = &c->nodes[c->edges[i].a];
		const struct report_node *b = &c->nodes[c->edges[i].b];

		sbuf_addf(sb, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
			  " stroke=\"#888\" stroke-width=\"%.1f\"/>\n",
			  GP + a->x * (GW - 2 * GP), GP + a->y * (GH - 2 * GP),
			  GP + b->x * (GW - 2 * GP), GP + b->y * (GH - 2 * GP),
			  1 + 3 * c->edges[i].weight / maxw);
	}
	for (size_t i = 0; i < c->n_nodes; i++) {
		const struct report_node *nd = &c->nodes[i];
		double x = GP + nd->x * (GW - 2 * GP), y = GP + nd->y * (GH - 2 * GP);

		sbuf_addf(sb, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"><title>",
			  x, y, nd->rank == 1 ? 11 : 7, node_colour(nd->type));
		h(sb, *nd->key ? nd->key : nd->label);
		sbuf_addf(sb, "</title></circle><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
			  x, y + 20);
		escape_html(sb, nd->label);
		sbuf_adds(sb, "</text>\n");
	}
	sbuf_addf(sb, "<text x=\"4\" y=\"%d\">%s</text></svg>\n", GH - 4,
		  c->layout_stored ? "布局：图分析阶段" : "布局：关键人物居中，其余按排名环绕");
}

/* ---- sections -------------------------------------------------------- */

static void h_counts(struct sbuf *sb, const struct report_data *d)
{
	static const char *const names[] = {
		"报告总数", "当晚新报告", "拒收（隔离）", "实体", "关联", "当晚预警",
	};
	long v[] = { d->reports, d->new_reports, d->rejected, d->entities, d->links,
		     d->warnings_total };

	sbuf_adds(sb, "<section id=\"counts\"><h2>概况</h2><div class=\"counts\">\n");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		sbuf_addf(sb, "<div class=\"count\"><b>%ld</b>%s</div>\n", v[i], names[i]);
	sbuf_adds(sb, "</div></section>\n");
}

static void h_warning(struct sbuf *sb, size_t i, const struct report_warning *w)
{
	const char *kind = report_title_kind(w);

	sbuf_addf(sb, "<article class=\"warning %s\"><h3><span class=\"sev\">%d</span>%zu. %s%s",
		  sev_class(w->severity), w->severity, i + 1, kind, *kind ? "：" : "");
	escape_html(sb, w->title);
	if (w->is_new)
		sbuf_adds(sb, " <span class=\"tag\">新</span>");
	sbuf_adds(sb, "</h3>\n<dl><dt>编号</dt><dd class=\"ref\">");
	h(sb, w->id);
	sbuf_adds(sb, "</dd><dt>首次</dt><dd>");
	h(sb, w->first_night);
	sbuf_adds(sb, "</dd><dt>对象</dt><dd>");
	h_list(sb, &w->subject);
	sbuf_adds(sb, "</dd><dt>说明</dt><dd>");
	h(sb, w->explanation);
	sbuf_adds(sb, "</dd><dt>涉及实体</dt><dd>");
	h_list(sb, &w->entities);
	sbuf_addf(sb, "</dd><dt>依据报告</dt><dd>%ld 份：", w->n_reports);
	h_list(sb, &w->reports);
	sbuf_adds(sb, "</dd></dl>\n");
	if (w->n_series)
		h_chart(sb, w);
	for (size_t k = 0; k < w->evidence.n; k++)
		h_ref(sb, &w->evidence.v[k]);
	sbuf_adds(sb, "</article>\n");
}

static void h_warnings(struct sbuf *sb, const struct report_data *d)
{
	sbuf_addf(sb, "<section id=\"warnings\"><h2>预警（按严重程度，共 %ld", d->warnings_total);
	if ((long)d->n_warnings < d->warnings_total)
		sbuf_addf(sb, "，显示前 %zu", d->n_warnings);
	sbuf_adds(sb, "）</h2>\n");
	if (!d->n_warnings)
		sbuf_adds(sb, "<p>当晚无预警。</p>\n");
	for (size_t i = 0; i < d->n_warnings; i++)
		h_warning(sb, i, &d->warnings[i]);
	if (d->n_held) {
		sbuf_addf(sb, "<h3>另有 %ld 条未单列（各类每晚只列最重要的几条，其余在此计数，"
			  "各列最严重的 %d 条）</h3>\n<ul class=\"held\">\n", d->held_total,
			  d->params.held_shown);
		for (size_t i = 0; i < d->n_held; i++) {
			const struct report_held *h = &d->held[i];

			sbuf_addf(sb, "<li><b>%s %ld 条</b>：", report_kind_name(h->kind), h->n);
			for (size_t k = 0; k < h->titles.n; k++) {
				if (k)
					sbuf_adds(sb, "；");
				escape_html(sb, h->titles.v[k]);
			}
			if ((long)h->titles.n < h->n)
				sbuf_adds(sb, "……");
			sbuf_adds(sb, "</li>\n");
		}
		sbuf_adds(sb, "</ul>\n");
	}
	sbuf_adds(sb, "</section>\n");
}

static void h_hits(struct sbuf *sb, const struct report_data *d)
{
	sbuf_adds(sb, "<section id=\"watchlist\"><h2>布控比中</h2>\n");
	if (!d->n_hits)
		sbuf_adds(sb, "<p>当晚无布控比中。</p>\n");
	for (size_t i = 0; i < d->n_hits; i++) {
		const struct report_hit *hit = &d->hits[i];

		sbuf_addf(sb, "<article class=\"warning %s\"><h3><span class=\"sev\">%d</span>",
			  sev_class(hit->severity), hit->severity);
		h(sb, hit->warning_id);
		sbuf_adds(sb, "</h3><dl><dt>名单</dt><dd>");
		h(sb, hit->list);
		sbuf_adds(sb, "</dd><dt>对象</dt><dd class=\"ref\">");
		h(sb, hit->key);
		sbuf_adds(sb, "</dd><dt>备注</dt><dd>");
		h(sb, hit->note);
		sbuf_adds(sb, "</dd></dl>\n");
		for (size_t k = 0; k < hit->seen.n; k++)
			h_ref(sb, &hit->seen.v[k]);
		sbuf_adds(sb, "</article>\n");
	}
	sbuf_adds(sb, "</section>\n");
}

static void h_clusters(struct sbuf *sb, const struct report_data *d)
{
	sbuf_adds(sb, "<section id=\"clusters\"><h2>新出现或变化的团伙</h2>\n");
	if (!d->n_clusters)
		sbuf_adds(sb, "<p>当晚无新出现或变化的团伙。</p>\n");
	for (size_t i = 0; i < d->n_clusters; i++) {
		const struct report_cluster *c = &d->clusters[i];

		sbuf_adds(sb, "<article class=\"warning\"><h3>");
		h(sb, c->id);
		sbuf_addf(sb, "（%s，%ld 个成员，评分 %.2f）", report_status_name(c->status),
			  c->size, c->score);
		if (c->is_series)
			sbuf_adds(sb, " <span class=\"tag\">串并案候选</span>");
		sbuf_adds(sb, "</h3>\n");
		h_cluster_svg(sb, c);
		sbuf_adds(sb, "<dl><dt>实体</dt><dd>");
		h_list(sb, &c->entities);
		sbuf_adds(sb, "</dd><dt>报告</dt><dd>");
		h_list(sb, &c->reports);
		sbuf_adds(sb, "</dd></dl></article>\n");
	}
	sbuf_adds(sb, "</section>\n");
}

static void h_series(struct sbuf *sb, const struct report_data *d)
{
	sbuf_adds(sb, "<section id=\"series\"><h2>串并案线索</h2>\n");
	if (!d->n_series)
		sbuf_adds(sb, "<p>当晚无串并案候选。</p>\n");
	for (size_t i = 0; i < d->n_series; i++) {
		const struct report_series *s = &d->series[i];

		sbuf_adds(sb, "<article class=\"warning\"><h3>团伙 ");
		h(sb, s->cluster);
		sbuf_addf(sb, "：%ld 份报告，评分 %.2f</h3>\n", s->n_reports, s->score);
		for (size_t k = 0; k < s->reports.n; k++)
			h_ref(sb, &s->reports.v[k]);
		sbuf_adds(sb, "</article>\n");
	}
	sbuf_adds(sb, "</section>\n");
}

static void h_strs_ul(struct sbuf *sb, const char *prefix, const struct report_strs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		sbuf_addf(sb, "<li>%s", prefix);
		escape_html(sb, l->v[i]);
		sbuf_adds(sb, "</li>\n");
	}
}

static void h_changes(struct sbuf *sb, const struct report_data *d)
{
	const struct report_changes *ch = &d->changes;

	sbuf_adds(sb, "<section id=\"changes\"><h2>与上一份晨报相比</h2>\n");
	if (ch->first) {
		sbuf_adds(sb, "<p>这是第一份晨报，没有可比较的上一份。</p>\n<ul>\n");
	} else {
		sbuf_adds(sb, "<p>上一份晨报：");
		h(sb, ch->prev_night);
		sbuf_addf(sb, "（当晚新报告 %ld，本晚 %ld）。</p>\n<ul>\n", ch->prev_new_reports,
			  d->new_reports);
		sbuf_addf(sb, "<li>新预警 %zu，持续 %ld，已结束 %zu</li>\n", ch->new_warnings.n,
			  ch->n_continuing, ch->ended_warnings.n);
		h_strs_ul(sb, "新：", &ch->new_warnings);
		h_strs_ul(sb, "结束：", &ch->ended_warnings);
	}
	for (size_t i = 0; i < ch->n_cluster_status; i++)
		sbuf_addf(sb, "<li>团伙%s：%ld</li>\n",
			  report_status_name(ch->cluster_status[i].name), ch->cluster_status[i].n);
	sbuf_adds(sb, "</ul></section>\n");
}

static void h_quality(struct sbuf *sb, const struct report_data *d)
{
	const struct report_quality *q = &d->quality;

	sbuf_addf(sb, "<section id=\"quality\"><h2>数据质量</h2>\n<ul><li>隔离记录（自上一份晨报）：%ld",
		  q->quarantined);
	if (q->n_reasons || q->n_samples) {
		sbuf_adds(sb, "<ul>\n");
		for (size_t i = 0; i < q->n_reasons; i++) {
			sbuf_adds(sb, "<li>");
			escape_html(sb, q->reasons[i].name);
			sbuf_addf(sb, "：%ld</li>\n", q->reasons[i].n);
		}
		for (size_t i = 0; i < q->n_samples; i++) {
			sbuf_adds(sb, "<li>例：<span class=\"ref\">");
			escape_html(sb, q->samples[i].file);
			sbuf_addf(sb, "</span> 第 %ld 行，", q->samples[i].line);
			escape_html(sb, q->samples[i].reason);
			sbuf_adds(sb, "</li>\n");
		}
		sbuf_adds(sb, "</ul>");
	}
	sbuf_addf(sb, "</li>\n<li>沉寂的来源：%zu", q->n_quiet);
	if (q->n_quiet) {
		sbuf_adds(sb, "<ul>\n");
		for (size_t i = 0; i < q->n_quiet; i++) {
			sbuf_adds(sb, "<li>");
			escape_html(sb, !strcmp(q->quiet[i].name, "informant") ? "线人渠道"
										: q->quiet[i].name);
			sbuf_addf(sb, "：此前 %ld 份，最后一份 ", q->quiet[i].n);
			h(sb, q->quiet[i].last);
			sbuf_adds(sb, "</li>\n");
		}
		sbuf_adds(sb, "</ul>");
	}
	if (d->changes.first)
		sbuf_adds(sb, "</li>\n<li>迟到的报告：无上一份晨报，不计");
	else
		sbuf_addf(sb, "</li>\n<li>迟到的报告（接报早于本晚、自上一份晨报后才入库）：%ld",
			  q->late);
	sbuf_addf(sb, "</li>\n<li>接报时间无法识别：%ld</li></ul>\n", q->undated);
	for (size_t i = 0; i < q->late_refs.n; i++)
		h_ref(sb, &q->late_refs.v[i]);
	sbuf_adds(sb, "</section>\n");
}

int report_html_write(const struct report_data *d, FILE *out, struct err *err)
{
	struct sbuf sb = SBUF_INIT;
	int rc = 0;

	sbuf_adds(&sb, head);
	sbuf_addf(&sb, "<title>晨报 %s</title>\n", d->night);
	sbuf_adds(&sb, style);
	sbuf_addf(&sb, "</head>\n<body>\n<header><h1>晨报 %s</h1>\n<p class=\"note\">生成时间 ",
		  d->night);
	escape_html(&sb, d->generated_at);
	sbuf_adds(&sb, "。本报告不显示线人身份；线人报告以编号代替。</p></header>\n");
	h_counts(&sb, d);
	h_warnings(&sb, d);
	h_hits(&sb, d);
	h_clusters(&sb, d);
	h_series(&sb, d);
	h_changes(&sb, d);
	h_quality(&sb, d);
	sbuf_adds(&sb, "<footer class=\"note\">lookout 晨报 · 内部资料</footer>\n</body>\n</html>\n");
	if (fwrite(sb.buf, 1, sb.len, out) != sb.len)
		rc = err_set(err, "cannot write the report: %s", strerror(errno));
	sbuf_release(&sb);
	return rc;
}
