// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dwarf-body.c - the bodies of DWARF types (see dwarf-types.h): struct
 * and union members with their places and bitfields, enumerators,
 * function parameters.  dwarf.c makes the types and lists the bodies to
 * fill; filling one may make more types.
 *
 * Facts (DWARF 4 and 5): a member's place is DW_AT_data_member_location
 * (a constant, or DW_OP_plus_uconst in old producers) in bytes, or
 * DW_AT_data_bit_offset in bits; a bitfield has DW_AT_bit_size, and in
 * DWARF 2-4 DW_AT_bit_offset counts from the most significant bit of a
 * storage unit of DW_AT_byte_size bytes (so on little-endian machines
 * the bit offset is 8 * (location + byte_size) - bit_offset - bit_size).
 */
#include <dwarf.h>
#include <elfutils/libdw.h>

#include "internal.h"
#include "dwarf-internal.h"

#define MAX_ITEMS (1u << 20)		/* members, enumerators, parameters */

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
	return dw_die_error(die, "a member location that is not a constant");
}

static struct mkd_error *member_place(Dwarf_Die *die,
				      struct mkd_type_field *f)
{
	Dwarf_Word bits = 0, old = 0, storage = 0;
	struct mkd_error *err;
	uint64_t bytes;

	dw_attr_udata(die, DW_AT_bit_size, &bits);
	if (bits > UINT32_MAX)
		return dw_die_error(die, "a bitfield too wide");
	f->bit_size = (uint32_t)bits;
	if (dw_attr_udata(die, DW_AT_data_bit_offset, &old)) {
		f->bit_offset = old;
		return NULL;
	}
	err = member_location(die, &bytes);
	if (err)
		return err;
	if (mkd_mul_overflows(bytes, 8, &f->bit_offset))
		return dw_die_error(die, "a member offset too large");
	if (!bits || !dw_attr_udata(die, DW_AT_bit_offset, &old))
		return NULL;
	storage = dw_byte_size(die);
	if (!storage) {
		Dwarf_Attribute attr;
		Dwarf_Die type;

		if (dwarf_attr_integrate(die, DW_AT_type, &attr) &&
		    dwarf_formref_die(&attr, &type))
			dwarf_aggregate_size(&type, &storage);
	}
	if (storage > 16 || old > 8 * storage || bits > 8 * storage - old)
		return dw_die_error(die, "a bitfield outside its storage unit");
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
		return dw_die_error(die, "too many members");
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
		err = dw_type_of(dw, &child, 0, &ft);
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
	    dw_attr_udata(&base, DW_AT_encoding, &enc))
		return enc == DW_ATE_signed || enc == DW_ATE_signed_char;
	return false;
}

static int64_t enumerator_value(Dwarf_Die *die, bool is_signed, uint64_t size,
				bool *negative)
{
	Dwarf_Attribute attr;
	Dwarf_Sword s = 0;
	Dwarf_Word u = 0;

	if (!dwarf_attr(die, DW_AT_const_value, &attr))
		return 0;
	if (dwarf_whatform(&attr) == DW_FORM_sdata ||
	    dwarf_whatform(&attr) == DW_FORM_implicit_const) {
		dwarf_formsdata(&attr, &s);
		*negative |= s < 0;
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
	bool is_signed = enum_is_signed(dw, die), negative = false;
	struct mkd_type_value *values;
	Dwarf_Die child;

	if (n > MAX_ITEMS)
		return dw_die_error(die, "too many enumerators");
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
				return dw_die_error(&child, "an enumerator without a name");
			values[i].value = enumerator_value(&child, is_signed,
							   t->size, &negative);
			values[i++].parent = t;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	t->nitems = i;
	/* Without DW_AT_type (before DWARF 3), a negative value tells. */
	if (negative)
		t->flags |= MKD_TYPEF_SIGNED;
	return NULL;
}

struct mkd_error *dw_fill_body(struct mkd_dwarf *dw, struct mkd_type *t,
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
		err = dw_type_of(dw, &die, 0, &ret);
		if (err)
			return err;
		t->target = ret;
		return fill_members(dw, &die, t, DW_TAG_formal_parameter);
	default:
		return fill_members(dw, &die, t, DW_TAG_member);
	}
}
