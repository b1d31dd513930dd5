#!/usr/bin/python3
"""The oracle of test-ps.sh: every task drgn finds, with the debug vmlinux.

Usage: drgn-tasks.py CORE VMLINUX

One line per task: pid, ppid (real_parent's tgid, as /proc), state letter
(drgn's task_state_to_char), comm, then for user tasks the pages mapped
(mm->total_vm) and resident (file + anon + shmem counters, as /proc's
VmRSS), tab-separated.  Run with Debian's
python3-drgn (/usr/bin/python3).
"""
import sys

import drgn
from drgn.helpers.linux.pid import for_each_task
from drgn.helpers.linux.sched import task_state_to_char


PF_KTHREAD = 0x00200000


def memory(prog, task):
    if task.flags.value_() & PF_KTHREAD or not task.mm:
        return 0, 0
    swap = prog.constant("MM_SWAPENTS").value_()
    counts = [c.counter.value_() for c in task.mm.rss_stat.count]
    rss = sum(max(c, 0) for i, c in enumerate(counts) if i != swap)
    return task.mm.total_vm.value_(), rss


def main():
    prog = drgn.Program()
    prog.set_core_dump(sys.argv[1])
    prog.load_debug_info([sys.argv[2]])
    for task in for_each_task(prog):
        comm = task.comm.string_().decode(errors="replace")
        vm, rss = memory(prog, task)
        print(f"{task.pid.value_()}\t{task.real_parent.tgid.value_()}\t"
              f"{task_state_to_char(task)}\t{comm}\t{vm}\t{rss}")


if __name__ == "__main__":
    main()
