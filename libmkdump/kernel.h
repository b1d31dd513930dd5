/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kernel.h - kernel objects found through symbols and types: per-CPU
 * data (percpu.c), tasks (task.c, task-walk.c) and modules (module.c).
 *
 * Every layout (member offsets) comes from the dump's types (through
 * mkd_ks_member(), kstate.h), never from this code, and is found once into a plain struct so the walks can be
 * tested on synthetic memory with a layout written by hand.  Every walk
 * over dump data is bounded (a hard cap) and cycle-safe (a set of the
 * addresses seen), and reports what it could not read with the address.
 */
#ifndef MKD_KERNEL_H
#define MKD_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mkdump.h"

/* ------------------------------------------------------------------ */
/* A set of addresses (open addressing), for cycle checks */

struct mkd_addr_set {
	uint64_t *slots;	/* 0 = empty; address 0 is never stored */
	size_t size;		/* power of two, or 0 */
	size_t count;
};

void mkd_addr_set_deinit(struct mkd_addr_set *set);
/* Add addr; *added says whether it was new.  Only fails for memory. */
struct mkd_error *mkd_addr_set_add(struct mkd_addr_set *set, uint64_t addr,
				   bool *added);
bool mkd_addr_set_has(const struct mkd_addr_set *set, uint64_t addr);

/* ------------------------------------------------------------------ */
/* Per-CPU data (percpu.c) */

/* The kernel's CPU ids and per-CPU areas, read once per dump. */
struct mkd_percpu;
void mkd_percpu_destroy(struct mkd_percpu *pc);
/* The dump's per-CPU facts, read on first use (a failure is kept). */
struct mkd_error *mkd_percpu_ready(struct mkd_dump *dump,
				   struct mkd_percpu **pc);

/* ------------------------------------------------------------------ */
/* Tasks (task.c reads one, task-walk.c walks them all) */

/* Where things are in struct task_struct, signal_struct and mm_struct. */
struct mkd_task_layout {
	uint64_t init_task;		/* address of init_task */
	uint64_t task_size;		/* bytes of struct task_struct */
	uint64_t tasks;			/* list_head of all processes */
	uint64_t pid, tgid, flags, exit_state, start_time;
	uint64_t state;			/* __state (or state) */
	uint32_t state_size;		/* 4 or 8 */
	bool has_cpu;
	uint64_t cpu;			/* unsigned int cpu (task or thread_info) */
	uint64_t real_parent, group_leader, mm, comm;
	uint32_t comm_len;
	/* Threads: signal->thread_head with thread_node, else thread_group. */
	bool has_thread_head;
	uint64_t signal, thread_node, signal_thread_head;
	uint64_t thread_group;
	/* mm_struct: RSS counters (longs), total_vm (pages). */
	uint64_t mm_rss;		/* rss_stat.count[0] */
	uint32_t mm_rss_stride;		/* bytes between counters */
	uint32_t mm_rss_mask;		/* bit i: counter i is resident */
	uint64_t mm_total_vm;
};

/* Find the layout from the dump's types and symbols. */
struct mkd_error *mkd_task_layout_find(struct mkd_dump *dump,
				       struct mkd_task_layout *l);
/*
 * Read the task at addr with layout l.  Fields that cannot be read leave
 * flags in task->flags (MKD_TASK_NO_*) and, when note is not NULL, add a
 * note naming the address; the task struct itself unreadable is an
 * error.  Current-CPU marks are left to the caller.
 */
struct mkd_error *mkd_task_read(struct mkd_dump *dump,
				const struct mkd_task_layout *l, uint64_t addr,
				struct mkd_task *task, mkd_task_note_fn *note,
				void *arg);
/* Letter of /proc/PID/stat for a __state and exit_state. */
char mkd_task_state_letter(uint32_t state, uint32_t exit_state);

/* Current and idle task of each CPU, to mark tasks as they are read. */
struct mkd_task_cpus {
	uint32_t n;
	uint64_t *current;	/* [n]: 0 when unknown */
	uint64_t *idle;		/* [n]: 0 when unknown */
};

/* One walk with an explicit layout and CPU table; see mkd_task_iterate. */
struct mkd_error *mkd_task_walk(struct mkd_dump *dump,
				const struct mkd_task_layout *l,
				const struct mkd_task_cpus *cpus,
				uint32_t flags, uint64_t max_tasks,
				mkd_task_fn *fn, mkd_task_note_fn *note,
				void *arg);

#endif /* MKD_KERNEL_H */
