#!/bin/bash
# Crash a guest and keep the vmcore its kdump capture kernel saved.
#
# usage: run-panic.sh [--irq] KERNEL INITRD RELEASE OUT_DIR
#
# --irq: crash from the keyboard interrupt instead: the guest enables sysrq
# and says MKD-CRASH-KEY, the host types alt+sysrq+c through QMP, and the
# panic runs in hard-IRQ context on the IRQ stack (its console trace has an
# <IRQ> section, then the interrupted task's).
#
# INITRD is initrd-panic.cpio (it carries the kernel and initrd-base.cpio
# for kexec-crash).  The guest (4-level paging, crashkernel=160M) prints
# its truth, loads the capture kernel and crashes through sysrq; the capture
# kernel copies /proc/vmcore onto a virtio disk.  Writes to OUT_DIR: vmcore
# (the disk cut at the ELF's end), serial.log (both kernels' console,
# including the panic trace), truth.env, dmesg.txt, times.txt.  OUT_DIR is
# replaced only when everything succeeded.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

APPEND="console=ttyS0 quiet panic=1 crashkernel=160M"
MODE=panic
CPU=max,la57=off
PAGING=4
DISK_SIZE=1G

# The size of /proc/vmcore the capture kernel reported.
reported_size() {
	tr -d '\r' <"$1" |
		sed -n 's/^MKD-CAPTURE-BEGIN vmcore-size=\([0-9]*\)$/\1/p' |
		head -n 1
}

# cut_vmcore DISK SERIAL VMCORE: shorten DISK to the ELF it holds and
# rename it to VMCORE; its length must match what the guest reported.
cut_vmcore() {
	local disk=$1 serial=$2 vmcore=$3 end size
	end=$(/usr/bin/python3 "$GUEST_LIB_DIR/elf-end.py" "$disk") ||
		die "no ELF vmcore at the start of '$disk'"
	size=$(reported_size "$serial")
	[ -n "$size" ] || die "'$serial' has no vmcore size from the capture kernel"
	[ "$end" = "$size" ] ||
		die "ELF in '$disk' ends at $end but /proc/vmcore had $size bytes"
	truncate -s "$end" "$disk"
	# Zero pages take no disk space; readers see the same bytes.
	fallocate --dig-holes "$disk" 2>/dev/null || true
	mv "$disk" "$vmcore"
}

check_panic_trace() {
	local serial=$1
	grep -qa 'Kernel panic - not syncing' "$serial" ||
		die "'$serial' has no 'Kernel panic - not syncing' line"
	[ "$MODE" != irqpanic ] || grep -qa '<IRQ>' "$serial" ||
		die "'$serial': the panic trace has no <IRQ> section"
}

# crash_guest: wait until the guest is about to crash; in --irq mode,
# type alt+sysrq+c on its PS/2 keyboard when it asks for it.
crash_guest() {
	if [ "$MODE" = panic ]; then
		wait_marker "$1" MKD-CRASH 90 "$QEMU_PID"
		return
	fi
	wait_marker "$1" MKD-CRASH-KEY 90 "$QEMU_PID"
	qmp '{"execute": "send-key", "arguments": {"keys": [
		{"type": "qcode", "data": "alt"},
		{"type": "qcode", "data": "sysrq"},
		{"type": "qcode", "data": "c"}]}}'
}

main() {
	if [ "${1:-}" = --irq ]; then
		MODE=irqpanic
		shift
	fi
	[ $# -eq 4 ] ||
		die "usage: $GUEST_PROG [--irq] KERNEL INITRD RELEASE OUT_DIR"
	local kernel=$1 initrd=$2 release=$3 out=$4 t0 t rc=0
	need_cmd truncate fallocate

	local tmp=$out.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tmp=$(cd "$tmp" && pwd)
	TIMES_FILE=$tmp/times.txt
	trap guest_stop EXIT
	truncate -s "$DISK_SIZE" "$tmp/disk.img"

	t0=$(now)
	guest_start "$tmp" "$CPU" 512M "$kernel" "$initrd" \
		"$APPEND mkd.mode=$MODE" \
		-drive "file=$tmp/disk.img,format=raw,if=virtio"
	crash_guest "$tmp/serial.log"
	step "boot, truth, crash" "$t0"
	t=$(now)
	wait_marker "$tmp/serial.log" MKD-CAPTURE-BEGIN 90 "$QEMU_PID"
	step "capture kernel boot" "$t"
	t=$(now)
	wait_marker "$tmp/serial.log" MKD-CAPTURE-DONE 90 "$QEMU_PID"
	step "copy /proc/vmcore" "$t"
	wait_exit "$QEMU_PID" 30 || rc=$?
	QEMU_PID=
	[ "$rc" -eq 0 ] || die "qemu exited with status $rc after the capture"
	step "total panic" "$t0"

	check_panic_trace "$tmp/serial.log"
	cut_vmcore "$tmp/disk.img" "$tmp/serial.log" "$tmp/vmcore"
	/usr/bin/python3 "$GUEST_LIB_DIR/truth.py" "$tmp/serial.log" "$tmp" \
		--set "PAGING=$PAGING" --release "$release" ||
		die "cannot extract the truth from '$tmp/serial.log'"
	[ -s "$tmp/qemu.stderr" ] || rm -f "$tmp/qemu.stderr"
	rm -rf "$out"
	mv "$tmp" "$out"
}

main "$@"
