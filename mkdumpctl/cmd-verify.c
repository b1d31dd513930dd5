// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-verify.c - mkdumpctl verify: read every page the dump claims to hold
 * and report what cannot be read.  Exit 0 only for a whole, consistent
 * dump; EXIT_DAMAGED when data is corrupt, EXIT_INCOMPLETE when the dump
 * was cut short but what it holds reads back.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

static const char verify_help[] =
"usage: mkdumpctl verify [--json] [--quiet] DUMP...\n"
"\n"
"Read every page of the dump (several files: one split dump) and list the\n"
"page ranges that are damaged (data that does not decode) or lost (meant\n"
"to be in the dump but never written).  Exit codes: 0 whole and consistent,\n"
"4 damaged, 5 incomplete, 3 not a dump, 1 other errors.\n"
"\n"
"  -j, --json    the result as one JSON object\n"
"  -q, --quiet   no listing, only the exit code and a summary line\n"
"  -h, --help    this text\n";

#define MAX_LISTED 1000	/* ranges kept for the report */

struct bad_range {
	uint64_t pfn, count;
	bool damaged;		/* else lost */
	char *why;
};

struct verify {
	struct mkd_dump *dump;
	uint64_t pages_read, damaged, lost;
	struct bad_range *ranges;
	size_t nranges, cap;
	uint64_t unlisted;
	bool progress;
	time_t last_progress;
};

static void note_bad(struct verify *v, uint64_t pfn, bool damaged,
		     const char *why)
{
	struct bad_range *last = v->nranges ? &v->ranges[v->nranges - 1] : NULL;

	if (damaged)
		v->damaged++;
	else
		v->lost++;
	if (last && last->damaged == damaged && last->pfn + last->count == pfn) {
		last->count++;
		return;
	}
	if (v->nranges >= MAX_LISTED) {
		v->unlisted++;
		return;
	}
	if (v->nranges == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		struct bad_range *r = realloc(v->ranges, cap * sizeof(*r));

		if (!r) {
			v->unlisted++;
			return;
		}
		v->ranges = r;
		v->cap = cap;
	}
	v->ranges[v->nranges++] = (struct bad_range){
		pfn, 1, damaged, why ? strdup(why) : NULL
	};
}

static void show_progress(struct verify *v, uint64_t pfn, uint64_t max)
{
	time_t now = time(NULL);

	if (!v->progress || now == v->last_progress)
		return;
	v->last_progress = now;
	fprintf(stderr, "\rverify: %3" PRIu64 "%%  %" PRIu64 " pages read",
		max ? pfn * 100 / max : 100, v->pages_read);
}

/* Read one page; false on an error that is not about the page itself. */
static bool check_page(struct verify *v, uint64_t pfn, void *buf,
		       struct mkd_error **fatal)
{
	uint32_t ps = mkd_dump_page_size(v->dump);
	struct mkd_error *err = mkd_read_phys(v->dump, pfn * ps, buf, ps, NULL);

	v->pages_read++;
	if (!err)
		return true;
	switch (mkd_error_code(err)) {
	case MKD_ERR_CORRUPT:
	case MKD_ERR_NO_DATA:
		note_bad(v, pfn, true, mkd_error_message(err));
		break;
	case MKD_ERR_TRUNCATED:
		note_bad(v, pfn, false, mkd_error_message(err));
		break;
	default:
		*fatal = err;
		return false;
	}
	mkd_error_destroy(err);
	return true;
}

static struct mkd_error *walk(struct verify *v)
{
	uint64_t pfn = 0, max = mkd_dump_max_pfn(v->dump);
	struct mkd_error *err = NULL;
	void *buf = malloc(mkd_dump_page_size(v->dump));

	if (!buf) {
		fprintf(stderr, "mkdumpctl verify: out of memory\n");
		exit(EXIT_FAILURE_);
	}
	while (!err && pfn < max) {
		struct mkd_page_run run;
		uint64_t i;

		err = mkd_page_state(v->dump, pfn, &run);
		if (err)
			break;
		if (run.count > max - pfn)
			run.count = max - pfn;
		if (run.state == MKD_PAGE_LOST || run.state == MKD_PAGE_DAMAGED)
			for (i = 0; i < run.count; i++)
				note_bad(v, pfn + i,
					 run.state == MKD_PAGE_DAMAGED, NULL);
		if (run.state == MKD_PAGE_PRESENT || run.state == MKD_PAGE_ZERO)
			for (i = 0; i < run.count; i++) {
				if (!check_page(v, pfn + i, buf, &err))
					break;
				show_progress(v, pfn + i, max);
			}
		pfn += run.count;
	}
	free(buf);
	if (v->progress)
		fputc('\n', stderr);
	return err;
}

static void report_text(const struct verify *v, bool quiet)
{
	uint32_t ps = mkd_dump_page_size(v->dump);
	size_t i;

	for (i = 0; !quiet && i < v->nranges; i++) {
		const struct bad_range *r = &v->ranges[i];

		printf("%s pfn %#" PRIx64 "-%#" PRIx64 " (phys %#" PRIx64
		       ", %" PRIu64 " pages)%s%s\n",
		       r->damaged ? "damaged" : "lost", r->pfn,
		       r->pfn + r->count - 1, r->pfn * ps, r->count,
		       r->why ? ": " : "", r->why ? r->why : "");
	}
	if (!quiet && v->unlisted)
		printf("... and %" PRIu64 " more ranges not listed\n",
		       v->unlisted);
	printf("%" PRIu64 " pages read, %" PRIu64 " damaged, %" PRIu64
	       " lost%s\n", v->pages_read, v->damaged, v->lost,
	       mkd_dump_incomplete(v->dump) ? "; the dump is marked incomplete"
					    : "");
}

static void report_json(const struct verify *v)
{
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_begin_object(&j, NULL);
	json_uint(&j, "pages_read", v->pages_read);
	json_uint(&j, "damaged", v->damaged);
	json_uint(&j, "lost", v->lost);
	json_bool(&j, "incomplete", mkd_dump_incomplete(v->dump));
	json_begin_array(&j, "ranges");
	for (i = 0; i < v->nranges; i++) {
		json_begin_object(&j, NULL);
		json_string(&j, "kind", v->ranges[i].damaged ? "damaged" : "lost");
		json_uint(&j, "pfn", v->ranges[i].pfn);
		json_uint(&j, "count", v->ranges[i].count);
		json_string(&j, "error", v->ranges[i].why);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_uint(&j, "unlisted_ranges", v->unlisted);
	json_end_object(&j);
	json_finish(&j);
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct verify v = { 0 };
	bool json_out = false, quiet = false;
	struct mkd_error *err;
	int c, rc;
	size_t i;

	while ((c = getopt_long(argc, argv, "jqh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json_out = true; break;
		case 'q': quiet = true; break;
		case 'h': fputs(verify_help, stdout); return EXIT_OK;
		default: return ctl_usage_error("verify", "bad option");
		}
	}
	if (optind >= argc)
		return ctl_usage_error("verify", "no dump given");
	err = ctl_open(argv + optind, argc - optind, &v.dump);
	if (err)
		return ctl_fail(err);
	v.progress = isatty(STDERR_FILENO) && !json_out;
	err = walk(&v);
	if (err) {
		rc = ctl_fail(err);
		goto out;
	}
	if (json_out)
		report_json(&v);
	else
		report_text(&v, quiet);
	rc = v.damaged ? EXIT_DAMAGED
	     : (v.lost || mkd_dump_incomplete(v.dump)) ? EXIT_INCOMPLETE
						       : EXIT_OK;
out:
	for (i = 0; i < v.nranges; i++)
		free(v.ranges[i].why);
	free(v.ranges);
	mkd_dump_destroy(v.dump);
	return rc;
}
