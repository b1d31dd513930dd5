#!/usr/bin/env bash
# mkdumpctl split, merge and capture --limit on synthetic dumps: the parts
# of a split set read alone and together (in any order) as the source,
# merge gives it back, a missing part is incomplete with its range, mixed
# sets are refused; --limit falls back to the next dump level and says so.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
CMP=${CMP:-$BUILD/tests/cmp-dumps}

gen elf "$T_TMP/a.elf" <<'SPEC'
cpus 2
vmcoreinfo OSRELEASE=6.1.0-split
ram 0 a0000
ram 100000 800000
zero 200000 500000
filter 580000 590000 free
SPEC

# split into parts: alone and together
expect_rc 0 "split -n 3 IN PREFIX" "$CTL" split -n 3 "$T_TMP/a.elf" "$T_TMP/p"
for k in 1 2 3; do
	expect_rc 0 "part $k opens alone" "$CTL" info --json "$T_TMP/p.$k"
	jq -e ".complete == false and (.split.parts | length) == 3 and
	      .split.parts[$k - 1].file != null and .pages.lost > 0" \
		"$T_TMP/out" > /dev/null && pass "... incomplete, knowing its place" \
		|| fail "... incomplete, knowing its place: $(jq -c .split "$T_TMP/out")"
done
expect_rc 0 "the parts in any order are the source, page for page" \
	"$CMP" -s "$T_TMP/a.elf" -- "$T_TMP/p.3" "$T_TMP/p.1" "$T_TMP/p.2"
expect_rc 0 "verify of the whole set exits 0" \
	"$CTL" verify "$T_TMP/p.2" "$T_TMP/p.1" "$T_TMP/p.3"
"$CTL" info --json --set "$T_TMP/p.2" "$T_TMP/p.3" "$T_TMP/p.1" > "$T_TMP/set.json"
jq -e '.complete and .split.parts[0].start_pfn == 0 and
	.split.parts[2].end_pfn == .max_pfn and
	.split.parts[0].end_pfn == .split.parts[1].start_pfn and
	.split.parts[1].end_pfn == .split.parts[2].start_pfn and
	([.split.parts[].file] | all(. != null))' "$T_TMP/set.json" > /dev/null \
	&& pass "info of the set: complete, contiguous ranges, every file" \
	|| fail "info of the set: $(jq -c .split "$T_TMP/set.json")"
"$CTL" info --json "$T_TMP/a.elf" | jq -c .pages > "$T_TMP/p1"
jq -c .pages "$T_TMP/set.json" > "$T_TMP/p2"
jq -e -s '.[0].present == .[1].present + .[1].zero' "$T_TMP/p1" "$T_TMP/p2" \
	> /dev/null && pass "... with every page of the source" \
	|| fail "... with every page: $(cat "$T_TMP/p1") $(cat "$T_TMP/p2")"

# balanced by pages with data (stored: not zero): none holds half of them
for k in 1 2 3; do
	"$CTL" info --json "$T_TMP/p.$k" | jq '.pages.present'
done > "$T_TMP/counts"
max=$(sort -n "$T_TMP/counts" | tail -1)
sum=$(paste -sd+ "$T_TMP/counts" | bc)
[ $((max * 2)) -lt "$sum" ] && pass "split balances pages with data ($(paste -sd' ' "$T_TMP/counts"))" \
	|| fail "split balances pages with data: $(paste -sd' ' "$T_TMP/counts")"

expect_rc 0 "split -n 2 IN OUT1 OUT2, codec lzo" \
	"$CTL" split -n 2 -z lzo "$T_TMP/a.elf" "$T_TMP/x" "$T_TMP/y"
expect_rc 0 "... reads back" "$CMP" -s "$T_TMP/a.elf" -- "$T_TMP/y" "$T_TMP/x"
"$CTL" capture -d 0 "$T_TMP/a.elf" "$T_TMP/a.mkd"
expect_rc 0 "split of an mkd dump" "$CTL" split -n 4 "$T_TMP/a.mkd" "$T_TMP/m"
expect_rc 0 "... reads back" "$CMP" -s "$T_TMP/a.elf" -- "$T_TMP"/m.[1-4]

# merge
expect_rc 0 "merge OUT IN... (any order)" \
	"$CTL" merge "$T_TMP/merged.mkd" "$T_TMP/p.3" "$T_TMP/p.1" "$T_TMP/p.2"
expect_rc 0 "... is the source, page for page" "$CMP" -s "$T_TMP/a.elf" -- "$T_TMP/merged.mkd"
expect_rc 0 "... verifies" "$CTL" verify "$T_TMP/merged.mkd"
"$CTL" info --json "$T_TMP/merged.mkd" > "$T_TMP/merged.json"
jq -e '.complete and .split == null and .kernel_release == "6.1.0-split"' \
	"$T_TMP/merged.json" > /dev/null && pass "... and is one whole dump" \
	|| fail "... and is one whole dump: $(cat "$T_TMP/merged.json")"
expect_rc 2 "merge onto one of its inputs is refused" \
	"$CTL" merge "$T_TMP/p.1" "$T_TMP/p.1" "$T_TMP/p.2" "$T_TMP/p.3"

# a missing part: incomplete, with its range
start=$(jq .split.parts[1].start_pfn "$T_TMP/set.json")
end=$(jq .split.parts[1].end_pfn "$T_TMP/set.json")
expect_rc 5 "verify of a set without part 2 exits 5" "$CTL" verify "$T_TMP/p.1" "$T_TMP/p.3"
grep -q "^lost pfn $(printf '0x%x-0x%x' "$start" $((end - 1)))" "$T_TMP/out" \
	&& pass "... listing part 2's range as lost" \
	|| fail "... listing part 2's range as lost ($start-$end): $(cat "$T_TMP/out")"
expect_rc 0 "info of it works" "$CTL" info --set "$T_TMP/p.3" "$T_TMP/p.1"
grep -q "part 2 .*(missing)" "$T_TMP/out" && pass "... naming the missing part" \
	|| fail "... naming the missing part: $(cat "$T_TMP/out")"
expect_rc 5 "merge of an incomplete set writes it and exits 5" \
	"$CTL" merge "$T_TMP/inc.mkd" "$T_TMP/p.1" "$T_TMP/p.3"
expect_rc 5 "... and the result verifies as incomplete" "$CTL" verify -q "$T_TMP/inc.mkd"

# mixed sets
"$CTL" split -n 3 "$T_TMP/a.elf" "$T_TMP/q"
expect_rc 2 "parts of two sets are refused" "$CTL" info --set "$T_TMP/p.1" "$T_TMP/q.2"
grep -q "are parts of different split sets" "$T_TMP/err" && pass "... saying so" \
	|| fail "... saying so: $(cat "$T_TMP/err")"
expect_rc 2 "one part twice is refused" "$CTL" verify "$T_TMP/p.1" "$T_TMP/p.1"
grep -q "are both part 1 of the set" "$T_TMP/err" && pass "... saying so" \
	|| fail "... saying so: $(cat "$T_TMP/err")"
expect_rc 2 "a whole dump among parts is refused" \
	"$CTL" merge "$T_TMP/z.mkd" "$T_TMP/p.1" "$T_TMP/a.mkd"
grep -q "is a whole dump, not part of a split set" "$T_TMP/err" && pass "... saying so" \
	|| fail "... saying so: $(cat "$T_TMP/err")"
expect_rc 2 "merge refuses a set of two formats" \
	"$CTL" merge "$T_TMP/z.mkd" "$T_TMP/p.1" "$T_TMP/a.elf"
expect_rc 2 "split -n 0 is refused" "$CTL" split -n 0 "$T_TMP/a.elf" "$T_TMP/r"
expect_rc 2 "split to standard output is refused" "$CTL" split -n 2 "$T_TMP/a.elf" -
expect_rc 2 "split with the wrong number of outputs is refused" \
	"$CTL" split -n 3 "$T_TMP/a.elf" "$T_TMP/r1" "$T_TMP/r2"
ls "$T_TMP"/r* > /dev/null 2>&1 && fail "refused splits write nothing" \
	|| pass "refused splits write nothing"

# capture --limit: -d 0 stores the 3 MiB of zero pages, -d 1 does not
"$CTL" capture -z none -d 0 "$T_TMP/a.elf" "$T_TMP/l0.mkd"
"$CTL" capture -z none -d 1 "$T_TMP/a.elf" "$T_TMP/l1.mkd"
s0=$(stat -c %s "$T_TMP/l0.mkd")
s1=$(stat -c %s "$T_TMP/l1.mkd")
mid=$(( (s0 + s1) / 2 ))
expect_rc 0 "capture -z none -d 0,1 --limit between their sizes ($s1 < $mid < $s0)" \
	"$CTL" capture -z none -d 0,1 --limit "$mid" "$T_TMP/a.elf" "$T_TMP/l.mkd"
size=$(stat -c %s "$T_TMP/l.mkd")
[ "$size" -le "$mid" ] && pass "... fits ($size bytes)" || fail "... fits ($size > $mid)"
expect_rc 0 "... reads back" "$CMP" -s "$T_TMP/a.elf" -- "$T_TMP/l.mkd"
"$CTL" info --json "$T_TMP/l.mkd" > "$T_TMP/l.json"
jq -e ".dump_level == 1 and .limit.asked == 0 and .limit.used == 1 and
	.limit.bytes == $mid and .limit.levels == \"0,1\" and
	(.limit.fallback | test(\"-d 0: \"))" "$T_TMP/l.json" > /dev/null \
	&& pass "... info --json: asked -d 0, used -d 1, and why" \
	|| fail "... info --json: $(jq -c '[.dump_level, .limit]' "$T_TMP/l.json")"
"$CTL" info "$T_TMP/l.mkd" | grep -q "^fallback: *-d 1 instead of -d 0: " \
	&& pass "... info says it fell back" || fail "... info says it fell back"
# a limit the first level fits: no fallback
expect_rc 0 "a limit -d 0 fits needs no fallback" \
	"$CTL" capture -z none -d 0,1 --limit $((s0 + 4096)) "$T_TMP/a.elf" "$T_TMP/l.mkd"
"$CTL" info --json "$T_TMP/l.mkd" | jq -e '.dump_level == 0 and .limit.fallback == null' \
	> /dev/null && pass "... and records none" || fail "... and records none"
# just under -d 0's size, its estimate is not clearly over: it is written,
# passes the limit, and the file is written again at -d 1
lim=$((s0 - 65536))
expect_rc 0 "a file that passes the limit is rewritten at the next level" \
	"$CTL" capture -z none -d 0,1 --limit "$lim" "$T_TMP/a.elf" "$T_TMP/l.mkd"
"$CTL" info --json "$T_TMP/l.mkd" | jq -e '.dump_level == 1 and
	(.limit.fallback | test("-d 0: the output passed the limit at [0-9]+ bytes"))' \
	> /dev/null && pass "... recording that it passed" \
	|| fail "... recording that it passed: $("$CTL" info --json "$T_TMP/l.mkd" | jq -c .limit)"
size=$(stat -c %s "$T_TMP/l.mkd")
[ "$size" = "$s1" ] || [ "$size" -lt "$lim" ] && pass "... and holds only the -d 1 dump ($size bytes)" \
	|| fail "... and holds only the -d 1 dump ($size bytes, -d 1 alone $s1)"
expect_rc 0 "... which reads back" "$CMP" -s "$T_TMP/a.elf" -- "$T_TMP/l.mkd"
expect_rc 0 "... and verifies" "$CTL" verify -q "$T_TMP/l.mkd"
expect_rc 6 "no level fits: exit 6" \
	"$CTL" capture -z none -d 1,0 --limit $((s1 - 4096)) "$T_TMP/a.elf" "$T_TMP/big.mkd"
grep -q "no dump level fits in $((s1 - 4096)) bytes" "$T_TMP/err" && pass "... saying so" \
	|| fail "... saying so: $(cat "$T_TMP/err")"
[ -e "$T_TMP/big.mkd" ] && fail "... and the file is removed" || pass "... and the file is removed"
"$CTL" capture -z none -d 1,0 --limit $((s1 - 4096)) "$T_TMP/a.elf" - \
	> "$T_TMP/pipe.mkd" 2> /dev/null
[ $? = 6 ] && pass "no level fits on a pipe: exit 6" || fail "no level fits on a pipe: exit 6"
size=$(stat -c %s "$T_TMP/pipe.mkd")
"$CTL" verify -q "$T_TMP/pipe.mkd" > /dev/null 2>&1
rc=$?
[ "$rc" != 0 ] && [ "$size" -le "$s1" ] \
	&& pass "... the stream stops near the limit ($size bytes) and is not whole (verify exit $rc)" \
	|| fail "... the stream stops near the limit ($size bytes, verify exit $rc)"
expect_rc 2 "a list of levels without --limit is refused" \
	"$CTL" capture -d 0,1 "$T_TMP/a.elf" "$T_TMP/n.mkd"
expect_rc 2 "a bad list is refused" "$CTL" capture -d 1,40 --limit 1M "$T_TMP/a.elf" "$T_TMP/n.mkd"
expect_rc 2 "a bad limit is refused" "$CTL" capture --limit 1X "$T_TMP/a.elf" "$T_TMP/n.mkd"
expect_rc 3 "--limit whose fallback -d 31 the dump cannot do is refused" \
	"$CTL" capture --limit 1M "$T_TMP/a.elf" "$T_TMP/n.mkd"
[ -e "$T_TMP/n.mkd" ] && fail "... before writing anything" || pass "... before writing anything"

finish cli-split
