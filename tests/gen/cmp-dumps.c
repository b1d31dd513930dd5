// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmp-dumps.c - cmp-dumps A B: every page with data in dump A (present or
 * zero) must read the same from dump B.  Prints how many pages were
 * compared, differ, or are missing from B; exits 1 on any difference or
 * missing page, 2 on usage or open errors.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkdump.h"

struct counts {
	uint64_t compared, differing, missing;
};

static struct mkd_dump *open_dump(const char *path)
{
	struct mkd_dump *dump = NULL;
	struct mkd_error *err = mkd_dump_open(path, NULL, &dump);

	if (err) {
		fprintf(stderr, "cmp-dumps: %s\n", mkd_error_message(err));
		mkd_error_destroy(err);
		exit(2);
	}
	return dump;
}

static void first_bad(const char *what, uint64_t pfn, const char *why)
{
	static int shown;

	if (shown++ < 10)
		fprintf(stderr, "cmp-dumps: pfn 0x%" PRIx64 " %s%s%s\n", pfn,
			what, why ? ": " : "", why ? why : "");
}

static void compare_page(struct mkd_dump *a, struct mkd_dump *b,
			 uint64_t pfn, uint8_t *pa, uint8_t *pb,
			 struct counts *n)
{
	uint32_t ps = mkd_dump_page_size(a);
	struct mkd_error *err = mkd_read_phys(a, pfn * ps, pa, ps, NULL);

	if (err) {	/* A cannot give it either: nothing to compare */
		mkd_error_destroy(err);
		return;
	}
	n->compared++;
	err = mkd_read_phys(b, pfn * ps, pb, ps, NULL);
	if (err) {
		n->missing++;
		first_bad("is missing from B", pfn, mkd_error_message(err));
		mkd_error_destroy(err);
	} else if (memcmp(pa, pb, ps)) {
		n->differing++;
		first_bad("differs", pfn, NULL);
	}
}

static int walk(struct mkd_dump *a, struct mkd_dump *b, struct counts *n)
{
	uint64_t pfn = 0, max = mkd_dump_max_pfn(a);
	uint32_t ps = mkd_dump_page_size(a);
	uint8_t *pa = malloc(ps), *pb = malloc(ps);

	if (!pa || !pb)
		return -1;
	while (pfn < max) {
		struct mkd_page_run run;
		struct mkd_error *err = mkd_page_state(a, pfn, &run);
		uint64_t i;

		if (err) {
			fprintf(stderr, "cmp-dumps: %s\n",
				mkd_error_message(err));
			mkd_error_destroy(err);
			return -1;
		}
		if (run.count > max - pfn)
			run.count = max - pfn;
		if (run.state == MKD_PAGE_PRESENT || run.state == MKD_PAGE_ZERO)
			for (i = 0; i < run.count; i++)
				compare_page(a, b, pfn + i, pa, pb, n);
		pfn += run.count;
	}
	free(pa);
	free(pb);
	return 0;
}

int main(int argc, char **argv)
{
	struct counts n = { 0 };
	struct mkd_dump *a, *b;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: cmp-dumps A B\n");
		return 2;
	}
	a = open_dump(argv[1]);
	b = open_dump(argv[2]);
	if (mkd_dump_page_size(a) != mkd_dump_page_size(b)) {
		fprintf(stderr, "cmp-dumps: page sizes differ\n");
		return 1;
	}
	rc = walk(a, b, &n);
	printf("%" PRIu64 " compared, %" PRIu64 " differing, %" PRIu64
	       " missing\n", n.compared, n.differing, n.missing);
	mkd_dump_destroy(a);
	mkd_dump_destroy(b);
	if (rc < 0)
		return 2;
	return n.differing || n.missing ? 1 : 0;
}
