// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * commands.c - the command table.  Adding a command: write
 * analyze/cmd-NAME.c, add its line below and its prototype at the end of
 * analyze.h, both in name order (analyze/README.md).
 */
#include "analyze.h"

const struct az_command az_commands[] = {
	{ "bt", cmd_bt, 0, "stack traces: the panic task, -a every CPU, a pid or a task" },
	{ "help", cmd_help, AZ_NO_DUMP, "list the commands, or describe one" },
	{ "kmem", cmd_kmem, 0, "kmem -i: memory usage, as /proc/meminfo" },
	{ "log", cmd_log, 0, "the kernel log; -T wall-clock times" },
	{ "mod", cmd_mod, 0, "loaded modules: name, base, size" },
	{ "ps", cmd_ps, 0, "tasks: pid, ppid, cpu, state, memory, command" },
	{ "quit", cmd_quit, AZ_NO_DUMP, "end the session (also q, exit)" },
	{ "rd", cmd_rd, 0, "read memory: virtual or physical, widths, strings" },
	{ "struct", cmd_struct, 0, "a kernel structure's values, by BTF types" },
	{ "sym", cmd_sym, 0, "symbols: address to name+offset, name to address" },
	{ "sys", cmd_sys, 0, "the dump and the kernel: release, uptime, load, "
	  "CPUs, memory, panic" },
	{ NULL, NULL, 0, NULL },
};
