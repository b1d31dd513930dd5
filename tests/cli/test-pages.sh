#!/usr/bin/env bash
# mkdumpctl pages on synthetic dumps: options, and what a dump without the
# vmcoreinfo numbers says (the classes themselves are checked against
# makedumpfile on a real dump in tests/guest/test-filter.sh).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

gen elf "$T_TMP/bare.elf" <<'SPEC'
vmcoreinfo OSRELEASE=6.1.0-cli
ram 0 100000
SPEC

expect_rc 0 "pages --help exits 0" "$CTL" pages --help
grep -q -- '--list CLASS' "$T_TMP/out" && pass "pages --help describes --list" \
	|| fail "pages --help describes --list"
expect_rc 2 "pages without a dump exits 2" "$CTL" pages
expect_rc 2 "pages -d 32 exits 2" "$CTL" pages -d 32 "$T_TMP/bare.elf"
expect_rc 2 "pages --list of no class exits 2" "$CTL" pages --list nope "$T_TMP/bare.elf"
expect_rc 3 "pages without vmcoreinfo numbers exits 3" "$CTL" pages "$T_TMP/bare.elf"
grep -q "dump level 31: vmcoreinfo has no SIZE(page)" "$T_TMP/err" \
	&& pass "pages names the missing key" \
	|| fail "pages names the missing key: $(cat "$T_TMP/err")"
"$CTL" --help | grep -q '^  pages ' && pass "pages is in the command list" \
	|| fail "pages is in the command list"

finish cli-pages
