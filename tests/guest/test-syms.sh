#!/usr/bin/env bash
# Kernel symbols and types read from real dumps (no debuginfo) agree with
# the kernel's own word: the guest's /proc/kallsyms (every symbol), its
# panic trace (name+offset/size), VMCOREINFO's SYMBOL/OFFSET/SIZE/LENGTH/
# NUMBER lines, and facts the kernel keeps in memory (init_task, the task
# list, arch_task_struct_size).  The checks live in syms-check.py.
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"
GUEST_OUT=${GUEST_OUT:-build/guest}
MKD_CACHE=${MKD_CACHE:-$HOME/.cache/mkdump}
CHECK=$(dirname "$0")/syms-check.py

# run_check NAME DUMP GUEST_DIR [ARGS...]
run_check() {
	local name=$1 dump=$2 dir=$3 out
	shift 3
	if out=$(/usr/bin/python3 "$CHECK" "$name" "$CTL" "$dump" "$dir" "$@" 2>&1); then
		pass "${dump#"$GUEST_OUT"/} $name: $out"
	else
		fail "${dump#"$GUEST_OUT"/} $name: $out"
	fi
}

# Checks that compare with the guest's /proc/kallsyms.
NEEDS_KALLSYMS=" kallsyms vmcoreinfo-symbols system-map "

# check_dump DIR FILE CHECK[=ARG]...
check_dump() {
	local dir=$1 dump=$1/$2 c name arg
	shift 2
	if [ ! -e "$dump" ]; then
		skip "$dump: not generated"
		return
	fi
	for c in "$@"; do
		name=${c%%=*}
		arg=
		[ "$name" = "$c" ] || arg=${c#*=}
		if [ ! -e "$dir/kallsyms.txt" ] &&
		   [[ $NEEDS_KALLSYMS == *" $name "* ]]; then
			skip "${dump#"$GUEST_OUT"/} $name: no kallsyms.txt, the bed predates it (make guest-dumps)"
			continue
		fi
		run_check "$name" "$dump" "$dir" $arg
	done
}

# Debian ships a one-line stand-in for System.map; it must be refused
# with a message that says so.
check_placeholder() {
	local ver map dump=$GUEST_OUT/panic/vmcore
	ver=$(cat "$GUEST_OUT/kernel-version" 2>/dev/null)
	map=$MKD_CACHE/linux-$ver/boot/System.map-$ver
	if [ ! -e "$map" ] || [ ! -e "$dump" ]; then
		skip "Debian's System.map placeholder: no $map"
		return
	fi
	if [ "$(wc -l < "$map")" -gt 1 ]; then
		skip "$map is a real System.map, not the placeholder"
		return
	fi
	expect_rc 2 "Debian's placeholder System.map is refused" \
		"$CTL" sym -m "$map" _stext -- "$dump"
	grep -q "placeholder" "$T_TMP/err" &&
		pass "the refusal says it is a placeholder" ||
		fail "the refusal does not say placeholder: $(cat "$T_TMP/err")"
}

ALL="kallsyms offset vmcoreinfo-symbols system-map btf-layout enums tasks task-size"
# The panicking CPU saved its registers in __crash_kexec().
check_dump "$GUEST_OUT/panic" vmcore $ALL trace rips=__crash_kexec
check_dump "$GUEST_OUT/l5" qemu.elf $ALL rips
check_dump "$GUEST_OUT/l4" qemu.elf kallsyms btf-layout
# makedumpfile -d 31 keeps the kernel image: tables and BTF are there.
check_dump "$GUEST_OUT/panic" md-E-d31.elf kallsyms btf-layout tasks
check_placeholder
finish guest-syms
