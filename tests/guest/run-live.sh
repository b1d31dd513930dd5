#!/bin/bash
# Dump a running guest with QEMU's dump-guest-memory.
#
# usage: run-live.sh PAGING KERNEL INITRD RELEASE OUT_DIR
#
# PAGING 4 boots with -cpu max,la57=off, 5 with -cpu max (5-level paging);
# with 5 a 128 MiB pc-dimm is hot-plugged (it lands at 4 GiB) before the
# guest prints its truth.  Writes to OUT_DIR: qemu.elf, qemu-kdump-zlib.flat,
# serial.log, truth.env, dmesg.txt, times.txt.  OUT_DIR is replaced only
# when everything succeeded.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

BASE_APPEND="console=ttyS0 quiet panic=1 memhp_default_state=online mkd.mode=live"
DIMM_BYTES=$((128 << 20))

hotplug_dimm() {
	qmp "{\"execute\": \"object-add\", \"arguments\": {
		\"qom-type\": \"memory-backend-ram\", \"id\": \"mem1\",
		\"size\": $DIMM_BYTES}}" \
		'{"execute": "device_add", "arguments": {
		"driver": "pc-dimm", "id": "dimm1", "memdev": "mem1"}}'
}

dump() {
	local format=$1 file=$2
	qmp "{\"execute\": \"dump-guest-memory\", \"arguments\": {
		\"paging\": false, \"protocol\": \"file:$file\",
		\"format\": \"$format\"}}"
	[ -s "$file" ] || die "dump-guest-memory wrote no '$file'"
	# QEMU creates dumps readable by root only.
	chmod 644 "$file"
	# Most of a small guest's RAM is zeros; let them take no disk space.
	[ "$format" != elf ] || fallocate --dig-holes "$file" 2>/dev/null || true
}

main() {
	[ $# -eq 5 ] || die "usage: $GUEST_PROG PAGING KERNEL INITRD RELEASE OUT_DIR"
	local paging=$1 kernel=$2 initrd=$3 release=$4 out=$5
	local cpu mem append t0 t
	need_cmd fallocate
	case $paging in
	4) cpu=max,la57=off; mem=512M; append=$BASE_APPEND ;;
	5) cpu=max; mem=512M,slots=4,maxmem=4G; append="$BASE_APPEND mkd.dimm=1" ;;
	*) die "PAGING must be 4 or 5, not '$paging'" ;;
	esac

	local tmp=$out.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tmp=$(cd "$tmp" && pwd)
	TIMES_FILE=$tmp/times.txt
	trap guest_stop EXIT

	t0=$(now)
	guest_start "$tmp" "$cpu" "$mem" "$kernel" "$initrd" "$append"
	wait_marker "$tmp/serial.log" MKD-READY 90 "$QEMU_PID"
	step "boot to MKD-READY" "$t0"
	if [ "$paging" = 5 ]; then
		t=$(now)
		hotplug_dimm
		step "hot-plug pc-dimm" "$t"
	fi
	t=$(now)
	wait_marker "$tmp/serial.log" MKD-DUMP-READY 90 "$QEMU_PID"
	step "guest prints truth" "$t"

	# Both dumps show the same stopped machine.
	t=$(now)
	qmp stop
	dump elf "$tmp/qemu.elf"
	step "dump elf" "$t"
	t=$(now)
	dump kdump-zlib "$tmp/qemu-kdump-zlib.flat"
	step "dump kdump-zlib" "$t"
	qmp quit
	wait_exit "$QEMU_PID" 30 || true
	guest_stop
	step "total l$paging" "$t0"

	/usr/bin/python3 "$GUEST_LIB_DIR/truth.py" "$tmp/serial.log" "$tmp" \
		--set "PAGING=$paging" --release "$release" ||
		die "cannot extract the truth from '$tmp/serial.log'"
	[ -s "$tmp/qemu.stderr" ] || rm -f "$tmp/qemu.stderr"
	rm -rf "$out"
	mv "$tmp" "$out"
}

main "$@"
