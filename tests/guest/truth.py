#!/usr/bin/python3
"""Extract what the guest printed about itself from its serial log.

Usage: truth.py SERIAL_LOG OUT_DIR [--set KEY=VALUE]... [--release VER]

Reads the KEY=value lines between MKD-TRUTH-BEGIN and MKD-TRUTH-END and the
dmesg output between MKD-DMESG-BEGIN and MKD-DMESG-END (see init.sh), and
writes OUT_DIR/truth.env (shell-sourceable KEY='value' lines; --set adds
keys the harness knows, such as PAGING) and OUT_DIR/dmesg.txt.  The
guest's /proc/kallsyms (gzip, base64, between MKD-KALLSYMS-BEGIN and
MKD-KALLSYMS-END) goes to OUT_DIR/kallsyms.txt.
"""
import argparse
import base64
import binascii
import gzip
import os
import sys
import zlib

REQUIRED = ["RELEASE", "NCPUS", "PAGING", "KMSG_LINE", "RAM",
            "MEMORY_BLOCKS", "BOOT_CMDLINE"]


class TruthError(Exception):
    pass


def block(lines, name, path):
    """The lines between MKD-<name>-BEGIN and MKD-<name>-END (first pair)."""
    begin, end = f"MKD-{name}-BEGIN", f"MKD-{name}-END"
    try:
        start = lines.index(begin) + 1
        stop = lines.index(end, start)
    except ValueError:
        raise TruthError(f"'{path}' has no complete {begin}/{end} block")
    return lines[start:stop]


def parse_truth(lines, path):
    truth = {}
    for line in block(lines, "TRUTH", path):
        key, sep, value = line.partition("=")
        if not sep or not key.isidentifier():
            raise TruthError(f"'{path}': bad truth line '{line}'")
        truth[key] = value
    return truth


def shell_quote(value):
    return "'" + value.replace("'", "'\\''") + "'"


def check(truth, dmesg, args):
    missing = [k for k in REQUIRED if not truth.get(k)]
    if missing:
        raise TruthError(f"'{args.serial}': no value for {', '.join(missing)}")
    if args.release and truth["RELEASE"] != args.release:
        raise TruthError(f"guest runs '{truth['RELEASE']}', "
                         f"expected '{args.release}'")
    la57 = truth.get("CPU_LA57")
    if la57 is not None and (la57 == "1") != (truth["PAGING"] == "5"):
        raise TruthError(f"PAGING={truth['PAGING']} but the guest CPU "
                         f"la57 flag is {la57}")
    if not any(line.endswith(truth["KMSG_LINE"]) for line in dmesg):
        raise TruthError(f"'{args.serial}': KMSG_LINE is not in the "
                         "guest's dmesg output")


def kallsyms(lines, path):
    """The guest's /proc/kallsyms text, decoded from its base64 block."""
    try:
        data = base64.b64decode("".join(block(lines, "KALLSYMS", path)),
                                validate=True)
        text = gzip.decompress(data).decode("ascii")
    except (binascii.Error, OSError, EOFError, zlib.error,
            UnicodeDecodeError) as e:
        raise TruthError(f"'{path}': bad /proc/kallsyms block: {e}")
    if not text.endswith("\n") or " T _stext\n" not in text:
        raise TruthError(f"'{path}': /proc/kallsyms block has no _stext")
    return text


def write(path, text):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("serial")
    ap.add_argument("out_dir")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--release", help="fail unless the guest ran this")
    args = ap.parse_args()
    try:
        with open(args.serial, encoding="utf-8", errors="replace") as f:
            lines = [line.rstrip("\r\n").rstrip("\r")
                     for line in f.read().split("\n")]
        truth = parse_truth(lines, args.serial)
        for item in args.set:
            key, _, value = item.partition("=")
            truth[key] = value
        dmesg = block(lines, "DMESG", args.serial)
        check(truth, dmesg, args)
        syms = kallsyms(lines, args.serial)
    except (OSError, TruthError) as e:
        sys.exit(f"truth.py: {e}")
    order = REQUIRED + sorted(k for k in truth if k not in REQUIRED)
    write(os.path.join(args.out_dir, "truth.env"),
          "".join(f"{k}={shell_quote(truth[k])}\n" for k in order))
    write(os.path.join(args.out_dir, "dmesg.txt"),
          "".join(line + "\n" for line in dmesg))
    write(os.path.join(args.out_dir, "kallsyms.txt"), syms)


if __name__ == "__main__":
    main()
