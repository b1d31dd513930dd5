/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dwarf-internal.h - what dwarf-index.c and dwarf.c share: the source's
 * state and its hash tables.  Every table entry starts with its 64-bit
 * hash, never 0 (0 marks an empty slot).
 */
#ifndef MKD_DWARF_INTERNAL_H
#define MKD_DWARF_INTERNAL_H

#include <elfutils/libdw.h>

#include "dwarf-types.h"

struct dw_table {
	void *slots;
	size_t size, count, esize;
};

typedef bool dw_table_eq(const void *entry, const void *key);

void dw_table_init(struct dw_table *t, size_t esize);
void dw_table_deinit(struct dw_table *t);
void *dw_table_find(const struct dw_table *t, uint64_t hash,
		    dw_table_eq *eq, const void *key);
void *dw_table_insert(struct dw_table *t, uint64_t hash);
uint64_t dw_hash_str(uint64_t h, const char *s);
uint64_t dw_hash_u64(uint64_t h, uint64_t v);

/* The index's "kind" of enumerator names (type kinds are below it). */
#define DW_NAME_ENUMERATOR 0xff

struct dw_name {
	uint64_t hash;
	const char *name;
	Dwarf_Off off;		/* the DIE: a type, or an enumerator's enum */
	uint8_t kind;		/* MKD_TYPE_*, base types as INT */
	bool complete;
};

struct dw_chunk;

struct mkd_dwarf {
	Dwarf *dw;
	unsigned pointer_size;
	size_t nunits;
	struct dw_table names;		/* struct dw_name */
	struct dw_table dies;		/* DIE offset -> type */
	struct dw_table shapes;		/* dedup key -> type */
	struct dw_chunk *chunks;	/* where types and members live */
	struct mkd_type *void_type;
	struct mkd_type **work;		/* converted, members still to fill */
	Dwarf_Off *work_die;
	size_t nwork, work_cap, work_die_cap;
	struct mkd_type **fresh;	/* made by this lookup: to resolve */
	size_t nfresh, fresh_cap;
	size_t nconverted;
	struct mkd_error *error;	/* the source broke */
};

struct mkd_error *dw_index_build(struct mkd_dwarf *dw);
const struct dw_name *dw_name_find(const struct mkd_dwarf *dw, uint8_t kind,
				   const char *name);

#endif /* MKD_DWARF_INTERNAL_H */
