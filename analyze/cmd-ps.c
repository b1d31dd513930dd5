// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-ps.c - ps [-G] [-k|-u] [PID|TASK|COMM...]: the tasks of the dumped
 * kernel, every thread, as crash lists them: the CPU's current tasks
 * marked '>', kernel threads' names in brackets, sorted by pid.  What
 * the walk could not read is said after the table (JSON: "notes").
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"

static const char usage[] =
	"ps [-G] [-k|-u] [PID|TASK|COMM...]\n\n"
	"List the tasks (all threads) of the dumped kernel, read from the\n"
	"dump alone: PID, PPID (parent process), CPU (where it runs or last\n"
	"ran), TASK (its task_struct), ST (state: RU running, IN sleeping,\n"
	"UN uninterruptible, ID idle, ST stopped, TR traced, ZO zombie, DE\n"
	"dead, PA parked), %MEM, VSZ and RSS (KiB), COMM.  '>' marks the\n"
	"task each CPU was running; kernel threads show as [name].\n"
	"  -G   thread group leaders only (processes)\n"
	"  -k   kernel threads only\n"
	"  -u   user tasks only\n"
	"Operands select tasks by pid, task address (0x...) or command name.\n"
	"Tasks or lists that cannot be read are named in notes after the\n"
	"table.";

enum { OPT_LEADERS = 'G', OPT_KERNEL = 'k', OPT_USER = 'u' };

static const struct az_option opts[] = {
	{ "-G", OPT_LEADERS, false },
	{ "-k", OPT_KERNEL, false },
	{ "-u", OPT_USER, false },
	{ NULL, 0, false },
};

#define MAX_NOTES 64

struct ps {
	struct mkd_task *tasks;
	size_t n, cap;
	char *notes[MAX_NOTES];
	size_t nnotes, notes_dropped;
	bool nomem;
	uint64_t totalram;	/* pages; 0 unknown */
	uint32_t page_kib;
};

static int add_task(const struct mkd_task *task, void *arg)
{
	struct ps *ps = arg;
	struct mkd_task *grown;

	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 256;

		grown = realloc(ps->tasks, cap * sizeof(*grown));
		if (!grown) {
			ps->nomem = true;
			return 1;
		}
		ps->tasks = grown;
		ps->cap = cap;
	}
	ps->tasks[ps->n++] = *task;
	return 0;
}

static void add_note(const struct mkd_error *note, void *arg)
{
	struct ps *ps = arg;

	if (ps->nnotes == MAX_NOTES) {
		ps->notes_dropped++;
		return;
	}
	ps->notes[ps->nnotes] = strdup(mkd_error_message(note));
	if (ps->notes[ps->nnotes])
		ps->nnotes++;
}

static void ps_free(struct ps *ps)
{
	size_t i;

	for (i = 0; i < ps->nnotes; i++)
		free(ps->notes[i]);
	free(ps->tasks);
}

static int by_pid(const void *a, const void *b)
{
	const struct mkd_task *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

/* _totalram_pages, for %MEM; 0 when it cannot be read. */
static uint64_t totalram_pages(struct mkd_dump *dump)
{
	struct mkd_symbol sym;
	struct mkd_error *err;
	uint64_t pages = 0;

	err = mkd_symbol_lookup_name(dump, "_totalram_pages", &sym);
	if (!err)
		err = mkd_read_virt(dump, sym.address, &pages, sizeof(pages),
				    NULL);
	mkd_error_destroy(err);
	return err ? 0 : pages;
}

/* ------------------------------------------------------------------ */
/* Which tasks to show */

struct select {
	bool kernel, user;
	char **operands;
	int noperands;
};

static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static bool operand_matches(const char *word, const struct mkd_task *t)
{
	uint64_t addr;

	if (is_number(word))
		return strtol(word, NULL, 10) == t->pid;
	if (!strncmp(word, "0x", 2) && az_parse_u64(word, &addr))
		return addr == t->address;
	return !strcmp(word, t->comm);
}

static bool selected(const struct select *sel, const struct mkd_task *t)
{
	bool kthread = t->flags & MKD_TASK_KTHREAD;
	int i;

	if ((sel->kernel && !kthread) || (sel->user && kthread))
		return false;
	for (i = 0; i < sel->noperands; i++)
		if (operand_matches(sel->operands[i], t))
			return true;
	return sel->noperands == 0;
}

/* ------------------------------------------------------------------ */
/* Output */

static const char *state_name(char letter)
{
	switch (letter) {
	case 'R': return "RU";
	case 'S': return "IN";
	case 'D': return "UN";
	case 'T': return "ST";
	case 't': return "TR";
	case 'X': return "DE";
	case 'Z': return "ZO";
	case 'P': return "PA";
	case 'I': return "ID";
	default: return "??";
	}
}

/* One format for the header and the rows, so they line up. */
#define ROW_FORMAT "%c %7s %7s %4s  %-16s  %-2s %5s %8s %7s  %s\n"

static bool mm_known(const struct mkd_task *t)
{
	return !(t->flags & MKD_TASK_NO_MM);
}

static void text_row(FILE *out, const struct ps *ps, const struct mkd_task *t)
{
	char comm[MKD_TASK_COMM_LEN + 3], mem[16], vsz[24], rss[24];
	char pid[16], ppid[16], cpu[16], task[20];

	snprintf(comm, sizeof(comm), t->flags & MKD_TASK_KTHREAD ? "[%s]" : "%s",
		 t->comm);
	snprintf(ppid, sizeof(ppid), t->flags & MKD_TASK_NO_PARENT ? "?" : "%d",
		 t->ppid);
	if (!mm_known(t)) {
		strcpy(mem, "?");
		strcpy(vsz, "?");
		strcpy(rss, "?");
	} else {
		if (ps->totalram)
			snprintf(mem, sizeof(mem), "%.1f",
				 100.0 * (double)t->rss / (double)ps->totalram);
		else
			strcpy(mem, "?");
		snprintf(vsz, sizeof(vsz), "%llu",
			 (unsigned long long)t->total_vm * ps->page_kib);
		snprintf(rss, sizeof(rss), "%llu",
			 (unsigned long long)t->rss * ps->page_kib);
	}
	snprintf(pid, sizeof(pid), "%d", t->pid);
	snprintf(cpu, sizeof(cpu), "%d", t->cpu);
	snprintf(task, sizeof(task), "%016llx", (unsigned long long)t->address);
	fprintf(out, ROW_FORMAT, t->flags & MKD_TASK_CURRENT ? '>' : ' ', pid,
		ppid, cpu, task, state_name(t->state_letter), mem, vsz, rss,
		comm);
}

static void write_text(struct az_ctx *ctx, const struct ps *ps,
		       const struct select *sel)
{
	size_t i;

	fprintf(ctx->out, ROW_FORMAT, ' ', "PID", "PPID", "CPU", "TASK", "ST",
		"%MEM", "VSZ", "RSS", "COMM");
	for (i = 0; i < ps->n; i++)
		if (selected(sel, &ps->tasks[i]))
			text_row(ctx->out, ps, &ps->tasks[i]);
	for (i = 0; i < ps->nnotes; i++)
		fprintf(ctx->out, "note: %s\n", ps->notes[i]);
	if (ps->notes_dropped)
		fprintf(ctx->out, "note: %zu more notes left out\n",
			ps->notes_dropped);
}

static void json_task(struct json *js, const struct ps *ps,
		      const struct mkd_task *t)
{
	char state[2] = { t->state_letter, '\0' };

	json_begin_object(js, NULL);
	json_int(js, "pid", t->pid);
	json_int(js, "tgid", t->tgid);
	if (t->flags & MKD_TASK_NO_PARENT)
		json_null(js, "ppid");
	else
		json_int(js, "ppid", t->ppid);
	json_int(js, "cpu", t->cpu);
	if (t->current_cpu >= 0)
		json_int(js, "current_on_cpu", t->current_cpu);
	else
		json_null(js, "current_on_cpu");
	json_uint(js, "task", t->address);
	json_string(js, "state", state);
	json_string(js, "st", state_name(t->state_letter));
	json_uint(js, "state_bits", t->state);
	json_uint(js, "exit_state", t->exit_state);
	json_bool(js, "kernel_thread", t->flags & MKD_TASK_KTHREAD);
	json_bool(js, "idle", t->flags & MKD_TASK_IDLE);
	json_uint(js, "flags", t->pf_flags);
	json_uint(js, "mm", t->mm);
	if (mm_known(t)) {
		json_uint(js, "vsz_kib", t->total_vm * ps->page_kib);
		json_uint(js, "rss_kib", t->rss * ps->page_kib);
	} else {
		json_null(js, "vsz_kib");
		json_null(js, "rss_kib");
		json_string(js, "note", "its mm_struct cannot be read");
	}
	json_uint(js, "start_time_ns", t->start_time);
	json_string(js, "comm", t->comm);
	json_end_object(js);
}

static void write_json(struct az_ctx *ctx, const struct ps *ps,
		       const struct select *sel)
{
	struct json *js = &ctx->js;
	size_t i;

	json_begin_object(js, NULL);
	if (ps->totalram)
		json_uint(js, "totalram_pages", ps->totalram);
	else
		json_null(js, "totalram_pages");
	json_begin_array(js, "tasks");
	for (i = 0; i < ps->n; i++)
		if (selected(sel, &ps->tasks[i]))
			json_task(js, ps, &ps->tasks[i]);
	json_end_array(js);
	json_begin_array(js, "notes");
	for (i = 0; i < ps->nnotes; i++)
		json_string(js, NULL, ps->notes[i]);
	json_end_array(js);
	json_uint(js, "notes_left_out", ps->notes_dropped);
	json_end_object(js);
	json_finish(js);
}

int cmd_ps(struct az_ctx *ctx, int argc, char **argv)
{
	struct select sel = { 0 };
	struct ps ps = { 0 };
	uint32_t flags = 0;
	struct az_getopt g;
	struct mkd_error *err;
	int c;

	az_getopt_init(&g, ctx, argc, argv, opts, usage);
	while ((c = az_getopt(&g)) > 0) {
		if (c == OPT_LEADERS)
			flags |= MKD_TASK_ITER_LEADERS;
		else if (c == OPT_KERNEL)
			sel.kernel = true;
		else if (c == OPT_USER)
			sel.user = true;
	}
	if (c < 0)
		return az_getopt_exit(c);
	if (sel.kernel && sel.user)
		return az_usage_error(ctx, "-k and -u exclude each other");
	sel.operands = g.operands;
	sel.noperands = g.noperands;
	err = mkd_task_iterate(ctx->dump, flags, add_task, add_note, &ps);
	if (err || ps.nomem) {
		ps_free(&ps);
		return err ? az_fail(ctx, err) : az_errorf(ctx, "out of memory");
	}
	qsort(ps.tasks, ps.n, sizeof(*ps.tasks), by_pid);
	ps.totalram = totalram_pages(ctx->dump);
	ps.page_kib = mkd_dump_page_size(ctx->dump) / 1024;
	if (ctx->json)
		write_json(ctx, &ps, &sel);
	else
		write_text(ctx, &ps, &sel);
	ps_free(&ps);
	return EXIT_OK;
}
