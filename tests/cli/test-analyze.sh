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
expect_rc 1 "--vmlinux that does not exist" "$AN" --vmlinux /nonexistent \
	-c help "$D"
grep -q "/nonexistent" "$T_TMP/err" && pass "and says which file" ||
	fail "--vmlinux that does not exist: and says which file"

# Commands on a dump with no kernel symbols or types: clear errors, no
# crash, and the session goes on.
gen mkd "$T_TMP/filtered.mkd" <<'SPEC'
vmcoreinfo OSRELEASE=6.1.0-cli
ram 0 100000
filter 3000 5000 user
filter 8000 9000 free
SPEC
F=$T_TMP/filtered.mkd
expect_rc 0 "sys without kernel data" "$AN" -c sys "$D"
grep -q 'RELEASE: 6.1.0-cli' "$T_TMP/out" &&
	grep -q 'NODENAME: <unknown: ' "$T_TMP/out" &&
	pass "sys: the release from vmcoreinfo, the rest says why" ||
	fail "sys: the release from vmcoreinfo, the rest says why"
expect_rc 0 "sys --json without kernel data" "$AN" -c 'sys --json' "$D"
jq -e '.utsname == null and (.errors.utsname | length > 0)' "$T_TMP/out" \
	>/dev/null && pass "sys --json: null and the reason" ||
	fail "sys --json: null and the reason"
for c in 'log' 'log -T' 'sym panic' 'rd panic' 'struct task_struct 0' \
	 'kmem -i' 'rd 0xffffffff81000000'; do
	expect_rc 1 "$c fails cleanly without kernel data" \
		"$AN" -c "$c; help quit" "$F"
	grep -q '^usage: quit' "$T_TMP/out" ||
		fail "$c: the session did not go on"
done
for c in 'rd' 'rd -p' 'rd -p 0x1000 0' 'rd -p 0x1000 zz' 'rd -p -128 0' \
	 'struct' 'struct task_struct' 'sym' 'kmem' 'kmem -i x' 'log x' \
	 'sys x' 'rd -p 0xffffffffffffffff 2'; do
	expect_rc 2 "usage error: $c" "$AN" -c "$c" "$F"
done

# rd -p: the same bytes mkdumpctl reads, in each width, and notes for the
# pages left out.
"$CTL" read --phys 0x1ff0 32 "$F" | od -An -v -tx8 | tr -s ' \n' '  ' \
	> "$T_TMP/want"
expect_rc 0 "rd -p" "$AN" -c 'rd -p 0x1ff0 4' "$F"
[ " $(awk '{ print $2, $3 }' "$T_TMP/out" | tr -s ' \n' '  ')" = \
  "$(cat "$T_TMP/want")" ] &&
	pass "rd -p shows what mkdumpctl read reads" ||
	fail "rd -p shows what mkdumpctl read reads: $(cat "$T_TMP/out")"
for w in 8 16 32; do
	expect_rc 0 "rd -p -$w" "$AN" -c "rd -p -$w 0x1ff0 $((16 * 8 / w))" "$F"
	[ "$(wc -l < "$T_TMP/out")" = 1 ] || fail "rd -p -$w: one line"
done
expect_rc 0 "rd over filtered pages" "$AN" -c 'rd -p 0x2ff0 0x500' "$F"
grep -q '^ *3000:  <page filtered out: user>$' "$T_TMP/out" &&
	pass "a filtered page is a note, with the reason" ||
	fail "a filtered page is a note, with the reason"
[ "$(grep -c '<page' "$T_TMP/out")" = 1 ] && grep -q '^ *5000: ' "$T_TMP/out" &&
	pass "one note for the run of filtered pages, then the data" ||
	fail "one note for the run of filtered pages, then the data"
expect_rc 0 "rd --json over filtered pages" \
	"$AN" -c 'rd --json -p 0x2ff0 4' "$F"
jq -e '.lines[1].note == "<page filtered out: user>" and
       (.lines[0].values | length == 2)' "$T_TMP/out" >/dev/null &&
	pass "rd --json: the note in place of values" ||
	fail "rd --json: the note in place of values"
expect_rc 1 "rd past the dump" "$AN" -c 'rd -p 0x200000' "$F"
grep -q '<page not in dump>' "$T_TMP/out" && pass "and says so" ||
	fail "rd past the dump says so"
expect_rc 0 "rd -a" "$AN" -c 'rd -p -a 0x1000 8' "$F"

finish analyze
