/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kstate.h - reading kernel variables by symbol and BTF member path, for
 * the kernel state summaries (kstate.c, meminfo.c).  Every read names
 * what it was reading when it fails.
 */
#ifndef MKD_KSTATE_H
#define MKD_KSTATE_H

#include "internal.h"

/* The address of a kernel symbol. */
struct mkd_error *mkd_ks_symbol(struct mkd_dump *dump, const char *name,
				uint64_t *addr);
/* The byte offset and size of path in type ("struct timekeeper"). */
struct mkd_error *mkd_ks_member(struct mkd_dump *dump, const char *type,
				const char *path, uint64_t *offset,
				uint64_t *size);
/* An unsigned integer of 1, 2, 4 or 8 bytes at addr. */
struct mkd_error *mkd_ks_read_uint(struct mkd_dump *dump, uint64_t addr,
				   uint64_t size, uint64_t *value);
/* The integer member path of the type at addr. */
struct mkd_error *mkd_ks_read_member(struct mkd_dump *dump, uint64_t addr,
				     const char *type, const char *path,
				     uint64_t *value);
/* The 8-byte value of the symbol name (plus offset). */
struct mkd_error *mkd_ks_read_symbol(struct mkd_dump *dump, const char *name,
				     uint64_t offset, uint64_t *value);

#endif /* MKD_KSTATE_H */
