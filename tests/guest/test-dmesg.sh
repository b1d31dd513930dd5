#!/usr/bin/env bash
# test-dmesg.sh - the kernel log and kernel virtual reads on real dumps.
#
# For every dump file under $GUEST_OUT/<dir>/ (a directory with a
# truth.env and dmesg.txt, made by the guest test bed), check that
#   kmsg     `mkdumpctl extract dmesg` has the KMSG_LINE the guest logged;
#   dmesg    every line of the guest's own dmesg.txt (taken shortly before
#            the dump) is in our output, in order, compared by text;
#   format   ... and also with the same "[seconds.micros] " prefix;
#   json     `extract --json dmesg` parses and holds KMSG_LINE as a text;
#   release  `read --virt` of init_uts_ns.name shows RELEASE (this proves
#            the page table walk: 4- and 5-level, KASLR, phys_base).
# Files of a format we cannot open yet ("not a dump of any known format")
# and dumps the bed has not made yet are skipped, loudly.
#
# Usage: GUEST_OUT=build/guest BUILD=build tests/guest/test-dmesg.sh
# Prints one line per check and ends with "N passed, N failed, N skipped"
# (tests/cli/lib.sh, which also records the counts for make check); exits
# non-zero if a check failed.
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/dumps.sh"
tmp=$T_TMP

# The text of dmesg lines: without the "[ seconds.micros] " prefix.
strip_prefix() {
	sed -E 's/^\[ *[0-9]+\.[0-9]+\] ?//' "$1"
}

check_kmsg() {
	if grep -qxF -- "$KMSG_LINE" "$tmp/text"; then
		pass "$name: kmsg: '$KMSG_LINE' is in the log"
	else
		fail "$name: kmsg: '$KMSG_LINE' is not in the log"
	fi
}

check_dmesg() {
	local why
	strip_prefix "$dir/dmesg.txt" >"$tmp/want"
	if why=$(in_order "$tmp/want" "$tmp/text"); then
		pass "$name: dmesg: all $(wc -l <"$tmp/want") lines of dmesg.txt, in order"
	else
		fail "$name: dmesg: $why"
	fi
	if why=$(in_order "$dir/dmesg.txt" "$tmp/out"); then
		pass "$name: format: the same lines with the same timestamps"
	else
		fail "$name: format: $why"
	fi
}

check_json() {
	if "$CTL" extract --json dmesg "$@" >"$tmp/json" 2>"$tmp/err" &&
	   jq -e --arg k "$KMSG_LINE" 'any(.[]; .text == $k)' \
		"$tmp/json" >/dev/null 2>&1; then
		pass "$name: json: $(jq length "$tmp/json") records, KMSG_LINE among them"
	else
		fail "$name: json: no valid JSON log with KMSG_LINE ($(head -c 200 "$tmp/err"))"
	fi
}

check_release() {
	local sym off addr got
	sym=$(vmcoreinfo 'SYMBOL(init_uts_ns)' "$@")
	off=$(vmcoreinfo 'OFFSET(uts_namespace.name)' "$@")
	if [ -z "$sym" ] || [ -z "$off" ]; then
		fail "$name: release: no init_uts_ns in vmcoreinfo"
		return
	fi
	# struct new_utsname: sysname, nodename, release... 65 bytes each.
	addr=$(add_hex "$sym" $((off + 2 * 65)))
	got=$("$CTL" read --virt "$addr" 65 "$@" 2>"$tmp/err" | tr -d '\0' | LC_ALL=C tr -c '[:print:]' '?')
	if [ "$got" = "$RELEASE" ]; then
		pass "$name: release: '$got' at $addr"
	else
		fail "$name: release: '$got' at $addr, want '$RELEASE' ($(head -c 200 "$tmp/err"))"
	fi
}

# All checks on the dump NAME of bed directory DIR, made of FILE...; the
# checks above see dir, name and the truth.env values through it.
check_dump() {
	local dir=$1 name=$2 rc KMSG_LINE='' RELEASE=''
	shift 2
	# shellcheck disable=SC1091
	. "$dir/truth.env"
	if [ ! -s "$dir/dmesg.txt" ] || [ -z "$KMSG_LINE" ] || [ -z "$RELEASE" ]; then
		fail "$name: truth.env or dmesg.txt incomplete"
		return
	fi
	"$CTL" extract dmesg "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "$name: extract dmesg exits $rc: $(head -c 300 "$tmp/err")"
	else
		pass "$name: extract dmesg: $(wc -l <"$tmp/out") lines"
	fi
	strip_prefix "$tmp/out" >"$tmp/text"
	check_kmsg
	check_dmesg
	check_json "$@"
	check_release "$@"
}

if [ ! -x "$CTL" ]; then
	echo "test-dmesg: no '$CTL'; run make first (or set BUILD)" >&2
	exit 2
fi
if ! command -v jq >/dev/null; then
	echo "test-dmesg: jq is needed (make deps)" >&2
	exit 2
fi
for_each_dump check_dump
finish guest-dmesg
