#!/bin/bash
# Turn the real vmcore into Debian makedumpfile's output formats.
#
# usage: run-makedumpfile.sh DIR
#
# Reads DIR/vmcore (from run-panic.sh; makedumpfile finds everything it
# needs in its VMCOREINFO note, no vmlinux) and writes into DIR:
#   md-c-d0.kdump         -c -d 0     kdump-compressed, zlib, nothing filtered
#   md-l-d31.kdump        -l -d 31    kdump-compressed, lzo, fully filtered
#   md-c-d31.kdump        -c -d 31    kdump-compressed, zlib, fully filtered
#   md-l-d31.flat         -l -d 31 -F flattened, written to stdout
#   md-split-d31.{1,2}    --split -d 31 -c, two files
#   md-E-d31.elf          -E -d 31    ELF, fully filtered
#   makedumpfile.txt      one line per mode: ok/FAILED, command, time
#   makedumpfile.log      everything makedumpfile printed
# A mode that fails does not stop the others: it is listed as FAILED with
# makedumpfile's last message and a warning is printed, but the script still
# succeeds so that one broken mode does not take the whole bed down;
# check-bed.sh reports the missing file together with that reason.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Common and error messages, no progress bar.
MSG=(--message-level 6)
# makedumpfile splits at "splitblock" boundaries, 1 GiB by default: with a
# 512 MiB guest the second file would be empty.
SPLIT=(--split --splitblock-size 1024)

# run_mode OUTPUT... -- ARGS...: run makedumpfile ARGS, expect OUTPUTs.
run_mode() {
	local outs=() f t rc=0
	while [ "$1" != -- ]; do
		outs+=("$1")
		shift
	done
	shift
	t=$(now)
	printf '\n$ makedumpfile %s\n' "$*" >>"$LOG"
	(cd "$TMP" && makedumpfile "${MSG[@]}" "$@") >>"$LOG" 2>&1 || rc=$?
	record "$rc" "$t" "${outs[*]}" "$*"
}

# run_flat OUTPUT ARGS...: like run_mode, for a dump written to stdout.
run_flat() {
	local out=$1 t rc=0
	shift
	t=$(now)
	printf '\n$ makedumpfile %s > %s\n' "$*" "$out" >>"$LOG"
	(cd "$TMP" && makedumpfile "${MSG[@]}" "$@") >"$TMP/$out" 2>>"$LOG" ||
		rc=$?
	record "$rc" "$t" "$out" "$* > $out"
}

# record STATUS START OUTPUTS COMMAND: note the outcome in the summary.
record() {
	local rc=$1 t=$2 outs=$3 cmd=$4 f why=""
	for f in $outs; do
		[ "$rc" -ne 0 ] || [ -s "$TMP/$f" ] || { rc=1; why="no $f"; }
	done
	if [ "$rc" -eq 0 ]; then
		printf 'ok      %-28s %5ss  makedumpfile %s\n' \
			"$outs" "$(elapsed "$t")" "$cmd" >>"$SUMMARY"
		return 0
	fi
	[ -n "$why" ] || why=$(grep -v '^$' "$LOG" | tail -n 1)
	printf 'FAILED  %-28s makedumpfile %s: %s\n' "$outs" "$cmd" "$why" \
		>>"$SUMMARY"
	FAILED=$((FAILED + 1))
}

main() {
	[ $# -eq 1 ] || die "usage: $GUEST_PROG DIR"
	local dir=$1 t0 f
	need_cmd makedumpfile
	need_file "$dir/vmcore" "run run-panic.sh first"
	dir=$(cd "$dir" && pwd)
	TMP=$(mktemp -d "$dir/.makedumpfile.XXXXXX")
	trap 'rm -rf "$TMP"' EXIT
	LOG=$TMP/makedumpfile.log
	SUMMARY=$TMP/makedumpfile.txt
	FAILED=0
	# Run next to a link named vmcore so that the log and summary show
	# commands as one would type them.
	ln -s ../vmcore "$TMP/vmcore"
	local v=vmcore

	t0=$(now)
	run_mode md-c-d0.kdump -- -c -d 0 "$v" md-c-d0.kdump
	run_mode md-l-d31.kdump -- -l -d 31 "$v" md-l-d31.kdump
	run_mode md-c-d31.kdump -- -c -d 31 "$v" md-c-d31.kdump
	run_flat md-l-d31.flat -l -d 31 -F "$v"
	run_mode md-split-d31.1 md-split-d31.2 -- "${SPLIT[@]}" -d 31 -c "$v" \
		md-split-d31.1 md-split-d31.2
	run_mode md-E-d31.elf -- -E -d 31 "$v" md-E-d31.elf
	step "makedumpfile, all modes" "$t0"

	rm -f "$TMP/vmcore" "$dir"/md-* "$dir"/makedumpfile.*
	for f in "$TMP"/*; do
		chmod 644 "$f"
		mv "$f" "$dir/"
	done
	cat "$dir/makedumpfile.txt" >&2
	[ "$FAILED" -eq 0 ] ||
		note "WARNING: $FAILED makedumpfile mode(s) failed; see '$dir/makedumpfile.txt'"
}

main "$@"
