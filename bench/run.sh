#!/bin/sh
# run.sh BUILD: the benchmarks of `make bench`.  Prints figures; never
# fails on timing.  For each size (SIZES, default "100000 1000000"
# reports), generates a district, then times each stage of the nightly
# job (wall seconds, records/s, MB/s, peak RSS, CPU seconds of all its
# threads and records per CPU-second: the one-core rate; peak anonymous
# memory beside the peak resident set, which counts a memory-mapped
# database's file pages), the database size, one
# more night of 10,000 reports on top (spread over 100 days, and as a
# night's come, of its last two days), and query latency.  Figures are
# appended to bench/RESULTS.md by hand when they are worth keeping.
set -u
BUILD=${1:-build/release}
L=$(pwd)/$BUILD/lookout
M=$(pwd)/$BUILD/bench/measure
GEN=$(pwd)/$BUILD/bench/gen
SIZES=${SIZES:-"100000 1000000"}
W=${BENCH_DIR:-$(mktemp -d /tmp/lookout-bench.XXXXXX)}
NIGHT=2026-11-21

echo "# lookout bench, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m)"
echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"

have() { "$L" help "$1" >/dev/null 2>&1; }

stage() {
	# stage LABEL RECORDS BYTES CMD...: time one stage, print one line
	label=$1; n=$2; bytes=$3; shift 3
	"$M" "$label" "$@" >"$W/$label.out" 2>"$W/$label.err"
	line=$(tail -1 "$W/$label.err")
	secs=$(echo "$line" | cut -f2)
	rss=$(echo "$line" | cut -f3)
	rc=$(echo "$line" | cut -f4)
	cpu=$(echo "$line" | cut -f5)
	anon=$(echo "$line" | cut -f6)
	awk -v l="$label" -v s="$secs" -v n="$n" -v b="$bytes" -v r="$rss" -v rc="$rc" -v c="$cpu" -v a="$anon" 'BEGIN {
		if (s <= 0) s = 0.001
		if (c <= 0) c = 0.001
		printf "  %-14s %8.2f s %12.0f rec/s %8.1f MB/s %8.0f MB peak (%.0f anon) %8.2f s CPU %10.0f rec/CPU-s%s\n", l, s, n / s, b / s / 1048576, r, a, c, n / c, rc == 0 ? "" : "  (exit " rc ")"
	}'
}

echo
echo "## one core, per component (texts of about 190 bytes)"
for b in bench_norm bench_date bench_extract bench_names; do
	[ -x "$BUILD/bench/$b" ] && "$BUILD/bench/$b" 2>&1 | sed 's/^/  /'
done

for n in $SIZES; do
	days=100
	per=$((n / days))
	D=$W/d$n
	rm -rf "$D"; mkdir -p "$D"
	echo
	echo "## $n reports ($days days x $per a day)"
	"$M" generate "$GEN" --days $days --per-day $per --seed 7 --malformed-every 50000 "$D/district" 2>"$W/gen.err"
	echo "  generate       $(cut -f2 "$W/gen.err") s"
	bytes=$(cat "$D"/district/inbox/* | wc -c)
	export LOOKOUT_DB="$D/lookout.db"
	stage ingest "$n" "$bytes" "$L" ingest "$D"/district/inbox/*
	have analyze && stage analyze "$n" "$bytes" "$L" analyze
	have graph && stage graph "$n" "$bytes" "$L" graph --night $NIGHT
	have watchlist && "$L" watchlist import "$D/district/watchlist.csv" >/dev/null 2>&1
	have warn && stage warn "$n" "$bytes" "$L" warn --night $NIGHT
	have report && stage report "$n" "$bytes" "$L" report --night $NIGHT --format html --out "$D/report.html"
	echo "  database       $(du -m "$LOOKOUT_DB" | cut -f1) MB"

	if [ "$n" -ge 1000000 ] && have run; then
		# Two kinds of one more night, each on the database as the first
		# night left it: 10,000 reports spread over 100 days (every date
		# index touched everywhere, the harder case), and a night as
		# nights come, the 10,000 reports of its last two days.
		cp "$LOOKOUT_DB" "$D/first.db" && sync
		"$GEN" --days 100 --per-day 100 --seed 99 --end 2026-11-22 "$D/next" >/dev/null 2>&1
		"$GEN" --days 100 --per-day 5000 --last 2 --seed 99 --end 2026-11-22 "$D/night" >/dev/null 2>&1
		for kind in next night; do
			if [ $kind = next ]; then
				echo "  one more night: 10,000 reports of 100 days"
			else
				echo "  one more night: 10,000 reports of its last 2 days"
				mv "$D/first.db" "$LOOKOUT_DB" && rm -f "$LOOKOUT_DB-wal" "$LOOKOUT_DB-shm" && sync
			fi
			bytes_k=$(cat "$D/$kind"/inbox/* | wc -c)
			stage run-$kind 10000 "$bytes_k" "$L" run --night 2026-11-22 --out "$D/out-$kind" "$D/$kind"/inbox/*
			# each stage of that night, as the run reports it
			sed -n 's/^run [0-9-]*: \([a-z]*\) done in \(.*\)$/    \1 \2/p' "$W/run-$kind.err"
		done
	fi
	if [ -x "$BUILD/bench/bench_query" ]; then
		"$BUILD/bench/bench_query" "$LOOKOUT_DB" 1000
	fi
done
echo
echo "# work files in $W"
