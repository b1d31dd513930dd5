// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_mkd_split.c - mkd split sets: parts written with
 * mkd_writer_set_part open together in any order as one dump; a missing
 * part is lost and incomplete; mixed sets, doubles and bad SPLIT
 * sections are refused.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"
#include "mkd-layout.h"

#define MAX_PFN 300	/* RAM: pfns 0 to 299 */

static const struct mkd_part ranges[3] = {
	{ 0, 100, NULL }, { 100, 180, NULL }, { 180, MAX_PFN, NULL },
};

static char *part_path(const char *name)
{
	char *path;

	if (asprintf(&path, "%s/%s", unit_tmpdir(), name) < 0)
		ck_abort_msg("out of memory");
	return path;
}

/* Part index of set id, or a whole dump when count is 0. */
static char *write_part(const char *name, uint64_t id, uint32_t index,
			uint32_t count)
{
	struct mkd_range ram = { 0, MAX_PFN * 4096ULL };
	uint64_t pfn, start = 0, end = MAX_PFN;
	struct mkd_writer *w;
	uint8_t page[4096];
	char *path = part_path(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_ok(mkd_writer_create(fd, path, NULL, &w));
	ck_assert_ok(mkd_writer_set_ram(w, &ram, 1));
	if (count) {
		ck_assert_ok(mkd_writer_set_part(w, id, index, count, ranges));
		start = ranges[index].start_pfn;
		end = ranges[index].end_pfn;
	}
	for (pfn = start; pfn < end; pfn++) {
		gen_page_fill(page, sizeof(page), pfn);
		ck_assert_ok(mkd_writer_add_pages(w, pfn, 1, page));
	}
	ck_assert_ok(mkd_writer_finish(w));
	mkd_writer_destroy(w);
	close(fd);
	return path;
}

static struct mkd_error *open_set(char **paths, size_t n,
				  struct mkd_dump **dump)
{
	return mkd_dump_open_files((const char *const *)paths, n, NULL, dump);
}

static void free_paths(char **paths, size_t n)
{
	while (n--)
		free(paths[n]);
}

START_TEST(mkd_split_set_in_any_order)
{
	char *p[3] = {
		write_part("s.3", 42, 2, 3), write_part("s.1", 42, 0, 3),
		write_part("s.2", 42, 1, 3),
	};
	const struct mkd_part *parts;
	struct mkd_dump *dump;
	uint8_t want[4096], got[4096];
	uint64_t pfn, id;

	ck_assert_ok(open_set(p, 3, &dump));
	ck_assert(!mkd_dump_incomplete(dump));
	ck_assert_uint_eq(mkd_dump_max_pfn(dump), MAX_PFN);
	ck_assert_uint_eq(mkd_dump_part_count(dump, &id), 3);
	ck_assert_uint_eq(id, 42);
	parts = mkd_dump_parts(dump);
	ck_assert_str_eq(parts[0].path, p[1]);
	ck_assert_str_eq(parts[2].path, p[0]);
	ck_assert_uint_eq(parts[1].start_pfn, 100);
	for (pfn = 0; pfn < MAX_PFN; pfn++) {
		gen_page_fill(want, sizeof(want), pfn);
		ck_assert_ok(mkd_read_phys(dump, pfn * 4096, got, 4096, NULL));
		ck_assert_msg(!memcmp(want, got, 4096), "pfn %llu",
			      (unsigned long long)pfn);
	}
	mkd_dump_destroy(dump);
	free_paths(p, 3);
}
END_TEST

START_TEST(mkd_split_missing_part_is_lost)
{
	char *p[2] = { write_part("m.1", 7, 0, 3), write_part("m.3", 7, 2, 3) };
	struct mkd_page_run run;
	struct mkd_dump *dump;
	struct mkd_error *err;
	uint8_t buf[4096];

	ck_assert_ok(open_set(p, 2, &dump));
	ck_assert(mkd_dump_incomplete(dump));
	ck_assert(mkd_dump_parts(dump)[1].path == NULL);
	ck_assert_ok(mkd_page_state(dump, 50, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_PRESENT);
	ck_assert_uint_eq(run.count, 50);	/* up to the part's end */
	ck_assert_ok(mkd_page_state(dump, 100, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_LOST);
	ck_assert_uint_eq(run.count, 80);
	err = mkd_read_phys(dump, 120 * 4096, buf, sizeof(buf), NULL);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_NO_DATA);
	mkd_error_destroy(err);
	ck_assert_ok(mkd_read_phys(dump, 200 * 4096, buf, sizeof(buf), NULL));
	mkd_dump_destroy(dump);
	/* One part alone opens too. */
	ck_assert_ok(open_set(p + 1, 1, &dump));
	ck_assert(mkd_dump_incomplete(dump));
	ck_assert_uint_eq(mkd_dump_part_count(dump, NULL), 3);
	mkd_dump_destroy(dump);
	free_paths(p, 2);
}
END_TEST

static void expect_refused(char **p, size_t n, const char *what)
{
	struct mkd_dump *dump;
	struct mkd_error *err = open_set(p, n, &dump);

	ck_assert_msg(err && mkd_error_code(err) == MKD_ERR_INVALID &&
		      strstr(mkd_error_message(err), what), "%s",
		      err ? mkd_error_message(err) : "opened");
	ck_assert(dump == NULL);
	mkd_error_destroy(err);
}

START_TEST(mkd_split_mixed_sets_refused)
{
	char *p[4] = {
		write_part("x.1", 1, 0, 3), write_part("y.2", 2, 1, 3),
		write_part("whole", 0, 0, 0), NULL,
	};
	char *same[2] = { p[0], p[0] }, *whole[2] = { p[0], p[2] };
	char *whole_first[2] = { p[2], p[0] };

	expect_refused(p, 2, "different split sets");
	expect_refused(same, 2, "both part 1");
	expect_refused(whole, 2, "is a whole dump");
	expect_refused(whole_first, 2, "is a whole dump");
	free_paths(p, 3);
}
END_TEST

START_TEST(mkd_split_writer_and_reader_check_ranges)
{
	static const struct mkd_part gap[2] = { { 0, 10, NULL }, { 11, 20, NULL } };
	struct mkd_split_head h = { .set_id = 5, .index = 0, .count = 2,
				    .max_pfn = 20 };
	uint8_t sec[MKD_SPLIT_HEAD_SIZE + 32], page[4096] = { 1 };
	struct mkd_writer *w;
	struct mkd_dump *dump;
	struct mkd_error *err;
	char *path = part_path("bad.mkd");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_ok(mkd_writer_create(fd, path, NULL, &w));
	err = mkd_writer_set_part(w, 5, 0, 2, gap);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_INVALID);
	mkd_error_destroy(err);
	err = mkd_writer_set_part(w, 5, 2, 2, ranges);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_INVALID);
	mkd_error_destroy(err);
	/* A SPLIT section a reader must refuse, written raw. */
	mkd_split_encode(&h, gap, sec);
	ck_assert_ok(mkd_writer_add_section(w, MKD_SECTION_SPLIT, sec,
					    sizeof(sec)));
	ck_assert_ok(mkd_writer_add_pages(w, 0, 1, page));
	err = mkd_writer_set_part(w, 5, 0, 3, ranges);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_INVALID);
	mkd_error_destroy(err);
	ck_assert_ok(mkd_writer_finish(w));
	mkd_writer_destroy(w);
	close(fd);
	err = mkd_dump_open(path, NULL, &dump);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_CORRUPT);
	ck_assert_ptr_nonnull(strstr(mkd_error_message(err), "split section"));
	mkd_error_destroy(err);
	free(path);
}
END_TEST

static Suite *mkd_split_suite(void)
{
	Suite *s = suite_create("mkd-split");
	TCase *tc = tcase_create("sets");

	tcase_add_test(tc, mkd_split_set_in_any_order);
	tcase_add_test(tc, mkd_split_missing_part_is_lost);
	tcase_add_test(tc, mkd_split_mixed_sets_refused);
	tcase_add_test(tc, mkd_split_writer_and_reader_check_ranges);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(mkd_split_suite)
