/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * export.h - what the writers of foreign formats (ELF vmcore,
 * kdump-compressed) share: an output that is a plain descriptor or a
 * flattened stream, one walk over the source's pages cut at its RAM
 * ranges, one "read pages, zero what cannot be read and count it" loop,
 * and the notes every vmcore carries.
 *
 * Writers make two passes: the walk (page states only, no data) decides
 * the layout, which these formats put before the data; then the data is
 * read in pfn order and written.  A page the walk saw with data whose
 * read then fails is written as the format allows (ELF: zeros; kdump: a
 * lost descriptor) and counted, never passed off as data.
 */
#ifndef MKD_EXPORT_H
#define MKD_EXPORT_H

#include "internal.h"

/*
 * An output at offsets relative to where it starts.  A seekable one is
 * written with pwrite (any order); a pipe only in order.  Flattened, each
 * write becomes a record (adjacent writes share one), so any order goes
 * to a pipe.  The first failure sticks: every later call returns it.
 */
struct mkd_out {
	int fd;
	const char *name;
	bool flat;
	bool seekable;
	uint64_t base;		/* fd's offset when we started */
	uint64_t pos;		/* end of what was written: a pipe takes only writes there */
	uint8_t *buf;
	size_t fill;
	uint64_t buf_off;	/* plain: offset of buf[0] */
	size_t rec_hdr;		/* flat: where the open record's header is */
	uint64_t rec_off, rec_len;	/* flat: the open record, if rec_len */
	uint64_t bytes;		/* written to fd */
	struct mkd_error *failed;
};

struct mkd_error *mkd_out_init(struct mkd_out *o, int fd, const char *name,
			       bool flat);
struct mkd_error *mkd_out_write(struct mkd_out *o, uint64_t off,
				const void *data, size_t len);
/* Flush; a flattened stream gets its end record. */
struct mkd_error *mkd_out_finish(struct mkd_out *o);
void mkd_out_deinit(struct mkd_out *o);

/*
 * Called for each run of pages of one state, in pfn order, cut where RAM
 * ranges start and end: ram is the range holding the run, or NULL for
 * pages outside every range.
 */
typedef struct mkd_error *mkd_export_run_fn(void *arg,
					    const struct mkd_range *ram,
					    const struct mkd_page_run *run);
struct mkd_error *mkd_export_walk(struct mkd_dump *src,
				  mkd_export_run_fn *fn, void *arg);

static inline bool mkd_state_has_data(enum mkd_page_state s)
{
	return s == MKD_PAGE_PRESENT || s == MKD_PAGE_ZERO;
}

/*
 * Read n pages from pfn into buf.  A page that cannot be read is filled
 * with zeros, ok[i] (if ok) is false and its state is counted in
 * missing[] (a page meant to have data counts as LOST).  Only errors
 * that are not about a page (out of memory...) are returned.
 */
struct mkd_error *mkd_export_read(struct mkd_dump *src, uint64_t pfn,
				  size_t n, uint8_t *buf, bool *ok,
				  uint64_t missing[MKD_PAGE_STATE_COUNT]);

/*
 * The source's ELF notes, with a VMCOREINFO note added when the dump has
 * VMCOREINFO text but no such note.  *buf is the caller's to free.
 */
struct mkd_error *mkd_export_notes(const struct mkd_dump *src, uint8_t **buf,
				   size_t *len);

/* Progress, if the caller asked for it. */
void mkd_export_progress(const struct mkd_export_options *o, uint64_t pfn,
			 uint64_t max_pfn, uint64_t bytes);

struct mkd_error *mkd_export_elf(struct mkd_dump *src, struct mkd_out *out,
				 const struct mkd_export_options *o,
				 struct mkd_export_stats *st);
struct mkd_error *mkd_export_kdump(struct mkd_dump *src, struct mkd_out *out,
				   const struct mkd_export_options *o,
				   struct mkd_export_stats *st);

#endif /* MKD_EXPORT_H */
