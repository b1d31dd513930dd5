// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cksum.c - how fast are the two checksums the mkd format could use, on
 * this machine, over block-sized buffers: XXH3-64 (libxxhash) and CRC32C
 * (software slicing-by-8, and the SSE4.2 crc32 instruction).
 *   cc -O2 -o cksum bench/cksum.c -lxxhash && ./cksum
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

static uint32_t table[8][256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78 : c >> 1;
		table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			table[t][i] = (table[t - 1][i] >> 8) ^
				      table[0][table[t - 1][i] & 0xff];
}

static uint32_t crc_sw(const uint8_t *p, size_t n)
{
	uint32_t c = ~0u;

	for (; n >= 8; n -= 8, p += 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		v ^= c;
		c = table[7][v & 0xff] ^ table[6][(v >> 8) & 0xff] ^
		    table[5][(v >> 16) & 0xff] ^ table[4][(v >> 24) & 0xff] ^
		    table[3][(v >> 32) & 0xff] ^ table[2][(v >> 40) & 0xff] ^
		    table[1][(v >> 48) & 0xff] ^ table[0][v >> 56];
	}
	while (n--)
		c = (c >> 8) ^ table[0][(c ^ *p++) & 0xff];
	return ~c;
}

__attribute__((target("sse4.2")))
static uint32_t crc_hw(const uint8_t *p, size_t n)
{
	uint64_t c = ~0u;

	for (; n >= 8; n -= 8, p += 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		c = __builtin_ia32_crc32di(c, v);
	}
	while (n--)
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
	return ~(uint32_t)c;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void)
{
	static const size_t sizes[] = { 4096, 65536, 1 << 20 };
	size_t total = 1u << 30;
	uint8_t *buf = malloc(1 << 20);
	volatile uint64_t sink = 0;

	crc_init();
	for (size_t i = 0; i < (1 << 20); i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	printf("%-10s %14s %14s %14s  (GB/s)\n", "bytes", "xxh3-64",
	       "crc32c-sse4.2", "crc32c-sw");
	for (size_t s = 0; s < 3; s++) {
		size_t n = sizes[s], reps = total / n;
		double t0, t1, t2, t3;

		t0 = now();
		for (size_t r = 0; r < reps; r++)
			sink += XXH3_64bits_withSeed(buf, n, r);
		t1 = now();
		for (size_t r = 0; r < reps; r++)
			sink += crc_hw(buf, n);
		t2 = now();
		for (size_t r = 0; r < reps / 4; r++)
			sink += crc_sw(buf, n);
		t3 = now();
		printf("%-10zu %14.1f %14.1f %14.1f\n", n,
		       total / (t1 - t0) / 1e9, total / (t2 - t1) / 1e9,
		       total / 4 / (t3 - t2) / 1e9);
	}
	return (int)(sink & 0);
}
