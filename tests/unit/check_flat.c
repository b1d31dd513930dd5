// SPDX-License-Identifier: GPL-2.0-or-later
/* check_flat.c - the flattened container */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static const char base_spec[] =
	"cpus 2\n"
	"release 6.1.0-flat\n"
	"vmcoreinfo OSRELEASE=6.1.0-flat\n"
	"codec lzo\n"
	"dump_level 31\n"
	"ram 0 a0000\n"
	"ram 100000 400000\n"
	"zero 200000 210000\n"
	"filter 300000 320000 free\n"
	"ram 100000000 100100000\n";

/* The logical file of a flattened one, through the container's view. */
static struct mkd_file *view_of(const char *path)
{
	struct mkd_file *f, *view;

	ck_assert_ok(mkd_file_open(path, &f));
	ck_assert_ok(mkd_format_flat.unwrap(f, &view));
	return view;
}

/* The view must hold the inner writer's bytes, byte for byte. */
static void check_view(const char *flat, const char *inner)
{
	size_t len, off;
	uint8_t *want = unit_slurp(inner, &len), buf[7919];
	struct mkd_file *view = view_of(flat);

	ck_assert_uint_eq(view->size, len);
	/* An odd read size crosses record and extent edges everywhere. */
	for (off = 0; off < len; off += sizeof(buf)) {
		size_t n = len - off < sizeof(buf) ? len - off : sizeof(buf);

		ck_assert_ok(mkd_file_read(view, buf, n, off));
		if (memcmp(buf, want + off, n))
			ck_abort_msg("bytes at 0x%zx differ", off);
	}
	mkd_file_destroy(view);
	free(want);
}

static const char *const variants[] = {
	"",
	"option record 7\n",
	"option record 100000\n",
	"option shuffle 1\n",
	"option overwrite 1\n",
	"option holes 1\noption record 512\n",
	"option shuffle 1\noption overwrite 1\noption holes 1\n"
	"option record 517\n",
	"option end 0\n",
};

/* Each variant: the same logical file, and the dump reads whole. */
START_TEST(flat_wraps_kdump)
{
	char *spec, *flat, *inner, name[64];
	struct mkd_dump *dump;
	uint64_t n;

	ck_assert_int_ge(asprintf(&spec, "%s%s", base_spec, variants[_i]), 0);
	snprintf(name, sizeof(name), "v%d.flat", _i);
	flat = unit_gen("flat", spec, name);
	inner = unit_gen("kdump", spec, "inner.kdump");
	check_view(flat, inner);
	dump = unit_open(flat);
	ck_assert_str_eq(mkd_dump_format(dump), "kdump");
	ck_assert_str_eq(mkd_dump_container(dump), "flattened");
	ck_assert_str_eq(mkd_dump_codecs(dump), "lzo");
	ck_assert_str_eq(mkd_dump_kernel_release(dump), "6.1.0-flat");
	ck_assert(!mkd_dump_incomplete(dump));
	unit_check_pattern(dump, spec, &n);
	ck_assert_uint_eq(n, mkd_dump_max_pfn(dump));
	mkd_dump_destroy(dump);
	free(flat);
	free(inner);
	free(spec);
}
END_TEST

/* makedumpfile -E -F: an ELF inside. */
START_TEST(flat_wraps_elf)
{
	char *spec, *path;
	struct mkd_dump *dump;

	ck_assert_int_ge(asprintf(&spec, "%soption inner elf\noption shuffle 1\n",
				  base_spec), 0);
	path = unit_gen("flat", spec, "elf.flat");
	dump = unit_open(path);
	ck_assert_str_eq(mkd_dump_format(dump), "elf");
	ck_assert_str_eq(mkd_dump_container(dump), "flattened");
	unit_check_pattern(dump, spec, NULL);
	mkd_dump_destroy(dump);
	free(path);
	free(spec);
}
END_TEST

/*
 * Without its end and cut short anywhere: says why, or opens with the
 * pages whose records are gone lost (missing descriptors read as zeros).
 */
START_TEST(flat_cut_short)
{
	char *spec, *path, cut[512];
	size_t len, at, opened = 0;
	uint8_t *data;

	ck_assert_int_ge(asprintf(&spec, "%soption end 0\n", base_spec), 0);
	path = unit_gen("flat", spec, "cut.flat");
	data = unit_slurp(path, &len);
	snprintf(cut, sizeof(cut), "%s.cut", path);
	unit_spill(cut, data, len);
	for (at = len - 1; at > 4096; at = at > 40000 ? at - 23456 : 4096) {
		struct mkd_dump *dump = NULL;
		struct mkd_error *err;

		ck_assert_int_eq(truncate(cut, (off_t)at), 0);
		err = mkd_dump_open(cut, NULL, &dump);
		if (err) {
			ck_assert_ptr_nonnull(strstr(mkd_error_message(err), cut));
			mkd_error_destroy(err);
			continue;
		}
		opened++;
		ck_assert_msg(mkd_dump_incomplete(dump), "cut at %zu", at);
		mkd_dump_destroy(dump);
	}
	ck_assert_uint_gt(opened, 10);
	free(data);
	free(path);
	free(spec);
}
END_TEST

static void put_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* Hostile record headers: a clear error naming file and record. */
START_TEST(flat_hostile_records)
{
	static const struct {
		size_t off;	/* 4096 + 16 * ...: the first record's header */
		uint64_t value;
		enum mkd_error_code code;
		const char *says;
	} cases[] = {
		{ 4096, (uint64_t)-2, MKD_ERR_CORRUPT, "record 0 at 0x1000" },
		{ 4096 + 8, (uint64_t)-5, MKD_ERR_CORRUPT, "absurd size" },
		{ 4096 + 8, 1ULL << 40, MKD_ERR_CORRUPT, "absurd size" },
		{ 4096, 1ULL << 55, MKD_ERR_CORRUPT, "beyond 1 PiB" },
		{ 4096, (1ULL << 50) - 10, MKD_ERR_CORRUPT, "beyond 1 PiB" },
		{ 16, 2, MKD_ERR_UNSUPPORTED, "type 2" },
		{ 24, 7, MKD_ERR_UNSUPPORTED, "version 7" },
	};
	char *path = unit_gen("flat", base_spec, "hostile.flat"), bad[512];
	struct mkd_dump *dump = NULL;
	struct mkd_error *err;
	size_t len, i;
	uint8_t *data = unit_slurp(path, &len);

	snprintf(bad, sizeof(bad), "%s.bad", path);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *copy = malloc(len);

		memcpy(copy, data, len);
		put_be64(copy + cases[i].off, cases[i].value);
		unit_spill(bad, copy, len);
		err = mkd_dump_open(bad, NULL, &dump);
		ck_assert_msg(err != NULL, "case %zu opened", i);
		ck_assert_msg(mkd_error_code(err) == cases[i].code &&
			      strstr(mkd_error_message(err), cases[i].says) &&
			      strstr(mkd_error_message(err), bad),
			      "case %zu: %s", i, mkd_error_message(err));
		mkd_error_destroy(err);
		free(copy);
	}
	/* Shorter than its header. */
	unit_spill(bad, data, 100);
	err = mkd_dump_open(bad, NULL, &dump);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_TRUNCATED);
	mkd_error_destroy(err);
	free(data);
	free(path);
}
END_TEST

/* Many tiny records: the index stays extents, the data stays on disk. */
START_TEST(flat_many_records)
{
	char *spec, *flat, *inner;
	struct mkd_file *view;
	size_t len;
	uint8_t *want;

	ck_assert_int_ge(asprintf(&spec, "%soption record 24\noption shuffle 1\n",
				  base_spec), 0);
	flat = unit_gen("flat", spec, "tiny.flat");
	inner = unit_gen("kdump", spec, "tiny-inner.kdump");
	check_view(flat, inner);
	view = view_of(flat);
	want = unit_slurp(inner, &len);
	ck_assert_uint_eq(view->size, len);
	mkd_file_destroy(view);
	free(want);
	free(flat);
	free(inner);
	free(spec);
}
END_TEST

static Suite *flat_suite(void)
{
	Suite *s = suite_create("flat");
	TCase *tc = tcase_create("flat");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, flat_wraps_kdump, 0,
			    sizeof(variants) / sizeof(variants[0]));
	tcase_add_test(tc, flat_wraps_elf);
	tcase_add_test(tc, flat_cut_short);
	tcase_add_test(tc, flat_hostile_records);
	tcase_add_test(tc, flat_many_records);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(flat_suite)
