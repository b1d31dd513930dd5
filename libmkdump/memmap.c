// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * memmap.c - where each pfn's struct page is (see memmap.h).
 *
 * Kernel facts used (include/linux/mmzone.h, v6.1):
 * - section nr holds pfns [nr << PFN_SECTION_SHIFT, (nr + 1) << ...),
 *   PFN_SECTION_SHIFT = SECTION_SIZE_BITS - PAGE_SHIFT; there are
 *   2^(MAX_PHYSMEM_BITS - SECTION_SIZE_BITS) sections;
 * - SPARSEMEM_EXTREME: SECTIONS_PER_ROOT = PAGE_SIZE / sizeof(struct
 *   mem_section), mem_section[nr / SECTIONS_PER_ROOT] points to a root's
 *   array (NULL when none of its sections was ever present);
 * - section_mem_map's low bits are flags: SECTION_MARKED_PRESENT (bit 0),
 *   SECTION_HAS_MEM_MAP (bit 1), IS_ONLINE, IS_EARLY, TAINT_ZONE_DEVICE
 *   (bits 2-4; later kernels add IS_VMEMMAP_PREINIT at bit 5).  The rest
 *   is mem_map minus the section's first pfn, in struct page units
 *   (sparse_encode_mem_map() in mm/sparse.c); mmzone.h promises at least
 *   6 free low bits on every architecture, so masking 6 bits is right for
 *   every version (makedumpfile masks 5, the same on 6.1).
 * - valid_section() (what pfn_valid() asks) is SECTION_HAS_MEM_MAP;
 *   makedumpfile asks for SECTION_MARKED_PRESENT.  We want both; after
 *   boot they are set and cleared together.
 */
#include <stdlib.h>

#include "internal.h"
#include "memmap.h"

#define SECTION_MARKED_PRESENT 0x1ull
#define SECTION_HAS_MEM_MAP 0x2ull
#define SECTION_FLAGS_MASK 0x3full
#define MAX_PFN_SHIFT 18		/* 16 MiB of struct pages per batch */

static struct mkd_error *need_key(struct mkd_error *err)
{
	if (err && mkd_error_code(err) == MKD_ERR_NOT_FOUND && !err->is_static)
		err->code = MKD_ERR_UNSUPPORTED;
	return err;
}

static struct mkd_error *number_u32(const struct mkd_dump *dump,
				    const char *name, uint32_t *value)
{
	struct mkd_error *err;
	int64_t v;

	err = mkd_vmcoreinfo_number(dump, name, &v);
	if (err)
		return err;
	if (v < 0 || v > 64)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"vmcoreinfo NUMBER(%s)=%lld", name,
					(long long)v);
	*value = (uint32_t)v;
	return NULL;
}

struct mkd_error *mkd_memmap_layout_read(const struct mkd_dump *dump,
					 struct mkd_memmap_layout *l)
{
	struct mkd_error *err;
	uint64_t size, off, page;

	memset(l, 0, sizeof(*l));
	l->page_size = dump->page_size;
	if ((err = mkd_vmcoreinfo_symbol(dump, "mem_section",
					 &l->mem_section)) ||
	    (err = mkd_vmcoreinfo_length(dump, "mem_section", &l->roots)) ||
	    (err = mkd_vmcoreinfo_size(dump, "mem_section", &size)) ||
	    (err = mkd_vmcoreinfo_offset(dump, "mem_section.section_mem_map",
					 &off)) ||
	    (err = mkd_vmcoreinfo_size(dump, "page", &page)) ||
	    (err = number_u32(dump, "SECTION_SIZE_BITS", &l->section_bits)) ||
	    (err = number_u32(dump, "MAX_PHYSMEM_BITS", &l->physmem_bits)))
		return mkd_error_wrap(need_key(err), "finding struct pages");
	if (size > UINT32_MAX || off > UINT32_MAX || page > UINT32_MAX)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"vmcoreinfo sizes of mem_section or page are absurd");
	l->section_size = (uint32_t)size;
	l->map_offset = (uint32_t)off;
	l->page_struct = (uint32_t)page;
	return NULL;
}

static unsigned log2_exact(uint64_t v)
{
	unsigned n = 0;

	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

static struct mkd_error *layout_check(struct mkd_memmap *m)
{
	const struct mkd_memmap_layout *l = &m->l;
	unsigned page_shift = log2_exact(l->page_size);

	if (!l->page_size || (l->page_size & (l->page_size - 1)) ||
	    l->section_bits <= page_shift || l->physmem_bits > 64 ||
	    l->section_bits > l->physmem_bits ||
	    l->physmem_bits - l->section_bits > 40)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"sparsemem geometry makes no sense: page %u, section bits %u, physmem bits %u",
					l->page_size, l->section_bits,
					l->physmem_bits);
	if (l->section_size < 8 || l->section_size > l->page_size ||
	    l->map_offset > l->section_size - 8 || l->page_struct < 8 ||
	    l->page_struct > 4096)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"SIZE(mem_section)=%u, OFFSET(mem_section.section_mem_map)=%u, SIZE(page)=%u",
					l->section_size, l->map_offset,
					l->page_struct);
	m->pfn_shift = l->section_bits - page_shift;
	if (m->pfn_shift > MAX_PFN_SHIFT)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"sections of 2^%u pages are too big",
					m->pfn_shift);
	m->sections = 1ull << (l->physmem_bits - l->section_bits);
	return NULL;
}

struct mkd_error *mkd_memmap_init(struct mkd_memmap *m,
				  const struct mkd_memmap_layout *l,
				  mkd_virt_reader *read, void *arg)
{
	struct mkd_error *err;

	memset(m, 0, sizeof(*m));
	m->l = *l;
	m->read = read;
	m->arg = arg;
	err = layout_check(m);
	if (err)
		return err;
	m->per_root = l->page_size / l->section_size;
	/* LENGTH(mem_section) is NR_SECTION_ROOTS in both models. */
	if (l->roots * m->per_root == m->sections) {
		m->extreme = true;
	} else if (l->roots == m->sections) {
		m->extreme = false;	/* flat: read a page of it at a time */
	} else {
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"LENGTH(mem_section)=%llu fits neither SPARSEMEM model (%llu sections)",
					(unsigned long long)l->roots,
					(unsigned long long)m->sections);
	}
	m->root_buf = malloc((size_t)m->per_root * l->section_size);
	if (!m->root_buf)
		return &mkd_enomem;
	return NULL;
}

void mkd_memmap_deinit(struct mkd_memmap *m)
{
	free(m->root_buf);
	m->root_buf = NULL;
}

/* Errors that mean "that memory is not in the dump", not "stop". */
static bool is_missing(const struct mkd_error *err)
{
	switch (mkd_error_code(err)) {
	case MKD_ERR_NO_DATA:
	case MKD_ERR_NO_TRANSLATION:
	case MKD_ERR_CORRUPT:
	case MKD_ERR_TRUNCATED:
		return true;
	default:
		return false;
	}
}

/* Read len bytes at vaddr; *ok false (no error) when they are missing. */
static struct mkd_error *read_whole(struct mkd_memmap *m, uint64_t vaddr,
				    void *buf, size_t len, bool *ok)
{
	struct mkd_error *err = m->read(m->arg, vaddr, buf, len, NULL);

	*ok = !err;
	if (err && is_missing(err)) {
		mkd_error_destroy(err);
		return NULL;
	}
	return err;
}

/* Bring root r's array of mem_sections into root_buf. */
static struct mkd_error *load_root(struct mkd_memmap *m, uint64_t r)
{
	size_t len = (size_t)m->per_root * m->l.section_size;
	uint64_t addr, left = m->sections - r * m->per_root;
	uint8_t ptr[8];
	struct mkd_error *err;
	bool ok;

	if (m->root_valid && m->cached_root == r)
		return NULL;
	m->root_valid = false;
	m->root_present = false;
	if (m->extreme) {
		err = read_whole(m, m->l.mem_section + r * 8, ptr, 8, &ok);
		if (err)
			return err;
		addr = ok ? mkd_le64(ptr) : 0;
	} else {
		addr = m->l.mem_section + r * len;
		/* The flat array ends with the last section. */
		if (left < m->per_root)
			len = (size_t)left * m->l.section_size;
	}
	ok = false;
	if (addr) {
		err = read_whole(m, addr, m->root_buf, len, &ok);
		if (err)
			return err;
	}
	m->cached_root = r;
	m->root_valid = true;
	m->root_present = ok;
	return NULL;
}

struct mkd_error *mkd_memmap_section(struct mkd_memmap *m, uint64_t nr,
				     uint64_t *base)
{
	struct mkd_error *err;
	uint64_t map;

	*base = 0;
	if (nr >= m->sections)
		return NULL;
	err = load_root(m, nr / m->per_root);
	if (err || !m->root_present)
		return err;
	map = mkd_le64(m->root_buf + (nr % m->per_root) * m->l.section_size +
		       m->l.map_offset);
	if ((map & (SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP)) !=
	    (SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP))
		return NULL;
	*base = map & ~SECTION_FLAGS_MASK;
	return NULL;
}

/* Mark the struct pages that lie wholly in bytes [from, to) as read. */
static void mark_read(const struct mkd_memmap *m, uint8_t *have,
		      uint64_t n, uint64_t from, uint64_t to)
{
	uint64_t sz = m->l.page_struct, i = (from + sz - 1) / sz;

	for (; i < n && (i + 1) * sz <= to; i++)
		have[i] = 1;
}

struct mkd_error *mkd_memmap_read(struct mkd_memmap *m, uint64_t pfn,
				  uint64_t n, uint8_t *buf, uint8_t *have)
{
	uint64_t base, vaddr, len = n * m->l.page_struct, off = 0;
	uint64_t ps = m->l.page_size;
	struct mkd_error *err;

	memset(have, 0, n);
	err = mkd_memmap_section(m, pfn >> m->pfn_shift, &base);
	if (err || !base)
		return err;
	vaddr = base + pfn * m->l.page_struct;
	/* One big read; where a page of it is missing, go on after it. */
	while (off < len) {
		size_t done = 0;

		err = m->read(m->arg, vaddr + off, buf + off, len - off, &done);
		mark_read(m, have, n, off, off + done);
		if (!err)
			break;
		if (!is_missing(err))
			return err;
		mkd_error_destroy(err);
		off += done;
		off = (((vaddr + off) | (ps - 1)) + 1) - vaddr;
	}
	return NULL;
}

bool mkd_memmap_pfn_of(const struct mkd_memmap *m, uint64_t base,
		       uint64_t vaddr, uint64_t *pfn)
{
	uint64_t delta = vaddr - base;

	if (delta % m->l.page_struct)
		return false;
	*pfn = delta / m->l.page_struct;
	return *pfn < (m->sections << m->pfn_shift);
}
