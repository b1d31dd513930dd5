// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kdump-writer.c - write a dump in makedumpfile's kdump-compressed format
 * (header version 6, x86_64 layout; see formats/kdump.c for the reader):
 *
 *   block 0    disk_dump_header: "KDUMP   ", utsname (read from the
 *              kernel's init_uts_ns), crash time, codec bits, CPUs
 *   block 1..  kdump_sub_header (phys_base, dump level, max_mapnr_64,
 *              where the notes and VMCOREINFO are), the ELF notes, the
 *              VMCOREINFO text
 *   bitmaps    "is RAM" (the dump's RAM map), then "is dumped"
 *   descs      24 bytes per dumped page, in pfn order
 *   data       one raw zero page that every all-zero page points to, then
 *              each page compressed alone (raw when that does not shrink it)
 *
 * Filtered pages are left out of the "dumped" bitmap (the format does not
 * keep the reason).  Lost or damaged pages are dumped with a descriptor
 * at offset 0, as makedumpfile leaves pages it could not write, and the
 * header says "incomplete" then.  The walk over page states fills the
 * bitmaps first; the data follows in pfn order while descriptors are
 * written back in batches at their place, so a plain output must be
 * seekable; the flattened form (records saying where bytes go) streams.
 */
#include <stdlib.h>

#include "export.h"
#include "compress.h"

#define HEADER_SIZE 464
#define SUB_HEADER_SIZE 104
#define DESC_SIZE 24
#define UTS_LEN 65
#define UTS_FIELDS 6
#define HEADER_VERSION 6
#define DH_ZLIB 0x1
#define DH_LZO 0x2
#define DH_INCOMPLETE 0x8
#define DH_ZSTD 0x20
#define DESC_BATCH 4096
#define BATCH_PAGES 64
#define MAX_BITMAP (1ULL << 30)

struct kdump_out {
	struct mkd_dump *src;
	const struct mkd_export_options *o;
	struct mkd_export_stats *st;
	struct mkd_out *out;
	uint32_t ps;
	uint64_t max_pfn;
	uint8_t *ram, *dumped;		/* the two bitmaps */
	size_t bitmap_len;		/* bytes of each, block-aligned */
	uint64_t ndesc;
	int dump_level;			/* from the source, or -1 */
	uint32_t level_bits;		/* ... else from filter reasons */

	enum mkd_codec codec;
	uint32_t codec_bit;
	struct mkd_compressor *comp;
	uint8_t *notes;
	size_t notes_len;
	uint64_t sub_blocks, desc_off, zero_off, data_pos;

	uint8_t *descs;			/* DESC_BATCH waiting to be written */
	uint64_t desc_first, desc_fill;
	uint8_t *pages, *cbuf;
	bool ok[BATCH_PAGES];
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void bit_set(uint8_t *map, uint64_t first, uint64_t count)
{
	for (; count; first++, count--)
		map[first / 8] |= (uint8_t)(1u << (first % 8));
}

static bool bit_test(const uint8_t *map, uint64_t pfn)
{
	return map[pfn / 8] >> (pfn % 8) & 1;
}

/* ------------------------------------------------------------------ */
/* The walk: bitmaps and counts */

static uint32_t level_bit(enum mkd_filter_reason reason)
{
	switch (reason) {
	case MKD_FILTER_ZERO:
		return MKD_DL_ZERO;
	case MKD_FILTER_CACHE:
		return MKD_DL_CACHE;
	case MKD_FILTER_CACHE_PRIVATE:
		return MKD_DL_CACHE_PRIVATE;
	case MKD_FILTER_USER:
		return MKD_DL_USER;
	case MKD_FILTER_FREE:
		return MKD_DL_FREE;
	default:
		return 0;
	}
}

static struct mkd_error *map_run(void *arg, const struct mkd_range *ram,
				 const struct mkd_page_run *run)
{
	struct kdump_out *k = arg;

	if (!ram) {
		if (mkd_state_has_data(run->state))
			k->st->outside_ram += run->count;
		return NULL;
	}
	k->st->pages[run->state] += run->count;
	bit_set(k->ram, run->pfn, run->count);
	switch (run->state) {
	case MKD_PAGE_PRESENT:
	case MKD_PAGE_ZERO:
	case MKD_PAGE_LOST:
	case MKD_PAGE_DAMAGED:
		bit_set(k->dumped, run->pfn, run->count);
		k->ndesc += run->count;
		break;
	case MKD_PAGE_FILTERED:
		k->level_bits |= level_bit(run->reason);
		/* fall through */
	default:			/* or a hole inside RAM */
		k->st->left_out += run->count;
	}
	return NULL;
}

static struct mkd_error *make_bitmaps(struct kdump_out *k)
{
	uint64_t len = (k->max_pfn + 7) / 8;

	len = (len + k->ps - 1) / k->ps * k->ps;
	if (len > MAX_BITMAP)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"%llu pages need bitmaps larger than 1 GiB",
					(unsigned long long)k->max_pfn);
	k->bitmap_len = (size_t)len;
	k->ram = calloc(1, k->bitmap_len);
	k->dumped = calloc(1, k->bitmap_len);
	if (!k->ram || !k->dumped)
		return &mkd_enomem;
	return mkd_export_walk(k->src, map_run, k);
}

/* ------------------------------------------------------------------ */
/* Headers */

/* The kernel's own utsname; the release and machine if it cannot be read. */
static void utsname(struct kdump_out *k, uint8_t *uts)
{
	const char *release = mkd_dump_kernel_release(k->src);
	uint64_t addr, off;
	struct mkd_error *err;
	int i;

	err = mkd_vmcoreinfo_symbol(k->src, "init_uts_ns", &addr);
	if (!err)
		err = mkd_vmcoreinfo_offset(k->src, "uts_namespace.name", &off);
	if (!err)
		err = mkd_read_virt(k->src, addr + off, uts,
				    UTS_FIELDS * UTS_LEN, NULL);
	if (!err && !memcmp(uts, "Linux", 6)) {
		for (i = 0; i < UTS_FIELDS; i++)
			uts[i * UTS_LEN + UTS_LEN - 1] = 0;
		return;
	}
	mkd_error_destroy(err);
	memset(uts, 0, UTS_FIELDS * UTS_LEN);
	memcpy(uts, "Linux", 5);
	if (release)
		strncpy((char *)uts + 2 * UTS_LEN, release, UTS_LEN - 1);
	if (mkd_dump_arch(k->src) == MKD_ARCH_X86_64)
		memcpy(uts + 4 * UTS_LEN, "x86_64", 6);
}

static uint32_t status(const struct kdump_out *k)
{
	uint32_t s = k->codec_bit;

	if (k->st->lost || k->st->pages[MKD_PAGE_LOST] ||
	    k->st->pages[MKD_PAGE_DAMAGED])
		s |= DH_INCOMPLETE;
	return s;
}

/* Block 0, the header padded with zeros. */
static struct mkd_error *write_header(struct kdump_out *k)
{
	size_t ncpus = mkd_dump_cpu_count(k->src);
	uint8_t *h = calloc(1, k->ps);
	struct mkd_error *err;
	uint32_t cpu = 0;
	int64_t secs = 0;

	if (!h)
		return &mkd_enomem;
	memcpy(h, "KDUMP   ", 8);
	put32(h + 8, HEADER_VERSION);
	utsname(k, h + 12);
	if (mkd_dump_crash_time(k->src, &secs) && secs > 0)
		put64(h + 408, (uint64_t)secs);
	put32(h + 424, status(k));
	put32(h + 428, k->ps);
	put32(h + 432, (uint32_t)k->sub_blocks);
	put32(h + 436, (uint32_t)(2 * k->bitmap_len / k->ps));
	put32(h + 440, k->max_pfn > UINT32_MAX ? UINT32_MAX
					       : (uint32_t)k->max_pfn);
	if (!mkd_dump_panic_cpu(k->src, &cpu) || cpu >= ncpus)
		cpu = 0;
	put32(h + 456, cpu);
	put32(h + 460, ncpus ? (uint32_t)ncpus : 1);
	err = mkd_out_write(k->out, 0, h, k->ps);
	free(h);
	return err;
}

static struct mkd_error *write_sub_header(struct kdump_out *k)
{
	struct mkd_vm_info vm = { .size = sizeof(vm) };
	uint8_t s[SUB_HEADER_SIZE] = { 0 };
	uint64_t at = k->ps, note_off = at + SUB_HEADER_SIZE;
	size_t vlen = 0;
	const char *vi = mkd_vmcoreinfo(k->src, &vlen);
	struct mkd_error *err;

	err = mkd_dump_vm_info(k->src, &vm);
	if (!err)
		put64(s, (uint64_t)vm.phys_base);
	mkd_error_destroy(err);
	put32(s + 8, (uint32_t)k->st->dump_level);
	put64(s + 24, k->max_pfn);		/* end_pfn */
	put64(s + 32, vi ? note_off + k->notes_len : 0);
	put64(s + 40, vi ? vlen : 0);
	put64(s + 48, note_off);
	put64(s + 56, k->notes_len);
	put64(s + 88, k->max_pfn);		/* end_pfn_64 */
	put64(s + 96, k->max_pfn);		/* max_mapnr_64 */
	err = mkd_out_write(k->out, at, s, sizeof(s));
	if (!err)
		err = mkd_out_write(k->out, note_off, k->notes, k->notes_len);
	if (!err && vi)
		err = mkd_out_write(k->out, note_off + k->notes_len, vi, vlen);
	return err;
}

static struct mkd_error *write_meta(struct kdump_out *k)
{
	uint64_t bitmap_off = (1 + k->sub_blocks) * k->ps, end;
	struct mkd_error *err;
	size_t vlen = 0;

	mkd_vmcoreinfo(k->src, &vlen);
	end = k->ps + SUB_HEADER_SIZE + k->notes_len + vlen;
	err = write_header(k);
	if (!err)
		err = write_sub_header(k);
	memset(k->pages, 0, k->ps);
	/* Zeros to the bitmaps, so a plain file is written in order. */
	while (!err && end < bitmap_off) {
		size_t n = bitmap_off - end < k->ps ? bitmap_off - end : k->ps;

		err = mkd_out_write(k->out, end, k->pages, n);
		end += n;
	}
	if (!err)
		err = mkd_out_write(k->out, bitmap_off, k->ram, k->bitmap_len);
	if (!err)
		err = mkd_out_write(k->out, bitmap_off + k->bitmap_len,
				    k->dumped, k->bitmap_len);
	return err;
}

/* ------------------------------------------------------------------ */
/* Pages */

static struct mkd_error *flush_descs(struct kdump_out *k)
{
	struct mkd_error *err;

	err = mkd_out_write(k->out, k->desc_off + k->desc_first * DESC_SIZE,
			    k->descs, k->desc_fill * DESC_SIZE);
	k->desc_first += k->desc_fill;
	k->desc_fill = 0;
	return err;
}

static struct mkd_error *add_desc(struct kdump_out *k, uint64_t off,
				  uint32_t size, uint32_t flags)
{
	uint8_t *d = k->descs + k->desc_fill * DESC_SIZE;

	put64(d, off);
	put32(d + 8, size);
	put32(d + 12, flags);
	put64(d + 16, 0);
	if (++k->desc_fill == DESC_BATCH)
		return flush_descs(k);
	return NULL;
}

static bool is_zero(const uint8_t *p, size_t len)
{
	return !p[0] && !memcmp(p, p + 1, len - 1);
}

static struct mkd_error *put_page(struct kdump_out *k, const uint8_t *page,
				  bool ok)
{
	size_t len = 0;
	struct mkd_error *err;

	if (!ok) {
		k->st->lost++;
		return add_desc(k, 0, 0, 0);
	}
	k->st->written++;
	if (is_zero(page, k->ps)) {
		k->st->zero_pages++;
		return add_desc(k, k->zero_off, k->ps, 0);
	}
	if (k->comp) {
		err = mkd_compress(k->comp, page, k->ps, k->cbuf, &len);
		if (err)
			return err;
	}
	if (!k->comp || len == 0 || len >= k->ps) {
		err = mkd_out_write(k->out, k->data_pos, page, k->ps);
		len = k->ps;
		if (!err)
			err = add_desc(k, k->data_pos, k->ps, 0);
	} else {
		err = mkd_out_write(k->out, k->data_pos, k->cbuf, len);
		if (!err)
			err = add_desc(k, k->data_pos, (uint32_t)len,
				       k->codec_bit);
	}
	k->data_pos += len;
	return err;
}

/* The dumped pages from pfn up to the next one that is not. */
static struct mkd_error *put_run(struct kdump_out *k, uint64_t *pfn)
{
	uint64_t lost_before[MKD_PAGE_STATE_COUNT] = { 0 };
	struct mkd_error *err = NULL;
	size_t n = 0, i;

	while (n < BATCH_PAGES && *pfn + n < k->max_pfn &&
	       bit_test(k->dumped, *pfn + n))
		n++;
	err = mkd_export_read(k->src, *pfn, n, k->pages, k->ok, lost_before);
	for (i = 0; !err && i < n; i++)
		err = put_page(k, k->pages + i * k->ps, k->ok[i]);
	*pfn += n;
	return err;
}

static struct mkd_error *write_pages(struct kdump_out *k)
{
	struct mkd_error *err;
	uint64_t pfn = 0;

	memset(k->pages, 0, k->ps);
	err = mkd_out_write(k->out, k->zero_off, k->pages, k->ps);
	while (!err && pfn < k->max_pfn) {
		if (!bit_test(k->dumped, pfn)) {
			pfn++;
			continue;
		}
		err = put_run(k, &pfn);
		mkd_export_progress(k->o, pfn, k->max_pfn,
				    k->st->written * k->ps);
	}
	if (!err && k->desc_fill)
		err = flush_descs(k);
	return err;
}

/* ------------------------------------------------------------------ */

static struct mkd_error *set_codec(struct kdump_out *k)
{
	const char *name = k->o->codec ? k->o->codec : "zlib";
	struct mkd_error *err = mkd_codec_parse(name, &k->codec);

	if (err)
		return err;
	k->codec_bit = k->codec == MKD_CODEC_ZLIB ? DH_ZLIB :
		       k->codec == MKD_CODEC_LZO ? DH_LZO :
		       k->codec == MKD_CODEC_ZSTD ? DH_ZSTD : 0;
	if (k->codec == MKD_CODEC_NONE)
		return NULL;
	k->cbuf = malloc(mkd_compress_bound(k->codec, k->ps));
	if (!k->cbuf)
		return &mkd_enomem;
	return mkd_compressor_create(k->codec, k->o->level, &k->comp);
}

static struct mkd_error *prepare(struct kdump_out *k)
{
	size_t vlen = 0;
	struct mkd_error *err;

	if (!k->out->flat && !k->out->seekable)
		return mkd_error_create(MKD_ERR_INVALID,
					"'%s' is not seekable: a kdump dump there must be flattened",
					k->out->name);
	if (k->ps < HEADER_SIZE)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"pages of %u bytes cannot hold a kdump header",
					k->ps);
	err = set_codec(k);
	if (!err)
		err = mkd_export_notes(k->src, &k->notes, &k->notes_len);
	if (!err)
		err = make_bitmaps(k);
	if (err)
		return err;
	k->st->dump_level = k->dump_level >= 0 ? k->dump_level
					       : (int)k->level_bits;
	mkd_vmcoreinfo(k->src, &vlen);
	k->sub_blocks = (SUB_HEADER_SIZE + k->notes_len + vlen + k->ps - 1) /
			k->ps;
	k->desc_off = (1 + k->sub_blocks) * k->ps + 2 * k->bitmap_len;
	k->zero_off = k->desc_off + k->ndesc * DESC_SIZE;
	k->data_pos = k->zero_off + k->ps;
	k->descs = malloc(DESC_BATCH * DESC_SIZE);
	k->pages = malloc((size_t)BATCH_PAGES * k->ps);
	return k->descs && k->pages ? NULL : &mkd_enomem;
}

struct mkd_error *mkd_export_kdump(struct mkd_dump *src, struct mkd_out *out,
				   const struct mkd_export_options *o,
				   struct mkd_export_stats *st)
{
	struct kdump_out k = {
		.src = src, .o = o, .st = st, .out = out,
		.ps = mkd_dump_page_size(src),
		.max_pfn = mkd_dump_max_pfn(src),
		.dump_level = mkd_dump_level(src),
	};
	struct mkd_error *err = prepare(&k);
	bool lost_known = st->pages[MKD_PAGE_LOST] ||
			  st->pages[MKD_PAGE_DAMAGED];

	if (!err)
		err = write_meta(&k);
	if (!err)
		err = write_pages(&k);
	/* Pages that failed to read only now: say "incomplete" after all. */
	if (!err && st->lost && !lost_known)
		err = write_header(&k);
	mkd_compressor_destroy(k.comp);
	free(k.cbuf);
	free(k.ram);
	free(k.dumped);
	free(k.notes);
	free(k.descs);
	free(k.pages);
	return err ? mkd_error_wrap(err, "writing a kdump dump") : NULL;
}
