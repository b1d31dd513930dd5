/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * unwind.h - the stack unwinder's parts.
 *
 * Producers of unwind information (ORC tables today; DWARF CFI could be
 * another) answer one question: for this code address, how are the
 * caller's stack pointer, frame pointer and return address found?  They
 * answer with one intermediate "CFI row", and the unwinder has one loop
 * that applies rows.  The loop reads memory and asks for rows through
 * struct mkd_unwind_ops, so it can run on anything (a dump, a test's fake
 * memory).
 *
 * Invariants of the loop: at most MKD_UNWIND_MAX_FRAMES frames; every
 * word it reads lies on a known stack; the stack pointer only grows
 * within a stack and a stack once left is never entered again.  A guessed
 * row (no unwind information) makes that frame and every later one
 * uncertain.  Code the tables mark as opaque (objtool skipped its file,
 * as kexec_core.o, where crash_setup_regs() takes the panic CPU's
 * registers) is crossed by scanning the stack for a return address whose
 * call instruction calls the opaque function: that caller is
 * MKD_FRAME_SCANNED, and becomes reliable only if the unwind from it
 * then reaches the bottom of the stack.  Failures end the trace with a
 * note; they are not errors.
 */
#ifndef MKD_UNWIND_H
#define MKD_UNWIND_H

#include <stdbool.h>
#include <stdint.h>

#include "mkdump.h"

#define MKD_UNWIND_MAX_FRAMES 256

enum mkd_cfi_kind {
	MKD_CFI_CALL = 0,	/* return address at cfa - 8 */
	MKD_CFI_REGS,		/* a whole struct pt_regs at cfa */
	MKD_CFI_IRET_REGS,	/* an iret frame (ip cs flags sp ss) at cfa */
	MKD_CFI_END,		/* the marked bottom of a stack */
	MKD_CFI_UNDEFINED,	/* the producer knows this address is opaque */
};

enum mkd_cfi_bp_rule {
	MKD_CFI_BP_SAME = 0,	/* the caller's bp is this frame's bp */
	MKD_CFI_BP_AT_CFA,	/* saved at cfa + bp_offset */
	MKD_CFI_BP_AT_BP,	/* saved at bp + bp_offset */
};

/*
 * cfa = cfa_deref ? *(reg + cfa_offset) + cfa_post : reg + cfa_offset,
 * reg being cfa_reg (an enum mkd_x86_64_reg) of the current frame.
 */
struct mkd_cfi_row {
	uint8_t kind;		/* enum mkd_cfi_kind */
	uint8_t cfa_reg;
	uint8_t bp_rule;	/* enum mkd_cfi_bp_rule */
	bool cfa_deref;
	bool guessed;		/* not from unwind tables: a frame-pointer guess */
	int32_t cfa_offset;
	int32_t cfa_post;
	int32_t bp_offset;
};

/* A stack: [begin, end), of kind enum mkd_stack_kind. */
struct mkd_stack_range {
	uint64_t begin, end;
	uint32_t kind;
};

struct mkd_unwind_ops {
	/* Read len bytes at addr (kernel virtual). */
	struct mkd_error *(*read)(void *arg, uint64_t addr, void *buf,
				  size_t len);
	/* The row for pc; MKD_ERR_NOT_FOUND when no table covers pc. */
	struct mkd_error *(*find_row)(void *arg, uint64_t pc,
				      struct mkd_cfi_row *row);
	/* The start of the function holding pc; false when not known. */
	bool (*func_start)(void *arg, uint64_t pc, uint64_t *start);
	/* Is pc in kernel or module text? */
	bool (*is_text)(void *arg, uint64_t pc);
	/* The stack that holds addr; false when it is on none known. */
	bool (*find_stack)(void *arg, uint64_t addr,
			   struct mkd_stack_range *stack);
};

/* Where a trace starts: registers (a CPU's) or a sleeping task's frame. */
struct mkd_unwind_start {
	uint64_t regs[MKD_X86_64_REG_COUNT];
	uint64_t valid;		/* bit per register */
	bool signal;		/* pc is not a return address: look it up as is */
};

struct mkd_stack_trace {
	struct mkd_frame *frames;
	size_t n, cap;
	enum mkd_unwind_end end;
	char note[256];
	uint64_t task;
	int32_t cpu;
	int32_t pid;
	char comm[MKD_TASK_COMM_LEN + 1];
};

/* The frame-pointer guess used where no table covers pc. */
extern const struct mkd_cfi_row mkd_cfi_fp_row;

/*
 * Run the loop from start into trace (which must be zeroed, or hold
 * frames to append to).  Only MKD_ERR_NOMEM is returned; anything else
 * ends the trace with trace->end and trace->note.
 */
struct mkd_error *mkd_unwind_run(const struct mkd_unwind_ops *ops, void *arg,
				 const struct mkd_unwind_start *start,
				 struct mkd_stack_trace *trace);
void mkd_stack_trace_deinit(struct mkd_stack_trace *trace);

/* ------------------------------------------------------------------ */
/* ORC (orc.c) */

/* Bit positions of struct orc_entry's fields after its two s16 offsets. */
struct mkd_orc_layout {
	uint8_t sp_reg, bp_reg, type, end;	/* bit offsets in the u16 */
	uint8_t type_bits;
};

/* What 6.1 has; taken from BTF when the dump has it. */
extern const struct mkd_orc_layout mkd_orc_layout_6_1;

/* Decode one raw 6-byte struct orc_entry into a row. */
void mkd_orc_decode(const uint8_t raw[6], const struct mkd_orc_layout *l,
		    struct mkd_cfi_row *row);

struct mkd_orc;
struct mkd_error *mkd_orc_create(struct mkd_dump *dump, struct mkd_orc **ret);
void mkd_orc_destroy(struct mkd_orc *orc);
/* The row for pc from vmlinux's or a module's table. */
struct mkd_error *mkd_orc_find(struct mkd_dump *dump, struct mkd_orc *orc,
			       uint64_t pc, struct mkd_cfi_row *row);
bool mkd_orc_is_text(struct mkd_dump *dump, struct mkd_orc *orc,
		     uint64_t pc);

#endif /* MKD_UNWIND_H */
