// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * types.c - the type model (see types.h): building, checking, name
 * indexes, and the public accessors of struct mkd_type.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "types.h"

struct mkd_error *mkd_types_create(size_t ntypes, size_t nfields,
				   size_t nvalues, struct mkd_types **ret)
{
	struct mkd_types *m = calloc(1, sizeof(*m));

	if (!m)
		return &mkd_enomem;
	m->types = calloc(ntypes ? ntypes : 1, sizeof(*m->types));
	m->fields = calloc(nfields ? nfields : 1, sizeof(*m->fields));
	m->values = calloc(nvalues ? nvalues : 1, sizeof(*m->values));
	if (!m->types || !m->fields || !m->values) {
		mkd_types_destroy(m);
		return &mkd_enomem;
	}
	m->ntypes = ntypes ? ntypes : 1;
	m->nfields = nfields;
	m->nvalues = nvalues;
	m->types[0].kind = MKD_TYPE_VOID;
	*ret = m;
	return NULL;
}

void mkd_types_destroy(struct mkd_types *m)
{
	if (!m)
		return;
	free(m->types);
	free(m->fields);
	free(m->values);
	free(m->strings);
	free(m->index);
	free(m->enum_index);
	mkd_error_destroy(m->error);
	free(m);
}

/* ------------------------------------------------------------------ */
/* Checking: every chain ends, every size is known */

static bool is_alias(uint8_t kind)
{
	return kind == MKD_TYPE_TYPEDEF || kind == MKD_TYPE_CONST ||
	       kind == MKD_TYPE_VOLATILE || kind == MKD_TYPE_RESTRICT ||
	       kind == MKD_TYPE_TAG;
}

/* For messages: "type 12" in an array model, else "type 'name'". */
static void type_id(const struct mkd_types *m, const struct mkd_type *t,
		    char *buf, size_t len)
{
	if (m)
		snprintf(buf, len, "type %zu", (size_t)(t - m->types));
	else
		snprintf(buf, len, "type '%s'", t->name ? t->name : "(anonymous)");
}

static struct mkd_error *resolve(struct mkd_types *m, struct mkd_type *t,
				 unsigned depth);

static struct mkd_error *resolve_target(struct mkd_types *m,
					struct mkd_type *t, unsigned depth,
					uint64_t *size)
{
	struct mkd_type *target = (struct mkd_type *)t->target;
	struct mkd_error *err;

	*size = 0;
	if (!target)
		return NULL;
	err = resolve(m, target, depth + 1);
	if (!err)
		*size = target->size;
	return err;
}

/* Sizes of aliases and arrays come from what they are made of. */
static struct mkd_error *resolve(struct mkd_types *m, struct mkd_type *t,
				 unsigned depth)
{
	struct mkd_error *err;
	uint64_t size;
	char id[96];

	if (t->flags & MKD_TYPEF_RESOLVED)
		return NULL;
	type_id(m, t, id, sizeof(id));
	if (t->flags & MKD_TYPEF_VISITING || depth > MKD_TYPE_MAX_CHAIN)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"%s: its %s chain loops or is too long",
					id, mkd_type_kind_name(t->kind));
	if (is_alias(t->kind) || t->kind == MKD_TYPE_ARRAY) {
		t->flags |= MKD_TYPEF_VISITING;
		err = resolve_target(m, t, depth, &size);
		t->flags &= (uint8_t)~MKD_TYPEF_VISITING;
		if (err)
			return err;
		if (t->kind == MKD_TYPE_ARRAY &&
		    mkd_mul_overflows(size, t->length, &size))
			return mkd_error_create(MKD_ERR_CORRUPT,
						"%s: array size overflows", id);
		t->size = size;
	}
	t->flags |= MKD_TYPEF_RESOLVED;
	return NULL;
}

struct mkd_error *mkd_type_resolve(struct mkd_type *t)
{
	return resolve(NULL, t, 0);
}

/* ------------------------------------------------------------------ */
/* Name indexes */

static uint64_t hash_key(unsigned ns, const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull ^ ns;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 0x100000001b3ull;
	return h;
}

static int name_space(uint8_t kind)
{
	switch (kind) {
	case MKD_TYPE_STRUCT:
	case MKD_TYPE_UNION:
	case MKD_TYPE_ENUM:
		return MKD_TYPE_NS_TAG;
	case MKD_TYPE_TYPEDEF:
	case MKD_TYPE_INT:
	case MKD_TYPE_BOOL:
	case MKD_TYPE_FLOAT:
		return MKD_TYPE_NS_ORDINARY;
	default:
		return -1;
	}
}

static size_t table_size(size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	return size;
}

/* Every named type goes in, in id order: lookups see the first first. */
static struct mkd_error *index_types(struct mkd_types *m)
{
	size_t i, named = 0;

	for (i = 1; i < m->ntypes; i++)
		named += m->types[i].name && name_space(m->types[i].kind) >= 0;
	m->index_size = table_size(named);
	m->index = calloc(m->index_size, sizeof(*m->index));
	if (!m->index)
		return &mkd_enomem;
	for (i = 1; i < m->ntypes; i++) {
		const struct mkd_type *t = &m->types[i];
		int ns = name_space(t->kind);
		size_t slot;

		if (!t->name || ns < 0)
			continue;
		slot = hash_key((unsigned)ns, t->name) & (m->index_size - 1);
		while (m->index[slot])
			slot = (slot + 1) & (m->index_size - 1);
		m->index[slot] = (uint32_t)i + 1;
	}
	return NULL;
}

static struct mkd_error *index_enumerators(struct mkd_types *m)
{
	size_t i;

	m->enum_index_size = table_size(m->nvalues);
	m->enum_index = calloc(m->enum_index_size, sizeof(*m->enum_index));
	if (!m->enum_index)
		return &mkd_enomem;
	for (i = 0; i < m->nvalues; i++) {
		const char *name = m->values[i].name;
		size_t slot;

		if (!name)
			continue;
		slot = hash_key(0, name) & (m->enum_index_size - 1);
		while (m->enum_index[slot] &&
		       strcmp(m->values[m->enum_index[slot] - 1].name, name))
			slot = (slot + 1) & (m->enum_index_size - 1);
		if (!m->enum_index[slot])
			m->enum_index[slot] = (uint32_t)i + 1;
	}
	return NULL;
}

struct mkd_error *mkd_types_finish(struct mkd_types *m)
{
	struct mkd_error *err;
	size_t i;

	for (i = 0; i < m->ntypes; i++) {
		err = resolve(m, &m->types[i], 0);
		if (err)
			return err;
	}
	err = index_types(m);
	if (!err)
		err = index_enumerators(m);
	return err;
}

static bool kind_matches(const struct mkd_type *t, int kind)
{
	return kind < 0 || t->kind == kind;
}

const struct mkd_type *mkd_types_lookup(const struct mkd_types *m,
					enum mkd_type_ns ns, const char *name,
					int kind)
{
	const struct mkd_type *declared = NULL;
	size_t slot;

	if (!m->index_size)
		return NULL;
	slot = hash_key(ns, name) & (m->index_size - 1);
	for (; m->index[slot]; slot = (slot + 1) & (m->index_size - 1)) {
		const struct mkd_type *t = &m->types[m->index[slot] - 1];

		if (name_space(t->kind) != (int)ns || strcmp(t->name, name) ||
		    !kind_matches(t, kind))
			continue;
		if (!(t->flags & MKD_TYPEF_INCOMPLETE))
			return t;
		if (!declared)
			declared = t;
	}
	return declared;
}

const struct mkd_type_value *mkd_types_enumerator(const struct mkd_types *m,
						  const char *name)
{
	size_t slot;

	if (!m->enum_index_size)
		return NULL;
	slot = hash_key(0, name) & (m->enum_index_size - 1);
	for (; m->enum_index[slot];
	     slot = (slot + 1) & (m->enum_index_size - 1)) {
		const struct mkd_type_value *v =
			&m->values[m->enum_index[slot] - 1];

		if (!strcmp(v->name, name))
			return v;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Public accessors */

MKD_EXPORT enum mkd_type_kind mkd_type_kind(const struct mkd_type *type)
{
	return (enum mkd_type_kind)type->kind;
}

MKD_EXPORT const char *mkd_type_kind_name(enum mkd_type_kind kind)
{
	static const char *const names[] = {
		[MKD_TYPE_VOID] = "void",
		[MKD_TYPE_INT] = "int",
		[MKD_TYPE_BOOL] = "bool",
		[MKD_TYPE_FLOAT] = "float",
		[MKD_TYPE_POINTER] = "pointer",
		[MKD_TYPE_ARRAY] = "array",
		[MKD_TYPE_STRUCT] = "struct",
		[MKD_TYPE_UNION] = "union",
		[MKD_TYPE_ENUM] = "enum",
		[MKD_TYPE_FUNCTION] = "function",
		[MKD_TYPE_TYPEDEF] = "typedef",
		[MKD_TYPE_CONST] = "const",
		[MKD_TYPE_VOLATILE] = "volatile",
		[MKD_TYPE_RESTRICT] = "restrict",
		[MKD_TYPE_TAG] = "tag",
		[MKD_TYPE_OTHER] = "other",
	};

	return (unsigned)kind <= MKD_TYPE_OTHER ? names[kind] : "?";
}

MKD_EXPORT const char *mkd_type_name(const struct mkd_type *type)
{
	return type->name;
}

MKD_EXPORT uint64_t mkd_type_size(const struct mkd_type *type)
{
	return type->size;
}

MKD_EXPORT bool mkd_type_is_complete(const struct mkd_type *type)
{
	return !(mkd_type_unqualified(type)->flags & MKD_TYPEF_INCOMPLETE);
}

MKD_EXPORT bool mkd_type_is_signed(const struct mkd_type *type)
{
	return mkd_type_unqualified(type)->flags & MKD_TYPEF_SIGNED;
}

MKD_EXPORT const struct mkd_type *mkd_type_target(const struct mkd_type *type)
{
	return type->target;
}

MKD_EXPORT const struct mkd_type *mkd_type_unqualified(const struct mkd_type *type)
{
	unsigned n;

	/* finish() made sure this chain ends within the bound. */
	for (n = 0; is_alias(type->kind) && type->target &&
		    n < MKD_TYPE_MAX_CHAIN; n++)
		type = type->target;
	return type;
}

MKD_EXPORT uint64_t mkd_type_array_length(const struct mkd_type *type)
{
	return type->kind == MKD_TYPE_ARRAY ? type->length : 0;
}

static bool has_fields(const struct mkd_type *t)
{
	return t->kind == MKD_TYPE_STRUCT || t->kind == MKD_TYPE_UNION ||
	       t->kind == MKD_TYPE_FUNCTION;
}

MKD_EXPORT size_t mkd_type_member_count(const struct mkd_type *type)
{
	return type->nitems;
}

MKD_EXPORT bool mkd_type_member(const struct mkd_type *type, size_t i,
				struct mkd_type_member *member)
{
	const struct mkd_type_field *f;

	if (!has_fields(type) || i >= type->nitems)
		return false;
	f = &type->fields[i];
	memset(member, 0, sizeof(*member));
	member->name = f->name;
	member->type = f->type;
	member->bit_offset = f->bit_offset;
	member->bit_size = f->bit_size;
	return true;
}

MKD_EXPORT bool mkd_type_enumerator(const struct mkd_type *type, size_t i,
				    struct mkd_type_enumerator *enumerator)
{
	if (type->kind != MKD_TYPE_ENUM || i >= type->nitems)
		return false;
	memset(enumerator, 0, sizeof(*enumerator));
	enumerator->name = type->values[i].name;
	enumerator->value = type->values[i].value;
	return true;
}
