/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.h - what the command-line tools share beyond JSON: exit codes
 * (stable: scripts depend on them, see mkdumpctl(8) and mkdump-analyze(1))
 * and number parsing.  Built into an internal static library that both
 * mkdumpctl and mkdump-analyze link; not installed.
 */
#ifndef MKD_COMMON_CLI_H
#define MKD_COMMON_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "mkdump.h"

enum cli_exit {
	EXIT_OK = 0,
	EXIT_FAILURE_ = 1,	/* I/O error, out of memory, anything else */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_NOT_DUMP = 3,	/* input is not a dump we can read */
	EXIT_DAMAGED = 4,	/* dump damaged: corrupt data or metadata */
	EXIT_INCOMPLETE = 5,	/* dump cut short, the rest is consistent */
};

/* The exit code that stands for err. */
int cli_exit_code(const struct mkd_error *err);
/* Parse a number with an optional 0x prefix and K/M/G suffix. */
bool cli_parse_u64(const char *s, uint64_t *value);

#endif /* MKD_COMMON_CLI_H */
