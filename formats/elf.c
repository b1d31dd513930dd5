// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * elf.c - ELF core dumps: kdump's /proc/vmcore (and copies of it),
 * QEMU dump-guest-memory, netdump, makedumpfile -E; ELF64 and ELF32.
 *
 * Physical memory is the PT_LOAD segments' p_paddr ranges.  Segments may
 * overlap (/proc/vmcore maps the kernel text twice) and may end inside a
 * page (System RAM ranges are byte ranges).  The bytes in p_memsz past
 * p_filesz were left out by the producer; ELF does not say whether they
 * were zero or filtered, so we say "filtered, reason unknown" rather than
 * pretend they are zero.  A segment that reaches past the end of the
 * file was cut short: those pages are lost.  A PT_LOAD with no physical
 * address (p_paddr -1, makedumpfile's NOT_PADDR, or anything from 2^63
 * up) is not RAM we can address and is left out.
 *
 * ELF headers are two fixed structs; we read them with the bounded cursor
 * (not libelf, whose memory images must hold the whole header area).
 */
#include <stdlib.h>

#include "internal.h"

#define ET_CORE 4
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4
#define PN_XNUM 0xffff
#define EF_INCOMPLETE 0x1	/* makedumpfile: dump not finished */
#define MAX_PHDRS (1u << 22)	/* 4M segments: far beyond any real dump */
#define MAX_NOTES (64u << 20)
#define MAX_PADDR (1ULL << 63)	/* so pfn * page_size never wraps */

struct segment {
	uint64_t paddr, memsz;
	uint64_t offset, filesz;	/* filesz already cut to the file */
	uint64_t declared;		/* p_filesz as the header says */
};

struct elf_dump {
	struct segment *segs;	/* sorted by paddr, not overlapping */
	size_t nsegs, cap;
	bool is64;
};

struct ehdr {
	bool is64;
	uint16_t machine, phentsize, phnum, shentsize;
	uint32_t flags;
	uint64_t phoff, shoff;
};

static bool elf_probe(const struct mkd_probe *p)
{
	return p->head_len >= 18 && !memcmp(p->head, "\177ELF", 4) &&
	       mkd_le16(p->head + 16) == ET_CORE;
}

static struct mkd_error *parse_ehdr(const uint8_t *b, size_t len,
				    struct ehdr *eh)
{
	if (len < 52 || (b[4] != 1 && b[4] != 2))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"bad ELF class %u", len > 4 ? b[4] : 0);
	if (b[5] != 1)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"big-endian ELF dumps are not supported");
	eh->is64 = b[4] == 2;
	eh->machine = mkd_le16(b + 18);
	if (eh->is64) {
		if (len < 64)
			return mkd_error_create(MKD_ERR_TRUNCATED,
						"ELF header cut short");
		eh->phoff = mkd_le64(b + 32);
		eh->shoff = mkd_le64(b + 40);
		eh->flags = mkd_le32(b + 48);
		eh->phentsize = mkd_le16(b + 54);
		eh->phnum = mkd_le16(b + 56);
		eh->shentsize = mkd_le16(b + 58);
	} else {
		eh->phoff = mkd_le32(b + 28);
		eh->shoff = mkd_le32(b + 32);
		eh->flags = mkd_le32(b + 36);
		eh->phentsize = mkd_le16(b + 42);
		eh->phnum = mkd_le16(b + 44);
		eh->shentsize = mkd_le16(b + 46);
	}
	if (eh->phentsize != (eh->is64 ? 56 : 32))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"bad program header size %u",
					eh->phentsize);
	return NULL;
}

/* With PN_XNUM, the real count is in section header 0's sh_info. */
static struct mkd_error *phdr_count(struct mkd_file *f, const struct ehdr *eh,
				    uint32_t *count)
{
	uint8_t sh[64];
	struct mkd_error *err;
	size_t need = eh->is64 ? 64 : 40;

	*count = eh->phnum;
	if (eh->phnum != PN_XNUM)
		return NULL;
	if (!eh->shoff || eh->shentsize < need)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"e_phnum is PN_XNUM but there is no section header 0");
	err = mkd_file_read(f, sh, need, eh->shoff);
	if (err)
		return mkd_error_wrap(err, "section header 0");
	*count = mkd_le32(sh + (eh->is64 ? 44 : 28));
	return NULL;
}

static void parse_phdr(const uint8_t *p, bool is64, uint32_t *type,
		       uint64_t v[5])
{
	/* v: offset, vaddr, paddr, filesz, memsz */
	*type = mkd_le32(p);
	if (is64) {
		v[0] = mkd_le64(p + 8);
		v[1] = mkd_le64(p + 16);
		v[2] = mkd_le64(p + 24);
		v[3] = mkd_le64(p + 32);
		v[4] = mkd_le64(p + 40);
	} else {
		v[0] = mkd_le32(p + 4);
		v[1] = mkd_le32(p + 8);
		v[2] = mkd_le32(p + 12);
		v[3] = mkd_le32(p + 16);
		v[4] = mkd_le32(p + 20);
	}
}

static struct mkd_error *add_note(struct mkd_dump *dump, uint8_t **notes,
				  size_t *len, const uint64_t v[5])
{
	struct mkd_file *f = dump->files[0];
	struct mkd_error *err;
	uint8_t *p;

	if (v[3] > MAX_NOTES || *len + v[3] > MAX_NOTES)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"PT_NOTE of %llu bytes is implausibly large",
					(unsigned long long)v[3]);
	p = realloc(*notes, *len + v[3] + 1);
	if (!p)
		return &mkd_enomem;
	*notes = p;
	err = mkd_file_read(f, p + *len, v[3], v[0]);
	if (err)
		return mkd_error_wrap(err, "reading PT_NOTE");
	*len += v[3];
	return NULL;
}

static struct mkd_error *add_load(struct mkd_dump *dump, struct elf_dump *e,
				  const uint64_t v[5])
{
	uint64_t fsize = dump->files[0]->size, end;
	struct segment *s;

	if (v[4] == 0 || v[2] >= MAX_PADDR)
		return NULL;
	if (v[4] > MAX_PADDR - v[2] || mkd_add_overflows(v[0], v[3], &end))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"PT_LOAD at 0x%llx wraps around",
					(unsigned long long)v[2]);
	if (v[3] > v[4])
		return mkd_error_create(MKD_ERR_CORRUPT,
					"PT_LOAD at 0x%llx has filesz > memsz",
					(unsigned long long)v[2]);
	if (!mkd_array_reserve(&e->segs, &e->cap, e->nsegs + 1,
			       sizeof(*e->segs)))
		return &mkd_enomem;
	s = &e->segs[e->nsegs++];
	s->paddr = v[2];
	s->memsz = v[4];
	s->offset = v[0];
	s->filesz = v[3];
	s->declared = v[3];
	if (v[0] + v[3] > fsize) {
		dump->incomplete = true;	/* the file was cut short */
		s->filesz = v[0] >= fsize ? 0 : fsize - v[0];
	}
	return NULL;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct segment *x = a, *y = b;

	if (x->paddr != y->paddr)
		return x->paddr < y->paddr ? -1 : 1;
	return x->memsz > y->memsz ? -1 : x->memsz < y->memsz;
}

/* Sort and cut overlaps off later segments; the same bytes either way. */
static void segments_normalize(struct elf_dump *e)
{
	size_t i, out = 0;

	if (!e->nsegs)
		return;		/* segs is NULL: qsort must not see it */
	qsort(e->segs, e->nsegs, sizeof(*e->segs), seg_cmp);
	for (i = 0; i < e->nsegs; i++) {
		struct segment s = e->segs[i];

		if (out) {
			const struct segment *prev = &e->segs[out - 1];
			uint64_t prev_end = prev->paddr + prev->memsz;

			if (s.paddr + s.memsz <= prev_end)
				continue;
			if (s.paddr < prev_end) {
				uint64_t cut = prev_end - s.paddr;

				s.paddr += cut;
				s.memsz -= cut;
				s.offset += cut;
				s.filesz = s.filesz > cut ? s.filesz - cut : 0;
				s.declared = s.declared > cut ?
					     s.declared - cut : 0;
			}
		}
		e->segs[out++] = s;
	}
	e->nsegs = out;
}

static struct mkd_error *read_phdrs(struct mkd_dump *dump, struct elf_dump *e,
				    const struct ehdr *eh, uint32_t count)
{
	struct mkd_file *f = dump->files[0];
	uint8_t *notes = NULL, *table;
	size_t notes_len = 0, size = (size_t)count * eh->phentsize;
	struct mkd_error *err = NULL;
	uint32_t i;

	if (count > MAX_PHDRS || eh->phoff > f->size || size > f->size - eh->phoff)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"%u program headers at 0x%llx do not fit in the file",
					count, (unsigned long long)eh->phoff);
	table = malloc(size ? size : 1);
	if (!table)
		return &mkd_enomem;
	err = mkd_file_read(f, table, size, eh->phoff);
	for (i = 0; !err && i < count; i++) {
		uint64_t v[5];
		uint32_t type;

		parse_phdr(table + (size_t)i * eh->phentsize, eh->is64, &type, v);
		if (type == PT_NOTE)
			err = add_note(dump, &notes, &notes_len, v);
		else if (type == PT_LOAD)
			err = add_load(dump, e, v);
		if (err)
			err = mkd_error_wrap(err, "program header %u", i);
	}
	if (!err)
		err = mkd_dump_set_notes(dump, notes, notes_len);
	free(notes);
	free(table);
	return err;
}

static struct mkd_error *describe(struct mkd_dump *dump, struct elf_dump *e)
{
	struct mkd_error *err;
	uint64_t top = 0;
	size_t i;

	segments_normalize(e);
	for (i = 0; i < e->nsegs; i++) {
		const struct segment *s = &e->segs[i];

		err = mkd_dump_add_ram(dump, s->paddr, s->paddr + s->memsz);
		if (err)
			return err;
		if (s->paddr + s->memsz > top)
			top = s->paddr + s->memsz;
	}
	dump->max_pfn = (top + dump->page_size - 1) / dump->page_size;
	return NULL;
}

static struct mkd_error *elf_open(struct mkd_dump *dump)
{
	struct mkd_file *f = dump->files[0];
	struct mkd_error *err;
	struct elf_dump *e;
	uint8_t head[64];
	struct ehdr eh = { 0 };
	uint32_t count;
	size_t got;

	if (dump->nfiles > 1)
		return mkd_error_create(MKD_ERR_INVALID,
					"'%s': an ELF dump is one file, not a set",
					f->name);
	err = mkd_file_read_partial(f, head, sizeof(head), 0, &got);
	if (!err)
		err = parse_ehdr(head, got, &eh);
	if (!err)
		err = phdr_count(f, &eh, &count);
	if (err)
		return mkd_error_wrap(err, "'%s'", f->name);
	e = calloc(1, sizeof(*e));
	if (!e)
		return &mkd_enomem;
	dump->priv = e;
	e->is64 = eh.is64;
	if (eh.machine == EM_X86_64)
		dump->arch = MKD_ARCH_X86_64;
	else if (eh.machine == EM_386 && !eh.is64)
		dump->arch = MKD_ARCH_UNKNOWN;	/* vmcoreinfo decides */
	dump->incomplete = eh.flags & EF_INCOMPLETE;
	err = read_phdrs(dump, e, &eh, count);
	if (!err)
		err = describe(dump, e);
	if (err)
		return mkd_error_wrap(err, "'%s'", f->name);
	mkd_dump_add_codec(dump, "none");
	return NULL;
}

/* The first segment that ends after addr, or nsegs. */
static size_t seg_find(const struct elf_dump *e, uint64_t addr)
{
	size_t lo = 0, hi = e->nsegs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->segs[mid].paddr + e->segs[mid].memsz <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct mkd_error *elf_page_state(struct mkd_dump *dump, uint64_t pfn,
					struct mkd_page_run *run)
{
	const struct elf_dump *e = dump->priv;
	uint64_t ps = dump->page_size, start = pfn * ps, at, end;
	size_t i = seg_find(e, start);
	const struct segment *s;

	if (i == e->nsegs) {
		run->state = MKD_PAGE_NOT_DUMPED;
		run->count = dump->max_pfn - pfn;
		return NULL;
	}
	s = &e->segs[i];
	if (s->paddr >= start + ps) {
		run->state = MKD_PAGE_NOT_DUMPED;
		run->count = s->paddr / ps - pfn;
		return NULL;
	}
	/* The page's state is that of its first byte in the segment. */
	at = start > s->paddr ? start - s->paddr : 0;
	if (at < s->filesz) {
		run->state = MKD_PAGE_PRESENT;
		end = s->paddr + s->filesz;
	} else if (at < s->declared) {
		run->state = MKD_PAGE_LOST;	/* the file ends too soon */
		end = s->paddr + s->declared;
	} else {
		run->state = MKD_PAGE_FILTERED;
		run->reason = MKD_FILTER_UNKNOWN;
		end = s->paddr + s->memsz;
	}
	run->count = end / ps > pfn ? end / ps - pfn : 1;
	return NULL;
}

static struct mkd_error *elf_read_page(struct mkd_dump *dump, uint64_t pfn,
				       void *buf)
{
	const struct elf_dump *e = dump->priv;
	uint64_t ps = dump->page_size, start = pfn * ps;
	struct mkd_page_run run;
	struct mkd_error *err;
	size_t i;

	err = elf_page_state(dump, pfn, &run);
	if (err)
		return err;
	if (run.state != MKD_PAGE_PRESENT)
		return mkd_error_at(MKD_ERR_NO_DATA, start,
				    "pfn 0x%llx is not in the dump",
				    (unsigned long long)pfn);
	memset(buf, 0, ps);
	/* Copy what each segment holds of the page; the rest is not RAM. */
	for (i = seg_find(e, start); i < e->nsegs; i++) {
		const struct segment *s = &e->segs[i];
		uint64_t from = s->paddr > start ? s->paddr : start;
		uint64_t to = s->paddr + s->filesz;

		if (s->paddr >= start + ps)
			break;
		if (to > start + ps)
			to = start + ps;
		if (from >= to)
			continue;
		err = mkd_file_read(dump->files[0], (uint8_t *)buf + (from - start),
				    to - from, s->offset + (from - s->paddr));
		if (err)
			return err;
	}
	return NULL;
}

/* Whole pages that lie inside one segment's data come in one read. */
static struct mkd_error *elf_read_pages(struct mkd_dump *dump, uint64_t pfn,
					uint64_t count, void *buf,
					uint64_t *done)
{
	const struct elf_dump *e = dump->priv;
	uint64_t ps = dump->page_size, start = pfn * ps, n;
	size_t i = seg_find(e, start);
	const struct segment *s;

	*done = 0;
	if (i == e->nsegs)
		return NULL;
	s = &e->segs[i];
	if (s->paddr > start || start - s->paddr >= s->filesz)
		return NULL;
	n = (s->filesz - (start - s->paddr)) / ps;
	if (n > count)
		n = count;
	if (!n)
		return NULL;
	*done = n;
	return mkd_file_read(dump->files[0], buf, n * ps,
			     s->offset + (start - s->paddr));
}

static void elf_close(struct mkd_dump *dump)
{
	struct elf_dump *e = dump->priv;

	free(e->segs);
	free(e);
}

const struct mkd_format_ops mkd_format_elf = {
	.name = "elf",
	.probe = elf_probe,
	.open = elf_open,
	.page_state = elf_page_state,
	.read_page = elf_read_page,
	.read_pages = elf_read_pages,
	.close = elf_close,
};
