#!/usr/bin/env bash
# Page classes against makedumpfile, the oracle.  For each dump level, run
# makedumpfile on the real kdump vmcore (ELF with -E, and kdump-compressed)
# and have filter-truth compare, page by page, what makedumpfile left out
# with what the library's classifier says the level leaves out.  Then the
# same on a copy whose struct pages filter-mutate rewrote into the cases
# the real dump lacks (hwpoison, offline, private cache, hugetlbfs, THP,
# page-cache folios, slab and order corner cases).  Exact agreement or the
# test fails: no allowance is needed (filter-truth.c says how the ELF
# writer's "keep excluded runs shorter than 256 pages" is modelled).
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"
GUEST_OUT=${GUEST_OUT:-build/guest}
TRUTH=${TRUTH:-$BUILD/tests/filter-truth}
MUTATE=${MUTATE:-$BUILD/tests/filter-mutate}
VMCORE=$GUEST_OUT/panic/vmcore

# makedumpfile_to N VMCORE OUT FLAGS...: one makedumpfile run, quiet.
makedumpfile_to() {
	local n=$1 in=$2 out=$3
	shift 3
	makedumpfile "$@" -d "$n" "$in" "$out" >> "$T_TMP/mdf.log" 2>&1 \
		|| { fail "makedumpfile $* -d $n: $(tail -n 3 "$T_TMP/mdf.log")"; return 1; }
}

# truth NAME N VMCORE ELF|- KDUMP: compare, report, keep the output.
truth() {
	local name=$1 n=$2
	shift 2
	if "$TRUTH" "$n" "$@" > "$T_TMP/truth" 2>&1; then
		pass "$name level $n agrees with makedumpfile: $(grep -o 'kdump pages: [0-9]* agree, [0-9]* disagree' "$T_TMP/truth")"
	else
		fail "$name level $n disagrees with makedumpfile:"
		sed 's/^/      /' "$T_TMP/truth" | head -n 30
	fi
	sed -n 's/^level [0-9]*: /      /p' "$T_TMP/truth"
}

# The CLI counts from the same classifier: its "kept" is makedumpfile's.
check_cli() {
	local n=$1 in=$2 kept
	kept=$(sed -n 's/.*makedumpfile keeps \([0-9]*\).*/\1/p' "$T_TMP/truth")
	if "$CTL" pages --json -d "$n" "$in" > "$T_TMP/pages.json" 2> "$T_TMP/err" &&
	   jq -e --argjson k "${kept:-0}" '.kept == $k' "$T_TMP/pages.json" > /dev/null; then
		pass "mkdumpctl pages -d $n keeps what makedumpfile keeps ($kept)"
	else
		fail "mkdumpctl pages -d $n: kept $(jq .kept "$T_TMP/pages.json" 2>/dev/null), makedumpfile $kept $(cat "$T_TMP/err")"
	fi
}

check_real() {
	local n=$1 elf=$T_TMP/d$1.elf kdump=$T_TMP/d$1.kdump
	makedumpfile_to "$n" "$VMCORE" "$elf" -E || return
	makedumpfile_to "$n" "$VMCORE" "$kdump" -l || return
	truth real "$n" "$VMCORE" "$elf" "$kdump"
	check_cli "$n" "$VMCORE"
	rm -f "$elf" "$kdump"
}

check_mutated() {
	local mut=$T_TMP/mutated.vmcore n elf
	cp "$VMCORE" "$mut" && "$MUTATE" "$VMCORE" "$mut" > "$T_TMP/mutations" 2>&1 \
		|| { fail "filter-mutate: $(tail -n 3 "$T_TMP/mutations")"; return; }
	pass "filter-mutate made $(wc -l < "$T_TMP/mutations") kinds of pages"
	for n in 0 2 4 8 16 31; do
		elf=-
		if [ "$n" = 31 ]; then
			elf=$T_TMP/m31.elf
			makedumpfile_to "$n" "$mut" "$elf" -E || continue
		fi
		makedumpfile_to "$n" "$mut" "$T_TMP/m.kdump" -l || continue
		truth mutated "$n" "$mut" "$elf" "$T_TMP/m.kdump"
		rm -f "$T_TMP/m.kdump" "$T_TMP/m31.elf"
	done
	# Counts vary with each boot of the guest; every class must be there.
	grep -qE 'cache [1-9][0-9]* cache-private [1-9][0-9]* user [1-9][0-9]* free [1-9][0-9]* hwpoison [1-9][0-9]* offline [1-9][0-9]*$' "$T_TMP/truth" \
		&& pass "the mutated dump has every class at level 31" \
		|| fail "the mutated dump lacks a class: $(head -n 1 "$T_TMP/truth")"
	rm -f "$mut"
}

if [ ! -e "$VMCORE" ]; then
	skip "$VMCORE: not generated"
elif ! command -v makedumpfile > /dev/null; then
	skip "makedumpfile is not installed"
elif [ ! -x "$TRUTH" ] || [ ! -x "$MUTATE" ]; then
	fail "$TRUTH or $MUTATE is not built"
else
	for level in 0 1 2 4 8 16 31; do
		check_real "$level"
	done
	check_mutated
fi
finish guest-filter
