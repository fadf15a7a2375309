# t-hostile: what the field may send, and where lookout may be asked to
# keep its database.  Each hostile input gets a clear message and a
# sensible exit code, and the valid records beside it are still stored.
# Summaries of the later stages are not pinned here (their own tests do
# that); only ingest's, and every message.  The big inputs (a 100 MB
# line, 100,000 columns, 100,000 levels of nesting) are made here in $T,
# never committed.  The read-only and full disk cases mount a small
# tmpfs when run as root (else they use a read-only folder, or are
# skipped with the reason).
. "$(dirname "$0")/lib.sh"

H=$FIX/hostile
NIGHT=2026-11-21

# q SQL: one query on the current database.
q() { sqlite3 "$LOOKOUT_DB" "$1"; }
# is GOT WANT: equal, or say what differs.
is() {
	[ "$1" = "$2" ] && return 0
	echo "got '$1', expected '$2'"
	return 1
}
# stat KEY: one count of `lookout stats --json`.
stat() { "$LOOKOUT" stats --json | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }

# 1: bytes that are not text.
export LOOKOUT_DB="$T/utf8.db"
run_case hostile-1.1 "invalid UTF-8 (bad bytes, a surrogate, a 4-byte overlong, a truncated sequence)" \
	0 lookout ingest "$H/utf8.jsonl"
check hostile-1.2 "the valid records around them are stored" \
	is "$(q "SELECT group_concat(ext_id) FROM report")" "V1,V2"
run_case hostile-1.3 "each is quarantined with its line, its reason and its bytes" 0 lookout quarantine
check hostile-1.4 "the raw bytes of a quarantined line are kept exactly" \
	is "$(q "SELECT hex(raw) FROM quarantine WHERE line = 2")" \
	"$(sed -n 2p "$H/utf8.jsonl" | od -An -tx1 -v | tr -d ' \n' | tr a-f A-F)"
run_case hostile-1.5 "a 2-byte overlong that is also GB18030 is read as GB18030" \
	0 lookout ingest "$H/overlong.jsonl"
check hostile-1.6 "and its raw bytes are stored verbatim beside the text" \
	is "$(q "SELECT instr(hex(raw), 'C0AF') > 0 FROM report WHERE ext_id = 'O1'")" 1

# 2: NUL bytes, raw and escaped, in each reader.
export LOOKOUT_DB="$T/nul.db"
run_case hostile-2.1 "NUL bytes in JSON Lines, CSV and text" \
	0 lookout ingest "$H/nul.jsonl" "$H/nul.csv" "$H/nul.txt"
check hostile-2.2 "the records with a NUL (raw or \\u0000) are quarantined" \
	is "$(q "SELECT group_concat(line || ' ' || reason, '; ') FROM quarantine")" \
	"2 NUL byte in record; 3 NUL character (\\u0000) in record; 3 NUL byte in record; 1 NUL byte in record"
check hostile-2.3 "the others are stored whole, an escaped backslash-u0000 as text" \
	is "$(q "SELECT group_concat(ext_id || '=' || text, '|') FROM report")" \
	'N1=before the NUL|N4=a \u0000 that is only text|N5=after the NUL|1=a CSV row before the NUL|3=a CSV row after the NUL|T2=a text report after the NUL'

# 3: a 100 MB line between two good ones.
export LOOKOUT_DB="$T/long.db"
{
	printf '{"id":"L1","text":"before the long line"}\n{"id":"L2","text":"'
	head -c 100000000 /dev/zero | tr '\0' 'a'
	printf '"}\n{"id":"L3","text":"after the long line"}\n'
} >"$T/long.jsonl"
run_case hostile-3.1 "a 100 MB line" 0 lookout ingest long.jsonl
check hostile-3.2 "it is quarantined as over the size limit, whole" \
	is "$(q "SELECT line || ' ' || reason || ' ' || length(raw) FROM quarantine")" \
	"2 record over 1048576 bytes (100000022) 100000022"
check hostile-3.3 "the lines around it are stored" \
	is "$(q "SELECT group_concat(ext_id) FROM report")" "L1,L3"
rm -f "$T/long.jsonl"

# 4: 100,000 columns.
export LOOKOUT_DB="$T/wide.db"
{
	printf 'id,text,phone\n1,the first row,13912345678\n2,'
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "c%d,", i; print "end" }'
	printf '3,the third row,13812345678\n'
} >"$T/wide.csv"
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "h%d,", i; print "text";
	     for (i = 0; i < 100000; i++) printf "v%d,", i; print "a very wide record" }' >"$T/wider.csv"
run_case hostile-4.1 "a CSV row of 100,000 columns under a 3-column header, and a 100,001-column file" \
	0 lookout ingest wide.csv wider.csv
check hostile-4.2 "both rows are quarantined with the reason" \
	is "$(q "SELECT group_concat(line || ' ' || reason, '; ') FROM quarantine")" \
	"3 row has 100002 fields, the header has 3; 2 record has more than 1000 fields"
check hostile-4.3 "the rows around the wide one are stored" \
	is "$(q "SELECT group_concat(ext_id) FROM report")" "1,3"

# 5: JSON nested 100,000 deep, as lists and as objects.
export LOOKOUT_DB="$T/deep.db"
{
	printf '{"id":"D1","text":"before the deep ones"}\n{"id":"D2","text":"deep lists","x":'
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; for (i = 0; i < 100000; i++) printf "]"; print "}" }'
	printf '{"id":"D3","text":"deep objects","x":'
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "{\"a\":"; printf "1"; for (i = 0; i < 100000; i++) printf "}"; print "}" }'
	printf '{"id":"D4","text":"after the deep ones"}\n'
} >"$T/deep.jsonl"
run_case hostile-5.1 "JSON nested 100,000 deep" 0 lookout ingest deep.jsonl
check hostile-5.2 "both are quarantined as too deep" \
	is "$(q "SELECT group_concat(line || ' ' || reason, '; ') FROM quarantine")" \
	"2 JSON nested deeper than 1000 levels; 3 JSON nested deeper than 1000 levels"
check hostile-5.3 "the records around them are stored" \
	is "$(q "SELECT group_concat(ext_id) FROM report")" "D1,D4"

# 6: numbers too big for any type.
export LOOKOUT_DB="$T/numbers.db"
run_case hostile-6.1 "numbers too big for a double, an integer or a coordinate" \
	0 lookout ingest "$H/numbers.jsonl"
check hostile-6.2 "out-of-range coordinates and grades are noted as written, not rejected" \
	is "$(q "SELECT group_concat(json_extract(extra, '\$._notes'), ' ') FROM report WHERE ext_id IN ('G1', 'G2')")" \
	"[\"lat '1e999' is not a coordinate; left empty\",\"lon '-1e400' is not a coordinate; left empty\"] [\"credibility '18446744073709551617123' is not 1-6; the source's default is used\"]"
check hostile-6.3 "an unknown number field keeps every digit" \
	sh -c "sqlite3 '$LOOKOUT_DB' \"SELECT extra FROM report WHERE ext_id = 'G3'\" |
	 grep -F '\"bank_card\":6222021234567890123,\"big\":123456789012345678901234567890123456789012345678901234567890'"
run_case hostile-6.4 "analyze reads the huge amounts in the text" 0 lookout analyze
check hostile-6.5 "and keeps only the amount it can print exactly (no inf, nothing of 10^15 or more)" \
	is "$(q "SELECT group_concat(value) FROM report_value WHERE type = 'amount'")" 128000

# 7: dates that do not exist are kept as text with a flag.
export LOOKOUT_DB="$T/dates.db"
run_case hostile-7.1 "2026年13月45日, 2026-02-30 25:61, year 99999999999" 0 lookout ingest "$H/dates.jsonl"
check hostile-7.2 "kept as text with both date flags, not rejected" \
	is "$(q "SELECT group_concat(ext_id || ' ' || coalesce(received_at, '-') || ' ' || received_text || ' ' || date_flags, '; ') FROM report")" \
	"E1 - 2026年13月45日 3; E2 - 99999999999-01-01 1; E3 2026-11-21T20:15:00+08:00 2026年11月21日20时15分 0"
check hostile-7.3 "nothing is quarantined" is "$(stat quarantined)" 0

# 8: empty files, folders and FIFOs as input.
export LOOKOUT_DB="$T/files.db"
: >"$T/empty.jsonl"
run_case hostile-8.1 "an empty file is an empty batch" 0 lookout ingest empty.jsonl
mkdir "$T/folder.jsonl"
run_case hostile-8.2 "a folder given as input fails alone; the next file is read" \
	1 lookout ingest folder.jsonl "$H/dates.jsonl"
check hostile-8.3 "the file after the folder is stored" is "$(stat reports)" 3
mkfifo "$T/pipe.jsonl"
(printf '{"id":"P1","text":"sent through a FIFO"}\n' >"$T/pipe.jsonl" &)
run_case hostile-8.4 "a FIFO is read like a file" 0 lookout ingest pipe.jsonl
check hostile-8.5 "its record is stored" is "$(q "SELECT text FROM report WHERE ext_id = 'P1'")" "sent through a FIFO"
run_case hostile-8.6 "run: a folder among the night's files fails the run, the rest goes through" 1 sh -c \
	"\${LOOKOUT_WRAP:-} \"\$LOOKOUT\" run --night $NIGHT --out out folder.jsonl '$H/escape.jsonl' 2>err; rc=\$?;
	 grep -v '^run ' err >&2; exit \$rc"
check hostile-8.7 "and the night's report is still written" test -s "$T/out/report.html"

# 9: a database where none can be written.  As root, permissions do not
# stop writes: a read-only tmpfs does.
MOUNTED=""
mkdir "$T/ro"
if [ "$(id -u)" = 0 ]; then
	if mount -t tmpfs -o size=8m tmpfs "$T/ro" 2>"$T/mount.err"; then
		MOUNTED="$T/ro"
		RO_HOW="a read-only tmpfs"
	fi
else
	RO_HOW="a folder without write permission"
fi
if [ "$(id -u)" != 0 ] || [ -n "$MOUNTED" ]; then
	LOOKOUT_DB="$T/ro/old.db" "$LOOKOUT" ingest "$H/dates.jsonl" >/dev/null
	if [ -n "$MOUNTED" ]; then mount -o remount,ro "$T/ro"; else chmod 555 "$T/ro"; fi
	run_case hostile-9.1 "a new database in $RO_HOW" 1 lookout --db ro/new.db ingest "$H/dates.jsonl"
	run_case hostile-9.2 "an existing database in $RO_HOW" 1 lookout --db ro/old.db stats
	run_case hostile-9.3 "nothing is ingested into it" 1 lookout --db ro/old.db ingest "$H/utf8.jsonl"
	if [ -n "$MOUNTED" ]; then umount "$T/ro"; else chmod 755 "$T/ro"; fi
else
	why=$(head -1 "$T/mount.err")
	for id in 9.1 9.2 9.3; do
		echo "ok hostile-$id # skip cannot mount a tmpfs: $why"
	done
fi

# 10: a full disk: a 3 MB tmpfs (a fresh schema and a small file fit), then a file that does not fit.
if [ "$(id -u)" = 0 ] && mkdir "$T/full" && mount -t tmpfs -o size=3m tmpfs "$T/full" 2>"$T/mount.err"; then
	export LOOKOUT_DB="$T/full/full.db"
	"$LOOKOUT" ingest "$H/dates.jsonl" >/dev/null
	awk 'BEGIN { srand(5); for (i = 1; i <= 3000; i++) { printf "{\"id\":\"F%d\",\"text\":\"", i;
		for (j = 0; j < 40; j++) printf "%08x", int(rand() * 4294967295); print "\"}" } }' >"$T/fill.jsonl"
	# Where the disk fills (which statement) depends on the page size.
	check hostile-10.1 "a file that does not fit on the disk fails with that reason" sh -c \
		"\${LOOKOUT_WRAP:-} \"\$LOOKOUT\" ingest fill.jsonl >/dev/null 2>full.err; rc=\$?;
		 cat full.err; test \$rc = 1 && grep -q 'database or disk is full' full.err"
	check hostile-10.2 "the database is intact" is "$(q "PRAGMA integrity_check")" ok
	check hostile-10.3 "the failed file left no batch and no record" \
		is "$(q "SELECT count(*) || ' ' || (SELECT count(*) FROM report) FROM batch")" "1 3"
	run_case hostile-10.4 "stats still answers" 0 lookout stats --json
	umount "$T/full"
	export LOOKOUT_DB="$T/lookout.db"
else
	why=$(head -1 "$T/mount.err" 2>/dev/null)
	for id in 10.1 10.2 10.3 10.4; do
		echo "ok hostile-$id # skip cannot mount a tmpfs (${why:-not root})"
	done
fi

# 11: files that are not lookout databases.
export LOOKOUT_DB="$T/lookout.db"
printf 'not a database at all, just text\n%.0s' $(seq 200) >"$T/junk.db"
cp "$T/junk.db" "$T/junk.orig"
run_case hostile-11.1 "a text file as the database" 1 lookout --db junk.db ingest "$H/dates.jsonl"
check hostile-11.2 "it is left as it was" cmp "$T/junk.db" "$T/junk.orig"
"$LOOKOUT" --db "$T/real.db" ingest "$H/dates.jsonl" >/dev/null
head -c 8192 "$T/real.db" >"$T/cut.db"
run_case hostile-11.3 "a database cut short" 1 lookout --db cut.db stats
sqlite3 "$T/real.db" "PRAGMA user_version = 99"
run_case hostile-11.4 "a database from a newer lookout" 1 lookout --db real.db stats

# 12: the whole nightly job on every hostile file: markup, script and
# formulas in records stay text in every output.
export LOOKOUT_DB="$T/night.db"
"$LOOKOUT" watchlist add --list wanted --phone 13912345678 \
	--note '<script>alert(5)</script>=cmd' >/dev/null
run_case hostile-12.1 "run over every hostile file" 0 sh -c \
	"\${LOOKOUT_WRAP:-} \"\$LOOKOUT\" run --night $NIGHT --out night '$H'/*.jsonl '$H'/nul.csv '$H'/nul.txt 2>/dev/null"
check hostile-12.2 "the watchlist warning cites the hostile tips" \
	sh -c "grep -q 'hotline/X1' night/report.md && grep -q 'hotline/X2' night/report.md"
check hostile-12.3 "the html has only the report's own elements, no attribute from a record" \
	sh -c "! grep -Eio '<[a-z0-9]+' night/report.html | sort -u |
	 grep -Eivx '<(html|head|meta|title|style|body|header|footer|section|article|h[1-6]|p|div|span|ul|ol|li|dl|dt|dd|b|br|blockquote|table|thead|tbody|tr|th|td|svg|g|path|line|polyline|rect|circle|text|title)' &&
	 ! grep -Eiq '<[^>]*( on[a-z]+|href|src)=' night/report.html"
check hostile-12.4 "record markup shows as text in the html" \
	sh -c "grep -q '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;' night/report.html &&
	 grep -q '&lt;script&gt;alert(5)&lt;/script&gt;' night/report.html &&
	 grep -q '=HYPERLINK(&quot;http://evil&quot;' night/report.html"
check hostile-12.5 "and in the markdown, escaped" \
	sh -c "grep -qF '\\<script\\>alert(' night/report.md && grep -qF '\\[click\\](javascript:' night/report.md &&
	 test \"\$(sed 's/\\\\</L/g' night/report.md | grep -c '<script')\" = 0"
run_case hostile-12.6 "exported CSV neutralises cells that could run as formulas" 0 sh -c \
	"\${LOOKOUT_WRAP:-} \"\$LOOKOUT\" export mentions --format csv | grep -E 'X2|report,'"
check hostile-12.7 "no exported text cell starts with = + - @" \
	sh -c "for k in mentions entities links; do \"\$LOOKOUT\" export \$k --format csv || exit 1; done |
	 tr -d '\\r' | awk -F, '{ for (i = 1; i <= NF; i++) if (\$i ~ /^\"?[-=+@]/) { print; bad = 1 } } END { exit bad }'"

# 13: --out names the only folder written.
mkdir -p "$T/outside" "$T/night2"
echo untouched >"$T/outside/victim"
ln -s ../outside/victim "$T/night2/report.html"
ln -s ../outside/new "$T/night2/report.json"
run_case hostile-13.1 "run --out through .. and planted links" 0 sh -c \
	"\${LOOKOUT_WRAP:-} \"\$LOOKOUT\" run --night $NIGHT --out outside/../night2 >/dev/null 2>&1"
check hostile-13.2 "links replaced by the reports, their targets untouched, nothing new outside" \
	sh -c "test ! -L night2/report.html && test ! -L night2/report.json && test -s night2/report.md &&
	 test \"\$(cat outside/victim)\" = untouched && test ! -e outside/new &&
	 test \"\$(ls -A outside)\" = victim && test \"\$(ls -A night2 | wc -l)\" = 3"
ln -s "$T/night2" "$T/linked"
run_case hostile-13.3 "run --out a link to a folder" 0 sh -c \
	"\${LOOKOUT_WRAP:-} \"\$LOOKOUT\" run --night $NIGHT --out linked >/dev/null 2>&1"
check hostile-13.4 "writes into the folder it names" is "$(ls -A "$T/night2" | wc -l)" 3

done_testing
