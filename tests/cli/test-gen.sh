#!/usr/bin/env bash
# gen-dump itself: it writes what it is asked, and refuses a bad spec or a
# format it has no writer for with a clear message (under SANITIZE=1 those
# paths once leaked and read freed memory).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

printf 'ram 0 2000\n' > "$T_TMP/ok.spec"
expect_rc 0 "gen-dump writes a dump" "$GEN" elf "$T_TMP/ok.spec" "$T_TMP/ok.elf"
expect_rc 0 "the dump opens" "$CTL" info "$T_TMP/ok.elf"

printf 'ram 0 2000\nbogus line\n' > "$T_TMP/bad.spec"
expect_rc 1 "a bad spec line fails" "$GEN" elf "$T_TMP/bad.spec" "$T_TMP/x"
grep -q "line 2: cannot use 'bogus'" "$T_TMP/err" \
	&& pass "a bad spec line is named" || fail "a bad spec line is named"

expect_rc 1 "a format without a writer fails" \
	"$GEN" no-such-format "$T_TMP/ok.spec" "$T_TMP/x"
grep -q "no writer for format 'no-such-format'" "$T_TMP/err" \
	&& pass "the missing writer is named" || fail "the missing writer is named"

expect_rc 2 "no arguments is a usage error" "$GEN"

finish gen
