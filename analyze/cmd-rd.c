// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-rd.c - rd: memory as crash shows it, 16 bytes a line with an ASCII
 * column; a page the dump lacks is one note line, then the next page.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"

static const char usage[] =
	"rd [-p] [-8|-16|-32|-64] [-s] [-a] [--json] ADDR [COUNT]\n\n"
	"Show COUNT units (default 1) of memory at ADDR: a kernel virtual\n"
	"address (hex, or symbol[+offset]) or, with -p, a physical one.\n"
	"  -8 -16 -32 -64  unit size in bits (default 64)\n"
	"  -s              show 64-bit values that are symbol addresses as\n"
	"                  symbol+offset\n"
	"  -a              the NUL-ended ASCII string at ADDR (COUNT: at\n"
	"                  most that many bytes, default 4096)\n"
	"Bytes the dump lacks are shown as a note where they would be.";

enum { OPT_P = 1, OPT_S, OPT_A, OPT_8 = 8, OPT_16 = 16, OPT_32 = 32,
       OPT_64 = 64 };

static const struct az_option opts[] = {
	{ "-p", OPT_P, false }, { "-s", OPT_S, false },
	{ "-a", OPT_A, false }, { "-8", OPT_8, false },
	{ "-16", OPT_16, false }, { "-32", OPT_32, false },
	{ "-64", OPT_64, false }, { NULL, 0, false },
};

#define LINE_BYTES 16
#define MAX_STRING (1u << 20)

struct rd {
	struct az_ctx *ctx;
	bool phys, symbols, ascii;
	unsigned width;		/* bytes per unit */
	uint64_t addr, count;
};

static struct mkd_error *rd_read(struct rd *r, uint64_t addr, void *buf,
				 size_t len, size_t *done)
{
	if (r->phys)
		return mkd_read_phys(r->ctx->dump, addr, buf, len, done);
	return mkd_read_virt(r->ctx->dump, addr, buf, len, done);
}

static uint64_t unit_value(const uint8_t *p, unsigned width)
{
	uint64_t v = 0;

	memcpy(&v, p, width);	/* little-endian host and target */
	return v;
}

static void text_value(struct rd *r, uint64_t v)
{
	struct mkd_symbol sym;
	uint64_t off;
	struct mkd_error *err;

	if (r->symbols && r->width == 8 && v >> 47 == 0x1ffff) {
		err = mkd_symbol_lookup_addr(r->ctx->dump, v, &sym, &off);
		if (!err) {
			char name[64];

			snprintf(name, sizeof(name), off ? "%s+%" PRIu64 : "%s",
				 sym.name, off);
			fprintf(r->ctx->out, " %-*s", 16, name);
			return;
		}
		mkd_error_destroy(err);
	}
	fprintf(r->ctx->out, " %0*" PRIx64, (int)r->width * 2, v);
}

static void emit_line(struct rd *r, uint64_t addr, const uint8_t *buf,
		      size_t len)
{
	size_t i;

	if (r->ctx->json) {
		json_begin_object(&r->ctx->js, NULL);
		json_uint(&r->ctx->js, "address", addr);
		json_begin_array(&r->ctx->js, "values");
		for (i = 0; i + r->width <= len; i += r->width)
			json_uint(&r->ctx->js, NULL,
				  unit_value(buf + i, r->width));
		json_end_array(&r->ctx->js);
		json_end_object(&r->ctx->js);
		return;
	}
	fprintf(r->ctx->out, "%16" PRIx64 ": ", addr);
	for (i = 0; i + r->width <= len; i += r->width)
		text_value(r, unit_value(buf + i, r->width));
	fprintf(r->ctx->out, "%*s  ", (int)((LINE_BYTES - len) / r->width *
					   (r->width * 2 + 1)), "");
	for (i = 0; i < len; i++)
		fputc(buf[i] >= 0x20 && buf[i] < 0x7f ? buf[i] : '.',
		      r->ctx->out);
	fputc('\n', r->ctx->out);
}

static void emit_note(struct rd *r, uint64_t addr, const struct mkd_error *err)
{
	char note[128];

	az_unreadable(r->ctx, err, addr, r->phys, note, sizeof(note));
	if (r->ctx->json) {
		json_begin_object(&r->ctx->js, NULL);
		json_uint(&r->ctx->js, "address", addr);
		json_null(&r->ctx->js, "values");
		json_string(&r->ctx->js, "note", note);
		json_end_object(&r->ctx->js);
	} else
		fprintf(r->ctx->out, "%16" PRIx64 ":  %s\n", addr, note);
}

/*
 * After a failure at addr: the start of the first page after it that
 * reads differently (say, one that is in the dump), at most end.
 */
static uint64_t skip_pages(struct rd *r, uint64_t addr, uint64_t end,
			   const char *note)
{
	uint64_t psize = mkd_dump_page_size(r->ctx->dump);
	uint64_t next = (addr | (psize - 1)) + 1;
	char other[128];
	uint8_t byte;

	while (next && next < end && !az_interrupted()) {
		struct mkd_error *err = rd_read(r, next, &byte, 1, NULL);

		if (!err)
			break;
		az_unreadable(r->ctx, err, next, r->phys, other,
			      sizeof(other));
		mkd_error_destroy(err);
		if (strcmp(other, note))
			break;
		next += psize;
	}
	return next && next < end ? next : end;
}

/* Returns how many bytes could be read. */
static uint64_t dump_units(struct rd *r)
{
	uint64_t addr = r->addr, end = r->addr + r->count * r->width;
	uint64_t got = 0;

	while (addr < end && !az_interrupted()) {
		uint8_t buf[LINE_BYTES];
		size_t len = end - addr < LINE_BYTES ? end - addr : LINE_BYTES;
		size_t done = 0, whole;
		struct mkd_error *err = rd_read(r, addr, buf, len, &done);
		char note[128];
		uint64_t next;

		if (!err) {
			emit_line(r, addr, buf, len);
			addr += len;
			got += len;
			continue;
		}
		whole = done / r->width * r->width;
		got += whole;
		if (whole)
			emit_line(r, addr, buf, whole);
		addr += whole;
		emit_note(r, addr, err);
		az_unreadable(r->ctx, err, addr, r->phys, note, sizeof(note));
		mkd_error_destroy(err);
		next = skip_pages(r, addr + (done - whole), end, note);
		/* Stay on unit boundaries from the start address. */
		addr += (next - addr + r->width - 1) / r->width * r->width;
	}
	return got;
}

/* Bytes of the string at r->addr, up to a NUL, r->count or an error. */
static struct mkd_error *read_string(struct rd *r, char *buf, size_t *len)
{
	struct mkd_error *err = NULL;
	size_t n = 0;

	while (n < r->count && !az_interrupted()) {
		uint8_t c;

		err = rd_read(r, r->addr + n, &c, 1, NULL);
		if (err || !c)
			break;
		buf[n++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
	}
	*len = n;
	return err;
}

static int dump_string(struct rd *r)
{
	char *buf = malloc(r->count ? r->count : 1), note[128];
	struct mkd_error *err;
	size_t len, i;

	if (!buf)
		return az_errorf(r->ctx, "out of memory");
	err = read_string(r, buf, &len);
	if (err)
		az_unreadable(r->ctx, err, r->addr + len, r->phys, note,
			      sizeof(note));
	mkd_error_destroy(err);
	if (r->ctx->json) {
		json_begin_object(&r->ctx->js, NULL);
		json_uint(&r->ctx->js, "address", r->addr);
		json_string_len(&r->ctx->js, "string", buf, len);
		json_string(&r->ctx->js, "note", err ? note : NULL);
		json_end_object(&r->ctx->js);
		json_finish(&r->ctx->js);
	} else {
		for (i = 0; i < len; i += 60)
			fprintf(r->ctx->out, "%16" PRIx64 ":  %.*s\n",
				r->addr + i, (int)(len - i < 60 ? len - i : 60),
				buf + i);
		if (err)
			fprintf(r->ctx->out, "%16" PRIx64 ":  %s\n",
				r->addr + len, note);
	}
	free(buf);
	if (!len && err)
		return az_errorf(r->ctx, "nothing at 0x%" PRIx64 " can be read",
				 r->addr);
	return EXIT_OK;
}

static int parse(struct az_ctx *ctx, int argc, char **argv, struct rd *r)
{
	struct az_getopt g;
	int c, rc;

	az_getopt_init(&g, ctx, argc, argv, opts, usage);
	while ((c = az_getopt(&g)) > 0) {
		if (c == OPT_P)
			r->phys = true;
		else if (c == OPT_S)
			r->symbols = true;
		else if (c == OPT_A)
			r->ascii = true;
		else
			r->width = (unsigned)c / 8;
	}
	if (c < 0)
		return az_getopt_exit(c);
	if (g.noperands < 1 || g.noperands > 2)
		return az_usage_error(ctx, "ADDR [COUNT] expected");
	rc = az_parse_address(ctx, g.operands[0], &r->addr);
	if (rc)
		return rc;
	r->count = r->ascii ? 4096 : 1;
	if (g.noperands == 2 && (!az_parse_u64(g.operands[1], &r->count) ||
				 !r->count))
		return az_usage_error(ctx, "bad count '%s'", g.operands[1]);
	if (r->ascii && r->count > MAX_STRING)
		r->count = MAX_STRING;
	if (r->count > (UINT64_MAX - r->addr) / r->width)
		return az_usage_error(ctx, "the range passes the end of memory");
	return EXIT_OK;
}

int cmd_rd(struct az_ctx *ctx, int argc, char **argv)
{
	struct rd r = { .ctx = ctx, .width = 8 };
	int rc = parse(ctx, argc, argv, &r);
	uint64_t got;

	if (rc)
		return rc;
	if (r.ascii)
		return dump_string(&r);
	if (ctx->json) {
		json_begin_object(&ctx->js, NULL);
		json_uint(&ctx->js, "address", r.addr);
		json_bool(&ctx->js, "physical", r.phys);
		json_uint(&ctx->js, "width", r.width);
		json_begin_array(&ctx->js, "lines");
	}
	got = dump_units(&r);
	if (ctx->json) {
		json_end_array(&ctx->js);
		json_end_object(&ctx->js);
		json_finish(&ctx->js);
	}
	/* Notes among data are output; nothing readable at all fails. */
	if (!got)
		return az_errorf(ctx, "nothing at 0x%" PRIx64 " can be read",
				 r.addr);
	return EXIT_OK;
}
