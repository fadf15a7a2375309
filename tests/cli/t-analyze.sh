# t-analyze: ingest then analyze the fixtures of tests/fixtures/analyze/,
# pin the export lines, and check the stage's promises: a second run is a
# no-op, --all equals a fresh database, incremental equals one run, the
# resolution rules (never two ID numbers, never a name alone, conflicting
# age, redacted names), hubs, and undoing a merge for good.
. "$(dirname "$0")/lib.sh"

A=$FIX/analyze
# A data folder of our own: a hotel's front desk as a service number, and
# hub thresholds small enough for three reports.
mkdir "$T/data"
(cd "$ROOT/data" && tar cf - --exclude=./sample .) | (cd "$T/data" && tar xf -)
printf '025-84420110\t如家酒店新街口店前台\n' >> "$T/data/service-numbers.tsv"
sed -i 's/^hub_min_reports = .*/hub_min_reports = 3/; s/^hub_min_persons = .*/hub_min_persons = 3/' \
	"$T/data/analyze.conf"

an() { lookout --data data "$@"; }
exports() { # exports DB OUT: the three exports of DB into OUT.*
	for k in mentions entities links; do
		lookout --db "$1" export "$k" > "$2.$k" || return 1
	done
}
same_exports() { # same_exports A B: two sets of exports are equal
	for k in mentions entities links; do
		diff -u "$1.$k" "$2.$k" || return 1
	done
}
# count_named NAME FILE: persons of that name in an entities export
count_named() { grep -c "\"type\":\"person\",\"name\":\"$1\"" "$2"; }
sql() { sqlite3 lookout.db "$1"; }
categories_of() { # categories_of EXT_ID [primary]: the report's categories
	sql "SELECT c.category FROM report_category c JOIN report r ON r.id = c.report_id
	     WHERE r.ext_id = '$1' ${2:+AND c.is_primary} ORDER BY c.category"
}

check analyze-1.0 "ingest the first day" lookout ingest "$A/day1.jsonl"
run_case analyze-1.1 "analyze the first day" 0 an analyze
run_case analyze-1.2 "export mentions" 0 lookout export mentions
run_case analyze-1.3 "export entities" 0 lookout export entities
run_case analyze-1.4 "export links" 0 lookout export links --format jsonl
run_case analyze-1.5 "the merges" 0 lookout resolve list
check analyze-1.6 "keep the exports" exports lookout.db one
run_case analyze-1.7 "a second run is a no-op" 0 an analyze
second_run_same() { exports lookout.db two && same_exports one two; }
check analyze-1.8 "and changes nothing" second_run_same
run_case analyze-1.9 "--all analyzes every report again" 0 an analyze --all
all_same() { exports lookout.db three && same_exports one three; }
check analyze-1.10 "giving what it gave" all_same
orphans() {
	# an entity nothing mentions any more goes, unless a later stage holds it
	sql "INSERT INTO entity(type, key) VALUES ('phone', 'phone:13000000000'), ('phone', 'phone:13000000001');
	     INSERT INTO entity_score(entity_id, night, component, degree, strength, pagerank, betweenness)
	     SELECT id, '2026-11-21', 0, 0, 0, 0, 0 FROM entity WHERE key = 'phone:13000000001'" &&
	an analyze --all >/dev/null &&
	[ "$(sql "SELECT group_concat(key) FROM entity WHERE key LIKE 'phone:1300000000%'")" = phone:13000000001 ] &&
	sql "DELETE FROM entity_score; DELETE FROM entity WHERE key = 'phone:13000000001'" &&
	exports lookout.db four && same_exports one four
}
check analyze-1.14 "--all drops what nothing mentions, where it may" orphans
audited() { [ "$(sql "SELECT count(*) FROM audit WHERE command = 'export'")" -ge 9 ]; }
check analyze-1.11 "each export is audited" audited
run_case analyze-1.12 "stats count the stage" 0 lookout stats --json
to_file() { lookout export links --output links.jsonl && cmp links.jsonl one.links; }
check analyze-1.13 "--output writes a file" to_file

# The rules, read off the exports.
one_lina() { [ "$(count_named 李娜 one.entities)" = 1 ]; }
check analyze-2.1 "name + phone + ID joined the two 李娜" one_lina
two_wangqiang() { [ "$(count_named 王强 one.entities)" = 2 ]; }
check analyze-2.2 "two 王强 with different ID numbers stay two" two_wangqiang
two_zhaomin() { [ "$(count_named 赵敏 one.entities)" = 2 ]; }
check analyze-2.3 "赵敏 aged 50 is not the 赵敏 born 1990" two_zhaomin
two_zhang() { [ "$(count_named 张某 one.entities)" = 2 ]; }
check analyze-2.4 "张某 in two reports without an identifier is two persons" two_zhang
id_attrs() {
	grep -q '"key":"idcard:110105199003070025","type":"idcard","name":"110105199003070025","attributes":{"birth_date":"1990-03-07","sex":"female","region":"北京市朝阳区"' one.entities
}
check analyze-2.5 "the ID number gives birth date, sex and region" id_attrs
phone_attrs() { grep -q '"key":"phone:13912345678".*"carrier":"中国移动"' one.entities; }
check analyze-2.6 "the phone prefix gives the carrier" phone_attrs
cats() {
	[ "$(categories_of J1 primary)" = burglary ] && categories_of J1 | grep -qx theft &&
	[ "$(categories_of T1 primary)" = dispute ] && categories_of T1 | grep -qx threat &&
	[ "$(categories_of C1 primary)" = fraud ] && [ -z "$(categories_of H1)" ]
}
check analyze-2.7 "categories: burglary with theft, dispute with threat, given fraud, none for a register row" cats
roles_of() { # roles_of EXT_ID TYPE: the roles its mentions of that type are named in, "-" for none
	sql "SELECT group_concat(coalesce(m.role, '-')) FROM mention m JOIN report r ON r.id = m.report_id
	     JOIN entity e ON e.id = m.entity_id WHERE r.ext_id = '$1' AND e.type = '$2'"
}
id_roles() {
	# a reporter's phone in the text is named as the reporter's, as a
	# persons[] entry's is in the entry's role; a phone nobody holds has none
	[ "$(roles_of J1 phone)" = reporter ] && [ "$(roles_of T1 phone)" = reporter ] &&
	[ "$(roles_of J2 phone)" = reporter ] && [ "$(roles_of C1 phone)" = victim ] &&
	[ "$(roles_of E1 phone)" = - ] && [ "$(roles_of H1 phone)" = - ]
}
check analyze-2.8 "an identifier is named in the role of the person it belongs to" id_roles
contact_numbers() {
	# "..., phone N" in an English tip and a closing "电话N" are the
	# caller's contact number; the fraudster's "对方电话N" is nobody's
	cat > caller.jsonl <<-'EOF'
	{"id":"T9","source":"hotline","kind":"tip","received_at":"2026-11-19T13:31:00Z","text":"Caller David Miller reported that a bicycle was stolen near 玄武区梅园新村街道长江路社区汉府街118号, phone 13214966113."}
	{"id":"J27","source":"110","kind":"incident","received_at":"2026-11-19T13:31:00Z","text":"居民马春生报警称与邻居潘刚因楼道堆放杂物发生争吵,对方扬言要报复。电话13876282930。"}
	{"id":"T10","source":"hotline","kind":"tip","received_at":"2026-11-19T13:31:00Z","text":"受害人谢春生被冒充客服诈骗,对方电话16512345678。"}
	EOF
	lookout --db caller.db ingest caller.jsonl >/dev/null && an --db caller.db analyze >/dev/null &&
	[ "$(sqlite3 caller.db "SELECT group_concat(role) FROM (SELECT coalesce(m.role, '-') AS role
	      FROM mention m JOIN entity e ON e.id = m.entity_id WHERE e.type = 'phone' ORDER BY m.id)")" = \
	  reporter,reporter,- ] &&
	lookout --db caller.db export links > caller.links &&
	grep -q '"to":"phone:13214966113","type":"uses"' caller.links &&
	grep -q '"to":"phone:13876282930","type":"uses"' caller.links &&
	! grep -q '"to":"phone:16512345678","type":"uses"' caller.links
}
check analyze-2.9 "a caller's contact number is the caller's, a fraudster's nobody's" contact_numbers

# Incremental: the second day on top equals both days in a fresh database.
check analyze-3.0 "ingest the second day" lookout ingest "$A/day2.jsonl"
run_case analyze-3.1 "analyze only the new reports" 0 an analyze
shared_hub() {
	lookout export entities | grep -q '"key":"phone:13500000009".*"hub":"shared"' &&
	! lookout export links | grep -q phone:13500000009
}
check analyze-3.2 "a phone used by three persons became a hub without links" shared_hub
service_hub() {
	lookout export entities | grep -q '"key":"phone:025-84420110".*"service"' &&
	! lookout export links | grep -q phone:025-84420110
}
check analyze-3.3 "a service number links to no one" service_hub
callers_phone() {
	lookout export links > day2.links &&
	grep -q '"from":"person:[0-9]*","to":"phone:13600001111","type":"co_mention"' day2.links &&
	! grep -q '"to":"phone:13600001111","type":"uses"' day2.links
}
check analyze-3.5 "the caller's phone is not the victim's" callers_phone
fresh_same() {
	exports lookout.db inc &&
	lookout --db fresh.db ingest "$A/day1.jsonl" "$A/day2.jsonl" >/dev/null &&
	lookout --db fresh.db --data data analyze >/dev/null &&
	exports fresh.db fresh && same_exports inc fresh
}
check analyze-3.4 "incremental equals one run on a fresh database" fresh_same
# The graph stage puts triggers on link and mention (their changes mark
# its blocks), and a trigger takes the conflict policy of the insert that
# fires it: a night after a graph run must analyze as one without.
after_graph() {
	lookout --db graphed.db ingest "$A/day1.jsonl" >/dev/null &&
	lookout --db graphed.db --data data analyze >/dev/null &&
	lookout --db graphed.db graph --night 2026-11-21 >/dev/null &&
	[ "$(sqlite3 graphed.db "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'
		AND tbl_name IN ('link', 'mention')")" -gt 0 ] &&
	lookout --db graphed.db ingest "$A/day2.jsonl" >/dev/null &&
	lookout --db graphed.db --data data analyze >/dev/null &&
	exports graphed.db graphed && same_exports inc graphed
}
check analyze-3.6 "a night after the graph stage's triggers analyzes the same" after_graph

# Undoing a merge, for good.
run_case analyze-4.1 "split merge 5" 0 lookout resolve split 5
run_case analyze-4.2 "no merge is left" 0 lookout resolve list
# who undid it depends on the machine: left out here
undone_list() { lookout resolve list --undone --json | sed 's/ by [^"]*"/ by USER"/'; }
run_case analyze-4.3 "the undone merge is listed" 0 undone_list
two_lina() { lookout export entities > now.entities && [ "$(count_named 李娜 now.entities)" = 2 ]; }
check analyze-4.4 "the two 李娜 are two again" two_lina
still_two() {
	an analyze --all >/dev/null && [ -z "$(lookout resolve list)" ] && two_lina
}
check analyze-4.5 "analyze --all keeps them apart" still_two
bridge_again() {
	lookout ingest "$A/day3.jsonl" >/dev/null && an analyze >/dev/null &&
	! lookout resolve list | grep -q 李娜 && two_lina
}
check analyze-4.6 "so does a new report holding both keys" bridge_again
# The third day's hotel row holds the phone of one 周杰 of the second day
# and the ID number of the other: a night joins persons of earlier nights.
one_zhoujie() {
	lookout export entities > day3.entities && [ "$(count_named 周杰 day3.entities)" = 1 ] &&
	[ "$(lookout resolve list | grep -c 周杰)" = 1 ]
}
check analyze-4.7 "a new night joins two persons of earlier nights" one_zhoujie
# "梁芳报称……,联系电话138…": the number after 联系电话 is the reporter's,
# however far from her name, so her two reports are one 梁芳; but a
# name right before it keeps it (吴用's, not the reporter 宋江's), and so
# does a not_own word (对方联系电话: no one's).
uses_phone() { # uses_phone NAME PHONE: the person NAME uses PHONE
	key=$(lookout export entities | grep "\"type\":\"person\",\"name\":\"$1\"" |
	      sed 's/.*"key":"\(person:[0-9]*\)".*/\1/')
	[ -n "$key" ] &&
	lookout export links | grep -q "\"from\":\"$key\",\"to\":\"phone:$2\",\"type\":\"uses\""
}
contact_number() {
	[ "$(count_named 梁芳 day3.entities)" = 1 ] && uses_phone 梁芳 13876417553 &&
	uses_phone 吴用 13911112222 && ! uses_phone 宋江 13911112222 &&
	! lookout export links | grep -q '"to":"phone:13922223333","type":"uses"'
}
check analyze-4.10 "a contact number (联系电话) is the reporter's, unless a name or 对方 stands before it" contact_number
rebuilt_same() {
	exports lookout.db night3 && an analyze --all >/dev/null &&
	exports lookout.db rebuilt && same_exports night3 rebuilt
}
check analyze-4.8 "night by night equals analyze --all" rebuilt_same
resolution_tables() { # resolution_tables DB: what resolution keeps, in order
	for t in person person_key person_founder merge_log; do
		sqlite3 "$1" "SELECT * FROM $t ORDER BY 1, 2" || return 1
	done
}
one_by_one() { # one_by_one N: a chunk a report, N reports a transaction
	rm -rf data1 && mkdir -p data1 && cp -r data/. data1/ &&
	sed -i 's/^chunk_reports = .*/chunk_reports = 1/' data1/analyze.conf &&
	sed -i "s/^commit_reports = .*/commit_reports = $1/" data1/analyze.conf &&
	grep -q "^commit_reports = $1\$" data1/analyze.conf &&
	cp lookout.db chunked.db && rm -f chunked.db-wal chunked.db-shm &&
	lookout --db chunked.db --data data1 analyze --all >/dev/null &&
	exports chunked.db chunked && same_exports rebuilt chunked &&
	resolution_tables lookout.db > whole.resolution &&
	resolution_tables chunked.db > chunked.resolution &&
	[ -s whole.resolution ] && diff -u whole.resolution chunked.resolution
}
check analyze-4.9 "a transaction a report gives the same tables" one_by_one 1
check analyze-4.12 "transactions of three one-report chunks give the same tables" one_by_one 3
# analyze_mark says where a night starts; a database from before it has
# none, and the counts decide.  Both give the tables of one run.
night_from() { # night_from DB [unmark]: day1, then days 2 and 3 on another night
	rm -f "$1" "$1-wal" "$1-shm" &&
	lookout --db "$1" ingest "$A/day1.jsonl" >/dev/null && an --db "$1" analyze >/dev/null &&
	[ "$(sqlite3 "$1" "SELECT through FROM analyze_mark")" = "$(sqlite3 "$1" "SELECT max(id) FROM report")" ] &&
	{ [ -z "${2:-}" ] || sqlite3 "$1" "DELETE FROM analyze_mark"; } &&
	lookout --db "$1" ingest "$A/day2.jsonl" "$A/day3.jsonl" >/dev/null &&
	an --db "$1" analyze >/dev/null && exports "$1" "$1"
}
marked_same() {
	night_from marked.db && night_from unmarked.db unmark &&
	same_exports marked.db unmarked.db &&
	[ "$(sqlite3 unmarked.db "SELECT through FROM analyze_mark")" = "$(sqlite3 unmarked.db "SELECT max(id) FROM report")" ] &&
	resolution_tables marked.db > marked.resolution &&
	resolution_tables unmarked.db > unmarked.resolution &&
	[ -s marked.resolution ] && diff -u marked.resolution unmarked.resolution
}
check analyze-4.11 "a night starts after analyze_mark, or where the counts say without it" marked_same

# Usage and failures.
run_case analyze-5.1 "analyze: unknown option" 2 lookout analyze --bogus
run_case analyze-5.2 "export: no kind" 2 lookout export
run_case analyze-5.3 "export: unknown kind" 2 lookout export people
run_case analyze-5.4 "export: unknown format" 2 lookout export links --format xml
run_case analyze-5.5 "resolve: no action" 2 lookout resolve
run_case analyze-5.6 "resolve split: not a number" 2 lookout resolve split five
run_case analyze-5.7 "resolve split: no such merge" 1 lookout resolve split 99999
run_case analyze-5.8 "analyze: a typo in analyze.conf" 1 lookout --data "$A/bad-data" analyze
run_case analyze-5.9 "export --help" 0 lookout export --help

done_testing
