/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * types.h - the type model: C types as one array that a type source (BTF)
 * fills, then mkd_types_finish() checks and indexes.  The DWARF source
 * (dwarf.h) makes the same struct mkd_type values a few at a time and
 * checks each with mkd_type_resolve().
 *
 * A source sizes the model with mkd_types_create(), fills types[1..n]
 * (types[0] is void), the member and enumerator arrays, and points
 * target/fields/values into them.  After mkd_types_finish():
 * - every chain of typedefs, qualifiers and array elements ends (no
 *   cycles, at most MKD_TYPE_MAX_CHAIN links), so walking it is safe;
 * - size holds the resolved size of every type;
 * - names are indexed: ordinary names (typedefs, base types) and tags
 *   (struct, union, enum) apart, as in C; enumerators by name.
 * Nothing changes after that, so pointers stay valid until destroy.
 */
#ifndef MKD_TYPES_H
#define MKD_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mkdump.h"

#define MKD_TYPE_MAX_CHAIN 64

/* Flags of struct mkd_type. */
enum {
	MKD_TYPEF_SIGNED = 0x1,
	MKD_TYPEF_CHAR = 0x2,
	MKD_TYPEF_INCOMPLETE = 0x4,	/* a declared struct or union */
	MKD_TYPEF_VARIADIC = 0x8,	/* a function ending in "..." */
	MKD_TYPEF_RESOLVED = 0x10,	/* finish(): size known */
	MKD_TYPEF_VISITING = 0x20,	/* finish(): on the current chain */
};

struct mkd_type_field {		/* a member, or a function parameter */
	const char *name;	/* NULL when anonymous */
	const struct mkd_type *type;
	uint64_t bit_offset;
	uint32_t bit_size;	/* 0 unless a bitfield */
};

struct mkd_type_value {		/* an enumerator */
	const char *name;
	int64_t value;
	const struct mkd_type *parent;
};

struct mkd_type {
	const char *name;	/* NULL when anonymous */
	uint64_t size;		/* bytes; resolved by finish() */
	const struct mkd_type *target;
	uint64_t length;	/* array elements */
	union {
		const struct mkd_type_field *fields;
		const struct mkd_type_value *values;
	};
	uint32_t nitems;	/* fields or values */
	uint16_t int_bits;	/* integers: value bits (bitfield base) */
	uint8_t int_offset;	/* integers: bit offset of the value */
	uint8_t kind;		/* enum mkd_type_kind */
	uint8_t flags;		/* MKD_TYPEF_* */
};

struct mkd_types {
	struct mkd_type *types;		/* [0] is void */
	size_t ntypes;			/* including void */
	struct mkd_type_field *fields;
	size_t nfields;
	struct mkd_type_value *values;
	size_t nvalues;
	char *strings;			/* names point here; the model owns it */
	size_t strings_len;
	/*
	 * Split BTF (a module's): the model it extends.  Its types[i] has
	 * id base->ntypes - 1 + i, references below base->ntypes are the
	 * base's types and names may point into the base's strings.
	 */
	const struct mkd_types *base;
	uint32_t *index;		/* name hash slot -> type + 1 */
	size_t index_size;
	uint32_t *enum_index;		/* name hash slot -> value + 1 */
	size_t enum_index_size;
	const char *source;		/* "btf" */
	struct mkd_error *error;	/* set: the model failed to load */
};

/* A model with room for ntypes (void included), fields and values. */
struct mkd_error *mkd_types_create(size_t ntypes, size_t nfields,
				   size_t nvalues, struct mkd_types **ret);
struct mkd_error *mkd_types_finish(struct mkd_types *types);
/*
 * What finish() does for one type of a model that is not one array (the
 * DWARF source): check its chain and size it.
 */
struct mkd_error *mkd_type_resolve(struct mkd_type *t);

/* Name spaces, as in C: typedefs and base types, and tags. */
enum mkd_type_ns {
	MKD_TYPE_NS_ORDINARY,
	MKD_TYPE_NS_TAG,
};

/*
 * Lookups on a finished model.  find: the first type of that name space
 * and name whose kind is kind (or any kind for -1), complete ones first.
 */
const struct mkd_type *mkd_types_lookup(const struct mkd_types *types,
					enum mkd_type_ns ns, const char *name,
					int kind);
const struct mkd_type_value *mkd_types_enumerator(const struct mkd_types *types,
						  const char *name);

/*
 * The kernel's BTF (little-endian, version 1) from memory: header, type
 * and string sections, every offset, id and length checked.  Pointers
 * are pointer_size bytes.  Fuzz targets and unit tests call this directly.
 */
struct mkd_error *mkd_btf_parse(const void *data, size_t len,
				unsigned pointer_size, struct mkd_types **ret);
/*
 * Split BTF (a module's, as pahole writes it): type ids continue after
 * base's (its first is base->ntypes), string offsets after base's string
 * section.  The model points into base, which must outlive it.
 */
struct mkd_error *mkd_btf_parse_split(const void *data, size_t len,
				      const struct mkd_types *base,
				      unsigned pointer_size,
				      struct mkd_types **ret);
unsigned mkd_btf_pointer_size(const struct mkd_dump *dump);
/* The dump's vmlinux BTF, found through __start_BTF and __stop_BTF. */
struct mkd_error *mkd_btf_load(struct mkd_dump *dump, struct mkd_types **ret);

/* The dump's type model, built on first use. */
struct mkd_error *mkd_types_ready(struct mkd_dump *dump,
				  const struct mkd_types **types);
/* Forget a failure to build it: symbol sources changed, try again. */
void mkd_types_retry(struct mkd_dump *dump);

/*
 * Loaded modules' BTF (module-btf.c), read on first use from the kernel's
 * btf_modules list: one split model per module on top of vmlinux's BTF.
 * A module whose BTF cannot be read or parsed keeps its error and has no
 * types; the others are unaffected.
 */
struct mkd_module_btf {
	char name[MKD_MODULE_NAME_LEN + 1];
	struct mkd_types *types;	/* NULL when error is set */
	struct mkd_error *error;
};

struct mkd_module_types {
	struct mkd_module_btf *mods;
	size_t n, cap;
	struct mkd_error *error;	/* the list could not be walked */
};

struct mkd_error *mkd_module_types_ready(struct mkd_dump *dump,
					 const struct mkd_module_types **mt);
void mkd_module_types_destroy(struct mkd_module_types *mt);

#endif /* MKD_TYPES_H */
