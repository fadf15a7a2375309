/*
 * quarantine: list the records ingest could not read, with their file,
 * line, reason and a preview of their bytes.  The preview is made safe
 * for a terminal: control bytes are escaped, GB18030 is shown decoded,
 * bytes that are neither UTF-8 nor GB18030 are shown as \xNN, and it is
 * cut at 80 characters.
 */
#include "cli/cli.h"
#include "common/encoding.h"
#include "common/norm.h"
#include "common/sbuf.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREVIEW_CHARS 80

static int run(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_cmd cmd_quarantine = {
	"quarantine", "list the records that could not be read",
	"usage: lookout quarantine [--json] [--batch N]\n"
	"\n"
	"List the quarantined records: the file and line each came from, why\n"
	"it could not be read, and a preview of its bytes (control bytes and\n"
	"undecodable bytes escaped).  The full bytes stay in the database.\n"
	"\n"
	"  --json     one JSON object per line: id, batch, file, line, reason,\n"
	"             bytes, preview\n"
	"  --batch N  only the records of batch N\n",
	run,
};

/* One byte, control bytes escaped; bytes above 0x7f escaped unless utf8. */
static void put_byte(unsigned char c, int utf8, struct sbuf *out)
{
	if (c == '\n')
		sbuf_adds(out, "\\n");
	else if (c == '\r')
		sbuf_adds(out, "\\r");
	else if (c == '\t')
		sbuf_adds(out, "\\t");
	else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8))
		sbuf_addf(out, "\\x%02x", c);
	else
		sbuf_addch(out, (char)c);
}

/* Escape control characters of valid UTF-8 s, keep at most PREVIEW_CHARS. */
static void preview_utf8(const char *s, size_t len, struct sbuf *out)
{
	size_t chars = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xc0) != 0x80 && chars++ == PREVIEW_CHARS) {
			sbuf_adds(out, "...");
			return;
		}
		put_byte(c, 1, out);
	}
}

static void preview(const char *raw, size_t len, struct sbuf *out)
{
	struct sbuf conv = SBUF_INIT;

	if (utf8_valid(raw, len)) {
		preview_utf8(raw, len, out);
	} else if (enc_gb18030_to_utf8(raw, len, &conv, NULL) == 0) {
		preview_utf8(conv.buf ? conv.buf : "", conv.len, out);
	} else {
		for (size_t i = 0; i < len && i < 4 * PREVIEW_CHARS; i++)
			put_byte((unsigned char)raw[i], 0, out);
		if (len > 4 * PREVIEW_CHARS)
			sbuf_adds(out, "...");
	}
	sbuf_release(&conv);
}

static int run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct sbuf pv = SBUF_INIT;
	struct db db;
	struct err err;
	sqlite3_stmt *st = NULL;
	int json = 0, rc = EXIT_OK, step;
	int64_t batch = 0;

	for (int i = 1; i < argc; i++) {
		char *end;

		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--batch") && i + 1 < argc) {
			batch = strtoll(argv[++i], &end, 10);
			if (*end || batch <= 0)
				return cli_usage_error(&cmd_quarantine, "bad batch '%s'", argv[i]);
		} else {
			return cli_usage_error(&cmd_quarantine, "unexpected argument '%s'", argv[i]);
		}
	}
	if (cli_open_db(ctx, &db, &err) < 0 ||
	    db_prepare(&db, &st, "SELECT id, batch_id, file, line, reason, raw FROM quarantine"
		       " WHERE ? = 0 OR batch_id = ? ORDER BY id", &err) < 0 ||
	    db_bind(st, &err, "II", batch, batch) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	while ((step = db_step(st, &err)) == 1) {
		const char *raw = sqlite3_column_blob(st, 5);
		size_t len = (size_t)sqlite3_column_bytes(st, 5);

		sbuf_reset(&pv);
		preview(raw ? raw : "", len, &pv);
		if (json) {
			cJSON *o = cJSON_CreateObject();
			char *s;

			cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(st, 0));
			cJSON_AddNumberToObject(o, "batch", (double)sqlite3_column_int64(st, 1));
			cJSON_AddStringToObject(o, "file", db_text(st, 2));
			cJSON_AddNumberToObject(o, "line", (double)sqlite3_column_int64(st, 3));
			cJSON_AddStringToObject(o, "reason", db_text(st, 4));
			cJSON_AddNumberToObject(o, "bytes", (double)len);
			cJSON_AddStringToObject(o, "preview", pv.buf ? pv.buf : "");
			s = cJSON_PrintUnformatted(o);
			puts(s);
			free(s);
			cJSON_Delete(o);
		} else {
			printf("%s:%lld: %s\n    %s\n", db_text(st, 2),
			       (long long)sqlite3_column_int64(st, 3), db_text(st, 4),
			       pv.buf ? pv.buf : "");
		}
	}
	if (step < 0)
		rc = cli_fail(&err);
out:
	db_finalize(st);
	db_close(&db);
	sbuf_release(&pv);
	return rc;
}
