// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dwarf.c - DWARF types converted into the type model on demand (see
 * dwarf-types.h).
 *
 * A lookup converts one DIE.  get_type() makes the type of a DIE: names,
 * sizes and targets at once, while struct, union, enum and function
 * bodies go on a work list, so that recursion only follows chains of
 * pointers, qualifiers, typedefs and arrays (bounded by
 * MKD_TYPE_MAX_CHAIN) and cycles through structs end at the DIE map.
 * When the work list is empty every type made by the lookup is checked
 * and sized with mkd_type_resolve().
 *
 * Facts (DWARF 4 and 5): a member's place is DW_AT_data_member_location
 * (a constant, or DW_OP_plus_uconst in old producers) in bytes, or
 * DW_AT_data_bit_offset in bits; a bitfield has DW_AT_bit_size, and in
 * DWARF 2-4 DW_AT_bit_offset counts from the most significant bit of a
 * storage unit of DW_AT_byte_size bytes (so on little-endian machines
 * the bit offset is 8 * (location + byte_size) - bit_offset - bit_size).
 * An array's DW_TAG_subrange_type children give its dimensions
 * (DW_AT_count, or DW_AT_upper_bound + 1; neither for a flexible array).
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>

#include "internal.h"
#include "dwarf-internal.h"

#define MAX_ITEMS (1u << 20)		/* members, enumerators, parameters */
#define MAX_DIMS 16
#define CHUNK ((size_t)1 << 20)

/* ------------------------------------------------------------------ */
/* Memory: types and members are never freed before the source */

struct dw_chunk {
	struct dw_chunk *next;
	size_t used, cap;
	_Alignas(16) char data[];
};

static void *dw_alloc(struct mkd_dwarf *dw, size_t len)
{
	struct dw_chunk *c = dw->chunks;
	void *p;

	len = (len + 15) & ~(size_t)15;
	if (!c || c->cap - c->used < len) {
		size_t cap = len > CHUNK ? len : CHUNK;

		c = calloc(1, sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		c->next = dw->chunks;
		dw->chunks = c;
	}
	p = c->data + c->used;
	c->used += len;
	return p;
}

/* ------------------------------------------------------------------ */
/* The DIE map and the shapes that make two DIEs one type */

struct die_entry {
	uint64_t hash;
	Dwarf_Off off;
	struct mkd_type *type;
};

static bool die_eq(const void *entry, const void *key)
{
	return ((const struct die_entry *)entry)->off == *(const Dwarf_Off *)key;
}

static struct mkd_type *die_find(struct mkd_dwarf *dw, Dwarf_Off off)
{
	struct die_entry *e = dw_table_find(&dw->dies, dw_hash_u64(0, off),
					    die_eq, &off);

	return e ? e->type : NULL;
}

static struct mkd_error *die_add(struct mkd_dwarf *dw, Dwarf_Off off,
				 struct mkd_type *t)
{
	struct die_entry *e = dw_table_insert(&dw->dies, dw_hash_u64(0, off));

	if (!e)
		return &mkd_enomem;
	e->off = off;
	e->type = t;
	return NULL;
}

struct shape {
	uint8_t kind, flags;
	const char *name, *file;
	uint64_t size, where;		/* where: line << 32 | column */
	const struct mkd_type *target;
	uint64_t length;
};

struct shape_entry {
	uint64_t hash;
	struct shape key;
	struct mkd_type *type;
};

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool shape_eq(const void *entry, const void *key)
{
	const struct shape *a = &((const struct shape_entry *)entry)->key;
	const struct shape *b = key;

	return a->kind == b->kind && a->flags == b->flags &&
	       a->size == b->size && a->where == b->where &&
	       a->target == b->target && a->length == b->length &&
	       str_eq(a->name, b->name) && str_eq(a->file, b->file);
}

static uint64_t shape_hash(const struct shape *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	h = dw_hash_u64(h, (uint64_t)s->kind << 8 | s->flags);
	h = dw_hash_str(h, s->name);
	h = dw_hash_str(h, s->file);
	h = dw_hash_u64(h, s->size);
	h = dw_hash_u64(h, s->where);
	h = dw_hash_u64(h, (uintptr_t)s->target);
	return dw_hash_u64(h, s->length);
}

static struct mkd_type *shape_find(struct mkd_dwarf *dw, const struct shape *s)
{
	struct shape_entry *e = dw_table_find(&dw->shapes, shape_hash(s),
					      shape_eq, s);

	return e ? e->type : NULL;
}

/* A new type of shape s, remembered for s and for the DIE off. */
static struct mkd_error *new_type(struct mkd_dwarf *dw, const struct shape *s,
				  Dwarf_Off off, struct mkd_type **ret)
{
	struct mkd_type *t = dw_alloc(dw, sizeof(*t));
	struct shape_entry *e;

	if (!t || !mkd_array_reserve(&dw->fresh, &dw->fresh_cap,
				     dw->nfresh + 1, sizeof(*dw->fresh)))
		return &mkd_enomem;
	e = dw_table_insert(&dw->shapes, shape_hash(s));
	if (!e)
		return &mkd_enomem;
	e->key = *s;
	e->type = t;
	t->kind = s->kind;
	t->name = s->name;
	t->size = s->size;
	t->target = s->target;
	t->length = s->length;
	dw->fresh[dw->nfresh++] = t;
	dw->nconverted++;
	*ret = t;
	return off ? die_add(dw, off, t) : NULL;
}

static struct mkd_error *push_work(struct mkd_dwarf *dw, struct mkd_type *t,
				   Dwarf_Off off)
{
	if (!mkd_array_reserve(&dw->work, &dw->work_cap, dw->nwork + 1,
			       sizeof(*dw->work)) ||
	    !mkd_array_reserve(&dw->work_die, &dw->work_die_cap,
			       dw->nwork + 1, sizeof(*dw->work_die)))
		return &mkd_enomem;
	dw->work[dw->nwork] = t;
	dw->work_die[dw->nwork++] = off;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Attributes */

static struct mkd_error *die_error(Dwarf_Die *die, const char *what)
{
	return mkd_error_create(MKD_ERR_CORRUPT, "DIE 0x%llx: %s",
				(unsigned long long)dwarf_dieoffset(die), what);
}

static bool attr_udata(Dwarf_Die *die, unsigned name, Dwarf_Word *value)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, name, &attr) &&
	       dwarf_formudata(&attr, value) == 0;
}

static uint64_t byte_size(Dwarf_Die *die)
{
	Dwarf_Word size = 0;

	attr_udata(die, DW_AT_byte_size, &size);
	return size;
}

static struct mkd_error *get_type(struct mkd_dwarf *dw, Dwarf_Die *die,
				  unsigned depth, struct mkd_type **ret);

/* The type DW_AT_type names; void when there is none. */
static struct mkd_error *type_of(struct mkd_dwarf *dw, Dwarf_Die *die,
				 unsigned depth, struct mkd_type **ret)
{
	Dwarf_Attribute attr;
	Dwarf_Die target;

	if (!dwarf_attr_integrate(die, DW_AT_type, &attr)) {
		*ret = dw->void_type;
		return NULL;
	}
	if (!dwarf_formref_die(&attr, &target))
		return die_error(die, "DW_AT_type points nowhere");
	return get_type(dw, &target, depth + 1, ret);
}

/* ------------------------------------------------------------------ */
/* Making types */

static uint8_t tag_kind(int tag)
{
	switch (tag) {
	case DW_TAG_structure_type: return MKD_TYPE_STRUCT;
	case DW_TAG_union_type: return MKD_TYPE_UNION;
	case DW_TAG_enumeration_type: return MKD_TYPE_ENUM;
	case DW_TAG_subroutine_type: return MKD_TYPE_FUNCTION;
	case DW_TAG_pointer_type: return MKD_TYPE_POINTER;
	case DW_TAG_typedef: return MKD_TYPE_TYPEDEF;
	case DW_TAG_const_type: return MKD_TYPE_CONST;
	case DW_TAG_volatile_type: return MKD_TYPE_VOLATILE;
	case DW_TAG_restrict_type: return MKD_TYPE_RESTRICT;
	case DW_TAG_atomic_type: return MKD_TYPE_TAG;
	case DW_TAG_array_type: return MKD_TYPE_ARRAY;
	case DW_TAG_base_type: return MKD_TYPE_INT;
	default: return MKD_TYPE_OTHER;
	}
}

/*
 * A declaration stands for the definition the index knows, if any.
 * *ret stays NULL when there is none.
 */
static struct mkd_error *definition_of(struct mkd_dwarf *dw, Dwarf_Die *die,
				       uint8_t kind, const char *name,
				       unsigned depth, struct mkd_type **ret)
{
	const struct dw_name *n = dw_name_find(dw, kind, name);
	Dwarf_Die def;

	if (!n || !n->complete || n->off == dwarf_dieoffset(die))
		return NULL;
	if (!dwarf_offdie(dw->dw, n->off, &def))
		return die_error(die, "its definition cannot be read");
	return get_type(dw, &def, depth + 1, ret);
}

/*
 * The names of an anonymous type's members, hashed: anonymous types
 * that a macro expands at one place (struct_group() in struct sk_buff)
 * share their file, line and column, not their members.
 */
static uint64_t member_names(Dwarf_Die *die)
{
	uint64_t h = 0xcbf29ce484222325ull;
	Dwarf_Die child;
	unsigned n = 0;

	if (dwarf_child(die, &child) != 0)
		return h;
	do {
		h = dw_hash_str(dw_hash_u64(h, (uint64_t)dwarf_tag(&child)),
				dwarf_diename(&child));
	} while (++n <= MAX_ITEMS && dwarf_siblingof(&child, &child) == 0);
	return h;
}

/* Structs, unions, enums, functions: bodies are filled from the list. */
static struct mkd_error *get_body_type(struct mkd_dwarf *dw, Dwarf_Die *die,
				       uint8_t kind, unsigned depth,
				       struct mkd_type **ret)
{
	bool declared = dwarf_hasattr(die, DW_AT_declaration);
	struct shape s = { .kind = kind, .name = dwarf_diename(die) };
	struct mkd_error *err;
	int line = 0, col = 0;

	*ret = NULL;
	if (declared && s.name) {
		err = definition_of(dw, die, kind, s.name, depth, ret);
		if (err || *ret)
			return err ? err : die_add(dw, dwarf_dieoffset(die), *ret);
	}
	if (kind != MKD_TYPE_FUNCTION) {
		s.size = byte_size(die);
		s.file = dwarf_decl_file(die);
		dwarf_decl_line(die, &line);
		dwarf_decl_column(die, &col);
		s.where = (uint64_t)(uint32_t)line << 32 | (uint32_t)col;
		s.flags = declared ? MKD_TYPEF_INCOMPLETE : 0;
	}
	/* Without a place to tell it by, a type is shared with none. */
	if (kind == MKD_TYPE_FUNCTION || !s.file)
		s.length = dwarf_dieoffset(die);
	else if (!s.name)
		s.length = member_names(die);
	*ret = shape_find(dw, &s);
	if (*ret)
		return die_add(dw, dwarf_dieoffset(die), *ret);
	err = new_type(dw, &s, dwarf_dieoffset(die), ret);
	if (err)
		return err;
	(*ret)->flags = s.flags;
	(*ret)->length = 0;
	if (declared)
		return NULL;
	return push_work(dw, *ret, dwarf_dieoffset(die));
}

static struct mkd_error *get_base_type(struct mkd_dwarf *dw, Dwarf_Die *die,
				       struct mkd_type **ret)
{
	struct shape s = { .kind = MKD_TYPE_INT, .name = dwarf_diename(die),
			   .size = byte_size(die) };
	Dwarf_Word enc = 0;
	struct mkd_error *err;

	attr_udata(die, DW_AT_encoding, &enc);
	s.length = enc;
	if (enc == DW_ATE_boolean)
		s.kind = MKD_TYPE_BOOL;
	else if (enc == DW_ATE_float || enc == DW_ATE_complex_float)
		s.kind = MKD_TYPE_FLOAT;
	if (s.size > 16)
		return die_error(die, "a base type of more than 16 bytes");
	*ret = shape_find(dw, &s);
	if (*ret)
		return die_add(dw, dwarf_dieoffset(die), *ret);
	err = new_type(dw, &s, dwarf_dieoffset(die), ret);
	if (err)
		return err;
	(*ret)->length = 0;
	(*ret)->int_bits = (uint16_t)(8 * s.size);
	if (enc == DW_ATE_signed || enc == DW_ATE_signed_char)
		(*ret)->flags |= MKD_TYPEF_SIGNED;
	if (enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char)
		(*ret)->flags |= MKD_TYPEF_CHAR;
	return NULL;
}

/* One type per kind, name and target: pointers, qualifiers, typedefs. */
static struct mkd_error *get_alias_type(struct mkd_dwarf *dw, Dwarf_Die *die,
					uint8_t kind, unsigned depth,
					struct mkd_type **ret)
{
	struct shape s = { .kind = kind };
	struct mkd_type *target;
	struct mkd_error *err;

	err = type_of(dw, die, depth, &target);
	if (err)
		return err;
	/* A chain through this DIE may have made it already. */
	*ret = die_find(dw, dwarf_dieoffset(die));
	if (*ret)
		return NULL;
	s.target = target;
	if (kind == MKD_TYPE_TYPEDEF)
		s.name = dwarf_diename(die);
	if (kind == MKD_TYPE_POINTER) {
		s.size = byte_size(die);
		if (!s.size)
			s.size = dw->pointer_size;
	}
	*ret = shape_find(dw, &s);
	if (*ret)
		return die_add(dw, dwarf_dieoffset(die), *ret);
	return new_type(dw, &s, dwarf_dieoffset(die), ret);
}

/* Dimensions of an array DIE, outermost first; 0 for a flexible one. */
static struct mkd_error *array_dims(Dwarf_Die *die, uint64_t *dims,
				    unsigned *ndims)
{
	Dwarf_Die sub;
	Dwarf_Word n;

	*ndims = 0;
	if (dwarf_child(die, &sub) != 0)
		return NULL;
	do {
		if (dwarf_tag(&sub) != DW_TAG_subrange_type)
			continue;
		if (*ndims == MAX_DIMS)
			return die_error(die, "an array of too many dimensions");
		if (attr_udata(&sub, DW_AT_count, &n))
			dims[*ndims] = n;
		else if (attr_udata(&sub, DW_AT_upper_bound, &n))
			dims[*ndims] = n + 1;	/* -1 + 1: no elements */
		else
			dims[*ndims] = 0;
		(*ndims)++;
	} while (dwarf_siblingof(&sub, &sub) == 0);
	return NULL;
}

static struct mkd_error *get_array_type(struct mkd_dwarf *dw, Dwarf_Die *die,
					unsigned depth, struct mkd_type **ret)
{
	uint64_t dims[MAX_DIMS];
	struct mkd_type *t;
	struct mkd_error *err;
	unsigned ndims, i;

	err = array_dims(die, dims, &ndims);
	if (!err)
		err = type_of(dw, die, depth, &t);
	if (err)
		return err;
	*ret = die_find(dw, dwarf_dieoffset(die));
	if (*ret)
		return NULL;
	if (!ndims)
		dims[ndims++] = 0;
	/* int a[2][3] is an array of 2 arrays of 3 ints. */
	for (i = ndims; i-- > 0;) {
		struct shape s = { .kind = MKD_TYPE_ARRAY, .target = t,
				   .length = dims[i] };
		struct mkd_type *a = shape_find(dw, &s);

		if (!a) {
			/* Only the outermost belongs to the DIE. */
			err = new_type(dw, &s, i ? 0 : dwarf_dieoffset(die), &a);
			if (err)
				return err;
		} else if (!i) {
			err = die_add(dw, dwarf_dieoffset(die), a);
			if (err)
				return err;
		}
		t = a;
	}
	*ret = t;
	return NULL;
}

static struct mkd_error *get_type(struct mkd_dwarf *dw, Dwarf_Die *die,
				  unsigned depth, struct mkd_type **ret)
{
	int tag = dwarf_tag(die);
	uint8_t kind = tag_kind(tag);
	struct shape other = { .kind = MKD_TYPE_OTHER };

	*ret = die_find(dw, dwarf_dieoffset(die));
	if (*ret)
		return NULL;
	if (depth > MKD_TYPE_MAX_CHAIN)
		return die_error(die, "a chain of types loops or is too long");
	switch (kind) {
	case MKD_TYPE_STRUCT: case MKD_TYPE_UNION: case MKD_TYPE_ENUM:
	case MKD_TYPE_FUNCTION:
		return get_body_type(dw, die, kind, depth, ret);
	case MKD_TYPE_INT:
		return get_base_type(dw, die, ret);
	case MKD_TYPE_ARRAY:
		return get_array_type(dw, die, depth, ret);
	case MKD_TYPE_OTHER:
		if (tag == DW_TAG_unspecified_type) {
			*ret = dw->void_type;
			return die_add(dw, dwarf_dieoffset(die), *ret);
		}
		other.length = dwarf_dieoffset(die);
		other.size = byte_size(die);
		return new_type(dw, &other, dwarf_dieoffset(die), ret);
	default:
		return get_alias_type(dw, die, kind, depth, ret);
	}
}

/* ------------------------------------------------------------------ */
/* Bodies */

static unsigned count_children(Dwarf_Die *die, int tag)
{
	Dwarf_Die child;
	unsigned n = 0;

	if (dwarf_child(die, &child) != 0)
		return 0;
	do {
		n += dwarf_tag(&child) == tag;
	} while (n <= MAX_ITEMS && dwarf_siblingof(&child, &child) == 0);
	return n;
}

/* DW_AT_data_member_location as a constant or { DW_OP_plus_uconst n }. */
static struct mkd_error *member_location(Dwarf_Die *die, uint64_t *bytes)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;

	*bytes = 0;
	if (!dwarf_attr(die, DW_AT_data_member_location, &attr))
		return NULL;
	if (dwarf_formudata(&attr, bytes) == 0)
		return NULL;
	if (dwarf_getlocation(&attr, &ops, &nops) == 0 && nops == 1 &&
	    ops[0].atom == DW_OP_plus_uconst) {
		*bytes = ops[0].number;
		return NULL;
	}
	return die_error(die, "a member location that is not a constant");
}

static struct mkd_error *member_place(Dwarf_Die *die,
				      struct mkd_type_field *f)
{
	Dwarf_Word bits = 0, old = 0, storage = 0;
	struct mkd_error *err;
	uint64_t bytes;

	attr_udata(die, DW_AT_bit_size, &bits);
	if (bits > UINT32_MAX)
		return die_error(die, "a bitfield too wide");
	f->bit_size = (uint32_t)bits;
	if (attr_udata(die, DW_AT_data_bit_offset, &old)) {
		f->bit_offset = old;
		return NULL;
	}
	err = member_location(die, &bytes);
	if (err)
		return err;
	if (mkd_mul_overflows(bytes, 8, &f->bit_offset))
		return die_error(die, "a member offset too large");
	if (!bits || !attr_udata(die, DW_AT_bit_offset, &old))
		return NULL;
	storage = byte_size(die);
	if (!storage) {
		Dwarf_Attribute attr;
		Dwarf_Die type;

		if (dwarf_attr_integrate(die, DW_AT_type, &attr) &&
		    dwarf_formref_die(&attr, &type))
			dwarf_aggregate_size(&type, &storage);
	}
	if (storage > 16 || old + bits > 8 * storage)
		return die_error(die, "a bitfield outside its storage unit");
	f->bit_offset += 8 * storage - old - bits;
	return NULL;
}

static struct mkd_error *fill_members(struct mkd_dwarf *dw, Dwarf_Die *die,
				      struct mkd_type *t, int tag)
{
	unsigned n = count_children(die, tag), i = 0;
	struct mkd_type_field *fields;
	struct mkd_error *err = NULL;
	Dwarf_Die child;

	if (n > MAX_ITEMS)
		return die_error(die, "too many members");
	fields = dw_alloc(dw, (n ? n : 1) * sizeof(*fields));
	if (!fields)
		return &mkd_enomem;
	t->fields = fields;
	if (!n || dwarf_child(die, &child) != 0)
		return NULL;
	do {
		struct mkd_type *ft;

		if (dwarf_tag(&child) == DW_TAG_unspecified_parameters)
			t->flags |= MKD_TYPEF_VARIADIC;
		if (dwarf_tag(&child) != tag || i == n)
			continue;
		fields[i].name = dwarf_diename(&child);
		err = type_of(dw, &child, 0, &ft);
		if (!err && tag == DW_TAG_member)
			err = member_place(&child, &fields[i]);
		fields[i++].type = ft;
	} while (!err && dwarf_siblingof(&child, &child) == 0);
	t->nitems = i;
	return err;
}

static bool enum_is_signed(struct mkd_dwarf *dw, Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	Dwarf_Die base;
	Dwarf_Word enc;

	if (dwarf_attr_integrate(die, DW_AT_type, &attr) &&
	    dwarf_formref_die(&attr, &base) &&
	    dwarf_peel_type(&base, &base) == 0 &&
	    attr_udata(&base, DW_AT_encoding, &enc))
		return enc == DW_ATE_signed || enc == DW_ATE_signed_char;
	return false;
}

static int64_t enumerator_value(Dwarf_Die *die, bool is_signed, uint64_t size)
{
	Dwarf_Attribute attr;
	Dwarf_Sword s = 0;
	Dwarf_Word u = 0;

	if (!dwarf_attr(die, DW_AT_const_value, &attr))
		return 0;
	if (dwarf_whatform(&attr) == DW_FORM_sdata ||
	    dwarf_whatform(&attr) == DW_FORM_implicit_const) {
		dwarf_formsdata(&attr, &s);
		return s;
	}
	dwarf_formudata(&attr, &u);
	/* data1..data8 hold the value in the enum's own width. */
	if (is_signed && size && size < 8 && (u >> (8 * size - 1) & 1))
		u |= ~(uint64_t)0 << (8 * size);
	return (int64_t)u;
}

static struct mkd_error *fill_enum(struct mkd_dwarf *dw, Dwarf_Die *die,
				   struct mkd_type *t)
{
	unsigned n = count_children(die, DW_TAG_enumerator), i = 0;
	bool is_signed = enum_is_signed(dw, die);
	struct mkd_type_value *values;
	Dwarf_Die child;

	if (n > MAX_ITEMS)
		return die_error(die, "too many enumerators");
	values = dw_alloc(dw, (n ? n : 1) * sizeof(*values));
	if (!values)
		return &mkd_enomem;
	t->values = values;
	if (is_signed)
		t->flags |= MKD_TYPEF_SIGNED;
	if (n && dwarf_child(die, &child) == 0) {
		do {
			if (dwarf_tag(&child) != DW_TAG_enumerator || i == n)
				continue;
			values[i].name = dwarf_diename(&child);
			if (!values[i].name)
				return die_error(&child, "an enumerator without a name");
			values[i].value = enumerator_value(&child, is_signed,
							   t->size);
			values[i++].parent = t;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	t->nitems = i;
	return NULL;
}

static struct mkd_error *fill_body(struct mkd_dwarf *dw, struct mkd_type *t,
				   Dwarf_Off off)
{
	struct mkd_error *err;
	struct mkd_type *ret;
	Dwarf_Die die;

	if (!dwarf_offdie(dw->dw, off, &die))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"DIE 0x%llx cannot be read: %s",
					(unsigned long long)off, dwarf_errmsg(-1));
	switch (t->kind) {
	case MKD_TYPE_ENUM:
		return fill_enum(dw, &die, t);
	case MKD_TYPE_FUNCTION:
		err = type_of(dw, &die, 0, &ret);
		if (err)
			return err;
		t->target = ret;
		return fill_members(dw, &die, t, DW_TAG_formal_parameter);
	default:
		return fill_members(dw, &die, t, DW_TAG_member);
	}
}

/* ------------------------------------------------------------------ */
/* Lookups */

/* The type of the DIE at off and all it reaches, checked. */
static struct mkd_error *convert(struct mkd_dwarf *dw, Dwarf_Off off,
				 const struct mkd_type **ret)
{
	struct mkd_type *t = NULL;
	struct mkd_error *err;
	Dwarf_Die die;
	size_t i;

	if (dw->error)
		return mkd_error_dup(dw->error);
	dw->nfresh = 0;
	if (!dwarf_offdie(dw->dw, off, &die))
		err = mkd_error_create(MKD_ERR_CORRUPT,
				       "DIE 0x%llx cannot be read: %s",
				       (unsigned long long)off,
				       dwarf_errmsg(-1));
	else
		err = get_type(dw, &die, 0, &t);
	while (!err && dw->nwork) {
		dw->nwork--;
		err = fill_body(dw, dw->work[dw->nwork],
				dw->work_die[dw->nwork]);
	}
	for (i = 0; !err && i < dw->nfresh; i++)
		err = mkd_type_resolve(dw->fresh[i]);
	if (err) {
		/* Half-made types stay: nothing may use the source again. */
		dw->error = mkd_error_wrap(err, "DWARF");
		return mkd_error_dup(dw->error);
	}
	*ret = t;
	return NULL;
}

static size_t kinds_to_try(enum mkd_type_ns ns, int kind, uint8_t *kinds)
{
	if (kind == MKD_TYPE_BOOL || kind == MKD_TYPE_FLOAT)
		kind = MKD_TYPE_INT;	/* the index has base types as INT */
	if (kind >= 0) {
		kinds[0] = (uint8_t)kind;
		return 1;
	}
	if (ns == MKD_TYPE_NS_TAG) {
		kinds[0] = MKD_TYPE_STRUCT;
		kinds[1] = MKD_TYPE_UNION;
		kinds[2] = MKD_TYPE_ENUM;
		return 3;
	}
	kinds[0] = MKD_TYPE_TYPEDEF;
	kinds[1] = MKD_TYPE_INT;
	return 2;
}

struct mkd_error *mkd_dwarf_lookup(struct mkd_dwarf *dw, enum mkd_type_ns ns,
				   const char *name, int kind,
				   const struct mkd_type **ret)
{
	const struct mkd_type *t, *declared = NULL;
	struct mkd_error *err;
	uint8_t kinds[3];
	size_t i, n = kinds_to_try(ns, kind, kinds);

	*ret = NULL;
	for (i = 0; i < n; i++) {
		const struct dw_name *e = dw_name_find(dw, kinds[i], name);

		if (!e)
			continue;
		err = convert(dw, e->off, &t);
		if (err)
			return err;
		if (kind >= 0 && t->kind != kind)
			continue;
		if (!(t->flags & MKD_TYPEF_INCOMPLETE)) {
			*ret = t;
			return NULL;
		}
		if (!declared)
			declared = t;
	}
	*ret = declared;
	return NULL;
}

struct mkd_error *mkd_dwarf_enumerator(struct mkd_dwarf *dw, const char *name,
				       const struct mkd_type_value **ret)
{
	const struct dw_name *e = dw_name_find(dw, DW_NAME_ENUMERATOR, name);
	const struct mkd_type *t;
	struct mkd_error *err;
	uint32_t i;

	*ret = NULL;
	if (!e)
		return NULL;
	err = convert(dw, e->off, &t);
	if (err)
		return err;
	for (i = 0; t->kind == MKD_TYPE_ENUM && i < t->nitems; i++)
		if (!strcmp(t->values[i].name, name)) {
			*ret = &t->values[i];
			break;
		}
	return NULL;
}

size_t mkd_dwarf_named_count(const struct mkd_dwarf *dw)
{
	return dw->names.count;
}

size_t mkd_dwarf_converted_count(const struct mkd_dwarf *dw)
{
	return dw->nconverted;
}

/* ------------------------------------------------------------------ */

struct mkd_error *mkd_dwarf_create(void *elf, unsigned pointer_size,
				   struct mkd_dwarf **ret)
{
	struct mkd_dwarf *dw = calloc(1, sizeof(*dw));
	struct mkd_error *err;

	if (!dw)
		return &mkd_enomem;
	dw->pointer_size = pointer_size;
	dw_table_init(&dw->names, sizeof(struct dw_name));
	dw_table_init(&dw->dies, sizeof(struct die_entry));
	dw_table_init(&dw->shapes, sizeof(struct shape_entry));
	dw->void_type = dw_alloc(dw, sizeof(*dw->void_type));
	if (!dw->void_type) {
		mkd_dwarf_destroy(dw);
		return &mkd_enomem;
	}
	dw->void_type->kind = MKD_TYPE_VOID;
	dw->void_type->flags = MKD_TYPEF_RESOLVED;
	dw->dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	if (!dw->dw) {
		mkd_dwarf_destroy(dw);
		return mkd_error_create(MKD_ERR_NOT_FOUND,
					"no DWARF: %s", dwarf_errmsg(-1));
	}
	err = dw_index_build(dw);
	if (err) {
		mkd_dwarf_destroy(dw);
		return err;
	}
	*ret = dw;
	return NULL;
}

void mkd_dwarf_destroy(struct mkd_dwarf *dw)
{
	struct dw_chunk *c, *next;

	if (!dw)
		return;
	if (dw->dw)
		dwarf_end(dw->dw);
	dw_table_deinit(&dw->names);
	dw_table_deinit(&dw->dies);
	dw_table_deinit(&dw->shapes);
	for (c = dw->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(dw->work);
	free(dw->work_die);
	free(dw->fresh);
	mkd_error_destroy(dw->error);
	free(dw);
}
