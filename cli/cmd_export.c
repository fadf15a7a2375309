/*
 * export: the analyze stage's tables as JSON Lines, exactly as FORMAT.md
 * says (mentions, entities, links), in an order that depends only on the
 * data, so that two databases can be compared with diff.  Each export is
 * recorded in the audit table.  Other kinds and formats join the table
 * of exporters below.
 *
 * CSV is the same rows for a spreadsheet: the JSON Lines exporter writes
 * into a temporary file and each object becomes one RFC 4180 row of the
 * kind's columns (lists and objects as JSON text, CRLF line ends).  A
 * text cell that begins with '=', '+', '-', '@', a tab or a carriage
 * return gets a leading single quote, so that a record's text can never
 * run as a formula when an analyst opens the file (CSV injection).
 */
#include "cli/cli.h"
#include "common/xalloc.h"
#include "graph/graph.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_cmd cmd_export = {
	"export", "write mentions, entities or links as JSON Lines",
	"usage: lookout export KIND [--format jsonl|csv] [--output FILE]\n"
	"\n"
	"Write one JSON object a line, as FORMAT.md describes:\n"
	"  mentions   {\"report\", \"entity\", \"type\", \"surface\", \"start\", \"end\"}\n"
	"             (\"field\" instead of start and end for a register field)\n"
	"  entities   {\"key\", \"type\", \"name\", \"attributes\", \"identifiers\", \"reports\"}\n"
	"  links      {\"from\", \"to\", \"type\", \"weight\", \"reports\"}\n"
	"Rows come in a fixed order (by report, by key), so two databases\n"
	"can be compared with diff.\n"
	"\n"
	"  --format F     jsonl (the default), or csv: the same rows with a\n"
	"                 header, a text cell beginning with = + - @ prefixed\n"
	"                 with ' so no spreadsheet runs it as a formula\n"
	"  --output FILE  write to FILE instead of standard output\n",
	run,
};

typedef int (*export_fn)(struct db *db, FILE *out, struct err *err);

static int export_mentions(struct db *db, FILE *out, struct err *err);
static int export_entities(struct db *db, FILE *out, struct err *err);
static int export_links(struct db *db, FILE *out, struct err *err);

/* columns: for csv, the keys of fn's JSON objects that become columns. */
static const struct {
	const char *kind, *format;
	export_fn fn;
	const char *const *columns;
} exporters[] = {
	{ "mentions", "jsonl", export_mentions, NULL },
	{ "entities", "jsonl", export_entities, NULL },
	{ "links", "jsonl", export_links, NULL },
	{ "mentions", "csv", export_mentions,
	  (const char *const[]){ "report", "entity", "type", "surface", "start", "end", "field", NULL } },
	{ "entities", "csv", export_entities,
	  (const char *const[]){ "key", "type", "name", "attributes", "identifiers", "reports", NULL } },
	{ "links", "csv", export_links,
	  (const char *const[]){ "from", "to", "type", "weight", "reports", NULL } },
	{ "graph", "graphml", graph_export_graphml, NULL },
};

static void put_line(FILE *out, cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	fputs(s, out);
	fputc('\n', out);
	free(s);
	cJSON_Delete(o);
}

/* The rows of a one-column query on id, as a JSON array of strings. */
static int string_array(sqlite3_stmt *st, int64_t id, cJSON **arr, struct err *err)
{
	int rc;

	*arr = cJSON_CreateArray();
	if (db_bind(st, err, "I", id) < 0)
		return -1;
	while ((rc = db_step(st, err)) == 1)
		cJSON_AddItemToArray(*arr, cJSON_CreateString(db_text(st, 0)));
	sqlite3_reset(st);
	return rc;
}

static int export_mentions(struct db *db, FILE *out, struct err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, &st,
		"SELECT r.source || '/' || r.ext_id, e.key, e.type, m.surface, m.start, m.end, m.field"
		" FROM mention m JOIN report r ON r.id = m.report_id JOIN entity e ON e.id = m.entity_id"
		" ORDER BY r.source, r.ext_id, m.id", err) < 0)
		return -1;
	while ((rc = db_step(st, err)) == 1) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "report", db_text(st, 0));
		cJSON_AddStringToObject(o, "entity", db_text(st, 1));
		cJSON_AddStringToObject(o, "type", db_text(st, 2));
		cJSON_AddStringToObject(o, "surface", db_text(st, 3));
		if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
			cJSON_AddStringToObject(o, "field", db_text(st, 6));
		} else {
			cJSON_AddNumberToObject(o, "start", (double)sqlite3_column_int64(st, 4));
			cJSON_AddNumberToObject(o, "end", (double)sqlite3_column_int64(st, 5));
		}
		put_line(out, o);
	}
	db_finalize(st);
	return rc;
}

static int export_entities(struct db *db, FILE *out, struct err *err)
{
	sqlite3_stmt *st = NULL, *ids = NULL, *reps = NULL;
	int rc;

	rc = db_prepare(db, &st,
		"SELECT id, key, type, display, attrs FROM entity"
		" WHERE n_reports > 0 AND merged_into IS NULL"
		" ORDER BY type, CASE WHEN type = 'person' THEN CAST(substr(key, 8) AS INTEGER) END, key",
		err);
	if (rc == 0)
		rc = db_prepare(db, &ids,
			"SELECT DISTINCT e.key FROM link l JOIN entity e ON e.id = l.b"
			" WHERE l.a = ? AND l.type IN ('holds', 'uses', 'drives') ORDER BY 1", err);
	if (rc == 0)
		rc = db_prepare(db, &reps,
			"SELECT DISTINCT r.source || '/' || r.ext_id FROM mention m"
			" JOIN report r ON r.id = m.report_id WHERE m.entity_id = ? ORDER BY 1", err);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		int64_t id = sqlite3_column_int64(st, 0);
		cJSON *o = cJSON_CreateObject(), *attrs = cJSON_Parse(db_text(st, 4)), *a = NULL;

		cJSON_AddStringToObject(o, "key", db_text(st, 1));
		cJSON_AddStringToObject(o, "type", db_text(st, 2));
		if (sqlite3_column_type(st, 3) == SQLITE_NULL)
			cJSON_AddNullToObject(o, "name");
		else
			cJSON_AddStringToObject(o, "name", db_text(st, 3));
		cJSON_AddItemToObject(o, "attributes", attrs ? attrs : cJSON_CreateObject());
		rc = string_array(ids, id, &a, err);
		cJSON_AddItemToObject(o, "identifiers", a);
		if (rc == 0) {
			rc = string_array(reps, id, &a, err);
			cJSON_AddItemToObject(o, "reports", a);
		}
		put_line(out, o);
	}
	db_finalize(st);
	db_finalize(ids);
	db_finalize(reps);
	return rc;
}

static int export_links(struct db *db, FILE *out, struct err *err)
{
	sqlite3_stmt *st = NULL, *reps = NULL;
	int rc;

	/* A co-mention has no direction: it is written from the smaller key. */
	rc = db_prepare(db, &st,
		"SELECT l.id, CASE WHEN l.type = 'co_mention' AND ea.key > eb.key THEN eb.key ELSE ea.key END AS f,"
		" CASE WHEN l.type = 'co_mention' AND ea.key > eb.key THEN ea.key ELSE eb.key END AS t,"
		" l.type, l.weight FROM link l JOIN entity ea ON ea.id = l.a JOIN entity eb ON eb.id = l.b"
		" ORDER BY f, t, l.type", err);
	if (rc == 0)
		rc = db_prepare(db, &reps,
			"SELECT r.source || '/' || r.ext_id FROM link_evidence le"
			" JOIN report r ON r.id = le.report_id WHERE le.link_id = ? ORDER BY 1", err);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		cJSON *o = cJSON_CreateObject(), *a = NULL;

		cJSON_AddStringToObject(o, "from", db_text(st, 1));
		cJSON_AddStringToObject(o, "to", db_text(st, 2));
		cJSON_AddStringToObject(o, "type", db_text(st, 3));
		/* Rounded, so that summing in another order prints the same. */
		cJSON_AddNumberToObject(o, "weight", round(sqlite3_column_double(st, 4) * 1000) / 1000);
		rc = string_array(reps, sqlite3_column_int64(st, 0), &a, err);
		cJSON_AddItemToObject(o, "reports", a);
		put_line(out, o);
	}
	db_finalize(st);
	db_finalize(reps);
	return rc;
}

/* One CSV cell: neutralised when text may be read as a formula, quoted when needed. */
static void csv_cell(FILE *out, const char *s, int text)
{
	if (text && s[0] && strchr("=+-@\t\r", s[0]))
		fputc('\'', out);
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* Run fn into a temporary file and write its objects as CSV rows of columns. */
static int write_csv(struct db *db, export_fn fn, const char *const *columns, FILE *out,
		     struct err *err)
{
	FILE *tmp = tmpfile();
	char *line = NULL;
	size_t cap = 0;
	int rc = -1;

	if (!tmp)
		return err_set(err, "cannot make a temporary file: %s", strerror(errno));
	if (fn(db, tmp, err) < 0)
		goto out;
	if (fflush(tmp) != 0 || fseek(tmp, 0, SEEK_SET) != 0) {
		err_set(err, "cannot read back the temporary file: %s", strerror(errno));
		goto out;
	}
	for (int c = 0; columns[c]; c++) {
		fputs(c ? "," : "", out);
		csv_cell(out, columns[c], 1);
	}
	fputs("\r\n", out);
	while (getline(&line, &cap, tmp) > 0) {
		cJSON *o = cJSON_Parse(line);

		for (int c = 0; columns[c]; c++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, columns[c]);
			char *s;

			fputs(c ? "," : "", out);
			if (cJSON_IsString(v)) {
				csv_cell(out, v->valuestring, 1);
			} else if (v && !cJSON_IsNull(v)) {
				s = cJSON_PrintUnformatted(v);
				csv_cell(out, s, 0);
				free(s);
			}
		}
		fputs("\r\n", out);
		cJSON_Delete(o);
	}
	rc = 0;
out:
	free(line);
	fclose(tmp);
	return rc;
}

static int run(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *kind = NULL, *format = "jsonl", *output = NULL;
	export_fn fn = NULL;
	const char *const *columns = NULL;
	int known_kind = 0, rc = EXIT_OK;
	FILE *out = stdout;
	struct db db = { 0 };
	struct err err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc)
			format = argv[++i];
		else if (!strncmp(argv[i], "--format=", 9))
			format = argv[i] + 9;
		else if (!strcmp(argv[i], "--output") && i + 1 < argc)
			output = argv[++i];
		else if (!strncmp(argv[i], "--output=", 9))
			output = argv[i] + 9;
		else if (argv[i][0] == '-' || kind)
			return cli_usage_error(&cmd_export, "unexpected argument '%s'", argv[i]);
		else
			kind = argv[i];
	}
	if (!kind)
		return cli_usage_error(&cmd_export, "no KIND given");
	for (size_t i = 0; i < sizeof(exporters) / sizeof(exporters[0]); i++) {
		if (strcmp(exporters[i].kind, kind))
			continue;
		known_kind = 1;
		if (!strcmp(exporters[i].format, format)) {
			fn = exporters[i].fn;
			columns = exporters[i].columns;
		}
	}
	if (!known_kind)
		return cli_usage_error(&cmd_export, "unknown KIND '%s'", kind);
	if (!fn)
		return cli_usage_error(&cmd_export, "%s cannot be written as '%s'", kind, format);
	if (cli_open_db(ctx, &db, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (output && !(out = fopen(output, "w"))) {
		err_set(&err, "cannot write '%s': %s", output, strerror(errno));
		out = stdout;
		rc = cli_fail(&err);
		goto out;
	}
	if ((columns ? write_csv(&db, fn, columns, out, &err) : fn(&db, out, &err)) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	cli_audit(&db, argc, argv);
out:
	if (out != stdout && fclose(out) != 0 && rc == EXIT_OK) {
		err_set(&err, "cannot write '%s': %s", output, strerror(errno));
		rc = cli_fail(&err);
	}
	db_close(&db);
	return rc;
}
