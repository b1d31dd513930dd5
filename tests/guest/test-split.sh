#!/usr/bin/env bash
# mkdumpctl split, merge and capture --limit on the real panic vmcore and
# on makedumpfile's split set of it: parts read together as the source,
# page for page; merge gives the source back; a missing part is
# incomplete with its range; --limit between the -d 1 and -d 31 sizes
# falls back to -d 31 (by estimate, or by rewriting the file) and says so.
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"
GUEST_OUT=${GUEST_OUT:-build/guest}
CMP=${CMP:-$BUILD/tests/cmp-dumps}
d=$GUEST_OUT/panic
V=$d/vmcore

if [ ! -e "$V" ]; then
	skip "$V: not generated"
	finish guest-split
	exit
fi

# split the vmcore, read the parts together, merge them
expect_rc 0 "split -n 3 the panic vmcore" "$CTL" split -n 3 "$V" "$T_TMP/p"
expect_rc 0 "the parts (any order) are the vmcore, page for page" \
	"$CMP" -s "$V" -- "$T_TMP/p.3" "$T_TMP/p.1" "$T_TMP/p.2"
for k in 1 2 3; do
	"$CTL" info --json "$T_TMP/p.$k" | jq '.pages.present'
done > "$T_TMP/counts"
min=$(sort -n "$T_TMP/counts" | head -1)
max=$(sort -n "$T_TMP/counts" | tail -1)
[ $(( (max - min) * 50 )) -le "$max" ] \
	&& pass "the parts hold as many stored pages within 2 % ($(paste -sd' ' "$T_TMP/counts"))" \
	|| fail "the parts hold as many stored pages: $(paste -sd' ' "$T_TMP/counts")"
expect_rc 0 "verify of the set exits 0" "$CTL" verify -q "$T_TMP/p.1" "$T_TMP/p.2" "$T_TMP/p.3"
"$CTL" info --json "$V" > "$T_TMP/v.json"
"$CTL" info --json --set "$T_TMP/p.1" "$T_TMP/p.2" "$T_TMP/p.3" > "$T_TMP/s.json"
jq -e -s '.[0] as $v | .[1] as $s | $s.complete and $s.vm == $v.vm and
	$s.kernel_release == $v.kernel_release and $s.cpus == $v.cpus and
	$s.ram_ranges == $v.ram_ranges and
	$s.pages.present + $s.pages.zero == $v.pages.present' \
	"$T_TMP/v.json" "$T_TMP/s.json" > /dev/null \
	&& pass "info of the set agrees with the vmcore" \
	|| fail "info of the set: $(jq -c '[.complete, .pages]' "$T_TMP/s.json")"
expect_rc 0 "the set's kernel log is the vmcore's" "$CTL" extract dmesg "$T_TMP/p.2" "$T_TMP/p.1" "$T_TMP/p.3"
mv "$T_TMP/out" "$T_TMP/log.set"
"$CTL" extract dmesg "$V" > "$T_TMP/log.v" 2> /dev/null
[ -s "$T_TMP/log.v" ] && cmp -s "$T_TMP/log.set" "$T_TMP/log.v" && pass "... byte for byte" || fail "... byte for byte"
expect_rc 0 "merge the parts" "$CTL" merge "$T_TMP/m.mkd" "$T_TMP/p.2" "$T_TMP/p.3" "$T_TMP/p.1"
expect_rc 0 "... is the vmcore, page for page" "$CMP" -s "$V" -- "$T_TMP/m.mkd"
expect_rc 0 "... verifies" "$CTL" verify -q "$T_TMP/m.mkd"

start=$(jq .split.parts[1].start_pfn "$T_TMP/s.json")
end=$(jq .split.parts[1].end_pfn "$T_TMP/s.json")
expect_rc 5 "without part 2 the set is incomplete (verify exit 5)" \
	"$CTL" verify "$T_TMP/p.1" "$T_TMP/p.3"
grep -q "^lost pfn $(printf '0x%x' "$start")-" "$T_TMP/out" \
	&& pass "... listing part 2's pages as lost" \
	|| fail "... listing part 2's pages as lost: $(head -3 "$T_TMP/out")"
"$CTL" split -n 2 "$V" "$T_TMP/q"
expect_rc 2 "parts of two splits are refused" "$CTL" info --set "$T_TMP/p.1" "$T_TMP/q.2"

# makedumpfile's split set: merge, and split the result again
if [ -e "$d/md-split-d31.1" ]; then
	expect_rc 0 "merge makedumpfile's split set" \
		"$CTL" merge "$T_TMP/md.mkd" "$d/md-split-d31.2" "$d/md-split-d31.1"
	expect_rc 0 "... is the set, page for page" \
		"$CMP" -s "$d/md-split-d31.1" "$d/md-split-d31.2" -- "$T_TMP/md.mkd"
	expect_rc 0 "... and makedumpfile's one-file -d 31 dump" \
		"$CMP" "$d/md-c-d31.kdump" -- "$T_TMP/md.mkd"
	"$CTL" info --json "$T_TMP/md.mkd" | jq -e '.dump_level == 31 and .complete' \
		> /dev/null && pass "... keeping dump level 31" || fail "... keeping dump level 31"
	expect_rc 0 "split the merged dump in 2" "$CTL" split -n 2 "$T_TMP/md.mkd" "$T_TMP/r"
	expect_rc 0 "... which reads as makedumpfile's set" \
		"$CMP" -s "$d/md-split-d31.1" "$d/md-split-d31.2" -- "$T_TMP/r.2" "$T_TMP/r.1"
	expect_rc 2 "an mkd part and a kdump part are refused" \
		"$CTL" info --set "$T_TMP/r.1" "$d/md-split-d31.2"
else
	skip "makedumpfile's split set: not generated"
fi

# capture --limit between the -d 1 and -d 31 sizes
"$CTL" capture -d 1 "$V" "$T_TMP/d1.mkd"
"$CTL" capture -d 31 "$V" "$T_TMP/d31.mkd"
s1=$(stat -c %s "$T_TMP/d1.mkd")
s31=$(stat -c %s "$T_TMP/d31.mkd")
rm -f "$T_TMP/d1.mkd"
limit_case() {	# LIMIT WHY-PATTERN NAME
	expect_rc 0 "capture --limit $1 ($3; -d 1 is $s1, -d 31 $s31 bytes)" \
		"$CTL" capture --limit "$1" "$V" "$T_TMP/l.mkd"
	size=$(stat -c %s "$T_TMP/l.mkd")
	[ "$size" -le "$1" ] && pass "... fits ($size bytes)" || fail "... fits ($size bytes)"
	"$CTL" info --json "$T_TMP/l.mkd" > "$T_TMP/l.json"
	jq -e ".dump_level == 31 and .limit.asked == 1 and .limit.used == 31 and
		(.limit.fallback | test(\"$2\"))" "$T_TMP/l.json" > /dev/null \
		&& pass "... -d 31 instead of -d 1, recorded with why" \
		|| fail "... recorded: $(jq -c '[.dump_level, .limit]' "$T_TMP/l.json")"
	expect_rc 0 "... is the -d 31 capture, page for page" \
		"$CMP" -s "$T_TMP/d31.mkd" -- "$T_TMP/l.mkd"
	expect_rc 0 "... verifies" "$CTL" verify -q "$T_TMP/l.mkd"
}
limit_case $(( (s1 + s31) / 2 )) "^-d 1: estimated [0-9]+ bytes$" "by estimate"
limit_case $(( s1 - (2 << 20) )) "^-d 1: the output passed the limit" "by rewriting"
expect_rc 0 "capture --limit to a pipe" \
	sh -c "'$CTL' capture --limit $(( (s1 + s31) / 2 )) '$V' - > '$T_TMP/pipe.mkd'"
expect_rc 0 "... is the -d 31 capture" "$CMP" -s "$T_TMP/d31.mkd" -- "$T_TMP/pipe.mkd"
expect_rc 0 "a limit -d 1 fits keeps -d 1" "$CTL" capture --limit $((s1 + (1 << 20))) "$V" "$T_TMP/l.mkd"
"$CTL" info --json "$T_TMP/l.mkd" | jq -e '.dump_level == 1 and .limit.fallback == null' \
	> /dev/null && pass "... recording no fallback" || fail "... recording no fallback"
expect_rc 6 "a limit below -d 31 fails with exit 6" \
	"$CTL" capture --limit $((s31 - (1 << 20))) "$V" "$T_TMP/small.mkd"
[ -e "$T_TMP/small.mkd" ] && fail "... leaving no file" || pass "... leaving no file"

finish guest-split
