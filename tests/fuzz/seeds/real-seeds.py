#!/usr/bin/python3
"""real-seeds.py - cut the BTF and kallsyms fuzz seeds from a real dump.

    real-seeds.py MKDUMPCTL DUMP OUTDIR

OUTDIR/btf/kernel.btf: the first 400 types of the kernel's BTF, with
references to later types turned into void and only the strings kept
that those types name.  OUTDIR/kallsyms/kernel.kallsyms: the kernel's
token tables with its first 300 symbols, laid out as fuzz-kallsyms.c
reads them.  Everything is read through mkdumpctl.
"""
import os
import struct
import subprocess
import sys

NTYPES, NSYMS = 400, 300


def ctl(*args):
    return subprocess.run([CTL, *args], check=True,
                          capture_output=True).stdout


def virt(addr, length):
    return ctl("read", "--virt", hex(addr), str(length), "--", DUMP)


def sym(name):
    out = ctl("sym", name, "--", DUMP).split()
    return int(out[0], 16)


def vmcoreinfo():
    text = ctl("extract", "vmcoreinfo", DUMP).decode()
    return dict(l.split("=", 1) for l in text.splitlines() if "=" in l)


# BTF: kind -> bytes of data after the 12-byte record, given vlen
DATA = {1: lambda v: 4, 2: lambda v: 0, 3: lambda v: 12, 4: lambda v: 12 * v,
        5: lambda v: 12 * v, 6: lambda v: 8 * v, 7: lambda v: 0,
        8: lambda v: 0, 9: lambda v: 0, 10: lambda v: 0, 11: lambda v: 0,
        12: lambda v: 0, 13: lambda v: 8 * v, 14: lambda v: 4,
        15: lambda v: 12 * v, 16: lambda v: 0, 17: lambda v: 4,
        18: lambda v: 0, 19: lambda v: 12 * v}
# kinds whose size_or_type is a type id
REF = {2, 7, 8, 9, 10, 11, 12, 13, 14, 17, 18}


def btf_seed():
    start, stop = sym("__start_BTF"), sym("__stop_BTF")
    blob = virt(start, stop - start)
    hdr_len, toff, tlen, soff, slen = struct.unpack_from("<5I", blob, 4)
    types = blob[hdr_len + toff:hdr_len + toff + tlen]
    strs = blob[hdr_len + soff:hdr_len + soff + slen]
    new_strs, str_map = bytearray(b"\0"), {0: 0}

    def s(off):
        if off not in str_map:
            end = strs.index(b"\0", off)
            str_map[off] = len(new_strs)
            new_strs.extend(strs[off:end + 1])
        return str_map[off]

    def t(i):
        return i if i <= NTYPES else 0

    out, pos = bytearray(), 0
    for _ in range(NTYPES):
        name, info, st = struct.unpack_from("<3I", types, pos)
        kind, vlen = info >> 24 & 0x1f, info & 0xffff
        data = bytearray(types[pos + 12:pos + 12 + DATA[kind](vlen)])
        pos += 12 + len(data)
        if kind in REF:
            st = t(st)
        if kind == 3:
            a, b, n = struct.unpack_from("<3I", data)
            struct.pack_into("<3I", data, 0, t(a), t(b), n)
        elif kind in (4, 5, 15):
            for i in range(vlen):
                n, ty, off = struct.unpack_from("<3I", data, 12 * i)
                struct.pack_into("<3I", data, 12 * i, s(n),
                                 ty if kind == 15 else t(ty), off)
        elif kind in (6, 13):
            for i in range(vlen):
                n, v = struct.unpack_from("<2I", data, 8 * i)
                struct.pack_into("<2I", data, 8 * i, s(n),
                                 t(v) if kind == 13 else v)
        elif kind == 19:
            for i in range(vlen):
                n = struct.unpack_from("<I", data, 12 * i)[0]
                struct.pack_into("<I", data, 12 * i, s(n))
        out += struct.pack("<3I", s(name), info, st) + data
    hdr = struct.pack("<HBBIIIII", 0xeb9f, 1, 0, 24, 0, len(out), len(out),
                      len(new_strs))
    return hdr + out + new_strs


def kallsyms_seed():
    v = vmcoreinfo()
    a = {k[7:-1]: int(x, 16) for k, x in v.items() if k.startswith("SYMBOL(kallsyms")}
    base = struct.unpack("<Q", virt(a["kallsyms_relative_base"], 8))[0]
    index = virt(a["kallsyms_token_index"], 512)
    last = max(struct.unpack("<256H", index))
    table = virt(a["kallsyms_token_table"], last + 64)
    table = table[:table.index(b"\0", last) + 1]
    offsets = virt(a["kallsyms_offsets"], 4 * NSYMS)
    names = virt(a["kallsyms_names"], 64 * NSYMS)
    pos = 0
    for _ in range(NSYMS):
        n = names[pos]
        if n & 0x80:
            n = (n & 0x7f) | names[pos + 1] << 7
            pos += 1
        pos += 1 + n
    return (struct.pack("<IQHH", NSYMS, base, len(table), 0) + index +
            table + offsets + names[:pos])


def main():
    global CTL, DUMP
    CTL, DUMP, outdir = sys.argv[1:4]
    for sub, name, data in (("btf", "kernel.btf", btf_seed()),
                            ("kallsyms", "kernel.kallsyms", kallsyms_seed())):
        os.makedirs(os.path.join(outdir, sub), exist_ok=True)
        open(os.path.join(outdir, sub, name), "wb").write(data)


if __name__ == "__main__":
    main()
