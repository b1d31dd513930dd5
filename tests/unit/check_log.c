// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_log.c - the printk ring buffer reader on synthetic kernels.
 *
 * A small writer lays records out as Linux 6.1's printk_ringbuffer.c does
 * (ids from DESC0_ID, lpos from BLK0_LPOS, wrapped blocks stored at the
 * start of the ring, the tail pushed when data or descriptors run out),
 * with the 6.1 x86_64 layout in VMCOREINFO.  Tests then break one thing
 * at a time: states, lost or missing pages, sizes.
 */
#include <stdlib.h>

#include "unit.h"
#include "kimage.h"

#define KBASE 0xffffffff81000000ULL	/* where the ring buffer lives */
#define KPHYS 0x1000000ULL
#define KSIZE (1ULL << 20)
#define PRB_PTR KBASE			/* the `prb` pointer variable */
#define RB (KBASE + 0x100)		/* struct printk_ringbuffer */
#define DESCS (KBASE + 0x1000)
#define INFOS (KBASE + 0x10000)
#define DATA (KBASE + 0x40000)

#define ID_MASK ((1ULL << 62) - 1)
#define SV(id, state) ((uint64_t)(state) << 62 | (id))
enum { RESERVED, COMMITTED, FINALIZED, REUSABLE };
#define FAILED_LPOS 1ULL
#define NO_LPOS 3ULL
#define DESC_SIZE 24
#define INFO_SIZE 88

struct ring {
	struct kimage k;
	unsigned count_bits, size_bits;
	uint64_t head_id, tail_id, head_lpos, next_seq;
	uint64_t data_tail;		/* oldest record whose text is kept */
	uint64_t begin_lpos[1 << 12];	/* by slot: where its block begins */
	unsigned wrapped;		/* wrapped blocks written */
};

static uint64_t count(const struct ring *r) { return 1ULL << r->count_bits; }
static uint64_t dsize(const struct ring *r) { return 1ULL << r->size_bits; }
static uint64_t slot(const struct ring *r, uint64_t id)
{
	return id & (count(r) - 1);
}

static void layout_info(struct kimage *k)
{
	static const char *const lines[] = {
		"SIZE(printk_ringbuffer)=88",
		"OFFSET(printk_ringbuffer.desc_ring)=0",
		"OFFSET(printk_ringbuffer.text_data_ring)=48",
		"OFFSET(prb_desc_ring.count_bits)=0",
		"OFFSET(prb_desc_ring.descs)=8",
		"OFFSET(prb_desc_ring.infos)=16",
		"OFFSET(prb_desc_ring.head_id)=24",
		"OFFSET(prb_desc_ring.tail_id)=32",
		"SIZE(prb_desc)=24",
		"OFFSET(prb_desc.state_var)=0",
		"OFFSET(prb_desc.text_blk_lpos)=8",
		"OFFSET(prb_data_blk_lpos.begin)=0",
		"OFFSET(prb_data_blk_lpos.next)=8",
		"SIZE(printk_info)=88",
		"OFFSET(printk_info.seq)=0",
		"OFFSET(printk_info.ts_nsec)=8",
		"OFFSET(printk_info.text_len)=16",
		"OFFSET(printk_info.caller_id)=20",
		"OFFSET(prb_data_ring.size_bits)=0",
		"OFFSET(prb_data_ring.data)=8",
	};
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		kimage_info(k, "%s", lines[i]);
	kimage_info(k, "SYMBOL(prb)=%llx", (unsigned long long)PRB_PTR);
}

static void put_desc(struct ring *r, uint64_t id, int state, uint64_t begin,
		     uint64_t next)
{
	uint64_t d = DESCS + slot(r, id) * DESC_SIZE;

	kimage_write_u64(&r->k, d, SV(id, state));
	kimage_write_u64(&r->k, d + 8, begin);
	kimage_write_u64(&r->k, d + 16, next);
}

static void put_info(struct ring *r, uint64_t id, uint64_t seq,
		     uint16_t text_len)
{
	uint8_t info[INFO_SIZE] = { 0 };
	uint64_t ts = 1000000ULL * seq + 123456789;
	uint32_t caller = 0x80000000u | (uint32_t)(seq % 4);

	memcpy(info, &seq, 8);
	memcpy(info + 8, &ts, 8);
	memcpy(info + 16, &text_len, 2);
	info[18] = 1;				/* facility: user */
	info[19] = (uint8_t)(6 << 5 | 2);	/* level 6, LOG_NEWLINE */
	memcpy(info + 20, &caller, 4);
	kimage_write(&r->k, INFOS + slot(r, id) * INFO_SIZE, info, INFO_SIZE);
}

static void ring_header(struct ring *r)
{
	uint32_t cb = r->count_bits, sb = r->size_bits;

	kimage_write_u64(&r->k, PRB_PTR, RB);
	kimage_write(&r->k, RB + 0, &cb, 4);
	kimage_write_u64(&r->k, RB + 8, DESCS);
	kimage_write_u64(&r->k, RB + 16, INFOS);
	kimage_write_u64(&r->k, RB + 24, r->head_id);
	kimage_write_u64(&r->k, RB + 32, r->tail_id);
	kimage_write(&r->k, RB + 48, &sb, 4);
	kimage_write_u64(&r->k, RB + 56, DATA);
}

/* An empty ring as _DEFINE_PRINTKRB() leaves it. */
static void ring_init(struct ring *r, unsigned levels, unsigned count_bits,
		      unsigned size_bits)
{
	memset(r, 0, sizeof(*r));
	kimage_init(&r->k, levels);
	kimage_map(&r->k, KBASE, KPHYS, KSIZE);
	layout_info(&r->k);
	r->count_bits = count_bits;
	r->size_bits = size_bits;
	r->head_id = r->tail_id = (-(count(r) + 1)) & ID_MASK;
	r->head_lpos = -dsize(r);
	r->data_tail = (r->head_id + 1) & ID_MASK;
	put_desc(r, r->head_id, REUSABLE, FAILED_LPOS, FAILED_LPOS);
	ring_header(r);
}

static void make_reusable(struct ring *r, uint64_t id)
{
	kimage_write_u64(&r->k, DESCS + slot(r, id) * DESC_SIZE,
			 SV(id, REUSABLE));
}

/* Where a block of size bytes starting at begin ends (get_next_lpos). */
static uint64_t next_lpos(const struct ring *r, uint64_t begin, uint64_t size)
{
	uint64_t next = begin + size;

	if (begin >> r->size_bits == next >> r->size_bits)
		return next;
	return ((next + dsize(r) - 1) & ~(dsize(r) - 1)) + size;
}

static void put_block(struct ring *r, uint64_t id, uint64_t begin,
		      uint64_t next, const char *text, size_t len)
{
	uint64_t at = begin & (dsize(r) - 1);

	kimage_write_u64(&r->k, DATA + at, id);
	if (begin >> r->size_bits != next >> r->size_bits) {
		at = 0;		/* wrapped: the whole block at the start */
		kimage_write_u64(&r->k, DATA, id);
		r->wrapped++;
	}
	kimage_write(&r->k, DATA + at + 8, text, len);
}

static bool before(uint64_t a, uint64_t b)
{
	return ((b - a) & ID_MASK) < (1ULL << 61);
}

/*
 * Make room for record id, whose block ends at next, as the kernel does:
 * text space is taken back by making the oldest records reusable
 * (data_push_tail), a descriptor by moving tail_id (desc_push_tail).
 */
static void make_room(struct ring *r, uint64_t id, uint64_t next)
{
	while (r->data_tail != id &&
	       next - r->begin_lpos[slot(r, r->data_tail)] > dsize(r)) {
		make_reusable(r, r->data_tail);
		r->data_tail = (r->data_tail + 1) & ID_MASK;
	}
	if (((id - r->tail_id) & ID_MASK) >= count(r)) {
		make_reusable(r, r->tail_id);
		r->tail_id = (r->tail_id + 1) & ID_MASK;
	}
	if (before(r->data_tail, r->tail_id))
		r->data_tail = r->tail_id;
}

/* Append a record like printk() does; its id. */
static uint64_t ring_add(struct ring *r, const char *text, int state)
{
	size_t len = strlen(text);
	uint64_t size = (8 + len + 7) & ~7ULL, id, begin, next;

	ck_assert_uint_le(size, dsize(r) / 2);
	id = (r->head_id + 1) & ID_MASK;
	begin = r->head_lpos;
	next = next_lpos(r, begin, size);
	make_room(r, id, next);
	r->head_id = id;
	r->begin_lpos[slot(r, id)] = begin;
	put_block(r, id, begin, next, text, len);
	put_desc(r, id, state, begin, next);
	put_info(r, id, r->next_seq++, (uint16_t)len);
	r->head_lpos = next;
	ring_header(r);
	return id;
}

/* How many records have their text kept: the ones a reader must see. */
static uint64_t live(const struct ring *r)
{
	return ((r->head_id - r->data_tail) & ID_MASK) + 1;
}

/* ------------------------------------------------------------------ */
/* Reading back */

struct got {
	size_t n, stop_after;
	struct mkd_log_record recs[4096];
	char texts[4096][64];
};

static int collect(const struct mkd_log_record *rec, void *arg)
{
	struct got *g = arg;
	size_t len = rec->text_len < 63 ? rec->text_len : 63;

	ck_assert_uint_lt(g->n, 4096);
	g->recs[g->n] = *rec;
	memcpy(g->texts[g->n], rec->text, len);
	g->texts[g->n][len] = '\0';
	g->n++;
	return g->stop_after && g->n == g->stop_after;
}

static struct mkd_error *read_log(struct ring *r, const char *name,
				  struct got *g, uint64_t *skipped)
{
	char *path = kimage_write_elf(&r->k, name);
	struct mkd_dump *dump = unit_open(path);
	struct mkd_error *err;

	err = mkd_log_iterate(dump, collect, g, skipped);
	mkd_dump_destroy(dump);
	free(path);
	return err;
}

static struct got *got_new(void)
{
	struct got *g = calloc(1, sizeof(*g));

	ck_assert_ptr_nonnull(g);
	return g;
}

START_TEST(log_reads_records_in_order)
{
	struct ring r;
	struct got *g = got_new();
	uint64_t skipped = 99;

	ring_init(&r, 4, 4, 12);
	ring_add(&r, "Linux version 6.1.0-kimage", FINALIZED);
	ring_add(&r, "second", FINALIZED);
	ring_add(&r, "two\nlines", FINALIZED);
	ring_add(&r, "last, still open", COMMITTED);
	ck_assert_ok(read_log(&r, "order.elf", g, &skipped));
	ck_assert_uint_eq(skipped, 0);
	ck_assert_uint_eq(g->n, 4);
	ck_assert_str_eq(g->texts[0], "Linux version 6.1.0-kimage");
	ck_assert_str_eq(g->texts[2], "two\nlines");
	ck_assert_str_eq(g->texts[3], "last, still open");
	ck_assert_uint_eq(g->recs[2].seq, 2);
	ck_assert_uint_eq(g->recs[2].ts_nsec, 2000000ULL + 123456789);
	ck_assert_uint_eq(g->recs[2].level, 6);
	ck_assert_uint_eq(g->recs[2].facility, 1);
	ck_assert_uint_eq(g->recs[2].flags, 2);
	ck_assert_uint_eq(g->recs[2].caller_id, 0x80000002u);
	kimage_free(&r.k);
	free(g);
}
END_TEST

/* Many laps of a 256-byte text ring: lpos overflows, blocks wrap. */
START_TEST(log_follows_wrapped_blocks)
{
	struct ring r;
	struct got *g = got_new();
	char text[64];
	uint64_t skipped = 99, first;
	unsigned i;

	ring_init(&r, 4, 4, 8);
	for (i = 0; i < 100; i++) {
		snprintf(text, sizeof(text), "message %u%.*s", i, (int)(i % 23),
			 "-----------------------");
		ring_add(&r, text, FINALIZED);
	}
	ck_assert_uint_gt(r.wrapped, 5);
	ck_assert_ok(read_log(&r, "wrap.elf", g, &skipped));
	ck_assert_uint_eq(skipped, 0);
	/* Exactly the live records, the newest last, texts intact. */
	ck_assert_uint_gt(live(&r), 2);
	ck_assert_uint_eq(g->n, live(&r));
	first = 100 - g->n;
	for (i = 0; i < g->n; i++) {
		snprintf(text, sizeof(text), "message %u%.*s",
			 (unsigned)(first + i), (int)((first + i) % 23),
			 "-----------------------");
		ck_assert_str_eq(g->texts[i], text);
		ck_assert_uint_eq(g->recs[i].seq, first + i);
	}
	kimage_free(&r.k);
	free(g);
}
END_TEST

/* More records than fit in one window, the ids across the array's end. */
START_TEST(log_reads_big_rings_in_chunks)
{
	struct ring r;
	struct got *g = got_new();
	char text[32];
	unsigned i;

	/* 2048 infos are 176 KiB: three windows at least. */
	ring_init(&r, 4, 11, 17);
	for (i = 0; i < 3000; i++) {
		snprintf(text, sizeof(text), "line %u", i);
		ring_add(&r, text, FINALIZED);
	}
	ck_assert_ok(read_log(&r, "big.elf", g, NULL));
	ck_assert_uint_eq(live(&r), 2048);
	ck_assert_uint_eq(g->n, 2048);
	for (i = 0; i < g->n; i++) {
		snprintf(text, sizeof(text), "line %u", 3000 - 2048 + i);
		ck_assert_str_eq(g->texts[i], text);
	}
	kimage_free(&r.k);
	free(g);
}
END_TEST

/* A block that names another record was overwritten: skipped, counted. */
START_TEST(log_skips_overwritten_text)
{
	struct ring r;
	struct got *g = got_new();
	uint64_t skipped = 0, id;

	ring_init(&r, 4, 4, 12);
	ring_add(&r, "first", FINALIZED);
	id = ring_add(&r, "second", FINALIZED);
	kimage_write_u64(&r.k, DATA + (r.begin_lpos[slot(&r, id)] & 4095),
			 id + 1);
	ring_add(&r, "third", FINALIZED);
	ck_assert_ok(read_log(&r, "overwritten.elf", g, &skipped));
	ck_assert_uint_eq(skipped, 1);
	ck_assert_uint_eq(g->n, 2);
	ck_assert_str_eq(g->texts[1], "third");
	kimage_free(&r.k);
	free(g);
}
END_TEST

START_TEST(log_skips_what_is_not_a_record)
{
	struct ring r;
	struct got *g = got_new();
	uint64_t skipped = 99, id;

	ring_init(&r, 4, 4, 12);
	ring_add(&r, "kept 1", FINALIZED);
	id = ring_add(&r, "freed", FINALIZED);
	put_desc(&r, id, REUSABLE, 0, 0);
	id = ring_add(&r, "lost by the kernel", FINALIZED);
	put_desc(&r, id, FINALIZED, FAILED_LPOS, FAILED_LPOS);
	id = ring_add(&r, "", FINALIZED);
	put_desc(&r, id, FINALIZED, NO_LPOS, NO_LPOS);
	id = ring_add(&r, "slot taken by another id", FINALIZED);
	put_desc(&r, id + 16, FINALIZED, 0, 0);
	ring_add(&r, "kept 2", FINALIZED);
	ring_add(&r, "being written", RESERVED);
	ck_assert_ok(read_log(&r, "states.elf", g, &skipped));
	ck_assert_uint_eq(skipped, 0);
	ck_assert_uint_eq(g->n, 3);
	ck_assert_str_eq(g->texts[0], "kept 1");
	ck_assert_uint_eq(g->recs[1].text_len, 0);
	ck_assert_str_eq(g->texts[2], "kept 2");
	kimage_free(&r.k);
	free(g);
}
END_TEST

START_TEST(log_cuts_text_to_its_block)
{
	struct ring r;
	struct got *g = got_new();
	uint64_t id;

	ring_init(&r, 4, 4, 12);
	id = ring_add(&r, "0123456789abcdef", FINALIZED);	/* 24-byte block */
	put_info(&r, id, 0, 4000);
	ring_add(&r, "after", FINALIZED);
	ck_assert_ok(read_log(&r, "cut.elf", g, NULL));
	ck_assert_uint_eq(g->n, 2);
	ck_assert_uint_eq(g->recs[0].text_len, 16);
	ck_assert_str_eq(g->texts[0], "0123456789abcdef");
	ck_assert_str_eq(g->texts[1], "after");
	kimage_free(&r.k);
	free(g);
}
END_TEST

/* Does [start, start + len) touch the second page of its array? */
static bool on_page_2(uint64_t start, uint64_t len)
{
	return start + len > 0x1000 && start < 0x2000;
}

/* A page filtered out costs the records on it, counted, nothing more. */
START_TEST(log_counts_records_on_missing_pages)
{
	struct ring r;
	struct got *g = got_new();
	uint64_t skipped = 0, want_skipped = 0;
	char text[64];
	size_t n = 0;
	unsigned i;

	ring_init(&r, 4, 7, 13);
	for (i = 0; i < 100; i++) {
		/* 48 bytes of text: 56-byte blocks */
		snprintf(text, sizeof(text), "record %03u %037d", i, 0);
		ring_add(&r, text, FINALIZED);
	}
	kimage_drop(&r.k, INFOS + 0x1000);
	kimage_drop(&r.k, DATA + 0x1000);
	ck_assert_ok(read_log(&r, "missing.elf", g, &skipped));
	for (i = 0; i < 100; i++) {
		if (on_page_2(i * INFO_SIZE, INFO_SIZE) ||
		    on_page_2(i * 56, 56)) {
			want_skipped++;
			continue;
		}
		snprintf(text, sizeof(text), "record %03u %037d", i, 0);
		ck_assert_uint_lt(n, g->n);
		ck_assert_str_eq(g->texts[n], text);
		n++;
	}
	ck_assert_uint_eq(n, g->n);
	ck_assert_uint_eq(skipped, want_skipped);
	ck_assert_uint_gt(skipped, 40);
	kimage_free(&r.k);
	free(g);
}
END_TEST

START_TEST(log_stops_when_asked)
{
	struct ring r;
	struct got *g = got_new();

	ring_init(&r, 4, 4, 12);
	ring_add(&r, "one", FINALIZED);
	ring_add(&r, "two", FINALIZED);
	ring_add(&r, "three", FINALIZED);
	g->stop_after = 2;
	ck_assert_ok(read_log(&r, "stop.elf", g, NULL));
	ck_assert_uint_eq(g->n, 2);
	kimage_free(&r.k);
	free(g);
}
END_TEST

static void expect_corrupt(struct ring *r, const char *name, const char *what)
{
	struct got *g = got_new();
	struct mkd_error *err = read_log(r, name, g, NULL);

	ck_assert_msg(err != NULL, "%s: no error", name);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_CORRUPT);
	ck_assert_msg(strstr(mkd_error_message(err), what),
		      "%s: message '%s' lacks '%s'", name,
		      mkd_error_message(err), what);
	ck_assert_uint_eq(g->n, 0);
	mkd_error_destroy(err);
	free(g);
}

START_TEST(log_refuses_impossible_rings)
{
	struct ring r;
	uint32_t bits = 40;

	ring_init(&r, 4, 4, 12);
	ring_add(&r, "one", FINALIZED);
	kimage_write(&r.k, RB, &bits, 4);
	expect_corrupt(&r, "bits.elf", "impossible ring sizes");
	ring_header(&r);
	kimage_write_u64(&r.k, RB + 24, r.tail_id + 1000);
	expect_corrupt(&r, "ids.elf", "do not fit");
	ring_header(&r);
	kimage_write_u64(&r.k, RB + 8, 0x12345000);
	expect_corrupt(&r, "descs.elf", "not mapped");
	kimage_free(&r.k);

	/* vmcoreinfo's first SIZE(printk_info) wins */
	kimage_init(&r.k, 4);
	kimage_info(&r.k, "SIZE(printk_info)=8");
	layout_info(&r.k);
	expect_corrupt(&r, "layout.elf", "impossible printk ring buffer layout");
	kimage_free(&r.k);
}
END_TEST

START_TEST(log_needs_a_described_log)
{
	struct kimage k;
	char *path;
	struct mkd_dump *dump;
	struct mkd_error *err;
	uint64_t skipped = 7;

	kimage_init(&k, 4);
	path = kimage_write_elf(&k, "nolog.elf");
	dump = unit_open(path);
	err = mkd_log_iterate(dump, collect, NULL, &skipped);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_UNSUPPORTED);
	ck_assert_uint_eq(skipped, 0);
	mkd_error_destroy(err);
	mkd_dump_destroy(dump);
	free(path);
	kimage_free(&k);
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("prb");

	tcase_add_test(tc, log_reads_records_in_order);
	tcase_add_test(tc, log_follows_wrapped_blocks);
	tcase_add_test(tc, log_reads_big_rings_in_chunks);
	tcase_add_test(tc, log_skips_what_is_not_a_record);
	tcase_add_test(tc, log_skips_overwritten_text);
	tcase_add_test(tc, log_cuts_text_to_its_block);
	tcase_add_test(tc, log_counts_records_on_missing_pages);
	tcase_add_test(tc, log_stops_when_asked);
	tcase_add_test(tc, log_refuses_impossible_rings);
	tcase_add_test(tc, log_needs_a_described_log);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(log_suite)
