#!/usr/bin/python3
"""Compare mkdumpctl sym/type on a real dump with what the kernel said.

Usage: syms-check.py CHECK CTL DUMP GUEST_DIR [ARGS...]

Every check prints one line saying what it compared (with counts) and
exits 0, or prints why it failed and exits 1.  Truth comes from the guest
itself (GUEST_DIR/kallsyms.txt is its /proc/kallsyms, serial.log its panic
trace, truth.env its _stext) and from the kernel's VMCOREINFO, which the
kernel computes from its own definitions (OFFSET(), SIZE(), SYMBOL(),
NUMBER()).  Addresses go through Python ints: jq would round them.
"""
import collections
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

LINK_BASE = 0xffffffff81000000   # __START_KERNEL on x86_64


class Failed(Exception):
    pass


class Dump:
    def __init__(self, ctl, path):
        self.ctl, self.path = ctl, path

    def run(self, *args, ok=(0,)):
        p = subprocess.run([self.ctl, *args, "--", self.path],
                           capture_output=True)
        if p.returncode not in ok:
            raise Failed(f"mkdumpctl {' '.join(args[:4])}: exit "
                         f"{p.returncode}: {p.stderr.decode()[:300]}")
        return p

    def json(self, command, *args, ok=(0,)):
        return json.loads(self.run(command, "--json", *args, ok=ok).stdout)

    def syms(self, names):
        return {o["query"]: o for o in self.json("sym", *names, ok=(0, 1))}

    def sym(self, name):
        o = self.syms([name])[name]
        if "error" in o:
            raise Failed(o["error"])
        return o

    def types(self, queries, *opts):
        return {o["query"]: o
                for o in self.json("type", *opts, *queries, ok=(0, 1))}

    def type(self, query):
        o = self.types([query])[query]
        if "error" in o:
            raise Failed(o["error"])
        return o

    def read(self, addr, n):
        out = self.run("read", "--virt", hex(addr), str(n)).stdout
        if len(out) != n:
            raise Failed(f"read {n} bytes at {addr:#x}: got {len(out)}")
        return out

    def u64(self, addr):
        return struct.unpack("<Q", self.read(addr, 8))[0]

    def vmcoreinfo(self):
        text = self.run("extract", "vmcoreinfo").stdout.decode()
        return dict(line.split("=", 1) for line in text.splitlines()
                    if "=" in line)


def truth_syms(guest):
    """(core lines, module line count) of the guest's /proc/kallsyms."""
    path = os.path.join(guest, "kallsyms.txt")
    if not os.path.exists(path):
        raise Failed(f"no {path}: regenerate the bed (make guest-dumps)")
    core, modules = [], 0
    for line in open(path):
        if "[" in line:
            modules += 1
        else:
            core.append(line.rstrip("\n"))
    return core, modules


def check_kallsyms(d, guest):
    path = os.path.join(guest, "kallsyms.txt")
    truth_syms(guest)   # says how to get it when missing
    lines = open(path).read().splitlines()
    ours = d.run("sym", "--list").stdout.decode().splitlines()
    want, got = collections.Counter(lines), collections.Counter(ours)
    missing, extra = want - got, got - want
    if missing or extra:
        raise Failed(f"{sum(missing.values())} of /proc/kallsyms missing "
                     f"(e.g. {list(missing)[:3]}), {sum(extra.values())} "
                     f"extra (e.g. {list(extra)[:3]})")
    # "module:name" finds the module's own (its lowest, if repeated).
    lowest = {}
    for l in lines:
        if "[" in l:
            addr, _, name, mod = l.split()
            key = f"{mod.strip('[]')}:{name}"
            lowest[key] = min(lowest.get(key, 1 << 64), int(addr, 16))
    got = d.syms(sorted(lowest))
    bad = [k for k in lowest if got[k].get("address") != lowest[k]]
    if bad:
        raise Failed(f"{len(bad)} MODULE:NAME lookups differ: {bad[:5]}")
    modules = sum(1 for l in lines if "[" in l)
    names = {l.split("[")[1] for l in lines if "[" in l}
    return (f"all {len(lines)} lines of /proc/kallsyms equal ours (address, "
            f"type, name, module): {len(lines) - modules} of the kernel, "
            f"{modules} of {len(names)} modules; {len(lowest)} MODULE:NAME "
            f"lookups agree")


def check_offset(d, guest):
    stext = int(dict(l.strip().split("=", 1) for l in
                     open(os.path.join(guest, "truth.env")))["STEXT"]
                .strip("'"), 16)
    info = json.loads(d.run("info", "--json").stdout)
    offset = info["vm"]["kernel_offset"]
    ours = d.sym("_stext")["address"]
    vmci = int(d.vmcoreinfo().get("KERNELOFFSET", "0"), 16)
    if not (ours == stext == LINK_BASE + offset and offset == vmci):
        raise Failed(f"_stext {ours:#x}, guest {stext:#x}, KASLR offset "
                     f"{offset:#x}, KERNELOFFSET {vmci:#x}")
    return f"_stext {ours:#x} = guest's = link address + {offset:#x}"


def check_vmcoreinfo_symbols(d, guest):
    keys = {k[7:-1]: int(v, 16) for k, v in d.vmcoreinfo().items()
            if k.startswith("SYMBOL(")}
    # SYMBOL(mem_section) holds the pointer's value, not its address.
    keys.pop("mem_section", None)
    got = d.syms(list(keys))
    known = {l.split()[2] for l in truth_syms(guest)[0]}
    # Macros (swapper_pg_dir, node_online_map) and kallsyms' own tables
    # are no symbols: /proc/kallsyms must lack them too.
    absent = sorted(k for k in keys if "error" in got[k])
    bad = [(k, hex(v), got[k].get("address"))
           for k, v in keys.items() if k not in absent and
           got[k]["address"] != v]
    if bad or any(k in known for k in absent):
        raise Failed(f"differ: {bad[:5]}; missing though /proc/kallsyms "
                     f"has them: {[k for k in absent if k in known]}")
    return (f"{len(keys) - len(absent)} SYMBOL() lines of vmcoreinfo resolve "
            f"alike; {len(absent)} are not in /proc/kallsyms either "
            f"({', '.join(absent)})")


def system_map_text(guest, offset, shift=0):
    """The guest's symbols at link addresses, as a System.map says them."""
    core, _ = truth_syms(guest)
    text_addr = next(int(l.split()[0], 16) for l in core
                     if l.endswith(" _text"))
    out = []
    for line in core:
        addr, kind, name = line.split()
        addr = int(addr, 16)
        if addr >= text_addr:
            addr -= offset + shift
        out.append(f"{addr:016x} {kind} {name}\n")
    return "".join(out)


def check_system_map(d, guest):
    offset = int(d.vmcoreinfo().get("KERNELOFFSET", "0"), 16)
    want = d.run("sym", "--list").stdout
    with tempfile.TemporaryDirectory() as tmp:
        good, bad = os.path.join(tmp, "good"), os.path.join(tmp, "bad")
        open(good, "w").write(system_map_text(guest, offset))
        open(bad, "w").write(system_map_text(guest, offset, 0x200000))
        alone = d.run("sym", "--list", "--no-kallsyms", "-m", good).stdout
        both = d.run("sym", "--list", "-m", good).stdout
        p = d.run("sym", "-m", bad, "_stext", ok=(2,))
    if alone != want:
        raise Failed("System.map alone does not list what kallsyms does")
    if both != want:
        raise Failed("System.map and kallsyms together list duplicates")
    if b"not this kernel's" not in p.stderr:
        raise Failed(f"a map 2 MiB off was not refused: {p.stderr[:200]}")
    n = want.count(b"\n")
    return (f"a System.map at link addresses (moved by {offset:#x}) lists "
            f"the same {n} symbols; one 2 MiB off is refused")


def panic_frames(guest):
    """name, offset, size of every frame of the first panic trace."""
    text = open(os.path.join(guest, "serial.log"), errors="replace").read()
    trace = text[text.index("Call Trace:"):]
    trace = trace[:trace.index("</TASK>")]
    return [(m[1], int(m[2], 16), int(m[3], 16)) for m in
            re.finditer(r"\s([\w.]+)\+0x([0-9a-f]+)/0x([0-9a-f]+)", trace)]


def check_trace(d, guest):
    frames = panic_frames(guest)
    got = d.syms(sorted({f[0] for f in frames}))
    addrs = []
    for name, off, size in frames:
        o = got[name]
        if o.get("size") != size:
            raise Failed(f"{name}: size {o.get('size', o.get('error'))}, "
                         f"the trace says {size:#x}")
        addrs.append((hex(o["address"] + off), name, off))
    back = d.syms([a for a, _, _ in addrs])
    for a, name, off in addrs:
        if (back[a].get("name"), back[a].get("offset")) != (name, off):
            raise Failed(f"{a} is {back[a]}, the trace says {name}+{off:#x}")
    if not any(f[0] == "sysrq_handle_crash" for f in frames):
        raise Failed("no sysrq_handle_crash frame in the trace")
    return (f"{len(frames)} frames of the panic trace: sizes and "
            f"address -> name+offset agree (sysrq_handle_crash, panic...)")


def check_rips(d, guest, crash_fn=None):
    regs = d.json("extract", "regs")
    got = d.syms([hex(c["regs"]["rip"]) for c in regs])
    names = []
    for c in regs:
        o = got[hex(c["regs"]["rip"])]
        if o.get("type") not in ("t", "T") or o["offset"] >= o["size"]:
            raise Failed(f"CPU {c['cpu']} rip: {o}")
        names.append(f"{o['name']}+{o['offset']:#x}")
    if crash_fn and not any(n.startswith(crash_fn + "+") for n in names):
        raise Failed(f"no CPU in {crash_fn}: {names}")
    return f"every CPU's rip is in a function: {', '.join(names)}"


def vmcoreinfo_layout(d):
    """(query, field, value) for OFFSET(), SIZE() and LENGTH(a.b) lines."""
    want = []
    for k, v in d.vmcoreinfo().items():
        m = re.fullmatch(r"(OFFSET|SIZE|LENGTH)\(([\w.]+)\)", k)
        if not m or (m[1] == "LENGTH" and "." not in m[2]):
            continue
        field = {"OFFSET": "offset", "SIZE": "size", "LENGTH": "length"}
        want.append((m[2], field[m[1]], int(v)))
    return want


def check_btf_layout(d, guest):
    want = vmcoreinfo_layout(d)
    got = d.types(sorted({q for q, _, _ in want}))
    bad, skipped, n = [], [], 0
    for q, field, value in want:
        o = got[q]
        if "error" in o and o["error"].startswith("no type"):
            skipped.append(q)
        elif o.get(field) != value:
            bad.append((q, field, value, o.get(field, o.get("error"))))
        else:
            n += 1
    if bad or n < 40:
        raise Failed(f"{len(bad)} differ from vmcoreinfo, {n} agree: {bad[:5]}")
    note = f" ({', '.join(skipped)}: not types)" if skipped else ""
    return f"{n} OFFSET/SIZE/LENGTH lines of vmcoreinfo equal BTF{note}"


def check_enums(d, guest):
    numbers = {k[7:-1]: int(v) for k, v in d.vmcoreinfo().items()
               if k.startswith("NUMBER(")}
    got = d.types(sorted(numbers), "--enum")
    agree = [k for k in numbers if got[k].get("value") == numbers[k]]
    bad = [(k, numbers[k], got[k]["value"]) for k in numbers
           if "value" in got[k] and got[k]["value"] != numbers[k]]
    pid = d.types(["PIDTYPE_PID", "PIDTYPE_SID", "PIDTYPE_MAX"], "--enum")
    if bad or len(agree) < 5:
        raise Failed(f"{len(bad)} enumerators differ from NUMBER(): {bad}")
    if [pid[k].get("value") for k in sorted(pid)] != [4, 0, 3]:
        raise Failed(f"enum pid_type: {pid}")
    return (f"{len(agree)} NUMBER() lines that name enumerators equal BTF "
            f"({', '.join(sorted(agree))}); enum pid_type as in pid.h")


class Tasks:
    """Walk init_task.tasks with offsets from BTF."""

    def __init__(self, d):
        self.d = d
        q = ["task_struct", "task_struct.pid", "task_struct.comm",
             "task_struct.tasks", "task_struct.mm", "task_struct.active_mm",
             "mm_struct.owner"]
        t = d.types(q)
        for k in q:
            if "error" in t[k]:
                raise Failed(t[k]["error"])
        self.size = t["task_struct"]["size"]
        self.off = {k.split(".")[-1]: t[k]["offset"] for k in q[1:]}
        self.init_task = d.sym("init_task")["address"]

    def task(self, addr):
        raw = self.d.read(addr, self.size)
        o = self.off
        return {
            "addr": addr,
            "pid": struct.unpack_from("<i", raw, o["pid"])[0],
            "comm": raw[o["comm"]:o["comm"] + 16].split(b"\0")[0].decode(),
            "next": struct.unpack_from("<Q", raw, o["tasks"])[0],
            "mm": struct.unpack_from("<Q", raw, o["mm"])[0],
            "active_mm": struct.unpack_from("<Q", raw, o["active_mm"])[0],
        }

    def walk(self, limit=10000):
        tasks, addr = [], self.init_task
        for _ in range(limit):
            t = self.task(addr)
            tasks.append(t)
            addr = t["next"] - self.off["tasks"]
            if addr == self.init_task:
                return tasks
        raise Failed(f"init_task.tasks does not come back in {limit} steps")


def check_mms(d, ts, tasks):
    """Kernel threads have no mm; a user task's mm->owner shares it."""
    by_addr = {t["addr"]: t for t in tasks}
    kthreadd = [t for t in tasks if (t["pid"], t["comm"]) == (2, "kthreadd")]
    if not kthreadd or kthreadd[0]["mm"] or tasks[0]["mm"]:
        raise Failed("swapper/0 or kthreadd (pid 2) has an mm")
    users = [t for t in tasks if t["mm"]]
    for t in users:
        owner = by_addr.get(d.u64(t["mm"] + ts.off["owner"]))
        if not owner or owner["mm"] != t["mm"]:
            raise Failed(f"pid {t['pid']}: mm {t['mm']:#x} has owner "
                         f"{owner and owner['pid']}")
    return len(users)


def check_tasks(d, guest):
    ts = Tasks(d)
    tasks = ts.walk()
    init = tasks[0]
    if (init["comm"], init["pid"]) != ("swapper/0", 0):
        raise Failed(f"init_task: {init}")
    want = {(1, "init"), (2, "kthreadd")}
    text = open(os.path.join(guest, "serial.log"), errors="replace").read()
    m = re.search(r"\] CPU: \d+ PID: (\d+) Comm: (\S+)", text)
    if m:
        want.add((int(m[1]), m[2]))
    have = {(t["pid"], t["comm"]) for t in tasks}
    if not want <= have:
        raise Failed(f"{want - have} not among {len(tasks)} tasks")
    users = check_mms(d, ts, tasks)
    return (f"init_task.comm is swapper/0; {len(tasks)} tasks on "
            f"init_task.tasks include {sorted(want)}; kernel threads have "
            f"no mm, the {users} user tasks' mm->owner share their mm")


def check_task_size(d, guest):
    size = d.type("task_struct")["size"]
    regs = d.type("task_struct.thread.fpu.__fpstate.regs")["size"]
    default_off = d.type("fpu_state_config.default_size")["offset"]
    arch = struct.unpack("<i", d.read(d.sym("arch_task_struct_size")
                                      ["address"], 4))[0]
    default = struct.unpack("<I", d.read(d.sym("fpu_kernel_cfg")["address"]
                                         + default_off, 4))[0]
    # fpu__init_task_struct_size(): arch_task_struct_size =
    #   sizeof(struct task_struct) - sizeof(fpregs) + fpu default size
    if arch != size - regs + default:
        raise Failed(f"sizeof(task_struct) {size}, fpregs {regs}, "
                     f"default {default}, arch_task_struct_size {arch}")
    return (f"sizeof(struct task_struct) = {size} = arch_task_struct_size "
            f"{arch} - fpu default size {default} + fpregs {regs}")


CHECKS = {
    "kallsyms": check_kallsyms,
    "offset": check_offset,
    "vmcoreinfo-symbols": check_vmcoreinfo_symbols,
    "system-map": check_system_map,
    "trace": check_trace,
    "rips": check_rips,
    "btf-layout": check_btf_layout,
    "enums": check_enums,
    "tasks": check_tasks,
    "task-size": check_task_size,
}


def main():
    if len(sys.argv) < 5 or sys.argv[1] not in CHECKS:
        sys.exit(__doc__)
    check, ctl, dump, guest = sys.argv[1:5]
    try:
        print(CHECKS[check](Dump(ctl, dump), guest, *sys.argv[5:]))
    except (Failed, OSError, ValueError, KeyError, StopIteration) as e:
        print(f"{type(e).__name__}: {e}")
        sys.exit(1)


if __name__ == "__main__":
    main()
