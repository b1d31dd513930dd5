#!/usr/bin/env bash
# mkdumpctl convert -f elf|kdump on synthetic dumps of every format: the
# ELF and kdump dumps read back page for page (cmp-dumps), and back to
# mkd; what the formats cannot keep is left out or counted, never faked;
# pipes, a full disk, refusals.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
CMP=${CMP:-$BUILD/tests/cmp-dumps}

# same WHAT A B: every page with data in A has the same data in B
same() {
	expect_rc 0 "$1" "$CMP" -s "$2" -- "$3"
}

# jqok WHAT FILTER FILE: the JSON in FILE satisfies FILTER
jqok() {
	if jq -e "$2" "$3" > /dev/null 2>&1; then
		pass "$1"
	else
		fail "$1: $(jq -c . "$3" 2>/dev/null || head -c 300 "$3")"
	fi
}

SPEC='cpus 2
vmcoreinfo OSRELEASE=6.1.0-conv
vmcoreinfo CRASHTIME=1700000000
ram 0 a0000
ram 100000 600000
zero 200000 240000
filter 280000 290000 free
filter 300000 301000 user
filter 302000 303000 cache
filter 400000 480000 cache'
for f in elf kdump flat mkd; do
	gen "$f" "$T_TMP/src.$f" <<< "$SPEC"$'\n'"codec $([ $f = elf ] && echo none || echo zlib)"
done
gen mkd "$T_TMP/lost.mkd" <<'SPEC'
vmcoreinfo OSRELEASE=6.1.0-lost
ram 0 400000
zero 100000 110000
filter 200000 210000 cache
option lost 300000-308000
codec lzo
SPEC

# every source to every target, and back to mkd
for f in elf kdump flat mkd; do
	src=$T_TMP/src.$f
	expect_rc 0 "$f to elf" "$CTL" convert -f elf "$src" "$T_TMP/$f.elf"
	same "... reads back page for page" "$src" "$T_TMP/$f.elf"
	for z in zlib lzo zstd none; do
		expect_rc 0 "$f to kdump -z $z" "$CTL" convert -f kdump -z "$z" \
			"$src" "$T_TMP/$f-$z.kdump"
		same "... reads back page for page" "$src" "$T_TMP/$f-$z.kdump"
	done
	"$CTL" convert -f kdump --flat "$src" - 2> "$T_TMP/err" | cat > "$T_TMP/$f.flat"
	same "$f to kdump --flat through a pipe reads back" "$src" "$T_TMP/$f.flat"
	[ -s "$T_TMP/err" ] && fail "... silently: $(head -c 200 "$T_TMP/err")" \
		|| pass "... silently when stderr is not a terminal"
	expect_rc 0 "$f: elf to mkd" "$CTL" convert -f mkd "$T_TMP/$f.elf" "$T_TMP/$f.elf.mkd"
	same "... is still the source" "$src" "$T_TMP/$f.elf.mkd"
	expect_rc 0 "$f: kdump to mkd" "$CTL" convert "$T_TMP/$f-lzo.kdump" "$T_TMP/$f.kd.mkd"
	same "... is still the source" "$src" "$T_TMP/$f.kd.mkd"
done

# round trip: any dump -> mkd -> ELF -> mkd
for f in elf kdump flat; do
	"$CTL" convert "$T_TMP/src.$f" "$T_TMP/rt1.mkd" &&
	"$CTL" convert -f elf "$T_TMP/rt1.mkd" "$T_TMP/rt.elf" &&
	"$CTL" convert "$T_TMP/rt.elf" "$T_TMP/rt2.mkd"
	same "round trip $f -> mkd -> elf -> mkd keeps every page" \
		"$T_TMP/src.$f" "$T_TMP/rt2.mkd"
done

# what each format keeps: the page states, in info
"$CTL" info --json "$T_TMP/src.mkd" > "$T_TMP/s.json"
"$CTL" info --json "$T_TMP/mkd.elf" > "$T_TMP/e.json"
"$CTL" info --json "$T_TMP/mkd-zlib.kdump" > "$T_TMP/k.json"
jq -e --slurpfile s "$T_TMP/s.json" \
	'.pages.filtered == $s[0].pages.filtered' "$T_TMP/e.json" > /dev/null \
	&& pass "elf keeps filtered pages out (p_memsz tails)" \
	|| fail "elf keeps filtered pages out: $(jq -c .pages "$T_TMP/e.json")"
jq -e --slurpfile s "$T_TMP/s.json" \
	'.pages.filtered == $s[0].pages.filtered and .dump_level == 26' \
	"$T_TMP/k.json" > /dev/null \
	&& pass "kdump keeps filtered pages out, dump level from the reasons" \
	|| fail "kdump keeps filtered pages out: $(jq -c '[.pages, .dump_level]' "$T_TMP/k.json")"

# lost pages: kdump marks them lost, ELF leaves them out, and says so
expect_rc 0 "lost pages to kdump" "$CTL" convert -f kdump --json \
	"$T_TMP/lost.mkd" "$T_TMP/lost.kdump"
jqok "... counted lost" '.lost == 8 and .source_pages.lost == 8' "$T_TMP/out"
grep -q "8 pages of .* could not be read; they are marked lost" "$T_TMP/err" \
	&& pass "... and said on stderr" || fail "... said on stderr: $(cat "$T_TMP/err")"
"$CTL" info --json "$T_TMP/lost.kdump" > "$T_TMP/lk.json"
jqok "... and read back lost, the dump incomplete" \
	'.pages.lost == 8 and .complete == false' "$T_TMP/lk.json"
same "... the rest reads back" "$T_TMP/lost.mkd" "$T_TMP/lost.kdump"
expect_rc 0 "lost pages to elf" "$CTL" convert -f elf --json \
	"$T_TMP/lost.mkd" "$T_TMP/lost.elf"
jqok "... left out, not zero-filled" \
	'.left_out == 24 and ([.zero_filled[]] | add) == 0' "$T_TMP/out"

# past --elf-segments, short gaps become zeros: counted and said
expect_rc 0 "elf with --elf-segments 3" "$CTL" convert -f elf --elf-segments 3 \
	--json "$T_TMP/src.elf" "$T_TMP/few.elf"
jqok "... zero-fills the short gaps and counts them" \
	'.zero_filled.filtered == 18 and .left_out == 128 and .segments == 3' \
	"$T_TMP/out"
grep -q "18 pages without data in .* are zeros" "$T_TMP/err" \
	&& pass "... and says so on stderr" \
	|| fail "... says so on stderr: $(cat "$T_TMP/err")"
same "... every page with data still reads back" "$T_TMP/src.elf" "$T_TMP/few.elf"
[ "$(readelf -lW "$T_TMP/few.elf" | grep -c LOAD)" = 3 ] \
	&& pass "... in 3 PT_LOADs" || fail "... in 3 PT_LOADs: $(readelf -lW "$T_TMP/few.elf")"
readelf -nW "$T_TMP/elf.elf" | grep -q VMCOREINFO \
	&& pass "the PT_NOTE carries VMCOREINFO" || fail "the PT_NOTE carries VMCOREINFO"
[ "$(readelf -nW "$T_TMP/kdump.elf" | grep -c NT_PRSTATUS)" = 2 ] \
	&& pass "... and a PRSTATUS per CPU, from a kdump source" \
	|| fail "... and a PRSTATUS per CPU: $(readelf -nW "$T_TMP/kdump.elf")"
"$CTL" extract regs "$T_TMP/src.flat" > "$T_TMP/r1"
"$CTL" extract regs "$T_TMP/flat-zstd.kdump" > "$T_TMP/r2"
cmp -s "$T_TMP/r1" "$T_TMP/r2" && pass "registers survive kdump" \
	|| fail "registers survive kdump"

# outputs that cannot take it
for a in "-f elf" "-f kdump" "-f kdump --flat"; do
	# shellcheck disable=SC2086
	expect_rc 1 "convert $a to a full disk fails" "$CTL" convert $a \
		"$T_TMP/src.elf" /dev/full
	grep -q "No space left on device" "$T_TMP/err" && grep -q "is incomplete" "$T_TMP/err" \
		&& pass "... saying ENOSPC and that the output is incomplete" \
		|| fail "... saying ENOSPC: $(cat "$T_TMP/err")"
done
"$CTL" convert -f kdump "$T_TMP/src.elf" - 2> "$T_TMP/err" | cat > /dev/null
grep -q "not seekable.*flattened" "$T_TMP/err" \
	&& pass "kdump to a pipe without --flat is refused, naming --flat's form" \
	|| fail "kdump to a pipe without --flat: $(cat "$T_TMP/err")"
"$CTL" convert -f elf "$T_TMP/src.kdump" - 2> /dev/null | cat > "$T_TMP/pipe.elf"
same "elf through a pipe reads back" "$T_TMP/src.kdump" "$T_TMP/pipe.elf"

# refusals
expect_rc 2 "convert -f lkcd is refused" "$CTL" convert -f lkcd "$T_TMP/src.elf" "$T_TMP/x"
expect_rc 2 "elf --flat is refused" "$CTL" convert -f elf --flat "$T_TMP/src.elf" "$T_TMP/x"
expect_rc 2 "elf -z is refused" "$CTL" convert -f elf -z zlib "$T_TMP/src.elf" "$T_TMP/x"
expect_rc 2 "kdump --threads is refused" "$CTL" convert -f kdump -t 2 "$T_TMP/src.elf" "$T_TMP/x"
expect_rc 2 "mkd --flat is refused" "$CTL" convert -f mkd --flat "$T_TMP/src.elf" "$T_TMP/x"
expect_rc 2 "--json with OUT - is refused" "$CTL" convert -f elf --json "$T_TMP/src.elf" -
expect_rc 2 "convert onto its input is refused" "$CTL" convert -f elf "$T_TMP/src.elf" "$T_TMP/src.elf"
[ -e "$T_TMP/x" ] && fail "a refused convert writes nothing" \
	|| pass "a refused convert writes nothing"

finish convert
