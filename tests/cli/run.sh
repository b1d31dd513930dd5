#!/usr/bin/env bash
# Run every tests/cli/test-*.sh; each records its own results.
set -uo pipefail
status=0
for t in "$(dirname "$0")"/test-*.sh; do
	echo "== $t"
	bash "$t" || status=1
done
exit $status
