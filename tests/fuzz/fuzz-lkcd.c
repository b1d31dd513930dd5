// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-lkcd.c - the LKCD reader: dump or live-dump magic (little-endian) */
#include "fuzz.h"

static const struct fuzz_variant lkcd[] = {
	{ { { 0, 8, "\xed\x23\x8f\x61\x73\x01\x19\xa8" } } },
	{ { { 0, 8, "\xcd\x23\x8f\x61\x73\x01\x19\xa8" } } },
};

FUZZ_TARGET(lkcd, lkcd)
