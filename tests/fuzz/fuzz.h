/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz.h - the one libFuzzer harness every reader's target shares.
 *
 * A target (tests/fuzz/fuzz-<format>.c) only says what makes an input
 * look like its format: one or more variants, each a few byte patches
 * (magic numbers, a type field).  An input that already carries one
 * variant is used as it is; any other gets one imposed, so mutations stay
 * inside the reader under test instead of drifting into "not a dump".
 * fuzz_dump() then opens the input through the public API and asks
 * everything a read-only user can ask (see fuzz-common.c).
 */
#ifndef MKD_FUZZ_H
#define MKD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_MAX_PATCHES 4

struct fuzz_patch {
	uint32_t offset;
	uint32_t len;		/* 0 ends the variant's list */
	const char *bytes;
};

struct fuzz_variant {
	struct fuzz_patch patches[FUZZ_MAX_PATCHES];
};

struct fuzz_format {
	const char *name;
	const struct fuzz_variant *variants;
	size_t nvariants;
};

int fuzz_dump(const struct fuzz_format *format, const uint8_t *data,
	      size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The whole of a target: FUZZ_TARGET(elf, elf_variants) */
#define FUZZ_TARGET(name_, variants_)                                     \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)      \
	{                                                                 \
		static const struct fuzz_format format = {                \
			#name_, variants_,                                \
			sizeof(variants_) / sizeof(variants_[0]),         \
		};                                                        \
		return fuzz_dump(&format, data, size);                    \
	}

#endif /* MKD_FUZZ_H */
