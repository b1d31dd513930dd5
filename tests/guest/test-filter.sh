#!/usr/bin/env bash
# Page classes against makedumpfile, the oracle: for each dump level, run
# makedumpfile on the real kdump vmcore (ELF with -E, and kdump-compressed),
# then have filter-truth compare, page by page, what makedumpfile left out
# with what the library's classifier says the level leaves out.  Exact
# agreement or the test fails; no allowance is needed (see filter-truth.c
# for how the ELF writer's "keep runs shorter than 256 pages" is modelled).
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"
GUEST_OUT=${GUEST_OUT:-build/guest}
TRUTH=${TRUTH:-$BUILD/tests/filter-truth}
VMCORE=$GUEST_OUT/panic/vmcore

# check_level N: makedumpfile -d N, both formats, then compare.
check_level() {
	local n=$1 elf=$T_TMP/d$1.elf kdump=$T_TMP/d$1.kdump kept
	if ! makedumpfile -E -d "$n" "$VMCORE" "$elf" > "$T_TMP/mdf.log" 2>&1 ||
	   ! makedumpfile -l -d "$n" "$VMCORE" "$kdump" >> "$T_TMP/mdf.log" 2>&1; then
		fail "makedumpfile -d $n: $(tail -n 3 "$T_TMP/mdf.log")"
		return
	fi
	if "$TRUTH" "$n" "$VMCORE" "$elf" "$kdump" > "$T_TMP/truth" 2>&1; then
		pass "level $n agrees with makedumpfile: $(grep -o 'kdump pages: [0-9]* agree, [0-9]* disagree' "$T_TMP/truth")"
	else
		fail "level $n disagrees with makedumpfile:"
		sed 's/^/      /' "$T_TMP/truth" | head -n 30
	fi
	sed -n 's/^level [0-9]*: /      /p' "$T_TMP/truth"
	# The CLI counts from the same classifier: its "kept" is makedumpfile's.
	kept=$(sed -n 's/.*makedumpfile keeps \([0-9]*\).*/\1/p' "$T_TMP/truth")
	if "$CTL" pages --json -d "$n" "$VMCORE" > "$T_TMP/pages.json" 2> "$T_TMP/err" &&
	   jq -e --argjson k "${kept:-0}" '.kept == $k' "$T_TMP/pages.json" > /dev/null; then
		pass "mkdumpctl pages -d $n keeps what makedumpfile keeps ($kept)"
	else
		fail "mkdumpctl pages -d $n: kept $(jq .kept "$T_TMP/pages.json" 2>/dev/null), makedumpfile $kept $(cat "$T_TMP/err")"
	fi
	rm -f "$elf" "$kdump"
}

if [ ! -e "$VMCORE" ]; then
	skip "$VMCORE: not generated"
elif ! command -v makedumpfile > /dev/null; then
	skip "makedumpfile is not installed"
elif [ ! -x "$TRUTH" ]; then
	fail "$TRUTH is not built"
else
	for level in 0 1 2 4 8 16 31; do
		check_level "$level"
	done
fi
finish guest-filter
