#!/usr/bin/env bash
# bench/capture.sh [GUEST_OUT] - how mkdumpctl capture compares with
# makedumpfile and with zstd on the real kdump vmcore of the guest bed
# (GUEST_OUT/panic/vmcore), and how fast random pages read back.
#
# Prints two markdown tables: capture (wall and CPU seconds, peak RSS,
# output size; best wall time of $REPS runs, default 3) and random 4 KiB
# page reads per second through libmkdump after a warm-up pass (the file
# is in the OS cache), and through libkdumpfile from makedumpfile's output
# when libkdumpfile-dev is there (with its own default cache).  Needs a
# built tree (make), makedumpfile and zstd.
# Numbers only: nothing here passes or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
GUEST_OUT=${1:-${GUEST_OUT:-build/guest}}
REPS=${REPS:-3}
SRC=$GUEST_OUT/panic/vmcore
CTL=$BUILD/mkdumpctl
RANDREAD=$BUILD/bench/randread
READS=${READS:-100000}

[ -e "$SRC" ] || { echo "capture.sh: no $SRC (make guest-dumps)" >&2; exit 1; }
[ -x "$CTL" ] || { echo "capture.sh: no $CTL (make)" >&2; exit 1; }
for c in makedumpfile zstd; do
	command -v "$c" > /dev/null || { echo "capture.sh: need $c" >&2; exit 1; }
done
mkdir -p "$BUILD/bench"
libs="-lz -llzo2 -lzstd -lxxhash -pthread $(pkg-config --libs snappy 2>/dev/null || echo -lsnappy)"
cc -O2 -Ilibmkdump -o "$RANDREAD" bench/randread.c "$BUILD/libmkdump.a" $libs

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mkd-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cat "$SRC" > /dev/null	# the input comes from the OS cache in every run

# run NAME OUT CMD...: best of REPS; prints a table row.
run() {
	local name=$1 out=$2 best= line wall
	shift 2
	for ((i = 0; i < REPS; i++)); do
		rm -f "$out"
		/usr/bin/time -f "%e %U %S %M" -o "$TMP/time" "$@" > /dev/null 2>&1 \
			|| { echo "| $name | failed |"; return; }
		line=$(cat "$TMP/time")
		wall=${line%% *}
		if [ -z "$best" ] || awk -v a="$wall" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then
			best=$line
		fi
	done
	set -- $best
	printf '| %s | %.2f | %.2f | %d | %.1f |\n' "$name" "$1" \
		"$(echo "$2 + $3" | bc)" $(($4 / 1024)) \
		"$(echo "scale=1; $(stat -c %s "$out") / 1048576" | bc)"
}

ram=$("$CTL" info --json "$SRC" | jq .ram_bytes)
echo "Input: $SRC ($(stat -c %s "$SRC") bytes, $((ram >> 20)) MiB of RAM), $(nproc) CPUs"
echo
echo "| capture | wall s | CPU s | peak RSS MiB | output MiB |"
echo "|---|---:|---:|---:|---:|"
for d in 0 1; do
	for z in none lzo zlib zstd; do
		for t in 1 2; do
			run "mkd -d $d -z $z --threads $t" "$TMP/out.mkd" \
				"$CTL" capture -d "$d" -z "$z" --threads "$t" \
				"$SRC" "$TMP/out.mkd"
		done
	done
done
for opt in "-c -d 0" "-c -d 1" "-l -d 1" "-c -d 1 --num-threads 2"; do
	# shellcheck disable=SC2086
	run "makedumpfile $opt" "$TMP/out.kdump" \
		makedumpfile $opt "$SRC" "$TMP/out.kdump"
done
run "zstd -1 of the ELF" "$TMP/out.zst" sh -c "zstd -1 -q -c '$SRC' > '$TMP/out.zst'"
run "zstd -1 -T2 of the ELF" "$TMP/out.zst" sh -c "zstd -1 -T2 -q -c '$SRC' > '$TMP/out.zst'"

echo
echo "| random 4 KiB reads ($READS, after warm-up) | pages with data | reads/s, page cache off | reads/s, default cache |"
echo "|---|---:|---:|---:|"
rate() {
	"$RANDREAD" "$1" "$READS" "$2" | sed -E 's/.* ([0-9]+) reads\/s/\1/'
}
pages() {
	"$RANDREAD" "$1" 1 0 | cut -d' ' -f1
}
read_row() {
	printf '| %s | %s | %s | %s |\n' "$1" "$(pages "$2")" "$(rate "$2" 0)" \
		"$(rate "$2" 1024)"
}
read_row "ELF vmcore" "$SRC"
KDF=$BUILD/bench/kdf-randread
if cc -O2 -Ilibmkdump -o "$KDF" bench/kdf-randread.c "$BUILD/libmkdump.a" \
	-lkdumpfile $libs 2> /dev/null; then
	"$CTL" capture "$SRC" "$TMP/p.mkd"
	for opt in -c -l; do
		rm -f "$TMP/md.kdump"
		makedumpfile $opt -d 1 "$SRC" "$TMP/md.kdump" > /dev/null 2>&1
		printf '| makedumpfile %s -d 1, through libkdumpfile | %s | | %s |\n' \
			"$opt" "$(pages "$TMP/p.mkd")" \
			"$("$KDF" "$TMP/md.kdump" "$TMP/p.mkd" "$READS" |
			   sed -E 's/.* ([0-9]+) reads\/s/\1/')"
	done
fi
for z in zstd lzo zlib; do
	for b in 2 8 1; do
		"$CTL" capture -z "$z" -b "$b" "$SRC" "$TMP/r.mkd"
		read_row "mkd -d 1 -z $z --block-pages $b" "$TMP/r.mkd"
	done
done
