// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_filter.c - page classes: makedumpfile's rules on made-up struct
 * pages, dump-level semantics, the mem_section walk on a made-up address
 * space, and the vmcoreinfo keys each level needs.
 */
#include <stdlib.h>

#include "unit.h"
#include "memmap.h"
#include "pageclass.h"

/* Debian 6.1's numbers (vmcoreinfo of the guest bed's panic dump). */
static struct mkd_page_rules rules_61(void)
{
	struct mkd_page_rules r = {
		.size = 64, .off_flags = 0, .off_mapping = 24,
		.off_private = 40, .off_mapcount = 48, .off_head = 8,
		.off_dtor = 16, .off_order = 17,
		.lru = 1ull << 4, .private_ = 1ull << 13,
		.swapcache = 1ull << 10, .swapbacked = 1ull << 19,
		.slab = 1ull << 9, .hwpoison = 1ull << 23,
		.head = 65536, .swapbacked_known = true,
		.buddy_known = true, .buddy_value = (uint32_t)-129,
		.offline_known = true, .offline_value = (uint32_t)-257,
		.hugetlb_dtor = 2, .free_orders = 11,
	};
	return r;
}

struct fake_page {
	uint64_t flags, mapping, private_, head;
	uint32_t mapcount;
};

/* Two struct pages: the page, and its first tail (dtor, order). */
static struct mkd_page_verdict decide(const struct fake_page *p, int dtor,
				      int order, uint64_t pfn, int level)
{
	struct mkd_page_rules r = rules_61();
	uint8_t buf[128] = { 0 };
	struct mkd_page_fields f;

	memcpy(buf + r.off_flags, &p->flags, 8);
	memcpy(buf + r.off_mapping, &p->mapping, 8);
	memcpy(buf + r.off_private, &p->private_, 8);
	memcpy(buf + r.off_head, &p->head, 8);
	memcpy(buf + r.off_mapcount, &p->mapcount, 4);
	buf[64 + r.off_dtor] = (uint8_t)dtor;
	buf[64 + r.off_order] = (uint8_t)order;
	mkd_page_fields_load(&r, buf, buf + 64, &f);
	return mkd_page_decide(&r, &f, pfn, level);
}

#define PG_LRU (1ull << 4)
#define PG_PRIVATE (1ull << 13)
#define PG_SWAPCACHE (1ull << 10)
#define PG_SWAPBACKED (1ull << 19)
#define PG_SLAB (1ull << 9)
#define PG_HWPOISON (1ull << 23)
#define PG_HEAD (1ull << 16)
#define FILE_MAPPING 0xffff888001234500ull
#define ANON_MAPPING 0xffff888001234501ull
#define KSM_MAPPING 0xffff888001234503ull
#define MOVABLE_MAPPING 0xffff888001234502ull
#define BUDDY ((uint32_t)-129)
#define OFFLINE ((uint32_t)-257)
#define NO_MAPCOUNT ((uint32_t)-1)

START_TEST(free_blocks_go_whole)
{
	struct fake_page p = { .private_ = 3, .mapcount = BUDDY };
	struct mkd_page_verdict v = decide(&p, 0, 0, 0x1000, MKD_DL_FREE);

	ck_assert_int_eq(v.cls, MKD_CLASS_FREE);
	ck_assert_uint_eq(v.npages, 8);
	/* Not without bit 16; not for slab pages; not past MAX_ORDER. */
	ck_assert_int_eq(decide(&p, 0, 0, 0x1000, MKD_DL_ALL & ~MKD_DL_FREE).cls,
			 MKD_CLASS_OTHER);
	p.flags = PG_SLAB;
	ck_assert_int_eq(decide(&p, 0, 0, 0x1000, MKD_DL_ALL).cls,
			 MKD_CLASS_OTHER);
	p.flags = 0;
	p.private_ = 11;
	v = decide(&p, 0, 0, 0x1000, MKD_DL_ALL);
	ck_assert_int_eq(v.cls, MKD_CLASS_OTHER);
	ck_assert_uint_eq(v.npages, 1);
}
END_TEST

START_TEST(page_cache_private_or_not)
{
	struct fake_page p = { .flags = PG_LRU, .mapping = FILE_MAPPING,
			       .mapcount = NO_MAPCOUNT };

	ck_assert_int_eq(decide(&p, 0, 0, 5, MKD_DL_CACHE).cls, MKD_CLASS_CACHE);
	ck_assert_int_eq(decide(&p, 0, 0, 5, MKD_DL_CACHE_PRIVATE).cls,
			 MKD_CLASS_CACHE);
	ck_assert_int_eq(decide(&p, 0, 0, 5, MKD_DL_USER).cls, MKD_CLASS_OTHER);
	p.flags |= PG_PRIVATE;
	ck_assert_int_eq(decide(&p, 0, 0, 5, MKD_DL_CACHE).cls, MKD_CLASS_OTHER);
	ck_assert_int_eq(decide(&p, 0, 0, 5, MKD_DL_CACHE_PRIVATE).cls,
			 MKD_CLASS_CACHE_PRIVATE);
	ck_assert_int_eq(decide(&p, 0, 0, 5, MKD_DL_ALL).cls,
			 MKD_CLASS_CACHE_PRIVATE);
}
END_TEST

START_TEST(swap_cache_needs_swapbacked)
{
	/* PG_swapcache alone is PG_checked of a filesystem page. */
	struct fake_page p = { .flags = PG_SWAPCACHE, .mapping = FILE_MAPPING };

	ck_assert_int_eq(decide(&p, 0, 0, 5, MKD_DL_ALL).cls, MKD_CLASS_OTHER);
	p.flags |= PG_SWAPBACKED;
	ck_assert_int_eq(decide(&p, 0, 0, 5, MKD_DL_ALL).cls, MKD_CLASS_CACHE);
	/* An anonymous page in the swap cache is user data, not cache. */
	p.mapping = ANON_MAPPING;
	ck_assert_int_eq(decide(&p, 0, 0, 5, MKD_DL_CACHE).cls, MKD_CLASS_OTHER);
	ck_assert_int_eq(decide(&p, 0, 0, 5, MKD_DL_ALL).cls, MKD_CLASS_USER);
}
END_TEST

START_TEST(user_pages_anon_ksm_hugetlb)
{
	struct fake_page p = { .flags = PG_LRU, .mapping = ANON_MAPPING };
	struct mkd_page_verdict v;

	ck_assert_int_eq(decide(&p, 0, 0, 5, MKD_DL_USER).cls, MKD_CLASS_USER);
	p.mapping = KSM_MAPPING;
	ck_assert_int_eq(decide(&p, 0, 0, 5, MKD_DL_USER).cls, MKD_CLASS_USER);
	p.mapping = MOVABLE_MAPPING;	/* zsmalloc, balloon: not user */
	ck_assert_int_eq(decide(&p, 0, 0, 5, MKD_DL_USER).cls, MKD_CLASS_OTHER);
	/* A slab page's word at mapping is never an anon_vma. */
	p = (struct fake_page){ .flags = PG_SLAB, .mapping = ANON_MAPPING };
	ck_assert_int_eq(decide(&p, 0, 0, 5, MKD_DL_ALL).cls, MKD_CLASS_OTHER);
	/* A 2 MiB hugetlbfs page: head, dtor 2 in the first tail. */
	p = (struct fake_page){ .flags = PG_HEAD, .mapping = FILE_MAPPING };
	v = decide(&p, 2, 9, 0x200, MKD_DL_USER);
	ck_assert_int_eq(v.cls, MKD_CLASS_USER);
	ck_assert_uint_eq(v.npages, 512);
	ck_assert_int_eq(decide(&p, 1, 9, 0x200, MKD_DL_USER).cls,
			 MKD_CLASS_OTHER);
	/* The destructor counts only on a compound head. */
	p.flags = 0;
	ck_assert_int_eq(decide(&p, 2, 9, 0x200, MKD_DL_USER).cls,
			 MKD_CLASS_OTHER);
}
END_TEST

START_TEST(compound_heads_and_tails)
{
	struct fake_page thp = { .flags = PG_HEAD | PG_LRU,
				 .mapping = ANON_MAPPING };
	struct fake_page tail = { .head = 0xffffea0000008001ull };
	struct mkd_page_verdict v;

	v = decide(&thp, 0, 9, 0x400, MKD_DL_ALL);
	ck_assert_int_eq(v.cls, MKD_CLASS_USER);
	ck_assert_uint_eq(v.npages, 512);
	/* An order the pfn is not aligned to counts as 0. */
	ck_assert_uint_eq(decide(&thp, 0, 9, 0x401, MKD_DL_ALL).npages, 1);
	ck_assert_uint_eq(decide(&thp, 0, 64, 0, MKD_DL_ALL).npages, 1);
	/* A kept head does not skip its tails. */
	ck_assert_uint_eq(decide(&thp, 0, 9, 0x400, MKD_DL_CACHE).npages, 1);
	v = decide(&tail, 0, 0, 0x401, MKD_DL_ALL);
	ck_assert(v.tail);
	ck_assert_int_eq(v.cls, MKD_CLASS_OTHER);
}
END_TEST

START_TEST(hwpoison_and_offline_always_go)
{
	struct fake_page p = { .flags = PG_HWPOISON, .mapcount = NO_MAPCOUNT };

	ck_assert_int_eq(decide(&p, 0, 0, 5, 0).cls, MKD_CLASS_HWPOISON);
	/* First match wins: a poisoned cache page counts as cache at 2. */
	p.flags |= PG_LRU;
	p.mapping = FILE_MAPPING;
	ck_assert_int_eq(decide(&p, 0, 0, 5, MKD_DL_CACHE).cls, MKD_CLASS_CACHE);
	p = (struct fake_page){ .mapcount = OFFLINE };
	ck_assert_int_eq(decide(&p, 0, 0, 5, 0).cls, MKD_CLASS_OFFLINE);
	p.flags = PG_SLAB;
	ck_assert_int_eq(decide(&p, 0, 0, 5, 0).cls, MKD_CLASS_OTHER);
}
END_TEST

START_TEST(level_bits_mean_what_makedumpfile_means)
{
	ck_assert(mkd_dump_level_excludes(1, MKD_CLASS_ZERO));
	ck_assert(!mkd_dump_level_excludes(30, MKD_CLASS_ZERO));
	ck_assert(mkd_dump_level_excludes(2, MKD_CLASS_CACHE));
	ck_assert(mkd_dump_level_excludes(4, MKD_CLASS_CACHE));
	ck_assert(!mkd_dump_level_excludes(2, MKD_CLASS_CACHE_PRIVATE));
	ck_assert(mkd_dump_level_excludes(4, MKD_CLASS_CACHE_PRIVATE));
	ck_assert(mkd_dump_level_excludes(8, MKD_CLASS_USER));
	ck_assert(!mkd_dump_level_excludes(23, MKD_CLASS_USER));
	ck_assert(mkd_dump_level_excludes(16, MKD_CLASS_FREE));
	ck_assert(mkd_dump_level_excludes(0, MKD_CLASS_HWPOISON));
	ck_assert(mkd_dump_level_excludes(0, MKD_CLASS_OFFLINE));
	ck_assert(!mkd_dump_level_excludes(31, MKD_CLASS_OTHER));
	ck_assert_str_eq(mkd_page_class_name(MKD_CLASS_OTHER), "other");
	ck_assert_str_eq(mkd_page_class_name(MKD_CLASS_CACHE_PRIVATE),
			 "cache-private");
	ck_assert_int_eq((int)MKD_CLASS_FREE, (int)MKD_FILTER_FREE);
}
END_TEST

/* A made-up kernel address space: a few regions, the rest unmapped. */
struct region {
	uint64_t vaddr;
	size_t len;
	uint8_t *data;
};

struct space {
	struct region r[4];
	size_t n;
};

static struct mkd_error *space_read(void *arg, uint64_t vaddr, void *buf,
				    size_t len, size_t *done)
{
	struct space *s = arg;
	size_t off = 0, i;

	while (off < len) {
		uint64_t va = vaddr + off;

		for (i = 0; i < s->n; i++)
			if (va >= s->r[i].vaddr && va < s->r[i].vaddr + s->r[i].len)
				break;
		if (i == s->n) {
			if (done)
				*done = off;
			return mkd_error_at(MKD_ERR_NO_TRANSLATION, va, "unmapped");
		}
		*((uint8_t *)buf + off) = s->r[i].data[va - s->r[i].vaddr];
		off++;
	}
	if (done)
		*done = off;
	return NULL;
}

static void space_add(struct space *s, uint64_t vaddr, size_t len)
{
	s->r[s->n].vaddr = vaddr;
	s->r[s->n].len = len;
	s->r[s->n].data = calloc(1, len);
	ck_assert_ptr_nonnull(s->r[s->n].data);
	s->n++;
}

static void space_free(struct space *s)
{
	while (s->n)
		free(s->r[--s->n].data);
}

#define ROOTS 0xffffffff82000000ull
#define SECTIONS 0xffff888000100000ull
#define VMEMMAP 0xffffea0000000000ull

static int code_of(struct mkd_error *err)
{
	int code = err ? (int)mkd_error_code(err) : 0;

	mkd_error_destroy(err);
	return code;
}

static const struct mkd_memmap_layout layout_61 = {
	.mem_section = ROOTS, .roots = 4096, .section_size = 32,
	.map_offset = 0, .section_bits = 27, .physmem_bits = 46,
	.page_size = 4096, .page_struct = 64,
};

START_TEST(memmap_walks_sparsemem_extreme)
{
	struct space s = { .n = 0 };
	struct mkd_memmap m;
	uint64_t base, pfn, maps[4] = { VMEMMAP | 0x1f, 0x1, 0, VMEMMAP | 0x3 };
	uint8_t *buf = malloc(256 * 64), have[256];
	size_t i;

	space_add(&s, ROOTS, 4096 * 8);
	space_add(&s, SECTIONS, 4096);
	space_add(&s, VMEMMAP, 8192);			/* pfns 0-127 */
	space_add(&s, VMEMMAP + 12288, 1 << 20);	/* pfns 192- */
	memcpy(s.r[0].data, &(uint64_t){ SECTIONS }, 8);
	for (i = 0; i < 4; i++)
		memcpy(s.r[1].data + 32 * i, &maps[i], 8);
	ck_assert_ok(mkd_memmap_init(&m, &layout_61, space_read, &s));
	ck_assert(m.extreme);
	ck_assert_uint_eq(mkd_memmap_section_pages(&m), 32768);
	ck_assert_ok(mkd_memmap_section(&m, 0, &base));
	ck_assert_uint_eq(base, VMEMMAP);
	ck_assert_ok(mkd_memmap_section(&m, 1, &base));	/* no mem_map */
	ck_assert_uint_eq(base, 0);
	ck_assert_ok(mkd_memmap_section(&m, 2, &base));	/* removed */
	ck_assert_uint_eq(base, 0);
	ck_assert_ok(mkd_memmap_section(&m, 3, &base));	/* offline */
	ck_assert_uint_eq(base, VMEMMAP);
	ck_assert_ok(mkd_memmap_section(&m, 200, &base));	/* NULL root */
	ck_assert_uint_eq(base, 0);
	ck_assert_ok(mkd_memmap_section(&m, 1ull << 19, &base));
	ck_assert_uint_eq(base, 0);
	/* A missing page of struct pages costs only the pfns in it. */
	ck_assert_ok(mkd_memmap_read(&m, 0, 256, buf, have));
	for (i = 0; i < 256; i++)
		ck_assert_msg(have[i] == (i < 128 || i >= 192), "pfn %zu", i);
	ck_assert(mkd_memmap_pfn_of(&m, VMEMMAP, VMEMMAP + 64 * 5, &pfn));
	ck_assert_uint_eq(pfn, 5);
	ck_assert(!mkd_memmap_pfn_of(&m, VMEMMAP, VMEMMAP + 65, &pfn));
	mkd_memmap_deinit(&m);
	space_free(&s);
	free(buf);
}
END_TEST

START_TEST(memmap_flat_sparsemem_and_nonsense)
{
	struct mkd_memmap_layout l = layout_61;
	struct space s = { .n = 0 };
	struct mkd_memmap m;
	uint64_t base, map = VMEMMAP | 0x3;

	/* 2^30 bytes of physmem: 8 sections in a flat array. */
	l.physmem_bits = 30;
	l.roots = 8;
	space_add(&s, ROOTS, 8 * 32);
	memcpy(s.r[0].data + 32 * 7, &map, 8);
	ck_assert_ok(mkd_memmap_init(&m, &l, space_read, &s));
	ck_assert(!m.extreme);
	ck_assert_ok(mkd_memmap_section(&m, 7, &base));
	ck_assert_uint_eq(base, VMEMMAP);
	ck_assert_ok(mkd_memmap_section(&m, 6, &base));
	ck_assert_uint_eq(base, 0);
	mkd_memmap_deinit(&m);
	space_free(&s);

	l = layout_61;
	l.roots = 3;
	ck_assert_int_eq(code_of(mkd_memmap_init(&m, &l, space_read, &s)),
			 MKD_ERR_UNSUPPORTED);
	mkd_memmap_deinit(&m);
	l = layout_61;
	l.section_bits = 10;
	ck_assert_int_eq(code_of(mkd_memmap_init(&m, &l, space_read, &s)),
			 MKD_ERR_CORRUPT);
	mkd_memmap_deinit(&m);
}
END_TEST

static const char keys_61[] =
"ram 0 100000\n"
"vmcoreinfo OSRELEASE=6.1.0-test\n"
"vmcoreinfo SYMBOL(mem_section)=ffff89ec5ffd5000\n"
"vmcoreinfo LENGTH(mem_section)=4096\n"
"vmcoreinfo SIZE(mem_section)=32\n"
"vmcoreinfo OFFSET(mem_section.section_mem_map)=0\n"
"vmcoreinfo NUMBER(SECTION_SIZE_BITS)=27\n"
"vmcoreinfo NUMBER(MAX_PHYSMEM_BITS)=46\n"
"vmcoreinfo SIZE(page)=64\n"
"vmcoreinfo OFFSET(page.flags)=0\n"
"vmcoreinfo OFFSET(page._refcount)=52\n"
"vmcoreinfo OFFSET(page.mapping)=24\n"
"vmcoreinfo OFFSET(page.lru)=8\n"
"vmcoreinfo OFFSET(page._mapcount)=48\n"
"vmcoreinfo OFFSET(page.private)=40\n"
"vmcoreinfo OFFSET(page.compound_dtor)=16\n"
"vmcoreinfo OFFSET(page.compound_order)=17\n"
"vmcoreinfo OFFSET(page.compound_head)=8\n"
"vmcoreinfo LENGTH(zone.free_area)=11\n"
"vmcoreinfo NUMBER(PG_lru)=4\n"
"vmcoreinfo NUMBER(PG_private)=13\n"
"vmcoreinfo NUMBER(PG_swapcache)=10\n"
"vmcoreinfo NUMBER(PG_swapbacked)=19\n"
"vmcoreinfo NUMBER(PG_slab)=9\n"
"vmcoreinfo NUMBER(PG_hwpoison)=23\n"
"vmcoreinfo NUMBER(PG_head_mask)=65536\n"
"vmcoreinfo NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n";

/* keys_61 with the line holding key replaced by line, plus extra. */
static char *spec_with(const char *key, const char *line, const char *extra)
{
	const char *at = key ? strstr(keys_61, key) : NULL;
	size_t head = at ? (size_t)(at - keys_61) : strlen(keys_61);
	const char *rest = at ? strchr(at, '\n') + 1 : "";
	char *spec;

	while (at && head && keys_61[head - 1] != '\n')
		head--;
	ck_assert_int_ge(asprintf(&spec, "%.*s%s%s%s", (int)head, keys_61,
				  line ? line : "", rest, extra), 0);
	return spec;
}

/* Create a classifier at level; the error code (0 for success). */
static int create_at(char *spec, const char *name, int level,
		     const char *want_in_message)
{
	char *path = unit_gen("elf", spec, name);
	struct mkd_dump *dump = unit_open(path);
	struct mkd_classifier *cl = NULL;
	struct mkd_error *err;
	int code;

	err = mkd_classifier_create(dump, level, &cl);
	code = err ? (int)mkd_error_code(err) : 0;
	if (want_in_message)
		ck_assert_msg(err && strstr(mkd_error_message(err), want_in_message),
			      "%s", err ? mkd_error_message(err) : "no error");
	mkd_error_destroy(err);
	mkd_classifier_destroy(cl);
	mkd_dump_destroy(dump);
	free(path);
	free(spec);
	return code;
}

#define BUDDY_KEY "vmcoreinfo NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
#define DTOR_KEY "vmcoreinfo NUMBER(HUGETLB_PAGE_DTOR)=2\n"

START_TEST(each_level_names_the_key_it_misses)
{
	/* keys_61 lacks the buddy value and the hugetlb destructor. */
	ck_assert_int_eq(create_at(spec_with(NULL, NULL, ""), "k1.elf", 7,
				   NULL), 0);
	ck_assert_int_eq(create_at(spec_with(NULL, NULL, ""), "k2.elf", 16,
				   "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)"),
			 MKD_ERR_UNSUPPORTED);
	ck_assert_int_eq(create_at(spec_with(NULL, NULL, BUDDY_KEY), "k3.elf",
				   8, "NUMBER(HUGETLB_PAGE_DTOR)"),
			 MKD_ERR_UNSUPPORTED);
	ck_assert_int_eq(create_at(spec_with(NULL, NULL, BUDDY_KEY DTOR_KEY),
				   "k4.elf", 31, NULL), 0);
	ck_assert_int_eq(create_at(spec_with("NUMBER(PG_lru)", NULL, ""),
				   "k5.elf", 2, "NUMBER(PG_lru)"),
			 MKD_ERR_UNSUPPORTED);
	ck_assert_int_eq(create_at(spec_with("SYMBOL(mem_section)", NULL, ""),
				   "k6.elf", 0, "SYMBOL(mem_section)"),
			 MKD_ERR_UNSUPPORTED);
	ck_assert_int_eq(create_at(spec_with(NULL, NULL, ""), "k7.elf", 32,
				   "0-31"), MKD_ERR_INVALID);
}
END_TEST

START_TEST(nonsense_numbers_are_corrupt)
{
	ck_assert_int_eq(create_at(spec_with("OFFSET(page.private)",
					     "vmcoreinfo OFFSET(page.private)=60\n",
					     BUDDY_KEY),
				   "bad1.elf", 16, "past SIZE(page)"),
			 MKD_ERR_CORRUPT);
	ck_assert_int_eq(create_at(spec_with("NUMBER(PG_lru)",
					     "vmcoreinfo NUMBER(PG_lru)=77\n", ""),
				   "bad2.elf", 2, "not a bit number"),
			 MKD_ERR_CORRUPT);
	ck_assert_int_eq(create_at(spec_with("OSRELEASE", "vmcoreinfo OSRELEASE=4.15.0\n", ""),
				   "old.elf", 0, "4.16"),
			 MKD_ERR_UNSUPPORTED);
}
END_TEST

static Suite *filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, free_blocks_go_whole);
	tcase_add_test(tc, page_cache_private_or_not);
	tcase_add_test(tc, swap_cache_needs_swapbacked);
	tcase_add_test(tc, user_pages_anon_ksm_hugetlb);
	tcase_add_test(tc, compound_heads_and_tails);
	tcase_add_test(tc, hwpoison_and_offline_always_go);
	tcase_add_test(tc, level_bits_mean_what_makedumpfile_means);
	suite_add_tcase(s, tc);
	tc = tcase_create("memmap");
	tcase_add_test(tc, memmap_walks_sparsemem_extreme);
	tcase_add_test(tc, memmap_flat_sparsemem_and_nonsense);
	suite_add_tcase(s, tc);
	tc = tcase_create("vmcoreinfo");
	tcase_add_test(tc, each_level_names_the_key_it_misses);
	tcase_add_test(tc, nonsense_numbers_are_corrupt);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(filter_suite)
