#!/bin/sh
# /init of the guest test bed's initramfs (busybox ash, PID 1).
#
# The kernel command line picks what the guest does:
#   mkd.mode=live    print the truth, then idle so the host can dump memory
#   mkd.mode=panic   print the truth, load a capture kernel, crash the kernel
#   mkd.mode=irqpanic  the same, but the host crashes it with the keyboard's
#                    alt+sysrq+c (after MKD-CRASH-KEY), so the panic runs
#                    in the keyboard interrupt, on the IRQ stack
#   mkd.dimm=1       before the truth, wait for a hot-plugged DIMM to come
#                    online (the host plugs it after seeing MKD-READY)
#   mkd.run=PATH     before the truth, run the program PATH from the
#                    initramfs (it may leave processes behind, e.g. the
#                    benchmark's memory load); MKD-FAIL if it fails
# A kdump capture kernel (/proc/vmcore exists) copies /proc/vmcore to
# /dev/vda and powers off.
#
# Everything the host harness parses is printed on the serial console as
# lines starting with "MKD-"; "MKD-FAIL: why" means the guest gave up.

PATH=/bin
export PATH

MODULES="qemu_fw_cfg virtio virtio_ring virtio_pci_modern_dev \
virtio_pci_legacy_dev virtio_pci virtio_blk"

fail() {
	echo "MKD-FAIL: $*"
	poweroff -f
	sleep 10
}

mount_pseudo() {
	mount -t proc proc /proc &&
		mount -t sysfs sysfs /sys &&
		mount -t devtmpfs devtmpfs /dev ||
		fail "cannot mount proc, sysfs or devtmpfs"
}

# cmdline_value KEY: the value of KEY=value on the kernel command line.
cmdline_value() {
	for word in $(cat /proc/cmdline); do
		case $word in
		"$1="*) echo "${word#*=}"; return ;;
		esac
	done
}

load_modules() {
	for m in $MODULES; do
		modprobe "$m" || fail "modprobe $m failed"
	done
}

# Top-level "System RAM" ranges of /proc/iomem, space separated.
ram_ranges() {
	sed -n 's/^\([0-9a-f]*-[0-9a-f]*\) : System RAM$/\1/p' /proc/iomem |
		tr '\n' ' ' | sed 's/ $//'
}

# "id:state" for every memory block, in block order.
memory_blocks() {
	for d in /sys/devices/system/memory/memory*; do
		echo "${d##*/memory}:$(cat "$d/state")"
	done | sort -n | tr '\n' ' ' | sed 's/ $//'
}

online_blocks() {
	cat /sys/devices/system/memory/memory*/state | grep -c '^online$'
}

# wait_dimm BEFORE: wait until more than BEFORE memory blocks are online.
wait_dimm() {
	i=0
	while [ "$(online_blocks)" -le "$1" ]; do
		i=$((i + 1))
		[ $i -le 600 ] || fail "no hot-plugged memory came online in 60 s"
		sleep 0.1
	done
}

kallsyms_addr() {
	sed -n "s/^\([0-9a-f]*\) . $1\$/\1/p" /proc/kallsyms | head -n 1
}

print_truth() {
	token=$(cat /proc/sys/kernel/random/uuid)
	kmsg="mkdump-truth: $token"
	echo "$kmsg" >/dev/kmsg
	la57=0
	grep -qw la57 /proc/cpuinfo && la57=1

	echo "MKD-TRUTH-BEGIN"
	echo "RELEASE=$(uname -r)"
	echo "NCPUS=$(grep -c '^processor' /proc/cpuinfo)"
	echo "CPU_LA57=$la57"
	echo "KMSG_LINE=$kmsg"
	echo "RAM=$(ram_ranges)"
	echo "MEMORY_BLOCK_SIZE=0x$(cat /sys/devices/system/memory/block_size_bytes)"
	echo "MEMORY_BLOCKS=$(memory_blocks)"
	echo "BOOT_CMDLINE=$(cat /proc/cmdline)"
	echo "STEXT=0x$(kallsyms_addr _stext)"
	echo "MKD-TRUTH-END"
	echo "MKD-DMESG-BEGIN"
	dmesg
	echo "MKD-DMESG-END"
	# Every symbol as the kernel itself decodes it (modules included),
	# compressed: plain text would take the serial line several seconds.
	echo "MKD-KALLSYMS-BEGIN"
	gzip -1 -c /proc/kallsyms | base64
	echo "MKD-KALLSYMS-END"
}

# crash_by_key: allow every sysrq function, then wait for the host's
# alt+sysrq+c; the keyboard interrupt panics whatever runs at that moment.
crash_by_key() {
	echo 1 >/proc/sys/kernel/sysrq || fail "cannot enable sysrq"
	echo "MKD-CRASH-KEY"
	sleep 60
	fail "still alive 60 s after asking for alt+sysrq+c"
}

# crash HOW: HOW is "write" (/proc/sysrq-trigger) or "key".
crash() {
	cmd="console=ttyS0 quiet panic=1 irqpoll nr_cpus=1 reset_devices mkd.mode=capture"
	kexec-crash /boot/vmlinuz /boot/initrd.img "$cmd" ||
		fail "kexec-crash could not load the capture kernel"
	[ "$(cat /sys/kernel/kexec_crash_loaded)" = 1 ] ||
		fail "capture kernel not loaded after kexec-crash"
	[ "$1" != key ] || crash_by_key
	echo "MKD-CRASH"
	echo c >/proc/sysrq-trigger
	fail "still alive after sysrq crash"
}

capture() {
	load_modules
	size=$(stat -c %s /proc/vmcore)
	[ -b /dev/vda ] || fail "capture kernel has no /dev/vda"
	disk=$(($(cat /sys/block/vda/size) * 512))
	[ "$disk" -ge "$size" ] ||
		fail "/dev/vda ($disk bytes) is smaller than /proc/vmcore ($size bytes)"
	echo "MKD-CAPTURE-BEGIN vmcore-size=$size"
	dd if=/proc/vmcore of=/dev/vda bs=1M conv=fsync 2>/dev/null ||
		fail "dd /proc/vmcore to /dev/vda failed"
	sync
	echo "MKD-CAPTURE-DONE"
	poweroff -f
}

main() {
	mount_pseudo
	if [ -e /proc/vmcore ]; then
		capture
		return
	fi
	mode=$(cmdline_value mkd.mode)
	[ "$mode" != capture ] || fail "mkd.mode=capture but no /proc/vmcore"
	# Keep kernel messages off the console so they cannot interleave
	# with the blocks the host parses; panics raise the level again.
	dmesg -n 1
	load_modules
	before=$(online_blocks)
	echo "MKD-READY"
	[ "$(cmdline_value mkd.dimm)" != 1 ] || wait_dimm "$before"
	run=$(cmdline_value mkd.run)
	[ -z "$run" ] || "$run" || fail "'$run' failed"
	print_truth
	case $mode in
	panic) crash write ;;
	irqpanic) crash key ;;
	live) ;;
	*) fail "unknown mkd.mode '$mode'" ;;
	esac
	echo "MKD-DUMP-READY"
	while :; do
		sleep 3600
	done
}

main
fail "init fell through"
