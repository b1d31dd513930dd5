#!/usr/bin/python3
"""Write the program headers of an ELF core with one PT_LOAD added that maps
the kernel image's virtual addresses, as a kdump /proc/vmcore has.

Usage: elf-ktext.py CORE OUT

QEMU's dump-guest-memory writes only physical PT_LOADs; drgn 0.0.22 then
cannot find the kernel's page tables ("recursive address translation").
OUT is CORE with its program headers written again at its end, the extra
one among them, pointing into CORE's own data (nothing moves).
The kernel mapping starts at __START_KERNEL_map - phys_base (phys_base
from VMCOREINFO; negative with KASLR) over the first RAM PT_LOAD.
"""
import re
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
PT_LOAD, PT_NOTE = 1, 4
START_KERNEL_MAP = 0xFFFFFFFF80000000


def main():
    src, out = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        data = f.read()
    eh = list(EHDR.unpack_from(data, 0))
    phoff, phnum = eh[5], eh[10]
    phdrs = [list(PHDR.unpack_from(data, phoff + i * PHDR.size))
             for i in range(phnum)]
    m = re.search(rb"NUMBER\(phys_base\)=(-?\d+)", data[:1 << 20])
    phys_base = int(m.group(1)) if m else 0
    ram = next(p for p in phdrs if p[0] == PT_LOAD and p[4] == 0)
    start = max(0, phys_base)
    ktext = [PT_LOAD, 7, ram[2] + start, START_KERNEL_MAP + start - phys_base,
             start, ram[5] - start, ram[6] - start, 0]
    new = phdrs + [ktext]
    # Headers move to the end of the file: no data needs to move.
    eh[5] = len(data)
    eh[10] = phnum + 1
    with open(out, "wb") as f:
        f.write(EHDR.pack(*eh))
        f.write(data[EHDR.size:])
        for p in new:
            f.write(PHDR.pack(*p))


if __name__ == "__main__":
    main()
