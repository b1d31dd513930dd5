/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vwindow.h - a window of kernel virtual memory read in one go, that
 * remembers which of its pages could not be read instead of failing.
 *
 * For walking big arrays of a dump (the printk ring buffer's descriptors,
 * say) a chunk at a time: one read per chunk, and a page filtered out of
 * the dump costs only the elements that lie on it.
 *
 * Invariants: the window never holds more than the capacity given to
 * mkd_vwindow_init(); mkd_vwindow_get() only returns bytes that were
 * actually read from the dump.
 */
#ifndef MKD_VWINDOW_H
#define MKD_VWINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mkd_dump;
struct mkd_error;

struct mkd_vwindow {
	uint64_t start;		/* virtual address of data[0] */
	size_t len;		/* bytes loaded */
	size_t cap;		/* bytes data can hold */
	uint8_t *data;
	bool *page_bad;		/* by page, counted from start's page */
	size_t npages;		/* entries in page_bad */
	uint32_t page_size;
	unsigned page_shift;
};

/* Room for cap bytes; MKD_ERR_NOMEM or MKD_ERR_INVALID on failure. */
struct mkd_error *mkd_vwindow_init(struct mkd_vwindow *w,
				   const struct mkd_dump *dump, size_t cap);
void mkd_vwindow_deinit(struct mkd_vwindow *w);
/*
 * Read len bytes (at most the capacity) at vaddr.  Pages that are not in
 * the dump, not mapped or damaged are remembered as missing; any other
 * error (I/O, out of memory) is returned.
 */
struct mkd_error *mkd_vwindow_load(struct mkd_vwindow *w,
				   struct mkd_dump *dump, uint64_t vaddr,
				   size_t len);
/* The len bytes at vaddr, or NULL if outside the window or missing. */
const uint8_t *mkd_vwindow_get(const struct mkd_vwindow *w, uint64_t vaddr,
			       size_t len);

#endif /* MKD_VWINDOW_H */
