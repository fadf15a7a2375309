/*
 * ingest: one file, one batch; a night's files, one transaction.
 *
 * The whole file is read into memory first: its checksum decides whether
 * it was ingested before, and the readers need its bytes to keep each
 * record's raw form.  The batch row, every report and every quarantine
 * row of the file are written inside one transaction, so a crash or a
 * kill -9 leaves either the whole file or none of it, and a re-run then
 * gives what one clean run would have.  A rolled-back file also rolls
 * back the in-memory near-duplicate index (it is reloaded).
 *
 * Files that follow one another share the transaction (a savepoint
 * each) until they hold INGEST_GROUP new reports.  A new report's rows
 * land all over the report table's indexes (the content hash, the
 * source's ids, the dates, the near-duplicate buckets): on 1,000,000
 * reports a night's 10,000 touch 10,500 pages, and each file's commit
 * wrote the pages it touched to the WAL again, 24,000 in all.  In one
 * transaction each is written once; the full-text index gets one
 * segment for the night, not one a file; and the worker's connection
 * keeps its cache, since nothing commits under it.  A file that fails
 * is rolled back to its savepoint and the files before it committed,
 * as if each had its own transaction.
 *
 * Two threads share a file.  A worker reads, normalises and sketches
 * the records and, through its own read-only connection, says ahead of
 * time what the writer will find: the id each new report gets, which
 * records are exact duplicates, and each one's near-duplicate (the
 * index is the worker's while the file is read).  The calling thread
 * takes the records strictly in file order and writes them, so the
 * database is what one thread would write; it checks every foreseen id
 * against the one it gets and fails the file on a difference.
 */
#include "ingest/ingest.h"
#include "ingest/conf.h"
#include "common/sbuf.h"
#include "common/xalloc.h"
#include "ingest/ahead.h"
#include "ingest/input.h"
#include "ingest/queue.h"
#include "ingest/reader.h"
#include "ingest/record.h"
#include "ingest/sha256.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const formats[] = { "jsonl", "csv", "tsv", "txt", NULL };

static void group_rollback(struct ingest *in);

/*
 * Records a file may have built ahead of the one being written: enough
 * for the worker to go on while the writer indexes FTS_CHUNK reports.
 */
#define QUEUE_SLOTS 8192
/*
 * New reports indexed for full-text search in one statement.  FTS5
 * writes a segment at the end of each statement, so the runs are long
 * (measured: 8192 cost 5% more than one statement per file, 4096 9%),
 * yet indexing as the file goes keeps the writer busy while the worker
 * builds, instead of idling the worker for the whole index at the end.
 */
#define FTS_CHUNK 8192

/*
 * New reports after which the files written so far are committed: a
 * night's inbox goes in whole, while each large file of a first load
 * still commits on its own, so the WAL stays as large as one file's.
 */
#define INGEST_GROUP 32768

/*
 * A report foreseen as new, held until INGEST_STORE_RUN of them go in
 * by one statement.  Its row is taken from the queue's slot, which gets
 * the row of a report written earlier in exchange: the worker frees
 * that one's strings when it builds the slot again, as it would have
 * freed the slot's own.
 */
struct held_new {
	struct ingest_row row;
	const char *raw;
	size_t raw_len;
	struct dedup_sketch sk;
	int has_sketch;
	long line;
	int64_t id;
};

/*
 * One file being ingested: a worker thread reads and builds its records
 * (build_*), the calling thread writes them in file order (write_*).
 * What the worker uses (fields, grading, norm, the input) the writer
 * does not touch until the worker is joined, and the reverse for the
 * database, the store and the near-duplicate index.
 */
struct file_run {
	struct ingest *in;
	const struct ingest_input *input;
	const char *file;
	const char *format;
	int64_t batch;
	struct ingest_counts c;
	int64_t first_id;               /* the id the file's first new report gets */
	struct ingest_rowctx rctx;
	struct ingest_queue queue;
	struct held_new held[INGEST_STORE_RUN];
	size_t nheld;                   /* held[0..nheld) wait to be written; the rest are written */
};

int ingest_format_valid(const char *name)
{
	for (int i = 0; formats[i]; i++)
		if (!strcmp(name, formats[i]))
			return 1;
	return 0;
}

const char *ingest_format_of(const char *path)
{
	static const struct { const char *ext, *format; } by_ext[] = {
		{ ".jsonl", "jsonl" }, { ".ndjson", "jsonl" }, { ".csv", "csv" },
		{ ".tsv", "tsv" }, { ".tab", "tsv" }, { ".txt", "txt" },
	};
	const char *dot = strrchr(path, '.');

	if (!dot || strchr(dot, '/'))
		return NULL;
	for (size_t i = 0; i < sizeof(by_ext) / sizeof(by_ext[0]); i++)
		if (!strcasecmp(dot, by_ext[i].ext))
			return by_ext[i].format;
	return NULL;
}

int ingest_init(struct ingest *in, struct db *db, const char *data_dir, struct err *err)
{
	char *path;
	char now[32];
	int64_t stored = 0;
	int rc;

	memset(in, 0, sizeof(*in));
	in->db = db;
	ingest_dedup_init(&in->dedup);
	if (norm_init(&in->norm, err) < 0)
		return -1;
	path = xasprintf("%s/aliases.tsv", data_dir);
	rc = ingest_fields_load(&in->fields, path, &in->norm, err);
	free(path);
	if (rc < 0)
		return -1;
	path = xasprintf("%s/grading.tsv", data_dir);
	rc = ingest_grading_load(&in->grading, path, err);
	free(path);
	if (rc == 0) {
		path = xasprintf("%s/ingest.conf", data_dir);
		rc = ingest_conf_load(&in->dedup.rule, path, err);
		free(path);
	}
	/*
	 * A file's new rows land all over the report table's indexes (the
	 * content hash, the source's ids, the dates), and the next file's
	 * land on the same pages again.  Checkpointing after each file's
	 * commit (at the default 1,000 pages) copied those pages to the
	 * database once per file; at 16,384 (256 MB of WAL) a night's files
	 * are copied once, at the end: on 1,000,000 reports, one more
	 * night writes 650 MB instead of 800.  ingest_release puts the
	 * default back for the stages that follow on this connection.
	 */
	if (rc < 0 || ingest_store_open(&in->store, db, err) < 0)
		return -1;
	db_log_pages(db, 16384);
	/*
	 * The writer's reads, too, go through a memory map where reports are
	 * stored: a night's rows land on pages all over the file's indexes
	 * (10,400 on 1,000,000 reports), each read by a system call and a
	 * copy otherwise.  Not on a database without reports, where a first
	 * load grows the file under the map.  ingest_release puts it back.
	 */
	if (db_int(db, err, &stored, "SELECT EXISTS (SELECT 1 FROM report)", "") < 0 ||
	    (stored && db_map(db, 1, err) < 0))
		return -1;
	in->mapped = stored != 0;
	db_now(now);
	if (db_run(db, err, "INSERT INTO stage_run(stage, started_at, status) VALUES ('ingest', ?, 'running')",
		   "s", now) < 0)
		return -1;
	in->run = db_last_id(db);
	return 0;
}

void ingest_release(struct ingest *in)
{
	if (in->group_open)
		group_rollback(in);
	ingest_ahead_release(&in->ahead);
	if (in->db)
		db_log_pages(in->db, 0);
	if (in->mapped)
		db_map(in->db, 0, NULL);
	ingest_store_close(&in->store);
	if (in->reader_state > 0)
		ingest_store_close(&in->rstore);
	if (in->reader.h)
		db_close(&in->reader);
	ingest_dedup_release(&in->dedup);
	ingest_grading_release(&in->grading);
	ingest_fields_release(&in->fields);
	if (in->norm.t2s)
		norm_release(&in->norm);
	memset(in, 0, sizeof(*in));
}

/*
 * The worker's own connection, opened before the file's transaction
 * begins.  Without one (a database only this connection sees, or none
 * to be had) the writer does the duplicate checks as before.
 */
static void open_reader(struct ingest *in)
{
	const char *path = in->db->path;
	int64_t stored = 0;

	in->reader_state = -1;
	if (!path || !*path || !strcmp(path, ":memory:"))
		return;
	/*
	 * Its reads are index probes and candidate texts all over a large
	 * file: 128 MB of cache (on 1,000,000 reports, a quarter less
	 * system time than 32 MB), and a memory map (SQLite's limit, 2 GB)
	 * rather than a copy of each page read: one more night on
	 * 1,000,000 reports read 400 MB.  Not on a database without
	 * reports, where a first load grows the file under the map.
	 */
	if (db_open_readonly(&in->reader, path, NULL) < 0 ||
	    db_exec(&in->reader, "PRAGMA cache_size = -131072", NULL) < 0 ||
	    db_int(&in->reader, NULL, &stored, "SELECT EXISTS (SELECT 1 FROM report)", "") < 0 ||
	    (stored && db_map(&in->reader, 1, NULL) < 0) ||
	    ingest_store_open(&in->rstore, &in->reader, NULL) < 0) {
		ingest_store_close(&in->rstore);
		db_close(&in->reader);
		return;
	}
	in->reader_state = 1;
}

/*
 * A regular file is read whole into one allocation of its size: read
 * through a 64 KB buffer into a growing one, a first load's 243 MB were
 * copied twice more and its pages cleared at each doubling (0.8 s of
 * the writer's 24 s on 1,000,000 reports, perf).  What is left after
 * the size (a file still growing, a pipe) goes by the buffer.
 */
static int slurp(const char *path, struct sbuf *out, struct err *err)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char buf[65536];
	struct stat st;
	size_t n;
	int rc = 0;

	if (!fp)
		return err_set(err, "cannot read '%s': %s", path, strerror(errno));
	if (!out->buf && fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		out->cap = (size_t)st.st_size + 1;
		out->buf = xmalloc(out->cap);
		out->len = fread(out->buf, 1, (size_t)st.st_size, fp);
		out->buf[out->len] = '\0';
	}
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		sbuf_add(out, buf, n);
	if (ferror(fp))
		rc = err_set(err, "cannot read '%s': %s", path, strerror(errno));
	if (fp != stdin)
		fclose(fp);
	return rc;
}

/* The file's name without folder or extension: the default source. */
static char *stem(const char *path)
{
	const char *base = strrchr(path, '/');
	const char *dot;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	return xstrndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
}

static const char *known_key(void *arg, const char *name, size_t len)
{
	struct file_run *fr = arg;

	return ingest_fields_lookup(&fr->in->fields, name, len);
}

/* Worker: a candidate's text, from the file's new reports or the stored ones (a dedup_fetch_fn). */
static const char *ahead_fetch(void *arg, int64_t id, size_t *len, const char **place,
			       long *day)
{
	struct file_run *fr = arg;
	const char *t = ingest_ahead_text(&fr->in->ahead, id, len, place, day);

	return t ? t : ingest_store_text(&fr->in->rstore, id, len, place, day);
}

/* Where a bucket's stored members are read: a connection, and the reports before the file. */
struct band_load {
	struct ingest_store *store;
	int64_t before;
	struct err *err;
};

static int load_band(void *arg, struct ingest_dedup *d, uint32_t key)
{
	struct band_load *l = arg;

	return ingest_store_load_band(l->store, d, key, l->before, l->err);
}

/*
 * Make the near-duplicate index hold the buckets of sketch sk, read
 * through store when it holds only some.
 */
static int dedup_ready(struct file_run *fr, struct ingest_store *store,
		       const struct dedup_sketch *sk, struct err *err)
{
	struct band_load l = { store, fr->first_id, err };

	if (!fr->in->dedup_partial)
		return 0;
	return ingest_dedup_ready(&fr->in->dedup, sk, load_band, &l);
}

/* The day of a row, as the near-duplicate rule compares it. */
static long row_day(const struct ingest_row *row)
{
	return ingest_report_day(row->occurred_at, row->received_at);
}

/*
 * Worker: what the writer will find for this row, said in advance: its
 * id or that it is an exact duplicate, and its near-duplicate.  The
 * near-duplicate index is the worker's while the file is read.
 */
static int predict(struct file_run *fr, struct ingest_item *it, struct err *err)
{
	struct ingest *in = fr->in;
	const struct ingest_row *row = &it->row;
	int known = ingest_ahead_known(&in->ahead, row->source, row->ext_id, row->content_hash);
	long day = row_day(row);

	/* No stored report to ask about when the group's first id is 1. */
	if (!known && in->ahead.first_id > 1 &&
	    ingest_store_known(&in->rstore, row->source, row->ext_id, row->content_hash,
			       &known, err) < 0)
		return -1;
	it->predicted = 1;
	it->id = 0;
	it->near = 0;
	if (known)
		return 0;
	it->id = ingest_ahead_add(&in->ahead, row->source, row->ext_id, row->content_hash,
				  row->text, row->place, day);
	if (!it->has_sketch)
		return 0;
	if (dedup_ready(fr, &in->rstore, &it->sk, err) < 0)
		return -1;
	it->root = it->id;
	it->near = ingest_dedup_find(&in->dedup, row->text, row->text_len, row->place, day,
				     &it->sk, ahead_fetch, fr, &it->root, &it->sim);
	it->taken = ingest_dedup_add(&in->dedup, it->id, it->root, day, &it->sk);
	return 0;
}

/*
 * Worker: turn one read record into a queue item (a row with its sketch,
 * or a reason to quarantine).  Returns -1 to stop the file: on an error
 * of its own, or when the writer has cancelled.
 */
static int build_sink(void *arg, struct ingest_record *rec, struct err *err)
{
	struct file_run *fr = arg;
	struct ingest_item *it = ingest_queue_slot(&fr->queue);
	int rc = 0;

	if (!it)
		return err_set(err, "cancelled");
	it->line = rec->line;
	it->raw = rec->raw;
	it->raw_len = rec->raw_len;
	it->upto = (uint64_t)(rec->raw - fr->input->orig) + rec->raw_len;
	it->has_sketch = 0;
	it->predicted = 0;
	if (!rec->reject)
		rc = ingest_row_build(&fr->rctx, rec, &it->row, err);
	if (rc < 0)
		return -1;
	it->quarantine = rec->reject != NULL;
	if (it->quarantine)
		snprintf(it->reason, sizeof(it->reason), "%s", rec->reject);
	else
		it->has_sketch = ingest_dedup_sketch(it->row.text, it->row.text_len, &it->sk);
	if (!it->quarantine && fr->in->ahead_on && predict(fr, it, err) < 0)
		return -1;
	ingest_queue_push(&fr->queue);
	return 0;
}

static int build_file(struct file_run *fr, struct err *err)
{
	const struct ingest_input *input = fr->input;
	const char *format = fr->format;

	if (!strcmp(format, "jsonl"))
		return ingest_jsonl_read(input, build_sink, fr, err);
	if (!strcmp(format, "csv"))
		return ingest_csv_read(input, ',', build_sink, fr, err);
	if (!strcmp(format, "tsv"))
		return ingest_csv_read(input, '\t', build_sink, fr, err);
	return ingest_text_read(input, known_key, build_sink, fr, err);
}

static void *build_thread(void *arg)
{
	struct file_run *fr = arg;
	struct err err;
	int rc;

	err_clear(&err);
	rc = build_file(fr, &err);
	ingest_queue_close(&fr->queue, rc, &err);
	return NULL;
}

/* Writer: index the group's new reports not indexed yet. */
static int index_new(struct ingest *in, struct err *err)
{
	if (!in->fts_from)
		return 0;
	if (ingest_store_index(&in->store, in->fts_from, in->fts_to, err) < 0)
		return -1;
	in->fts_from = 0;
	return 0;
}

/* Writer: note a new report's id for the full-text index, indexing a full run. */
static int index_later(struct ingest *in, int64_t id, struct err *err)
{
	/* A group's new ids run on without a gap: the write lock is held and nothing deletes. */
	if (!in->fts_from)
		in->fts_from = id;
	in->fts_to = id;
	if (id - in->fts_from + 1 >= FTS_CHUNK)
		return index_new(in, err);
	return 0;
}

/*
 * Writer: write the held reports.  Their ids were foreseen one after
 * another, and the last one stored must be the last one foreseen.
 */
static int write_held(struct file_run *fr, struct err *err)
{
	struct ingest_new v[INGEST_STORE_RUN];
	const struct held_new *h = fr->held;
	size_t n = fr->nheld;
	int64_t last;

	if (!n)
		return 0;
	fr->nheld = 0;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct ingest_new){ &h[i].row, h[i].raw, h[i].raw_len,
					    h[i].has_sketch ? &h[i].sk : NULL, h[i].line };
	if (ingest_store_add_new(&fr->in->store, v, n, fr->batch, &last, err) < 0)
		return err_prefix(err, "lines %ld-%ld, foreseen as new reports %lld-%lld", h[0].line,
				  h[n - 1].line, (long long)h[0].id, (long long)h[n - 1].id);
	if (last != h[n - 1].id)
		return err_set(err, "line %ld: stored as report %lld where %lld was foreseen",
			       h[n - 1].line, (long long)last, (long long)h[n - 1].id);
	for (size_t i = 0; i < n; i++)
		if (index_later(fr->in, h[i].id, err) < 0)
			return -1;
	return 0;
}

/*
 * Writer: hold a report foreseen as new and no near-duplicate (the
 * most of them), taking its row from the slot; write the held ones
 * once there are INGEST_STORE_RUN.
 */
static int hold_new(struct file_run *fr, struct ingest_item *it, struct err *err)
{
	struct held_new *h = &fr->held[fr->nheld++];
	struct ingest_row written = h->row;

	h->row = it->row;
	it->row = written;
	h->raw = it->raw;
	h->raw_len = it->raw_len;
	h->sk = it->sk;
	h->has_sketch = it->has_sketch;
	h->line = it->line;
	h->id = it->id;
	if (it->has_sketch)
		ingest_bands_add(&fr->in->bands, it->id, it->id, row_day(&h->row), &it->sk, it->taken);
	fr->c.new_++;
	return fr->nheld == INGEST_STORE_RUN ? write_held(fr, err) : 0;
}

/*
 * Writer: store one item, in file order, and look for its
 * near-duplicate.  A report foreseen as new is held (hold_new); any
 * other item first writes those held, so that the rows go in in file
 * order.
 */
static int write_item(struct file_run *fr, struct ingest_item *it, struct err *err)
{
	struct ingest *in = fr->in;
	const struct ingest_row *row = &it->row;
	int64_t id, root;
	double sim;
	long day;
	int fresh;

	fr->c.read++;
	in->done_records++;
	if (in->progress)
		progress_update(in->progress, "ingest", in->done_records, it->upto);
	if (it->predicted && it->id && !it->near)
		return hold_new(fr, it, err);
	if (write_held(fr, err) < 0)
		return -1;
	if (it->quarantine) {
		fr->c.quarantined++;
		return ingest_store_add_quarantine(&in->store, fr->batch, fr->file, it->line,
						   it->reason, it->raw, it->raw_len, err);
	}
	fresh = it->predicted && it->id;
	if (ingest_store_add_report(&in->store, row, it->raw, it->raw_len,
				    it->has_sketch ? &it->sk : NULL, fr->batch, it->line, fresh,
				    &id, err) < 0) {
		if (fresh)
			err_prefix(err, "line %ld, foreseen as new report %lld", it->line,
				   (long long)it->id);
		return -1;
	}
	if (it->predicted && id != it->id)
		return err_set(err, "line %ld: stored as report %lld where %lld was foreseen",
			       it->line, (long long)id, (long long)it->id);
	if (!id) {
		fr->c.duplicates++;
		return 0;
	}
	fr->c.new_++;
	if (index_later(in, id, err) < 0)
		return -1;
	if (it->predicted) {
		if (it->has_sketch)
			ingest_bands_add(&in->bands, id, it->near ? it->root : id, row_day(row), &it->sk,
					 it->taken);
		if (!it->near)
			return 0;
		fr->c.near++;
		return ingest_store_set_near(&in->store, id, it->root, it->sim, err);
	}
	if (!it->has_sketch)
		return 0;
	if (dedup_ready(fr, &in->store, &it->sk, err) < 0)
		return -1;
	root = id;
	day = row_day(row);
	if (ingest_dedup_find(&in->dedup, row->text, row->text_len, row->place, day,
			      &it->sk, ingest_store_text, &in->store, &root, &sim)) {
		fr->c.near++;
		if (ingest_store_set_near(&in->store, id, root, sim, err) < 0)
			return -1;
	}
	ingest_bands_add(&in->bands, id, root, day, &it->sk,
			 ingest_dedup_add(&in->dedup, id, root, day, &it->sk));
	return 0;
}

/*
 * Read, build and write every record of the file, the building one
 * record ahead or more on the worker thread.  Whatever fails first
 * stops both: a writer error cancels the worker, a worker error ends
 * the file once the items before it are written.
 */
static int read_file(struct file_run *fr, struct err *err)
{
	struct ingest_item *it;
	pthread_t worker;
	int rc = 0, e;

	if (ingest_store_next_id(&fr->in->store, &fr->first_id, err) < 0)
		return -1;
	ingest_queue_init(&fr->queue, QUEUE_SLOTS);
	e = pthread_create(&worker, NULL, build_thread, fr);
	if (e) {
		ingest_queue_release(&fr->queue);
		return err_set(err, "cannot start a thread: %s", strerror(e));
	}
	while ((it = ingest_queue_next(&fr->queue))) {
		rc = write_item(fr, it, err);
		ingest_queue_done(&fr->queue);
		if (rc < 0) {
			ingest_queue_cancel(&fr->queue);
			break;
		}
	}
	pthread_join(worker, NULL);
	if (rc == 0 && fr->queue.rc < 0) {
		*err = fr->queue.err;
		rc = -1;
	}
	if (rc == 0)
		rc = write_held(fr, err);
	for (size_t i = 0; i < INGEST_STORE_RUN; i++)
		ingest_row_release(&fr->held[i].row);
	fr->nheld = 0;
	ingest_queue_release(&fr->queue);
	/* A statement left stepped would keep the reader on this snapshot. */
	if (fr->in->ahead_on)
		ingest_store_reset(&fr->in->rstore);
	return rc;
}

/*
 * The near-duplicate index at the run's first file, inside its
 * transaction.  With no report stored it starts empty and whole.  When
 * report_band holds every stored report's buckets, the index starts
 * empty and reads a bucket the first time a record falls in it.
 * Otherwise (a database from before report_band) every stored sketch is
 * read, as before that table, and its rows are written.
 */
static int dedup_start(struct ingest *in, struct err *err)
{
	struct ingest_bands all = { 0 };
	int64_t next;
	int built, rc = -1;

	if (ingest_store_next_id(&in->store, &next, err) < 0 ||
	    ingest_store_bands_built(&in->store, &built, err) < 0)
		return -1;
	in->dedup_partial = next > 1 && built;
	if (!built &&
	    (ingest_store_load_sketches(&in->store, &in->dedup, &all, err) < 0 ||
	     ingest_store_add_bands(&in->store, &all, err) < 0 ||
	     ingest_store_set_bands_built(&in->store, err) < 0))
		goto out;
	in->dedup_loaded = 1;
	rc = 0;
out:
	ingest_bands_release(&all);
	return rc;
}

static const char *sniff(const char *buf, size_t len)
{
	size_t i = enc_bom_len(buf, len);

	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	return i < len && buf[i] == '{' ? "jsonl" : NULL;
}

/* ---- the group's transaction ------------------------------------------ */

/*
 * Forget the group: its pending index runs and bucket rows, and its
 * predictions unless keep_ahead (a committed group of a first load).
 */
static void group_close(struct ingest *in, int keep_ahead)
{
	if (!keep_ahead)
		ingest_ahead_release(&in->ahead);
	ingest_bands_release(&in->bands);
	in->ahead_on = 0;
	in->fts_from = in->fts_to = 0;
	in->group_new = 0;
	in->group_open = 0;
}

/*
 * Whether the predictions kept from the groups before go on into a
 * group whose first new report is first.  They are kept only when they
 * began at report 1, a first load into an empty database: then they
 * hold every stored report, and a record is new or a duplicate by
 * them alone, with no look-up in the stored reports (on 1,000,000
 * reports, 3.8 s of the worker's CPU), and each near-duplicate
 * candidate's text is at hand.  That holds while nobody else has added
 * a report since: the next id is the one they would give.
 */
static int ahead_goes_on(const struct ingest_ahead *a, int64_t first)
{
	return a->first_id == 1 && a->next_id == first;
}

/*
 * Every reference ingest writes is sound by construction: batch_id is
 * a batch inserted in the same transaction, near_dup_of an id of the
 * near-duplicate index, which holds only stored reports (it is reloaded
 * after a rollback), and nothing deletes reports.  So the per-row
 * foreign key lookups (a sixth of the insert) are off while a group is
 * written.  The pragma is a no-op inside a transaction, hence here and
 * after the commit or rollback.
 */
static int group_begin(struct ingest *in, struct err *err)
{
	int64_t first;

	if (db_exec(in->db, "PRAGMA foreign_keys = OFF", err) < 0)
		return -1;
	if (db_begin(in->db, err) < 0) {
		db_exec(in->db, "PRAGMA foreign_keys = ON", NULL);
		return -1;
	}
	in->group_open = 1;
	if (ingest_store_next_id(&in->store, &first, err) < 0)
		return -1;
	if (in->reader_state > 0) {
		if (!ahead_goes_on(&in->ahead, first)) {
			ingest_ahead_release(&in->ahead);
			ingest_ahead_init(&in->ahead, first);
		}
		in->ahead_on = 1;
	}
	return 0;
}

/* Empty the near-duplicate index, to be loaded again; its rule stays. */
static void dedup_empty(struct ingest *in)
{
	struct dedup_rule rule = in->dedup.rule;

	ingest_dedup_release(&in->dedup);
	ingest_dedup_init(&in->dedup);
	in->dedup.rule = rule;
	in->dedup_loaded = 0;
}

/* Roll the whole group back; the near-duplicate index may hold its reports. */
static void group_rollback(struct ingest *in)
{
	db_rollback(in->db);
	dedup_empty(in);
	group_close(in, 0);
	db_exec(in->db, "PRAGMA foreign_keys = ON", NULL);
}

/* Index and bucket the group's new reports, and commit. */
static int group_commit(struct ingest *in, struct err *err)
{
	if (!in->group_open)
		return 0;
	if (index_new(in, err) < 0 || ingest_store_add_bands(&in->store, &in->bands, err) < 0 ||
	    db_commit(in->db, err) < 0) {
		group_rollback(in);
		return -1;
	}
	group_close(in, in->ahead.first_id == 1);
	return db_exec(in->db, "PRAGMA foreign_keys = ON", err);
}

/* What a file's savepoint must put back in memory besides the database. */
struct group_mark {
	int64_t fts_from, fts_to;
	size_t bands;
};

/*
 * A file of the group failed: roll it back to its savepoint, commit the
 * files before it, and start the near-duplicate index again (it holds
 * the file's reports).  err keeps the file's error unless the commit
 * fails.
 */
static int group_drop_file(struct ingest *in, const struct group_mark *m, struct err *err)
{
	struct err cerr;
	int rc;

	err_clear(&cerr);
	if (db_exec(in->db, "ROLLBACK TO ingest_file", &cerr) < 0 ||
	    db_exec(in->db, "RELEASE ingest_file", &cerr) < 0) {
		group_rollback(in);
		*err = cerr;
		return -1;
	}
	in->fts_from = m->fts_from;
	in->fts_to = m->fts_to;
	in->bands.n = m->bands;
	rc = group_commit(in, &cerr);
	dedup_empty(in);
	if (rc < 0) {
		*err = cerr;
		err_prefix(err, "committing the files before it");
	}
	return rc;
}

int ingest_finish(struct ingest *in, const char *status, long rows, struct err *err)
{
	char now[32];
	int rc = group_commit(in, err);

	db_now(now);
	if (db_run(in->db, rc < 0 ? NULL : err,
		   "UPDATE stage_run SET finished_at = ?, status = ?, rows = ? WHERE id = ?",
		   "ssII", now, rc < 0 ? "failed" : status, (int64_t)rows, in->run) < 0)
		rc = -1;
	return rc;
}

/* *done: the file (its checksum) is a done batch already, which sum then counts. */
static int find_done(struct ingest *in, const char *sha, struct ingest_summary *sum, int *done,
		     struct err *err)
{
	int64_t batch;

	*done = 0;
	if (ingest_store_find_batch(&in->store, sha, &batch, err) < 0)
		return -1;
	if (batch) {
		*done = 1;
		sum->skipped++;
		sum->batch = batch;
	}
	return 0;
}

int ingest_file(struct ingest *in, const char *path, const char *format, const char *source,
		struct ingest_summary *sum, struct err *err)
{
	struct sbuf data = SBUF_INIT;
	struct ingest_input input;
	struct file_run fr;
	struct group_mark mark;
	char sha[65];
	char *def_source = NULL;
	int rc = -1, began = 0, nested = 0, done;

	memset(&fr, 0, sizeof(fr));
	memset(&input, 0, sizeof(input));
	if (slurp(path, &data, err) < 0)
		goto out;
	if (!format)
		format = strcmp(path, "-") ? ingest_format_of(path) : sniff(data.buf ? data.buf : "", data.len);
	if (!format) {
		err_set(err, "cannot tell the format of '%s' (use --format jsonl|csv|tsv|txt)", path);
		goto out;
	}
	sha256_hex(data.buf ? data.buf : "", data.len, sha);
	if (find_done(in, sha, sum, &done, err) < 0)
		goto out;
	if (done) {
		rc = 0;
		goto out;
	}
	if (!in->reader_state)
		open_reader(in);
	ingest_input_init(&input, data.buf ? data.buf : "", data.len);
	def_source = source ? xstrdup(source) : strcmp(path, "-") ? stem(path) : xstrdup("stdin");
	fr.in = in;
	fr.input = &input;
	fr.file = path;
	fr.format = format;
	fr.rctx.fields = &in->fields;
	fr.rctx.grading = &in->grading;
	fr.rctx.norm = &in->norm;
	fr.rctx.default_source = def_source;
	if (in->group_open) {
		if (db_exec(in->db, "SAVEPOINT ingest_file", err) < 0)
			goto out;
		nested = 1;
	} else {
		if (group_begin(in, err) < 0) {
			if (in->group_open)
				group_rollback(in);
			goto out;
		}
		/* Another lookout may have ingested the file while this one waited for the lock. */
		if (find_done(in, sha, sum, &done, err) < 0) {
			group_rollback(in);
			goto out;
		}
		if (done) {
			rc = 0;
			goto out;
		}
	}
	began = 1;
	mark = (struct group_mark){ in->fts_from, in->fts_to, in->bands.n };
	if ((!in->dedup_loaded && dedup_start(in, err) < 0) ||
	    ingest_store_add_batch(&in->store, path, sha, format,
				   input.enc == ENC_UNKNOWN ? "mixed" : enc_name(input.enc),
				   &fr.batch, err) < 0 ||
	    read_file(&fr, err) < 0 ||
	    ingest_store_end_batch(&in->store, fr.batch, &fr.c, err) < 0 ||
	    (nested && db_exec(in->db, "RELEASE ingest_file", err) < 0))
		goto out;
	began = 0;
	in->group_new += fr.c.new_;
	sum->files++;
	sum->batch = fr.batch;
	sum->read += fr.c.read;
	sum->new_ += fr.c.new_;
	sum->duplicates += fr.c.duplicates;
	sum->near += fr.c.near;
	sum->quarantined += fr.c.quarantined;
	rc = 0;
	if (in->group_new >= INGEST_GROUP && group_commit(in, err) < 0) {
		rc = -1;
		err_prefix(err, "ingesting '%s'", path);
	}
out:
	if (began) {
		if (nested)
			group_drop_file(in, &mark, err);
		else
			group_rollback(in);
		err_prefix(err, "ingesting '%s'", path);
	}
	ingest_input_release(&input);
	free(def_source);
	sbuf_release(&data);
	return rc;
}
