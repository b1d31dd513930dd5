#!/bin/bash
# Sanity-check the guest test bed's outputs.
#
# usage: check-bed.sh [GUEST_OUT]      (default build/guest)
#
# Checks that every dump, log and truth file exists and starts the way its
# format says, and that the truth agrees with how each guest was set up.
# Prints one line per check and ends with "N passed, N failed"; exits 1 if
# anything failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

TRUTH_KEYS="RELEASE NCPUS PAGING KMSG_LINE RAM MEMORY_BLOCKS BOOT_CMDLINE"
PASSED=0
FAILED=0

pass() {
	PASSED=$((PASSED + 1))
	printf 'ok   %s\n' "$1"
}

fail() {
	FAILED=$((FAILED + 1))
	printf 'FAIL %s: %s\n' "$1" "$2"
}

# check NAME COMMAND...: pass if COMMAND succeeds, else fail with its
# output as the reason.
check() {
	local name=$1 why
	shift
	if why=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name" "${why:-failed}"
	fi
}

# starts_with FILE BYTES: FILE exists and begins with BYTES.
starts_with() {
	local file=$1 magic=$2 head
	[ -s "$file" ] || { missing_reason "$file"; return 1; }
	head=$(head -c "${#magic}" "$file" | tr '\0' '@')
	[ "$head" = "$magic" ] || { echo "starts with '$head', not '$magic'"; return 1; }
}

# Why a file is missing: makedumpfile.txt knows for makedumpfile outputs.
missing_reason() {
	local file=$1 summary reason=""
	summary=$(dirname "$file")/makedumpfile.txt
	if [ -f "$summary" ]; then
		reason=$(grep "^FAILED .*${file##*/}" "$summary" || true)
	fi
	echo "missing or empty${reason:+ ($reason)}"
}

nonempty() {
	[ -s "$1" ] || { missing_reason "$1"; return 1; }
}

contains() {
	grep -qF -- "$2" "$1" 2>/dev/null || { echo "no '$2' in it"; return 1; }
}

# truth_has FILE KEY...: every KEY has a value in the shell file FILE.
truth_has() {
	local file=$1 key
	shift
	[ -s "$file" ] || { echo "missing or empty"; return 1; }
	(
		. "$file" || exit 1
		for key in "$@"; do
			[ -n "${!key:-}" ] || { echo "no $key"; exit 1; }
		done
	)
}

# truth_get FILE KEY: the value of KEY in the shell file FILE.
truth_get() {
	[ -s "$1" ] || { echo "'$1' is missing or empty"; return 1; }
	(. "$1" && printf '%s' "${!2:-}")
}

# truth_is FILE KEY VALUE: KEY in FILE is exactly VALUE.
truth_is() {
	local got
	got=$(truth_get "$1" "$2") || { echo "$got"; return 1; }
	[ "$got" = "$3" ] || { echo "$2 is '$got', not '$3'"; return 1; }
}

# truth_matches FILE KEY PATTERN: KEY in FILE matches the extended regex.
truth_matches() {
	local got
	got=$(truth_get "$1" "$2") || { echo "$got"; return 1; }
	printf '%s\n' "$got" | grep -qE -- "$3" ||
		{ echo "$2 '$got' does not match '$3'"; return 1; }
}

kmsg_in_dmesg() {
	local dir=$1 line
	line=$(truth_get "$dir/truth.env" KMSG_LINE) || { echo "$line"; return 1; }
	contains "$dir/dmesg.txt" "$line"
}

check_truth() {
	local dir=$1 paging=$2 d=${1##*/}
	check "$d/truth.env has every key" truth_has "$dir/truth.env" $TRUTH_KEYS
	check "$d/truth.env RELEASE is the fetched kernel" \
		truth_is "$dir/truth.env" RELEASE "$KVER"
	check "$d/truth.env PAGING=$paging" truth_is "$dir/truth.env" PAGING "$paging"
	check "$d/dmesg.txt holds KMSG_LINE" kmsg_in_dmesg "$dir"
	check "$d/serial.log" nonempty "$dir/serial.log"
}

check_live() {
	local dir=$OUT/$1 paging=$2
	check "$1/qemu.elf is ELF" starts_with "$dir/qemu.elf" $'\x7fELF'
	check "$1/qemu-kdump-zlib.flat is flattened" \
		starts_with "$dir/qemu-kdump-zlib.flat" makedumpfile
	check_truth "$dir" "$paging"
}

check_panic() {
	local dir=$OUT/panic f
	check "panic/vmcore is ELF" starts_with "$dir/vmcore" $'\x7fELF'
	check "panic/serial.log has the panic" \
		contains "$dir/serial.log" "Kernel panic - not syncing"
	check_truth "$dir" 4
	for f in md-c-d0.kdump md-l-d31.kdump md-c-d31.kdump \
		md-split-d31.1 md-split-d31.2; do
		check "panic/$f is kdump-compressed" starts_with "$dir/$f" "KDUMP   "
	done
	check "panic/md-l-d31.flat is flattened" \
		starts_with "$dir/md-l-d31.flat" makedumpfile
	check "panic/md-E-d31.elf is ELF" starts_with "$dir/md-E-d31.elf" $'\x7fELF'
}

check_irqpanic() {
	local dir=$OUT/irqpanic
	check "irqpanic/vmcore is ELF" starts_with "$dir/vmcore" $'\x7fELF'
	check "irqpanic/serial.log has the panic" \
		contains "$dir/serial.log" "Kernel panic - not syncing"
	check "irqpanic/serial.log's panic trace has an <IRQ> part" \
		contains "$dir/serial.log" "<IRQ>"
	check_truth "$dir" 4
}

main() {
	[ $# -le 1 ] || die "usage: $GUEST_PROG [GUEST_OUT]"
	OUT=${1:-build/guest}
	[ -d "$OUT" ] || die "no directory '$OUT' (run make guest-dumps)"
	KVER=$(cat "$OUT/kernel-version" 2>/dev/null || true)
	check "kernel-version" nonempty "$OUT/kernel-version"

	check_live l4 4
	check_live l5 5
	check "l5 RAM has the hot-plugged DIMM at 4 GiB" \
		truth_matches "$OUT/l5/truth.env" RAM '(^| )100000000-'
	check_panic
	check_irqpanic

	printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
	[ "$FAILED" -eq 0 ]
}

main "$@"
