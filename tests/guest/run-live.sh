#!/bin/bash
# Dump a running guest with QEMU's dump-guest-memory.
#
# usage: run-live.sh [OPTION...] PAGING KERNEL INITRD RELEASE OUT_DIR
#
# PAGING 4 boots with -cpu max,la57=off, 5 with -cpu max (5-level paging);
# with 5 a 128 MiB pc-dimm is hot-plugged (it lands at 4 GiB) before the
# guest prints its truth.  Writes to OUT_DIR: qemu.elf, qemu-kdump-zlib.flat,
# serial.log, truth.env, dmesg.txt, times.txt.  OUT_DIR is replaced only
# when everything succeeded.
#
# Options (the benchmark guest, bench/guest.sh, uses them):
#   --mem SIZE      guest RAM (QEMU -m), default 512M
#   --disk FILE     attach FILE read-only as the virtio disk /dev/vda
#   --append WORDS  more kernel command line (e.g. mkd.run=/bench/load)
#   --wait SECONDS  how long the guest may take to be ready for the dump
#                   after boot, default 90
#   --elf-only      take only qemu.elf (no qemu-kdump-zlib.flat)
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

USAGE="usage: $GUEST_PROG [--mem SIZE] [--disk FILE] [--append WORDS] \
[--wait SECONDS] [--elf-only] PAGING KERNEL INITRD RELEASE OUT_DIR"
OPT_MEM=512M
OPT_APPEND=
OPT_WAIT=90
OPT_ELF_ONLY=0
QEMU_EXTRA=()

parse_options() {
	while [ $# -gt 0 ]; do
		case $1 in
		--mem) OPT_MEM=${2:?$USAGE}; shift 2 ;;
		--disk)
			need_file "${2:?$USAGE}" "disk image"
			QEMU_EXTRA+=(-drive "file=$2,format=raw,if=virtio,readonly=on")
			shift 2 ;;
		--append) OPT_APPEND=${2:?$USAGE}; shift 2 ;;
		--wait) OPT_WAIT=${2:?$USAGE}; shift 2 ;;
		--elf-only) OPT_ELF_ONLY=1; shift ;;
		--) shift; break ;;
		-*) die "unknown option '$1'; $USAGE" ;;
		*) break ;;
		esac
	done
	ARGS=("$@")
}

main() {
	parse_options "$@"
	set -- "${ARGS[@]}"
	[ $# -eq 5 ] || die "$USAGE"
	local paging=$1 kernel=$2 initrd=$3 release=$4 out=$5
	local cpu mem append t0 t
	need_cmd fallocate
	case $paging in
	4) cpu=max,la57=off; mem=$OPT_MEM; append=$BASE_APPEND ;;
	5) cpu=max; mem=$OPT_MEM,slots=4,maxmem=4G; append="$BASE_APPEND mkd.dimm=1" ;;
	*) die "PAGING must be 4 or 5, not '$paging'" ;;
	esac
	append="$append${OPT_APPEND:+ $OPT_APPEND}"

	local tmp=$out.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tmp=$(cd "$tmp" && pwd)
	TIMES_FILE=$tmp/times.txt
	trap guest_stop EXIT

	t0=$(now)
	guest_start "$tmp" "$cpu" "$mem" "$kernel" "$initrd" "$append" \
		${QEMU_EXTRA[@]+"${QEMU_EXTRA[@]}"}
	wait_marker "$tmp/serial.log" MKD-READY 90 "$QEMU_PID"
	step "boot to MKD-READY" "$t0"
	if [ "$paging" = 5 ]; then
		t=$(now)
		hotplug_dimm
		step "hot-plug pc-dimm" "$t"
	fi
	t=$(now)
	wait_marker "$tmp/serial.log" MKD-DUMP-READY "$OPT_WAIT" "$QEMU_PID"
	step "guest prints truth" "$t"

	# Both dumps show the same stopped machine.
	t=$(now)
	qmp stop
	dump elf "$tmp/qemu.elf"
	step "dump elf" "$t"
	if [ "$OPT_ELF_ONLY" = 0 ]; then
		t=$(now)
		dump kdump-zlib "$tmp/qemu-kdump-zlib.flat"
		step "dump kdump-zlib" "$t"
	fi
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
