#!/usr/bin/env bash
# mkdump-analyze on synthetic dumps: the frame (command lines, -c, -f,
# stdin, pipes, exit status, help, --json) and commands that need no
# kernel data.  Real kernels: tests/guest/test-analyze.sh.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
AN=${AN:-$BUILD/mkdump-analyze}

gen elf "$T_TMP/plain.elf" <<'SPEC'
vmcoreinfo OSRELEASE=6.1.0-cli
ram 0 100000
SPEC
D=$T_TMP/plain.elf

# The frame.
expect_rc 0 "help" "$AN" -c help "$D"
grep -q '^  quit ' "$T_TMP/out" && pass "help lists the table" ||
	fail "help lists the table"
expect_rc 0 "help --json parses" "$AN" --json -c help "$D"
jq -e 'map(.name) | index("help") != null' "$T_TMP/out" >/dev/null &&
	pass "help --json lists help" || fail "help --json lists help"
expect_rc 0 "help CMD" "$AN" -c 'help quit' "$D"
grep -q '^usage: quit' "$T_TMP/out" && pass "help CMD shows usage" ||
	fail "help CMD shows usage"
expect_rc 2 "an unknown command fails the batch" \
	"$AN" -c 'nosuch; help' "$D"
grep -q "'nosuch' is not a command" "$T_TMP/err" &&
	grep -q '^commands:' "$T_TMP/out" &&
	pass "and the session goes on" || fail "and the session goes on"
expect_rc 2 "a bad option of a command" "$AN" -c 'help --nosuch' "$D"
expect_rc 0 "quit ends the batch" "$AN" -c 'quit; nosuch' "$D"
expect_rc 0 "pipe to a shell command" \
	"$AN" -c 'help | grep -c quit; help quit' "$D"
[ "$(head -n 1 "$T_TMP/out")" = 1 ] && grep -q '^usage: quit' "$T_TMP/out" &&
	pass "the pipe ends at ';'" || fail "the pipe ends at ';'"
expect_rc 0 "quotes and comments" "$AN" -c "'help' \"quit\" # nosuch" "$D"
printf 'help quit\n# a comment\n\nquit\nnosuch\n' > "$T_TMP/script"
expect_rc 0 "-f SCRIPT" "$AN" -f "$T_TMP/script" "$D"
expect_rc 2 "commands from stdin" sh -c "printf 'nosuch\n' | '$AN' '$D'"
expect_rc 2 "no dump" "$AN" -c help
expect_rc 3 "not a dump" "$AN" -c help "$T_TMP/script"
expect_rc 0 "--vmlinux is accepted" "$AN" --vmlinux /nonexistent -c help "$D"
grep -q "not supported yet" "$T_TMP/err" && pass "and said to be unsupported" ||
	fail "and said to be unsupported"

finish analyze
