// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gen-lkcd.c - synthetic LKCD dumps, versions 1 to 10.
 *
 * There is no LKCD producer on Debian, so this writer is the evidence the
 * reader is tested against.  It builds every header field by field, in
 * the producer's C layout, from these sources (read for facts, no code
 * taken):
 * - v1: lkcd_vmdump_v1.h (crash): dh_esp, dh_eip before dh_num_pages,
 *   struct timeval, struct new_utsname, struct pt_regs, current task;
 *   no compression field (v1-v3 dumps are RLE, as crash and libkdumpfile
 *   both assume).
 * - v2, v3: lkcd_vmdump_v2_v3.h (crash): as v1 without esp/eip/pt_regs;
 *   the arch header (magic 0xdeaddead, version 1, size, esp, eip,
 *   pt_regs) follows the main header.
 * - v5, v6, v7: lkcd_dump_v5.h / lkcd_dump_v7.h (crash): utsname as six
 *   char[65], then current task, dh_dump_compress, dh_dump_flags,
 *   dh_dump_device.  The arch header of these versions is not documented
 *   in any source we have for x86; we write the v2 one (readers ignore it).
 * - v1-v7 are native C structs: i386 (4-byte longs, 4-byte alignment)
 *   or x86_64 (8-byte longs and alignment), chosen here by "arch".
 * - v8: lkcd_dump_v8.h (crash): packed, 64-bit time and current task.
 * - v9, v10: LKCD's own include/linux/dump.h (DUMP_VERSION_NUMBER 0x9)
 *   and lkcdutils' kl_dump.h ("dump_buffer_size; version >= 9"): a u64
 *   dh_dump_buffer_size after dh_dump_device, the offset of the first
 *   page.  No source defines v10's header; it is written as v9.
 * - Arch header of v8+ (lkcd_dump_v8.h): magic, version (x86_64 2, i386
 *   5), size, pt_regs, smp_num_cpus, dumping_cpu, then per CPU regs,
 *   current task, stack, stack pointer.
 * - Pages (LKCD's drivers/dump/dump_fmt.c): at 64 KiB (v9+: at
 *   dh_dump_buffer_size) a packed {u64 address; u32 size; u32 flags}
 *   per page, then its data.  One page per record; address = pfn <<
 *   PAGE_SHIFT; COMPRESSED (0x2) when the compressor made it smaller,
 *   else RAW (0x1) with the page as is.  The end is a record with flags
 *   END (0x4), ORed with TRUNCATED (0x8) when the device filled up; the
 *   last buffer is padded with 'm' to the buffer size.
 * - dump_configure_header(): dh_memory_start = PAGE_OFFSET,
 *   dh_memory_end = DUMP_MAGIC_NUMBER (sic), dh_memory_size = totalram
 *   in pages.
 * - RLE: LKCD's dump_rle.c: a byte other than 0 is itself; 0,0 is one
 *   zero; 0,n,v (n > 0) is n+1 copies of v.  Runs of 3 or more (at most
 *   256) become 0,n,v; two equal bytes are written twice (two zeros as
 *   0,1,0); the result is used only if shorter than the page.
 * - gzip: LKCD's dump_gzip.c calls zlib_deflateInit(Z_BEST_COMPRESSION):
 *   a zlib (RFC 1950) stream, not a gzip file.
 *
 * Options: version N (1-10, default 8); order sorted|reverse|shuffled;
 * duplicates N (every Nth page is first written with wrong bytes, then
 * again correctly: the later copy must win); end normal|truncated|none;
 * pad 0|1 (default 1); truncate BYTES (stop writing there); buffer_size N
 * (v9+); magic live; mclx BITS (1: MCLX_V1 in the version, 2: MCLX_V0
 * page addresses that are page numbers); time SECS; panic none;
 * dumping_cpu N.  "arch x86"/"i386"/"i686" writes an i386 dump.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gen.h"

#define LKCD_MAGIC 0xa8190173618f23edULL
#define LKCD_MAGIC_LIVE 0xa8190173618f23cdULL
#define ASM_MAGIC 0xdeaddeadULL
#define MCLX_V0 0x80000000u
#define MCLX_V1 0x40000000u
#define FIRST_PAGE 65536u
#define DP_RAW 0x1u
#define DP_COMPRESSED 0x2u
#define DP_END 0x4u
#define DP_TRUNCATED 0x8u
#define UTS_LEN 65
#define PANIC_LEN 256
#define DECOY_BYTE 0xdd
#define MAX_CPUS 64

enum codec { CODEC_NONE, CODEC_RLE, CODEC_GZIP };

struct lkcd_opts {
	unsigned version;
	bool is64;		/* x86_64, else i386 */
	enum codec codec;
	uint64_t data_offset;	/* first page record */
	uint64_t buffer_size;	/* v9+ header field */
	unsigned mclx;
	unsigned duplicates;	/* every Nth page twice; 0: none */
	uint32_t dumping_cpu;
};

/* Output that stops at a byte limit: "truncate" cuts the dump there. */
struct out {
	FILE *f;
	uint64_t pos, limit;
};

static void out_write(struct out *o, const void *p, size_t n)
{
	size_t keep = o->pos >= o->limit ? 0 :
		      o->limit - o->pos < n ? (size_t)(o->limit - o->pos) : n;

	fwrite(p, 1, keep, o->f);
	o->pos += n;
}

static void out_fill(struct out *o, int byte, uint64_t n)
{
	uint8_t block[4096];

	memset(block, byte, sizeof(block));
	while (n) {
		size_t k = n > sizeof(block) ? sizeof(block) : (size_t)n;

		out_write(o, block, k);
		n -= k;
	}
}

/* A header under construction, in the producer's C layout. */
struct hdr {
	uint8_t b[FIRST_PAGE];	/* both headers of MAX_CPUS fit */
	size_t n;
};

static void h_bytes(struct hdr *h, const void *p, size_t n)
{
	memcpy(h->b + h->n, p, n);	/* little-endian host, as the tests */
	h->n += n;
}

static void h32(struct hdr *h, uint32_t v) { h_bytes(h, &v, 4); }
static void h64(struct hdr *h, uint64_t v) { h_bytes(h, &v, 8); }

/* A C "long" or pointer of the producing kernel. */
static void hlong(struct hdr *h, bool is64, uint64_t v)
{
	if (is64)
		h64(h, v);
	else
		h32(h, (uint32_t)v);
}

static void h_align(struct hdr *h, size_t a)
{
	while (h->n % a)
		h->b[h->n++] = 0;
}

static void h_str(struct hdr *h, const char *s, size_t field)
{
	size_t len = strlen(s);

	memset(h->b + h->n, 0, field);
	memcpy(h->b + h->n, s, len < field ? len : field - 1);
	h->n += field;
}

static const char *machine(const struct lkcd_opts *o)
{
	return o->is64 ? "x86_64" : "i686";
}

static void h_utsname(struct hdr *h, const struct gen_spec *s,
		      const struct lkcd_opts *o)
{
	h_str(h, "Linux", UTS_LEN);
	h_str(h, "lkcd-gen", UTS_LEN);
	h_str(h, s->release[0] ? s->release : "2.6.5-lkcd-test", UTS_LEN);
	h_str(h, "#1 SMP Tue Nov 9 12:00:00 UTC 2004", UTS_LEN);
	h_str(h, machine(o), UTS_LEN);
	h_str(h, "(none)", UTS_LEN);
}

static uint64_t ram_pages(const struct gen_spec *s)
{
	uint64_t pfn, n = 0;
	int reason;

	for (pfn = 0; pfn < gen_max_pfn(s); pfn++)
		if (gen_page_kind(s, pfn, &reason) != GEN_HOLE)
			n++;
	return n;
}

static uint32_t default_level(unsigned version)
{
	/* v1-v3 numbered the levels (DUMP_ALL 4); later ones are bits. */
	return version <= 3 ? 4 : 8;	/* v5+: DUMP_LEVEL_ALL(_RAM) */
}

/* dh_magic_number .. dh_memory_end: the same in every version. */
static void h_common(struct hdr *h, const struct gen_spec *s,
		     const struct lkcd_opts *o)
{
	uint32_t version = o->version | (o->mclx & 1 ? MCLX_V1 : 0);

	h64(h, !strcmp(gen_option(s, "magic", ""), "live") ? LKCD_MAGIC_LIVE
							   : LKCD_MAGIC);
	h32(h, version);
	h32(h, 0);			/* dh_header_size, set at the end */
	h32(h, s->dump_level >= 0 ? (uint32_t)s->dump_level
				  : default_level(o->version));
	h32(h, s->page_size);
	h64(h, ram_pages(s));
	h64(h, o->is64 ? 0xffff810000000000ULL : 0xc0000000ULL);
	h64(h, LKCD_MAGIC);		/* dh_memory_end: sic, as LKCD */
}

static void h_panic(struct hdr *h, const struct gen_spec *s)
{
	const char *msg = "Kernel panic: mkdump synthetic LKCD dump\n";

	if (!strcmp(gen_option(s, "panic", ""), "none"))
		msg = "";
	h_str(h, msg, PANIC_LEN);
}

static uint64_t crash_time(const struct gen_spec *s)
{
	return strtoull(gen_option(s, "time", "1100000000"), NULL, 0);
}

/* v1-v7: struct dump_header_t as the i386 or x86_64 compiler laid it out. */
static void header_native(struct hdr *h, const struct gen_spec *s,
			  const struct lkcd_opts *o, uint32_t npages)
{
	size_t along = o->is64 ? 8 : 4;

	h_common(h, s, o);
	if (o->version == 1) {
		h32(h, 0xc1234000);		/* dh_esp */
		h32(h, 0xc0101234);		/* dh_eip */
	}
	h32(h, npages);
	h_panic(h, s);
	h_align(h, along);
	hlong(h, o->is64, crash_time(s));	/* struct timeval */
	hlong(h, o->is64, 0);
	h_utsname(h, s, o);
	h_align(h, along);
	if (o->version == 1) {
		memset(h->b + h->n, 0, o->is64 ? 168 : 60);	/* pt_regs */
		h->n += o->is64 ? 168 : 60;
	}
	hlong(h, o->is64, o->is64 ? 0xffff810001234000ULL : 0xc1234000);
	if (o->version >= 5) {
		h32(h, o->codec);		/* dh_dump_compress */
		h32(h, 0);			/* dh_dump_flags */
		h32(h, 0x803);			/* dh_dump_device */
	}
	h_align(h, along);			/* sizeof rounds up */
}

/* v8+: the packed, fixed-width header. */
static void header_v8(struct hdr *h, const struct gen_spec *s,
		      const struct lkcd_opts *o, uint32_t npages)
{
	h_common(h, s, o);
	h32(h, npages);
	h_panic(h, s);
	h64(h, crash_time(s));
	h64(h, 0);
	h_utsname(h, s, o);
	h64(h, o->is64 ? 0xffff810001234000ULL : 0xc1234000);
	h32(h, o->codec);
	h32(h, 0);
	h32(h, 0x803);
	if (o->version >= 9)
		h64(h, o->buffer_size);
}

/* The architecture header that follows the main one. */
static void header_asm(struct hdr *h, const struct gen_spec *s,
		       const struct lkcd_opts *o)
{
	size_t start = h->n, regs = o->is64 ? 168 : 60, i;
	unsigned cpus = s->cpus ? s->cpus : 1;

	if (o->version == 1)
		return;			/* v1 keeps pt_regs in the main header */
	h64(h, ASM_MAGIC);
	h32(h, o->version >= 8 ? (o->is64 ? 2 : 5) : 1);
	h32(h, 0);			/* dha_header_size, below */
	if (!o->is64 || o->version < 8) {
		h32(h, 0xc1234000);	/* dha_esp */
		h32(h, 0xc0101234);	/* dha_eip */
	}
	memset(h->b + h->n, 0, regs);	/* dha_regs */
	h->n += regs;
	if (o->version >= 8) {
		h32(h, cpus);		/* dha_smp_num_cpus */
		h32(h, o->dumping_cpu);
		memset(h->b + h->n, 0, regs * cpus);
		h->n += regs * cpus;
		for (i = 0; i < 3 * cpus; i++)	/* task, stack, stack_ptr */
			hlong(h, o->is64, 0);
	}
	memcpy(h->b + start + 12, &(uint32_t){ (uint32_t)(h->n - start) }, 4);
}

/* LKCD's RLE (see the top of the file); len when it does not shrink. */
size_t gen_lkcd_rle(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t i = 0, o = 0;

	while (i < len) {
		uint8_t v = in[i], code[3];
		size_t run = 1, n;

		while (i + run < len && in[i + run] == v && run < 256)
			run++;
		if (run >= 3) {
			code[0] = 0, code[1] = (uint8_t)(run - 1), code[2] = v;
			n = 3;
		} else if (v == 0) {
			code[0] = 0, code[1] = (uint8_t)(run - 1), code[2] = 0;
			n = run == 2 ? 3 : 2;	/* 0,1,0 or 0,0 */
		} else {
			code[0] = v, code[1] = v;
			n = run;
		}
		if (o + n > len)
			return len;
		memcpy(out + o, code, n);
		o += n;
		i += run;
	}
	return o;
}

static size_t compress_page(const struct lkcd_opts *o, const uint8_t *page,
			    size_t len, uint8_t *out, size_t cap)
{
	uLongf z = cap;

	if (o->codec == CODEC_RLE)
		return gen_lkcd_rle(page, len, out);
	if (o->codec == CODEC_GZIP &&
	    compress2(out, &z, page, len, Z_BEST_COMPRESSION) == Z_OK)
		return z;
	return len;
}

static void write_record(struct out *out, const struct lkcd_opts *o,
			 uint64_t pfn, const uint8_t *page, uint32_t ps,
			 uint8_t *zbuf)
{
	size_t size = compress_page(o, page, ps, zbuf, 2 * ps);
	uint8_t rec[16];
	uint64_t addr = o->mclx & 2 ? pfn : pfn * ps;
	uint32_t flags = size < ps ? DP_COMPRESSED : DP_RAW;

	if (o->mclx & 2)
		flags |= MCLX_V0;
	if (size >= ps)
		size = ps;
	memcpy(rec, &addr, 8);
	memcpy(rec + 8, &(uint32_t){ (uint32_t)size }, 4);
	memcpy(rec + 12, &flags, 4);
	out_write(out, rec, sizeof(rec));
	out_write(out, size < ps ? zbuf : page, size);
}

/* The pfns written, in the order asked for. */
static uint64_t *page_order(const struct gen_spec *s, size_t *n)
{
	const char *order = gen_option(s, "order", "sorted");
	uint64_t pfn, max = gen_max_pfn(s), *v = malloc((max + 1) * 8);
	uint64_t x = 0x853c49e6748fea9bULL;
	size_t i, k = 0;
	int reason;

	if (!v)
		return NULL;
	for (pfn = 0; pfn < max; pfn++) {
		enum gen_kind kind = gen_page_kind(s, pfn, &reason);

		if (kind == GEN_DATA || kind == GEN_ZERO)
			v[k++] = pfn;
	}
	for (i = 0; !strcmp(order, "reverse") && i < k / 2; i++) {
		uint64_t t = v[i];

		v[i] = v[k - 1 - i];
		v[k - 1 - i] = t;
	}
	for (i = k; !strcmp(order, "shuffled") && i > 1; i--) {
		size_t j;
		uint64_t t;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		j = (size_t)((x >> 33) % i);
		t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
	*n = k;
	return v;
}

static bool is_decoy(const struct lkcd_opts *o, uint64_t pfn)
{
	return o->duplicates && pfn % o->duplicates == 0;
}

static int write_pages(const struct gen_spec *s, const struct lkcd_opts *o,
		       struct out *out, const uint64_t *pfns, size_t n)
{
	uint8_t *page = malloc(s->page_size), *zbuf = malloc(2 * s->page_size);
	size_t i;

	if (!page || !zbuf) {
		free(page);
		free(zbuf);
		return -1;
	}
	/* Decoys first: a reader must keep the later copy of a page. */
	memset(page, DECOY_BYTE, s->page_size);
	for (i = 0; i < n; i++)
		if (is_decoy(o, pfns[i]))
			write_record(out, o, pfns[i], page, s->page_size, zbuf);
	for (i = 0; i < n; i++) {
		gen_page_expect(s, pfns[i], page);
		write_record(out, o, pfns[i], page, s->page_size, zbuf);
	}
	free(page);
	free(zbuf);
	return 0;
}

static void write_end(const struct gen_spec *s, const struct lkcd_opts *o,
		      struct out *out)
{
	const char *end = gen_option(s, "end", "normal");
	uint8_t rec[16] = { 0 };
	uint32_t flags = DP_END, buf = FIRST_PAGE;

	if (!strcmp(end, "none"))
		return;
	if (!strcmp(end, "truncated"))
		flags |= DP_TRUNCATED;
	memcpy(rec + 12, &flags, 4);
	out_write(out, rec, sizeof(rec));
	if (o->version >= 9 && o->buffer_size)
		buf = (uint32_t)o->buffer_size;
	if (strcmp(gen_option(s, "pad", "1"), "0") &&
	    (out->pos - o->data_offset) % buf)
		out_fill(out, 'm', buf - (out->pos - o->data_offset) % buf);
}

static int parse_opts(const struct gen_spec *s, struct lkcd_opts *o,
		      char *err, size_t errlen)
{
	const char *arch = s->arch;

	memset(o, 0, sizeof(*o));
	o->version = (unsigned)strtoul(gen_option(s, "version", "8"), NULL, 0);
	o->is64 = strcmp(arch, "x86") && strcmp(arch, "i386") &&
		  strcmp(arch, "i686");
	o->codec = !strcmp(s->codec, "rle") ? CODEC_RLE :
		   !strcmp(s->codec, "gzip") ? CODEC_GZIP : CODEC_NONE;
	o->mclx = (unsigned)strtoul(gen_option(s, "mclx", "0"), NULL, 0);
	o->duplicates = (unsigned)strtoul(gen_option(s, "duplicates", "0"),
					  NULL, 0);
	o->dumping_cpu = (uint32_t)strtoul(gen_option(s, "dumping_cpu", "0"),
					   NULL, 0);
	o->buffer_size = strtoull(gen_option(s, "buffer_size",
			 s->page_size >= 65536 ? "262144" : "65536"), NULL, 0);
	o->data_offset = o->version >= 9 && o->buffer_size ? o->buffer_size
							   : FIRST_PAGE;
	if (o->version < 1 || o->version > 10 || o->version == 4)
		snprintf(err, errlen, "no LKCD version %u", o->version);
	else if (strcmp(s->codec, "none") && o->codec == CODEC_NONE)
		snprintf(err, errlen, "LKCD has no codec '%s'", s->codec);
	else if (o->version <= 3 && o->codec == CODEC_GZIP)
		snprintf(err, errlen, "LKCD v%u dumps are RLE only", o->version);
	else if (s->cpus > MAX_CPUS)
		snprintf(err, errlen, "at most %u CPUs", MAX_CPUS);
	else
		return 0;
	return -1;
}

/* Both headers, with the record count the producer would have stored. */
static struct hdr *build_headers(const struct gen_spec *s,
				 const struct lkcd_opts *o, const uint64_t *pfns,
				 size_t n)
{
	struct hdr *h = calloc(1, sizeof(*h));
	uint32_t records = (uint32_t)n;
	size_t i;

	if (!h)
		return NULL;
	for (i = 0; i < n; i++)
		records += is_decoy(o, pfns[i]);
	if (o->version >= 8)
		header_v8(h, s, o, records);
	else
		header_native(h, s, o, records);
	memcpy(h->b + 12, &(uint32_t){ (uint32_t)h->n }, 4);
	header_asm(h, s, o);
	return h;
}

int gen_write_lkcd(const struct gen_spec *s, FILE *f, const char *path,
		   char *err, size_t errlen)
{
	struct out out = { f, 0, UINT64_MAX };
	struct hdr *h = NULL;
	struct lkcd_opts o;
	uint64_t *pfns;
	size_t n;
	int rc = -1;

	if (parse_opts(s, &o, err, errlen) < 0)
		return -1;
	out.limit = strtoull(gen_option(s, "truncate", "-1"), NULL, 0);
	pfns = page_order(s, &n);
	if (pfns)
		h = build_headers(s, &o, pfns, n);
	if (!h) {
		snprintf(err, errlen, "out of memory");
		goto out_free;
	}
	if (h->n > o.data_offset) {
		snprintf(err, errlen, "headers of %zu bytes do not fit before "
			 "the first page at %llu", h->n,
			 (unsigned long long)o.data_offset);
		goto out_free;
	}
	out_write(&out, h->b, h->n);
	out_fill(&out, 0, o.data_offset - h->n);
	if (write_pages(s, &o, &out, pfns, n) < 0) {
		snprintf(err, errlen, "out of memory");
		goto out_free;
	}
	write_end(s, &o, &out);
	rc = ferror(f) ? (snprintf(err, errlen, "write error"), -1) : 0;
out_free:
	free(h);
	free(pfns);
	(void)path;
	return rc;
}
