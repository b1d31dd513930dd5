#!/usr/bin/env bash
# bench/capture.sh [DUMP] - mkdumpctl capture against makedumpfile and
# zstd on one /proc/vmcore-style ELF, side by side in one run, and random
# page reads from what they wrote.
#
# DUMP defaults to the benchmark guest ($BUILD/bench/guest/qemu.elf, made
# by `make bench-guest`); the test bed's panic/vmcore works too.  Prints
# markdown tables:
#   - the dump's page classes (mkdumpctl pages at -d 31, zero pages at -d 1)
#   - capture at -d 0 and -d 31: wall and CPU (user+sys) seconds, peak
#     RSS, output size, for mkdumpctl (each codec, --threads 1 and 2),
#     makedumpfile -c and -l, and zstd -1 of the whole ELF (CODECS, default
#     "zlib lzo zstd zstd:-1": zstd at its fast level -1 too); best wall
#     time of REPS runs (default 2).  Ratios: speed per core (bytes in
#     per CPU second) and wall speed relative to makedumpfile -l at the
#     same level, output size relative to makedumpfile -c
#   - random 4 KiB reads (bench-read -k: files in the OS cache, a first
#     pass then a warm one) from the ELF, from mkd files and from
#     makedumpfile's output (through libmkdump and libkdumpfile)
#   - the issue's goals, as measured (reported, never asserted)
# Needs a built tree (make, and $BUILD/bench/bench-read), makedumpfile,
# zstd, jq, bc.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SRC=${1:-$BUILD/bench/guest/qemu.elf}
REPS=${REPS:-2}
READS=${READS:-200000}
CTL=$BUILD/mkdumpctl
READER=$BUILD/bench/bench-read
CODECS=${CODECS:-"zlib lzo zstd zstd:-1"}
LEVELS="0 31"

die() { echo "capture.sh: $*" >&2; exit 1; }
[ -e "$SRC" ] || die "no $SRC (make bench-guest)"
[ -x "$CTL" ] || die "no $CTL (make)"
[ -x "$READER" ] || die "no $READER (make $READER)"
for c in makedumpfile zstd jq bc; do
	command -v "$c" > /dev/null || die "need $c"
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mkd-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cat "$SRC" > /dev/null	# every run reads its input from the OS cache
IN_BYTES=$(stat -c %s "$SRC")

# calc EXPR: bc with 3 decimals.
calc() { echo "scale=3; $1" | bc; }

# measure NAME OUT CMD...: best wall time of REPS runs; sets the globals
# WALL CPU RSS SIZE (seconds, seconds, MiB, bytes) and keeps NAME's
# numbers in R_<field>[NAME].
declare -A R_WALL R_CPU R_RSS R_SIZE
measure() {
	local name=$1 out=$2 best= line i
	shift 2
	for ((i = 0; i < REPS; i++)); do
		rm -f "$out"
		/usr/bin/time -f "%e %U %S %M" -o "$TMP/time" "$@" \
			> /dev/null 2> "$TMP/err" ||
			{ cat "$TMP/err" >&2; die "'$name' failed"; }
		line=$(tail -n 1 "$TMP/time")
		if [ -z "$best" ] || [ "$(calc "${line%% *} < ${best%% *}")" = 1 ]; then
			best=$line
		fi
	done
	set -- $best
	R_WALL[$name]=$1
	R_CPU[$name]=$(calc "$2 + $3")
	R_RSS[$name]=$(($4 / 1024))
	R_SIZE[$name]=$(stat -c %s "$out")
}

# row NAME LEVEL: one table row, ratios against makedumpfile at LEVEL.
row() {
	local n=$1 d=$2 cpu=${R_CPU[$1]} wall=${R_WALL[$1]}
	local l="makedumpfile -l -d $d" c="makedumpfile -c -d $d"
	printf '| %s | %.2f | %.2f | %d | %.1f | %.0f | %.2f | %.2f | %.2f |\n' \
		"$n" "$wall" "$cpu" "${R_RSS[$n]}" \
		"$(calc "${R_SIZE[$n]} / 1048576")" \
		"$(calc "$IN_BYTES / 1048576 / ($cpu + 0.001)")" \
		"$(calc "${R_CPU[$l]} / ($cpu + 0.001)")" \
		"$(calc "${R_WALL[$l]} / ($wall + 0.001)")" \
		"$(calc "${R_SIZE[$n]} / ${R_SIZE[$c]}")"
}

page_classes() {
	local j31 j1
	j31=$("$CTL" pages --json -d 31 "$SRC")
	j1=$("$CTL" pages --json -d 1 "$SRC")
	echo "| class (mkdumpctl pages) | pages | MiB |"
	echo "|---|---:|---:|"
	for c in free cache cache-private user; do
		jq -r --arg c "$c" '.classes[] | select(.class == $c) |
			"| \(.class) | \(.pages) | \(.pages * 4096 / 1048576 | floor) |"' \
			<<< "$j31"
	done
	jq -r '"| other, kept at -d 31 | \(.kept) | \(.kept * 4096 / 1048576 | floor) |"' <<< "$j31"
	jq -r '.classes[] | select(.class == "zero") |
		"| zero (at -d 1, any class) | \(.pages) | \(.pages * 4096 / 1048576 | floor) |"' <<< "$j1"
	jq -r '"| all | \(.pages) | \(.pages * 4096 / 1048576 | floor) |"' <<< "$j31"
}

capture_table() {
	local d z t n
	echo "| capture | wall s | CPU s | peak RSS MiB | output MiB | MiB in per CPU s | speed/core vs md -l | wall speed vs md -l | size vs md -c |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	for d in $LEVELS; do
		for z in l c; do
			measure "makedumpfile -$z -d $d" "$TMP/md-$z-$d.kdump" \
				makedumpfile "-$z" -d "$d" "$SRC" "$TMP/md-$z-$d.kdump"
		done
		for z in $CODECS; do
			for t in 1 2; do
				n="mkdumpctl -d $d -z $z --threads $t"
				measure "$n" "$TMP/mkd-$z-$d.mkd" "$CTL" capture \
					-d "$d" -z "$z" --threads "$t" "$SRC" \
					"$TMP/mkd-$z-$d.mkd"
				row "$n" "$d"
			done
		done
		row "makedumpfile -c -d $d" "$d"
		row "makedumpfile -l -d $d" "$d"
	done
	measure "zstd -1 of the ELF" "$TMP/elf.zst" \
		sh -c "zstd -1 -q -c '$SRC' > '$TMP/elf.zst'"
	row "zstd -1 of the ELF" 0
	measure "zstd -1 -T2 of the ELF" "$TMP/elf.zst" \
		sh -c "zstd -1 -T2 -q -c '$SRC' > '$TMP/elf.zst'"
	row "zstd -1 -T2 of the ELF" 0
}

# reads: bench-read on the ELF and on what the captures at -d 0 wrote
# (they hold the same pages, so every file gets the same addresses).
read_table() {
	local z
	# Named for the table, which shows the last two path components.
	mkdir -p "$TMP/d0"
	mv "$TMP/md-c-0.kdump" "$TMP/d0/makedumpfile-c.kdump"
	for z in $CODECS; do
		mv "$TMP/mkd-$z-0.mkd" "$TMP/d0/mkd-$z.mkd"
	done
	echo '```'
	"$READER" -k -n "$READS" -r 3 "$SRC" "$TMP"/d0/mkd-*.mkd \
		"$TMP/d0/makedumpfile-c.kdump" | tee "$TMP/reads"
	echo '```'
}

goals() {
	local d z n l elf
	echo "- speed per core >= 3x makedumpfile -l with output <= makedumpfile -c:"
	for d in $LEVELS; do
		l="makedumpfile -l -d $d"
		for z in $CODECS; do
			n="mkdumpctl -d $d -z $z --threads 1"
			printf '  - -d %s -z %s: %.2fx speed per core, size %.2fx of -c\n' \
				"$d" "$z" "$(calc "${R_CPU[$l]} / (${R_CPU[$n]} + 0.001)")" \
				"$(calc "${R_SIZE[$n]} / ${R_SIZE["makedumpfile -c -d $d"]}")"
		done
	done
	echo "- threads (wall at --threads 1 / wall at --threads 2; $(nproc) vCPUs):"
	for d in $LEVELS; do
		for z in $CODECS; do
			n="mkdumpctl -d $d -z $z --threads"
			printf '  - -d %s -z %s: %.2fx\n' "$d" "$z" \
				"$(calc "${R_WALL["$n 1"]} / (${R_WALL["$n 2"]} + 0.001)")"
		done
	done
	echo "- random reads, warm, mkd over the uncompressed ELF (libmkdump both):"
	elf=$(awk -v f="${SRC##*/}" '$1 ~ f && $2 == "mkdump" { print $5; exit }' "$TMP/reads")
	for z in $CODECS; do
		n=$(awk -v f="d0/mkd-$z.mkd" '$1 == f && $2 == "mkdump" { print $5; exit }' "$TMP/reads")
		printf '  - -z %s: %s / %s reads/s = %.2fx\n' "$z" "$n" "$elf" \
			"$(calc "$n / $elf")"
	done
}

main() {
	echo "Input: $SRC, $IN_BYTES bytes; $(nproc) vCPUs" \
		"($(grep -m 1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')); $(date -u '+%F %H:%M UTC')"
	echo "makedumpfile $(makedumpfile -v 2>&1 | sed -n 's/.*version \([^ ]*\).*/\1/p' | head -n 1)," \
		"$(zstd -V | sed 's/.*\(v[0-9.]*\).*/zstd \1/'), best wall time of $REPS runs"
	echo
	page_classes
	echo
	capture_table
	echo
	read_table
	echo
	goals
}

main
