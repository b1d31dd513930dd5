// SPDX-License-Identifier: LGPL-2.1-or-later
/* vwindow.c - a window of kernel virtual memory with holes (see vwindow.h) */
#include <stdlib.h>

#include "internal.h"
#include "vwindow.h"

struct mkd_error *mkd_vwindow_init(struct mkd_vwindow *w,
				   const struct mkd_dump *dump, size_t cap)
{
	memset(w, 0, sizeof(*w));
	if (!cap || !dump->page_size)
		return mkd_error_create(MKD_ERR_INVALID,
					"a memory window needs a size");
	w->page_size = dump->page_size;
	w->page_shift = dump->page_shift;
	/* An unaligned window touches one page more than it spans. */
	w->npages = cap / w->page_size + 2;
	w->data = malloc(cap);
	w->page_bad = calloc(w->npages, sizeof(*w->page_bad));
	if (!w->data || !w->page_bad) {
		mkd_vwindow_deinit(w);
		return &mkd_enomem;
	}
	w->cap = cap;
	return NULL;
}

void mkd_vwindow_deinit(struct mkd_vwindow *w)
{
	free(w->data);
	free(w->page_bad);
	memset(w, 0, sizeof(*w));
}

/* Errors that mean "this page cannot be had", as opposed to "stop". */
static bool is_missing_page(const struct mkd_error *err)
{
	switch (mkd_error_code(err)) {
	case MKD_ERR_NO_DATA:
	case MKD_ERR_NO_TRANSLATION:
	case MKD_ERR_CORRUPT:
	case MKD_ERR_TRUNCATED:
		return true;
	default:
		return false;
	}
}

static size_t page_index(const struct mkd_vwindow *w, uint64_t vaddr)
{
	return (size_t)((vaddr >> w->page_shift) - (w->start >> w->page_shift));
}

struct mkd_error *mkd_vwindow_load(struct mkd_vwindow *w,
				   struct mkd_dump *dump, uint64_t vaddr,
				   size_t len)
{
	size_t off = 0;

	if (len > w->cap || (len && vaddr + (len - 1) < vaddr))
		return mkd_error_create(MKD_ERR_INVALID,
					"window of %zu bytes at 0x%llx does not fit",
					len, (unsigned long long)vaddr);
	w->start = vaddr;
	w->len = len;
	memset(w->page_bad, 0, w->npages * sizeof(*w->page_bad));
	while (off < len) {
		struct mkd_error *err;
		size_t done = 0;
		uint64_t va;

		err = mkd_read_virt(dump, vaddr + off, w->data + off,
				    len - off, &done);
		if (!err)
			break;
		if (!is_missing_page(err))
			return err;
		mkd_error_destroy(err);
		/* Skip the page that failed; its bytes read as zeros. */
		va = vaddr + off + done;
		w->page_bad[page_index(w, va)] = true;
		off = (size_t)((va | (w->page_size - 1)) + 1 - vaddr);
		if (off > len)
			off = len;
		memset(w->data + (va - vaddr), 0, off - (size_t)(va - vaddr));
	}
	return NULL;
}

const uint8_t *mkd_vwindow_get(const struct mkd_vwindow *w, uint64_t vaddr,
			       size_t len)
{
	size_t first, last, i;

	if (!len || vaddr < w->start || vaddr - w->start > w->len ||
	    len > w->len - (vaddr - w->start))
		return NULL;
	first = page_index(w, vaddr);
	last = page_index(w, vaddr + len - 1);
	for (i = first; i <= last; i++)
		if (w->page_bad[i])
			return NULL;
	return w->data + (vaddr - w->start);
}
