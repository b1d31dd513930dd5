// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pageclass.c - makedumpfile's dump-level rules for one struct page.
 *
 * Where each rule comes from (Linux v6.1 unless said otherwise; the
 * oracle is makedumpfile 1.7.2, whose choices we follow exactly, and
 * tests/guest/test-filter.sh holds us to it):
 *
 * - struct page (include/linux/mm_types.h): flags, then a union whose
 *   page-cache/anon view is {lru, mapping, index, private} and whose
 *   compound-tail view is {compound_head} (bit 0 set on every tail page,
 *   pointing at the head's struct page); the first tail page also holds
 *   the compound page's u8 compound_dtor and u8 compound_order (u8 since
 *   4.16).  _mapcount shares a word with page_type.
 * - Free pages (mm/page_alloc.c): only the first page of a free block is
 *   marked, with page_type PG_buddy cleared (PageBuddy) and the block's
 *   order in page->private; the block is 2^order pages, order below
 *   MAX_ORDER = LENGTH(zone.free_area).  vmcoreinfo gives
 *   PAGE_BUDDY_MAPCOUNT_VALUE = ~PG_buddy; like makedumpfile we compare the
 *   whole word with it, and never for slab pages, whose struct slab reuses
 *   that word (kernel/crash_core.c, include/linux/page-flags.h).
 * - Logically offline pages (balloon drivers, virtio-mem): page_type with
 *   PG_offline cleared, PAGE_OFFLINE_MAPCOUNT_VALUE = ~PG_offline.
 * - Page cache: PG_lru set, or in the swap cache.  PG_swapcache is
 *   PG_owner_priv_1 (filesystems use it as PG_checked), so it means swap
 *   cache only together with PG_swapbacked (PageSwapCache()).
 * - Anonymous pages: bit 0 of page->mapping (PAGE_MAPPING_ANON; KSM pages
 *   have bits 0 and 1, non-LRU movable pages bit 1 only), never on a slab
 *   page.  makedumpfile 1.7.2 does not ask about slab here, later
 *   versions do (from Linux 6.2 struct slab puts other words where
 *   mapping is); on 6.1 both agree, as SLUB's slab_cache pointer sits at
 *   page.mapping's offset and is aligned.
 * - hugetlbfs pages: compound pages whose first tail page has
 *   compound_dtor == HUGETLB_PAGE_DTOR (PageHuge() in mm/hugetlb.c).
 * - PG_private: the page carries filesystem data (buffer heads).
 * - PG_hwpoison: memory failure (CONFIG_MEMORY_FAILURE only).
 *
 * makedumpfile's own choices, which a level's result depends on:
 * - The tests run in a fixed order and the first that the level enables
 *   wins: free, cache (level 2), cache of any kind (level 4), user,
 *   hwpoison, offline.  So a page's class can differ between levels.
 * - A compound head that a test drops takes its 2^order pages with it;
 *   a free block its 2^private pages.  Tail pages are never tested on
 *   their own.  An order of 64 or more, or one the head's pfn is not
 *   aligned to, counts as 0; a free order not below LENGTH(zone.free_area)
 *   keeps the page.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "pageclass.h"

#define PAGE_MAPPING_ANON 0x1ull

static struct mkd_error *unsupported(struct mkd_error *err, int level)
{
	if (mkd_error_code(err) == MKD_ERR_NOT_FOUND && !err->is_static)
		err->code = MKD_ERR_UNSUPPORTED;
	return mkd_error_wrap(err, "dump level %d", level);
}

/* An OFFSET(page.<name>) whose field of width bytes fits in struct page. */
static struct mkd_error *page_offset(const struct mkd_dump *dump,
				     const struct mkd_page_rules *r,
				     const char *name, uint32_t width,
				     uint32_t *off)
{
	char key[64];
	uint64_t v;
	struct mkd_error *err;

	snprintf(key, sizeof(key), "page.%s", name);
	err = mkd_vmcoreinfo_offset(dump, key, &v);
	if (err)
		return err;
	if (v > r->size || width > r->size - v)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"vmcoreinfo OFFSET(%s)=%llu is past SIZE(page)=%u",
					key, (unsigned long long)v, r->size);
	*off = (uint32_t)v;
	return NULL;
}

/* NUMBER(name) as a bit mask (name is a bit number). */
static struct mkd_error *flag_bit(const struct mkd_dump *dump,
				  const char *name, uint64_t *mask)
{
	struct mkd_error *err;
	int64_t v;

	err = mkd_vmcoreinfo_number(dump, name, &v);
	if (err)
		return err;
	if (v < 0 || v > 63)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"vmcoreinfo NUMBER(%s)=%lld is not a bit number",
					name, (long long)v);
	*mask = 1ull << v;
	return NULL;
}

/* An optional flag: absent leaves *mask 0 and *known false. */
static struct mkd_error *flag_bit_opt(const struct mkd_dump *dump,
				      const char *name, uint64_t *mask,
				      bool *known)
{
	struct mkd_error *err = flag_bit(dump, name, mask);

	if (known)
		*known = !err;
	if (err && mkd_error_code(err) == MKD_ERR_NOT_FOUND) {
		mkd_error_destroy(err);
		*mask = 0;
		return NULL;
	}
	return err;
}

/* NUMBER(name) as a 32-bit _mapcount/page_type word. */
static struct mkd_error *type_word(const struct mkd_dump *dump,
				   const char *name, uint32_t *value,
				   bool *known)
{
	struct mkd_error *err;
	int64_t v;

	*known = false;
	err = mkd_vmcoreinfo_number(dump, name, &v);
	if (err)
		return err;
	if (v < INT32_MIN || v > UINT32_MAX)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"vmcoreinfo NUMBER(%s)=%lld does not fit _mapcount",
					name, (long long)v);
	*value = (uint32_t)v;
	*known = true;
	return NULL;
}

/* The u8 compound fields exist from Linux 4.16 on. */
static struct mkd_error *check_release(const struct mkd_dump *dump)
{
	const char *rel = dump->release;
	unsigned major, minor;

	if (rel && sscanf(rel, "%u.%u", &major, &minor) == 2 &&
	    (major < 4 || (major == 4 && minor < 16)))
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"page classes need Linux 4.16 or later, not '%s'",
					rel);
	return NULL;
}

/* What every level needs: the page itself and compound pages. */
static struct mkd_error *rules_base(struct mkd_page_rules *r,
				    const struct mkd_dump *dump)
{
	struct mkd_error *err;
	uint64_t v;
	int64_t n;

	err = mkd_vmcoreinfo_size(dump, "page", &v);
	if (err)
		return err;
	if (v < 16 || v > 4096)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"vmcoreinfo SIZE(page)=%llu is not plausible",
					(unsigned long long)v);
	r->size = (uint32_t)v;
	if ((err = page_offset(dump, r, "flags", 8, &r->off_flags)) ||
	    (err = page_offset(dump, r, "compound_head", 8, &r->off_head)) ||
	    (err = page_offset(dump, r, "compound_dtor", 1, &r->off_dtor)) ||
	    (err = page_offset(dump, r, "compound_order", 1, &r->off_order)))
		return err;
	err = mkd_vmcoreinfo_number(dump, "PG_head_mask", &n);
	if (err)
		return err;
	if (n <= 0)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"vmcoreinfo NUMBER(PG_head_mask)=%lld",
					(long long)n);
	r->head = (uint64_t)n;
	err = flag_bit_opt(dump, "PG_slab", &r->slab, NULL);
	if (err)
		return err;
	/* Without CONFIG_MEMORY_FAILURE there is no PG_hwpoison. */
	return flag_bit_opt(dump, "PG_hwpoison", &r->hwpoison, NULL);
}

/* Tests that read _mapcount also need PG_slab (see the header comment). */
static struct mkd_error *rules_mapcount(struct mkd_page_rules *r,
					const struct mkd_dump *dump)
{
	struct mkd_error *err;

	if ((err = page_offset(dump, r, "_mapcount", 4, &r->off_mapcount)))
		return err;
	return flag_bit(dump, "PG_slab", &r->slab);
}

static struct mkd_error *rules_offline(struct mkd_page_rules *r,
				       const struct mkd_dump *dump)
{
	struct mkd_error *err;

	err = type_word(dump, "PAGE_OFFLINE_MAPCOUNT_VALUE", &r->offline_value,
			&r->offline_known);
	if (err && mkd_error_code(err) == MKD_ERR_NOT_FOUND) {
		/* Before Linux 5.0 there were no offline pages. */
		mkd_error_destroy(err);
		return NULL;
	}
	if (err)
		return err;
	return rules_mapcount(r, dump);
}

static struct mkd_error *rules_free(struct mkd_page_rules *r,
				    const struct mkd_dump *dump)
{
	struct mkd_error *err;

	if ((err = page_offset(dump, r, "private", 8, &r->off_private)) ||
	    (err = rules_mapcount(r, dump)) ||
	    (err = type_word(dump, "PAGE_BUDDY_MAPCOUNT_VALUE",
			     &r->buddy_value, &r->buddy_known)))
		return err;
	err = mkd_vmcoreinfo_length(dump, "zone.free_area", &r->free_orders);
	if (err && mkd_error_code(err) == MKD_ERR_NOT_FOUND) {
		mkd_error_destroy(err);
		r->free_orders = 64;
		return NULL;
	}
	if (!err && r->free_orders > 64)
		r->free_orders = 64;
	return err;
}

static struct mkd_error *rules_cache(struct mkd_page_rules *r,
				     const struct mkd_dump *dump)
{
	struct mkd_error *err;

	if ((err = page_offset(dump, r, "mapping", 8, &r->off_mapping)) ||
	    (err = flag_bit(dump, "PG_lru", &r->lru)) ||
	    (err = flag_bit(dump, "PG_private", &r->private_)) ||
	    (err = flag_bit(dump, "PG_swapcache", &r->swapcache)))
		return err;
	/* PG_swapbacked came in 4.10; before it PG_swapcache stood alone. */
	return flag_bit_opt(dump, "PG_swapbacked", &r->swapbacked,
			    &r->swapbacked_known);
}

static struct mkd_error *rules_user(struct mkd_page_rules *r,
				    const struct mkd_dump *dump)
{
	struct mkd_error *err;
	int64_t n;

	if ((err = page_offset(dump, r, "mapping", 8, &r->off_mapping)))
		return err;
	err = mkd_vmcoreinfo_number(dump, "HUGETLB_PAGE_DTOR", &n);
	if (err)
		return err;
	if (n < 0 || n > 255)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"vmcoreinfo NUMBER(HUGETLB_PAGE_DTOR)=%lld",
					(long long)n);
	r->hugetlb_dtor = (uint8_t)n;
	return NULL;
}

struct mkd_error *mkd_page_rules_init(struct mkd_page_rules *r,
				      const struct mkd_dump *dump, int level)
{
	struct mkd_error *err;

	memset(r, 0, sizeof(*r));
	if (level < 0 || level > MKD_DL_ALL)
		return mkd_error_create(MKD_ERR_INVALID,
					"dump level %d is not in 0-31", level);
	err = check_release(dump);
	if (!err)
		err = rules_base(r, dump);
	if (!err)
		err = rules_offline(r, dump);
	if (!err && (level & MKD_DL_FREE))
		err = rules_free(r, dump);
	if (!err && (level & (MKD_DL_CACHE | MKD_DL_CACHE_PRIVATE)))
		err = rules_cache(r, dump);
	if (!err && (level & MKD_DL_USER))
		err = rules_user(r, dump);
	return err ? unsupported(err, level) : NULL;
}

void mkd_page_fields_load(const struct mkd_page_rules *r, const uint8_t *page,
			  const uint8_t *next, struct mkd_page_fields *f)
{
	f->flags = mkd_le64(page + r->off_flags);
	f->head = mkd_le64(page + r->off_head);
	f->mapping = r->off_mapping ? mkd_le64(page + r->off_mapping) : 0;
	f->private_ = r->off_private ? mkd_le64(page + r->off_private) : 0;
	f->mapcount = r->off_mapcount ? mkd_le32(page + r->off_mapcount) : 0;
	f->has_next = next != NULL;
	f->dtor = next ? next[r->off_dtor] : 0;
	f->order = next ? next[r->off_order] : 0;
}

static bool is_buddy(const struct mkd_page_rules *r,
		     const struct mkd_page_fields *f)
{
	return r->buddy_known && !(f->flags & r->slab) &&
	       f->mapcount == r->buddy_value;
}

static bool is_offline(const struct mkd_page_rules *r,
		       const struct mkd_page_fields *f)
{
	return r->offline_known && !(f->flags & r->slab) &&
	       f->mapcount == r->offline_value;
}

static bool is_cache(const struct mkd_page_rules *r,
		     const struct mkd_page_fields *f)
{
	if (f->flags & r->lru)
		return true;
	return (!r->swapbacked_known || (f->flags & r->swapbacked)) &&
	       (f->flags & r->swapcache);
}

static bool is_anon(const struct mkd_page_rules *r,
		    const struct mkd_page_fields *f)
{
	return (f->mapping & PAGE_MAPPING_ANON) && !(f->flags & r->slab);
}

/* The class of a page that is not a tail, before compound sizes. */
static enum mkd_page_class first_match(const struct mkd_page_rules *r,
				       const struct mkd_page_fields *f,
				       uint8_t dtor, int level)
{
	bool cache = (level & (MKD_DL_CACHE | MKD_DL_CACHE_PRIVATE)) &&
		     is_cache(r, f) && !is_anon(r, f);

	if (cache && (level & MKD_DL_CACHE) && !(f->flags & r->private_))
		return MKD_CLASS_CACHE;
	if (cache && (level & MKD_DL_CACHE_PRIVATE))
		return (f->flags & r->private_) ? MKD_CLASS_CACHE_PRIVATE
						: MKD_CLASS_CACHE;
	/* dtor is 0 (NULL_COMPOUND_DTOR) for anything but a compound head. */
	if ((level & MKD_DL_USER) &&
	    (is_anon(r, f) || (dtor && dtor == r->hugetlb_dtor)))
		return MKD_CLASS_USER;
	if (f->flags & r->hwpoison)
		return MKD_CLASS_HWPOISON;
	if (is_offline(r, f))
		return MKD_CLASS_OFFLINE;
	return MKD_CLASS_OTHER;
}

struct mkd_page_verdict mkd_page_decide(const struct mkd_page_rules *r,
					const struct mkd_page_fields *f,
					uint64_t pfn, int level)
{
	struct mkd_page_verdict v = { MKD_CLASS_OTHER, 1, false };
	unsigned order = 0;
	uint8_t dtor = 0;

	if (f->head & 1) {
		v.tail = true;
		return v;
	}
	if ((f->flags & r->head) && f->has_next) {
		order = f->order;
		dtor = f->dtor;
		if (order >= 64 || (pfn & ((1ull << order) - 1)))
			order = 0;
	}
	if ((level & MKD_DL_FREE) && is_buddy(r, f)) {
		if (f->private_ >= r->free_orders)
			return v;
		v.cls = MKD_CLASS_FREE;
		v.npages = 1ull << f->private_;
		return v;
	}
	v.cls = first_match(r, f, dtor, level);
	if (v.cls != MKD_CLASS_OTHER)
		v.npages = 1ull << order;
	return v;
}
