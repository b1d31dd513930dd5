#!/usr/bin/env bash
# Run the Check unit tests and record "unit PASSED FAILED" in the results.
set -uo pipefail
BUILD=${BUILD:-build}
# Sanitizer builds and a loaded machine are slow; a hang still ends.
export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-120}
out=$(mktemp)
"$BUILD/tests/unit-tests" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
line=$(grep -E '^[0-9]+%: Checks: ' "$out" | tail -n 1)
rm -f "$out"
if [ -z "$line" ]; then
	echo "unit 0 1" >> "$BUILD/tests/results"
	echo "unit tests: no summary (crashed?)" >&2
	exit 1
fi
checks=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
failures=$(sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2/' <<<"$line")
failed=$(( ${failures% *} + ${failures#* } ))
# Passing checks and a failing run: a sanitizer (a leak at exit, say).
if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
	echo "unit tests: all checks passed but the run exited $rc" >&2
	failed=1
fi
echo "unit $((checks - failed)) $failed" >> "$BUILD/tests/results"
exit "$rc"
