// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * unwind-x86_64.c - stack traces of an x86_64 kernel dump: where a trace
 * starts (a CPU's saved registers, or a sleeping task's switch frame),
 * which stacks a CPU and a task have, and the public entry points.
 *
 * Facts (Linux 6.1, x86_64): hardirq_stack_ptr (per-CPU) points at the
 * top word of the CPU's IRQ stack (of sizeof(struct irq_stack) bytes);
 * cea_exception_stacks points at the CPU's struct cea_exception_stacks
 * in the cpu_entry_area, whose DF_stack, NMI_stack, DB_stack, MCE_stack,
 * VC_stack and VC2_stack members are the exception stacks.  A task's
 * stack is THREAD_SIZE bytes at task->stack (THREAD_SIZE equals the IRQ
 * stack size on x86_64: both are 16 KiB on Debian).  A task switched out
 * saved its stack pointer in task->thread.sp, which points at struct
 * inactive_task_frame {r15, r14, r13, r12, bx, bp, ret_addr}
 * (arch/x86/include/asm/switch_to.h); ret_addr is in __schedule, or is
 * ret_from_fork for a task that never ran.  Layouts come from BTF.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "symbols.h"
#include "unwind.h"

#define R(x) MKD_X86_64_##x
#define BIT(r) (1ull << (r))
#define MAX_STACKS 8
#define DEFAULT_THREAD_SIZE 16384
#define MAX_STACK_SIZE (1u << 20)

struct ctx {
	struct mkd_dump *dump;
	struct mkd_orc *orc;
	struct mkd_stack_range stacks[MAX_STACKS];
	size_t nstacks;
};

static struct mkd_error *ctx_read(void *arg, uint64_t addr, void *buf,
				  size_t len)
{
	struct ctx *c = arg;

	return mkd_read_virt(c->dump, addr, buf, len, NULL);
}

static struct mkd_error *ctx_find_row(void *arg, uint64_t pc,
				      struct mkd_cfi_row *row)
{
	struct ctx *c = arg;

	return mkd_orc_find(c->dump, c->orc, pc, row);
}

static bool ctx_is_text(void *arg, uint64_t pc)
{
	struct ctx *c = arg;

	return mkd_orc_is_text(c->dump, c->orc, pc);
}

static bool ctx_find_stack(void *arg, uint64_t addr,
			   struct mkd_stack_range *stack)
{
	struct ctx *c = arg;
	size_t i;

	for (i = 0; i < c->nstacks; i++) {
		if (addr >= c->stacks[i].begin && addr < c->stacks[i].end) {
			*stack = c->stacks[i];
			return true;
		}
	}
	return false;
}

static bool ctx_func_start(void *arg, uint64_t pc, uint64_t *start)
{
	struct ctx *c = arg;
	struct mkd_error *err;
	struct mkd_symbol sym;

	err = mkd_symbol_lookup_addr(c->dump, pc, &sym, NULL);
	if (err) {
		mkd_error_destroy(err);
		return false;
	}
	*start = sym.address;
	return true;
}

static const struct mkd_unwind_ops dump_ops = {
	.read = ctx_read,
	.find_row = ctx_find_row,
	.func_start = ctx_func_start,
	.is_text = ctx_is_text,
	.find_stack = ctx_find_stack,
};

/* ------------------------------------------------------------------ */
/* Reading the kernel's variables */

static struct mkd_error *read_u64(struct mkd_dump *dump, uint64_t addr,
				  uint64_t *v)
{
	uint8_t raw[8];
	struct mkd_error *err = mkd_read_virt(dump, addr, raw, 8, NULL);

	if (!err)
		*v = mkd_le64(raw);
	return err;
}

static struct mkd_error *byte_offset(struct mkd_dump *dump, const char *type,
				     const char *path, uint64_t *off)
{
	struct mkd_error *err;
	uint64_t bits;

	err = mkd_type_member_offset(dump, type, path, &bits, NULL);
	if (!err && bits % 8)
		err = mkd_error_create(MKD_ERR_UNSUPPORTED,
				       "%s.%s is a bitfield", type, path);
	if (!err)
		*off = bits / 8;
	return err;
}

static struct mkd_error *percpu_u64(struct mkd_dump *dump, size_t cpu,
				    const char *name, uint64_t *v)
{
	struct mkd_error *err;
	uint64_t addr = 0;

	err = mkd_percpu_address(dump, name, (uint32_t)cpu, &addr);
	if (!err)
		err = read_u64(dump, addr, v);
	return err;
}

static uint64_t type_size_or(struct mkd_dump *dump, const char *name,
			     uint64_t dflt)
{
	const struct mkd_type *t;
	struct mkd_error *err;
	uint64_t size;

	err = mkd_type_find(dump, name, &t);
	if (err) {
		mkd_error_destroy(err);
		return dflt;
	}
	size = mkd_type_size(t);
	return size && size <= MAX_STACK_SIZE ? size : dflt;
}

/* ------------------------------------------------------------------ */
/* Stacks */

static void add_stack(struct ctx *c, uint64_t begin, uint64_t size,
		      enum mkd_stack_kind kind)
{
	if (c->nstacks == MAX_STACKS || !begin || begin + size < begin)
		return;
	c->stacks[c->nstacks++] = (struct mkd_stack_range){
		.begin = begin, .end = begin + size, .kind = kind,
	};
}

static uint64_t thread_size(struct mkd_dump *dump)
{
	return type_size_or(dump, "struct irq_stack", DEFAULT_THREAD_SIZE);
}

static void add_task_stack(struct ctx *c, uint64_t task)
{
	uint64_t off, stack;
	struct mkd_error *err;

	err = byte_offset(c->dump, "struct task_struct", "stack", &off);
	if (!err)
		err = read_u64(c->dump, task + off, &stack);
	if (!err)
		add_stack(c, stack, thread_size(c->dump), MKD_STACK_TASK);
	mkd_error_destroy(err);
}

static void add_exception_stacks(struct ctx *c, size_t cpu)
{
	static const char *const names[] = {
		"DF_stack", "NMI_stack", "DB_stack", "MCE_stack", "VC_stack",
		"VC2_stack",
	};
	const char *type = "struct cea_exception_stacks";
	const struct mkd_type *t;
	struct mkd_error *err;
	uint64_t base = 0, bits;
	size_t i;

	err = percpu_u64(c->dump, cpu, "cea_exception_stacks", &base);
	for (i = 0; !err && i < sizeof(names) / sizeof(names[0]); i++) {
		err = mkd_type_member_offset(c->dump, type, names[i], &bits,
					     &t);
		if (!err && mkd_type_size(t) <= MAX_STACK_SIZE)
			add_stack(c, base + bits / 8, mkd_type_size(t),
				  MKD_STACK_DF + (unsigned)i);
	}
	mkd_error_destroy(err);
}

static void add_cpu_stacks(struct ctx *c, size_t cpu)
{
	struct mkd_error *err;
	uint64_t top = 0, size;

	/* hardirq_stack_ptr is the top word, not the end. */
	err = percpu_u64(c->dump, cpu, "hardirq_stack_ptr", &top);
	size = thread_size(c->dump);
	if (!err && top + 8 > size)
		add_stack(c, top + 8 - size, size, MKD_STACK_IRQ);
	mkd_error_destroy(err);
	add_exception_stacks(c, cpu);
}

/* ------------------------------------------------------------------ */
/* A CPU stopped by an NMI */

/*
 * When the crash kernel stops the other CPUs with an NMI, each saves the
 * pt_regs its NMI handler got (crash_nmi_callback): the interrupted
 * context.  Those pt_regs sit on the CPU's NMI stack; above them are the
 * handler's own frames, whose registers nobody saved.  The trace then
 * shows the handler's frames found by scanning (uncertain), and the
 * interrupted context as an exception frame entered through those
 * pt_regs.
 */
#define PT_REGS_WORDS 21
#define PT_MASK ((1ull << PT_REGS_WORDS) - 1)

static const char nmi_note[] =
	"the NMI handler that stopped this CPU: found by scanning the NMI stack";

static const struct mkd_stack_range *stack_of_kind(const struct ctx *c,
						   uint32_t kind)
{
	size_t i;

	for (i = 0; i < c->nstacks; i++)
		if (c->stacks[i].kind == kind)
			return &c->stacks[i];
	return NULL;
}

static bool regs_match(const uint8_t *w, const struct mkd_unwind_start *st)
{
	size_t r;

	for (r = 0; r < PT_REGS_WORDS; r++)
		if (mkd_le64(w + 8 * r) != st->regs[r])
			return false;
	return true;
}

/* The highest copy of the saved registers on the NMI stack. */
static bool nmi_regs_at(struct ctx *c, const struct mkd_unwind_start *st,
			uint64_t *at)
{
	const struct mkd_stack_range *nmi = stack_of_kind(c, MKD_STACK_NMI);
	uint64_t len, off, sp = st->regs[R(RSP)];
	struct mkd_error *err;
	bool found = false;
	uint8_t *buf;

	if (!nmi || (st->valid & PT_MASK) != PT_MASK ||
	    (sp >= nmi->begin && sp < nmi->end))
		return false;
	len = (nmi->end - nmi->begin) & ~7ull;
	if (len < 8 * PT_REGS_WORDS || !(buf = malloc(len)))
		return false;
	err = mkd_read_virt(c->dump, nmi->begin, buf, len, NULL);
	for (off = len - 8 * PT_REGS_WORDS + 8; !err && !found && off >= 8;) {
		off -= 8;
		if (regs_match(buf + off, st)) {
			*at = nmi->begin + off;
			found = true;
		}
	}
	mkd_error_destroy(err);
	free(buf);
	return found;
}

/* Does the unwind from a return address at addr lead to the pt_regs? */
static struct mkd_error *chain_to(struct ctx *c, uint64_t addr, uint64_t regs,
				  struct mkd_stack_trace *h, bool *found)
{
	struct mkd_unwind_start st = { .signal = false };
	struct mkd_error *err;
	size_t i;

	*found = false;
	err = mkd_read_virt(c->dump, addr, &st.regs[R(RIP)], 8, NULL);
	if (err || !mkd_orc_is_text(c->dump, c->orc, st.regs[R(RIP)])) {
		mkd_error_destroy(err);
		return NULL;
	}
	st.regs[R(RSP)] = addr + 8;
	st.valid = BIT(R(RIP)) | BIT(R(RSP));
	memset(h, 0, sizeof(*h));
	err = mkd_unwind_run(&dump_ops, c, &st, h);
	for (i = 1; !err && i < h->n && !*found; i++) {
		if (h->frames[i].regs_addr == regs) {
			h->n = i;
			*found = true;
		}
	}
	if (!*found)
		mkd_stack_trace_deinit(h);
	return err;
}

/* The handler's frames before t, and t's first frame entered by regs. */
static struct mkd_error *prepend(struct mkd_stack_trace *t,
				 struct mkd_stack_trace *h, uint64_t regs)
{
	size_t i;

	if (!mkd_array_reserve(&h->frames, &h->cap, h->n + t->n,
			       sizeof(*h->frames)))
		return &mkd_enomem;
	for (i = 0; i < h->n; i++) {
		h->frames[i].flags &= ~MKD_FRAME_RELIABLE;
		h->frames[i].flags |= MKD_FRAME_UNCERTAIN | MKD_FRAME_SCANNED;
		h->frames[i].note = nmi_note;
	}
	memcpy(h->frames + h->n, t->frames, t->n * sizeof(*t->frames));
	h->frames[h->n].flags |= MKD_FRAME_REGS;
	h->frames[h->n].regs_addr = regs;
	free(t->frames);
	t->frames = h->frames;
	t->cap = h->cap;
	t->n += h->n;
	return NULL;
}

/* True when frames were put before t's. */
static struct mkd_error *add_nmi_frames(struct ctx *c,
					const struct mkd_unwind_start *st,
					struct mkd_stack_trace *t, bool *added)
{
	const struct mkd_stack_range *nmi;
	struct mkd_stack_trace h;
	struct mkd_error *err = NULL;
	uint64_t regs, addr;
	bool found = false;

	*added = false;
	if (!nmi_regs_at(c, st, &regs))
		return NULL;
	nmi = stack_of_kind(c, MKD_STACK_NMI);
	for (addr = nmi->begin; !err && !found && addr + 8 <= regs; addr += 8)
		err = chain_to(c, addr, regs, &h, &found);
	if (err || !found) {
		/* No handler frames: still, the context came through regs. */
		t->frames[0].flags |= MKD_FRAME_REGS;
		t->frames[0].regs_addr = regs;
		return err;
	}
	err = prepend(t, &h, regs);
	if (err)
		mkd_stack_trace_deinit(&h);
	*added = !err;
	return err;
}

/* ------------------------------------------------------------------ */
/* Traces */

static void read_task_id(struct mkd_dump *dump, struct mkd_stack_trace *t)
{
	struct mkd_error *err;
	struct mkd_task task;

	err = mkd_task_from_address(dump, t->task, &task);
	if (err) {
		mkd_error_destroy(err);
		return;
	}
	t->pid = task.pid;
	snprintf(t->comm, sizeof(t->comm), "%s", task.comm);
}

/* Frames entered through a return are looked up one byte before pc. */
static void symbolize(struct mkd_dump *dump, struct mkd_stack_trace *t,
		      bool first_signal)
{
	struct mkd_error *err;
	struct mkd_frame *f;
	uint64_t at;
	size_t i;

	for (i = 0; i < t->n; i++) {
		f = &t->frames[i];
		if (f->flags & MKD_FRAME_USER)
			continue;
		at = (f->flags & MKD_FRAME_REGS) || (i == 0 && first_signal) ?
		     f->pc : f->pc - 1;
		err = mkd_symbol_lookup_addr(dump, at, &f->sym,
					     &f->sym_offset);
		if (err) {
			memset(&f->sym, 0, sizeof(f->sym));
			mkd_error_destroy(err);
			continue;
		}
		f->sym_offset = f->pc - f->sym.address;
	}
}

static struct mkd_error *orc_get(struct mkd_dump *dump, struct mkd_orc **orc)
{
	struct mkd_error *err = NULL;

	if (!dump->orc)
		err = mkd_orc_create(dump, &dump->orc);
	*orc = dump->orc;
	return err;
}

static struct mkd_error *run(struct mkd_dump *dump, uint64_t task, int32_t cpu,
			     const struct mkd_unwind_start *start,
			     struct mkd_stack_trace **ret)
{
	struct ctx c = { .dump = dump };
	struct mkd_stack_trace *t;
	struct mkd_error *err;
	bool nmi = false;

	*ret = NULL;
	err = orc_get(dump, &c.orc);
	if (err)
		return err;
	t = calloc(1, sizeof(*t));
	if (!t)
		return &mkd_enomem;
	t->task = task;
	t->cpu = cpu;
	t->pid = -1;
	if (task) {
		add_task_stack(&c, task);
		read_task_id(dump, t);
	}
	if (cpu >= 0)
		add_cpu_stacks(&c, (size_t)cpu);
	err = mkd_unwind_run(&dump_ops, &c, start, t);
	if (!err && cpu >= 0)
		err = add_nmi_frames(&c, start, t, &nmi);
	if (err) {
		mkd_stack_trace_destroy(t);
		return err;
	}
	symbolize(dump, t, start->signal && !nmi);
	*ret = t;
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_stack_trace_cpu(struct mkd_dump *dump,
						 size_t cpu,
						 struct mkd_stack_trace **ret)
{
	struct mkd_unwind_start start = { .signal = true };
	struct mkd_cpu_regs r;
	struct mkd_error *err;
	uint64_t task = 0;

	*ret = NULL;
	if (dump->arch != MKD_ARCH_X86_64)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"stack traces need an x86_64 dump");
	err = mkd_dump_cpu_regs(dump, cpu, &r);
	if (err)
		return err;
	if (!(r.valid_mask & BIT(R(RIP))) || !(r.valid_mask & BIT(R(RSP))))
		return mkd_error_create(MKD_ERR_NO_DATA,
					"the dump has no rip and rsp for CPU %zu",
					cpu);
	err = mkd_cpu_current_task(dump, (uint32_t)cpu, &task);
	if (err) {
		mkd_error_destroy(err);	/* a trace without its task */
		task = 0;
	}
	memcpy(start.regs, r.regs, sizeof(start.regs));
	start.valid = r.valid_mask & (BIT(MKD_X86_64_REG_COUNT) - 1);
	return run(dump, task, (int32_t)cpu, &start, ret);
}

/* The start of a task switched out: its struct inactive_task_frame. */
static struct mkd_error *switched_out(struct mkd_dump *dump, uint64_t task,
				      struct mkd_unwind_start *start)
{
	const char *frame = "struct inactive_task_frame";
	uint64_t sp_off, bp_off, ret_off, size, sp = 0, fork = 0;
	struct mkd_error *err;

	size = type_size_or(dump, frame, 0);
	err = byte_offset(dump, "struct task_struct", "thread.sp", &sp_off);
	if (!err)
		err = byte_offset(dump, frame, "bp", &bp_off);
	if (!err)
		err = byte_offset(dump, frame, "ret_addr", &ret_off);
	if (!err)
		err = read_u64(dump, task + sp_off, &sp);
	if (!err)
		err = read_u64(dump, sp + bp_off, &start->regs[R(RBP)]);
	if (!err)
		err = read_u64(dump, sp + ret_off, &start->regs[R(RIP)]);
	if (err)
		return mkd_error_wrap(err, "task 0x%llx's saved frame",
				      (unsigned long long)task);
	start->regs[R(RSP)] = sp + size;
	start->valid = BIT(R(RIP)) | BIT(R(RSP)) | BIT(R(RBP));
	err = mkd_symbols_core_address(dump, "ret_from_fork", &fork);
	mkd_error_destroy(err);
	start->signal = !err && start->regs[R(RIP)] == fork;
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_stack_trace_task(struct mkd_dump *dump,
						  uint64_t task,
						  struct mkd_stack_trace **ret)
{
	struct mkd_unwind_start start = { 0 };
	struct mkd_error *err;
	struct mkd_task t;

	*ret = NULL;
	if (dump->arch != MKD_ARCH_X86_64)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"stack traces need an x86_64 dump");
	err = mkd_task_from_address(dump, task, &t);
	if (err)
		return err;
	if (t.current_cpu >= 0 &&
	    (size_t)t.current_cpu < mkd_dump_cpu_count(dump))
		return mkd_stack_trace_cpu(dump, (size_t)t.current_cpu, ret);
	err = switched_out(dump, task, &start);
	if (err)
		return err;
	return run(dump, task, -1, &start, ret);
}
