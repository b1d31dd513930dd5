// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lkcd.c - LKCD (Linux Kernel Crash Dump) dumps, versions 1 to 10, as the
 * LKCD kernel patches (Linux 2.2 to 2.6) wrote them to a dump device and
 * lkcd's savedump copied them to a file.
 *
 * Layout (facts from LKCD's include/linux/dump.h, drivers/dump/dump_fmt.c,
 * dump_rle.c, dump_gzip.c and crash's lkcd_*.h; tests/gen/gen-lkcd.c says
 * which version was checked against what):
 *   0       the main header: magic, version, header size, dump level, page
 *           size, panic string, time, utsname...  v1-v7 are the native C
 *           struct of the producing kernel (i386 or x86_64, told apart by
 *           where utsname's "Linux" sits); v8+ are packed, fixed-width.
 *           v1-v3 have no compression field (their dumps are RLE); v9+ add
 *           dh_dump_buffer_size, the offset of the first page.
 *   then    the arch header (magic 0xdeaddead); from v8 it names the CPU
 *           that dumped.
 *   64 KiB  (v9+: dh_dump_buffer_size) one record per page, a packed
 *           {u64 address; u32 size; u32 flags} and size bytes: RAW (the
 *           page) or COMPRESSED with the dump's codec, in the order of the
 *           producer's passes, until a record flagged END.  The codec
 *           is LKCD's RLE or "gzip", which is a zlib stream (dump_gzip.c
 *           calls zlib_deflateInit): reported as zlib, as for kdump.
 * The version field's top two bits are Mission Critical Linux's flags
 * (crash strips them too); the version proper is 1, 2, 3, 5 ... 10.
 *
 * LKCD has no index, so open() scans the records once with buffered reads
 * and builds one: 16 bytes per page, sorted by pfn.  No count from the
 * header is trusted: the index grows with the records actually read, each
 * at least 17 bytes of the file, so its size is bounded by the file's (in
 * practice 16 bytes per 4 KiB page).  A page written twice is read from
 * its later copy (the producer wrote it again).  The scan stops at END,
 * at EOF (the dump was cut short: incomplete; a record cut inside its data
 * is a lost page) or at a record that makes no sense (an error).  Each
 * record moves the offset forward, so the scan ends.
 *
 * What LKCD does not record: its header's memory_start is PAGE_OFFSET (a
 * virtual address), memory_end the magic number (sic) and memory_size the
 * number of RAM pages, so the RAM ranges we report are the runs of pages
 * in the dump: exact for a dump of all RAM, short of the truth when the
 * dump level left pages out.  Nor which missing pfns are RAM, so a page
 * not in the dump is "not dumped", never "filtered".  LKCD's dump levels
 * say which kinds of page to include (v1-v3 as numbers, later as bits),
 * not makedumpfile's -d bits of what to exclude: mkd_dump_level() is -1.
 */
#include <stdlib.h>

#include "internal.h"

#define LKCD_MAGIC 0xa8190173618f23edULL
#define LKCD_MAGIC_LIVE 0xa8190173618f23cdULL	/* non-disruptive dump */
#define LKCD_MAGIC_S390 0xa8190173618f23fdULL	/* s390 stand-alone dump */
#define ASM_MAGIC 0xdeaddeadULL
#define VERSION_MCLX 0xc0000000u	/* MCLX flag bits, not the version */
#define DP_MCLX_V0 0x80000000u		/* dp_address is a page number */
#define V1_KVBASE 0xc0000000ULL		/* early i386 v1: virtual addresses */
#define FIRST_PAGE 65536u
#define HEADER_READ 1024		/* every main header fits */
#define REC_SIZE 16
#define SCAN_BUF (1u << 20)
#define MAX_DATA_OFFSET (64u << 20)
#define MIN_PAGE_SIZE 1024u
#define MAX_PAGE_SIZE (256u << 10)
#define MAX_PFN_BITS 40			/* 4 PiB of 4 KiB pages */
#define RUN_SCAN_MAX 4096		/* entries one page_state() looks at */
#define UTS_LEN 65
#define UTS_RELEASE (2 * UTS_LEN)
#define UTS_MACHINE (4 * UTS_LEN)
#define PANIC_LEN 256

enum {
	DP_RAW = 0x1,
	DP_COMPRESSED = 0x2,
	DP_END = 0x4,
	DP_TRUNCATED = 0x8,	/* with END: the dump device filled up */
	DP_TEST_PATTERN = 0x10,	/* not memory: a test of the dump device */
};

enum { COMPRESS_NONE, COMPRESS_RLE, COMPRESS_GZIP };

/* Where a header version keeps the fields we read; 0 = not there. */
struct layout {
	uint16_t size, panic, time, utsname;
	uint16_t compress, buffer_size;
	uint8_t time_width;		/* struct timeval's long: 4 or 8 */
};

enum layout_id { V1_32, V1_64, V2_32, V2_64, V5_32, V5_64, V8, V9 };

static const struct layout layouts[] = {
	[V1_32] = { .size = 714, .panic = 60, .time = 316,
		    .utsname = 324, .time_width = 4 },
	[V1_64] = { .size = 726, .panic = 60, .time = 320,
		    .utsname = 336, .time_width = 8 },
	[V2_32] = { .size = 712, .panic = 52, .time = 308,
		    .utsname = 316, .time_width = 4 },
	[V2_64] = { .size = 728, .panic = 52, .time = 312,
		    .utsname = 328, .time_width = 8 },
	[V5_32] = { .size = 724, .panic = 52, .time = 308,
		    .utsname = 316, .compress = 712, .time_width = 4 },
	[V5_64] = { .size = 740, .panic = 52, .time = 312,
		    .utsname = 328, .compress = 728, .time_width = 8 },
	[V8] = { .size = 734, .panic = 52, .time = 308,
		 .utsname = 324, .compress = 722, .time_width = 8 },
	[V9] = { .size = 742, .panic = 52, .time = 308,
		 .utsname = 324, .compress = 722, .buffer_size = 734,
		 .time_width = 8 },
};

/*
 * One page of the index, 16 bytes (64 GiB of RAM: 256 MiB): where packs
 * the data's file offset (43 bits: 8 TiB), its size (19 bits, up to
 * MAX_PAGE_SIZE) and its kind.
 */
struct entry {
	uint64_t pfn;
	uint64_t where;
};

enum kind { KIND_RAW, KIND_COMPRESSED, KIND_LOST };

#define WHERE_SHIFT 21
#define SIZE_SHIFT 2
#define SIZE_MASK ((1u << 19) - 1)
#define MAX_OFFSET (1ULL << (64 - WHERE_SHIFT))

static uint64_t entry_offset(const struct entry *e)
{
	return e->where >> WHERE_SHIFT;
}

static uint32_t entry_size(const struct entry *e)
{
	return (uint32_t)(e->where >> SIZE_SHIFT) & SIZE_MASK;
}

static enum kind entry_kind(const struct entry *e)
{
	return (enum kind)(e->where & 3);
}

struct lkcd_dump {
	struct entry *pages;	/* sorted by pfn, one per pfn */
	size_t npages, cap;
	const struct layout *layout;
	unsigned version;	/* without the MCLX bits */
	unsigned compress;
	uint64_t data_offset;	/* the first page record */
	uint64_t addr_bias;	/* V1_KVBASE for early i386 v1 dumps */
	uint8_t *data;		/* one compressed page */
};

static uint64_t magic_swapped(uint64_t m)
{
	return __builtin_bswap64(m);
}

static bool lkcd_probe(const struct mkd_probe *p)
{
	uint64_t m;

	if (p->head_len < 8)
		return false;
	m = mkd_le64(p->head);
	/* Claim the big-endian and s390 kinds too, to refuse them clearly. */
	return m == LKCD_MAGIC || m == LKCD_MAGIC_LIVE || m == LKCD_MAGIC_S390 ||
	       m == magic_swapped(LKCD_MAGIC) ||
	       m == magic_swapped(LKCD_MAGIC_LIVE) ||
	       m == magic_swapped(LKCD_MAGIC_S390);
}

static struct mkd_error *check_magic(uint64_t m)
{
	if (m == LKCD_MAGIC || m == LKCD_MAGIC_LIVE)
		return NULL;
	if (m == LKCD_MAGIC_S390 || m == magic_swapped(LKCD_MAGIC_S390))
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"s390 stand-alone dumps (LKCD magic 0x%llx) are not supported",
					(unsigned long long)LKCD_MAGIC_S390);
	return mkd_error_create(MKD_ERR_UNSUPPORTED,
				"big-endian LKCD dumps are not supported");
}

static bool says_linux(const uint8_t *b, size_t len, const struct layout *l)
{
	return len >= l->utsname + 6u && !memcmp(b + l->utsname, "Linux", 6);
}

/* v1-v7 headers are native structs: find the one utsname fits. */
static struct mkd_error *native_layout(const uint8_t *b, size_t len,
				       enum layout_id l32, enum layout_id l64,
				       unsigned version,
				       const struct layout **ret)
{
	if (says_linux(b, len, &layouts[l32]))
		*ret = &layouts[l32];
	else if (says_linux(b, len, &layouts[l64]))
		*ret = &layouts[l64];
	else
		return mkd_error_create(MKD_ERR_CORRUPT,
					"cannot tell the layout of the v%u header: utsname says 'Linux' at neither the i386 nor the x86_64 place",
					version);
	return NULL;
}

static struct mkd_error *pick_layout(unsigned version, const uint8_t *b,
				     size_t len, const struct layout **ret)
{
	switch (version) {
	case 1:
		return native_layout(b, len, V1_32, V1_64, version, ret);
	case 2: case 3:
		return native_layout(b, len, V2_32, V2_64, version, ret);
	case 5: case 6: case 7:
		return native_layout(b, len, V5_32, V5_64, version, ret);
	case 8:
		*ret = &layouts[V8];
		return NULL;
	case 9: case 10:
		*ret = &layouts[V9];
		return NULL;
	}
	return mkd_error_create(MKD_ERR_UNSUPPORTED,
				"LKCD version %u is not supported (1-3, 5-10 are)",
				version);
}

static enum mkd_arch arch_of(const char *machine)
{
	if (!strncmp(machine, "x86_64", UTS_LEN))
		return MKD_ARCH_X86_64;
	if (machine[0] == 'i' && machine[1] >= '3' && machine[1] <= '6' &&
	    !strncmp(machine + 2, "86", UTS_LEN - 2))
		return MKD_ARCH_X86;
	return MKD_ARCH_UNKNOWN;
}

/* v9+: the first page follows the header buffer, whose size is recorded. */
static struct mkd_error *data_offset(struct lkcd_dump *l, const uint8_t *b)
{
	uint64_t off;

	l->data_offset = FIRST_PAGE;
	if (!l->layout->buffer_size)
		return NULL;
	off = mkd_le64(b + l->layout->buffer_size);
	if (off == 0)
		return NULL;	/* not filled in: crash reads v10 at 64 KiB */
	if (off < l->layout->size || off > MAX_DATA_OFFSET)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"dump buffer size 0x%llx (the first page's offset) is implausible",
					(unsigned long long)off);
	l->data_offset = off;
	return NULL;
}

/* What the header tells about the system: release, arch, time, panic. */
static struct mkd_error *header_facts(struct mkd_dump *dump,
				      const struct layout *lay,
				      const uint8_t *b)
{
	const char *uts = (const char *)b + lay->utsname;
	uint64_t secs = lay->time_width == 4 ? mkd_le32(b + lay->time)
					     : mkd_le64(b + lay->time);
	struct mkd_error *err;

	err = mkd_dump_set_release(dump, uts + UTS_RELEASE, UTS_LEN);
	if (err)
		return err;
	dump->arch = arch_of(uts + UTS_MACHINE);
	if (secs && secs <= INT64_MAX) {
		dump->crash_time = (int64_t)secs;
		dump->has_crash_time = true;
	}
	return mkd_dump_set_panic_string(dump, (const char *)b + lay->panic,
					 PANIC_LEN);
}

static struct mkd_error *parse_header(struct mkd_dump *dump,
				      struct lkcd_dump *l, const uint8_t *b,
				      size_t len)
{
	struct mkd_error *err;
	uint32_t ps;

	if (len < 12)
		return mkd_error_create(MKD_ERR_TRUNCATED, "header cut short");
	err = check_magic(mkd_le64(b));
	if (err)
		return err;
	l->version = mkd_le32(b + 8) & ~VERSION_MCLX;
	err = pick_layout(l->version, b, len, &l->layout);
	if (err)
		return err;
	if (len < l->layout->size)
		return mkd_error_create(MKD_ERR_TRUNCATED,
					"v%u header cut short: %zu of %u bytes",
					l->version, len, l->layout->size);
	ps = mkd_le32(b + 20);
	if (ps < MIN_PAGE_SIZE || ps > MAX_PAGE_SIZE || (ps & (ps - 1)))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"page size %u is not a power of two between %u and %u",
					ps, MIN_PAGE_SIZE, MAX_PAGE_SIZE);
	dump->page_size = ps;
	/* v1-v3 have no field: their dumps were RLE compressed. */
	l->compress = l->layout->compress ?
		      mkd_le32(b + l->layout->compress) : COMPRESS_RLE;
	if (l->compress > COMPRESS_GZIP)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"unknown compression %u", l->compress);
	err = data_offset(l, b);
	if (!err)
		err = header_facts(dump, l->layout, b);
	return err;
}

/*
 * v8+ x86: the arch header names the CPU that took the dump.  It is
 * optional to us (crash only warns when it is bad), so a missing or
 * foreign one is not an error.
 */
static struct mkd_error *read_arch_header(struct mkd_dump *dump,
					  struct lkcd_dump *l, uint64_t at)
{
	bool is64 = dump->arch == MKD_ARCH_X86_64;
	size_t ncpus_at = is64 ? 184 : 84, need = ncpus_at + 8, got;
	uint8_t b[192];
	uint32_t ncpus, cpu;
	struct mkd_error *err;

	if (l->version < 8 || dump->arch == MKD_ARCH_UNKNOWN ||
	    at < l->layout->size || at + need > l->data_offset)
		return NULL;
	err = mkd_file_read_partial(dump->files[0], b, need, at, &got);
	if (err || got < need)
		return err;
	if (mkd_le64(b) != ASM_MAGIC || mkd_le32(b + 12) < need)
		return NULL;
	ncpus = mkd_le32(b + ncpus_at);
	cpu = mkd_le32(b + ncpus_at + 4);
	if (cpu < ncpus) {
		dump->panic_cpu = cpu;
		dump->has_panic_cpu = true;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The scan */

struct scan {
	struct mkd_file *f;
	uint8_t *buf;
	uint64_t base;		/* file offset of buf[0] */
	size_t len;		/* bytes valid in buf */
};

/* The record at off, or *rec = NULL at the end of the file. */
static struct mkd_error *scan_record(struct scan *s, uint64_t off,
				     const uint8_t **rec)
{
	struct mkd_error *err;

	if (off < s->base || off + REC_SIZE > s->base + s->len) {
		err = mkd_file_read_partial(s->f, s->buf, SCAN_BUF, off,
					    &s->len);
		if (err)
			return err;
		s->base = off;
	}
	*rec = off + REC_SIZE <= s->base + s->len ? s->buf + (off - s->base)
						   : NULL;
	return NULL;
}

static struct mkd_error *record_kind(const struct mkd_dump *dump,
				     uint32_t size, uint32_t flags,
				     enum kind *kind)
{
	uint32_t ps = dump->page_size;

	if (!(flags & DP_RAW) == !(flags & DP_COMPRESSED))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"flags 0x%x must say raw or compressed, not both or neither",
					flags);
	if (size > ps)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"%u bytes of data, more than a page (%u)",
					size, ps);
	if (flags & DP_RAW && size != ps)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"raw page of %u bytes, expected %u",
					size, ps);
	if (size == 0)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"compressed page of 0 bytes");
	*kind = flags & DP_RAW ? KIND_RAW : KIND_COMPRESSED;
	return NULL;
}

static struct mkd_error *record_pfn(const struct mkd_dump *dump,
				    struct lkcd_dump *l, uint64_t addr,
				    uint32_t flags, uint64_t *pfn)
{
	/* crash: very early i386 v1 dumps gave kernel virtual addresses. */
	if (l->version == 1 && l->npages == 0 && addr == V1_KVBASE)
		l->addr_bias = V1_KVBASE;
	if (flags & DP_MCLX_V0) {
		*pfn = addr;
	} else if (addr < l->addr_bias ||
		   (addr - l->addr_bias) % dump->page_size) {
		return mkd_error_at(MKD_ERR_CORRUPT, addr,
				    "address 0x%llx is not a page's",
				    (unsigned long long)addr);
	} else {
		*pfn = (addr - l->addr_bias) / dump->page_size;
	}
	if (*pfn >> MAX_PFN_BITS)
		return mkd_error_at(MKD_ERR_CORRUPT, addr,
				    "address 0x%llx is implausibly high",
				    (unsigned long long)addr);
	return NULL;
}

static struct mkd_error *add_record(struct mkd_dump *dump,
				    struct lkcd_dump *l, uint64_t off,
				    const uint8_t *rec)
{
	uint32_t size = mkd_le32(rec + 8), flags = mkd_le32(rec + 12);
	uint64_t pfn = 0, data = off + REC_SIZE;
	enum kind kind = KIND_RAW;
	struct mkd_error *err;

	err = record_kind(dump, size, flags, &kind);
	if (err || flags & DP_TEST_PATTERN)	/* a test page is no memory */
		return err;
	err = record_pfn(dump, l, mkd_le64(rec), flags, &pfn);
	if (err)
		return err;
	if (data >= MAX_OFFSET)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"pages beyond 8 TiB into the file are not supported");
	if (data + size > dump->files[0]->size)
		kind = KIND_LOST;	/* the file ends inside the data */
	if (!mkd_array_reserve(&l->pages, &l->cap, l->npages + 1,
			       sizeof(*l->pages)))
		return &mkd_enomem;
	l->pages[l->npages++] = (struct entry){
		pfn, data << WHERE_SHIFT | (uint64_t)size << SIZE_SHIFT | kind
	};
	return NULL;
}

static struct mkd_error *scan_records(struct mkd_dump *dump,
				      struct lkcd_dump *l)
{
	struct scan s = { dump->files[0], malloc(SCAN_BUF), 0, 0 };
	uint64_t off = l->data_offset;
	struct mkd_error *err = NULL;
	const uint8_t *rec;

	if (!s.buf)
		return &mkd_enomem;
	for (;;) {
		err = scan_record(&s, off, &rec);
		if (err)
			break;
		if (!rec) {
			dump->incomplete = true;	/* EOF before END */
			break;
		}
		if (mkd_le32(rec + 12) & DP_END) {
			dump->incomplete = mkd_le32(rec + 12) & DP_TRUNCATED;
			break;
		}
		err = add_record(dump, l, off, rec);
		if (err) {
			err = mkd_error_wrap(err, "page record at offset 0x%llx",
					     (unsigned long long)off);
			break;
		}
		off += REC_SIZE + mkd_le32(rec + 8);
	}
	free(s.buf);
	return err;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->pfn != y->pfn)
		return x->pfn < y->pfn ? -1 : 1;
	return x->where < y->where ? -1 : x->where > y->where;
}

/*
 * Sort by pfn; of the copies of one page keep the one written last (the
 * offsets say which), unless that one was cut off by the end of the file.
 */
static void index_sort(struct lkcd_dump *l)
{
	size_t i, out = 0;
	struct entry *p;

	if (!l->npages)
		return;
	qsort(l->pages, l->npages, sizeof(*l->pages), entry_cmp);
	for (i = 0; i < l->npages; i++) {
		if (out && l->pages[out - 1].pfn == l->pages[i].pfn) {
			if (entry_kind(&l->pages[i]) != KIND_LOST)
				l->pages[out - 1] = l->pages[i];
			continue;
		}
		l->pages[out++] = l->pages[i];
	}
	l->npages = out;
	p = realloc(l->pages, out * sizeof(*p));
	if (p) {		/* give back the growth slack */
		l->pages = p;
		l->cap = out;
	}
}

/* RAM is the runs of pages the dump holds; see the top of the file. */
static struct mkd_error *describe(struct mkd_dump *dump, struct lkcd_dump *l)
{
	uint64_t ps = dump->page_size;
	struct mkd_error *err;
	bool compressed = false;
	size_t i, start = 0;

	index_sort(l);
	for (i = 0; i < l->npages; i++) {
		compressed |= entry_kind(&l->pages[i]) == KIND_COMPRESSED;
		if (i + 1 < l->npages &&
		    l->pages[i + 1].pfn == l->pages[i].pfn + 1)
			continue;
		err = mkd_dump_add_ram(dump, l->pages[start].pfn * ps,
				       (l->pages[i].pfn + 1) * ps);
		if (err)
			return err;
		start = i + 1;
	}
	dump->max_pfn = l->npages ? l->pages[l->npages - 1].pfn + 1 : 0;
	if (compressed)
		mkd_dump_add_codec(dump, l->compress == COMPRESS_GZIP ?
				   mkd_codec_name(MKD_CODEC_ZLIB) : "rle");
	return NULL;
}

static struct mkd_error *lkcd_open(struct mkd_dump *dump)
{
	struct mkd_file *f = dump->files[0];
	uint8_t head[HEADER_READ];
	struct mkd_error *err;
	struct lkcd_dump *l;
	size_t got;

	if (dump->nfiles > 1)
		return mkd_error_create(MKD_ERR_INVALID,
					"'%s': an LKCD dump is one file, not a set",
					f->name);
	l = calloc(1, sizeof(*l));
	if (!l)
		return &mkd_enomem;
	dump->priv = l;
	err = mkd_file_read_partial(f, head, sizeof(head), 0, &got);
	if (!err)
		err = parse_header(dump, l, head, got);
	if (!err)
		err = read_arch_header(dump, l, mkd_le32(head + 12));
	if (!err)
		err = scan_records(dump, l);
	if (!err)
		err = describe(dump, l);
	if (!err && !(l->data = malloc(dump->page_size)))
		err = &mkd_enomem;
	if (err)
		return mkd_error_wrap(err, "'%s'", f->name);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Pages */

/* The first entry whose pfn is >= pfn. */
static size_t lookup(const struct lkcd_dump *l, uint64_t pfn)
{
	size_t lo = 0, hi = l->npages;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->pages[mid].pfn < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static enum mkd_page_state entry_state(const struct entry *e)
{
	return entry_kind(e) == KIND_LOST ? MKD_PAGE_LOST : MKD_PAGE_PRESENT;
}

static struct mkd_error *lkcd_page_state(struct mkd_dump *dump, uint64_t pfn,
					 struct mkd_page_run *run)
{
	const struct lkcd_dump *l = dump->priv;
	size_t i = lookup(l, pfn), n = 1;

	if (i == l->npages || l->pages[i].pfn != pfn) {
		run->state = MKD_PAGE_NOT_DUMPED;
		run->count = (i == l->npages ? dump->max_pfn : l->pages[i].pfn)
			     - pfn;
		return NULL;
	}
	run->state = entry_state(&l->pages[i]);
	while (n < RUN_SCAN_MAX && i + n < l->npages &&
	       l->pages[i + n].pfn == pfn + n &&
	       entry_state(&l->pages[i + n]) == run->state)
		n++;
	run->count = n;
	return NULL;
}

/*
 * LKCD's run-length code (dump_rle.c): a byte other than 0 stands for
 * itself; 0,0 for one zero; 0,n,v (n > 0) for n+1 copies of v.  (crash
 * and lcrash decode n+1 too; libkdumpfile decodes n, which does not match
 * the producer.)  The result must be exactly one page.
 */
static struct mkd_error *rle_decode(const uint8_t *src, size_t len,
				    uint8_t *dst, size_t page_size)
{
	size_t in = 0, out = 0;

	while (in < len) {
		uint8_t v = src[in++];
		size_t run = 1;

		if (v == 0) {
			if (in == len || (src[in] && in + 1 == len))
				return mkd_error_create(MKD_ERR_CORRUPT,
							"rle: data ends inside an escape");
			run = (size_t)src[in++] + 1;	/* 0,0: one zero */
			if (run > 1)
				v = src[in++];
		}
		if (run > page_size - out)
			return mkd_error_create(MKD_ERR_CORRUPT,
						"rle: runs past the end of the page");
		memset(dst + out, v, run);
		out += run;
	}
	if (out != page_size)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"rle: decoded to %zu bytes, expected %zu",
					out, page_size);
	return NULL;
}

static struct mkd_error *decompress(struct mkd_dump *dump,
				    const struct lkcd_dump *l, size_t size,
				    void *buf)
{
	switch (l->compress) {
	case COMPRESS_RLE:
		return rle_decode(l->data, size, buf, dump->page_size);
	case COMPRESS_GZIP:
		return mkd_codec_decompress(MKD_CODEC_ZLIB, l->data, size, buf,
					    dump->page_size);
	}
	return mkd_error_create(MKD_ERR_CORRUPT,
				"compressed page in a dump the header says is not compressed");
}

static struct mkd_error *lkcd_read_page(struct mkd_dump *dump, uint64_t pfn,
					void *buf)
{
	const struct lkcd_dump *l = dump->priv;
	size_t i = lookup(l, pfn);
	const struct entry *e = i < l->npages ? &l->pages[i] : NULL;
	struct mkd_error *err;

	if (!e || e->pfn != pfn || entry_kind(e) == KIND_LOST)
		return mkd_error_at(MKD_ERR_NO_DATA, pfn * dump->page_size,
				    "pfn 0x%llx is not in the dump",
				    (unsigned long long)pfn);
	if (entry_kind(e) == KIND_RAW)
		err = mkd_file_read(dump->files[0], buf, dump->page_size,
				    entry_offset(e));
	else
		err = mkd_file_read(dump->files[0], l->data, entry_size(e),
				    entry_offset(e));
	if (!err && entry_kind(e) == KIND_COMPRESSED)
		err = decompress(dump, l, entry_size(e), buf);
	if (err)
		return mkd_error_wrap(err, "page record at offset 0x%llx",
				      (unsigned long long)(entry_offset(e) -
							   REC_SIZE));
	return NULL;
}

static void lkcd_close(struct mkd_dump *dump)
{
	struct lkcd_dump *l = dump->priv;

	free(l->pages);
	free(l->data);
	free(l);
}

const struct mkd_format_ops mkd_format_lkcd = {
	.name = "lkcd",
	.probe = lkcd_probe,
	.open = lkcd_open,
	.page_state = lkcd_page_state,
	.read_page = lkcd_read_page,
	.close = lkcd_close,
};
