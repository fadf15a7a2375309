#!/bin/sh
# demo.sh: what 'make demo' runs.  The nightly job ('lookout run') on the
# sample inbox of data/sample/ into a fresh demo database, then says
# where the morning report is.  The sample ends on 2026-11-21, so that is
# the night judged.  Output goes under build/demo/ (never committed).
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOOKOUT=${LOOKOUT:-$ROOT/lookout}
DEMO=${DEMO_DIR:-$ROOT/build/demo}
NIGHT=2026-11-21

mkdir -p "$DEMO"
rm -f "$DEMO/lookout.db" "$DEMO/lookout.db-wal" "$DEMO/lookout.db-shm"
export LOOKOUT_DB="$DEMO/lookout.db"
"$LOOKOUT" init >/dev/null
# The watched persons and objects must be known before the night is judged.
if "$LOOKOUT" help watchlist >/dev/null 2>&1; then
	"$LOOKOUT" watchlist import "$ROOT/data/sample/watchlist.csv"
fi
"$LOOKOUT" run --night "$NIGHT" --out "$DEMO/out" "$ROOT"/data/sample/inbox/*
echo
echo "demo: the morning report of $NIGHT is $DEMO/out/report.html"
echo "demo: the same as Markdown and JSON: $DEMO/out/report.md, $DEMO/out/report.json"
echo "demo: the database is $LOOKOUT_DB (try: lookout --db $LOOKOUT_DB stats)"
