#!/usr/bin/env bash
# The debug vmlinux (DWARF) as a second source of symbols and types, held
# to the dump's own: every member offset, size and bitfield that DWARF
# gives for ~60 kernel structs (and the structs they point to) equals
# BTF's; its ELF symbols, moved by the KASLR offset, list every line of
# the guest's /proc/kallsyms; a vmlinux of another kernel is refused.
# Without the debug vmlinux (an ~860 MB download) every check is a
# counted SKIP that says how to get it.
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"
GUEST_OUT=${GUEST_OUT:-build/guest}
MKD_CACHE=${MKD_CACHE:-$HOME/.cache/mkdump}
TYPES_CMP=${TYPES_CMP:-$BUILD/tests/types-cmp}
VER=$(cat "$GUEST_OUT/kernel-version" 2>/dev/null)
VMLINUX=${VMLINUX:-$MKD_CACHE/linux-$VER/usr/lib/debug/boot/vmlinux-$VER}

TYPES="task_struct mm_struct module page folio pt_regs inactive_task_frame
fork_frame printk_ringbuffer prb_desc_ring prb_data_ring printk_info
timekeeper tk_read_base zone pglist_data free_area mem_section
vm_area_struct file inode dentry super_block list_head hlist_node rb_node
rq cfs_rq sched_entity thread_struct fpu fpstate cpuinfo_x86 kmem_cache
slab pid upid pid_namespace nsproxy uts_namespace new_utsname cred
signal_struct sighand_struct files_struct fdtable mod_tree_root
mod_kallsyms kernel_symbol orc_entry irq_desc irq_data kobject elf64_hdr
per_cpu_pages lruvec page_ext swap_info_struct address_space sk_buff
net_device"
ENUMS=("enum pid_type" "enum zone_type" "enum pageflags" "enum migratetype"
       "enum node_stat_item")

# The dumps to check: DIR FILE (each boot has its own KASLR offset).
DUMPS=("panic vmcore" "l5 qemu.elf" "l4 qemu.elf")

get_vmlinux() {
	[ -e "$VMLINUX" ] && return 0
	[ -n "$VER" ] || return 1
	echo "test-vmlinux: fetching the debug vmlinux of $VER (~860 MB)"
	"$(dirname "$0")/fetch-kernel.sh" --dbg --kver "$VER" \
		--cache "$MKD_CACHE" > /dev/null && [ -e "$VMLINUX" ]
}

check_types() {
	local dump=$1 out
	# shellcheck disable=SC2086 # TYPES is a list of words
	if out=$("$TYPES_CMP" -p "$dump" "$VMLINUX" $TYPES "${ENUMS[@]}" 2>&1); then
		pass "${dump#"$GUEST_OUT"/}: DWARF equals BTF: $(tail -n 1 <<<"$out")"
	else
		fail "${dump#"$GUEST_OUT"/}: DWARF and BTF differ: $(tail -n 8 <<<"$out")"
	fi
}

check_symbols() {
	local dump=$1 dir=$2 missing n extra
	if [ ! -e "$dir/kallsyms.txt" ]; then
		skip "${dump#"$GUEST_OUT"/}: no kallsyms.txt (make guest-dumps)"
		return
	fi
	if ! "$CTL" sym --vmlinux "$VMLINUX" --no-kallsyms --no-modules \
		--list -- "$dump" 2> "$T_TMP/err" | sort > "$T_TMP/vmlinux"; then
		fail "${dump#"$GUEST_OUT"/}: sym --vmlinux --list: $(head -c 300 "$T_TMP/err")"
		return
	fi
	grep -v '\[' "$dir/kallsyms.txt" | sort > "$T_TMP/kallsyms"
	n=$(wc -l < "$T_TMP/kallsyms")
	missing=$(comm -23 "$T_TMP/kallsyms" "$T_TMP/vmlinux" | wc -l)
	extra=$(comm -13 "$T_TMP/kallsyms" "$T_TMP/vmlinux" | wc -l)
	if [ "$missing" = 0 ] && [ "$n" -gt 50000 ]; then
		pass "${dump#"$GUEST_OUT"/}: the vmlinux's ELF symbols, moved by KASLR, list all $n kernel lines of /proc/kallsyms (address, type, name; $extra more that kallsyms leaves out)"
	else
		fail "${dump#"$GUEST_OUT"/}: $missing of $n kernel lines of /proc/kallsyms are not among the vmlinux's symbols: $(comm -23 "$T_TMP/kallsyms" "$T_TMP/vmlinux" | head -n 3 | tr '\n' ' ')"
	fi
}

# A vmlinux of another kernel: a small ELF with a banner, with and
# without a build ID.
check_refusals() {
	local dump=$GUEST_OUT/panic/vmcore src=$T_TMP/fake.c
	printf '%s\n' 'const char linux_banner[] = "Linux version 6.1.0-99-amd64 (fake)";' \
		'int _stext(void) { return 0; }' 'int main(void) { return 0; }' > "$src"
	gcc -g -Wl,--build-id -o "$T_TMP/other-id" "$src" &&
	gcc -g -Wl,--build-id=none -o "$T_TMP/other-release" "$src" || {
		fail "cannot build the fake vmlinux"
		return
	}
	expect_rc 2 "a vmlinux with another build ID is refused" \
		"$CTL" type --vmlinux "$T_TMP/other-id" task_struct -- "$dump"
	grep -q "not this kernel's: build ID [0-9a-f]*, the dump's is" "$T_TMP/err" &&
		pass "the refusal names both build IDs" ||
		fail "the refusal: $(cat "$T_TMP/err")"
	expect_rc 2 "a vmlinux of another release is refused" \
		"$CTL" sym --vmlinux "$T_TMP/other-release" _stext -- "$dump"
	grep -q "it is 6.1.0-99-amd64, the dump is $VER" "$T_TMP/err" &&
		pass "the refusal names both releases" ||
		fail "the refusal: $(cat "$T_TMP/err")"
	# The right release, but linked elsewhere: _stext tells.
	sed -i "s/6.1.0-99-amd64/$VER/" "$src"
	gcc -g -Wl,--build-id=none -o "$T_TMP/other-stext" "$src" || {
		fail "cannot build the fake vmlinux"
		return
	}
	expect_rc 2 "a vmlinux of this release whose _stext is elsewhere is refused" \
		"$CTL" sym --vmlinux "$T_TMP/other-stext" _stext -- "$dump"
	grep -q "not this kernel's: _stext is 0x" "$T_TMP/err" &&
		pass "the refusal names both _stext addresses" ||
		fail "the refusal: $(cat "$T_TMP/err")"
}

if [ ! -x "$TYPES_CMP" ]; then
	fail "no $TYPES_CMP (make $TYPES_CMP)"
elif ! get_vmlinux; then
	skip "NO DEBUG VMLINUX: $VMLINUX is missing and could not be fetched" \
	     "(offline?): DWARF is NOT tested; run tests/guest/fetch-kernel.sh --dbg"
else
	for d in "${DUMPS[@]}"; do
		set -- $d
		if [ ! -e "$GUEST_OUT/$1/$2" ]; then
			skip "$GUEST_OUT/$1/$2: not generated"
			continue
		fi
		check_types "$GUEST_OUT/$1/$2"
		check_symbols "$GUEST_OUT/$1/$2" "$GUEST_OUT/$1"
	done
	check_refusals
fi
finish guest-vmlinux
