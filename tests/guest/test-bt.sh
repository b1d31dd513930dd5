#!/usr/bin/env bash
# Stack traces from real dumps, with no vmlinux (ORC and kallsyms from the
# dump), against the kernel's own words:
# - the panic task's trace lists exactly the frames the kernel's panic
#   trace on the serial console lists without "?", in order, from panic
#   down to entry_SYSCALL_64_after_hwframe, then the user registers as the
#   console printed them.  Ours starts at __crash_kexec (where the
#   registers were taken), the kernel's at dump_stack_lvl, and panic's
#   offset differs (another call site), so names are compared from panic
#   on and offsets from the frame after it;
# - every CPU's trace (bt -a) ends cleanly, with no uncertain frame, on
#   the panic dumps and on the live 4- and 5-level QEMU dumps, but for the
#   NMI handler of the CPU the crash kernel stopped (found by scanning);
# - with drgn and the debug vmlinux at hand, every CPU's frames and every
#   task's are drgn's, pc for pc.
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"
GUEST_OUT=${GUEST_OUT:-build/guest}
AN=${AN:-$BUILD/mkdump-analyze}
VMLINUX_DBG=${VMLINUX_DBG:-${MKD_CACHE:-$HOME/.cache/mkdump}/linux-6.1.0-56-amd64/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64}
panic=$GUEST_OUT/panic

# The console's reliable frames from panic to the syscall entry, then its
# user register lines (RIP ... R13 line), one per line.
console_trace() {
	sed -e 's/\r$//' -e 's/^\[ *[0-9.]*\] *//' "$panic/serial.log" |
		awk '/^Call Trace:/ { on = 1; next }
		     on && /^<\/TASK>/ { exit }
		     on && /^Code:/ { next }
		     on' |
		grep -v -e '^?' -e '^<' |
		sed -n '/^panic+/,$p'
}

# Ours in the same shape: names+offsets (with "?" kept), register lines.
our_trace() {
	sed -nE -e 's/^ #[0-9]+ \[[0-9a-f]+\] (.*) at [0-9a-f]+$/\1/p' \
		-e 's/^    ((RIP|RSP|RAX|RDX|RBP|R10|R13): .*)/\1/p' "$1" |
		sed -n '/^panic+/,$p'
}

strip_panic_offset() {
	sed -E 's/^panic\+0x[0-9a-f]+\//panic\//'
}

if [ -e "$panic/vmcore" ]; then
	console_trace > "$T_TMP/console"
	grep -q '^entry_SYSCALL_64_after_hwframe+' "$T_TMP/console" &&
	grep -q '^RIP: 0033:' "$T_TMP/console" ||
		fail "the console's panic trace has no syscall entry and user RIP"
	for f in vmcore md-l-d31.kdump md-c-d31.kdump md-E-d31.elf; do
		[ -e "$panic/$f" ] || { skip "$panic/$f: not generated"; continue; }
		if ! "$AN" -c bt "$panic/$f" > "$T_TMP/bt" 2> "$T_TMP/err"; then
			fail "$f: bt: $(cat "$T_TMP/err")"
			continue
		fi
		our_trace "$T_TMP/bt" > "$T_TMP/ours"
		if cmp -s <(strip_panic_offset < "$T_TMP/console") \
			  <(strip_panic_offset < "$T_TMP/ours"); then
			pass "$f: bt of the panic task is the console's trace, $(grep -c '+0x' "$T_TMP/ours") frames and the user registers"
		else
			fail "$f: bt differs from the console: $(diff "$T_TMP/console" "$T_TMP/ours" | head -n 12 | tr '\n' '|')"
		fi
		"$AN" -c 'bt --json' "$panic/$f" 2> "$T_TMP/err" |
		jq -e '.[0] | .frames[0].symbol == "__crash_kexec" and
			      .end == "user" and .note == null and
			      all(.frames[]; .reliable)' > /dev/null \
			&& pass "$f: the trace starts at __crash_kexec, has no uncertain frame and ends at the user boundary" \
			|| fail "$f: start, certainty or end: $(head -c 600 "$T_TMP/bt")"
	done
else
	skip "$panic/vmcore: not generated"
fi

# bt -a: every CPU ends at a stack's bottom or at user mode, no guesses.
clean_all() {
	local dump=$1 n=$2
	if ! "$AN" -c 'bt -a --json' "$dump" > "$T_TMP/all" 2> "$T_TMP/err"; then
		fail "$dump: bt -a: $(cat "$T_TMP/err")"
		return
	fi
	if jq -e --argjson n "$n" 'length == $n and
		all(.[]; (.end == "bottom" or .end == "user") and
			 .note == null and (.frames | length) > 1 and
			 all(.frames[]; (.reliable and (.user or .symbol != null)) or
				(.stack == "NMI" and (.note | test("NMI handler")))))' \
		"$T_TMP/all" > /dev/null; then
		pass "$dump: bt -a: $n CPUs, each trace ends cleanly, no uncertain frame outside an NMI handler"
	else
		fail "$dump: bt -a: $(jq -c '[.[] | [.cpu, .end, .note]]' "$T_TMP/all" | head -c 400)"
	fi
}

if [ -e "$panic/vmcore" ]; then
	clean_all "$panic/vmcore" "$(. "$panic/truth.env"; echo "$NCPUS")"
	# The other CPU was stopped by the crash kernel's NMI: its handler's
	# frames are on the NMI stack (found by scanning, so uncertain) and
	# lead through exc_nmi to the pt_regs of the interrupted context.
	"$AN" -c 'bt -a --json' "$panic/vmcore" 2> "$T_TMP/err" |
	jq -e '[.[] | select(.pid != 1)][0].frames as $f |
		($f | map(select(.stack == "NMI"))) as $nmi |
		($nmi | length) > 0 and all($nmi[]; .reliable | not) and
		any($nmi[]; .symbol == "exc_nmi") and
		$f[$nmi | length].stack == "task" and
		$f[$nmi | length].regs_addr == $nmi[-1].cfa and
		$f[$nmi | length].reliable' > /dev/null \
		&& pass "vmcore: the CPU stopped by NMI shows its NMI handler (uncertain), then the interrupted context through pt_regs on the NMI stack" \
		|| fail "vmcore: the CPU stopped by NMI: $(cat "$T_TMP/err")"
fi
# The panic from the keyboard interrupt (test-bt-irq.sh checks its
# trace): every CPU's ends as cleanly.
irq=$GUEST_OUT/irqpanic
[ ! -e "$irq/vmcore" ] ||
	clean_all "$irq/vmcore" "$(. "$irq/truth.env"; echo "$NCPUS")"
for dir in "$GUEST_OUT/l4" "$GUEST_OUT/l5"; do
	for f in qemu.elf qemu-kdump-zlib.flat; do
		[ -e "$dir/$f" ] || { skip "$dir/$f: not generated"; continue; }
		clean_all "$dir/$f" "$(. "$dir/truth.env"; echo "$NCPUS")"
	done
done

# drgn with the debug vmlinux as the oracle: each CPU's task, then every
# task on init_task's list, pc for pc (drgn's inline frames share their
# pc and are counted once; our frames marked '?' are left out).
drgn_pcs() {
	/usr/bin/python3 - "$1" "$VMLINUX_DBG" <<'EOF'
import sys
import drgn
from drgn.helpers.linux.cpumask import for_each_online_cpu
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.pid import for_each_task
prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
def pcs(task):
    out = []
    for frame in prog.stack_trace(task):
        if not out or out[-1] != frame.pc:
            out.append(frame.pc)
    return " ".join("%x" % pc for pc in out)
for cpu in for_each_online_cpu(prog):
    print("cpu %d %s" % (cpu, pcs(per_cpu(prog["current_task"], cpu))))
for task in for_each_task(prog):
    print("task %x %s" % (task.value_(), pcs(task)))
EOF
}

# Our text traces as "KEY pc pc ...": KEY is "cpu N" or "task ADDR".
our_pcs() {
	awk -v key="$1" '
	/^PID: / { if (line) print line
		   split($0, a, key == "cpu" ? "CPU: " : "TASK: ")
		   split(a[2], b, " "); sub(/^0+/, "", b[1])
		   line = key " " (b[1] == "" ? "0" : b[1]); next }
	/^ #[0-9]+ / && !/\] \? / { line = line " " $NF }
	/^    RIP: 0033:0x/ { sub(/.*:0x/, ""); line = line " " $0 }
	END { if (line) print line }'
}

for dump in "$panic/vmcore"; do
	if [ ! -e "$dump" ] || [ ! -e "$VMLINUX_DBG" ] ||
	   ! /usr/bin/python3 -c 'import drgn' 2> /dev/null; then
		skip "$dump: drgn or the debug vmlinux is missing"
		continue
	fi
	if ! drgn_pcs "$dump" > "$T_TMP/drgn" 2> "$T_TMP/err"; then
		skip "$dump: drgn failed: $(tail -n 1 "$T_TMP/err")"
		continue
	fi
	grep '^cpu ' "$T_TMP/drgn" > "$T_TMP/drgn-cpus"
	"$AN" -c 'bt -a' "$dump" 2> /dev/null | our_pcs cpu > "$T_TMP/ours"
	if [ -s "$T_TMP/drgn-cpus" ] && cmp -s "$T_TMP/drgn-cpus" "$T_TMP/ours"; then
		pass "$dump: every CPU's frames are drgn's, pc for pc ($(wc -w < "$T_TMP/ours") words)"
	else
		fail "$dump: CPU frames differ from drgn's: $(diff "$T_TMP/drgn-cpus" "$T_TMP/ours" | head -c 600 | tr '\n' '|')"
	fi
	grep '^task ' "$T_TMP/drgn" > "$T_TMP/drgn-tasks"
	"$AN" -c "$(awk '{ printf "bt 0x%s; ", $2 }' "$T_TMP/drgn-tasks")" \
		"$dump" 2> "$T_TMP/err" | our_pcs task > "$T_TMP/ours"
	if [ -s "$T_TMP/drgn-tasks" ] && cmp -s "$T_TMP/drgn-tasks" "$T_TMP/ours"; then
		pass "$dump: all $(wc -l < "$T_TMP/ours") tasks' frames (sleeping ones from their switch frame) are drgn's, pc for pc"
	else
		fail "$dump: task frames differ from drgn's: $(cat "$T_TMP/err") $(diff "$T_TMP/drgn-tasks" "$T_TMP/ours" | head -c 600 | tr '\n' '|')"
	fi
done
finish guest-bt
