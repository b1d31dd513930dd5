// SPDX-License-Identifier: GPL-2.0-or-later
/* main.c - mkdumpctl: the command table and what commands share */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctl.h"

const char *ctl_progname = "mkdumpctl";

static const struct ctl_command commands[] = {
	{ "info", cmd_info, "describe dumps: format, kernel, memory, pages" },
	{ "verify", cmd_verify, "read every page; report damage and gaps" },
	{ "extract", cmd_extract, "write vmcoreinfo, notes or the kernel log" },
	{ "read", cmd_read, "write raw memory at a physical or virtual address" },
	{ "pages", cmd_pages, "count pages by class; what a dump level leaves out" },
	{ "sym", cmd_sym, "kernel symbols: name to address, address to name" },
	{ "type", cmd_type, "kernel types from BTF: sizes, members, offsets" },
	{ "capture", cmd_capture, "save a crashed kernel's memory as an mkd dump" },
	{ "convert", cmd_convert, "write a dump in another format" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: %s COMMAND [OPTIONS] DUMP...\n\ncommands:\n",
		ctl_progname);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\n'%s COMMAND --help' describes a command; see "
		   "mkdumpctl(8) for exit codes.\n", ctl_progname);
}

int ctl_fail(struct mkd_error *err)
{
	int code = ctl_exit_code(err);

	fprintf(stderr, "%s: %s\n", ctl_progname, mkd_error_message(err));
	mkd_error_destroy(err);
	return code;
}

int ctl_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", ctl_progname, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s %s --help'.\n", ctl_progname, cmd);
	return EXIT_USAGE;
}

struct mkd_error *ctl_open(char **paths, int n, struct mkd_dump **dump)
{
	return mkd_dump_open_files((const char *const *)paths, (size_t)n,
				   NULL, dump);
}

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && !S_ISDIR(st.st_mode);
}

int ctl_split_queries(int argc, char **argv, char ***dumps, int *ndumps)
{
	int i, first;

	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			*dumps = argv + i + 1;
			*ndumps = argc - i - 1;
			return i;
		}
	for (first = argc - 1; first > 0 && is_file(argv[first - 1]); first--)
		;
	if (first < 0)
		first = 0;
	*dumps = argv + first;
	*ndumps = argc - first;
	return first;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("mkdumpctl %d.%d\n", MKD_VERSION_MAJOR,
		       MKD_VERSION_MINOR);
		return EXIT_OK;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "%s: '%s' is not a command\n", ctl_progname, argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
