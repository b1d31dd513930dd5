#!/usr/bin/env bash
# make install honours PREFIX and DESTDIR; a program builds against the
# installed library with pkg-config and reads what mkdumpctl reads; the
# shared library exports exactly the functions mkdump.h declares.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
SAN_CFLAGS=
[ "${SANITIZE:-}" = 1 ] && SAN_CFLAGS="-fsanitize=address,undefined"

prefix=$T_TMP/prefix
expect_rc 0 "make install PREFIX=..." \
	make -s -C "$top" install PREFIX="$prefix" BUILD="$BUILD" SANITIZE="${SANITIZE:-}"
for f in bin/mkdumpctl lib/libmkdump.so.1 lib/libmkdump.so lib/libmkdump.a \
	 include/mkdump.h lib/pkgconfig/libmkdump.pc share/man/man8/mkdumpctl.8; do
	[ -e "$prefix/$f" ] || fail "installed $f"
done
pass "every file is installed"
expect_rc 0 "make install DESTDIR=..." \
	make -s -C "$top" install PREFIX=/usr DESTDIR="$T_TMP/dest" BUILD="$BUILD" SANITIZE="${SANITIZE:-}"
[ -e "$T_TMP/dest/usr/lib/libmkdump.so.1" ] && grep -q '^prefix=/usr$' \
	"$T_TMP/dest/usr/lib/pkgconfig/libmkdump.pc" \
	&& pass "DESTDIR stages, the .pc names the real prefix" \
	|| fail "DESTDIR stages, the .pc names the real prefix"

soname=$(readelf -d "$prefix/lib/libmkdump.so.1" | sed -nE 's/.*SONAME.*\[(.*)\]/\1/p')
[ "$soname" = libmkdump.so.1 ] && pass "soname is libmkdump.so.1" \
	|| fail "soname is '$soname'"

# Exports: the functions declared in mkdump.h, nothing else.
grep -v '^typedef' "$top/libmkdump/mkdump.h" | grep -oE '\bmkd_[a-z0-9_]+\(' | tr -d '(' |
	sort -u > "$T_TMP/declared"
nm -D --defined-only "$prefix/lib/libmkdump.so.1" |
	awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort -u > "$T_TMP/exported"
if diff "$T_TMP/declared" "$T_TMP/exported" > "$T_TMP/diff"; then
	pass "exports are exactly mkdump.h's functions ($(wc -l < "$T_TMP/exported"))"
else
	fail "exports differ from mkdump.h (< declared, > exported): $(tr '\n' ' ' < "$T_TMP/diff")"
fi

export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
if cc $SAN_CFLAGS $(pkg-config --cflags libmkdump) -o "$T_TMP/embed" \
	"$top/tests/cli/embed.c" $(pkg-config --libs libmkdump) 2> "$T_TMP/err"; then
	pass "a program builds with pkg-config --cflags --libs libmkdump"
else
	fail "a program builds with pkg-config: $(cat "$T_TMP/err")"
fi
gen elf "$T_TMP/e.elf" <<'SPEC'
ram 0 200000
SPEC
LD_LIBRARY_PATH=$prefix/lib "$T_TMP/embed" "$T_TMP/e.elf" 0x1ff000 8192 \
	> "$T_TMP/embed.out" 2> "$T_TMP/embed.err"
"$CTL" read 0x1ff000 4096 "$T_TMP/e.elf" > "$T_TMP/ctl.out"
if cmp -s "$T_TMP/embed.out" "$T_TMP/ctl.out" &&
   [ "$(cat "$T_TMP/embed.err")" = "elf 4096" ]; then
	pass "the embedded library reads what mkdumpctl reads, and stops at the end"
else
	fail "the embedded library: $(cat "$T_TMP/embed.err")"
fi
finish install
