#!/usr/bin/env bash
# mkdumpctl on synthetic kdump, split and flattened dumps.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

spec='cpus 2
release 6.1.0-cli
vmcoreinfo OSRELEASE=6.1.0-cli
codec zlib
dump_level 31
ram 0 a0000
ram 100000 300000
zero 200000 201000
filter 280000 290000 free'

gen kdump "$T_TMP/a.kdump" <<<"$spec"
expect_rc 0 "info --json of a kdump dump" "$CTL" info --json "$T_TMP/a.kdump"
jq -e '.format == "kdump" and .codecs == "zlib" and .dump_level == 31 and
       .kernel_release == "6.1.0-cli" and .cpus == 2 and .complete and
       .crash_time == 1700000000 and .pages.present == 160 + 512 - 16 and
       .pages.filtered == 16 and .filtered.unknown == 16' "$T_TMP/out" \
	> /dev/null && pass "kdump info values" \
	|| fail "kdump info values: $(cat "$T_TMP/out")"
expect_rc 0 "verify of a whole kdump dump" "$CTL" verify "$T_TMP/a.kdump"

gen kdump "$T_TMP/s.kdump" <<<"$spec
split 3"
expect_rc 0 "info --set of a split set, in any order" "$CTL" info --json \
	--set "$T_TMP/s.kdump.3" "$T_TMP/s.kdump" "$T_TMP/s.kdump.2"
jq -e '.files == 3 and .pages.present == 160 + 512 - 16' "$T_TMP/out" \
	> /dev/null && pass "split set info values" \
	|| fail "split set info values: $(cat "$T_TMP/out")"
expect_rc 0 "verify of a split set" "$CTL" verify \
	"$T_TMP/s.kdump.2" "$T_TMP/s.kdump" "$T_TMP/s.kdump.3"
expect_rc 2 "a split set with a part twice" "$CTL" verify \
	"$T_TMP/s.kdump" "$T_TMP/s.kdump"
grep -q overlap "$T_TMP/err" && pass "says the parts overlap" \
	|| fail "says the parts overlap: $(cat "$T_TMP/err")"

gen kdump "$T_TMP/i.kdump" <<<"$spec
option incomplete 10"
expect_rc 5 "verify of an incomplete dump exits 5" "$CTL" verify --json \
	"$T_TMP/i.kdump"
jq -e '.lost == 10 and .damaged == 0 and .incomplete' "$T_TMP/out" \
	> /dev/null && pass "verify counts the lost tail" \
	|| fail "verify counts the lost tail: $(cat "$T_TMP/out")"

gen flat "$T_TMP/f.flat" <<<"$spec
option shuffle 1"
expect_rc 0 "info of a flattened dump" "$CTL" info --json "$T_TMP/f.flat"
jq -e '.format == "kdump" and .container == "flattened"' "$T_TMP/out" \
	> /dev/null && pass "flattened info values" \
	|| fail "flattened info values: $(cat "$T_TMP/out")"
"$CTL" read --phys 0x100000 8192 "$T_TMP/f.flat" > "$T_TMP/r1"
"$CTL" read --phys 0x100000 8192 "$T_TMP/a.kdump" > "$T_TMP/r2"
cmp -s "$T_TMP/r1" "$T_TMP/r2" && [ -s "$T_TMP/r1" ] \
	&& pass "flattened and plain read the same bytes" \
	|| fail "flattened and plain read the same bytes"

gen diskdump "$T_TMP/d.dd" <<<"$spec"
expect_rc 0 "info of a diskdump dump" "$CTL" info --json "$T_TMP/d.dd"
jq -e '.format == "diskdump" and .dump_level == null' "$T_TMP/out" \
	> /dev/null && pass "diskdump info values" \
	|| fail "diskdump info values: $(cat "$T_TMP/out")"

finish kdump
