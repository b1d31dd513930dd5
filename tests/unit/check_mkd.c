// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_mkd.c - the mkd writer and reader round trip: every page state,
 * every codec, several block sizes and thread counts, checkpoints; and
 * what the writer refuses.  Damage and truncation: check_mkd_damage.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "unit.h"

static const char base_spec[] =
	"cpus 2\n"
	"release 6.1.0-capture\n"
	"dump_level 1\n"
	"vmcoreinfo OSRELEASE=6.1.0-unit\n"
	"vmcoreinfo PAGESIZE=4096\n"
	"vmcoreinfo SYMBOL(init_top_pgt)=ffffffff8240a000\n"
	"vmcoreinfo CRASHTIME=1700000000\n"
	"ram 0 a0000\n"
	"ram 100000 400000\n"
	"zero 200000 210000\n"
	"zero 211000 212000\n"
	"filter 300000 308000 unknown\n"
	"filter 308000 310000 zero\n"
	"filter 310000 318000 cache\n"
	"filter 318000 320000 cache-private\n"
	"filter 320000 328000 user\n"
	"filter 328000 330000 free\n"
	"filter 330000 338000 hwpoison\n"
	"filter 338000 340000 offline\n"
	"ram 1000000 1011000\n";

static char *spec_with(const char *codec, unsigned block_pages,
		       unsigned threads, const char *extra)
{
	char *spec;

	if (asprintf(&spec, "%scodec %s\noption block_pages %u\n"
			    "option threads %u\n%s", base_spec, codec,
		     block_pages, threads, extra ? extra : "") < 0)
		ck_abort_msg("out of memory");
	return spec;
}

static void expect_state(struct mkd_dump *dump, uint64_t pfn,
			 enum mkd_page_state state, int reason, uint64_t count)
{
	struct mkd_page_run run;

	ck_assert_ok(mkd_page_state(dump, pfn, &run));
	ck_assert_msg(run.state == state, "pfn 0x%llx is %s, not %s",
		      (unsigned long long)pfn, mkd_page_state_name(run.state),
		      mkd_page_state_name(state));
	if (state == MKD_PAGE_FILTERED)
		ck_assert_int_eq(run.reason, reason);
	if (count)
		ck_assert_uint_eq(run.count, count);
}

/* What every round trip of base_spec must give back. */
static void check_base(struct mkd_dump *dump, const char *spec)
{
	const struct mkd_range *ram = mkd_dump_ram_ranges(dump);
	struct mkd_cpu_regs regs;
	uint64_t n;
	int64_t t;
	int r;

	ck_assert_str_eq(mkd_dump_format(dump), "mkd");
	ck_assert_str_eq(mkd_dump_kernel_release(dump), "6.1.0-unit");
	ck_assert_int_eq(mkd_dump_arch(dump), MKD_ARCH_X86_64);
	ck_assert_int_eq(mkd_dump_level(dump), 1);
	ck_assert(!mkd_dump_incomplete(dump));
	ck_assert(mkd_dump_crash_time(dump, &t) && t == 1700000000);
	ck_assert_uint_eq(mkd_dump_cpu_count(dump), 2);
	ck_assert_ok(mkd_dump_cpu_regs(dump, 1, &regs));
	ck_assert_uint_eq(regs.regs[MKD_X86_64_RIP], 0xffffffff81000001ULL);
	ck_assert_uint_eq(mkd_dump_ram_range_count(dump), 3);
	ck_assert_uint_eq(ram[1].start, 0x100000);
	ck_assert_uint_eq(ram[1].end, 0x400000);
	ck_assert_uint_eq(mkd_dump_max_pfn(dump), 0x1011);
	expect_state(dump, 0x200, MKD_PAGE_ZERO, 0, 0x10);
	expect_state(dump, 0xa0, MKD_PAGE_NOT_DUMPED, 0, 0x60);
	for (r = 0; r < MKD_FILTER_REASON_COUNT; r++)
		expect_state(dump, 0x300 + 8 * r, MKD_PAGE_FILTERED, r, 8);
	unit_check_pattern(dump, spec, &n);
	ck_assert_uint_eq(n, mkd_dump_max_pfn(dump));
}

START_TEST(mkd_round_trip_every_codec_and_block_size)
{
	static const char *const codecs[] = { "none", "zlib", "lzo", "zstd" };
	static const unsigned blocks[] = { 1, 3, 16, 64 };
	size_t c, b;

	for (c = 0; c < 4; c++)
		for (b = 0; b < 4; b++) {
			unsigned threads = b % 2 ? 3 : 1;
			char *spec = spec_with(codecs[c], blocks[b], threads,
					       NULL);
			char *path = unit_gen("mkd", spec, "rt.mkd");
			struct mkd_dump *dump = unit_open(path);

			ck_assert_str_eq(mkd_dump_codecs(dump), codecs[c]);
			check_base(dump, spec);
			mkd_dump_destroy(dump);
			free(path);
			free(spec);
		}
}
END_TEST

/* Tiny checkpoints: many index segments, blocks cut at each of them. */
START_TEST(mkd_many_checkpoints)
{
	char *spec = spec_with("zstd", 7, 3, "option checkpoint 3000\n");
	char *path = unit_gen("mkd", spec, "ckpt.mkd");
	struct mkd_dump *dump = unit_open(path);

	check_base(dump, spec);
	mkd_dump_destroy(dump);
	free(path);
	free(spec);
}
END_TEST

START_TEST(mkd_lost_pages)
{
	char *spec = spec_with("lzo", 16, 1, "option lost 101000-104000\n");
	char *path = unit_gen("mkd", spec, "lost.mkd");
	struct mkd_dump *dump = unit_open(path);
	struct mkd_error *err;
	uint8_t page[4096];

	expect_state(dump, 0x101, MKD_PAGE_LOST, 0, 3);
	expect_state(dump, 0x104, MKD_PAGE_PRESENT, 0, 0);
	err = mkd_read_phys(dump, 0x102000, page, sizeof(page), NULL);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_NO_DATA);
	ck_assert_ptr_nonnull(strstr(mkd_error_message(err), "lost"));
	mkd_error_destroy(err);
	mkd_dump_destroy(dump);
	free(path);
	free(spec);
}
END_TEST

/* Zero pages given as data: kept as data, or found by the writer. */
START_TEST(mkd_zero_pages)
{
	char *stored = spec_with("zstd", 16, 1, "option zero stored\n");
	char *detect = spec_with("zstd", 16, 1, "option zero detect\n");
	char *p1 = unit_gen("mkd", stored, "zs.mkd");
	char *p2 = unit_gen("mkd", detect, "zd.mkd");
	struct mkd_dump *dump = unit_open(p1);

	expect_state(dump, 0x200, MKD_PAGE_PRESENT, 0, 0);
	unit_check_pattern(dump, stored, NULL);
	mkd_dump_destroy(dump);
	dump = unit_open(p2);
	expect_state(dump, 0x200, MKD_PAGE_ZERO, 0, 0x10);
	expect_state(dump, 0x211, MKD_PAGE_ZERO, 0, 1);
	unit_check_pattern(dump, detect, NULL);
	mkd_dump_destroy(dump);
	free(p1);
	free(p2);
	free(stored);
	free(detect);
}
END_TEST

START_TEST(mkd_other_page_sizes)
{
	static const char spec[] = "page_size 65536\ncodec zlib\n"
				   "ram 0 400000\nzero 100000 200000\n"
				   "option block_pages 3\n";
	char *path = unit_gen("mkd", spec, "64k.mkd");
	struct mkd_dump *dump = unit_open(path);

	ck_assert_uint_eq(mkd_dump_page_size(dump), 65536);
	unit_check_pattern(dump, spec, NULL);
	mkd_dump_destroy(dump);
	free(path);
}
END_TEST

static int temp_fd(const char *name, char **path)
{
	int fd;

	if (asprintf(path, "%s/%s", unit_tmpdir(), name) < 0)
		ck_abort_msg("out of memory");
	fd = open(*path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	return fd;
}

START_TEST(mkd_empty_dump)
{
	char *path;
	int fd = temp_fd("empty.mkd", &path);
	struct mkd_writer *w;
	struct mkd_dump *dump;
	struct mkd_page_run run;

	ck_assert_ok(mkd_writer_create(fd, path, NULL, &w));
	ck_assert_ok(mkd_writer_finish(w));
	mkd_writer_destroy(w);
	close(fd);
	dump = unit_open(path);
	ck_assert(!mkd_dump_incomplete(dump));
	ck_assert_uint_eq(mkd_dump_max_pfn(dump), 0);
	ck_assert_ok(mkd_page_state(dump, 5, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_NOT_DUMPED);
	mkd_dump_destroy(dump);
	free(path);
}
END_TEST

static void expect_invalid(struct mkd_error *err)
{
	ck_assert_msg(mkd_error_code(err) == MKD_ERR_INVALID, "%s",
		      err ? mkd_error_message(err) : "no error");
	mkd_error_destroy(err);
}

START_TEST(mkd_writer_refuses_misuse)
{
	struct mkd_writer_options o = { .size = sizeof(o), .codec = "gzip" };
	static uint8_t page[4096];
	struct mkd_range ram = { 0, 0x10000 };
	struct mkd_writer *w;
	char *path;
	int fd = temp_fd("misuse.mkd", &path);

	expect_invalid(mkd_writer_create(fd, path, &o, &w));
	o.codec = NULL;
	o.page_size = 3000;
	expect_invalid(mkd_writer_create(fd, path, &o, &w));
	ck_assert_ok(mkd_writer_create(fd, path, NULL, &w));
	expect_invalid(mkd_writer_set_info(w, "Bad Key", "x"));
	expect_invalid(mkd_writer_set_info(w, "key", "two\nlines"));
	expect_invalid(mkd_writer_add_section(w, MKD_SECTION_SUMMARY, "", 0));
	ck_assert_ok(mkd_writer_add_pages(w, 4, 1, page));
	expect_invalid(mkd_writer_add_pages(w, 4, 1, page));
	expect_invalid(mkd_writer_add_run(w, 2, 1, MKD_PAGE_ZERO, 0));
	expect_invalid(mkd_writer_add_run(w, 9, 1, MKD_PAGE_DAMAGED, 0));
	expect_invalid(mkd_writer_add_run(w, 9, 1, MKD_PAGE_FILTERED, 99));
	expect_invalid(mkd_writer_set_ram(w, &ram, 1));
	expect_invalid(mkd_writer_set_info(w, "late", "x"));
	ck_assert_ok(mkd_writer_add_run(w, 9, 1, MKD_PAGE_ZERO, 0));
	ck_assert_ok(mkd_writer_finish(w));
	expect_invalid(mkd_writer_finish(w));
	expect_invalid(mkd_writer_add_pages(w, 20, 1, page));
	mkd_writer_destroy(w);
	close(fd);
	free(path);
}
END_TEST

/* A full disk (here: a file size limit) stops the writer for good. */
START_TEST(mkd_write_error_sticks_and_leaves_a_readable_dump)
{
	struct mkd_writer_options o = {
		.size = sizeof(o), .codec = "none", .checkpoint_bytes = 50000,
	};
	struct rlimit lim = { 300000, RLIM_INFINITY };
	struct mkd_error *err = NULL;
	uint8_t page[4096];
	struct mkd_writer *w;
	struct mkd_dump *dump;
	struct mkd_page_run run;
	uint64_t pfn;
	char *path;
	int fd = temp_fd("full.mkd", &path);

	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	ck_assert_ok(mkd_writer_create(fd, path, &o, &w));
	for (pfn = 0; pfn < 1000 && !err; pfn++) {
		gen_page_fill(page, sizeof(page), pfn);
		err = mkd_writer_add_pages(w, pfn, 1, page);
	}
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_IO);
	ck_assert_int_eq(mkd_error_errno(err), EFBIG);
	mkd_error_destroy(err);
	err = mkd_writer_finish(w);
	ck_assert_int_eq(mkd_error_errno(err), EFBIG);
	mkd_error_destroy(err);
	mkd_writer_destroy(w);
	close(fd);
	dump = unit_open(path);
	ck_assert(mkd_dump_incomplete(dump));
	ck_assert_ok(mkd_page_state(dump, 0, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_PRESENT);
	ck_assert_uint_ge(run.count, 10);
	for (pfn = 0; pfn < run.count; pfn++) {
		uint8_t got[4096];

		gen_page_fill(page, sizeof(page), pfn);
		ck_assert_ok(mkd_read_phys(dump, pfn * 4096, got, 4096, NULL));
		ck_assert(!memcmp(got, page, 4096));
	}
	mkd_dump_destroy(dump);
	free(path);
}
END_TEST

static Suite *mkd_suite(void)
{
	Suite *s = suite_create("mkd");
	TCase *tc = tcase_create("mkd");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, mkd_round_trip_every_codec_and_block_size);
	tcase_add_test(tc, mkd_many_checkpoints);
	tcase_add_test(tc, mkd_lost_pages);
	tcase_add_test(tc, mkd_zero_pages);
	tcase_add_test(tc, mkd_other_page_sizes);
	tcase_add_test(tc, mkd_empty_dump);
	tcase_add_test(tc, mkd_writer_refuses_misuse);
	tcase_add_test(tc, mkd_write_error_sticks_and_leaves_a_readable_dump);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(mkd_suite)
