// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_lkcd.c - the LKCD reader on dumps from tests/gen/gen-lkcd.c, and
 * on copies of them patched by hand: hand-made RLE records, cut files,
 * hostile header and record fields.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

#define FIRST_PAGE 65536
#define REC_SIZE 16
#define DP_RAW 0x1
#define DP_COMPRESSED 0x2
#define DP_END 0x4

static const char base_spec[] =
	"release 2.6.5-7.97-smp\n"
	"cpus 4\n"
	"ram 0 a0000\n"
	"ram 100000 200000\n"
	"zero 140000 150000\n"
	"filter 180000 190000 free\n"
	"ram 400000 420000\n";

/* Pages the spec stores (data and zero): what a whole dump holds. */
static uint64_t stored_pages(const char *spec)
{
	struct gen_spec s;
	char err[256];
	uint64_t pfn, n = 0;
	int reason;

	ck_assert_msg(gen_spec_parse(spec, &s, err, sizeof(err)) == 0, "%s",
		      err);
	for (pfn = 0; pfn < gen_max_pfn(&s); pfn++) {
		enum gen_kind k = gen_page_kind(&s, pfn, &reason);

		n += k == GEN_DATA || k == GEN_ZERO;
	}
	gen_spec_free(&s);
	return n;
}

static char *gen_with(const char *extra, const char *name)
{
	char *spec, *path;

	ck_assert_int_ge(asprintf(&spec, "%s%s", base_spec, extra), 0);
	path = unit_gen("lkcd", spec, name);
	free(spec);
	return path;
}

/* Read every page the dump says it has; count them and the lost ones. */
static void read_present(struct mkd_dump *dump, const char *spec,
			 uint64_t *present, uint64_t *lost)
{
	uint32_t ps = mkd_dump_page_size(dump);
	uint8_t *got = malloc(ps), *want = malloc(ps);
	uint64_t pfn = 0;
	struct gen_spec s;
	char err[256];

	ck_assert(gen_spec_parse(spec, &s, err, sizeof(err)) == 0);
	*present = *lost = 0;
	while (pfn < mkd_dump_max_pfn(dump)) {
		struct mkd_page_run run;
		uint64_t i;

		ck_assert_ok(mkd_page_state(dump, pfn, &run));
		for (i = 0; i < run.count && run.state == MKD_PAGE_PRESENT;
		     i++) {
			ck_assert_ok(mkd_read_phys(dump, (pfn + i) * ps, got,
						   ps, NULL));
			gen_page_expect(&s, pfn + i, want);
			ck_assert_msg(!memcmp(got, want, ps), "pfn 0x%llx",
				      (unsigned long long)(pfn + i));
		}
		if (run.state == MKD_PAGE_PRESENT)
			*present += run.count;
		if (run.state == MKD_PAGE_LOST)
			*lost += run.count;
		pfn += run.count;
	}
	gen_spec_free(&s);
	free(got);
	free(want);
}

/*
 * Open gen_with(extra) and check every page against the spec: each page
 * stored reads back, and none is missing.
 */
static struct mkd_dump *open_checked(const char *extra, const char *name)
{
	char *spec, *path = gen_with(extra, name);
	struct mkd_dump *dump = unit_open(path);
	uint64_t present, lost;

	ck_assert_int_ge(asprintf(&spec, "%s%s", base_spec, extra), 0);
	unit_check_pattern(dump, spec, NULL);
	read_present(dump, spec, &present, &lost);
	ck_assert_uint_eq(present, stored_pages(spec));
	ck_assert_uint_eq(lost, 0);
	free(spec);
	free(path);
	return dump;
}

START_TEST(lkcd_every_version_round_trips)
{
	static const unsigned versions[] = { 1, 2, 3, 5, 6, 7, 8, 9, 10 };
	static const char *const codecs[] = { "none", "rle", "gzip" };
	size_t i, a;

	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		for (a = 0; a < 2; a++) {
			unsigned v = versions[i];
			const char *codec = v <= 3 ? "rle" : codecs[(i + a) % 3];
			struct mkd_dump *dump;
			char extra[128], name[64];
			int64_t t;

			snprintf(extra, sizeof(extra),
				 "arch %s\ncodec %s\noption version %u\n",
				 a ? "i686" : "x86_64", codec, v);
			snprintf(name, sizeof(name), "v%u-%zu.lkcd", v, a);
			dump = open_checked(extra, name);
			ck_assert_str_eq(mkd_dump_format(dump), "lkcd");
			ck_assert_str_eq(mkd_dump_kernel_release(dump),
					 "2.6.5-7.97-smp");
			ck_assert_int_eq(mkd_dump_arch(dump),
					 a ? MKD_ARCH_X86 : MKD_ARCH_X86_64);
			ck_assert(mkd_dump_crash_time(dump, &t) &&
				  t == 1100000000);
			ck_assert_str_eq(mkd_dump_panic_string(dump),
					 "Kernel panic: mkdump synthetic LKCD dump");
			ck_assert(!mkd_dump_incomplete(dump));
			ck_assert_int_eq(mkd_dump_level(dump), -1);
			ck_assert_uint_eq(mkd_dump_ram_range_count(dump), 4);
			ck_assert_uint_eq(mkd_dump_max_pfn(dump), 0x420);
			mkd_dump_destroy(dump);
		}
	}
}
END_TEST

START_TEST(lkcd_codecs_are_reported)
{
	struct mkd_dump *dump;

	dump = open_checked("codec rle\noption version 9\n", "rle.lkcd");
	ck_assert_str_eq(mkd_dump_codecs(dump), "rle");
	mkd_dump_destroy(dump);
	dump = open_checked("codec gzip\noption version 9\n", "gzip.lkcd");
	ck_assert_str_eq(mkd_dump_codecs(dump), "zlib");
	mkd_dump_destroy(dump);
	dump = open_checked("codec none\n", "none.lkcd");
	ck_assert_str_eq(mkd_dump_codecs(dump), "none");
	mkd_dump_destroy(dump);
}
END_TEST

START_TEST(lkcd_page_states)
{
	struct mkd_dump *dump = open_checked("", "states.lkcd");
	struct mkd_page_run run;
	const struct mkd_range *r = mkd_dump_ram_ranges(dump);

	ck_assert_ok(mkd_page_state(dump, 0, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_PRESENT);
	ck_assert_uint_eq(run.count, 0xa0);
	/* LKCD cannot tell a filtered page from a hole: not dumped. */
	ck_assert_ok(mkd_page_state(dump, 0x180, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_NOT_DUMPED);
	ck_assert_uint_eq(run.count, 0x10);
	ck_assert_ok(mkd_page_state(dump, 0xa0, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_NOT_DUMPED);
	ck_assert_uint_eq(run.count, 0x60);
	ck_assert_uint_eq(r[1].start, 0x100000);
	ck_assert_uint_eq(r[1].end, 0x180000);
	ck_assert_uint_eq(r[2].start, 0x190000);
	mkd_dump_destroy(dump);
}
END_TEST

START_TEST(lkcd_any_page_order)
{
	struct mkd_dump *dump;

	dump = open_checked("codec gzip\noption order shuffled\n", "shuf.lkcd");
	mkd_dump_destroy(dump);
	dump = open_checked("option order reverse\noption version 5\n",
			    "rev.lkcd");
	mkd_dump_destroy(dump);
}
END_TEST

/* Every third page is written first with 0xdd bytes: the later copy wins. */
START_TEST(lkcd_duplicates_later_wins)
{
	struct mkd_dump *dump;

	dump = open_checked("option duplicates 3\noption order shuffled\n"
			    "codec rle\n", "dup.lkcd");
	mkd_dump_destroy(dump);
	dump = open_checked("option duplicates 1\noption version 2\n"
			    "codec rle\n", "dup2.lkcd");
	mkd_dump_destroy(dump);
}
END_TEST

START_TEST(lkcd_header_variants)
{
	struct mkd_dump *dump;
	uint32_t cpu;

	/* Live dump magic, MCLX version bit and page-number addresses. */
	dump = open_checked("option magic live\noption mclx 3\n", "mclx.lkcd");
	mkd_dump_destroy(dump);
	/* v9+: pages start at dh_dump_buffer_size; 0 means 64 KiB. */
	dump = open_checked("option version 9\noption buffer_size 0x30000\n",
			    "buf.lkcd");
	mkd_dump_destroy(dump);
	dump = open_checked("option version 10\noption buffer_size 0\n",
			    "buf0.lkcd");
	mkd_dump_destroy(dump);
	dump = open_checked("page_size 65536\noption version 9\ncodec gzip\n",
			    "64k.lkcd");
	ck_assert_uint_eq(mkd_dump_page_size(dump), 65536);
	mkd_dump_destroy(dump);
	/* The arch header names the dumping CPU, for x86_64 and i386. */
	dump = open_checked("option dumping_cpu 2\n", "cpu.lkcd");
	ck_assert(mkd_dump_panic_cpu(dump, &cpu) && cpu == 2);
	mkd_dump_destroy(dump);
	dump = open_checked("arch i686\noption dumping_cpu 3\noption version 9\n",
			    "cpu32.lkcd");
	ck_assert(mkd_dump_panic_cpu(dump, &cpu) && cpu == 3);
	mkd_dump_destroy(dump);
	dump = open_checked("option panic none\noption version 6\n",
			    "nopanic.lkcd");
	ck_assert_ptr_null(mkd_dump_panic_string(dump));
	mkd_dump_destroy(dump);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Patching generated dumps */

struct blob {
	uint8_t *data;
	size_t len;
};

static struct blob slurp(const char *path)
{
	struct blob b;

	b.data = unit_slurp(path, &b.len);
	return b;
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static void put_record(uint8_t *p, uint64_t addr, uint32_t size,
		       uint32_t flags)
{
	put64(p, addr);
	put32(p + 8, size);
	put32(p + 12, flags);
}

/*
 * A v8 dump of two pages whose records are followed by ours: gen with
 * "pad 0" ends in the END record, which we overwrite.  Records are given
 * as (pfn, flags, data); an END record closes the file.
 */
struct rec {
	uint64_t pfn;
	uint32_t flags;
	const uint8_t *data;
	size_t len;
};

static char *dump_with_records(const char *codec, const struct rec *r,
			       size_t n, const char *name)
{
	char spec[128], *path;
	struct blob b;
	size_t i, off;

	snprintf(spec, sizeof(spec), "codec %s\noption pad 0\nram 0 2000\n",
		 codec);
	path = unit_gen("lkcd", spec, name);
	b = slurp(path);
	off = b.len - REC_SIZE;
	for (i = 0; i < n; i++)
		off += REC_SIZE + r[i].len;
	b.data = realloc(b.data, off + REC_SIZE);
	off = b.len - REC_SIZE;
	for (i = 0; i < n; i++) {
		put_record(b.data + off, r[i].pfn * 4096, (uint32_t)r[i].len,
			   r[i].flags);
		memcpy(b.data + off + REC_SIZE, r[i].data, r[i].len);
		off += REC_SIZE + r[i].len;
	}
	put_record(b.data + off, 0, 0, DP_END);
	unit_spill(path, b.data, off + REC_SIZE);
	free(b.data);
	return path;
}

/* LKCD's RLE by hand: 0,0 is a zero; 0,n,v is n+1 copies of v. */
START_TEST(lkcd_rle_by_hand)
{
	uint8_t code[64], want[4096], got[4096];
	size_t n = 0, w = 0, i;
	struct rec r = { 2, DP_COMPRESSED, code, 0 };
	struct mkd_dump *dump;
	char *path;

	code[n++] = 'A', want[w++] = 'A';
	code[n++] = 0, code[n++] = 0, want[w++] = 0;
	code[n++] = 0, code[n++] = 1, code[n++] = 0, want[w++] = 0,
		want[w++] = 0;
	code[n++] = 7, code[n++] = 7, want[w++] = 7, want[w++] = 7;
	code[n++] = 0, code[n++] = 2, code[n++] = 9;
	memset(want + w, 9, 3), w += 3;
	while (w + 256 <= sizeof(want)) {
		code[n++] = 0, code[n++] = 255, code[n++] = 0x11;
		memset(want + w, 0x11, 256), w += 256;
	}
	code[n++] = 0, code[n++] = (uint8_t)(sizeof(want) - w - 2);
	code[n++] = 0x22;
	memset(want + w, 0x22, sizeof(want) - w - 1);
	w = sizeof(want) - 1;
	code[n++] = 'Z', want[w++] = 'Z';
	ck_assert_uint_le(n, sizeof(code));
	r.len = n;
	path = dump_with_records("rle", &r, 1, "rle-hand.lkcd");
	dump = unit_open(path);
	ck_assert_ok(mkd_read_phys(dump, 0x2000, got, sizeof(got), NULL));
	for (i = 0; i < sizeof(want); i++)
		ck_assert_msg(got[i] == want[i], "byte %zu: %u, want %u", i,
			      got[i], want[i]);
	mkd_dump_destroy(dump);
	free(path);
}
END_TEST

/* Pages of mixed runs through the writer's encoder and the reader. */
START_TEST(lkcd_rle_mixed_runs)
{
	enum { NPAGES = 16 };
	static uint8_t pages[NPAGES][4096], codes[NPAGES][4096];
	struct rec r[NPAGES];
	struct mkd_dump *dump;
	uint8_t got[4096];
	uint64_t x = 12345;
	size_t p, i;
	char *path;

	for (p = 0; p < NPAGES; p++) {
		for (i = 0; i < 4096;) {
			size_t run;

			x = x * 6364136223846793005ULL + 1;
			run = 1 + (x >> 40) % (p < 8 ? 4 : 300);
			memset(pages[p] + i, (x >> 20) % 3 == 0 ? 0 : (int)(x >> 32),
			       run < 4096 - i ? run : 4096 - i);
			i += run;
		}
		r[p] = (struct rec){ 2 + p, DP_COMPRESSED, codes[p],
				     gen_lkcd_rle(pages[p], 4096, codes[p]) };
		if (r[p].len == 4096)
			r[p] = (struct rec){ 2 + p, DP_RAW, pages[p], 4096 };
	}
	path = dump_with_records("rle", r, NPAGES, "rle-mixed.lkcd");
	dump = unit_open(path);
	for (p = 0; p < NPAGES; p++) {
		ck_assert_ok(mkd_read_phys(dump, (2 + p) * 4096, got, 4096,
					   NULL));
		ck_assert_msg(!memcmp(got, pages[p], 4096), "page %zu", p);
	}
	mkd_dump_destroy(dump);
	free(path);
}
END_TEST

/* RLE that does not make exactly one page is corrupt, not a crash. */
START_TEST(lkcd_rle_bad_data)
{
	static const uint8_t too_long[] = { 0, 255, 1, 0, 255, 1, 0, 255, 1,
		0, 255, 1, 0, 255, 1, 0, 255, 1, 0, 255, 1, 0, 255, 1,
		0, 255, 1, 0, 255, 1, 0, 255, 1, 0, 255, 1, 0, 255, 1,
		0, 255, 1, 0, 255, 1, 0, 255, 1, 0, 255, 1 };
	static const uint8_t too_short[] = { 0, 255, 1 };
	static const uint8_t cut_escape[] = { 1, 2, 0, 5 };
	static const uint8_t cut_zero[] = { 1, 2, 0 };
	struct rec r[] = {
		{ 2, DP_COMPRESSED, too_long, sizeof(too_long) },
		{ 3, DP_COMPRESSED, too_short, sizeof(too_short) },
		{ 4, DP_COMPRESSED, cut_escape, sizeof(cut_escape) },
		{ 5, DP_COMPRESSED, cut_zero, sizeof(cut_zero) },
		{ 6, DP_COMPRESSED, too_short, sizeof(too_short) },
	};
	char *path = dump_with_records("rle", r, 4, "rle-bad.lkcd");
	char *gz = dump_with_records("gzip", r + 4, 1, "gz-bad.lkcd");
	struct mkd_dump *dump = unit_open(path);
	struct mkd_error *err;
	uint8_t got[4096];
	uint64_t pfn;

	for (pfn = 2; pfn <= 5; pfn++) {
		err = mkd_read_phys(dump, pfn * 4096, got, 4096, NULL);

		ck_assert_msg(mkd_error_code(err) == MKD_ERR_CORRUPT,
			      "pfn %llu: %s", (unsigned long long)pfn,
			      err ? mkd_error_message(err) : "read");
		ck_assert_ptr_nonnull(strstr(mkd_error_message(err), "rle"));
		mkd_error_destroy(err);
	}
	mkd_dump_destroy(dump);
	dump = unit_open(gz);
	err = mkd_read_phys(dump, 6 * 4096, got, 4096, NULL);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_CORRUPT);
	ck_assert_ptr_nonnull(strstr(mkd_error_message(err), "zlib"));
	mkd_error_destroy(err);
	mkd_dump_destroy(dump);
	free(path);
	free(gz);
}
END_TEST

/* Cut points: close together near the header, the first records and the
 * END record, every 1021 bytes (a prime: any phase in a page) elsewhere. */
static size_t next_cut(size_t at, size_t end)
{
	bool dense = at < 800 || (at + 64 >= FIRST_PAGE && at < FIRST_PAGE + 64)
		     || (at + 64 >= end && at < end + 16);

	return at + (dense ? 7 : 1021);
}

/* The END record's end: the generator pads after it with 'm'. */
static size_t end_of_end(const struct blob *b)
{
	size_t n = b->len;

	while (n && b->data[n - 1] == 'm')
		n--;
	return n;
}

/*
 * Cut the dump at many places: a cut inside the header fails to open,
 * any later cut opens (incomplete unless the END record is whole), with
 * the pages before the cut intact and never more pages than a longer cut.
 */
START_TEST(lkcd_truncated_everywhere)
{
	static const char spec[] = "codec gzip\noption version 9\n"
				   "option order shuffled\nram 0 40000\n"
				   "zero 10000 20000\n";
	char *path = unit_gen("lkcd", spec, "whole.lkcd"), cut[512];
	struct blob b = slurp(path);
	uint64_t last = 0, present, lost, lost_seen = 0;
	size_t at, end = end_of_end(&b);

	snprintf(cut, sizeof(cut), "%s.cut", path);
	for (at = 0; at <= b.len; at = next_cut(at, end)) {
		struct mkd_dump *dump = NULL;
		struct mkd_error *err;

		unit_spill(cut, b.data, at);
		err = mkd_dump_open(cut, NULL, &dump);
		if (at < 742) {		/* the v9 header */
			ck_assert_msg(err, "cut at %zu opened", at);
			ck_assert_ptr_nonnull(strstr(mkd_error_message(err), cut));
			mkd_error_destroy(err);
			continue;
		}
		ck_assert_msg(!err, "cut at %zu: %s", at, mkd_error_message(err));
		ck_assert_int_eq(mkd_dump_incomplete(dump), at < end);
		read_present(dump, spec, &present, &lost);
		ck_assert_uint_ge(present, last);
		last = present;
		lost_seen += lost;
		mkd_dump_destroy(dump);
	}
	ck_assert_uint_gt(lost_seen, 0);
	ck_assert_uint_eq(last, 0x40);
	free(b.data);
	free(path);
}
END_TEST

START_TEST(lkcd_end_record_says_complete)
{
	struct mkd_dump *dump;
	struct mkd_page_run run;
	struct mkd_error *err;
	uint8_t page[4096];
	char *path;

	path = gen_with("option end truncated\n", "endtrunc.lkcd");
	dump = unit_open(path);
	ck_assert(mkd_dump_incomplete(dump));
	mkd_dump_destroy(dump);
	free(path);
	path = gen_with("option end none\noption version 3\ncodec rle\n",
			"noend.lkcd");
	dump = unit_open(path);
	ck_assert(mkd_dump_incomplete(dump));
	mkd_dump_destroy(dump);
	free(path);
	/* Cut inside the second record's data: one page read, one lost. */
	path = gen_with("option truncate 0x11100\n", "cutrec.lkcd");
	dump = unit_open(path);
	ck_assert(mkd_dump_incomplete(dump));
	ck_assert_uint_eq(mkd_dump_max_pfn(dump), 2);
	ck_assert_ok(mkd_read_phys(dump, 0, page, sizeof(page), NULL));
	ck_assert_ok(mkd_page_state(dump, 1, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_LOST);
	err = mkd_read_phys(dump, 0x1000, page, sizeof(page), NULL);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_NO_DATA);
	ck_assert_ptr_nonnull(strstr(mkd_error_message(err), "lost"));
	mkd_error_destroy(err);
	mkd_dump_destroy(dump);
	free(path);
}
END_TEST

/* Very early i386 v1 dumps gave 0xc0000000-based addresses (crash). */
START_TEST(lkcd_v1_virtual_addresses)
{
	static const char spec[] = "arch i686\ncodec rle\noption version 1\n"
				   "ram 0 20000\n";
	char *path = unit_gen("lkcd", spec, "v1kv.lkcd");
	struct blob b = slurp(path);
	struct mkd_dump *dump;
	size_t off = FIRST_PAGE;

	while (!(get32(b.data + off + 12) & DP_END)) {
		put64(b.data + off, get64(b.data + off) + 0xc0000000ULL);
		off += REC_SIZE + get32(b.data + off + 8);
	}
	unit_spill(path, b.data, b.len);
	dump = unit_open(path);
	unit_check_pattern(dump, spec, NULL);
	ck_assert_uint_eq(mkd_dump_max_pfn(dump), 0x20);
	mkd_dump_destroy(dump);
	free(b.data);
	free(path);
}
END_TEST

struct patch {
	size_t off;
	uint64_t value;
	int size;
	enum mkd_error_code code;
	const char *says;
};

static void try_patches(const char *path, const struct patch *cases,
			size_t n)
{
	struct blob b = slurp(path);
	char bad[512];
	size_t i;

	snprintf(bad, sizeof(bad), "%s.bad", path);
	for (i = 0; i < n; i++) {
		uint8_t *copy = malloc(b.len);
		struct mkd_dump *dump = NULL;
		struct mkd_error *err;

		memcpy(copy, b.data, b.len);
		memcpy(copy + cases[i].off, &cases[i].value, cases[i].size);
		unit_spill(bad, copy, b.len);
		err = mkd_dump_open(bad, NULL, &dump);
		ck_assert_msg(err, "case %zu opened", i);
		ck_assert_msg(mkd_error_code(err) == cases[i].code,
			      "case %zu: %s", i, mkd_error_message(err));
		ck_assert_ptr_nonnull(strstr(mkd_error_message(err), bad));
		ck_assert_msg(strstr(mkd_error_message(err), cases[i].says),
			      "case %zu: %s", i, mkd_error_message(err));
		mkd_error_destroy(err);
		free(copy);
	}
	free(b.data);
}

/* Hostile headers and records: clear errors, never a crash or a huge
 * allocation. */
START_TEST(lkcd_hostile_input)
{
	static const struct patch v9[] = {
		{ 20, 1u << 30, 4, MKD_ERR_CORRUPT, "page size" },
		{ 20, 5000, 4, MKD_ERR_CORRUPT, "power of two" },
		{ 20, 0, 4, MKD_ERR_CORRUPT, "page size 0" },
		{ 8, 4, 4, MKD_ERR_UNSUPPORTED, "version 4" },
		{ 8, 11, 4, MKD_ERR_UNSUPPORTED, "version 11" },
		{ 722, 7, 4, MKD_ERR_UNSUPPORTED, "compression 7" },
		{ 734, 1ULL << 40, 8, MKD_ERR_CORRUPT, "buffer size" },
		{ 734, 100, 8, MKD_ERR_CORRUPT, "buffer size" },
		{ 0, 0xa8190173618f23fdULL, 8, MKD_ERR_UNSUPPORTED, "s390" },
		{ 0, 0xed238f61730119a8ULL, 8, MKD_ERR_UNSUPPORTED,
		  "big-endian" },
		/* the first record */
		{ FIRST_PAGE + 8, 4097, 4, MKD_ERR_CORRUPT, "more than a page" },
		{ FIRST_PAGE + 8, 0xffffffff, 4, MKD_ERR_CORRUPT,
		  "more than a page" },
		{ FIRST_PAGE + 8, 100, 4, MKD_ERR_CORRUPT, "raw page of 100" },
		{ FIRST_PAGE + 12, 0, 4, MKD_ERR_CORRUPT, "raw or compressed" },
		{ FIRST_PAGE + 12, DP_RAW | DP_COMPRESSED, 4, MKD_ERR_CORRUPT,
		  "raw or compressed" },
		{ FIRST_PAGE, 0x1234, 8, MKD_ERR_CORRUPT, "not a page's" },
		{ FIRST_PAGE, 1ULL << 62, 8, MKD_ERR_CORRUPT, "implausibly" },
	};
	static const struct patch v5[] = {
		{ 316, 0, 1, MKD_ERR_CORRUPT, "cannot tell the layout" },
	};
	char *p9 = unit_gen("lkcd", "option version 9\nram 0 10000\n",
			    "hostile9.lkcd");
	char *p5 = unit_gen("lkcd", "arch i686\noption version 5\n"
			    "ram 0 10000\n", "hostile5.lkcd");
	struct mkd_dump *dump = NULL;
	struct mkd_error *err;
	char path[512];

	try_patches(p9, v9, sizeof(v9) / sizeof(v9[0]));
	try_patches(p5, v5, sizeof(v5) / sizeof(v5[0]));
	/* A header cut short names the file. */
	snprintf(path, sizeof(path), "%s.short", p9);
	unit_spill(path, "\xed\x23\x8f\x61\x73\x01\x19\xa8\x09\0\0\0", 12);
	err = mkd_dump_open(path, NULL, &dump);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_TRUNCATED);
	ck_assert_ptr_nonnull(strstr(mkd_error_message(err), path));
	mkd_error_destroy(err);
	free(p9);
	free(p5);
}
END_TEST

/* A header that claims 4 G pages must not make us allocate for them. */
START_TEST(lkcd_absurd_page_count)
{
	char *path = unit_gen("lkcd", "option version 8\nram 0 10000\n",
			      "count.lkcd");
	struct blob b = slurp(path);
	struct mkd_dump *dump;

	put32(b.data + 48, 0xffffffff);		/* dh_num_pages */
	unit_spill(path, b.data, b.len);
	dump = unit_open(path);
	unit_check_pattern(dump, "ram 0 10000\n", NULL);
	mkd_dump_destroy(dump);
	free(b.data);
	free(path);
}
END_TEST

static Suite *lkcd_suite(void)
{
	Suite *s = suite_create("lkcd");
	TCase *tc = tcase_create("lkcd");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, lkcd_every_version_round_trips);
	tcase_add_test(tc, lkcd_codecs_are_reported);
	tcase_add_test(tc, lkcd_page_states);
	tcase_add_test(tc, lkcd_any_page_order);
	tcase_add_test(tc, lkcd_duplicates_later_wins);
	tcase_add_test(tc, lkcd_header_variants);
	tcase_add_test(tc, lkcd_rle_by_hand);
	tcase_add_test(tc, lkcd_rle_mixed_runs);
	tcase_add_test(tc, lkcd_rle_bad_data);
	tcase_add_test(tc, lkcd_truncated_everywhere);
	tcase_add_test(tc, lkcd_end_record_says_complete);
	tcase_add_test(tc, lkcd_v1_virtual_addresses);
	tcase_add_test(tc, lkcd_hostile_input);
	tcase_add_test(tc, lkcd_absurd_page_count);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(lkcd_suite)
