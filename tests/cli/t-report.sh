# t-report: lookout report, run and audit on the hand-built night of
# tests/fixtures/report/night.sql; JSON and Markdown pinned, informant
# never shown, the HTML checked in headless Chromium where installed.
. "$(dirname "$0")/lib.sh"

NIGHT="--night 2026-11-21"
SECRETS='K07|李秀英|informant:'

run_case report-1.1 "bad night" 2 lookout report --night 2026-02-30
run_case report-1.2 "unknown format" 2 lookout report --format pdf
run_case report-1.3 "option without value" 2 lookout report --night
run_case report-1.4 "unexpected argument" 2 lookout report extra
run_case report-1.5 "run: bad night" 2 lookout run --night 21/11/2026
run_case report-1.6 "run: unknown option" 2 lookout run --frob
run_case report-1.7 "audit: unexpected argument" 2 lookout audit --frob

lookout init >/dev/null
sqlite3 "$LOOKOUT_DB" < "$FIX/report/night.sql"

run_case report-2.1 "json of the night" 0 lookout report $NIGHT --format json
run_case report-2.2 "markdown of the night" 0 lookout report $NIGHT --format md
check report-2.3 "json parses and keeps the contract's keys" sh -c \
	"lookout() { \"\$LOOKOUT\" \"\$@\"; }; lookout report $NIGHT --format json > r.json &&
	 sqlite3 :memory: \"SELECT json_extract(readfile('r.json'),
	  '\$.night') || ' ' || json_extract(readfile('r.json'), '\$.counts.new_reports') || ' ' ||
	  json_array_length(readfile('r.json'), '\$.warnings') || ' ' ||
	  json_extract(readfile('r.json'), '\$.warnings[0].id') || ' ' ||
	  json_extract(readfile('r.json'), '\$.clusters[0].id')\" | grep -qx '2026-11-21 5 4 W-2026-11-21-0001 C-0017'"
run_case report-2.4 "html to a file by its extension" 0 lookout report $NIGHT --out r.html
check report-2.5 "the html is one self-contained page" sh -c \
	"grep -q '^<!DOCTYPE html>' r.html && grep -q '</html>' r.html &&
	 ! grep -Eq '<script|<link|src=\"|href=' r.html"
check report-2.6 "record markup is escaped in the html" sh -c \
	"grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' r.html &&
	 grep -q '&lt;img src=x onerror=alert(1)&gt;' r.html && ! grep -q '<img' r.html"
check report-2.7 "no informant code or name in any format" sh -c \
	"lookout() { \"\$LOOKOUT\" \"\$@\"; };
	 for f in json md html; do lookout report $NIGHT --format \$f > r.\$f || exit 1; done;
	 ! grep -E '$SECRETS' r.json r.md r.html && grep -q 'informant/#5' r.json"
run_case report-2.8 "cannot write the output file" 1 lookout report $NIGHT --out nodir/r.md

# The report of the next night compares with the one just written.
run_case report-3.1 "next night: what changed" 0 sh -c \
	"\"\$LOOKOUT\" report --night 2026-11-22 --format md | sed -n '/与上一份晨报相比/,/数据质量/p'"

# run: the report in three formats into the named directory only.
mkdir -p "$T/outside"
echo untouched > "$T/outside/victim"
mkdir -p "$T/out"
ln -s ../outside/victim "$T/out/report.md"
# The progress lines carry timings: only the summary on stdout is pinned.
run_case report-4.1 "run writes the reports" 0 sh -c \
	"\"\$LOOKOUT\" --db run.db run $NIGHT --out out 2>/dev/null"
check report-4.2 "three reports, the planted link replaced, its target untouched" sh -c \
	"test -f out/report.html && test -f out/report.json && test -f out/report.md &&
	 ! test -L out/report.md && test \"\$(cat outside/victim)\" = untouched &&
	 test \"\$(ls -A out | wc -l)\" = 3"
run_case report-4.3 "run: a file that does not exist" 1 sh -c \
	"\"\$LOOKOUT\" --db run.db run $NIGHT --out out missing.jsonl 2>err; rc=\$?; grep -v '^run ' err >&2; exit \$rc"
run_case report-4.4 "run: --out is a file" 1 lookout --db run.db run $NIGHT --out outside/victim

# audit: who read what.
run_case report-5.1 "audit lists the reports read" 0 sh -c \
	"\"\$LOOKOUT\" audit | sed \"s/ $(id -un) */ USER /\""
run_case report-5.2 "audit as json" 0 sh -c \
	"\"\$LOOKOUT\" audit --json | sed 's/\"os_user\":.*/\"os_user\": USER,/'"

# The page in a real browser: it renders, and the planted markup is text.
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$T/chromium" --dump-dom "file://$T/r.html" > "$T/dom.html" 2>/dev/null
	check report-6.1 "chromium renders the page" sh -c \
		"grep -q '<h1>晨报 2026-11-21</h1>' dom.html && grep -q '<svg' dom.html"
	check report-6.2 "no script or img element in the rendered DOM" sh -c \
		"! grep -Eiq '<script|<img' dom.html"
	check report-6.3 "the planted markup shows as text" sh -c \
		"grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' dom.html &&
		 grep -q '&lt;img src=x onerror=alert(1)&gt;' dom.html"
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$T/chromium" --window-size=1000,2000 \
		--screenshot="$T/shot.png" "file://$T/r.html" >/dev/null 2>&1
	check report-6.4 "chromium draws a screenshot of it" test -s "$T/shot.png"
else
	for id in 6.1 6.2 6.3 6.4; do
		echo "ok report-$id # skip chromium not installed ($CHROMIUM)"
	done
fi

done_testing
