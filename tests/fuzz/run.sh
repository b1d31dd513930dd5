#!/usr/bin/env bash
# run.sh - run the libFuzzer targets that fuzz.mk built.
#   run.sh smoke TARGET...   each for $FUZZ_SMOKE_TIME s, then replay
#                            tests/fuzz/regress/TARGET/*; records
#                            "fuzz PASSED FAILED SKIPPED" in the results
#   run.sh long TARGET...    each for $FUZZ_TIME s (extra $FUZZ_ARGS)
# Seeds are written by gen-dump from tests/fuzz/seeds/TARGET/*.spec (a
# format gen-dump cannot write yet is fuzzed from its magic alone); other
# files there (cut from real dumps by mini-dump.py) are used as they are.  New
# inputs accumulate in $FUZZ_DIR/corpus/TARGET, crashes in
# $FUZZ_DIR/artifacts/TARGET/.
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"
SRC=$(dirname "$0")
FUZZ_DIR=${FUZZ_DIR:-$BUILD/fuzz}
# One limit for every run; the smoke run must stay well under 1.5 minutes.
LIMITS=(-rss_limit_mb=2048 -timeout=10 -print_final_stats=1)

# Write TARGET's seeds afresh; say so when gen-dump has no writer for it.
make_seeds() {
	local t=$1 out=$FUZZ_DIR/seeds/$1 spec
	rm -rf "$out"
	mkdir -p "$out"
	find "$SRC/seeds/$t" -maxdepth 1 -type f ! -name '*.spec' \
		-exec cp {} "$out/" \; 2>/dev/null
	for spec in "$SRC/seeds/$t"/*.spec; do
		[ -e "$spec" ] || continue
		if ! "$GEN" "$t" "$spec" "$out/$(basename "$spec" .spec)" \
			2> "$T_TMP/gen.err"; then
			if ! grep -qE "$SAN_REPORT" "$T_TMP/gen.err" &&
			   grep -q "no writer for format" "$T_TMP/gen.err"; then
				echo "fuzz: gen-dump cannot write '$t' yet;" \
				     "fuzzing $t from its magic alone"
				return 0
			fi
			cat "$T_TMP/gen.err" >&2
			return 1
		fi
	done
}

# The common dictionary plus TARGET's own, if it has one.
make_dict() {
	cat "$SRC/dict/common.dict" "$SRC/dict/$1.dict" 2>/dev/null \
		> "$FUZZ_DIR/$1.dict"
}

# fuzz_for TARGET SECONDS LOG [ARGS...]: one libFuzzer run.
fuzz_for() {
	local t=$1 secs=$2 log=$3 art=$FUZZ_DIR/artifacts/$1
	shift 3
	mkdir -p "$FUZZ_DIR/corpus/$t" "$art"
	"$FUZZ_DIR/fuzz-$t" -max_total_time="$secs" "${LIMITS[@]}" \
		-dict="$FUZZ_DIR/$t.dict" -artifact_prefix="$art/" "$@" \
		"$FUZZ_DIR/corpus/$t" "$FUZZ_DIR/seeds/$t" > "$log" 2>&1
}

corpus_size() {
	find "$FUZZ_DIR/corpus/$1" -type f | wc -l
}

stat_of() {
	sed -n "s/^stat::$1: *//p" "$2" | tail -n 1
}

report_crash() {
	local t=$1 log=$2 art
	art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	tail -n 40 "$log"
	if [ -n "$art" ]; then
		echo "fuzz: reproduce with: $FUZZ_DIR/fuzz-$t $art"
		echo "fuzz: once fixed, keep it in $SRC/regress/$t/"
	fi
}

smoke_target() {
	local t=$1 log=$T_TMP/$1.log f
	if ! make_seeds "$t"; then
		fail "$t: seeds"
		return
	fi
	make_dict "$t"
	if fuzz_for "$t" "${FUZZ_SMOKE_TIME:-15}" "$log"; then
		pass "$t: $(stat_of number_of_executed_units "$log") inputs" \
		     "in ${FUZZ_SMOKE_TIME:-15} s, $(corpus_size "$t") in the corpus"
	else
		fail "$t: the fuzzer found a problem"
		report_crash "$t" "$log"
	fi
	for f in "$SRC/regress/$t"/*; do
		[ -f "$f" ] || continue
		if "$FUZZ_DIR/fuzz-$t" "${LIMITS[@]}" "$f" > "$log" 2>&1; then
			pass "$t: regression $(basename "$f")"
		else
			fail "$t: regression $(basename "$f")"
			tail -n 40 "$log"
		fi
	done
}

long_target() {
	local t=$1 log=$FUZZ_DIR/$1.log
	make_seeds "$t" || return 1
	make_dict "$t"
	echo "fuzz: $t for ${FUZZ_TIME:-600} s (log: $log)"
	# shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
	if fuzz_for "$t" "${FUZZ_TIME:-600}" "$log" ${FUZZ_ARGS:-}; then
		echo "fuzz: $t: $(stat_of number_of_executed_units "$log")" \
		     "inputs, $(stat_of peak_rss_mb "$log") MB peak," \
		     "$(corpus_size "$t") in the corpus," \
		     "nothing found"
	else
		report_crash "$t" "$log"
		return 1
	fi
}

mode=${1:-}
shift || true
case $mode in
smoke)
	for t in "$@"; do
		smoke_target "$t"
	done
	finish fuzz
	;;
long)
	status=0
	for t in "$@"; do
		long_target "$t" || status=1
	done
	exit $status
	;;
*)
	echo "usage: run.sh smoke|long TARGET..." >&2
	exit 2
	;;
esac
