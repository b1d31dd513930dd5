// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-convert.c - mkdumpctl convert: write a dump of any format the
 * library reads in another format.  Only mkd is written so far.
 */
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

static const char convert_help[] =
"usage: mkdumpctl convert -f mkd [-z CODEC[:N]] [--threads N]\n"
"                         [--block-pages N] [--checkpoint SIZE] IN OUT\n"
"\n"
"Write the dump IN (any format mkdumpctl reads) as a dump of format\n"
"FORMAT in OUT ('-' for standard output).  Every page keeps its state:\n"
"filtered pages stay filtered with their reason, lost or damaged pages\n"
"become lost, all-zero pages are recorded as zero.\n"
"\n"
"  -f, --format FORMAT      the output format: mkd (the only one so far)\n"
"  -z, --codec CODEC[:N]    zstd (default), lzo, zlib or none\n"
"  -t, --threads N          compress on N threads (default: one per CPU)\n"
"  -b, --block-pages N      pages per compressed block (default 2)\n"
"  -c, --checkpoint SIZE    an index checkpoint every SIZE of output (8M)\n"
"  -h, --help               this text\n";

int cmd_convert(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "codec", required_argument, NULL, 'z' },
		{ "threads", required_argument, NULL, 't' },
		{ "block-pages", required_argument, NULL, 'b' },
		{ "checkpoint", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct ctl_write_opts o = {
		.command = "convert", .codec = "zstd", .dump_level = -1,
		.threads = ctl_default_threads(), .zero_pages = true,
	};
	const char *format = "mkd";
	int c, rc;

	while ((c = getopt_long(argc, argv, "f:z:t:b:c:h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(convert_help, stdout);
			return EXIT_OK;
		}
		if (c == 'f') {
			format = optarg;
			continue;
		}
		rc = ctl_parse_write_option("convert", c, optarg, &o);
		if (rc)
			return rc;
	}
	if (strcmp(format, "mkd")) {
		fprintf(stderr, "%s convert: writing '%s' dumps is not supported yet (only mkd)\n",
			ctl_progname, format);
		return EXIT_USAGE;
	}
	if (argc - optind != 2)
		return ctl_usage_error("convert", "need IN and OUT");
	o.progress = isatty(STDERR_FILENO);
	return ctl_write_mkd(argv[optind], argv[optind + 1], &o);
}
