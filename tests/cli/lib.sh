# lib.sh: the CLI test harness, sourced by tests/cli/t-*.sh.
#
#   run_case ID DESC EXIT CMD...   run CMD (lookout is "$LOOKOUT"); the
#       exit code must be EXIT; stdout must equal tests/cli/expect/ID.out
#       and stderr tests/cli/expect/ID.err where those files exist.
#       UPDATE=1 writes them instead.
#   check ID DESC CMD...           CMD must succeed.
#   done_testing                   last line of every script.
#
# Each case runs in a fresh scratch directory $T; the database is
# $T/lookout.db through LOOKOUT_DB unless a case says otherwise.  Paths in
# output are made stable by replacing $T with "T" and the repo with "R".
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FIX=$ROOT/tests/fixtures
EXPECT=$ROOT/tests/cli/expect
: "${LOOKOUT:=$ROOT/lookout}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export LOOKOUT_DB="$T/lookout.db"
export LOOKOUT_NOW="2026-11-22T02:10:04+08:00"
export TZ=UTC
unset LOOKOUT_DATA

# LOOKOUT_WRAP runs every lookout under a tool (make valgrind sets it).
lookout() { ${LOOKOUT_WRAP:-} "$LOOKOUT" "$@"; }

stabilise() { sed -e "s#$T#T#g" -e "s#$ROOT#R#g"; }

run_case() {
	id=$1; desc=$2; want=$3; shift 3
	(cd "$T" && "$@") >"$T/.out" 2>"$T/.err"
	got=$?
	stabilise <"$T/.out" >"$T/.out2"
	stabilise <"$T/.err" >"$T/.err2"
	ok=1
	why=""
	if [ "$got" != "$want" ]; then
		ok=0; why="exit $got, expected $want"
	fi
	for s in out err; do
		if [ "${UPDATE:-0}" = 1 ]; then
			if [ -s "$T/.${s}2" ] || [ -f "$EXPECT/$id.$s" ]; then
				cp "$T/.${s}2" "$EXPECT/$id.$s"
			fi
		elif [ -f "$EXPECT/$id.$s" ]; then
			if ! diff -u "$EXPECT/$id.$s" "$T/.${s}2" >"$T/.diff"; then
				ok=0; why="$why std$s differs"
				cat "$T/.diff"
			fi
		elif [ -s "$T/.${s}2" ] && [ "$s" = err ] && [ "$want" = 0 ]; then
			: # unexpected stderr on success is shown but not judged
		fi
	done
	if [ $ok = 1 ]; then
		echo "ok $id $desc"
	else
		echo "not ok $id $desc: $why"
		sed 's/^/# stderr: /' "$T/.err2" | head -5
	fi
}

check() {
	id=$1; desc=$2; shift 2
	if (cd "$T" && "$@") >"$T/.chk" 2>&1; then
		echo "ok $id $desc"
	else
		echo "not ok $id $desc"
		sed 's/^/# /' "$T/.chk" | head -20
	fi
}

done_testing() { echo "# done"; }
