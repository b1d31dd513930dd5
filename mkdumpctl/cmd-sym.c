// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd-sym.c - mkdumpctl sym: kernel symbols by name or by address */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static const char sym_help[] =
"usage: mkdumpctl sym [OPTIONS] QUERY... [--] DUMP...\n"
"       mkdumpctl sym [OPTIONS] --list [--] DUMP...\n"
"\n"
"Look up kernel symbols in the dump's own kallsyms table and its loaded\n"
"modules' tables (no vmlinux or System.map needed), and in System.map\n"
"files and a vmlinux if given.  A QUERY that starts with 0x is an address: the symbol\n"
"that contains it is printed as NAME+OFFSET/SIZE.  Any other QUERY is a\n"
"name (MODULE:NAME for one module's): its address, type letter and size\n"
"are printed.  The dump is made of the trailing arguments that are\n"
"files; put -- before it when a query could be taken for a file.\n"
"\n"
"  -l, --list             print every symbol, as /proc/kallsyms does\n"
"  -m, --system-map FILE  also use FILE (moved by the KASLR offset)\n"
"  -V, --vmlinux FILE     also use the ELF symbols of the kernel's vmlinux\n"
"                         (refused if it is not the dump's kernel)\n"
"  -K, --no-kallsyms      do not read the dump's kallsyms table\n"
"  -M, --no-modules       do not read the loaded modules' symbols\n"
"  -j, --json             JSON: an array, one object per query or symbol\n"
"  -h, --help             this text\n";

struct sym_opts {
	bool json, list, no_kallsyms, no_modules;
	const char *vmlinux;
	char **maps;
	int nmaps;
};

static const char *source_name(uint8_t source)
{
	return source == MKD_SYMBOL_KALLSYMS ? "kallsyms"
	       : source == MKD_SYMBOL_MODULES ? "modules"
	       : source == MKD_SYMBOL_SYSTEM_MAP ? "system-map"
	       : source == MKD_SYMBOL_VMLINUX ? "vmlinux" : "unknown";
}

static void json_symbol(struct json *j, const struct mkd_symbol *sym)
{
	char type[2] = { sym->type, '\0' };

	json_string(j, "name", sym->name);
	json_uint(j, "address", sym->address);
	json_string(j, "type", type);
	json_uint(j, "size", sym->size);
	json_bool(j, "size_guessed", sym->flags & MKD_SYMBOL_SIZE_GUESSED);
	if (sym->module)
		json_string(j, "module", sym->module);
	else
		json_null(j, "module");
	json_string(j, "source", source_name(sym->source));
}

static void print_symbol(const struct mkd_symbol *sym)
{
	printf("0x%016" PRIx64 " %c %s", sym->address, sym->type, sym->name);
	if (sym->module)
		printf(" [%s]", sym->module);
	printf(" size 0x%" PRIx64 "%s\n", sym->size,
	       sym->flags & MKD_SYMBOL_SIZE_GUESSED ? "" : " (recorded)");
}

static void print_location(uint64_t addr, const struct mkd_symbol *sym,
			   uint64_t offset)
{
	printf("0x%016" PRIx64 " %s+0x%" PRIx64 "/0x%" PRIx64, addr,
	       sym->name, offset, sym->size);
	if (sym->module)
		printf(" [%s]", sym->module);
	putchar('\n');
}

/* One query; a miss is reported and counted, the rest go on. */
static int query(struct mkd_dump *dump, const char *q, struct json *j)
{
	struct mkd_symbol sym;
	struct mkd_error *err;
	uint64_t addr = 0, offset = 0;
	bool by_addr = !strncmp(q, "0x", 2) || !strncmp(q, "0X", 2);

	if (by_addr && !ctl_parse_u64(q, &addr))
		return ctl_usage_error("sym", "bad address '%s'", q);
	err = by_addr ? mkd_symbol_lookup_addr(dump, addr, &sym, &offset)
		      : mkd_symbol_lookup_name(dump, q, &sym);
	if (j) {
		json_begin_object(j, NULL);
		json_string(j, "query", q);
		if (err) {
			json_string(j, "error", mkd_error_message(err));
		} else {
			json_symbol(j, &sym);
			if (by_addr)
				json_uint(j, "offset", offset);
		}
		json_end_object(j);
	} else if (!err) {
		if (by_addr)
			print_location(addr, &sym, offset);
		else
			print_symbol(&sym);
	}
	return err ? ctl_fail(err) : EXIT_OK;
}

struct list_out {
	struct json *j;
};

static int list_one(const struct mkd_symbol *sym, void *arg)
{
	struct list_out *out = arg;

	if (out->j) {
		json_begin_object(out->j, NULL);
		json_symbol(out->j, sym);
		json_end_object(out->j);
		return 0;
	}
	printf("%016" PRIx64 " %c %s", sym->address, sym->type, sym->name);
	if (sym->module)
		printf("\t[%s]", sym->module);
	putchar('\n');
	return 0;
}

static struct mkd_error *set_sources(struct mkd_dump *dump,
				     const struct sym_opts *o)
{
	struct mkd_error *err = NULL;
	int i;

	if (o->no_kallsyms)
		err = mkd_symbol_source_enable(dump, MKD_SYMBOL_KALLSYMS,
					       false);
	if (!err && o->no_modules)
		err = mkd_symbol_source_enable(dump, MKD_SYMBOL_MODULES,
					       false);
	if (!err && o->vmlinux)
		err = mkd_dump_load_vmlinux(dump, o->vmlinux);
	for (i = 0; !err && i < o->nmaps; i++)
		err = mkd_dump_load_system_map(dump, o->maps[i]);
	return err;
}

static int run(struct mkd_dump *dump, const struct sym_opts *o, char **queries,
	       int nq)
{
	struct list_out out = { NULL };
	struct mkd_error *err;
	int i, rc = EXIT_OK;
	struct json j;

	err = set_sources(dump, o);
	if (err)
		return ctl_fail(err);
	json_init(&j, stdout);
	if (o->json) {
		json_begin_array(&j, NULL);
		out.j = &j;
	}
	if (o->list) {
		err = mkd_symbol_iterate(dump, list_one, &out);
		if (err)
			rc = ctl_fail(err);
	}
	for (i = 0; i < nq; i++) {
		int r = query(dump, queries[i], out.j);

		if (r != EXIT_OK && rc == EXIT_OK)
			rc = r;
	}
	if (o->json) {
		json_end_array(&j);
		json_finish(&j);
	}
	return rc;
}

/* Returns an exit code when the command is over (help, bad option). */
static int parse_options(int argc, char **argv, struct sym_opts *o,
			 bool *over)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "system-map", required_argument, NULL, 'm' },
		{ "vmlinux", required_argument, NULL, 'V' },
		{ "no-kallsyms", no_argument, NULL, 'K' },
		{ "no-modules", no_argument, NULL, 'M' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	*over = true;
	while ((c = getopt_long(argc, argv, "+lm:V:KMjh", opts, NULL)) != -1) {
		switch (c) {
		case 'l': o->list = true; break;
		case 'K': o->no_kallsyms = true; break;
		case 'M': o->no_modules = true; break;
		case 'j': o->json = true; break;
		case 'm': o->maps[o->nmaps++] = optarg; break;
		case 'V': o->vmlinux = optarg; break;
		case 'h': fputs(sym_help, stdout); return EXIT_OK;
		default: return ctl_usage_error("sym", "bad option");
		}
	}
	*over = false;
	return EXIT_OK;
}

static int sym_main(int argc, char **argv, struct sym_opts *o)
{
	struct mkd_error *err;
	struct mkd_dump *dump;
	char **dumps;
	int nq, ndumps, rc;
	bool over;

	rc = parse_options(argc, argv, o, &over);
	if (over)
		return rc;
	nq = ctl_split_queries(argc - optind, argv + optind, &dumps, &ndumps);
	if (ndumps < 1 || (nq < 1 && !o->list))
		return ctl_usage_error("sym", "need QUERY (or --list) and DUMP");
	err = ctl_open(dumps, ndumps, &dump);
	if (err)
		return ctl_fail(err);
	rc = run(dump, o, argv + optind, nq);
	mkd_dump_destroy(dump);
	return rc;
}

int cmd_sym(int argc, char **argv)
{
	/* Every argument could be a --system-map: room for all of them. */
	struct sym_opts o = { .maps = calloc((size_t)argc, sizeof(char *)) };
	int rc;

	if (!o.maps) {
		fprintf(stderr, "%s sym: out of memory\n", ctl_progname);
		return EXIT_FAILURE_;
	}
	rc = sym_main(argc, argv, &o);
	free(o.maps);
	return rc;
}
