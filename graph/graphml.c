/*
 * graphml: the graph as GraphML for Gephi and link-chart tools, written
 * straight from SQL as a stream (no igraph needed, nothing held in
 * memory).  Node ids are entity keys; every text is XML-escaped.
 */
#include "graph/graph.h"

#include <stdio.h>
#include <string.h>

static void xml_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '<')
			fputs("&lt;", out);
		else if (c == '>')
			fputs("&gt;", out);
		else if (c == '&')
			fputs("&amp;", out);
		else if (c == '"')
			fputs("&quot;", out);
		else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			continue;       /* not allowed in XML 1.0 */
		else
			fputc(c, out);
	}
}

static void data(FILE *out, const char *key, const char *val)
{
	if (!val || !*val)
		return;
	fprintf(out, "<data key=\"%s\">", key);
	xml_text(out, val);
	fputs("</data>", out);
}

static const char header[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
	"<key id=\"type\" for=\"node\" attr.name=\"type\" attr.type=\"string\"/>\n"
	"<key id=\"name\" for=\"node\" attr.name=\"name\" attr.type=\"string\"/>\n"
	"<key id=\"hub\" for=\"node\" attr.name=\"hub\" attr.type=\"boolean\"/>\n"
	"<key id=\"cluster\" for=\"node\" attr.name=\"cluster\" attr.type=\"string\"/>\n"
	"<key id=\"degree\" for=\"node\" attr.name=\"degree\" attr.type=\"int\"/>\n"
	"<key id=\"pagerank\" for=\"node\" attr.name=\"pagerank\" attr.type=\"double\"/>\n"
	"<key id=\"betweenness\" for=\"node\" attr.name=\"betweenness\" attr.type=\"double\"/>\n"
	"<key id=\"ltype\" for=\"edge\" attr.name=\"type\" attr.type=\"string\"/>\n"
	"<key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n"
	"<key id=\"reports\" for=\"edge\" attr.name=\"reports\" attr.type=\"int\"/>\n"
	"<graph id=\"lookout\" edgedefault=\"undirected\">\n";

static int nodes(struct db *db, FILE *out, struct err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (db_prepare(db, &st,
		       "SELECT e.key, e.type, e.display, e.hub, "
		       "  (SELECT c.label FROM cluster_member m JOIN cluster c ON c.id = m.cluster_id "
		       "   WHERE m.entity_id = e.id AND m.night = c.night AND c.status <> 'gone' LIMIT 1), "
		       "  s.degree, s.pagerank, s.betweenness "
		       "FROM entity e LEFT JOIN entity_score s ON s.entity_id = e.id ORDER BY e.id", err) < 0)
		return -1;
	while ((rc = db_step(st, err)) == 1) {
		fputs("<node id=\"", out);
		xml_text(out, db_text(st, 0));
		fputs("\">", out);
		data(out, "type", db_text(st, 1));
		data(out, "name", db_text(st, 2));
		data(out, "hub", sqlite3_column_int(st, 3) ? "true" : "false");
		data(out, "cluster", db_text(st, 4));
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			fprintf(out, "<data key=\"degree\">%d</data><data key=\"pagerank\">%.6g</data>"
				"<data key=\"betweenness\">%.6g</data>", sqlite3_column_int(st, 5),
				sqlite3_column_double(st, 6), sqlite3_column_double(st, 7));
		fputs("</node>\n", out);
	}
	db_finalize(st);
	return rc;
}

static int edges(struct db *db, FILE *out, struct err *err)
{
	sqlite3_stmt *st = NULL;
	long n = 0;
	int rc;

	if (db_prepare(db, &st,
		       "SELECT ea.key, eb.key, l.type, l.weight, "
		       "  (SELECT count(*) FROM link_evidence v WHERE v.link_id = l.id) "
		       "FROM link l JOIN entity ea ON ea.id = l.a JOIN entity eb ON eb.id = l.b "
		       "UNION ALL "
		       "SELECT ea.key, eb.key, 'companion', c.occasions, "
		       "  (SELECT count(*) FROM companion_evidence v WHERE v.companion_id = c.id) "
		       "FROM companion c JOIN entity ea ON ea.id = c.a JOIN entity eb ON eb.id = c.b", err) < 0)
		return -1;
	while ((rc = db_step(st, err)) == 1) {
		fprintf(out, "<edge id=\"e%ld\" source=\"", n++);
		xml_text(out, db_text(st, 0));
		fputs("\" target=\"", out);
		xml_text(out, db_text(st, 1));
		fputs("\">", out);
		data(out, "ltype", db_text(st, 2));
		fprintf(out, "<data key=\"weight\">%.6g</data><data key=\"reports\">%d</data></edge>\n",
			sqlite3_column_double(st, 3), sqlite3_column_int(st, 4));
	}
	db_finalize(st);
	return rc;
}

int graph_export_graphml(struct db *db, FILE *out, struct err *err)
{
	fputs(header, out);
	if (nodes(db, out, err) < 0 || edges(db, out, err) < 0)
		return err_prefix(err, "exporting graphml");
	fputs("</graph>\n</graphml>\n", out);
	if (fflush(out) != 0 || ferror(out))
		return err_set(err, "exporting graphml: write error");
	return 0;
}
