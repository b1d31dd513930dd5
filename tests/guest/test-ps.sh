#!/usr/bin/env bash
# mkdump-analyze's ps and mod on real dumps with no vmlinux (BTF and
# kallsyms from the dump) against drgn with the debug vmlinux: the same
# set of tasks (pid, ppid, comm) and states; one idle task per CPU; the
# panic task is the one the serial console's "CPU: N PID: P Comm: C"
# names; the modules are those of the guest's /proc/kallsyms.  Then
# corrupt task lists (a loop, links into memory the dump lacks) in copies
# of the panic dump: bounded output, notes naming the addresses, and
# every task the list still reaches (read with ktasks, which prints the
# library's walk in list order).
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"
GUEST_OUT=${GUEST_OUT:-build/guest}
KTASKS=${KTASKS:-$BUILD/tests/ktasks}
AN=${AN:-$BUILD/mkdump-analyze}
PY=/usr/bin/python3
dir=$(dirname "$0")

# The oracle: drgn and the debug vmlinux, fetched if missing.
oracle=
find_oracle() {
	local kver
	kver=$(cat "$GUEST_OUT/kernel-version" 2>/dev/null) || return
	oracle=${VMLINUX_DBG:-${MKD_CACHE:-$HOME/.cache/mkdump}/linux-$kver/usr/lib/debug/boot/vmlinux-$kver}
	if [ ! -f "$oracle" ]; then
		"$dir/fetch-kernel.sh" --dbg --kver "$kver" > /dev/null 2>&1 ||
			echo "WARNING: cannot fetch the debug vmlinux of $kver" >&2
	fi
	[ -f "$oracle" ] || oracle=
	"$PY" -c 'import drgn' 2> /dev/null || oracle=
}
find_oracle
[ -n "$oracle" ] || echo "WARNING: no drgn or no debug vmlinux: the drgn comparisons are SKIPPED" >&2

# ours CORE OUT: ktasks' lines (in walk order); notes in OUT.notes.
ours() {
	"$KTASKS" tasks "$1" > "$2" 2> "$2.notes"
}

# ps_tsv CORE OUT: `ps --json` as ktasks' lines (python keeps the 64-bit
# addresses jq 1.6 would round); its notes in OUT.notes.
ps_tsv() {
	"$AN" -c 'ps --json' "$1" > "$2.json" 2> "$2.notes" || return 1
	"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
for t in d["tasks"]:
    cur = t["current_on_cpu"]
    print("\t".join(str(x) for x in (t["pid"], t["tgid"], t["ppid"], t["cpu"],
          -1 if cur is None else cur, t["state"], t["comm"],
          int(t["kernel_thread"]), hex(t["task"]), t["vsz_kib"], t["rss_kib"])))
for n in d["notes"]:
    print("note:", n, file=sys.stderr)' "$2.json" > "$2" 2>> "$2.notes"
}

# drgn_tasks CORE OUT: "pid ppid state comm" from drgn (QEMU cores get
# the kernel-image PT_LOAD drgn needs, in a copy).
drgn_tasks() {
	local core=$1
	if [ "$(head -c 4 "$core" | od -An -c | tr -d ' ')" = 177ELF ] &&
	   ! readelf -lW "$core" 2> /dev/null | grep -qE 'LOAD +0x[0-9a-f]+ 0xffffffff'; then
		"$PY" "$dir/elf-ktext.py" "$core" "$T_TMP/ktext.elf" || return 1
		core=$T_TMP/ktext.elf
	fi
	"$PY" "$dir/drgn-tasks.py" "$core" "$oracle" > "$2"
	local rc=$?
	rm -f "$T_TMP/ktext.elf"
	return $rc
}

# check_dump NAME CORE ORACLE_CORE NCPUS
check_dump() {
	local name=$1 core=$2 ocore=$3 ncpus=$4 n
	if ! ps_tsv "$core" "$T_TMP/k"; then
		fail "$name: ps --json: $(head -c 300 "$T_TMP/k.notes")"
		return
	fi
	[ ! -s "$T_TMP/k.notes" ] \
		&& pass "$name: ps lists $(wc -l < "$T_TMP/k") tasks, no notes (BTF + kallsyms only)" \
		|| fail "$name: notes on an intact dump: $(head -n 3 "$T_TMP/k.notes")"
	n=$(cut -f9 "$T_TMP/k" | sort | uniq -d | wc -l)
	[ "$n" = 0 ] && pass "$name: every task once" \
		|| fail "$name: $n tasks listed twice"
	awk -F'\t' '$1 == 0 { print $7 }' "$T_TMP/k" > "$T_TMP/idle"
	seq 0 $((ncpus - 1)) | sed 's|^|swapper/|' | cmp -s - "$T_TMP/idle" \
		&& pass "$name: one idle task per CPU (swapper/0..$((ncpus - 1)))" \
		|| fail "$name: idle tasks: $(tr '\n' ' ' < "$T_TMP/idle")"
	n=$(awk -F'\t' '$5 >= 0 { print $5 }' "$T_TMP/k" | sort -n | uniq | wc -l)
	[ "$n" = "$ncpus" ] && pass "$name: a current task on each of $ncpus CPUs" \
		|| fail "$name: current tasks on $n CPUs, wanted $ncpus"
	if [ -z "$oracle" ]; then
		skip "$name: no drgn oracle (see WARNING above)"
		return
	fi
	if ! drgn_tasks "$ocore" "$T_TMP/d"; then
		fail "$name: drgn could not read $(basename "$ocore")"
		return
	fi
	awk -F'\t' '$1 > 0 { print $1, $3, $7 }' "$T_TMP/k" | sort > "$T_TMP/ks"
	awk -F'\t' '{ print $1, $2, $4 }' "$T_TMP/d" | sort > "$T_TMP/ds"
	if cmp -s "$T_TMP/ks" "$T_TMP/ds"; then
		pass "$name: the $(wc -l < "$T_TMP/ds") tasks drgn finds (pid, ppid, comm)"
	else
		fail "$name: tasks differ from drgn's: $(diff "$T_TMP/ks" "$T_TMP/ds" | grep '^[<>]' | head -n 5 | tr '\n' ' ')"
	fi
	awk -F'\t' '$1 > 0 { print $1, $6 }' "$T_TMP/k" | sort > "$T_TMP/ks"
	awk -F'\t' '{ print $1, $3 }' "$T_TMP/d" | sort > "$T_TMP/ds"
	cmp -s "$T_TMP/ks" "$T_TMP/ds" \
		&& pass "$name: states as drgn's task_state_to_char ($(cut -d' ' -f2 "$T_TMP/ds" | sort | uniq -c | tr -s ' \n' ' '))" \
		|| fail "$name: states differ: $(diff "$T_TMP/ks" "$T_TMP/ds" | grep '^[<>]' | head -n 4 | tr '\n' ' ')"
	awk -F'\t' '$1 > 0 { print $1, $10, $11 }' "$T_TMP/k" | sort > "$T_TMP/ks"
	awk -F'\t' -v kib=4 '{ print $1, $5 * kib, $6 * kib }' "$T_TMP/d" | sort > "$T_TMP/ds"
	cmp -s "$T_TMP/ks" "$T_TMP/ds" \
		&& pass "$name: VSZ and RSS (KiB, shmem counted as /proc does) as drgn reads them" \
		|| fail "$name: VSZ/RSS differ: $(diff "$T_TMP/ks" "$T_TMP/ds" | grep '^[<>]' | head -n 4 | tr '\n' ' ')"
}

# The panic task: current on the CPU the console's panic header names.
check_panic_task() {
	local name=$1 core=$2 cpu pid comm
	read -r cpu pid comm < <(sed -nE \
		's/.*\] CPU: ([0-9]+) PID: ([0-9]+) Comm: ([^ ]+).*/\1 \2 \3/p' \
		"$GUEST_OUT/panic/serial.log" | head -n 1)
	awk -F'\t' -v c="$cpu" -v p="$pid" -v n="$comm" \
		'$5 == c && $1 == p && $7 == n { f = 1 } END { exit !f }' "$T_TMP/k" \
		&& pass "$name: CPU $cpu's current task is pid $pid '$comm', as the console says" \
		|| fail "$name: CPU $cpu's current task: $(awk -F'\t' -v c="$cpu" '$5 == c' "$T_TMP/k")"
	# The text: '>' on the current tasks, kernel threads in brackets.
	"$AN" -c ps "$core" > "$T_TMP/ps.txt" 2>&1
	grep -qE "^> +$pid +[0-9]+ +$cpu +[0-9a-f]{16}  RU .* $comm\$" "$T_TMP/ps.txt" &&
	[ "$(grep -c '^>' "$T_TMP/ps.txt")" = "$(awk -F'\t' '$5 >= 0' "$T_TMP/k" | wc -l)" ] &&
	[ "$(grep -c ' \[[^]]*\]$' "$T_TMP/ps.txt")" = "$(awk -F'\t' '$8 == 1' "$T_TMP/k" | wc -l)" ] \
		&& pass "$name: ps text marks the current tasks '>' and kernel threads [..]" \
		|| fail "$name: ps text: $(head -n 4 "$T_TMP/ps.txt")"
	# Lookups by pid and by address give the walk's line.
	"$KTASKS" pid "$core" "$pid" > "$T_TMP/one" 2>&1 &&
	"$KTASKS" addr "$core" "$(cut -f9 "$T_TMP/one")" > "$T_TMP/two" 2>&1 &&
	grep -qxF "$(cat "$T_TMP/one")" <(cut -f1-9 "$T_TMP/k") && cmp -s "$T_TMP/one" "$T_TMP/two" \
		&& pass "$name: the task found by pid $pid and by its address is the walk's" \
		|| fail "$name: lookups: $(cat "$T_TMP/one" "$T_TMP/two")"
}

check_modules() {
	local name=$1 core=$2 syms=$3
	"$AN" -c 'mod --json' "$core" > "$T_TMP/m.json" 2> "$T_TMP/m.notes"
	jq -r '.notes[]' "$T_TMP/m.json" >> "$T_TMP/m.notes"
	jq -r '.modules[].name' "$T_TMP/m.json" | sort > "$T_TMP/m"
	sed -n 's/.*\[\(.*\)\]$/\1/p' "$syms" | sort -u > "$T_TMP/ms"
	[ -s "$T_TMP/ms" ] && cmp -s "$T_TMP/m" "$T_TMP/ms" && [ ! -s "$T_TMP/m.notes" ] \
		&& pass "$name: modules as the guest's /proc/kallsyms ($(tr '\n' ' ' < "$T_TMP/m"))" \
		|| fail "$name: modules $(tr '\n' ' ' < "$T_TMP/m") vs $(tr '\n' ' ' < "$T_TMP/ms") $(head -c 200 "$T_TMP/m.notes")"
}

ncpus() {
	(. "$1/truth.env" && echo "$NCPUS")
}

panic=$GUEST_OUT/panic
if [ -e "$panic/vmcore" ]; then
	n=$(ncpus "$panic")
	for f in vmcore md-l-d31.kdump; do
		[ -e "$panic/$f" ] || { skip "$panic/$f: not generated"; continue; }
		check_dump "panic/$f" "$panic/$f" "$panic/$f" "$n"
		check_panic_task "panic/$f" "$panic/$f"
		check_modules "panic/$f" "$panic/$f" "$panic/kallsyms.txt"
	done
else
	skip "$panic/vmcore: not generated"
fi
for d in l4:qemu.elf l5:qemu-kdump-zlib.flat; do
	sub=$GUEST_OUT/${d%%:*} f=${d#*:}
	[ -e "$sub/$f" ] || { skip "$sub/$f: not generated"; continue; }
	# drgn reads no flattened files: its oracle is the same memory as ELF.
	check_dump "${d%%:*}/$f" "$sub/$f" "$sub/qemu.elf" "$(ncpus "$sub")"
	check_modules "${d%%:*}/$f" "$sub/$f" "$sub/kallsyms.txt"
done

# With the debug vmlinux given (types from DWARF, not BTF): the same ps.
for f in panic/vmcore l5/qemu-kdump-zlib.flat; do
	[ -e "$GUEST_OUT/$f" ] || continue
	if [ -z "$oracle" ]; then
		skip "$f: ps with --vmlinux: no debug vmlinux (see WARNING above)"
		continue
	fi
	"$AN" -c 'ps; mod' "$GUEST_OUT/$f" > "$T_TMP/btf.txt" 2>&1
	"$AN" --vmlinux "$oracle" -c 'ps; mod' "$GUEST_OUT/$f" > "$T_TMP/dwarf.txt" 2>&1
	[ -s "$T_TMP/btf.txt" ] && cmp -s "$T_TMP/btf.txt" "$T_TMP/dwarf.txt" \
		&& pass "$f: ps and mod with --vmlinux (DWARF) print the same $(wc -l < "$T_TMP/dwarf.txt") lines" \
		|| fail "$f: ps with --vmlinux differs: $(diff "$T_TMP/btf.txt" "$T_TMP/dwarf.txt" | head -n 4 | tr '\n' ' ')"
done

# ------------------------------------------------------------------
# Corrupt task lists in copies of the panic dump.

# proc_addr N: address of the Nth process (pid > 0) in walk order.
proc_addr() {
	awk -F'\t' '$1 > 0 && $1 == $2 { if (++i == n) print $9 }' n="$1" "$T_TMP/k0"
}

# mutate OUT VADDR=VALUE...: a copy of the vmcore with words changed.
mutate() {
	local out=$1
	shift
	"$PY" "$dir/mutate-core.py" "$panic/vmcore" "$out" "$T_TMP/info.json" "$@"
}

check_corrupt() {
	local off bad k j m total got
	"$CTL" info --json "$panic/vmcore" > "$T_TMP/info.json" &&
	off=$("$CTL" type --json task_struct.tasks "$panic/vmcore" | jq '.[0].offset') &&
	ours "$panic/vmcore" "$T_TMP/k0" || { fail "corrupt lists: setup"; return; }
	total=$(awk -F'\t' '$1 > 0' "$T_TMP/k0" | wc -l)
	# Direct map address of physical 0xc0000: not RAM, not in the dump.
	bad=$("$PY" -c 'import json,sys; print(hex(json.load(open(sys.argv[1]))["vm"]["page_offset"] + 0xc0000))' "$T_TMP/info.json")
	k=$(proc_addr 20) j=$(proc_addr 10) m=$(proc_addr 25)
	# 1: process 20 links back to 10 going forwards, and 25 links into
	# missing memory going backwards: 21..24 are lost, nothing else.
	mutate "$T_TMP/c1" "$(printf '%x=%x' $((k + off)) $((j + off)))" \
		"$(printf '%x=%x' $((m + off + 8)) $((bad)))" || { fail "mutate-core 1"; return; }
	ours "$T_TMP/c1" "$T_TMP/k1"
	got=$(awk -F'\t' '$1 > 0' "$T_TMP/k1" | wc -l)
	[ "$got" = $((total - 4)) ] && grep -q "loops back to $(printf '0x%x' $((j + off)))" "$T_TMP/k1.notes" &&
		grep -q "$(printf '0x%x' $((bad)))" "$T_TMP/k1.notes" \
		&& pass "a task list that loops forwards and breaks backwards: $got of $total tasks, notes name both addresses" \
		|| fail "loop + break: $got of $total tasks (wanted $((total - 4))): $(head -n 4 "$T_TMP/k1.notes")"
	"$AN" -c ps "$T_TMP/c1" > "$T_TMP/ps1.txt" 2>&1 &&
	grep -q "^note: task list: the link at .* loops back to $(printf '0x%x' $((j + off)))" "$T_TMP/ps1.txt" \
		&& pass "ps on it ends with notes naming the addresses" \
		|| fail "ps on the corrupt list: $(tail -n 3 "$T_TMP/ps1.txt")"
	rm -f "$T_TMP/c1"
	# 2: process 10 links into missing memory: the backward walk
	# reaches every task past it.  And the third module links back to
	# the first: mod lists three and says where the list loops.
	local moff m1 m3
	moff=$("$CTL" type --json module.list "$panic/vmcore" | jq '.[0].offset')
	"$AN" -c 'mod --json' "$panic/vmcore" > "$T_TMP/mods.json"
	read -r m1 m3 < <("$PY" -c 'import json, sys
m = json.load(open(sys.argv[1]))["modules"]
print(hex(m[0]["module"]), hex(m[2]["module"]))' "$T_TMP/mods.json")
	mutate "$T_TMP/c2" "$(printf '%x=%x' $((j + off)) $((bad)))" \
		"phys:$("$KTASKS" vtop "$panic/vmcore" "$(printf '0x%x' $((m3 + moff)))")=$(printf '%x' $((m1 + moff)))" ||
		{ fail "mutate-core 2"; return; }
	ours "$T_TMP/c2" "$T_TMP/k2"
	got=$(awk -F'\t' '$1 > 0' "$T_TMP/k2" | wc -l)
	[ "$got" = "$total" ] && grep -q "$(printf '0x%x' $((bad)))" "$T_TMP/k2.notes" \
		&& pass "a task list link into memory the dump lacks: all $total tasks, a note names it" \
		|| fail "broken link: $got of $total tasks: $(head -n 4 "$T_TMP/k2.notes")"
	"$AN" -c mod "$T_TMP/c2" > "$T_TMP/mod2.txt" 2>&1
	[ "$(grep -c '^ffff' "$T_TMP/mod2.txt")" = 3 ] &&
	grep -q "^note: modules list: the link at $(printf '0x%x' $((m3 + moff))) loops back" "$T_TMP/mod2.txt" \
		&& pass "a modules list that loops: mod lists 3 modules and notes the loop" \
		|| fail "looping modules list: $(cat "$T_TMP/mod2.txt")"
	rm -f "$T_TMP/c2"
}
if [ -e "$panic/vmcore" ]; then
	check_corrupt
fi
finish guest-ps
