#!/usr/bin/env bash
# bench/blocksize.sh [GUEST_OUT] - what the mkd block size costs and buys
# on the real kdump vmcore of the guest bed: output size and random 4 KiB
# page reads per second (libmkdump's page cache off) for each codec and
# 1 to 32 pages per block.  Prints a markdown table; needs a built tree.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
GUEST_OUT=${1:-${GUEST_OUT:-build/guest}}
SRC=$GUEST_OUT/panic/vmcore
CTL=$BUILD/mkdumpctl
RANDREAD=$BUILD/bench/randread
READS=${READS:-50000}

[ -e "$SRC" ] || { echo "blocksize.sh: no $SRC (make guest-dumps)" >&2; exit 1; }
mkdir -p "$BUILD/bench"
libs="-lz -llzo2 -lzstd -lxxhash -pthread $(pkg-config --libs snappy 2>/dev/null || echo -lsnappy)"
# shellcheck disable=SC2086
cc -O2 -Ilibmkdump -o "$RANDREAD" bench/randread.c "$BUILD/libmkdump.a" $libs
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mkd-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

echo "| codec | pages per block | output MiB | random reads/s |"
echo "|---|---:|---:|---:|"
for z in zstd lzo zlib; do
	for b in 1 2 4 8 16 32; do
		"$CTL" capture -z "$z" -b "$b" "$SRC" "$TMP/b.mkd"
		printf '| %s | %d | %.1f | %s |\n' "$z" "$b" \
			"$(echo "scale=1; $(stat -c %s "$TMP/b.mkd") / 1048576" | bc)" \
			"$("$RANDREAD" "$TMP/b.mkd" "$READS" 0 |
			   sed -E 's/.* ([0-9]+) reads\/s/\1/')"
	done
done
