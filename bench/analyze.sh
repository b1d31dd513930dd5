#!/usr/bin/env bash
# bench/analyze.sh [DUMP...] - the first look at a dump, three ways, in one
# run: mkdump-analyze (no debuginfo), crash (debug vmlinux) and drgn (debug
# vmlinux) each answer "sys; bt -a; ps; log" on the same dump.
#
# Prints a markdown table: wall seconds and peak RSS (best of $REPS runs,
# default 3) and the ratios crash/ours and drgn/ours.  The dump files and
# the vmlinux come from the OS cache in every run (each is read once
# first).  Numbers only: nothing here passes or fails.
#
#   VMLINUX=...    the debug vmlinux (default: the guest bed's cache)
#   GUEST_OUT=...  where the guest bed's dumps are (default build/guest)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
GUEST_OUT=${GUEST_OUT:-build/guest}
MKD_CACHE=${MKD_CACHE:-$HOME/.cache/mkdump}
REPS=${REPS:-3}
AN=$BUILD/mkdump-analyze
PY=/usr/bin/python3

[ $# -gt 0 ] || set -- "$GUEST_OUT/panic/vmcore" "$GUEST_OUT/l4/qemu.elf"
kver=$(cat "$GUEST_OUT/kernel-version" 2>/dev/null || true)
[ -n "${VMLINUX:-}" ] || VMLINUX=$(cat "$GUEST_OUT/vmlinux-dbg" 2>/dev/null ||
	echo "$MKD_CACHE/linux-$kver/usr/lib/debug/boot/vmlinux-$kver")

[ -x "$AN" ] || { echo "analyze.sh: no $AN (make)" >&2; exit 1; }
peers=()
if [ -r "$VMLINUX" ]; then
	command -v crash > /dev/null && peers+=(crash) ||
		echo "analyze.sh: no crash (apt-get install crash): left out" >&2
	$PY -c 'import drgn' 2> /dev/null && peers+=(drgn) ||
		echo "analyze.sh: no drgn (apt-get install python3-drgn): left out" >&2
else
	echo "analyze.sh: no debug vmlinux '$VMLINUX'" \
		"(tests/guest/fetch-kernel.sh --dbg): crash and drgn left out" >&2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mkd-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
printf 'sys\nbt -a\nps\nlog\nquit\n' > "$TMP/crash.in"
cat > "$TMP/first-look.py" <<'EOF'
import sys
import drgn
from drgn.helpers.linux.pid import for_each_task
from drgn.helpers.linux.printk import get_printk_records
from drgn.helpers.linux.cpumask import for_each_online_cpu
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.sched import task_state_to_char

prog = drgn.Program()
prog.set_core_dump(sys.argv[2])
prog.load_debug_info([sys.argv[1]])
uts = prog["init_uts_ns"].name
print(uts.release.string_().decode(), uts.version.string_().decode())
print("jiffies", prog["jiffies_64"].value_())
for cpu in for_each_online_cpu(prog):
	try:
		print(prog.stack_trace(per_cpu(prog["runqueues"], cpu).curr))
	except Exception as e:
		print("cpu", cpu, e)
for t in for_each_task(prog):
	print(t.pid.value_(), t.real_parent.pid.value_(),
	      task_state_to_char(t), t.comm.string_().decode())
for r in get_printk_records(prog):
	print(r.timestamp, r.text.decode(errors="replace"))
EOF

# best NAME CMD...: best wall time of REPS runs -> "wall rss_kib"
best() {
	local name=$1 b= line
	shift
	for ((i = 0; i < REPS; i++)); do
		/usr/bin/time -f "%e %M" -o "$TMP/time" "$@" \
			> "$TMP/$name.out" 2> "$TMP/$name.err" ||
			{ echo "analyze.sh: $name failed: $(tail -n 1 "$TMP/$name.err")" >&2
			  echo "failed"; return; }
		line=$(cat "$TMP/time")
		if [ -z "$b" ] ||
		   awk -v a="${line%% *}" -v b="${b%% *}" 'BEGIN{exit !(a<b)}'; then
			b=$line
		fi
	done
	echo "$b"
}

ratio() {
	case "$1$2" in *failed*) echo "-"; return ;; esac
	awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.1f", a / b; else print "-" }'
}

echo "mkdump-analyze (no debuginfo) vs ${peers[*]:-no peers} (debug vmlinux):" \
	"'sys; bt -a; ps; log', best of $REPS, $(nproc) CPUs"
echo
echo "| dump | tool | wall s | peak RSS MiB | its time / ours | its RSS / ours |"
echo "|---|---|---:|---:|---:|---:|"
[ ${#peers[@]} -eq 0 ] || cat "$VMLINUX" > /dev/null
for dump in "$@"; do
	[ -r "$dump" ] || { echo "analyze.sh: no '$dump' (skipped)" >&2; continue; }
	cat "$dump" > /dev/null
	ours=$(best ours "$AN" -c 'sys; bt -a; ps; log' "$dump")
	for tool in ours "${peers[@]}"; do
		case $tool in
		ours) r=$ours ;;
		crash) r=$(best crash crash -s "$VMLINUX" "$dump" -i "$TMP/crash.in") ;;
		drgn) r=$(best drgn "$PY" "$TMP/first-look.py" "$VMLINUX" "$dump") ;;
		esac
		if [ "$r" = failed ]; then
			echo "| ${dump##*/} | $tool | failed | | | |"
			continue
		fi
		set -- $r
		printf '| %s | %s | %.2f | %.0f | %s | %s |\n' "${dump##*/}" \
			"$tool" "$1" "$(($2 / 1024))" \
			"$(ratio "$1" "${ours%% *}")" "$(ratio "$2" "${ours##* }")"
	done
done
