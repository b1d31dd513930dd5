// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kdump.c - makedumpfile's kdump-compressed format ("KDUMP   ") and the
 * legacy diskdump format ("DISKDUMP") it grew from; x86_64 layout (native
 * little-endian, 64-bit long and timeval: a 464-byte header).
 *
 * Layout, in blocks of block_size (= the page size):
 *   block 0      disk_dump_header
 *   1..          sub-header, sub_hdr_size blocks: kdump_sub_header (KDUMP;
 *                fields grow with header_version 1..6) then the ELF notes;
 *                DISKDUMP has the crashing CPU's registers there instead
 *   then         bitmap_blocks: the 1st half says "pfn is RAM", the 2nd
 *                "pfn is dumped"; if the area only has room for one bitmap
 *                (old full dumps), it is both
 *   then         one 24-byte page descriptor per dumped pfn, in pfn order,
 *                then page data; with -d bit 1 all zero pages share one
 *                stored zero page
 *
 * A pfn's descriptor is found by its rank among the dumped bits, which the
 * rank index of struct mkd_bitmap gives in constant time.  The format
 * does not record why a RAM page was left out: filtered pages have reason
 * "unknown".  makedumpfile writes the descriptor table before the data;
 * when it runs out of space it leaves descriptors with offset 0 (or the
 * file ends early): such pages are LOST.  Page states come from the
 * bitmaps alone unless a part looks incomplete ("careful" parts), where
 * descriptors are read to tell lost pages from present ones.
 *
 * Split sets: makedumpfile --split writes N files with the same header,
 * each with split=1 and its range [start_pfn_64, end_pfn_64).  Every file
 * holds both bitmaps in full, but descriptors and data only for its own
 * range, indexed by rank counted from start_pfn (its table is sized for
 * the whole dump; the entries past its own are zeros).  We keep one
 * combined "dumped" bitmap, each range taken from its own file, and route
 * a pfn to the part whose range holds it.  Pfns of a missing part are
 * not dumped.
 */
#include <stdlib.h>

#include "internal.h"
#include "bitmap.h"

#define HEADER_SIZE 464
#define SUB_HEADER_SIZE 104
#define DESC_SIZE 24
#define UTS_LEN 65
#define OFF_RELEASE (12 + 2 * UTS_LEN)
#define OFF_MACHINE (12 + 4 * UTS_LEN)

/* Header status bits (KDUMP), also the page descriptor flags. */
#define DH_ZLIB 0x1
#define DH_LZO 0x2
#define DH_SNAPPY 0x4
#define DH_INCOMPLETE 0x8
#define DH_ZSTD 0x20
/* The legacy diskdump's own status bits. */
#define DISKDUMP_INCOMPLETE 0x1
#define DISKDUMP_COMPRESSED 0x8

#define MAX_BLOCK_SIZE (1u << 24)
#define MAX_NOTES (64u << 20)
#define MAX_VMCOREINFO (1u << 20)
#define MAX_RAM_RANGES (1u << 20)	/* 16 MiB of ranges */
#define MAX_PARTS 4096
#define WINDOW_DESCS 1024	/* descriptors read at once (24 KiB) */
#define CAREFUL_RUN 65536	/* pages classified per page_state call */
#define BITMAP_CHUNK (1u << 20)	/* RAM bitmap bytes read at once */

struct kdump_header {
	uint8_t raw[HEADER_SIZE];	/* for comparing the parts of a set */
	bool legacy;			/* "DISKDUMP" */
	int32_t version;
	int64_t tv_sec;
	uint32_t status, block_size, sub_hdr_size, bitmap_blocks;
	uint32_t current_cpu;
	int32_t nr_cpus;
	/* kdump_sub_header, as far as the version has it */
	int32_t dump_level, split;
	uint64_t start_pfn, end_pfn, max_pfn;
	uint64_t vmcoreinfo_off, vmcoreinfo_size, note_off, note_size;
	/* where things are */
	bool two_bitmaps;
	uint64_t bitmap_off, bitmap_half, desc_off;
};

struct kdump_part {
	struct mkd_file *file;
	struct kdump_header h;
	uint64_t start_pfn, end_pfn;	/* the pfns this file holds */
	uint64_t first_rank;		/* dumped pfns before start_pfn */
	uint64_t ndesc;			/* descriptors it should hold */
	bool careful;			/* may have lost pages */
	uint8_t *window;		/* WINDOW_DESCS descriptors */
	uint64_t window_first;		/* window[0]'s index, or none */
};

struct kdump {
	struct mkd_bitmap dumped;	/* pfn's data is in the dump */
	struct kdump_part *parts;	/* sorted by start_pfn */
	size_t nparts;
	uint8_t *scratch;		/* one block of compressed data */
};

struct desc {
	int64_t offset;
	uint32_t size, flags;
};

static bool kdump_probe(const struct mkd_probe *p)
{
	return p->head_len >= 8 && !memcmp(p->head, "KDUMP   ", 8);
}

static bool diskdump_probe(const struct mkd_probe *p)
{
	return p->head_len >= 8 && !memcmp(p->head, "DISKDUMP", 8);
}

/* ------------------------------------------------------------------ */
/* Headers */

/* Machines whose header has x86_64's layout (64-bit, little-endian). */
static struct mkd_error *check_machine(const uint8_t *raw)
{
	static const char *const ours[] = {
		"", "x86_64", "aarch64", "ppc64le", "riscv64", "loongarch64",
	};
	const char *machine = (const char *)raw + OFF_MACHINE;
	size_t i;

	for (i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (!strncmp(machine, ours[i], UTS_LEN))
			return NULL;
	return mkd_error_create(MKD_ERR_UNSUPPORTED,
				"dumps of '%.*s' machines have another header layout",
				(int)strnlen(machine, UTS_LEN), machine);
}

static struct mkd_error *parse_header(const uint8_t *b, uint64_t fsize,
				      struct kdump_header *h)
{
	memcpy(h->raw, b, HEADER_SIZE);
	h->legacy = !memcmp(b, "DISKDUMP", 8);
	h->version = (int32_t)mkd_le32(b + 8);
	h->tv_sec = (int64_t)mkd_le64(b + 408);
	h->status = mkd_le32(b + 424);
	h->block_size = mkd_le32(b + 428);
	h->sub_hdr_size = mkd_le32(b + 432);
	h->bitmap_blocks = mkd_le32(b + 436);
	h->max_pfn = mkd_le32(b + 440);
	h->current_cpu = mkd_le32(b + 456);
	h->nr_cpus = (int32_t)mkd_le32(b + 460);
	h->dump_level = -1;
	if (h->block_size < 512 || h->block_size > MAX_BLOCK_SIZE ||
	    (h->block_size & (h->block_size - 1)))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"block size %u is not a power of two between 512 and 16 MiB",
					h->block_size);
	if (h->sub_hdr_size > INT32_MAX || h->bitmap_blocks == 0 ||
	    (1 + (uint64_t)h->sub_hdr_size + h->bitmap_blocks) *
	    h->block_size > fsize)
		return mkd_error_create(MKD_ERR_TRUNCATED,
					"%u sub-header and %u bitmap blocks of %u bytes do not fit in the file (%llu bytes)",
					h->sub_hdr_size, h->bitmap_blocks,
					h->block_size,
					(unsigned long long)fsize);
	if (h->version < 0)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"bad header version %d", h->version);
	return check_machine(b);
}

/* Bytes of kdump_sub_header that header_version v has. */
static size_t sub_header_len(int32_t v)
{
	static const size_t len[] = { 0, 12, 32, 48, 64, 80, SUB_HEADER_SIZE };

	return v >= 6 ? SUB_HEADER_SIZE : len[v];
}

static struct mkd_error *read_sub_header(struct mkd_file *f,
					 struct kdump_header *h)
{
	size_t len = sub_header_len(h->version);
	uint8_t s[SUB_HEADER_SIZE] = { 0 };
	struct mkd_error *err;

	if (h->legacy || len == 0)
		return NULL;	/* DISKDUMP: a CPU's registers, unused */
	if ((uint64_t)h->sub_hdr_size * h->block_size < len)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"a sub-header of %u blocks cannot hold version %d",
					h->sub_hdr_size, h->version);
	err = mkd_file_read(f, s, len, h->block_size);
	if (err)
		return mkd_error_wrap(err, "sub-header");
	h->dump_level = h->version >= 1 ? (int32_t)mkd_le32(s + 8) : -1;
	h->split = h->version >= 2 ? (int32_t)mkd_le32(s + 12) : 0;
	h->start_pfn = mkd_le64(s + (h->version >= 6 ? 80 : 16));
	h->end_pfn = mkd_le64(s + (h->version >= 6 ? 88 : 24));
	h->vmcoreinfo_off = mkd_le64(s + 32);
	h->vmcoreinfo_size = mkd_le64(s + 40);
	h->note_off = mkd_le64(s + 48);
	h->note_size = mkd_le64(s + 56);
	if (h->version >= 6)
		h->max_pfn = mkd_le64(s + 96);
	return NULL;
}

/* Where the bitmaps and descriptors are; whether there are two bitmaps. */
static struct mkd_error *place_bitmaps(struct kdump_header *h)
{
	uint64_t area = (uint64_t)h->bitmap_blocks * h->block_size;
	uint64_t one = ((h->max_pfn + 7) / 8 + h->block_size - 1) /
		       h->block_size;

	if (h->max_pfn == 0)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"the header says the dump has no pages");
	h->two_bitmaps = h->bitmap_blocks >= 2 * one;
	h->bitmap_off = (1 + (uint64_t)h->sub_hdr_size) * h->block_size;
	h->bitmap_half = h->two_bitmaps ? area / 2 : area;
	h->desc_off = h->bitmap_off + area;
	if (h->bitmap_half * 8 < h->max_pfn)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"%u bitmap blocks cannot describe %llu pages",
					h->bitmap_blocks,
					(unsigned long long)h->max_pfn);
	return NULL;
}

static struct mkd_error *read_header(struct mkd_file *f,
				     struct kdump_header *h)
{
	uint8_t b[HEADER_SIZE];
	struct mkd_error *err;

	err = mkd_file_read(f, b, sizeof(b), 0);
	if (!err)
		err = parse_header(b, f->size, h);
	if (!err)
		err = read_sub_header(f, h);
	if (!err)
		err = place_bitmaps(h);
	return err ? mkd_error_wrap(err, "'%s'", f->name) : NULL;
}

/* ------------------------------------------------------------------ */
/* Split sets */

static int part_cmp(const void *a, const void *b)
{
	const struct kdump_part *x = a, *y = b;

	return x->start_pfn < y->start_pfn ? -1 : x->start_pfn > y->start_pfn;
}

/* Do two headers come from one run of makedumpfile? */
static bool same_dump(const struct kdump_header *a,
		      const struct kdump_header *b)
{
	/* Only the status may differ (one part may be incomplete). */
	return !memcmp(a->raw, b->raw, 424) &&
	       !memcmp(a->raw + 428, b->raw + 428, HEADER_SIZE - 428) &&
	       a->max_pfn == b->max_pfn && a->dump_level == b->dump_level;
}

static struct mkd_error *set_range(struct mkd_dump *dump,
				   struct kdump_part *p)
{
	const struct kdump_header *h = &p->h;

	p->start_pfn = 0;
	p->end_pfn = h->max_pfn;
	if (!h->split) {
		if (dump->nfiles > 1)
			return mkd_error_create(MKD_ERR_INVALID,
						"'%s' is a whole dump, not part of a split set",
						p->file->name);
		return NULL;
	}
	if (h->start_pfn >= h->end_pfn || h->end_pfn > h->max_pfn)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"'%s': split range [0x%llx, 0x%llx) is not inside the dump's %llu pages",
					p->file->name,
					(unsigned long long)h->start_pfn,
					(unsigned long long)h->end_pfn,
					(unsigned long long)h->max_pfn);
	p->start_pfn = h->start_pfn;
	p->end_pfn = h->end_pfn;
	return NULL;
}

static struct mkd_error *check_set(struct kdump *k)
{
	size_t i;

	qsort(k->parts, k->nparts, sizeof(*k->parts), part_cmp);
	for (i = 1; i < k->nparts; i++) {
		const struct kdump_part *a = &k->parts[i - 1];
		const struct kdump_part *b = &k->parts[i];

		if (!same_dump(&a->h, &b->h))
			return mkd_error_create(MKD_ERR_INVALID,
						"'%s' and '%s' are not parts of one dump",
						a->file->name, b->file->name);
		if (b->start_pfn < a->end_pfn)
			return mkd_error_create(MKD_ERR_INVALID,
						"'%s' and '%s' overlap at pfn 0x%llx",
						a->file->name, b->file->name,
						(unsigned long long)
						b->start_pfn);
	}
	return NULL;
}

static struct mkd_error *open_parts(struct mkd_dump *dump, struct kdump *k)
{
	struct mkd_error *err;
	size_t i;

	if (dump->nfiles > MAX_PARTS)
		return mkd_error_create(MKD_ERR_INVALID,
					"%zu files: more parts than any split dump has",
					dump->nfiles);
	k->parts = calloc(dump->nfiles, sizeof(*k->parts));
	if (!k->parts)
		return &mkd_enomem;
	k->nparts = dump->nfiles;
	for (i = 0; i < k->nparts; i++) {
		struct kdump_part *p = &k->parts[i];

		p->file = dump->files[i];
		p->window_first = UINT64_MAX;
		err = read_header(p->file, &p->h);
		if (!err)
			err = set_range(dump, p);
		if (err)
			return err;
	}
	return check_set(k);
}

/* ------------------------------------------------------------------ */
/* Bitmaps */

/* Copy a part's range of its "dumped" bitmap into the combined one. */
static struct mkd_error *load_dumped(struct kdump *k, struct kdump_part *p)
{
	const struct kdump_header *h = &p->h;
	uint64_t first = p->start_pfn / 64 * 8;
	uint64_t end = (p->end_pfn + 63) / 64 * 8;
	uint64_t off = h->bitmap_off + (h->two_bitmaps ? h->bitmap_half : 0);
	struct mkd_error *err;
	size_t len;
	uint8_t *buf;

	if (end > h->bitmap_half)
		end = h->bitmap_half;
	len = (size_t)(end - first);
	buf = malloc(len ? len : 1);
	if (!buf)
		return &mkd_enomem;
	err = mkd_file_read(p->file, buf, len, off + first);
	if (err)
		err = mkd_error_wrap(err, "'%s': reading the bitmap",
				     p->file->name);
	else
		mkd_bitmap_or_le(&k->dumped, buf, len, p->start_pfn,
				 p->end_pfn);
	free(buf);
	return err;
}

static struct mkd_error *load_bitmaps(struct kdump *k, uint64_t max_pfn)
{
	struct mkd_error *err;
	size_t i;

	if (!mkd_bitmap_init(&k->dumped, max_pfn))
		return &mkd_enomem;
	for (i = 0; i < k->nparts; i++) {
		err = load_dumped(k, &k->parts[i]);
		if (err)
			return err;
	}
	if (!mkd_bitmap_build_rank(&k->dumped))
		return &mkd_enomem;
	for (i = 0; i < k->nparts; i++) {
		struct kdump_part *p = &k->parts[i];

		p->first_rank = mkd_bitmap_rank(&k->dumped, p->start_pfn);
		p->ndesc = mkd_bitmap_rank(&k->dumped, p->end_pfn) -
			   p->first_rank;
	}
	return NULL;
}

static struct mkd_error *ram_edge(struct mkd_dump *dump, uint64_t pfn,
				  uint64_t *run_start)
{
	uint64_t start = *run_start, ps = dump->page_size;

	if (start == UINT64_MAX) {
		*run_start = pfn;
		return NULL;
	}
	*run_start = UINT64_MAX;
	if (dump->nram >= MAX_RAM_RANGES)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"the RAM bitmap has more than %u ranges",
					MAX_RAM_RANGES);
	return mkd_dump_add_ram(dump, start * ps, pfn * ps);
}

/*
 * Add the runs of set bits of one chunk of the RAM bitmap (nbits, a
 * multiple of 64 except at the end); whole words of zeros or ones inside
 * or outside a run are skipped, so this is fast on any real bitmap.
 */
static struct mkd_error *add_ram_runs(struct mkd_dump *dump,
				      const uint8_t *buf, uint64_t first,
				      uint64_t nbits, uint64_t *run_start)
{
	uint64_t i, b;
	struct mkd_error *err;

	for (i = 0; i < nbits; i += 64) {
		uint64_t w = nbits - i >= 64 ? mkd_le64(buf + i / 8) : 0;
		uint64_t same = *run_start == UINT64_MAX ? 0 : ~0ULL;

		if (nbits - i >= 64 && w == same)
			continue;
		for (b = i; b < nbits && b < i + 64; b++) {
			bool ram = buf[b / 8] >> (b % 8) & 1;

			if (ram == (*run_start == UINT64_MAX)) {
				err = ram_edge(dump, first + b, run_start);
				if (err)
					return err;
			}
		}
	}
	return NULL;
}

/* RAM ranges from the 1st bitmap, read in chunks (it is not kept). */
static struct mkd_error *load_ram(struct mkd_dump *dump,
				  const struct kdump_part *p)
{
	uint64_t pfn, max = p->h.max_pfn, run = UINT64_MAX;
	struct mkd_error *err = NULL;
	uint8_t *buf = malloc(BITMAP_CHUNK);

	if (!buf)
		return &mkd_enomem;
	for (pfn = 0; !err && pfn < max; pfn += BITMAP_CHUNK * 8ULL) {
		uint64_t nbits = max - pfn < BITMAP_CHUNK * 8ULL ?
				 max - pfn : BITMAP_CHUNK * 8ULL;

		err = mkd_file_read(p->file, buf, (size_t)((nbits + 7) / 8),
				    p->h.bitmap_off + pfn / 8);
		if (!err)
			err = add_ram_runs(dump, buf, pfn, nbits, &run);
	}
	if (!err && run != UINT64_MAX)
		err = ram_edge(dump, max, &run);
	free(buf);
	return err ? mkd_error_wrap(err, "'%s': RAM bitmap", p->file->name)
		   : NULL;
}

/* ------------------------------------------------------------------ */
/* Page descriptors */

static bool desc_lost(const struct desc *d, uint64_t fsize)
{
	return d->offset == 0 || d->offset < 0 ||
	       (uint64_t)d->offset >= fsize ||
	       (uint64_t)d->offset + d->size > fsize;
}

/* Descriptor idx of part p, through a window of WINDOW_DESCS. */
static struct mkd_error *desc_get(struct kdump_part *p, uint64_t idx,
				  struct desc *d)
{
	const uint8_t *e;

	if (p->window_first == UINT64_MAX || idx < p->window_first ||
	    idx - p->window_first >= WINDOW_DESCS) {
		uint64_t first = idx / WINDOW_DESCS * WINDOW_DESCS;
		size_t len = WINDOW_DESCS * DESC_SIZE, got;
		struct mkd_error *err;

		if (!p->window && !(p->window = malloc(len)))
			return &mkd_enomem;
		p->window_first = UINT64_MAX;
		err = mkd_file_read_partial(p->file, p->window, len,
					    p->h.desc_off + first * DESC_SIZE,
					    &got);
		if (err)
			return err;
		/* Past the end of a cut file: offset 0, i.e. lost. */
		memset(p->window + got, 0, len - got);
		p->window_first = first;
	}
	e = p->window + (idx - p->window_first) * DESC_SIZE;
	d->offset = (int64_t)mkd_le64(e);
	d->size = mkd_le32(e + 8);
	d->flags = mkd_le32(e + 12);
	return NULL;
}

/*
 * Is the part whole?  The cheap signs of an unfinished dump: the status
 * bit, a descriptor table the file cannot hold, and lost pages among the
 * last descriptors (makedumpfile writes data in pfn order).
 */
static struct mkd_error *check_careful(struct kdump_part *p)
{
	uint32_t bit = p->h.legacy ? DISKDUMP_INCOMPLETE : DH_INCOMPLETE;
	uint64_t idx, fsize = p->file->size;
	struct desc d;

	if ((p->h.status & bit) ||
	    p->h.desc_off + p->ndesc * DESC_SIZE > fsize) {
		p->careful = true;
		return NULL;
	}
	for (idx = p->ndesc > WINDOW_DESCS ? p->ndesc - WINDOW_DESCS : 0;
	     idx < p->ndesc; idx++) {
		struct mkd_error *err = desc_get(p, idx, &d);

		if (err)
			return mkd_error_wrap(err, "'%s'", p->file->name);
		if (desc_lost(&d, fsize)) {
			p->careful = true;
			break;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* What the dump is */

static void set_codecs(struct mkd_dump *dump, const struct kdump_header *h)
{
	if (h->legacy) {
		mkd_dump_add_codec(dump, h->status & DISKDUMP_COMPRESSED ?
				   "zlib" : "none");
		return;
	}
	if (h->status & DH_ZLIB)
		mkd_dump_add_codec(dump, "zlib");
	if (h->status & DH_LZO)
		mkd_dump_add_codec(dump, "lzo");
	if (h->status & DH_SNAPPY)
		mkd_dump_add_codec(dump, "snappy");
	if (h->status & DH_ZSTD)
		mkd_dump_add_codec(dump, "zstd");
	if (!dump->codecs[0])
		mkd_dump_add_codec(dump, "none");
}

/* Read a blob the sub-header points to; NULL *buf if there is none. */
static struct mkd_error *read_blob(struct mkd_file *f, uint64_t off,
				   uint64_t size, uint64_t max,
				   const char *what, uint8_t **buf)
{
	struct mkd_error *err;

	*buf = NULL;
	if (size == 0)
		return NULL;
	if (size > max)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"%s of %llu bytes is implausibly large",
					what, (unsigned long long)size);
	if (off > f->size || size > f->size - off)
		return mkd_error_create(MKD_ERR_TRUNCATED,
					"%s at 0x%llx (%llu bytes) lies past the end of the file",
					what, (unsigned long long)off,
					(unsigned long long)size);
	*buf = malloc(size);
	if (!*buf)
		return &mkd_enomem;
	err = mkd_file_read(f, *buf, size, off);
	if (err) {
		free(*buf);
		*buf = NULL;
	}
	return err;
}

static struct mkd_error *set_notes(struct mkd_dump *dump,
				   const struct kdump_part *p)
{
	const struct kdump_header *h = &p->h;
	struct mkd_error *err = NULL;
	uint8_t *buf;

	if (h->legacy)
		return NULL;
	if (h->version >= 4) {
		err = read_blob(p->file, h->note_off, h->note_size, MAX_NOTES,
				"the ELF notes", &buf);
		if (!err && buf)
			err = mkd_dump_set_notes(dump, buf, h->note_size);
		free(buf);
	}
	if (!err && h->version >= 3) {
		err = read_blob(p->file, h->vmcoreinfo_off, h->vmcoreinfo_size,
				MAX_VMCOREINFO, "VMCOREINFO", &buf);
		if (!err && buf)
			err = mkd_dump_set_vmcoreinfo(dump, (char *)buf,
						      h->vmcoreinfo_size);
		free(buf);
	}
	return err ? mkd_error_wrap(err, "'%s'", p->file->name) : NULL;
}

static struct mkd_error *describe(struct mkd_dump *dump, struct kdump *k)
{
	const struct kdump_header *h = &k->parts[0].h;
	const char *machine = (const char *)h->raw + OFF_MACHINE;
	size_t i;

	dump->page_size = h->block_size;
	dump->max_pfn = h->max_pfn;
	/* makedumpfile's levels are 0-31; anything else says nothing. */
	dump->dump_level = h->dump_level >= 0 && h->dump_level <= 31 ?
			   h->dump_level : -1;
	if (!strncmp(machine, "x86_64", UTS_LEN))
		dump->arch = MKD_ARCH_X86_64;
	if (h->tv_sec > 0) {
		dump->crash_time = h->tv_sec;
		dump->has_crash_time = true;
	}
	/*
	 * makedumpfile never fills current_cpu and QEMU always writes 0, so
	 * in a KDUMP header 0 says nothing; the diskdump module set it.
	 */
	if (h->nr_cpus > 0 && h->current_cpu < (uint32_t)h->nr_cpus &&
	    (h->legacy || h->current_cpu != 0)) {
		dump->panic_cpu = h->current_cpu;
		dump->has_panic_cpu = true;
	}
	for (i = 0; i < k->nparts; i++)
		if (k->parts[i].h.status &
		    (h->legacy ? DISKDUMP_INCOMPLETE : DH_INCOMPLETE))
			dump->incomplete = true;
	set_codecs(dump, h);
	return mkd_dump_set_release(dump, (const char *)h->raw + OFF_RELEASE,
				    UTS_LEN);
}

static struct mkd_error *kdump_open(struct mkd_dump *dump)
{
	struct mkd_error *err;
	struct kdump *k = calloc(1, sizeof(*k));
	size_t i;

	if (!k)
		return &mkd_enomem;
	dump->priv = k;
	err = open_parts(dump, k);
	if (!err)
		err = describe(dump, k);
	if (!err)
		err = set_notes(dump, &k->parts[0]);
	if (!err)
		err = load_bitmaps(k, dump->max_pfn);
	if (!err)
		err = load_ram(dump, &k->parts[0]);
	for (i = 0; !err && i < k->nparts; i++) {
		err = check_careful(&k->parts[i]);
		if (k->parts[i].careful)
			dump->incomplete = true;
	}
	if (err)
		return err;
	k->scratch = malloc(dump->page_size);
	return k->scratch ? NULL : &mkd_enomem;
}

/* ------------------------------------------------------------------ */
/* Pages */

/* The part whose range holds pfn, or NULL. */
static struct kdump_part *part_find(struct kdump *k, uint64_t pfn)
{
	size_t lo = 0, hi = k->nparts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->parts[mid].end_pfn <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < k->nparts && k->parts[lo].start_pfn <= pfn)
		return &k->parts[lo];
	return NULL;
}

/* A gap between parts (a part not given): not dumped up to the next. */
static void gap_run(struct mkd_dump *dump, struct kdump *k, uint64_t pfn,
		    struct mkd_page_run *run)
{
	uint64_t end = dump->max_pfn;
	size_t i;

	for (i = 0; i < k->nparts; i++)
		if (k->parts[i].start_pfn > pfn) {
			end = k->parts[i].start_pfn;
			break;
		}
	run->state = MKD_PAGE_NOT_DUMPED;
	run->count = end - pfn;
}

/* A run of pages not dumped: filtered if RAM, else not dumped. */
static void hole_run(struct mkd_dump *dump, uint64_t pfn, uint64_t end,
		     struct mkd_page_run *run)
{
	uint64_t ps = dump->page_size, addr = pfn * ps;
	size_t lo = 0, hi = dump->nram;

	while (lo < hi) {	/* the first range that ends after addr */
		size_t mid = lo + (hi - lo) / 2;

		if (dump->ram[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < dump->nram && dump->ram[lo].start <= addr) {
		run->state = MKD_PAGE_FILTERED;
		run->reason = MKD_FILTER_UNKNOWN;
		if (dump->ram[lo].end / ps < end)
			end = dump->ram[lo].end / ps;
	} else {
		run->state = MKD_PAGE_NOT_DUMPED;
		if (lo < dump->nram && dump->ram[lo].start / ps < end)
			end = dump->ram[lo].start / ps;
	}
	run->count = end > pfn ? end - pfn : 1;
}

/* In a careful part, dumped pages are present or lost by descriptor. */
static struct mkd_error *careful_run(struct kdump *k, struct kdump_part *p,
				     uint64_t pfn, uint64_t end,
				     struct mkd_page_run *run)
{
	uint64_t idx = mkd_bitmap_rank(&k->dumped, pfn) - p->first_rank;
	uint64_t n;
	bool first_lost = false;

	if (end - pfn > CAREFUL_RUN)
		end = pfn + CAREFUL_RUN;
	for (n = 0; pfn + n < end; n++, idx++) {
		struct desc d;
		struct mkd_error *err = desc_get(p, idx, &d);
		bool lost;

		if (err)
			return err;
		lost = desc_lost(&d, p->file->size);
		if (n == 0)
			first_lost = lost;
		else if (lost != first_lost)
			break;
	}
	run->state = first_lost ? MKD_PAGE_LOST : MKD_PAGE_PRESENT;
	run->count = n;
	return NULL;
}

static struct mkd_error *kdump_page_state(struct mkd_dump *dump,
					  uint64_t pfn,
					  struct mkd_page_run *run)
{
	struct kdump *k = dump->priv;
	struct kdump_part *p = part_find(k, pfn);
	uint64_t end;

	if (!p) {
		gap_run(dump, k, pfn, run);
		return NULL;
	}
	if (!mkd_bitmap_test(&k->dumped, pfn)) {
		end = mkd_bitmap_next(&k->dumped, pfn, p->end_pfn, true);
		hole_run(dump, pfn, end, run);
		return NULL;
	}
	end = mkd_bitmap_next(&k->dumped, pfn, p->end_pfn, false);
	if (p->careful)
		return careful_run(k, p, pfn, end, run);
	run->state = MKD_PAGE_PRESENT;
	run->count = end - pfn;
	return NULL;
}

static struct mkd_error *decode(struct kdump *k, const struct desc *d,
				uint32_t ps, void *buf)
{
	enum mkd_codec codec;

	switch (d->flags) {
	case 0:
		codec = MKD_CODEC_NONE;
		break;
	case DH_ZLIB:
		codec = MKD_CODEC_ZLIB;
		break;
	case DH_LZO:
		codec = MKD_CODEC_LZO;
		break;
	case DH_SNAPPY:
		codec = MKD_CODEC_SNAPPY;
		break;
	case DH_ZSTD:
		codec = MKD_CODEC_ZSTD;
		break;
	default:
		return mkd_error_create(MKD_ERR_CORRUPT,
					"unknown page flags 0x%x", d->flags);
	}
	return mkd_codec_decompress(codec, k->scratch, d->size, buf, ps);
}

static struct mkd_error *read_desc_page(struct kdump *k, struct kdump_part *p,
					const struct desc *d, uint32_t ps,
					void *buf)
{
	struct mkd_error *err;

	if ((uint64_t)d->offset < p->h.desc_off)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"page data at 0x%llx would lie in the headers",
					(unsigned long long)d->offset);
	if (d->size == 0 || d->size > ps)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"page data of %u bytes for a page of %u",
					d->size, ps);
	err = mkd_file_read(p->file, k->scratch, d->size, (uint64_t)d->offset);
	if (!err)
		err = decode(k, d, ps, buf);
	return err;
}

static struct mkd_error *kdump_read_page(struct mkd_dump *dump, uint64_t pfn,
					 void *buf)
{
	struct kdump *k = dump->priv;
	struct kdump_part *p = part_find(k, pfn);
	struct mkd_error *err;
	struct desc d;

	if (!p || !mkd_bitmap_test(&k->dumped, pfn))
		return mkd_error_at(MKD_ERR_NO_DATA, pfn * dump->page_size,
				    "pfn 0x%llx is not in the dump",
				    (unsigned long long)pfn);
	err = desc_get(p, mkd_bitmap_rank(&k->dumped, pfn) - p->first_rank,
		       &d);
	if (err)
		return err;
	if (desc_lost(&d, p->file->size)) {
		/* From now on page_state looks at descriptors here. */
		p->careful = true;
		dump->incomplete = true;
		return mkd_error_at(MKD_ERR_NO_DATA, pfn * dump->page_size,
				    "pfn 0x%llx was never written",
				    (unsigned long long)pfn);
	}
	err = read_desc_page(k, p, &d, dump->page_size, buf);
	if (err)
		return mkd_error_wrap(err, "'%s': pfn 0x%llx", p->file->name,
				      (unsigned long long)pfn);
	return NULL;
}

static void kdump_close(struct mkd_dump *dump)
{
	struct kdump *k = dump->priv;
	size_t i;

	for (i = 0; i < k->nparts; i++)
		free(k->parts[i].window);
	free(k->parts);
	mkd_bitmap_deinit(&k->dumped);
	free(k->scratch);
	free(k);
}

const struct mkd_format_ops mkd_format_kdump = {
	.name = "kdump",
	.probe = kdump_probe,
	.open = kdump_open,
	.page_state = kdump_page_state,
	.read_page = kdump_read_page,
	.close = kdump_close,
};

const struct mkd_format_ops mkd_format_diskdump = {
	.name = "diskdump",
	.probe = diskdump_probe,
	.open = kdump_open,
	.page_state = kdump_page_state,
	.read_page = kdump_read_page,
	.close = kdump_close,
};
