// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-merge.c - mkdumpctl merge: join the parts of a split dump (mkd parts
 * from 'split', or a makedumpfile --split kdump set) into one mkd dump.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"

static const char merge_help[] =
"usage: mkdumpctl merge [-z CODEC[:N]] [--threads N] [--block-pages N]\n"
"                       [--checkpoint SIZE] OUT IN...\n"
"\n"
"Join the files IN, the parts of one split dump in any order (mkd parts\n"
"written by 'mkdumpctl split', or a makedumpfile --split set), into one\n"
"mkd dump OUT ('-' for standard output).  Page states are kept.  Files\n"
"of different sets are refused.  When parts are missing their pages are\n"
"written lost, and merge exits 5 (incomplete) after writing.\n"
"\n"
"  -z, --codec CODEC[:N]    zstd (default), lzo, zlib or none\n"
"  -t, --threads N          compress on N threads (default: one per CPU)\n"
"  -b, --block-pages N      pages per compressed block (default 2)\n"
"  -c, --checkpoint SIZE    an index checkpoint every SIZE of output (8M)\n"
"  -h, --help               this text\n";

/* OUT must not be one of the inputs: it is truncated first. */
static bool is_input(const char *out, char **ins, int n)
{
	struct stat st, ist;
	int i;

	if (!strcmp(out, "-") || stat(out, &st))
		return false;
	for (i = 0; i < n; i++)
		if (!stat(ins[i], &ist) && st.st_dev == ist.st_dev &&
		    st.st_ino == ist.st_ino)
			return true;
	return false;
}

static int merge(const char *out, char **ins, int n,
		 struct ctl_write_opts *o)
{
	struct mkd_dump *src;
	struct mkd_error *err;
	int rc;

	err = ctl_open(ins, n, &src);
	if (err)
		return ctl_fail(err);
	mkd_error_destroy(mkd_dump_set_cache_size(src, 0));
	o->dump_level = mkd_dump_level(src);
	rc = ctl_write_dump(src, ins[0], out, o);
	if (!rc && mkd_dump_incomplete(src)) {
		fprintf(stderr, "%s merge: the set is incomplete: its missing pages are written lost\n",
			ctl_progname);
		rc = EXIT_INCOMPLETE;
	}
	mkd_dump_destroy(src);
	return rc;
}

int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "codec", required_argument, NULL, 'z' },
		{ "threads", required_argument, NULL, 't' },
		{ "block-pages", required_argument, NULL, 'b' },
		{ "checkpoint", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct ctl_write_opts o = {
		.command = "merge", .codec = "zstd", .dump_level = -1,
		.threads = ctl_default_threads(), .zero_pages = true,
		.keep_states = true,
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "z:t:b:c:h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(merge_help, stdout);
			return EXIT_OK;
		}
		rc = ctl_parse_write_option("merge", c, optarg, &o);
		if (rc)
			return rc;
	}
	if (argc - optind < 2)
		return ctl_usage_error("merge", "need OUT and at least one IN");
	if (is_input(argv[optind], argv + optind + 1, argc - optind - 1))
		return ctl_usage_error("merge", "'%s' is one of the inputs",
				       argv[optind]);
	o.progress = isatty(STDERR_FILENO);
	return merge(argv[optind], argv + optind + 1, argc - optind - 1, &o);
}
