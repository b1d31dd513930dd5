// SPDX-License-Identifier: GPL-2.0-or-later
/* check_vtop.c - x86_64 translation and its facts on synthetic kernels */
#include <stdlib.h>

#include "unit.h"
#include "kimage.h"

static struct mkd_dump *open_image(struct kimage *k, const char *name)
{
	char *path = kimage_write_elf(k, name);
	struct mkd_dump *dump = unit_open(path);

	free(path);
	return dump;
}

/* A direct map at base, the first 64 KiB of RAM; what info says of it. */
static uint64_t direct_map_found(unsigned levels, uint64_t base,
				 uint64_t first_pa)
{
	struct mkd_vm_info vm = { .size = sizeof(vm) };
	struct mkd_dump *dump;
	struct kimage k;
	uint64_t pa;

	kimage_init(&k, levels);
	kimage_map(&k, base + first_pa, first_pa, 0x10000);
	kimage_write_phys(&k, 0x8000, "direct", 6);
	dump = open_image(&k, "direct.elf");
	ck_assert_ok(mkd_dump_vm_info(dump, &vm));
	ck_assert_uint_eq(vm.levels, levels);
	ck_assert_ok(mkd_vtop(dump, base + 0x8123, &pa));
	ck_assert_uint_eq(pa, 0x8123);
	mkd_dump_destroy(dump);
	kimage_free(&k);
	return vm.page_offset;
}

START_TEST(vtop_finds_the_direct_map)
{
	/* Without KASLR: the region's start. */
	ck_assert_uint_eq(direct_map_found(4, 0xffff888000000000ULL, 0),
			  0xffff888000000000ULL);
	ck_assert_uint_eq(direct_map_found(5, 0xff11000000000000ULL, 0),
			  0xff11000000000000ULL);
	/* KASLR bases seen in real 6.1 guests. */
	ck_assert_uint_eq(direct_map_found(4, 0xffff8b4c00000000ULL, 0),
			  0xffff8b4c00000000ULL);
	/* 14 PiB up: far beyond where a 4-level kernel can put it. */
	ck_assert_uint_eq(direct_map_found(5, 0xff43255880000000ULL, 0),
			  0xff43255880000000ULL);
	/* The first page mapped need not be physical 0. */
	ck_assert_uint_eq(direct_map_found(5, 0xff43255880000000ULL, 0x3000),
			  0xff43255880000000ULL);
}
END_TEST

START_TEST(vtop_leaves_an_odd_direct_map_unknown)
{
	struct mkd_vm_info vm = { .size = sizeof(vm) };
	struct mkd_dump *dump;
	struct kimage k;

	/* Not on a 1 GiB boundary: not a direct map KASLR would make. */
	kimage_init(&k, 4);
	kimage_map(&k, 0xffff888000001000ULL, 0x5000, 0x1000);
	dump = open_image(&k, "odd.elf");
	ck_assert_ok(mkd_dump_vm_info(dump, &vm));
	ck_assert_uint_eq(vm.page_offset, 0);
	mkd_dump_destroy(dump);
	kimage_free(&k);
}
END_TEST

START_TEST(vtop_reports_unmapped_addresses)
{
	struct mkd_dump *dump;
	struct mkd_error *err;
	struct kimage k;
	uint64_t pa;

	kimage_init(&k, 5);
	kimage_map(&k, 0xff43255880000000ULL, 0, 0x1000);
	dump = open_image(&k, "unmapped.elf");
	err = mkd_vtop(dump, 0xff43255880000000ULL - 0x1000, &pa);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_NO_TRANSLATION);
	mkd_error_destroy(err);
	/* Canonical with 5 levels, not with 4: the walk must use 57 bits. */
	ck_assert_ok(mkd_vtop(dump, 0xff43255880000010ULL, &pa));
	ck_assert_uint_eq(pa, 0x10);
	mkd_dump_destroy(dump);
	kimage_free(&k);
}
END_TEST

static Suite *vtop_suite(void)
{
	Suite *s = suite_create("vtop");
	TCase *tc = tcase_create("x86_64");

	tcase_add_test(tc, vtop_finds_the_direct_map);
	tcase_add_test(tc, vtop_leaves_an_odd_direct_map_unknown);
	tcase_add_test(tc, vtop_reports_unmapped_addresses);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(vtop_suite)
