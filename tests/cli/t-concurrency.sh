# t-concurrency: readers while the nightly job writes, and two writers
# at once.  The database is in WAL mode, so a query must never wait for
# or fail on the writer, and must see a consistent state: every answer a
# valid JSON object, counts that never go down.  Two ingests started at
# once must both finish (one waits for the other's transaction) and
# leave what one serial run leaves.  Nothing here depends on timing: a
# fast machine may get few answers in, a slow one many.
. "$(dirname "$0")/lib.sh"

GEN=$(dirname "$LOOKOUT")/bench/gen
NIGHT=2026-11-21
"$GEN" --district "$ROOT/bench/district.tsv" --days 45 --per-day 40 --seed 11 "$T/d" >/dev/null
INBOX=$T/d/inbox

# 1: queries while `lookout run` writes.
"$LOOKOUT" init >/dev/null
"$LOOKOUT" run --night $NIGHT --out "$T/out" "$INBOX"/* >"$T/run.out" 2>"$T/run.err" &
pid=$!
n=0
while kill -0 $pid 2>/dev/null; do
	n=$((n + 1))
	"$LOOKOUT" stats --json >"$T/s$n.json" 2>"$T/s$n.err"
	echo $? >"$T/s$n.rc"
	"$LOOKOUT" query search 入室盗窃 --limit 100000 --json >"$T/q$n.json" 2>"$T/q$n.err"
	echo $? >"$T/q$n.rc"
done
wait $pid
rc=$?
check conc-1.1 "the nightly run succeeds while it is queried" sh -c "test $rc = 0 || cat run.err"
echo "# $n rounds of queries during the run"
check conc-1.2 "every query answered with exit 0 and nothing on stderr" sh -c \
	"cat s*.rc q*.rc | sort -u | grep -qx 0 && test \"\$(cat s*.rc q*.rc | sort -u)\" = 0 &&
	 ! grep -H . s*.err q*.err"
check conc-1.3 "every answer is one valid JSON object" sh -c \
	"for f in s*.json q*.json; do
		test \"\$(sqlite3 :memory: \"SELECT json_valid(readfile('\$f')) AND json_type(readfile('\$f')) = 'object'\")\" = 1 ||
			{ echo \"\$f: \$(head -c 200 \$f)\"; exit 1; }
	 done"
check conc-1.4 "counts never go down (reports, quarantined, batches, mentions, search hits)" sh -c \
	"i=1; prev='0 0 0 0 0'
	 while [ \$i -le $n ]; do
		cur=\"\$(sqlite3 :memory: \"SELECT json_extract(readfile('s\$i.json'), '\\\$.reports') || ' ' ||
			json_extract(readfile('s\$i.json'), '\\\$.quarantined') || ' ' ||
			json_extract(readfile('s\$i.json'), '\\\$.batches') || ' ' ||
			json_extract(readfile('s\$i.json'), '\\\$.mentions') || ' ' ||
			json_extract(readfile('q\$i.json'), '\\\$.count')\")\"
		echo \"\$prev \$cur\" | awk '{ for (k = 1; k <= 5; k++) if (\$(k + 5) < \$k) exit 1 }' ||
			{ echo \"round \$i: \$prev -> \$cur\"; exit 1; }
		prev=\$cur; i=\$((i + 1))
	 done"
"$LOOKOUT" stats --json >"$T/final.json"
check conc-1.5 "the last answer during the run is at most the final state" sh -c \
	"echo \"\$(sqlite3 :memory: \"SELECT json_extract(readfile('s$n.json'), '\\\$.reports')\") \$(sqlite3 :memory: \"SELECT json_extract(readfile('final.json'), '\\\$.reports')\")\" |
	 awk '{ exit !(\$1 <= \$2 && \$2 > 0) }'"

# 2: two ingests at once, each with half the inbox, on a new database
# (so they also race to create and migrate it), against one serial run.
set -- "$INBOX"/*.jsonl
A="$*"
set -- "$INBOX"/*.csv "$INBOX"/*.tsv "$INBOX"/*.txt
B="$*"
LOOKOUT_DB="$T/serial.db" "$LOOKOUT" ingest $A >/dev/null
LOOKOUT_DB="$T/serial.db" "$LOOKOUT" ingest $B >/dev/null
snapshot() {
	LOOKOUT_DB=$1 "$LOOKOUT" stats --json
	sqlite3 "$1" "SELECT source, ext_id, content_hash, hex(raw) FROM report ORDER BY source, ext_id, content_hash"
	sqlite3 "$1" "SELECT file, line, reason FROM quarantine ORDER BY file, line"
	sqlite3 "$1" "SELECT file, sha256, n_read, n_new, n_duplicate, n_quarantined FROM batch ORDER BY file"
}
snapshot "$T/serial.db" >"$T/serial.snap"
i=1
for round in 1 2 3; do
	db="$T/both$round.db"
	LOOKOUT_DB=$db "$LOOKOUT" ingest $A >"$T/a$round.out" 2>"$T/a$round.err" &
	pa=$!
	LOOKOUT_DB=$db "$LOOKOUT" ingest $B >"$T/b$round.out" 2>"$T/b$round.err"
	rb=$?
	wait $pa
	ra=$?
	check conc-2.$i "round $round: two ingests at once both succeed" sh -c \
		"test $ra = 0 && test $rb = 0 || cat a$round.err b$round.err"
	i=$((i + 1))
	snapshot "$db" >"$T/both$round.snap"
	check conc-2.$i "round $round: the same reports, quarantine and batches as one serial run" \
		diff -u "$T/serial.snap" "$T/both$round.snap"
	i=$((i + 1))
done

# 3: the same files twice at once, in five rounds: stored once.  (A
# check of "already ingested" made before the write transaction lets
# both store the file; how often that shows depends on timing.)
LOOKOUT_DB="$T/once.db" "$LOOKOUT" ingest $A >/dev/null
snapshot "$T/once.db" >"$T/once.snap"
i=1
for round in 1 2 3 4 5; do
	db="$T/twice$round.db"
	LOOKOUT_DB=$db "$LOOKOUT" ingest $A >/dev/null 2>"$T/t1.err" &
	pa=$!
	LOOKOUT_DB=$db "$LOOKOUT" ingest $A >/dev/null 2>"$T/t2.err"
	rb=$?
	wait $pa
	ra=$?
	check conc-3.$i "round $round: the same files ingested twice at once: both succeed" sh -c \
		"test $ra = 0 && test $rb = 0 || cat t1.err t2.err"
	i=$((i + 1))
	snapshot "$db" >"$T/twice.snap"
	check conc-3.$i "round $round: and the database holds them once" \
		sh -c "diff -u once.snap twice.snap >twice.diff || { grep '^[-+]' twice.diff | cut -c1-160; exit 1; }"
	i=$((i + 1))
done

done_testing
