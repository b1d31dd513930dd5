// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * read-kdumpfile.c - libkdumpfile (Debian's libkdumpfile-dev) behind the
 * bench's reader interface.  Test-only: the library never links it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <libkdumpfile/kdumpfile.h>

#include "bench.h"

struct kdf {
	kdump_ctx_t *ctx;
	int fd;
};

static void *kdf_open(const char *path, const struct bench_opts *opts,
		      char *why, size_t whylen)
{
	struct kdf *k = calloc(1, sizeof(*k));
	kdump_status st;

	(void)opts;	/* libkdumpfile keeps its own default cache */
	if (!k || !(k->ctx = kdump_new())) {
		snprintf(why, whylen, "out of memory");
		free(k);
		return NULL;
	}
	k->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (k->fd < 0) {
		snprintf(why, whylen, "cannot open '%s'", path);
		goto out_free;
	}
	st = kdump_open_fd(k->ctx, k->fd);
	if (st != KDUMP_OK) {
		snprintf(why, whylen, "%s", kdump_get_err(k->ctx));
		goto out_close;
	}
	return k;

out_close:
	close(k->fd);
out_free:
	kdump_free(k->ctx);
	free(k);
	return NULL;
}

static int kdf_read(void *handle, uint64_t addr, void *buf, size_t len)
{
	struct kdf *k = handle;
	size_t got = len;

	/*
	 * Machine physical: the rawest path.  Kernel physical would first
	 * need addrxlat.ostype set, which sets up translation (not timed
	 * for us either: our translation starts on first use).
	 */
	return kdump_read(k->ctx, KDUMP_MACHPHYSADDR, addr, buf, &got) ==
	       KDUMP_OK ? 0 : -1;
}

/* Runs of set bits in file.pagemap: the pages the file holds. */
static int kdf_present(void *handle, struct bench_runs *runs)
{
	struct kdf *k = handle;
	kdump_attr_t attr = { .type = KDUMP_BITMAP };
	kdump_addr_t pfn = 0, end;
	kdump_num_t page_size, max_pfn = 0;

	if (kdump_get_number_attr(k->ctx, KDUMP_ATTR_PAGE_SIZE, &page_size) ||
	    kdump_get_typed_attr(k->ctx, KDUMP_ATTR_FILE_PAGEMAP, &attr))
		return -1;
	runs->page_size = (uint32_t)page_size;
	while (kdump_bmp_find_set(attr.val.bitmap, &pfn) == KDUMP_OK) {
		end = pfn;
		/* Set to the end: no clear bit after, the run ends at max_pfn. */
		if (kdump_bmp_find_clear(attr.val.bitmap, &end) != KDUMP_OK &&
		    kdump_get_number_attr(k->ctx, "max_pfn", &max_pfn))
			return -1;
		if (end == pfn)
			end = max_pfn;
		if (bench_runs_add(runs, pfn, end - pfn))
			return -1;
		pfn = end;
	}
	return 0;
}

static void kdf_close(void *handle)
{
	struct kdf *k = handle;

	kdump_free(k->ctx);
	close(k->fd);
	free(k);
}

const struct bench_reader bench_kdumpfile = {
	.name = "libkdumpfile",
	.open = kdf_open,
	.read = kdf_read,
	.present = kdf_present,
	.close = kdf_close,
};
