#!/usr/bin/env bash
# mkdumpctl sym and type on synthetic dumps: System.map loading and
# relocation, a small --vmlinux (symbols, DWARF types, refusals), lookups
# both ways, clear errors when the dump has no kallsyms or BTF, argument
# handling.  Real kernels: tests/guest.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

gen elf "$T_TMP/plain.elf" <<'SPEC'
vmcoreinfo OSRELEASE=6.1.0-cli
ram 0 100000
SPEC
gen elf "$T_TMP/kaslr.elf" <<'SPEC'
vmcoreinfo OSRELEASE=6.1.0-cli
vmcoreinfo SYMBOL(_stext)=ffffffff81201000
vmcoreinfo KERNELOFFSET=200000
ram 0 100000
SPEC

cat > "$T_TMP/System.map" <<'MAP'
0000000000000000 D fixed_percpu_data
0000000000001000 D cpu_number
ffffffff81000000 T _text
ffffffff81000000 T startup_64
ffffffff81001000 T _stext
ffffffff81001040 T panic
ffffffff81001100 t helper
ffffffff81002000 D _end
MAP

for c in sym type; do
	expect_rc 0 "$c --help" "$CTL" "$c" --help
	grep -q "^usage: mkdumpctl $c" "$T_TMP/out" || fail "$c --help text"
	expect_rc 2 "$c without arguments" "$CTL" "$c"
done
expect_rc 2 "sym with a bad address" "$CTL" sym 0xzz "$T_TMP/plain.elf"

# No kallsyms lines in VMCOREINFO: a clear error, exit 1.
expect_rc 1 "sym without kallsyms fails" "$CTL" sym panic "$T_TMP/plain.elf"
grep -q "did not export its symbol table" "$T_TMP/err" &&
	pass "and says the kernel did not export its table" ||
	fail "no-kallsyms message: $(cat "$T_TMP/err")"
expect_rc 1 "type without BTF fails" "$CTL" type task_struct "$T_TMP/plain.elf"
grep -q "finding the kernel's BTF" "$T_TMP/err" &&
	pass "and says it found no BTF" ||
	fail "no-BTF message: $(cat "$T_TMP/err")"

# A System.map on a dump without KASLR: addresses as written.
expect_rc 0 "sym with a System.map" "$CTL" sym -m "$T_TMP/System.map" \
	panic 0xffffffff81001044 "$T_TMP/plain.elf"
grep -q '^0x' "$T_TMP/out" &&
	grep -q '^0xffffffff81001040 T panic size 0xc0$' "$T_TMP/out" &&
	grep -q '^0xffffffff81001044 panic+0x4/0xc0$' "$T_TMP/out" &&
	pass "name to address and address to name+offset/size" ||
	fail "System.map lookups: $(cat "$T_TMP/out")"

# KERNELOFFSET moves image symbols, not per-CPU offsets.
expect_rc 0 "sym --json with KASLR" "$CTL" sym --json -m "$T_TMP/System.map" \
	panic cpu_number 0xffffffff81201100 "$T_TMP/kaslr.elf"
if /usr/bin/python3 - "$T_TMP/out" <<'PY'
import json, sys
r = {o["query"]: o for o in json.load(open(sys.argv[1]))}
assert r["panic"]["address"] == 0xffffffff81201040, r["panic"]
assert r["panic"]["source"] == "system-map" and r["panic"]["type"] == "T"
assert r["cpu_number"]["address"] == 0x1000, r["cpu_number"]
assert r["cpu_number"]["size"] == 0, "a per-CPU offset runs to nothing"
a = r["0xffffffff81201100"]
assert (a["name"], a["offset"], a["size"]) == ("helper", 0, 0xf00), a
PY
then pass "KASLR moves the image, not per-CPU offsets"
else fail "KASLR relocation: $(cat "$T_TMP/out")"
fi

# A map of another build, and Debian's placeholder, are refused.
sed 's/81001000 T _stext/81002000 T _stext/' "$T_TMP/System.map" > "$T_TMP/other.map"
expect_rc 2 "a System.map of another kernel is refused" \
	"$CTL" sym -m "$T_TMP/other.map" panic "$T_TMP/kaslr.elf"
grep -q "not this kernel's" "$T_TMP/err" && pass "and says why" ||
	fail "mismatch message: $(cat "$T_TMP/err")"
echo 'ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package' \
	> "$T_TMP/placeholder.map"
expect_rc 2 "Debian's placeholder System.map is refused" \
	"$CTL" sym -m "$T_TMP/placeholder.map" panic "$T_TMP/plain.elf"
grep -q "placeholder" "$T_TMP/err" && pass "and is called a placeholder" ||
	fail "placeholder message: $(cat "$T_TMP/err")"

# --list is /proc/kallsyms' format; a miss exits 1 but answers the rest.
expect_rc 0 "sym --list" "$CTL" sym --list -m "$T_TMP/System.map" "$T_TMP/plain.elf"
[ "$(wc -l < "$T_TMP/out")" = 8 ] &&
	grep -q '^ffffffff81001040 T panic$' "$T_TMP/out" &&
	pass "--list prints every symbol like /proc/kallsyms" ||
	fail "--list: $(cat "$T_TMP/out")"
expect_rc 1 "a missing symbol exits 1" "$CTL" sym -m "$T_TMP/System.map" \
	nosuch panic "$T_TMP/plain.elf"
grep -q "T panic" "$T_TMP/out" && grep -q "no symbol 'nosuch'" "$T_TMP/err" &&
	pass "the other queries are still answered" ||
	fail "partial answers: $(cat "$T_TMP/out" "$T_TMP/err")"

# --vmlinux: a small ELF with DWARF that says it is the dump's release
# gives symbols and types; one of another release, a file that is not
# ELF and a missing file are refused with the reason.
cat > "$T_TMP/vmlinux.c" <<'C'
const char linux_banner[] = "Linux version RELEASE (cli test)";
struct task_struct { int pid; char comm[16]; unsigned int flags : 3; };
struct task_struct init_task;
int panic(void) { return init_task.pid; }
C
sed 's/RELEASE/6.1.0-cli/' "$T_TMP/vmlinux.c" > "$T_TMP/good.c"
sed 's/RELEASE/6.1.0-other/' "$T_TMP/vmlinux.c" > "$T_TMP/other.c"
if gcc -g -shared -fPIC -Wl,--build-id=none -o "$T_TMP/vmlinux" "$T_TMP/good.c" &&
   gcc -g -shared -fPIC -Wl,--build-id=none -o "$T_TMP/vmlinux-other" "$T_TMP/other.c"; then
	expect_rc 0 "type --vmlinux" "$CTL" type --json --vmlinux "$T_TMP/vmlinux" \
		task_struct.comm task_struct.flags -- "$T_TMP/plain.elf"
	grep -q '"offset": *4,' "$T_TMP/out" && grep -q '"bit_offset": *160' "$T_TMP/out" &&
		pass "types come from the vmlinux's DWARF" ||
		fail "type --vmlinux: $(cat "$T_TMP/out")"
	expect_rc 0 "sym --vmlinux" "$CTL" sym --json --vmlinux "$T_TMP/vmlinux" \
		panic init_task -- "$T_TMP/plain.elf"
	grep -q '"source": *"vmlinux"' "$T_TMP/out" &&
		grep -q '"name": *"init_task"' "$T_TMP/out" &&
		pass "symbols come from the vmlinux's symbol table" ||
		fail "sym --vmlinux: $(cat "$T_TMP/out")"
	expect_rc 2 "a vmlinux of another release is refused" "$CTL" type \
		--vmlinux "$T_TMP/vmlinux-other" task_struct -- "$T_TMP/plain.elf"
	grep -q "it is 6.1.0-other, the dump is 6.1.0-cli" "$T_TMP/err" &&
		pass "the refusal names both releases" ||
		fail "refusal: $(cat "$T_TMP/err")"
else
	fail "gcc cannot build the test vmlinux"
fi
expect_rc 2 "a vmlinux that is not ELF is refused" "$CTL" sym \
	--vmlinux "$T_TMP/System.map" panic -- "$T_TMP/plain.elf"
grep -q "not an ELF file" "$T_TMP/err" && pass "... saying so" ||
	fail "not ELF: $(cat "$T_TMP/err")"
expect_rc 1 "a missing vmlinux is an error" "$CTL" sym \
	--vmlinux "$T_TMP/nosuch" panic -- "$T_TMP/plain.elf"

# A query that is also a file name: -- says where the dump starts.
ctl=$(cd "$(dirname "$CTL")" && pwd)/$(basename "$CTL")
( cd "$T_TMP" && "$ctl" sym -m System.map panic -- plain.elf ) \
	> "$T_TMP/out" 2>&1 && grep -q "T panic" "$T_TMP/out" &&
	pass "-- separates queries from the dump" ||
	fail "-- handling: $(cat "$T_TMP/out")"
finish cli-syms
