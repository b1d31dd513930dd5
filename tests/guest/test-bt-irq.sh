#!/usr/bin/env bash
# The stack trace of a panic in hard-IRQ context (build/guest/irqpanic: the
# host typed alt+sysrq+c, so sysrq_handle_crash ran in the keyboard
# interrupt on the IRQ stack), with no vmlinux, against the kernel's words:
# - the panic task's trace lists exactly the frames the kernel's panic
#   trace on the serial console lists without "?", from panic through the
#   <IRQ> part, across the interrupt frame into the <TASK> part (the
#   console's "RIP: 0010:" line is our frame of the interrupted pc), down
#   to the stack's bottom, with the interrupted registers as printed;
# - the frames are on the IRQ stack up to common_interrupt, then on the
#   task stack; exactly one frame comes from a pt_regs, the interrupted pc;
# - with drgn and the debug vmlinux at hand: drgn's crashed thread, pc for
#   pc, as far as drgn goes (its DWARF unwind stops at common_interrupt's
#   stack switch), and drgn's trace from the pt_regs the CPU pushed below
#   the console's RSP, pc for pc, from the interrupted pc on.
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"
GUEST_OUT=${GUEST_OUT:-build/guest}
AN=${AN:-$BUILD/mkdump-analyze}
VMLINUX_DBG=${VMLINUX_DBG:-${MKD_CACHE:-$HOME/.cache/mkdump}/linux-6.1.0-56-amd64/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64}
dir=$GUEST_OUT/irqpanic
dump=$dir/vmcore

# The console's panic trace without timestamps, "Call Trace:" to </TASK>.
console_lines() {
	sed -e 's/\r$//' -e 's/^\[ *[0-9.]*\] *//' "$dir/serial.log" |
		awk '/^Call Trace:/ { on = 1; next }
		     on && /^<\/TASK>/ { exit }
		     on && /^Code:/ { next }
		     on'
}

# Name+offset lines from panic on (panic's offset dropped: ours is the
# __crash_kexec call, the console's the dump_stack one), then RSP's first
# four words (ours adds ORIG_RAX) and the RAX ... R13 lines whole.
normal_lines() {
	sed -E -e 's/^(RSP: [^ ]+ EFLAGS: [0-9a-f]+).*/\1/' |
		grep -E -e '^[^ ]+\+0x[0-9a-f]+/0x[0-9a-f]+$' \
			-e '^(RSP|RAX|RDX|RBP|R10|R13): ' |
		sed -n '/^panic+/,$p' |
		sed -E 's/^panic\+0x[0-9a-f]+\//panic\//'
}

# The console's reliable lines; its kernel RIP line is the frame of the
# interrupted pc.
console_normal() {
	console_lines | grep -v -e '^?' -e '^<' |
		sed -E 's/^RIP: 0010:(.*)/\1/' | normal_lines
}

our_normal() {
	sed -nE -e 's/^ #[0-9]+ \[[0-9a-f]+\] (.*) at [0-9a-f]+$/\1/p' \
		-e 's/^    ((RSP|RAX|RDX|RBP|R10|R13): .*)/\1/p' "$1" |
		normal_lines
}

if [ ! -e "$dump" ]; then
	skip "$dump: not generated"
	finish guest-bt-irq
	exit
fi

console_lines > "$T_TMP/lines"
grep -q '^<IRQ>' "$T_TMP/lines" && grep -q '^<TASK>' "$T_TMP/lines" &&
grep -q '^RIP: 0010:' "$T_TMP/lines" ||
	fail "the console's panic trace has no <IRQ> and <TASK> parts with a kernel RIP"
console_normal > "$T_TMP/console"
if ! "$AN" -c bt "$dump" > "$T_TMP/bt" 2> "$T_TMP/err"; then
	fail "bt: $(cat "$T_TMP/err")"
else
	our_normal "$T_TMP/bt" > "$T_TMP/ours"
	if [ -s "$T_TMP/console" ] && cmp -s "$T_TMP/console" "$T_TMP/ours"; then
		pass "bt of the panic task is the console's trace through the IRQ stack and the interrupt frame, $(grep -c '+0x' "$T_TMP/ours") frames and the interrupted registers"
	else
		fail "bt differs from the console: $(diff "$T_TMP/console" "$T_TMP/ours" | head -n 12 | tr '\n' '|')"
	fi
fi

# The same trace's structure: IRQ stack up to common_interrupt, then the
# task stack from asm_common_interrupt; the one pt_regs frame is the pc
# the console's RIP line names; no guess; the stack's bottom ends it.
rip_sym=$(sed -nE 's/^RIP: 0010:([^+]+)\+.*/\1/p' "$T_TMP/lines" | head -n 1)
"$AN" -c 'bt --json' "$dump" 2> "$T_TMP/err" |
jq -e --arg rip "$rip_sym" '.[0] as $t | $t.frames as $f |
	($f | map(.symbol) | index("common_interrupt")) as $ci |
	$t.end == "bottom" and $t.note == null and all($f[]; .reliable) and
	$ci != null and $f[$ci + 1].symbol == "asm_common_interrupt" and
	all($f[0:$ci + 1][]; .stack == "IRQ") and
	all($f[$ci + 1:][]; .stack == "task") and
	($f | map(select(.regs_addr != null)) | length) == 1 and
	$f[$ci + 2].regs_addr != null and $f[$ci + 2].symbol == $rip' \
	> /dev/null &&
	pass "the frames are on the IRQ stack to common_interrupt, then on the task stack; one pt_regs frame, at $rip_sym; all reliable; ends at the bottom" ||
	fail "stacks, pt_regs or end: $(cat "$T_TMP/err") $(head -c 600 "$T_TMP/bt")"

# drgn: PCS_IRQ is the crashed thread's pcs as far as drgn unwinds; PCS_TASK
# from the pt_regs below the console's RSP (aligned down to 16 as the CPU
# does for an interrupt, then sizeof(struct pt_regs) below).
drgn_pcs() {
	/usr/bin/python3 - "$dump" "$VMLINUX_DBG" "$1" <<'EOF'
import sys
import drgn
prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
def pcs(trace):
    out = []
    for frame in trace:
        try:
            pc = frame.pc
        except LookupError:
            break
        if not out or out[-1] != pc:
            out.append(pc)
    return " ".join("%x" % pc for pc in out)
print("irq", pcs(prog.crashed_thread().stack_trace()))
size = drgn.sizeof(prog.type("struct pt_regs"))
regs = (int(sys.argv[3], 16) & ~15) - size
print("regs %x" % regs)
print("task", pcs(prog.stack_trace(drgn.Object(prog, "struct pt_regs *",
                                                  regs))))
EOF
}

if [ ! -e "$VMLINUX_DBG" ] || ! /usr/bin/python3 -c 'import drgn' 2> /dev/null; then
	skip "drgn or the debug vmlinux is missing"
	finish guest-bt-irq
	exit
fi
rsp=$(sed -nE 's/^RSP: 0018:([0-9a-f]+) .*/\1/p' "$T_TMP/lines" | head -n 1)
if ! drgn_pcs "$rsp" > "$T_TMP/drgn" 2> "$T_TMP/err"; then
	skip "drgn failed: $(tail -n 1 "$T_TMP/err")"
	finish guest-bt-irq
	exit
fi
# Ours: the pcs of the IRQ-stack frames, then of the frames from the
# pt_regs one on (asm_common_interrupt, between, is the return address
# into the entry code that drgn's two traces both leave out).
"$AN" -c 'bt' "$dump" 2> /dev/null |
awk '/^ --- <task stack> ---/ { task = 1; next }
     /^ #[0-9]+ / && !/\] \? / { if (task) t = t " " $NF; else i = i " " $NF }
     END { print "irq" i; print "task" t }' > "$T_TMP/ours"
drgn_irq=$(sed -n 's/^irq //p' "$T_TMP/drgn")
our_irq=$(sed -n 's/^irq //p' "$T_TMP/ours")
if [ -n "$drgn_irq" ] && [ "$our_irq" = "$drgn_irq" ]; then
	pass "drgn's crashed thread, pc for pc, up to common_interrupt ($(wc -w <<<"$our_irq") pcs)"
elif [ -n "$drgn_irq" ] && [ "${our_irq#"$drgn_irq "}" != "$our_irq" ]; then
	pass "drgn's crashed thread, pc for pc, as far as drgn goes ($(wc -w <<<"$drgn_irq") of our $(wc -w <<<"$our_irq") IRQ-stack pcs)"
else
	fail "IRQ-stack pcs differ from drgn's: drgn '$drgn_irq' ours '$our_irq'"
fi
drgn_task=$(sed -n 's/^task //p' "$T_TMP/drgn")
our_task=$(sed -n 's/^task [0-9a-f]* //p' "$T_TMP/ours")
regs=$(sed -n 's/^regs //p' "$T_TMP/drgn")
if [ -n "$drgn_task" ] && [ "$our_task" = "$drgn_task" ]; then
	pass "drgn's trace from the pt_regs at $regs is ours from the interrupted pc, pc for pc ($(wc -w <<<"$our_task") pcs)"
else
	fail "task-stack pcs differ from drgn's from pt_regs $regs: drgn '$drgn_task' ours '$our_task'"
fi
finish guest-bt-irq
