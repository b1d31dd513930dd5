// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_log_legacy.c - the log_buf reader (Linux 3.11 to 5.9) on
 * synthetic kernels: records written as log_store() does, with the
 * x86_64 struct printk_log of 5.x (caller_id included).
 */
#include <stdlib.h>

#include "unit.h"
#include "kimage.h"

#define KBASE 0xffffffff81000000ULL
#define KPHYS 0x1000000ULL
#define LOG_BUF_PTR KBASE
#define LOG_BUF_LEN (KBASE + 8)
#define FIRST_IDX (KBASE + 12)
#define NEXT_IDX (KBASE + 16)
#define BUF (KBASE + 0x1000)
#define HDR 24				/* sizeof(struct printk_log) */

struct legacy {
	struct kimage k;
	uint32_t len, first, next, nrec;
};

static void put_u32(struct kimage *k, uint64_t va, uint32_t v)
{
	kimage_write(k, va, &v, 4);
}

static void legacy_header(struct legacy *g)
{
	put_u32(&g->k, FIRST_IDX, g->first);
	put_u32(&g->k, NEXT_IDX, g->next);
}

static void legacy_init(struct legacy *g, uint32_t len)
{
	memset(g, 0, sizeof(*g));
	kimage_init(&g->k, 4);
	kimage_map(&g->k, KBASE, KPHYS, 0x1000 + len);
	kimage_info(&g->k, "SYMBOL(log_buf)=%llx",
		    (unsigned long long)LOG_BUF_PTR);
	kimage_info(&g->k, "SYMBOL(log_buf_len)=%llx",
		    (unsigned long long)LOG_BUF_LEN);
	kimage_info(&g->k, "SYMBOL(log_first_idx)=%llx",
		    (unsigned long long)FIRST_IDX);
	kimage_info(&g->k, "SYMBOL(log_next_idx)=%llx",
		    (unsigned long long)NEXT_IDX);
	kimage_info(&g->k, "SIZE(printk_log)=%d", HDR);
	kimage_info(&g->k, "OFFSET(printk_log.ts_nsec)=0");
	kimage_info(&g->k, "OFFSET(printk_log.len)=8");
	kimage_info(&g->k, "OFFSET(printk_log.text_len)=10");
	kimage_info(&g->k, "OFFSET(printk_log.dict_len)=12");
	kimage_info(&g->k, "OFFSET(printk_log.caller_id)=16");
	kimage_write_u64(&g->k, LOG_BUF_PTR, BUF);
	put_u32(&g->k, LOG_BUF_LEN, len);
	g->len = len;
	legacy_header(g);
}

/* log_store(): wrap when the record and an empty header do not fit. */
static void legacy_add(struct legacy *g, const char *text)
{
	uint16_t tl = (uint16_t)strlen(text);
	uint16_t size = (uint16_t)((HDR + tl + 7) & ~7u);
	uint8_t hdr[HDR] = { 0 };
	uint64_t ts = 1000ULL * g->nrec;
	uint32_t caller = 100 + g->nrec;

	if (g->next + size + HDR > g->len) {
		kimage_write(&g->k, BUF + g->next, hdr, HDR);
		g->next = 0;
	}
	memcpy(hdr, &ts, 8);
	memcpy(hdr + 8, &size, 2);
	memcpy(hdr + 10, &tl, 2);
	hdr[14] = 3;			/* facility */
	hdr[15] = (uint8_t)(4 << 5);	/* level 4 */
	memcpy(hdr + 16, &caller, 4);
	kimage_write(&g->k, BUF + g->next, hdr, HDR);
	kimage_write(&g->k, BUF + g->next + HDR, text, tl);
	g->next += size;
	g->nrec++;
	legacy_header(g);
}

struct got {
	size_t n;
	char texts[64][32];
	struct mkd_log_record recs[64];
};

static int collect(const struct mkd_log_record *rec, void *arg)
{
	struct got *g = arg;
	size_t len = rec->text_len < 31 ? rec->text_len : 31;

	ck_assert_uint_lt(g->n, 64);
	g->recs[g->n] = *rec;
	memcpy(g->texts[g->n], rec->text, len);
	g->texts[g->n][len] = '\0';
	g->n++;
	return 0;
}

static struct mkd_error *read_log(struct legacy *g, const char *name,
				  struct got *got, uint64_t *skipped)
{
	char *path = kimage_write_elf(&g->k, name);
	struct mkd_dump *dump = unit_open(path);
	struct mkd_error *err = mkd_log_iterate(dump, collect, got, skipped);

	mkd_dump_destroy(dump);
	free(path);
	return err;
}

START_TEST(legacy_reads_records_in_order)
{
	struct legacy g;
	struct got got = { 0 };
	uint64_t skipped = 9;

	legacy_init(&g, 4096);
	legacy_add(&g, "Linux version 5.4.0-kimage");
	legacy_add(&g, "second");
	ck_assert_ok(read_log(&g, "legacy.elf", &got, &skipped));
	ck_assert_uint_eq(skipped, 0);
	ck_assert_uint_eq(got.n, 2);
	ck_assert_str_eq(got.texts[0], "Linux version 5.4.0-kimage");
	ck_assert_str_eq(got.texts[1], "second");
	ck_assert_uint_eq(got.recs[1].seq, 1);
	ck_assert_uint_eq(got.recs[1].ts_nsec, 1000);
	ck_assert_uint_eq(got.recs[1].level, 4);
	ck_assert_uint_eq(got.recs[1].facility, 3);
	ck_assert_uint_eq(got.recs[1].caller_id, 101);
	kimage_free(&g.k);
}
END_TEST

/* The oldest records at the end of the buffer, then a wrap to its start. */
START_TEST(legacy_follows_the_wrap)
{
	struct legacy g;
	struct got got = { 0 };
	char text[32];
	unsigned i;

	legacy_init(&g, 256);
	for (i = 0; i < 5; i++) {
		snprintf(text, sizeof(text), "old %u", i);
		legacy_add(&g, text);		/* 32 bytes each */
	}
	g.first = 96;				/* "old 3" is the oldest kept */
	legacy_add(&g, "wrapped 1");		/* 160 + 40 + 24 <= 256 */
	legacy_add(&g, "wrapped 2");		/* 200 + 40 + 24 > 256: wraps */
	ck_assert_uint_eq(g.next, 40);
	legacy_header(&g);
	ck_assert_ok(read_log(&g, "wrap.elf", &got, NULL));
	ck_assert_uint_eq(got.n, 4);
	ck_assert_str_eq(got.texts[0], "old 3");
	ck_assert_str_eq(got.texts[2], "wrapped 1");
	ck_assert_str_eq(got.texts[3], "wrapped 2");
	kimage_free(&g.k);
}
END_TEST

START_TEST(legacy_refuses_broken_chains)
{
	struct legacy g;
	struct got got = { 0 };
	struct mkd_error *err;
	uint16_t bad = 3;

	legacy_init(&g, 4096);
	legacy_add(&g, "one");
	legacy_add(&g, "two");
	kimage_write(&g.k, BUF + 8, &bad, 2);	/* len shorter than a header */
	err = read_log(&g, "chain.elf", &got, NULL);
	ck_assert_int_eq(mkd_error_code(err), MKD_ERR_CORRUPT);
	ck_assert_ptr_nonnull(strstr(mkd_error_message(err),
				     "impossible length"));
	mkd_error_destroy(err);
	kimage_free(&g.k);
}
END_TEST

static Suite *log_legacy_suite(void)
{
	Suite *s = suite_create("log-legacy");
	TCase *tc = tcase_create("log_buf");

	tcase_add_test(tc, legacy_reads_records_in_order);
	tcase_add_test(tc, legacy_follows_the_wrap);
	tcase_add_test(tc, legacy_refuses_broken_chains);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(log_legacy_suite)
