// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_kallsyms.c - the symbol table, the kallsyms decoder on tables
 * built here (good and hostile), and System.map parsing.
 */
#include <stdlib.h>

#include "unit.h"
#include "symbols.h"

/* ------------------------------------------------------------------ */
/* Building kallsyms tables the way scripts/kallsyms.c lays them out */

struct ktab {
	uint8_t names[8192];
	size_t names_len;
	uint8_t offsets[4 * 64];
	uint32_t num;
	uint8_t tokens[4096];
	size_t tokens_len;
	uint8_t index[512];
};

/*
 * Tokens: byte 1 stands for "sys_", byte 2 for "do_", every printable
 * byte for itself, the rest for "".
 */
static void ktab_init(struct ktab *k)
{
	unsigned b;

	memset(k, 0, sizeof(*k));
	for (b = 0; b < 256; b++) {
		const char *s = b == 1 ? "sys_" : b == 2 ? "do_" : "";
		char one[2] = { (char)b, '\0' };

		if (b >= 0x20 && b < 0x7f)
			s = one;
		k->index[2 * b] = (uint8_t)k->tokens_len;
		k->index[2 * b + 1] = (uint8_t)(k->tokens_len >> 8);
		memcpy(k->tokens + k->tokens_len, s, strlen(s) + 1);
		k->tokens_len += strlen(s) + 1;
	}
}

/* Add "<type><name>" compressed with the tokens above, at offset off. */
static void ktab_add(struct ktab *k, char type, const char *name, int32_t off)
{
	uint8_t data[1024];
	size_t n = 0;

	data[n++] = (uint8_t)type;
	while (*name) {
		if (!strncmp(name, "sys_", 4)) {
			data[n++] = 1;
			name += 4;
		} else if (!strncmp(name, "do_", 3)) {
			data[n++] = 2;
			name += 3;
		} else {
			data[n++] = (uint8_t)*name++;
		}
	}
	if (n > 127) {	/* a "big" symbol: two length bytes */
		k->names[k->names_len++] = (uint8_t)(0x80 | (n & 0x7f));
		k->names[k->names_len++] = (uint8_t)(n >> 7);
	} else {
		k->names[k->names_len++] = (uint8_t)n;
	}
	memcpy(k->names + k->names_len, data, n);
	k->names_len += n;
	memcpy(k->offsets + 4 * k->num, &off, 4);	/* tests run on LE */
	k->num++;
}

static struct mkd_kallsyms_tables ktab_tables(const struct ktab *k,
					      uint64_t base)
{
	struct mkd_kallsyms_tables t = {
		.names = k->names, .names_len = k->names_len,
		.offsets = k->offsets, .num_syms = k->num,
		.relative_base = base,
		.token_table = k->tokens, .token_table_len = k->tokens_len,
		.token_index = k->index,
	};
	return t;
}

struct seen {
	char names[8][300];
	char types[8];
	uint64_t addrs[8];
	unsigned n;
};

static struct mkd_error *collect(void *arg, const char *name, size_t len,
				 char type, uint64_t address)
{
	struct seen *s = arg;

	ck_assert_uint_lt(s->n, 8);
	ck_assert_uint_lt(len, sizeof(s->names[0]));
	memcpy(s->names[s->n], name, len);
	s->names[s->n][len] = '\0';
	s->types[s->n] = type;
	s->addrs[s->n++] = address;
	return NULL;
}

#define BASE 0xffffffff81000000ull

START_TEST(kallsyms_absolute_percpu)
{
	struct mkd_kallsyms_tables t;
	struct seen s = { .n = 0 };
	struct ktab k;

	ktab_init(&k);
	ktab_add(&k, 'A', "fixed_percpu_data", 0);	/* absolute */
	ktab_add(&k, 'A', "cpu_number", 0x1000);
	ktab_add(&k, 'T', "sys_read", -1);		/* base - 1 - (-1) */
	ktab_add(&k, 't', "do_sys_open", -0x41);
	t = ktab_tables(&k, BASE);
	ck_assert_ok(mkd_kallsyms_decode(&t, collect, &s));
	ck_assert_uint_eq(s.n, 4);
	ck_assert_str_eq(s.names[0], "fixed_percpu_data");
	ck_assert_uint_eq(s.addrs[1], 0x1000);
	ck_assert_str_eq(s.names[2], "sys_read");
	ck_assert_int_eq(s.types[2], 'T');
	ck_assert_uint_eq(s.addrs[2], BASE);
	ck_assert_str_eq(s.names[3], "do_sys_open");
	ck_assert_uint_eq(s.addrs[3], BASE + 0x40);
}
END_TEST

START_TEST(kallsyms_relative_without_percpu)
{
	struct mkd_kallsyms_tables t;
	struct seen s = { .n = 0 };
	struct ktab k;

	ktab_init(&k);
	ktab_add(&k, 'T', "_stext", 0);
	ktab_add(&k, 'D', "init_task", 0x1234560);
	t = ktab_tables(&k, BASE);
	ck_assert_ok(mkd_kallsyms_decode(&t, collect, &s));
	ck_assert_uint_eq(s.addrs[0], BASE);
	ck_assert_uint_eq(s.addrs[1], BASE + 0x1234560);
}
END_TEST

START_TEST(kallsyms_big_symbol)
{
	struct mkd_kallsyms_tables t;
	struct seen s = { .n = 0 };
	char name[201];
	struct ktab k;

	memset(name, 'x', 200);
	name[200] = '\0';
	ktab_init(&k);
	ktab_add(&k, 't', name, 0);
	ktab_add(&k, 'T', "after", 8);
	t = ktab_tables(&k, BASE);
	ck_assert_uint_eq(k.names[0] & 0x80, 0x80);
	ck_assert_ok(mkd_kallsyms_decode(&t, collect, &s));
	ck_assert_str_eq(s.names[0], name);
	ck_assert_str_eq(s.names[1], "after");
}
END_TEST

static void expect_corrupt(const struct mkd_kallsyms_tables *t,
			   const char *words)
{
	struct seen s = { .n = 0 };
	struct mkd_error *err = mkd_kallsyms_decode(t, collect, &s);

	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_CORRUPT);
	ck_assert_msg(strstr(mkd_error_message(err), words), "'%s' lacks '%s'",
		      mkd_error_message(err), words);
	mkd_error_destroy(err);
}

START_TEST(kallsyms_hostile)
{
	struct mkd_kallsyms_tables t;
	struct ktab k;

	ktab_init(&k);
	ktab_add(&k, 'T', "sys_read", -1);
	ktab_add(&k, 'T', "sys_write", -0x11);

	t = ktab_tables(&k, BASE);
	t.num_syms = 0x7fffffff;	/* absurd count */
	expect_corrupt(&t, "kallsyms_num_syms");

	t = ktab_tables(&k, BASE);
	t.num_syms = 3;			/* names run out */
	expect_corrupt(&t, "runs past");

	t = ktab_tables(&k, BASE);
	t.names_len -= 2;		/* a name cut short */
	expect_corrupt(&t, "runs past");

	t = ktab_tables(&k, BASE);
	t.token_table_len = 10;		/* tokens start past the table */
	expect_corrupt(&t, "past the token table");

	t = ktab_tables(&k, BASE);
	/* Cut right after the 'z' of token 'z': no NUL ends it. */
	t.token_table_len = (size_t)(k.index[2 * 'z'] | k.index[2 * 'z' + 1] << 8) + 1;
	expect_corrupt(&t, "has no end");

	k.names[0] = 0;			/* an empty entry */
	t = ktab_tables(&k, BASE);
	expect_corrupt(&t, "runs past");

	ktab_init(&k);
	k.names[k.names_len++] = 0x81;	/* big length, second byte missing */
	k.num = 1;
	t = ktab_tables(&k, BASE);
	expect_corrupt(&t, "runs past");
}
END_TEST

START_TEST(kallsyms_name_too_long)
{
	struct mkd_kallsyms_tables t;
	char name[2100];
	struct ktab k;

	/* 700 "sys_" tokens expand to 2800 characters. */
	memset(name, 0, sizeof(name));
	for (size_t i = 0; i + 4 < sizeof(name) && i < 700 * 4; i += 4)
		memcpy(name + i, "sys_", 4);
	name[sizeof(name) - 1] = '\0';
	ktab_init(&k);
	ktab_add(&k, 'T', name, -1);
	t = ktab_tables(&k, BASE);
	expect_corrupt(&t, "too long");
}
END_TEST

/* Random damage to good tables must fail cleanly or decode. */
START_TEST(kallsyms_mutations)
{
	struct ktab k, bad;
	uint32_t seed = 12345;
	unsigned i;

	ktab_init(&k);
	ktab_add(&k, 'A', "fixed_percpu_data", 0);
	ktab_add(&k, 'T', "sys_read", -1);
	ktab_add(&k, 't', "do_sys_open", -0x41);
	for (i = 0; i < 20000; i++) {
		struct mkd_kallsyms_tables t;
		struct seen s = { .n = 0 };
		uint8_t *area;
		size_t len;

		bad = k;
		seed = seed * 1103515245 + 12345;
		switch (seed >> 28 & 3) {
		case 0: area = bad.names; len = bad.names_len; break;
		case 1: area = bad.tokens; len = bad.tokens_len; break;
		case 2: area = bad.index; len = sizeof(bad.index); break;
		default: area = bad.offsets; len = 4 * bad.num; break;
		}
		area[(seed >> 8) % len] ^= (uint8_t)(1u << (seed & 7));
		t = ktab_tables(&bad, BASE);
		mkd_error_destroy(mkd_kallsyms_decode(&t, collect, &s));
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* The symbol table */

static void add(struct mkd_symtab *tab, const char *name, uint64_t addr,
		char type, uint8_t rank)
{
	struct mkd_symtab_add a = {
		.name = name, .name_len = strlen(name), .address = addr,
		.type = type, .rank = rank, .source = MKD_SYMBOL_KALLSYMS,
	};

	ck_assert_ok(mkd_symtab_add(tab, &a));
}

START_TEST(symtab_lookups)
{
	const struct mkd_symtab_entry *e;
	struct mkd_symtab tab;
	struct mkd_symbol sym;

	mkd_symtab_init(&tab);
	add(&tab, "panic", 0x2000, 'T', 0);
	add(&tab, "__panic_alias", 0x2000, 'T', 0);
	add(&tab, "weak_panic", 0x2000, 'W', 0);
	add(&tab, "_stext", 0x1000, 'T', 0);
	add(&tab, "_end", 0x3000, 'B', 0);
	add(&tab, "cpu_number", 0x10, 'A', 0);
	add(&tab, "fixed_percpu_data", 0x0, 'A', 0);
	add(&tab, "dup", 0x2800, 't', 0);
	add(&tab, "dup", 0x1800, 't', 0);
	ck_assert_ok(mkd_symtab_finish(&tab));

	/* Address: the best name at the highest address at or below. */
	e = mkd_symtab_by_addr(&tab, 0x2123);
	ck_assert_ptr_nonnull(e);
	mkd_symtab_fill(&tab, e, &sym);
	ck_assert_str_eq(sym.name, "panic");
	ck_assert_uint_eq(sym.size, 0x800);	/* up to "dup" */
	ck_assert(sym.flags & MKD_SYMBOL_SIZE_GUESSED);
	/* Sizes of absolute symbols do not reach into the kernel. */
	e = mkd_symtab_by_addr(&tab, 0x10);
	mkd_symtab_fill(&tab, e, &sym);
	ck_assert_str_eq(sym.name, "cpu_number");
	ck_assert_uint_eq(sym.size, 0);
	ck_assert_ptr_null(mkd_symtab_by_addr(&tab, 0x11));
	ck_assert_ptr_null(mkd_symtab_by_addr(&tab, 0x3001));
	ck_assert_ptr_nonnull(mkd_symtab_by_addr(&tab, 0x3000));
	/* Name: a repeated name answers with its lowest address. */
	e = mkd_symtab_by_name(&tab, "dup");
	ck_assert_uint_eq(e->address, 0x1800);
	ck_assert_ptr_null(mkd_symtab_by_name(&tab, "nope"));
	mkd_symtab_deinit(&tab);
}
END_TEST

START_TEST(symtab_ranks)
{
	const struct mkd_symtab_entry *e;
	struct mkd_symtab tab;

	mkd_symtab_init(&tab);
	add(&tab, "a", 0x100, 'T', 1);
	add(&tab, "b", 0x200, 'T', 1);
	add(&tab, "b", 0x300, 'T', 0);	/* rank 0 says otherwise */
	add(&tab, "a", 0x100, 'T', 0);	/* same as rank 1: kept once */
	ck_assert_ok(mkd_symtab_finish(&tab));
	ck_assert_uint_eq(tab.nlive, 3);
	e = mkd_symtab_by_name(&tab, "b");
	ck_assert_uint_eq(e->address, 0x300);
	ck_assert_uint_eq(e->rank, 0);
	mkd_symtab_remove_rank(&tab, 0);
	ck_assert_ok(mkd_symtab_finish(&tab));
	ck_assert_uint_eq(mkd_symtab_by_name(&tab, "b")->address, 0x200);
	ck_assert_uint_eq(mkd_symtab_by_name(&tab, "a")->rank, 1);
	mkd_symtab_deinit(&tab);
}
END_TEST

START_TEST(symtab_sizes_stay_in_their_module)
{
	struct mkd_symtab_add a = { .name_len = 1, .type = 't' };
	struct mkd_symtab tab;
	struct mkd_symbol sym;
	const char *names[] = { "i", "j", "m", "n", "o" };
	const char *mods[] = { NULL, NULL, "mod1", "mod1", "mod2" };
	uint64_t addrs[] = { 0x1000, 0x1100, 0x5000, 0x5010, 0x6000 };
	size_t k;

	mkd_symtab_init(&tab);
	for (k = 0; k < 5; k++) {
		a.name = names[k];
		a.module = mods[k];
		a.address = addrs[k];
		ck_assert_ok(mkd_symtab_add(&tab, &a));
	}
	ck_assert_ok(mkd_symtab_finish(&tab));
	mkd_symtab_fill(&tab, mkd_symtab_by_name(&tab, "i"), &sym);
	ck_assert_uint_eq(sym.size, 0x100);
	mkd_symtab_fill(&tab, mkd_symtab_by_name(&tab, "j"), &sym);
	ck_assert_uint_eq(sym.size, 0);		/* the image ends */
	mkd_symtab_fill(&tab, mkd_symtab_by_name(&tab, "m"), &sym);
	ck_assert_uint_eq(sym.size, 0x10);
	ck_assert_str_eq(sym.module, "mod1");
	mkd_symtab_fill(&tab, mkd_symtab_by_name(&tab, "n"), &sym);
	ck_assert_uint_eq(sym.size, 0);		/* mod2 is another module */
	ck_assert_ptr_null(mkd_symtab_by_addr(&tab, 0x5020));
	ck_assert_ptr_eq(mkd_symtab_by_module_name(&tab, "mod2", 4, "o"),
			 mkd_symtab_by_addr(&tab, 0x6000));
	ck_assert_ptr_null(mkd_symtab_by_module_name(&tab, "mod1", 4, "o"));
	mkd_symtab_deinit(&tab);
}
END_TEST

/* ------------------------------------------------------------------ */
/* System.map */

static const char map_text[] =
	"0000000000000000 D fixed_percpu_data\n"
	"ffffffff81000000 T _text\n"
	"ffffffff81000000 T startup_64\n"
	"\n"
	"ffffffff81001000 T _stext\r\n"
	"ffffffffc0000000 t virtblk_probe\t[virtio_blk]\n";

START_TEST(system_map_moves_the_image)
{
	const struct mkd_symtab_entry *e;
	struct mkd_symtab tab;
	struct mkd_symbol sym;
	uint64_t stext;

	ck_assert(mkd_system_map_stext(map_text, sizeof(map_text) - 1, &stext));
	ck_assert_uint_eq(stext, 0xffffffff81001000ull);
	mkd_symtab_init(&tab);
	ck_assert_ok(mkd_system_map_parse(map_text, sizeof(map_text) - 1,
					  0x200000, &tab, 1));
	ck_assert_ok(mkd_symtab_finish(&tab));
	ck_assert_uint_eq(tab.nlive, 5);
	ck_assert_uint_eq(mkd_symtab_by_name(&tab, "_stext")->address,
			  0xffffffff81201000ull);
	e = mkd_symtab_by_name(&tab, "fixed_percpu_data");
	mkd_symtab_fill(&tab, e, &sym);
	ck_assert_uint_eq(sym.address, 0);
	ck_assert_uint_eq(sym.size, 0);	/* not up to _text */
	e = mkd_symtab_by_name(&tab, "virtblk_probe");
	mkd_symtab_fill(&tab, e, &sym);
	ck_assert_uint_eq(sym.address, 0xffffffffc0000000ull);	/* not moved */
	ck_assert_str_eq(sym.module, "virtio_blk");
	ck_assert_int_eq(sym.source, MKD_SYMBOL_SYSTEM_MAP);
	mkd_symtab_deinit(&tab);
}
END_TEST

static void expect_invalid(const char *text, const char *words)
{
	struct mkd_symtab tab;
	struct mkd_error *err;

	mkd_symtab_init(&tab);
	err = mkd_system_map_parse(text, strlen(text), 0, &tab, 1);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_INVALID);
	ck_assert_msg(strstr(mkd_error_message(err), words), "'%s' lacks '%s'",
		      mkd_error_message(err), words);
	ck_assert_uint_eq(tab.n, 0);	/* nothing half-loaded */
	mkd_error_destroy(err);
	mkd_symtab_deinit(&tab);
}

START_TEST(system_map_refuses_what_is_not_one)
{
	expect_invalid("ffffffffffffffff B The real System.map is in the "
		       "linux-image-<version>-dbg package\n", "placeholder");
	expect_invalid("ffffffff81000000 T _text\nhello world\n", "line 2");
	expect_invalid("ffffffff81000000 TT _text\n", "line 1");
	expect_invalid("1ffffffff81000000 T _text\n", "line 1");
	expect_invalid("ffffffff81000000 T a [mod] extra\n", "line 1");
	expect_invalid("\n\n", "no symbols");
}
END_TEST

static Suite *kallsyms_suite(void)
{
	Suite *s = suite_create("kallsyms");
	TCase *tc = tcase_create("kallsyms");

	tcase_add_test(tc, kallsyms_absolute_percpu);
	tcase_add_test(tc, kallsyms_relative_without_percpu);
	tcase_add_test(tc, kallsyms_big_symbol);
	tcase_add_test(tc, kallsyms_hostile);
	tcase_add_test(tc, kallsyms_name_too_long);
	tcase_add_test(tc, kallsyms_mutations);
	tcase_add_test(tc, symtab_lookups);
	tcase_add_test(tc, symtab_ranks);
	tcase_add_test(tc, symtab_sizes_stay_in_their_module);
	tcase_add_test(tc, system_map_moves_the_image);
	tcase_add_test(tc, system_map_refuses_what_is_not_one);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(kallsyms_suite)
