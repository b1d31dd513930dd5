#!/usr/bin/python3
# modbtf-check.py CTL DUMP VMLINUX KO...
#
# Types of loaded modules, as mkdumpctl reads them from the dump's module
# BTF, against the module files themselves: every named struct and union
# in each .ko's .BTF section (split BTF on the .BTF of the debug vmlinux)
# must come back from `mkdumpctl type -j MODULE:struct NAME` with the same
# size and the same members (name, bit offset, bitfield width, and the
# size of the member's type, resolved through ids of both).  This
# decoder is written from include/uapi/linux/btf.h alone and shares no
# code with the library.  Prints a one-line summary; exits 1 on a mismatch.
import json
import os
import struct
import subprocess
import sys


def elf_section(path, want):
    with open(path, 'rb') as f:
        hdr = f.read(64)
        if hdr[:4] != b'\x7fELF' or hdr[4] != 2:
            raise SystemExit(f'{path}: not a 64-bit ELF file')
        shoff, = struct.unpack_from('<Q', hdr, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from('<HHH', hdr, 0x3a)
        f.seek(shoff)
        raw = f.read(shentsize * shnum)
        secs = [struct.unpack_from('<IIQQQQIIQQ', raw, i * shentsize)
                for i in range(shnum)]
        f.seek(secs[shstrndx][4])
        names = f.read(secs[shstrndx][5])
        for s in secs:
            name = names[s[0]:names.index(b'\0', s[0])].decode()
            if name == want:
                f.seek(s[4])
                return f.read(s[5])
    raise SystemExit(f'{path}: no {want} section')


# Bytes after the 12-byte record, by kind (info bits 24-28), vlen.
def extra(kind, vlen):
    if kind in (1, 14, 17):             # INT, VAR, DECL_TAG
        return 4
    if kind == 3:                       # ARRAY
        return 12
    if kind in (4, 5, 15, 19):          # STRUCT, UNION, DATASEC, ENUM64
        return 12 * vlen
    if kind in (6, 13):                 # ENUM, FUNC_PROTO
        return 8 * vlen
    return 0


def btf_sections(blob):
    magic, ver, _, hdr_len, toff, tlen, soff, slen = \
        struct.unpack_from('<HBBIIIII', blob, 0)
    if magic != 0xeb9f or ver != 1:
        raise SystemExit('not BTF')
    base = hdr_len
    return blob[base + toff:base + toff + tlen], \
        blob[base + soff:base + soff + slen]


def records(types):
    pos = 0
    while pos < len(types):
        name_off, info, size = struct.unpack_from('<III', types, pos)
        kind, vlen = info >> 24 & 0x1f, info & 0xffff
        yield name_off, kind, vlen, info >> 31, size, pos + 12
        pos += 12 + extra(kind, vlen)


class Ids:
    """Every type of vmlinux then of one module, by id, to size them."""
    def __init__(self, base_types):
        self.recs = [None]
        self.add(base_types)
        self.first = len(self.recs)

    def add(self, types):
        for name_off, kind, vlen, kflag, size, data in records(types):
            self.recs.append((kind, size, types, data))

    def size(self, tid, depth=0):
        if not tid or depth > 64:
            return 0
        kind, size, types, data = self.recs[tid]
        if kind == 2:                           # PTR
            return 8
        if kind == 3:                           # ARRAY
            elem, _, n = struct.unpack_from('<III', types, data)
            return n * self.size(elem, depth + 1)
        if kind in (8, 9, 10, 11, 18):          # typedef, qualifiers, tag
            return self.size(size, depth + 1)
        if kind in (1, 4, 5, 6, 15, 16, 19):
            return size
        return 0


def module_structs(ko, base_strings, base_types):
    types, strings = btf_sections(elf_section(ko, '.BTF'))
    blen = len(base_strings)
    ids = Ids(base_types)
    ids.add(types)

    def name(off):
        s, o = (base_strings, off) if off < blen else (strings, off - blen)
        return s[o:s.index(b'\0', o)].decode() or None
    out = {}
    for name_off, kind, vlen, kflag, size, data in records(types):
        if kind not in (4, 5) or not name_off:
            continue
        members = []
        for i in range(vlen):
            m_name, m_type, off = struct.unpack_from('<III', types,
                                                     data + 12 * i)
            bits = off >> 24 if kflag else None
            members.append((name(m_name),
                            off & 0xffffff if kflag else off, bits,
                            None if bits else ids.size(m_type)))
        key = ('struct ' if kind == 4 else 'union ') + name(name_off)
        out.setdefault(key, (size, members))
    return out


def main():
    ctl, dump, vmlinux = sys.argv[1:4]
    base_types, base_strings = btf_sections(elf_section(vmlinux, '.BTF'))
    checked = members = 0
    bad = []
    for ko in sys.argv[4:]:
        mod = os.path.basename(ko).split('.')[0]
        want = module_structs(ko, base_strings, base_types)
        queries = [f'{mod}:{k}' for k in want]
        r = subprocess.run([ctl, 'type', '-j'] + queries + ['--', dump],
                           capture_output=True, text=True)
        if r.returncode:
            raise SystemExit(f'{mod}: mkdumpctl: {r.stderr.strip()}')
        for got, key in zip(json.loads(r.stdout), want):
            size, ms = want[key]
            have = [(m['name'], m['bit_offset'],
                     m['bit_size'] if b is not None else None,
                     None if b else m['size'])
                    for m, (_, _, b, _) in zip(got['members'], ms)]
            if (got['size'] != size or have != ms or
                    len(got['members']) != len(ms)):
                diff = [f'{h} not {w}' for h, w in zip(have, ms) if h != w]
                bad.append(f'{mod}:{key} size {got["size"]} not {size}'
                           f'{": member " + diff[0] if diff else ""}')
            checked += 1
            members += len(ms)
    if bad:
        print(f'{len(bad)} of {checked} differ: ' + '; '.join(bad[:5]))
        return 1
    print(f'{checked} module structs and unions, {members} members, '
          f'as their .ko files say')
    return 0


sys.exit(main())
