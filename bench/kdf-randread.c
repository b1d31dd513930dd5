// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kdf-randread.c - the peer's side of randread.c: random 4 KiB page reads
 * through libkdumpfile from a makedumpfile dump:
 *   kdf-randread KDUMP MKD [READS]
 * The pages read are those present in MKD, an mkd capture of the same
 * vmcore, so both readers read the same pages; a warm-up reads each once.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <libkdumpfile/kdumpfile.h>

#include "mkdump.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t *present_pfns(const char *path, uint64_t *n)
{
	uint64_t *pfns = NULL, cap = 0, pfn = 0, i;
	struct mkd_dump *dump;

	if (mkd_dump_open(path, NULL, &dump))
		exit(1);
	*n = 0;
	while (pfn < mkd_dump_max_pfn(dump)) {
		struct mkd_page_run run;

		if (mkd_page_state(dump, pfn, &run))
			exit(1);
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
	mkd_dump_destroy(dump);
	return pfns;
}

static void read_page(kdump_ctx_t *ctx, uint64_t pfn, char *buf)
{
	size_t len = 4096;

	if (kdump_read(ctx, KDUMP_MACHPHYSADDR, pfn * 4096, buf, &len) ==
	    KDUMP_OK)
		return;
	fprintf(stderr, "kdf-randread: pfn 0x%" PRIx64 ": %s\n", pfn,
		kdump_get_err(ctx));
	exit(1);
}

int main(int argc, char **argv)
{
	uint64_t reads = argc > 3 ? strtoull(argv[3], NULL, 0) : 100000;
	kdump_ctx_t *ctx = kdump_new();
	uint64_t *pfns, n, i, seed = 1;
	char buf[4096];
	double t;
	int fd;

	if (argc < 3 || !ctx) {
		fprintf(stderr, "usage: kdf-randread KDUMP MKD [READS]\n");
		return 2;
	}
	pfns = present_pfns(argv[2], &n);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || kdump_open_fd(ctx, fd) != KDUMP_OK) {
		fprintf(stderr, "kdf-randread: %s\n", kdump_get_err(ctx));
		return 1;
	}
	for (i = 0; i < n; i++)
		read_page(ctx, pfns[i], buf);
	t = now();
	for (i = 0; n && i < reads; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		read_page(ctx, pfns[(seed >> 33) % n], buf);
	}
	t = now() - t;
	printf("%" PRIu64 " pages with data, %" PRIu64
	       " random reads in %.2f s: %.0f reads/s\n", n, reads, t,
	       reads / t);
	kdump_free(ctx);
	free(pfns);
	return 0;
}
