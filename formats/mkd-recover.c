// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mkd-recover.c - the index of an mkd dump that was cut short (or whose
 * end is damaged): the last good INDEX record, found by scanning the file
 * backwards from its end, and the chain of INDEX records before it.
 * Where the chain breaks, one segment marked bad stands for everything
 * before, so what follows still reads.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mkd-reader.h"

#define SCAN_CHUNK (1u << 20)

/* Is there a good INDEX record at offset?  Its payload in *payload. */
static bool try_index(struct mkd_reader *r, uint64_t offset,
		      const uint8_t *head, uint8_t **payload)
{
	struct mkd_seg_head sh;
	struct mkd_record rec;
	struct mkd_error *err;
	uint8_t *buf;

	if (!mkd_record_decode(head, r->h.dump_id, &rec) ||
	    rec.type != MKD_REC_INDEX || rec.length < MKD_SEG_HEAD_SIZE ||
	    rec.length > MKD_MAX_INDEX_BYTES)
		return false;
	err = mkd_reader_read_record(r, offset, MKD_REC_INDEX, rec.length,
				     &rec, &buf);
	if (err) {
		mkd_error_destroy(err);
		return false;
	}
	mkd_seg_head_decode(buf + MKD_RECORD_SIZE, &sh);
	if (sh.self_offset != offset || !mkd_reader_index_ok(&sh, rec.length)) {
		free(buf);
		return false;
	}
	*payload = buf;
	return true;
}

/* Scan one chunk [start, pos) from its end; *found is the offset. */
static bool scan_chunk(struct mkd_reader *r, const uint8_t *buf, size_t len,
		       uint64_t start, uint64_t pos, uint64_t *found,
		       uint8_t **payload)
{
	size_t left = (size_t)(pos - start);
	const uint8_t *m;

	while (left && (m = memrchr(buf, 'M', left))) {
		size_t at = (size_t)(m - buf);

		left = at;
		if (at + MKD_RECORD_SIZE <= len &&
		    try_index(r, start + at, m, payload)) {
			*found = start + at;
			return true;
		}
	}
	return false;
}

/*
 * The last good INDEX record, scanning backwards from the end in chunks
 * (each read overlaps the next by a record header).
 */
static struct mkd_error *scan_back(struct mkd_reader *r, uint64_t *found,
				   uint8_t **payload)
{
	uint64_t pos = r->f->size, first = r->h.header_size;
	uint8_t *buf = malloc(SCAN_CHUNK + MKD_RECORD_SIZE);
	struct mkd_error *err = NULL;

	*payload = NULL;
	if (!buf)
		return &mkd_enomem;
	while (!err && pos > first) {
		uint64_t start = pos - first > SCAN_CHUNK ? pos - SCAN_CHUNK
							  : first;
		size_t len = (size_t)(pos - start), got;

		len += r->f->size - pos < MKD_RECORD_SIZE ?
		       (size_t)(r->f->size - pos) : MKD_RECORD_SIZE;
		err = mkd_file_read_partial(r->f, buf, len, start, &got);
		if (!err && scan_chunk(r, buf, got, start, pos, found, payload))
			break;
		pos = start;
	}
	free(buf);
	return err;
}

/* Walk the records after the header while they are sections. */
static struct mkd_error *leading_sections(struct mkd_reader *r)
{
	uint64_t off = r->h.header_size;
	uint8_t head[MKD_RECORD_SIZE];
	struct mkd_record rec;

	r->sections = calloc(MAX_SECTIONS, sizeof(*r->sections));
	if (!r->sections)
		return &mkd_enomem;
	while (r->nsections < MAX_SECTIONS &&
	       mkd_reader_peek(r, off, &rec, head, sizeof(head)) &&
	       rec.type == MKD_REC_SECTION && rec.length <= UINT32_MAX) {
		r->sections[r->nsections++] = (struct mkd_section_entry){
			off, (uint32_t)rec.arg1, (uint32_t)rec.length,
		};
		off += mkd_record_span(&rec);
	}
	return NULL;
}

/* Segment k's directory entry from its record; false if it is bad. */
static bool chain_entry(struct mkd_reader *r, uint64_t offset, uint64_t k,
			struct mkd_dir_entry *d, uint64_t *prev)
{
	uint8_t head[MKD_RECORD_SIZE + MKD_SEG_HEAD_SIZE];
	struct mkd_seg_head sh;
	struct mkd_record rec;

	if (!mkd_reader_peek(r, offset, &rec, head, sizeof(head)) ||
	    rec.type != MKD_REC_INDEX || rec.arg1 != k)
		return false;
	mkd_seg_head_decode(head + MKD_RECORD_SIZE, &sh);
	if (sh.self_offset != offset || !mkd_reader_index_ok(&sh, rec.length) ||
	    (k ? rec.arg2 >= offset : rec.arg2 != 0))
		return false;
	*d = (struct mkd_dir_entry){
		offset, sh.start_pfn, sh.end_pfn, sh.first_block,
		sh.nblocks, sh.nruns, rec.length,
	};
	*prev = rec.arg2;
	return true;
}

/* Segment 0 stands for everything before checkpoint k: it is bad. */
static struct mkd_error *chain_broken(struct mkd_reader *r, uint64_t k)
{
	struct seg *bad = &r->segs[0];

	bad->d.end_pfn = r->nsegs > 1 ? r->segs[1].d.start_pfn : 0;
	bad->loaded = true;
	if (asprintf(&bad->bad, "the index chain breaks before checkpoint %llu",
		     (unsigned long long)k) < 0)
		return &mkd_enomem;
	return NULL;
}

/*
 * Follow the INDEX records back from the last one, keeping only what is
 * found (so memory follows the file, not the segment number it claims).
 * Where the chain breaks, one segment marked bad stands for everything
 * before.
 */
static struct mkd_error *follow_chain(struct mkd_reader *r, uint64_t offset,
				      uint64_t last)
{
	struct mkd_dir_entry *found = NULL, d;
	struct mkd_error *err = NULL;
	size_t n = 0, cap = 0, i;
	uint64_t k = last + 1;	/* segments k and after are found */

	while (k > 0 && chain_entry(r, offset, k - 1, &d, &offset)) {
		if (!mkd_array_reserve(&found, &cap, n + 1, sizeof(*found))) {
			free(found);
			return &mkd_enomem;
		}
		found[n++] = d;
		k--;
	}
	r->nsegs = n + (k > 0);
	r->segs = calloc(r->nsegs, sizeof(*r->segs));
	if (r->segs)
		for (i = 0; i < n; i++)
			r->segs[r->nsegs - 1 - i].d = found[i];
	free(found);
	if (!r->segs)
		return &mkd_enomem;
	if (k > 0)
		err = chain_broken(r, k);
	if (err)
		return err;
	r->end_pfn = r->segs[r->nsegs - 1].d.end_pfn;
	return mkd_reader_directory_ok(r) ? NULL :
	       mkd_error_create(MKD_ERR_CORRUPT,
				"the checkpoints do not follow each other");
}

struct mkd_error *mkd_reader_recover(struct mkd_reader *r)
{
	struct mkd_seg_head sh;
	struct mkd_record rec;
	struct mkd_error *err;
	uint64_t found;
	uint8_t *buf;

	err = scan_back(r, &found, &buf);
	if (err)
		return err;
	if (!buf)
		return leading_sections(r);	/* cut before any checkpoint */
	mkd_record_decode(buf, r->h.dump_id, &rec);
	mkd_seg_head_decode(buf + MKD_RECORD_SIZE, &sh);
	err = mkd_reader_sections_decode(r, buf + MKD_RECORD_SIZE +
					 MKD_SEG_HEAD_SIZE + MKD_ENTRY_SIZE *
					 ((uint64_t)sh.nruns + sh.nblocks),
					 sh.nsections);
	if (!err)
		err = follow_chain(r, found, rec.arg1);
	free(buf);
	return err;
}

