// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-kdump.c - the kdump-compressed reader (and legacy diskdump) */
#include "fuzz.h"

static const struct fuzz_variant kdump[] = {
	{ { { 0, 8, "KDUMP   " } } },
	{ { { 0, 8, "DISKDUMP" } } },
};

FUZZ_TARGET(kdump, kdump)
