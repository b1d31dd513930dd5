#!/usr/bin/env bash
# test-analyze.sh - mkdump-analyze on real dumps, against the guest's own
# view (truth.env, dmesg.txt, kallsyms.txt, /proc/iomem's RAM):
#   sys     release and CPU count as the guest saw them; the RAM present
#           equals the pages of /proc/iomem's System RAM; the panic line
#           of a panic dump; DATE and log -T agree
#   log     every line of dmesg.txt, in order, and the /dev/kmsg line
#   sym     sampled kallsyms.txt names to addresses and back
#   struct  init_task: pid 0, comm swapper/0; its tasks.next leads to
#   rd      pid 1, and rd reads the same pointer struct shows
#   kmem    -i: TOTAL MEM is sys's MemTotal, USED = TOTAL - FREE
# on the panic vmcore, a makedumpfile -d 31 file, a split set, the l4 ELF
# and the l5 flattened kdump.  Each dump is one batch run; every command's
# output goes to its own file through "| cat > FILE".
#
# With the debug vmlinux (VMLINUX, by default the one test-vmlinux.sh
# fetches into MKD_CACHE) the batch runs again with --vmlinux, DWARF types
# and ELF symbols, on the dumps of VMLINUX_DUMPS: the same answers.
#
# Usage: GUEST_OUT=build/guest BUILD=build tests/guest/test-analyze.sh
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/dumps.sh"
AN=${AN:-$BUILD/mkdump-analyze}
MKD_CACHE=${MKD_CACHE:-$HOME/.cache/mkdump}
VER=$(cat "$GUEST_OUT/kernel-version" 2>/dev/null)
VMLINUX=${VMLINUX:-$MKD_CACHE/linux-$VER/usr/lib/debug/boot/vmlinux-$VER}
VMLINUX_DUMPS=${VMLINUX_DUMPS:-"panic/vmcore panic/md-c-d31.kdump
l5/qemu-kdump-zlib.flat"}
tmp=$T_TMP

DUMPS="panic/vmcore panic/md-c-d31.kdump panic/md-split-d31
l4/qemu.elf l5/qemu-kdump-zlib.flat"

# Pages wholly inside the RAM ranges of truth.env ("start-end", hex,
# inclusive), as the kernel's memblock counts them.
ram_pages() {
	local r s e total=0
	for r in $RAM; do
		s=$((0x${r%-*})) e=$((0x${r#*-} + 1))
		total=$((total + e / 4096 - (s + 4095) / 4096))
	done
	echo $total
}

# Names that kallsyms.txt has once, of the kernel image, every 997th.
sample_symbols() {
	awk 'NF == 3 && $2 ~ /^[TtDdBbRr]$/ && $1 ~ /^ffff/ { n[$3]++; a[$3] = $1 }
	     END { for (s in n) if (n[s] == 1) print s, a[s] }' "$1" |
		sort | awk 'NR % 997 == 1'
}

# The batch: each command's output into $tmp/<name>.
batch() {
	local names
	names=$(awk '{ printf "%s ", $1 }' "$tmp/syms")
	printf '%s' "sys --json | cat > $tmp/sys.json; sys | cat > $tmp/sys.txt;
log | cat > $tmp/log.txt; log -T | tail -n 1 > $tmp/logT.txt;
sym $names | cat > $tmp/sym.txt;
struct task_struct.pid,comm,tasks.next init_task | cat > $tmp/init.txt;
rd init_task+TASKS | cat > $tmp/rd.txt;
kmem -i --json | cat > $tmp/kmem.json;
bt -a | cat > $tmp/bt.txt; ps | cat > $tmp/ps.txt; mod | cat > $tmp/mod.txt"
}

check_sys() {
	local got
	got=$(jq -r '[.utsname.release, .cpus.online, .memory.present_pages] |
		     join(" ")' "$tmp/sys.json" 2>/dev/null)
	[ "$got" = "$RELEASE $NCPUS $(ram_pages)" ] &&
		pass "$name: sys: release, CPUs, RAM pages: $got" ||
		fail "$name: sys: '$got', want '$RELEASE $NCPUS $(ram_pages)'"
	if [ "${dir##*/}" = panic ]; then
		jq -e '.panic | test("sysrq triggered crash")' "$tmp/sys.json" \
			>/dev/null && pass "$name: sys: the panic line" ||
			fail "$name: sys: no panic line"
	fi
	local date logt
	date=$(sed -n 's/^ *DATE: //p' "$tmp/sys.txt")
	logt=$(sed -n 's/^\[\([^]]*\)\].*/\1/p' "$tmp/logT.txt")
	# The last record: at the crash for a panic (it prints till the
	# end), before the dump for a live guest.
	local d l late=2
	[ "${dir##*/}" = panic ] || late=100000
	d=$(date -ud "$date" +%s 2>/dev/null) l=$(date -ud "$logt" +%s 2>/dev/null)
	if [ -n "$d" ] && [ -n "$l" ] && [ $((l - d)) -le 2 ] &&
	   [ $((d - l)) -le $late ]; then
		pass "$name: log -T: the last record at $logt, the dump at $date"
	else
		fail "$name: log -T: last record '$logt', dump '$date'"
	fi
}

check_log() {
	local why
	if why=$(in_order "$dir/dmesg.txt" "$tmp/log.txt"); then
		pass "$name: log: all $(wc -l <"$dir/dmesg.txt") lines of dmesg.txt, in order"
	else
		fail "$name: log: $why"
	fi
	grep -qF -- "] $KMSG_LINE" "$tmp/log.txt" &&
		pass "$name: log: the /dev/kmsg line" ||
		fail "$name: log: no '$KMSG_LINE'"
}

check_sym() {
	local want got
	want=$(awk '{ print $2, $1 }' "$tmp/syms")
	got=$(awk '{ print $1, $3 }' "$tmp/sym.txt")
	[ -n "$want" ] && [ "$got" = "$want" ] &&
		pass "$name: sym: $(wc -l <"$tmp/syms") names as kallsyms.txt" ||
		fail "$name: sym: $(diff <(echo "$want") <(echo "$got") | head -3)"
}

check_struct() {
	local next
	grep -qx '  pid = 0,' "$tmp/init.txt" &&
		grep -qx '  comm = "swapper/0",' "$tmp/init.txt" &&
		pass "$name: struct: init_task is pid 0, swapper/0" ||
		fail "$name: struct: $(head -c 200 "$tmp/init.txt")"
	next=$(sed -n 's/^  tasks.next = 0x\([0-9a-f]*\).*/\1/p' "$tmp/init.txt")
	[ -n "$next" ] && grep -q "^ *[0-9a-f]*:  0*$next " "$tmp/rd.txt" &&
		pass "$name: rd: init_task.tasks.next as struct shows it" ||
		fail "$name: rd: '$(cat "$tmp/rd.txt")', struct: '$next'"
	"$AN" -c "struct task_struct.pid,comm 0x$next-$TASKS" "$@" \
		>"$tmp/pid1.out" 2>&1
	grep -qx '  pid = 1,' "$tmp/pid1.out" &&
		pass "$name: struct: the next task is pid 1" ||
		fail "$name: struct: the next task: $(head -c 200 "$tmp/pid1.out")"
}

check_kmem() {
	local got want
	got=$(jq -r '.pages | [.total, .used + .free] | join(" ")' \
		"$tmp/kmem.json" 2>/dev/null)
	want=$(jq -r '.memory.total_pages' "$tmp/sys.json")
	[ -n "$want" ] && [ "$got" = "$want $want" ] &&
		pass "$name: kmem -i: $want pages, used + free" ||
		fail "$name: kmem -i: '$got', sys MemTotal '$want'"
}

# Bad requests on a real dump: notes and errors, exit 1, no crash.
check_bad() {
	"$AN" -c 'struct task_struct 0; rd 0xffffffffffff0000 4;
		  struct task_struct.nosuch init_task; sym 0x10;
		  struct task_struct 0xffffffffa0000000; sys' "$@" \
		>"$tmp/bad.out" 2>"$tmp/bad.err"
	local rc=$?
	if [ $rc = 1 ] && grep -q '<not mapped>' "$tmp/bad.out" &&
	   grep -q "nosuch" "$tmp/bad.err" && grep -q 'RELEASE' "$tmp/bad.out" &&
	   ! grep -qE "$SAN_REPORT" "$tmp/bad.err"; then
		pass "$name: bad requests: notes, errors, exit 1, the session goes on"
	else
		fail "$name: bad requests: exit $rc: $(head -c 300 "$tmp/bad.err")"
	fi
}

check_dump() {
	local dir=$1 name=$2 rc RELEASE='' NCPUS='' RAM='' KMSG_LINE=''
	shift 2
	# shellcheck disable=SC1091
	. "$dir/truth.env"
	rm -f "$tmp"/*.txt "$tmp"/*.json
	"$AN" -c "$(batch | sed "s/TASKS/$TASKS/")" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc = 0 ] && pass "$name: the batch runs (exit 0)" ||
		fail "$name: the batch exits $rc: $(head -c 300 "$tmp/err")"
	check_sys
	check_log
	check_sym
	check_struct "$@"
	check_kmem
	[ "$name" = panic/vmcore ] && check_bad "$@"
	case " $(echo $VMLINUX_DUMPS) " in
	*" $name "*) check_vmlinux "$@" ;;
	esac
}

# The same batch with --vmlinux: the same answers (once it is supported).
check_vmlinux() {
	local f same=1
	if [ ! -e "$VMLINUX" ]; then
		skip "$name: NO DEBUG VMLINUX '$VMLINUX': --vmlinux NOT TESTED"
		return
	fi
	rm -rf "$tmp/v" && mkdir -p "$tmp/v" && mv "$tmp"/*.txt "$tmp"/*.json "$tmp/v/"
	"$AN" --vmlinux "$VMLINUX" -c "$(batch | sed "s/TASKS/$TASKS/")" "$@" \
		>/dev/null 2>"$tmp/err" ||
		fail "$name: --vmlinux: $(head -c 300 "$tmp/err")"
	# Only the name of the vmlinux may differ.
	for f in sys.json sys.txt; do
		grep -v '"vmlinux"\|KERNEL:' "$tmp/$f" > "$tmp/$f.cut"
		grep -v '"vmlinux"\|KERNEL:' "$tmp/v/$f" > "$tmp/v/$f.cut"
		rm "$tmp/$f" "$tmp/v/$f"
	done
	for f in "$tmp"/v/*; do
		cmp -s "$f" "$tmp/${f##*/}" ||
			{ same=0; fail "$name: --vmlinux: ${f##*/} differs"; }
	done
	[ $same = 1 ] && pass "$name: --vmlinux: the same answers ($(ls "$tmp/v" | wc -l) outputs)"
}

if [ ! -x "$AN" ]; then
	echo "test-analyze: no '$AN'; run make first (or set BUILD)" >&2
	exit 2
fi
TASKS=$("$CTL" type task_struct.tasks -- "$GUEST_OUT/panic/vmcore" 2>/dev/null |
	sed -n 's/.*offset \([0-9]*\).*/\1/p')
[ -n "$TASKS" ] || TASKS=0
for d in $DUMPS; do
	dir=$GUEST_OUT/${d%/*}
	if [ -f "$GUEST_OUT/$d" ]; then
		set -- "$GUEST_OUT/$d"
	elif [ -f "$GUEST_OUT/$d.1" ]; then
		set -- "$GUEST_OUT/$d".[0-9]
	else
		skip "*** $GUEST_OUT/$d does not exist yet: NOT TESTED ***"
		continue
	fi
	sample_symbols "$dir/kallsyms.txt" >"$tmp/syms"
	check_dump "$dir" "$d" "$@"
done
finish guest-analyze
