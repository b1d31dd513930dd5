// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dwarf-index.c - the names of a vmlinux's DWARF types (see dwarf-types.h):
 * one pass over the top-level DIEs of every unit, and the hash tables
 * the type source keeps.
 *
 * C types that can be named (struct, union and enum tags, typedefs, base
 * types) are children of the unit DIE; the walk does not go deeper except
 * into enums, for their enumerators.  Names point into libdw's string
 * sections, which live as long as the Dwarf handle.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>

#include "internal.h"
#include "dwarf-internal.h"

#define MAX_UNITS (1u << 20)
#define MAX_TOP_DIES (1u << 26)		/* per unit */
#define MAX_ENUMERATORS (1u << 20)	/* per enum */

/* ------------------------------------------------------------------ */
/* Open-addressing tables of fixed-size entries; hash 0 is "empty". */

void dw_table_init(struct dw_table *t, size_t esize)
{
	memset(t, 0, sizeof(*t));
	t->esize = esize;
}

void dw_table_deinit(struct dw_table *t)
{
	free(t->slots);
	t->slots = NULL;
	t->size = t->count = 0;
}

static uint64_t *slot_at(const struct dw_table *t, size_t i)
{
	return (uint64_t *)((char *)t->slots + i * t->esize);
}

void *dw_table_find(const struct dw_table *t, uint64_t hash,
		    dw_table_eq *eq, const void *key)
{
	size_t i;

	if (!t->size)
		return NULL;
	hash |= 1;
	for (i = hash & (t->size - 1);; i = (i + 1) & (t->size - 1)) {
		uint64_t *s = slot_at(t, i);

		if (!*s)
			return NULL;
		if (*s == hash && eq(s, key))
			return s;
	}
}

static bool grow(struct dw_table *t)
{
	size_t size = t->size ? 2 * t->size : 1024, i, j;
	void *old = t->slots;
	size_t old_size = t->size;

	t->slots = calloc(size, t->esize);
	if (!t->slots) {
		t->slots = old;
		return false;
	}
	t->size = size;
	for (i = 0; i < old_size; i++) {
		uint64_t *s = (uint64_t *)((char *)old + i * t->esize);

		if (!*s)
			continue;
		for (j = *s & (size - 1); *slot_at(t, j);
		     j = (j + 1) & (size - 1))
			;
		memcpy(slot_at(t, j), s, t->esize);
	}
	free(old);
	return true;
}

/* A new entry for hash (the caller fills the rest), or NULL: no memory. */
void *dw_table_insert(struct dw_table *t, uint64_t hash)
{
	uint64_t *s;
	size_t i;

	if (2 * (t->count + 1) > t->size && !grow(t))
		return NULL;
	hash |= 1;
	for (i = hash & (t->size - 1); *slot_at(t, i);
	     i = (i + 1) & (t->size - 1))
		;
	s = slot_at(t, i);
	memset(s, 0, t->esize);
	*s = hash;
	t->count++;
	return s;
}

uint64_t dw_hash_str(uint64_t h, const char *s)
{
	if (!s)
		return (h ^ 0xff) * 0x100000001b3ull;
	while (*s)
		h = (h ^ (uint8_t)*s++) * 0x100000001b3ull;
	return (h ^ 0xfe) * 0x100000001b3ull;
}

uint64_t dw_hash_u64(uint64_t h, uint64_t v)
{
	unsigned i;

	for (i = 0; i < 8; i++, v >>= 8)
		h = (h ^ (v & 0xff)) * 0x100000001b3ull;
	return h;
}

/* ------------------------------------------------------------------ */
/* The name index */

static bool name_eq(const void *entry, const void *key)
{
	const struct dw_name *e = entry, *k = key;

	return e->kind == k->kind && !strcmp(e->name, k->name);
}

static uint64_t name_hash(uint8_t kind, const char *name)
{
	return dw_hash_str(dw_hash_u64(0xcbf29ce484222325ull, kind), name);
}

const struct dw_name *dw_name_find(const struct mkd_dwarf *dw, uint8_t kind,
				   const char *name)
{
	struct dw_name key = { .kind = kind, .name = name };

	return dw_table_find(&dw->names, name_hash(kind, name), name_eq, &key);
}

/* Record name; a definition replaces a declaration seen first. */
static struct mkd_error *name_add(struct mkd_dwarf *dw, uint8_t kind,
				  const char *name, Dwarf_Off off,
				  bool complete, bool *added)
{
	struct dw_name key = { .kind = kind, .name = name }, *e;
	uint64_t h = name_hash(kind, name);

	*added = false;
	e = dw_table_find(&dw->names, h, name_eq, &key);
	if (e) {
		if (complete && !e->complete) {
			e->off = off;
			e->complete = true;
		}
		return NULL;
	}
	e = dw_table_insert(&dw->names, h);
	if (!e)
		return &mkd_enomem;
	e->kind = kind;
	e->name = name;
	e->off = off;
	e->complete = complete;
	*added = true;
	return NULL;
}

static int index_kind(int tag)
{
	switch (tag) {
	case DW_TAG_structure_type: return MKD_TYPE_STRUCT;
	case DW_TAG_union_type: return MKD_TYPE_UNION;
	case DW_TAG_enumeration_type: return MKD_TYPE_ENUM;
	case DW_TAG_typedef: return MKD_TYPE_TYPEDEF;
	case DW_TAG_base_type: return MKD_TYPE_INT;	/* any base type */
	default: return -1;
	}
}

/* Every enumerator of a new enum: name -> the enum's DIE. */
static struct mkd_error *index_enumerators(struct mkd_dwarf *dw,
					   Dwarf_Die *die)
{
	struct mkd_error *err = NULL;
	Dwarf_Die child;
	unsigned n = 0;
	bool added;

	if (dwarf_child(die, &child) != 0)
		return NULL;
	do {
		const char *name;

		if (++n > MAX_ENUMERATORS)
			return mkd_error_create(MKD_ERR_CORRUPT,
						"an enum at 0x%llx has more than %u enumerators",
						(unsigned long long)dwarf_dieoffset(die),
						MAX_ENUMERATORS);
		if (dwarf_tag(&child) != DW_TAG_enumerator)
			continue;
		name = dwarf_diename(&child);
		if (name)
			err = name_add(dw, DW_NAME_ENUMERATOR, name,
				       dwarf_dieoffset(die), true, &added);
	} while (!err && dwarf_siblingof(&child, &child) == 0);
	return err;
}

/* An anonymous enum whose first enumerator is known was indexed already. */
static bool enum_seen(struct mkd_dwarf *dw, Dwarf_Die *die)
{
	Dwarf_Die child;
	const char *name;

	if (dwarf_child(die, &child) != 0)
		return true;
	name = dwarf_diename(&child);
	return !name || dw_name_find(dw, DW_NAME_ENUMERATOR, name);
}

static struct mkd_error *index_die(struct mkd_dwarf *dw, Dwarf_Die *die)
{
	int kind = index_kind(dwarf_tag(die));
	const char *name;
	bool complete, added = true;
	struct mkd_error *err;

	if (kind < 0)
		return NULL;
	name = dwarf_diename(die);
	complete = !dwarf_hasattr(die, DW_AT_declaration);
	if (name) {
		err = name_add(dw, (uint8_t)kind, name, dwarf_dieoffset(die),
			       complete, &added);
		if (err)
			return err;
	} else if (kind == MKD_TYPE_ENUM) {
		added = complete && !enum_seen(dw, die);
	}
	if (kind == MKD_TYPE_ENUM && complete && added)
		return index_enumerators(dw, die);
	return NULL;
}

static struct mkd_error *index_unit(struct mkd_dwarf *dw, Dwarf_Die *cu)
{
	struct mkd_error *err = NULL;
	Dwarf_Die die;
	size_t n = 0;

	if (dwarf_child(cu, &die) != 0)
		return NULL;
	do {
		if (++n > MAX_TOP_DIES)
			return mkd_error_create(MKD_ERR_CORRUPT,
						"a unit has more than %u DIEs",
						MAX_TOP_DIES);
		err = index_die(dw, &die);
	} while (!err && dwarf_siblingof(&die, &die) == 0);
	return err;
}

struct mkd_error *dw_index_build(struct mkd_dwarf *dw)
{
	Dwarf_Off off = 0, next;
	struct mkd_error *err;
	size_t header;
	Dwarf_Die cu;

	while (dwarf_nextcu(dw->dw, off, &next, &header, NULL, NULL,
			    NULL) == 0) {
		if (++dw->nunits > MAX_UNITS)
			return mkd_error_create(MKD_ERR_CORRUPT,
						"more than %u units", MAX_UNITS);
		if (!dwarf_offdie(dw->dw, off + header, &cu))
			return mkd_error_create(MKD_ERR_CORRUPT,
						"unit at 0x%llx: %s",
						(unsigned long long)off,
						dwarf_errmsg(-1));
		err = index_unit(dw, &cu);
		if (err)
			return err;
		off = next;
	}
	if (!dw->nunits)
		return mkd_error_create(MKD_ERR_NOT_FOUND,
					"no DWARF units (no debuginfo?)");
	return NULL;
}
