#!/usr/bin/env bash
# Run the real-kernel tests: the bed's own check, then every test-*.sh,
# each recording "name passed failed [skipped]" in $BUILD/tests/results.
set -uo pipefail
BUILD=${BUILD:-build}
GUEST_OUT=${GUEST_OUT:-build/guest}
export BUILD GUEST_OUT
dir=$(dirname "$0")
status=0
mkdir -p "$BUILD/tests"
out=$("$dir/check-bed.sh" "$GUEST_OUT" 2>&1) || status=1
printf '%s\n' "$out"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' <<<"$out" | tail -n 1)
set -- ${line//,/}
echo "guest-bed ${1:-0} ${3:-1}" >> "$BUILD/tests/results"
for t in "$dir"/test-*.sh; do
	echo "== $t"
	bash "$t" || status=1
done
exit $status
