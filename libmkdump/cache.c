// SPDX-License-Identifier: LGPL-2.1-or-later
/* cache.c - LRU page cache (see cache.h) */
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "sanitizer.h"

#define NIL UINT32_MAX
#define NO_PFN UINT64_MAX	/* an entry that holds no page (pfns are < 2^52) */

static size_t slot_of(const struct mkd_page_cache *c, uint64_t pfn)
{
	/* Fibonacci hashing: neighbouring pfns spread over the table. */
	return (size_t)((pfn * 0x9e3779b97f4a7c15ULL) >> 32) &
	       (c->table_size - 1);
}

void mkd_cache_init(struct mkd_page_cache *c, size_t page_size)
{
	memset(c, 0, sizeof(*c));
	c->page_size = page_size;
	c->stride = page_size + MKD_REDZONE;
	c->head = NIL;
}

static uint8_t *page_of(const struct mkd_page_cache *c, uint32_t i)
{
	return c->data + (size_t)i * c->stride;
}

void mkd_cache_deinit(struct mkd_page_cache *c)
{
	free(c->data);
	free(c->entries);
	free(c->table);
	mkd_cache_init(c, c->page_size);
}

bool mkd_cache_resize(struct mkd_page_cache *c, size_t capacity)
{
	size_t table_size = 1;

	mkd_cache_deinit(c);
	if (capacity == 0)
		return true;
	if (capacity >= NIL / 4 || capacity > SIZE_MAX / c->stride)
		return false;
	while (table_size < capacity * 2)
		table_size *= 2;
	c->data = malloc(capacity * c->stride);
	c->entries = calloc(capacity, sizeof(*c->entries));
	c->table = calloc(table_size, sizeof(*c->table));
	if (!c->data || !c->entries || !c->table) {
		mkd_cache_deinit(c);
		return false;
	}
	c->capacity = capacity;
	c->table_size = table_size;
	mkd_poison(c->data, capacity * c->stride);	/* no page in use */
	return true;
}

static void lru_unlink(struct mkd_page_cache *c, uint32_t i)
{
	struct mkd_cache_entry *e = &c->entries[i];

	if (e->next == i) {
		c->head = NIL;
		return;
	}
	c->entries[e->prev].next = e->next;
	c->entries[e->next].prev = e->prev;
	if (c->head == i)
		c->head = e->next;
}

static void lru_push_front(struct mkd_page_cache *c, uint32_t i)
{
	struct mkd_cache_entry *e = &c->entries[i];

	if (c->head == NIL) {
		e->prev = e->next = i;
	} else {
		struct mkd_cache_entry *h = &c->entries[c->head];

		e->next = c->head;
		e->prev = h->prev;
		c->entries[h->prev].next = i;
		h->prev = i;
	}
	c->head = i;
}

static size_t table_find(const struct mkd_page_cache *c, uint64_t pfn)
{
	size_t s = slot_of(c, pfn);

	while (c->table[s] && c->entries[c->table[s] - 1].pfn != pfn)
		s = (s + 1) & (c->table_size - 1);
	return s;
}

/* Remove the slot at s, shifting later members of its probe run back. */
static void table_delete(struct mkd_page_cache *c, size_t s)
{
	size_t mask = c->table_size - 1, next = (s + 1) & mask;

	c->table[s] = 0;
	while (c->table[next]) {
		size_t home = slot_of(c, c->entries[c->table[next] - 1].pfn);

		/* Move it back if its home is not in (s, next]. */
		if (((next - home) & mask) >= ((next - s) & mask)) {
			c->table[s] = c->table[next];
			c->table[next] = 0;
			s = next;
		}
		next = (next + 1) & mask;
	}
}

const uint8_t *mkd_cache_lookup(struct mkd_page_cache *c, uint64_t pfn)
{
	size_t s;
	uint32_t i;

	if (!c->capacity)
		return NULL;
	s = table_find(c, pfn);
	if (!c->table[s])
		return NULL;
	i = c->table[s] - 1;
	if (c->head != i) {
		lru_unlink(c, i);
		lru_push_front(c, i);
	}
	return page_of(c, i);
}

uint8_t *mkd_cache_insert(struct mkd_page_cache *c, uint64_t pfn)
{
	uint32_t i;
	size_t s;

	if (!c->capacity)
		return NULL;
	s = table_find(c, pfn);
	if (c->table[s]) {
		i = c->table[s] - 1;
		lru_unlink(c, i);
	} else if (c->count < c->capacity) {
		i = (uint32_t)c->count++;
	} else {
		i = c->entries[c->head].prev;	/* least recently used */
		lru_unlink(c, i);
		if (c->entries[i].pfn != NO_PFN)
			table_delete(c, table_find(c, c->entries[i].pfn));
		s = table_find(c, pfn);
	}
	c->entries[i].pfn = pfn;
	c->table[s] = i + 1;
	lru_push_front(c, i);
	mkd_unpoison(page_of(c, i), c->page_size);
	return page_of(c, i);
}

void mkd_cache_drop(struct mkd_page_cache *c, uint64_t pfn)
{
	size_t s;
	uint32_t i;

	if (!c->capacity)
		return;
	s = table_find(c, pfn);
	if (!c->table[s])
		return;
	i = c->table[s] - 1;
	table_delete(c, s);
	c->entries[i].pfn = NO_PFN;
	mkd_poison(page_of(c, i), c->page_size);
	/* Make it the least recently used: the next insert takes it. */
	lru_unlink(c, i);
	lru_push_front(c, i);
	if (c->entries[i].next != i)
		c->head = c->entries[i].next;
}
