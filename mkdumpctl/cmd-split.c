// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-split.c - mkdumpctl split: cut a dump into N mkd files, each a
 * contiguous range of pfns, each readable alone and all together one dump
 * again (formats/mkd-set.c).  The ranges are balanced by pages with data
 * (not zero, not left out): what the parts' sizes follow.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

static const char split_help[] =
"usage: mkdumpctl split -n N [-z CODEC[:N]] [--threads N]\n"
"                       [--block-pages N] [--checkpoint SIZE]\n"
"                       IN OUT_PREFIX | IN OUT1 ... OUTN\n"
"\n"
"Cut the dump IN (any format mkdumpctl reads) into N mkd dumps, each\n"
"holding one contiguous range of page frames, with about as many pages\n"
"with data in each.  The outputs are OUT1 ... OUTN, or OUT_PREFIX.1 ...\n"
"OUT_PREFIX.N.  Each part is a complete mkd dump that reads alone (the\n"
"pages of the other parts are then lost and the dump incomplete) and\n"
"names its set, its place in it and the ranges of all parts; given\n"
"together, in any order, to any command (or to 'merge'), they are one\n"
"dump again.  Page states are kept as they are.\n"
"\n"
"  -n, --parts N            how many parts (1 to 4096)\n"
"  -z, --codec CODEC[:N]    zstd (default), lzo, zlib or none\n"
"  -t, --threads N          compress on N threads (default: one per CPU)\n"
"  -b, --block-pages N      pages per compressed block (default 2)\n"
"  -c, --checkpoint SIZE    an index checkpoint every SIZE of output (8M)\n"
"  -h, --help               this text\n";

#define MAX_PARTS 4096

/*
 * Where the data is: the pages that are neither zero nor left out,
 * counted by chunks of pfns (at most MAX_CHUNKS, so memory is bounded
 * whatever max_pfn says).  Present pages are read to find the zero ones,
 * which cost nothing in the output.
 */
#define MAX_CHUNKS 65536
#define BATCH 64

struct weights {
	uint64_t chunk;		/* pfns per chunk */
	uint64_t *data;		/* pages with data in each chunk */
	uint64_t total;
	uint8_t *buf;		/* BATCH pages */
};

static bool page_is_zero(const uint8_t *p, size_t len)
{
	return !p[0] && !memcmp(p, p + 1, len - 1);
}

static void weigh_present(struct mkd_dump *src, struct weights *wt,
			  uint64_t pfn, uint64_t count)
{
	uint32_t ps = mkd_dump_page_size(src);

	while (count) {
		size_t n = count < BATCH ? (size_t)count : BATCH, done = 0, i;

		mkd_error_destroy(mkd_read_phys(src, pfn * ps, wt->buf,
						n * ps, &done));
		for (i = 0; i < done / ps; i++)
			if (!page_is_zero(wt->buf + i * ps, ps)) {
				wt->data[(pfn + i) / wt->chunk]++;
				wt->total++;
			}
		i = done / ps < n ? done / ps + 1 : n;	/* skip a bad page */
		pfn += i;
		count -= i;
	}
}

static struct mkd_error *weigh(struct mkd_dump *src, struct weights *wt)
{
	uint64_t pfn = 0, max = mkd_dump_max_pfn(src);

	wt->chunk = max / MAX_CHUNKS + 1;
	wt->data = calloc(max / wt->chunk + 1, sizeof(*wt->data));
	wt->buf = malloc((size_t)BATCH * mkd_dump_page_size(src));
	if (!wt->data || !wt->buf)
		return NULL;	/* then by pfn alone */
	while (pfn < max) {
		struct mkd_page_run run;
		struct mkd_error *err = mkd_page_state(src, pfn, &run);

		if (err)
			return err;
		if (run.count > max - pfn)
			run.count = max - pfn;
		if (run.state == MKD_PAGE_PRESENT)
			weigh_present(src, wt, pfn, run.count);
		pfn += run.count;
	}
	return NULL;
}

/*
 * Part k ends with the chunk where the pages with data before it reach
 * k/n of them (by pfn when there are none); then every part is made to
 * hold at least one pfn.
 */
static void place_parts(const struct weights *wt, uint64_t max, uint32_t n,
			struct mkd_part *parts)
{
	uint64_t seen = 0, c;
	uint32_t k = 1;

	for (c = 0; wt->total && k < n && c * wt->chunk < max; c++) {
		seen += wt->data[c];
		while (k < n && seen * n >= wt->total * k)
			parts[k++ - 1].end_pfn = (c + 1) * wt->chunk;
	}
	for (; k < n; k++)
		parts[k - 1].end_pfn = wt->total ? max : max / n * k;
	parts[n - 1].end_pfn = max;
	for (k = 0; k < n; k++) {
		uint64_t lo = k ? parts[k - 1].end_pfn + 1 : 1;
		uint64_t hi = max - (n - 1 - k);

		if (parts[k].end_pfn < lo)
			parts[k].end_pfn = lo;
		if (parts[k].end_pfn > hi)
			parts[k].end_pfn = hi;
		parts[k].start_pfn = k ? parts[k - 1].end_pfn : 0;
	}
}

static uint64_t new_set_id(void)
{
	uint64_t id = 0;

	if (getrandom(&id, sizeof(id), 0) != sizeof(id) || !id)
		id = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid();
	return id;
}

/* The output names: listed, or PREFIX.1 ... PREFIX.N. */
static char **output_names(char **ops, int nops, uint32_t n)
{
	char **names = calloc(n, sizeof(*names));
	uint32_t k;

	for (k = 0; names && k < n; k++) {
		if (nops == (int)n)
			names[k] = strdup(ops[k]);
		else if (asprintf(&names[k], "%s.%u", ops[0], k + 1) < 0)
			names[k] = NULL;
		if (!names[k]) {
			while (k--)
				free(names[k]);
			free(names);
			return NULL;
		}
	}
	return names;
}

static int write_parts(struct mkd_dump *src, const char *in, char **names,
		       struct ctl_write_opts *o)
{
	uint32_t k;
	int rc = EXIT_OK;

	for (k = 0; !rc && k < o->part_count; k++) {
		o->part_index = k;
		o->start_pfn = o->parts[k].start_pfn;
		o->end_pfn = o->parts[k].end_pfn;
		rc = ctl_write_dump(src, in, names[k], o);
	}
	return rc;
}

static int split(const char *in, char **ops, int nops, uint32_t n,
		 struct ctl_write_opts *o)
{
	struct mkd_part *parts = calloc(n, sizeof(*parts));
	char **names = output_names(ops, nops, n);
	struct weights wt = { 0 };
	struct mkd_dump *src = NULL;
	struct mkd_error *err;
	int rc = EXIT_FAILURE_;
	uint32_t k;

	if (!parts || !names) {
		fprintf(stderr, "%s: out of memory\n", ctl_progname);
		goto out;
	}
	err = mkd_dump_open(in, NULL, &src);
	if (!err && mkd_dump_max_pfn(src) < n)
		rc = ctl_usage_error("split", "'%s' has fewer than %u pages",
				     in, n);
	else if (!err)
		err = weigh(src, &wt);
	if (!err && mkd_dump_max_pfn(src) >= n)
		place_parts(&wt, mkd_dump_max_pfn(src), n, parts);
	if (err) {
		rc = ctl_fail(err);
		goto out;
	}
	if (mkd_dump_max_pfn(src) < n)
		goto out;
	mkd_error_destroy(mkd_dump_set_cache_size(src, 0));
	o->dump_level = mkd_dump_level(src);
	o->set_id = new_set_id();
	o->part_count = n;
	o->parts = parts;
	rc = write_parts(src, in, names, o);
out:
	for (k = 0; names && k < n; k++)
		free(names[k]);
	free(names);
	free(parts);
	free(wt.data);
	free(wt.buf);
	mkd_dump_destroy(src);
	return rc;
}

int cmd_split(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "parts", required_argument, NULL, 'n' },
		{ "codec", required_argument, NULL, 'z' },
		{ "threads", required_argument, NULL, 't' },
		{ "block-pages", required_argument, NULL, 'b' },
		{ "checkpoint", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct ctl_write_opts o = {
		.command = "split", .codec = "zstd", .dump_level = -1,
		.threads = ctl_default_threads(), .zero_pages = true,
		.keep_states = true,
	};
	uint64_t n = 0;
	int c, rc, nops;

	while ((c = getopt_long(argc, argv, "n:z:t:b:c:h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(split_help, stdout);
			return EXIT_OK;
		}
		if (c == 'n') {
			if (!ctl_parse_u64(optarg, &n) || !n || n > MAX_PARTS)
				return ctl_usage_error("split", "bad part count '%s' (1 to %d)",
						       optarg, MAX_PARTS);
			continue;
		}
		rc = ctl_parse_write_option("split", c, optarg, &o);
		if (rc)
			return rc;
	}
	if (!n)
		return ctl_usage_error("split", "need -n N");
	nops = argc - optind - 1;
	if (nops != 1 && nops != (int)n)
		return ctl_usage_error("split", "need IN and OUT_PREFIX, or IN and %u outputs",
				       (unsigned)n);
	for (c = optind + 1; c < argc; c++)
		if (!strcmp(argv[c], "-"))
			return ctl_usage_error("split", "parts are files, not standard output");
	o.progress = isatty(STDERR_FILENO);
	return split(argv[optind], argv + optind + 1, nops, (uint32_t)n, &o);
}
