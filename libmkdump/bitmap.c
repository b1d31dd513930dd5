// SPDX-License-Identifier: LGPL-2.1-or-later
/* bitmap.c - page bitmaps with a rank index (see bitmap.h) */
#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "util.h"

#define BLOCK_WORDS (MKD_BITMAP_BLOCK_BITS / 64)

bool mkd_bitmap_init(struct mkd_bitmap *bm, uint64_t nbits)
{
	memset(bm, 0, sizeof(*bm));
	bm->nbits = nbits;
	bm->nwords = (nbits + 63) / 64;
	if (bm->nwords > SIZE_MAX / 8)
		return false;
	bm->words = calloc(bm->nwords ? bm->nwords : 1, 8);
	return bm->words != NULL;
}

void mkd_bitmap_deinit(struct mkd_bitmap *bm)
{
	free(bm->words);
	free(bm->rank);
	memset(bm, 0, sizeof(*bm));
}

/* The bits of word w that lie in [from, to). */
static uint64_t word_mask(uint64_t w, uint64_t from, uint64_t to)
{
	uint64_t lo = w * 64, mask = ~0ULL;

	if (to <= lo || from >= lo + 64)
		return 0;
	if (from > lo)
		mask &= ~0ULL << (from - lo);
	if (to < lo + 64)
		mask &= ~(~0ULL << (to - lo));
	return mask;
}

void mkd_bitmap_or_le(struct mkd_bitmap *bm, const uint8_t *bytes,
		      size_t len, uint64_t from, uint64_t to)
{
	uint64_t w;
	size_t i;

	if (to > bm->nbits)
		to = bm->nbits;
	for (w = from / 64, i = 0; w * 64 < to && i < len; w++, i += 8) {
		uint8_t tail[8] = { 0 };
		uint64_t v;

		if (len - i >= 8) {
			v = mkd_le64(bytes + i);
		} else {
			memcpy(tail, bytes + i, len - i);
			v = mkd_le64(tail);
		}
		bm->words[w] |= v & word_mask(w, from, to);
	}
}

bool mkd_bitmap_build_rank(struct mkd_bitmap *bm)
{
	uint64_t nblocks = (bm->nwords + BLOCK_WORDS - 1) / BLOCK_WORDS;
	uint64_t b, w, total = 0;

	free(bm->rank);
	bm->rank = malloc((nblocks + 1) * 8);
	if (!bm->rank)
		return false;
	for (b = 0; b < nblocks; b++) {
		bm->rank[b] = total;
		for (w = b * BLOCK_WORDS;
		     w < bm->nwords && w < (b + 1) * BLOCK_WORDS; w++)
			total += (uint64_t)__builtin_popcountll(bm->words[w]);
	}
	bm->rank[nblocks] = total;
	return true;
}

uint64_t mkd_bitmap_next(const struct mkd_bitmap *bm, uint64_t from,
			 uint64_t limit, bool value)
{
	uint64_t w, flip = value ? 0 : ~0ULL;

	if (limit > bm->nbits)
		limit = bm->nbits;
	if (from >= limit)
		return limit;
	/* Look for a set bit in the words, inverted when seeking a zero. */
	for (w = from / 64; w * 64 < limit; w++) {
		uint64_t v = (bm->words[w] ^ flip) & word_mask(w, from, limit);

		if (v)
			return w * 64 + (uint64_t)__builtin_ctzll(v);
	}
	return limit;
}

uint64_t mkd_bitmap_rank(const struct mkd_bitmap *bm, uint64_t n)
{
	uint64_t w, r, last;

	if (n >= bm->nbits)
		return bm->rank[(bm->nwords + BLOCK_WORDS - 1) / BLOCK_WORDS];
	r = bm->rank[n / MKD_BITMAP_BLOCK_BITS];
	last = n / 64;
	for (w = last / BLOCK_WORDS * BLOCK_WORDS; w < last; w++)
		r += (uint64_t)__builtin_popcountll(bm->words[w]);
	return r + (uint64_t)__builtin_popcountll(bm->words[last] &
						  ((1ULL << (n % 64)) - 1));
}
