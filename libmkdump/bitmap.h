/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bitmap.h - a bitmap of pages with a rank index: "is bit n set", "where
 * does the next run end" and "how many bits are set before n", the last
 * in constant time.
 *
 * Formats that store one entry per dumped page (kdump's page descriptors)
 * find a page's entry by its rank among the set bits.  The rank index
 * holds one cumulative count per 4096-bit block, so it costs 1/64 of the
 * bitmap (8 bytes per 512), and a rank is one table load plus at most 64
 * popcounts.  Bit n is bit (n % 64) of word n / 64, which is also the
 * order of bits in an on-disk little-endian bitmap.
 */
#ifndef MKD_BITMAP_H
#define MKD_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MKD_BITMAP_BLOCK_BITS 4096

struct mkd_bitmap {
	uint64_t *words;	/* nwords, bits past nbits are zero */
	uint64_t nbits;
	uint64_t nwords;
	uint64_t *rank;		/* set bits before each block; NULL until built */
};

/* Allocate nbits of zeros; false when out of memory. */
bool mkd_bitmap_init(struct mkd_bitmap *bm, uint64_t nbits);
void mkd_bitmap_deinit(struct mkd_bitmap *bm);
/*
 * Set the bits in [from, to) that are set in an on-disk (little-endian)
 * bitmap whose first byte holds bits from / 64 * 64 on; len may stop
 * short, the rest counts as zeros.  Bits outside [from, to) are kept.
 */
void mkd_bitmap_or_le(struct mkd_bitmap *bm, const uint8_t *bytes,
		      size_t len, uint64_t from, uint64_t to);
/* Build the rank index (after the last change); false when out of memory. */
bool mkd_bitmap_build_rank(struct mkd_bitmap *bm);

static inline bool mkd_bitmap_test(const struct mkd_bitmap *bm, uint64_t n)
{
	return n < bm->nbits && (bm->words[n / 64] >> (n % 64) & 1);
}

/* The first bit in [from, limit) whose value is value, else limit. */
uint64_t mkd_bitmap_next(const struct mkd_bitmap *bm, uint64_t from,
			 uint64_t limit, bool value);
/* Number of set bits in [0, n); needs the rank index. */
uint64_t mkd_bitmap_rank(const struct mkd_bitmap *bm, uint64_t n);

#endif /* MKD_BITMAP_H */
