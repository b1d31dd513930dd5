#!/usr/bin/env bash
# Registers from real dumps agree with the kernel's own words: the panic
# header "CPU: N PID: P" names the crashing CPU and task; QEMU's notes
# carry control registers and no task pids.
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"
GUEST_OUT=${GUEST_OUT:-build/guest}

panic=$GUEST_OUT/panic
if [ -e "$panic/vmcore" ]; then
	read -r cpu pid < <(sed -nE 's/.*\] CPU: ([0-9]+) PID: ([0-9]+) .*/\1 \2/p' \
		"$panic/serial.log" | head -n 1)
	for f in vmcore md-c-d0.kdump md-l-d31.flat md-E-d31.elf; do
		[ -e "$panic/$f" ] || { skip "$panic/$f: not generated"; continue; }
		if "$CTL" extract regs --json "$panic/$f" > "$T_TMP/regs.json" \
				2> "$T_TMP/err" &&
		   jq -e --argjson c "$cpu" --argjson p "$pid" \
			'.[$c].source == "prstatus" and .[$c].pid == $p and
			 .[$c].regs.rip >= 18446744071562067968 and
			 .[$c].regs.cs == 16' "$T_TMP/regs.json" > /dev/null; then
			pass "$f: CPU $cpu ran pid $pid at a kernel rip, as the panic header says"
		else
			fail "$f: CPU $cpu pid $pid: $(cat "$T_TMP/err") $(jq -c ".[$cpu]" "$T_TMP/regs.json" 2>/dev/null)"
		fi
	done
	for f in vmcore md-c-d31.kdump md-l-d31.flat md-E-d31.elf; do
		[ -e "$panic/$f" ] || continue
		"$CTL" info --json "$panic/$f" 2> "$T_TMP/err" |
			jq -e --argjson c "$cpu" '.panic_cpu == $c' > /dev/null \
			&& pass "$f: info names CPU $cpu as the panic CPU" \
			|| fail "$f: info names CPU $cpu as the panic CPU: $(cat "$T_TMP/err")"
	done
else
	skip "$panic/vmcore: not generated"
fi
for dir in "$GUEST_OUT/l4" "$GUEST_OUT/l5"; do
	[ -e "$dir/qemu.elf" ] || continue
	"$CTL" info --json "$dir/qemu.elf" | jq -e '.panic_cpu == null' > /dev/null \
		&& pass "$dir/qemu.elf: a live dump has no panic CPU" \
		|| fail "$dir/qemu.elf: a live dump has no panic CPU"
done

for dir in "$GUEST_OUT/l4" "$GUEST_OUT/l5"; do
	[ -e "$dir/qemu.elf" ] || { skip "$dir/qemu.elf: not generated"; continue; }
	(. "$dir/truth.env"
	 "$CTL" extract regs --json "$dir/qemu.elf" > "$T_TMP/regs.json" &&
	 jq -e --argjson n "$NCPUS" --argjson l5 "$CPU_LA57" \
		'length == $n and all(.[]; .source == "qemu" and .pid == -1 and
		 .regs.cr3 > 0 and .regs.cr0 % 2 == 1 and
		 ((.regs.cr4 / 4096 | floor) % 2) == $l5)' \
		"$T_TMP/regs.json" > /dev/null) \
		&& pass "$dir/qemu.elf: QEMU CPU notes (CR0.PE, CR3, CR4.LA57 as the guest said)" \
		|| fail "$dir/qemu.elf: QEMU CPU notes: $(head -c 400 "$T_TMP/regs.json")"
done
finish guest-regs
