/*
 * hub: an exact-number map plus a short list of prefixes.  Prefixes are
 * few (400, 800), so a linear scan over them is cheaper than any index.
 * A landline is compared with and without its area code, so a listed
 * "62881234" also matches "0551-62881234" and a listed full value matches
 * only itself.
 */
#include "analyze/hub.h"
#include "analyze/datafile.h"
#include "analyze/strmap.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct hub_prefix {
	char *prefix;
	char *name;
};

struct hub {
	struct strmap exact;           /* number -> char * name (owned) */
	struct hub_prefix *prefixes;
	size_t n_prefixes, cap_prefixes;
};

static int hub_line(void *ctx, char **f, int n, struct err *err)
{
	struct hub *h = ctx;
	size_t len;

	if (n != 2 || !*f[0] || !*f[1])
		return err_set(err, "expected number, service");
	len = strlen(f[0]);
	if (f[0][len - 1] == '*') {
		struct hub_prefix *p;

		h->prefixes = xgrow(h->prefixes, &h->cap_prefixes, h->n_prefixes + 1,
				    sizeof(*h->prefixes));
		p = &h->prefixes[h->n_prefixes++];
		p->prefix = xstrndup(f[0], len - 1);
		p->name = xstrdup(f[1]);
	} else {
		void **slot = strmap_put(&h->exact, f[0]);

		if (!*slot)
			*slot = xstrdup(f[1]);
	}
	return 0;
}

void hub_free(struct hub *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->exact.cap; i++)
		if (h->exact.v[i].key)
			free(h->exact.v[i].val);
	strmap_release(&h->exact);
	for (size_t i = 0; i < h->n_prefixes; i++) {
		free(h->prefixes[i].prefix);
		free(h->prefixes[i].name);
	}
	free(h->prefixes);
	free(h);
}

struct hub *hub_new(const char *dir, struct err *err)
{
	struct hub *h = xcalloc(1, sizeof(*h));

	strmap_init(&h->exact);
	if (datafile_read(dir, "service-numbers.tsv", hub_line, h, err) < 0) {
		hub_free(h);
		return NULL;
	}
	return h;
}

const char *hub_service(const struct hub *h, const char *value)
{
	const char *name = strmap_get(&h->exact, value);
	const char *dash = strchr(value, '-');

	if (name)
		return name;
	if (dash && (name = strmap_get(&h->exact, dash + 1)))
		return name;
	for (size_t i = 0; i < h->n_prefixes; i++)
		if (!strncmp(value, h->prefixes[i].prefix, strlen(h->prefixes[i].prefix)))
			return h->prefixes[i].name;
	return NULL;
}
