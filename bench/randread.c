// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * randread.c - random 4 KiB page reads from a dump through libmkdump:
 * randread DUMP [READS] [CACHE_PAGES]
 * Reads every page with data once (warm-up: the OS cache holds the file
 * afterwards), then READS pages chosen at random among them, and prints
 * reads per second.  CACHE_PAGES sets libmkdump's page cache (default:
 * the library's; 0 turns it off, so every read goes to the format).
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

static void die(struct mkd_error *err)
{
	fprintf(stderr, "randread: %s\n", mkd_error_message(err));
	exit(1);
}

int main(int argc, char **argv)
{
	uint64_t reads = argc > 2 ? strtoull(argv[2], NULL, 0) : 200000;
	uint64_t *pfns = NULL, n = 0, cap = 0, pfn = 0, i, seed = 1;
	struct mkd_dump *dump;
	struct mkd_error *err;
	uint8_t page[65536];
	uint32_t ps;
	double t;

	if (argc < 2 || (err = mkd_dump_open(argv[1], NULL, &dump)))
		return argc < 2 ? (fprintf(stderr, "usage: randread DUMP [READS] [CACHE]\n"), 2)
				: (die(err), 1);
	if (argc > 3 && (err = mkd_dump_set_cache_size(dump, strtoull(argv[3], NULL, 0))))
		die(err);
	ps = mkd_dump_page_size(dump);
	while (pfn < mkd_dump_max_pfn(dump)) {
		struct mkd_page_run run;

		if ((err = mkd_page_state(dump, pfn, &run)))
			die(err);
		for (i = 0; run.state == MKD_PAGE_PRESENT && i < run.count; i++) {
			if (n == cap && !(pfns = realloc(pfns, (cap = cap * 2 + 1024) * 8)))
				return 1;
			pfns[n++] = pfn + i;
		}
		pfn += run.count;
	}
	for (i = 0; i < n; i++)
		if ((err = mkd_read_phys(dump, pfns[i] * ps, page, ps, NULL)))
			die(err);
	t = now();
	for (i = 0; i < reads; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		if ((err = mkd_read_phys(dump, pfns[(seed >> 33) % n] * ps, page, ps, NULL)))
			die(err);
	}
	t = now() - t;
	printf("%" PRIu64 " pages with data, %" PRIu64 " random reads in %.2f s: %.0f reads/s\n",
	       n, reads, t, reads / t);
	mkd_dump_destroy(dump);
	free(pfns);
	return 0;
}
