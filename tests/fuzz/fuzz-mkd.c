// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-mkd.c - the mkd reader (doc/mkd-format.md), recovery included */
#include "fuzz.h"

static const struct fuzz_variant mkd[] = {
	{ { { 0, 8, "\x89MKD\r\n\x1a\n" } } },
};

FUZZ_TARGET(mkd, mkd)
