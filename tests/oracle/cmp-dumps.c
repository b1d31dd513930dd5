// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmp-dumps - compare two dumps of the same memory page by page.
 *
 *   cmp-dumps [-v] [-s] A-FILE... -- B-FILE...
 *
 * Each side is one dump (several files: a split set).  Walks the pfns of
 * both by page-state runs; every page with data on both sides (present or
 * zero) is read from both and compared.  Prints one line of counts
 *   compared=N differing=N only_a=N only_b=N lost_a=N lost_b=N
 * and, with -v, the first differing pfns on stderr.  Exit 0 when nothing
 * differs, 1 when pages differ (with -s, "strict", also when a page with
 * data in A has none in B), 2 on errors.  Test-only: uses just the
 * public library interface.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkdump.h"

struct side {
	struct mkd_dump *dump;
	struct mkd_page_run run;	/* the run holding the current pfn */
	uint64_t pages, lost;
};

struct counts {
	uint64_t compared, differing, only_a, only_b;
};

static int die(const char *what, struct mkd_error *err)
{
	fprintf(stderr, "cmp-dumps: %s: %s\n", what, mkd_error_message(err));
	mkd_error_destroy(err);
	return 2;
}

static bool has_data(enum mkd_page_state s)
{
	return s == MKD_PAGE_PRESENT || s == MKD_PAGE_ZERO;
}

/* The run of side s that holds pfn (runs are asked for lazily). */
static struct mkd_error *state_at(struct side *s, uint64_t pfn)
{
	if (pfn >= s->run.pfn && pfn - s->run.pfn < s->run.count)
		return NULL;
	return mkd_page_state(s->dump, pfn, &s->run);
}

static struct mkd_error *compare_page(struct side *a, struct side *b,
				      uint64_t pfn, uint8_t *pa, uint8_t *pb,
				      struct counts *c, bool verbose)
{
	uint32_t ps = mkd_dump_page_size(a->dump);
	struct mkd_error *err;

	err = mkd_read_phys(a->dump, pfn * ps, pa, ps, NULL);
	if (!err)
		err = mkd_read_phys(b->dump, pfn * ps, pb, ps, NULL);
	if (err)
		return err;
	c->compared++;
	if (memcmp(pa, pb, ps)) {
		if (verbose && c->differing < 20)
			fprintf(stderr, "differs: pfn 0x%" PRIx64 "\n", pfn);
		c->differing++;
	}
	return NULL;
}

/* One stretch of pfns where neither side changes state. */
static struct mkd_error *walk_stretch(struct side *a, struct side *b,
				      uint64_t pfn, uint64_t n, uint8_t *pa,
				      uint8_t *pb, struct counts *c,
				      bool verbose)
{
	bool da = has_data(a->run.state), db = has_data(b->run.state);
	struct mkd_error *err = NULL;
	uint64_t i;

	a->lost += a->run.state == MKD_PAGE_LOST ? n : 0;
	b->lost += b->run.state == MKD_PAGE_LOST ? n : 0;
	if (da && !db)
		c->only_a += n;
	if (db && !da)
		c->only_b += n;
	for (i = 0; da && db && !err && i < n; i++)
		err = compare_page(a, b, pfn + i, pa, pb, c, verbose);
	return err;
}

static int compare(struct side *a, struct side *b, bool verbose, bool strict)
{
	uint64_t max = mkd_dump_max_pfn(a->dump), pfn = 0;
	uint32_t ps = mkd_dump_page_size(a->dump);
	uint8_t *pa = malloc(ps), *pb = malloc(ps);
	struct counts c = { 0 };
	struct mkd_error *err = NULL;

	if (mkd_dump_max_pfn(b->dump) > max)
		max = mkd_dump_max_pfn(b->dump);
	a->run.count = b->run.count = 0;
	while (!err && pfn < max) {
		uint64_t n;

		err = state_at(a, pfn);
		if (!err)
			err = state_at(b, pfn);
		if (err)
			break;
		n = a->run.pfn + a->run.count - pfn;
		if (b->run.pfn + b->run.count - pfn < n)
			n = b->run.pfn + b->run.count - pfn;
		if (n > max - pfn)
			n = max - pfn;
		err = walk_stretch(a, b, pfn, n, pa, pb, &c, verbose);
		pfn += n;
	}
	free(pa);
	free(pb);
	if (err)
		return die("comparing", err);
	printf("compared=%" PRIu64 " differing=%" PRIu64 " only_a=%" PRIu64
	       " only_b=%" PRIu64 " lost_a=%" PRIu64 " lost_b=%" PRIu64 "\n",
	       c.compared, c.differing, c.only_a, c.only_b, a->lost, b->lost);
	return c.differing || (strict && c.only_a) ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct side a = { 0 }, b = { 0 };
	struct mkd_error *err;
	bool verbose = false, strict = false;
	int first = 1, sep, rc;

	for (; first < argc && argv[first][0] == '-' && argv[first][1] &&
	       strcmp(argv[first], "--"); first++) {
		if (!strcmp(argv[first], "-v"))
			verbose = true;
		else if (!strcmp(argv[first], "-s"))
			strict = true;
		else
			break;
	}

	for (sep = first; sep < argc && strcmp(argv[sep], "--"); sep++)
		;
	if (sep == first || sep >= argc - 1) {
		fprintf(stderr, "usage: cmp-dumps [-v] [-s] A-FILE... -- B-FILE...\n");
		return 2;
	}
	err = mkd_dump_open_files((const char *const *)argv + first,
				  (size_t)(sep - first), NULL, &a.dump);
	if (err)
		return die(argv[first], err);
	err = mkd_dump_open_files((const char *const *)argv + sep + 1,
				  (size_t)(argc - sep - 1), NULL, &b.dump);
	if (err) {
		mkd_dump_destroy(a.dump);
		return die(argv[sep + 1], err);
	}
	if (mkd_dump_page_size(a.dump) != mkd_dump_page_size(b.dump)) {
		fprintf(stderr, "cmp-dumps: page sizes differ\n");
		rc = 2;
	} else {
		rc = compare(&a, &b, verbose, strict);
	}
	mkd_dump_destroy(a.dump);
	mkd_dump_destroy(b.dump);
	return rc;
}
