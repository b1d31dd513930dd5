// SPDX-License-Identifier: GPL-2.0-or-later
/* check_kdump.c - the kdump-compressed and diskdump reader */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static const char base_spec[] =
	"cpus 2\n"
	"release 6.1.0-kdump\n"
	"vmcoreinfo OSRELEASE=6.1.0-unit\n"
	"vmcoreinfo SYMBOL(init_top_pgt)=ffffffff8240a000\n"
	"vmcoreinfo CRASHTIME=1600000000\n"
	"dump_level 31\n"
	"ram 0 a0000\n"
	"ram 100000 400000\n"
	"zero 200000 210000\n"
	"filter 300000 320000 free\n"
	"ram 100000000 100100000\n";

/* base_spec plus extra lines. */
static char *spec_with(const char *extra)
{
	char *s;

	ck_assert_int_ge(asprintf(&s, "%s%s", base_spec, extra), 0);
	return s;
}

/*
 * Count page states by run and read every present page, which must read
 * as spec says: for dumps with lost pages, where unit_check_pattern()
 * (every data page present) does not hold.
 */
static void walk_all(struct mkd_dump *dump, const char *spec,
		     uint64_t counts[])
{
	uint32_t ps = mkd_dump_page_size(dump);
	uint8_t *page = malloc(ps), *want = malloc(ps);
	uint64_t pfn = 0;
	struct gen_spec s;
	char msg[256];

	ck_assert_int_eq(gen_spec_parse(spec, &s, msg, sizeof(msg)), 0);
	memset(counts, 0, MKD_PAGE_STATE_COUNT * sizeof(counts[0]));
	while (pfn < mkd_dump_max_pfn(dump)) {
		struct mkd_page_run run;
		uint64_t i;

		ck_assert_ok(mkd_page_state(dump, pfn, &run));
		if (run.count > mkd_dump_max_pfn(dump) - pfn)
			run.count = mkd_dump_max_pfn(dump) - pfn;
		counts[run.state] += run.count;
		for (i = 0; run.state == MKD_PAGE_PRESENT && i < run.count; i++) {
			struct mkd_error *err = mkd_read_phys(dump, (pfn + i) * ps,
							      page, ps, NULL);

			if (err)
				ck_abort_msg("%s", mkd_error_message(err));
			gen_page_expect(&s, pfn + i, want);
			if (memcmp(page, want, ps))
				ck_abort_msg("pfn 0x%llx reads wrong",
					     (unsigned long long)(pfn + i));
		}
		pfn += run.count;
	}
	gen_spec_free(&s);
	free(page);
	free(want);
}

START_TEST(kdump_reads_every_codec)
{
	static const char *const codecs[] = {
		"none", "zlib", "lzo", "zstd", "snappy",
	};
	const char *codec = codecs[_i];
	char line[64], name[64], *spec, *path;
	struct mkd_dump *dump;
	struct mkd_cpu_regs regs;
	uint64_t n, v;
	int64_t t;

	if (!strcmp(codec, "snappy") && !mkd_codec_available(MKD_CODEC_SNAPPY))
		return;
	snprintf(line, sizeof(line), "codec %s\n", codec);
	snprintf(name, sizeof(name), "codec-%s.kdump", codec);
	spec = spec_with(line);
	path = unit_gen("kdump", spec, name);
	dump = unit_open(path);
	ck_assert_str_eq(mkd_dump_format(dump), "kdump");
	ck_assert_ptr_null(mkd_dump_container(dump));
	ck_assert_str_eq(mkd_dump_codecs(dump), codec);
	ck_assert_str_eq(mkd_dump_kernel_release(dump), "6.1.0-kdump");
	ck_assert_int_eq(mkd_dump_arch(dump), MKD_ARCH_X86_64);
	ck_assert_int_eq(mkd_dump_level(dump), 31);
	ck_assert(!mkd_dump_incomplete(dump));
	ck_assert_uint_eq(mkd_dump_page_size(dump), 4096);
	ck_assert_uint_eq(mkd_dump_max_pfn(dump), 0x100100);
	/* The header's time wins over vmcoreinfo's CRASHTIME. */
	ck_assert(mkd_dump_crash_time(dump, &t) && t == 1700000000);
	ck_assert_uint_eq(mkd_dump_cpu_count(dump), 2);
	ck_assert_ok(mkd_dump_cpu_regs(dump, 1, &regs));
	ck_assert_int_eq(regs.pid, 101);
	ck_assert_ok(mkd_vmcoreinfo_symbol(dump, "init_top_pgt", &v));
	ck_assert_uint_eq(v, 0xffffffff8240a000ULL);
	ck_assert_uint_eq(mkd_dump_ram_range_count(dump), 3);
	ck_assert_uint_eq(mkd_dump_ram_ranges(dump)[1].end, 0x400000);
	unit_check_pattern(dump, spec, &n);
	ck_assert_uint_eq(n, mkd_dump_max_pfn(dump));
	mkd_dump_destroy(dump);
	free(path);
	free(spec);
}
END_TEST

START_TEST(kdump_page_states)
{
	char *path = unit_gen("kdump", base_spec, "states.kdump");
	struct mkd_dump *dump = unit_open(path);
	struct mkd_page_run run;
	struct mkd_error *err;
	uint8_t buf[16];
	size_t done = 1;

	ck_assert_ok(mkd_page_state(dump, 0x300, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_FILTERED);
	ck_assert_int_eq(run.reason, MKD_FILTER_UNKNOWN);
	ck_assert_uint_eq(run.count, 0x20);
	ck_assert_ok(mkd_page_state(dump, 0xa0, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_NOT_DUMPED);
	ck_assert_uint_eq(run.count, 0x60);
	/* Zero pages share one stored page (dump level bit 1): present. */
	ck_assert_ok(mkd_page_state(dump, 0x100, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_PRESENT);
	ck_assert_uint_eq(run.count, 0x200);
	/* One run over the 4 GiB hole, found by scanning bitmap words. */
	ck_assert_ok(mkd_page_state(dump, 0x400, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_NOT_DUMPED);
	ck_assert_uint_eq(run.count, 0x100000 - 0x400);
	err = mkd_read_phys(dump, 0x300000 - 8, buf, sizeof(buf), &done);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_NO_DATA);
	ck_assert_uint_eq(done, 8);
	ck_assert_ptr_nonnull(strstr(mkd_error_message(err), "filtered"));
	mkd_error_destroy(err);
	mkd_dump_destroy(dump);
	free(path);
}
END_TEST

/* Without dump level bit 1, each zero page is stored (and compressed). */
START_TEST(kdump_zero_pages_stored)
{
	char *spec = spec_with("dump_level 0\ncodec zstd\n");
	char *path = unit_gen("kdump", spec, "zero.kdump");
	struct mkd_dump *dump = unit_open(path);

	ck_assert_int_eq(mkd_dump_level(dump), 0);
	unit_check_pattern(dump, spec, NULL);
	mkd_dump_destroy(dump);
	free(path);
	free(spec);
}
END_TEST

/* Every header version: the sub-header grows field by field. */
START_TEST(kdump_header_versions)
{
	char line[64], name[64], *spec, *path;
	struct mkd_dump *dump;
	int version = _i;

	snprintf(line, sizeof(line), "codec lzo\noption version %d\n", version);
	snprintf(name, sizeof(name), "v%d.kdump", version);
	spec = spec_with(line);
	path = unit_gen("kdump", spec, name);
	dump = unit_open(path);
	ck_assert_int_eq(mkd_dump_level(dump), version >= 1 ? 31 : -1);
	ck_assert_uint_eq(mkd_dump_cpu_count(dump), version >= 4 ? 2 : 0);
	ck_assert(!mkd_vmcoreinfo(dump, NULL) == (version < 3));
	ck_assert_str_eq(mkd_dump_kernel_release(dump), "6.1.0-kdump");
	unit_check_pattern(dump, spec, NULL);
	mkd_dump_destroy(dump);
	free(path);
	free(spec);
}
END_TEST

START_TEST(diskdump_reads)
{
	char *spec = spec_with("codec zlib\noption current_cpu 1\n");
	char *path = unit_gen("diskdump", spec, "legacy.dd");
	struct mkd_dump *dump = unit_open(path);
	struct mkd_page_run run;
	uint32_t cpu;

	ck_assert_str_eq(mkd_dump_format(dump), "diskdump");
	ck_assert_str_eq(mkd_dump_codecs(dump), "zlib");
	ck_assert_int_eq(mkd_dump_level(dump), -1);
	ck_assert(mkd_dump_panic_cpu(dump, &cpu) && cpu == 1);
	ck_assert_ptr_null(mkd_vmcoreinfo(dump, NULL));
	unit_check_pattern(dump, spec, NULL);
	mkd_dump_destroy(dump);
	free(path);
	free(spec);
	/* An old full dump: one bitmap, so filtered pages are holes. */
	spec = spec_with("option bitmaps 1\n");
	path = unit_gen("diskdump", spec, "full.dd");
	dump = unit_open(path);
	ck_assert_ok(mkd_page_state(dump, 0x300, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_NOT_DUMPED);
	unit_check_pattern(dump, spec, NULL);
	mkd_dump_destroy(dump);
	free(path);
	free(spec);
}
END_TEST

/* makedumpfile leaves current_cpu 0 and QEMU writes 0: not a fact. */
START_TEST(kdump_panic_cpu)
{
	char *spec = spec_with("option current_cpu 1\n");
	char *path = unit_gen("kdump", spec, "cpu1.kdump");
	char *path0 = unit_gen("kdump", base_spec, "cpu0.kdump");
	struct mkd_dump *dump = unit_open(path);
	uint32_t cpu;

	ck_assert(mkd_dump_panic_cpu(dump, &cpu) && cpu == 1);
	mkd_dump_destroy(dump);
	dump = unit_open(path0);
	ck_assert(!mkd_dump_panic_cpu(dump, &cpu));
	mkd_dump_destroy(dump);
	free(path);
	free(path0);
	free(spec);
}
END_TEST

static char *part_name(const char *path, int n)
{
	char *s;

	if (n == 1)
		return strdup(path);
	ck_assert_int_ge(asprintf(&s, "%s.%d", path, n), 0);
	return s;
}

static struct mkd_error *open_parts(const char *path, const int *which,
				    size_t n, struct mkd_dump **dump)
{
	char *names[8];
	struct mkd_error *err;
	size_t i;

	for (i = 0; i < n; i++)
		names[i] = part_name(path, which[i]);
	err = mkd_dump_open_files((const char *const *)names, n, NULL, dump);
	for (i = 0; i < n; i++)
		free(names[i]);
	return err;
}

START_TEST(kdump_split_set)
{
	static const int shuffled[] = { 3, 1, 2 };
	char *spec = spec_with("split 3\ncodec zlib\n");
	char *path = unit_gen("kdump", spec, "split.kdump");
	struct mkd_dump *dump;
	uint64_t n;

	ck_assert_ok(open_parts(path, shuffled, 3, &dump));
	ck_assert_uint_eq(mkd_dump_file_count(dump), 3);
	ck_assert(!mkd_dump_incomplete(dump));
	unit_check_pattern(dump, spec, &n);
	ck_assert_uint_eq(n, mkd_dump_max_pfn(dump));
	mkd_dump_destroy(dump);
	free(path);
	free(spec);
}
END_TEST

/* A part not given: its pfns are not dumped; the rest reads. */
START_TEST(kdump_split_missing_part)
{
	static const char spec[] =
		"split 3\n"
		"ram 0 300000\n"
		"ram 80000000 80100000\n"	/* all in the middle part */
		"ram 100000000 100100000\n";
	static const int two[] = { 1, 3 };
	char *path = unit_gen("kdump", spec, "missing.kdump");
	uint64_t third = 0x100100 / 3, counts[MKD_PAGE_STATE_COUNT];
	struct mkd_dump *dump;
	struct mkd_page_run run;
	struct mkd_error *err;
	uint8_t page[4096];

	ck_assert_ok(open_parts(path, two, 2, &dump));
	ck_assert_ok(mkd_page_state(dump, third, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_NOT_DUMPED);
	ck_assert_uint_eq(run.count, 0x100100 * 2 / 3 - third);
	err = mkd_read_phys(dump, 0x80000000ULL, page, 8, NULL);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_NO_DATA);
	ck_assert_ptr_nonnull(strstr(mkd_error_message(err), "not-dumped"));
	mkd_error_destroy(err);
	walk_all(dump, spec, counts);
	ck_assert_uint_eq(counts[MKD_PAGE_PRESENT], 0x300 + 0x100);
	ck_assert_uint_eq(mkd_dump_ram_range_count(dump), 3);
	mkd_dump_destroy(dump);
	free(path);
}
END_TEST

START_TEST(kdump_split_bad_sets)
{
	static const int twice[] = { 1, 2, 2 };
	static const int one[] = { 1 };
	char *spec = spec_with("split 2\n");
	char *path = unit_gen("kdump", spec, "bad-set.kdump");
	char *other = unit_gen("kdump", base_spec, "whole.kdump");
	char *spec2 = spec_with("split 2\nrelease other\n");
	char *path2 = unit_gen("kdump", spec2, "other-set.kdump");
	char *p2 = part_name(path2, 2);
	const char *mix[] = { path, p2 }, *whole[] = { path, other };
	struct mkd_dump *dump = NULL;
	struct mkd_error *err;

	err = open_parts(path, twice, 3, &dump);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(mkd_error_message(err), "overlap"));
	mkd_error_destroy(err);
	err = mkd_dump_open_files(mix, 2, NULL, &dump);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(mkd_error_message(err), "not parts of one"));
	mkd_error_destroy(err);
	err = mkd_dump_open_files(whole, 2, NULL, &dump);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_INVALID);
	mkd_error_destroy(err);
	/* One part alone opens: the other half is not dumped. */
	ck_assert_ok(open_parts(path, one, 1, &dump));
	mkd_dump_destroy(dump);
	free(p2);
	free(path);
	free(path2);
	free(other);
	free(spec);
	free(spec2);
}
END_TEST

/* makedumpfile out of space: offset-0 descriptors for the tail. */
START_TEST(kdump_incomplete_tail)
{
	const char *extra = _i ? "option incomplete 100\n"
			       : "option incomplete 100\noption incomplete_flag 0\n";
	char *spec = spec_with(extra);
	char *path = unit_gen("kdump", spec, _i ? "inc.kdump" : "inc0.kdump");
	uint64_t counts[MKD_PAGE_STATE_COUNT];
	struct mkd_dump *dump = unit_open(path);
	struct mkd_page_run run;
	struct mkd_error *err;
	uint8_t page[4096];

	ck_assert(mkd_dump_incomplete(dump));
	ck_assert_ok(mkd_page_state(dump, 0x1000ff, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_LOST);
	ck_assert_ok(mkd_page_state(dump, 0x100100 - 100, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_LOST);
	ck_assert_uint_eq(run.count, 100);
	ck_assert_ok(mkd_page_state(dump, 0x100000, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_PRESENT);
	ck_assert_uint_eq(run.count, 0x100 - 100);
	err = mkd_read_phys(dump, 0x1000ff000ULL, page, 8, NULL);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_NO_DATA);
	ck_assert_ptr_nonnull(strstr(mkd_error_message(err), "lost"));
	mkd_error_destroy(err);
	walk_all(dump, spec, counts);
	ck_assert_uint_eq(counts[MKD_PAGE_LOST], 100);
	mkd_dump_destroy(dump);
	free(path);
	free(spec);
}
END_TEST

/* Cut anywhere: a clear error at open, or lost pages; never a crash. */
START_TEST(kdump_truncated_anywhere)
{
	char *spec = spec_with("codec zlib\n");
	char *path = unit_gen("kdump", spec, "cut.kdump"), cut[512];
	uint64_t counts[MKD_PAGE_STATE_COUNT];
	size_t len, at, opened = 0;
	uint8_t *data = unit_slurp(path, &len);

	snprintf(cut, sizeof(cut), "%s.cut", path);
	unit_spill(cut, data, len);
	/* From the end down, so that each cut is one ftruncate(). */
	for (at = len - 1; at > 0;
	     at = at > 0x10000 ? at - 37000 : at > 1500 ? at - 1500 : 0) {
		struct mkd_dump *dump = NULL;
		struct mkd_error *err;

		ck_assert_int_eq(truncate(cut, (off_t)at), 0);
		err = mkd_dump_open(cut, NULL, &dump);
		if (err) {
			enum mkd_error_code c = mkd_error_code(err);

			ck_assert_msg(c == MKD_ERR_TRUNCATED || c == MKD_ERR_CORRUPT,
				      "cut at %zu: %s", at, mkd_error_message(err));
			ck_assert_ptr_nonnull(strstr(mkd_error_message(err), cut));
			mkd_error_destroy(err);
			continue;
		}
		opened++;
		ck_assert_msg(mkd_dump_incomplete(dump), "cut at %zu", at);
		walk_all(dump, spec, counts);
		ck_assert_uint_gt(counts[MKD_PAGE_LOST], 0);
		mkd_dump_destroy(dump);
	}
	ck_assert_uint_gt(opened, 10);
	free(data);
	free(path);
	free(spec);
}
END_TEST

struct patch {
	size_t off;
	uint64_t value;
	int size;
	enum mkd_error_code code;
};

static void check_patches(const char *path, const struct patch *p, size_t n)
{
	size_t len, i;
	uint8_t *data = unit_slurp(path, &len);
	char bad[512];

	snprintf(bad, sizeof(bad), "%s.bad", path);
	for (i = 0; i < n; i++) {
		uint8_t *copy = malloc(len);
		struct mkd_dump *dump = NULL;
		struct mkd_error *err;

		memcpy(copy, data, len);
		memcpy(copy + p[i].off, &p[i].value, p[i].size);
		unit_spill(bad, copy, len);
		err = mkd_dump_open(bad, NULL, &dump);
		ck_assert_msg(err != NULL, "case %zu opened", i);
		ck_assert_msg(mkd_error_code(err) == p[i].code, "case %zu: %s",
			      i, mkd_error_message(err));
		ck_assert_ptr_nonnull(strstr(mkd_error_message(err), bad));
		mkd_error_destroy(err);
		free(copy);
	}
	free(data);
}

START_TEST(kdump_hostile_headers)
{
	static const struct patch cases[] = {
		{ 436, 0xffffffff, 4, MKD_ERR_TRUNCATED },	/* bitmap_blocks */
		{ 436, 0, 4, MKD_ERR_TRUNCATED },
		{ 428, 3, 4, MKD_ERR_CORRUPT },			/* block_size */
		{ 428, 1u << 30, 4, MKD_ERR_CORRUPT },
		{ 432, 0x7fffffff, 4, MKD_ERR_TRUNCATED },	/* sub_hdr_size */
		{ 432, 0xfffffff0, 4, MKD_ERR_TRUNCATED },
		{ 432, 0, 4, MKD_ERR_CORRUPT },
		{ 8, 0xffffffff, 4, MKD_ERR_CORRUPT },		/* version -1 */
		{ 272, 0x363836, 4, MKD_ERR_UNSUPPORTED },	/* machine "686" */
		{ 4096 + 56, 1ULL << 40, 8, MKD_ERR_CORRUPT },	/* note size */
		{ 4096 + 48, 1ULL << 40, 8, MKD_ERR_TRUNCATED },/* note offset */
		{ 4096 + 40, 1ULL << 33, 8, MKD_ERR_CORRUPT },	/* vmcoreinfo */
		{ 4096 + 96, 1ULL << 40, 8, MKD_ERR_CORRUPT },	/* max_mapnr_64 */
		{ 4096 + 96, 0, 8, MKD_ERR_CORRUPT },
		{ 4096 + 12, 1, 4, MKD_ERR_CORRUPT },		/* split, range 0 */
	};
	char *path = unit_gen("kdump", base_spec, "hostile.kdump");

	check_patches(path, cases, sizeof(cases) / sizeof(cases[0]));
	free(path);
}
END_TEST

/* A RAM bitmap of alternating bits: too many ranges, a clear error. */
START_TEST(kdump_hostile_ram_bitmap)
{
	static const char spec[] = "ram 0 400000000\n"
				   "filter 1000000 400000000 free\n";
	char *path = unit_gen("kdump", spec, "ranges.kdump"), bad[512];
	struct mkd_dump *dump = NULL;
	struct mkd_error *err;
	uint32_t bs, sub;
	size_t len;
	uint8_t *data = unit_slurp(path, &len);

	memcpy(&bs, data + 428, 4);
	memcpy(&sub, data + 432, 4);
	/* 4M pfns: the first bitmap is 512 KiB; make it 0101... */
	memset(data + (1 + (size_t)sub) * bs, 0x55, 512 << 10);
	snprintf(bad, sizeof(bad), "%s.bad", path);
	unit_spill(bad, data, len);
	err = mkd_dump_open(bad, NULL, &dump);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_CORRUPT);
	ck_assert_ptr_nonnull(strstr(mkd_error_message(err), "more than"));
	mkd_error_destroy(err);
	free(data);
	free(path);
}
END_TEST

/* Where the descriptor of the rank-th dumped page is. */
static size_t desc_at(const uint8_t *data, uint64_t rank)
{
	uint32_t bs, sub, bitmaps;

	memcpy(&bs, data + 428, 4);
	memcpy(&sub, data + 432, 4);
	memcpy(&bitmaps, data + 436, 4);
	return (1 + (size_t)sub + bitmaps) * bs + rank * 24;
}

/* Bad descriptors damage (or lose) their page, not the dump. */
START_TEST(kdump_hostile_descriptors)
{
	static const struct {
		int field_off, size;
		uint64_t value;
		enum mkd_error_code code;
	} cases[] = {
		{ 8, 4, 4097, MKD_ERR_CORRUPT },	/* size > page */
		{ 8, 4, 0, MKD_ERR_CORRUPT },
		{ 12, 4, 0x40, MKD_ERR_CORRUPT },	/* unknown flags */
		{ 12, 4, 0x3, MKD_ERR_CORRUPT },	/* two codecs */
		{ 0, 8, 100, MKD_ERR_CORRUPT },		/* into the headers */
		{ 0, 8, 1ULL << 50, MKD_ERR_NO_DATA },	/* past the end: lost */
		{ 0, 8, (uint64_t)-5, MKD_ERR_NO_DATA },
		{ 8, 4, 100, MKD_ERR_CORRUPT },		/* zlib of a cut size */
	};
	char *spec = spec_with("codec zlib\n");
	char *path = unit_gen("kdump", spec, "desc.kdump"), bad[512];
	size_t len, i;
	uint8_t *data = unit_slurp(path, &len), page[4096];

	snprintf(bad, sizeof(bad), "%s.bad", path);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *copy = malloc(len);
		size_t at = desc_at(data, 5) + cases[i].field_off;
		struct mkd_dump *dump;
		struct mkd_error *err;

		memcpy(copy, data, len);
		memcpy(copy + at, &cases[i].value, cases[i].size);
		unit_spill(bad, copy, len);
		dump = unit_open(bad);
		err = mkd_read_phys(dump, 5 * 4096, page, 4096, NULL);
		ck_assert_msg(mkd_error_code(err) == cases[i].code,
			      "case %zu: %s", i, mkd_error_message(err));
		mkd_error_destroy(err);
		ck_assert_ok(mkd_read_phys(dump, 6 * 4096, page, 4096, NULL));
		mkd_dump_destroy(dump);
		free(copy);
	}
	free(data);
	free(path);
	free(spec);
}
END_TEST

/* The rank index is what finds descriptors: check it on long runs. */
START_TEST(kdump_rank_index)
{
	static const char spec[] =
		"dump_level 31\n"
		"ram 0 3000000\n"
		"filter 1001000 1003000 user\n"
		"filter 1fff000 2001000 cache\n"
		"zero 2800000 2801000\n";
	char *path = unit_gen("kdump", spec, "rank.kdump");
	struct mkd_dump *dump = unit_open(path);
	uint64_t n;

	unit_check_pattern(dump, spec, &n);
	ck_assert_uint_eq(n, 0x3000);
	mkd_dump_destroy(dump);
	free(path);
}
END_TEST

static Suite *kdump_suite(void)
{
	Suite *s = suite_create("kdump");
	TCase *tc = tcase_create("kdump");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, kdump_reads_every_codec, 0, 5);
	tcase_add_test(tc, kdump_page_states);
	tcase_add_test(tc, kdump_zero_pages_stored);
	tcase_add_loop_test(tc, kdump_header_versions, 0, 7);
	tcase_add_test(tc, diskdump_reads);
	tcase_add_test(tc, kdump_panic_cpu);
	tcase_add_test(tc, kdump_split_set);
	tcase_add_test(tc, kdump_split_missing_part);
	tcase_add_test(tc, kdump_split_bad_sets);
	tcase_add_loop_test(tc, kdump_incomplete_tail, 0, 2);
	tcase_add_test(tc, kdump_truncated_anywhere);
	tcase_add_test(tc, kdump_hostile_headers);
	tcase_add_test(tc, kdump_hostile_ram_bitmap);
	tcase_add_test(tc, kdump_hostile_descriptors);
	tcase_add_test(tc, kdump_rank_index);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(kdump_suite)
