#!/usr/bin/python3
"""Print where the ELF core file at the start of FILE ends.

Usage: elf-end.py FILE

FILE may be longer than the ELF it holds (a disk image the capture kernel
copied /proc/vmcore onto).  The end is the largest p_offset + p_filesz over
the program headers, or the end of the headers themselves if larger.  Only
64-bit little-endian ET_CORE files are accepted.
"""
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
SHDR = struct.Struct("<IIQQQQIIQQ")
ET_CORE = 4
PN_XNUM = 0xFFFF


class ElfError(Exception):
    pass


def read_at(f, offset, size, what):
    f.seek(offset)
    data = f.read(size)
    if len(data) != size:
        raise ElfError(f"truncated {what} at offset {offset:#x}")
    return data


def phdr_count(f, ehdr):
    """e_phnum, or section 0's sh_info when e_phnum is PN_XNUM."""
    phnum, shoff = ehdr[10], ehdr[6]
    if phnum != PN_XNUM:
        return phnum
    if shoff == 0:
        raise ElfError("e_phnum is PN_XNUM but there is no section header")
    return SHDR.unpack(read_at(f, shoff, SHDR.size, "section header 0"))[7]


def elf_end(f):
    ehdr = EHDR.unpack(read_at(f, 0, EHDR.size, "ELF header"))
    ident, e_type, phoff, phentsize = ehdr[0], ehdr[1], ehdr[5], ehdr[9]
    if ident[:4] != b"\x7fELF":
        raise ElfError("no ELF magic")
    if ident[4] != 2 or ident[5] != 1:
        raise ElfError("not a 64-bit little-endian ELF file")
    if e_type != ET_CORE:
        raise ElfError(f"e_type is {e_type}, not ET_CORE")
    if phentsize != PHDR.size:
        raise ElfError(f"e_phentsize is {phentsize}, not {PHDR.size}")
    count = phdr_count(f, ehdr)
    end = phoff + count * PHDR.size
    table = read_at(f, phoff, count * PHDR.size, "program headers")
    for i in range(count):
        p = PHDR.unpack_from(table, i * PHDR.size)
        end = max(end, p[2] + p[5])
    return end


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2])
    try:
        with open(argv[1], "rb") as f:
            print(elf_end(f))
    except (OSError, ElfError) as e:
        sys.exit(f"elf-end.py: '{argv[1]}': {e}")


if __name__ == "__main__":
    main(sys.argv)
