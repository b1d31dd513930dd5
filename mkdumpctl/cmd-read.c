// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd-read.c - mkdumpctl read: raw memory to stdout, for scripts */
#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctl.h"

static const char read_help[] =
"usage: mkdumpctl read [--phys|--virt] ADDR LEN DUMP...\n"
"\n"
"Write LEN bytes of the dump's memory at ADDR to standard output, raw.\n"
"ADDR and LEN take 0x for hex and K, M, G suffixes.  If part of the range\n"
"is not in the dump, the bytes before it are written, the reason goes to\n"
"standard error and the exit code says why (see mkdumpctl(8)).\n"
"\n"
"  -p, --phys   ADDR is a physical address (the default)\n"
"  -v, --virt   ADDR is a kernel virtual address\n"
"  -h, --help   this text\n";

#define CHUNK (1u << 20)

static bool write_all(const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(STDOUT_FILENO, p, len);

		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static int copy_out(struct mkd_dump *dump, bool virt, uint64_t addr,
		    uint64_t len)
{
	char *buf = malloc(CHUNK);
	struct mkd_error *err = NULL;

	if (!buf) {
		fprintf(stderr, "mkdumpctl read: out of memory\n");
		return EXIT_FAILURE_;
	}
	while (len && !err) {
		size_t n = len < CHUNK ? (size_t)len : CHUNK, done = 0;

		err = virt ? mkd_read_virt(dump, addr, buf, n, &done)
			   : mkd_read_phys(dump, addr, buf, n, &done);
		if (!write_all(buf, done)) {
			perror("mkdumpctl read: writing output");
			free(buf);
			mkd_error_destroy(err);
			return EXIT_FAILURE_;
		}
		addr += n;
		len -= n;
	}
	free(buf);
	return err ? ctl_fail(err) : EXIT_OK;
}

int cmd_read(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "phys", no_argument, NULL, 'p' },
		{ "virt", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct mkd_error *err;
	struct mkd_dump *dump;
	uint64_t addr, len;
	bool virt = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "pvh", opts, NULL)) != -1) {
		switch (c) {
		case 'p': virt = false; break;
		case 'v': virt = true; break;
		case 'h': fputs(read_help, stdout); return EXIT_OK;
		default: return ctl_usage_error("read", "bad option");
		}
	}
	if (argc - optind < 3)
		return ctl_usage_error("read", "need ADDR LEN DUMP");
	if (!ctl_parse_u64(argv[optind], &addr))
		return ctl_usage_error("read", "bad address '%s'", argv[optind]);
	if (!ctl_parse_u64(argv[optind + 1], &len))
		return ctl_usage_error("read", "bad length '%s'",
				       argv[optind + 1]);
	err = ctl_open(argv + optind + 2, argc - optind - 2, &dump);
	if (err)
		return ctl_fail(err);
	rc = copy_out(dump, virt, addr, len);
	mkd_dump_destroy(dump);
	return rc;
}
