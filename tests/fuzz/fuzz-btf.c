// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-btf.c - the BTF parser and the type model it fills.
 *
 * The input is a BTF blob as the kernel keeps it between __start_BTF and
 * __stop_BTF.  If it parses, every type is asked what a user can ask:
 * its C spelling, size, members and enumerators, member paths through
 * it, and lookups of its name; the answers must keep the model's
 * promises (finite chains, members inside the model).  The same input is
 * also read as split BTF (a module's): on top of itself when it parsed
 * as a base (its ids and names then all land somewhere), else on top of
 * a one-type base, so references below and past the split's first id
 * and names on both sides of the base's strings are tried.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "types.h"

#define MAX_TYPES_ASKED 4096
#define MAX_MEMBERS 64

#define promise(cond)                                                   \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "fuzz: broken promise: %s\n",   \
				#cond);                                 \
			abort();                                        \
		}                                                       \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ask_members(const struct mkd_type *t)
{
	struct mkd_type_member m;
	struct mkd_type_enumerator e;
	uint64_t bits;
	size_t i;

	for (i = 0; i < MAX_MEMBERS && mkd_type_member(t, i, &m); i++) {
		promise(m.type != NULL);
		(void)mkd_type_size(m.type);
		if (m.name && t->kind != MKD_TYPE_FUNCTION)
			mkd_error_destroy(mkd_type_path(t, m.name, &bits,
							NULL));
	}
	for (i = 0; i < MAX_MEMBERS && mkd_type_enumerator(t, i, &e); i++)
		promise(e.name != NULL);
}

static void ask_type(const struct mkd_types *m, const struct mkd_type *t)
{
	const struct mkd_type *u = mkd_type_unqualified(t);
	char buf[256];
	uint64_t bits;

	(void)mkd_type_format(t, "x", buf, sizeof(buf));
	promise(strlen(buf) < sizeof(buf));
	(void)mkd_type_size(t);
	(void)mkd_type_is_complete(t);
	(void)mkd_type_is_signed(t);
	(void)mkd_type_array_length(u);
	ask_members(u);
	mkd_error_destroy(mkd_type_path(t, "a.b[1].c", &bits, NULL));
	mkd_error_destroy(mkd_type_path(t, "[0]", &bits, NULL));
	if (t->name) {
		promise(mkd_types_lookup(m, MKD_TYPE_NS_TAG, t->name, -1) ||
			mkd_types_lookup(m, MKD_TYPE_NS_ORDINARY, t->name, -1) ||
			(t->kind != MKD_TYPE_STRUCT &&
			 t->kind != MKD_TYPE_TYPEDEF));
		(void)mkd_types_enumerator(m, t->name);
	}
}

/* BTF of one type, "int"; strings "\0int\0". */
static const uint8_t tiny_base[] = {
	0x9f, 0xeb, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0,
	16, 0, 0, 0, 5, 0, 0, 0,
	1, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0, 32, 0, 0, 1,
	0, 'i', 'n', 't', 0,
};

static void ask_all(const struct mkd_types *m)
{
	size_t i;

	for (i = 0; i < m->ntypes && i < MAX_TYPES_ASKED; i++)
		ask_type(m, &m->types[i]);
}

static void try_split(const uint8_t *data, size_t size,
		      const struct mkd_types *base)
{
	struct mkd_types *m = NULL;
	struct mkd_error *err;

	err = mkd_btf_parse_split(data, size, base, 8, &m);
	if (err) {
		promise(mkd_error_message(err)[0] != '\0');
		mkd_error_destroy(err);
		return;
	}
	promise(m->base == base);
	ask_all(m);
	mkd_types_destroy(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mkd_types *m = NULL, *tiny = NULL;
	struct mkd_error *err;

	err = mkd_btf_parse(data, size, 8, &m);
	if (err) {
		promise(mkd_error_message(err)[0] != '\0');
		mkd_error_destroy(err);
		err = mkd_btf_parse(tiny_base, sizeof(tiny_base), 8, &tiny);
		promise(!err);
		try_split(data, size, tiny);
		mkd_types_destroy(tiny);
		return 0;
	}
	ask_all(m);
	try_split(data, size, m);
	mkd_types_destroy(m);
	return 0;
}
