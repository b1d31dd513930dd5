#!/usr/bin/python3
"""Give a QEMU dump-guest-memory ELF the layout of /proc/vmcore, in place.

Usage: vmcore-layout.py ELF

QEMU writes its section headers between the ELF header and the program
headers (e_phoff 192); the kernel's /proc/vmcore puts the program headers
right after the ELF header, and makedumpfile reads them only from there.
This moves the program headers to offset 64, drops the section headers
(they only repeat e_phnum) and zeroes the bytes left over before the
first segment.  Segment data does not move.  Standard library only.
"""
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR_SIZE = 56


def fix(path):
    with open(path, "r+b") as f:
        raw = f.read(EHDR.size)
        (ident, etype, machine, version, entry, phoff, shoff, flags, ehsize,
         phentsize, phnum, shentsize, shnum, shstrndx) = EHDR.unpack(raw)
        if ident[:4] != b"\x7fELF" or ident[4] != 2 or ident[5] != 1:
            sys.exit(f"vmcore-layout.py: '{path}' is not a 64-bit LE ELF")
        if phentsize != PHDR_SIZE or phnum in (0, 0xffff):
            sys.exit(f"vmcore-layout.py: '{path}': unexpected program headers")
        f.seek(phoff)
        phdrs = f.read(phnum * PHDR_SIZE)
        first = min(struct.unpack_from("<Q", phdrs, i * PHDR_SIZE + 8)[0]
                    for i in range(phnum))
        end = EHDR.size + len(phdrs)
        if first < end:
            sys.exit(f"vmcore-layout.py: '{path}': no room before the data")
        f.seek(0)
        f.write(EHDR.pack(ident, etype, machine, version, entry, EHDR.size,
                          0, flags, EHDR.size, phentsize, phnum, 0, 0, 0))
        f.write(phdrs)
        f.write(b"\0" * (first - end))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2])
    fix(sys.argv[1])
