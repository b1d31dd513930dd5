// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * commands.c - the command table.  Adding a command: write
 * analyze/cmd-NAME.c, add its line below and its prototype at the end of
 * analyze.h, both in name order (analyze/README.md).
 */
#include "analyze.h"

const struct az_command az_commands[] = {
	{ "help", cmd_help, AZ_NO_DUMP, "list the commands, or describe one" },
	{ "mod", cmd_mod, 0, "loaded modules: name, base, size" },
	{ "ps", cmd_ps, 0, "tasks: pid, ppid, cpu, state, memory, command" },
	{ "quit", cmd_quit, AZ_NO_DUMP, "end the session (also q, exit)" },
	{ NULL, NULL, 0, NULL },
};
