// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-convert.c - mkdumpctl convert: write a dump of any format the
 * library reads as an mkd dump (write-mkd.c), or as an ELF vmcore or a
 * kdump-compressed dump that crash and drgn open (write-export.c).
 */
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

static const char convert_help[] =
"usage: mkdumpctl convert -f mkd [-z CODEC[:N]] [--threads N]\n"
"                         [--block-pages N] [--checkpoint SIZE] IN OUT\n"
"       mkdumpctl convert -f elf [--elf-segments N] [--json] IN OUT\n"
"       mkdumpctl convert -f kdump [-z CODEC[:N]] [--flat] [--json] IN OUT\n"
"\n"
"Write the dump IN (any format mkdumpctl reads) as a dump of format\n"
"FORMAT in OUT ('-' for standard output).  mkd keeps every page state:\n"
"filtered pages stay filtered with their reason, lost or damaged pages\n"
"become lost, all-zero pages are recorded as zero.  elf (a vmcore like\n"
"/proc/vmcore) and kdump (makedumpfile's compressed format) are what\n"
"crash and drgn read; they keep less (see mkdumpctl(8)): what they could\n"
"not keep is said on standard error.\n"
"\n"
"  -f, --format FORMAT      mkd (default), elf or kdump\n"
"  -z, --codec CODEC[:N]    mkd: zstd (default), lzo, zlib or none;\n"
"                           kdump: zlib (default), lzo, zstd or none\n"
"  -t, --threads N          mkd: compress on N threads (default: per CPU)\n"
"  -b, --block-pages N      mkd: pages per compressed block (default 2)\n"
"  -c, --checkpoint SIZE    mkd: an index checkpoint every SIZE (8M)\n"
"      --flat               kdump: the flattened stream (for pipes)\n"
"      --elf-segments N     elf: at most N PT_LOADs for RAM (4096); past\n"
"                           that, short runs of pages without data are\n"
"                           written as zeros\n"
"  -j, --json               elf, kdump: counts as JSON on standard output\n"
"  -h, --help               this text\n";

enum { OPT_FLAT = 256, OPT_SEGMENTS };

struct convert_args {
	struct ctl_write_opts w;
	struct ctl_export_opts e;
	const char *format;
	bool codec_set, mkd_only, export_only;
};

static int parse_one(struct convert_args *a, int c, const char *arg)
{
	uint64_t v;

	switch (c) {
	case 'f':
		a->format = arg;
		return 0;
	case OPT_FLAT:
		a->e.flat = a->export_only = true;
		return 0;
	case 'j':
		a->e.json = a->export_only = true;
		return 0;
	case OPT_SEGMENTS:
		if (!ctl_parse_u64(arg, &v) || v == 0 || v > 65000)
			return ctl_usage_error("convert", "bad segment count '%s'",
					       arg);
		a->e.max_segments = (uint32_t)v;
		a->export_only = true;
		return 0;
	case 'z':
		a->codec_set = true;
		break;
	default:
		a->mkd_only = true;
	}
	return ctl_parse_write_option("convert", c, arg, &a->w);
}

/* The format and the options that go with it. */
static int check_format(struct convert_args *a)
{
	if (!strcmp(a->format, "mkd")) {
		if (a->export_only)
			return ctl_usage_error("convert", "--flat, --json and --elf-segments are for elf and kdump");
		return 0;
	}
	if (!strcmp(a->format, "elf"))
		a->e.format = MKD_EXPORT_ELF;
	else if (!strcmp(a->format, "kdump"))
		a->e.format = MKD_EXPORT_KDUMP;
	else
		return ctl_usage_error("convert", "unknown format '%s' (mkd, elf, kdump)",
				       a->format);
	if (a->mkd_only)
		return ctl_usage_error("convert", "--threads, --block-pages and --checkpoint are for mkd");
	if (a->e.format == MKD_EXPORT_ELF && (a->codec_set || a->e.flat))
		return ctl_usage_error("convert", "elf has no codec and no flattened form");
	a->e.codec = a->codec_set ? a->w.codec : "zlib";
	a->e.level = a->w.level;
	return 0;
}

int cmd_convert(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "codec", required_argument, NULL, 'z' },
		{ "threads", required_argument, NULL, 't' },
		{ "block-pages", required_argument, NULL, 'b' },
		{ "checkpoint", required_argument, NULL, 'c' },
		{ "flat", no_argument, NULL, OPT_FLAT },
		{ "elf-segments", required_argument, NULL, OPT_SEGMENTS },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct convert_args a = {
		.w = { .command = "convert", .codec = "zstd", .dump_level = -1,
		       .threads = ctl_default_threads(), .zero_pages = true },
		.format = "mkd",
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "f:z:t:b:c:jh", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(convert_help, stdout);
			return EXIT_OK;
		}
		rc = c == '?' ? EXIT_USAGE : parse_one(&a, c, optarg);
		if (rc)
			return rc;
	}
	rc = check_format(&a);
	if (rc)
		return rc;
	if (argc - optind != 2)
		return ctl_usage_error("convert", "need IN and OUT");
	if (a.e.json && !strcmp(argv[optind + 1], "-"))
		return ctl_usage_error("convert", "--json and OUT '-' both want standard output");
	a.w.progress = a.e.progress = isatty(STDERR_FILENO);
	if (!strcmp(a.format, "mkd"))
		return ctl_write_mkd(argv[optind], argv[optind + 1], &a.w);
	return ctl_write_export(argv[optind], argv[optind + 1], &a.e);
}
