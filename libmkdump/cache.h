/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cache.h - a page cache keyed by pfn with least-recently-used eviction.
 *
 * Open addressing (linear probing, deletion by backward shift) over a
 * table twice the capacity, plus an intrusive LRU list through slot
 * indices.  All memory is allocated when the size is set; lookups and
 * inserts never allocate.
 */
#ifndef MKD_CACHE_H
#define MKD_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mkd_cache_entry {
	uint64_t pfn;
	uint32_t prev, next;	/* LRU list, by entry index */
};

struct mkd_page_cache {
	size_t capacity;	/* pages; 0 = disabled */
	size_t count;
	size_t page_size;
	size_t stride;		/* page_size plus a redzone under ASan */
	uint8_t *data;		/* capacity pages, stride apart */
	struct mkd_cache_entry *entries;
	uint32_t *table;	/* hash slot -> entry index + 1, 0 empty */
	size_t table_size;	/* power of two */
	uint32_t head;		/* most recently used, or UINT32_MAX */
};

void mkd_cache_init(struct mkd_page_cache *c, size_t page_size);
/* Drop everything and resize; false on allocation failure (cache off). */
bool mkd_cache_resize(struct mkd_page_cache *c, size_t capacity);
void mkd_cache_deinit(struct mkd_page_cache *c);
/* The cached page, or NULL. */
const uint8_t *mkd_cache_lookup(struct mkd_page_cache *c, uint64_t pfn);
/* Room for pfn's page (evicting the oldest); NULL if the cache is off. */
uint8_t *mkd_cache_insert(struct mkd_page_cache *c, uint64_t pfn);
/* Forget pfn's page (one that could not be filled); its room goes first. */
void mkd_cache_drop(struct mkd_page_cache *c, uint64_t pfn);

#endif /* MKD_CACHE_H */
