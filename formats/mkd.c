// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mkd.c - one file of an mkd dump (doc/mkd-format.md), as libmkdump's
 * own writer (libmkdump/mkd-writer.c) makes it.  mkd-set.c puts the
 * files of a split set together as one dump.
 *
 * Opening reads the header and, for a complete dump, the trailer and the
 * END record: a directory of index segments, each loaded when a page in
 * its range is first asked for.  A dump without a good trailer or END
 * was cut short (or damaged at its end): it is opened from the last good
 * INDEX record, found by scanning backwards from the end of the file, and
 * the chain of INDEX records before it (mkd-recover.c); the pages after
 * that checkpoint are lost.
 *
 * Damage stays local: a block that fails its checks makes its pages
 * unreadable (MKD_ERR_CORRUPT), an index segment that fails makes its
 * pages "damaged"; everything else reads.  Decompressed blocks are kept
 * in a small LRU cache so that neighbouring pages cost one decompression.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "compress.h"
#include "mkd-reader.h"

#define CACHE_BYTES (4u << 20)
#define MIN_CACHE_BLOCKS 4
#define MAX_CACHE_BLOCKS 32

/* ------------------------------------------------------------------ */
/* Reading records */

bool mkd_reader_fits(const struct mkd_reader *r, uint64_t offset,
		     uint64_t len)
{
	uint64_t end;

	return !mkd_add_overflows(offset, len, &end) && end <= r->f->size;
}

struct mkd_error *mkd_reader_read_record(struct mkd_reader *r,
					 uint64_t offset, uint16_t type,
					 uint64_t len, struct mkd_record *rec,
					 uint8_t **ret)
{
	struct mkd_error *err;
	uint8_t *buf;

	if (!mkd_reader_fits(r, offset, MKD_RECORD_SIZE + len))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"record at 0x%llx runs past the end of the file",
					(unsigned long long)offset);
	buf = malloc(MKD_RECORD_SIZE + len);
	if (!buf)
		return &mkd_enomem;
	err = mkd_file_read(r->f, buf, MKD_RECORD_SIZE + len, offset);
	if (!err && (!mkd_record_decode(buf, r->h.dump_id, rec) ||
		     rec->type != type || rec->length != len))
		err = mkd_error_create(MKD_ERR_CORRUPT,
				       "bad record header at 0x%llx",
				       (unsigned long long)offset);
	if (!err && mkd_sum(buf + MKD_RECORD_SIZE, len, r->h.dump_id) !=
		    rec->payload_sum)
		err = mkd_error_create(MKD_ERR_CORRUPT,
				       "checksum mismatch in the record at 0x%llx",
				       (unsigned long long)offset);
	if (err) {
		free(buf);
		return err;
	}
	*ret = buf;
	return NULL;
}

bool mkd_reader_peek(struct mkd_reader *r, uint64_t offset,
		     struct mkd_record *rec, uint8_t *head, size_t len)
{
	struct mkd_error *err;

	if (!mkd_reader_fits(r, offset, len))
		return false;
	err = mkd_file_read(r->f, head, len, offset);
	if (err) {
		mkd_error_destroy(err);
		return false;
	}
	return mkd_record_decode(head, r->h.dump_id, rec) &&
	       mkd_record_span(rec) &&
	       mkd_reader_fits(r, offset, mkd_record_span(rec));
}

/* ------------------------------------------------------------------ */
/* The segment directory */

bool mkd_reader_index_ok(const struct mkd_seg_head *sh, uint64_t len)
{
	uint64_t entries = (uint64_t)sh->nruns + sh->nblocks + sh->nsections;

	return len >= MKD_SEG_HEAD_SIZE && len <= MKD_MAX_INDEX_BYTES &&
	       len == MKD_SEG_HEAD_SIZE + MKD_ENTRY_SIZE * entries;
}

bool mkd_reader_directory_ok(const struct mkd_reader *r)
{
	uint64_t pfn = 0, block = 0;	/* UINT64_MAX: after a bad one */
	size_t i;

	for (i = 0; i < r->nsegs; i++) {
		const struct mkd_dir_entry *d = &r->segs[i].d;

		if (r->segs[i].bad) {
			pfn = d->end_pfn;
			block = UINT64_MAX;
			continue;
		}
		if (d->start_pfn != pfn || d->end_pfn < d->start_pfn ||
		    (block != UINT64_MAX && d->first_block != block) ||
		    d->length > MKD_MAX_INDEX_BYTES ||
		    !mkd_reader_fits(r, d->offset, MKD_RECORD_SIZE + d->length))
			return false;
		pfn = d->end_pfn;
		block = d->first_block + d->nblocks;
	}
	return true;
}

struct mkd_error *mkd_reader_sections_decode(struct mkd_reader *r,
					     const uint8_t *p, uint64_t n)
{
	size_t i;

	if (n > MAX_SECTIONS)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"%llu sections is too many",
					(unsigned long long)n);
	r->sections = calloc(n ? n : 1, sizeof(*r->sections));
	if (!r->sections)
		return &mkd_enomem;
	for (i = 0; i < n; i++)
		mkd_section_entry_decode(p + i * MKD_ENTRY_SIZE,
					 &r->sections[i]);
	r->nsections = n;
	return NULL;
}

static struct mkd_error *end_decode(struct mkd_reader *r, const uint8_t *p,
				    uint64_t len)
{
	struct mkd_end_head eh;
	size_t i;

	mkd_end_head_decode(p, &eh);
	if (eh.nsegments > len / MKD_DIR_ENTRY_SIZE ||
	    eh.nsections > len / MKD_ENTRY_SIZE ||
	    len != MKD_END_HEAD_SIZE + MKD_DIR_ENTRY_SIZE * eh.nsegments +
		   MKD_ENTRY_SIZE * eh.nsections)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"END record counts do not match its size");
	r->segs = calloc(eh.nsegments ? eh.nsegments : 1, sizeof(*r->segs));
	if (!r->segs)
		return &mkd_enomem;
	r->nsegs = eh.nsegments;
	p += MKD_END_HEAD_SIZE;
	for (i = 0; i < r->nsegs; i++, p += MKD_DIR_ENTRY_SIZE)
		mkd_dir_entry_decode(p, &r->segs[i].d);
	r->end_pfn = r->nsegs ? r->segs[r->nsegs - 1].d.end_pfn : 0;
	r->max_pfn = eh.max_pfn;
	if (!mkd_reader_directory_ok(r) || eh.max_pfn < r->end_pfn ||
	    eh.max_pfn > (UINT64_MAX >> __builtin_ctz(r->h.page_size)))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"the segment directory is inconsistent");
	return mkd_reader_sections_decode(r, p, eh.nsections);
}

static void directory_reset(struct mkd_reader *r)
{
	free(r->segs);
	free(r->sections);
	r->segs = NULL;
	r->sections = NULL;
	r->nsegs = r->nsections = 0;
	r->end_pfn = 0;
}

/*
 * A complete dump: trailer, END record, directory.  Anything wrong there
 * is no error but *complete = false; only out-of-memory is an error.
 */
static struct mkd_error *open_complete(struct mkd_reader *r, bool *complete)
{
	uint8_t tail[MKD_TRAILER_SIZE], *end = NULL;
	uint64_t size = r->f->size;
	struct mkd_error *err = NULL;
	struct mkd_trailer t;
	struct mkd_record rec;

	*complete = false;
	if (size < r->h.header_size + MKD_TRAILER_SIZE)
		return NULL;
	err = mkd_file_read(r->f, tail, sizeof(tail), size - sizeof(tail));
	if (err || !mkd_trailer_decode(tail, r->h.dump_id, &t) ||
	    t.file_size != size || t.end_length < MKD_END_HEAD_SIZE ||
	    t.end_length > MKD_MAX_END_BYTES)
		goto out;
	err = mkd_reader_read_record(r, t.end_offset, MKD_REC_END,
				     t.end_length, &rec, &end);
	if (err)
		goto out;
	err = end_decode(r, end + MKD_RECORD_SIZE, t.end_length);
	*complete = !err;
out:
	free(end);
	if (err == &mkd_enomem)
		return err;
	mkd_error_destroy(err);
	if (!*complete)
		directory_reset(r);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Opening */

static struct mkd_error *read_header(struct mkd_reader *r)
{
	uint8_t head[MKD_HEADER_MAX];
	struct mkd_error *err;
	size_t got;

	err = mkd_file_read_partial(r->f, head, sizeof(head), 0, &got);
	if (!err)
		err = mkd_fheader_decode(head, got, &r->h);
	return err;
}

static struct mkd_error *cache_init(struct mkd_reader *r)
{
	size_t block = (size_t)r->h.block_pages * r->h.page_size;
	size_t n = CACHE_BYTES / block;

	n = n < MIN_CACHE_BLOCKS ? MIN_CACHE_BLOCKS
	    : n > MAX_CACHE_BLOCKS ? MAX_CACHE_BLOCKS : n;
	r->cache = calloc(n, sizeof(*r->cache));
	if (!r->cache)
		return &mkd_enomem;
	r->ncache = n;
	return mkd_decompressor_create(&r->dec);
}

static void describe(struct mkd_dump *dump, struct mkd_reader *r)
{
	enum mkd_codec codec;
	uint64_t top = 0;

	if (mkd_file_codec_to(r->h.codec, &codec))
		mkd_dump_add_codec(dump, mkd_codec_name(codec));
	if (dump->nram)
		top = (dump->ram[dump->nram - 1].end + r->h.page_size - 1) /
		      r->h.page_size;
	if (r->incomplete)
		r->max_pfn = top > r->end_pfn ? top : r->end_pfn;
}

struct mkd_error *mkd_reader_open(struct mkd_dump *dump, struct mkd_file *f,
				  bool apply, struct mkd_reader **ret)
{
	struct mkd_error *err;
	struct mkd_reader *r;
	bool complete;

	r = calloc(1, sizeof(*r));
	if (!r)
		return &mkd_enomem;
	*ret = r;
	r->f = f;
	r->apply = apply;
	err = read_header(r);
	if (!err)
		err = cache_init(r);
	if (!err)
		err = open_complete(r, &complete);
	if (!err && !complete) {
		r->incomplete = true;
		err = mkd_reader_recover(r);
	}
	if (!err)
		err = mkd_reader_read_sections(dump, r);
	if (err)
		return mkd_error_wrap(err, "'%s'", r->f->name);
	describe(dump, r);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Index segments */

static struct mkd_error *seg_bad(struct seg *s, const char *fmt, ...)
	MKD_PRINTF(2, 3);

static struct mkd_error *seg_bad(struct seg *s, const char *fmt, ...)
{
	va_list ap;
	int ret;

	free(s->runs);
	free(s->rank);
	free(s->blocks);
	s->runs = NULL;
	s->rank = NULL;
	s->blocks = NULL;
	va_start(ap, fmt);
	ret = vasprintf(&s->bad, fmt, ap);
	va_end(ap);
	return ret < 0 ? &mkd_enomem : NULL;
}

/* Runs sorted, inside the segment, states known; ranks counted. */
static bool runs_ok(const struct mkd_reader *r, struct seg *s,
		    uint64_t *stored)
{
	uint64_t pfn = s->d.start_pfn;
	uint32_t i;

	*stored = 0;
	for (i = 0; i < s->d.nruns; i++) {
		const struct mkd_run_entry *e = &s->runs[i];

		if (e->pfn < pfn || e->count == 0 || e->pfn >= s->d.end_pfn ||
		    e->count > s->d.end_pfn - e->pfn ||
		    e->state < MKD_FSTATE_STORED ||
		    e->state > MKD_FSTATE_NOT_RAM ||
		    e->reason >= MKD_FILTER_REASON_COUNT)
			return false;
		s->rank[i] = *stored;
		if (e->state == MKD_FSTATE_STORED)
			*stored += e->count;
		pfn = e->pfn + e->count;
	}
	return true;
}

/* Every block but the last full; together they hold the stored pages. */
static bool blocks_ok(const struct mkd_reader *r, const struct seg *s,
		      uint64_t stored)
{
	uint64_t pages = 0;
	enum mkd_codec codec;
	uint32_t i;

	for (i = 0; i < s->d.nblocks; i++) {
		const struct mkd_block_entry *b = &s->blocks[i];

		if (b->npages == 0 || b->npages > r->h.block_pages ||
		    (i + 1 < s->d.nblocks && b->npages != r->h.block_pages) ||
		    b->length > (uint64_t)b->npages * r->h.page_size ||
		    !mkd_file_codec_to(b->codec, &codec) ||
		    !mkd_reader_fits(r, b->offset,
				     MKD_RECORD_SIZE + (uint64_t)b->length))
			return false;
		pages += b->npages;
	}
	return pages == stored;
}

static struct mkd_error *seg_parse(const struct mkd_reader *r, struct seg *s,
				   const uint8_t *p)
{
	struct mkd_seg_head sh;
	uint64_t stored;
	uint32_t i;

	mkd_seg_head_decode(p, &sh);
	if (sh.start_pfn != s->d.start_pfn || sh.end_pfn != s->d.end_pfn ||
	    sh.first_block != s->d.first_block || sh.nruns != s->d.nruns ||
	    sh.nblocks != s->d.nblocks || sh.self_offset != s->d.offset ||
	    !mkd_reader_index_ok(&sh, s->d.length))
		return seg_bad(s, "its head disagrees with the directory");
	s->runs = calloc(sh.nruns + 1, sizeof(*s->runs));
	s->rank = calloc(sh.nruns + 1, sizeof(*s->rank));
	s->blocks = calloc(sh.nblocks + 1, sizeof(*s->blocks));
	if (!s->runs || !s->rank || !s->blocks)
		return &mkd_enomem;
	p += MKD_SEG_HEAD_SIZE;
	for (i = 0; i < sh.nruns; i++, p += MKD_ENTRY_SIZE)
		mkd_run_decode(p, &s->runs[i]);
	for (i = 0; i < sh.nblocks; i++, p += MKD_ENTRY_SIZE)
		mkd_block_entry_decode(p, &s->blocks[i]);
	if (!runs_ok(r, s, &stored))
		return seg_bad(s, "its page runs are out of order or out of range");
	if (!blocks_ok(r, s, stored))
		return seg_bad(s, "its blocks do not hold its %llu stored pages",
			       (unsigned long long)stored);
	return NULL;
}

static struct mkd_error *seg_load(struct mkd_reader *r, struct seg *s)
{
	struct mkd_record rec;
	struct mkd_error *err;
	uint8_t *buf;

	if (s->loaded)
		return NULL;
	s->loaded = true;
	err = mkd_reader_read_record(r, s->d.offset, MKD_REC_INDEX,
				     s->d.length, &rec, &buf);
	if (err && (mkd_error_code(err) == MKD_ERR_CORRUPT ||
		    mkd_error_code(err) == MKD_ERR_TRUNCATED)) {
		const char *why = mkd_error_message(err);
		struct mkd_error *bad = seg_bad(s, "%s", why);

		mkd_error_destroy(err);
		return bad;
	}
	if (err)
		return err;
	err = seg_parse(r, s, buf + MKD_RECORD_SIZE);
	free(buf);
	return err;
}

/* The segment holding pfn (< r->end_pfn). */
static struct seg *seg_find(struct mkd_reader *r, uint64_t pfn)
{
	size_t lo = 0, hi = r->nsegs;

	while (lo + 1 < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->segs[mid].d.start_pfn <= pfn)
			lo = mid;
		else
			hi = mid;
	}
	return &r->segs[lo];
}

/* Index of the last run starting at or before pfn, or -1. */
static long run_find(const struct seg *s, uint64_t pfn)
{
	long lo = -1, hi = (long)s->d.nruns;

	while (lo + 1 < hi) {
		long mid = lo + (hi - lo) / 2;

		if (s->runs[mid].pfn <= pfn)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* ------------------------------------------------------------------ */
/* Page states */

static const enum mkd_page_state state_of[] = {
	[MKD_FSTATE_STORED] = MKD_PAGE_PRESENT,
	[MKD_FSTATE_ZERO] = MKD_PAGE_ZERO,
	[MKD_FSTATE_FILTERED] = MKD_PAGE_FILTERED,
	[MKD_FSTATE_LOST] = MKD_PAGE_LOST,
	[MKD_FSTATE_NOT_RAM] = MKD_PAGE_NOT_DUMPED,
};

/* Past the last segment: lost if RAM in a cut dump, else not dumped. */
static void beyond(struct mkd_dump *dump, struct mkd_reader *r, uint64_t pfn,
		   struct mkd_page_run *run)
{
	uint64_t ps = r->h.page_size, addr = pfn * ps;
	size_t i;

	run->state = MKD_PAGE_NOT_DUMPED;
	run->count = r->max_pfn > pfn ? r->max_pfn - pfn : 1;
	if (!r->incomplete)
		return;
	for (i = 0; i < dump->nram; i++) {
		const struct mkd_range *m = &dump->ram[i];

		if (m->end <= addr)
			continue;
		if (m->start < addr + ps) {
			run->state = MKD_PAGE_LOST;
			run->count = (m->end + ps - 1) / ps - pfn;
		} else {
			run->count = m->start / ps - pfn;
		}
		return;
	}
}

static struct mkd_error *locate(struct mkd_dump *dump, struct mkd_reader *r,
				uint64_t pfn, struct mkd_page_run *run,
				struct seg **segp, long *runp)
{
	struct mkd_error *err;
	struct seg *s;
	long i;

	*segp = NULL;
	if (pfn >= r->end_pfn) {
		beyond(dump, r, pfn, run);
		return NULL;
	}
	s = *segp = seg_find(r, pfn);
	err = seg_load(r, s);
	if (err)
		return err;
	if (s->bad) {
		run->state = MKD_PAGE_DAMAGED;
		run->count = s->d.end_pfn - pfn;
		return NULL;
	}
	i = *runp = run_find(s, pfn);
	if (i >= 0 && pfn - s->runs[i].pfn < s->runs[i].count) {
		run->state = state_of[s->runs[i].state];
		run->reason = s->runs[i].reason;
		run->count = s->runs[i].pfn + s->runs[i].count - pfn;
	} else {
		run->state = MKD_PAGE_NOT_DUMPED;
		run->count = ((size_t)(i + 1) < s->d.nruns ?
			      s->runs[i + 1].pfn : s->d.end_pfn) - pfn;
	}
	if (run->state != MKD_PAGE_FILTERED)
		run->reason = MKD_FILTER_UNKNOWN;
	return NULL;
}

struct mkd_error *mkd_reader_page_state(struct mkd_dump *dump,
					struct mkd_reader *r, uint64_t pfn,
					struct mkd_page_run *run)
{
	struct seg *s;
	long i;

	return locate(dump, r, pfn, run, &s, &i);
}

/* ------------------------------------------------------------------ */
/* Blocks and pages */

static struct slot *cache_slot(struct mkd_reader *r, uint64_t block,
			       bool *hit)
{
	struct slot *victim = &r->cache[0];
	size_t i;

	for (i = 0; i < r->ncache; i++) {
		struct slot *s = &r->cache[i];

		if (s->valid && s->block == block) {
			*hit = true;
			s->used = ++r->clock;
			return s;
		}
		if (!s->valid || s->used < victim->used)
			victim = s;
		if (!s->valid)
			break;
	}
	*hit = false;
	return victim;
}

/* Read block record b of segment s and check it against the index. */
static struct mkd_error *block_fetch(struct mkd_reader *r,
				     const struct seg *s, uint32_t b,
				     uint64_t number)
{
	const struct mkd_block_entry *e = &s->blocks[b];
	size_t need = MKD_RECORD_SIZE + e->length;
	struct mkd_record rec;
	struct mkd_error *err;

	if (!mkd_array_reserve(&r->rbuf, &r->rbuf_cap, need, 1))
		return &mkd_enomem;
	err = mkd_file_read(r->f, r->rbuf, need, e->offset);
	if (err)
		return err;
	if (!mkd_record_decode(r->rbuf, r->h.dump_id, &rec) ||
	    rec.type != MKD_REC_BLOCK || rec.arg1 != number ||
	    rec.arg2 != e->npages || rec.flags != e->codec ||
	    rec.length != e->length)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"its record header is damaged or not the one indexed");
	if (mkd_sum(r->rbuf + MKD_RECORD_SIZE, e->length, r->h.dump_id) !=
	    rec.payload_sum)
		return mkd_error_create(MKD_ERR_CORRUPT, "checksum mismatch");
	return NULL;
}

static struct mkd_error *block_get(struct mkd_reader *r, const struct seg *s,
				   uint32_t b, const uint8_t **data)
{
	const struct mkd_block_entry *e = &s->blocks[b];
	uint64_t number = s->d.first_block + b;
	size_t raw = (size_t)e->npages * r->h.page_size;
	enum mkd_codec codec;
	struct mkd_error *err;
	struct slot *slot;
	bool hit;

	slot = cache_slot(r, number, &hit);
	if (hit) {
		*data = slot->data;
		return NULL;
	}
	slot->valid = false;
	if (!slot->data)
		slot->data = malloc((size_t)r->h.block_pages * r->h.page_size);
	if (!slot->data)
		return &mkd_enomem;
	err = block_fetch(r, s, b, number);
	mkd_file_codec_to(e->codec, &codec);
	if (!err)
		err = mkd_decompress(r->dec, codec, r->rbuf + MKD_RECORD_SIZE,
				     e->length, slot->data, raw);
	if (err)
		return mkd_error_wrap(err, "block %llu at 0x%llx",
				      (unsigned long long)number,
				      (unsigned long long)e->offset);
	slot->valid = true;
	slot->block = number;
	slot->used = ++r->clock;
	*data = slot->data;
	return NULL;
}

static struct mkd_error *read_stored(struct mkd_reader *r, const struct seg *s,
				     long i, uint64_t pfn, void *buf)
{
	uint64_t rank = s->rank[i] + (pfn - s->runs[i].pfn);
	size_t ps = r->h.page_size;
	const uint8_t *data = NULL;
	struct mkd_error *err;

	err = block_get(r, s, (uint32_t)(rank / r->h.block_pages), &data);
	if (err)
		return err;
	memcpy(buf, data + (size_t)(rank % r->h.block_pages) * ps, ps);
	return NULL;
}

struct mkd_error *mkd_reader_read_page(struct mkd_dump *dump,
				       struct mkd_reader *r, uint64_t pfn,
				       void *buf)
{
	struct mkd_page_run run = { 0 };
	struct mkd_error *err;
	struct seg *s;
	long i = -1;

	err = locate(dump, r, pfn, &run, &s, &i);
	if (err)
		return err;
	switch (run.state) {
	case MKD_PAGE_PRESENT:
		err = read_stored(r, s, i, pfn, buf);
		break;
	case MKD_PAGE_ZERO:
		memset(buf, 0, dump->page_size);
		return NULL;
	case MKD_PAGE_DAMAGED:
		return mkd_error_at(MKD_ERR_CORRUPT, pfn * dump->page_size,
				    "pfn 0x%llx: index segment at 0x%llx: %s",
				    (unsigned long long)pfn,
				    (unsigned long long)s->d.offset, s->bad);
	default:
		return mkd_error_at(MKD_ERR_NO_DATA, pfn * dump->page_size,
				    "pfn 0x%llx is not in the dump",
				    (unsigned long long)pfn);
	}
	return err ? mkd_error_wrap(err, "pfn 0x%llx", (unsigned long long)pfn)
		   : NULL;
}

void mkd_reader_destroy(struct mkd_reader *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nsegs; i++) {
		free(r->segs[i].bad);
		free(r->segs[i].runs);
		free(r->segs[i].rank);
		free(r->segs[i].blocks);
	}
	for (i = 0; i < r->ncache; i++)
		free(r->cache[i].data);
	free(r->cache);
	mkd_decompressor_destroy(r->dec);
	free(r->segs);
	free(r->sections);
	free(r->rbuf);
	free(r->parts);
	free(r);
}
