#!/bin/sh
# run.sh BUILD: run every unit test program and every CLI test script,
# then print one summary line, "N passed, N failed".  Exits 1 on any
# failure.
BUILD=${1:-build/release}
LOOKOUT=$(cd "$(dirname "$BUILD/lookout")" && pwd)/lookout
export LOOKOUT
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	"$t" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1   # crashed before its summary
	fi
	if [ "$f" -ne 0 ]; then
		cat "$log"
	fi
	echo "unit $(basename "$t"): $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
done

for r in "$BUILD"/replay/*; do
	[ -x "$r" ] || continue
	t=$(basename "$r")
	set -- tests/fuzz/corpus/"$t"
	[ -d tests/fuzz/crashes/"$t" ] && set -- "$@" tests/fuzz/crashes/"$t"
	if "$r" "$@" >"$log" 2>&1; then
		passed=$((passed + 1))
		echo "fuzz replay $t: $(tail -1 "$log" | sed 's/^ok fuzz-[^ ]* //')"
	else
		failed=$((failed + 1))
		cat "$log"
		echo "fuzz replay $t: FAILED"
	fi
done

for s in tests/cli/t-*.sh; do
	[ -f "$s" ] || continue
	sh "$s" >"$log" 2>&1
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$f" -ne 0 ] || ! grep -q '^# done' "$log"; then
		cat "$log"
		grep -q '^# done' "$log" || f=$((f + 1))
	fi
	echo "cli $(basename "$s"): $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
