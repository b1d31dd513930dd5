/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dwarf-types.h - a vmlinux's DWARF as a type source for the type model
 * (types.h), read through elfutils' libdw.
 *
 * Loading only indexes names: one pass over the top-level DIEs of every
 * compilation unit records where each struct, union, enum, typedef and
 * base type is defined (the first complete definition of a name wins, as
 * in the BTF model) and which enum holds each enumerator.  A lookup then
 * converts the DIE it found, and everything that DIE reaches, into
 * struct mkd_type values that never change afterwards.  The same type
 * met again in another unit is converted once: named structs, unions
 * and enums are one type per (name, size, declaring file and line),
 * declarations become the definition the index knows, and pointers,
 * qualifiers, arrays and typedefs are one per (kind, name, target).
 * Chains are checked as mkd_types_finish() checks them.  A DIE that
 * breaks the rules breaks the source: later lookups get its error.
 */
#ifndef MKD_DWARF_TYPES_H
#define MKD_DWARF_TYPES_H

#include "types.h"

struct mkd_dwarf;

/*
 * Index the DWARF of elf (an Elf *, kept open by the caller for as long
 * as the source lives).  MKD_ERR_NOT_FOUND if it has no DWARF.
 */
struct mkd_error *mkd_dwarf_create(void *elf, unsigned pointer_size,
				   struct mkd_dwarf **ret);
void mkd_dwarf_destroy(struct mkd_dwarf *dw);

/* As mkd_types_lookup(): *ret is NULL when there is no such type. */
struct mkd_error *mkd_dwarf_lookup(struct mkd_dwarf *dw, enum mkd_type_ns ns,
				   const char *name, int kind,
				   const struct mkd_type **ret);
/* As mkd_types_enumerator(): *ret is NULL when there is none. */
struct mkd_error *mkd_dwarf_enumerator(struct mkd_dwarf *dw, const char *name,
				       const struct mkd_type_value **ret);
/* Named types the index knows, and types converted so far. */
size_t mkd_dwarf_named_count(const struct mkd_dwarf *dw);
size_t mkd_dwarf_converted_count(const struct mkd_dwarf *dw);

#endif /* MKD_DWARF_TYPES_H */
