// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-read.c - random 4 KiB physical reads, our library against its
 * peers, on the same files and the same addresses.
 *
 *   bench-read [-n READS] [-r ROUNDS] [-s SEED] [-c CACHE_PAGES] [-k]
 *              [-o RESULTS] DUMP...
 *
 * For each dump, the pages it holds come from the first reader that
 * opens it (ours, else a peer); READS page addresses are drawn from them
 * with a fixed seed, so every reader reads the same list in the same
 * order (and dumps that hold the same pages get the same list).  Each
 * reader then, in turn: the file is dropped from the page cache
 * (posix_fadvise; not with -k, which reads it once first instead, so
 * that every pass reads from memory), the dump opened (timed), the list
 * read once (cold) and again (warm).  -c sets libmkdump's page cache
 * (0: off); libkdumpfile keeps its default.  Readers take turns for ROUNDS rounds and each
 * number is the median, which steadies them on a shared machine.  The
 * ratio is ours over the peer's reads per second: above 1 we are faster.
 * Numbers only; nothing here asserts.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define READ_SIZE 4096
#define MAX_ROUNDS 15

static const struct bench_reader *const readers[] = {
	&bench_mkdump,		/* first: ours, the one the ratio is about */
	&bench_kdumpfile,
};
#define NREADERS (sizeof(readers) / sizeof(readers[0]))

static FILE *results_file;	/* a copy of what goes to stdout, or NULL */

struct bench_conf {
	size_t reads;
	unsigned rounds;
	uint64_t seed;
	bool keep_cache;	/* -k: leave the file in the OS cache */
	struct bench_opts opts;
};

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	if (results_file) {
		va_start(ap, fmt);
		vfprintf(results_file, fmt, ap);
		va_end(ap);
	}
}

struct result {
	bool opened, tried;
	char why[256];
	unsigned rounds;
	double open_ms[MAX_ROUNDS];
	double cold[MAX_ROUNDS], warm[MAX_ROUNDS];	/* reads per second */
	uint64_t errors;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, unsigned n)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

int bench_runs_add(struct bench_runs *r, uint64_t pfn, uint64_t count)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 256;
		uint64_t *p = realloc(r->pfn, cap * sizeof(*p));
		uint64_t *c = p ? realloc(r->count, cap * sizeof(*c)) : NULL;

		if (p)
			r->pfn = p;
		if (!c)
			return -1;
		r->count = c;
		r->cap = cap;
	}
	r->pfn[r->n] = pfn;
	r->count[r->n++] = count;
	r->pages += count;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* READS addresses of present pages, drawn with seed; NULL if none. */
static uint64_t *draw_addresses(const struct bench_runs *r, size_t reads,
				uint64_t seed)
{
	uint64_t *addrs, *cum, state = seed;
	size_t i;

	if (!r->pages || !(addrs = malloc(reads * sizeof(*addrs))))
		return NULL;
	cum = malloc((r->n + 1) * sizeof(*cum));	/* for a binary search */
	if (!cum) {
		free(addrs);
		return NULL;
	}
	for (cum[0] = 0, i = 0; i < r->n; i++)
		cum[i + 1] = cum[i] + r->count[i];
	for (i = 0; i < reads; i++) {
		uint64_t k = splitmix64(&state) % r->pages;
		size_t lo = 0, hi = r->n;

		while (hi - lo > 1) {
			size_t mid = (lo + hi) / 2;

			if (cum[mid] <= k)
				lo = mid;
			else
				hi = mid;
		}
		addrs[i] = (r->pfn[lo] + (k - cum[lo])) * r->page_size;
	}
	free(cum);
	return addrs;
}

/* Forget the file's cached pages, so the next pass reads the disk. */
static void drop_cache(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	fdatasync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
}

/* Read the whole file once, so that it is in the OS cache. */
static void load_cache(const char *path)
{
	static char buf[1 << 20];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

static double read_pass(const struct bench_reader *rd, void *h,
			const uint64_t *addrs, size_t reads, uint8_t *buf,
			uint64_t *errors)
{
	double t = now_s();
	size_t i;

	for (i = 0; i < reads; i++)
		if (rd->read(h, addrs[i], buf, READ_SIZE))
			++*errors;
	t = now_s() - t;
	return t > 0 ? (double)reads / t : 0;
}

static void run_reader(const struct bench_reader *rd, const char *path,
		       const uint64_t *addrs, const struct bench_conf *conf,
		       struct result *res)
{
	size_t reads = conf->reads;
	unsigned r = res->rounds;
	uint8_t buf[READ_SIZE];
	double t;
	void *h;

	if (res->tried && !res->opened)
		return;		/* it said why once */
	res->tried = true;
	if (conf->keep_cache)
		load_cache(path);
	else
		drop_cache(path);
	t = now_s();
	h = rd->open(path, &conf->opts, res->why, sizeof(res->why));
	res->open_ms[r] = (now_s() - t) * 1e3;
	if (!h)
		return;
	res->opened = true;
	res->cold[r] = read_pass(rd, h, addrs, reads, buf, &res->errors);
	res->warm[r] = read_pass(rd, h, addrs, reads, buf, &res->errors);
	res->rounds++;
	rd->close(h);
}

/* The present pages, from the first reader that opens the dump. */
static const struct bench_reader *find_pages(const char *path,
					     const struct bench_opts *opts,
					     struct bench_runs *runs)
{
	char why[256];
	size_t i;

	for (i = 0; i < NREADERS; i++) {
		void *h = readers[i]->open(path, opts, why, sizeof(why));
		int rc;

		if (!h)
			continue;
		rc = readers[i]->present(h, runs);
		readers[i]->close(h);
		if (rc == 0 && runs->pages)
			return readers[i];
		runs->n = runs->pages = 0;
	}
	return NULL;
}

/* The last two path components: "panic/vmcore". */
static const char *short_name(const char *path)
{
	const char *p = path + strlen(path);
	int slashes = 0;

	while (p > path && (p[-1] != '/' || ++slashes < 2))
		p--;
	return p;
}

/* why, with the dump's full path (long, and said already) cut out. */
static void print_why(const char *dump, const char *reader,
		      const char *path, const char *why)
{
	const char *at = strstr(why, path);

	if (at)
		emit("%-30s %-13s cannot open: %.*s%s%s\n", dump, reader,
		     (int)(at - why), why, short_name(path),
		     at + strlen(path));
	else
		emit("%-30s %-13s cannot open: %s\n", dump, reader, why);
}

static void print_row(const char *dump, const char *reader, const char *path,
		      const struct result *r, const struct result *ours)
{
	double cold, warm;
	char ratio[32] = "";

	if (!r->opened) {
		print_why(dump, reader, path, r->why);
		return;
	}
	cold = median(r->cold, r->rounds);
	warm = median(r->warm, r->rounds);
	if (r != ours && ours->opened && cold > 0 && warm > 0)
		snprintf(ratio, sizeof(ratio), "%.2f / %.2f",
			 median(ours->cold, ours->rounds) / cold,
			 median(ours->warm, ours->rounds) / warm);
	emit("%-30s %-13s %9.1f %12.0f %12.0f  %s\n", dump, reader,
	     median(r->open_ms, r->rounds), cold, warm,
	     ratio[0] ? ratio : "-");
	if (r->errors)
		emit("%-30s %-13s %llu reads failed per round\n", "", "",
		     (unsigned long long)(r->errors / r->rounds));
}

static void bench_dump(const char *path, const struct bench_conf *conf)
{
	struct bench_runs runs = { 0 };
	struct result res[NREADERS] = { { 0 } };
	const struct bench_reader *from = find_pages(path, &conf->opts, &runs);
	uint64_t *addrs = from ? draw_addresses(&runs, conf->reads, conf->seed)
			       : NULL;
	unsigned round;
	size_t i;

	if (!addrs) {
		emit("%-30s no reader opens it (or no page in it)\n",
		     short_name(path));
		goto out;
	}
	for (round = 0; round < conf->rounds; round++)
		for (i = 0; i < NREADERS; i++)
			run_reader(readers[i], path, addrs, conf, &res[i]);
	for (i = 0; i < NREADERS; i++)
		print_row(i ? "" : short_name(path), readers[i]->name, path,
			  &res[i], &res[0]);
	emit("%-30s (%llu present pages, listed by %s)\n", "",
	     (unsigned long long)runs.pages, from->name);
out:
	free(addrs);
	free(runs.pfn);
	free(runs.count);
}

static void usage(void)
{
	fprintf(stderr, "usage: bench-read [-n READS] [-r ROUNDS] [-s SEED] "
		"[-c CACHE_PAGES] [-k] [-o RESULTS] DUMP...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct bench_conf conf = {
		.reads = 200000, .rounds = 3, .seed = 0x6d6b64756d70ULL,
		.opts = { .cache_pages = -1 },
	};
	const char *results = NULL;
	int c, i;

	while ((c = getopt(argc, argv, "n:r:s:c:ko:")) != -1) {
		switch (c) {
		case 'n': conf.reads = strtoul(optarg, NULL, 0); break;
		case 'r': conf.rounds = (unsigned)strtoul(optarg, NULL, 0); break;
		case 's': conf.seed = strtoull(optarg, NULL, 0); break;
		case 'c': conf.opts.cache_pages = strtol(optarg, NULL, 0); break;
		case 'k': conf.keep_cache = true; break;
		case 'o': results = optarg; break;
		default: usage();
		}
	}
	if (optind == argc || conf.reads == 0 || !conf.rounds ||
	    conf.rounds > MAX_ROUNDS)
		usage();
	if (results && !(results_file = fopen(results, "w"))) {
		fprintf(stderr, "bench-read: %s: %s\n", results, strerror(errno));
		return 1;
	}
	emit("random %u-byte physical reads, %zu per pass, seed 0x%llx; "
	     "median of %u rounds\n"
	     "ratio = ours / theirs in reads/s (cold / warm): above 1, "
	     "mkdump is faster\n%s\n\n", READ_SIZE, conf.reads,
	     (unsigned long long)conf.seed, conf.rounds,
	     conf.keep_cache ? "the files are in the OS cache: cold is the "
			       "readers' first pass"
			     : "cold: the file dropped from the OS cache");
	emit("%-30s %-13s %9s %12s %12s  %s\n", "dump", "reader", "open ms",
	     "reads/s cold", "reads/s warm", "ratio");
	for (i = optind; i < argc; i++)
		bench_dump(argv[i], &conf);
	if (results_file && fclose(results_file) != 0)
		return 1;
	return 0;
}
