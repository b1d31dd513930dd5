// SPDX-License-Identifier: GPL-2.0-or-later
/* gen-pages.c - page contents and register notes of synthetic dumps */
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define PATTERN_KEY 0x6d6b64756d70ULL	/* "mkdump" */

void gen_page_fill(uint8_t *buf, uint32_t page_size, uint64_t pfn)
{
	uint64_t addr = pfn * page_size;
	uint32_t i, half = page_size / 2;

	/*
	 * Every 8 bytes of the first half hold their own address,
	 * scrambled; the second half repeats the first, so that per-page
	 * codecs (kdump's zlib, lzo, snappy, zstd) have something to do.
	 */
	for (i = 0; i < half; i += 8) {
		uint64_t v = (addr + i) ^ PATTERN_KEY;

		v *= 0x9e3779b97f4a7c15ULL;
		memcpy(buf + i, &v, 8);
	}
	memcpy(buf + half, buf, page_size - half);
}

enum gen_kind gen_page_kind(const struct gen_spec *s, uint64_t pfn,
			    int *reason)
{
	uint64_t addr = pfn * s->page_size;
	enum gen_kind kind = GEN_HOLE;
	size_t i;

	*reason = 0;
	/* Later lines win; filter/zero only apply inside RAM. */
	for (i = 0; i < s->nranges; i++) {
		const struct gen_range *r = &s->ranges[i];

		if (addr < r->start || addr >= r->end)
			continue;
		if (r->kind == GEN_DATA || kind != GEN_HOLE) {
			kind = r->kind;
			*reason = r->reason;
		}
	}
	return kind;
}

enum gen_kind gen_page_expect(const struct gen_spec *s, uint64_t pfn,
			      uint8_t *buf)
{
	int reason;
	enum gen_kind kind = gen_page_kind(s, pfn, &reason);

	if (kind == GEN_DATA)
		gen_page_fill(buf, s->page_size, pfn);
	else
		memset(buf, 0, s->page_size);
	return kind;
}

uint64_t gen_max_pfn(const struct gen_spec *s)
{
	uint64_t max = 0;
	size_t i;

	for (i = 0; i < s->nranges; i++)
		if (s->ranges[i].kind == GEN_DATA &&
		    s->ranges[i].end / s->page_size > max)
			max = s->ranges[i].end / s->page_size;
	return max;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);	/* tests run on little-endian x86_64 */
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

size_t gen_prstatus(unsigned cpu, uint8_t *desc)
{
	unsigned i;

	memset(desc, 0, 336);
	put32(desc + 32, 100 + cpu);			/* pr_pid */
	for (i = 0; i < 27; i++)			/* pr_reg */
		put64(desc + 112 + i * 8, 0x1000ULL * (cpu + 1) + i);
	put64(desc + 112 + 16 * 8, 0xffffffff81000000ULL + cpu); /* rip */
	return 336;
}

static size_t note_put(uint8_t *p, const char *name, uint32_t type,
		       const void *desc, size_t len)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	size_t off = 12;

	put32(p, namesz);
	put32(p + 4, (uint32_t)len);
	put32(p + 8, type);
	memset(p + off, 0, (namesz + 3) & ~3u);
	memcpy(p + off, name, namesz);
	off += (namesz + 3) & ~3u;
	memset(p + off, 0, (len + 3) & ~(size_t)3);
	memcpy(p + off, desc, len);
	return off + ((len + 3) & ~(size_t)3);
}

uint8_t *gen_notes(const struct gen_spec *s, size_t *len)
{
	size_t cap = s->cpus * 360 + s->vmcoreinfo_len + 64, off = 0;
	uint8_t *p = malloc(cap), desc[336];
	unsigned cpu;

	if (!p)
		return NULL;
	for (cpu = 0; cpu < s->cpus; cpu++)
		off += note_put(p + off, "CORE", 1, desc,
				gen_prstatus(cpu, desc));
	if (s->vmcoreinfo_len)
		off += note_put(p + off, "VMCOREINFO", 0, s->vmcoreinfo,
				s->vmcoreinfo_len);
	*len = off;
	return p;
}
