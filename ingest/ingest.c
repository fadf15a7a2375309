/*
 * ingest: one file, one batch, one transaction.
 *
 * The whole file is read into memory first: its checksum decides whether
 * it was ingested before, and the readers need its bytes to keep each
 * record's raw form.  The batch row, every report and every quarantine
 * row of the file are written inside one transaction, so a crash or a
 * kill -9 leaves either the whole file or none of it, and a re-run then
 * gives what one clean run would have.  A rolled-back file also rolls
 * back the in-memory near-duplicate index (it is reloaded).
 */
#include "ingest/ingest.h"
#include "common/sbuf.h"
#include "common/xalloc.h"
#include "ingest/input.h"
#include "ingest/reader.h"
#include "ingest/record.h"
#include "ingest/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const formats[] = { "jsonl", "csv", "tsv", "txt", NULL };

/* One file being ingested. */
struct file_run {
	struct ingest *in;
	const struct ingest_input *input;
	const char *file;
	int64_t batch;
	struct ingest_counts c;
	struct ingest_rowctx rctx;
	struct ingest_row row;
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
	if (rc < 0 || ingest_store_open(&in->store, db, err) < 0)
		return -1;
	db_now(now);
	if (db_run(db, err, "INSERT INTO stage_run(stage, started_at, status) VALUES ('ingest', ?, 'running')",
		   "s", now) < 0)
		return -1;
	in->run = db_last_id(db);
	/* A file is one transaction; a page cache too small for it spills to the
	 * WAL again and again (measured: most of the time on a 30 MB file). */
	if (db_exec(db, "PRAGMA cache_size = -262144", err) < 0)
		return -1;
	return 0;
}

int ingest_finish(struct ingest *in, const char *status, long rows, struct err *err)
{
	char now[32];

	db_now(now);
	return db_run(in->db, err, "UPDATE stage_run SET finished_at = ?, status = ?, rows = ? WHERE id = ?",
		      "ssII", now, status, (int64_t)rows, in->run);
}

void ingest_release(struct ingest *in)
{
	ingest_store_close(&in->store);
	ingest_dedup_release(&in->dedup);
	ingest_grading_release(&in->grading);
	ingest_fields_release(&in->fields);
	if (in->norm.t2s)
		norm_release(&in->norm);
	memset(in, 0, sizeof(*in));
}

static int slurp(const char *path, struct sbuf *out, struct err *err)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char buf[65536];
	size_t n;
	int rc = 0;

	if (!fp)
		return err_set(err, "cannot read '%s': %s", path, strerror(errno));
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

static int quarantine(struct file_run *fr, struct ingest_record *rec, struct err *err)
{
	fr->c.quarantined++;
	return ingest_store_add_quarantine(&fr->in->store, fr->batch, fr->file, rec->line,
					   rec->reject, rec->raw, rec->raw_len, err);
}

static int sink(void *arg, struct ingest_record *rec, struct err *err)
{
	struct file_run *fr = arg;
	struct ingest *in = fr->in;
	struct dedup_sketch sk;
	int has_sketch, rc;
	int64_t id, root;
	double sim;

	fr->c.read++;
	in->done_records++;
	if (in->progress)
		progress_update(in->progress, "ingest", in->done_records,
				(uint64_t)(rec->raw - fr->input->orig) + rec->raw_len);
	if (rec->reject)
		return quarantine(fr, rec, err);
	rc = ingest_row_build(&fr->rctx, rec, &fr->row, err);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return quarantine(fr, rec, err);
	has_sketch = ingest_dedup_sketch(fr->row.text, strlen(fr->row.text), &sk);
	if (ingest_store_add_report(&in->store, &fr->row, rec->raw, rec->raw_len,
				    has_sketch ? &sk : NULL, fr->batch, rec->line, &id, err) < 0)
		return -1;
	if (!id) {
		fr->c.duplicates++;
		return 0;
	}
	fr->c.new_++;
	if (!has_sketch)
		return 0;
	root = id;
	if (ingest_dedup_find(&in->dedup, fr->row.text, strlen(fr->row.text), fr->row.place,
			      &sk, ingest_store_text, &in->store, &root, &sim)) {
		fr->c.near++;
		if (ingest_store_set_near(&in->store, id, root, sim, err) < 0)
			return -1;
	}
	ingest_dedup_add(&in->dedup, id, root, &sk);
	return 0;
}

static const char *sniff(const char *buf, size_t len)
{
	size_t i = enc_bom_len(buf, len);

	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	return i < len && buf[i] == '{' ? "jsonl" : NULL;
}

static int read_file(struct file_run *fr, const char *format, struct err *err)
{
	const struct ingest_input *input = fr->input;

	if (!strcmp(format, "jsonl"))
		return ingest_jsonl_read(input, sink, fr, err);
	if (!strcmp(format, "csv"))
		return ingest_csv_read(input, ',', sink, fr, err);
	if (!strcmp(format, "tsv"))
		return ingest_csv_read(input, '\t', sink, fr, err);
	return ingest_text_read(input, known_key, sink, fr, err);
}

int ingest_file(struct ingest *in, const char *path, const char *format, const char *source,
		struct ingest_summary *sum, struct err *err)
{
	struct sbuf data = SBUF_INIT;
	struct ingest_input input;
	struct file_run fr;
	char sha[65];
	char *def_source = NULL;
	int64_t done;
	int rc = -1, began = 0, fk_off = 0;

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
	if (ingest_store_find_batch(&in->store, sha, &done, err) < 0)
		goto out;
	if (done) {
		sum->skipped++;
		sum->batch = done;
		rc = 0;
		goto out;
	}
	if (!in->dedup_loaded) {
		if (ingest_store_load_sketches(&in->store, &in->dedup, err) < 0)
			goto out;
		in->dedup_loaded = 1;
	}
	ingest_input_init(&input, data.buf ? data.buf : "", data.len);
	def_source = source ? xstrdup(source) : strcmp(path, "-") ? stem(path) : xstrdup("stdin");
	fr.in = in;
	fr.input = &input;
	fr.file = path;
	fr.rctx.fields = &in->fields;
	fr.rctx.grading = &in->grading;
	fr.rctx.norm = &in->norm;
	fr.rctx.default_source = def_source;
	ingest_row_init(&fr.row);
	/*
	 * Every reference ingest writes is sound by construction: batch_id
	 * is the batch just inserted in this transaction, near_dup_of an id
	 * of the near-duplicate index, which holds only stored reports (it
	 * is reloaded after a rollback), and nothing deletes reports.  So
	 * the per-row foreign key lookups (a sixth of the insert) are off
	 * while the file is written.  The pragma is a no-op inside a
	 * transaction, hence here and after the commit or rollback.
	 */
	if (db_exec(in->db, "PRAGMA foreign_keys = OFF", err) < 0)
		goto out;
	fk_off = 1;
	if (db_begin(in->db, err) < 0)
		goto out;
	began = 1;
	/* Another lookout may have ingested the file while this one waited for the lock. */
	if (ingest_store_find_batch(&in->store, sha, &done, err) < 0)
		goto out;
	if (done) {
		db_rollback(in->db);
		began = 0;
		sum->skipped++;
		sum->batch = done;
		rc = 0;
		goto out;
	}
	if (ingest_store_add_batch(&in->store, path, sha, format,
				   input.enc == ENC_UNKNOWN ? "mixed" : enc_name(input.enc),
				   &fr.batch, err) < 0 ||
	    read_file(&fr, format, err) < 0 ||
	    ingest_store_end_batch(&in->store, fr.batch, &fr.c, err) < 0 ||
	    db_commit(in->db, err) < 0)
		goto out;
	began = 0;
	sum->files++;
	sum->batch = fr.batch;
	sum->read += fr.c.read;
	sum->new_ += fr.c.new_;
	sum->duplicates += fr.c.duplicates;
	sum->near += fr.c.near;
	sum->quarantined += fr.c.quarantined;
	rc = 0;
out:
	if (began) {
		db_rollback(in->db);
		/* The index may hold reports that were just rolled back. */
		ingest_dedup_release(&in->dedup);
		ingest_dedup_init(&in->dedup);
		in->dedup_loaded = 0;
		err_prefix(err, "ingesting '%s'", path);
	}
	if (fk_off && db_exec(in->db, "PRAGMA foreign_keys = ON", rc < 0 ? NULL : err) < 0)
		rc = -1;
	ingest_row_release(&fr.row);
	ingest_input_release(&input);
	free(def_source);
	sbuf_release(&data);
	return rc;
}
