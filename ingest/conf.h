/*
 * conf: the settings of data/ingest.conf (read by common/conf), with
 * their defaults: what makes a text a near-duplicate.  An unknown name
 * or a value out of range is an error that names the line.
 */
#ifndef INGEST_CONF_H
#define INGEST_CONF_H

#include "common/err.h"
#include "ingest/dedup.h"

/* Fill rule from the file at path (every setting has a default there). */
int ingest_conf_load(struct dedup_rule *rule, const char *path, struct err *err);

#endif
