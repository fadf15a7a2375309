#!/bin/sh
# eval.sh BUILD: `make eval`.  Runs the whole nightly job on a generated
# district and prints, against its truth file, extraction precision and
# recall per identifier type, person resolution (B-cubed), each planted
# situation found or missed, warnings that match nothing planted, and
# quarantined records against those planted.  Then the labelled sentence
# sets and the CLUENER figure, where those programs exist.
set -u
BUILD=${1:-build/release}
L=$(pwd)/$BUILD/lookout
W=$(mktemp -d /tmp/lookout-eval.XXXXXX)
NIGHT=2026-11-21

echo "# lookout eval: a district of 90 days x 300 reports, seed 7"
"$BUILD/bench/gen" --days 90 --per-day 300 --seed 7 --malformed-every 3000 "$W/district"
export LOOKOUT_DB="$W/eval.db"
"$L" watchlist import "$W/district/watchlist.csv" >/dev/null 2>&1
"$L" run --night $NIGHT --out "$W/out" "$W"/district/inbox/* >"$W/run.log" 2>&1 ||
	{ echo "lookout run failed:"; tail -5 "$W/run.log"; }
"$BUILD/bench/eval_district" "$LOOKOUT_DB" "$W/district/truth.jsonl"

if [ -x "$BUILD/bench/eval_extract" ]; then
	echo
	echo "# labelled sentences (tests/eval/)"
	"$BUILD/bench/eval_extract" tests/eval/*.jsonl
fi
if [ -x "$BUILD/bench/eval_cluener" ] && [ -f ../shared/corpora/ner/cluener/dev.json ]; then
	echo
	echo "# CLUENER dev (person = name, place = address)"
	"$BUILD/bench/eval_cluener" ../shared/corpora/ner/cluener/dev.json
fi
echo "# work files in $W"
