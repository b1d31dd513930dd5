// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * symbols.c - the dump's symbols: which sources feed the table, in what
 * order, and the public lookups.
 *
 * The dump's own sources are read the first time a symbol is asked for:
 * kallsyms (rank 0), then module symbols (rank 1), which need BTF, which
 * needs kallsyms again: BTF and the modules list find their symbols with
 * mkd_symbols_core_address(), which never loads modules.  System.map
 * files are read when loaded and ranked after them in load order.  A
 * source that fails is remembered, not retried, so that a lookup that
 * misses can say why the table is poorer than expected.
 */
#include <stdlib.h>

#include "internal.h"
#include "symbols.h"
#include "types.h"

enum {
	RANK_KALLSYMS,
	RANK_MODULES,
	RANK_FIRST_MAP,
};
#define MAX_SYSTEM_MAP ((size_t)256 << 20)

/* One of the dump's own sources: read once, on demand. */
struct own_source {
	bool off;			/* the caller does not want it */
	bool tried;
	struct mkd_error *err;		/* why it gave nothing */
};

struct mkd_symbols {
	struct mkd_symtab tab;
	struct own_source kallsyms, modules;
	bool system_map_off, vmlinux_off;
	uint8_t vmlinux_rank;		/* 0: no vmlinux loaded */
	uint8_t next_rank;		/* for the next symbol file */
};

static void own_source_reset(struct own_source *src)
{
	mkd_error_destroy(src->err);
	src->err = NULL;
	src->tried = false;
}

void mkd_symbols_destroy(struct mkd_symbols *symbols)
{
	if (!symbols)
		return;
	mkd_symtab_deinit(&symbols->tab);
	own_source_reset(&symbols->kallsyms);
	own_source_reset(&symbols->modules);
	free(symbols);
}

static struct mkd_error *symbols_get(struct mkd_dump *dump,
				     struct mkd_symbols **ret)
{
	if (!dump->symbols) {
		dump->symbols = calloc(1, sizeof(*dump->symbols));
		if (!dump->symbols)
			return &mkd_enomem;
		mkd_symtab_init(&dump->symbols->tab);
		dump->symbols->next_rank = RANK_FIRST_MAP;
	}
	*ret = dump->symbols;
	return NULL;
}

/* Mark tried first: loading modules comes back here through BTF. */
static void load_own(struct mkd_dump *dump, struct mkd_symbols *s)
{
	if (!s->kallsyms.off && !s->kallsyms.tried) {
		s->kallsyms.tried = true;
		s->kallsyms.err = mkd_kallsyms_load(dump, &s->tab,
						    RANK_KALLSYMS);
	}
	if (!s->modules.off && !s->modules.tried) {
		s->modules.tried = true;
		s->modules.err = mkd_module_symbols_load(dump, &s->tab,
							 RANK_MODULES);
	}
}

static struct mkd_error *table_ready(struct mkd_symbols *s)
{
	if (!s->tab.n) {
		if (s->kallsyms.err)
			return mkd_error_dup(s->kallsyms.err);
		return mkd_error_create(MKD_ERR_NOT_FOUND,
					"no symbols: kallsyms is off and no System.map was loaded");
	}
	return mkd_symtab_finish(&s->tab);
}

struct mkd_error *mkd_symbols_ready(struct mkd_dump *dump,
				    const struct mkd_symtab **tab)
{
	struct mkd_symbols *s = NULL;
	struct mkd_error *err;

	err = symbols_get(dump, &s);
	if (err)
		return err;
	load_own(dump, s);
	err = table_ready(s);
	if (err)
		return err;
	*tab = &s->tab;
	return NULL;
}

struct mkd_error *mkd_symbols_core_address(struct mkd_dump *dump,
					   const char *name, uint64_t *addr)
{
	const struct mkd_symtab_entry *e;
	struct mkd_symbols *s = NULL;
	struct mkd_error *err;

	err = symbols_get(dump, &s);
	if (err)
		return err;
	if (!s->kallsyms.off && !s->kallsyms.tried) {
		s->kallsyms.tried = true;
		s->kallsyms.err = mkd_kallsyms_load(dump, &s->tab,
						    RANK_KALLSYMS);
	}
	err = table_ready(s);
	if (err)
		return err;
	e = mkd_symtab_by_name(&s->tab, name);
	if (!e || e->module)
		return mkd_error_create(MKD_ERR_NOT_FOUND,
					"no symbol '%s' in the kernel image",
					name);
	*addr = e->address;
	return NULL;
}

/* A miss, with the reasons the table may lack the symbol. */
static struct mkd_error *not_found(const struct mkd_dump *dump,
				   struct mkd_error *err)
{
	const struct mkd_symbols *s = dump->symbols;

	if (s && s->kallsyms.err)
		err = mkd_error_wrap_suffix(err, mkd_error_message(s->kallsyms.err));
	if (s && s->modules.err)
		err = mkd_error_wrap_suffix(err, mkd_error_message(s->modules.err));
	return err;
}

/* "module:name", or a plain name. */
static const struct mkd_symtab_entry *by_name(const struct mkd_symtab *tab,
					      const char *name)
{
	const char *colon = strchr(name, ':');

	if (!colon)
		return mkd_symtab_by_name(tab, name);
	return mkd_symtab_by_module_name(tab, name, (size_t)(colon - name),
					 colon + 1);
}

MKD_EXPORT struct mkd_error *mkd_symbol_lookup_name(struct mkd_dump *dump,
						    const char *name,
						    struct mkd_symbol *sym)
{
	const struct mkd_symtab_entry *e;
	const struct mkd_symtab *tab;
	struct mkd_error *err;

	err = mkd_symbols_ready(dump, &tab);
	if (err)
		return err;
	e = by_name(tab, name);
	if (!e)
		return not_found(dump, mkd_error_create(MKD_ERR_NOT_FOUND,
							"no symbol '%s'", name));
	mkd_symtab_fill(tab, e, sym);
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_symbol_lookup_addr(struct mkd_dump *dump,
						    uint64_t addr,
						    struct mkd_symbol *sym,
						    uint64_t *offset)
{
	const struct mkd_symtab_entry *e;
	const struct mkd_symtab *tab;
	struct mkd_error *err;

	err = mkd_symbols_ready(dump, &tab);
	if (err)
		return err;
	e = mkd_symtab_by_addr(tab, addr);
	if (!e)
		return not_found(dump, mkd_error_at(MKD_ERR_NOT_FOUND, addr,
						    "no symbol contains 0x%llx",
						    (unsigned long long)addr));
	mkd_symtab_fill(tab, e, sym);
	if (offset)
		*offset = addr - e->address;
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_symbol_iterate(struct mkd_dump *dump,
						mkd_symbol_fn *fn, void *arg)
{
	const struct mkd_symtab *tab;
	struct mkd_error *err;
	struct mkd_symbol sym;
	size_t i;

	err = mkd_symbols_ready(dump, &tab);
	if (err)
		return err;
	for (i = 0; i < tab->nlive; i++) {
		mkd_symtab_fill(tab, &tab->entries[tab->live[i]], &sym);
		if (fn(&sym, arg))
			break;
	}
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_symbol_count(struct mkd_dump *dump,
					      size_t *count)
{
	const struct mkd_symtab *tab;
	struct mkd_error *err;

	err = mkd_symbols_ready(dump, &tab);
	if (err)
		return err;
	*count = tab->nlive;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Sources */

/*
 * Sources changed: what failed for want of a symbol (BTF needs
 * __start_BTF, module symbols need BTF) may work now.
 */
static void sources_changed(struct mkd_dump *dump, struct mkd_symbols *s)
{
	if (s->modules.err)
		own_source_reset(&s->modules);
	mkd_types_retry(dump);
}

static uint64_t kernel_offset(const struct mkd_dump *dump)
{
	const char *v = mkd_vmcoreinfo_get(dump, "KERNELOFFSET");
	uint64_t offset;

	if (!v || !mkd_parse_u64(v, strcspn(v, "\n"), 16, &offset))
		return 0;
	return offset;
}

/*
 * The offset to add to a symbol file's image addresses: KERNELOFFSET,
 * checked on _stext when both sides have it.  A file already at the
 * dump's addresses (a copy of /proc/kallsyms) needs none.
 */
struct mkd_error *mkd_symbols_image_offset(const struct mkd_dump *dump,
					   bool has_stext, uint64_t in_file,
					   uint64_t *offset)
{
	struct mkd_error *err;
	uint64_t in_dump;

	*offset = kernel_offset(dump);
	if (!has_stext)
		return NULL;
	err = mkd_vmcoreinfo_symbol(dump, "_stext", &in_dump);
	if (err) {
		mkd_error_destroy(err);
		return NULL;
	}
	if (in_file + *offset == in_dump)
		return NULL;
	if (in_file == in_dump) {
		*offset = 0;
		return NULL;
	}
	return mkd_error_create(MKD_ERR_INVALID,
				"not this kernel's: _stext is 0x%llx in it, 0x%llx in the dump (KASLR offset 0x%llx)",
				(unsigned long long)in_file,
				(unsigned long long)in_dump,
				(unsigned long long)*offset);
}

static struct mkd_error *map_offset(const struct mkd_dump *dump,
				    const char *text, size_t len,
				    uint64_t *offset)
{
	uint64_t in_map = 0;
	bool has = mkd_system_map_stext(text, len, &in_map);

	return mkd_symbols_image_offset(dump, has, in_map, offset);
}

static struct mkd_error *read_text(const char *path, char **text,
				   size_t *len)
{
	struct mkd_file *f;
	struct mkd_error *err;

	err = mkd_file_open(path, &f);
	if (err)
		return err;
	if (f->size > MAX_SYSTEM_MAP) {
		err = mkd_error_create(MKD_ERR_INVALID,
				       "%llu bytes is too big for a System.map",
				       (unsigned long long)f->size);
		goto out_close;
	}
	*len = (size_t)f->size;
	*text = malloc(*len + 1);
	if (!*text) {
		err = &mkd_enomem;
		goto out_close;
	}
	err = mkd_file_read(f, *text, *len, 0);
	if (err) {
		free(*text);
		*text = NULL;
	}
out_close:
	mkd_file_destroy(f);
	return err;
}

MKD_EXPORT struct mkd_error *mkd_dump_load_system_map(struct mkd_dump *dump,
						      const char *path)
{
	struct mkd_symbols *s = NULL;
	struct mkd_error *err;
	char *text = NULL;
	uint64_t offset;
	size_t len = 0;

	err = symbols_get(dump, &s);
	if (err)
		return err;
	if (s->system_map_off)
		return mkd_error_create(MKD_ERR_INVALID,
					"System.map files are turned off");
	if (s->next_rank == UINT8_MAX)
		return mkd_error_create(MKD_ERR_INVALID,
					"too many symbol files");
	err = read_text(path, &text, &len);
	if (err)
		return err;
	err = map_offset(dump, text, len, &offset);
	if (!err)
		err = mkd_system_map_parse(text, len, offset, &s->tab,
					   s->next_rank);
	free(text);
	if (err)
		return mkd_error_wrap(err, "'%s'", path);
	s->next_rank++;
	sources_changed(dump, s);
	return NULL;
}

struct mkd_error *mkd_symbols_add_vmlinux(struct mkd_dump *dump,
					  mkd_symbols_file_fn *fn, void *arg)
{
	struct mkd_symbols *s = NULL;
	struct mkd_error *err;

	err = symbols_get(dump, &s);
	if (err)
		return err;
	if (s->vmlinux_off)
		return NULL;
	if (s->vmlinux_rank)
		return mkd_error_create(MKD_ERR_INVALID,
					"a vmlinux is loaded already");
	if (s->next_rank == UINT8_MAX)
		return mkd_error_create(MKD_ERR_INVALID,
					"too many symbol files");
	err = fn(arg, &s->tab, s->next_rank);
	if (err) {
		mkd_symtab_remove_rank(&s->tab, s->next_rank);
		return err;
	}
	s->vmlinux_rank = s->next_rank++;
	sources_changed(dump, s);
	return NULL;
}

static void own_source_enable(struct mkd_symbols *s, struct own_source *src,
			      uint8_t rank, bool enable)
{
	src->off = !enable;
	if (!enable) {
		mkd_symtab_remove_rank(&s->tab, rank);
		own_source_reset(src);
	}
}

MKD_EXPORT struct mkd_error *mkd_symbol_source_enable(struct mkd_dump *dump,
						      enum mkd_symbol_source source,
						      bool enable)
{
	struct mkd_symbols *s = NULL;
	struct mkd_error *err;
	unsigned rank;

	err = symbols_get(dump, &s);
	if (err)
		return err;
	switch (source) {
	case MKD_SYMBOL_KALLSYMS:
		own_source_enable(s, &s->kallsyms, RANK_KALLSYMS, enable);
		break;
	case MKD_SYMBOL_MODULES:
		own_source_enable(s, &s->modules, RANK_MODULES, enable);
		break;
	case MKD_SYMBOL_SYSTEM_MAP:
		s->system_map_off = !enable;
		for (rank = RANK_FIRST_MAP; !enable && rank < s->next_rank;
		     rank++)
			if (rank != s->vmlinux_rank)
				mkd_symtab_remove_rank(&s->tab, (uint8_t)rank);
		break;
	case MKD_SYMBOL_VMLINUX:
		s->vmlinux_off = !enable;
		if (!enable && s->vmlinux_rank) {
			mkd_symtab_remove_rank(&s->tab, s->vmlinux_rank);
			s->vmlinux_rank = 0;
		}
		break;
	default:
		return mkd_error_create(MKD_ERR_INVALID,
					"no symbol source %d", (int)source);
	}
	sources_changed(dump, s);
	return NULL;
}
