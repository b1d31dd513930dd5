// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-elf.c - the ELF reader: ELF magic and e_type ET_CORE imposed */
#include "fuzz.h"

static const struct fuzz_variant elf[] = {
	{ { { 0, 4, "\177ELF" }, { 16, 2, "\4\0" } } },
};

FUZZ_TARGET(elf, elf)
