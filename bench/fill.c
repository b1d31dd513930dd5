// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fill.c - deterministic mixed data for the benchmark guest.
 *
 *   fill write MIB SEED     write MIB MiB of mixed data to stdout
 *   fill hold MIB SEED      malloc MIB MiB, fill it the same way, print
 *                           "filled" and stay alive (anonymous memory)
 *
 * Every 4 KiB page gets one kind of content, drawn from SEED: text-like
 * (words and log lines, ~35%), compressible binary (records of small
 * integers and kernel-looking pointers, ~25%), random (~25%) or zeros
 * (~15%), so that any stretch of memory is a mix, as in a real machine.
 * The same MIB and SEED always give the same bytes.  Built static for the
 * guest (bench/guest.sh) and used on the host to make the disk image.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE 4096
#define MIB (1UL << 20)

static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static const char *const words[32] = {
	"the", "kernel", "page", "memory", "task", "of", "and", "in",
	"device", "virtio", "block", "queue", "request", "to", "a", "is",
	"cpu", "irq", "timer", "scheduler", "file", "inode", "cache", "for",
	"mapped", "read", "write", "error", "at", "with", "node", "zone",
};

static void text_page(uint8_t *p, uint64_t *s)
{
	size_t n = 0;

	while (n < PAGE) {
		uint64_t r = next(s);
		int i;

		for (i = 0; i < 10 && n < PAGE; i++, r >>= 6) {
			const char *w = words[r & 31];
			size_t len = strlen(w);

			if (len > PAGE - n - 1)
				len = PAGE - n - 1;
			memcpy(p + n, w, len);
			n += len;
			if (n < PAGE)
				p[n++] = (r & 32) && !(r & 0x3c0) ? '\n' : ' ';
		}
	}
}

/* 32-byte records: a pointer, a counter, flags, a small id. */
static void record_page(uint8_t *p, uint64_t *s)
{
	uint64_t base = 0xffff888000000000ULL | (next(s) & 0x3fff000);
	uint64_t *q = (uint64_t *)p;
	size_t i;

	for (i = 0; i < PAGE / 8; i += 4) {
		q[i] = base + i * 64;
		q[i + 1] = i / 4;
		q[i + 2] = (i & 12) ? 0x100 : 0x1;
		q[i + 3] = next(s) & 0xff;
	}
}

static void random_page(uint8_t *p, uint64_t *s)
{
	uint64_t *q = (uint64_t *)p;
	size_t i;

	for (i = 0; i < PAGE / 8; i++)
		q[i] = next(s);
}

static void fill_page(uint8_t *p, uint64_t *s)
{
	unsigned kind = next(s) % 100;

	if (kind < 35)
		text_page(p, s);
	else if (kind < 60)
		record_page(p, s);
	else if (kind < 85)
		random_page(p, s);
	else
		memset(p, 0, PAGE);
}

static int write_all(const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(1, buf, len);

		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int cmd_write(unsigned long mib, uint64_t seed)
{
	static uint64_t chunk[MIB / 8];
	unsigned long i, j;

	for (i = 0; i < mib; i++) {
		for (j = 0; j < MIB / PAGE; j++)
			fill_page((uint8_t *)chunk + j * PAGE, &seed);
		if (write_all((uint8_t *)chunk, MIB)) {
			perror("fill: write");
			return 1;
		}
	}
	return 0;
}

static int cmd_hold(unsigned long mib, uint64_t seed)
{
	uint8_t *mem = malloc(mib * MIB);
	unsigned long i;

	if (!mem) {
		fprintf(stderr, "fill: cannot allocate %lu MiB\n", mib);
		return 1;
	}
	for (i = 0; i < mib * MIB / PAGE; i++)
		fill_page(mem + i * PAGE, &seed);
	printf("filled\n");
	fflush(stdout);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	unsigned long mib;
	uint64_t seed;

	if (argc != 4) {
		fprintf(stderr, "usage: fill write|hold MIB SEED\n");
		return 2;
	}
	mib = strtoul(argv[2], NULL, 0);
	seed = strtoull(argv[3], NULL, 0);
	if (!strcmp(argv[1], "write"))
		return cmd_write(mib, seed);
	if (!strcmp(argv[1], "hold"))
		return cmd_hold(mib, seed);
	fprintf(stderr, "fill: unknown command '%s'\n", argv[1]);
	return 2;
}
