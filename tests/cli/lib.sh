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
# A sanitizer report (make check SANITIZE=1) fails the script whatever the
# exit code of the command that made it: stderr is copied to a file that
# finish searches, and expect_rc searches each command's own.
SAN_REPORT='ERROR: (Address|Leak)Sanitizer|runtime error:|Sanitizer: '
exec 3>&2 2> >(tee -a "$T_TMP/stderr" >&3)
T_TEE=$!

pass() { T_PASSED=$((T_PASSED + 1)); echo "ok    $*"; }
fail() { T_FAILED=$((T_FAILED + 1)); echo "FAIL  $*"; }
skip() { T_SKIPPED=$((T_SKIPPED + 1)); echo "SKIP  $*"; }

# expect_rc WANT DESCRIPTION CMD...: run CMD, check its exit code.
expect_rc() {
	local want=$1 what=$2 rc
	shift 2
	"$@" > "$T_TMP/out" 2> "$T_TMP/err"
	rc=$?
	if grep -qE "$SAN_REPORT" "$T_TMP/err"; then
		fail "$what: sanitizer report:" \
		     "$(grep -m1 -E "$SAN_REPORT" "$T_TMP/err")"
	elif [ "$rc" = "$want" ]; then
		pass "$what"
	else
		fail "$what (exit $rc, wanted $want): $(head -c 300 "$T_TMP/err")"
	fi
}

# gen FORMAT OUT <<SPEC: write a synthetic dump (a failure is one).
gen() {
	cat > "$T_TMP/spec"
	"$GEN" "$1" "$T_TMP/spec" "$2" || fail "gen-dump $1 $(basename "$2")"
}

finish() {
	local name=$1
	exec 2>&3
	wait "$T_TEE" 2>/dev/null
	if grep -qE "$SAN_REPORT" "$T_TMP/stderr"; then
		fail "sanitizer reports on stderr (above)"
	fi
	echo "$T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
	mkdir -p "$BUILD/tests"
	echo "$name $T_PASSED $T_FAILED $T_SKIPPED" >> "$BUILD/tests/results"
	[ "$T_FAILED" = 0 ]
}
