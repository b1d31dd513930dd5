// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-bt.c - bt [-a | PID | TASKADDR] [-f]: stack traces from the dump's
 * ORC tables (libmkdump's mkd_stack_trace_*), laid out as crash does.
 *
 * Frames the unwinder could only guess are marked '?' with a note; the
 * registers of exception frames and of the user-mode boundary are shown
 * as the kernel prints them ("RIP: 0033:0x47b7a0"); a trace that stops
 * early says why.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "analyze.h"

static const char usage[] =
	"bt [-a | PID | TASKADDR] [-f]\n\n"
	"The stack trace of the panic task (by default), of every CPU's\n"
	"task (-a), of the task with pid PID, or of the task_struct at\n"
	"TASKADDR.  Frames come from the kernel's ORC tables in the dump;\n"
	"a frame marked '?' was guessed and is followed by a note.\n"
	"  -a   every CPU's task, from the registers the dump saved\n"
	"  -f   also show each frame's stack words";

enum { OPT_ALL = 'a', OPT_FULL = 'f' };

static const struct az_option opts[] = {
	{ "-a", OPT_ALL, false },
	{ "-f", OPT_FULL, false },
	{ NULL, 0, false },
};

#define MAX_WORDS 512		/* stack words shown per frame (-f) */
#define KERNEL_MIN 0xffff800000000000ull
#define REG(f, r) ((f)->regs[MKD_X86_64_##r])

static const char *const reg_json_names[] = {
	"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
	"rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs",
	"eflags", "rsp", "ss",
};
#define PT_REGS_COUNT (sizeof(reg_json_names) / sizeof(reg_json_names[0]))

static void text_regs(struct az_ctx *ctx, const struct mkd_frame *f)
{
	FILE *o = ctx->out;

	if (f->flags & MKD_FRAME_USER)
		fprintf(o, "    RIP: %04" PRIx64 ":0x%" PRIx64 "\n",
			REG(f, CS), REG(f, RIP));
	else
		fprintf(o, "    RIP: %04" PRIx64 ":%016" PRIx64 "\n",
			REG(f, CS), REG(f, RIP));
	fprintf(o, "    RSP: %04" PRIx64 ":%016" PRIx64 " EFLAGS: %08" PRIx64,
		REG(f, SS), REG(f, RSP), REG(f, EFLAGS));
	if (f->flags & MKD_FRAME_PARTIAL_REGS) {
		fprintf(o, "\n    (an iret frame: no other registers saved)\n");
		return;
	}
	fprintf(o, " ORIG_RAX: %016" PRIx64 "\n", REG(f, ORIG_RAX));
	fprintf(o, "    RAX: %016" PRIx64 " RBX: %016" PRIx64 " RCX: %016"
		PRIx64 "\n", REG(f, RAX), REG(f, RBX), REG(f, RCX));
	fprintf(o, "    RDX: %016" PRIx64 " RSI: %016" PRIx64 " RDI: %016"
		PRIx64 "\n", REG(f, RDX), REG(f, RSI), REG(f, RDI));
	fprintf(o, "    RBP: %016" PRIx64 " R08: %016" PRIx64 " R09: %016"
		PRIx64 "\n", REG(f, RBP), REG(f, R8), REG(f, R9));
	fprintf(o, "    R10: %016" PRIx64 " R11: %016" PRIx64 " R12: %016"
		PRIx64 "\n", REG(f, R10), REG(f, R11), REG(f, R12));
	fprintf(o, "    R13: %016" PRIx64 " R14: %016" PRIx64 " R15: %016"
		PRIx64 "\n", REG(f, R13), REG(f, R14), REG(f, R15));
}

static uint64_t le64(const uint8_t *b)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

/* The words from a frame's sp up to its caller's sp (-f). */
static uint64_t words_end(const struct mkd_stack_trace *t, size_t i)
{
	const struct mkd_frame *f = mkd_stack_trace_frame(t, i);
	const struct mkd_frame *next = mkd_stack_trace_frame(t, i + 1);
	uint64_t end = f->cfa;

	if (next && next->stack == f->stack && next->sp > f->sp)
		end = next->sp;
	if (end <= f->sp || end - f->sp > 8 * MAX_WORDS)
		end = f->sp + 8 * (end > f->sp ? MAX_WORDS : 0);
	return end;
}

static void text_words(struct az_ctx *ctx, const struct mkd_stack_trace *t,
		       size_t i)
{
	const struct mkd_frame *f = mkd_stack_trace_frame(t, i);
	uint64_t addr, end = words_end(t, i);
	struct mkd_error *err;
	uint8_t raw[8];
	char note[96];
	int col = 0;

	for (addr = f->sp; addr < end; addr += 8) {
		if (col == 0)
			fprintf(ctx->out, "    %016" PRIx64 ":", addr);
		err = mkd_read_virt(ctx->dump, addr, raw, 8, NULL);
		if (err) {
			fprintf(ctx->out, " %s\n", az_unreadable(ctx, err,
				addr, false, note, sizeof(note)));
			mkd_error_destroy(err);
			return;
		}
		fprintf(ctx->out, " %016" PRIx64, le64(raw));
		if (++col == 4) {
			fputc('\n', ctx->out);
			col = 0;
		}
	}
	if (col)
		fputc('\n', ctx->out);
}

static void text_frame(struct az_ctx *ctx, const struct mkd_stack_trace *t,
		       size_t i, bool full)
{
	const struct mkd_frame *f = mkd_stack_trace_frame(t, i);
	const struct mkd_frame *prev = i ? mkd_stack_trace_frame(t, i - 1) : NULL;
	const char *q = f->flags & MKD_FRAME_UNCERTAIN ? "? " : "";
	FILE *o = ctx->out;

	if (f->flags & MKD_FRAME_USER) {
		text_regs(ctx, f);
		return;
	}
	if (prev ? prev->stack != f->stack : f->stack != MKD_STACK_TASK)
		fprintf(o, " --- <%s stack> ---\n",
			mkd_stack_kind_name(f->stack));
	fprintf(o, " #%zu [%016" PRIx64 "] %s", i, f->sp, q);
	if (f->sym.name)
		fprintf(o, "%s+0x%" PRIx64 "/0x%" PRIx64 "%s%s%s", f->sym.name,
			f->sym_offset, f->sym.size, f->sym.module ? " [" : "",
			f->sym.module ? f->sym.module : "",
			f->sym.module ? "]" : "");
	else
		fprintf(o, "<no symbol>");
	fprintf(o, " at %016" PRIx64 "\n", f->pc);
	if (f->flags & MKD_FRAME_UNCERTAIN)
		fprintf(o, "    note: %s\n", f->note ? f->note : "guessed");
	if (f->flags & MKD_FRAME_REGS)
		text_regs(ctx, f);
	if (full)
		text_words(ctx, t, i);
}

static void text_trace(struct az_ctx *ctx, const struct mkd_stack_trace *t,
		       bool full)
{
	const char *note = mkd_stack_trace_note(t);
	size_t i, n = mkd_stack_trace_frame_count(t);

	fprintf(ctx->out, "PID: %-6d TASK: %016" PRIx64 "  CPU: ",
		mkd_stack_trace_pid(t), mkd_stack_trace_task_address(t));
	if (mkd_stack_trace_cpu_index(t) >= 0)
		fprintf(ctx->out, "%-3d", mkd_stack_trace_cpu_index(t));
	else
		fprintf(ctx->out, "-  ");
	fprintf(ctx->out, " COMMAND: \"%s\"\n", mkd_stack_trace_comm(t));
	for (i = 0; i < n; i++)
		text_frame(ctx, t, i, full);
	if (note)
		fprintf(ctx->out, "    (the trace ends here: %s)\n", note);
}

static void json_regs(struct az_ctx *ctx, const struct mkd_frame *f)
{
	size_t r;

	json_begin_object(&ctx->js, "regs");
	for (r = 0; r < PT_REGS_COUNT; r++) {
		if (f->regs_valid & (1ull << r))
			json_uint(&ctx->js, reg_json_names[r], f->regs[r]);
		else
			json_null(&ctx->js, reg_json_names[r]);
	}
	json_end_object(&ctx->js);
}

static void json_words(struct az_ctx *ctx, const struct mkd_stack_trace *t,
		       size_t i)
{
	const struct mkd_frame *f = mkd_stack_trace_frame(t, i);
	uint64_t addr, end = words_end(t, i);
	struct mkd_error *err;
	uint8_t raw[8];
	char note[96];

	json_begin_array(&ctx->js, "words");
	for (addr = f->sp; addr < end; addr += 8) {
		err = mkd_read_virt(ctx->dump, addr, raw, 8, NULL);
		if (err) {
			json_end_array(&ctx->js);
			json_string(&ctx->js, "words_note", az_unreadable(ctx,
				    err, addr, false, note, sizeof(note)));
			mkd_error_destroy(err);
			return;
		}
		json_uint(&ctx->js, NULL, le64(raw));
	}
	json_end_array(&ctx->js);
}

static void json_frame(struct az_ctx *ctx, const struct mkd_stack_trace *t,
		       size_t i, bool full)
{
	const struct mkd_frame *f = mkd_stack_trace_frame(t, i);

	json_begin_object(&ctx->js, NULL);
	json_uint(&ctx->js, "index", i);
	json_uint(&ctx->js, "pc", f->pc);
	json_uint(&ctx->js, "sp", f->sp);
	if (f->cfa)
		json_uint(&ctx->js, "cfa", f->cfa);
	else
		json_null(&ctx->js, "cfa");
	json_string(&ctx->js, "stack", mkd_stack_kind_name(f->stack));
	if (f->sym.name) {
		json_string(&ctx->js, "symbol", f->sym.name);
		json_uint(&ctx->js, "offset", f->sym_offset);
		json_uint(&ctx->js, "size", f->sym.size);
	} else {
		json_null(&ctx->js, "symbol");
	}
	if (f->sym.module)
		json_string(&ctx->js, "module", f->sym.module);
	json_bool(&ctx->js, "reliable", f->flags & MKD_FRAME_RELIABLE);
	json_bool(&ctx->js, "scanned", f->flags & MKD_FRAME_SCANNED);
	json_bool(&ctx->js, "user", f->flags & MKD_FRAME_USER);
	if (f->note)
		json_string(&ctx->js, "note", f->note);
	if (f->flags & (MKD_FRAME_REGS | MKD_FRAME_USER)) {
		json_uint(&ctx->js, "regs_addr", f->regs_addr);
		json_regs(ctx, f);
	}
	if (full)
		json_words(ctx, t, i);
	json_end_object(&ctx->js);
}

static void json_trace(struct az_ctx *ctx, const struct mkd_stack_trace *t,
		       bool full)
{
	const char *note = mkd_stack_trace_note(t);
	size_t i, n = mkd_stack_trace_frame_count(t);

	json_begin_object(&ctx->js, NULL);
	json_int(&ctx->js, "pid", mkd_stack_trace_pid(t));
	json_uint(&ctx->js, "task", mkd_stack_trace_task_address(t));
	json_int(&ctx->js, "cpu", mkd_stack_trace_cpu_index(t));
	json_string(&ctx->js, "comm", mkd_stack_trace_comm(t));
	json_begin_array(&ctx->js, "frames");
	for (i = 0; i < n; i++)
		json_frame(ctx, t, i, full);
	json_end_array(&ctx->js);
	json_string(&ctx->js, "end",
		    mkd_unwind_end_name(mkd_stack_trace_end(t)));
	if (note)
		json_string(&ctx->js, "note", note);
	else
		json_null(&ctx->js, "note");
	json_end_object(&ctx->js);
}

static void show(struct az_ctx *ctx, const struct mkd_stack_trace *t,
		 bool full, bool first)
{
	if (ctx->json)
		json_trace(ctx, t, full);
	else {
		if (!first)
			fputc('\n', ctx->out);
		text_trace(ctx, t, full);
	}
}

/* The trace an operand names: a task_struct address, else a pid. */
static int trace_of(struct az_ctx *ctx, const char *word,
		    struct mkd_stack_trace **t)
{
	struct mkd_task task;
	struct mkd_error *err;
	uint64_t v;
	char *end;

	/* crash takes task addresses in hex without 0x */
	v = strtoull(word, &end, 16);
	if (*end || !*word)
		v = 0;
	if (v < KERNEL_MIN && !az_parse_u64(word, &v))
		return az_usage_error(ctx, "'%s' is neither a pid nor a task address",
				      word);
	if (v >= KERNEL_MIN) {
		err = mkd_stack_trace_task(ctx->dump, v, t);
	} else {
		v = strtoull(word, &end, 10);
		if (*end || v > INT32_MAX)
			return az_usage_error(ctx, "'%s' is not a pid", word);
		err = mkd_task_from_pid(ctx->dump, (int32_t)v, &task);
		if (!err)
			err = mkd_stack_trace_task(ctx->dump, task.address, t);
	}
	return err ? az_fail(ctx, err) : EXIT_OK;
}

static int panic_trace(struct az_ctx *ctx, struct mkd_stack_trace **t)
{
	struct mkd_error *err;
	uint32_t cpu;

	if (!mkd_dump_panic_cpu(ctx->dump, &cpu))
		return az_errorf(ctx, "the dump names no panic CPU: give -a, a pid or a task address");
	err = mkd_stack_trace_cpu(ctx->dump, cpu, t);
	return err ? az_fail(ctx, err) : EXIT_OK;
}

static int all_cpus(struct az_ctx *ctx, bool full)
{
	size_t cpu, n = mkd_dump_cpu_count(ctx->dump);
	struct mkd_stack_trace *t;
	struct mkd_error *err;
	int rc = EXIT_OK;

	for (cpu = 0; cpu < n; cpu++) {
		err = mkd_stack_trace_cpu(ctx->dump, cpu, &t);
		if (err) {
			rc = az_fail(ctx, err);
			continue;
		}
		show(ctx, t, full, cpu == 0);
		mkd_stack_trace_destroy(t);
	}
	return rc;
}

int cmd_bt(struct az_ctx *ctx, int argc, char **argv)
{
	struct mkd_stack_trace *t = NULL;
	bool all = false, full = false;
	struct az_getopt g;
	int c, rc;

	az_getopt_init(&g, ctx, argc, argv, opts, usage);
	while ((c = az_getopt(&g)) > 0)
		if (c == OPT_ALL)
			all = true;
		else if (c == OPT_FULL)
			full = true;
	if (c < 0)
		return az_getopt_exit(c);
	if (g.noperands > 1 || (all && g.noperands))
		return az_usage_error(ctx, "one of -a, a pid or a task address");
	if (ctx->json)
		json_begin_array(&ctx->js, NULL);
	if (all)
		rc = all_cpus(ctx, full);
	else if (g.noperands)
		rc = trace_of(ctx, g.operands[0], &t);
	else
		rc = panic_trace(ctx, &t);
	if (t)
		show(ctx, t, full, true);
	mkd_stack_trace_destroy(t);
	if (ctx->json) {
		json_end_array(&ctx->js);
		json_finish(&ctx->js);
	}
	return rc;
}
