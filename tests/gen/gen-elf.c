// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gen-elf.c - synthetic ELF core dumps like kdump's /proc/vmcore.
 * Each PT_LOAD holds a run of stored pages (data or zero) followed by the
 * filtered pages after it (p_memsz > p_filesz), as makedumpfile -E does.
 * Options: "class 32" writes ELF32; "xnum 1" stores the program header
 * count in section header 0 (PN_XNUM) as QEMU does for many segments.
 */
#include <stdlib.h>
#include <string.h>

#include "gen.h"

struct load {
	uint64_t paddr, filesz, memsz, offset;
};

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* Cut the spec's pages into loads: stored pages, then filtered ones. */
static size_t plan_loads(const struct gen_spec *s, struct load *loads,
			 size_t max)
{
	uint64_t pfn, end = gen_max_pfn(s), ps = s->page_size;
	struct load *cur = NULL;
	size_t n = 0;
	int reason;

	for (pfn = 0; pfn < end; pfn++) {
		enum gen_kind k = gen_page_kind(s, pfn, &reason);
		bool stored = k == GEN_DATA || k == GEN_ZERO;

		if (k == GEN_HOLE || (stored && cur && cur->memsz > cur->filesz))
			cur = NULL;
		if (k == GEN_HOLE)
			continue;
		if (!cur || cur->paddr + cur->memsz != pfn * ps) {
			if (n == max)
				return n;
			cur = &loads[n++];
			*cur = (struct load){ pfn * ps, 0, 0, 0 };
		}
		if (stored)
			cur->filesz += ps;
		cur->memsz += ps;
	}
	return n;
}

static void phdr(uint8_t *p, bool is64, uint32_t type, uint64_t off,
		 uint64_t vaddr, uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
	if (is64) {
		put32(p, type);
		put32(p + 4, 7);
		put64(p + 8, off);
		put64(p + 16, vaddr);
		put64(p + 24, paddr);
		put64(p + 32, filesz);
		put64(p + 40, memsz);
		put64(p + 48, 0);
	} else {
		put32(p, type);
		put32(p + 4, (uint32_t)off);
		put32(p + 8, (uint32_t)vaddr);
		put32(p + 12, (uint32_t)paddr);
		put32(p + 16, (uint32_t)filesz);
		put32(p + 20, (uint32_t)memsz);
		put32(p + 24, 7);
		put32(p + 28, 0);
	}
}

static void ehdr(uint8_t *h, bool is64, size_t phnum, bool xnum)
{
	memset(h, 0, 64);
	memcpy(h, "\177ELF", 4);
	h[4] = is64 ? 2 : 1;
	h[5] = 1;
	h[6] = 1;
	put16(h + 16, 4);				/* ET_CORE */
	put16(h + 18, 62);				/* EM_X86_64 */
	put32(h + 20, 1);
	if (is64) {
		put64(h + 32, 64);			/* e_phoff */
		put64(h + 40, xnum ? 64 + phnum * 56 : 0);	/* e_shoff */
		put16(h + 52, 64);
		put16(h + 54, 56);
		put16(h + 56, xnum ? 0xffff : (uint16_t)phnum);
		put16(h + 58, 64);
		put16(h + 60, xnum ? 1 : 0);
	} else {
		put32(h + 28, 52);
		put16(h + 40, 52);
		put16(h + 42, 32);
		put16(h + 44, (uint16_t)phnum);
	}
}

int gen_write_elf(const struct gen_spec *s, FILE *out, const char *path,
		  char *err, size_t errlen)
{
	bool is64 = strcmp(gen_option(s, "class", "64"), "32") != 0;
	bool xnum = is64 && strcmp(gen_option(s, "xnum", "0"), "0") != 0;
	size_t nloads, notes_len, i, phsz = is64 ? 56 : 32;
	uint8_t *notes = gen_notes(s, &notes_len), head[64], ph[56];
	uint8_t *page = malloc(s->page_size);
	struct load loads[4096];
	uint64_t off, pfn;

	nloads = plan_loads(s, loads, sizeof(loads) / sizeof(loads[0]));
	if (!notes || !page) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	off = (is64 ? 64 : 52) + (nloads + 1) * phsz + (xnum ? 64 : 0);
	ehdr(head, is64, nloads + 1, xnum);
	fwrite(head, is64 ? 64 : 52, 1, out);
	phdr(ph, is64, 4, off, 0, 0, notes_len, notes_len);
	fwrite(ph, phsz, 1, out);
	off += notes_len;
	for (i = 0; i < nloads; i++) {
		loads[i].offset = off;
		phdr(ph, is64, 1, off, 0xffff888000000000ULL + loads[i].paddr,
		     loads[i].paddr, loads[i].filesz, loads[i].memsz);
		fwrite(ph, phsz, 1, out);
		off += loads[i].filesz;
	}
	if (xnum) {
		uint8_t sh[64] = { 0 };

		put32(sh + 44, (uint32_t)(nloads + 1));	/* sh_info */
		fwrite(sh, 64, 1, out);
	}
	fwrite(notes, notes_len, 1, out);
	for (i = 0; i < nloads; i++)
		for (pfn = loads[i].paddr / s->page_size;
		     pfn < (loads[i].paddr + loads[i].filesz) / s->page_size;
		     pfn++) {
			gen_page_expect(s, pfn, page);
			fwrite(page, s->page_size, 1, out);
		}
	free(notes);
	free(page);
	(void)path;
	return ferror(out) ? (snprintf(err, errlen, "write error"), -1) : 0;
}
