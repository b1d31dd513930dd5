// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ktasks.c - print what libmkdump's kernel walks find, one line per
 * object, for the guest truth tests and the task-list mutation test:
 *
 *   ktasks tasks DUMP     pid tgid ppid cpu current state comm kthread addr
 *   ktasks modules DUMP   name base size state refcount
 *   ktasks cpus DUMP      nr_cpu_ids possible online, then cpu current idle
 *   ktasks pid DUMP PID   the task with that pid, as a tasks line
 *   ktasks addr DUMP ADDR the task_struct at ADDR, as a tasks line
 *   ktasks vtop DUMP ADDR the physical address of a virtual one
 *
 * Notes (what the walks could not read) go to stderr prefixed "note: ".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkdump.h"

static void print_note(const struct mkd_error *note, void *arg)
{
	fprintf(stderr, "note: %s\n", mkd_error_message(note));
}

static int print_task(const struct mkd_task *t, void *arg)
{
	printf("%d\t%d\t%d\t%d\t%d\t%c\t%s\t%d\t0x%" PRIx64 "\n", t->pid,
	       t->tgid, t->ppid, t->cpu, t->current_cpu, t->state_letter,
	       t->comm, !!(t->flags & MKD_TASK_KTHREAD), t->address);
	return 0;
}

static int print_module(const struct mkd_module *m, void *arg)
{
	printf("%s\t0x%" PRIx64 "\t%" PRIu64 "\t%s\t%d\n", m->name, m->base,
	       m->size, mkd_module_state_name(m->state), m->refcount);
	return 0;
}

static struct mkd_error *print_cpus(struct mkd_dump *dump)
{
	struct mkd_cpus cpus = { .size = sizeof(cpus) };
	struct mkd_error *err;
	uint64_t cur, idle;
	uint32_t cpu;

	err = mkd_kernel_cpus(dump, &cpus);
	if (err)
		return err;
	printf("%u\t%u\t%u\n", cpus.nr_cpu_ids, cpus.possible, cpus.online);
	for (cpu = 0; cpu < cpus.nr_cpu_ids; cpu++) {
		if (!mkd_kernel_cpu_possible(dump, cpu))
			continue;
		err = mkd_cpu_current_task(dump, cpu, &cur);
		if (!err)
			err = mkd_cpu_idle_task(dump, cpu, &idle);
		if (err)
			return err;
		printf("%u\t0x%" PRIx64 "\t0x%" PRIx64 "\t%d\n", cpu, cur, idle,
		       mkd_kernel_cpu_online(dump, cpu));
	}
	return NULL;
}

static struct mkd_error *print_one(struct mkd_dump *dump, const char *how,
				   const char *key)
{
	struct mkd_error *err;
	struct mkd_task task;
	uint64_t paddr;

	if (!strcmp(how, "vtop")) {
		err = mkd_vtop(dump, strtoull(key, NULL, 0), &paddr);
		if (!err)
			printf("0x%" PRIx64 "\n", paddr);
		return err;
	}
	if (!strcmp(how, "pid"))
		err = mkd_task_from_pid(dump, (int32_t)strtol(key, NULL, 0),
					&task);
	else
		err = mkd_task_from_address(dump, strtoull(key, NULL, 0),
					    &task);
	if (!err)
		print_task(&task, NULL);
	return err;
}

int main(int argc, char **argv)
{
	struct mkd_dump *dump;
	struct mkd_error *err;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: ktasks tasks|modules|cpus DUMP\n"
			"       ktasks pid|addr|vtop DUMP KEY\n");
		return 2;
	}
	err = mkd_dump_open(argv[2], NULL, &dump);
	if (!err && argc == 4)
		err = print_one(dump, argv[1], argv[3]);
	else if (!err && !strcmp(argv[1], "tasks"))
		err = mkd_task_iterate(dump, 0, print_task, print_note, NULL);
	else if (!err && !strcmp(argv[1], "modules"))
		err = mkd_module_iterate(dump, print_module, print_note, NULL);
	else if (!err)
		err = print_cpus(dump);
	if (err) {
		fprintf(stderr, "ktasks: %s\n", mkd_error_message(err));
		mkd_error_destroy(err);
		mkd_dump_destroy(dump);
		return 1;
	}
	mkd_dump_destroy(dump);
	return 0;
}
