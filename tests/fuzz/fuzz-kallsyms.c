// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-kallsyms.c - the kallsyms decoder and the symbol table it feeds.
 *
 * The input carries the kernel's tables one after another:
 *   u32 num_syms, u64 relative_base, u16 token_table_len, u16 unused,
 *   512 bytes of token_index, token_table_len bytes of token_table,
 *   num_syms s32 offsets (num_syms is cut to what the input holds),
 *   then kallsyms_names to the end.
 * What decodes goes into a symbol table, which is then finished and
 * asked by name and by address.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "symbols.h"

#define HEADER 16
#define MAX_ASKED 256

#define promise(cond)                                                   \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "fuzz: broken promise: %s\n",   \
				#cond);                                 \
			abort();                                        \
		}                                                       \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mkd_error *add(void *arg, const char *name, size_t len,
			     char type, uint64_t address)
{
	struct mkd_symtab_add sym = {
		.name = name, .name_len = len, .address = address,
		.type = type, .source = MKD_SYMBOL_KALLSYMS,
	};

	promise(len > 0 && memchr(name, '\0', len) == NULL);
	return mkd_symtab_add(arg, &sym);
}

static bool split(const uint8_t *data, size_t size,
		  struct mkd_kallsyms_tables *t)
{
	size_t pos = HEADER + 512, room;

	if (size < pos)
		return false;
	t->num_syms = mkd_le32(data);
	t->relative_base = mkd_le64(data + 4);
	t->token_table_len = mkd_le16(data + 12);
	t->token_index = data + HEADER;
	if (t->token_table_len > size - pos)
		t->token_table_len = size - pos;
	t->token_table = data + pos;
	pos += t->token_table_len;
	room = (size - pos) / 4;
	if (t->num_syms > room)
		t->num_syms = (uint32_t)room;
	t->offsets = data + pos;
	pos += 4 * (size_t)t->num_syms;
	t->names = data + pos;
	t->names_len = size - pos;
	return true;
}

static void ask(const struct mkd_symtab *tab)
{
	struct mkd_symbol sym;
	size_t i;

	for (i = 0; i < tab->nlive && i < MAX_ASKED; i++) {
		const struct mkd_symtab_entry *e = &tab->entries[tab->live[i]];
		const struct mkd_symtab_entry *x;

		x = mkd_symtab_by_name(tab, tab->pool + e->name);
		promise(x && !strcmp(tab->pool + x->name, tab->pool + e->name));
		x = mkd_symtab_by_addr(tab, e->address);
		promise(x && x->address <= e->address);
		mkd_symtab_fill(tab, e, &sym);
		promise(sym.name && sym.name[0]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mkd_kallsyms_tables t;
	struct mkd_symtab tab;
	struct mkd_error *err;

	if (!split(data, size, &t))
		return 0;
	mkd_symtab_init(&tab);
	err = mkd_kallsyms_decode(&t, add, &tab);
	if (!err)
		err = mkd_symtab_finish(&tab);
	if (err) {
		promise(mkd_error_message(err)[0] != '\0');
		mkd_error_destroy(err);
	} else {
		ask(&tab);
	}
	mkd_symtab_deinit(&tab);
	return 0;
}
