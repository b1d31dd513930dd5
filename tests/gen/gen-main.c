// SPDX-License-Identifier: GPL-2.0-or-later
/* gen-main.c - gen-dump FORMAT SPEC-FILE OUT: write a synthetic dump */
#include <stdlib.h>

#include "gen.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			char *p = realloc(buf, cap = 2 * cap + 8192);

			if (!p)
				break;
			buf = p;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	struct gen_spec spec;
	char err[256], *text;
	FILE *out;
	int rc = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: gen-dump FORMAT SPEC-FILE OUT\n");
		return 2;
	}
	text = slurp(argv[2]);
	if (!text) {
		perror(argv[2]);
		return 1;
	}
	if (gen_spec_parse(text, &spec, err, sizeof(err)) < 0) {
		fprintf(stderr, "gen-dump: %s: %s\n", argv[2], err);
		goto out_free_text;
	}
	out = fopen(argv[3], "wb");
	if (!out) {
		perror(argv[3]);
		goto out_free_spec;
	}
	rc = gen_write_path(argv[1], &spec, out, argv[3], err, sizeof(err));
	if (fclose(out) != 0 || rc < 0) {
		fprintf(stderr, "gen-dump: %s: %s\n", argv[3],
			rc < 0 ? err : "write error");
		rc = 1;
	}
out_free_spec:
	gen_spec_free(&spec);
out_free_text:
	free(text);
	return rc;
}
