// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * options.c - the commands' option parser (a declarative table, options
 * and operands in any order) and the parsing of numbers and addresses
 */
#include <string.h>

#include "analyze.h"

void az_getopt_init(struct az_getopt *g, struct az_ctx *ctx, int argc,
		    char **argv, const struct az_option *opts,
		    const char *usage)
{
	g->ctx = ctx;
	g->opts = opts;
	g->usage = usage;
	g->argc = argc;
	g->argv = argv;
	g->next = 1;
	g->arg = NULL;
	/* Operands are gathered in place at the front of argv + 1. */
	g->operands = argv + 1;
	g->noperands = 0;
}

static void print_usage(struct az_getopt *g)
{
	fprintf(g->ctx->out, "usage: %s\n", g->usage ? g->usage : g->argv[0]);
}

static const struct az_option *find_option(const struct az_getopt *g,
					   const char *word)
{
	const struct az_option *o;

	for (o = g->opts; o && o->name; o++)
		if (!strcmp(o->name, word))
			return o;
	return NULL;
}

/* An operand: a word that does not start with '-', or "-" alone. */
static bool is_operand(const char *word)
{
	return word[0] != '-' || !word[1];
}

int az_getopt(struct az_getopt *g)
{
	while (g->next < g->argc) {
		char *word = g->argv[g->next++];
		const struct az_option *o;

		if (is_operand(word)) {
			g->operands[g->noperands++] = word;
			continue;
		}
		if (!strcmp(word, "--")) {
			while (g->next < g->argc)
				g->operands[g->noperands++] =
					g->argv[g->next++];
			break;
		}
		if (!strcmp(word, "--json")) {
			g->ctx->json = true;
			continue;
		}
		if (!strcmp(word, "-h") || !strcmp(word, "--help")) {
			print_usage(g);
			return AZ_OPT_HELP;
		}
		o = find_option(g, word);
		if (!o) {
			az_usage_error(g->ctx, "unknown option '%s'", word);
			return AZ_OPT_ERROR;
		}
		g->arg = NULL;
		if (o->has_arg) {
			if (g->next >= g->argc) {
				az_usage_error(g->ctx, "option '%s' needs a value",
					       word);
				return AZ_OPT_ERROR;
			}
			g->arg = g->argv[g->next++];
		}
		return o->id;
	}
	g->operands[g->noperands] = NULL;
	return AZ_OPT_END;
}

int az_getopt_exit(int c)
{
	return c == AZ_OPT_HELP ? EXIT_OK : EXIT_USAGE;
}

bool az_parse_u64(const char *s, uint64_t *value)
{
	return cli_parse_u64(s, value);
}

/* A symbol's address, or a hex number with or without 0x. */
static int parse_base(struct az_ctx *ctx, const char *word, uint64_t *addr)
{
	size_t len = strlen(word);
	struct mkd_symbol sym;
	struct mkd_error *err;
	char buf[24];

	if (len && len <= 16 &&
	    strspn(word, "0123456789abcdefABCDEF") == len) {
		snprintf(buf, sizeof(buf), "0x%s", word);
		word = buf;
	}
	if (!strncmp(word, "0x", 2) || !strncmp(word, "0X", 2)) {
		if (az_parse_u64(word, addr))
			return EXIT_OK;
		return az_usage_error(ctx, "'%s' is not an address", word);
	}
	err = mkd_symbol_lookup_name(ctx->dump, word, &sym);
	if (err)
		return az_fail(ctx, err);
	*addr = sym.address;
	return EXIT_OK;
}

/*
 * Addresses are hexadecimal as crash users type them, "ffffffff81000000",
 * with or without 0x, or a symbol; either may be followed by +OFFSET or
 * -OFFSET (decimal, or hex with 0x).
 */
int az_parse_address(struct az_ctx *ctx, const char *word, uint64_t *addr)
{
	size_t len = strcspn(word + (*word != '\0'), "+-") + (*word != '\0');
	uint64_t off = 0;
	char base[512];
	int rc;

	if (!len || len >= sizeof(base))
		return az_usage_error(ctx, "'%s' is not an address", word);
	if (word[len] && !az_parse_u64(word + len + 1, &off))
		return az_usage_error(ctx, "bad offset in '%s'", word);
	memcpy(base, word, len);
	base[len] = '\0';
	rc = parse_base(ctx, base, addr);
	if (!rc)
		*addr = word[len] == '-' ? *addr - off : *addr + off;
	return rc;
}
