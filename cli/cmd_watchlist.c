/*
 * watchlist: keep the lists that the warn stage compares every new
 * record against (wanted persons, key persons, stolen plates and phones,
 * missing persons, items).  Changes are written to the audit table.
 */
#include "cli/cli.h"
#include "common/norm.h"
#include "common/xalloc.h"
#include "output/warn_conf.h"
#include "output/watchlist.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_cmd cmd_watchlist = {
	"watchlist", "import, add, list and remove watched entries",
	"usage: lookout watchlist import [--list L] [--format csv|jsonl] FILE\n"
	"       lookout watchlist add --list L (--key TYPE:VALUE | --id-number X |\n"
	"               --phone P | --plate P | --imei I | --item TEXT) [--name N] [--note TEXT]\n"
	"       lookout watchlist list [--list L] [--json]\n"
	"       lookout watchlist remove [--list L] --key TYPE:VALUE\n"
	"\n"
	"Entries are entity keys (plate:苏A12345, idcard:..., phone:..., imei:...,\n"
	"item:...), normalised as ingest and analyze normalise the records: a\n"
	"watched 苏A·12345 matches 苏A12345.  Lists: wanted, key_person, stolen,\n"
	"missing, or any name.  'lookout warn' raises a watchlist warning for\n"
	"every new record that matches.\n"
	"\n"
	"import reads CSV (a header row; list, id_number, phone, plate, imei,\n"
	"item, name, note, or their Chinese names) or JSON Lines with the same\n"
	"fields; each identifier of a row becomes one entry.  Rows with a bad\n"
	"value are reported and skipped; the rest are imported.\n"
	"\n"
	"  --list L     the list (import: for rows that name none)\n"
	"  --json       list as JSON Lines\n",
	run,
};

struct args {
	const char *list, *key, *field, *value, *name, *note, *format, *file;
	int json;
};

/* Options of every subcommand; a usage error returns -1 (already printed). */
static int parse(int argc, char **argv, struct args *a)
{
	static const struct {
		const char *opt, *field;
	} ids[] = {
		{ "--id-number", "id_number" }, { "--phone", "phone" }, { "--plate", "plate" },
		{ "--imei", "imei" }, { "--item", "item" },
	};

	memset(a, 0, sizeof(*a));
	for (int i = 2; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **dst = NULL;

		if (!strcmp(o, "--json")) {
			a->json = 1;
			continue;
		}
		if (!strcmp(o, "--list"))
			dst = &a->list;
		else if (!strcmp(o, "--key"))
			dst = &a->key;
		else if (!strcmp(o, "--name"))
			dst = &a->name;
		else if (!strcmp(o, "--note"))
			dst = &a->note;
		else if (!strcmp(o, "--format"))
			dst = &a->format;
		for (size_t k = 0; !dst && k < sizeof(ids) / sizeof(ids[0]); k++)
			if (!strcmp(o, ids[k].opt)) {
				dst = &a->value;
				a->field = ids[k].field;
			}
		if (dst) {
			if (!v) {
				cli_usage_error(&cmd_watchlist, "%s needs a value", o);
				return -1;
			}
			*dst = v;
			i++;
		} else if (o[0] == '-' && o[1]) {
			cli_usage_error(&cmd_watchlist, "unknown option '%s'", o);
			return -1;
		} else if (!a->file) {
			a->file = o;
		} else {
			cli_usage_error(&cmd_watchlist, "unexpected argument '%s'", o);
			return -1;
		}
	}
	return 0;
}

static int do_list(struct db *db, const struct args *a, struct err *err)
{
	sqlite3_stmt *st;
	int r;

	if (db_prepare(db, &st,
		       "SELECT id, list, key, coalesce(name, ''), coalesce(note, ''), added_at"
		       " FROM watchlist WHERE ?1 IS NULL OR list = ?1 ORDER BY list, key", err) < 0 ||
	    db_bind(st, err, "s", a->list) < 0) {
		db_finalize(st);
		return -1;
	}
	while ((r = db_step(st, err)) == 1) {
		if (a->json) {
			cJSON *o = cJSON_CreateObject();
			char *s;

			cJSON_AddNumberToObject(o, "id", sqlite3_column_double(st, 0));
			cJSON_AddStringToObject(o, "list", db_text(st, 1));
			cJSON_AddStringToObject(o, "key", db_text(st, 2));
			cJSON_AddStringToObject(o, "name", db_text(st, 3));
			cJSON_AddStringToObject(o, "note", db_text(st, 4));
			cJSON_AddStringToObject(o, "added_at", db_text(st, 5));
			s = cJSON_PrintUnformatted(o);
			puts(s);
			free(s);
			cJSON_Delete(o);
		} else {
			printf("%-10s %-32s %s%s%s\n", db_text(st, 1), db_text(st, 2), db_text(st, 3),
			       *db_text(st, 4) ? "  # " : "", db_text(st, 4));
		}
	}
	db_finalize(st);
	return r;
}

static int do_import(struct cli_ctx *ctx, struct db *db, const struct args *a,
		     struct err *err)
{
	struct warn_conf conf;
	struct norm n = { 0 };
	struct watchlist_import st = { 0 };
	char *path = xasprintf("%s/warn.conf", ctx->data_dir);
	int rc = -1;

	if (warn_conf_load(&conf, path, err) < 0 || norm_init(&n, err) < 0 ||
	    watchlist_import_file(db, &n, &conf, a->file, a->format, a->list, &st, err) < 0)
		goto out;
	fputs(sbuf_str(&st.problems), stderr);
	printf("watchlist: '%s': %ld rows, %ld added, %ld updated, %ld skipped\n", a->file,
	       st.rows, st.added, st.updated, st.skipped);
	rc = 0;
out:
	sbuf_release(&st.problems);
	norm_release(&n);
	warn_conf_release(&conf);
	free(path);
	return rc;
}

static int do_add(struct db *db, const struct args *a, struct err *err)
{
	struct norm n = { 0 };
	char *key = NULL;
	int added, rc = -1;

	if (norm_init(&n, err) < 0)
		goto out;
	key = watchlist_key(&n, a->key ? "key" : a->field, a->key ? a->key : a->value, err);
	if (!key || watchlist_add(db, a->list, key, a->name, a->note, &added, err) < 0)
		goto out;
	printf("watchlist: %s %s %s\n", added ? "added" : "updated", a->list, key);
	rc = 0;
out:
	free(key);
	norm_release(&n);
	return rc;
}

static int do_remove(struct db *db, const struct args *a, struct err *err)
{
	struct norm n = { 0 };
	char *key = NULL;
	int removed = 0, rc = -1;

	if (norm_init(&n, err) < 0 || !(key = watchlist_key(&n, "key", a->key, err)) ||
	    watchlist_remove(db, a->list, key, &removed, err) < 0)
		goto out;
	if (removed == 0) {
		err_set(err, "no watchlist entry '%s'%s%s", key, a->list ? " in list " : "",
			a->list ? a->list : "");
		goto out;
	}
	printf("watchlist: removed %d %s\n", removed, removed == 1 ? "entry" : "entries");
	rc = 0;
out:
	free(key);
	norm_release(&n);
	return rc;
}

static int run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct args a;
	struct db db = { 0 };
	struct err err;
	const char *sub = argc > 1 ? argv[1] : "";
	int rc = EXIT_OK, r;

	if (cli_wants_help(&cmd_watchlist, argc, argv))
		return EXIT_OK;
	if (!*sub)
		return cli_usage_error(&cmd_watchlist, "a subcommand is needed: import, add, list or remove");
	if (strcmp(sub, "import") && strcmp(sub, "add") && strcmp(sub, "list") &&
	    strcmp(sub, "remove"))
		return cli_usage_error(&cmd_watchlist, "unknown subcommand '%s'", sub);
	if (parse(argc, argv, &a) < 0)
		return EXIT_USAGE;
	if (!strcmp(sub, "import") && !a.file)
		return cli_usage_error(&cmd_watchlist, "import needs a FILE");
	if (!strcmp(sub, "add") && (!a.list || (!a.key == !a.value)))
		return cli_usage_error(&cmd_watchlist,
				       "add needs --list and one of --key, --id-number, --phone, --plate, --imei, --item");
	if (!strcmp(sub, "remove") && !a.key)
		return cli_usage_error(&cmd_watchlist, "remove needs --key");
	if (strcmp(sub, "import") && a.file)
		return cli_usage_error(&cmd_watchlist, "unexpected argument '%s'", a.file);
	if (cli_open_db(ctx, &db, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (!strcmp(sub, "list"))
		r = do_list(&db, &a, &err);
	else if (!strcmp(sub, "import"))
		r = do_import(ctx, &db, &a, &err);
	else if (!strcmp(sub, "add"))
		r = do_add(&db, &a, &err);
	else
		r = do_remove(&db, &a, &err);
	if (r < 0)
		rc = cli_fail(&err);
	else if (strcmp(sub, "list"))
		cli_audit(&db, argc, argv);
out:
	db_close(&db);
	return rc;
}
