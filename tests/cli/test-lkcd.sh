#!/usr/bin/env bash
# mkdumpctl on synthetic LKCD dumps (v8 RLE, v10 gzip): info, read, verify.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

spec() {
	cat <<SPEC
release 2.6.5-7.97-smp
cpus 2
ram 0 a0000
ram 100000 200000
zero 140000 150000
option version $1
option dumping_cpu 1
codec $2
SPEC
}

spec 8 rle | gen lkcd "$T_TMP/v8.lkcd"
spec 10 gzip | gen lkcd "$T_TMP/v10.lkcd"

for v in 8 10; do
	d="$T_TMP/v$v.lkcd"
	codec=$([ "$v" = 8 ] && echo rle || echo zlib)
	expect_rc 0 "v$v info --json exits 0" "$CTL" info --json "$d"
	if jq -e --arg codec "$codec" '.format == "lkcd" and
		  .codecs == $codec and
		  .kernel_release == "2.6.5-7.97-smp" and .arch == "x86_64" and
		  .panic_string == "Kernel panic: mkdump synthetic LKCD dump" and
		  .panic_cpu == 1 and .crash_time == 1100000000 and
		  .dump_level == null and .complete == true and
		  .pages.present == 160 + 256 and .pages["not-dumped"] == 96 and
		  (.ram_ranges | length) == 2' "$T_TMP/out" > /dev/null; then
		pass "v$v info --json values"
	else
		fail "v$v info --json values: $(cat "$T_TMP/out")"
	fi
	expect_rc 0 "v$v info exits 0" "$CTL" info "$d"
	grep -q '^panic: *Kernel panic: mkdump synthetic LKCD dump$' "$T_TMP/out" \
		&& pass "v$v info shows the panic string" \
		|| fail "v$v info shows the panic string"
	expect_rc 0 "v$v verify of a whole dump exits 0" "$CTL" verify "$d"
done

# A page reads back the same from both versions (zero pages compress).
"$CTL" read --phys 0x13f000 0x2000 "$T_TMP/v8.lkcd" > "$T_TMP/r8"
"$CTL" read --phys 0x13f000 0x2000 "$T_TMP/v10.lkcd" > "$T_TMP/r10"
if cmp -s "$T_TMP/r8" "$T_TMP/r10" && [ "$(stat -c %s "$T_TMP/r8")" = 8192 ] &&
   [ -z "$(tail -c 4096 "$T_TMP/r8" | tr -d '\0')" ]; then
	pass "read gives the same bytes from RLE and gzip dumps"
else
	fail "read gives the same bytes from RLE and gzip dumps"
fi

# Cut short by the writer: verify says incomplete (5) and lists the lost page.
{ spec 10 gzip; echo "option truncate 0x50080"; } | gen lkcd "$T_TMP/cut.lkcd"
expect_rc 5 "verify of a truncated dump exits 5" "$CTL" verify "$T_TMP/cut.lkcd"
grep -q '^lost pfn' "$T_TMP/out" && pass "verify lists the lost page" \
	|| fail "verify lists the lost page: $(cat "$T_TMP/out")"
expect_rc 0 "info of a truncated dump exits 0" "$CTL" info --json "$T_TMP/cut.lkcd"
jq -e '.complete == false and .pages.lost == 1' "$T_TMP/out" > /dev/null \
	&& pass "info says incomplete" || fail "info says incomplete: $(cat "$T_TMP/out")"

# The producer's own "device full" mark: incomplete with no page lost.
{ spec 9 rle; echo "option end truncated"; } | gen lkcd "$T_TMP/full.lkcd"
expect_rc 5 "verify of a dump marked truncated exits 5" "$CTL" verify "$T_TMP/full.lkcd"

finish lkcd
