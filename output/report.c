/*
 * report: the stage's entry points.  Gathers once (report_data), hands
 * the struct to one writer or to all three, and remembers the report in
 * report_run.  Files are written to a temporary name in the target
 * directory (O_EXCL, so never through a planted link) and renamed into
 * place, which replaces a link rather than following it: nothing is
 * written outside the directory named.
 */
#include "output/report.h"
#include "output/report_data.h"
#include "common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int report_format_parse(const char *name, enum report_format *fmt)
{
	if (!strcmp(name, "json"))
		*fmt = REPORT_JSON;
	else if (!strcmp(name, "md") || !strcmp(name, "markdown"))
		*fmt = REPORT_MD;
	else if (!strcmp(name, "html"))
		*fmt = REPORT_HTML;
	else
		return -1;
	return 0;
}

void report_default_night(char buf[11])
{
	char now[32];
	struct tm tm = { 0 };
	time_t t;

	db_now(now);
	tm.tm_year = atoi(now) - 1900;
	tm.tm_mon = atoi(now + 5) - 1;
	tm.tm_mday = atoi(now + 8);
	tm.tm_hour = 12;
	t = timegm(&tm) - 86400;
	gmtime_r(&t, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}

int report_night_valid(const char *s)
{
	struct tm tm = { 0 };
	char back[11];
	time_t t;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(back, sizeof(back), "%Y-%m-%d", &tm);
	return !strcmp(back, s);   /* 2026-02-30 comes back as 03-02 */
}

static int write_one(const struct report_data *d, enum report_format fmt, FILE *out,
		     struct err *err)
{
	switch (fmt) {
	case REPORT_JSON:
		return report_json_write(d, out, err);
	case REPORT_MD:
		return report_md_write(d, out, err);
	case REPORT_HTML:
		return report_html_write(d, out, err);
	}
	return err_set(err, "unknown report format");
}

static int load(struct db *db, const struct report_opts *opts, struct report_data **d,
		struct err *err)
{
	if (report_data_load(db, opts, d, err) < 0)
		return -1;
	if (opts->record && report_data_record(db, *d, err) < 0) {
		report_data_free(*d);
		*d = NULL;
		return -1;
	}
	return 0;
}

int report_write(struct db *db, const struct report_opts *opts, FILE *out,
		 struct err *err)
{
	struct report_data *d;
	int rc;

	if (load(db, opts, &d, err) < 0)
		return -1;
	rc = write_one(d, opts->format, out, err);
	if (rc == 0 && fflush(out) != 0)
		rc = err_set(err, "cannot write the report: %s", strerror(errno));
	report_data_free(d);
	return rc;
}

/* Write dir/name through a temporary file and a rename. */
static int write_file(const struct report_data *d, enum report_format fmt,
		      const char *dir, const char *name, struct err *err)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *tmp = xasprintf("%s/.%s.%ld.tmp", dir, name, (long)getpid());
	FILE *f = NULL;
	int fd, rc = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_set(err, "cannot create '%s': %s", tmp, strerror(errno));
		goto out;
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		err_set(err, "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (write_one(d, fmt, f, err) < 0)
		goto out;
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		err_set(err, "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (fclose(f) != 0) {
		f = NULL;
		err_set(err, "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	f = NULL;
	if (rename(tmp, path) != 0) {
		err_set(err, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (f)
		fclose(f);
	if (rc < 0)
		unlink(tmp);
	free(path);
	free(tmp);
	return rc;
}

int report_write_dir(struct db *db, const struct report_opts *opts,
		     const char *dir, struct err *err)
{
	static const struct {
		enum report_format fmt;
		const char *name;
	} files[] = {
		{ REPORT_JSON, "report.json" },
		{ REPORT_MD, "report.md" },
		{ REPORT_HTML, "report.html" },
	};
	struct report_data *d;
	int rc = 0;

	if (load(db, opts, &d, err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && rc == 0; i++)
		rc = write_file(d, files[i].fmt, dir, files[i].name, err);
	report_data_free(d);
	return rc;
}
