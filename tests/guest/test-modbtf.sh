#!/usr/bin/env bash
# Types of loaded modules, read from the module BTF the kernel keeps in
# memory (btf_modules), held to the module files: every named struct and
# union in the .BTF of each loaded module's .ko (the modules the guest's
# kallsyms lists) comes back with the same size and members
# (modbtf-check.py decodes the .ko on its own).  A module-only struct is
# found by its plain name too, also when a vmlinux's DWARF is the type
# source; an unknown module is an error that names it.
# The .ko's split BTF is read on top of the debug vmlinux's .BTF: without
# it every check is a counted SKIP.
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"
GUEST_OUT=${GUEST_OUT:-build/guest}
MKD_CACHE=${MKD_CACHE:-$HOME/.cache/mkdump}
VER=$(cat "$GUEST_OUT/kernel-version" 2>/dev/null)
KDIR=$MKD_CACHE/linux-$VER
VMLINUX=${VMLINUX:-$KDIR/usr/lib/debug/boot/vmlinux-$VER}
CHECK=$(dirname "$0")/modbtf-check.py

DUMPS=("panic vmcore" "l4 qemu.elf" "l5 qemu.elf" "panic md-E-d31.elf")

# The .ko files of the modules DIR's kallsyms lists.
module_files() {
	local m ko
	for m in $(grep -o '\[[A-Za-z0-9_-]*\]' "$1/kallsyms.txt" |
		   tr -d '[]' | sort -u); do
		ko=$(find "$KDIR/lib/modules/$VER" -name "$m.ko" -o \
			  -name "${m//_/-}.ko" | head -n 1)
		[ -n "$ko" ] && echo "$ko"
	done
}

# check_dump DIR FILE
check_dump() {
	local dir=$GUEST_OUT/$1 dump=$GUEST_OUT/$1/$2 out kos
	if [ ! -e "$dump" ] || [ ! -e "$dir/kallsyms.txt" ]; then
		skip "$1/$2: not generated"
		return
	fi
	kos=$(module_files "$dir")
	if [ -z "$kos" ]; then
		skip "$1/$2: no .ko of its modules under $KDIR/lib/modules"
		return
	fi
	if out=$(/usr/bin/python3 "$CHECK" "$CTL" "$dump" "$VMLINUX" \
		 $kos 2>&1); then
		pass "$1/$2: $out"
	else
		fail "$1/$2: $out"
	fi
	expect_rc 0 "$1/$2: 'struct virtio_blk' by its plain name" \
		"$CTL" type 'struct virtio_blk' -- "$dump"
	cmp -s "$T_TMP/out" <("$CTL" type 'virtio_blk:struct virtio_blk' -- \
			      "$dump" 2>&1) &&
		pass "$1/$2: plain and module:name lookups agree" ||
		fail "$1/$2: plain and module:name lookups differ"
	expect_rc 1 "$1/$2: an unknown module is an error" \
		"$CTL" type 'nosuch:struct virtio_blk' -- "$dump"
	grep -q "no BTF of module 'nosuch'" "$T_TMP/err" &&
		pass "$1/$2: the error names the module" ||
		fail "$1/$2: the error: $(cat "$T_TMP/err")"
}

if [ ! -e "$VMLINUX" ]; then
	skip "NO DEBUG VMLINUX: $VMLINUX is missing: module BTF is NOT" \
	     "checked; run tests/guest/fetch-kernel.sh --dbg"
else
	for d in "${DUMPS[@]}"; do
		check_dump $d
	done
	# With DWARF as the type source, modules' BTF still answers.
	dump=$GUEST_OUT/panic/vmcore
	if [ -e "$dump" ]; then
		want=$("$CTL" type 'struct virtio_blk' -- "$dump" | tail -n 1)
		expect_rc 0 "panic/vmcore: a module's struct with --vmlinux" \
			"$CTL" type -V "$VMLINUX" 'struct virtio_blk' -- "$dump"
		[ "$(tail -n 1 "$T_TMP/out")" = "$want" ] &&
			pass "panic/vmcore: with --vmlinux: $want" ||
			fail "panic/vmcore: with --vmlinux: $(tail -n 1 "$T_TMP/out")"
	fi
fi
finish guest-modbtf
