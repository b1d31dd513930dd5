#!/usr/bin/env bash
# mkdump-analyze's ps and mod where the kernel cannot be read: a clear
# error naming what is missing, exit 1, and usage errors exit 2.  Real
# kernels: tests/guest/test-ps.sh.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
AN=${AN:-$BUILD/mkdump-analyze}

gen elf "$T_TMP/plain.elf" <<'SPEC'
vmcoreinfo OSRELEASE=6.1.0-cli
ram 0 100000
SPEC
D=$T_TMP/plain.elf

for cmd in ps mod "ps --json" "mod --json"; do
	expect_rc 1 "$cmd without kernel symbols fails" "$AN" -c "$cmd" "$D"
	grep -q "^${cmd%% *}: .*layout: .*kallsyms" "$T_TMP/err" && [ ! -s "$T_TMP/out" ] \
		&& pass "$cmd says why on stderr, nothing on stdout" \
		|| fail "$cmd says why: $(head -c 200 "$T_TMP/err")"
done
expect_rc 2 "ps -k -u is a usage error" "$AN" -c 'ps -k -u' "$D"
expect_rc 2 "ps with a bad option" "$AN" -c 'ps -z' "$D"
expect_rc 0 "ps --help" "$AN" -c 'ps --help' "$D"
grep -q '^usage: ps' "$T_TMP/out" && pass "ps --help shows usage" ||
	fail "ps --help shows usage"
expect_rc 0 "help lists ps and mod" "$AN" -c help "$D"
grep -q '^  ps ' "$T_TMP/out" && grep -q '^  mod ' "$T_TMP/out" &&
	pass "ps and mod are in the table" || fail "ps and mod are in the table"

finish analyze-ps
