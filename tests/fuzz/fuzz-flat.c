// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-flat.c - the flattened container (makedumpfile -F): signature,
 * type 1 and version 1 (big-endian) imposed; the records are free.
 */
#include "fuzz.h"

static const struct fuzz_variant flat[] = {
	{ { { 0, 16, "makedumpfile\0\0\0\0" },
	    { 16, 16, "\0\0\0\0\0\0\0\1\0\0\0\0\0\0\0\1" } } },
};

FUZZ_TARGET(flat, flat)
