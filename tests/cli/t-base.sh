# t-base: init, stats, help, usage errors, the schema golden file.
. "$(dirname "$0")/lib.sh"

run_case base-1.1 "help lists the commands" 0 lookout help
run_case base-1.2 "no command is a usage error" 2 lookout
run_case base-1.3 "unknown command" 2 lookout frobnicate
run_case base-1.4 "unknown global option" 2 lookout --frob stats
run_case base-1.5 "help for one command" 0 lookout help stats
run_case base-1.6 "--help on a command goes to stdout" 0 lookout stats --help
run_case base-1.7 "bad option to stats" 2 lookout stats --nope

run_case base-2.1 "init creates the database" 0 lookout init
check base-2.2 "the database file is mode 0600" sh -c '[ "$(stat -c %a lookout.db)" = 600 ]'
check base-2.3 "fresh schema matches the golden dump" sh -c \
	"sh '$ROOT/tests/schema-dump.sh' lookout.db | diff -u '$ROOT/tests/golden/schema.sql' -"
run_case base-2.4 "stats on a fresh database" 0 lookout stats --json
run_case base-2.5 "init is idempotent" 0 lookout init
run_case base-2.6 "--db overrides LOOKOUT_DB" 0 lookout --db other.db stats
check base-2.7 "--db created that file" test -f other.db
printf 'not a database at all, just text\n%.0s' $(seq 200) > "$T/junk.db"
run_case base-2.8 "a file that is not a database" 1 lookout --db junk.db stats
mkdir "$T/dir.db"
run_case base-2.9 "a directory as database" 1 lookout --db dir.db stats

# tunables_of ID [VALUE]: GLIBC_TUNABLES (VALUE, or unset) as an ingest
# of a named pipe sees it: the pipe opens once ingest opens it, after it
# has run itself again if it does; written to $T/ID.env (empty if the
# pipe did not open within 30 s).
tunables_of() {
	rm -f "$T/pipe"
	mkfifo "$T/pipe"
	if [ $# -gt 1 ]; then
		GLIBC_TUNABLES=$2 "$LOOKOUT" ingest --format txt "$T/pipe" >/dev/null 2>&1 &
	else
		(unset GLIBC_TUNABLES; exec "$LOOKOUT" ingest --format txt "$T/pipe") >/dev/null 2>&1 &
	fi
	pid=$!
	: >"$T/$1.env"
	timeout 30 sh -c 'exec 3>"$1"
		tr "\0" "\n" <"/proc/$2/environ" | sed -n "s/^GLIBC_TUNABLES=//p" >"$3"
		echo "报警人 13800138000" >&3' sh "$T/pipe" "$pid" "$T/$1.env"
	wait $pid
}
tunables_of plain
check base-3.1 "a nightly stage runs itself again with glibc's huge pages" \
	grep -qx 'glibc.malloc.hugetlb=1' plain.env
tunables_of off glibc.malloc.hugetlb=0
check base-3.2 "a GLIBC_TUNABLES that names huge pages is left alone" \
	grep -qx 'glibc.malloc.hugetlb=0' off.env

done_testing
