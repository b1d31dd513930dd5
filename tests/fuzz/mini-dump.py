#!/usr/bin/env python3
"""mini-dump.py - cut a real x86_64 dump down to a fuzz seed.

    mini-dump.py MKDUMPCTL DUMP OUT

Keeps the notes (registers, VMCOREINFO) and only the pages needed to
translate and read a few kernel addresses: the kernel text, the direct
map at physical 0 and 1 MiB, *mem_section, and what VMCOREINFO names
(init_top_pgt, _stext, init_uts_ns, mem_section).  Written as an ELF core
with one PT_LOAD per run of pages, so the fuzzer starts from real 4- or
5-level page tables (huge pages included) that synthetic dumps lack.
Everything is read through mkdumpctl, so this needs nothing but the CLI.
"""
import struct
import subprocess
import sys

START_KERNEL_MAP = 0xffffffff80000000
PRESENT, HUGE = 0x1, 0x80
ADDR_MASK = 0x000ffffffffff000


def ctl(*args):
    return subprocess.run([CTL, *args], check=True, capture_output=True).stdout


def phys(addr, length=8):
    return ctl("read", "--phys", hex(addr), str(length), DUMP)


def vmcoreinfo():
    info = {}
    for line in ctl("extract", "vmcoreinfo", DUMP).decode().splitlines():
        key, _, value = line.partition("=")
        info[key] = value
    return info


def walk(va, pgd, levels, pages):
    """Physical address of va; every table page read is added to pages."""
    table = pgd
    for level in range(levels - 1, -1, -1):
        shift = 12 + 9 * level
        pages.add(table)
        entry = struct.unpack("<Q", phys(table + ((va >> shift) & 511) * 8))[0]
        if not entry & PRESENT:
            return None
        if level in (1, 2) and entry & HUGE:
            size = 1 << shift
            return (entry & ADDR_MASK & ~(size - 1)) | (va & (size - 1))
        table = entry & ADDR_MASK
    return table | (va & 0xfff)


def sign_extend(va, levels):
    bits = 57 if levels == 5 else 48
    va &= (1 << bits) - 1
    return va - (1 << bits) if va >> (bits - 1) else va


def first_mapped(table, level, base, lo, levels):
    """The first 1 GiB step at or above lo that maps something, and its pa."""
    shift = 12 + 9 * level
    raw = phys(table, 4096)
    for i in range(512):
        start = sign_extend(base + (i << shift), levels) & (2**64 - 1)
        entry = struct.unpack_from("<Q", raw, i * 8)[0]
        if start + (1 << shift) <= lo or not entry & PRESENT:
            continue
        if level > 2:
            found = first_mapped(entry & ADDR_MASK, level - 1, start, lo,
                                 levels)
            if found:
                return found
            continue
        pa = walk(start, PGD, levels, set())
        if pa is not None:
            return start, pa
    return None


def direct_map(levels):
    """The direct map's base: the first mapped step maps physical 0."""
    lo = 0xff11000000000000 if levels == 5 else 0xffff888000000000
    found = first_mapped(PGD, levels - 1, 0, lo, levels)
    return found[0] if found and found[1] == 0 else None


def write_elf(path, notes, pages):
    runs = []
    for pa in sorted(pages):
        if runs and runs[-1][0] + runs[-1][1] == pa:
            runs[-1][1] += 4096
        else:
            runs.append([pa, 4096])
    nph = 1 + len(runs)
    off = 64 + 56 * nph
    ehdr = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9) + struct.pack(
        "<HHIQQQIHHHHHH", 4, 62, 1, 0, 64, 0, 0, 64, 56, nph, 64, 0, 0)
    phdrs = struct.pack("<IIQQQQQQ", 4, 0, off, 0, 0, len(notes),
                        len(notes), 0)
    data = notes
    for pa, size in runs:
        phdrs += struct.pack("<IIQQQQQQ", 1, 7, off + len(data), 0, pa, size,
                             size, 4096)
        data += phys(pa, size)
    with open(path, "wb") as f:
        f.write(ehdr + phdrs + data)


def main():
    global CTL, DUMP, PGD
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    CTL, DUMP, out = sys.argv[1:]
    info = vmcoreinfo()
    levels = 5 if info.get("NUMBER(pgtable_l5_enabled)") == "1" else 4
    PGD = (int(info["SYMBOL(init_top_pgt)"], 16) - START_KERNEL_MAP +
           int(info.get("NUMBER(phys_base)", "0")))
    kaslr = int(info.get("KERNELOFFSET", "0"), 16)
    vas = [0xffffffff81000000 + kaslr]
    vas += [int(info[k], 16) for k in ("SYMBOL(init_top_pgt)",
            "SYMBOL(_stext)", "SYMBOL(init_uts_ns)", "SYMBOL(mem_section)")
            if k in info]
    base = direct_map(levels)
    if base is not None:
        vas += [base, base + 0x100000]
    if "SYMBOL(mem_section)" in info:
        pa = walk(int(info["SYMBOL(mem_section)"], 16), PGD, levels, set())
        if pa is not None:
            vas.append(struct.unpack("<Q", phys(pa))[0])
    pages = set()
    for va in vas:
        pa = walk(va, PGD, levels, pages)
        if pa is not None:
            pages.add(pa & ~0xfff)
    write_elf(out, ctl("extract", "notes", DUMP), pages)
    print(f"{out}: {len(pages)} pages, {levels}-level tables")


if __name__ == "__main__":
    main()
