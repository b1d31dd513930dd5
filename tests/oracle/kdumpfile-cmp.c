// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kdumpfile-cmp - check libmkdump against libkdumpfile, an independent
 * reader of the same formats.
 *
 *   kdumpfile-cmp [-n N] [-r FIRST-LAST] FILE...
 *
 * Opens the dump (several files: a split set) with both libraries, then
 * reads N random pages that libmkdump says have data (default 2000), N
 * random pfns of any state, and every pfn of the hex pfn range FIRST-LAST
 * (inclusive) if given.  A page with data must read the same from both;
 * a page libmkdump says has none must have none in libkdumpfile either.
 * Prints
 *   sampled=N compared=N differing=N presence_mismatch=N zero_filled=N
 * where zero_filled counts pages of ELF dumps that libmkdump says are not
 * in the file and libkdumpfile reads as zeros: it does so for the page
 * just before each PT_LOAD (seen at 0x1efff before a segment at
 * 0x1f000000, in a hole of /proc/vmcore, and at the end of p_memsz >
 * p_filesz tails of makedumpfile -E), and nowhere else.
 * Exit 0 when all agree, 1 when they do not, 2 on errors.  Test-only.
 *
 * libkdumpfile 0.5.1 (Debian 12) fails to decompress pages ("error -2")
 * and then crashes in memcpy once reads of excluded pages are mixed with
 * reads of stored ones on one context; so pages we say have data go to
 * one context, pages we say have none to another, and a context that
 * failed a read is opened afresh.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mkdump.h"

struct both {
	struct mkd_dump *mkd;
	kdump_ctx_t *kd;	/* reads pages libmkdump has */
	kdump_ctx_t *probe;	/* reads pages libmkdump does not have */
	int fds[64];
	unsigned nfds;
	uint32_t ps;
	uint8_t *a, *b;
	uint64_t sampled, compared, differing, mismatch, zero_filled;
};

struct present {		/* runs of pages with data, for sampling */
	uint64_t *pfn, *count, total;
	size_t n, cap;
};

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static kdump_ctx_t *kd_open(const struct both *t)
{
	kdump_ctx_t *kd = kdump_new();

	if (kd && kdump_open_fdset(kd, t->nfds, t->fds) != KDUMP_OK) {
		fprintf(stderr, "kdumpfile-cmp: libkdumpfile: %s\n",
			kdump_get_err(kd));
		kdump_free(kd);
		kd = NULL;
	}
	return kd;
}

/* After a failed read, start over: see the comment at the top. */
static void kd_reopen(struct both *t)
{
	kdump_free(t->kd);
	t->kd = kd_open(t);
	if (!t->kd)
		exit(2);
}

static void check_pfn(struct both *t, uint64_t pfn)
{
	struct mkd_page_run run;
	struct mkd_error *err = mkd_page_state(t->mkd, pfn, &run);
	size_t len = t->ps;
	kdump_status ks;
	bool ours, elf = !strcmp(mkd_dump_format(t->mkd), "elf");

	t->sampled++;
	ours = !err && (run.state == MKD_PAGE_PRESENT ||
			run.state == MKD_PAGE_ZERO);
	mkd_error_destroy(err);
	if (ours) {
		err = mkd_read_phys(t->mkd, pfn * t->ps, t->a, t->ps, NULL);
		ours = !err;
		mkd_error_destroy(err);
	}
	ks = kdump_read(ours ? t->kd : t->probe, KDUMP_MACHPHYSADDR,
			pfn * t->ps, t->b, &len);
	if (elf && !ours && ks == KDUMP_OK && t->b[0] == 0 &&
	    !memcmp(t->b, t->b + 1, t->ps - 1)) {
		t->zero_filled++;
		return;
	}
	if (ours != (ks == KDUMP_OK)) {
		if (t->mismatch++ < 10)
			fprintf(stderr, "pfn 0x%" PRIx64 ": libmkdump %s, libkdumpfile %s\n",
				pfn, ours ? "has data" : "has none",
				ks == KDUMP_OK ? "has data" : kdump_get_err(t->kd));
		if (ours)
			kd_reopen(t);
		return;
	}
	if (!ours)
		return;
	t->compared++;
	if (memcmp(t->a, t->b, t->ps) && t->differing++ < 10)
		fprintf(stderr, "pfn 0x%" PRIx64 ": the libraries read different bytes\n",
			pfn);
}

static int collect(struct mkd_dump *dump, struct present *p)
{
	uint64_t pfn = 0, max = mkd_dump_max_pfn(dump);

	while (pfn < max) {
		struct mkd_page_run run;
		struct mkd_error *err = mkd_page_state(dump, pfn, &run);

		if (err) {
			fprintf(stderr, "kdumpfile-cmp: %s\n", mkd_error_message(err));
			mkd_error_destroy(err);
			return -1;
		}
		if (run.count > max - pfn)
			run.count = max - pfn;
		if (run.state == MKD_PAGE_PRESENT || run.state == MKD_PAGE_ZERO) {
			if (p->n == p->cap) {
				p->cap = p->cap ? 2 * p->cap : 64;
				p->pfn = realloc(p->pfn, p->cap * sizeof(*p->pfn));
				p->count = realloc(p->count, p->cap * sizeof(*p->count));
				if (!p->pfn || !p->count)
					return -1;
			}
			p->pfn[p->n] = pfn;
			p->count[p->n++] = run.count;
			p->total += run.count;
		}
		pfn += run.count;
	}
	return 0;
}

/* The k-th page with data. */
static uint64_t nth_present(const struct present *p, uint64_t k)
{
	size_t i;

	for (i = 0; i < p->n && k >= p->count[i]; i++)
		k -= p->count[i];
	return p->pfn[i] + k;
}

static void sample(struct both *t, const struct present *p, unsigned n)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL, max = mkd_dump_max_pfn(t->mkd);
	unsigned i;

	for (i = 0; p->total && i < n; i++)
		check_pfn(t, nth_present(p, xorshift(&x) % p->total));
	for (i = 0; i < n; i++)
		check_pfn(t, xorshift(&x) % max);
}

static int open_both(struct both *t, char **files, int n)
{
	struct mkd_error *err;
	int i;

	if (n > 64)
		return -1;
	err = mkd_dump_open_files((const char *const *)files, (size_t)n, NULL,
				  &t->mkd);
	if (err) {
		fprintf(stderr, "kdumpfile-cmp: %s\n", mkd_error_message(err));
		mkd_error_destroy(err);
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((t->fds[i] = open(files[i], O_RDONLY)) < 0) {
			perror(files[i]);
			return -1;
		}
	t->nfds = (unsigned)n;
	t->kd = kd_open(t);
	t->probe = kd_open(t);
	if (!t->kd || !t->probe)
		return -1;
	t->ps = mkd_dump_page_size(t->mkd);
	t->a = malloc(t->ps);
	t->b = malloc(t->ps);
	return t->a && t->b ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct both t = { 0 };
	struct present p = { 0 };
	uint64_t first = 1, last = 0, pfn;
	unsigned n = 2000;
	int opt;

	while ((opt = getopt(argc, argv, "n:r:")) != -1) {
		if (opt == 'n')
			n = (unsigned)strtoul(optarg, NULL, 0);
		else if (opt == 'r' &&
			 sscanf(optarg, "%" SCNx64 "-%" SCNx64, &first, &last) == 2)
			continue;
		else
			optind = argc;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: kdumpfile-cmp [-n N] [-r FIRST-LAST] FILE...\n");
		return 2;
	}
	if (open_both(&t, argv + optind, argc - optind) < 0 ||
	    collect(t.mkd, &p) < 0)
		return 2;
	sample(&t, &p, n);
	for (pfn = first; pfn <= last; pfn++)
		check_pfn(&t, pfn);
	printf("sampled=%" PRIu64 " compared=%" PRIu64 " differing=%" PRIu64
	       " presence_mismatch=%" PRIu64 " zero_filled=%" PRIu64 "\n",
	       t.sampled, t.compared, t.differing, t.mismatch, t.zero_filled);
	kdump_free(t.kd);
	kdump_free(t.probe);
	mkd_dump_destroy(t.mkd);
	free(p.pfn);
	free(p.count);
	free(t.a);
	free(t.b);
	return t.differing || t.mismatch ? 1 : 0;
}
