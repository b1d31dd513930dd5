// SPDX-License-Identifier: GPL-2.0-or-later
/* cli.c - exit codes and number parsing shared by the command-line tools */
#include <errno.h>
#include <stdlib.h>

#include "cli.h"

int cli_exit_code(const struct mkd_error *err)
{
	switch (mkd_error_code(err)) {
	case MKD_ERR_NOT_DUMP:
	case MKD_ERR_UNSUPPORTED:
		return EXIT_NOT_DUMP;
	case MKD_ERR_CORRUPT:
		return EXIT_DAMAGED;
	case MKD_ERR_TRUNCATED:
		return EXIT_INCOMPLETE;
	case MKD_ERR_INVALID:
		return EXIT_USAGE;
	default:
		return EXIT_FAILURE_;
	}
}

bool cli_parse_u64(const char *s, uint64_t *value)
{
	unsigned long long v;
	char *end;
	unsigned shift = 0;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return false;
	*value = (uint64_t)v << shift;
	return true;
}
