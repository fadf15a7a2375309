/*
 * report_md: the morning report as Markdown, in Chinese, with the same
 * sections as the HTML page (counts, warnings with evidence, watchlist
 * hits, clusters, series, changes, data quality).  Every string that
 * came from a record goes through escape_md; the document is built in
 * memory and written at once.
 */
#include "output/report_data.h"
#include "output/escape.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* "text" escaped, or "—" when empty. */
static void md(struct sbuf *sb, const char *s)
{
	if (s && *s)
		escape_md(sb, s);
	else
		sbuf_adds(sb, "—");
}

static void md_list(struct sbuf *sb, const struct report_strs *l)
{
	if (!l->n)
		sbuf_adds(sb, "—");
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			sbuf_adds(sb, ", ");
		escape_md(sb, l->v[i]);
	}
}

static void md_ref(struct sbuf *sb, const struct report_ref *r, const char *indent)
{
	sbuf_addf(sb, "%s- ", indent);
	md(sb, r->ref);
	sbuf_adds(sb, "（");
	md(sb, r->when);
	if (*r->place) {
		sbuf_adds(sb, "，");
		escape_md(sb, r->place);
	}
	sbuf_adds(sb, "）");
	if (r->informant)
		sbuf_adds(sb, "：线人报告，内容不在晨报中显示");
	else if (*r->snippet) {
		sbuf_adds(sb, "：");
		escape_md(sb, r->snippet);
	}
	sbuf_addch(sb, '\n');
}

static void md_num(struct sbuf *sb, double v)
{
	if (isnan(v))
		sbuf_adds(sb, "—");
	else if (v == floor(v))
		sbuf_addf(sb, "%.0f", v);
	else
		sbuf_addf(sb, "%.2f", v);
}

/* What the warn stage held back beyond each kind's cap: a count and a line a kind. */
static void md_held(struct sbuf *sb, const struct report_data *d)
{
	if (!d->n_held)
		return;
	sbuf_addf(sb, "另有 %ld 条未单列（各类每晚只列最重要的几条，其余在此计数，各列最严重的 %d 条）：\n\n",
		  d->held_total, d->params.held_shown);
	for (size_t i = 0; i < d->n_held; i++) {
		const struct report_held *h = &d->held[i];

		sbuf_addf(sb, "- **%s %ld 条**：", report_kind_name(h->kind), h->n);
		for (size_t k = 0; k < h->titles.n; k++) {
			if (k)
				sbuf_adds(sb, "；");
			escape_md(sb, h->titles.v[k]);
		}
		sbuf_adds(sb, (long)h->titles.n < h->n ? "……\n" : "\n");
	}
	sbuf_adds(sb, "\n");
}

static void md_warning(struct sbuf *sb, size_t i, const struct report_warning *w)
{
	const char *kind = report_title_kind(w);

	sbuf_addf(sb, "### %zu. [%d] %s%s", i + 1, w->severity, kind, *kind ? "：" : "");
	md(sb, w->title);
	sbuf_adds(sb, "\n\n");
	sbuf_adds(sb, "- 编号：");
	md(sb, w->id);
	sbuf_addf(sb, "（%s，首次 ", w->is_new ? "今晚新出现" : "持续");
	md(sb, w->first_night);
	sbuf_adds(sb, "）\n- 对象：");
	md_list(sb, &w->subject);
	sbuf_adds(sb, "\n- 说明：");
	md(sb, w->explanation);
	sbuf_adds(sb, "\n- 涉及实体：");
	md_list(sb, &w->entities);
	sbuf_addf(sb, "\n- 依据报告（%ld）：", w->n_reports);
	md_list(sb, &w->reports);
	sbuf_adds(sb, "\n");
	if (w->evidence.n) {
		sbuf_adds(sb, "- 证据摘录：\n");
		for (size_t k = 0; k < w->evidence.n; k++)
			md_ref(sb, &w->evidence.v[k], "  ");
	}
	if (w->n_series) {
		sbuf_adds(sb, "\n| 日期 | 实际 | 期望 | 阈值 |\n|---|---:|---:|---:|\n");
		for (size_t k = 0; k < w->n_series; k++) {
			sbuf_adds(sb, "| ");
			escape_md(sb, w->series[k].date);
			sbuf_adds(sb, " | ");
			md_num(sb, w->series[k].observed);
			sbuf_adds(sb, " | ");
			md_num(sb, w->series[k].expected);
			sbuf_adds(sb, " | ");
			md_num(sb, w->series[k].threshold);
			sbuf_adds(sb, " |\n");
		}
	}
	sbuf_addch(sb, '\n');
}

static void md_counts(struct sbuf *sb, const struct report_data *d)
{
	sbuf_adds(sb, "## 概况\n\n| 项目 | 数量 |\n|---|---:|\n");
	sbuf_addf(sb, "| 报告总数 | %ld |\n| 当晚新报告 | %ld |\n| 拒收（隔离） | %ld |\n"
		  "| 实体 | %ld |\n| 关联 | %ld |\n| 当晚预警 | %ld |\n\n",
		  d->reports, d->new_reports, d->rejected, d->entities, d->links,
		  d->warnings_total);
}

static void md_hits(struct sbuf *sb, const struct report_data *d)
{
	sbuf_adds(sb, "## 布控比中\n\n");
	if (!d->n_hits)
		sbuf_adds(sb, "当晚无布控比中。\n\n");
	for (size_t i = 0; i < d->n_hits; i++) {
		const struct report_hit *h = &d->hits[i];

		sbuf_adds(sb, "- ");
		md(sb, h->warning_id);
		sbuf_adds(sb, "：名单 ");
		md(sb, h->list);
		sbuf_adds(sb, "，对象 ");
		md(sb, h->key);
		sbuf_adds(sb, "，备注 ");
		md(sb, h->note);
		sbuf_addch(sb, '\n');
		for (size_t k = 0; k < h->seen.n; k++)
			md_ref(sb, &h->seen.v[k], "  ");
	}
	if (d->n_hits)
		sbuf_addch(sb, '\n');
}

static void md_clusters(struct sbuf *sb, const struct report_data *d)
{
	sbuf_adds(sb, "## 新出现或变化的团伙\n\n");
	if (!d->n_clusters)
		sbuf_adds(sb, "当晚无新出现或变化的团伙。\n\n");
	for (size_t i = 0; i < d->n_clusters; i++) {
		const struct report_cluster *c = &d->clusters[i];

		sbuf_adds(sb, "### ");
		md(sb, c->id);
		sbuf_addf(sb, "（%s，%ld 个成员，评分 %.2f%s）\n\n", report_status_name(c->status),
			  c->size, c->score, c->is_series ? "，串并案候选" : "");
		sbuf_adds(sb, "- 关键成员：");
		for (size_t k = 0; k < c->n_nodes; k++) {
			if (k)
				sbuf_adds(sb, ", ");
			escape_md(sb, c->nodes[k].label);
		}
		if (!c->n_nodes)
			sbuf_adds(sb, "—");
		sbuf_adds(sb, "\n- 实体：");
		md_list(sb, &c->entities);
		sbuf_adds(sb, "\n- 报告：");
		md_list(sb, &c->reports);
		sbuf_adds(sb, "\n\n");
	}
}

static void md_series(struct sbuf *sb, const struct report_data *d)
{
	sbuf_adds(sb, "## 串并案线索\n\n");
	if (!d->n_series)
		sbuf_adds(sb, "当晚无串并案候选。\n\n");
	for (size_t i = 0; i < d->n_series; i++) {
		const struct report_series *s = &d->series[i];

		sbuf_adds(sb, "- 团伙 ");
		md(sb, s->cluster);
		sbuf_addf(sb, "：%ld 份报告，评分 %.2f\n", s->n_reports, s->score);
		for (size_t k = 0; k < s->reports.n; k++)
			md_ref(sb, &s->reports.v[k], "  ");
	}
	if (d->n_series)
		sbuf_addch(sb, '\n');
}

static void md_changes(struct sbuf *sb, const struct report_data *d)
{
	const struct report_changes *ch = &d->changes;

	sbuf_adds(sb, "## 与上一份晨报相比\n\n");
	if (ch->first) {
		sbuf_adds(sb, "这是第一份晨报，没有可比较的上一份。\n");
	} else {
		sbuf_adds(sb, "上一份晨报：");
		md(sb, ch->prev_night);
		sbuf_addf(sb, "（当晚新报告 %ld，本晚 %ld）。\n\n", ch->prev_new_reports,
			  d->new_reports);
		sbuf_addf(sb, "- 新预警 %zu，持续 %ld，已结束 %zu\n", ch->new_warnings.n,
			  ch->n_continuing, ch->ended_warnings.n);
		for (size_t i = 0; i < ch->new_warnings.n; i++) {
			sbuf_adds(sb, "  - 新：");
			escape_md(sb, ch->new_warnings.v[i]);
			sbuf_addch(sb, '\n');
		}
		for (size_t i = 0; i < ch->ended_warnings.n; i++) {
			sbuf_adds(sb, "  - 结束：");
			escape_md(sb, ch->ended_warnings.v[i]);
			sbuf_addch(sb, '\n');
		}
	}
	for (size_t i = 0; i < ch->n_cluster_status; i++)
		sbuf_addf(sb, "%s- 团伙%s：%ld\n", i ? "" : "\n",
			  report_status_name(ch->cluster_status[i].name), ch->cluster_status[i].n);
	sbuf_addch(sb, '\n');
}

static void md_quality(struct sbuf *sb, const struct report_data *d)
{
	const struct report_quality *q = &d->quality;

	sbuf_addf(sb, "## 数据质量\n\n- 隔离记录（自上一份晨报）：%ld\n", q->quarantined);
	for (size_t i = 0; i < q->n_reasons; i++) {
		sbuf_adds(sb, "  - ");
		escape_md(sb, q->reasons[i].name);
		sbuf_addf(sb, "：%ld\n", q->reasons[i].n);
	}
	for (size_t i = 0; i < q->n_samples; i++) {
		sbuf_adds(sb, "  - 例：");
		escape_md(sb, q->samples[i].file);
		sbuf_addf(sb, " 第 %ld 行，", q->samples[i].line);
		escape_md(sb, q->samples[i].reason);
		sbuf_addch(sb, '\n');
	}
	sbuf_addf(sb, "- 沉寂的来源：%zu\n", q->n_quiet);
	for (size_t i = 0; i < q->n_quiet; i++) {
		sbuf_adds(sb, "  - ");
		escape_md(sb, !strcmp(q->quiet[i].name, "informant") ? "线人渠道" : q->quiet[i].name);
		sbuf_addf(sb, "：此前 %ld 份，最后一份 ", q->quiet[i].n);
		md(sb, q->quiet[i].last);
		sbuf_addch(sb, '\n');
	}
	if (d->changes.first)
		sbuf_adds(sb, "- 迟到的报告：无上一份晨报，不计\n");
	else
		sbuf_addf(sb, "- 迟到的报告（接报早于本晚、自上一份晨报后才入库）：%ld\n", q->late);
	for (size_t i = 0; i < q->late_refs.n; i++)
		md_ref(sb, &q->late_refs.v[i], "  ");
	sbuf_addf(sb, "- 接报时间无法识别：%ld\n", q->undated);
}

int report_md_write(const struct report_data *d, FILE *out, struct err *err)
{
	struct sbuf sb = SBUF_INIT;
	int rc = 0;

	sbuf_addf(&sb, "# 晨报 %s\n\n生成时间：", d->night);
	escape_md(&sb, d->generated_at);
	sbuf_adds(&sb, "。本报告不显示线人身份。\n\n");
	md_counts(&sb, d);
	sbuf_addf(&sb, "## 预警（按严重程度，共 %ld", d->warnings_total);
	if ((long)d->n_warnings < d->warnings_total)
		sbuf_addf(&sb, "，显示前 %zu", d->n_warnings);
	sbuf_adds(&sb, "）\n\n");
	if (!d->n_warnings)
		sbuf_adds(&sb, "当晚无预警。\n\n");
	for (size_t i = 0; i < d->n_warnings; i++)
		md_warning(&sb, i, &d->warnings[i]);
	md_held(&sb, d);
	md_hits(&sb, d);
	md_clusters(&sb, d);
	md_series(&sb, d);
	md_changes(&sb, d);
	md_quality(&sb, d);
	if (fwrite(sb.buf, 1, sb.len, out) != sb.len)
		rc = err_set(err, "cannot write the report: %s", strerror(errno));
	sbuf_release(&sb);
	return rc;
}
