#!/usr/bin/python3
"""Print kernel symbols' addresses and u64 values, found in a dump.

Usage: kallsyms.py MKDUMPCTL DUMP... -- NAME...

An oracle for tests, independent of the library's own symbol code: it
decodes the kernel's kallsyms tables (located by VMCOREINFO) from memory
read with `mkdumpctl read --virt`, as Linux 6.1 lays them out (token
compressed names with one- or two-byte lengths, offsets relative to
kallsyms_relative_base with absolute per-CPU symbols).  Prints one line
"NAME 0xADDRESS 0xVALUE" per name, or "NAME - -" if there is none.
"""
import struct
import subprocess
import sys


class Dump:
    def __init__(self, ctl, paths):
        self.ctl, self.paths = ctl, paths
        text = subprocess.run([ctl, "extract", "vmcoreinfo", *paths],
                              check=True, capture_output=True,
                              text=True).stdout
        self.symbols = {}
        for line in text.splitlines():
            if line.startswith("SYMBOL("):
                key, _, value = line.partition("=")
                self.symbols[key[7:-1]] = int(value, 16)

    def read(self, addr, size):
        out = subprocess.run([self.ctl, "read", "--virt", hex(addr),
                              str(size), *self.paths],
                             check=True, capture_output=True).stdout
        if len(out) != size:
            raise SystemExit(f"short read at {addr:#x}")
        return out

    def sym_read(self, name, size):
        return self.read(self.symbols[name], size)


def symbol_table(dump):
    """{name: address} for every kallsyms symbol."""
    num, = struct.unpack("<I", dump.sym_read("kallsyms_num_syms", 4))
    base, = struct.unpack("<Q", dump.sym_read("kallsyms_relative_base", 8))
    offsets = struct.unpack(f"<{num}i",
                            dump.sym_read("kallsyms_offsets", 4 * num))
    index = struct.unpack("<256H", dump.sym_read("kallsyms_token_index", 512))
    table = dump.sym_read("kallsyms_token_table", 16384)
    tokens = [table[i:table.index(b"\0", i)].decode() for i in index]
    # Names take about 11 bytes a symbol; read generously, walk by length.
    names = dump.sym_read("kallsyms_names", 16 * num + 4096)
    pos, result = 0, {}
    for i in range(num):
        length = names[pos]
        pos += 1
        if length & 0x80:
            length = (length & 0x7f) | names[pos] << 7
            pos += 1
        name = "".join(tokens[t] for t in names[pos:pos + length])[1:]
        pos += length
        off = offsets[i]
        result.setdefault(name, off if off >= 0 else base - 1 - off)
    return result


def main():
    args = sys.argv[1:]
    if "--" not in args or args.index("--") < 2:
        raise SystemExit(__doc__.strip().splitlines()[2])
    sep = args.index("--")
    dump = Dump(args[0], args[1:sep])
    table = symbol_table(dump)
    for name in args[sep + 1:]:
        addr = table.get(name)
        if addr is None:
            print(name, "-", "-")
            continue
        value, = struct.unpack("<Q", dump.read(addr, 8))
        print(name, hex(addr), hex(value))


if __name__ == "__main__":
    main()
