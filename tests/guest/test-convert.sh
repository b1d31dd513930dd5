#!/usr/bin/env bash
# test-convert.sh - real dumps converted by `mkdumpctl convert` to an ELF
# vmcore, kdump-compressed and flattened kdump must show crash 8.0.2 and
# drgn what the original shows them: crash's `sys`, `log` and `ps`, drgn's
# release, task list and kernel log.  Our own reader must read every page
# back the same (cmp-dumps), and any dump -> mkd -> ELF -> mkd must keep
# every page.
#
# crash and drgn need the kernel's debug vmlinux: `make guest-vmlinux-dbg`
# puts its path in $GUEST_OUT/vmlinux-dbg.  When the network was gone it
# wrote the reason to vmlinux-dbg.skip instead: then every crash and drgn
# check is skipped, loudly and counted; nothing else is.  crash loads the
# 630 MB vmlinux on each run, so each dump is opened once, with all three
# commands in one batch.
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"
G=${GUEST_OUT:-build/guest}
CMP=${CMP:-$BUILD/tests/cmp-dumps}
PY=/usr/bin/python3	# Debian's, which has drgn
DRGN_VIEW=$(dirname "$0")/drgn-view.py
VMLINUX=
NO_DEBUG=
QEMU_DUMP='l[45]$'	# names of the QEMU dumps drgn cannot read
DRGN_BASE="the original"	# what drgn's views are compared with

find_vmlinux() {
	if [ -s "$G/vmlinux-dbg" ] && [ -f "$(cat "$G/vmlinux-dbg")" ]; then
		VMLINUX=$(cat "$G/vmlinux-dbg")
	elif [ -s "$G/vmlinux-dbg.skip" ]; then
		NO_DEBUG=$(cat "$G/vmlinux-dbg.skip")
	else
		NO_DEBUG="no debug vmlinux: run 'make guest-vmlinux-dbg'"
	fi
	if [ -n "$NO_DEBUG" ]; then
		echo "test-convert: SKIPPING every crash and drgn check: $NO_DEBUG" >&2
	fi
}

# crash_view DUMP OUT: sys, log and ps as crash prints them (the dump's
# own file name left out).
crash_view() {
	printf 'sys\nlog\nps\nquit\n' > "$T_TMP/crash.in"
	crash -s "$VMLINUX" "$1" -i "$T_TMP/crash.in" < /dev/null 2>&1 |
		grep -v 'DUMPFILE:' > "$2"
}

# crash_same WHAT ORIG-VIEW DUMP: crash shows DUMP as it showed the original
crash_same() {
	local what=$1 want=$2 dump=$3
	if [ -n "$NO_DEBUG" ]; then
		skip "crash: $what: $NO_DEBUG"
		return
	fi
	crash_view "$dump" "$T_TMP/crash.got"
	if ! grep -q '^ *RELEASE: ' "$T_TMP/crash.got"; then
		fail "crash: $what: no sys output: $(head -c 300 "$T_TMP/crash.got")"
	elif cmp -s "$want" "$T_TMP/crash.got"; then
		pass "crash: $what: sys, log, ps as the original ($(wc -l < "$want") lines)"
	else
		fail "crash: $what: differs from the original: $(diff "$want" "$T_TMP/crash.got" | head -c 400)"
	fi
}

drgn_view() {
	"$PY" "$DRGN_VIEW" "$VMLINUX" "$1" > "$2" 2>&1
}

# drgn_same WHAT ORIG-VIEW DUMP
drgn_same() {
	local what=$1 want=$2 dump=$3
	if [ -n "$NO_DEBUG" ]; then
		skip "drgn: $what: $NO_DEBUG"
		return
	fi
	if ! drgn_view "$dump" "$T_TMP/drgn.got"; then
		fail "drgn: $what: $(tail -c 300 "$T_TMP/drgn.got")"
	elif cmp -s "$want" "$T_TMP/drgn.got"; then
		pass "drgn: $what: release, $(grep -c '^task' "$want") tasks, $(grep -c '^log' "$want") log lines as $DRGN_BASE"
	else
		fail "drgn: $what: differs from the original: $(diff "$want" "$T_TMP/drgn.got" | head -c 400)"
	fi
}

# originals NAME DUMP: what crash and drgn show of the original (drgn a
# flattened one after makedumpfile -R).  drgn 0.0.22 reads neither of
# QEMU's dumps (ELF: p_vaddr 0; kdump: no machine in the header); then
# its view of our ELF is held to the guest's own truth instead, and the
# other conversions to that view (see drgn_base).
originals() {
	local d=$2
	rm -f "$T_TMP/$1.drgn"
	[ -n "$NO_DEBUG" ] && return
	crash_view "$2" "$T_TMP/$1.crash"
	grep -q '^ *RELEASE: ' "$T_TMP/$1.crash" ||
		fail "crash cannot read the original $2: $(head -c 300 "$T_TMP/$1.crash")"
	if [ "$("$CTL" info --json "$d" | jq -r .container)" = flattened ]; then
		makedumpfile -R "$T_TMP/$1.orig.kdump" < "$d" > /dev/null 2>&1
		d=$T_TMP/$1.orig.kdump
	fi
	DRGN_BASE="the original"
	if ! drgn_view "$d" "$T_TMP/drgn.orig"; then
		if [ -e "$(dirname "$2")/truth.env" ] && grep -q "^${QEMU_DUMP}" <<< "$1"; then
			echo "test-convert: $1: drgn cannot read the original $2 ($(tail -n 1 "$T_TMP/drgn.orig")): the guest's truth stands in" >&2
		else
			fail "drgn cannot read the original $2: $(tail -c 300 "$T_TMP/drgn.orig")"
		fi
	else
		mv "$T_TMP/drgn.orig" "$T_TMP/$1.drgn"
	fi
	rm -f "$T_TMP/$1.orig.kdump"
}

# drgn_base NAME DUMP TRUTH: without drgn's view of the original, its view
# of DUMP (our ELF) must say what the guest said of itself (release, the
# line it wrote to /dev/kmsg, init and the CPUs' idle tasks); it is then
# the view the other conversions must give.
drgn_base() {
	local RELEASE KMSG_LINE
	if [ -n "$NO_DEBUG" ]; then
		skip "drgn: $1 -> elf: $NO_DEBUG"
		return
	fi
	. "$3"
	if ! drgn_view "$2" "$T_TMP/drgn.got"; then
		fail "drgn: $1 -> elf: $(tail -c 300 "$T_TMP/drgn.got")"
	elif grep -qx "release $RELEASE" "$T_TMP/drgn.got" &&
	     grep -q "^log .* $KMSG_LINE\$" "$T_TMP/drgn.got" &&
	     grep -qx "task 1 init" "$T_TMP/drgn.got"; then
		pass "drgn: $1 -> elf: release, $(grep -c '^task' "$T_TMP/drgn.got") tasks (init), $(grep -c '^log' "$T_TMP/drgn.got") log lines (the guest's own line) as the guest said"
		mv "$T_TMP/drgn.got" "$T_TMP/$1.drgn"
		DRGN_BASE="the ELF"
	else
		fail "drgn: $1 -> elf does not say what the guest said ($RELEASE, $KMSG_LINE): $(head -c 300 "$T_TMP/drgn.got")"
	fi
}

# convert NAME SRC OUT ARGS...: convert, then our reader reads it back
convert() {
	local name=$1 src=$2 out=$3
	shift 3
	expect_rc 0 "$name: convert $*" "$CTL" convert "$@" "$src" "$out"
	expect_rc 0 "$name: convert $*: every page reads back the same" \
		"$CMP" -s "$src" -- "$out"
}

# check_source NAME DUMP CRASH-FORMATS: convert to elf, kdump and flat;
# crash opens those named, drgn all (the flat one after makedumpfile -R:
# drgn reads no flattened dump, not even makedumpfile's).
check_source() {
	local name=$1 src=$2 crash_on=$3 f out
	if [ ! -e "$src" ]; then
		skip "$name: $src not in $G (make guest-dumps)"
		return
	fi
	originals "$name" "$src"
	for f in elf kdump flat; do
		out=$T_TMP/$name.$f
		case $f in
		elf) convert "$name" "$src" "$out" -f elf ;;
		kdump) convert "$name" "$src" "$out" -f kdump -z lzo ;;
		flat) convert "$name" "$src" "$out" -f kdump -z zstd --flat ;;
		esac
		case " $crash_on " in
		*" $f "*) crash_same "$name -> $f" "$T_TMP/$name.crash" "$out" ;;
		esac
		if [ "$f" = elf ] && [ ! -e "$T_TMP/$name.drgn" ]; then
			drgn_base "$name" "$out" "$(dirname "$src")/truth.env"
			rm -f "$out"
			continue
		fi
		if [ "$f" = flat ]; then
			makedumpfile -R "$T_TMP/$name.rearranged" < "$out" > /dev/null 2>&1 ||
				fail "$name: makedumpfile -R refuses our flattened stream"
			rm -f "$out"
			out=$T_TMP/$name.rearranged
		fi
		drgn_same "$name -> $f" "$T_TMP/$name.drgn" "$out"
		rm -f "$out"
	done
}

# round_trip NAME DUMP: DUMP -> mkd -> ELF -> mkd keeps every page
round_trip() {
	local name=$1 src=$2
	if [ ! -e "$src" ]; then
		skip "$name round trip: $src not in $G (make guest-dumps)"
		return
	fi
	if "$CTL" convert "$src" "$T_TMP/rt1.mkd" 2> "$T_TMP/err" &&
	   "$CTL" convert -f elf "$T_TMP/rt1.mkd" "$T_TMP/rt.elf" 2>> "$T_TMP/err" &&
	   "$CTL" convert "$T_TMP/rt.elf" "$T_TMP/rt2.mkd" 2>> "$T_TMP/err"; then
		expect_rc 0 "$name -> mkd -> elf -> mkd keeps every page" \
			"$CMP" -s "$src" -- "$T_TMP/rt2.mkd"
	else
		fail "$name round trip: $(head -c 300 "$T_TMP/err")"
	fi
	rm -f "$T_TMP/rt1.mkd" "$T_TMP/rt.elf" "$T_TMP/rt2.mkd"
}

# A filtered capture opens in crash and drgn through ELF and kdump too:
# the way an mkd dump reaches the tools.
check_capture() {
	local src=$G/panic/vmcore mkd=$T_TMP/d31.mkd
	if [ ! -e "$src" ]; then
		skip "capture -d 31 -> elf, kdump: $src not in $G (make guest-dumps)"
		return
	fi
	expect_rc 0 "panic: capture -d 31" "$CTL" capture -d 31 "$src" "$mkd"
	convert "mkd-d31" "$mkd" "$T_TMP/d31.elf" -f elf
	"$CTL" info --json "$T_TMP/d31.elf" > "$T_TMP/d31.json"
	jq -e '.pages.filtered > 0' "$T_TMP/d31.json" > /dev/null \
		&& pass "mkd -d 31 -> elf leaves filtered pages out (p_memsz tails)" \
		|| fail "mkd -d 31 -> elf: $(jq -c .pages "$T_TMP/d31.json")"
	crash_same "panic -> mkd -d 31 -> elf" "$T_TMP/panic.crash" "$T_TMP/d31.elf"
	drgn_same "panic -> mkd -d 31 -> elf" "$T_TMP/panic.drgn" "$T_TMP/d31.elf"
	rm -f "$T_TMP/d31.elf"
	convert "mkd-d31" "$mkd" "$T_TMP/d31.kdump" -f kdump
	crash_same "panic -> mkd -d 31 -> kdump" "$T_TMP/panic.crash" "$T_TMP/d31.kdump"
	drgn_same "panic -> mkd -d 31 -> kdump" "$T_TMP/panic.drgn" "$T_TMP/d31.kdump"
	"$CTL" info --json "$T_TMP/d31.kdump" > "$T_TMP/d31.json"
	jq -e '.dump_level == 31 and .pages.filtered > 0' "$T_TMP/d31.json" > /dev/null \
		&& pass "mkd -d 31 -> kdump records dump level 31, filtered pages left out" \
		|| fail "mkd -d 31 -> kdump: $(jq -c '[.dump_level, .pages]' "$T_TMP/d31.json")"
	rm -f "$T_TMP/d31.kdump" "$mkd"
}

find_vmlinux
# crash runs cost seconds each: every format on the true kdump vmcore,
# one or two on the others.
check_source panic "$G/panic/vmcore" "elf kdump flat"
check_capture
check_source l4 "$G/l4/qemu.elf" "flat"
check_source l5 "$G/l5/qemu-kdump-zlib.flat" "elf"
check_source md-l-d31 "$G/panic/md-l-d31.kdump" "kdump"
for d in panic/vmcore l4/qemu.elf l5/qemu-kdump-zlib.flat panic/md-l-d31.kdump; do
	round_trip "$d" "$G/$d"
done
finish guest-convert
