// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kbt.c - print libmkdump's stack traces plainly, for the guest truth
 * test (tests/guest/test-bt.sh) until mkdump-analyze's bt command reads
 * them:
 *
 *   kbt DUMP          the panic task (the panic CPU's current task)
 *   kbt -a DUMP       every CPU's task, from its saved registers
 *   kbt -t ADDR DUMP  the task whose task_struct is at ADDR
 *   kbt -p PID DUMP   the task with pid PID
 *
 * Each trace: a "PID: TASK: CPU: COMMAND:" line, one line per frame
 * (" #N [sp] symbol+off at pc", '?' before uncertain ones), the
 * registers of exception frames and of the user boundary as the kernel
 * prints them ("RIP: 0033:0x47b7a0"), then "end: REASON[: note]".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkdump.h"

#define REG(f, r) ((f)->regs[MKD_X86_64_##r])

static void print_regs(const struct mkd_frame *f)
{
	if (f->flags & MKD_FRAME_USER)
		printf("    RIP: %04" PRIx64 ":0x%" PRIx64 "\n", REG(f, CS),
		       REG(f, RIP));
	else
		printf("    RIP: %04" PRIx64 ":%016" PRIx64 "\n", REG(f, CS),
		       REG(f, RIP));
	printf("    RSP: %04" PRIx64 ":%016" PRIx64 " EFLAGS: %08" PRIx64,
	       REG(f, SS), REG(f, RSP), REG(f, EFLAGS));
	if (f->flags & MKD_FRAME_PARTIAL_REGS) {
		printf("\n");
		return;
	}
	printf(" ORIG_RAX: %016" PRIx64 "\n", REG(f, ORIG_RAX));
	printf("    RAX: %016" PRIx64 " RBX: %016" PRIx64 " RCX: %016" PRIx64
	       "\n", REG(f, RAX), REG(f, RBX), REG(f, RCX));
	printf("    RDX: %016" PRIx64 " RSI: %016" PRIx64 " RDI: %016" PRIx64
	       "\n", REG(f, RDX), REG(f, RSI), REG(f, RDI));
	printf("    RBP: %016" PRIx64 " R08: %016" PRIx64 " R09: %016" PRIx64
	       "\n", REG(f, RBP), REG(f, R8), REG(f, R9));
	printf("    R10: %016" PRIx64 " R11: %016" PRIx64 " R12: %016" PRIx64
	       "\n", REG(f, R10), REG(f, R11), REG(f, R12));
	printf("    R13: %016" PRIx64 " R14: %016" PRIx64 " R15: %016" PRIx64
	       "\n", REG(f, R13), REG(f, R14), REG(f, R15));
}

static void print_frame(size_t i, const struct mkd_frame *f, uint32_t prev)
{
	const char *q = f->flags & MKD_FRAME_UNCERTAIN ? "? " : "";

	if (i && f->stack != prev && !(f->flags & MKD_FRAME_USER))
		printf(" --- <%s stack> ---\n",
		       mkd_stack_kind_name(f->stack));
	if (f->flags & MKD_FRAME_USER) {
		print_regs(f);
		return;
	}
	if (f->sym.name)
		printf(" #%zu [%016" PRIx64 "] %s%s+0x%" PRIx64 "/0x%" PRIx64
		       " at %016" PRIx64 "\n", i, f->sp, q, f->sym.name,
		       f->sym_offset, f->sym.size, f->pc);
	else
		printf(" #%zu [%016" PRIx64 "] %s0x%016" PRIx64 "\n", i, f->sp,
		       q, f->pc);
	if (f->note && (f->flags & MKD_FRAME_UNCERTAIN))
		printf("    note: %s\n", f->note);
	if (f->flags & MKD_FRAME_REGS)
		print_regs(f);
}

static void print_trace(const struct mkd_stack_trace *t)
{
	size_t i, n = mkd_stack_trace_frame_count(t);
	const char *note = mkd_stack_trace_note(t);
	uint32_t prev = 0;

	printf("PID: %d  TASK: %" PRIx64 "  CPU: %d  COMMAND: \"%s\"\n",
	       mkd_stack_trace_pid(t), mkd_stack_trace_task_address(t),
	       mkd_stack_trace_cpu_index(t), mkd_stack_trace_comm(t));
	for (i = 0; i < n; i++) {
		const struct mkd_frame *f = mkd_stack_trace_frame(t, i);

		print_frame(i, f, prev);
		prev = f->stack;
	}
	printf("end: %s%s%s\n", mkd_unwind_end_name(mkd_stack_trace_end(t)),
	       note ? ": " : "", note ? note : "");
}

static struct mkd_error *one(struct mkd_dump *dump, const char *mode,
			     const char *arg)
{
	struct mkd_stack_trace *t = NULL;
	struct mkd_error *err;
	struct mkd_task task;
	uint32_t cpu;

	if (!strcmp(mode, "-t")) {
		err = mkd_stack_trace_task(dump, strtoull(arg, NULL, 16), &t);
	} else if (!strcmp(mode, "-p")) {
		err = mkd_task_from_pid(dump, atoi(arg), &task);
		if (!err)
			err = mkd_stack_trace_task(dump, task.address, &t);
	} else {
		if (!mkd_dump_panic_cpu(dump, &cpu)) {
			fprintf(stderr, "note: no panic CPU: CPU 0\n");
			cpu = 0;
		}
		err = mkd_stack_trace_cpu(dump, cpu, &t);
	}
	if (!err)
		print_trace(t);
	mkd_stack_trace_destroy(t);
	return err;
}

int main(int argc, char **argv)
{
	const char *path = argv[argc - 1];
	struct mkd_stack_trace *t;
	struct mkd_dump *dump;
	struct mkd_error *err;
	size_t cpu;

	if (argc < 2 || argc > 4)
		return 2;
	err = mkd_dump_open(path, NULL, &dump);
	if (!err && argc == 3 && !strcmp(argv[1], "-a")) {
		for (cpu = 0; cpu < mkd_dump_cpu_count(dump) && !err; cpu++) {
			err = mkd_stack_trace_cpu(dump, cpu, &t);
			if (!err)
				print_trace(t);
			mkd_stack_trace_destroy(t);
		}
	} else if (!err) {
		err = one(dump, argc == 4 ? argv[1] : "", argv[2]);
	}
	mkd_dump_destroy(dump);
	if (err) {
		fprintf(stderr, "kbt: %s\n", mkd_error_message(err));
		mkd_error_destroy(err);
		return 1;
	}
	return 0;
}
