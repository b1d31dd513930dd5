// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gen-flat.c - wrap another writer's output in the flattened format
 * (makedumpfile -F): a 4096-byte header, then big-endian {offset, size}
 * records with their data, then an end record with offset -1.
 *
 * Options: inner FORMAT (default kdump), record N (bytes per record,
 * default 4000: not a multiple of anything), shuffle 1 (records in a
 * scrambled, fixed order), overwrite 1 (garbage records first that later
 * records overwrite, across record boundaries), holes 1 (no records for
 * all-zero stretches: the reader must give zeros), end 0 (no end record,
 * as when the stream was cut).
 */
#include <stdlib.h>
#include <string.h>

#include "gen.h"

struct chunk {
	uint64_t off, len;
};

static void put_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static int record(FILE *out, uint64_t off, const void *data, uint64_t len)
{
	uint8_t h[16];

	put_be64(h, off);
	put_be64(h + 8, len);
	fwrite(h, 16, 1, out);
	if (len)
		fwrite(data, len, 1, out);
	return ferror(out) ? -1 : 0;
}

/* The inner writer's whole output, through a temporary file. */
static uint8_t *inner_bytes(const struct gen_spec *s, size_t *len,
			    char *err, size_t errlen)
{
	FILE *tmp = tmpfile();
	uint8_t *buf = NULL;
	long end;

	if (!tmp || gen_write_path(gen_option(s, "inner", "kdump"), s, tmp,
				   NULL, err, errlen) < 0)
		goto out;
	fseek(tmp, 0, SEEK_END);
	end = ftell(tmp);
	buf = malloc(end > 0 ? (size_t)end : 1);
	rewind(tmp);
	if (buf && fread(buf, 1, (size_t)end, tmp) != (size_t)end) {
		free(buf);
		buf = NULL;
	}
	*len = (size_t)end;
out:
	if (tmp)
		fclose(tmp);
	return buf;
}

static bool all_zero(const uint8_t *p, uint64_t len)
{
	return len == 0 || (p[0] == 0 && !memcmp(p, p + 1, len - 1));
}

#define GARBAGE_LEN 9000

/* Where overwrite 1 puts garbage: each straddles record boundaries. */
static size_t garbage_at(size_t len, size_t at[4])
{
	at[0] = 0;
	at[1] = 100;
	at[2] = len / 2;
	at[3] = len > 5000 ? len - 5000 : 0;
	return 4;
}

/* Does [off, off + l) meet garbage (which later records must cover)? */
static bool under_garbage(const struct gen_spec *s, size_t len, size_t off,
			  size_t l)
{
	size_t at[4], i, n = garbage_at(len, at);

	if (strcmp(gen_option(s, "overwrite", "0"), "1"))
		return false;
	for (i = 0; i < n; i++)
		if (off < at[i] + GARBAGE_LEN && at[i] < off + l)
			return true;
	return false;
}

static size_t plan_chunks(const struct gen_spec *s, const uint8_t *data,
			  size_t len, struct chunk *c)
{
	uint64_t rec = strtoull(gen_option(s, "record", "4000"), NULL, 0);
	bool holes = !strcmp(gen_option(s, "holes", "0"), "1");
	size_t n = 0, off;

	for (off = 0; off < len; off += rec) {
		uint64_t l = len - off < rec ? len - off : rec;

		/* Keep the last chunk so that the logical size is right. */
		if (holes && off + l < len && all_zero(data + off, l) &&
		    !under_garbage(s, len, off, l))
			continue;
		c[n++] = (struct chunk){ off, l };
	}
	if (!strcmp(gen_option(s, "shuffle", "0"), "1")) {
		uint64_t x = 0x2545f4914f6cdd1dULL;
		size_t i;

		for (i = n; i > 1; i--) {	/* Fisher-Yates, fixed seed */
			struct chunk t;
			size_t j;

			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			j = (size_t)(x % i);
			t = c[i - 1], c[i - 1] = c[j], c[j] = t;
		}
	}
	return n;
}

/* Garbage that the real records, written later, must overwrite. */
static int garbage(FILE *out, size_t len)
{
	uint8_t junk[GARBAGE_LEN];
	size_t at[4], i, n = garbage_at(len, at);

	memset(junk, 0xa5, sizeof(junk));
	for (i = 0; i < n; i++) {
		size_t l = len - at[i] < sizeof(junk) ? len - at[i] : sizeof(junk);

		if (record(out, at[i], junk, l) < 0)
			return -1;
	}
	return 0;
}

int gen_write_flat(const struct gen_spec *s, FILE *out, const char *path,
		   char *err, size_t errlen)
{
	uint8_t head[4096] = "makedumpfile";
	uint64_t rec = strtoull(gen_option(s, "record", "4000"), NULL, 0);
	size_t len = 0, n, i;
	uint8_t *data = inner_bytes(s, &len, err, errlen);
	struct chunk *c;
	int rc = 0;

	(void)path;
	if (!data)
		return -1;
	c = rec ? malloc((len / rec + 1) * sizeof(*c)) : NULL;
	if (!c) {
		free(data);
		snprintf(err, errlen, "bad record size");
		return -1;
	}
	n = plan_chunks(s, data, len, c);
	put_be64(head + 16, 1);
	put_be64(head + 24, 1);
	fwrite(head, sizeof(head), 1, out);
	if (!strcmp(gen_option(s, "overwrite", "0"), "1"))
		rc = garbage(out, len);
	for (i = 0; !rc && i < n; i++)
		rc = record(out, c[i].off, data + c[i].off, c[i].len);
	if (!rc && strcmp(gen_option(s, "end", "1"), "0")) {
		uint8_t end[16];

		memset(end, 0xff, sizeof(end));	/* offset -1, size -1 */
		rc = fwrite(end, sizeof(end), 1, out) == 1 ? 0 : -1;
	}
	free(c);
	free(data);
	if (rc < 0)
		snprintf(err, errlen, "write error");
	return rc;
}
