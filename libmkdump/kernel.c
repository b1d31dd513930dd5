// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kernel.c - a set of addresses, for the kernel object walks to notice
 * lists that loop.
 */
#include <stdlib.h>

#include "internal.h"
#include "kernel.h"

/* Fibonacci hashing: addresses are aligned, so mix the high bits in. */
static size_t slot_of(uint64_t addr, size_t size)
{
	return (size_t)((addr * 0x9e3779b97f4a7c15ull) >> 32) & (size - 1);
}

static bool set_insert(uint64_t *slots, size_t size, uint64_t addr)
{
	size_t i = slot_of(addr, size);

	while (slots[i]) {
		if (slots[i] == addr)
			return false;
		i = (i + 1) & (size - 1);
	}
	slots[i] = addr;
	return true;
}

static struct mkd_error *set_grow(struct mkd_addr_set *set)
{
	size_t size = set->size ? set->size * 2 : 64, i;
	uint64_t *slots;

	if (size > SIZE_MAX / sizeof(*slots))
		return &mkd_enomem;
	slots = calloc(size, sizeof(*slots));
	if (!slots)
		return &mkd_enomem;
	for (i = 0; i < set->size; i++)
		if (set->slots[i])
			set_insert(slots, size, set->slots[i]);
	free(set->slots);
	set->slots = slots;
	set->size = size;
	return NULL;
}

void mkd_addr_set_deinit(struct mkd_addr_set *set)
{
	free(set->slots);
	memset(set, 0, sizeof(*set));
}

struct mkd_error *mkd_addr_set_add(struct mkd_addr_set *set, uint64_t addr,
				   bool *added)
{
	struct mkd_error *err;

	if (!addr) {
		*added = false;
		return NULL;
	}
	if ((set->count + 1) * 2 > set->size) {
		err = set_grow(set);
		if (err)
			return err;
	}
	*added = set_insert(set->slots, set->size, addr);
	if (*added)
		set->count++;
	return NULL;
}

bool mkd_addr_set_has(const struct mkd_addr_set *set, uint64_t addr)
{
	size_t i;

	if (!set->size || !addr)
		return false;
	for (i = slot_of(addr, set->size); set->slots[i];
	     i = (i + 1) & (set->size - 1))
		if (set->slots[i] == addr)
			return true;
	return false;
}
