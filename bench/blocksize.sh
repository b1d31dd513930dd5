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
READER=$BUILD/bench/bench-read
READS=${READS:-50000}

[ -e "$SRC" ] || { echo "blocksize.sh: no $SRC (make guest-dumps)" >&2; exit 1; }
mkdir -p "$BUILD/bench"
[ -x "$READER" ] || { echo "blocksize.sh: no $READER (make $READER)" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mkd-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

echo "| codec | pages per block | output MiB | random reads/s |"
echo "|---|---:|---:|---:|"
for z in zstd lzo zlib; do
	for b in 1 2 4 8 16 32; do
		"$CTL" capture -z "$z" -b "$b" "$SRC" "$TMP/b.mkd"
		printf '| %s | %d | %.1f | %s |\n' "$z" "$b" \
			"$(echo "scale=1; $(stat -c %s "$TMP/b.mkd") / 1048576" | bc)" \
			"$("$READER" -k -c 0 -r 1 -n "$READS" "$TMP/b.mkd" |
			   awk '$2 == "mkdump" { print $5 }')"
	done
done
