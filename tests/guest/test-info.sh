#!/usr/bin/env bash
# mkdumpctl info on real dumps agrees with what the guest said of itself
# (truth.env: uname -r, CPUs, paging mode, _stext, /proc/iomem RAM).
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"
GUEST_OUT=${GUEST_OUT:-build/guest}

# ranges_check MODE INFO_JSON TRUTH_RAM: compare RAM ranges.
#   cover:  every System RAM range lies inside the dump's RAM (QEMU dumps
#           hold whole RAM blocks, reserved areas included);
#   kdump:  the dump's RAM is System RAM minus the low 1 MiB and the
#           crashkernel reservation (as the kernel's elfcorehdr says).
ranges_check() {
	/usr/bin/python3 - "$@" <<'PY'
import json, re, sys
mode, info, truth, serial = sys.argv[1:5]
dump = [(r["start"], r["end"]) for r in json.load(open(info))["ram_ranges"]]
ram = []
for part in truth.split():
    a, b = part.split("-")
    ram.append((int(a, 16), int(b, 16) + 1))
def inside(r, rs):
    return any(s <= r[0] and r[1] <= e for s, e in rs)
def minus(rs, cut):
    out = []
    for s, e in rs:
        if e <= cut[0] or s >= cut[1]:
            out.append((s, e)); continue
        if s < cut[0]: out.append((s, cut[0]))
        if e > cut[1]: out.append((cut[1], e))
    return out
if mode == "cover":
    bad = [r for r in ram if not inside(r, dump)]
else:
    m = re.search(r"Reserving (\d+)MB of memory at (\d+)MB for crashkernel",
                  open(serial, errors="replace").read())
    want = minus(ram, (0, 1 << 20))
    if m:
        size, at = int(m.group(1)) << 20, int(m.group(2)) << 20
        want = minus(want, (at, at + size))
    bad = [] if sorted(want) == sorted(dump) else [("want", want, "got", dump)]
if bad:
    print("ranges differ:", [tuple(map(hex, r)) if isinstance(r[0], int) else r for r in bad])
    sys.exit(1)
PY
}

check_dump() {
	local dir=$1 file=$2 mode=$3 path=$1/$2 stext
	if [ ! -e "$path" ]; then
		skip "$path: not generated"
		return
	fi
	(
		. "$dir/truth.env"
		"$CTL" info --json "$path" > "$T_TMP/info.json" 2> "$T_TMP/err" \
			|| { echo "info failed: $(cat "$T_TMP/err")"; exit 1; }
		jq -e --arg r "$RELEASE" --argjson n "$NCPUS" \
			'.kernel_release == $r and .cpus == $n and
			 .page_size == 4096 and .arch == "x86_64" and
			 .vmcoreinfo == true' "$T_TMP/info.json" > /dev/null \
			|| { echo "release/cpus: $(jq -c '[.kernel_release,.cpus]' "$T_TMP/info.json")"; exit 1; }
		jq -e --argjson l "$PAGING" '.vm.levels == $l' "$T_TMP/info.json" \
			> /dev/null || { echo "paging: $(jq .vm "$T_TMP/info.json")"; exit 1; }
		stext=$(( STEXT - 0xffffffff81000000 ))
		jq -e --argjson o "$stext" '.vm.kernel_offset == $o' \
			"$T_TMP/info.json" > /dev/null \
			|| { echo "kaslr offset $(jq .vm.kernel_offset "$T_TMP/info.json") != $stext"; exit 1; }
		ranges_check "$mode" "$T_TMP/info.json" "$RAM" "$dir/serial.log"
	) > "$T_TMP/why" 2>&1 && pass "info agrees with the guest: $path" \
		|| fail "info agrees with the guest: $path: $(cat "$T_TMP/why")"
}

check_dump "$GUEST_OUT/l4" qemu.elf cover
check_dump "$GUEST_OUT/l5" qemu.elf cover
check_dump "$GUEST_OUT/panic" vmcore kdump
check_dump "$GUEST_OUT/l4" qemu-kdump-zlib.flat cover
check_dump "$GUEST_OUT/l5" qemu-kdump-zlib.flat cover
for f in md-c-d0.kdump md-l-d31.kdump md-c-d31.kdump md-l-d31.flat md-E-d31.elf; do
	check_dump "$GUEST_OUT/panic" "$f" kdump
done
finish guest-info
