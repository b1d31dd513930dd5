// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * embed.c - a program that uses an installed libmkdump through
 * pkg-config, as a user's would: print the format, then LEN bytes of
 * physical memory at ADDR to stdout.
 */
#include <stdio.h>
#include <stdlib.h>

#include <mkdump.h>

int main(int argc, char **argv)
{
	struct mkd_dump *dump;
	struct mkd_error *err;
	size_t len, done = 0;
	char *buf;

	if (argc != 4)
		return 2;
	err = mkd_dump_open(argv[1], NULL, &dump);
	if (err) {
		fprintf(stderr, "embed: %s\n", mkd_error_message(err));
		mkd_error_destroy(err);
		return 1;
	}
	len = strtoul(argv[3], NULL, 0);
	buf = malloc(len);
	err = mkd_read_phys(dump, strtoull(argv[2], NULL, 0), buf, len, &done);
	fprintf(stderr, "%s %zu\n", mkd_dump_format(dump), done);
	fwrite(buf, 1, done, stdout);
	free(buf);
	mkd_dump_destroy(dump);
	if (err) {
		mkd_error_destroy(err);
		return 1;
	}
	return 0;
}
