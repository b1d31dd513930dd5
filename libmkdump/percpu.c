// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * percpu.c - the kernel's CPU ids, per-CPU areas, and each CPU's current
 * and idle task.
 *
 * Facts (Linux 6.1 x86_64): nr_cpu_ids (unsigned int) bounds the CPU ids;
 * __cpu_possible_mask and __cpu_online_mask are bitmaps of longs;
 * __per_cpu_offset[cpu] is added to a per-CPU symbol's value (kallsyms
 * lists them as 'A', zero-based) to find that CPU's copy.  `current` is
 * the per-CPU task pointer current_task (6.2 moved it into pcpu_hot);
 * each CPU's runqueue (per-CPU `runqueues`, struct rq) holds its idle
 * task, with curr as a second witness of the current one.
 */
#include <stdlib.h>

#include "internal.h"
#include "kernel.h"
#include "kstate.h"
#include "symbols.h"

#define MAX_CPUS 65536u

enum { CPU_POSSIBLE = 1, CPU_ONLINE = 2 };

struct mkd_percpu {
	struct mkd_error *error;	/* kept: loading failed */
	uint32_t nr_cpu_ids;
	uint64_t *offsets;		/* [nr_cpu_ids] */
	uint8_t *mask;			/* [nr_cpu_ids]: CPU_* */
	uint32_t possible, online;
};

void mkd_percpu_destroy(struct mkd_percpu *pc)
{
	if (!pc)
		return;
	mkd_error_destroy(pc->error);
	free(pc->offsets);
	free(pc->mask);
	free(pc);
}

static struct mkd_error *read_symbol(struct mkd_dump *dump, const char *name,
				     void *buf, size_t len)
{
	struct mkd_error *err;
	uint64_t addr;

	err = mkd_symbols_core_address(dump, name, &addr);
	if (!err)
		err = mkd_read_virt(dump, addr, buf, len, NULL);
	if (err)
		return mkd_error_wrap(err, "reading '%s'", name);
	return NULL;
}

static struct mkd_error *read_mask(struct mkd_dump *dump, const char *name,
				   struct mkd_percpu *pc, uint8_t bit,
				   uint32_t *count)
{
	size_t words = (pc->nr_cpu_ids + 63) / 64;
	struct mkd_error *err;
	uint8_t *raw;
	uint32_t cpu;

	raw = malloc(words * 8);
	if (!raw)
		return &mkd_enomem;
	err = read_symbol(dump, name, raw, words * 8);
	for (cpu = 0; !err && cpu < pc->nr_cpu_ids; cpu++) {
		if (!(raw[cpu / 8] >> (cpu % 8) & 1))
			continue;
		pc->mask[cpu] |= bit;
		(*count)++;
	}
	free(raw);
	return err;
}

static struct mkd_error *percpu_load(struct mkd_dump *dump,
				     struct mkd_percpu *pc)
{
	struct mkd_error *err;
	uint8_t raw[4];
	uint32_t cpu;
	uint8_t *offs;

	err = read_symbol(dump, "nr_cpu_ids", raw, sizeof(raw));
	if (err)
		return err;
	pc->nr_cpu_ids = mkd_le32(raw);
	if (!pc->nr_cpu_ids || pc->nr_cpu_ids > MAX_CPUS)
		return mkd_error_create(MKD_ERR_CORRUPT, "nr_cpu_ids is %u",
					pc->nr_cpu_ids);
	pc->offsets = calloc(pc->nr_cpu_ids, sizeof(*pc->offsets));
	pc->mask = calloc(pc->nr_cpu_ids, 1);
	offs = malloc((size_t)pc->nr_cpu_ids * 8);
	if (!pc->offsets || !pc->mask || !offs) {
		free(offs);
		return &mkd_enomem;
	}
	err = read_symbol(dump, "__per_cpu_offset", offs,
			  (size_t)pc->nr_cpu_ids * 8);
	for (cpu = 0; !err && cpu < pc->nr_cpu_ids; cpu++)
		pc->offsets[cpu] = mkd_le64(offs + 8 * (size_t)cpu);
	free(offs);
	if (!err)
		err = read_mask(dump, "__cpu_possible_mask", pc, CPU_POSSIBLE,
				&pc->possible);
	if (!err)
		err = read_mask(dump, "__cpu_online_mask", pc, CPU_ONLINE,
				&pc->online);
	return err;
}

struct mkd_error *mkd_percpu_ready(struct mkd_dump *dump,
				   struct mkd_percpu **ret)
{
	struct mkd_percpu *pc = dump->percpu;

	if (!pc) {
		pc = calloc(1, sizeof(*pc));
		if (!pc)
			return &mkd_enomem;
		pc->error = percpu_load(dump, pc);
		if (pc->error)
			pc->error = mkd_error_wrap(pc->error, "per-CPU data");
		dump->percpu = pc;
	}
	if (pc->error)
		return mkd_error_dup(pc->error);
	*ret = pc;
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_kernel_cpus(struct mkd_dump *dump,
					     struct mkd_cpus *cpus)
{
	struct mkd_percpu *pc = NULL;
	struct mkd_error *err;
	uint32_t size = cpus->size;

	if (size < offsetof(struct mkd_cpus, reserved))
		return mkd_error_create(MKD_ERR_INVALID,
					"struct mkd_cpus of %u bytes", size);
	err = mkd_percpu_ready(dump, &pc);
	if (err)
		return err;
	memset(cpus, 0, size < sizeof(*cpus) ? size : sizeof(*cpus));
	cpus->size = size;
	cpus->nr_cpu_ids = pc->nr_cpu_ids;
	cpus->possible = pc->possible;
	cpus->online = pc->online;
	return NULL;
}

static bool cpu_has(struct mkd_dump *dump, uint32_t cpu, uint8_t bit)
{
	struct mkd_percpu *pc = NULL;
	struct mkd_error *err;

	err = mkd_percpu_ready(dump, &pc);
	if (err) {
		mkd_error_destroy(err);
		return false;
	}
	return cpu < pc->nr_cpu_ids && (pc->mask[cpu] & bit);
}

MKD_EXPORT bool mkd_kernel_cpu_online(struct mkd_dump *dump, uint32_t cpu)
{
	return cpu_has(dump, cpu, CPU_ONLINE);
}

MKD_EXPORT bool mkd_kernel_cpu_possible(struct mkd_dump *dump, uint32_t cpu)
{
	return cpu_has(dump, cpu, CPU_POSSIBLE);
}

MKD_EXPORT struct mkd_error *mkd_percpu_offset(struct mkd_dump *dump,
					       uint32_t cpu, uint64_t *offset)
{
	struct mkd_percpu *pc = NULL;
	struct mkd_error *err;

	err = mkd_percpu_ready(dump, &pc);
	if (err)
		return err;
	if (cpu >= pc->nr_cpu_ids || !(pc->mask[cpu] & CPU_POSSIBLE))
		return mkd_error_create(MKD_ERR_NOT_FOUND,
					"no possible CPU %u", cpu);
	*offset = pc->offsets[cpu];
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_percpu_address(struct mkd_dump *dump,
						const char *name,
						uint32_t cpu, uint64_t *addr)
{
	struct mkd_error *err;
	uint64_t sym, off;

	err = mkd_percpu_offset(dump, cpu, &off);
	if (!err)
		err = mkd_symbols_core_address(dump, name, &sym);
	if (err)
		return err;
	*addr = sym + off;
	return NULL;
}

/* The pointer at per-CPU variable name + member offset on cpu. */
static struct mkd_error *percpu_pointer(struct mkd_dump *dump,
					const char *name, uint64_t offset,
					uint32_t cpu, uint64_t *value)
{
	struct mkd_error *err;
	uint64_t addr;
	uint8_t raw[8];

	err = mkd_percpu_address(dump, name, cpu, &addr);
	if (!err)
		err = mkd_read_virt(dump, addr + offset, raw, 8, NULL);
	if (err)
		return err;
	*value = mkd_le64(raw);
	return NULL;
}

/* runqueues.<member> of cpu. */
static struct mkd_error *rq_pointer(struct mkd_dump *dump, const char *member,
				    uint32_t cpu, uint64_t *task)
{
	struct mkd_error *err;
	uint64_t off;

	err = mkd_ks_member(dump, "struct rq", member, &off, NULL);
	if (!err)
		err = percpu_pointer(dump, "runqueues", off, cpu, task);
	return err;
}

static struct mkd_error *task_found(struct mkd_error *err, uint32_t cpu,
				    const char *what, uint64_t task)
{
	if (err)
		return mkd_error_wrap(err, "%s task of CPU %u", what, cpu);
	if (!task)
		return mkd_error_create(MKD_ERR_NOT_FOUND,
					"CPU %u has no %s task", cpu, what);
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_cpu_current_task(struct mkd_dump *dump,
						  uint32_t cpu,
						  uint64_t *task)
{
	struct mkd_error *err;
	uint64_t off;

	*task = 0;
	err = percpu_pointer(dump, "current_task", 0, cpu, task);
	if (err && mkd_error_code(err) == MKD_ERR_NOT_FOUND) {
		mkd_error_destroy(err);
		err = mkd_ks_member(dump, "struct pcpu_hot", "current_task",
				    &off, NULL);
		if (!err)
			err = percpu_pointer(dump, "pcpu_hot", off, cpu, task);
	}
	if (err && mkd_error_code(err) == MKD_ERR_NOT_FOUND) {
		mkd_error_destroy(err);
		err = rq_pointer(dump, "curr", cpu, task);
	}
	return task_found(err, cpu, "current", *task);
}

MKD_EXPORT struct mkd_error *mkd_cpu_idle_task(struct mkd_dump *dump,
					       uint32_t cpu, uint64_t *task)
{
	struct mkd_error *err;

	*task = 0;
	err = rq_pointer(dump, "idle", cpu, task);
	if (err && mkd_error_code(err) == MKD_ERR_NOT_FOUND) {
		mkd_error_destroy(err);
		err = percpu_pointer(dump, "idle_threads", 0, cpu, task);
	}
	return task_found(err, cpu, "idle", *task);
}
