// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-capture.c - mkdumpctl capture: save a crashed kernel's memory
 * (/proc/vmcore, or any dump the library reads) as an mkd dump.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

static const char capture_help[] =
"usage: mkdumpctl capture [-d LEVEL[,LEVEL...]] [--limit SIZE]\n"
"                         [-z CODEC[:N]] [--threads N] [--block-pages N]\n"
"                         [--checkpoint SIZE] IN OUT\n"
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
"                           A list (-d 1,31) is tried in order under\n"
"                           --limit.\n"
"  -l, --limit SIZE         keep the dump within SIZE bytes (K, M, G):\n"
"                           when the dump at a level would pass it, use\n"
"                           the next level of the list (with one level:\n"
"                           that level, then 31), and record it.  When\n"
"                           even the last one passes, exit 6 and remove\n"
"                           OUT (on a pipe the dump is cut short).\n"
"  -z, --codec CODEC[:N]    zstd (default), lzo, zlib or none; N is the\n"
"                           codec's level (default: its fastest)\n"
"  -t, --threads N          compress on N threads (default: one per CPU)\n"
"  -b, --block-pages N      pages per compressed block (default 2)\n"
"  -c, --checkpoint SIZE    write an index checkpoint at least every SIZE\n"
"                           bytes of output (default 8M)\n"
"  -h, --help               this text\n"
"\n"
"Progress goes to standard error when it is a terminal.\n";

#define MAX_LEVELS 8

struct levels {
	int level[MAX_LEVELS + 1];
	int n;
	char text[64];		/* as given, for the CAPTURE section */
};

/* "LEVEL" or "LEVEL,LEVEL..." (each 0 to 31), into l. */
static int check_levels(const char *arg, struct levels *l)
{
	char buf[64], *tok, *save = NULL;
	uint64_t v;

	l->n = 0;
	if (strlen(arg) >= sizeof(buf))
		goto bad;
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!ctl_parse_u64(tok, &v) || v > 31 || l->n == MAX_LEVELS)
			goto bad;
		l->level[l->n++] = (int)v;
	}
	if (!l->n || arg[strlen(arg) - 1] == ',')
		goto bad;
	return 0;
bad:
	return ctl_usage_error("capture", "bad dump level '%s' (0 to 31, or a list of up to %d)",
			       arg, MAX_LEVELS);
}

/* The levels to try under --limit: as given, or the one then 31. */
static void fallback_chain(struct levels *l)
{
	int i, len = 0;

	if (l->n == 1 && l->level[0] != 31)
		l->level[l->n++] = 31;
	for (i = 0; i < l->n; i++)
		len += snprintf(l->text + len, sizeof(l->text) - (size_t)len,
				"%s%d", i ? "," : "", l->level[i]);
}

int cmd_capture(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dump-level", required_argument, NULL, 'd' },
		{ "codec", required_argument, NULL, 'z' },
		{ "threads", required_argument, NULL, 't' },
		{ "block-pages", required_argument, NULL, 'b' },
		{ "checkpoint", required_argument, NULL, 'c' },
		{ "limit", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct ctl_write_opts o = {
		.command = "capture", .codec = "zstd", .dump_level = 1,
		.threads = ctl_default_threads(),
	};
	struct levels l = { .level = { 1 }, .n = 1 };
	int c, rc;

	while ((c = getopt_long(argc, argv, "d:z:t:b:c:l:h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(capture_help, stdout);
			return EXIT_OK;
		}
		if (c == 'd')
			rc = check_levels(optarg, &l);
		else if (c == 'l')
			rc = ctl_parse_u64(optarg, &o.limit) && o.limit ? 0 :
			     ctl_usage_error("capture", "bad limit '%s'", optarg);
		else
			rc = ctl_parse_write_option("capture", c, optarg, &o);
		if (rc)
			return rc;
	}
	if (argc - optind != 2)
		return ctl_usage_error("capture", "need IN and OUT");
	o.progress = isatty(STDERR_FILENO);
	if (o.limit) {
		fallback_chain(&l);
		o.levels = l.text;
		return ctl_capture_limited(argv[optind], argv[optind + 1], &o,
					   l.level, l.n);
	}
	if (l.n > 1)
		return ctl_usage_error("capture", "a list of dump levels needs --limit");
	o.dump_level = l.level[0];
	o.zero_pages = o.dump_level & 1;
	return ctl_write_mkd(argv[optind], argv[optind + 1], &o);
}
