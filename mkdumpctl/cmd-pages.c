// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-pages.c - mkdumpctl pages: how many pages of each class the dump
 * holds and how many a dump level would leave out, decided from the
 * struct pages in the dump as makedumpfile decides; optionally the pfn
 * ranges of one class.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static const char pages_help[] =
"usage: mkdumpctl pages [--json] [-d LEVEL] [--list CLASS] DUMP...\n"
"\n"
"Classify every page of the dump (several files: one split dump) the way\n"
"makedumpfile's dump level LEVEL does, from vmcoreinfo and the struct\n"
"pages in the dump, and count the pages of each class: free, cache,\n"
"cache-private, user, hwpoison, offline, zero and other (kept).  A page's\n"
"class is the first rule of makedumpfile's that LEVEL enables and that\n"
"matches it, so classes depend on the level.  Zero pages are looked for\n"
"(by reading the pages every other rule keeps) only when LEVEL has bit 1.\n"
"\n"
"  -d, --level LEVEL  makedumpfile -d bits, 0-31 (default 31): 1 zero,\n"
"                     2 cache, 4 cache and private cache, 8 user, 16 free;\n"
"                     hwpoison and offline pages always go\n"
"  -l, --list CLASS   also list the pfn ranges of CLASS\n"
"  -j, --json         the result as one JSON object\n"
"  -h, --help         this text\n";

struct range {
	uint64_t pfn, count;
};

struct tally {
	int level;
	int list;			/* class to list, or -1 */
	uint64_t pages;			/* in the dump */
	uint64_t per_class[MKD_CLASS_COUNT];
	uint64_t no_memmap;
	struct range *ranges;
	size_t nranges, cap;
};

static bool add_range(struct tally *t, uint64_t pfn, uint64_t count)
{
	struct range *last = t->nranges ? &t->ranges[t->nranges - 1] : NULL;

	if (last && last->pfn + last->count == pfn) {
		last->count += count;
		return true;
	}
	if (t->nranges == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct range *r = realloc(t->ranges, cap * sizeof(*r));

		if (!r)
			return false;
		t->ranges = r;
		t->cap = cap;
	}
	t->ranges[t->nranges++] = (struct range){ pfn, count };
	return true;
}

static struct mkd_error *count_pages(struct mkd_dump *dump, struct tally *t)
{
	uint64_t pfn = 0, max = mkd_dump_max_pfn(dump);
	struct mkd_classifier *cl;
	struct mkd_error *err;

	err = mkd_classifier_create(dump, t->level, &cl);
	while (!err && pfn < max) {
		struct mkd_class_run run;

		err = mkd_classify(cl, pfn, &run);
		if (err)
			break;
		if (run.count > max - pfn)
			run.count = max - pfn;
		pfn += run.count;
		if (run.flags & MKD_CLASS_RUN_NOT_DUMPED)
			continue;
		t->pages += run.count;
		t->per_class[run.cls] += run.count;
		if (run.flags & MKD_CLASS_RUN_NO_MEMMAP)
			t->no_memmap += run.count;
		if ((int)run.cls == t->list &&
		    !add_range(t, run.pfn, run.count)) {
			fprintf(stderr, "mkdumpctl pages: out of memory\n");
			exit(EXIT_FAILURE_);
		}
	}
	mkd_classifier_destroy(cl);
	return err;
}

/* Classes in the order makedumpfile tests them, zero and other last. */
static const enum mkd_page_class order[] = {
	MKD_CLASS_FREE, MKD_CLASS_CACHE, MKD_CLASS_CACHE_PRIVATE,
	MKD_CLASS_USER, MKD_CLASS_HWPOISON, MKD_CLASS_OFFLINE,
	MKD_CLASS_ZERO, MKD_CLASS_OTHER,
};
#define NORDER (sizeof(order) / sizeof(order[0]))

static uint64_t excluded(const struct tally *t)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < NORDER; i++)
		if (mkd_dump_level_excludes(t->level, order[i]))
			n += t->per_class[order[i]];
	return n;
}

static void report_text(const struct tally *t)
{
	uint64_t ex = excluded(t);
	size_t i;

	printf("dump level:  %d\n", t->level);
	printf("%-15s %12s  %s\n", "class", "pages", "excluded");
	for (i = 0; i < NORDER; i++)
		printf("%-15s %12" PRIu64 "  %s\n",
		       mkd_page_class_name(order[i]),
		       t->per_class[order[i]],
		       mkd_dump_level_excludes(t->level, order[i]) ? "yes"
								   : "no");
	if (t->no_memmap)
		printf("(%" PRIu64 " pages have no struct page in the dump "
		       "and are kept)\n", t->no_memmap);
	printf("excluded %" PRIu64 " of %" PRIu64 " pages (%.1f%%), "
	       "kept %" PRIu64 "\n", ex, t->pages,
	       t->pages ? 100.0 * (double)ex / (double)t->pages : 0.0,
	       t->pages - ex);
	for (i = 0; i < t->nranges; i++)
		printf("%s pfn %#" PRIx64 "-%#" PRIx64 " (%" PRIu64 " pages)\n",
		       mkd_page_class_name((enum mkd_page_class)t->list),
		       t->ranges[i].pfn,
		       t->ranges[i].pfn + t->ranges[i].count - 1,
		       t->ranges[i].count);
}

static void report_json(const struct tally *t)
{
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_begin_object(&j, NULL);
	json_int(&j, "level", t->level);
	json_uint(&j, "pages", t->pages);
	json_uint(&j, "excluded", excluded(t));
	json_uint(&j, "kept", t->pages - excluded(t));
	json_uint(&j, "no_memmap", t->no_memmap);
	json_begin_array(&j, "classes");
	for (i = 0; i < NORDER; i++) {
		json_begin_object(&j, NULL);
		json_string(&j, "class", mkd_page_class_name(order[i]));
		json_uint(&j, "pages", t->per_class[order[i]]);
		json_bool(&j, "excluded",
			  mkd_dump_level_excludes(t->level, order[i]));
		json_end_object(&j);
	}
	json_end_array(&j);
	if (t->list >= 0) {
		json_string(&j, "list",
			    mkd_page_class_name((enum mkd_page_class)t->list));
		json_begin_array(&j, "ranges");
		for (i = 0; i < t->nranges; i++) {
			json_begin_object(&j, NULL);
			json_uint(&j, "pfn", t->ranges[i].pfn);
			json_uint(&j, "count", t->ranges[i].count);
			json_end_object(&j);
		}
		json_end_array(&j);
	}
	json_end_object(&j);
	json_finish(&j);
}

static int class_by_name(const char *name)
{
	int c;

	for (c = 0; c < MKD_CLASS_COUNT; c++)
		if (!strcmp(name, mkd_page_class_name((enum mkd_page_class)c)))
			return c;
	return -1;
}

static int parse_args(int argc, char **argv, struct tally *t, bool *json)
{
	static const struct option opts[] = {
		{ "level", required_argument, NULL, 'd' },
		{ "list", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "d:l:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!ctl_parse_u64(optarg, &v) || v > MKD_DL_ALL)
				return ctl_usage_error("pages", "bad dump "
						       "level '%s'", optarg);
			t->level = (int)v;
			break;
		case 'l':
			t->list = class_by_name(optarg);
			if (t->list < 0)
				return ctl_usage_error("pages", "no page "
						       "class '%s'", optarg);
			break;
		case 'j': *json = true; break;
		case 'h': fputs(pages_help, stdout); exit(EXIT_OK);
		default: return ctl_usage_error("pages", "bad option");
		}
	}
	if (optind >= argc)
		return ctl_usage_error("pages", "no dump given");
	return EXIT_OK;
}

int cmd_pages(int argc, char **argv)
{
	struct tally t = { .level = MKD_DL_ALL, .list = -1 };
	struct mkd_dump *dump;
	struct mkd_error *err;
	bool json_out = false;
	int rc;

	rc = parse_args(argc, argv, &t, &json_out);
	if (rc != EXIT_OK)
		return rc;
	err = ctl_open(argv + optind, argc - optind, &dump);
	if (err)
		return ctl_fail(err);
	err = count_pages(dump, &t);
	if (err) {
		rc = ctl_fail(err);
	} else if (json_out) {
		report_json(&t);
	} else {
		report_text(&t);
	}
	free(t.ranges);
	mkd_dump_destroy(dump);
	return rc;
}
