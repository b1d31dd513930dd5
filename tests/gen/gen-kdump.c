// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gen-kdump.c - synthetic kdump-compressed ("KDUMP   ") and legacy
 * diskdump ("DISKDUMP") files laid out as makedumpfile writes them on
 * x86_64: header block, sub-header (+ ELF notes), the RAM and dumped
 * bitmaps, one descriptor per dumped page, then page data.
 *
 * From the spec: page_size is the block size; codec none|zlib|lzo|zstd|
 * snappy compresses each page, kept only when smaller (as makedumpfile
 * does); with dump_level bit 1 zero pages share one stored zero page;
 * filtered pages are RAM but not dumped; split N writes N parts (path,
 * path.2 ... path.N), each with both bitmaps in full, a descriptor table
 * sized for the whole dump and the descriptors and data of its own pfn
 * range, indexed from its start.
 * Options: version N (header_version, default 6), bitmaps 1 (one bitmap,
 * an old full dump), incomplete N (the last N dumped pages get offset-0
 * descriptors and no data, as when makedumpfile hits ENOSPC),
 * incomplete_flag 0 (do not set the status bit for that), time SECS
 * (header timestamp, default 1700000000), current_cpu N, max_pfn N
 * (pages the header covers, default the end of RAM).
 */
#include <lzo/lzo1x.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "gen.h"

#define HEADER_SIZE 464
#define SUB_HEADER_SIZE 104
#define DESC_SIZE 24
#define UTS_LEN 65

enum { F_ZLIB = 0x1, F_LZO = 0x2, F_SNAPPY = 0x4, F_INCOMPLETE = 0x8,
       F_ZSTD = 0x20 };
enum { DISKDUMP_INCOMPLETE = 0x1, DISKDUMP_COMPRESSED = 0x8 };

struct kplan {
	const struct gen_spec *s;
	bool legacy;
	int version;
	uint32_t bs, codec_flag;
	uint64_t max_pfn, bitmap_blocks, half;
	uint8_t *bm1, *bm2;		/* half bytes each */
	uint64_t ndump, lost_from;	/* lost_from: first lost rank */
	uint32_t status;
	uint8_t *notes;
	size_t notes_len;
	unsigned nparts;
};

struct part_out {
	FILE *f;
	uint64_t start, end;		/* pfn range */
	uint8_t *descs;			/* the part's own descriptors */
	uint64_t ndesc, data_off, zero_off;
};

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static int fail(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s", what);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Codecs */

static size_t snappy_literal(uint8_t *out, const uint8_t *src, size_t len)
{
	size_t n = 0;

	if (len <= 60) {
		out[n++] = (uint8_t)((len - 1) << 2);
	} else if (len <= 256) {
		out[n++] = 60 << 2;
		out[n++] = (uint8_t)(len - 1);
	} else {
		out[n++] = 61 << 2;
		out[n++] = (uint8_t)(len - 1);
		out[n++] = (uint8_t)((len - 1) >> 8);
	}
	memcpy(out + n, src, len);
	return n + len;
}

/*
 * A small greedy snappy encoder (literals and 2-byte-offset copies), so
 * the generator needs no libsnappy; the reader decodes with the library.
 */
static size_t snappy_encode(const uint8_t *in, size_t len, uint8_t *out)
{
	uint32_t table[4096] = { 0 };	/* position + 1 by hash */
	size_t n = 0, pos = 0, lit = 0, v = len;

	do {
		out[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	while (pos + 4 <= len) {
		uint32_t w, h, cand;
		size_t m = 4, off;

		memcpy(&w, in + pos, 4);
		h = (w * 2654435761u) >> 20;
		cand = table[h];
		table[h] = (uint32_t)pos + 1;
		if (!cand || pos - (cand - 1) > 65535 ||
		    memcmp(in + cand - 1, in + pos, 4)) {
			pos++;
			continue;
		}
		while (pos + m < len && in[cand - 1 + m] == in[pos + m])
			m++;
		if (pos > lit)
			n += snappy_literal(out + n, in + lit, pos - lit);
		off = pos - (cand - 1);
		while (m) {
			size_t c = m > 64 ? 64 : m;

			out[n++] = (uint8_t)(2 | (c - 1) << 2);
			out[n++] = (uint8_t)off;
			out[n++] = (uint8_t)(off >> 8);
			pos += c;
			m -= c;
		}
		lit = pos;
	}
	if (len > lit)
		n += snappy_literal(out + n, in + lit, len - lit);
	return n;
}

/* Compress one page; 0 when it does not get smaller (store it raw). */
static size_t compress_page(const char *codec, const uint8_t *page,
			    size_t ps, uint8_t *out, size_t cap)
{
	static uint8_t wrk[LZO1X_1_MEM_COMPRESS];
	size_t n = 0;

	if (!strcmp(codec, "zlib")) {
		uLongf z = cap;

		n = compress2(out, &z, page, ps, 1) == Z_OK ? z : 0;
	} else if (!strcmp(codec, "lzo")) {
		lzo_uint z = cap;

		n = lzo_init() == LZO_E_OK &&
		    lzo1x_1_compress(page, ps, out, &z, wrk) == LZO_E_OK ? z : 0;
	} else if (!strcmp(codec, "zstd")) {
		n = ZSTD_compress(out, cap, page, ps, 1);
		n = ZSTD_isError(n) ? 0 : n;
	} else if (!strcmp(codec, "snappy")) {
		n = snappy_encode(page, ps, out);
	}
	return n < ps ? n : 0;
}

static int codec_flag(const char *codec, bool legacy, uint32_t *flag)
{
	static const struct { const char *name; uint32_t flag; } codecs[] = {
		{ "none", 0 }, { "zlib", F_ZLIB }, { "lzo", F_LZO },
		{ "snappy", F_SNAPPY }, { "zstd", F_ZSTD },
	};
	size_t i;

	for (i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (!strcmp(codec, codecs[i].name)) {
			*flag = codecs[i].flag;
			/* The diskdump module only knew zlib. */
			return legacy && *flag > F_ZLIB ? -1 : 0;
		}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Planning: bitmaps, counts, status */

static void set_bit(uint8_t *bm, uint64_t n)
{
	bm[n / 8] |= (uint8_t)(1u << (n % 8));
}

static bool test_bit(const uint8_t *bm, uint64_t n)
{
	return bm[n / 8] >> (n % 8) & 1;
}

static int plan_bitmaps(struct kplan *p)
{
	bool single = !strcmp(gen_option(p->s, "bitmaps", "2"), "1");
	uint64_t one = ((p->max_pfn + 7) / 8 + p->bs - 1) / p->bs, pfn;
	int reason;

	p->bitmap_blocks = single ? one : 2 * one;
	p->half = one * p->bs;
	p->bm1 = calloc(1, p->half);
	p->bm2 = calloc(1, p->half);
	if (!p->bm1 || !p->bm2)
		return -1;
	for (pfn = 0; pfn < p->max_pfn; pfn++) {
		enum gen_kind k = gen_page_kind(p->s, pfn, &reason);

		if (k == GEN_HOLE || (single && k == GEN_FILTERED))
			continue;
		set_bit(p->bm1, pfn);
		if (k != GEN_FILTERED) {
			set_bit(p->bm2, pfn);
			p->ndump++;
		}
	}
	return 0;
}

static int plan(const struct gen_spec *s, bool legacy, struct kplan *p,
		char *err, size_t errlen)
{
	uint64_t lost = strtoull(gen_option(s, "incomplete", "0"), NULL, 0);
	bool flag = strcmp(gen_option(s, "incomplete_flag", "1"), "0") != 0;

	memset(p, 0, sizeof(*p));
	p->s = s;
	p->legacy = legacy;
	p->bs = s->page_size;
	p->version = atoi(gen_option(s, "version", legacy ? "1" : "6"));
	p->max_pfn = strtoull(gen_option(s, "max_pfn", "0"), NULL, 0);
	if (!p->max_pfn)
		p->max_pfn = gen_max_pfn(s);
	p->nparts = s->split ? s->split : 1;
	if (codec_flag(s->codec, legacy, &p->codec_flag) < 0)
		return fail(err, errlen, "no such codec for this format");
	if (p->version < 0 || p->version > 6 || (legacy && s->split))
		return fail(err, errlen, "bad version or split option");
	if (plan_bitmaps(p) < 0)
		return fail(err, errlen, "out of memory");
	p->lost_from = lost < p->ndump ? p->ndump - lost : 0;
	if (legacy)
		p->status = (p->codec_flag ? DISKDUMP_COMPRESSED : 0) |
			    (lost && flag ? DISKDUMP_INCOMPLETE : 0);
	else
		p->status = p->codec_flag | (lost && flag ? F_INCOMPLETE : 0);
	p->notes = legacy ? calloc(1, 1) : gen_notes(s, &p->notes_len);
	return p->notes ? 0 : fail(err, errlen, "out of memory");
}

/* ------------------------------------------------------------------ */
/* Writing */

static uint32_t sub_hdr_blocks(const struct kplan *p)
{
	return (uint32_t)((SUB_HEADER_SIZE + p->notes_len + p->bs - 1) / p->bs);
}

static void fill_uts(uint8_t *u, const struct gen_spec *s)
{
	const char *fields[6] = { "Linux", "gen", s->release, "#1 SMP",
				  s->arch, "(none)" };
	int i;

	for (i = 0; i < 6; i++)
		strncpy((char *)u + i * UTS_LEN, fields[i], UTS_LEN - 1);
}

static void write_header(const struct kplan *p, FILE *f)
{
	uint8_t *h = calloc(1, p->bs);

	memcpy(h, p->legacy ? "DISKDUMP" : "KDUMP   ", 8);
	put32(h + 8, (uint32_t)p->version);
	fill_uts(h + 12, p->s);
	put64(h + 408, strtoull(gen_option(p->s, "time", "1700000000"),
				NULL, 0));
	put32(h + 424, p->status);
	put32(h + 428, p->bs);
	put32(h + 432, p->legacy ? 1 : sub_hdr_blocks(p));
	put32(h + 436, (uint32_t)p->bitmap_blocks);
	put32(h + 440, (uint32_t)(p->max_pfn > UINT32_MAX ? UINT32_MAX
							  : p->max_pfn));
	put32(h + 456, (uint32_t)atoi(gen_option(p->s, "current_cpu", "0")));
	put32(h + 460, p->s->cpus);
	fwrite(h, p->bs, 1, f);
	free(h);
}

/* The kdump sub-header and notes, as much as the version has. */
static void write_sub_header(const struct kplan *p, const struct part_out *o)
{
	static const size_t len[] = { 0, 12, 32, 48, 64, 80, SUB_HEADER_SIZE };
	size_t blocks = p->legacy ? 1 : sub_hdr_blocks(p);
	uint8_t *b = calloc(blocks, p->bs);
	uint64_t note_off = p->bs + SUB_HEADER_SIZE;

	if (!p->legacy) {
		size_t vmci_len = p->s->vmcoreinfo_len;

		put64(b, 0x1000000);			/* phys_base */
		put32(b + 8, (uint32_t)(p->s->dump_level < 0 ? 0
							    : p->s->dump_level));
		if (p->nparts > 1) {
			put32(b + 12, 1);		/* split */
			put64(b + 16, o->start);
			put64(b + 24, o->end);
			put64(b + 80, o->start);
			put64(b + 88, o->end);
		}
		if (vmci_len)	/* the VMCOREINFO note's desc, last in notes */
			put64(b + 32, note_off + p->notes_len -
				      ((vmci_len + 3) & ~(size_t)3));
		put64(b + 40, vmci_len);
		put64(b + 48, note_off);
		put64(b + 56, p->notes_len);
		put64(b + 96, p->max_pfn);
		memset(b + len[p->version], 0, SUB_HEADER_SIZE - len[p->version]);
		memcpy(b + SUB_HEADER_SIZE, p->notes, p->notes_len);
	}
	fwrite(b, p->bs, blocks, o->f);
	free(b);
}

/* One page's data and descriptor (desc: 24 bytes, zeros when lost). */
static int write_page(const struct kplan *p, struct part_out *o,
		      uint64_t pfn, uint8_t *desc, uint8_t *page,
		      uint8_t *zbuf)
{
	int reason;
	enum gen_kind k = gen_page_kind(p->s, pfn, &reason);
	size_t n;

	if (k == GEN_ZERO && o->zero_off) {
		put64(desc, o->zero_off);
		put32(desc + 8, p->bs);
		return 0;
	}
	gen_page_expect(p->s, pfn, page);
	n = p->codec_flag ? compress_page(p->s->codec, page, p->bs, zbuf,
					  2 * p->bs + 64) : 0;
	put64(desc, o->data_off);
	put32(desc + 8, n ? (uint32_t)n : p->bs);
	put32(desc + 12, n ? p->codec_flag : 0);
	o->data_off += n ? n : p->bs;
	return fwrite(n ? zbuf : page, n ? n : p->bs, 1, o->f) == 1 ? 0 : -1;
}

static int write_pages(const struct kplan *p, struct part_out *o,
		       uint64_t rank)
{
	uint8_t *page = calloc(1, p->bs), *zbuf = malloc(2 * p->bs + 64);
	uint64_t pfn;
	int rc = page && zbuf ? 0 : -1;

	if (!rc && p->s->dump_level > 0 && (p->s->dump_level & 1)) {
		/* makedumpfile: one zero page first, shared by all. */
		o->zero_off = o->data_off;
		o->data_off += p->bs;
		rc = fwrite(page, p->bs, 1, o->f) == 1 ? 0 : -1;
	}
	for (pfn = o->start; !rc && pfn < o->end; pfn++) {
		if (!test_bit(p->bm2, pfn))
			continue;
		if (rank++ < p->lost_from)
			rc = write_page(p, o, pfn, o->descs + o->ndesc * DESC_SIZE,
					page, zbuf);
		o->ndesc++;
	}
	free(page);
	free(zbuf);
	return rc;
}

static int write_part(const struct kplan *p, struct part_out *o)
{
	uint64_t sub = p->legacy ? 1 : sub_hdr_blocks(p), rank = 0, pfn;
	uint64_t desc_off = (1 + sub + p->bitmap_blocks) * p->bs;

	for (pfn = 0; pfn < o->start; pfn++)
		rank += test_bit(p->bm2, pfn);
	o->descs = calloc(p->ndump + 1, DESC_SIZE);
	if (!o->descs)
		return -1;
	write_header(p, o->f);
	write_sub_header(p, o);
	fwrite(p->bm1, p->half, 1, o->f);
	if (p->bitmap_blocks > p->half / p->bs)
		fwrite(p->bm2, p->half, 1, o->f);
	/* Descriptor table sized for the whole dump, as makedumpfile does. */
	o->data_off = desc_off + p->ndump * DESC_SIZE;
	if (fseeko(o->f, (off_t)o->data_off, SEEK_SET) < 0 ||
	    write_pages(p, o, rank) < 0 ||
	    fseeko(o->f, (off_t)desc_off, SEEK_SET) < 0)
		return -1;
	fwrite(o->descs, DESC_SIZE, o->ndesc, o->f);
	free(o->descs);
	return ferror(o->f) ? -1 : 0;
}

static int write_set(const struct kplan *p, FILE *out, const char *path,
		     char *err, size_t errlen)
{
	unsigned i;
	int rc = 0;

	if (p->nparts > 1 && (!path || p->version < 2))
		return fail(err, errlen, "split needs a path and version >= 2");
	for (i = 0; !rc && i < p->nparts; i++) {
		struct part_out o = { .f = out };
		char name[4096];

		o.start = p->max_pfn * i / p->nparts;
		o.end = p->max_pfn * (i + 1) / p->nparts;
		if (i) {
			snprintf(name, sizeof(name), "%s.%u", path, i + 1);
			o.f = fopen(name, "wb");
			if (!o.f)
				return fail(err, errlen, "cannot create a part");
		}
		rc = write_part(p, &o);
		if (i && fclose(o.f) != 0)
			rc = -1;
	}
	return rc < 0 ? fail(err, errlen, "write error") : 0;
}

static int write_kdump(const struct gen_spec *s, FILE *out, const char *path,
		       bool legacy, char *err, size_t errlen)
{
	struct kplan p;
	int rc = plan(s, legacy, &p, err, errlen);

	if (!rc)
		rc = write_set(&p, out, path, err, errlen);
	free(p.bm1);
	free(p.bm2);
	free(p.notes);
	return rc;
}

int gen_write_kdump(const struct gen_spec *s, FILE *out, const char *path,
		    char *err, size_t errlen)
{
	return write_kdump(s, out, path, false, err, errlen);
}

int gen_write_diskdump(const struct gen_spec *s, FILE *out,
		       const char *path, char *err, size_t errlen)
{
	return write_kdump(s, out, path, true, err, errlen);
}
