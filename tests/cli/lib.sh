# lib.sh - helpers for shell tests: sourced, never run.
# Each test calls pass/fail; finish prints the counts and appends
# "NAME passed failed skipped" to $BUILD/tests/results.
BUILD=${BUILD:-build}
CTL=${CTL:-$BUILD/mkdumpctl}
GEN=${GEN:-$BUILD/tests/gen-dump}
T_PASSED=0
T_FAILED=0
T_SKIPPED=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mkd-test.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT

pass() { T_PASSED=$((T_PASSED + 1)); echo "ok    $*"; }
fail() { T_FAILED=$((T_FAILED + 1)); echo "FAIL  $*"; }
skip() { T_SKIPPED=$((T_SKIPPED + 1)); echo "SKIP  $*"; }

# expect_rc WANT DESCRIPTION CMD...: run CMD, check its exit code.
expect_rc() {
	local want=$1 what=$2 rc
	shift 2
	"$@" > "$T_TMP/out" 2> "$T_TMP/err"
	rc=$?
	if [ "$rc" = "$want" ]; then
		pass "$what"
	else
		fail "$what (exit $rc, wanted $want): $(head -c 300 "$T_TMP/err")"
	fi
}

# gen FORMAT OUT <<SPEC: write a synthetic dump.
gen() {
	cat > "$T_TMP/spec"
	"$GEN" "$1" "$T_TMP/spec" "$2"
}

finish() {
	local name=$1
	echo "$T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
	mkdir -p "$BUILD/tests"
	echo "$name $T_PASSED $T_FAILED $T_SKIPPED" >> "$BUILD/tests/results"
	[ "$T_FAILED" = 0 ]
}
