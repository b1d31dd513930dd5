#!/usr/bin/env bash
# test-formats.sh - real dumps of one guest in several formats must agree.
#
# Uses the guest bed's outputs ($GUEST_OUT, default build/guest; see
# tests/guest/README.md): QEMU's ELF and flattened kdump-zlib of the same
# stopped guest (l4, l5), and a real /proc/vmcore with makedumpfile's
# outputs from it (panic).  Checks that `mkdumpctl info --json` agrees
# across formats, that every page two formats both hold reads the same
# (cmp-dumps), and that libkdumpfile reads the same bytes (kdumpfile-cmp).
# Missing inputs are skipped, loudly.  Run: make check-formats
set -uo pipefail
. "$(dirname "$0")/../cli/lib.sh"

G=${GUEST_OUT:-build/guest}
CMP=${CMP:-$BUILD/tests/cmp-dumps}
KCMP=${KCMP:-$BUILD/tests/kdumpfile-cmp}

# have FILE...: true if all exist under $G, else one loud skip.
have() {
	local f
	for f; do
		if [ ! -e "$G/$f" ]; then
			skip "$f: not in $G (make guest-dumps, or set GUEST_OUT)"
			echo "test-formats: SKIPPING checks that need $G/$f" >&2
			return 1
		fi
	done
}

# info NAME FILE...: mkdumpctl info --json into $T_TMP/NAME.json
info() {
	local name=$1
	shift
	if "$CTL" info --json --set "$@" > "$T_TMP/$name.json" 2> "$T_TMP/err"; then
		pass "info $name"
	else
		fail "info $name: $(head -c 300 "$T_TMP/err")"
	fi
}

# agree WHAT JQ-EXPR A B...: the expression has one value over all A B...
agree() {
	local what=$1 expr=$2 first="" n v
	shift 2
	for n; do
		v=$(jq -c "$expr" "$T_TMP/$n.json" 2>/dev/null)
		[ -z "$first" ] && first=$v
		if [ "$v" != "$first" ]; then
			fail "$what: $1 says $first, $n says $v"
			return
		fi
	done
	pass "$what agree over $*"
}

# expect_json NAME JQ-EXPR DESCRIPTION
expect_json() {
	if jq -e "$2" "$T_TMP/$1.json" > /dev/null; then
		pass "$3"
	else
		fail "$3: $(jq -c "$2" "$T_TMP/$1.json" 2>&1 | head -c 200)"
	fi
}

# compare WHAT WANT-JQ A-FILES... -- B-FILES...: cmp-dumps, then its counts
# (compared differing only_a only_b lost_a lost_b) checked by a jq test.
compare() {
	local what=$1 want=$2 out start end
	shift 2
	start=$(date +%s.%N)
	out=$("$CMP" "$@" 2> "$T_TMP/err")
	end=$(date +%s.%N)
	if [ -z "$out" ]; then
		fail "$what: cmp-dumps failed: $(head -c 300 "$T_TMP/err")"
		return
	fi
	if jq -e -n "$(sed -E 's/([a-z_]+)=([0-9]+)/"\1":\2,/g; s/^/{/; s/,$/}/' \
			<<<"$out") | $want" > /dev/null; then
		pass "$what: $out ($(awk -v a="$start" -v b="$end" "BEGIN { printf \"%.2f\", b - a }") s)"
	else
		fail "$what: $out, wanted $want"
	fi
}

# oracle WHAT FILE...: libkdumpfile reads the same pages
oracle() {
	local what=$1 out
	shift
	if [ ! -x "$KCMP" ]; then
		skip "$what: no kdumpfile-cmp (libkdumpfile-dev missing)"
		return
	fi
	if out=$("$KCMP" -n 3000 -r 100-3ff "$@" 2> "$T_TMP/err"); then
		pass "$what: libkdumpfile agrees: $out"
	else
		fail "$what: libkdumpfile: ${out:-$(head -c 300 "$T_TMP/err")}"
	fi
}

same=".differing == 0 and .only_a == 0 and .only_b == 0 and .compared > 0"
subset=".differing == 0 and .only_b == 0 and .compared > 0"

live() {
	local l=$1 d=$G/$1
	have "$l/qemu.elf" "$l/qemu-kdump-zlib.flat" "$l/truth.env" || return
	. "$d/truth.env"
	info "$l-elf" "$d/qemu.elf"
	info "$l-flat" "$d/qemu-kdump-zlib.flat"
	agree "$l: release, cpus, page size, RAM, max pfn" \
		'[.kernel_release, .cpus, .page_size, .ram_ranges, .max_pfn]' \
		"$l-elf" "$l-flat"
	expect_json "$l-flat" ".kernel_release == \"$RELEASE\" and
		.cpus == $NCPUS and .format == \"kdump\" and
		.container == \"flattened\" and .codecs == \"zlib\" and .complete" \
		"$l: flattened kdump-zlib says what the guest said"
	expect_json "$l-flat" '.pages.present == ([.ram_ranges[] |
		(.end - .start) / 4096] | add)' "$l: QEMU dumps every RAM page"
	compare "$l: ELF vs flattened kdump" "$same" \
		"$d/qemu.elf" -- "$d/qemu-kdump-zlib.flat"
	if command -v makedumpfile > /dev/null; then
		# makedumpfile -R rearranges independently of our container.
		makedumpfile -R "$T_TMP/$l.kdump" < "$d/qemu-kdump-zlib.flat" \
			> /dev/null 2>&1
		compare "$l: flattened vs makedumpfile -R" "$same" \
			"$d/qemu-kdump-zlib.flat" -- "$T_TMP/$l.kdump"
		oracle "$l: rearranged" "$T_TMP/$l.kdump"
		rm -f "$T_TMP/$l.kdump"
	else
		skip "$l: no makedumpfile to rearrange the flattened dump"
	fi
}

panic() {
	local d=$G/panic m n
	have panic/vmcore panic/truth.env panic/md-c-d0.kdump \
		panic/md-l-d31.kdump panic/md-c-d31.kdump panic/md-l-d31.flat \
		panic/md-split-d31.1 panic/md-split-d31.2 panic/md-E-d31.elf ||
		return
	. "$d/truth.env"
	info vmcore "$d/vmcore"
	for m in md-c-d0.kdump md-l-d31.kdump md-c-d31.kdump md-l-d31.flat \
		 md-E-d31.elf; do
		info "$m" "$d/$m"
	done
	info split "$d/md-split-d31.2" "$d/md-split-d31.1"
	n="vmcore md-c-d0.kdump md-l-d31.kdump md-c-d31.kdump md-l-d31.flat
	   md-E-d31.elf split"
	# shellcheck disable=SC2086
	agree "panic: release, cpus, page size, crash time, RAM" \
		'[.kernel_release, .cpus, .page_size, .crash_time, .ram_ranges]' $n
	# shellcheck disable=SC2086
	agree "panic: max pfn" .max_pfn vmcore md-c-d0.kdump md-c-d31.kdump \
		md-l-d31.flat split
	expect_json vmcore ".kernel_release == \"$RELEASE\" and .cpus == $NCPUS" \
		"panic: the vmcore says what the guest said"
	expect_json md-c-d0.kdump '.dump_level == 0 and .codecs == "zlib" and
		.complete and .pages.filtered == 0' "panic: -c -d 0 header"
	expect_json md-l-d31.flat '.dump_level == 31 and .codecs == "lzo" and
		.container == "flattened" and .pages.filtered > 0' \
		"panic: -l -d 31 -F header"
	expect_json split '.files == 2 and .complete' "panic: split set"
	agree "panic: page counts of d31" .pages \
		md-l-d31.kdump md-c-d31.kdump md-l-d31.flat split
	m=$(jq .pages.present "$T_TMP/vmcore.json")
	expect_json md-c-d0.kdump ".pages.present == $m" \
		"panic: -d 0 keeps every page of the vmcore"
	expect_json md-c-d31.kdump ".pages.present + .pages.filtered == $m" \
		"panic: -d 31 keeps or filters every page of the vmcore"

	compare "panic: vmcore vs -c -d 0" "$same" "$d/vmcore" -- "$d/md-c-d0.kdump"
	for m in md-c-d31.kdump md-l-d31.kdump md-l-d31.flat md-E-d31.elf; do
		compare "panic: vmcore vs $m" "$subset" "$d/vmcore" -- "$d/$m"
	done
	compare "panic: vmcore vs split set" "$subset" "$d/vmcore" -- \
		"$d/md-split-d31.1" "$d/md-split-d31.2"
	compare "panic: split set vs -c -d 31" "$same" \
		"$d/md-split-d31.1" "$d/md-split-d31.2" -- "$d/md-c-d31.kdump"
	compare "panic: -l -F vs -l" "$same" "$d/md-l-d31.flat" -- \
		"$d/md-l-d31.kdump"

	# One part alone still opens; the other's pages are not dumped.
	expect_rc 0 "panic: info on one part of the split set" \
		"$CTL" info --json "$d/md-split-d31.2"
	jq -e '.pages["not-dumped"] > 0 and .pages.present > 0' "$T_TMP/out" \
		> /dev/null && pass "panic: one part: the rest is not dumped" \
		|| fail "panic: one part: $(jq -c .pages "$T_TMP/out")"
	for m in md-c-d0.kdump md-c-d31.kdump md-l-d31.flat; do
		expect_rc 0 "panic: verify $m" "$CTL" verify -q "$d/$m"
	done

	for m in md-c-d0.kdump md-l-d31.kdump md-c-d31.kdump md-E-d31.elf \
		 vmcore; do
		oracle "panic: $m" "$d/$m"
	done
	oracle "panic: split set" "$d/md-split-d31.1" "$d/md-split-d31.2"
}

if [ ! -d "$G" ]; then
	skip "no guest outputs in $G (make guest-dumps, or set GUEST_OUT)"
	echo "test-formats: SKIPPING all: $G does not exist" >&2
else
	live l4
	live l5
	panic
fi
finish formats
