#!/usr/bin/python3
# drgn-view.py VMLINUX DUMP: what drgn sees in a dump, one fact a line:
# the kernel release, every task (pid, comm) by pid, and the kernel log.
# test-convert.sh compares this for a dump and its conversions.  Needs
# Debian's python3-drgn (run with /usr/bin/python3).
import sys

import drgn
from drgn.helpers.linux.pid import for_each_task
from drgn.helpers.linux.printk import get_printk_records


def main(vmlinux, dump):
    prog = drgn.Program()
    prog.set_core_dump(dump)
    prog.load_debug_info([vmlinux])
    print("release", prog["init_uts_ns"].name.release.string_().decode())
    tasks = sorted((int(t.pid), t.comm.string_().decode())
                   for t in for_each_task(prog))
    for pid, comm in tasks:
        print("task", pid, comm)
    for r in get_printk_records(prog):
        print("log", r.timestamp, r.text.decode(errors="replace"))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: drgn-view.py VMLINUX DUMP")
    main(sys.argv[1], sys.argv[2])
