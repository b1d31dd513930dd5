// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_mkd_damage.c - mkd dumps cut short and damaged: cut at every
 * checkpoint and at many other places, single bits flipped all over,
 * headers with absurd sizes.  The rules: a cut dump reads every page up
 * to its last checkpoint and calls the rest lost; a flipped bit is always
 * noticed and never turns into wrong data; damage to a block costs only
 * that block's pages; hostile sizes give errors, not huge allocations.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "unit.h"
#include "mkd-layout.h"

static const char spec_text[] =
	"cpus 2\n"
	"vmcoreinfo OSRELEASE=6.1.0-cut\n"
	"ram 0 30000\n"
	"ram 40000 80000\n"
	"zero 50000 58000\n"
	"filter 60000 68000 free\n"
	"filter 68000 6a000 user\n"
	"codec zstd\n"
	"option block_pages 4\n"
	"option checkpoint 6000\n";

struct blob {
	uint8_t *data;
	size_t len;
};

struct rec {
	uint64_t offset, end;
	struct mkd_record r;
};

/* The full dump and what it says, to compare damaged copies with. */
struct truth {
	char *path, *copy;
	struct blob file;
	struct gen_spec spec;
	uint64_t max_pfn;
	struct mkd_page_run *runs;	/* per pfn */
	uint64_t dump_id;
	struct rec recs[512];
	size_t nrecs;
};

static struct blob slurp(const char *path)
{
	struct blob b;

	b.data = unit_slurp(path, &b.len);
	return b;
}

/* Every record from the header to the trailer. */
static void walk_records(struct truth *t)
{
	uint64_t off = MKD_HEADER_SIZE, end = t->file.len - MKD_TRAILER_SIZE;

	while (off < end) {
		struct rec *r = &t->recs[t->nrecs++];

		ck_assert(t->nrecs < 512);
		ck_assert(mkd_record_decode(t->file.data + off, t->dump_id,
					    &r->r));
		r->offset = off;
		r->end = off = off + MKD_RECORD_SIZE + r->r.length;
	}
	ck_assert_uint_eq(off, end);
}

static void truth_init(struct truth *t)
{
	struct mkd_dump *dump;
	struct mkd_fheader h;
	char err[128];
	uint64_t pfn;

	memset(t, 0, sizeof(*t));
	t->path = unit_gen("mkd", spec_text, "truth.mkd");
	if (asprintf(&t->copy, "%s.copy", t->path) < 0)
		ck_abort_msg("out of memory");
	ck_assert(gen_spec_parse(spec_text, &t->spec, err, sizeof(err)) == 0);
	t->file = slurp(t->path);
	ck_assert_ok(mkd_fheader_decode(t->file.data, t->file.len, &h));
	t->dump_id = h.dump_id;
	walk_records(t);
	dump = unit_open(t->path);
	t->max_pfn = mkd_dump_max_pfn(dump);
	t->runs = calloc(t->max_pfn, sizeof(*t->runs));
	for (pfn = 0; pfn < t->max_pfn; pfn++)
		ck_assert_ok(mkd_page_state(dump, pfn, &t->runs[pfn]));
	mkd_dump_destroy(dump);
}

static void truth_free(struct truth *t)
{
	free(t->path);
	free(t->copy);
	free(t->file.data);
	free(t->runs);
	gen_spec_free(&t->spec);
}

/* One past the last pfn the checkpoints within the first cut bytes describe. */
static uint64_t covered(const struct truth *t, uint64_t cut)
{
	uint64_t bound = 0;
	size_t i;

	for (i = 0; i < t->nrecs && t->recs[i].end <= cut; i++)
		if (t->recs[i].r.type == MKD_REC_INDEX)
			bound = mkd_le64(t->file.data + t->recs[i].offset +
					 MKD_RECORD_SIZE + 8);
	return bound;
}

static void check_page_reads(struct mkd_dump *dump, const struct truth *t,
			     uint64_t pfn)
{
	uint8_t got[4096], want[4096];

	gen_page_expect(&t->spec, pfn, want);
	ck_assert_ok(mkd_read_phys(dump, pfn * 4096, got, 4096, NULL));
	ck_assert_msg(!memcmp(got, want, 4096), "pfn 0x%llx reads wrong",
		      (unsigned long long)pfn);
}

/* Past the last checkpoint: lost if RAM (when the dump knows RAM). */
static enum mkd_page_state beyond_state(struct mkd_dump *dump,
					const struct mkd_page_run *want)
{
	if (want->state == MKD_PAGE_NOT_DUMPED ||
	    !mkd_dump_ram_range_count(dump))
		return MKD_PAGE_NOT_DUMPED;
	return MKD_PAGE_LOST;
}

/* A dump cut after cut bytes: all before its last checkpoint, no more. */
static void check_cut(const struct truth *t, uint64_t cut)
{
	uint64_t bound = covered(t, cut), pfn;
	struct mkd_dump *dump = NULL;
	struct mkd_error *err;

	unit_spill(t->copy, t->file.data, cut);
	err = mkd_dump_open(t->copy, NULL, &dump);
	if (cut < MKD_HEADER_SIZE) {
		ck_assert_msg(err != NULL, "cut at %llu opens",
			      (unsigned long long)cut);
		mkd_error_destroy(err);
		return;
	}
	ck_assert_msg(!err, "cut at %llu: %s", (unsigned long long)cut,
		      mkd_error_message(err));
	ck_assert(mkd_dump_incomplete(dump) == (cut < t->file.len));
	for (pfn = 0; pfn < t->max_pfn && pfn < mkd_dump_max_pfn(dump); pfn++) {
		const struct mkd_page_run *want = &t->runs[pfn];
		struct mkd_page_run run;

		ck_assert_ok(mkd_page_state(dump, pfn, &run));
		if (pfn >= bound)
			ck_assert_msg(run.state == beyond_state(dump, want),
				      "cut %llu: pfn 0x%llx past pfn 0x%llx is %s",
				      (unsigned long long)cut,
				      (unsigned long long)pfn,
				      (unsigned long long)bound,
				      mkd_page_state_name(run.state));
		else
			ck_assert_msg(run.state == want->state &&
				      run.reason == want->reason,
				      "cut %llu: pfn 0x%llx is %s",
				      (unsigned long long)cut,
				      (unsigned long long)pfn,
				      mkd_page_state_name(run.state));
		if (pfn < bound && (run.state == MKD_PAGE_PRESENT ||
				    run.state == MKD_PAGE_ZERO))
			check_page_reads(dump, t, pfn);
	}
	mkd_dump_destroy(dump);
}

START_TEST(mkd_cut_anywhere_reads_to_the_last_checkpoint)
{
	struct truth t;
	uint64_t cut, checkpoints = 0;
	size_t i;

	truth_init(&t);
	for (i = 0; i < t.nrecs; i++) {
		const struct rec *r = &t.recs[i];

		if (r->r.type != MKD_REC_INDEX)
			continue;
		checkpoints++;
		check_cut(&t, r->end);		/* right after it */
		check_cut(&t, r->end - 1);	/* one byte short */
		check_cut(&t, r->offset);	/* right before it */
	}
	ck_assert_uint_ge(checkpoints, 10);
	srandom(1);
	for (i = 0; i < 300; i++)
		check_cut(&t, (uint64_t)random() % t.file.len);
	for (cut = 0; cut < 200; cut += 7)
		check_cut(&t, cut);
	check_cut(&t, t.file.len - 1);
	check_cut(&t, t.file.len);
	truth_free(&t);
}
END_TEST

/*
 * Flip one bit at off.  The dump must either fail to open with a clear
 * error, or open and never give wrong data; and the damage must show.
 */
static void check_flip(const struct truth *t, uint64_t off)
{
	uint8_t *copy = malloc(t->file.len), got[4096], want[4096];
	struct mkd_dump *dump = NULL;
	struct mkd_error *err;
	bool noticed;
	uint64_t pfn;

	memcpy(copy, t->file.data, t->file.len);
	copy[off] ^= (uint8_t)(1u << (off * 5 % 8));
	unit_spill(t->copy, copy, t->file.len);
	free(copy);
	err = mkd_dump_open(t->copy, NULL, &dump);
	if (err) {
		enum mkd_error_code code = mkd_error_code(err);

		ck_assert_msg(code == MKD_ERR_CORRUPT ||
			      code == MKD_ERR_NOT_DUMP ||
			      code == MKD_ERR_UNSUPPORTED,
			      "flip at %llu: %s", (unsigned long long)off,
			      mkd_error_message(err));
		mkd_error_destroy(err);
		return;
	}
	noticed = mkd_dump_incomplete(dump);
	for (pfn = 0; pfn < t->max_pfn; pfn++) {
		struct mkd_page_run run;

		ck_assert_ok(mkd_page_state(dump, pfn, &run));
		if (run.state != t->runs[pfn].state ||
		    run.reason != t->runs[pfn].reason) {
			ck_assert(run.state == MKD_PAGE_DAMAGED ||
				  run.state == MKD_PAGE_LOST);
			noticed = true;
			continue;
		}
		if (run.state != MKD_PAGE_PRESENT && run.state != MKD_PAGE_ZERO)
			continue;
		err = mkd_read_phys(dump, pfn * 4096, got, 4096, NULL);
		gen_page_expect(&t->spec, pfn, want);
		ck_assert_msg(err ? mkd_error_code(err) == MKD_ERR_CORRUPT
				  : !memcmp(got, want, 4096),
			      "flip at %llu: pfn 0x%llx", (unsigned long long)off,
			      (unsigned long long)pfn);
		noticed |= err != NULL;
		mkd_error_destroy(err);
	}
	ck_assert_msg(noticed, "flip at %llu went unnoticed",
		      (unsigned long long)off);
	mkd_dump_destroy(dump);
}

START_TEST(mkd_bit_flips_are_noticed_never_wrong_data)
{
	struct truth t;
	uint64_t off;
	size_t i;

	truth_init(&t);
	/* Every byte of the header, every record header and the trailer. */
	for (off = 0; off < MKD_HEADER_SIZE; off++)
		check_flip(&t, off);
	for (i = 0; i < t.nrecs; i++)
		for (off = 0; off < MKD_RECORD_SIZE; off += 3)
			check_flip(&t, t.recs[i].offset + off);
	for (off = t.file.len - MKD_TRAILER_SIZE; off < t.file.len; off++)
		check_flip(&t, off);
	/* Metadata payloads byte by byte, blocks here and there. */
	for (i = 0; i < t.nrecs; i++) {
		const struct rec *r = &t.recs[i];
		uint64_t step = r->r.type == MKD_REC_BLOCK ? 211 : 1;

		for (off = r->offset + MKD_RECORD_SIZE; off < r->end;
		     off += step)
			check_flip(&t, off);
	}
	truth_free(&t);
}
END_TEST

/* A damaged block costs exactly its own pages. */
START_TEST(mkd_damaged_block_costs_only_its_pages)
{
	struct truth t;
	const struct rec *blk = NULL;
	struct mkd_dump *dump;
	uint64_t pfn, bad = 0, good = 0, nblock = 0;
	size_t i;

	truth_init(&t);
	for (i = 0; i < t.nrecs; i++)
		if (t.recs[i].r.type == MKD_REC_BLOCK && nblock++ == 5)
			blk = &t.recs[i];
	ck_assert_ptr_nonnull(blk);
	t.file.data[blk->offset + MKD_RECORD_SIZE + 10] ^= 0x40;
	unit_spill(t.copy, t.file.data, t.file.len);
	dump = unit_open(t.copy);
	ck_assert(!mkd_dump_incomplete(dump));
	for (pfn = 0; pfn < t.max_pfn; pfn++) {
		uint8_t page[4096];
		struct mkd_error *err;

		if (t.runs[pfn].state != MKD_PAGE_PRESENT)
			continue;
		err = mkd_read_phys(dump, pfn * 4096, page, 4096, NULL);
		if (err) {
			ck_assert_int_eq(mkd_error_code(err), MKD_ERR_CORRUPT);
			ck_assert_ptr_nonnull(strstr(mkd_error_message(err),
						     "block 5 at"));
			mkd_error_destroy(err);
			bad++;
		} else {
			check_page_reads(dump, &t, pfn);
			good++;
		}
	}
	ck_assert_uint_eq(bad, blk->r.arg2);
	ck_assert_uint_gt(good, 20);
	mkd_dump_destroy(dump);
	truth_free(&t);
}
END_TEST

/*
 * A cut dump whose chain of checkpoints breaks: what the broken link
 * covered is damaged, the checkpoints after it read, the rest is lost.
 */
START_TEST(mkd_broken_checkpoint_chain)
{
	const struct rec *idx[8];
	struct mkd_page_run run;
	struct mkd_dump *dump;
	struct truth t;
	uint64_t pfn, seg1_end, seg4_end;
	size_t i, n = 0;

	truth_init(&t);
	for (i = 0; i < t.nrecs && n < 8; i++)
		if (t.recs[i].r.type == MKD_REC_INDEX)
			idx[n++] = &t.recs[i];
	ck_assert_uint_ge(n, 6);
	seg1_end = mkd_le64(t.file.data + idx[1]->offset + MKD_RECORD_SIZE + 8);
	seg4_end = mkd_le64(t.file.data + idx[4]->offset + MKD_RECORD_SIZE + 8);
	t.file.data[idx[1]->offset + 20] ^= 1;	/* segment 1's number */
	unit_spill(t.copy, t.file.data, idx[4]->end);
	dump = unit_open(t.copy);
	ck_assert(mkd_dump_incomplete(dump));
	ck_assert_ok(mkd_page_state(dump, 0, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_DAMAGED);
	ck_assert_uint_eq(run.count, seg1_end);
	for (pfn = seg1_end; pfn < t.max_pfn; pfn++) {
		ck_assert_ok(mkd_page_state(dump, pfn, &run));
		if (pfn >= seg4_end)
			ck_assert_int_eq(run.state, beyond_state(dump, &t.runs[pfn]));
		else
			ck_assert_int_eq(run.state, t.runs[pfn].state);
		if (pfn < seg4_end && run.state == MKD_PAGE_PRESENT)
			check_page_reads(dump, &t, pfn);
	}
	mkd_dump_destroy(dump);
	truth_free(&t);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Hostile sizes, with their checksums made right */

static void reseal_header(uint8_t *d)
{
	uint64_t sum = mkd_sum(d, MKD_HEADER_SIZE - 8, 0);

	memcpy(d + MKD_HEADER_SIZE - 8, &sum, 8);
}

static void reseal_record(const struct truth *t, uint8_t *d,
			  const struct rec *r)
{
	struct mkd_record rec;
	uint64_t len = r->end - r->offset - MKD_RECORD_SIZE;

	memcpy(&rec, &r->r, sizeof(rec));
	rec.payload_sum = mkd_sum(d + r->offset + MKD_RECORD_SIZE, len,
				  t->dump_id);
	rec.length = mkd_le64(d + r->offset + 8);
	mkd_record_encode(&rec, t->dump_id, d + r->offset);
}

static const struct rec *find_rec(const struct truth *t, uint16_t type,
				  size_t nth)
{
	size_t i;

	for (i = 0; i < t->nrecs; i++)
		if (t->recs[i].r.type == type && nth-- == 0)
			return &t->recs[i];
	ck_abort_msg("no such record");
	return NULL;
}

/* Under a 1 GiB address space limit, unless a sanitizer needs more. */
static void limit_memory(void)
{
	struct rlimit lim = { 1ULL << 30, RLIM_INFINITY };

	if (!dlsym(RTLD_DEFAULT, "__asan_init"))
		setrlimit(RLIMIT_AS, &lim);
}

/* Patch 8 bytes at off (in a record's payload when r is given). */
static struct mkd_error *open_patched(struct truth *t, const struct rec *r,
				      uint64_t off, uint64_t value,
				      struct mkd_dump **dump)
{
	uint8_t *d = malloc(t->file.len);
	struct mkd_error *err;

	memcpy(d, t->file.data, t->file.len);
	memcpy(d + off, &value, sizeof(value));
	if (r)
		reseal_record(t, d, r);
	else
		reseal_header(d);
	unit_spill(t->copy, d, t->file.len);
	free(d);
	*dump = NULL;
	err = mkd_dump_open(t->copy, NULL, dump);
	return err;
}

static void expect_open_error(struct truth *t, uint64_t off, uint64_t value,
			      enum mkd_error_code code)
{
	struct mkd_dump *dump;
	struct mkd_error *err = open_patched(t, NULL, off, value, &dump);

	ck_assert_msg(mkd_error_code(err) == code, "header +%llu: %s",
		      (unsigned long long)off,
		      err ? mkd_error_message(err) : "opened");
	mkd_error_destroy(err);
}

/* Pages of the patched record's segment are damaged; the rest reads. */
static void expect_damaged_segment(struct truth *t, const struct rec *r,
				   uint64_t off, uint64_t value)
{
	struct mkd_dump *dump;
	struct mkd_page_run run;
	uint64_t start = mkd_le64(t->file.data + r->offset + MKD_RECORD_SIZE);

	ck_assert_ok(open_patched(t, r, r->offset + off, value, &dump));
	ck_assert_ok(mkd_page_state(dump, start, &run));
	ck_assert_int_eq(run.state, MKD_PAGE_DAMAGED);
	if (start)
		check_page_reads(dump, t, 0);
	mkd_dump_destroy(dump);
}

START_TEST(mkd_hostile_sizes_are_refused)
{
	struct truth t;
	const struct rec *idx, *end;
	struct mkd_dump *dump;
	uint64_t pl = MKD_RECORD_SIZE;

	limit_memory();
	truth_init(&t);
	expect_open_error(&t, 8, 2, MKD_ERR_UNSUPPORTED);	/* major 2 */
	expect_open_error(&t, 12, 5000, MKD_ERR_CORRUPT);	/* header_size */
	/* page size 3; blocks of 2^32 - 1 pages */
	expect_open_error(&t, 24, 3 | 0xffffULL << 32, MKD_ERR_CORRUPT);
	expect_open_error(&t, 24, 4096 | 0xffffffffULL << 32,
			  MKD_ERR_CORRUPT);
	expect_open_error(&t, 40, 1, MKD_ERR_UNSUPPORTED);	/* incompat */
	/* Index segment 2: absurd counts, a giant block, a wrong head. */
	idx = find_rec(&t, MKD_REC_INDEX, 2);
	expect_damaged_segment(&t, idx, pl + 32, 0xffffffffffffffffULL);
	expect_damaged_segment(&t, idx, pl + 8, 1ULL << 60);
	expect_damaged_segment(&t, idx, pl + MKD_SEG_HEAD_SIZE + 8,
			       0xffffffffULL);
	/* END: segment count or section sizes out of bounds: recovery. */
	end = find_rec(&t, MKD_REC_END, 0);
	ck_assert_ok(open_patched(&t, end, end->offset + pl + 8, 1ULL << 40,
				  &dump));
	ck_assert(mkd_dump_incomplete(dump));
	check_page_reads(dump, &t, 0x79);
	mkd_dump_destroy(dump);
	ck_assert_ok(open_patched(&t, end, end->offset + pl, 1ULL << 62,
				  &dump));
	ck_assert(mkd_dump_incomplete(dump));	/* max_pfn beyond reason */
	mkd_dump_destroy(dump);
	truth_free(&t);
}
END_TEST

static Suite *mkd_damage_suite(void)
{
	Suite *s = suite_create("mkd-damage");
	TCase *tc = tcase_create("mkd-damage");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, mkd_cut_anywhere_reads_to_the_last_checkpoint);
	tcase_add_test(tc, mkd_bit_flips_are_noticed_never_wrong_data);
	tcase_add_test(tc, mkd_damaged_block_costs_only_its_pages);
	tcase_add_test(tc, mkd_broken_checkpoint_chain);
	tcase_add_test(tc, mkd_hostile_sizes_are_refused);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(mkd_damage_suite)
