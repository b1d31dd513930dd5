// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_btf.c - the BTF parser and the type model, on BTF built here:
 * lookups, member paths, formatting, and hostile blobs (bad headers, ids
 * and name offsets out of range, looping typedefs, huge counts); split
 * BTF (a module's) on top of a small base.
 */
#include <stdlib.h>

#include "unit.h"
#include "types.h"

/* ------------------------------------------------------------------ */
/* A BTF writer, just big enough for these tests */

enum {
	K_INT = 1, K_PTR, K_ARRAY, K_STRUCT, K_UNION, K_ENUM, K_FWD,
	K_TYPEDEF, K_VOLATILE, K_CONST, K_RESTRICT, K_FUNC, K_FUNC_PROTO,
	K_VAR, K_DATASEC, K_FLOAT, K_DECL_TAG, K_TYPE_TAG, K_ENUM64,
};

struct bb {
	uint32_t types[4096];
	size_t ntypes_words;
	unsigned ntypes;
	char strings[4096];
	size_t strings_len;
	uint8_t blob[24 + 4 * 4096 + 4096];
	size_t blob_len;
	unsigned id_base;	/* split BTF: the base's types, void too */
	uint32_t str_base;	/* split BTF: the base's string bytes */
};

static void bb_init(struct bb *b)
{
	memset(b, 0, sizeof(*b));
	b->strings_len = 1;	/* offset 0 is "" */
}

/* Split BTF: ids and string offsets continue the base's. */
static void bb_init_split(struct bb *b, const struct mkd_types *base)
{
	memset(b, 0, sizeof(*b));
	b->id_base = (unsigned)base->ntypes - 1;
	b->str_base = (uint32_t)base->strings_len;
}

static uint32_t bb_str(struct bb *b, const char *s)
{
	uint32_t off = (uint32_t)b->strings_len;

	if (!s)
		return 0;
	memcpy(b->strings + off, s, strlen(s) + 1);
	b->strings_len += strlen(s) + 1;
	return b->str_base + off;
}

static void bb_word(struct bb *b, uint32_t w)
{
	b->types[b->ntypes_words++] = w;
}

/* A type record; returns its id.  Its data words follow with bb_word. */
static unsigned bb_type(struct bb *b, const char *name, unsigned kind,
			unsigned vlen, bool kflag, uint32_t size_or_type)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, (uint32_t)kflag << 31 | kind << 24 | vlen);
	bb_word(b, size_or_type);
	return b->id_base + ++b->ntypes;
}

static void bb_member(struct bb *b, const char *name, unsigned type,
		      uint32_t offset)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, type);
	bb_word(b, offset);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);	/* the tests run little-endian */
}

static const uint8_t *bb_blob(struct bb *b)
{
	uint32_t tlen = (uint32_t)(4 * b->ntypes_words);

	put32(b->blob, 0x0001eb9f);	/* magic, version 1, flags 0 */
	put32(b->blob + 4, 24);
	put32(b->blob + 8, 0);
	put32(b->blob + 12, tlen);
	put32(b->blob + 16, tlen);
	put32(b->blob + 20, (uint32_t)b->strings_len);
	memcpy(b->blob + 24, b->types, tlen);
	memcpy(b->blob + 24 + tlen, b->strings, b->strings_len);
	b->blob_len = 24 + tlen + b->strings_len;
	return b->blob;
}

/*
 * A small kernel:
 *   int, char, unsigned int, long unsigned int
 *   struct list_head { struct list_head *next, *prev; }
 *   struct foo {
 *	int a;
 *	union { int b; char c[16]; };
 *	unsigned int x:3, y:5;
 *	struct list_head l;
 *	const char *name;
 *	int (*fn)(int, ...);
 *   };
 *   typedef struct foo foo_t;  enum e { E_A = 0, E_B = -1 } (signed);
 *   enum big : u64 { BIG = 1 << 40 };  struct bar; (declared only)
 */
struct small {
	unsigned i_int, i_char, i_uint, i_ulong, i_lh, i_lhp, i_foo, i_anon,
		 i_arr, i_cchar, i_cptr, i_proto, i_fnp, i_foo_t, i_enum,
		 i_enum64, i_fwd, i_fwd_def;
};

static void build_small(struct bb *b, struct small *s)
{
	bb_init(b);
	s->i_int = bb_type(b, "int", K_INT, 0, false, 4);
	bb_word(b, 1u << 24 | 32);			/* signed, 32 bits */
	s->i_char = bb_type(b, "char", K_INT, 0, false, 1);
	bb_word(b, 2u << 24 | 8);
	s->i_uint = bb_type(b, "unsigned int", K_INT, 0, false, 4);
	bb_word(b, 32);
	s->i_ulong = bb_type(b, "long unsigned int", K_INT, 0, false, 8);
	bb_word(b, 64);
	s->i_lh = bb_type(b, "list_head", K_STRUCT, 2, false, 16);
	bb_member(b, "next", s->i_lh + 1, 0);
	bb_member(b, "prev", s->i_lh + 1, 64);
	s->i_lhp = bb_type(b, NULL, K_PTR, 0, false, s->i_lh);
	s->i_foo = bb_type(b, "foo", K_STRUCT, 7, true, 64);
	bb_member(b, "a", s->i_int, 0);
	bb_member(b, NULL, s->i_foo + 1, 32);		/* the anon union */
	bb_member(b, "x", s->i_uint, 3u << 24 | 160);
	bb_member(b, "y", s->i_uint, 5u << 24 | 163);
	bb_member(b, "l", s->i_lh, 192);
	bb_member(b, "name", s->i_foo + 4, 320);
	bb_member(b, "fn", s->i_foo + 6, 384);
	s->i_anon = bb_type(b, NULL, K_UNION, 2, false, 16);
	bb_member(b, "b", s->i_int, 0);
	bb_member(b, "c", s->i_anon + 1, 0);
	s->i_arr = bb_type(b, NULL, K_ARRAY, 0, false, 0);
	bb_word(b, s->i_char);
	bb_word(b, s->i_int);
	bb_word(b, 16);
	s->i_cchar = bb_type(b, NULL, K_CONST, 0, false, s->i_char);
	s->i_cptr = bb_type(b, NULL, K_PTR, 0, false, s->i_cchar);
	s->i_proto = bb_type(b, NULL, K_FUNC_PROTO, 2, false, s->i_int);
	bb_word(b, 0);
	bb_word(b, s->i_int);
	bb_word(b, 0);					/* "..." */
	bb_word(b, 0);
	s->i_fnp = bb_type(b, NULL, K_PTR, 0, false, s->i_proto);
	s->i_foo_t = bb_type(b, "foo_t", K_TYPEDEF, 0, false, s->i_foo);
	s->i_enum = bb_type(b, "e", K_ENUM, 2, true, 4);
	bb_word(b, bb_str(b, "E_A"));
	bb_word(b, 0);
	bb_word(b, bb_str(b, "E_B"));
	bb_word(b, 0xffffffff);
	s->i_enum64 = bb_type(b, "big", K_ENUM64, 1, false, 8);
	bb_word(b, bb_str(b, "BIG"));
	bb_word(b, 0);
	bb_word(b, 1u << 8);
	s->i_fwd = bb_type(b, "bar", K_FWD, 0, false, 0);
	s->i_fwd_def = bb_type(b, "bar", K_STRUCT, 0, false, 4);
}

/* A dump that holds only a type model, for the public lookups. */
struct fake {
	struct mkd_dump dump;
};

static void fake_init(struct fake *f, struct mkd_types *m)
{
	memset(f, 0, sizeof(*f));
	f->dump.types = m;
}

/* A miss looks in modules' BTF, which a fake dump has none of. */
static void fake_deinit(struct fake *f)
{
	mkd_module_types_destroy(f->dump.module_types);
	mkd_types_destroy(f->dump.types);
}

static struct mkd_types *parse_ok(struct bb *b)
{
	const uint8_t *blob = bb_blob(b);
	struct mkd_types *m = NULL;

	ck_assert_ok(mkd_btf_parse(blob, b->blob_len, 8, &m));
	return m;
}

static const struct mkd_type *find(struct fake *f, const char *name)
{
	const struct mkd_type *t = NULL;

	ck_assert_ok(mkd_type_find(&f->dump, name, &t));
	return t;
}

START_TEST(btf_finds_types)
{
	struct mkd_error *err;
	struct small s;
	struct fake f;
	struct bb b;
	const struct mkd_type *t;

	build_small(&b, &s);
	fake_init(&f, parse_ok(&b));
	t = find(&f, "struct foo");
	ck_assert_int_eq(mkd_type_kind(t), MKD_TYPE_STRUCT);
	ck_assert_uint_eq(mkd_type_size(t), 64);
	ck_assert_uint_eq(mkd_type_member_count(t), 7);
	ck_assert_ptr_eq(find(&f, "foo"), t);
	t = find(&f, "foo_t");
	ck_assert_int_eq(mkd_type_kind(t), MKD_TYPE_TYPEDEF);
	ck_assert_uint_eq(mkd_type_size(t), 64);	/* through the typedef */
	ck_assert_ptr_eq(mkd_type_unqualified(t), find(&f, "struct foo"));
	ck_assert_str_eq(mkd_type_name(find(&f, "unsigned long")),
			 "long unsigned int");
	ck_assert_str_eq(mkd_type_name(find(&f, "unsigned")), "unsigned int");
	ck_assert(mkd_type_is_signed(find(&f, "int")));
	ck_assert(!mkd_type_is_signed(find(&f, "unsigned int")));
	/* A definition wins over a declaration that comes first. */
	t = find(&f, "struct bar");
	ck_assert(mkd_type_is_complete(t));
	ck_assert_uint_eq(mkd_type_size(t), 4);
	err = mkd_type_find(&f.dump, "union foo", &t);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_NOT_FOUND);
	mkd_error_destroy(err);
	fake_deinit(&f);
}
END_TEST

START_TEST(btf_enumerators)
{
	struct mkd_type_enumerator e;
	struct mkd_error *err;
	const struct mkd_type *t;
	struct small s;
	struct fake f;
	struct bb b;
	int64_t v;

	build_small(&b, &s);
	fake_init(&f, parse_ok(&b));
	ck_assert_ok(mkd_enum_value(&f.dump, "E_B", &v, &t));
	ck_assert_int_eq(v, -1);
	ck_assert_ptr_eq(t, find(&f, "enum e"));
	ck_assert(mkd_type_is_signed(t));
	ck_assert(mkd_type_enumerator(t, 0, &e));
	ck_assert_str_eq(e.name, "E_A");
	ck_assert(!mkd_type_enumerator(t, 2, &e));
	ck_assert_ok(mkd_enum_value(&f.dump, "BIG", &v, NULL));
	ck_assert_int_eq(v, 1ll << 40);
	err = mkd_enum_value(&f.dump, "E_C", &v, NULL);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_NOT_FOUND);
	mkd_error_destroy(err);
	fake_deinit(&f);
}
END_TEST

static uint64_t path_bits(const struct mkd_type *t, const char *path,
			  const struct mkd_type **type)
{
	uint64_t bits = 0;

	ck_assert_ok(mkd_type_path(t, path, &bits, type));
	return bits;
}

static void expect_path_error(const struct mkd_type *t, const char *path,
			      enum mkd_error_code code)
{
	uint64_t bits;
	struct mkd_error *err = mkd_type_path(t, path, &bits, NULL);

	ck_assert_msg(mkd_error_code(err) == code, "%s: %s", path,
		      mkd_error_message(err));
	mkd_error_destroy(err);
}

START_TEST(btf_member_paths)
{
	const struct mkd_type *foo, *t;
	struct mkd_type_member m;
	struct small s;
	struct fake f;
	struct bb b;

	build_small(&b, &s);
	fake_init(&f, parse_ok(&b));
	foo = find(&f, "foo_t");
	ck_assert_uint_eq(path_bits(foo, "b", &t), 32);	/* anonymous union */
	ck_assert_uint_eq(path_bits(foo, "c[3]", &t), 32 + 24);
	ck_assert_str_eq(mkd_type_name(t), "char");
	ck_assert_uint_eq(path_bits(foo, "l.prev", &t), 192 + 64);
	ck_assert_uint_eq(path_bits(foo, "", &t), 0);
	ck_assert_ptr_eq(t, foo);
	ck_assert(mkd_type_member(mkd_type_unqualified(foo), 3, &m));
	ck_assert_str_eq(m.name, "y");
	ck_assert_uint_eq(m.bit_offset, 163);
	ck_assert_uint_eq(m.bit_size, 5);
	expect_path_error(foo, "nope", MKD_ERR_NOT_FOUND);
	expect_path_error(foo, "c[16]", MKD_ERR_NOT_FOUND);
	expect_path_error(foo, "a.b", MKD_ERR_INVALID);
	expect_path_error(foo, "a[0]", MKD_ERR_INVALID);
	expect_path_error(foo, "l..next", MKD_ERR_INVALID);
	expect_path_error(foo, "c[x]", MKD_ERR_INVALID);
	expect_path_error(foo, "c[1", MKD_ERR_INVALID);
	fake_deinit(&f);
}
END_TEST

static void expect_format(const struct mkd_type *t, const char *name,
			  const char *want)
{
	char buf[128];

	mkd_type_format(t, name, buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
}

START_TEST(btf_formats_like_c)
{
	const struct mkd_type *foo;
	struct mkd_type_member m;
	struct small s;
	struct fake f;
	struct bb b;
	char small_buf[5];

	build_small(&b, &s);
	fake_init(&f, parse_ok(&b));
	foo = find(&f, "struct foo");
	ck_assert(mkd_type_member(foo, 4, &m));
	expect_format(m.type, "l", "struct list_head l");
	ck_assert(mkd_type_member(foo, 5, &m));
	expect_format(m.type, "name", "const char *name");
	ck_assert(mkd_type_member(foo, 6, &m));
	expect_format(m.type, "fn", "int (*fn)(int, ...)");
	expect_format(m.type, NULL, "int (*)(int, ...)");
	ck_assert(mkd_type_member(foo, 1, &m));
	expect_format(m.type, NULL, "union {...}");
	ck_assert(mkd_type_member(mkd_type_unqualified(m.type), 1, &m));
	expect_format(m.type, "c", "char c[16]");
	expect_format(find(&f, "struct list_head")->fields[0].type, "next",
		      "struct list_head *next");
	/* Like snprintf: the whole length, a cut copy. */
	ck_assert_uint_eq(mkd_type_format(foo, NULL, small_buf, 5), 10);
	ck_assert_str_eq(small_buf, "stru");
	fake_deinit(&f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Hostile blobs */

static void expect_error(const uint8_t *blob, size_t len,
			 enum mkd_error_code code, const char *words)
{
	struct mkd_types *m = NULL;
	struct mkd_error *err = mkd_btf_parse(blob, len, 8, &m);

	ck_assert_msg(err, "accepted; wanted '%s'", words);
	ck_assert_ptr_null(m);
	ck_assert_msg(mkd_error_code(err) == code &&
		      strstr(mkd_error_message(err), words),
		      "got '%s' (%d), wanted '%s'", mkd_error_message(err),
		      mkd_error_code(err), words);
	mkd_error_destroy(err);
}

START_TEST(btf_bad_headers)
{
	struct small s;
	struct bb b;
	uint8_t *p;

	build_small(&b, &s);
	p = (uint8_t *)bb_blob(&b);
	expect_error(p, 10, MKD_ERR_CORRUPT, "too short");
	p[0] = 0x9e;
	expect_error(p, b.blob_len, MKD_ERR_CORRUPT, "bad magic");
	p[0] = 0xeb, p[1] = 0x9f;
	expect_error(p, b.blob_len, MKD_ERR_UNSUPPORTED, "big-endian");
	bb_blob(&b);
	p[2] = 2;
	expect_error(p, b.blob_len, MKD_ERR_UNSUPPORTED, "version 2");
	bb_blob(&b);
	put32(p + 4, 0x10000000);			/* header length */
	expect_error(p, b.blob_len, MKD_ERR_CORRUPT, "header length");
	bb_blob(&b);
	put32(p + 4, 8);
	expect_error(p, b.blob_len, MKD_ERR_CORRUPT, "header length");
	bb_blob(&b);
	put32(p + 12, 0xfffffff0);			/* type_len */
	expect_error(p, b.blob_len, MKD_ERR_CORRUPT, "type section");
	bb_blob(&b);
	put32(p + 16, 0xfffffff0);			/* str_off wraps */
	expect_error(p, b.blob_len, MKD_ERR_CORRUPT, "string section");
	bb_blob(&b);
	put32(p + 8, 2);				/* misaligned types */
	expect_error(p, b.blob_len, MKD_ERR_CORRUPT, "aligned");
	bb_blob(&b);
	p[b.blob_len - 1] = 'x';			/* strings not ended */
	expect_error(p, b.blob_len, MKD_ERR_CORRUPT, "NUL");
	bb_blob(&b);
	put32(p + 12, (uint32_t)(4 * b.ntypes_words - 4));	/* record cut */
	expect_error(p, b.blob_len, MKD_ERR_CORRUPT, "type section");
}
END_TEST

START_TEST(btf_bad_references)
{
	struct bb b;

	bb_init(&b);
	bb_type(&b, NULL, K_PTR, 0, false, 99);
	bb_blob(&b);
	expect_error(b.blob, b.blob_len, MKD_ERR_CORRUPT,
		     "refers to type 99");

	bb_init(&b);
	bb_word(&b, 5000);			/* name offset past strings */
	bb_word(&b, K_INT << 24);
	bb_word(&b, 4);
	bb_word(&b, 32);
	b.ntypes = 1;
	bb_blob(&b);
	expect_error(b.blob, b.blob_len, MKD_ERR_CORRUPT, "name offset");

	bb_init(&b);
	bb_type(&b, "s", K_STRUCT, 1, false, 4);
	bb_member(&b, "m", 7, 0);
	bb_blob(&b);
	expect_error(b.blob, b.blob_len, MKD_ERR_CORRUPT,
		     "refers to type 7");

	bb_init(&b);
	bb_type(&b, "s", K_STRUCT, 0xffff, false, 4);	/* huge vlen */
	bb_member(&b, "m", 0, 0);
	bb_blob(&b);
	expect_error(b.blob, b.blob_len, MKD_ERR_CORRUPT, "runs past");

	bb_init(&b);
	bb_type(&b, "x", 31, 0, false, 0);		/* no such kind */
	bb_blob(&b);
	expect_error(b.blob, b.blob_len, MKD_ERR_UNSUPPORTED, "kind 31");

	bb_init(&b);
	bb_type(&b, "i", K_INT, 0, false, 4);
	bb_word(&b, 200);				/* 200 bits in 4 bytes */
	bb_blob(&b);
	expect_error(b.blob, b.blob_len, MKD_ERR_CORRUPT, "integer");
}
END_TEST

START_TEST(btf_loops_end)
{
	const struct mkd_type *t;
	struct mkd_types *m;
	struct fake f;
	char buf[64];
	struct bb b;

	bb_init(&b);
	bb_type(&b, "t", K_TYPEDEF, 0, false, 1);	/* typedef t t */
	bb_blob(&b);
	expect_error(b.blob, b.blob_len, MKD_ERR_CORRUPT, "loops");

	bb_init(&b);
	bb_type(&b, NULL, K_CONST, 0, false, 2);
	bb_type(&b, NULL, K_VOLATILE, 0, false, 3);
	bb_type(&b, "t", K_TYPEDEF, 0, false, 1);
	bb_blob(&b);
	expect_error(b.blob, b.blob_len, MKD_ERR_CORRUPT, "loops");

	bb_init(&b);
	bb_type(&b, NULL, K_ARRAY, 0, false, 0);	/* an array of itself */
	bb_word(&b, 1);
	bb_word(&b, 1);
	bb_word(&b, 4);
	bb_blob(&b);
	expect_error(b.blob, b.blob_len, MKD_ERR_CORRUPT, "loops");

	bb_init(&b);
	bb_type(&b, "i", K_INT, 0, false, 8);
	bb_word(&b, 64);
	bb_type(&b, NULL, K_ARRAY, 0, false, 0);
	bb_word(&b, 1);
	bb_word(&b, 1);
	bb_word(&b, 0x80000000);
	bb_type(&b, NULL, K_ARRAY, 0, false, 0);
	bb_word(&b, 2);
	bb_word(&b, 1);
	bb_word(&b, 0x80000000);
	bb_blob(&b);
	expect_error(b.blob, b.blob_len, MKD_ERR_CORRUPT, "overflows");

	/* Pointers may loop: formatting and searching still end. */
	bb_init(&b);
	bb_type(&b, "p", K_TYPEDEF, 0, false, 2);
	bb_type(&b, NULL, K_PTR, 0, false, 3);
	bb_type(&b, NULL, K_PTR, 0, false, 2);
	bb_type(&b, "s", K_STRUCT, 2, false, 8);
	bb_member(&b, NULL, 4, 0);	/* an anonymous member of itself */
	bb_member(&b, NULL, 4, 0);
	bb_blob(&b);
	ck_assert_ok(mkd_btf_parse(b.blob, b.blob_len, 8, &m));
	fake_init(&f, m);
	mkd_type_format(find(&f, "p"), NULL, buf, sizeof(buf));
	mkd_type_format(m->types[2].target, NULL, buf, sizeof(buf));
	ck_assert(strstr(buf, "..."));
	t = find(&f, "struct s");
	expect_path_error(t, "x", MKD_ERR_NOT_FOUND);
	fake_deinit(&f);
}
END_TEST

/* Random damage to a good blob must fail cleanly or parse. */
START_TEST(btf_mutations)
{
	struct small s;
	struct bb b;
	uint8_t *copy;
	uint32_t seed = 777;
	unsigned i;

	build_small(&b, &s);
	bb_blob(&b);
	copy = malloc(b.blob_len);
	ck_assert_ptr_nonnull(copy);
	for (i = 0; i < 20000; i++) {
		struct mkd_types *m = NULL;
		struct fake f;
		const struct mkd_type *t;
		uint64_t bits;
		char buf[64];
		unsigned flips = 1 + i % 3;

		memcpy(copy, b.blob, b.blob_len);
		while (flips--) {
			seed = seed * 1103515245 + 12345;
			copy[(seed >> 8) % b.blob_len] ^= (uint8_t)(1u << (seed & 7));
		}
		struct mkd_error *err = mkd_btf_parse(copy, b.blob_len, 8, &m);

		if (err) {	/* refused: fine */
			mkd_error_destroy(err);
			continue;
		}
		/* Whatever parsed must be safe to use. */
		fake_init(&f, m);
		err = mkd_type_find(&f.dump, "foo_t", &t);
		if (!err) {
			mkd_type_format(t, "x", buf, sizeof(buf));
			mkd_error_destroy(mkd_type_path(t, "l.prev", &bits, NULL));
			mkd_error_destroy(mkd_type_path(t, "c[3]", &bits, NULL));
		}
		mkd_error_destroy(err);
		fake_deinit(&f);
	}
	free(copy);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Split BTF: a module's types on top of the small kernel */

/*
 *   struct vq { int n; };
 *   struct vblk { struct list_head l; struct vq *vqs; foo_t *foo; };
 *   struct foo { char z; };	(also in the base: the base's wins)
 *   enum m { M_X = 7 };
 */
struct split {
	unsigned i_vq, i_vqp, i_vblk, i_foop, i_foo, i_enum;
};

static void build_split(struct bb *b, const struct mkd_types *base,
			const struct small *s, struct split *x)
{
	bb_init_split(b, base);
	x->i_vq = bb_type(b, "vq", K_STRUCT, 1, false, 4);
	bb_member(b, "n", s->i_int, 0);
	x->i_vqp = bb_type(b, NULL, K_PTR, 0, false, x->i_vq);
	x->i_vblk = bb_type(b, "vblk", K_STRUCT, 3, false, 32);
	bb_member(b, "l", s->i_lh, 0);
	bb_member(b, "vqs", x->i_vqp, 128);
	bb_member(b, "foo", x->i_vblk + 1, 192);
	x->i_foop = bb_type(b, NULL, K_PTR, 0, false, s->i_foo_t);
	x->i_foo = bb_type(b, "foo", K_STRUCT, 1, false, 1);
	bb_member(b, "z", s->i_char, 0);
	x->i_enum = bb_type(b, "m", K_ENUM, 1, false, 4);
	bb_word(b, bb_str(b, "M_X"));
	bb_word(b, 7);
}

/* A fake dump with the small kernel and one module, "mod". */
static void fake_init_module(struct fake *f, struct bb *b, struct small *s,
			     struct split *x)
{
	struct mkd_module_types *mt = calloc(1, sizeof(*mt));
	struct mkd_module_btf *mod = calloc(1, sizeof(*mod));

	ck_assert(mt && mod);
	build_small(b, s);
	fake_init(f, parse_ok(b));
	build_split(b, f->dump.types, s, x);
	bb_blob(b);
	ck_assert_ok(mkd_btf_parse_split(b->blob, b->blob_len, f->dump.types,
					 8, &mod->types));
	strcpy(mod->name, "mod");
	mt->mods = mod;
	mt->n = 1;
	f->dump.module_types = mt;
}

START_TEST(btf_split_ids_and_strings)
{
	const struct mkd_type *t, *base_foo;
	struct mkd_type_member mb;
	uint64_t bits;
	struct small s;
	struct split x;
	struct fake f;
	struct bb b;

	fake_init_module(&f, &b, &s, &x);
	t = find(&f, "struct vblk");
	ck_assert_uint_eq(mkd_type_size(t), 32);
	ck_assert(mkd_type_member(t, 0, &mb));
	ck_assert_str_eq(mb.name, "l");
	/* A reference below the split's first id is the base's type. */
	ck_assert_ptr_eq(mb.type, find(&f, "struct list_head"));
	ck_assert_ok(mkd_type_path(t, "vqs", &bits, &t));
	ck_assert_uint_eq(bits, 128);
	ck_assert_ptr_eq(mkd_type_target(t), find(&f, "struct vq"));
	ck_assert_ok(mkd_type_member_offset(&f.dump, "struct vblk", "l.prev",
					    &bits, NULL));
	ck_assert_uint_eq(bits, 64);
	/* A name both have is the base's, unless the module is named. */
	base_foo = find(&f, "struct foo");
	ck_assert_uint_eq(mkd_type_size(base_foo), 64);
	ck_assert_uint_eq(mkd_type_size(find(&f, "mod:struct foo")), 1);
	ck_assert_ptr_eq(find(&f, "mod:struct list_head"),
			 find(&f, "struct list_head"));
	ck_assert_ok(mkd_type_path(find(&f, "vblk"), "foo", &bits, &t));
	ck_assert_ptr_eq(mkd_type_target(t), find(&f, "foo_t"));
	fake_deinit(&f);
}
END_TEST

START_TEST(btf_split_lookups)
{
	const struct mkd_type *t;
	struct mkd_error *err;
	struct small s;
	struct split x;
	struct fake f;
	struct bb b;
	int64_t v;

	fake_init_module(&f, &b, &s, &x);
	ck_assert_ok(mkd_enum_value(&f.dump, "M_X", &v, &t));
	ck_assert_int_eq(v, 7);
	ck_assert_ptr_eq(t, find(&f, "enum m"));
	ck_assert_ok(mkd_enum_value(&f.dump, "E_B", &v, NULL));
	ck_assert_int_eq(v, -1);
	err = mkd_type_find(&f.dump, "struct nosuch", &t);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_NOT_FOUND);
	mkd_error_destroy(err);
	err = mkd_type_find(&f.dump, "other:struct vq", &t);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_NOT_FOUND);
	ck_assert(strstr(mkd_error_message(err), "'other'"));
	mkd_error_destroy(err);
	/* A module whose BTF failed answers with its error. */
	f.dump.module_types->mods[0].error =
		mkd_error_create(MKD_ERR_CORRUPT, "bad blob");
	mkd_types_destroy(f.dump.module_types->mods[0].types);
	f.dump.module_types->mods[0].types = NULL;
	err = mkd_type_find(&f.dump, "mod:struct vq", &t);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_CORRUPT);
	mkd_error_destroy(err);
	err = mkd_type_find(&f.dump, "struct vq", &t);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_NOT_FOUND);
	mkd_error_destroy(err);
	ck_assert_uint_eq(mkd_type_size(find(&f, "struct foo")), 64);
	fake_deinit(&f);
}
END_TEST

static void expect_split_error(const struct bb *b, const struct mkd_types *base,
			       const char *words)
{
	struct mkd_types *m = NULL;
	struct mkd_error *err;

	err = mkd_btf_parse_split(b->blob, b->blob_len, base, 8, &m);
	ck_assert_msg(err, "accepted; wanted '%s'", words);
	ck_assert_ptr_null(m);
	ck_assert_msg(mkd_error_code(err) == MKD_ERR_CORRUPT &&
		      strstr(mkd_error_message(err), words),
		      "got '%s', wanted '%s'", mkd_error_message(err), words);
	mkd_error_destroy(err);
}

START_TEST(btf_split_bad)
{
	struct mkd_types *base, *m;
	struct small s;
	struct bb b;
	unsigned id;

	build_small(&b, &s);
	base = parse_ok(&b);
	/* One past the last split type. */
	bb_init_split(&b, base);
	id = bb_type(&b, NULL, K_PTR, 0, false, 0);
	b.types[2] = id + 1;
	bb_blob(&b);
	expect_split_error(&b, base, "refers to type");
	/* A name past the split's strings. */
	bb_init_split(&b, base);
	bb_type(&b, "t", K_TYPEDEF, 0, false, s.i_int);
	b.types[0] = b.str_base + 2;
	bb_blob(&b);
	expect_split_error(&b, base, "name offset");
	/* No strings of its own, names from the base: fine. */
	bb_init_split(&b, base);
	bb_type(&b, NULL, K_TYPEDEF, 0, false, s.i_int);
	b.types[0] = 1;		/* "int" in the base's strings */
	bb_blob(&b);
	ck_assert_ok(mkd_btf_parse_split(b.blob, b.blob_len, base, 8, &m));
	ck_assert_str_eq(m->types[1].name, "int");
	ck_assert_uint_eq(m->types[1].size, 4);
	mkd_types_destroy(m);
	/* A base blob read as split: its ids are off by the base's. */
	build_small(&b, &s);
	bb_blob(&b);
	ck_assert_ok(mkd_btf_parse_split(b.blob, b.blob_len, base, 8, &m));
	mkd_types_destroy(m);
	mkd_types_destroy(base);
}
END_TEST

static Suite *btf_suite(void)
{
	Suite *s = suite_create("btf");
	TCase *tc = tcase_create("btf");

	tcase_add_test(tc, btf_finds_types);
	tcase_add_test(tc, btf_enumerators);
	tcase_add_test(tc, btf_member_paths);
	tcase_add_test(tc, btf_formats_like_c);
	tcase_add_test(tc, btf_bad_headers);
	tcase_add_test(tc, btf_bad_references);
	tcase_add_test(tc, btf_loops_end);
	tcase_add_test(tc, btf_mutations);
	tcase_add_test(tc, btf_split_ids_and_strings);
	tcase_add_test(tc, btf_split_lookups);
	tcase_add_test(tc, btf_split_bad);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(btf_suite)
