#!/usr/bin/env bash
# test-vtop.sh - x86_64 translation facts on the guest bed's real dumps.
#
# For every dump under $GUEST_OUT (see dumps.sh), check that
#   direct map   `mkdumpctl info` reports as the direct map base the value
#                of the kernel's own page_offset_base variable, found via
#                the dump's kallsyms (kallsyms.py, an oracle that shares no
#                code with the library);
#   RAM          reading each RAM range of the guest (truth.env RAM: low
#                memory, and the DIMM above 4 GiB on l5) through the
#                direct map gives the same bytes and exit code as reading
#                it physically, at its first and its last page.
# 4- and 5-level paging with KASLR are both among the bed's dumps.
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/dumps.sh"
KALLSYMS=$(dirname "$0")/kallsyms.py

check_direct_map() {
	local name=$1 got want
	shift
	# The text form: jq would round a 64-bit number to a double.
	got=$("$CTL" info --set "$@" 2>"$T_TMP/err" |
		awk '/^direct map:/ { print $3 }')
	want=$(/usr/bin/python3 "$KALLSYMS" "$CTL" "$@" -- page_offset_base \
		2>>"$T_TMP/err" | awk '{ print $3 }')
	if [ -n "$want" ] && [ "$want" != - ] &&
	   [ "$got" = "$want" ]; then
		pass "$name: direct map: page_offset_base = $want"
	else
		fail "$name: direct map: info says '$got', page_offset_base is '$want' ($(head -c 200 "$T_TMP/err"))"
	fi
	page_offset=${got#0x}
}

# Physical pa and direct-map page_offset + pa read the same?
same_through_direct_map() {
	local pa=$1 prc vrc
	shift
	"$CTL" read --phys "$pa" 4096 "$@" >"$T_TMP/phys" 2>/dev/null
	prc=$?
	"$CTL" read --virt "$(add_hex "$page_offset" "$pa")" 4096 "$@" \
		>"$T_TMP/virt" 2>"$T_TMP/err"
	vrc=$?
	[ $prc = $vrc ] && cmp -s "$T_TMP/phys" "$T_TMP/virt"
}

check_ram() {
	local name=$1 range start end pa bad='' n=0 RAM=''
	shift
	# shellcheck disable=SC1091
	. "$dir/truth.env"
	for range in $RAM; do
		start=$(( (0x${range%-*} + 4095) / 4096 * 4096 ))
		end=$(( (0x${range#*-} + 1) / 4096 * 4096 ))
		for pa in $start $((end - 4096)); do
			pa=$(printf '0x%x' "$pa")
			n=$((n + 1))
			same_through_direct_map "$pa" "$@" || bad="$bad $pa"
		done
	done
	if [ $n -gt 0 ] && [ -z "$bad" ]; then
		pass "$name: RAM: $n pages read alike through the direct map"
	else
		fail "$name: RAM: differ through the direct map at${bad:- (no RAM in truth.env)}"
	fi
}

check_dump() {
	local dir=$1 name=$2 page_offset=''
	shift 2
	check_direct_map "$name" "$@"
	if [ -n "$page_offset" ] && [ "$page_offset" != 0 ]; then
		check_ram "$name" "$@"
	fi
}

for_each_dump check_dump
finish guest-vtop
