// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * symbols.c - the dump's symbols: which sources feed the table, in what
 * order, and the public lookups.
 *
 * kallsyms (rank 0) is read from the dump the first time a symbol is
 * asked for; System.map files are read when loaded and ranked after it in
 * load order.  A source that fails is remembered, not retried, so that a
 * lookup that misses can say why the table is poorer than expected.
 */
#include <stdlib.h>

#include "internal.h"
#include "symbols.h"

#define RANK_KALLSYMS 0
#define MAX_SYSTEM_MAP ((size_t)256 << 20)

struct mkd_symbols {
	struct mkd_symtab tab;
	bool kallsyms_off;		/* the caller does not want it */
	bool kallsyms_tried;
	struct mkd_error *kallsyms_err;	/* why it gave nothing */
	bool system_map_off;
	uint8_t next_rank;		/* for the next System.map */
};

void mkd_symbols_destroy(struct mkd_symbols *symbols)
{
	if (!symbols)
		return;
	mkd_symtab_deinit(&symbols->tab);
	mkd_error_destroy(symbols->kallsyms_err);
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
		dump->symbols->next_rank = RANK_KALLSYMS + 1;
	}
	*ret = dump->symbols;
	return NULL;
}

static void load_kallsyms(struct mkd_dump *dump, struct mkd_symbols *s)
{
	if (s->kallsyms_off || s->kallsyms_tried)
		return;
	s->kallsyms_tried = true;
	s->kallsyms_err = mkd_kallsyms_load(dump, &s->tab, RANK_KALLSYMS);
}

struct mkd_error *mkd_symbols_ready(struct mkd_dump *dump,
				    const struct mkd_symtab **tab)
{
	struct mkd_symbols *s = NULL;
	struct mkd_error *err;

	err = symbols_get(dump, &s);
	if (err)
		return err;
	load_kallsyms(dump, s);
	if (!s->tab.n) {
		if (s->kallsyms_err)
			return mkd_error_dup(s->kallsyms_err);
		return mkd_error_create(MKD_ERR_NOT_FOUND,
					"no symbols: kallsyms is off and no System.map was loaded");
	}
	err = mkd_symtab_finish(&s->tab);
	if (err)
		return err;
	*tab = &s->tab;
	return NULL;
}

/* A miss, with the reason the table may lack the symbol. */
static struct mkd_error *not_found(const struct mkd_dump *dump,
				   struct mkd_error *err)
{
	const struct mkd_symbols *s = dump->symbols;

	if (s && s->kallsyms_err)
		return mkd_error_wrap_suffix(err, mkd_error_message(s->kallsyms_err));
	return err;
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
	e = mkd_symtab_by_name(tab, name);
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

static uint64_t kernel_offset(const struct mkd_dump *dump)
{
	const char *v = mkd_vmcoreinfo_get(dump, "KERNELOFFSET");
	uint64_t offset;

	if (!v || !mkd_parse_u64(v, strcspn(v, "\n"), 16, &offset))
		return 0;
	return offset;
}

/*
 * The offset to add to the map's image addresses: KERNELOFFSET, checked
 * on _stext when both sides have it.  A map already at the dump's
 * addresses (a copy of /proc/kallsyms) needs none.
 */
static struct mkd_error *map_offset(const struct mkd_dump *dump,
				    const char *text, size_t len,
				    uint64_t *offset)
{
	uint64_t in_map, in_dump;
	struct mkd_error *err;

	*offset = kernel_offset(dump);
	if (!mkd_system_map_stext(text, len, &in_map))
		return NULL;
	err = mkd_vmcoreinfo_symbol(dump, "_stext", &in_dump);
	if (err) {
		mkd_error_destroy(err);
		return NULL;
	}
	if (in_map + *offset == in_dump)
		return NULL;
	if (in_map == in_dump) {
		*offset = 0;
		return NULL;
	}
	return mkd_error_create(MKD_ERR_INVALID,
				"not this kernel's: _stext is 0x%llx in it, 0x%llx in the dump (KASLR offset 0x%llx)",
				(unsigned long long)in_map,
				(unsigned long long)in_dump,
				(unsigned long long)*offset);
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
	return NULL;
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
		s->kallsyms_off = !enable;
		if (!enable) {
			mkd_symtab_remove_rank(&s->tab, RANK_KALLSYMS);
			s->kallsyms_tried = false;
			mkd_error_destroy(s->kallsyms_err);
			s->kallsyms_err = NULL;
		}
		return NULL;
	case MKD_SYMBOL_SYSTEM_MAP:
		s->system_map_off = !enable;
		for (rank = RANK_KALLSYMS + 1; !enable && rank < s->next_rank;
		     rank++)
			mkd_symtab_remove_rank(&s->tab, (uint8_t)rank);
		return NULL;
	}
	return mkd_error_create(MKD_ERR_INVALID, "no symbol source %d",
				(int)source);
}
