/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pageclass.h - what makedumpfile's dump levels make of one struct page.
 *
 * The rules are numbers from vmcoreinfo (struct page offsets, PG_* bit
 * numbers, page_type values); mkd_page_rules_init() collects them and says
 * which key is missing for a given level.  mkd_page_decide() is a pure
 * function of the raw bytes of a struct page (and of the one after it,
 * where the kernel keeps a compound page's order and destructor), so it
 * can be tested on synthetic bytes.
 *
 * Invariants: every offset in the rules, plus the width of its field, lies
 * inside SIZE(page); a mask of 0 means "the kernel has no such flag".
 */
#ifndef MKD_PAGECLASS_H
#define MKD_PAGECLASS_H

#include <stdbool.h>
#include <stdint.h>

#include "mkdump.h"

struct mkd_page_rules {
	uint32_t size;			/* SIZE(page) */
	uint32_t off_flags;		/* unsigned long flags */
	uint32_t off_mapping;		/* struct address_space *mapping */
	uint32_t off_private;		/* unsigned long private */
	uint32_t off_mapcount;		/* _mapcount, or page_type */
	uint32_t off_head;		/* unsigned long compound_head */
	uint32_t off_dtor;		/* u8 compound_dtor (first tail) */
	uint32_t off_order;		/* u8 compound_order (first tail) */

	uint64_t lru, private_, swapcache, swapbacked, slab, hwpoison;
	uint64_t head;			/* PG_head_mask */
	bool swapbacked_known;		/* the kernel has PG_swapbacked */

	bool buddy_known;
	uint32_t buddy_value;		/* PAGE_BUDDY_MAPCOUNT_VALUE */
	bool offline_known;
	uint32_t offline_value;		/* PAGE_OFFLINE_MAPCOUNT_VALUE */
	uint8_t hugetlb_dtor;		/* HUGETLB_PAGE_DTOR */
	uint64_t free_orders;		/* LENGTH(zone.free_area) */
};

/* The fields of one struct page the rules look at. */
struct mkd_page_fields {
	uint64_t flags, mapping, private_, head;
	uint32_t mapcount;
	bool has_next;			/* the next struct page is known */
	uint8_t dtor, order;		/* from the next struct page */
};

/* makedumpfile's verdict on a page, at one dump level. */
struct mkd_page_verdict {
	enum mkd_page_class cls;	/* MKD_CLASS_OTHER: kept */
	uint64_t npages;		/* pages the verdict covers, >= 1 */
	bool tail;			/* compound tail: the head decides */
};

/*
 * Read the rules for dump level (0-31) from the dump's vmcoreinfo.
 * MKD_ERR_UNSUPPORTED naming the key when one the level needs is missing.
 */
struct mkd_error *mkd_page_rules_init(struct mkd_page_rules *r,
				      const struct mkd_dump *dump, int level);

/* Pick the fields out of a struct page; next may be NULL (no next page). */
void mkd_page_fields_load(const struct mkd_page_rules *r, const uint8_t *page,
			  const uint8_t *next, struct mkd_page_fields *f);

/* makedumpfile's chain of tests for the page at pfn, at level. */
struct mkd_page_verdict mkd_page_decide(const struct mkd_page_rules *r,
					const struct mkd_page_fields *f,
					uint64_t pfn, int level);

#endif /* MKD_PAGECLASS_H */
