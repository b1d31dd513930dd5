/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mkd-reader.h - what the two files of the mkd reader share: mkd.c opens
 * dumps and reads pages, mkd-recover.c finds the index of a dump that was
 * cut short.  Nothing outside formats/mkd*.c includes this.
 */
#ifndef MKD_READER_H
#define MKD_READER_H

#include "mkd-layout.h"

#define MAX_SECTIONS 4096

struct seg {
	struct mkd_dir_entry d;
	bool loaded;
	char *bad;			/* why it cannot be used, or NULL */
	struct mkd_run_entry *runs;
	uint64_t *rank;			/* stored pages before each run */
	struct mkd_block_entry *blocks;
};

struct slot {
	uint64_t block;
	uint64_t used;			/* LRU clock */
	bool valid;
	uint8_t *data;
};

struct mkd_reader {
	struct mkd_fheader h;
	struct mkd_file *f;
	bool apply;			/* sections describe the dump */
	bool incomplete;		/* no good END: cut short */
	uint64_t max_pfn;		/* of this file */
	bool has_split;			/* a part of a split set: */
	struct mkd_split_head split;
	struct mkd_part *parts;		/* the ranges of all its parts */
	struct seg *segs;
	size_t nsegs;
	uint64_t end_pfn;		/* the segments describe [0, end_pfn) */
	struct mkd_section_entry *sections;
	size_t nsections;
	uint8_t *rbuf;			/* one block record as read */
	size_t rbuf_cap;
	struct slot *cache;
	size_t ncache;
	uint64_t clock;
	struct mkd_decompressor *dec;
};

/* Is [offset, offset + len) inside the file? */
bool mkd_reader_fits(const struct mkd_reader *r, uint64_t offset,
		     uint64_t len);
/*
 * Read the record at offset with its len-byte payload into a new buffer
 * (*ret): it must be of type and both its checksums good, else
 * MKD_ERR_CORRUPT says why.
 */
struct mkd_error *mkd_reader_read_record(struct mkd_reader *r,
					 uint64_t offset, uint16_t type,
					 uint64_t len, struct mkd_record *rec,
					 uint8_t **ret);
/* The len first bytes of a record; false if it is not this dump's. */
bool mkd_reader_peek(struct mkd_reader *r, uint64_t offset,
		     struct mkd_record *rec, uint8_t *head, size_t len);
/* Does an INDEX payload of len bytes hold what its head counts? */
bool mkd_reader_index_ok(const struct mkd_seg_head *sh, uint64_t len);
/* The segments follow each other from pfn 0, and so do their blocks. */
bool mkd_reader_directory_ok(const struct mkd_reader *r);
/* n section entries at p become r->sections. */
struct mkd_error *mkd_reader_sections_decode(struct mkd_reader *r,
					     const uint8_t *p, uint64_t n);
/*
 * Open one file of an mkd dump.  With apply, its sections (vmcoreinfo,
 * notes, RAM, capture) go into dump; the SPLIT section always goes into
 * the reader.  *ret is set even on failure: destroy it.
 */
struct mkd_error *mkd_reader_open(struct mkd_dump *dump, struct mkd_file *f,
				  bool apply, struct mkd_reader **ret);
/* The run of page states at pfn, as this file alone says. */
struct mkd_error *mkd_reader_page_state(struct mkd_dump *dump,
					struct mkd_reader *r, uint64_t pfn,
					struct mkd_page_run *run);
struct mkd_error *mkd_reader_read_page(struct mkd_dump *dump,
				       struct mkd_reader *r, uint64_t pfn,
				       void *buf);
void mkd_reader_destroy(struct mkd_reader *r);
/*
 * The first section of each type this reader knows, read and checked
 * (mkd-sections.c): into dump when r->apply, SPLIT into r.
 */
struct mkd_error *mkd_reader_read_sections(struct mkd_dump *dump,
					   struct mkd_reader *r);
/*
 * A dump without a good END: the segments and sections from its last
 * good checkpoint (mkd-recover.c).
 */
struct mkd_error *mkd_reader_recover(struct mkd_reader *r);

#endif /* MKD_READER_H */
