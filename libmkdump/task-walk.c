// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * task-walk.c - every task of the dumped kernel, once, in the order crash
 * lists them: the CPUs' idle tasks, then each process on init_task.tasks
 * followed by its other threads (signal->thread_head, linked through
 * thread_node; thread_group before 3.14-era kernels and after 6.7 gone).
 *
 * Corrupt lists: every list is walked with a set of the nodes seen, so a
 * loop ends it; a pointer that cannot be read ends it too.  Either way the
 * walk notes the address and, when the list did not come back to its
 * head, walks it again backwards from the head (list_head.prev) to reach
 * the tasks past the break.  Tasks are reported once whatever the lists
 * say, and at most max_tasks of them.
 */
#include <stdlib.h>

#include "internal.h"
#include "kernel.h"

#define DEFAULT_MAX_TASKS ((uint64_t)1 << 22)	/* PID_MAX_LIMIT */
#define LIST_NEXT 0
#define LIST_PREV 8

struct walk {
	struct mkd_dump *dump;
	const struct mkd_task_layout *l;
	const struct mkd_task_cpus *cpus;
	uint32_t flags;
	uint64_t max;
	mkd_task_fn *fn;
	mkd_task_note_fn *note;
	void *arg;
	struct mkd_addr_set seen;	/* tasks reported or tried */
	bool stopped;			/* fn said stop, or the cap */
	struct mkd_error *fatal;	/* out of memory */
};

static void walk_note(struct walk *w, struct mkd_error *err)
{
	if (w->note)
		w->note(err, w->arg);
	mkd_error_destroy(err);
}

static void mark_cpus(const struct mkd_task_cpus *cpus, struct mkd_task *task)
{
	uint32_t cpu;

	for (cpu = 0; cpus && cpu < cpus->n; cpu++) {
		if (cpus->current[cpu] == task->address &&
		    task->current_cpu < 0) {
			task->flags |= MKD_TASK_CURRENT;
			task->current_cpu = (int32_t)cpu;
		}
		if (cpus->idle[cpu] == task->address)
			task->flags |= MKD_TASK_IDLE;
	}
}

/* Report the task at addr unless it was already; true if it was now. */
static bool emit(struct walk *w, uint64_t addr)
{
	struct mkd_task task;
	struct mkd_error *err;
	bool added;

	if (w->stopped || w->fatal)
		return false;
	err = mkd_addr_set_add(&w->seen, addr, &added);
	if (err) {
		w->fatal = err;
		return false;
	}
	if (!added)
		return false;
	if (w->seen.count > w->max) {
		w->stopped = true;
		walk_note(w, mkd_error_create(MKD_ERR_CORRUPT,
			  "more than %llu tasks: the walk stops there",
			  (unsigned long long)w->max));
		return false;
	}
	err = mkd_task_read(w->dump, w->l, addr, &task, w->note, w->arg);
	if (err) {
		walk_note(w, err);
		return false;
	}
	mark_cpus(w->cpus, &task);
	if (w->fn(&task, w->arg))
		w->stopped = true;
	return true;
}

/* ------------------------------------------------------------------ */
/* Lists */

typedef void visit_fn(struct walk *w, uint64_t node);

struct list {
	const char *what;		/* for notes: "task list" */
	uint64_t head;
	struct mkd_addr_set fwd;	/* nodes met going forwards */
	struct mkd_addr_set back;	/* and backwards */
	visit_fn *visit;
};

enum list_end { LIST_MORE, LIST_DONE, LIST_LOOP, LIST_BROKEN, LIST_STOPPED };

static void list_deinit(struct list *list)
{
	mkd_addr_set_deinit(&list->fwd);
	mkd_addr_set_deinit(&list->back);
}

/*
 * The link at node + dir, or a note saying why not; from (0 for the
 * list's head) is the link that led to node.
 */
static bool read_link(struct walk *w, const struct list *list, uint64_t node,
		      unsigned dir, uint64_t from, uint64_t *value)
{
	struct mkd_error *err;
	uint8_t raw[8];

	err = mkd_read_virt(w->dump, node + dir, raw, 8, NULL);
	if (err && from)
		err = mkd_error_wrap(err, "%s: the link at 0x%llx leads to 0x%llx",
				     list->what, (unsigned long long)from,
				     (unsigned long long)node);
	else if (err)
		err = mkd_error_wrap(err, "%s: link at 0x%llx", list->what,
				     (unsigned long long)(node + dir));
	if (err) {
		walk_note(w, err);
		return false;
	}
	*value = mkd_le64(raw);
	return true;
}

/* A node met before ends the walk (a loop), as does NULL. */
static enum list_end check_new(struct walk *w, struct list *list,
			       struct mkd_addr_set *set, uint64_t from,
			       uint64_t node)
{
	struct mkd_error *err;
	bool added;

	err = mkd_addr_set_add(set, node, &added);
	if (err) {
		w->fatal = err;
		return LIST_STOPPED;
	}
	if (!node) {
		walk_note(w, mkd_error_at(MKD_ERR_CORRUPT, from,
			  "%s: the link at 0x%llx is NULL", list->what,
			  (unsigned long long)from));
		return LIST_BROKEN;
	}
	if (!added) {
		walk_note(w, mkd_error_at(MKD_ERR_CORRUPT, node,
			  "%s: the link at 0x%llx loops back to 0x%llx",
			  list->what, (unsigned long long)from,
			  (unsigned long long)node));
		return LIST_LOOP;
	}
	if (set->count > w->max) {
		walk_note(w, mkd_error_at(MKD_ERR_CORRUPT, list->head,
			  "%s: more than %llu entries", list->what,
			  (unsigned long long)w->max));
		return LIST_BROKEN;
	}
	return LIST_MORE;
}

/*
 * Follow the link at node + dir to a node whose own link can be read; a
 * backward walk ends where it meets the forward one.
 */
static enum list_end list_step(struct walk *w, struct list *list,
			       uint64_t node, unsigned dir, uint64_t *next)
{
	struct mkd_addr_set *set = dir == LIST_NEXT ? &list->fwd : &list->back;
	enum list_end end;
	uint64_t link;

	if (!read_link(w, list, node, dir, 0, next))
		return LIST_BROKEN;
	if (*next == list->head ||
	    (dir == LIST_PREV && mkd_addr_set_has(&list->fwd, *next)))
		return LIST_DONE;
	end = check_new(w, list, set, node + dir, *next);
	if (end != LIST_MORE)
		return end;
	if (!read_link(w, list, *next, dir, node + dir, &link))
		return LIST_BROKEN;
	return LIST_MORE;
}

static enum list_end list_run(struct walk *w, struct list *list,
			      unsigned dir)
{
	uint64_t node = list->head, next = 0;
	enum list_end end;

	for (;;) {
		end = list_step(w, list, node, dir, &next);
		if (end != LIST_MORE)
			return end;
		list->visit(w, next);
		if (w->stopped || w->fatal)
			return LIST_STOPPED;
		node = next;
	}
}

/*
 * Forwards from head; if that did not come back to head, backwards from
 * head until the walk meets the forward part or breaks too.
 */
static void list_walk(struct walk *w, struct list *list)
{
	if (list_run(w, list, LIST_NEXT) == LIST_DONE)
		return;
	if (!w->stopped && !w->fatal)
		list_run(w, list, LIST_PREV);
}

/* ------------------------------------------------------------------ */
/* Processes and threads */

static void visit_thread_node(struct walk *w, uint64_t node)
{
	emit(w, node - w->l->thread_node);
}

static void visit_thread_group(struct walk *w, uint64_t node)
{
	emit(w, node - w->l->thread_group);
}

static void walk_threads(struct walk *w, uint64_t task)
{
	struct list list = { .what = "thread list" };
	struct mkd_error *err;
	uint8_t raw[8];

	if (w->l->has_thread_head) {
		err = mkd_read_virt(w->dump, task + w->l->signal, raw, 8, NULL);
		if (err) {
			walk_note(w, mkd_error_wrap(err,
				  "threads of task 0x%llx",
				  (unsigned long long)task));
			return;
		}
		list.head = mkd_le64(raw) + w->l->signal_thread_head;
		list.visit = visit_thread_node;
	} else {
		list.head = task + w->l->thread_group;
		list.visit = visit_thread_group;
	}
	list_walk(w, &list);
	list_deinit(&list);
}

static void visit_process(struct walk *w, uint64_t node)
{
	uint64_t task = node - w->l->tasks;

	if (emit(w, task) && !(w->flags & MKD_TASK_ITER_LEADERS) &&
	    !w->stopped && !w->fatal)
		walk_threads(w, task);
}

struct mkd_error *mkd_task_walk(struct mkd_dump *dump,
				const struct mkd_task_layout *l,
				const struct mkd_task_cpus *cpus,
				uint32_t flags, uint64_t max_tasks,
				mkd_task_fn *fn, mkd_task_note_fn *note,
				void *arg)
{
	struct walk w = {
		.dump = dump, .l = l, .cpus = cpus, .flags = flags,
		.max = max_tasks ? max_tasks : DEFAULT_MAX_TASKS,
		.fn = fn, .note = note, .arg = arg,
	};
	struct list list = {
		.what = "task list", .head = l->init_task + l->tasks,
		.visit = visit_process,
	};
	uint32_t cpu;

	for (cpu = 0; !(flags & MKD_TASK_ITER_NO_IDLE) && cpus &&
		      cpu < cpus->n; cpu++)
		if (cpus->idle[cpu])
			emit(&w, cpus->idle[cpu]);
	if (!(flags & MKD_TASK_ITER_NO_IDLE))
		emit(&w, l->init_task);
	if (!w.stopped && !w.fatal)
		list_walk(&w, &list);
	list_deinit(&list);
	mkd_addr_set_deinit(&w.seen);
	return w.fatal;
}

/* ------------------------------------------------------------------ */
/* The public walk and lookups */

static void cpus_deinit(struct mkd_task_cpus *cpus)
{
	free(cpus->current);
	free(cpus->idle);
}

/* The current and idle task of every possible CPU; misses are noted. */
static struct mkd_error *cpus_init(struct mkd_dump *dump,
				   struct mkd_task_cpus *cpus,
				   mkd_task_note_fn *note, void *arg)
{
	struct mkd_cpus info = { .size = sizeof(info) };
	struct mkd_error *err;
	uint32_t cpu;

	memset(cpus, 0, sizeof(*cpus));
	err = mkd_kernel_cpus(dump, &info);
	if (err) {
		if (note)
			note(err, arg);
		mkd_error_destroy(err);
		return NULL;
	}
	cpus->current = calloc(info.nr_cpu_ids, sizeof(uint64_t));
	cpus->idle = calloc(info.nr_cpu_ids, sizeof(uint64_t));
	if (!cpus->current || !cpus->idle) {
		cpus_deinit(cpus);
		return &mkd_enomem;
	}
	cpus->n = info.nr_cpu_ids;
	for (cpu = 0; cpu < cpus->n; cpu++) {
		if (!mkd_kernel_cpu_possible(dump, cpu))
			continue;
		err = mkd_cpu_idle_task(dump, cpu, &cpus->idle[cpu]);
		if (!err)
			err = mkd_cpu_current_task(dump, cpu,
						   &cpus->current[cpu]);
		if (err && note)
			note(err, arg);
		mkd_error_destroy(err);
	}
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_task_iterate(struct mkd_dump *dump,
					      uint32_t flags, mkd_task_fn *fn,
					      mkd_task_note_fn *note,
					      void *arg)
{
	struct mkd_task_layout l;
	struct mkd_task_cpus cpus;
	struct mkd_error *err;

	err = mkd_task_layout_find(dump, &l);
	if (!err)
		err = cpus_init(dump, &cpus, note, arg);
	if (err)
		return err;
	err = mkd_task_walk(dump, &l, &cpus, flags, 0, fn, note, arg);
	cpus_deinit(&cpus);
	return err;
}

struct by_pid {
	int32_t pid;
	struct mkd_task *task;
	bool found;
};

static int match_pid(const struct mkd_task *task, void *arg)
{
	struct by_pid *b = arg;

	if (task->pid != b->pid)
		return 0;
	*b->task = *task;
	b->found = true;
	return 1;
}

MKD_EXPORT struct mkd_error *mkd_task_from_pid(struct mkd_dump *dump,
					       int32_t pid,
					       struct mkd_task *task)
{
	struct by_pid b = { .pid = pid, .task = task };
	struct mkd_error *err;

	err = mkd_task_iterate(dump, 0, match_pid, NULL, &b);
	if (!err && !b.found)
		err = mkd_error_create(MKD_ERR_NOT_FOUND, "no task with pid %d",
				       pid);
	return err;
}

MKD_EXPORT struct mkd_error *mkd_task_from_address(struct mkd_dump *dump,
						   uint64_t addr,
						   struct mkd_task *task)
{
	struct mkd_task_layout l;
	struct mkd_task_cpus cpus;
	struct mkd_error *err;

	err = mkd_task_layout_find(dump, &l);
	if (!err)
		err = cpus_init(dump, &cpus, NULL, NULL);
	if (err)
		return err;
	err = mkd_task_read(dump, &l, addr, task, NULL, NULL);
	if (!err)
		mark_cpus(&cpus, task);
	cpus_deinit(&cpus);
	return err;
}
