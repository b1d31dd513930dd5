// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-mod.c - mod [NAME...]: the loaded modules, from the kernel's
 * modules list (newest first, as lsmod), with where their code lies.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze.h"

static const char usage[] =
	"mod [NAME...]\n\n"
	"List the loaded modules, read from the dump alone: MODULE (its\n"
	"struct module), NAME, BASE and SIZE (its core memory: text, then\n"
	"data), STATE (live, coming, going) and REFS (users, as lsmod;\n"
	"? without CONFIG_MODULE_UNLOAD).  Operands select modules by name.\n"
	"Modules or links that cannot be read are named in notes after the\n"
	"table.";

#define MAX_MODULES 65536
#define MAX_NOTES 64

struct mods {
	struct mkd_module *mods;
	size_t n, cap;
	char *notes[MAX_NOTES];
	size_t nnotes;
	bool nomem;
	char **names;
	int nnames;
};

static bool wanted(const struct mods *m, const char *name)
{
	int i;

	for (i = 0; i < m->nnames; i++)
		if (!strcmp(m->names[i], name))
			return true;
	return m->nnames == 0;
}

static int add_module(const struct mkd_module *mod, void *arg)
{
	struct mods *m = arg;
	struct mkd_module *grown;

	if (!wanted(m, mod->name))
		return 0;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;

		grown = cap <= MAX_MODULES ?
			realloc(m->mods, cap * sizeof(*grown)) : NULL;
		if (!grown) {
			m->nomem = true;
			return 1;
		}
		m->mods = grown;
		m->cap = cap;
	}
	m->mods[m->n++] = *mod;
	return 0;
}

static void add_note(const struct mkd_error *note, void *arg)
{
	struct mods *m = arg;

	if (m->nnotes < MAX_NOTES) {
		m->notes[m->nnotes] = strdup(mkd_error_message(note));
		if (m->notes[m->nnotes])
			m->nnotes++;
	}
}

/* One format for the header and the rows, so they line up. */
#define ROW_FORMAT "%-16s  %-24s  %-16s  %8s  %-6s  %4s\n"

static void write_text(struct az_ctx *ctx, const struct mods *m)
{
	char refs[16], addr[20], base[20], size[24];
	size_t i;

	fprintf(ctx->out, ROW_FORMAT, "MODULE", "NAME", "BASE", "SIZE",
		"STATE", "REFS");
	for (i = 0; i < m->n; i++) {
		const struct mkd_module *mod = &m->mods[i];

		snprintf(refs, sizeof(refs), mod->refcount < 0 ? "?" : "%d",
			 mod->refcount);
		snprintf(addr, sizeof(addr), "%016llx",
			 (unsigned long long)mod->address);
		snprintf(base, sizeof(base), "%016llx",
			 (unsigned long long)mod->base);
		snprintf(size, sizeof(size), "%llu",
			 (unsigned long long)mod->size);
		fprintf(ctx->out, ROW_FORMAT, addr, mod->name, base, size,
			mkd_module_state_name(mod->state), refs);
	}
	for (i = 0; i < m->nnotes; i++)
		fprintf(ctx->out, "note: %s\n", m->notes[i]);
}

static void write_json(struct az_ctx *ctx, const struct mods *m)
{
	struct json *js = &ctx->js;
	size_t i;

	json_begin_object(js, NULL);
	json_begin_array(js, "modules");
	for (i = 0; i < m->n; i++) {
		const struct mkd_module *mod = &m->mods[i];

		json_begin_object(js, NULL);
		json_uint(js, "module", mod->address);
		json_string(js, "name", mod->name);
		json_uint(js, "base", mod->base);
		json_uint(js, "size", mod->size);
		json_uint(js, "text_size", mod->text_size);
		json_string(js, "state", mkd_module_state_name(mod->state));
		if (mod->refcount < 0)
			json_null(js, "refcount");
		else
			json_int(js, "refcount", mod->refcount);
		json_end_object(js);
	}
	json_end_array(js);
	json_begin_array(js, "notes");
	for (i = 0; i < m->nnotes; i++)
		json_string(js, NULL, m->notes[i]);
	json_end_array(js);
	json_end_object(js);
	json_finish(js);
}

int cmd_mod(struct az_ctx *ctx, int argc, char **argv)
{
	struct mods m = { 0 };
	struct mkd_error *err;
	struct az_getopt g;
	size_t i;
	int c;

	az_getopt_init(&g, ctx, argc, argv, NULL, usage);
	while ((c = az_getopt(&g)) > 0)
		;
	if (c < 0)
		return az_getopt_exit(c);
	m.names = g.operands;
	m.nnames = g.noperands;
	err = mkd_module_iterate(ctx->dump, add_module, add_note, &m);
	if (!err && !m.nomem) {
		if (ctx->json)
			write_json(ctx, &m);
		else
			write_text(ctx, &m);
	}
	for (i = 0; i < m.nnotes; i++)
		free(m.notes[i]);
	free(m.mods);
	if (err)
		return az_fail(ctx, err);
	return m.nomem ? az_errorf(ctx, "out of memory") : EXIT_OK;
}
