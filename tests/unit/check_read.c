// SPDX-License-Identifier: GPL-2.0-or-later
/* check_read.c - reading memory through the page cache */
#include <stdlib.h>

#include "unit.h"

static const char spec[] =
	"vmcoreinfo OSRELEASE=6.1.0-unit\n"
	"ram 0 100000\n"
	"filter 80000 90000 free\n";

/* A page that is not in the dump must not cost the cached pages. */
START_TEST(read_missing_page_keeps_the_cache)
{
	char *path = unit_gen("elf", spec, "cache.elf");
	struct mkd_dump *dump = unit_open(path);
	struct mkd_error *err;
	uint8_t buf[8];

	ck_assert_ok(mkd_read_phys(dump, 0x1000, buf, sizeof(buf), NULL));
	ck_assert_ptr_nonnull(mkd_cache_lookup(&dump->cache, 1));
	err = mkd_read_phys(dump, 0x80000, buf, sizeof(buf), NULL);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_NO_DATA);
	mkd_error_destroy(err);
	ck_assert_ptr_nonnull(mkd_cache_lookup(&dump->cache, 1));
	ck_assert_ptr_null(mkd_cache_lookup(&dump->cache, 0x80));
	mkd_dump_destroy(dump);
	free(path);
}
END_TEST

static Suite *read_suite(void)
{
	Suite *s = suite_create("read");
	TCase *tc = tcase_create("cache");

	tcase_add_test(tc, read_missing_page_keeps_the_cache);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(read_suite)
