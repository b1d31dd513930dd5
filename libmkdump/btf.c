// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * btf.c - the kernel's BTF as a type source.
 *
 * Facts (include/uapi/linux/btf.h, Linux 6.1): a 24-byte header {u16
 * magic 0xeB9F, u8 version 1, u8 flags, u32 hdr_len, type_off, type_len,
 * str_off, str_len}, section offsets counted from the end of the header.
 * Types are numbered from 1 in section order; each is {u32 name_off, u32
 * info, u32 size_or_type} followed by data that depends on the kind (info
 * bits 24-28; bits 0-15 vlen; bit 31 kind_flag).  Type 0 is void.
 *
 * Two passes: the first walks the section to count types, members and
 * enumerators and to check that every record fits; the second fills the
 * model, checking every type id and name offset on the way.  Nothing is
 * followed recursively here; mkd_types_finish() checks the chains.
 */
#include <stdlib.h>

#include "internal.h"
#include "symbols.h"
#include "types.h"

#define BTF_MAGIC 0xeb9f
#define HEADER_LEN 24
#define MAX_TYPES 0xfffff		/* BTF_MAX_TYPE */
#define MAX_BLOB ((size_t)64 << 20)

enum btf_kind {
	BTF_UNKN, BTF_INT, BTF_PTR, BTF_ARRAY, BTF_STRUCT, BTF_UNION,
	BTF_ENUM, BTF_FWD, BTF_TYPEDEF, BTF_VOLATILE, BTF_CONST,
	BTF_RESTRICT, BTF_FUNC, BTF_FUNC_PROTO, BTF_VAR, BTF_DATASEC,
	BTF_FLOAT, BTF_DECL_TAG, BTF_TYPE_TAG, BTF_ENUM64,
	BTF_KIND_COUNT
};

struct btf {
	const struct mkd_types *base;	/* of split BTF, else NULL */
	const uint8_t *types;	/* the type section */
	size_t types_len;
	const char *strings;	/* the string section, NUL-terminated */
	size_t strings_len;
	unsigned pointer_size;
	size_t ntypes, nfields, nvalues;	/* from the first pass */
};

struct record {
	uint32_t name_off, info, size_or_type;
	const uint8_t *data;	/* what follows the 12 bytes */
};

static unsigned rec_kind(const struct record *r)
{
	return r->info >> 24 & 0x1f;
}

static unsigned rec_vlen(const struct record *r)
{
	return r->info & 0xffff;
}

static bool rec_kflag(const struct record *r)
{
	return r->info >> 31;
}

/* Bytes of data after the 12-byte record, or -1 for an unknown kind. */
static long data_len(const struct record *r)
{
	size_t vlen = rec_vlen(r);

	switch (rec_kind(r)) {
	case BTF_INT: case BTF_VAR: case BTF_DECL_TAG:
		return 4;
	case BTF_ARRAY:
		return 12;
	case BTF_STRUCT: case BTF_UNION: case BTF_DATASEC:
	case BTF_ENUM64:
		return (long)(12 * vlen);
	case BTF_ENUM: case BTF_FUNC_PROTO:
		return (long)(8 * vlen);
	case BTF_PTR: case BTF_FWD: case BTF_TYPEDEF: case BTF_VOLATILE:
	case BTF_CONST: case BTF_RESTRICT: case BTF_FUNC: case BTF_FLOAT:
	case BTF_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

/* The record at *pos, moving past it; errors name the type id. */
static struct mkd_error *next_record(const struct btf *b, size_t *pos,
				     size_t id, struct record *r)
{
	long len;

	if (b->types_len - *pos < 12)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"type %zu is cut off by the end of the type section",
					id);
	r->name_off = mkd_le32(b->types + *pos);
	r->info = mkd_le32(b->types + *pos + 4);
	r->size_or_type = mkd_le32(b->types + *pos + 8);
	r->data = b->types + *pos + 12;
	*pos += 12;
	len = data_len(r);
	if (len < 0)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"type %zu has unknown kind %u", id,
					rec_kind(r));
	if ((size_t)len > b->types_len - *pos)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"type %zu (%u items) runs past the end of the type section",
					id, rec_vlen(r));
	*pos += (size_t)len;
	return NULL;
}

static void count_items(struct btf *b, const struct record *r)
{
	switch (rec_kind(r)) {
	case BTF_STRUCT: case BTF_UNION: case BTF_FUNC_PROTO:
		b->nfields += rec_vlen(r);
		break;
	case BTF_ENUM: case BTF_ENUM64:
		b->nvalues += rec_vlen(r);
		break;
	}
}

static struct mkd_error *first_pass(struct btf *b)
{
	struct mkd_error *err;
	struct record r;
	size_t pos = 0;

	b->ntypes = 1;	/* void, or the base's types for split BTF */
	while (pos < b->types_len) {
		if (b->ntypes + (b->base ? b->base->ntypes - 1 : 0) > MAX_TYPES)
			return mkd_error_create(MKD_ERR_CORRUPT,
						"more than %u types", MAX_TYPES);
		err = next_record(b, &pos, b->ntypes, &r);
		if (err)
			return err;
		count_items(b, &r);
		b->ntypes++;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Header */

static struct mkd_error *check_section(const char *what, uint32_t off,
				       uint32_t len, size_t room)
{
	if (off > room || len > room - off)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"%s section (%u bytes at %u) runs past the end (%zu bytes)",
					what, len, off, room);
	return NULL;
}

static struct mkd_error *parse_header(const uint8_t *p, size_t len,
				      struct btf *b)
{
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
	struct mkd_error *err;

	if (len < HEADER_LEN)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"%zu bytes is too short for a header", len);
	if (mkd_le16(p) != BTF_MAGIC)
		return mkd_error_create(mkd_le16(p) == 0x9feb ?
					MKD_ERR_UNSUPPORTED : MKD_ERR_CORRUPT,
					"bad magic 0x%04x%s", mkd_le16(p),
					mkd_le16(p) == 0x9feb ? " (big-endian)" : "");
	if (p[2] != 1)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"version %u, not 1", p[2]);
	hdr_len = mkd_le32(p + 4);
	if (hdr_len < HEADER_LEN || hdr_len > len)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"header length %u is not between %u and %zu",
					hdr_len, HEADER_LEN, len);
	type_off = mkd_le32(p + 8);
	type_len = mkd_le32(p + 12);
	str_off = mkd_le32(p + 16);
	str_len = mkd_le32(p + 20);
	err = check_section("type", type_off, type_len, len - hdr_len);
	if (!err)
		err = check_section("string", str_off, str_len, len - hdr_len);
	if (err)
		return err;
	if (type_off % 4)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"type section at %u is not aligned", type_off);
	b->types = p + hdr_len + type_off;
	b->types_len = type_len;
	b->strings = (const char *)p + hdr_len + str_off;
	b->strings_len = str_len;
	/* Split BTF's strings follow the base's: they may be empty. */
	if (b->base && (!str_len || !b->strings[str_len - 1]))
		return NULL;
	if (!str_len || b->strings[0] || b->strings[str_len - 1])
		return mkd_error_create(MKD_ERR_CORRUPT,
					"the string section does not start and end with NUL");
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Second pass: the model */

struct filler {
	const struct btf *b;
	struct mkd_types *m;
	size_t id;		/* the type being filled */
	size_t nfields, nvalues;
};

/* Ids of split BTF continue the base's: its first type is base ntypes. */
static size_t first_id(const struct filler *f)
{
	return f->b->base ? f->b->base->ntypes - 1 : 0;
}

/* Offsets of split BTF below the base's string length name base strings. */
static struct mkd_error *name_at(const struct filler *f, uint32_t off,
				 const char **name)
{
	const struct mkd_types *base = f->b->base;
	size_t base_len = base ? base->strings_len : 0;

	if (off < base_len) {
		*name = off ? base->strings + off : NULL;
		return NULL;
	}
	if (off - base_len >= f->b->strings_len)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"type %zu: name offset %u is past the strings (%zu bytes)",
					f->id + first_id(f), off,
					base_len + f->b->strings_len);
	*name = off ? f->m->strings + (off - base_len) : NULL;
	return NULL;
}

static struct mkd_error *type_at(const struct filler *f, uint32_t id,
				 const struct mkd_type **type)
{
	const struct mkd_types *base = f->b->base;
	size_t local = id;

	if (base && id < base->ntypes) {
		*type = &base->types[id];
		return NULL;
	}
	if (base)
		local = id - first_id(f);
	if (local >= f->m->ntypes)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"type %zu refers to type %u; the last is %zu",
					f->id + first_id(f), id,
					f->m->ntypes - 1 + first_id(f));
	*type = &f->m->types[local];
	return NULL;
}

static struct mkd_error *fill_int(struct filler *f, const struct record *r,
				  struct mkd_type *t)
{
	uint32_t enc = mkd_le32(r->data);
	unsigned encoding = enc >> 24 & 0xf, bits = enc & 0xff;

	if (bits > 128 || r->size_or_type > 16 ||
	    bits + (enc >> 16 & 0xff) > 8 * r->size_or_type)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"type %zu: integer of %u bits at %u in %u bytes",
					f->id, bits, enc >> 16 & 0xff,
					r->size_or_type);
	t->kind = encoding & 4 ? MKD_TYPE_BOOL : MKD_TYPE_INT;
	t->size = r->size_or_type;
	t->int_bits = (uint16_t)bits;
	t->int_offset = (uint8_t)(enc >> 16);
	if (encoding & 1)
		t->flags |= MKD_TYPEF_SIGNED;
	if (encoding & 2)
		t->flags |= MKD_TYPEF_CHAR;
	return NULL;
}

static struct mkd_error *fill_array(struct filler *f, const struct record *r,
				    struct mkd_type *t)
{
	t->kind = MKD_TYPE_ARRAY;
	t->length = mkd_le32(r->data + 8);
	return type_at(f, mkd_le32(r->data), &t->target);
}

static struct mkd_error *fill_members(struct filler *f, const struct record *r,
				      struct mkd_type *t)
{
	struct mkd_type_field *fields = f->m->fields + f->nfields;
	struct mkd_error *err = NULL;
	unsigned i, n = rec_vlen(r);

	t->kind = rec_kind(r) == BTF_STRUCT ? MKD_TYPE_STRUCT : MKD_TYPE_UNION;
	t->size = r->size_or_type;
	t->fields = fields;
	t->nitems = n;
	for (i = 0; i < n && !err; i++) {
		const uint8_t *p = r->data + 12 * i;
		uint32_t off = mkd_le32(p + 8);

		err = name_at(f, mkd_le32(p), &fields[i].name);
		if (!err)
			err = type_at(f, mkd_le32(p + 4), &fields[i].type);
		/* With kind_flag the offset carries the bitfield size. */
		fields[i].bit_offset = rec_kflag(r) ? off & 0xffffff : off;
		fields[i].bit_size = rec_kflag(r) ? off >> 24 : 0;
	}
	f->nfields += n;
	return err;
}

static struct mkd_error *fill_params(struct filler *f, const struct record *r,
				     struct mkd_type *t)
{
	struct mkd_type_field *fields = f->m->fields + f->nfields;
	struct mkd_error *err;
	unsigned i, n = rec_vlen(r);

	t->kind = MKD_TYPE_FUNCTION;
	t->fields = fields;
	err = type_at(f, r->size_or_type, &t->target);
	for (i = 0; i < n && !err; i++) {
		const uint8_t *p = r->data + 8 * i;

		/* A last parameter of type void means "...". */
		if (i == n - 1 && !mkd_le32(p + 4)) {
			t->flags |= MKD_TYPEF_VARIADIC;
			n--;
			break;
		}
		err = name_at(f, mkd_le32(p), &fields[i].name);
		if (!err)
			err = type_at(f, mkd_le32(p + 4), &fields[i].type);
	}
	t->nitems = n;
	f->nfields += rec_vlen(r);
	return err;
}

static struct mkd_error *fill_enum(struct filler *f, const struct record *r,
				   struct mkd_type *t)
{
	struct mkd_type_value *values = f->m->values + f->nvalues;
	bool wide = rec_kind(r) == BTF_ENUM64;
	struct mkd_error *err = NULL;
	unsigned i, n = rec_vlen(r);

	t->kind = MKD_TYPE_ENUM;
	t->size = r->size_or_type;
	t->values = values;
	t->nitems = n;
	/* kind_flag says signed (pahole 1.24+); otherwise unsigned. */
	if (rec_kflag(r))
		t->flags |= MKD_TYPEF_SIGNED;
	for (i = 0; i < n && !err; i++) {
		const uint8_t *p = r->data + (wide ? 12 : 8) * i;
		uint64_t v = mkd_le32(p + 4);

		if (wide)
			v |= (uint64_t)mkd_le32(p + 8) << 32;
		else if (rec_kflag(r))
			v = (uint64_t)(int64_t)(int32_t)v;
		values[i].value = (int64_t)v;
		values[i].parent = t;
		err = name_at(f, mkd_le32(p), &values[i].name);
		/* Every enumerator has a name: lookups and printing need it. */
		if (!err && !values[i].name)
			err = mkd_error_create(MKD_ERR_CORRUPT,
					       "type %zu: enumerator %u has no name",
					       f->id, i);
	}
	f->nvalues += n;
	return err;
}

static uint8_t alias_kind(unsigned kind)
{
	switch (kind) {
	case BTF_TYPEDEF: return MKD_TYPE_TYPEDEF;
	case BTF_VOLATILE: return MKD_TYPE_VOLATILE;
	case BTF_CONST: return MKD_TYPE_CONST;
	case BTF_RESTRICT: return MKD_TYPE_RESTRICT;
	case BTF_TYPE_TAG: return MKD_TYPE_TAG;
	default: return MKD_TYPE_OTHER;
	}
}

static struct mkd_error *fill_type(struct filler *f, const struct record *r,
				   struct mkd_type *t)
{
	switch (rec_kind(r)) {
	case BTF_INT:
		return fill_int(f, r, t);
	case BTF_PTR:
		t->kind = MKD_TYPE_POINTER;
		t->size = f->b->pointer_size;
		return type_at(f, r->size_or_type, &t->target);
	case BTF_ARRAY:
		return fill_array(f, r, t);
	case BTF_STRUCT: case BTF_UNION:
		return fill_members(f, r, t);
	case BTF_ENUM: case BTF_ENUM64:
		return fill_enum(f, r, t);
	case BTF_FWD:
		t->kind = rec_kflag(r) ? MKD_TYPE_UNION : MKD_TYPE_STRUCT;
		t->flags |= MKD_TYPEF_INCOMPLETE;
		return NULL;
	case BTF_FUNC_PROTO:
		return fill_params(f, r, t);
	case BTF_FLOAT:
		t->kind = MKD_TYPE_FLOAT;
		t->size = r->size_or_type;
		return NULL;
	case BTF_DATASEC:
		t->kind = MKD_TYPE_OTHER;
		return NULL;
	default:	/* typedefs, qualifiers, tags; FUNC, VAR, DECL_TAG */
		t->kind = alias_kind(rec_kind(r));
		return type_at(f, r->size_or_type, &t->target);
	}
}

static struct mkd_error *second_pass(const struct btf *b, struct mkd_types *m)
{
	struct filler f = { .b = b, .m = m };
	struct mkd_error *err;
	struct record r;
	size_t pos = 0;

	for (f.id = 1; f.id < m->ntypes; f.id++) {
		struct mkd_type *t = &m->types[f.id];

		err = next_record(b, &pos, f.id, &r);
		if (!err)
			err = name_at(&f, r.name_off, &t->name);
		if (!err)
			err = fill_type(&f, &r, t);
		if (err)
			return err;
	}
	return NULL;
}

/* Without kind_flag a bitfield shows as an integer narrower than itself. */
static void fix_bitfields(struct mkd_type *t)
{
	struct mkd_type_field *fields = (struct mkd_type_field *)t->fields;
	uint32_t i;

	for (i = 0; i < t->nitems; i++) {
		struct mkd_type_field *fl = &fields[i];
		const struct mkd_type *ft = fl->type;

		if (fl->bit_size ||
		    (ft->kind != MKD_TYPE_INT && ft->kind != MKD_TYPE_BOOL))
			continue;
		if (ft->int_bits &&
		    (ft->int_bits != 8 * ft->size || ft->int_offset)) {
			fl->bit_size = ft->int_bits;
			fl->bit_offset += ft->int_offset;
		}
	}
}

static void fix_all_bitfields(struct mkd_types *m)
{
	size_t i;

	for (i = 1; i < m->ntypes; i++)
		if (m->types[i].kind == MKD_TYPE_STRUCT ||
		    m->types[i].kind == MKD_TYPE_UNION)
			fix_bitfields(&m->types[i]);
}

static struct mkd_error *parse(const void *data, size_t len,
			       const struct mkd_types *base,
			       unsigned pointer_size, struct mkd_types **ret)
{
	struct btf b = { .base = base, .pointer_size = pointer_size };
	struct mkd_types *m;
	struct mkd_error *err;

	err = parse_header(data, len, &b);
	if (!err)
		err = first_pass(&b);
	if (!err)
		err = mkd_types_create(b.ntypes, b.nfields, b.nvalues, &m);
	if (err)
		return mkd_error_wrap(err, "btf");
	m->source = "btf";
	m->base = base;
	m->strings = malloc(b.strings_len ? b.strings_len : 1);
	if (!m->strings) {
		mkd_types_destroy(m);
		return &mkd_enomem;
	}
	memcpy(m->strings, b.strings, b.strings_len);
	m->strings_len = b.strings_len;
	err = second_pass(&b, m);
	if (!err) {
		fix_all_bitfields(m);
		err = mkd_types_finish(m);
	}
	if (err) {
		mkd_types_destroy(m);
		return mkd_error_wrap(err, "btf");
	}
	*ret = m;
	return NULL;
}

struct mkd_error *mkd_btf_parse(const void *data, size_t len,
				unsigned pointer_size, struct mkd_types **ret)
{
	return parse(data, len, NULL, pointer_size, ret);
}

struct mkd_error *mkd_btf_parse_split(const void *data, size_t len,
				      const struct mkd_types *base,
				      unsigned pointer_size,
				      struct mkd_types **ret)
{
	return parse(data, len, base, pointer_size, ret);
}

/* ------------------------------------------------------------------ */
/* From the dump */

static struct mkd_error *blob_bounds(struct mkd_dump *dump, uint64_t *start,
				     size_t *len)
{
	struct mkd_error *err;
	uint64_t stop = 0;

	err = mkd_symbols_core_address(dump, "__start_BTF", start);
	if (!err)
		err = mkd_symbols_core_address(dump, "__stop_BTF", &stop);
	if (err)
		return err;
	if (stop <= *start || stop - *start > MAX_BLOB)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"__start_BTF 0x%llx and __stop_BTF 0x%llx do not bound at most %zu MiB",
					(unsigned long long)*start,
					(unsigned long long)stop, MAX_BLOB >> 20);
	*len = (size_t)(stop - *start);
	return NULL;
}

unsigned mkd_btf_pointer_size(const struct mkd_dump *dump)
{
	return dump->arch == MKD_ARCH_X86 ? 4 : 8;
}

struct mkd_error *mkd_btf_load(struct mkd_dump *dump, struct mkd_types **ret)
{
	struct mkd_error *err;
	uint64_t start = 0;
	size_t len = 0;
	uint8_t *blob;

	err = blob_bounds(dump, &start, &len);
	if (err)
		return mkd_error_wrap(err, "finding the kernel's BTF");
	blob = malloc(len);
	if (!blob)
		return &mkd_enomem;
	err = mkd_read_virt(dump, start, blob, len, NULL);
	if (err)
		err = mkd_error_wrap(err, "reading the kernel's BTF");
	else
		err = mkd_btf_parse(blob, len, mkd_btf_pointer_size(dump), ret);
	free(blob);
	return err;
}
