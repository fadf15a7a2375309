# t-detect: 'lookout detect' against hand-worked figures and the reference
# output of R's surveillance package (tests/fixtures/detect/*.ref).
. "$(dirname "$0")/lib.sh"
D=$FIX/detect

# Compare the judged points with a reference file (comment lines and the
# points before the first judged one left out); $3 lists t values where
# lookout differs from R on purpose (see the .ref header).
same_as_r() {
	lookout detect "$@" "$D/s1.csv" | awk -F, 'NR > 1 && $3 != ""' >"$T/got" &&
	grep -v '^#' "$D/$REF" | sed 1d >"$T/want" &&
	awk -F, -v skip="${SKIP:-}" '
		BEGIN { n = split(skip, s, " "); for (i = 1; i <= n; i++) drop[s[i]] = 1 }
		NR == FNR { want[$1] = $0; next }
		!($1 in drop) { seen++; if (want[$1] != $0) { print "differs: " $0 " vs " want[$1]; bad = 1 } }
		END { if (seen < 40) { print "too few points: " seen; bad = 1 } exit bad }' "$T/want" "$T/got"
}

REF=s1-ears-c1.ref check detect-1.1 "EARS C1 matches R earsC on s1" same_as_r --method ears-c1
REF=s1-ears-c2.ref check detect-1.2 "EARS C2 matches R earsC on s1" same_as_r --method ears-c2
REF=s1-farrington.ref SKIP=193 check detect-1.3 "Farrington matches R farringtonFlexible (Noufaily) on s1" \
	same_as_r --method farrington --cycles 3 --limit 0
run_case detect-1.4 "C3 on a daily series, the missing day filled with 0" 0 \
	lookout detect --method ears-c3 "$D/daily.csv"
run_case detect-1.5 "CUSUM as JSON" 0 lookout detect --method cusum --format json "$D/daily.csv"
run_case detect-1.6 "series from standard input" 0 sh -c \
	"printf '1,2\n2,2\n3,2\n4,2\n5,2\n6,2\n7,2\n8,9\n' | '$LOOKOUT' detect --method ears-c1 --min-count 3 -"

run_case detect-2.1 "--method is required" 2 lookout detect "$D/s1.csv"
run_case detect-2.2 "unknown method" 2 lookout detect --method ears-c4 "$D/s1.csv"
run_case detect-2.3 "period out of range" 2 lookout detect --method farrington --period 1 "$D/s1.csv"
run_case detect-2.4 "no file" 2 lookout detect --method cusum
run_case detect-2.5 "unknown option" 2 lookout detect --method cusum --frob "$D/s1.csv"
run_case detect-2.6 "a file that does not exist" 1 lookout detect --method cusum nope.csv
run_case detect-2.7 "a count that is not a number" 1 lookout detect --method cusum "$D/bad.csv"
run_case detect-2.8 "unknown format" 2 lookout detect --method cusum --format xml "$D/s1.csv"
run_case detect-2.9 "--help" 0 lookout detect --help

done_testing
