/*
 * test_worker: the extraction thread gives, report for report and in
 * order, what extract_run gives on the caller's thread; batches are
 * reused; a data folder that does not load is an error, not a hang; a
 * worker stopped mid-batch stops.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/extract.h"
#include "analyze/worker.h"
#include "common/xalloc.h"

static const char *const texts[] = {
	("2026年11月20日21时许,报警人张伟(男,34岁,身份证号110105199003070017)称"
	 "在玄武区卫岗12号被人骗走人民币12000元,对方手机号13905510000。"),
	"王某某驾驶皖A84K22小汽车在黄山路与潜山路交口逃逸,现场留有苹果iPhone 13手机一部。",
	"",
	"李娜,女,1988年5月3日出生,微信号 lina_1988,称其丈夫陈刚殴打她。",
	"John Smith reported a theft at 12 Baker Road; phone 13800138000.",
};

static const char *const fields[] = {
	NULL,
	"{\"name\":\"刘强\",\"id_number\":\"11010519491231002X\",\"phone\":\"13905510000\"}",
	"{\"venue\":\"如家酒店\",\"persons\":[{\"name\":\"赵敏\",\"phone\":\"13800138000\",\"role\":\"victim\"}]}",
	NULL,
	"{\"case_no\":\"A3401002026110001\",\"plate\":\"皖A84K22\"}",
};

static void fill(struct worker_batch *b, size_t n)
{
	b->v = xgrow(b->v, &b->cap, n, sizeof(*b->v));
	b->n = n;
	for (size_t i = 0; i < n; i++) {
		struct extract_report *r = &b->v[i];
		size_t k = i % (sizeof(texts) / sizeof(texts[0]));

		memset(r, 0, sizeof(*r));
		r->id = (int64_t)i + 1;
		r->text = texts[k];
		r->len = strlen(texts[k]);
		r->fields = fields[k];
		r->received = "2026-11-21T08:00:00+08:00";
		r->place = k == 1 ? "卫岗12号" : NULL;
		r->kind = k == 2 ? "hotel" : "case";
	}
	worker_batch_ready(b);
}

static void same_list(const struct mention_list *a, const struct mention_list *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_string_equal(a->v[i].type, b->v[i].type);
		assert_string_equal(a->v[i].value, b->v[i].value);
		assert_string_equal(a->v[i].surface, b->v[i].surface);
		assert_int_equal(a->v[i].start, b->v[i].start);
		assert_int_equal(a->v[i].end, b->v[i].end);
		assert_true((a->v[i].attrs == NULL) == (b->v[i].attrs == NULL));
		if (a->v[i].attrs)
			assert_string_equal(a->v[i].attrs, b->v[i].attrs);
	}
}

static void same_result(const struct extract_result *a, const struct extract_result *b)
{
	same_list(&a->fields, &b->fields);
	same_list(&a->text, &b->text);
	for (size_t i = 0; i < a->fields.n; i++)
		assert_int_equal(a->field_rows[i], b->field_rows[i]);
	for (size_t i = 0; i < a->text.n; i++) {
		assert_int_equal(a->sex[i], b->sex[i]);
		assert_int_equal(a->age[i], b->age[i]);
	}
	assert_int_equal(a->cat.n, b->cat.n);
	for (int i = 0; i < a->cat.n; i++) {
		assert_string_equal(a->cat.v[i].key, b->cat.v[i].key);
		assert_int_equal(a->cat.v[i].score, b->cat.v[i].score);
	}
}

static void test_same_as_one_thread(void **state)
{
	struct err err;
	struct extract *x = extract_new(LOOKOUT_DATADIR, &err);
	struct worker *w = worker_start(LOOKOUT_DATADIR, &err);
	struct worker_batch b[2] = { { 0 } };
	struct extract_result one;
	size_t stated = 0;

	(void)state;
	assert_non_null(x);
	assert_non_null(w);
	assert_int_equal(worker_loaded(w, &err), 0);
	extract_result_init(&one);
	/* Three rounds over two batches, the next posted before the current is taken. */
	fill(&b[0], 23);
	worker_post(w, &b[0]);
	for (int round = 0; round < 3; round++) {
		struct worker_batch *cur = &b[round % 2], *next = &b[(round + 1) % 2];

		fill(next, 17 + (size_t)round * 5);
		worker_post(w, next);
		for (size_t i = 0; i < cur->n; i++) {
			assert_int_equal(worker_wait(w, cur, i, &err), 0);
			extract_run(x, &cur->v[i], &one);
			same_result(&cur->res[i], &one);
			for (size_t j = 0; j < one.text.n; j++)
				stated += one.sex[j] != 0;
		}
	}
	/* The texts do state a sex beside a name, so the comparison saw one. */
	assert_true(stated > 0);
	worker_stop(w);
	extract_result_release(&one);
	extract_free(x);
	for (int i = 0; i < 2; i++) {
		worker_batch_release(&b[i]);
		free(b[i].v);
	}
}

static void test_bad_data(void **state)
{
	struct err err;
	struct worker *w = worker_start("/nonexistent/lookout-data", &err);
	struct worker_batch b = { 0 };

	(void)state;
	assert_non_null(w);
	assert_int_equal(worker_loaded(w, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/lookout-data"));
	fill(&b, 3);
	worker_post(w, &b);
	assert_int_equal(worker_wait(w, &b, 0, &err), -1);
	worker_stop(w);
	worker_batch_release(&b);
	free(b.v);
}

static void test_stop_midway(void **state)
{
	struct err err;
	struct worker *w = worker_start(LOOKOUT_DATADIR, &err);
	struct worker_batch b = { 0 };

	(void)state;
	assert_non_null(w);
	fill(&b, 2000);
	worker_post(w, &b);
	assert_int_equal(worker_wait(w, &b, 0, &err), 0);
	worker_stop(w);
	worker_batch_release(&b);
	free(b.v);
	worker_stop(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_one_thread),
		cmocka_unit_test(test_bad_data),
		cmocka_unit_test(test_stop_midway),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
