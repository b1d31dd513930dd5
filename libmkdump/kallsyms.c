// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kallsyms.c - the kernel's own symbol table, decoded from the dump.
 *
 * Facts (Linux 6.1, kernel/kallsyms.c and scripts/kallsyms.c): names are
 * stored one after another, each as a length then that many token bytes;
 * a length with its high bit set takes a second byte (len & 0x7f |
 * next << 7).  Every byte stands for a NUL-terminated string of the token
 * table, found through 256 16-bit token_index entries.  The first
 * character of the expanded string is the nm type letter.  Addresses are
 * 32-bit offsets from kallsyms_relative_base; with
 * CONFIG_KALLSYMS_ABSOLUTE_PERCPU (x86_64 SMP) a non-negative offset is an
 * absolute value (a per-CPU offset) and a negative one means
 * relative_base - 1 - offset.  VMCOREINFO does not say which was built;
 * without absolute per-CPU symbols no offset is ever negative (the image
 * is far smaller than 2 GiB), so one negative offset tells.
 */
#include <stdlib.h>

#include "internal.h"
#include "symbols.h"

#define MAX_SYMS (1u << 22)		/* 6.1 amd64 has about 95,000 */
#define MAX_NAMES_LEN ((size_t)64 << 20)
#define MAX_TOKENS_LEN ((size_t)64 << 10)
#define MAX_NAME 1024			/* KSYM_NAME_LEN is 512 in 6.1 */
#define TOKEN_SLACK 1024		/* read past the last token's start */
#define NAME_FALLBACK 64		/* bytes per name when the layout is odd */

struct tokens {
	const char *str[256];
	uint16_t len[256];
};

static struct mkd_error *tokens_init(const struct mkd_kallsyms_tables *t,
				     struct tokens *tok)
{
	unsigned i;

	for (i = 0; i < 256; i++) {
		size_t off = mkd_le16(t->token_index + 2 * i);
		const uint8_t *nul;

		if (off >= t->token_table_len)
			return mkd_error_create(MKD_ERR_CORRUPT,
						"token %u starts at %zu, past the token table (%zu bytes)",
						i, off, t->token_table_len);
		nul = memchr(t->token_table + off, '\0',
			     t->token_table_len - off);
		if (!nul || nul - (t->token_table + off) > UINT16_MAX)
			return mkd_error_create(MKD_ERR_CORRUPT,
						"token %u has no end", i);
		tok->str[i] = (const char *)t->token_table + off;
		tok->len[i] = (uint16_t)(nul - (t->token_table + off));
	}
	return NULL;
}

/* The compressed length at *pos: one byte, or two with the high bit. */
static bool name_length(const struct mkd_kallsyms_tables *t, size_t *pos,
			size_t *len)
{
	uint8_t b;

	if (*pos >= t->names_len)
		return false;
	b = t->names[(*pos)++];
	*len = b;
	if (b & 0x80) {
		if (*pos >= t->names_len)
			return false;
		*len = (b & 0x7f) | (size_t)t->names[(*pos)++] << 7;
	}
	return *len <= t->names_len - *pos;
}

/* Expand one name into buf; false if it does not fit. */
static bool expand(const struct tokens *tok, const uint8_t *data, size_t len,
		   char *buf, size_t *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < len; i++) {
		uint8_t b = data[i];

		if (tok->len[b] > MAX_NAME - *out)
			return false;
		memcpy(buf + *out, tok->str[b], tok->len[b]);
		*out += tok->len[b];
	}
	return true;
}

static bool absolute_percpu(const struct mkd_kallsyms_tables *t)
{
	uint32_t i;

	for (i = 0; i < t->num_syms; i++)
		if ((int32_t)mkd_le32(t->offsets + 4 * (size_t)i) < 0)
			return true;
	return false;
}

static uint64_t address(const struct mkd_kallsyms_tables *t, uint32_t i,
			bool absolute)
{
	int32_t off = (int32_t)mkd_le32(t->offsets + 4 * (size_t)i);

	if (!absolute)
		return t->relative_base + (uint32_t)off;
	if (off >= 0)
		return (uint64_t)off;
	return t->relative_base - 1 - (uint64_t)(int64_t)off;
}

struct mkd_error *mkd_kallsyms_decode(const struct mkd_kallsyms_tables *t,
				      mkd_kallsyms_fn *fn, void *arg)
{
	struct mkd_error *err;
	struct tokens tok;
	char buf[MAX_NAME];
	size_t pos = 0;
	bool absolute;
	uint32_t i;

	if (t->num_syms > MAX_SYMS)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"kallsyms_num_syms is %u, more than %u",
					t->num_syms, MAX_SYMS);
	err = tokens_init(t, &tok);
	if (err)
		return err;
	absolute = absolute_percpu(t);
	for (i = 0; i < t->num_syms; i++) {
		size_t len, out;

		if (!name_length(t, &pos, &len) || len == 0)
			return mkd_error_create(MKD_ERR_CORRUPT,
						"symbol %u: name at %zu runs past kallsyms_names (%zu bytes)",
						i, pos, t->names_len);
		if (!expand(&tok, t->names + pos, len, buf, &out))
			return mkd_error_create(MKD_ERR_CORRUPT,
						"symbol %u: name is too long", i);
		pos += len;
		if (out < 2)
			return mkd_error_create(MKD_ERR_CORRUPT,
						"symbol %u: no type or no name", i);
		err = fn(arg, buf + 1, out - 1, buf[0],
			 address(t, i, absolute));
		if (err)
			return err;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Reading the tables from the dump */

struct tables_buf {
	struct mkd_kallsyms_tables t;
	uint8_t *offsets, *names, *token_table;
	uint8_t token_index[512];
};

static void tables_buf_free(struct tables_buf *b)
{
	free(b->offsets);
	free(b->names);
	free(b->token_table);
}

/* Where the tables are, from VMCOREINFO's SYMBOL() lines. */
struct table_addrs {
	uint64_t num_syms, relative_base, offsets, names, token_table,
		 token_index;
};

static struct mkd_error *find_tables(struct mkd_dump *dump,
				     struct table_addrs *a)
{
	const struct {
		const char *name;
		uint64_t *addr;
	} keys[] = {
		{ "kallsyms_num_syms", &a->num_syms },
		{ "kallsyms_relative_base", &a->relative_base },
		{ "kallsyms_offsets", &a->offsets },
		{ "kallsyms_names", &a->names },
		{ "kallsyms_token_table", &a->token_table },
		{ "kallsyms_token_index", &a->token_index },
	};
	struct mkd_error *err;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		err = mkd_vmcoreinfo_symbol(dump, keys[i].name, keys[i].addr);
		if (err && mkd_error_code(err) == MKD_ERR_NOT_FOUND)
			return mkd_error_wrap(err, "the kernel did not export its symbol table");
		if (err)
			return err;
	}
	return NULL;
}

/* Read len bytes at vaddr into a new buffer; only a prefix if allowed. */
static struct mkd_error *read_table(struct mkd_dump *dump, uint64_t vaddr,
				    size_t len, bool partial_ok,
				    uint8_t **buf, size_t *got)
{
	struct mkd_error *err;
	size_t done = 0;

	*buf = malloc(len ? len : 1);
	if (!*buf)
		return &mkd_enomem;
	err = mkd_read_virt(dump, vaddr, *buf, len, &done);
	if (err && partial_ok && done) {
		mkd_error_destroy(err);
		err = NULL;
	}
	if (got)
		*got = done;
	return err;
}

/*
 * How far a table may reach: up to the next table when that starts above
 * it within limit (6.1 lays out names, markers, token table and token
 * index in that order), else the fallback.
 */
static size_t extent(uint64_t start, uint64_t next, size_t limit,
		     size_t fallback)
{
	if (next > start && next - start <= limit)
		return (size_t)(next - start);
	return fallback;
}

static struct mkd_error *read_small(struct mkd_dump *dump,
				    const struct table_addrs *a,
				    struct tables_buf *b)
{
	struct mkd_error *err;
	uint8_t raw[8];

	err = mkd_read_virt(dump, a->num_syms, raw, 4, NULL);
	if (err)
		return err;
	b->t.num_syms = mkd_le32(raw);
	if (b->t.num_syms == 0 || b->t.num_syms > MAX_SYMS)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"kallsyms_num_syms is %u",
					b->t.num_syms);
	err = mkd_read_virt(dump, a->relative_base, raw, 8, NULL);
	if (!err)
		err = mkd_read_virt(dump, a->token_index, b->token_index,
				    sizeof(b->token_index), NULL);
	b->t.relative_base = mkd_le64(raw);
	b->t.token_index = b->token_index;
	return err;
}

static struct mkd_error *read_tokens(struct mkd_dump *dump,
				     const struct table_addrs *a,
				     struct tables_buf *b)
{
	size_t max = 0, len;
	unsigned i;

	for (i = 0; i < 256; i++)
		if (mkd_le16(b->token_index + 2 * i) > max)
			max = mkd_le16(b->token_index + 2 * i);
	len = extent(a->token_table, a->token_index, MAX_TOKENS_LEN,
		     max + TOKEN_SLACK);
	return read_table(dump, a->token_table, len, true, &b->token_table,
			  &b->t.token_table_len);
}

static struct mkd_error *read_tables(struct mkd_dump *dump,
				     struct tables_buf *b)
{
	struct table_addrs a;
	struct mkd_error *err;
	size_t len;

	err = find_tables(dump, &a);
	if (!err)
		err = read_small(dump, &a, b);
	if (!err)
		err = read_table(dump, a.offsets, 4 * (size_t)b->t.num_syms,
				 false, &b->offsets, NULL);
	if (!err)
		err = read_tokens(dump, &a, b);
	if (err)
		return err;
	len = extent(a.names, a.token_table, MAX_NAMES_LEN,
		     (size_t)b->t.num_syms * NAME_FALLBACK);
	err = read_table(dump, a.names, len, true, &b->names,
			 &b->t.names_len);
	b->t.offsets = b->offsets;
	b->t.names = b->names;
	b->t.token_table = b->token_table;
	return err;
}

struct load_state {
	struct mkd_symtab *tab;
	uint8_t rank;
	uint64_t stext;
	bool have_stext;
};

static struct mkd_error *add_symbol(void *arg, const char *name, size_t len,
				    char type, uint64_t address)
{
	struct load_state *st = arg;
	struct mkd_symtab_add sym = {
		.name = name, .name_len = len, .address = address,
		.type = type, .rank = st->rank, .source = MKD_SYMBOL_KALLSYMS,
	};

	if (len == 6 && !memcmp(name, "_stext", 6)) {
		st->stext = address;
		st->have_stext = true;
	}
	return mkd_symtab_add(st->tab, &sym);
}

/* The table must put _stext where VMCOREINFO does, or it is not read right. */
static struct mkd_error *check_stext(struct mkd_dump *dump,
				     const struct load_state *st)
{
	struct mkd_error *err;
	uint64_t want;

	err = mkd_vmcoreinfo_symbol(dump, "_stext", &want);
	if (err) {
		mkd_error_destroy(err);
		return NULL;	/* nothing to check against */
	}
	if (!st->have_stext)
		return mkd_error_create(MKD_ERR_CORRUPT, "no _stext in the table");
	if (st->stext != want)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"the table puts _stext at 0x%llx, vmcoreinfo at 0x%llx",
					(unsigned long long)st->stext,
					(unsigned long long)want);
	return NULL;
}

struct mkd_error *mkd_kallsyms_load(struct mkd_dump *dump,
				    struct mkd_symtab *tab, uint8_t rank)
{
	struct load_state st = { .tab = tab, .rank = rank };
	struct tables_buf b;
	struct mkd_error *err;

	memset(&b, 0, sizeof(b));
	err = read_tables(dump, &b);
	if (!err)
		err = mkd_kallsyms_decode(&b.t, add_symbol, &st);
	if (!err)
		err = check_stext(dump, &st);
	tables_buf_free(&b);
	if (err) {
		mkd_symtab_remove_rank(tab, rank);
		return mkd_error_wrap(err, "kallsyms");
	}
	return NULL;
}

struct find_state {
	struct load_state st;	/* only its _stext */
	const char *name;
	size_t len;
	uint64_t address;
	bool found;
};

static struct mkd_error *match_symbol(void *arg, const char *name,
				      size_t len, char type, uint64_t address)
{
	struct find_state *f = arg;

	if (len == 6 && !memcmp(name, "_stext", 6)) {
		f->st.stext = address;
		f->st.have_stext = true;
	}
	if (!f->found && len == f->len && !memcmp(name, f->name, len)) {
		f->address = address;
		f->found = true;
	}
	return NULL;
}

struct mkd_error *mkd_kallsyms_find(struct mkd_dump *dump, const char *name,
				    uint64_t *address)
{
	struct find_state f = { .name = name, .len = strlen(name) };
	struct tables_buf b;
	struct mkd_error *err;

	memset(&b, 0, sizeof(b));
	err = read_tables(dump, &b);
	if (!err)
		err = mkd_kallsyms_decode(&b.t, match_symbol, &f);
	if (!err)
		err = check_stext(dump, &f.st);
	tables_buf_free(&b);
	if (err)
		return mkd_error_wrap(err, "kallsyms");
	if (!f.found)
		return mkd_error_create(MKD_ERR_NOT_FOUND,
					"no symbol '%s' in kallsyms", name);
	*address = f.address;
	return NULL;
}
