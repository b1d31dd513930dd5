// SPDX-License-Identifier: GPL-2.0-or-later
/* check_core.c - errors, helpers and the page cache */
#include <stdlib.h>

#include "unit.h"

START_TEST(error_context_reads_outermost_first)
{
	struct mkd_error *err = mkd_error_create(MKD_ERR_CORRUPT, "bad %d", 7);

	err = mkd_error_wrap(err, "pfn 0x%x", 0x12);
	err = mkd_error_wrap(err, "'%s'", "vmcore");
	ck_assert_str_eq(mkd_error_message(err), "'vmcore': pfn 0x12: bad 7");
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_CORRUPT);
	mkd_error_destroy(err);
}
END_TEST

START_TEST(error_enomem_is_static)
{
	struct mkd_error *err = mkd_error_wrap(&mkd_enomem, "context");

	ck_assert_ptr_eq(err, &mkd_enomem);
	ck_assert_str_eq(mkd_error_message(err), "out of memory");
	mkd_error_destroy(err);	/* must not free the singleton */
	mkd_error_destroy(NULL);
}
END_TEST

START_TEST(error_sys_keeps_errno)
{
	struct mkd_error *err = mkd_error_sys(2, "cannot open '%s'", "x");

	ck_assert_int_eq(mkd_error_errno(err), 2);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_IO);
	ck_assert_str_eq(mkd_error_message(err),
			 "cannot open 'x': No such file or directory");
	mkd_error_destroy(err);
}
END_TEST

START_TEST(parse_numbers_strictly)
{
	uint64_t u;
	int64_t s;

	ck_assert(mkd_parse_u64("ff", 2, 16, &u) && u == 0xff);
	ck_assert(!mkd_parse_u64("", 0, 16, &u));
	ck_assert(!mkd_parse_u64("12x", 3, 10, &u));
	ck_assert(!mkd_parse_u64(" 1", 2, 10, &u));
	ck_assert(!mkd_parse_u64("-1", 2, 10, &u));
	ck_assert(!mkd_parse_u64("99999999999999999999", 20, 10, &u));
	ck_assert(mkd_parse_s64("-129", 4, 10, &s) && s == -129);
}
END_TEST

START_TEST(cursor_refuses_overrun)
{
	uint8_t buf[6] = { 1, 0, 0, 0, 2, 0 };
	struct mkd_cursor c;

	mkd_cursor_init(&c, buf, sizeof(buf));
	ck_assert_uint_eq(mkd_cursor_le32(&c), 1);
	ck_assert_uint_eq(mkd_cursor_le32(&c), 0);
	ck_assert(c.bad);
	ck_assert_ptr_null(mkd_cursor_take(&c, 1));
}
END_TEST

START_TEST(cache_evicts_least_recently_used)
{
	struct mkd_page_cache c;
	uint64_t pfn;

	mkd_cache_init(&c, 64);
	ck_assert(mkd_cache_resize(&c, 3));
	for (pfn = 1; pfn <= 3; pfn++)
		memset(mkd_cache_insert(&c, pfn), (int)pfn, 64);
	ck_assert_ptr_nonnull(mkd_cache_lookup(&c, 1));	/* 2 is oldest */
	memset(mkd_cache_insert(&c, 4), 4, 64);
	ck_assert_ptr_null(mkd_cache_lookup(&c, 2));
	ck_assert_int_eq(mkd_cache_lookup(&c, 1)[0], 1);
	ck_assert_int_eq(mkd_cache_lookup(&c, 3)[0], 3);
	ck_assert_int_eq(mkd_cache_lookup(&c, 4)[63], 4);
	mkd_cache_deinit(&c);
}
END_TEST

/* Many keys that collide in the table: deletion must keep runs intact. */
START_TEST(cache_survives_churn)
{
	struct mkd_page_cache c;
	uint64_t pfn, i;

	mkd_cache_init(&c, 8);
	ck_assert(mkd_cache_resize(&c, 37));
	for (pfn = 0; pfn < 5000; pfn++) {
		uint8_t *p = mkd_cache_insert(&c, pfn * 4096);

		memcpy(p, &pfn, 8);
		/* 180,000 checks: ck_assert would log each one (slow). */
		for (i = pfn > 36 ? pfn - 36 : 0; i <= pfn; i++) {
			const uint8_t *q = mkd_cache_lookup(&c, i * 4096);
			uint64_t v = ~i;

			if (q)
				memcpy(&v, q, 8);
			if (v != i)
				ck_abort_msg("pfn %llu lost after %llu inserts",
					     (unsigned long long)i,
					     (unsigned long long)pfn);
		}
	}
	ck_assert_uint_eq(c.count, 37);
	mkd_cache_deinit(&c);
}
END_TEST

/* A page that could not be read is forgotten alone, and its room reused. */
START_TEST(cache_drop_forgets_one_page)
{
	struct mkd_page_cache c;
	uint64_t pfn;

	mkd_cache_init(&c, 64);
	ck_assert(mkd_cache_resize(&c, 3));
	for (pfn = 1; pfn <= 3; pfn++)
		memset(mkd_cache_insert(&c, pfn), (int)pfn, 64);
	mkd_cache_drop(&c, 3);
	mkd_cache_drop(&c, 99);		/* not cached: nothing happens */
	ck_assert_ptr_null(mkd_cache_lookup(&c, 3));
	ck_assert_int_eq(mkd_cache_lookup(&c, 1)[0], 1);
	ck_assert_int_eq(mkd_cache_lookup(&c, 2)[0], 2);
	/* The dropped room goes first: 1 and 2 stay. */
	memset(mkd_cache_insert(&c, 4), 4, 64);
	ck_assert_int_eq(mkd_cache_lookup(&c, 1)[0], 1);
	ck_assert_int_eq(mkd_cache_lookup(&c, 2)[0], 2);
	ck_assert_int_eq(mkd_cache_lookup(&c, 4)[0], 4);
	/* Dropped, then cached again, then its old room evicted: still there. */
	mkd_cache_drop(&c, 4);
	memset(mkd_cache_insert(&c, 1), 1, 64);
	memset(mkd_cache_insert(&c, 5), 5, 64);
	memset(mkd_cache_insert(&c, 6), 6, 64);
	ck_assert_ptr_null(mkd_cache_lookup(&c, 4));
	ck_assert_int_eq(mkd_cache_lookup(&c, 6)[0], 6);
	mkd_cache_deinit(&c);
}
END_TEST

START_TEST(cache_off_stores_nothing)
{
	struct mkd_page_cache c;

	mkd_cache_init(&c, 64);
	ck_assert(mkd_cache_resize(&c, 0));
	ck_assert_ptr_null(mkd_cache_insert(&c, 1));
	ck_assert_ptr_null(mkd_cache_lookup(&c, 1));
	mkd_cache_deinit(&c);
}
END_TEST

static Suite *core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, error_context_reads_outermost_first);
	tcase_add_test(tc, error_enomem_is_static);
	tcase_add_test(tc, error_sys_keeps_errno);
	tcase_add_test(tc, parse_numbers_strictly);
	tcase_add_test(tc, cursor_refuses_overrun);
	tcase_add_test(tc, cache_evicts_least_recently_used);
	tcase_add_test(tc, cache_survives_churn);
	tcase_add_test(tc, cache_drop_forgets_one_page);
	tcase_add_test(tc, cache_off_stores_nothing);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(core_suite)
