# t-graph: the graph stage and the officer's queries on a hand-written
# district (tests/fixtures/graph/*.sql, loaded with sqlite3 after init, so
# these tests do not depend on the analyze stage's extraction).
. "$(dirname "$0")/lib.sh"

GFIX=$FIX/graph
dump() {
	sqlite3 "$LOOKOUT_DB" "SELECT label, status, size, round(score, 4) FROM cluster ORDER BY id;
		SELECT * FROM cluster_member ORDER BY 1, 2, 3;
		SELECT * FROM cluster_history ORDER BY 1, 2;
		SELECT entity_id, component, degree, round(pagerank, 6), betweenness FROM entity_score ORDER BY 1;
		SELECT key, n_reports, round(score, 6) FROM series ORDER BY key;
		SELECT * FROM series_pair ORDER BY 1, 2, 3;
		SELECT a, b, occasions, round(chance, 6) FROM companion ORDER BY a, b;
		SELECT cluster_id, night, entity_id, printf('%.9f %.9f', x, y) FROM cluster_layout ORDER BY 1, 2, 3;"
}

run_case graph-1.1 "graph --help" 0 lookout graph --help
run_case graph-1.2 "a night that is not a date" 2 lookout graph --night 2026-13-01
run_case graph-1.3 "an unknown option" 2 lookout graph --frob
check graph-1.4 "load the fixture district" sh -c \
	"'$LOOKOUT' init >/dev/null && sqlite3 '$LOOKOUT_DB' < '$GFIX/district.sql'"
run_case graph-1.5 "graph the first night" 0 lookout graph --night 2026-11-09
dump >"$T/night1.txt"
lookout graph --night 2026-11-09 --quiet
dump >"$T/night1b.txt"
check graph-1.6 "running the same night again gives the same tables" diff "$T/night1.txt" "$T/night1b.txt"
run_case graph-1.7 "the clusters, series and companions" 0 sqlite3 "$LOOKOUT_DB" \
	"SELECT label, status, size FROM cluster ORDER BY id;
	 SELECT key, n_reports, n_days, categories FROM series;
	 SELECT chain FROM series_pair;
	 SELECT a, b, occasions, round(expected, 3), round(chance, 3), venues FROM companion;"
run_case graph-1.8 "the hub is in no cluster" 0 sqlite3 "$LOOKOUT_DB" \
	"SELECT count(*) FROM cluster_member m JOIN entity e ON e.id = m.entity_id WHERE e.hub = 1"
run_case graph-1.9 "a picture of each new cluster: its members laid out inside the box" 0 \
	sqlite3 "$LOOKOUT_DB" "SELECT c.label, count(*), min(x) >= 0.05 AND max(x) <= 0.95 AND
	 min(y) >= 0.05 AND max(y) <= 0.95 FROM cluster_layout l JOIN cluster c ON c.id = l.cluster_id
	 GROUP BY c.label ORDER BY c.label"

# path
run_case graph-2.1 "query path: the shortest chain with its reports" 0 \
	lookout query path person:4 person:2
run_case graph-2.2 "query path --json" 0 lookout query path phone:13912345678 person:3 --json
run_case graph-2.3 "query path --k 3" 0 lookout query path person:4 person:2 --k 3
run_case graph-2.4 "query path --forward: reports in time order" 0 \
	lookout query path person:5 person:2 --forward --json
run_case graph-2.5 "a bare identifier is found by value" 0 lookout query path 13912345678 person:3
run_case graph-2.6 "no path through the hub" 0 lookout query path person:6 person:7
run_case graph-2.7 "an unknown key" 1 lookout query path person:4 phone:1
run_case graph-2.8 "path wants two keys" 2 lookout query path person:4
run_case graph-2.9 "--k wants a number" 2 lookout query path person:4 person:2 --k 0

# expand
run_case graph-3.1 "从人到案: a person's reports within two hops" 0 \
	lookout query expand person:1 --hops 2 --type report
run_case graph-3.2 "从案到人: persons around a report" 0 \
	lookout query expand 110/J1 --hops 3 --type person
run_case graph-3.3 "从物到人: persons around a plate, as JSON" 0 \
	lookout query expand plate:苏A12345 --hops 2 --type person --json
run_case graph-3.4 "expand a hub: reached, not passed through" 0 lookout query expand phone:96110 --hops 2
run_case graph-3.5 "--limit cuts the list" 0 lookout query expand person:1 --hops 2 --limit 3
run_case graph-3.6 "--hops wants a number" 2 lookout query expand person:1 --hops x

# cluster and entity
run_case graph-4.1 "query cluster" 0 lookout query cluster C-0001
run_case graph-4.2 "query cluster by number, JSON" 0 lookout query cluster 2 --json
run_case graph-4.3 "an unknown cluster" 1 lookout query cluster C-0099
run_case graph-4.4 "query entity: a person" 0 lookout query entity person:1
run_case graph-4.5 "query entity: an identifier, JSON" 0 lookout query entity phone:13912345678 --json
run_case graph-4.6 "query entity: a hub" 0 lookout query entity 96110

# search
run_case graph-5.1 "search: the trigram index" 0 lookout query search 入室盗窃
run_case graph-5.2 "search: two characters fall back to a scan" 0 lookout query search 撬压
run_case graph-5.3 "search: every word must be there, JSON" 0 lookout query search 被盗 幸福路 --json
run_case graph-5.4 "search: nothing found" 0 lookout query search 不存在的词语
run_case graph-5.5 "search wants text" 2 lookout query search
run_case graph-5.6 "an unknown question" 2 lookout query frob
run_case graph-5.7 "no question" 2 lookout query
run_case graph-5.8 "every query is in the audit table" 0 sqlite3 "$LOOKOUT_DB" \
	"SELECT command, args FROM audit ORDER BY id"

# export
run_case graph-6.1 "export graph --format graphml" 0 lookout export graph --format graphml

check graph-6.2 "the morning report draws the new clusters with the graph stage's layout" sh -c \
	"'$LOOKOUT' report --night 2026-11-09 --format html --out '$T/r.html' >/dev/null 2>&1 &&
	 test \"\$(grep -c '布局：图分析阶段' '$T/r.html')\" = 2 && ! grep -q '布局：关键人物' '$T/r.html'"

# the next night: the series and its cluster grow
check graph-7.1 "load the next night" sh -c "sqlite3 '$LOOKOUT_DB' < '$GFIX/night2.sql'"
run_case graph-7.2 "graph the next night" 0 lookout graph --night 2026-11-10
run_case graph-7.3 "what changed" 0 sqlite3 "$LOOKOUT_DB" \
	"SELECT c.label, h.night, h.status, h.size, h.added, h.removed, h.related
	 FROM cluster_history h JOIN cluster c ON c.id = h.cluster_id ORDER BY h.night, c.label;
	 SELECT key, n_reports, first_night, night FROM series"
run_case graph-7.4 "an earlier night is refused" 1 lookout graph --night 2026-11-09

# The sample inbox through the real ingest and analyze stages: the
# planted crew (a series joined by the plate 苏A7K39D) and the planted
# companions (four hotel nights) must be found.  Counts depend on
# analyze, so only the planted answers are checked.
S="$T/sample.db"
# The planted companions' ID numbers, from the generator's truth file.
COMP=$(sed -n 's/.*"kind":"companion","subject":"\([0-9X]*\)|\([0-9X]*\)".*/\1 \2/p' "$ROOT/data/sample/truth.jsonl")
C1=${COMP% *}
C2=${COMP#* }
check graph-8.1 "ingest, analyze and graph the sample inbox" sh -c \
	"'$LOOKOUT' --db '$S' ingest '$ROOT'/data/sample/inbox/* >/dev/null 2>&1;
	 '$LOOKOUT' --db '$S' analyze >/dev/null && '$LOOKOUT' --db '$S' graph --night 2026-11-21 >/dev/null"
check graph-8.2 "the planted series joins the crew's burglary, case and theft" sh -c \
	"sqlite3 '$S' \"SELECT group_concat(r.source || '/' || r.ext_id, ' ') FROM series_report x
	  JOIN report r ON r.id = x.report_id JOIN series s ON s.id = x.series_id
	  WHERE s.key = '110/J20261101000007'\" | grep 'case/A3201022026000008' | grep -q '110/J20261119000010'"
check graph-8.3 "the planted companions are found, unlikely by chance" sh -c \
	"sqlite3 '$S' \"SELECT count(*) FROM companion c
	  JOIN link l1 ON l1.a = c.a OR l1.b = c.a JOIN entity i1 ON i1.id IN (l1.a, l1.b)
	  JOIN link l2 ON l2.a = c.b OR l2.b = c.b JOIN entity i2 ON i2.id IN (l2.a, l2.b)
	  WHERE i1.key = 'idcard:$C1' AND i2.key = 'idcard:$C2'
	  AND c.occasions >= 3 AND c.chance < 0.05\" | grep -qx 1"
holder() {
	sqlite3 "$S" "SELECT p.key FROM link l JOIN entity i ON i.id IN (l.a, l.b)
		JOIN entity p ON p.id IN (l.a, l.b) AND p.type = 'person'
		WHERE i.key = 'idcard:$1' AND l.type = 'holds'"
}
P1=$(holder "$C1")
P2=$(holder "$C2")
run_case graph-8.4 "the chain between the two companions is their companion link" 0 sh -c \
	"'$LOOKOUT' --db '$S' query path '$P1' '$P2' | sed -n 's/.*-\\[\\(.*\\)\\]- .*/\\1/p'"

done_testing
