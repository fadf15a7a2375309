/*
 * run: the state of one analyze run, shared by the files the stage is
 * split into (pipeline.c drives it; links.c writes links and flags
 * hubs).  Internal to analyze/: no other stage includes it.  Entities
 * are owned by the run's map; items and groups live for one report.
 */
#ifndef ANALYZE_RUN_H
#define ANALYZE_RUN_H

#include <stdint.h>

#include "analyze/analyze.h"
#include "analyze/conf.h"
#include "analyze/extract.h"
#include "analyze/mention.h"
#include "analyze/resolve.h"
#include "analyze/store.h"
#include "analyze/strmap.h"
#include "common/sbuf.h"

/* An entity as the run knows it. */
struct ent {
	int64_t id;
	const char *type;       /* borrowed from the run's one copy of each type (az_ent_new) */
	char *first, *last;     /* in the run's texts, or NULL: report dates */
	int n_reports;
	int64_t seen_report;    /* the report that last counted it */
	int hub;
	int live;               /* 0: a row kept from before a rebuild, not met yet */
	int placed;             /* a place whose place row is written */
	int dirty;              /* on the list of entities to write at the chunk's end */
	int users;              /* the persons a hub check counts for it, -1 unknown */
	int stored_n, stored_hub;   /* n_reports and hub as the row has them */
	int moved;              /* first or last seen changed since written */
	uint64_t attrs_hash;    /* of the display and attributes a person's row has */
	struct ent **within;    /* owned: the places that hold a place, once known */
	size_t n_within;
	int within_known;
};

/* One entity mention of the report being analyzed. */
struct item {
	struct mention *m;      /* borrowed from fields or text */
	int group;              /* the person group a person mention is of, or -1 */
	int owner;              /* the group an identifier belongs to, or -1 */
	struct ent *e;
	int64_t mention_id;
};

/* One person of the report: all mentions of one name, or one register row. */
struct group {
	const char *name;       /* borrowed: a mention's value */
	const char *role;       /* borrowed or NULL */
	int first;              /* its first item */
	const char *idcard;     /* borrowed values of its identifiers */
	const char **phones;
	size_t n_phones, cap_phones;
	char birth[11];
	char sex;
	int age;
	struct ent *e;
	char *attrs;            /* owned JSON of what was stated beside it, or NULL */
};

struct az {
	struct db *db;
	const struct analyze_opts *opts;
	struct analyze_summary *sum;
	struct analyze_conf conf;
	struct derive *derive;
	struct hub *hub;
	struct names *names;    /* for the pipeline's places; the worker has its own */
	struct worker *worker;
	struct store store;
	int store_open;
	struct resolve res;
	struct strmap ents;     /* key -> struct ent * (in ent_blocks) */
	struct ent **ent_blocks;      /* owned: the entities, ENT_BLOCK to a block */
	size_t n_ent_blocks, ent_used;    /* blocks; entities of the last one in use */
	struct strmap types;    /* entity type -> its owned copy */
	struct strpool texts;   /* the entities' first and last seen */
	int lazy;               /* entities and persons are read as met (recall.c) */
	sqlite3_stmt *q[5];     /* recall.c's lookups, prepared when lazy */
	struct strmap asked;    /* person keys already looked up (recall.c) */
	struct idmap by_id;     /* entity id -> the same struct ent */
	struct sbuf key;        /* scratch: the key ent_key builds */
	struct ent **dirty;
	size_t n_dirty, cap_dirty;
	struct extract_result *x;     /* borrowed: the report's extraction */
	struct item *items;
	size_t n_items, cap_items;
	struct group *groups;
	size_t n_groups, cap_groups;
	struct ent **within;    /* the places that hold the report's places */
	size_t n_within, cap_within;
	size_t *order;          /* scratch: text mentions in span order */
	size_t cap_order;
	char now[32];
};

/*
 * What earlier runs left (recall.c).  az_recall_open reads every entity
 * and person for a rebuild, or prepares the lookups of an ordinary night.
 * az_recall_ent: the entity of key, from the run or the database, or
 * NULL (with *rc = -1 on an error).  az_recall_persons: every stored
 * person that the observation's keys find, into the run's resolution.
 */
int az_recall_open(struct az *az, struct err *err);
void az_recall_close(struct az *az);
struct ent *az_recall_ent(struct az *az, const char *key, struct err *err, int *rc);
int az_recall_persons(struct az *az, const struct resolve_obs *o, struct err *err);
/* The entity as its row now stands: nothing to write for it. */
void az_ent_stored(struct ent *e);
/* A new zeroed entity of type (borrowed), owned by the run until az_release. */
struct ent *az_ent_new(struct az *az, const char *type);

/* Whether type is an identifier's ("phone", "idcard", ...), and the link a person has to it. */
int az_is_ident(const char *type);
const char *az_link_type(const char *type);
int az_is_person(const struct mention *m);

/* Put e on the list of entities whose row is written at the chunk's end. */
void az_ent_mark(struct az *az, struct ent *e);
/* What an identifier says about itself, as an owned JSON text. */
char *az_ident_attrs(struct az *az, const char *type, const char *value,
		     const char *service, int shared);

/* The report's links, with r as their evidence (links.c). */
int az_write_links(struct az *az, const struct extract_report *r, struct err *err);
/* Flag the report's identifiers, organisations and objects that became hubs (links.c). */
int az_check_hubs(struct az *az, struct err *err);

#endif
