// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * unwind.c - the unwinder's one loop: apply CFI rows frame after frame,
 * whatever produced them, and the stack trace object it fills.
 *
 * The rules follow what the kernel's own ORC unwinder does (Linux 6.1,
 * arch/x86/kernel/unwind_orc.c): a return address is looked up one byte
 * before it (the call, not what follows it), an address reached through
 * pt_regs or a first frame from registers as it is; after pt_regs the
 * registers they hold are known; after an iret frame only its five
 * registers, plus those of a whole pt_regs just before; a pt_regs whose
 * code segment has RPL 3 is user mode, where the kernel trace ends.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "unwind.h"

#define R(x) MKD_X86_64_##x
#define BIT(r) (1ull << (r))
#define PT_REGS_WORDS 21	/* struct pt_regs: r15 ... ss */
#define IRET_FRAME_OFFSET (16 * 8)	/* offsetof(struct pt_regs, ip) */
#define IRET_WORDS 5
#define SCAN_BYTES 4096

/* Where ORC has no entry the kernel guesses a frame-pointer frame. */
const struct mkd_cfi_row mkd_cfi_fp_row = {
	.kind = MKD_CFI_CALL, .cfa_reg = R(RBP), .cfa_offset = 16,
	.bp_rule = MKD_CFI_BP_AT_CFA, .bp_offset = -16, .guessed = true,
};

static const char scan_note[] =
	"found by scanning the stack past code without unwind information";
static const char confirmed_note[] =
	"found by scanning the stack past code without unwind information, confirmed by its call instruction and by the unwind reaching the stack's bottom";

struct state {
	uint64_t regs[MKD_X86_64_REG_COUNT];
	uint64_t valid;
	bool signal;		/* pc was not reached by a return */
	bool full_regs;		/* came through a whole pt_regs */
	bool uncertain;		/* a guess was made on the way here */
	bool scanned;		/* a stack scan was made on the way here */
	struct mkd_stack_range stack;
	uint32_t visited;	/* stack kinds left behind */
};

struct loop {
	const struct mkd_unwind_ops *ops;
	void *arg;
	struct mkd_stack_trace *trace;
};

static void end(struct loop *l, enum mkd_unwind_end why, const char *fmt,
		...) MKD_PRINTF(3, 4);

static void end(struct loop *l, enum mkd_unwind_end why, const char *fmt,
		...)
{
	va_list ap;

	l->trace->end = why;
	if (!fmt)
		return;
	va_start(ap, fmt);
	vsnprintf(l->trace->note, sizeof(l->trace->note), fmt, ap);
	va_end(ap);
}

/* An error's message as the trace's note; the error is consumed. */
static void end_err(struct loop *l, struct mkd_error *err, const char *what,
		    uint64_t addr)
{
	end(l, MKD_UNWIND_END_ERROR, "cannot read %s at 0x%llx: %s", what,
	    (unsigned long long)addr, mkd_error_message(err));
	mkd_error_destroy(err);
}

/* Read words from the current stack only; false ends the trace. */
static bool read_stack(struct loop *l, const struct state *s, uint64_t addr,
		       uint64_t *words, size_t n, const char *what)
{
	uint8_t buf[PT_REGS_WORDS * 8];
	struct mkd_stack_range st = s->stack;
	struct mkd_error *err;
	size_t i;

	if (addr < st.begin || addr > st.end || n * 8 > st.end - addr) {
		if (!l->ops->find_stack(l->arg, addr, &st) ||
		    n * 8 > st.end - addr) {
			end(l, MKD_UNWIND_END_ERROR,
			    "%s at 0x%llx is on no known stack", what,
			    (unsigned long long)addr);
			return false;
		}
	}
	err = l->ops->read(l->arg, addr, buf, n * 8);
	if (err) {
		end_err(l, err, what, addr);
		return false;
	}
	for (i = 0; i < n; i++)
		words[i] = mkd_le64(buf + 8 * i);
	return true;
}

static bool cfa_of(struct loop *l, const struct state *s,
		   const struct mkd_cfi_row *row, uint64_t *cfa)
{
	uint64_t base;

	if (row->cfa_reg >= MKD_X86_64_REG_COUNT ||
	    !(s->valid & BIT(row->cfa_reg))) {
		end(l, MKD_UNWIND_END_ERROR,
		    "the frame at 0x%llx needs %s, which is not known",
		    (unsigned long long)s->regs[R(RIP)],
		    row->cfa_reg < MKD_X86_64_REG_COUNT ?
		    mkd_x86_64_reg_name(row->cfa_reg) : "a register");
		return false;
	}
	base = s->regs[row->cfa_reg] + (uint64_t)(int64_t)row->cfa_offset;
	if (row->cfa_deref) {
		if (!read_stack(l, s, base, &base, 1, "the previous stack pointer"))
			return false;
		base += (uint64_t)(int64_t)row->cfa_post;
	}
	*cfa = base;
	return true;
}

/* The caller's registers from pt_regs (whole or iret part) at cfa. */
static bool from_regs(struct loop *l, const struct state *s,
		      const struct mkd_cfi_row *row, uint64_t cfa,
		      struct state *next, uint64_t *regs_addr)
{
	uint64_t w[PT_REGS_WORDS];
	size_t i;

	if (row->kind == MKD_CFI_REGS) {
		if (!read_stack(l, s, cfa, w, PT_REGS_WORDS, "pt_regs"))
			return false;
		for (i = 0; i < PT_REGS_WORDS; i++)
			next->regs[i] = w[i];
		next->valid = BIT(PT_REGS_WORDS) - 1;
		next->full_regs = true;
		*regs_addr = cfa;
	} else {
		if (!read_stack(l, s, cfa, w, IRET_WORDS, "an iret frame"))
			return false;
		if (!s->full_regs)
			next->valid = BIT(R(RBP));
		for (i = 0; i < IRET_WORDS; i++)
			next->regs[R(RIP) + i] = w[i];
		next->valid |= BIT(R(RIP)) | BIT(R(CS)) | BIT(R(EFLAGS)) |
			       BIT(R(RSP)) | BIT(R(SS));
		next->full_regs = false;
		*regs_addr = cfa - IRET_FRAME_OFFSET;
	}
	next->signal = true;
	return true;
}

static bool find_bp(struct loop *l, const struct state *s,
		    const struct mkd_cfi_row *row, uint64_t cfa,
		    struct state *next)
{
	uint64_t at;

	switch (row->bp_rule) {
	case MKD_CFI_BP_SAME:
		return true;	/* pt_regs gave it, or it is unchanged */
	case MKD_CFI_BP_AT_CFA:
		at = cfa + (uint64_t)(int64_t)row->bp_offset;
		break;
	default:
		if (!(s->valid & BIT(R(RBP)))) {
			next->valid &= ~BIT(R(RBP));
			return true;
		}
		at = s->regs[R(RBP)] + (uint64_t)(int64_t)row->bp_offset;
		break;
	}
	if (!read_stack(l, s, at, &next->regs[R(RBP)], 1, "the saved rbp"))
		return false;
	next->valid |= BIT(R(RBP));
	return true;
}

/*
 * Cross code the tables call opaque: the first word above sp that is a
 * return address right after a direct call to the function holding pc.
 * bp is kept: it is callee-saved, so the caller's if the opaque code
 * left it alone (the final check on the whole trace tells).
 */
static bool scan_caller(struct loop *l, const struct state *s,
			struct state *next)
{
	uint64_t fn, addr, w, sp = s->regs[R(RSP)];
	uint64_t limit = s->stack.end;
	struct mkd_error *err;
	uint8_t call[8];

	if (!l->ops->func_start(l->arg, s->regs[R(RIP)], &fn))
		return false;
	if (limit - sp > SCAN_BYTES)
		limit = sp + SCAN_BYTES;
	for (addr = sp; addr + 8 <= limit; addr += 8) {
		err = l->ops->read(l->arg, addr, call, 8);
		if (err) {
			mkd_error_destroy(err);
			return false;
		}
		w = mkd_le64(call);
		if (!l->ops->is_text(l->arg, w))
			continue;
		err = l->ops->read(l->arg, w - 5, call, 5);
		if (err) {
			mkd_error_destroy(err);
			continue;
		}
		if (call[0] != 0xe8 ||
		    w + (uint64_t)(int64_t)(int32_t)mkd_le32(call + 1) != fn)
			continue;
		*next = *s;
		next->regs[R(RIP)] = w;
		next->regs[R(RSP)] = addr + 8;
		next->valid = BIT(R(RIP)) | BIT(R(RSP)) |
			      (s->valid & BIT(R(RBP)));
		next->signal = false;
		next->full_regs = false;
		next->scanned = true;
		return true;
	}
	return false;
}

/* The row for the state's pc, or the frame-pointer guess. */
static bool get_row(struct loop *l, const struct state *s,
		    struct mkd_cfi_row *row)
{
	uint64_t pc = s->regs[R(RIP)];
	struct mkd_error *err;

	err = l->ops->find_row(l->arg, s->signal ? pc : pc - 1, row);
	if (!err)
		return true;
	if (mkd_error_code(err) != MKD_ERR_NOT_FOUND) {
		end_err(l, err, "unwind information for", pc);
		return false;
	}
	mkd_error_destroy(err);
	*row = mkd_cfi_fp_row;
	return true;
}

static struct mkd_error *push(struct mkd_stack_trace *t, const struct state *s,
			      uint32_t flags, uint64_t regs_addr)
{
	struct mkd_frame *f;

	if (!mkd_array_reserve(&t->frames, &t->cap, t->n + 1, sizeof(*f)))
		return &mkd_enomem;
	f = &t->frames[t->n++];
	memset(f, 0, sizeof(*f));
	f->pc = s->regs[R(RIP)];
	f->sp = s->regs[R(RSP)];
	f->stack = flags & MKD_FRAME_USER ? MKD_STACK_USER : s->stack.kind;
	f->flags = flags | (s->uncertain || s->scanned ? MKD_FRAME_UNCERTAIN :
						       MKD_FRAME_RELIABLE);
	if (s->scanned)
		f->flags |= MKD_FRAME_SCANNED;
	if (s->uncertain)
		f->note = "no unwind information on the way here: guessed from the frame pointer";
	else if (s->scanned)
		f->note = scan_note;
	f->regs_addr = regs_addr;
	f->regs_valid = s->valid;
	memcpy(f->regs, s->regs, sizeof(f->regs));
	return NULL;
}

static bool is_user(const struct state *s)
{
	return (s->valid & BIT(R(CS))) && (s->regs[R(CS)] & 3) == 3;
}

/* Is next's sp where a caller's may be?  Updates next's stack. */
static bool stack_ok(struct loop *l, const struct state *s,
		     struct state *next)
{
	uint64_t sp = next->regs[R(RSP)];

	if (sp >= s->stack.begin && sp < s->stack.end) {
		if (sp > s->regs[R(RSP)])
			return true;
		end(l, MKD_UNWIND_END_ERROR,
		    "stack going the wrong way at 0x%llx: sp 0x%llx after 0x%llx",
		    (unsigned long long)s->regs[R(RIP)],
		    (unsigned long long)sp,
		    (unsigned long long)s->regs[R(RSP)]);
		return false;
	}
	if (!l->ops->find_stack(l->arg, sp, &next->stack)) {
		end(l, MKD_UNWIND_END_ERROR,
		    "the caller's sp 0x%llx is on no known stack",
		    (unsigned long long)sp);
		return false;
	}
	next->visited |= 1u << s->stack.kind;
	if (next->visited & (1u << next->stack.kind)) {
		end(l, MKD_UNWIND_END_ERROR,
		    "the %s stack is entered again at sp 0x%llx",
		    mkd_stack_kind_name(next->stack.kind),
		    (unsigned long long)sp);
		return false;
	}
	return true;
}

enum step { STEP_FRAME, STEP_USER, STEP_END };

static enum step check_caller(struct loop *l, const struct state *s,
			      struct state *next)
{
	if (!stack_ok(l, s, next))
		return STEP_END;
	if (!l->ops->is_text(l->arg, next->regs[R(RIP)])) {
		end(l, MKD_UNWIND_END_ERROR,
		    "the caller's pc 0x%llx is not kernel text",
		    (unsigned long long)next->regs[R(RIP)]);
		return STEP_END;
	}
	return STEP_FRAME;
}

/* From s to its caller in next. */
static enum step step(struct loop *l, struct state *s, struct state *next,
		      uint64_t *regs_addr)
{
	struct mkd_cfi_row row;
	uint64_t cfa, ra;

	*regs_addr = 0;
	if (!get_row(l, s, &row))
		return STEP_END;
	if (row.kind == MKD_CFI_END) {
		end(l, MKD_UNWIND_END_BOTTOM, NULL);
		return STEP_END;
	}
	if (row.kind == MKD_CFI_UNDEFINED) {
		if (scan_caller(l, s, next))
			return check_caller(l, s, next);
		end(l, MKD_UNWIND_END_ERROR,
		    "the unwind tables say 0x%llx cannot be unwound, and no call to its function is on the stack",
		    (unsigned long long)s->regs[R(RIP)]);
		return STEP_END;
	}
	if (!cfa_of(l, s, &row, &cfa))
		return STEP_END;
	l->trace->frames[l->trace->n - 1].cfa = cfa;
	*next = *s;
	next->uncertain |= row.guessed;
	if (row.kind == MKD_CFI_CALL) {
		if (!read_stack(l, s, cfa - 8, &ra, 1, "the return address"))
			return STEP_END;
		next->regs[R(RIP)] = ra;
		next->regs[R(RSP)] = cfa;
		next->valid = BIT(R(RIP)) | BIT(R(RSP)) |
			      (s->valid & BIT(R(RBP)));
		next->signal = false;
		next->full_regs = false;
	} else if (!from_regs(l, s, &row, cfa, next, regs_addr)) {
		return STEP_END;
	}
	if (!find_bp(l, s, &row, cfa, next))
		return STEP_END;
	if (is_user(next))
		return STEP_USER;
	return check_caller(l, s, next);
}

static uint32_t regs_flags(const struct state *s, uint64_t regs_addr)
{
	if (!regs_addr)
		return 0;
	return MKD_FRAME_REGS | (s->full_regs ? 0 : MKD_FRAME_PARTIAL_REGS);
}

static struct mkd_error *first_frame(struct loop *l, struct state *s)
{
	uint32_t flags = 0;

	if (is_user(s)) {
		flags = MKD_FRAME_USER;
		end(l, MKD_UNWIND_END_USER, NULL);
	} else if (!l->ops->find_stack(l->arg, s->regs[R(RSP)], &s->stack)) {
		end(l, MKD_UNWIND_END_ERROR,
		    "the stack pointer 0x%llx is on no known stack",
		    (unsigned long long)s->regs[R(RSP)]);
	}
	return push(l->trace, s, flags, 0);
}

/*
 * A scanned caller is confirmed when the unwind from it reached the
 * stack's bottom by the tables alone: a wrong pick would have had to
 * look like a whole call chain down to the end.
 */
static void confirm_scanned(struct mkd_stack_trace *t)
{
	struct mkd_frame *f;
	size_t i;

	if (t->end != MKD_UNWIND_END_BOTTOM && t->end != MKD_UNWIND_END_USER)
		return;
	for (i = 0; i < t->n; i++) {
		f = &t->frames[i];
		if (!(f->flags & MKD_FRAME_SCANNED) || f->note != scan_note)
			continue;
		f->flags &= ~MKD_FRAME_UNCERTAIN;
		f->flags |= MKD_FRAME_RELIABLE;
		f->note = confirmed_note;
	}
}

struct mkd_error *mkd_unwind_run(const struct mkd_unwind_ops *ops, void *arg,
				 const struct mkd_unwind_start *start,
				 struct mkd_stack_trace *trace)
{
	struct loop l = { .ops = ops, .arg = arg, .trace = trace };
	struct state s = { .valid = start->valid, .signal = start->signal };
	struct state next;
	struct mkd_error *err;
	uint64_t regs_addr;
	enum step st;

	memcpy(s.regs, start->regs, sizeof(s.regs));
	s.full_regs = (s.valid & (BIT(PT_REGS_WORDS) - 1)) ==
		      BIT(PT_REGS_WORDS) - 1;
	trace->end = 0;
	trace->note[0] = '\0';
	err = first_frame(&l, &s);
	if (err)
		return err;
	while (!trace->end) {
		if (trace->n >= MKD_UNWIND_MAX_FRAMES) {
			end(&l, MKD_UNWIND_END_LIMIT,
			    "stopped after %d frames", MKD_UNWIND_MAX_FRAMES);
			break;
		}
		st = step(&l, &s, &next, &regs_addr);
		if (st == STEP_END)
			break;
		err = push(trace, &next, regs_flags(&next, regs_addr) |
			   (st == STEP_USER ? MKD_FRAME_USER : 0), regs_addr);
		if (err)
			return err;
		if (st == STEP_USER)
			end(&l, MKD_UNWIND_END_USER, NULL);
		s = next;
	}
	confirm_scanned(trace);
	return NULL;
}

void mkd_stack_trace_deinit(struct mkd_stack_trace *trace)
{
	free(trace->frames);
	trace->frames = NULL;
	trace->n = trace->cap = 0;
}

/* ------------------------------------------------------------------ */
/* The trace object */

MKD_EXPORT void mkd_stack_trace_destroy(struct mkd_stack_trace *trace)
{
	if (!trace)
		return;
	mkd_stack_trace_deinit(trace);
	free(trace);
}

MKD_EXPORT size_t mkd_stack_trace_frame_count(const struct mkd_stack_trace *trace)
{
	return trace->n;
}

MKD_EXPORT const struct mkd_frame *
mkd_stack_trace_frame(const struct mkd_stack_trace *trace, size_t i)
{
	return i < trace->n ? &trace->frames[i] : NULL;
}

MKD_EXPORT enum mkd_unwind_end mkd_stack_trace_end(const struct mkd_stack_trace *trace)
{
	return trace->end;
}

MKD_EXPORT const char *mkd_stack_trace_note(const struct mkd_stack_trace *trace)
{
	return trace->note[0] ? trace->note : NULL;
}

MKD_EXPORT uint64_t mkd_stack_trace_task_address(const struct mkd_stack_trace *trace)
{
	return trace->task;
}

MKD_EXPORT int32_t mkd_stack_trace_pid(const struct mkd_stack_trace *trace)
{
	return trace->pid;
}

MKD_EXPORT const char *mkd_stack_trace_comm(const struct mkd_stack_trace *trace)
{
	return trace->comm;
}

MKD_EXPORT int32_t mkd_stack_trace_cpu_index(const struct mkd_stack_trace *trace)
{
	return trace->cpu;
}

MKD_EXPORT const char *mkd_stack_kind_name(enum mkd_stack_kind kind)
{
	static const char *const names[] = {
		[MKD_STACK_UNKNOWN] = "unknown", [MKD_STACK_TASK] = "task",
		[MKD_STACK_IRQ] = "IRQ", [MKD_STACK_DF] = "#DF",
		[MKD_STACK_NMI] = "NMI", [MKD_STACK_DB] = "#DB",
		[MKD_STACK_MCE] = "#MC", [MKD_STACK_VC] = "#VC",
		[MKD_STACK_VC2] = "#VC2", [MKD_STACK_USER] = "user",
	};

	if ((unsigned)kind >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[kind];
}

MKD_EXPORT const char *mkd_unwind_end_name(enum mkd_unwind_end end)
{
	switch (end) {
	case MKD_UNWIND_END_BOTTOM:
		return "bottom";
	case MKD_UNWIND_END_USER:
		return "user";
	case MKD_UNWIND_END_ERROR:
		return "error";
	case MKD_UNWIND_END_LIMIT:
		return "limit";
	}
	return "unknown";
}
