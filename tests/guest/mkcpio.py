#!/usr/bin/python3
"""Write a reproducible "newc" cpio archive of a directory tree.

Usage: mkcpio.py OUT DIR [--char PATH:MAJOR:MINOR ...]

Entries are sorted by name, owned by root, dated 1970-01-01 and numbered
from 1, so the same tree always gives the same bytes.  --char adds a
character device node (e.g. dev/console:5:1), which lets an unprivileged
user build an initramfs that the kernel can open a console from.
"""
import argparse
import os
import stat

MAGIC = b"070701"


def header(ino, mode, nlink, size, name, rdev=(0, 0)):
    fields = (ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev[0], rdev[1],
              len(name) + 1, 0)
    return MAGIC + b"".join(b"%08x" % f for f in fields)


def pad4(n):
    return b"\0" * (-n % 4)


def entry(ino, mode, nlink, name, data=b"", rdev=(0, 0)):
    raw = name.encode()
    head = header(ino, mode, nlink, len(data), raw, rdev) + raw + b"\0"
    return head + pad4(len(head)) + data + pad4(len(data))


def tree_entries(top):
    """(name, mode, nlink, data) for everything under top, sorted."""
    names = []
    for dirpath, dirnames, filenames in os.walk(top):
        for n in dirnames + filenames:
            names.append(os.path.relpath(os.path.join(dirpath, n), top))
    for name in sorted(names):
        path = os.path.join(top, name)
        st = os.lstat(path)
        perm = stat.S_IMODE(st.st_mode)
        if stat.S_ISDIR(st.st_mode):
            yield name, stat.S_IFDIR | perm, 2, b""
        elif stat.S_ISLNK(st.st_mode):
            yield name, stat.S_IFLNK | 0o777, 1, os.readlink(path).encode()
        elif stat.S_ISREG(st.st_mode):
            with open(path, "rb") as f:
                yield name, stat.S_IFREG | perm, 1, f.read()
        else:
            raise SystemExit(f"mkcpio.py: cannot archive '{path}': "
                             "not a file, directory or symlink")


def parse_char(spec):
    try:
        path, major, minor = spec.split(":")
        return path, int(major), int(minor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad device '{spec}' "
                                         "(want PATH:MAJOR:MINOR)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("dir")
    ap.add_argument("--char", type=parse_char, action="append", default=[])
    args = ap.parse_args()
    if not os.path.isdir(args.dir):
        raise SystemExit(f"mkcpio.py: '{args.dir}' is not a directory")
    ino = 0
    with open(args.out + ".tmp", "wb") as f:
        for name, mode, nlink, data in tree_entries(args.dir):
            ino += 1
            f.write(entry(ino, mode, nlink, name, data))
        for path, major, minor in args.char:
            ino += 1
            f.write(entry(ino, stat.S_IFCHR | 0o600, 1, path,
                          rdev=(major, minor)))
        f.write(entry(0, 0, 1, "TRAILER!!!"))
    os.replace(args.out + ".tmp", args.out)


if __name__ == "__main__":
    main()
