# shellcheck shell=bash
# dumps.sh - sourced by the tests on the guest bed's real dumps (after
# tests/cli/lib.sh): which dumps there are, and helpers.  Reads only
# $GUEST_OUT; never writes there.

GUEST_OUT=${GUEST_OUT:-build/guest}
# Dumps the bed always makes; each must be there or is reported missing.
GUEST_REQUIRED="l4/qemu.elf l5/qemu.elf panic/vmcore"

# Hex address $1 (no 0x) plus $2, printed as 0x...; in two 32-bit halves
# so that no shell's signed 64-bit arithmetic can overflow.
add_hex() {
	local hi='' lo
	[ ${#1} -gt 8 ] && hi=${1%????????}
	lo=$((0x${1#"$hi"} + $2))
	printf '0x%x%08x' $((0x${hi:-0} + (lo >> 32))) $((lo & 0xffffffff))
}

# Is every line of file $1 in file $2, in order?  Prints the first that
# is not.
in_order() {
	awk 'BEGIN { n = 0; i = 0 }
	     NR == FNR { want[n++] = $0; next }
	     i < n && $0 == want[i] { i++ }
	     END { if (i < n) { print "first missing: " want[i]; exit 1 } }' \
		"$1" "$2"
}

# One vmcoreinfo value of the dump (files "$@"), by its key $1.
vmcoreinfo() {
	local key=$1
	shift
	"$CTL" extract vmcoreinfo "$@" 2>/dev/null |
		awk -v key="$key" 'index($0, key "=") == 1 {
			print substr($0, length(key) + 2); exit }'
}

# The dumps of one directory, one a line: every file but the bed's own
# notes, and the parts of a split set (NAME.1, NAME.2...) on one line.
dumps_in() {
	local f
	for f in "$1"/*; do
		case ${f##*/} in
		*.txt|*.log|*.env|*.tmp|*.stderr|*.py|*.sh) continue ;;
		*.[2-9]) continue ;;
		*.1) echo "${f%.1}".[0-9] ;;
		*) [ -f "$f" ] && echo "$f" ;;
		esac
	done
}

# Can we open the dump "$2..." (named $1)?  Skips it, saying why, when its
# format is one we cannot read yet; other failures are the test's to see.
dump_opens() {
	local name=$1
	shift
	"$CTL" extract vmcoreinfo "$@" >/dev/null 2>"$T_TMP/open.err" && return 0
	grep -q 'not a dump of any known format' "$T_TMP/open.err" || return 0
	skip "$name: $(head -n 1 "$T_TMP/open.err")"
	return 1
}

# Call "FN DIR NAME FILE..." for every dump of every bed directory (one
# with a truth.env), after saying loudly which required dumps are missing.
for_each_dump() {
	local fn=$1 want truth dir parts name
	for want in $GUEST_REQUIRED; do
		[ -f "$GUEST_OUT/$want" ] ||
			skip "*** $GUEST_OUT/$want does not exist yet: NOT TESTED ***"
	done
	for truth in "$GUEST_OUT"/*/truth.env; do
		[ -f "$truth" ] || continue
		dir=${truth%/truth.env}
		dumps_in "$dir" >"$T_TMP/dumps"
		# fd 3: the tests inside must not eat the list.
		while read -r parts <&3; do
			# shellcheck disable=SC2086
			set -- $parts
			name=${dir##*/}/${1##*/}
			[ $# -gt 1 ] && name="$name (+$(($# - 1)) parts)"
			dump_opens "$name" "$@" && "$fn" "$dir" "$name" "$@"
		done 3<"$T_TMP/dumps"
	done
}
