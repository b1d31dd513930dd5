// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * elf-writer.c - write a dump as an ELF64 vmcore shaped like kdump's
 * /proc/vmcore, which crash and drgn read as their native input:
 *
 *   ELF header, program headers, the PT_NOTE data (the source's notes:
 *   PRSTATUS per CPU, VMCOREINFO...), then page data from a page-aligned
 *   offset, RAM segments one after the other in physical order.
 *
 *   PT_LOADs: first the kernel image [_stext, _end) at its text address
 *   (crash finds phys_base from it), pointing at the same file bytes as
 *   the RAM segments that hold it; then RAM at direct-map addresses
 *   (PAGE_OFFSET + paddr).  p_align 0, as /proc/vmcore, which crash takes
 *   for a kdump ELF.
 *
 * ELF has no "filtered" page.  A run of pages without data (filtered,
 * lost, damaged) goes in the p_memsz tail of the segment before it, as
 * makedumpfile -E does: the data stays honest, and our reader says
 * "filtered" there.  Each such gap followed by more data costs a PT_LOAD;
 * when that would pass max_segments, gaps shorter than a threshold (a
 * power of two, chosen from a first walk over the page states) are
 * written as zeros instead, and counted by state in zero_filled.
 *
 * Three walks over the source: gap lengths (states only), the layout
 * (states only), the data (in file order, so the output is sequential).
 */
#include <stdlib.h>

#include "export.h"

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define PT_LOAD 1
#define PT_NOTE 4
#define PF_RWX 7
#define EM_X86_64 62
#define EM_386 3
#define MAX_PHNUM 0xfffe	/* beyond needs PN_XNUM */
#define DEFAULT_MAX_SEGMENTS 4096
#define BATCH_PAGES 64
#define MAX_KERNEL_IMAGE (1ULL << 30)

struct seg {
	uint64_t paddr, vaddr, offset, filesz, memsz;
};

struct elf_out {
	struct mkd_dump *src;
	const struct mkd_export_options *o;
	struct mkd_export_stats *st;
	uint64_t ps;

	/* The walks */
	bool counting;			/* the first: gap lengths only */
	uint64_t hist[64];		/* gaps followed by data, by log2 */
	uint64_t threshold;		/* shorter gaps are zero-filled */
	const struct mkd_range *ram;	/* the range being walked */
	bool open;			/* cur has data */
	struct seg cur;
	uint64_t gap;			/* bytes without data after cur */
	uint64_t gap_end;		/* where they end */

	struct seg *segs;		/* RAM, in physical order */
	size_t nsegs, cap;
	struct seg *text;		/* the kernel image */
	size_t ntext;
	uint64_t page_offset;		/* direct map base, 0 if unknown */
	uint8_t *notes;
	size_t notes_len;
	uint64_t data_off;
	uint8_t *buf;
};

static unsigned log2_of(uint64_t v)
{
	return 63 - (unsigned)__builtin_clzll(v);
}

static uint64_t pages_of(const struct elf_out *e, uint64_t bytes)
{
	return (bytes + e->ps - 1) / e->ps;
}

/* ------------------------------------------------------------------ */
/* Layout */

static struct mkd_error *push(struct elf_out *e, const struct seg *s)
{
	if (!mkd_array_reserve(&e->segs, &e->cap, e->nsegs + 1,
			       sizeof(*e->segs)))
		return &mkd_enomem;
	e->segs[e->nsegs++] = *s;
	return NULL;
}

/* The gap before start becomes a p_memsz tail: end of a segment. */
static struct mkd_error *split(struct elf_out *e, uint64_t start)
{
	struct seg tail = { .paddr = start - e->gap, .memsz = e->gap };
	struct mkd_error *err;

	e->st->left_out += pages_of(e, e->gap);
	if (e->open) {
		e->cur.memsz = e->cur.filesz + e->gap;
		err = push(e, &e->cur);
	} else {
		err = push(e, &tail);
	}
	e->open = false;
	e->gap = 0;
	return err;
}

/* Data from start to end: extend the segment, or start one. */
static struct mkd_error *kept(struct elf_out *e, uint64_t start, uint64_t end)
{
	uint64_t gap_pages = pages_of(e, e->gap);
	struct mkd_error *err;

	if (e->counting) {
		if (e->gap)
			e->hist[log2_of(gap_pages)]++;
		e->gap = 0;
		return NULL;
	}
	if (e->gap && gap_pages >= e->threshold) {
		err = split(e, start);
		if (err)
			return err;
	}
	if (!e->open) {
		e->cur = (struct seg){ .paddr = start - e->gap };
		e->open = true;
	}
	e->gap = 0;
	e->cur.filesz = end - e->cur.paddr;
	e->cur.memsz = e->cur.filesz;
	return NULL;
}

static struct mkd_error *end_range(struct elf_out *e)
{
	struct mkd_error *err = NULL;

	if (!e->counting && (e->open || e->gap))
		err = split(e, e->gap_end);
	e->open = false;
	e->gap = 0;
	e->ram = NULL;
	return err;
}

static struct mkd_error *layout_run(void *arg, const struct mkd_range *ram,
				    const struct mkd_page_run *run)
{
	struct elf_out *e = arg;
	uint64_t pfn = run->pfn, count = run->count, start, end;
	enum mkd_page_state state = run->state;
	struct mkd_error *err;

	if (!ram) {
		if (!e->counting && mkd_state_has_data(state))
			e->st->outside_ram += count;
		return NULL;
	}
	if (ram != e->ram) {
		err = end_range(e);
		if (err)
			return err;
		e->ram = ram;
	}
	if (!e->counting)
		e->st->pages[state] += count;
	start = pfn * e->ps > ram->start ? pfn * e->ps : ram->start;
	end = (pfn + count) * e->ps < ram->end ? (pfn + count) * e->ps
					       : ram->end;
	if (!mkd_state_has_data(state)) {
		e->gap += end - start;
		e->gap_end = end;
		return NULL;
	}
	return kept(e, start, end);
}

/* The smallest gap threshold that keeps the segments under the limit. */
static void choose_threshold(struct elf_out *e)
{
	uint64_t max = e->o->max_segments ? e->o->max_segments
					  : DEFAULT_MAX_SEGMENTS;
	uint64_t segs = mkd_dump_ram_range_count(e->src);
	int k;

	for (k = 0; k < 64; k++)
		segs += e->hist[k];
	e->threshold = UINT64_MAX;
	for (k = 0; k < 64; k++) {
		if (segs <= max) {
			e->threshold = 1ULL << k;
			return;
		}
		segs -= e->hist[k];
	}
}

static struct mkd_error *walk(struct elf_out *e, bool counting)
{
	struct mkd_error *err;

	e->counting = counting;
	e->open = false;
	e->gap = 0;
	e->ram = NULL;
	err = mkd_export_walk(e->src, layout_run, e);
	return err ? err : end_range(e);
}

/* ------------------------------------------------------------------ */
/* The kernel image, mapped again at its text address */

static bool kernel_image(struct elf_out *e, uint64_t *vstart, uint64_t *pstart,
			 uint64_t *size)
{
	struct mkd_symbol sym;
	struct mkd_error *err;

	err = mkd_vmcoreinfo_symbol(e->src, "_stext", vstart);
	if (err) {
		mkd_error_destroy(err);
		err = mkd_symbol_lookup_name(e->src, "_stext", &sym);
		*vstart = sym.address;
	}
	if (!err)
		err = mkd_symbol_lookup_name(e->src, "_end", &sym);
	if (!err)
		err = mkd_vtop(e->src, *vstart, pstart);
	if (err) {
		mkd_error_destroy(err);
		return false;
	}
	*size = (sym.address - *vstart + e->ps - 1) / e->ps * e->ps;
	return sym.address > *vstart && *size <= MAX_KERNEL_IMAGE;
}

/* One text segment per RAM segment the image overlaps (file offsets are
 * relative to the data until place() moves them). */
static struct mkd_error *add_text(struct elf_out *e)
{
	uint64_t vstart, pstart, size, pend;
	size_t i;

	if (!kernel_image(e, &vstart, &pstart, &size))
		return NULL;
	pend = pstart + size;
	e->text = calloc(e->nsegs ? e->nsegs : 1, sizeof(*e->text));
	if (!e->text)
		return &mkd_enomem;
	for (i = 0; i < e->nsegs; i++) {
		const struct seg *s = &e->segs[i];
		uint64_t a = s->paddr > pstart ? s->paddr : pstart;
		uint64_t b = s->paddr + s->memsz < pend ? s->paddr + s->memsz
							: pend;
		uint64_t fend = s->paddr + s->filesz;
		struct seg *t;

		if (a >= b)
			continue;
		t = &e->text[e->ntext++];
		t->paddr = a;
		t->vaddr = vstart + (a - pstart);
		t->offset = s->offset + (a - s->paddr);
		t->memsz = b - a;
		t->filesz = fend > a ? (fend < b ? fend : b) - a : 0;
	}
	return NULL;
}

/* File offsets (relative to the data) and virtual addresses of RAM. */
static void place_ram(struct elf_out *e)
{
	uint64_t off = 0;
	size_t i;

	for (i = 0; i < e->nsegs; i++) {
		struct seg *s = &e->segs[i];

		s->offset = off;
		off += s->filesz;
		s->vaddr = e->page_offset ? e->page_offset + s->paddr : 0;
	}
}

static struct mkd_error *place(struct elf_out *e)
{
	uint64_t phnum = 1 + e->ntext + e->nsegs, end;
	size_t i;

	if (phnum > MAX_PHNUM)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"%llu program headers: more than ELF holds without PN_XNUM",
					(unsigned long long)phnum);
	end = EHDR_SIZE + phnum * PHDR_SIZE + e->notes_len;
	e->data_off = (end + e->ps - 1) / e->ps * e->ps;
	for (i = 0; i < e->nsegs; i++)
		e->segs[i].offset += e->data_off;
	for (i = 0; i < e->ntext; i++)
		e->text[i].offset += e->data_off;
	e->st->segments = e->ntext + e->nsegs;
	return NULL;
}

static struct mkd_error *layout(struct elf_out *e)
{
	struct mkd_vm_info vm = { .size = sizeof(vm) };
	struct mkd_error *err;

	err = mkd_dump_vm_info(e->src, &vm);
	if (err)
		mkd_error_destroy(err);
	else
		e->page_offset = vm.page_offset;
	err = walk(e, true);
	if (err)
		return err;
	choose_threshold(e);
	err = walk(e, false);
	if (err)
		return err;
	place_ram(e);
	err = add_text(e);
	return err ? err : place(e);
}

/* ------------------------------------------------------------------ */
/* Writing */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void ehdr(const struct elf_out *e, uint8_t *b)
{
	uint16_t machine = mkd_dump_arch(e->src) == MKD_ARCH_X86 ? EM_386
								: EM_X86_64;

	memset(b, 0, EHDR_SIZE);
	memcpy(b, "\177ELF", 4);
	b[4] = 2;			/* ELFCLASS64 */
	b[5] = 1;			/* little-endian */
	b[6] = 1;			/* EV_CURRENT */
	put16(b + 16, 4);		/* ET_CORE */
	put16(b + 18, machine);
	put32(b + 20, 1);
	put64(b + 32, EHDR_SIZE);	/* e_phoff */
	put16(b + 52, EHDR_SIZE);
	put16(b + 54, PHDR_SIZE);
	put16(b + 56, (uint16_t)(1 + e->ntext + e->nsegs));
}

static void phdr(uint8_t *b, uint32_t type, const struct seg *s)
{
	memset(b, 0, PHDR_SIZE);
	put32(b, type);
	put32(b + 4, type == PT_LOAD ? PF_RWX : 0);
	put64(b + 8, s->offset);
	put64(b + 16, s->vaddr);
	put64(b + 24, s->paddr);
	put64(b + 32, s->filesz);
	put64(b + 40, s->memsz);
}

static struct mkd_error *write_headers(struct elf_out *e, struct mkd_out *out)
{
	uint64_t off = EHDR_SIZE;
	struct seg note = {
		.offset = EHDR_SIZE + (1 + e->ntext + e->nsegs) * PHDR_SIZE,
		.filesz = e->notes_len, .memsz = e->notes_len,
	};
	uint8_t b[EHDR_SIZE];
	struct mkd_error *err;
	size_t i;

	ehdr(e, b);
	err = mkd_out_write(out, 0, b, EHDR_SIZE);
	phdr(b, PT_NOTE, &note);
	if (!err)
		err = mkd_out_write(out, off, b, PHDR_SIZE);
	for (i = 0; !err && i < e->ntext + e->nsegs; i++) {
		off += PHDR_SIZE;
		phdr(b, PT_LOAD, i < e->ntext ? &e->text[i]
					      : &e->segs[i - e->ntext]);
		err = mkd_out_write(out, off, b, PHDR_SIZE);
	}
	if (!err)
		err = mkd_out_write(out, note.offset, e->notes, e->notes_len);
	memset(e->buf, 0, e->ps);
	off = note.offset + e->notes_len;
	if (!err && e->data_off > off)
		err = mkd_out_write(out, off, e->buf, e->data_off - off);
	return err;
}

static bool is_zero(const uint8_t *p, size_t len)
{
	return !p[0] && !memcmp(p, p + 1, len - 1);
}

/* The file part of one segment, read in batches of pages. */
static struct mkd_error *write_seg(struct elf_out *e, struct mkd_out *out,
				   const struct seg *s)
{
	uint64_t a = s->paddr, b = s->paddr + s->filesz;
	uint64_t max = mkd_dump_max_pfn(e->src);
	struct mkd_error *err = NULL;
	bool ok[BATCH_PAGES];

	while (!err && a < b) {
		uint64_t pfn = a / e->ps, last = (b - 1) / e->ps, from, to;
		size_t n = last - pfn + 1 < BATCH_PAGES ?
			   (size_t)(last - pfn + 1) : BATCH_PAGES, i;

		err = mkd_export_read(e->src, pfn, n, e->buf, ok,
				      e->st->zero_filled);
		for (i = 0; !err && i < n; i++)
			if (ok[i]) {
				e->st->written++;
				e->st->zero_pages += is_zero(e->buf + i * e->ps,
							     e->ps);
			}
		from = a - pfn * e->ps;
		to = (pfn + n) * e->ps < b ? n * e->ps : b - pfn * e->ps;
		if (!err)
			err = mkd_out_write(out, s->offset + (a - s->paddr),
					    e->buf + from, to - from);
		a = (pfn + n) * e->ps;
		mkd_export_progress(e->o, a / e->ps, max,
				    e->st->written * e->ps);
	}
	return err;
}

static struct mkd_error *write_elf(struct elf_out *e, struct mkd_out *out)
{
	struct mkd_error *err;
	size_t i;

	err = mkd_export_notes(e->src, &e->notes, &e->notes_len);
	if (!err)
		err = layout(e);
	if (!err)
		e->buf = malloc(BATCH_PAGES * e->ps);
	if (!err && !e->buf)
		err = &mkd_enomem;
	if (!err)
		err = write_headers(e, out);
	for (i = 0; !err && i < e->nsegs; i++)
		err = write_seg(e, out, &e->segs[i]);
	return err;
}

struct mkd_error *mkd_export_elf(struct mkd_dump *src, struct mkd_out *out,
				 const struct mkd_export_options *o,
				 struct mkd_export_stats *st)
{
	struct elf_out e = {
		.src = src, .o = o, .st = st,
		.ps = mkd_dump_page_size(src),
	};
	struct mkd_error *err = write_elf(&e, out);

	free(e.segs);
	free(e.text);
	free(e.notes);
	free(e.buf);
	return err ? mkd_error_wrap(err, "writing an ELF vmcore") : NULL;
}
