/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kimage.h - a small synthetic x86_64 kernel memory image for tests of
 * what lies above physical pages: page tables (4 or 5 levels) built as
 * the kernel's, data written at kernel virtual addresses, and pages left
 * out on purpose.  Written as an ELF core with a VMCOREINFO note that
 * already says where the tables are (init_top_pgt, phys_base 0).
 *
 * Unlike tests/gen (whose pages are a pattern), the content here is
 * whatever the test writes; pages never written read as zeros.
 */
#ifndef MKD_KIMAGE_H
#define MKD_KIMAGE_H

#include <stddef.h>
#include <stdint.h>

#define KIMAGE_PAGE 4096u
#define KIMAGE_TEXT_MAP 0xffffffff80000000ULL	/* __START_KERNEL_map */

struct kimage_page {
	uint64_t pfn;
	uint8_t *data;
	int dropped;		/* left out of the dump */
};

struct kimage {
	unsigned levels;
	uint64_t pgd;		/* physical address of the top table */
	uint64_t next_table;	/* where the next table page goes */
	struct kimage_page *pages;
	size_t npages, cap;
	char *vmcoreinfo;
	size_t vmcoreinfo_len;
};

/* Tables live from physical 1 MiB; keep data elsewhere. */
void kimage_init(struct kimage *k, unsigned levels);
void kimage_free(struct kimage *k);
/* Map [va, va + len) to [pa, ...) with 4 KiB pages (page aligned). */
void kimage_map(struct kimage *k, uint64_t va, uint64_t pa, uint64_t len);
void kimage_write_phys(struct kimage *k, uint64_t pa, const void *buf,
		       size_t len);
/* Write at a virtual address mapped by kimage_map(). */
void kimage_write(struct kimage *k, uint64_t va, const void *buf, size_t len);
void kimage_write_u64(struct kimage *k, uint64_t va, uint64_t v);
/* Leave the page holding virtual address va out of the dump. */
void kimage_drop(struct kimage *k, uint64_t va);
/* Add a "KEY=VALUE" line to VMCOREINFO (printf style). */
void kimage_info(struct kimage *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Write the ELF core under the test's scratch directory; its path. */
char *kimage_write_elf(struct kimage *k, const char *name);

#endif /* MKD_KIMAGE_H */
