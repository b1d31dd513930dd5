// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter-mutate.c - give a copy of a real vmcore the pages it lacks.
 *
 *   filter-mutate VMCORE COPY
 *
 * The guest bed's panic dump has free, cache, user and zero pages but no
 * poisoned, offline, private-cache or hugetlbfs pages, no page-cache or
 * anonymous compound pages, and none of the odd cases makedumpfile's
 * rules treat specially.  This tool rewrites struct pages in COPY (a
 * byte copy of VMCORE) to make each of them, as the kernel would lay them
 * out (include/linux/mm_types.h, page-flags.h), then makedumpfile run on
 * COPY is again the oracle for filter-truth.  Candidates are picked with
 * the library's own level-31 classes; every write lands in each PT_LOAD
 * that maps the struct page's physical address.
 *
 * Prints one line per mutation.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "memmap.h"

#define MAX_LOADS 64
#define FILE_MAPPING 0xffff888001234500ull	/* 8-aligned: a file */
#define ANON_MAPPING (FILE_MAPPING | 1)
#define KSM_MAPPING (FILE_MAPPING | 3)
#define MOVABLE_MAPPING (FILE_MAPPING | 2)
#define NO_MAPCOUNT 0xffffffffu			/* _mapcount -1 */

struct load {
	uint64_t paddr, size, offset;
};

struct mut {
	struct mkd_dump *dump;
	struct mkd_memmap map;
	int fd;				/* the copy, open for writing */
	struct load loads[MAX_LOADS];
	size_t nloads;
	uint8_t *cls;			/* level-31 class per pfn */
	uint8_t *used;			/* pfn already mutated */
	uint64_t max_pfn;
	uint32_t sz;			/* SIZE(page) */
	uint64_t off_flags, off_mapping, off_private, off_mapcount;
	uint64_t off_head, off_dtor, off_order;
	uint64_t lru, private_, swapcache, swapbacked, slab, hwpoison, head;
	int64_t hugetlb_dtor;
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("filter-mutate: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void check(struct mkd_error *err)
{
	if (err)
		die("%s", mkd_error_message(err));
}

static uint64_t offset_of(struct mut *m, const char *name)
{
	uint64_t v;

	check(mkd_vmcoreinfo_offset(m->dump, name, &v));
	return v;
}

static uint64_t bit_of(struct mut *m, const char *name)
{
	int64_t v;

	check(mkd_vmcoreinfo_number(m->dump, name, &v));
	return 1ull << v;
}

static void read_numbers(struct mut *m)
{
	uint64_t size;
	int64_t v;

	check(mkd_vmcoreinfo_size(m->dump, "page", &size));
	m->sz = (uint32_t)size;
	m->off_flags = offset_of(m, "page.flags");
	m->off_mapping = offset_of(m, "page.mapping");
	m->off_private = offset_of(m, "page.private");
	m->off_mapcount = offset_of(m, "page._mapcount");
	m->off_head = offset_of(m, "page.compound_head");
	m->off_dtor = offset_of(m, "page.compound_dtor");
	m->off_order = offset_of(m, "page.compound_order");
	m->lru = bit_of(m, "PG_lru");
	m->private_ = bit_of(m, "PG_private");
	m->swapcache = bit_of(m, "PG_swapcache");
	m->swapbacked = bit_of(m, "PG_swapbacked");
	m->slab = bit_of(m, "PG_slab");
	m->hwpoison = bit_of(m, "PG_hwpoison");
	check(mkd_vmcoreinfo_number(m->dump, "PG_head_mask", &v));
	m->head = (uint64_t)v;
	check(mkd_vmcoreinfo_number(m->dump, "HUGETLB_PAGE_DTOR", &m->hugetlb_dtor));
}

static void read_loads(struct mut *m, const char *path)
{
	int fd = open(path, O_RDONLY);
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned i;

	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		die("cannot read '%s'", path);
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) !=
		    sizeof(ph))
			die("cannot read the program headers of '%s'", path);
		if (ph.p_type != PT_LOAD)
			continue;
		if (m->nloads == MAX_LOADS)
			die("too many PT_LOADs");
		m->loads[m->nloads++] = (struct load){ ph.p_paddr, ph.p_filesz,
						       ph.p_offset };
	}
	close(fd);
}

static struct mkd_error *read_virt(void *arg, uint64_t vaddr, void *buf,
				   size_t len, size_t *done)
{
	return mkd_read_virt(arg, vaddr, buf, len, done);
}

static void classify(struct mut *m)
{
	struct mkd_classifier *cl;
	uint64_t pfn = 0;

	m->max_pfn = mkd_dump_max_pfn(m->dump);
	m->cls = calloc(m->max_pfn + 1, 1);
	m->used = calloc(m->max_pfn + 1, 1);
	if (!m->cls || !m->used)
		die("out of memory");
	check(mkd_classifier_create(m->dump, MKD_DL_ALL & ~MKD_DL_ZERO, &cl));
	while (pfn < m->max_pfn) {
		struct mkd_class_run run;
		uint64_t i;

		check(mkd_classify(cl, pfn, &run));
		for (i = 0; i < run.count && pfn < m->max_pfn; i++, pfn++)
			m->cls[pfn] = (run.flags & MKD_CLASS_RUN_NOT_DUMPED)
				      ? 0xff : (uint8_t)run.cls;
	}
	mkd_classifier_destroy(cl);
}

static uint64_t page_vaddr(struct mut *m, uint64_t pfn)
{
	uint64_t base;

	check(mkd_memmap_section(&m->map, pfn >> m->map.pfn_shift, &base));
	if (!base)
		die("pfn %#" PRIx64 " has no struct page", pfn);
	return base + pfn * m->sz;
}

static void get(struct mut *m, uint64_t pfn, uint64_t off, void *buf,
		size_t len)
{
	check(mkd_read_virt(m->dump, page_vaddr(m, pfn) + off, buf, len, NULL));
}

static uint64_t get64(struct mut *m, uint64_t pfn, uint64_t off)
{
	uint64_t v;

	get(m, pfn, off, &v, 8);
	return v;
}

/* Write len bytes into struct page pfn, in every PT_LOAD that maps them. */
static void put(struct mut *m, uint64_t pfn, uint64_t off, const void *buf,
		size_t len)
{
	uint64_t paddr;
	size_t i, hits = 0;

	check(mkd_vtop(m->dump, page_vaddr(m, pfn) + off, &paddr));
	for (i = 0; i < m->nloads; i++) {
		const struct load *l = &m->loads[i];

		if (paddr < l->paddr || paddr + len > l->paddr + l->size)
			continue;
		if (pwrite(m->fd, buf, len, (off_t)(l->offset + paddr - l->paddr)) !=
		    (ssize_t)len)
			die("cannot write: %s", strerror(errno));
		hits++;
	}
	if (!hits)
		die("struct page of pfn %#" PRIx64 " is not in the file", pfn);
}

static void put64(struct mut *m, uint64_t pfn, uint64_t off, uint64_t v)
{
	put(m, pfn, off, &v, 8);
}

static void put32(struct mut *m, uint64_t pfn, uint64_t off, uint32_t v)
{
	put(m, pfn, off, &v, 4);
}

static void put8(struct mut *m, uint64_t pfn, uint64_t off, uint8_t v)
{
	put(m, pfn, off, &v, 1);
}

/* An order-0 page of class cls whose flags fit want/avoid, not used yet. */
static uint64_t pick(struct mut *m, enum mkd_page_class cls, uint64_t want,
		     uint64_t avoid, bool odd)
{
	uint64_t pfn;

	for (pfn = 0x1000; pfn < m->max_pfn; pfn++) {
		uint64_t flags;

		if (m->cls[pfn] != cls || m->used[pfn] || (odd && !(pfn & 1)) ||
		    m->used[pfn + 1] || get64(m, pfn, m->off_head) & 1)
			continue;
		flags = get64(m, pfn, m->off_flags);
		if ((flags & want) != want || (flags & (avoid | m->head)))
			continue;
		m->used[pfn] = m->used[pfn + 1] = 1;
		return pfn;
	}
	die("no %s page to mutate", mkd_page_class_name(cls));
}

/* The head of a free block of at least 2^order pages, not used yet. */
static uint64_t pick_free(struct mut *m, unsigned order)
{
	uint64_t pfn, n = 1ull << order, i;

	for (pfn = 0x1000; pfn + n < m->max_pfn; pfn += n) {
		for (i = 0; i < n && m->cls[pfn + i] == MKD_CLASS_FREE &&
			    !m->used[pfn + i]; i++)
			;
		if (i < n || get64(m, pfn, m->off_private) < order ||
		    get64(m, pfn, m->off_mapcount) == NO_MAPCOUNT)
			continue;
		memset(m->used + pfn, 1, n);
		return pfn;
	}
	die("no free block of order %u", order);
}

/* Turn pfn.. into a compound page of 2^order with the given head state. */
static void make_compound(struct mut *m, uint64_t pfn, unsigned order,
			  uint64_t flags, uint64_t mapping, uint8_t dtor)
{
	uint64_t i, head = page_vaddr(m, pfn);

	put64(m, pfn, m->off_flags, m->head | flags);
	put64(m, pfn, m->off_mapping, mapping);
	put64(m, pfn, m->off_private, 0);
	put32(m, pfn, m->off_mapcount, NO_MAPCOUNT);
	for (i = 1; i < (1ull << order); i++) {
		put64(m, pfn + i, m->off_flags, 0);
		put64(m, pfn + i, m->off_head, head | 1);
	}
	put8(m, pfn + 1, m->off_dtor, dtor);
	put8(m, pfn + 1, m->off_order, (uint8_t)order);
}

static void say(const char *what, uint64_t pfn, uint64_t n)
{
	printf("%-44s pfn %#" PRIx64 " (%" PRIu64 " pages)\n", what, pfn, n);
}

static void set_flags(struct mut *m, uint64_t pfn, uint64_t set,
		      const char *what)
{
	put64(m, pfn, m->off_flags, get64(m, pfn, m->off_flags) | set);
	say(what, pfn, 1);
}

static void mutate_flags(struct mut *m)
{
	uint64_t p;
	int i;

	set_flags(m, pick(m, MKD_CLASS_OTHER, 0, m->slab, false), m->hwpoison,
		  "hwpoison: a kept page");
	set_flags(m, pick(m, MKD_CLASS_CACHE, 0, 0, false), m->hwpoison,
		  "hwpoison: a cache page");
	for (i = 0; i < 3; i++)
		set_flags(m, pick(m, MKD_CLASS_CACHE, 0, m->private_, false),
			  m->private_, "cache-private: PG_private on cache");
	p = pick(m, MKD_CLASS_OTHER, 0, m->lru | m->slab | m->swapcache, false);
	set_flags(m, p, m->swapcache, "kept: PG_swapcache alone (PG_checked)");
	p = pick(m, MKD_CLASS_OTHER, 0, m->lru | m->slab, false);
	put64(m, p, m->off_mapping, 0);
	set_flags(m, p, m->swapcache | m->swapbacked,
		  "cache: swap cache, no mapping");
	p = pick(m, MKD_CLASS_OTHER, 0, m->slab, false);
	put64(m, p, m->off_mapping, KSM_MAPPING);
	say("user: a KSM mapping", p, 1);
	p = pick(m, MKD_CLASS_OTHER, 0, m->slab | m->lru, false);
	put64(m, p, m->off_mapping, MOVABLE_MAPPING);
	set_flags(m, p, m->lru, "cache: LRU with a movable mapping");
}

static void mutate_types(struct mut *m)
{
	uint64_t p;

	p = pick(m, MKD_CLASS_OTHER, 0, m->slab, false);
	put32(m, p, m->off_mapcount, (uint32_t)-257);
	say("offline: page_type PG_offline", p, 1);
	p = pick(m, MKD_CLASS_OTHER, m->slab, 0, false);
	put32(m, p, m->off_mapcount, (uint32_t)-257);
	say("kept: a slab page with the offline value", p, 1);
	p = pick_free(m, 2);
	put64(m, p, m->off_flags, get64(m, p, m->off_flags) | m->slab);
	say("kept: a free head that says slab", p, 4);
	p = pick_free(m, 2);
	put64(m, p, m->off_private, 11);
	say("kept: a free head of order 11", p, 4);
	p = pick_free(m, 1);
	put64(m, p, m->off_private, 1);
	say("free: a head whose order shrank to 1", p, 2);
}

static void mutate_compound(struct mut *m)
{
	uint64_t p;

	p = pick_free(m, 9);
	make_compound(m, p, 9, 0, 0, (uint8_t)m->hugetlb_dtor);
	say("user: a 2 MiB hugetlbfs page", p, 512);
	p = pick_free(m, 4);
	make_compound(m, p, 4, m->lru, ANON_MAPPING, 3);
	say("user: an anonymous THP", p, 16);
	p = pick_free(m, 3);
	make_compound(m, p, 3, m->lru, FILE_MAPPING, 1);
	say("cache: a page-cache folio of 8", p, 8);
	p = pick_free(m, 3);
	make_compound(m, p, 3, m->lru | m->private_, FILE_MAPPING, 1);
	say("cache-private: a folio of 8 with fs data", p, 8);
	p = pick(m, MKD_CLASS_OTHER, 0, m->slab | m->lru, true);
	put64(m, p, m->off_mapping, FILE_MAPPING);
	put64(m, p, m->off_flags, get64(m, p, m->off_flags) | m->head | m->lru);
	put8(m, p + 1, m->off_order, 3);
	say("cache: a head of order 3 at an odd pfn", p, 1);
}

int main(int argc, char **argv)
{
	struct mkd_memmap_layout layout;
	struct mut m = { 0 };

	if (argc != 3)
		die("usage: filter-mutate VMCORE COPY");
	check(mkd_dump_open(argv[1], NULL, &m.dump));
	read_numbers(&m);
	read_loads(&m, argv[2]);
	check(mkd_memmap_layout_read(m.dump, &layout));
	check(mkd_memmap_init(&m.map, &layout, read_virt, m.dump));
	classify(&m);
	m.fd = open(argv[2], O_WRONLY);
	if (m.fd < 0)
		die("cannot open '%s': %s", argv[2], strerror(errno));
	mutate_flags(&m);
	mutate_types(&m);
	mutate_compound(&m);
	if (close(m.fd))
		die("cannot write '%s': %s", argv[2], strerror(errno));
	mkd_memmap_deinit(&m.map);
	mkd_dump_destroy(m.dump);
	free(m.cls);
	free(m.used);
	return 0;
}
