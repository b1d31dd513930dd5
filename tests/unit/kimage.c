// SPDX-License-Identifier: GPL-2.0-or-later
/* kimage.c - a synthetic kernel memory image as an ELF core (see kimage.h) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "kimage.h"

#define PTE_FLAGS 0x63ULL	/* present, writable, accessed, dirty */
#define TABLES_START 0x100000ULL

static struct kimage_page *find_page(struct kimage *k, uint64_t pfn);

void kimage_init(struct kimage *k, unsigned levels)
{
	memset(k, 0, sizeof(*k));
	k->levels = levels;
	k->pgd = TABLES_START;
	k->next_table = TABLES_START + KIMAGE_PAGE;
	kimage_info(k, "OSRELEASE=6.1.0-kimage");
	kimage_info(k, "PAGESIZE=%u", KIMAGE_PAGE);
	kimage_info(k, "SYMBOL(init_top_pgt)=%llx",
		    (unsigned long long)(KIMAGE_TEXT_MAP + k->pgd));
	kimage_info(k, "NUMBER(phys_base)=0");
	kimage_info(k, "NUMBER(pgtable_l5_enabled)=%d", levels == 5);
	find_page(k, k->pgd / KIMAGE_PAGE);	/* an empty top table */
}

void kimage_free(struct kimage *k)
{
	size_t i;

	for (i = 0; i < k->npages; i++)
		free(k->pages[i].data);
	free(k->pages);
	free(k->vmcoreinfo);
	memset(k, 0, sizeof(*k));
}

static struct kimage_page *find_page(struct kimage *k, uint64_t pfn)
{
	size_t i;

	for (i = 0; i < k->npages; i++)
		if (k->pages[i].pfn == pfn)
			return &k->pages[i];
	if (k->npages == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 64;
		k->pages = realloc(k->pages, k->cap * sizeof(*k->pages));
		ck_assert_ptr_nonnull(k->pages);
	}
	k->pages[k->npages].pfn = pfn;
	k->pages[k->npages].dropped = 0;
	k->pages[k->npages].data = calloc(1, KIMAGE_PAGE);
	ck_assert_ptr_nonnull(k->pages[k->npages].data);
	return &k->pages[k->npages++];
}

void kimage_write_phys(struct kimage *k, uint64_t pa, const void *buf,
		       size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		size_t off = pa % KIMAGE_PAGE, n = KIMAGE_PAGE - off;

		if (n > len)
			n = len;
		memcpy(find_page(k, pa / KIMAGE_PAGE)->data + off, p, n);
		pa += n;
		p += n;
		len -= n;
	}
}

static uint64_t *entry(struct kimage *k, uint64_t table, unsigned index)
{
	return (uint64_t *)(find_page(k, table / KIMAGE_PAGE)->data) + index;
}

/* The pte for va, creating the tables on the way down. */
static uint64_t *pte_of(struct kimage *k, uint64_t va)
{
	uint64_t table = k->pgd;
	int level;

	for (level = (int)k->levels - 1; level > 0; level--) {
		uint64_t *e = entry(k, table, (va >> (12 + 9 * level)) & 511);

		if (!*e) {
			*e = k->next_table | PTE_FLAGS;
			find_page(k, k->next_table / KIMAGE_PAGE);
			k->next_table += KIMAGE_PAGE;
		}
		table = *e & ~0xfffULL;
	}
	return entry(k, table, (va >> 12) & 511);
}

void kimage_map(struct kimage *k, uint64_t va, uint64_t pa, uint64_t len)
{
	uint64_t off;

	for (off = 0; off < len; off += KIMAGE_PAGE)
		*pte_of(k, va + off) = (pa + off) | PTE_FLAGS;
}

static uint64_t virt_to_phys(struct kimage *k, uint64_t va)
{
	uint64_t pte = *pte_of(k, va);

	ck_assert_msg(pte & 1, "0x%llx is not mapped in the image",
		      (unsigned long long)va);
	return (pte & ~0xfffULL) | (va & 0xfff);
}

void kimage_write(struct kimage *k, uint64_t va, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		size_t n = KIMAGE_PAGE - (va % KIMAGE_PAGE);

		if (n > len)
			n = len;
		kimage_write_phys(k, virt_to_phys(k, va), p, n);
		va += n;
		p += n;
		len -= n;
	}
}

void kimage_write_u64(struct kimage *k, uint64_t va, uint64_t v)
{
	kimage_write(k, va, &v, sizeof(v));
}

void kimage_drop(struct kimage *k, uint64_t va)
{
	find_page(k, virt_to_phys(k, va) / KIMAGE_PAGE)->dropped = 1;
}

void kimage_info(struct kimage *k, const char *fmt, ...)
{
	char *line;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	ck_assert_int_ge(n, 0);
	k->vmcoreinfo = realloc(k->vmcoreinfo, k->vmcoreinfo_len + n + 2);
	ck_assert_ptr_nonnull(k->vmcoreinfo);
	memcpy(k->vmcoreinfo + k->vmcoreinfo_len, line, (size_t)n);
	k->vmcoreinfo_len += (size_t)n;
	k->vmcoreinfo[k->vmcoreinfo_len++] = '\n';
	k->vmcoreinfo[k->vmcoreinfo_len] = '\0';
	free(line);
}

static int by_pfn(const void *a, const void *b)
{
	const struct kimage_page *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

static void put(FILE *f, const void *p, size_t n)
{
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
}

static void put_ehdr(FILE *f, uint16_t phnum)
{
	uint8_t h[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

	h[16] = 4;			/* ET_CORE */
	h[18] = 62;			/* EM_X86_64 */
	h[20] = 1;			/* EV_CURRENT */
	h[32] = 64;			/* e_phoff */
	h[52] = 64;			/* e_ehsize */
	h[54] = 56;			/* e_phentsize */
	memcpy(h + 56, &phnum, 2);
	put(f, h, sizeof(h));
}

static void put_phdr(FILE *f, uint32_t type, uint64_t off, uint64_t paddr,
		     uint64_t size)
{
	uint64_t p[7] = { type, off, 0, paddr, size, size, 0 };

	put(f, p, sizeof(p));
}

/* Runs of consecutive kept pages, in pfn order: one PT_LOAD each. */
static size_t count_runs(const struct kimage *k)
{
	size_t i, runs = 0;
	uint64_t prev = UINT64_MAX - 1;

	for (i = 0; i < k->npages; i++) {
		if (k->pages[i].dropped)
			continue;
		if (k->pages[i].pfn != prev + 1)
			runs++;
		prev = k->pages[i].pfn;
	}
	return runs;
}

static void put_notes(FILE *f, const struct kimage *k)
{
	uint32_t head[3] = { 11, (uint32_t)k->vmcoreinfo_len, 0 };
	static const char zeros[4];

	put(f, head, sizeof(head));
	put(f, "VMCOREINFO\0", 12);
	put(f, k->vmcoreinfo, k->vmcoreinfo_len);
	put(f, zeros, (4 - k->vmcoreinfo_len % 4) % 4);
}

static void put_loads(FILE *f, const struct kimage *k, uint64_t data_off)
{
	size_t i = 0, j;

	while (i < k->npages) {
		if (k->pages[i].dropped) {
			i++;
			continue;
		}
		for (j = i + 1; j < k->npages && !k->pages[j].dropped &&
		     k->pages[j].pfn == k->pages[j - 1].pfn + 1; j++)
			;
		put_phdr(f, 1, data_off, k->pages[i].pfn * KIMAGE_PAGE,
			 (j - i) * KIMAGE_PAGE);
		data_off += (j - i) * KIMAGE_PAGE;
		i = j;
	}
}

char *kimage_write_elf(struct kimage *k, const char *name)
{
	size_t runs, i, notes_len = 12 + 12 + (k->vmcoreinfo_len + 3) / 4 * 4;
	uint64_t data_off;
	char *path;
	FILE *f;

	qsort(k->pages, k->npages, sizeof(*k->pages), by_pfn);
	runs = count_runs(k);
	ck_assert_int_ge(asprintf(&path, "%s/%s", unit_tmpdir(), name), 0);
	f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "cannot create %s", path);
	put_ehdr(f, (uint16_t)(runs + 1));
	data_off = 64 + 56 * (runs + 1);
	put_phdr(f, 4, data_off, 0, notes_len);
	put_loads(f, k, data_off + notes_len);
	put_notes(f, k);
	for (i = 0; i < k->npages; i++)
		if (!k->pages[i].dropped)
			put(f, k->pages[i].data, KIMAGE_PAGE);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}
