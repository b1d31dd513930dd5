// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-sym.c - sym ADDR|NAME...: kernel and module symbols both ways, as
 * crash shows them: "ffffffff8d6f2f60 (T) panic+16 [module]"
 */
#include <inttypes.h>
#include <string.h>

#include "analyze.h"

static const char usage[] =
	"sym [--json] ADDR|NAME...\n\n"
	"For an address (hex, with or without 0x, or symbol+offset), the\n"
	"symbol that contains it\n"
	"and the offset in it; for a name (or module:name), its address.\n"
	"Symbols come from the dump's kallsyms and its modules' tables, and\n"
	"from --system-map.";

struct answer {
	uint64_t addr;
	struct mkd_symbol sym;
	uint64_t offset;
};

static bool is_address(const char *word)
{
	size_t len = strlen(word);

	if (!strncmp(word, "0x", 2) || !strncmp(word, "0X", 2))
		return true;
	return len && len <= 16 &&
	       strspn(word, "0123456789abcdefABCDEF") == len;
}

/* 0, or the exit code of a failure it reported. */
static int lookup(struct az_ctx *ctx, const char *word, struct answer *a)
{
	struct mkd_error *err;
	int rc;

	if (is_address(word) || strpbrk(word + 1, "+-")) {
		rc = az_parse_address(ctx, word, &a->addr);
		if (rc)
			return rc;
		err = mkd_symbol_lookup_addr(ctx->dump, a->addr, &a->sym,
					     &a->offset);
	} else {
		err = mkd_symbol_lookup_name(ctx->dump, word, &a->sym);
		a->addr = a->sym.address;
		a->offset = 0;
	}
	return err ? az_fail(ctx, err) : EXIT_OK;
}

static void print_text(struct az_ctx *ctx, const struct answer *a)
{
	fprintf(ctx->out, "%016" PRIx64 " (%c) %s", a->addr, a->sym.type,
		a->sym.name);
	if (a->offset)
		fprintf(ctx->out, "+%" PRIu64, a->offset);
	if (a->sym.module)
		fprintf(ctx->out, " [%s]", a->sym.module);
	fputc('\n', ctx->out);
}

static void print_json(struct az_ctx *ctx, const char *query,
		       const struct answer *a)
{
	json_begin_object(&ctx->js, NULL);
	json_string(&ctx->js, "query", query);
	json_uint(&ctx->js, "address", a->addr);
	json_string(&ctx->js, "name", a->sym.name);
	json_uint(&ctx->js, "symbol_address", a->sym.address);
	json_uint(&ctx->js, "offset", a->offset);
	json_uint(&ctx->js, "size", a->sym.size);
	json_string_len(&ctx->js, "type", &a->sym.type, 1);
	json_string(&ctx->js, "module", a->sym.module);
	json_end_object(&ctx->js);
}

int cmd_sym(struct az_ctx *ctx, int argc, char **argv)
{
	struct az_getopt g;
	int c, i, rc = EXIT_OK;

	az_getopt_init(&g, ctx, argc, argv, NULL, usage);
	while ((c = az_getopt(&g)) > 0)
		;
	if (c < 0)
		return az_getopt_exit(c);
	if (!g.noperands)
		return az_usage_error(ctx, "an address or a name is needed");
	if (ctx->json)
		json_begin_array(&ctx->js, NULL);
	for (i = 0; i < g.noperands; i++) {
		struct answer a = { 0 };
		int r = lookup(ctx, g.operands[i], &a);

		if (r && !rc)
			rc = r;
		else if (r)
			continue;
		else if (ctx->json)
			print_json(ctx, g.operands[i], &a);
		else
			print_text(ctx, &a);
	}
	if (ctx->json) {
		json_end_array(&ctx->js);
		json_finish(&ctx->js);
	}
	return rc;
}
