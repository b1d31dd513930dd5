// SPDX-License-Identifier: LGPL-2.1-or-later
/* mkd-layout.c - encoding and decoding the mkd format's structures */
#include <stdlib.h>
#include <xxhash.h>

#include "mkd-layout.h"

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

uint64_t mkd_sum(const void *data, size_t len, uint64_t seed)
{
	return XXH3_64bits_withSeed(data, len, seed);
}

void mkd_fheader_encode(const struct mkd_fheader *h, uint8_t *out)
{
	memset(out, 0, MKD_HEADER_SIZE);
	memcpy(out, MKD_FILE_MAGIC, 8);
	put16(out + 8, h->major);
	put16(out + 10, h->minor);
	put32(out + 12, MKD_HEADER_SIZE);
	put64(out + 16, h->dump_id);
	put32(out + 24, h->page_size);
	put32(out + 28, h->block_pages);
	put16(out + 32, h->codec);
	put16(out + 34, h->checksum);
	put16(out + 36, h->machine);
	put32(out + 40, h->incompat_flags);
	put32(out + 44, h->compat_flags);
	put64(out + 48, h->checkpoint_bytes);
	put64(out + 56, (uint64_t)h->create_time);
	put64(out + MKD_HEADER_SIZE - 8,
	      mkd_sum(out, MKD_HEADER_SIZE - 8, 0));
}

static struct mkd_error *check_geometry(const struct mkd_fheader *h)
{
	if (h->page_size < MKD_MIN_PAGE_SIZE ||
	    h->page_size > MKD_MAX_PAGE_SIZE ||
	    (h->page_size & (h->page_size - 1)))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"page size %u is not a power of two from 512 to 1 MiB",
					h->page_size);
	if (h->block_pages == 0 || h->block_pages > MKD_MAX_BLOCK_PAGES ||
	    (uint64_t)h->block_pages * h->page_size > MKD_MAX_BLOCK_BYTES)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"%u pages of %u bytes is not a valid block size",
					h->block_pages, h->page_size);
	return NULL;
}

struct mkd_error *mkd_fheader_decode(const uint8_t *b, size_t len,
				     struct mkd_fheader *h)
{
	if (len < MKD_HEADER_SIZE || memcmp(b, MKD_FILE_MAGIC, 8))
		return mkd_error_create(MKD_ERR_NOT_DUMP, "not an mkd dump");
	h->major = mkd_le16(b + 8);
	h->minor = mkd_le16(b + 10);
	h->header_size = mkd_le32(b + 12);
	if (h->major != MKD_FILE_VERSION_MAJOR)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"mkd version %u.%u is not supported (only %d.x)",
					h->major, h->minor,
					MKD_FILE_VERSION_MAJOR);
	if (h->header_size < MKD_HEADER_SIZE || h->header_size > len ||
	    h->header_size > MKD_HEADER_MAX)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"bad header size %u", h->header_size);
	if (mkd_le64(b + h->header_size - 8) !=
	    mkd_sum(b, h->header_size - 8, 0))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"header checksum mismatch");
	h->dump_id = mkd_le64(b + 16);
	h->page_size = mkd_le32(b + 24);
	h->block_pages = mkd_le32(b + 28);
	h->codec = mkd_le16(b + 32);
	h->checksum = mkd_le16(b + 34);
	h->machine = mkd_le16(b + 36);
	h->incompat_flags = mkd_le32(b + 40);
	h->compat_flags = mkd_le32(b + 44);
	h->checkpoint_bytes = mkd_le64(b + 48);
	h->create_time = (int64_t)mkd_le64(b + 56);
	if (h->checksum != MKD_CHECKSUM_XXH3)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"unknown checksum type %u", h->checksum);
	if (h->incompat_flags)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"unknown incompatible features 0x%x",
					h->incompat_flags);
	return check_geometry(h);
}

void mkd_record_encode(const struct mkd_record *r, uint64_t dump_id,
		       uint8_t *out)
{
	memcpy(out, MKD_RECORD_MAGIC, 4);
	put16(out + 4, r->type);
	put16(out + 6, r->flags);
	put64(out + 8, r->length);
	put64(out + 16, r->arg1);
	put64(out + 24, r->arg2);
	put64(out + 32, r->payload_sum);
	put64(out + 40, mkd_sum(out, 40, dump_id));
}

bool mkd_record_decode(const uint8_t *b, uint64_t dump_id,
		       struct mkd_record *r)
{
	if (memcmp(b, MKD_RECORD_MAGIC, 4) ||
	    mkd_le64(b + 40) != mkd_sum(b, 40, dump_id))
		return false;
	r->type = mkd_le16(b + 4);
	r->flags = mkd_le16(b + 6);
	r->length = mkd_le64(b + 8);
	r->arg1 = mkd_le64(b + 16);
	r->arg2 = mkd_le64(b + 24);
	r->payload_sum = mkd_le64(b + 32);
	return true;
}

uint64_t mkd_record_span(const struct mkd_record *r)
{
	uint64_t span;

	return mkd_add_overflows(r->length, MKD_RECORD_SIZE, &span) ? 0 : span;
}

void mkd_run_encode(const struct mkd_run_entry *e, uint8_t *out)
{
	put64(out, e->pfn);
	put32(out + 8, e->count);
	out[12] = e->state;
	out[13] = e->reason;
	put16(out + 14, 0);
}

void mkd_run_decode(const uint8_t *b, struct mkd_run_entry *e)
{
	e->pfn = mkd_le64(b);
	e->count = mkd_le32(b + 8);
	e->state = b[12];
	e->reason = b[13];
}

void mkd_block_entry_encode(const struct mkd_block_entry *e, uint8_t *out)
{
	put64(out, e->offset);
	put32(out + 8, e->length);
	put16(out + 12, e->codec);
	put16(out + 14, e->npages);
}

void mkd_block_entry_decode(const uint8_t *b, struct mkd_block_entry *e)
{
	e->offset = mkd_le64(b);
	e->length = mkd_le32(b + 8);
	e->codec = mkd_le16(b + 12);
	e->npages = mkd_le16(b + 14);
}

void mkd_section_entry_encode(const struct mkd_section_entry *e,
			      uint8_t *out)
{
	put64(out, e->offset);
	put32(out + 8, e->type);
	put32(out + 12, e->length);
}

void mkd_section_entry_decode(const uint8_t *b, struct mkd_section_entry *e)
{
	e->offset = mkd_le64(b);
	e->type = mkd_le32(b + 8);
	e->length = mkd_le32(b + 12);
}

void mkd_seg_head_encode(const struct mkd_seg_head *s, uint8_t *out)
{
	put64(out, s->start_pfn);
	put64(out + 8, s->end_pfn);
	put64(out + 16, s->first_block);
	put64(out + 24, s->self_offset);
	put32(out + 32, s->nblocks);
	put32(out + 36, s->nruns);
	put32(out + 40, s->nsections);
	put32(out + 44, 0);
}

void mkd_seg_head_decode(const uint8_t *b, struct mkd_seg_head *s)
{
	s->start_pfn = mkd_le64(b);
	s->end_pfn = mkd_le64(b + 8);
	s->first_block = mkd_le64(b + 16);
	s->self_offset = mkd_le64(b + 24);
	s->nblocks = mkd_le32(b + 32);
	s->nruns = mkd_le32(b + 36);
	s->nsections = mkd_le32(b + 40);
}

void mkd_dir_entry_encode(const struct mkd_dir_entry *d, uint8_t *out)
{
	put64(out, d->offset);
	put64(out + 8, d->start_pfn);
	put64(out + 16, d->end_pfn);
	put64(out + 24, d->first_block);
	put32(out + 32, d->nblocks);
	put32(out + 36, d->nruns);
	put64(out + 40, d->length);
}

void mkd_dir_entry_decode(const uint8_t *b, struct mkd_dir_entry *d)
{
	d->offset = mkd_le64(b);
	d->start_pfn = mkd_le64(b + 8);
	d->end_pfn = mkd_le64(b + 16);
	d->first_block = mkd_le64(b + 24);
	d->nblocks = mkd_le32(b + 32);
	d->nruns = mkd_le32(b + 36);
	d->length = mkd_le64(b + 40);
}

void mkd_end_head_encode(const struct mkd_end_head *e, uint8_t *out)
{
	put64(out, e->max_pfn);
	put64(out + 8, e->nsegments);
	put64(out + 16, e->nsections);
	put64(out + 24, e->nblocks);
}

void mkd_end_head_decode(const uint8_t *b, struct mkd_end_head *e)
{
	e->max_pfn = mkd_le64(b);
	e->nsegments = mkd_le64(b + 8);
	e->nsections = mkd_le64(b + 16);
	e->nblocks = mkd_le64(b + 24);
}

void mkd_trailer_encode(const struct mkd_trailer *t, uint8_t *out)
{
	memset(out, 0, MKD_TRAILER_SIZE);
	memcpy(out, MKD_TRAILER_MAGIC, 8);
	put64(out + 8, t->end_offset);
	put64(out + 16, t->end_length);
	put64(out + 24, t->file_size);
	put64(out + 32, t->dump_id);
	put64(out + 56, mkd_sum(out, 56, t->dump_id));
}

bool mkd_trailer_decode(const uint8_t *b, uint64_t dump_id,
			struct mkd_trailer *t)
{
	if (memcmp(b, MKD_TRAILER_MAGIC, 8) ||
	    mkd_le64(b + 56) != mkd_sum(b, 56, dump_id))
		return false;
	t->end_offset = mkd_le64(b + 8);
	t->end_length = mkd_le64(b + 16);
	t->file_size = mkd_le64(b + 24);
	t->dump_id = mkd_le64(b + 32);
	return t->dump_id == dump_id;
}

void mkd_summary_encode(const struct mkd_summary *s, uint8_t *out)
{
	size_t i;

	put64(out, s->stored);
	put64(out + 8, s->zero);
	put64(out + 16, s->lost);
	for (i = 0; i < 8; i++)
		put64(out + 24 + 8 * i, s->filtered[i]);
	put64(out + 88, s->blocks);
	put64(out + 96, s->bytes_raw);
	put64(out + 104, s->bytes_stored);
}

bool mkd_file_codec_to(uint16_t fcodec, enum mkd_codec *codec)
{
	switch (fcodec) {
	case MKD_FCODEC_NONE: *codec = MKD_CODEC_NONE; return true;
	case MKD_FCODEC_ZLIB: *codec = MKD_CODEC_ZLIB; return true;
	case MKD_FCODEC_LZO: *codec = MKD_CODEC_LZO; return true;
	case MKD_FCODEC_ZSTD: *codec = MKD_CODEC_ZSTD; return true;
	case MKD_FCODEC_SNAPPY: *codec = MKD_CODEC_SNAPPY; return true;
	}
	return false;
}

uint16_t mkd_file_codec_from(enum mkd_codec codec)
{
	switch (codec) {
	case MKD_CODEC_ZLIB: return MKD_FCODEC_ZLIB;
	case MKD_CODEC_LZO: return MKD_FCODEC_LZO;
	case MKD_CODEC_ZSTD: return MKD_FCODEC_ZSTD;
	case MKD_CODEC_SNAPPY: return MKD_FCODEC_SNAPPY;
	case MKD_CODEC_NONE: break;
	}
	return MKD_FCODEC_NONE;
}

void mkd_split_encode(const struct mkd_split_head *h,
		      const struct mkd_part *parts, uint8_t *out)
{
	uint32_t i;

	put64(out, h->set_id);
	put32(out + 8, h->index);
	put32(out + 12, h->count);
	put64(out + 16, h->max_pfn);
	put64(out + 24, 0);
	out += MKD_SPLIT_HEAD_SIZE;
	for (i = 0; i < h->count; i++, out += 16) {
		put64(out, parts[i].start_pfn);
		put64(out + 8, parts[i].end_pfn);
	}
}

struct mkd_error *mkd_split_decode(const uint8_t *buf, uint64_t len,
				   struct mkd_split_head *h,
				   struct mkd_part **parts)
{
	struct mkd_part *p;
	uint64_t pfn = 0;
	uint32_t i;

	if (len < MKD_SPLIT_HEAD_SIZE)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"split section of %llu bytes is too short",
					(unsigned long long)len);
	h->set_id = mkd_le64(buf);
	h->index = mkd_le32(buf + 8);
	h->count = mkd_le32(buf + 12);
	h->max_pfn = mkd_le64(buf + 16);
	if (h->count == 0 || h->count > MKD_MAX_PARTS || h->index >= h->count ||
	    len != MKD_SPLIT_HEAD_SIZE + 16ULL * h->count)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"split section: part %u of %u in %llu bytes",
					h->index + 1, h->count,
					(unsigned long long)len);
	p = calloc(h->count, sizeof(*p));
	if (!p)
		return &mkd_enomem;
	buf += MKD_SPLIT_HEAD_SIZE;
	for (i = 0; i < h->count; i++, buf += 16) {
		p[i].start_pfn = mkd_le64(buf);
		p[i].end_pfn = mkd_le64(buf + 8);
		if (p[i].start_pfn != pfn || p[i].end_pfn <= pfn)
			break;
		pfn = p[i].end_pfn;
	}
	if (i < h->count || pfn != h->max_pfn) {
		free(p);
		return mkd_error_create(MKD_ERR_CORRUPT,
					"split section: the ranges of the parts do not follow each other up to pfn 0x%llx",
					(unsigned long long)h->max_pfn);
	}
	*parts = p;
	return NULL;
}
