#!/usr/bin/env bash
# mkdumpctl capture and convert on synthetic dumps: the mkd they write
# reads back page for page; options, refusals, pipes, cuts and damage.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
CMP=${CMP:-$BUILD/tests/cmp-dumps}

gen elf "$T_TMP/a.elf" <<'SPEC'
cpus 2
vmcoreinfo OSRELEASE=6.1.0-cli
vmcoreinfo CRASHTIME=1700000000
ram 0 a0000
ram 100000 500000
zero 200000 240000
filter 280000 290000 free
SPEC

# capture: every codec, both dump levels, one and several threads
for z in none zlib lzo zstd zstd:5; do
	for d in 0 1; do
		out=$T_TMP/a-${z/:/}-$d.mkd
		expect_rc 0 "capture -z $z -d $d" \
			"$CTL" capture -z "$z" -d "$d" --threads 3 --checkpoint 256K \
			"$T_TMP/a.elf" "$out"
		expect_rc 0 "capture -z $z -d $d reads back page for page" \
			"$CMP" -s "$T_TMP/a.elf" -- "$out"
	done
done
expect_rc 0 "capture with one thread and 1-page blocks" \
	"$CTL" capture --threads 1 --block-pages 1 "$T_TMP/a.elf" "$T_TMP/t1.mkd"
expect_rc 0 "... reads back" "$CMP" -s "$T_TMP/a.elf" -- "$T_TMP/t1.mkd"

"$CTL" info --json "$T_TMP/a.elf" > "$T_TMP/src.json"
"$CTL" info --json "$T_TMP/a-zstd-1.mkd" > "$T_TMP/d1.json"
"$CTL" info --json "$T_TMP/a-zstd-0.mkd" > "$T_TMP/d0.json"
if jq -e -s '.[0] as $s | .[1] as $m |
	$m.format == "mkd" and $m.codecs == "zstd" and $m.complete and
	$m.kernel_release == $s.kernel_release and $m.cpus == $s.cpus and
	$m.crash_time == $s.crash_time and $m.ram_ranges == $s.ram_ranges and
	$m.dump_level == 1 and $m.pages.zero == 64 and
	$m.pages.present == $s.pages.present - 64 and
	$m.pages.filtered == $s.pages.filtered' \
	"$T_TMP/src.json" "$T_TMP/d1.json" > /dev/null; then
	pass "info of the capture agrees with the source (-d 1: zero pages)"
else
	fail "info of the capture agrees with the source: $(cat "$T_TMP/d1.json")"
fi
jq -e '.pages.zero == 0 and .dump_level == 0' "$T_TMP/d0.json" > /dev/null \
	&& pass "-d 0 stores zero pages as data" \
	|| fail "-d 0 stores zero pages as data: $(jq -c .pages "$T_TMP/d0.json")"
expect_rc 0 "verify of a capture exits 0" "$CTL" verify "$T_TMP/a-lzo-1.mkd"
"$CTL" extract regs "$T_TMP/a.elf" > "$T_TMP/r1"
"$CTL" extract regs "$T_TMP/a-lzo-1.mkd" > "$T_TMP/r2"
cmp -s "$T_TMP/r1" "$T_TMP/r2" && pass "registers survive the capture" \
	|| fail "registers survive the capture"

# standard output, and a pipe
"$CTL" capture "$T_TMP/a.elf" - 2> "$T_TMP/err" | cat > "$T_TMP/pipe.mkd"
expect_rc 0 "capture to a pipe reads back" "$CMP" -s "$T_TMP/a.elf" -- "$T_TMP/pipe.mkd"
[ -s "$T_TMP/err" ] && fail "capture is silent when stderr is not a terminal" \
	|| pass "capture is silent when stderr is not a terminal"

# refusals
expect_rc 3 "capture -d 2 without struct page facts is refused" \
	"$CTL" capture -d 2 "$T_TMP/a.elf" "$T_TMP/x.mkd"
grep -q "dump level 2: vmcoreinfo has no" "$T_TMP/err" \
	&& pass "... naming what vmcoreinfo lacks" \
	|| fail "... naming what vmcoreinfo lacks: $(cat "$T_TMP/err")"
[ -e "$T_TMP/x.mkd" ] && fail "a refused capture writes nothing" \
	|| pass "a refused capture writes nothing"
expect_rc 2 "capture -d 32 is refused" "$CTL" capture -d 32 "$T_TMP/a.elf" "$T_TMP/x.mkd"
expect_rc 2 "an unknown codec is refused" "$CTL" capture -z gzip "$T_TMP/a.elf" "$T_TMP/x.mkd"
expect_rc 2 "convert to an unknown format is refused" "$CTL" convert -f lkcd "$T_TMP/a.elf" "$T_TMP/x.mkd"
grep -q "unknown format 'lkcd'" "$T_TMP/err" && pass "... naming it" \
	|| fail "... naming it: $(cat "$T_TMP/err")"
expect_rc 2 "capture onto its input is refused" "$CTL" capture "$T_TMP/a.elf" "$T_TMP/a.elf"
expect_rc 1 "capture to a full disk fails" "$CTL" capture "$T_TMP/a.elf" /dev/full
grep -q "No space left on device" "$T_TMP/err" && pass "... with ENOSPC" \
	|| fail "... with ENOSPC: $(cat "$T_TMP/err")"
for c in capture convert; do
	expect_rc 0 "$c --help" "$CTL" "$c" --help
	grep -q "^usage: mkdumpctl $c" "$T_TMP/out" || fail "$c --help text"
done

# convert keeps every state, mkd to mkd included
gen mkd "$T_TMP/s.mkd" <<'SPEC'
vmcoreinfo OSRELEASE=6.1.0-conv
ram 0 400000
zero 100000 110000
filter 200000 210000 cache
filter 210000 220000 user
option lost 300000-308000
codec lzo
SPEC
expect_rc 0 "convert -f mkd of an mkd" "$CTL" convert -f mkd -z zlib "$T_TMP/s.mkd" "$T_TMP/c.mkd"
expect_rc 0 "... reads back" "$CMP" -s "$T_TMP/s.mkd" -- "$T_TMP/c.mkd"
"$CTL" info --json "$T_TMP/s.mkd" | jq -c '[.pages, .filtered]' > "$T_TMP/p1"
"$CTL" info --json "$T_TMP/c.mkd" | jq -c '[.pages, .filtered]' > "$T_TMP/p2"
cmp -s "$T_TMP/p1" "$T_TMP/p2" && pass "convert keeps zero, filtered (with reasons) and lost pages" \
	|| fail "convert keeps page states: $(cat "$T_TMP/p1") vs $(cat "$T_TMP/p2")"

# a cut dump is incomplete; a damaged block is damage
f=$T_TMP/a-none-0.mkd
head -c $(( $(stat -c %s "$f") / 2 )) "$f" > "$T_TMP/cut.mkd"
expect_rc 5 "verify of a cut capture exits 5" "$CTL" verify "$T_TMP/cut.mkd"
grep -q "^lost pfn" "$T_TMP/out" && pass "... and lists the lost pages" \
	|| fail "... and lists the lost pages: $(cat "$T_TMP/out")"
expect_rc 0 "info of a cut capture works" "$CTL" info --json "$T_TMP/cut.mkd"
jq -e '.complete == false and .pages.lost > 0 and .pages.present > 0' \
	"$T_TMP/out" > /dev/null && pass "... and says it is incomplete" \
	|| fail "... and says it is incomplete: $(cat "$T_TMP/out")"
cp "$f" "$T_TMP/bad.mkd"
printf '\xff\xff\xff\xff' | dd of="$T_TMP/bad.mkd" bs=1 seek=300000 conv=notrunc 2> /dev/null
expect_rc 4 "verify of a damaged capture exits 4" "$CTL" verify "$T_TMP/bad.mkd"
grep -q "^damaged pfn .*checksum mismatch" "$T_TMP/out" \
	&& pass "... and names the damaged block" \
	|| fail "... and names the damaged block: $(cat "$T_TMP/out")"

finish cli-mkd
