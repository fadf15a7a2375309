# t-warn: 'lookout warn' on a database with planted situations
# (tests/fixtures/warn/night.sql), 'lookout watchlist', and plates read
# only in part (partial.sql).
. "$(dirname "$0")/lib.sh"
W=$FIX/warn

# ---- watchlist ----
run_case warn-1.1 "import CSV with Chinese headers, a BOM, full-width digits and bad rows" 0 \
	lookout watchlist import "$W/watchlist.csv"
run_case warn-1.2 "import JSON Lines; the same plate again is an update" 0 \
	lookout watchlist import "$W/watchlist.jsonl"
run_case warn-1.3 "list" 0 lookout watchlist list
run_case warn-1.4 "add by field, separators dropped" 0 \
	lookout watchlist add --list wanted --plate "皖A·84K21" --note 抢劫
run_case warn-1.5 "add by key" 0 lookout watchlist add --list missing --key "phone:0755 8300 1234"
run_case warn-1.6 "list one list as JSON" 0 lookout watchlist list --list wanted --json
run_case warn-1.7 "remove" 0 lookout watchlist remove --list wanted --key "plate:皖A84K21"
run_case warn-1.8 "remove what is not there" 1 lookout watchlist remove --key "plate:皖A84K21"
run_case warn-1.9 "an ID number that fails its check digit" 1 \
	lookout watchlist add --list wanted --id-number 11010119900307001X
check warn-1.10 "changes are audited" sh -c \
	"sqlite3 lookout.db \"SELECT count(*) FROM audit WHERE command = 'watchlist'\" | grep -qx 5"
run_case warn-1.11 "no subcommand" 2 lookout watchlist
run_case warn-1.12 "unknown subcommand" 2 lookout watchlist frob
run_case warn-1.13 "add without a list" 2 lookout watchlist add --plate 苏A12345
run_case warn-1.14 "add with two identifiers" 2 \
	lookout watchlist add --list wanted --key plate:苏A12345 --phone 13912345678
run_case warn-1.15 "import without a file" 2 lookout watchlist import
run_case warn-1.16 "import of a missing file" 1 lookout watchlist import nope.csv
run_case warn-1.17 "unknown option" 2 lookout watchlist list --frob

# ---- warn ----
export LOOKOUT_DB="$T/night.db"
lookout init >/dev/null
sqlite3 "$T/night.db" <"$W/night.sql"
sqlite3 "$T/night.db" <"$W/series.sql"
lookout watchlist add --list wanted --plate "苏A·12345" --note 涉嫌盗窃 >/dev/null
run_case warn-2.1 "every planted situation on the first night" 0 lookout warn --night 2026-11-21
run_case warn-2.2 "the spike goes on: the same warning, carried" 0 lookout warn --night 2026-11-22
run_case warn-2.3 "the stored warnings" 0 sqlite3 "$T/night.db" \
	"SELECT wid, kind, subject, first_night, last_night, n_nights, severity FROM warning ORDER BY wid"
run_case warn-2.4 "running the first night again changes nothing" 0 lookout warn --night 2026-11-21
check warn-2.5 "no informant code or name in any title or explanation" sh -c \
	"! sqlite3 '$T/night.db' \"SELECT title, explanation FROM warning_night\" | grep -e K07 -e 王五"
check warn-2.6 "the informant's report is evidence all the same" sh -c \
	"sqlite3 '$T/night.db' \"SELECT count(*) FROM warning_evidence WHERE report_id = 23\" | grep -qx 1"
run_case warn-2.7 "a quiet night" 0 lookout warn --night 2026-11-05
run_case warn-2.8 "a night that is not a date" 1 lookout warn --night 2026-02-30
run_case warn-2.9 "unknown argument" 2 lookout warn --frob
run_case warn-2.10 "--night without a value" 2 lookout warn --night

# ---- partial plates (tests/fixtures/warn/partial.sql) ----
export LOOKOUT_DB="$T/partial.db"
lookout init >/dev/null
sqlite3 "$T/partial.db" <"$W/night.sql"
sqlite3 "$T/partial.db" <"$W/partial.sql"
lookout watchlist add --list wanted --plate "苏A·12345" --note 涉嫌盗窃 >/dev/null
run_case warn-3.1 "a plate read in part matches a watched plate, as a partial match" 0 \
	lookout warn --night 2026-11-21
run_case warn-3.2 "the partial matches say so and cite the record" 0 sqlite3 "$T/partial.db" \
	"SELECT w.subject, w.severity, w.explanation, group_concat(e.report_id) FROM warning w
	 JOIN warning_evidence e ON e.warning_id = w.id WHERE w.subject LIKE '%*%'
	 GROUP BY w.id ORDER BY w.wid"

# ---- stored counts: night.sql again, its reports analyzed ----
# The spike detector keeps the counts of analyzed reports in spike_count
# and reads the others afresh; the warnings are those of warn-2.1, 2.2.
export LOOKOUT_DB="$T/counted.db"
lookout init >/dev/null
sqlite3 "$T/counted.db" <"$W/night.sql"
sqlite3 "$T/counted.db" <"$W/series.sql"
sqlite3 "$T/counted.db" "INSERT INTO analyzed(report_id, analyzed_at)
	SELECT id, '2026-11-21T23:00:00+08:00' FROM report WHERE id < 8"
lookout watchlist add --list wanted --plate "苏A·12345" --note 涉嫌盗窃 >/dev/null
check warn-4.1 "the first night, part of it from stored counts, as warn-2.1" sh -c \
	"'$LOOKOUT' warn --night 2026-11-21 | diff '$EXPECT/warn-2.1.out' -"
check warn-4.2 "the analyzed reports are counted, up to the first one not analyzed" sh -c \
	"sqlite3 '$T/counted.db' \"SELECT counted_to, (SELECT sum(n) FROM spike_count
	 WHERE category = 'burglary') > 0 FROM spike_state\" | grep -qx '7|1'"
sqlite3 "$T/counted.db" "INSERT INTO analyzed(report_id, analyzed_at)
	SELECT id, '2026-11-22T23:00:00+08:00' FROM report WHERE id >= 8"
check warn-4.3 "the next night counts what was analyzed since, as warn-2.2" sh -c \
	"'$LOOKOUT' warn --night 2026-11-22 | diff '$EXPECT/warn-2.2.out' -"
sqlite3 "$T/counted.db" "UPDATE analyzed SET analyzed_at = '2026-11-23T01:00:00+08:00'"
check warn-4.4 "analyze done again: counted again from the start, the same warnings" sh -c \
	"'$LOOKOUT' warn --night 2026-11-22 | diff '$EXPECT/warn-2.2.out' - &&
	 sqlite3 '$T/counted.db' 'SELECT analyzed_at FROM spike_state' | grep -qx 2026-11-23T01:00:00+08:00"

done_testing
