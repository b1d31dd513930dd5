// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * task.c - one task_struct read into a struct mkd_task, with the layout
 * found from the dump's types.
 *
 * Facts (Linux 6.1, include/linux/sched.h, fs/proc/array.c): __state
 * (unsigned int; `state`, a long, before 5.14) and exit_state combine into
 * the /proc letter: (state | exit_state) & TASK_REPORT (0x7f) gives the
 * highest bit set of R S D T t X Z P, TASK_IDLE (0x402) read as I, and
 * TASK_RTLOCK_WAIT (0x1000) as D.  PF_KTHREAD is 0x00200000.  The CPU a
 * task last ran on is task_struct.cpu since 5.16, thread_info.cpu before.
 * ps's ppid is real_parent's tgid.  The mm's resident pages are
 * rss_stat.count[] (MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS,
 * MM_SHMEMPAGES): all but swap entries.
 */
#include <stdlib.h>

#include "internal.h"
#include "kernel.h"
#include "kstate.h"
#include "symbols.h"

#define PF_KTHREAD 0x00200000u
#define TASK_REPORT 0x7fu
#define TASK_UNINTERRUPTIBLE 0x2u
#define TASK_IDLE 0x402u
#define TASK_RTLOCK_WAIT 0x1000u
#define MAX_TASK_SIZE ((uint64_t)64 << 10)
#define MAX_MM_COUNTERS 8

char mkd_task_state_letter(uint32_t state, uint32_t exit_state)
{
	static const char letters[] = "RSDTtXZPI";
	uint32_t report = (state | exit_state) & TASK_REPORT;
	unsigned idx = 0;

	if ((state & TASK_IDLE) == TASK_IDLE)
		report = TASK_REPORT + 1;
	if (state == TASK_RTLOCK_WAIT)
		report = TASK_UNINTERRUPTIBLE;
	while (report) {
		idx++;
		report >>= 1;
	}
	return letters[idx];
}

static struct mkd_error *find_state(struct mkd_dump *dump,
				    struct mkd_task_layout *l)
{
	const char *t = "struct task_struct";
	struct mkd_error *err;
	uint64_t size;

	err = mkd_ks_member(dump, t, "__state", &l->state, &size);
	if (err && mkd_error_code(err) == MKD_ERR_NOT_FOUND) {
		mkd_error_destroy(err);
		err = mkd_ks_member(dump, t, "state", &l->state, &size);
	}
	if (!err && size != 4 && size != 8)
		err = mkd_error_create(MKD_ERR_UNSUPPORTED,
				       "task state of %llu bytes",
				       (unsigned long long)size);
	l->state_size = (uint32_t)size;
	return err;
}

static struct mkd_error *find_cpu(struct mkd_dump *dump,
				  struct mkd_task_layout *l)
{
	struct mkd_error *err;

	err = mkd_ks_member(dump, "struct task_struct", "cpu", &l->cpu, NULL);
	if (err && mkd_error_code(err) == MKD_ERR_NOT_FOUND) {
		mkd_error_destroy(err);
		err = mkd_ks_member(dump, "struct task_struct",
				    "thread_info.cpu", &l->cpu, NULL);
	}
	l->has_cpu = !err;
	if (err && mkd_error_code(err) == MKD_ERR_NOT_FOUND) {
		mkd_error_destroy(err);
		err = NULL;	/* a kernel without SMP */
	}
	return err;
}

static struct mkd_error *find_threads(struct mkd_dump *dump,
				      struct mkd_task_layout *l)
{
	const char *t = "struct task_struct";
	struct mkd_error *err;

	err = mkd_ks_member(dump, t, "signal", &l->signal, NULL);
	if (!err)
		err = mkd_ks_member(dump, t, "thread_node", &l->thread_node,
				    NULL);
	if (!err)
		err = mkd_ks_member(dump, "struct signal_struct", "thread_head",
				    &l->signal_thread_head, NULL);
	l->has_thread_head = !err;
	if (err && mkd_error_code(err) == MKD_ERR_NOT_FOUND) {
		mkd_error_destroy(err);
		err = mkd_ks_member(dump, t, "thread_group", &l->thread_group,
				    NULL);
	}
	return err;
}

/* rss_stat.count[] of 6.1; 6.2 made them percpu_counters (.count). */
static struct mkd_error *find_mm(struct mkd_dump *dump,
				 struct mkd_task_layout *l)
{
	const char *m = "struct mm_struct";
	int64_t swap = 2;
	struct mkd_error *err;
	uint64_t size, n, second;
	bool known;

	err = mkd_ks_member(dump, m, "total_vm", &l->mm_total_vm, NULL);
	if (err)
		return err;
	err = mkd_ks_member(dump, m, "rss_stat.count", &l->mm_rss, &size);
	if (!err)
		err = mkd_ks_member(dump, m, "rss_stat.count[1]", &second,
				    NULL);
	if (err && mkd_error_code(err) == MKD_ERR_NOT_FOUND) {
		mkd_error_destroy(err);
		err = mkd_ks_member(dump, m, "rss_stat[0].count", &l->mm_rss,
				    NULL);
		if (!err)
			err = mkd_ks_member(dump, m, "rss_stat[1].count",
					    &second, NULL);
		size = 0;
	}
	if (err)
		return err;
	l->mm_rss_stride = (uint32_t)(second - l->mm_rss);
	n = l->mm_rss_stride ? size / l->mm_rss_stride : 0;
	if (!n || n > MAX_MM_COUNTERS)
		n = 4;	/* NR_MM_COUNTERS */
	err = mkd_enum_value(dump, "MM_SWAPENTS", &swap, NULL);
	known = !err;
	mkd_error_destroy(err);
	if (!known || swap < 0 || swap >= (int64_t)n)
		swap = 2;	/* the 6.1 value */
	l->mm_rss_mask = ((1u << n) - 1) & ~(1u << swap);
	return NULL;
}

static struct mkd_error *find_basic(struct mkd_dump *dump,
				    struct mkd_task_layout *l)
{
	static const struct {
		const char *path;
		size_t field;
	} members[] = {
		{ "tasks", offsetof(struct mkd_task_layout, tasks) },
		{ "pid", offsetof(struct mkd_task_layout, pid) },
		{ "tgid", offsetof(struct mkd_task_layout, tgid) },
		{ "flags", offsetof(struct mkd_task_layout, flags) },
		{ "exit_state", offsetof(struct mkd_task_layout, exit_state) },
		{ "start_time", offsetof(struct mkd_task_layout, start_time) },
		{ "real_parent", offsetof(struct mkd_task_layout, real_parent) },
		{ "group_leader", offsetof(struct mkd_task_layout, group_leader) },
		{ "mm", offsetof(struct mkd_task_layout, mm) },
	};
	struct mkd_error *err = NULL;
	uint64_t comm_len;
	size_t i;

	for (i = 0; !err && i < sizeof(members) / sizeof(members[0]); i++)
		err = mkd_ks_member(dump, "struct task_struct", members[i].path,
				    (uint64_t *)((char *)l + members[i].field),
				    NULL);
	if (!err)
		err = mkd_ks_member(dump, "struct task_struct", "comm",
				    &l->comm, &comm_len);
	if (!err && (comm_len < 1 || comm_len > 64))
		err = mkd_error_create(MKD_ERR_UNSUPPORTED,
				       "task comm of %llu bytes",
				       (unsigned long long)comm_len);
	l->comm_len = (uint32_t)comm_len;
	return err;
}

/* Every member read from the task's copy lies inside it. */
static struct mkd_error *layout_check(const struct mkd_task_layout *l)
{
	uint64_t end[] = {
		l->tasks + 16, l->pid + 4, l->tgid + 4, l->flags + 4,
		l->exit_state + 4, l->start_time + 8, l->real_parent + 8,
		l->group_leader + 8, l->mm + 8, l->comm + l->comm_len,
		l->state + l->state_size, l->cpu + 4, l->signal + 8,
		l->thread_node + 16, l->thread_group + 16,
	};
	size_t i;

	if (!l->task_size || l->task_size > MAX_TASK_SIZE ||
	    (l->state_size != 4 && l->state_size != 8))
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"struct task_struct of %llu bytes",
					(unsigned long long)l->task_size);
	for (i = 0; i < sizeof(end) / sizeof(end[0]); i++)
		if (end[i] > l->task_size)
			return mkd_error_create(MKD_ERR_UNSUPPORTED,
						"a task member ends at %llu, past the struct",
						(unsigned long long)end[i]);
	return NULL;
}

struct mkd_error *mkd_task_layout_find(struct mkd_dump *dump,
				       struct mkd_task_layout *l)
{
	const struct mkd_type *t;
	struct mkd_error *err;

	memset(l, 0, sizeof(*l));
	err = mkd_type_find(dump, "struct task_struct", &t);
	if (!err)
		l->task_size = mkd_type_size(t);
	if (!err)
		err = find_basic(dump, l);
	if (!err)
		err = find_state(dump, l);
	if (!err)
		err = find_cpu(dump, l);
	if (!err)
		err = find_threads(dump, l);
	if (!err)
		err = find_mm(dump, l);
	if (!err)
		err = layout_check(l);
	if (!err)
		err = mkd_symbols_core_address(dump, "init_task",
					       &l->init_task);
	if (err)
		return mkd_error_wrap(err, "task layout");
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Reading one task */

static void note_error(mkd_task_note_fn *note, void *arg,
		       struct mkd_error *err)
{
	if (note)
		note(err, arg);
	mkd_error_destroy(err);
}

static struct mkd_error *read_u64(struct mkd_dump *dump, uint64_t addr,
				  uint64_t *v)
{
	uint8_t raw[8];
	struct mkd_error *err;

	err = mkd_read_virt(dump, addr, raw, 8, NULL);
	if (!err)
		*v = mkd_le64(raw);
	return err;
}

static void read_parent(struct mkd_dump *dump, const struct mkd_task_layout *l,
			uint64_t parent, struct mkd_task *task,
			mkd_task_note_fn *note, void *arg)
{
	struct mkd_error *err;
	uint8_t raw[4];

	err = mkd_read_virt(dump, parent + l->tgid, raw, 4, NULL);
	if (!err) {
		task->ppid = (int32_t)mkd_le32(raw);
		return;
	}
	task->ppid = -1;
	task->flags |= MKD_TASK_NO_PARENT;
	note_error(note, arg, mkd_error_wrap(err,
		"task 0x%llx (pid %d): parent 0x%llx",
		(unsigned long long)task->address, task->pid,
		(unsigned long long)parent));
}

static void read_mm(struct mkd_dump *dump, const struct mkd_task_layout *l,
		    struct mkd_task *task, mkd_task_note_fn *note, void *arg)
{
	struct mkd_error *err;
	uint64_t v = 0;
	unsigned i;

	err = read_u64(dump, task->mm + l->mm_total_vm, &task->total_vm);
	for (i = 0; !err && i < 32; i++) {
		if (!(l->mm_rss_mask >> i & 1))
			continue;
		err = read_u64(dump, task->mm + l->mm_rss +
				     (uint64_t)i * l->mm_rss_stride, &v);
		if (!err && (int64_t)v > 0)	/* as get_mm_counter() */
			task->rss += v;
	}
	if (!err)
		return;
	task->rss = task->total_vm = 0;
	task->flags |= MKD_TASK_NO_MM;
	note_error(note, arg, mkd_error_wrap(err,
		"task 0x%llx (pid %d): mm 0x%llx",
		(unsigned long long)task->address, task->pid,
		(unsigned long long)task->mm));
}

static uint64_t field(const uint8_t *buf, uint64_t off, unsigned size)
{
	return size == 8 ? mkd_le64(buf + off) : mkd_le32(buf + off);
}

static void fill(const struct mkd_task_layout *l, const uint8_t *buf,
		 struct mkd_task *task)
{
	task->pid = (int32_t)mkd_le32(buf + l->pid);
	task->tgid = (int32_t)mkd_le32(buf + l->tgid);
	task->pf_flags = mkd_le32(buf + l->flags);
	task->state = (uint32_t)field(buf, l->state, l->state_size);
	task->exit_state = mkd_le32(buf + l->exit_state);
	task->state_letter = mkd_task_state_letter(task->state,
						   task->exit_state);
	task->cpu = l->has_cpu ? (int32_t)mkd_le32(buf + l->cpu) : 0;
	task->mm = mkd_le64(buf + l->mm);
	task->start_time = mkd_le64(buf + l->start_time);
	memcpy(task->comm, buf + l->comm,
	       l->comm_len < MKD_TASK_COMM_LEN ? l->comm_len
					       : MKD_TASK_COMM_LEN);
	task->comm[MKD_TASK_COMM_LEN] = '\0';
	if (task->pf_flags & PF_KTHREAD)
		task->flags |= MKD_TASK_KTHREAD;
	if (mkd_le64(buf + l->group_leader) == task->address)
		task->flags |= MKD_TASK_LEADER;
}

struct mkd_error *mkd_task_read(struct mkd_dump *dump,
				const struct mkd_task_layout *l, uint64_t addr,
				struct mkd_task *task, mkd_task_note_fn *note,
				void *arg)
{
	struct mkd_error *err;
	uint8_t *buf;

	err = layout_check(l);
	if (err)
		return err;
	memset(task, 0, sizeof(*task));
	task->address = addr;
	task->current_cpu = -1;
	buf = malloc((size_t)l->task_size);
	if (!buf)
		return &mkd_enomem;
	err = mkd_read_virt(dump, addr, buf, (size_t)l->task_size, NULL);
	if (err) {
		free(buf);
		return mkd_error_wrap(err, "task 0x%llx",
				      (unsigned long long)addr);
	}
	fill(l, buf, task);
	read_parent(dump, l, mkd_le64(buf + l->real_parent), task, note, arg);
	if (task->mm && !(task->flags & MKD_TASK_KTHREAD))
		read_mm(dump, l, task, note, arg);
	free(buf);
	return NULL;
}
