// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-capture.c - mkdumpctl capture: save a crashed kernel's memory
 * (/proc/vmcore, or any dump the library reads) as an mkd dump.
 */
#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctl.h"

static const char capture_help[] =
"usage: mkdumpctl capture [-d LEVEL] [-z CODEC[:N]] [--threads N]\n"
"                         [--block-pages N] [--checkpoint SIZE] IN OUT\n"
"\n"
"Save the memory of a crashed kernel, read from IN (/proc/vmcore in a\n"
"capture kernel, or any dump mkdumpctl reads), as an mkd dump in OUT\n"
"('-' for standard output: a pipe, ssh...).  The dump is written in one\n"
"pass with index checkpoints, so if the capture is cut short (full disk,\n"
"power loss) OUT still reads up to its last checkpoint.  Pages that\n"
"cannot be read from IN are recorded as lost.\n"
"\n"
"  -d, --dump-level LEVEL   pages to leave out, as makedumpfile -d decides\n"
"                           them (from VMCOREINFO and the struct pages in\n"
"                           IN): 1 zero pages (recorded as zero: nothing\n"
"                           is lost), 2 page cache without private data,\n"
"                           4 all page cache, 8 user pages, 16 free pages;\n"
"                           hwpoison and offline pages go at any level\n"
"                           above 1.  Left-out pages are recorded as\n"
"                           filtered, with the reason.  Default 1.\n"
"  -z, --codec CODEC[:N]    zstd (default), lzo, zlib or none; N is the\n"
"                           codec's level (default: its fastest)\n"
"  -t, --threads N          compress on N threads (default: one per CPU)\n"
"  -b, --block-pages N      pages per compressed block (default 2)\n"
"  -c, --checkpoint SIZE    write an index checkpoint at least every SIZE\n"
"                           bytes of output (default 8M)\n"
"  -h, --help               this text\n"
"\n"
"Progress goes to standard error when it is a terminal.\n";

static int check_level(const char *arg, int *level)
{
	uint64_t v;

	if (!ctl_parse_u64(arg, &v) || v > 31)
		return ctl_usage_error("capture", "bad dump level '%s' (0 to 31)",
				       arg);
	*level = (int)v;
	return 0;
}

int cmd_capture(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dump-level", required_argument, NULL, 'd' },
		{ "codec", required_argument, NULL, 'z' },
		{ "threads", required_argument, NULL, 't' },
		{ "block-pages", required_argument, NULL, 'b' },
		{ "checkpoint", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct ctl_write_opts o = {
		.command = "capture", .codec = "zstd", .dump_level = 1,
		.threads = ctl_default_threads(),
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "d:z:t:b:c:h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(capture_help, stdout);
			return EXIT_OK;
		}
		if (c == 'd')
			rc = check_level(optarg, &o.dump_level);
		else
			rc = ctl_parse_write_option("capture", c, optarg, &o);
		if (rc)
			return rc;
	}
	if (argc - optind != 2)
		return ctl_usage_error("capture", "need IN and OUT");
	o.zero_pages = o.dump_level & 1;
	o.progress = isatty(STDERR_FILENO);
	return ctl_write_mkd(argv[optind], argv[optind + 1], &o);
}
