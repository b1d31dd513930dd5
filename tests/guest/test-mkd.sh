#!/usr/bin/env bash
# mkdumpctl capture on real dumps (the kdump /proc/vmcore of a panicked
# guest, QEMU's ELF dump of a 5-level guest with a hot-plugged DIMM):
# with every codec the mkd reads back byte for byte, says the same of the
# kernel as its source, and verifies; a capture killed with SIGKILL or
# stopped by a full disk leaves a dump that opens and reads to its last
# checkpoint.
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"
GUEST_OUT=${GUEST_OUT:-build/guest}
CMP=${CMP:-$BUILD/tests/cmp-dumps}

# same_info SRC MKD: release, CPUs, RAM ranges and paging facts agree.
same_info() {
	"$CTL" info --json "$1" > "$T_TMP/a.json" 2> "$T_TMP/err" &&
	"$CTL" info --json "$2" > "$T_TMP/b.json" 2>> "$T_TMP/err" &&
	jq -e -s '.[0] as $s | .[1] as $m | $m.format == "mkd" and
		$m.kernel_release == $s.kernel_release and $m.cpus == $s.cpus and
		$m.ram_ranges == $s.ram_ranges and $m.vm == $s.vm and
		$m.crash_time == $s.crash_time and $m.complete' \
		"$T_TMP/a.json" "$T_TMP/b.json" > /dev/null
}

check_source() {
	local src=$1 name=$2 z out
	if [ ! -e "$src" ]; then
		skip "$src: not generated"
		return
	fi
	for z in none zlib lzo zstd; do
		out=$T_TMP/$name-$z.mkd
		expect_rc 0 "capture -z $z $src" "$CTL" capture -z "$z" "$src" "$out"
		expect_rc 0 "$name -z $z: every page reads back the same" \
			"$CMP" -s "$src" -- "$out"
		same_info "$src" "$out" && pass "$name -z $z: info agrees with the source" \
			|| fail "$name -z $z: info agrees: $(cat "$T_TMP/err") $(jq -c '[.kernel_release,.cpus,.ram_ranges,.vm]' "$T_TMP/b.json")"
		expect_rc 0 "$name -z $z: verify exits 0" "$CTL" verify -q "$out"
		rm -f "$out"
	done
	out=$T_TMP/$name-d0.mkd
	expect_rc 0 "capture -d 0 --threads 2 $src" \
		"$CTL" capture -d 0 --threads 2 "$src" "$out"
	expect_rc 0 "$name -d 0: every page reads back the same" "$CMP" -s "$src" -- "$out"
	rm -f "$out"
}

# cut_dump_ok SRC OUT WHAT: a cut capture opens, says it is incomplete,
# verify exits 5, and the pages it has are the source's.
cut_dump_ok() {
	local src=$1 out=$2 what=$3
	expect_rc 5 "$what: verify says incomplete (5)" "$CTL" verify -q "$out"
	if "$CTL" info --json "$out" > "$T_TMP/cut.json" 2> "$T_TMP/err" &&
	   jq -e '.complete == false and .pages.present > 0 and .pages.lost > 0' \
		"$T_TMP/cut.json" > /dev/null; then
		pass "$what: opens, with pages read and pages lost"
	else
		fail "$what: opens: $(cat "$T_TMP/err") $(jq -c .pages "$T_TMP/cut.json" 2>/dev/null)"
	fi
	expect_rc 0 "$what: what it holds is the source's" "$CMP" -s "$out" -- "$src"
}

killed_capture() {
	local src=$GUEST_OUT/l5/qemu.elf out=$T_TMP/killed.mkd pid size i
	[ -e "$src" ] || { skip "SIGKILL: $src not generated"; return; }
	# zlib at level 9 on one thread is slow enough to be caught mid-way.
	"$CTL" capture -d 0 -z zlib:9 --threads 1 --checkpoint 1M \
		"$src" "$out" 2> /dev/null &
	pid=$!
	for ((i = 0; i < 600; i++)); do
		size=$(stat -c %s "$out" 2> /dev/null || echo 0)
		[ "$size" -ge $((6 << 20)) ] && break
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.1
	done
	if ! kill -KILL "$pid" 2> /dev/null; then
		wait "$pid"
		skip "SIGKILL: the capture finished before it could be killed"
		return
	fi
	wait "$pid" 2> /dev/null
	cut_dump_ok "$src" "$out" "capture killed with SIGKILL"
}

full_disk_capture() {
	local src=$GUEST_OUT/panic/vmcore mnt=$T_TMP/small
	[ -e "$src" ] || { skip "ENOSPC: $src not generated"; return; }
	mkdir -p "$mnt"
	if ! mount -t tmpfs -o size=20m tmpfs "$mnt" 2> /dev/null; then
		skip "ENOSPC: cannot mount a small tmpfs (not root?)"
		return
	fi
	expect_rc 1 "capture onto a full 20 MiB tmpfs fails" \
		"$CTL" capture -d 0 -z none --checkpoint 1M "$src" "$mnt/full.mkd"
	grep -q "No space left on device" "$T_TMP/err" \
		&& pass "... saying No space left on device" \
		|| fail "... saying No space left on device: $(cat "$T_TMP/err")"
	cp "$mnt/full.mkd" "$T_TMP/full.mkd"
	umount "$mnt"
	cut_dump_ok "$src" "$T_TMP/full.mkd" "capture stopped by ENOSPC"
}

# capture -d 31 keeps exactly the pages makedumpfile -d 31 keeps, reason
# by reason: the same pages with data both ways, byte for byte.
filtered_capture() {
	local d=$GUEST_OUT/panic out=$T_TMP/d31.mkd
	if [ ! -e "$d/md-l-d31.kdump" ]; then
		skip "$d/md-l-d31.kdump: not generated"
		return
	fi
	expect_rc 0 "capture -d 31 of the vmcore" "$CTL" capture -d 31 \
		"$d/vmcore" "$out"
	expect_rc 0 "-d 31: makedumpfile's pages are all in ours" \
		"$CMP" -s "$d/md-l-d31.kdump" -- "$out"
	expect_rc 0 "-d 31: our pages are all in makedumpfile's" \
		"$CMP" -s "$out" -- "$d/md-l-d31.kdump"
	"$CTL" info --json "$out" > "$T_TMP/m.json" &&
	"$CTL" info --json "$d/md-l-d31.kdump" > "$T_TMP/k.json" &&
	"$CTL" pages --json -d 31 "$d/vmcore" > "$T_TMP/p.json" &&
	jq -e -s '.[0] as $m | .[1] as $k | .[2] as $p |
		$m.pages.filtered == $k.pages.filtered and $m.dump_level == 31 and
		$m.pages.present + $m.pages.zero == $k.pages.present and
		$m.filtered.free == ($p.classes[] | select(.class == "free").pages) and
		$m.filtered.cache == ($p.classes[] | select(.class == "cache").pages)' \
		"$T_TMP/m.json" "$T_TMP/k.json" "$T_TMP/p.json" > /dev/null \
		&& pass "-d 31: filtered pages and their reasons match makedumpfile and pages" \
		|| fail "-d 31: counts: $(jq -c '[.pages,.filtered]' "$T_TMP/m.json") vs $(jq -c .pages "$T_TMP/k.json")"
	rm -f "$out"
}

check_source "$GUEST_OUT/panic/vmcore" panic
filtered_capture
check_source "$GUEST_OUT/l5/qemu.elf" l5
killed_capture
full_disk_capture
finish guest-mkd
