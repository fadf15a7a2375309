#!/bin/sh
# make-sample.sh: regenerate the bundled sample inbox data/sample/ with
# the district generator (bench/gen.c): 60 days ending 2026-11-21, about
# five reports a day, the planted situations of bench/gen.c, and five
# malformed records.  Run from the repository root after `make`.
set -e
BUILD=${BUILD:-build/release}
make --no-print-directory BUILD="$BUILD" "$BUILD/bench/gen" >/dev/null
rm -rf data/sample
"$BUILD/bench/gen" --days 60 --per-day 5 --seed 1 --end 2026-11-21 data/sample
echo "data/sample: $(cat data/sample/inbox/* | wc -c) bytes in $(ls data/sample/inbox | wc -l) files"
