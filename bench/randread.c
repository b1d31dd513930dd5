// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * randread.c - random 4 KiB page reads from a dump through libmkdump:
 *   randread DUMP [READS [CACHE_PAGES]]
 * Reads every page with data once (a warm-up: the file is then in the OS
 * cache), then READS pages picked at random among them, and prints reads
 * per second.  CACHE_PAGES sets libmkdump's page cache (0: off, so every
 * read goes to the format; default: the library's).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mkdump.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void check(struct mkd_error *err)
{
	if (!err)
		return;
	fprintf(stderr, "randread: %s\n", mkd_error_message(err));
	exit(1);
}

/* The pfns of every present page. */
static uint64_t *present_pfns(struct mkd_dump *dump, uint64_t *n)
{
	uint64_t *pfns = NULL, cap = 0, pfn = 0, i;

	*n = 0;
	while (pfn < mkd_dump_max_pfn(dump)) {
		struct mkd_page_run run;

		check(mkd_page_state(dump, pfn, &run));
		for (i = 0; run.state == MKD_PAGE_PRESENT && i < run.count;
		     i++) {
			if (*n == cap) {
				cap = cap * 2 + 1024;
				pfns = realloc(pfns, cap * sizeof(*pfns));
				if (!pfns)
					exit(1);
			}
			pfns[(*n)++] = pfn + i;
		}
		pfn += run.count;
	}
	return pfns;
}

int main(int argc, char **argv)
{
	uint64_t reads = argc > 2 ? strtoull(argv[2], NULL, 0) : 200000;
	uint64_t *pfns, n, i, seed = 1;
	struct mkd_dump *dump;
	uint8_t page[65536];
	uint32_t ps;
	double t;

	if (argc < 2) {
		fprintf(stderr, "usage: randread DUMP [READS [CACHE_PAGES]]\n");
		return 2;
	}
	check(mkd_dump_open(argv[1], NULL, &dump));
	if (argc > 3)
		check(mkd_dump_set_cache_size(dump,
					      strtoull(argv[3], NULL, 0)));
	ps = mkd_dump_page_size(dump);
	pfns = present_pfns(dump, &n);
	for (i = 0; i < n; i++)
		check(mkd_read_phys(dump, pfns[i] * ps, page, ps, NULL));
	t = now();
	for (i = 0; n && i < reads; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		check(mkd_read_phys(dump, pfns[(seed >> 33) % n] * ps, page,
				    ps, NULL));
	}
	t = now() - t;
	printf("%" PRIu64 " pages with data, %" PRIu64
	       " random reads in %.2f s: %.0f reads/s\n", n, reads, t,
	       reads / t);
	mkd_dump_destroy(dump);
	free(pfns);
	return 0;
}
