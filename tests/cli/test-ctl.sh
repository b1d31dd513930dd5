#!/usr/bin/env bash
# mkdumpctl on synthetic dumps: exit codes, --json, read, extract, verify.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

gen elf "$T_TMP/a.elf" <<'SPEC'
cpus 2
vmcoreinfo OSRELEASE=6.1.0-cli
vmcoreinfo CRASHTIME=1700000000
ram 0 a0000
ram 100000 300000
zero 200000 201000
filter 280000 290000 free
SPEC

# info
expect_rc 0 "info exits 0" "$CTL" info "$T_TMP/a.elf"
grep -q '^kernel: *6.1.0-cli$' "$T_TMP/out" && pass "info shows the release" \
	|| fail "info shows the release"
expect_rc 0 "info --json exits 0" "$CTL" info --json "$T_TMP/a.elf"
if jq -e '.format == "elf" and .kernel_release == "6.1.0-cli" and
	  .cpus == 2 and .crash_time == 1700000000 and
	  .pages.present == 160 + 512 - 16 and .pages.filtered == 16 and
	  (.ram_ranges | length) == 2 and .ram_ranges[1].start == 1048576' \
	"$T_TMP/out" > /dev/null; then
	pass "info --json values"
else
	fail "info --json values: $(cat "$T_TMP/out")"
fi
expect_rc 0 "info of two dumps" "$CTL" info --json "$T_TMP/a.elf" "$T_TMP/a.elf"
[ "$(jq length "$T_TMP/out")" = 2 ] && pass "info of two dumps is an array" \
	|| fail "info of two dumps is an array"

# JSON stays valid whatever bytes a name holds (here a file name)
bad=$(printf '%s/x\377y\tz.elf' "$T_TMP")
cp "$T_TMP/a.elf" "$bad"
"$CTL" info --json "$bad" > "$T_TMP/bad.json"
jq -e '.dump | endswith("x\u00ffy\tz.elf")' "$T_TMP/bad.json" > /dev/null \
	&& pass "info --json escapes bytes that are not UTF-8" \
	|| fail "info --json escapes bytes that are not UTF-8: $(cat "$T_TMP/bad.json" | head -3)"

# exit codes for bad input
printf 'hello' > "$T_TMP/text"
expect_rc 3 "not a dump exits 3" "$CTL" info "$T_TMP/text"
grep -q "is not a dump" "$T_TMP/err" && pass "not a dump says so" \
	|| fail "not a dump says so"
expect_rc 1 "missing file exits 1" "$CTL" info "$T_TMP/nope"
expect_rc 2 "no argument exits 2" "$CTL" info
expect_rc 2 "unknown command exits 2" "$CTL" frobnicate
expect_rc 0 "--help exits 0" "$CTL" --help
for c in info verify extract read capture split merge; do
	expect_rc 0 "$c --help" "$CTL" "$c" --help
	grep -q "^usage: mkdumpctl $c" "$T_TMP/out" || fail "$c --help text"
done

# read: bytes equal the generator's pattern; stops at a filtered page
"$CTL" read 0x100000 8192 "$T_TMP/a.elf" > "$T_TMP/r1"
"$CTL" read --phys 0x101000 4096 "$T_TMP/a.elf" > "$T_TMP/r2"
if cmp -s <(tail -c 4096 "$T_TMP/r1") "$T_TMP/r2" &&
   [ "$(stat -c %s "$T_TMP/r1")" = 8192 ]; then
	pass "read returns consistent bytes"
else
	fail "read returns consistent bytes"
fi
expect_rc 1 "read into a filtered page fails" \
	"$CTL" read 0x27f000 0x2000 "$T_TMP/a.elf"
[ "$(stat -c %s "$T_TMP/out")" = 4096 ] && grep -q filtered "$T_TMP/err" \
	&& pass "partial read writes what it could and says why" \
	|| fail "partial read writes what it could and says why"

# extract
expect_rc 0 "extract vmcoreinfo" "$CTL" extract vmcoreinfo "$T_TMP/a.elf"
grep -q '^OSRELEASE=6.1.0-cli$' "$T_TMP/out" && pass "vmcoreinfo text" \
	|| fail "vmcoreinfo text"
expect_rc 0 "extract notes" "$CTL" extract notes "$T_TMP/a.elf"
[ "$(head -c 4 "$T_TMP/out" | od -An -tu4 | tr -d ' ')" = 5 ] \
	&& pass "notes start with the CORE note" || fail "notes start with CORE"
expect_rc 2 "extract of an unknown part" "$CTL" extract foo "$T_TMP/a.elf"

# verify: whole, then truncated
expect_rc 0 "verify of a whole dump exits 0" "$CTL" verify "$T_TMP/a.elf"
cp "$T_TMP/a.elf" "$T_TMP/cut.elf"
truncate -s -300000 "$T_TMP/cut.elf"
expect_rc 5 "verify of a truncated dump exits 5" "$CTL" verify "$T_TMP/cut.elf"
grep -q '^lost pfn' "$T_TMP/out" && pass "verify lists lost pages" \
	|| fail "verify lists lost pages"
expect_rc 5 "verify --json" "$CTL" verify --json "$T_TMP/cut.elf"
jq -e '.lost > 0 and .damaged == 0' "$T_TMP/out" > /dev/null \
	&& pass "verify --json counts" || fail "verify --json counts"

finish cli
