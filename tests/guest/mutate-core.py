#!/usr/bin/python3
"""Copy an ELF core and overwrite 64-bit words at kernel virtual addresses.

Usage: mutate-core.py CORE OUT INFO_JSON [phys:]ADDR=VALUE...

INFO_JSON is `mkdumpctl info --json CORE` (its vm.page_offset and
vm.phys_base translate the direct map and the kernel image; nothing else
is supported; other addresses are given translated, as phys:PADDR).
Each word is written in every PT_LOAD that holds its
physical address, so the copy stays consistent.  Numbers are hex with 0x.
"""
import json
import shutil
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
PT_LOAD = 1
START_KERNEL_MAP = 0xFFFFFFFF80000000


def phys_of(vaddr, vm):
    if vaddr >= START_KERNEL_MAP:
        return vaddr - START_KERNEL_MAP + vm["phys_base"]
    return vaddr - vm["page_offset"]


def main():
    core, out, info = sys.argv[1:4]
    with open(info) as f:
        vm = json.load(f)["vm"]
    shutil.copyfile(core, out)
    with open(out, "r+b") as f:
        eh = EHDR.unpack(f.read(EHDR.size))
        f.seek(eh[5])
        loads = [PHDR.unpack(f.read(PHDR.size)) for _ in range(eh[10])]
        for edit in sys.argv[4:]:
            phys = edit.startswith("phys:")
            vaddr, value = (int(x, 16) for x in edit[5 * phys:].split("="))
            paddr, hits = vaddr if phys else phys_of(vaddr, vm), 0
            for p in loads:
                if p[0] == PT_LOAD and p[4] <= paddr and paddr + 8 <= p[4] + p[5]:
                    f.seek(p[2] + paddr - p[4])
                    f.write(struct.pack("<Q", value))
                    hits += 1
            if not hits:
                sys.exit(f"mutate-core: {vaddr:#x} (phys {paddr:#x}) is not in the core")


if __name__ == "__main__":
    main()
