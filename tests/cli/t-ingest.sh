# t-ingest: the ingest and quarantine commands on fixture files: every
# reader, both encodings, aliases, quarantine reasons, duplicates and
# near-duplicates, re-ingest, standard input, and a real kill -9.
. "$(dirname "$0")/lib.sh"
F=$FIX/ingest
q() { sqlite3 -separator ' | ' lookout.db "$@"; }

run_case ingest-1.1 "--help goes to stdout" 0 lookout ingest --help
run_case ingest-1.2 "no files is a usage error" 2 lookout ingest
run_case ingest-1.3 "unknown format" 2 lookout ingest --format xml "$F/tips.jsonl"
run_case ingest-1.4 "unknown option" 2 lookout ingest --frob "$F/tips.jsonl"
run_case ingest-1.5 "--format needs a value" 2 lookout ingest --format
run_case ingest-1.6 "standard input twice" 2 lookout ingest - -
run_case ingest-1.7 "a missing file fails, the others go in" 1 lookout ingest nope.jsonl "$F/stdin.jsonl"
run_case ingest-1.8 "an unknown extension needs --format" 1 lookout ingest "$F/export.dat"
run_case ingest-1.9 "quarantine: bad option" 2 lookout quarantine --frob
rm -f "$T/lookout.db"*

# JSON Lines: valid, Traditional and full-width, broken, wrong types.
run_case ingest-2.1 "JSON Lines with bad lines" 0 lookout ingest "$F/tips.jsonl"
run_case ingest-2.2 "reports as stored" 0 q "SELECT source, ext_id, id_derived, kind, received_at,
	occurred_at, date_flags, place, lat, lon, reliability, credibility, grading_default,
	informant, text, fields, extra, coalesce(near_dup_of, '-'), line FROM report ORDER BY id"
run_case ingest-2.3 "quarantine listing" 0 lookout quarantine
run_case ingest-2.4 "quarantine as JSON" 0 lookout quarantine --json
run_case ingest-2.5 "re-ingest is a no-op that says so" 0 lookout ingest "$F/tips.jsonl"
run_case ingest-2.6 "stats after ingest" 0 lookout stats --json
{ cat "$F/tips.jsonl"; printf '{"id":"T-0009","text":"重发的文件多了一条新的举报。"}\n'; } > "$T/resent.jsonl"
run_case ingest-2.7 "a re-sent file: duplicates, except the new record and a sourceless one (its source is the file name)" 0 lookout ingest resent.jsonl
check ingest-2.8 "the re-sent file added only its new record" sh -c \
	"[ \$(sqlite3 lookout.db 'SELECT count(*) FROM report') = 8 ]"
check ingest-2.9 "full-text search finds a Chinese substring" sh -c \
	"[ \$(sqlite3 lookout.db \"SELECT count(*) FROM report_fts WHERE report_fts MATCH '无牌摩托车'\") = 2 ]"

# CSV with BOM, CRLF, Chinese headers, a multi-line field, a short row.
run_case ingest-3.1 "CSV with Chinese headers" 0 lookout ingest "$F/calls.csv"
run_case ingest-3.2 "CSV rows as stored" 0 q "SELECT source, ext_id, category, received_at, place,
	text, fields, extra, line, length(raw) FROM report WHERE source = 'calls' ORDER BY id"
# TSV register rows without text; one row with no identifying field.
run_case ingest-3.3 "TSV register" 0 lookout ingest --source netcafe-register "$F/netcafe.tsv"
run_case ingest-3.4 "TSV rows as stored" 0 q "SELECT source, ext_id, kind, occurred_at, text, fields,
	reliability || credibility FROM report WHERE source = 'netcafe-register' ORDER BY id"
# Plain text with --- separators, key lines, Traditional key.
run_case ingest-3.5 "plain text reports" 0 lookout ingest "$F/notes.txt"
run_case ingest-3.6 "text reports as stored" 0 q "SELECT source, kind, informant, received_at, place,
	text, line FROM report WHERE batch_id = (SELECT max(id) FROM batch) ORDER BY id"

# GB18030: a whole file, and a file mixing UTF-8, GB18030 and junk.
iconv -f UTF-8 -t GB18030 "$F/hotel.csv.utf8" > "$T/hotel.csv"
run_case ingest-4.1 "GB18030 CSV" 0 lookout ingest --source hotel-register hotel.csv
run_case ingest-4.2 "GB18030 rows decoded, raw bytes kept" 0 q "SELECT b.encoding, r.ext_id, r.kind,
	r.occurred_at, r.fields, hex(substr(r.raw, 4, 4)) FROM report r JOIN batch b ON b.id = r.batch_id
	WHERE r.source = 'hotel-register' ORDER BY r.id"
{
	printf '{"id":"M1","text":"这是一条UTF-8记录,内容足够长"}\n'
	printf '{"id":"M2","text":"这是一条GB18030记录"}\n' | iconv -f UTF-8 -t GB18030
	printf '{"id":"M3","text":"bad \377\376 bytes"}\n{"id":"M4","text":"nul\000here"}\n'
} > "$T/mixed.jsonl"
run_case ingest-4.3 "mixed encodings: only the bad lines are lost" 0 lookout ingest mixed.jsonl
run_case ingest-4.4 "mixed file rows" 0 q "SELECT b.encoding, r.ext_id, r.text FROM report r
	JOIN batch b ON b.id = r.batch_id WHERE b.file = 'mixed.jsonl' ORDER BY r.id"
run_case ingest-4.5 "quarantine shows undecodable bytes escaped" 0 lookout quarantine --batch 7
awk 'BEGIN { printf "{\"id\":\"BIG\",\"text\":\""; for (i = 0; i < 70000; i++) printf "长长长长长"; print "\"}" }' > "$T/big.jsonl"
run_case ingest-4.6 "an over-long record is quarantined" 0 lookout ingest big.jsonl

# Standard input, --format override, near-duplicates.
run_case ingest-5.1 "standard input" 0 sh -c "'$LOOKOUT' ingest - < '$F/stdin.jsonl'"
run_case ingest-5.2 "--format reads an unknown extension" 0 lookout ingest --format csv "$F/export.dat"
run_case ingest-5.3 "stdin batch is named -" 0 q "SELECT file, format, n_new FROM batch WHERE file IN ('-', '$F/export.dat')"
{
	printf '{"id":"N1","source":"hotline","place":"幸福路8号","text":"幸福路8号三楼住户反映楼道里每天晚上都有陌生男子徘徊,手持手电筒查看各户门锁,已持续一周。"}\n'
	printf '{"id":"N2","source":"110","place":"城东社区幸福路8号","text":"幸福路8号三楼住户反映楼道里每天晚上都有陌生男子徘徊,手持手电筒查看各户门锁,已持续一周,请尽快处理。"}\n'
	printf '{"id":"N3","source":"hotline","place":"幸福路9号","text":"幸福路9号三楼住户反映楼道里每天晚上都有陌生男子徘徊,手持手电筒查看各户门锁,已持续一周。"}\n'
} > "$T/near.jsonl"
run_case ingest-5.4 "near-duplicates" 0 lookout ingest near.jsonl
run_case ingest-5.5 "near-duplicate marked with its similarity" 0 q "SELECT ext_id,
	coalesce((SELECT ext_id FROM report o WHERE o.id = r.near_dup_of), '-'),
	CASE WHEN near_sim IS NULL THEN '-' ELSE printf('%.2f', near_sim) END FROM report r WHERE batch_id = (SELECT max(id) FROM batch) ORDER BY id"
# The same templated text at the same door 20 days apart tells of two
# events (near_dup_days = 3 in data/ingest.conf); a wider window makes the
# second a near-duplicate, and a bad setting stops the ingest.
{
	printf '{"id":"A1","source":"110","received_at":"2026-11-01 21:10","place":"幸福路8号","text":"幸福路8号三楼住户报称家中被盗,门锁有撬压痕迹,丢失现金若干,请民警到场处理。"}\n'
	printf '{"id":"A2","source":"110","received_at":"2026-11-21 20:45","place":"幸福路8号","text":"幸福路8号三楼住户报称家中被盗,门锁有撬压痕迹,丢失现金若干,请民警到场处理。。"}\n'
} > "$T/apart.jsonl"
mkdir "$T/data30" "$T/databad"
(cd "$ROOT/data" && tar cf - --exclude=./sample .) | (cd "$T/data30" && tar xf -)
(cd "$T/data30" && tar cf - .) | (cd "$T/databad" && tar xf -)
sed -i 's/^near_dup_days = .*/near_dup_days = 30/' "$T/data30/ingest.conf"
echo 'near_dup_dayz = 3' >> "$T/databad/ingest.conf"
run_case ingest-5.6 "20 days apart: not near-duplicates" 0 lookout --db apart3.db ingest apart.jsonl
run_case ingest-5.7 "near_dup_days = 30: a near-duplicate" 0 lookout --db apart30.db --data data30 ingest apart.jsonl
run_case ingest-5.8 "a typo in ingest.conf" 1 lookout --db apartbad.db --data databad ingest apart.jsonl

# A real kill -9 in the middle of a large ingest, then a re-run, must
# leave what one clean run leaves.
gen() {
	awk -v n="$2" -v tag="$1" 'BEGIN {
		for (i = 0; i < n; i++) {
			printf "{\"id\":\"%s-%d\",\"source\":\"hotline\",\"received_at\":\"2026-11-%02d 2%d:%02d\",", tag, i, 1 + i % 28, i % 4, i % 60
			printf "\"place\":\"幸福路%d号\",\"text\":\"%s第%d条举报,幸福路%d号有人反映电动车被盗,车牌苏A%05d,联系电话139%08d。\"}\n", i % 500, tag, i, i % 500, i, i
			if (i % 5000 == 17) print "{broken"
		}
	}'
}
gen A 25000 > "$T/k1.jsonl"
gen B 25000 > "$T/k2.jsonl"
dump() {
	sqlite3 "$1" "SELECT source, ext_id, kind, received_at, place, text, fields, extra, hex(raw),
		content_hash, coalesce(near_dup_of, ''), coalesce(near_sim, ''), batch_id, line FROM report ORDER BY id;
		SELECT batch_id, file, line, reason, hex(raw) FROM quarantine ORDER BY id;
		SELECT id, file, sha256, n_read, n_new, n_duplicate, n_near, n_quarantined FROM batch ORDER BY id;
		SELECT count(*) FROM report_fts WHERE report_fts MATCH '电动车被盗';
		PRAGMA integrity_check;"
}
(cd "$T" && LOOKOUT_DB=clean.db "$LOOKOUT" ingest k1.jsonl k2.jsonl >/dev/null)
dump "$T/clean.db" > "$T/clean.dump"
check ingest-6.0 "the clean run stored and indexed every valid record" \
	grep -qx 50000 "$T/clean.dump"
for round in 1 2 3; do
	rm -f "$T"/killed.db*
	(cd "$T" && LOOKOUT_DB=killed.db exec "$LOOKOUT" ingest k1.jsonl k2.jsonl >/dev/null 2>&1) &
	pid=$!
	# Anywhere from 0.1 to 3 seconds: in the first file, the second, or after.
	sleep "$(awk -v s="$round$$" 'BEGIN { srand(s); printf "%.1f", 0.1 + rand() * 2.9 }')"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	(cd "$T" && LOOKOUT_DB=killed.db "$LOOKOUT" ingest k1.jsonl k2.jsonl >/dev/null)
	dump "$T/killed.db" > "$T/killed.dump"
	check "ingest-6.$round" "kill -9 and re-run equals one clean run (round $round)" \
		cmp "$T/clean.dump" "$T/killed.dump"
done

# 7: a night's files share one transaction, a savepoint each.  A file
# that fails in it (here a trigger refuses its rows) is rolled back to its
# savepoint; the files before and after it are stored as if each had had
# its own transaction, as they once did.
cp "$F/stdin.jsonl" "$T/bad.jsonl"
(cd "$T" && LOOKOUT_DB=ref.db "$LOOKOUT" ingest "$F/tips.jsonl" "$F/calls.csv" >/dev/null)
(cd "$T" && LOOKOUT_DB=mid.db "$LOOKOUT" init >/dev/null)
sqlite3 "$T/mid.db" "CREATE TRIGGER refuse BEFORE INSERT ON report
	WHEN new.batch_id = (SELECT id FROM batch WHERE file = 'bad.jsonl')
	BEGIN SELECT RAISE(ABORT, 'refused'); END;"
(cd "$T" && LOOKOUT_DB=mid.db "$LOOKOUT" ingest "$F/tips.jsonl" bad.jsonl "$F/calls.csv" >/dev/null 2>&1)
rc=$?
check ingest-7.1 "a file that fails inside the night's transaction fails the run" test "$rc" = 1
sqlite3 "$T/mid.db" "DROP TRIGGER refuse"
dump "$T/ref.db" > "$T/ref.dump"
dump "$T/mid.db" > "$T/mid.dump"
check ingest-7.2 "the files before and after it are stored as without it" \
	cmp "$T/ref.dump" "$T/mid.dump"

# 8: a first load of more than one transaction (a file of more new
# reports than a transaction holds, then another) keeps what it
# foresaw of the first one's reports, rather than asking the database:
# the second file's duplicates by id and by content and its
# near-duplicates of the first file are found as when it comes in a
# run of its own, on the stored reports.
gen A 33000 > "$T/big.jsonl"
{
	sed -n 1,200p "$T/big.jsonl"
	sed -n 201,400p "$T/big.jsonl" | sed 's/"id":"A-/"id":"Z-/'
	sed -n 401,600p "$T/big.jsonl" | sed 's/"id":"A-/"id":"N-/; s/有人反映/有群众反映/'
	gen C 300
} > "$T/more.jsonl"
(cd "$T" && LOOKOUT_DB=one.db "$LOOKOUT" ingest big.jsonl more.jsonl >/dev/null)
(cd "$T" && LOOKOUT_DB=two.db "$LOOKOUT" ingest big.jsonl >/dev/null &&
	LOOKOUT_DB=two.db "$LOOKOUT" ingest more.jsonl >/dev/null)
dump "$T/one.db" > "$T/one.dump"
dump "$T/two.db" > "$T/two.dump"
check ingest-8.1 "the second file's duplicates and near-duplicates are found" sh -c \
	"[ \"\$(sqlite3 one.db 'SELECT n_new, n_duplicate, n_near FROM batch WHERE id = 2')\" = '500|399|491' ]"
check ingest-8.2 "one run stores what two runs store" cmp "$T/one.dump" "$T/two.dump"

done_testing
