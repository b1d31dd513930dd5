/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mkd-layout.h - the bytes of the mkd dump format (doc/mkd-format.md):
 * constants, and each fixed structure as a C struct with an encoder and a
 * decoder that go field by field, so the file never depends on the host's
 * struct layout or byte order.  Shared by the writer (mkd-writer.c) and
 * the reader (formats/mkd.c) so that the two cannot disagree.
 *
 * Decoders of fixed-size structures take exactly their size in bytes and
 * only check what the structure alone can tell (magic, checksum, ranges);
 * the reader checks how structures agree with each other.
 */
#ifndef MKD_LAYOUT_H
#define MKD_LAYOUT_H

#include "internal.h"

#define MKD_FILE_MAGIC "\x89MKD\r\n\x1a\n"
#define MKD_TRAILER_MAGIC "\x89MKDEND\n"
#define MKD_RECORD_MAGIC "MKDR"

enum mkd_layout_sizes {
	MKD_HEADER_SIZE = 128,		/* written by this version */
	MKD_HEADER_MAX = 4096,		/* largest a reader accepts */
	MKD_RECORD_SIZE = 48,
	MKD_TRAILER_SIZE = 64,
	MKD_ENTRY_SIZE = 16,		/* run, block and section entries */
	MKD_SEG_HEAD_SIZE = 48,		/* head of an INDEX payload */
	MKD_DIR_ENTRY_SIZE = 48,	/* segment directory entry in END */
	MKD_END_HEAD_SIZE = 32,
	MKD_SUMMARY_SIZE = 112,
	MKD_SPLIT_HEAD_SIZE = 32,	/* then 16 bytes per part */
};

enum mkd_layout_limits {
	MKD_FILE_VERSION_MAJOR = 1,
	MKD_FILE_VERSION_MINOR = 1,	/* 1.1: the SPLIT section */
	MKD_CHECKSUM_XXH3 = 1,
	MKD_MIN_PAGE_SIZE = 512,
	MKD_MAX_PAGE_SIZE = 1 << 20,
	MKD_MAX_BLOCK_PAGES = 65535,
	MKD_MAX_BLOCK_BYTES = 16 << 20,
	MKD_MAX_RUN_PAGES = 0xffffffffu,
	MKD_MAX_PARTS = 4096,		/* parts of a split set */
};

#define MKD_MAX_INDEX_BYTES (64ULL << 20)
#define MKD_MAX_END_BYTES (256ULL << 20)

enum mkd_record_type {
	MKD_REC_SECTION = 1,
	MKD_REC_BLOCK = 2,
	MKD_REC_INDEX = 3,
	MKD_REC_END = 4,
};

/* Page states as the file spells them (5.1). */
enum mkd_file_state {
	MKD_FSTATE_STORED = 1,
	MKD_FSTATE_ZERO = 2,
	MKD_FSTATE_FILTERED = 3,
	MKD_FSTATE_LOST = 4,
	MKD_FSTATE_NOT_RAM = 5,
};

/* Block codecs as the file spells them (5.3). */
enum mkd_file_codec {
	MKD_FCODEC_NONE = 0,
	MKD_FCODEC_ZLIB = 1,
	MKD_FCODEC_LZO = 2,
	MKD_FCODEC_ZSTD = 3,
	MKD_FCODEC_SNAPPY = 4,
};

struct mkd_fheader {
	uint16_t major, minor;
	uint32_t header_size;
	uint64_t dump_id;
	uint32_t page_size;
	uint32_t block_pages;
	uint16_t codec;
	uint16_t checksum;
	uint16_t machine;
	uint32_t incompat_flags;
	uint32_t compat_flags;
	uint64_t checkpoint_bytes;
	int64_t create_time;
};

struct mkd_record {
	uint16_t type;
	uint16_t flags;
	uint64_t length;
	uint64_t arg1, arg2;
	uint64_t payload_sum;
};

struct mkd_run_entry {
	uint64_t pfn;
	uint32_t count;
	uint8_t state;		/* enum mkd_file_state */
	uint8_t reason;		/* enum mkd_filter_reason, same numbers */
};

struct mkd_block_entry {
	uint64_t offset;
	uint32_t length;
	uint16_t codec;		/* enum mkd_file_codec */
	uint16_t npages;
};

struct mkd_section_entry {
	uint64_t offset;
	uint32_t type;
	uint32_t length;
};

struct mkd_seg_head {
	uint64_t start_pfn, end_pfn;
	uint64_t first_block;
	uint64_t self_offset;
	uint32_t nblocks, nruns, nsections;
};

struct mkd_dir_entry {
	uint64_t offset;
	uint64_t start_pfn, end_pfn;
	uint64_t first_block;
	uint32_t nblocks, nruns;
	uint64_t length;
};

struct mkd_end_head {
	uint64_t max_pfn;
	uint64_t nsegments;
	uint64_t nsections;
	uint64_t nblocks;
};

struct mkd_trailer {
	uint64_t end_offset;
	uint64_t end_length;
	uint64_t file_size;
	uint64_t dump_id;
};

/* The SPLIT section: this file is part index of a set of count parts. */
struct mkd_split_head {
	uint64_t set_id;
	uint32_t index, count;
	uint64_t max_pfn;
};

struct mkd_summary {
	uint64_t stored, zero, lost;
	uint64_t filtered[8];
	uint64_t blocks;
	uint64_t bytes_raw, bytes_stored;
};

/* XXH3-64 of len bytes with seed. */
uint64_t mkd_sum(const void *data, size_t len, uint64_t seed);

void mkd_fheader_encode(const struct mkd_fheader *h, uint8_t *out);
/* buf holds at least MKD_HEADER_SIZE bytes, len of them valid. */
struct mkd_error *mkd_fheader_decode(const uint8_t *buf, size_t len,
				     struct mkd_fheader *h);

void mkd_record_encode(const struct mkd_record *r, uint64_t dump_id,
		       uint8_t *out);
/* False unless magic and header checksum are right. */
bool mkd_record_decode(const uint8_t *buf, uint64_t dump_id,
		       struct mkd_record *r);
/* Size of a record with its payload, or 0 if that overflows. */
uint64_t mkd_record_span(const struct mkd_record *r);

void mkd_run_encode(const struct mkd_run_entry *e, uint8_t *out);
void mkd_run_decode(const uint8_t *buf, struct mkd_run_entry *e);
void mkd_block_entry_encode(const struct mkd_block_entry *e, uint8_t *out);
void mkd_block_entry_decode(const uint8_t *buf, struct mkd_block_entry *e);
void mkd_section_entry_encode(const struct mkd_section_entry *e,
			      uint8_t *out);
void mkd_section_entry_decode(const uint8_t *buf, struct mkd_section_entry *e);
void mkd_seg_head_encode(const struct mkd_seg_head *s, uint8_t *out);
void mkd_seg_head_decode(const uint8_t *buf, struct mkd_seg_head *s);
void mkd_dir_entry_encode(const struct mkd_dir_entry *d, uint8_t *out);
void mkd_dir_entry_decode(const uint8_t *buf, struct mkd_dir_entry *d);
void mkd_end_head_encode(const struct mkd_end_head *e, uint8_t *out);
void mkd_end_head_decode(const uint8_t *buf, struct mkd_end_head *e);
void mkd_trailer_encode(const struct mkd_trailer *t, uint8_t *out);
/* False unless magic and checksum (seeded with dump_id) are right. */
bool mkd_trailer_decode(const uint8_t *buf, uint64_t dump_id,
			struct mkd_trailer *t);
void mkd_summary_encode(const struct mkd_summary *s, uint8_t *out);
/*
 * A SPLIT section (mkd-part.c): the head and the ranges of all parts.
 * Encoding takes MKD_SPLIT_HEAD_SIZE + 16 * count bytes at out; decoding
 * checks the ranges follow each other from 0 to max_pfn and returns them
 * in a new array (paths NULL), or MKD_ERR_CORRUPT.
 */
void mkd_split_encode(const struct mkd_split_head *h,
		      const struct mkd_part *parts, uint8_t *out);
struct mkd_error *mkd_split_decode(const uint8_t *buf, uint64_t len,
				   struct mkd_split_head *h,
				   struct mkd_part **parts);

/* The library's codec for a file codec, false if there is none. */
bool mkd_file_codec_to(uint16_t fcodec, enum mkd_codec *codec);
uint16_t mkd_file_codec_from(enum mkd_codec codec);

#endif /* MKD_LAYOUT_H */
