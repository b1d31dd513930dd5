// SPDX-License-Identifier: GPL-2.0-or-later
/* read-mkdump.c - libmkdump behind the bench's reader interface */
#include <stdio.h>

#include "bench.h"
#include "mkdump.h"

static void *mkdump_open(const char *path, const struct bench_opts *opts,
			 char *why, size_t whylen)
{
	struct mkd_dump *dump = NULL;
	struct mkd_error *err = mkd_dump_open(path, NULL, &dump);

	if (!err && opts->cache_pages >= 0)
		err = mkd_dump_set_cache_size(dump, (size_t)opts->cache_pages);
	if (err) {
		mkd_dump_destroy(dump);
		snprintf(why, whylen, "%s", mkd_error_message(err));
		mkd_error_destroy(err);
		return NULL;
	}
	return dump;
}

static int mkdump_read(void *handle, uint64_t addr, void *buf, size_t len)
{
	struct mkd_error *err = mkd_read_phys(handle, addr, buf, len, NULL);

	mkd_error_destroy(err);
	return err ? -1 : 0;
}

static int mkdump_present(void *handle, struct bench_runs *runs)
{
	struct mkd_dump *dump = handle;
	uint64_t pfn = 0, max = mkd_dump_max_pfn(dump);
	struct mkd_page_run run;

	runs->page_size = mkd_dump_page_size(dump);
	while (pfn < max) {
		struct mkd_error *err = mkd_page_state(dump, pfn, &run);

		if (err) {
			mkd_error_destroy(err);
			return -1;
		}
		if (run.count > max - pfn)
			run.count = max - pfn;
		if (run.state == MKD_PAGE_PRESENT &&
		    bench_runs_add(runs, pfn, run.count))
			return -1;
		pfn += run.count;
	}
	return 0;
}

static void mkdump_close(void *handle)
{
	mkd_dump_destroy(handle);
}

const struct bench_reader bench_mkdump = {
	.name = "mkdump",
	.open = mkdump_open,
	.read = mkdump_read,
	.present = mkdump_present,
	.close = mkdump_close,
};
