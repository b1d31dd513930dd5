// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modsyms.c - symbols of loaded modules, read from the dump.
 *
 * Facts (Linux 6.1, kernel/module/kallsyms.c): the `modules` list links
 * struct module through its `list` member; each live module's
 * `kallsyms` points to a struct mod_kallsyms {symtab, num_symtab, strtab,
 * typetab}: ELF64 symbols (24 bytes: u32 st_name, u8 st_info, u8
 * st_other, u16 st_shndx, u64 st_value, u64 st_size), their names in
 * strtab and one nm type letter each in typetab.  /proc/kallsyms shows
 * every one with a name, module being loaded included, except modules
 * still UNFORMED.  Layouts come from the dump's BTF, never from here.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "kstate.h"
#include "symbols.h"

#define MAX_MODULES 65536
#define MAX_MODULE_SYMS (1u << 20)
#define MAX_MODULE_SIZE ((size_t)64 << 10)	/* struct module, read whole */
#define MAX_STRTAB ((size_t)16 << 20)
#define KSYM_NAME_LEN 512
#define ELF64_SYM_SIZE 24

/* Where things are in struct module and struct mod_kallsyms (bytes). */
struct layout {
	uint64_t module_size, list, name, name_len, kallsyms, state;
	uint64_t symtab, num_symtab, strtab, typetab;
	int64_t unformed;
};

static struct mkd_error *find_layout(struct mkd_dump *dump, struct layout *l)
{
	const char *m = "struct module", *k = "struct mod_kallsyms";
	const struct mkd_type *t;
	struct mkd_error *err;

	err = mkd_type_find(dump, m, &t);
	if (!err) {
		l->module_size = mkd_type_size(t);
		err = mkd_ks_member(dump, m, "list", &l->list, NULL);
	}
	if (!err)
		err = mkd_ks_member(dump, m, "name", &l->name, &l->name_len);
	if (!err)
		err = mkd_ks_member(dump, m, "kallsyms", &l->kallsyms, NULL);
	if (!err)
		err = mkd_ks_member(dump, m, "state", &l->state, NULL);
	if (!err)
		err = mkd_ks_member(dump, k, "symtab", &l->symtab, NULL);
	if (!err)
		err = mkd_ks_member(dump, k, "num_symtab", &l->num_symtab, NULL);
	if (!err)
		err = mkd_ks_member(dump, k, "strtab", &l->strtab, NULL);
	if (!err)
		err = mkd_ks_member(dump, k, "typetab", &l->typetab, NULL);
	if (!err)
		err = mkd_enum_value(dump, "MODULE_STATE_UNFORMED",
				     &l->unformed, NULL);
	if (!err && (l->module_size > MAX_MODULE_SIZE ||
		     l->name + l->name_len > l->module_size))
		err = mkd_error_create(MKD_ERR_CORRUPT,
				       "struct module of %llu bytes",
				       (unsigned long long)l->module_size);
	return err;
}

/* One module's symbol tables, read whole. */
struct mod_tables {
	uint8_t *symtab, *typetab;
	char *strtab;
	size_t strtab_len;
	uint32_t num;
};

static void mod_tables_free(struct mod_tables *t)
{
	free(t->symtab);
	free(t->typetab);
	free(t->strtab);
}

static struct mkd_error *read_new(struct mkd_dump *dump, uint64_t addr,
				  size_t len, bool partial_ok, void **buf,
				  size_t *got)
{
	struct mkd_error *err;
	size_t done = 0;

	*buf = malloc(len ? len : 1);
	if (!*buf)
		return &mkd_enomem;
	err = mkd_read_virt(dump, addr, *buf, len, &done);
	if (err && partial_ok && done) {
		mkd_error_destroy(err);
		err = NULL;
	}
	if (got)
		*got = done;
	return err;
}

static size_t strtab_extent(const struct mod_tables *t)
{
	size_t max = 0;
	uint32_t i;

	for (i = 0; i < t->num; i++) {
		size_t name = mkd_le32(t->symtab + ELF64_SYM_SIZE * (size_t)i);

		if (name > max)
			max = name;
	}
	return max + KSYM_NAME_LEN > MAX_STRTAB ? MAX_STRTAB
						 : max + KSYM_NAME_LEN;
}

static struct mkd_error *read_tables(struct mkd_dump *dump,
				     const struct layout *l, uint64_t kallsyms,
				     struct mod_tables *t)
{
	uint8_t mk[64];
	size_t mk_len = (size_t)(l->typetab + 8);
	struct mkd_error *err;

	if (mk_len > sizeof(mk) || l->num_symtab + 4 > mk_len ||
	    l->symtab + 8 > mk_len || l->strtab + 8 > mk_len)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"struct mod_kallsyms is laid out unlike 6.1");
	err = mkd_read_virt(dump, kallsyms, mk, mk_len, NULL);
	if (err)
		return err;
	t->num = mkd_le32(mk + l->num_symtab);
	if (t->num > MAX_MODULE_SYMS)
		return mkd_error_create(MKD_ERR_CORRUPT, "%u symbols", t->num);
	err = read_new(dump, mkd_le64(mk + l->symtab),
		       ELF64_SYM_SIZE * (size_t)t->num, false,
		       (void **)&t->symtab, NULL);
	if (!err)
		err = read_new(dump, mkd_le64(mk + l->typetab), t->num, false,
			       (void **)&t->typetab, NULL);
	if (!err)
		err = read_new(dump, mkd_le64(mk + l->strtab),
			       strtab_extent(t), true, (void **)&t->strtab,
			       &t->strtab_len);
	return err;
}

static struct mkd_error *add_tables(struct mkd_symtab *tab,
				    const struct mod_tables *t,
				    const char *module, uint8_t rank)
{
	struct mkd_error *err = NULL;
	uint32_t i;

	for (i = 0; i < t->num && !err; i++) {
		const uint8_t *sym = t->symtab + ELF64_SYM_SIZE * (size_t)i;
		size_t off = mkd_le32(sym);
		const char *name, *end;
		struct mkd_symtab_add a = {
			.address = mkd_le64(sym + 8), .size = mkd_le64(sym + 16),
			.type = (char)t->typetab[i], .module = module,
			.rank = rank, .source = MKD_SYMBOL_MODULES,
		};

		if (off >= t->strtab_len)
			return mkd_error_create(MKD_ERR_CORRUPT,
						"symbol %u: name at %zu is past the strings",
						i, off);
		name = t->strtab + off;
		end = memchr(name, '\0', t->strtab_len - off);
		if (!end)
			return mkd_error_create(MKD_ERR_CORRUPT,
						"symbol %u: name has no end", i);
		if (end == name)
			continue;	/* /proc/kallsyms skips them too */
		a.name = name;
		a.name_len = (size_t)(end - name);
		err = mkd_symtab_add(tab, &a);
	}
	return err;
}

/* One module at addr (its struct module); *next is its list successor. */
static struct mkd_error *load_module(struct mkd_dump *dump,
				     const struct layout *l, uint64_t addr,
				     struct mkd_symtab *tab, uint8_t rank,
				     uint64_t *next)
{
	struct mod_tables t = { 0 };
	struct mkd_error *err;
	char name[128];
	uint8_t *m;
	size_t n;

	err = read_new(dump, addr, (size_t)l->module_size, false,
		       (void **)&m, NULL);
	if (err)
		return err;
	*next = mkd_le64(m + l->list);
	n = strnlen((char *)m + l->name, (size_t)l->name_len);
	snprintf(name, sizeof(name), "%.*s", (int)n, (char *)m + l->name);
	if ((int32_t)mkd_le32(m + l->state) != l->unformed) {
		err = read_tables(dump, l, mkd_le64(m + l->kallsyms), &t);
		if (!err)
			err = add_tables(tab, &t, name, rank);
		if (err)
			err = mkd_error_wrap(err, "module '%s'", name);
	}
	mod_tables_free(&t);
	free(m);
	return err;
}

struct mkd_error *mkd_module_symbols_load(struct mkd_dump *dump,
					  struct mkd_symtab *tab, uint8_t rank)
{
	uint64_t head = 0, next = 0;
	struct mkd_error *err;
	struct layout l;
	uint8_t raw[8];
	size_t n;

	err = find_layout(dump, &l);
	if (!err)
		err = mkd_symbols_core_address(dump, "modules", &head);
	if (!err)
		err = mkd_read_virt(dump, head, raw, 8, NULL);
	if (!err)
		next = mkd_le64(raw);
	for (n = 0; !err && next != head; n++) {
		if (n == MAX_MODULES)
			err = mkd_error_create(MKD_ERR_CORRUPT,
					       "the modules list does not end");
		else
			err = load_module(dump, &l, next - l.list, tab, rank,
					  &next);
	}
	if (err) {
		mkd_symtab_remove_rank(tab, rank);
		return mkd_error_wrap(err, "module symbols");
	}
	return NULL;
}
