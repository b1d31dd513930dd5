// SPDX-License-Identifier: GPL-2.0-or-later
/* check_elf.c - the ELF reader on synthetic dumps */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

static const char base_spec[] =
	"cpus 2\n"
	"vmcoreinfo OSRELEASE=6.1.0-unit\n"
	"vmcoreinfo PAGESIZE=4096\n"
	"vmcoreinfo SYMBOL(init_top_pgt)=ffffffff8240a000\n"
	"vmcoreinfo NUMBER(phys_base)=-16777216\n"
	"vmcoreinfo CRASHTIME=1700000000\n"
	"ram 0 a0000\n"
	"ram 100000 400000\n"
	"zero 200000 210000\n"
	"filter 300000 320000 free\n"
	"ram 100000000 100100000\n";

START_TEST(elf_reads_every_page)
{
	char *path = unit_gen("elf", base_spec, "base.elf");
	struct mkd_dump *dump = unit_open(path);
	struct mkd_cpu_regs regs;
	uint64_t n, v;
	int64_t t;

	ck_assert_str_eq(mkd_dump_format(dump), "elf");
	ck_assert_str_eq(mkd_dump_kernel_release(dump), "6.1.0-unit");
	ck_assert_int_eq(mkd_dump_arch(dump), MKD_ARCH_X86_64);
	ck_assert_uint_eq(mkd_dump_cpu_count(dump), 2);
	ck_assert_ok(mkd_dump_cpu_regs(dump, 1, &regs));
	ck_assert_int_eq(regs.pid, 101);
	ck_assert_uint_eq(regs.regs[MKD_X86_64_RIP], 0xffffffff81000001ULL);
	ck_assert(mkd_dump_crash_time(dump, &t) && t == 1700000000);
	ck_assert_ok(mkd_vmcoreinfo_symbol(dump, "init_top_pgt", &v));
	ck_assert_uint_eq(v, 0xffffffff8240a000ULL);
	ck_assert_uint_eq(mkd_dump_ram_range_count(dump), 3);
	unit_check_pattern(dump, base_spec, &n);
	ck_assert_uint_eq(n, mkd_dump_max_pfn(dump));
	mkd_dump_destroy(dump);
	free(path);
}
END_TEST

START_TEST(elf_filtered_pages_say_so)
{
	char *path = unit_gen("elf", base_spec, "filtered.elf");
	struct mkd_dump *dump = unit_open(path);
	struct mkd_page_run run;
	struct mkd_error *err;
	uint8_t buf[16];
	size_t done = 1;

	ck_assert_ok(mkd_page_state(dump, 0x300, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_FILTERED);
	ck_assert_uint_eq(run.count, 0x20);
	ck_assert_ok(mkd_page_state(dump, 0xa0, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_NOT_DUMPED);
	ck_assert_uint_eq(run.count, 0x60);
	/* A read across into the filtered range stops there, with reason. */
	err = mkd_read_phys(dump, 0x300000 - 8, buf, sizeof(buf), &done);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_NO_DATA);
	ck_assert_uint_eq(done, 8);
	ck_assert_ptr_nonnull(strstr(mkd_error_message(err), "filtered"));
	mkd_error_destroy(err);
	mkd_dump_destroy(dump);
	free(path);
}
END_TEST

START_TEST(elf32_and_pn_xnum)
{
	static const char spec32[] = "option class 32\nram 0 100000\n";
	static const char specx[] = "option xnum 1\nram 0 100000\n"
				    "ram 200000 210000\n";
	char *p32 = unit_gen("elf", spec32, "e32.elf");
	char *px = unit_gen("elf", specx, "xnum.elf");
	struct mkd_dump *dump;

	dump = unit_open(p32);
	unit_check_pattern(dump, spec32, NULL);
	mkd_dump_destroy(dump);
	dump = unit_open(px);
	ck_assert_uint_eq(mkd_dump_ram_range_count(dump), 2);
	unit_check_pattern(dump, specx, NULL);
	mkd_dump_destroy(dump);
	free(p32);
	free(px);
}
END_TEST

/* A dump cut short: the pages before the cut read; the rest are lost. */
START_TEST(elf_truncated_loses_only_the_tail)
{
	char *path = unit_gen("elf", base_spec, "cut.elf");
	struct mkd_dump *dump;
	struct mkd_page_run run;
	uint8_t page[4096];
	off_t size;
	int fd = open(path, O_RDWR);

	size = lseek(fd, 0, SEEK_END);
	ck_assert_int_eq(ftruncate(fd, size - 0x80000 - 100), 0);
	close(fd);
	dump = unit_open(path);
	ck_assert(mkd_dump_incomplete(dump));
	ck_assert_ok(mkd_read_phys(dump, 0x1000, page, sizeof(page), NULL));
	ck_assert_ok(mkd_page_state(dump, 0x1000ff, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_LOST);
	mkd_dump_destroy(dump);
	free(path);
}
END_TEST

/* pages at [addr, addr + len) read one by one equal buf */
static void same_as_pages(struct mkd_dump *dump, uint64_t addr,
			  const uint8_t *buf, size_t len)
{
	uint8_t page[4096];
	size_t off;

	for (off = 0; off < len; off += sizeof(page)) {
		ck_assert_ok(mkd_read_phys(dump, addr + off, page, sizeof(page),
					   NULL));
		ck_assert_mem_eq(buf + off, page, sizeof(page));
	}
}

/* Long reads take whole pages in one go: same bytes, same stops. */
START_TEST(elf_long_reads_match_page_reads)
{
	char *path = unit_gen("elf", base_spec, "long.elf");
	struct mkd_dump *dump = unit_open(path);
	size_t len = 0x200000, done = 0;
	uint8_t *buf = malloc(len);
	struct mkd_error *err;

	ck_assert_ok(mkd_read_phys(dump, 0x100000, buf, len, &done));
	ck_assert_uint_eq(done, len);
	same_as_pages(dump, 0x100000, buf, len);
	/* Up to filtered pages: what comes before them, then why not. */
	err = mkd_read_phys(dump, 0x2f0000, buf, 0x20000, &done);
	ck_assert_ptr_nonnull(err);
	ck_assert_uint_eq(done, 0x10000);
	same_as_pages(dump, 0x2f0000, buf, done);
	mkd_error_destroy(err);
	/* Past the end of RAM, and starting inside a page. */
	err = mkd_read_phys(dump, 0x90000 + 100, buf, 0x20000, &done);
	ck_assert_ptr_nonnull(err);
	ck_assert_uint_eq(done, 0x10000 - 100);
	mkd_error_destroy(err);
	mkd_dump_destroy(dump);
	free(buf);
	free(path);
}
END_TEST

/* Hostile headers: clear errors, never a crash or a huge allocation. */
START_TEST(elf_hostile_headers)
{
	static const struct {
		size_t off;
		uint64_t value;
		int size;
		enum mkd_error_code code;
	} cases[] = {
		{ 56, 0xfffe, 2, MKD_ERR_CORRUPT },	/* phnum: too many */
		{ 32, 1ULL << 62, 8, MKD_ERR_CORRUPT },	/* phoff: far away */
		{ 54, 40, 2, MKD_ERR_CORRUPT },		/* phentsize */
		{ 4, 3, 1, MKD_ERR_CORRUPT },		/* class */
		{ 5, 2, 1, MKD_ERR_UNSUPPORTED },	/* big endian */
		{ 64 + 32, 1ULL << 40, 8, MKD_ERR_CORRUPT }, /* note filesz */
	};
	char *path = unit_gen("elf", "ram 0 10000\n", "hostile.elf");
	char bad[4096];
	uint8_t *data = malloc(0x20000);
	size_t i, len;
	int fd = open(path, O_RDONLY);

	len = (size_t)read(fd, data, 0x20000);
	close(fd);
	snprintf(bad, sizeof(bad), "%s.bad", path);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *copy = malloc(len);
		struct mkd_dump *dump = NULL;
		struct mkd_error *err;

		memcpy(copy, data, len);
		memcpy(copy + cases[i].off, &cases[i].value, cases[i].size);
		unit_spill(bad, copy, len);
		err = mkd_dump_open(bad, NULL, &dump);
		ck_assert_msg(err != NULL, "case %zu opened", i);
		ck_assert_msg(mkd_error_code(err) == cases[i].code,
			      "case %zu: %s", i, mkd_error_message(err));
		ck_assert_ptr_nonnull(strstr(mkd_error_message(err), bad));
		mkd_error_destroy(err);
		free(copy);
	}
	free(data);
	free(path);
}
END_TEST

/*
 * p_paddr -1 (NOT_PADDR) is not RAM: left out, the rest opens.  A segment
 * that runs past 2^63 is corrupt (pfns past it would wrap).
 */
START_TEST(elf_segments_without_physical_address)
{
	char *path = unit_gen("elf", "cpus 0\nram 0 2000\nram 4000 5000\n",
			      "paddr.elf");
	const uint64_t paddr_off = 64 + 56 + 24;	/* phdr 1: a PT_LOAD */
	uint64_t v = UINT64_MAX;
	struct mkd_dump *dump;
	struct mkd_error *err;
	int fd = open(path, O_RDWR);

	ck_assert_int_eq(pwrite(fd, &v, 8, (off_t)paddr_off), 8);
	dump = unit_open(path);
	ck_assert_uint_eq(mkd_dump_ram_range_count(dump), 1);
	ck_assert_uint_eq(mkd_dump_max_pfn(dump), 5);
	mkd_dump_destroy(dump);
	v = 0x7ffffffffffff000ULL;	/* 0x2000 bytes from here pass 2^63 */
	ck_assert_int_eq(pwrite(fd, &v, 8, (off_t)paddr_off), 8);
	close(fd);
	err = mkd_dump_open(path, NULL, &dump);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_CORRUPT);
	mkd_error_destroy(err);
	free(path);
}
END_TEST

START_TEST(not_a_dump)
{
	char path[512];
	struct mkd_dump *dump = NULL;
	struct mkd_error *err;

	snprintf(path, sizeof(path), "%s/empty", unit_tmpdir());
	unit_spill(path, "", 0);
	err = mkd_dump_open(path, NULL, &dump);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_NOT_DUMP);
	mkd_error_destroy(err);
	err = mkd_dump_open("/nonexistent/dump", NULL, &dump);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_IO);
	ck_assert_str_eq(mkd_error_message(err),
			 "cannot open '/nonexistent/dump': No such file or directory");
	mkd_error_destroy(err);
}
END_TEST

static Suite *elf_suite(void)
{
	Suite *s = suite_create("elf");
	TCase *tc = tcase_create("elf");

	tcase_add_test(tc, elf_reads_every_page);
	tcase_add_test(tc, elf_filtered_pages_say_so);
	tcase_add_test(tc, elf32_and_pn_xnum);
	tcase_add_test(tc, elf_truncated_loses_only_the_tail);
	tcase_add_test(tc, elf_long_reads_match_page_reads);
	tcase_add_test(tc, elf_hostile_headers);
	tcase_add_test(tc, elf_segments_without_physical_address);
	tcase_add_test(tc, not_a_dump);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(elf_suite)
