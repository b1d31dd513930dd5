/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * symbols.h - the symbol model: one table that every symbol source feeds
 * (the kernel's kallsyms read from the dump, module symbols, System.map
 * files, a vmlinux's ELF symbol table).
 *
 * Sources add entries with a rank (their place in the order sources are
 * asked: lower answers first).  mkd_symtab_finish() sorts the entries by
 * address, lists as live those that no better-ranked source gives with
 * the same name and address, sizes every live entry that has no size from
 * the next address, and indexes names.  Lookups and live[] need a
 * finished table; adding or removing entries unfinishes it.  Names live
 * in the table's string pool.
 */
#ifndef MKD_SYMBOLS_H
#define MKD_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mkdump.h"

struct mkd_symtab_entry {
	uint64_t address;
	uint64_t size;
	uint32_t name;		/* offset in the pool */
	uint32_t module;	/* offset in the pool; 0 = the kernel image */
	uint32_t order;		/* insertion order, to keep sorting stable */
	uint8_t rank;		/* source order: lower is asked first */
	uint8_t source;		/* enum mkd_symbol_source */
	uint8_t flags;		/* MKD_SYMBOL_*, MKD_SYMTAB_ABSOLUTE */
	char type;
};

/* Entry flag: like an 'A' symbol (per-CPU offsets), whatever its type. */
#define MKD_SYMTAB_ABSOLUTE 0x80

struct mkd_symtab {
	struct mkd_symtab_entry *entries;	/* by address once finished */
	size_t n, cap;
	uint32_t *live;		/* entries not shadowed by a better source */
	size_t nlive, live_cap;
	uint32_t next_order;
	char *pool;				/* NUL-separated names */
	size_t pool_len, pool_cap;
	uint32_t *names;	/* hash slot -> entry index + 1, 0 = empty */
	size_t names_size;	/* power of two, or 0 */
	bool finished;
};

void mkd_symtab_init(struct mkd_symtab *tab);
void mkd_symtab_deinit(struct mkd_symtab *tab);
/* Forget every entry of one rank (a source being reloaded or dropped). */
void mkd_symtab_remove_rank(struct mkd_symtab *tab, uint8_t rank);

struct mkd_symtab_add {
	const char *name;
	size_t name_len;
	const char *module;	/* NULL for the kernel image */
	uint64_t address;
	uint64_t size;		/* 0 = unknown, guessed when finishing */
	char type;
	uint8_t rank;
	uint8_t source;
	bool absolute;		/* a value, not an address in the image */
};
struct mkd_error *mkd_symtab_add(struct mkd_symtab *tab,
				 const struct mkd_symtab_add *sym);
struct mkd_error *mkd_symtab_finish(struct mkd_symtab *tab);

/* Lookups on a finished table: an entry, or NULL. */
const struct mkd_symtab_entry *mkd_symtab_by_name(const struct mkd_symtab *tab,
						  const char *name);
const struct mkd_symtab_entry *mkd_symtab_by_addr(const struct mkd_symtab *tab,
						  uint64_t addr);
/* name in module only (slow: a walk of the table). */
const struct mkd_symtab_entry *mkd_symtab_by_module_name(const struct mkd_symtab *tab,
							 const char *module,
							 size_t module_len,
							 const char *name);
void mkd_symtab_fill(const struct mkd_symtab *tab,
		     const struct mkd_symtab_entry *e, struct mkd_symbol *sym);

/* ------------------------------------------------------------------ */
/* Sources */

/* The kernel's compressed kallsyms tables, as found in memory (6.1). */
struct mkd_kallsyms_tables {
	const uint8_t *names;		/* length-prefixed token strings */
	size_t names_len;
	const uint8_t *offsets;		/* num_syms little-endian s32 */
	uint32_t num_syms;
	uint64_t relative_base;
	const uint8_t *token_table;	/* NUL-terminated tokens */
	size_t token_table_len;
	const uint8_t *token_index;	/* 256 little-endian u16 */
};

/* Called for each decoded symbol; an error stops the decoding. */
typedef struct mkd_error *mkd_kallsyms_fn(void *arg, const char *name,
					  size_t len, char type,
					  uint64_t address);

/*
 * Decode every symbol of the tables, in table order.  Bounded: a length,
 * token or offset that points outside the tables is MKD_ERR_CORRUPT.
 * Fuzz targets and unit tests call this on memory directly.
 */
struct mkd_error *mkd_kallsyms_decode(const struct mkd_kallsyms_tables *t,
				      mkd_kallsyms_fn *fn, void *arg);
/* Read the tables from the dump and add their symbols with rank. */
struct mkd_error *mkd_kallsyms_load(struct mkd_dump *dump,
				    struct mkd_symtab *tab, uint8_t rank);

/*
 * Add the symbols of System.map text (len bytes) with rank, moving
 * kernel image addresses by offset; *stext gets the file's _stext (0 if
 * none).  MKD_ERR_INVALID for text that is not a System.map.
 */
struct mkd_error *mkd_system_map_parse(const char *text, size_t len,
				       uint64_t offset, struct mkd_symtab *tab,
				       uint8_t rank);
/* The address of _stext (or _text) in System.map text, if it has one. */
bool mkd_system_map_stext(const char *text, size_t len, uint64_t *addr);

/*
 * Add the symbols of the modules loaded in the dump with rank; needs the
 * dump's types (BTF) for struct module.
 */
struct mkd_error *mkd_module_symbols_load(struct mkd_dump *dump,
					  struct mkd_symtab *tab, uint8_t rank);

/*
 * The offset that moves a symbol file's kernel image addresses to the
 * dump's: KERNELOFFSET, refused (MKD_ERR_INVALID, "not this kernel's")
 * when the file's _stext (if has_stext) does not land on the dump's.
 */
struct mkd_error *mkd_symbols_image_offset(const struct mkd_dump *dump,
					   bool has_stext, uint64_t in_file,
					   uint64_t *offset);

/* Add a vmlinux's ELF symbols: fn adds them to tab with rank. */
typedef struct mkd_error *mkd_symbols_file_fn(void *arg,
					      struct mkd_symtab *tab,
					      uint8_t rank);
struct mkd_error *mkd_symbols_add_vmlinux(struct mkd_dump *dump,
					  mkd_symbols_file_fn *fn, void *arg);

/* The dump's symbol table, built from its sources on first use. */
struct mkd_error *mkd_symbols_ready(struct mkd_dump *dump,
				    const struct mkd_symtab **tab);
/*
 * The address of a symbol of the kernel image (kallsyms, System.map),
 * without loading module symbols: for the sources that module symbols
 * themselves need (BTF, the modules list).
 */
struct mkd_error *mkd_symbols_core_address(struct mkd_dump *dump,
					   const char *name, uint64_t *addr);

#endif /* MKD_SYMBOLS_H */
