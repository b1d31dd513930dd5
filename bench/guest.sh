#!/bin/bash
# bench/guest.sh - the benchmark's realistic dump: a 1 GiB QEMU (TCG)
# guest whose memory holds page cache, anonymous memory and mixed data,
# dumped with QMP dump-guest-memory as an ELF (the /proc/vmcore layout).
#
# usage: bench/guest.sh GUEST_OUT OUT_DIR
#
# GUEST_OUT is the guest test bed (tests/guest: kernel-version and
# initramfs/initrd-base.cpio must be there; `make guest-dumps` or the
# initramfs target of tests/guest/guest.mk makes them).  Writes into
# OUT_DIR:
#   fill              static bench/fill.c (mixed data, see there)
#   disk.img          DISK_MIB MiB of mixed data then ZERO_MIB MiB of
#                     zeros; always the same bytes
#   initrd-bench.cpio initrd-base.cpio plus /bench/load (bench/load.sh)
#                     and /bin/fill
#   guest/            run-live.sh's outputs: qemu.elf (given the layout of
#                     /proc/vmcore by vmcore-layout.py), serial.log,
#                     truth.env, meminfo.txt (the guest's /proc/meminfo
#                     after the load), times.txt ...
# The guest boots with mkd.run=/bench/load: it fills 320 MiB of anonymous
# memory, reads the whole disk through the page cache, prints the truth
# and waits; the host stops it and dumps it.  About 1-2 minutes.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TESTS=$HERE/../tests/guest
. "$TESTS/lib.sh"

MEM=${BENCH_GUEST_MEM:-1G}
DISK_MIB=${BENCH_DISK_MIB:-576}
ZERO_MIB=64
DISK_SEED=1

make_disk() {
	local fill=$1 disk=$2
	"$fill" write "$DISK_MIB" "$DISK_SEED" >"$disk.tmp" ||
		die "cannot write '$disk.tmp'"
	truncate -s $(((DISK_MIB + ZERO_MIB) << 20)) "$disk.tmp"
	mv "$disk.tmp" "$disk"
}

make_initrd() {
	local base=$1 fill=$2 out=$3 root
	root=$(mktemp -d "${out%/*}/.bench-root.XXXXXX")
	mkdir -p "$root/bin" "$root/bench"
	cp "$fill" "$root/bin/fill"
	install -m 755 "$HERE/load.sh" "$root/bench/load"
	/usr/bin/python3 "$TESTS/mkcpio.py" "$root.cpio" "$root" ||
		die "cannot pack '$root'"
	cat "$base" "$root.cpio" >"$out"
	rm -rf "$root" "$root.cpio"
}

main() {
	[ $# -eq 2 ] || die "usage: $GUEST_PROG GUEST_OUT OUT_DIR"
	local bed=$1 out=$2 kver kernel
	need_cmd gcc truncate
	need_file "$bed/kernel-version" "make guest-dumps first"
	need_file "$bed/initramfs/initrd-base.cpio" "make guest-dumps first"
	kver=$(cat "$bed/kernel-version")
	kernel=${MKD_CACHE:-$HOME/.cache/mkdump}/linux-$kver/boot/vmlinuz-$kver
	mkdir -p "$out"

	gcc -static -O2 -Wall -Wextra -Werror -o "$out/fill" "$HERE/fill.c" ||
		die "cannot build static fill from bench/fill.c"
	make_disk "$out/fill" "$out/disk.img"
	make_initrd "$bed/initramfs/initrd-base.cpio" "$out/fill" \
		"$out/initrd-bench.cpio"
	GUEST_TIMEOUT=${GUEST_TIMEOUT:-300} "$TESTS/run-live.sh" \
		--mem "$MEM" --disk "$out/disk.img" --elf-only --wait 240 \
		--append "mkd.run=/bench/load" \
		4 "$kernel" "$out/initrd-bench.cpio" "$kver" "$out/guest"
	/usr/bin/python3 "$HERE/vmcore-layout.py" "$out/guest/qemu.elf"
	sed -n 's/^MKD-BENCH-MEMINFO \([A-Za-z]*\) \([0-9]*\).*/\1 \2 kB/p' \
		"$out/guest/serial.log" >"$out/guest/meminfo.txt"
}

main "$@"
