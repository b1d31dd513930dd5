// SPDX-License-Identifier: GPL-2.0-or-later
/* check_export.c - mkd_dump_export(): ELF and kdump writers */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

static const char spec[] =
	"cpus 2\n"
	"vmcoreinfo OSRELEASE=6.1.0-export\n"
	"vmcoreinfo CRASHTIME=1600000000\n"
	"ram 0 a0000\n"
	"ram 100000 400000\n"
	"zero 200000 210000\n"
	"filter 300000 301000 free\n"
	"filter 302000 320000 user\n"
	"ram 100000000 100100000\n";

/* Export the spec's dump; the output's path. */
static char *export_to(enum mkd_export_format format, const char *codec,
		       uint32_t flags, uint32_t max_segments, const char *name,
		       struct mkd_export_stats *st)
{
	struct mkd_export_options o = {
		.size = sizeof(o), .flags = flags, .codec = codec,
		.max_segments = max_segments,
	};
	char *path = unit_gen("elf", spec, "export-src");
	struct mkd_dump *src = unit_open(path);
	int fd;

	free(path);
	ck_assert_int_ge(asprintf(&path, "%s/%s", unit_tmpdir(), name), 0);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_ok(mkd_dump_export(src, format, fd, name, &o, st));
	close(fd);
	mkd_dump_destroy(src);
	return path;
}

static void check_states(const char *path, uint64_t filtered)
{
	struct mkd_dump *d = unit_open(path);
	uint64_t pfn = 0, n = 0;

	unit_check_pattern(d, spec, NULL);
	while (pfn < mkd_dump_max_pfn(d)) {
		struct mkd_page_run run;

		ck_assert_ok(mkd_page_state(d, pfn, &run));
		if (run.state == MKD_PAGE_FILTERED)
			n += run.count;
		pfn += run.count;
	}
	ck_assert_uint_eq(n, filtered);
	ck_assert_str_eq(mkd_dump_kernel_release(d), "6.1.0-export");
	ck_assert_uint_eq(mkd_dump_cpu_count(d), 2);
	mkd_dump_destroy(d);
}

START_TEST(export_elf)
{
	struct mkd_export_stats st;
	char *path = export_to(MKD_EXPORT_ELF, NULL, 0, 0, "e.elf", &st);

	check_states(path, 31);
	ck_assert_uint_eq(st.left_out, 31);
	ck_assert_uint_eq(st.written, 160 + 768 - 31 + 256);
	ck_assert_uint_eq(st.zero_filled[MKD_PAGE_FILTERED], 0);
	ck_assert_uint_eq(st.segments, 5);	/* 3 ranges, 2 gaps */
	free(path);
}
END_TEST

START_TEST(export_elf_zero_fills_past_the_limit)
{
	struct mkd_export_stats st;
	char *path = export_to(MKD_EXPORT_ELF, NULL, 0, 4, "z.elf", &st);
	struct mkd_page_run run;
	struct mkd_dump *d;
	uint8_t page[4096];

	/* The 1-page gap is zero-filled, the 30-page one kept out. */
	ck_assert_uint_eq(st.segments, 4);
	ck_assert_uint_eq(st.zero_filled[MKD_PAGE_FILTERED], 1);
	ck_assert_uint_eq(st.left_out, 30);
	d = unit_open(path);
	ck_assert_ok(mkd_page_state(d, 0x300, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_PRESENT);
	ck_assert_ok(mkd_read_phys(d, 0x300000, page, sizeof(page), NULL));
	ck_assert(!page[0] && !memcmp(page, page + 1, sizeof(page) - 1));
	ck_assert_ok(mkd_page_state(d, 0x302, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_FILTERED);
	ck_assert_uint_eq(run.count, 30);
	mkd_dump_destroy(d);
	free(path);
}
END_TEST

START_TEST(export_kdump_every_codec)
{
	static const char *const codecs[] = { "zlib", "lzo", "zstd", "none" };
	struct mkd_export_stats st;
	char name[32], *path;

	snprintf(name, sizeof(name), "k-%s.kdump", codecs[_i]);
	path = export_to(MKD_EXPORT_KDUMP, codecs[_i], 0, 0, name, &st);
	check_states(path, 31);
	ck_assert_uint_eq(st.written, 160 + 768 - 31 + 256);
	ck_assert_uint_eq(st.zero_pages, 16);
	ck_assert_int_eq(st.dump_level, 0);	/* ELF gives no reasons */
	free(path);
	snprintf(name, sizeof(name), "k-%s.flat", codecs[_i]);
	path = export_to(MKD_EXPORT_KDUMP, codecs[_i], MKD_EXPORT_FLAT, 0,
			 name, &st);
	check_states(path, 31);
	free(path);
}
END_TEST

START_TEST(export_refusals)
{
	char *path = unit_gen("elf", spec, "export-src");
	struct mkd_dump *src = unit_open(path);
	struct mkd_export_options o = { .size = sizeof(o) };
	struct mkd_error *err;
	int p[2], fd;

	err = mkd_dump_export(src, MKD_EXPORT_ELF, 1, "x",
			      &(struct mkd_export_options){ .size = 8 }, NULL);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_INVALID);
	mkd_error_destroy(err);
	o.flags = MKD_EXPORT_FLAT;
	err = mkd_dump_export(src, MKD_EXPORT_ELF, 1, "x", &o, NULL);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_INVALID);
	mkd_error_destroy(err);
	/* A plain kdump needs to seek: refused before writing a byte. */
	ck_assert_int_eq(pipe(p), 0);
	o.flags = 0;
	err = mkd_dump_export(src, MKD_EXPORT_KDUMP, p[1], "pipe", &o, NULL);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_INVALID);
	mkd_error_destroy(err);
	close(p[1]);
	ck_assert_int_eq(read(p[0], &fd, 1), 0);
	close(p[0]);
	/* A full disk is an I/O error with its errno. */
	fd = open("/dev/full", O_WRONLY);
	ck_assert_int_ge(fd, 0);
	err = mkd_dump_export(src, MKD_EXPORT_ELF, fd, "full", NULL, NULL);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_IO);
	ck_assert_int_eq(mkd_error_errno(err), ENOSPC);
	mkd_error_destroy(err);
	close(fd);
	mkd_dump_destroy(src);
	free(path);
}
END_TEST

static Suite *export_suite(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("export");

	tcase_add_test(tc, export_elf);
	tcase_add_test(tc, export_elf_zero_fills_past_the_limit);
	tcase_add_loop_test(tc, export_kdump_every_codec, 0, 4);
	tcase_add_test(tc, export_refusals);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(export_suite)
