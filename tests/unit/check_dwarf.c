// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_dwarf.c - the DWARF type source on an object gcc compiles here
 * from dwarf-sample.h: sizes and member offsets equal sizeof() and
 * offsetof() of the same types in this file, bitfields equal the bits a
 * store sets, in DWARF 5 (DW_AT_data_bit_offset) and DWARF 4
 * (DW_AT_bit_offset); arrays of arrays, anonymous members, flexible
 * arrays, enums, typedefs, qualifiers, declarations, variadic functions.
 */
#include <fcntl.h>
#include <libelf.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"
#include "dwarf-types.h"
#include "dwarf-sample.h"

struct object {
	int fd;
	Elf *elf;
	struct mkd_dwarf *dw;
};

/* Build dwarf-sample.h with gcc and these flags; open its DWARF. */
static struct mkd_error *object_open(struct object *o, const char *flags,
				     const char *name)
{
	char cmd[2048], src[512], obj[512];
	FILE *f;

	snprintf(src, sizeof(src), "%s/%s.c", unit_tmpdir(), name);
	snprintf(obj, sizeof(obj), "%s/%s.so", unit_tmpdir(), name);
	f = fopen(src, "w");
	ck_assert_ptr_nonnull(f);
	fputs("#include \"dwarf-sample.h\"\n"
	      "struct sample s; union num n; enum color c; int anon = ANON_B;\n"
	      "int unsigned_int(unsigned int x) { return (int)x; }\n", f);
	fclose(f);
	/* Linked: libdw does not apply an object file's relocations. */
	snprintf(cmd, sizeof(cmd),
		 "gcc %s -Itests/unit -shared -fPIC -o %s %s", flags, obj, src);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	o->fd = open(obj, O_RDONLY);
	ck_assert_int_ge(o->fd, 0);
	elf_version(EV_CURRENT);
	o->elf = elf_begin(o->fd, ELF_C_READ_MMAP, NULL);
	ck_assert_ptr_nonnull(o->elf);
	o->dw = NULL;
	return mkd_dwarf_create(o->elf, 8, &o->dw);
}

static void object_close(struct object *o)
{
	mkd_dwarf_destroy(o->dw);
	elf_end(o->elf);
	close(o->fd);
}

static const struct mkd_type *tag(struct object *o, const char *name)
{
	const struct mkd_type *t = NULL;

	ck_assert_ok(mkd_dwarf_lookup(o->dw, MKD_TYPE_NS_TAG, name, -1, &t));
	ck_assert_msg(t != NULL, "no tag '%s'", name);
	return t;
}

static uint64_t path_bits(const struct mkd_type *t, const char *path,
			  const struct mkd_type **member)
{
	uint64_t bits = 0;

	ck_assert_ok(mkd_type_path(t, path, &bits, member));
	return bits;
}

#define CHECK_OFFSET(t, path, field)                                      \
	ck_assert_uint_eq(path_bits(t, path, NULL),                       \
			  8 * offsetof(struct sample, field))

/* The bits a store of all ones sets: (first bit, width). */
static void stored_bits(const struct sample *s, unsigned *first,
			unsigned *width)
{
	const uint8_t *p = (const uint8_t *)s;
	unsigned i;

	*first = *width = 0;
	for (i = 0; i < 8 * sizeof(*s); i++)
		if (p[i / 8] >> (i % 8) & 1) {
			if (!*width)
				*first = i;
			(*width)++;
		}
}

static void check_bitfield(const struct mkd_type *t, const char *name,
			   const struct sample *s)
{
	struct mkd_type_member m;
	unsigned first, width;
	size_t i;

	stored_bits(s, &first, &width);
	for (i = 0; mkd_type_member(t, i, &m); i++)
		if (m.name && !strcmp(m.name, name))
			break;
	ck_assert_msg(m.name && !strcmp(m.name, name), "no member %s", name);
	ck_assert_uint_eq(m.bit_offset, first);
	ck_assert_uint_eq(m.bit_size, width);
}

static void check_bitfields(const struct mkd_type *t)
{
	struct sample s;

	memset(&s, 0, sizeof(s));
	s.f1 = 7;
	check_bitfield(t, "f1", &s);
	memset(&s, 0, sizeof(s));
	s.f2 = 0x7f;
	check_bitfield(t, "f2", &s);
	memset(&s, 0, sizeof(s));
	s.f3 = 0xf;
	check_bitfield(t, "f3", &s);
	memset(&s, 0, sizeof(s));
	s.f4 = -1;
	check_bitfield(t, "f4", &s);
}

static void check_sample(struct object *o)
{
	const struct mkd_type *t = tag(o, "sample"), *m;
	char buf[128];

	ck_assert_int_eq(mkd_type_kind(t), MKD_TYPE_STRUCT);
	ck_assert_uint_eq(mkd_type_size(t), sizeof(struct sample));
	CHECK_OFFSET(t, "a", a);
	CHECK_OFFSET(t, "grid", grid);
	CHECK_OFFSET(t, "u1", u1);
	CHECK_OFFSET(t, "s2", s2);
	CHECK_OFFSET(t, "p", p);
	CHECK_OFFSET(t, "col", col);
	CHECK_OFFSET(t, "fn", fn);
	CHECK_OFFSET(t, "n", n);
	CHECK_OFFSET(t, "tail", tail);
	check_bitfields(t);
	/* int grid[2][3] is an array of 2 arrays of 3. */
	ck_assert_uint_eq(path_bits(t, "grid[1][2]", &m),
			  8 * (offsetof(struct sample, grid) + 5 * 8));
	ck_assert_uint_eq(mkd_type_size(m), 8);
	path_bits(t, "grid", &m);
	ck_assert_uint_eq(mkd_type_array_length(m), 2);
	ck_assert_uint_eq(mkd_type_size(m), sizeof(((struct sample *)0)->grid));
	mkd_type_format(m, "grid", buf, sizeof(buf));
	ck_assert_str_eq(buf, "long long int grid[2][3]");
	ck_assert_uint_eq(path_bits(t, "nums[1].c[2]", NULL),
			  8 * (offsetof(struct sample, nums) + sizeof(union num) + 2));
	path_bits(t, "tail", &m);
	ck_assert_uint_eq(mkd_type_array_length(m), 0);
	/* const volatile u64 *: qualifiers and a typedef over a base type. */
	path_bits(t, "p", &m);
	mkd_type_format(m, NULL, buf, sizeof(buf));
	/* gcc nests the qualifiers either way round. */
	ck_assert_msg(!strcmp(buf, "const volatile u64 *") ||
		      !strcmp(buf, "volatile const u64 *"), "%s", buf);
	ck_assert_uint_eq(mkd_type_size(mkd_type_target(m)), 8);
	path_bits(t, "opaque", &m);
	ck_assert(!mkd_type_is_complete(mkd_type_target(m)));
	path_bits(t, "fn", &m);
	m = mkd_type_target(m);
	ck_assert_int_eq(mkd_type_kind(m), MKD_TYPE_FUNCTION);
	ck_assert_uint_eq(mkd_type_member_count(m), 1);
	mkd_type_format(m, "f", buf, sizeof(buf));
	ck_assert_str_eq(buf, "int f(struct sample *, ...)");
	path_bits(t, "n.next", &m);
	ck_assert_ptr_eq(mkd_type_target(m), tag(o, "node"));
}

static void check_enums(struct object *o)
{
	const struct mkd_type *t = tag(o, "color"), *u = NULL;
	const struct mkd_type_value *v = NULL;
	struct mkd_type_enumerator e;

	ck_assert(mkd_type_is_signed(t));
	ck_assert(mkd_type_enumerator(t, 2, &e));
	ck_assert_str_eq(e.name, "BLUE");
	ck_assert_int_eq(e.value, BLUE);
	ck_assert_ok(mkd_dwarf_enumerator(o->dw, "ANON_B", &v));
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->value, ANON_B);
	ck_assert_ok(mkd_dwarf_enumerator(o->dw, "GREEN", &v));
	ck_assert_int_eq(v->value, GREEN);
	ck_assert_ptr_eq(v->parent, t);
	ck_assert_ok(mkd_dwarf_enumerator(o->dw, "PURPLE", &v));
	ck_assert_ptr_null(v);
	ck_assert_ok(mkd_dwarf_lookup(o->dw, MKD_TYPE_NS_ORDINARY,
				      "unsigned int", -1, &u));
	ck_assert_uint_eq(mkd_type_size(u), 4);
	ck_assert(!mkd_type_is_signed(u));
	ck_assert_ok(mkd_dwarf_lookup(o->dw, MKD_TYPE_NS_ORDINARY, "u64", -1,
				      &u));
	ck_assert_int_eq(mkd_type_kind(u), MKD_TYPE_TYPEDEF);
	ck_assert_uint_eq(mkd_type_size(u), 8);
	ck_assert_ok(mkd_dwarf_lookup(o->dw, MKD_TYPE_NS_TAG, "num",
				      MKD_TYPE_STRUCT, &u));
	ck_assert_ptr_null(u);		/* a union, not a struct */
}

START_TEST(dwarf5_layout)
{
	struct object o;

	ck_assert_ok(object_open(&o, "-g -gdwarf-5", "sample5"));
	check_sample(&o);
	check_enums(&o);
	/* Asking again finds the same types. */
	ck_assert_ptr_eq(tag(&o, "sample"), tag(&o, "sample"));
	object_close(&o);
}
END_TEST

START_TEST(dwarf4_bit_offsets)
{
	struct object o;

	ck_assert_ok(object_open(&o, "-g -gdwarf-4", "sample4"));
	check_sample(&o);
	check_enums(&o);
	object_close(&o);
}
END_TEST

START_TEST(no_dwarf)
{
	struct object o;
	struct mkd_error *err = object_open(&o, "-g0", "nodwarf");

	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_NOT_FOUND);
	mkd_error_destroy(err);
	object_close(&o);
}
END_TEST

static Suite *dwarf_suite(void)
{
	Suite *s = suite_create("dwarf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, dwarf5_layout);
	tcase_add_test(tc, dwarf4_bit_offsets);
	tcase_add_test(tc, no_dwarf);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(dwarf_suite)
