/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * memmap.h - where each pfn's struct page is, from vmcoreinfo alone.
 *
 * SPARSEMEM splits physical memory into sections of 2^SECTION_SIZE_BITS
 * bytes; struct mem_section holds a section's section_mem_map: its
 * mem_map "coded" as (mem_map - first pfn), flag bits in the low bits.
 * With SPARSEMEM_EXTREME, SYMBOL(mem_section) is the root array itself
 * (an array of LENGTH(mem_section) pointers, each to a page-sized array of
 * mem_sections); without it, the mem_sections follow each other from
 * SYMBOL(mem_section) on.  Both come from kernel/crash_core.c,
 * include/linux/mmzone.h and mm/sparse.c.
 *
 * Memory is read through a callback (kernel virtual addresses), so the
 * module can be tested on a made-up address space.  It keeps one root's
 * section array, never the whole table.
 */
#ifndef MKD_MEMMAP_H
#define MKD_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "mkdump.h"

/* Read len bytes at a kernel virtual address; *done as mkd_read_virt(). */
typedef struct mkd_error *mkd_virt_reader(void *arg, uint64_t vaddr,
					  void *buf, size_t len,
					  size_t *done);

struct mkd_memmap_layout {
	uint64_t mem_section;		/* SYMBOL(mem_section) */
	uint64_t roots;			/* LENGTH(mem_section) */
	uint32_t section_size;		/* SIZE(mem_section) */
	uint32_t map_offset;		/* OFFSET(...section_mem_map) */
	uint32_t section_bits;		/* NUMBER(SECTION_SIZE_BITS) */
	uint32_t physmem_bits;		/* NUMBER(MAX_PHYSMEM_BITS) */
	uint32_t page_size;		/* PAGESIZE */
	uint32_t page_struct;		/* SIZE(page) */
};

struct mkd_memmap {
	struct mkd_memmap_layout l;
	mkd_virt_reader *read;
	void *arg;
	bool extreme;			/* SPARSEMEM_EXTREME */
	uint32_t per_root;		/* sections per root */
	unsigned pfn_shift;		/* log2(pfns per section) */
	uint64_t sections;		/* number of sections */
	uint64_t cached_root;		/* the root in root_buf */
	bool root_valid, root_present;
	uint8_t *root_buf;		/* per_root * section_size bytes */
};

/* Fill a layout from the dump's vmcoreinfo; UNSUPPORTED naming a key. */
struct mkd_error *mkd_memmap_layout_read(const struct mkd_dump *dump,
					 struct mkd_memmap_layout *l);
/* Check the layout and set up m; nothing is read yet. */
struct mkd_error *mkd_memmap_init(struct mkd_memmap *m,
				  const struct mkd_memmap_layout *l,
				  mkd_virt_reader *read, void *arg);
void mkd_memmap_deinit(struct mkd_memmap *m);

static inline uint64_t mkd_memmap_section_pages(const struct mkd_memmap *m)
{
	return 1ull << m->pfn_shift;
}

/*
 * The decoded mem_map base of section nr: the address pfn's struct page
 * would have at base + pfn * SIZE(page).  *base is 0 when the section has
 * no mem_map (not present, hot-removed, beyond the table, or its table
 * entry is not in the dump).
 */
struct mkd_error *mkd_memmap_section(struct mkd_memmap *m, uint64_t nr,
				     uint64_t *base);
/*
 * Read the struct pages of [pfn, pfn + n), all in one section, into buf.
 * Pages whose struct page cannot be read get a 0 in have[i] (1 if read).
 * Only errors other than missing data are returned.
 */
struct mkd_error *mkd_memmap_read(struct mkd_memmap *m, uint64_t pfn,
				  uint64_t n, uint8_t *buf, uint8_t *have);
/* The pfn whose struct page is at vaddr, in a section of the given base. */
bool mkd_memmap_pfn_of(const struct mkd_memmap *m, uint64_t base,
		       uint64_t vaddr, uint64_t *pfn);

#endif /* MKD_MEMMAP_H */
