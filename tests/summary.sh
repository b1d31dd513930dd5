#!/usr/bin/env bash
# Sum the "name passed failed [skipped]" lines of a results file into the
# closing line "N passed, N failed" (and ", N skipped").
set -euo pipefail
results=$1
[ -s "$results" ] || { echo "summary: no test results in $results" >&2; exit 1; }
awk '
	{ printf "  %-12s %5d passed, %d failed%s\n", $1, $2, $3,
		($4 ? ", " $4 " skipped" : ""); p += $2; f += $3; s += $4 }
	END {
		line = p " passed, " f " failed"
		if (s) line = line ", " s " skipped"
		print "tests:"
		print line
		exit (f > 0 || p == 0)
	}' "$results"
