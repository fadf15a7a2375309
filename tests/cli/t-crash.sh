# t-crash: kill -9 `lookout run` at many points and re-run it; the
# database must end exactly as after one clean run: no lost rows, no
# doubled rows.  The points are spread over the clean run's duration
# with a fixed seed, so a failure can be reproduced (CRASH_KILLS sets
# how many; a failing point can be re-tried with CRASH_AT=ms).  Most of
# them land in analyze, the longest stage, so each stage is also killed
# just after it starts, found by its progress line on stderr.
#
# lookout is called directly, not through LOOKOUT_WRAP: under valgrind
# the kill points would land elsewhere and the suite would take an hour.
. "$(dirname "$0")/lib.sh"

GEN=$(dirname "$LOOKOUT")/bench/gen
NIGHT=2026-11-21
KILLS=${CRASH_KILLS:-20}

"$GEN" --district "$ROOT/bench/district.tsv" --days 45 --per-day 25 --seed 3 "$T/d" >/dev/null
set -- "$T"/d/inbox/*
FILES=$*   # no blanks in these names

# The comparison: everything the stages wrote that a reader can see,
# without the wall-clock columns.
snapshot() {
	db=$1
	{
		LOOKOUT_DB=$db "$LOOKOUT" stats --json
		LOOKOUT_DB=$db "$LOOKOUT" export mentions --format jsonl
		LOOKOUT_DB=$db "$LOOKOUT" export entities --format jsonl
		LOOKOUT_DB=$db "$LOOKOUT" export links --format jsonl
		LOOKOUT_DB=$db "$LOOKOUT" report --night $NIGHT --format json
		sqlite3 "$db" "SELECT source, ext_id, kind, text, hex(raw), content_hash, near_dup_of, batch_id, line FROM report ORDER BY id"
		sqlite3 "$db" "SELECT file, line, reason, hex(raw) FROM quarantine ORDER BY id"
		sqlite3 "$db" "SELECT file, sha256, n_read, n_new, n_duplicate, n_near, n_quarantined FROM batch ORDER BY id"
	} 2>&1
}

# same RC BASE: the re-run exited 0 and BASE.snap equals the clean one.
same() {
	if [ "$1" != 0 ]; then
		echo "the re-run exited $1:"
		cat "$2.log"
		return 1
	fi
	diff -u "$T/clean.snap" "$2.snap"
}

run_night() {
	db=$1; shift
	LOOKOUT_DB=$db "$LOOKOUT" run --night $NIGHT --out "$T/out" "$@"
}

start=$(date +%s%N)
run_night "$T/clean.db" "$@" >"$T/clean.log" 2>&1
rc=$?
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
check crash-1.1 "a clean run succeeds" test "$rc" = 0
snapshot "$T/clean.db" >"$T/clean.snap"
check crash-1.2 "the clean snapshot holds reports, entities and links" \
	sh -c "grep -q '\"reports\":' '$T/clean.snap' && grep -q '^{\"key\":' '$T/clean.snap' && grep -q '^{\"from\":' '$T/clean.snap'"
run_night "$T/clean.db" "$@" >/dev/null 2>&1
snapshot "$T/clean.db" >"$T/clean2.snap"
check crash-1.3 "a second run of the same night changes nothing" diff -u "$T/clean.snap" "$T/clean2.snap"

if [ -n "${CRASH_AT:-}" ]; then
	points=$CRASH_AT
else
	points=$(awk -v n="$KILLS" -v t="$elapsed_ms" \
		'BEGIN { srand(17); for (i = 0; i < n; i++) printf "%d ", 1 + rand() * t }')
fi
# killed ID DESC BASE: lookout (started in the background as $pid) is
# killed; re-run the night on BASE.db and compare with the clean run.
killed() {
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	run_night "$3.db" $FILES >"$3.log" 2>&1
	rc=$?
	snapshot "$3.db" >"$3.snap"
	check "$1" "$2, the re-run succeeds and equals a clean run" same $rc "$3"
}

i=1
for delay_ms in $points; do
	# Not through run_night: $! must be lookout itself, not a subshell.
	LOOKOUT_DB="$T/k$i.db" "$LOOKOUT" run --night $NIGHT --out "$T/out" "$@" >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v d="$delay_ms" 'BEGIN { printf "%.3f", d / 1000 }')"
	killed crash-2.$i "killed after ${delay_ms} ms" "$T/k$i"
	i=$((i + 1))
done

# Kill as each stage's progress line ("[2/5] analyze...") appears.
i=1
for stage in ingest analyze graph warn report; do
	: >"$T/s$i.err"
	LOOKOUT_DB="$T/s$i.db" "$LOOKOUT" run --night $NIGHT --out "$T/out" "$@" >/dev/null 2>>"$T/s$i.err" &
	pid=$!
	n=0
	while ! grep -q "\] $stage\.\.\." "$T/s$i.err" && kill -0 $pid 2>/dev/null && [ $n -lt 3000 ]; do
		sleep 0.01
		n=$((n + 1))
	done
	killed crash-3.$i "killed as $stage started" "$T/s$i"
	i=$((i + 1))
done

done_testing
