// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * symtab.c - the symbol table every source feeds (see symbols.h): a
 * string pool, entries sorted by address, and a name index.
 */
#include <stdlib.h>

#include "internal.h"
#include "symbols.h"

#define MAX_ENTRIES (1u << 26)		/* far above any kernel */
#define MAX_GUESS (UINT64_C(1) << 30)	/* x86_64's largest kernel image */
#define MAX_POOL ((size_t)1 << 30)

void mkd_symtab_init(struct mkd_symtab *tab)
{
	memset(tab, 0, sizeof(*tab));
}

void mkd_symtab_deinit(struct mkd_symtab *tab)
{
	free(tab->entries);
	free(tab->live);
	free(tab->pool);
	free(tab->names);
	mkd_symtab_init(tab);
}

void mkd_symtab_remove_rank(struct mkd_symtab *tab, uint8_t rank)
{
	size_t i, n = 0;

	for (i = 0; i < tab->n; i++)
		if (tab->entries[i].rank != rank)
			tab->entries[n++] = tab->entries[i];
	tab->n = n;
	tab->nlive = 0;
	tab->finished = false;
}

/* Copy s into the pool; its offset, or 0 when out of room. */
static uint32_t pool_add(struct mkd_symtab *tab, const char *s, size_t len)
{
	size_t off;

	if (!tab->pool_len) {
		/* Offset 0 is the empty string: "no module". */
		if (!mkd_array_reserve(&tab->pool, &tab->pool_cap, 1, 1))
			return 0;
		tab->pool[tab->pool_len++] = '\0';
	}
	off = tab->pool_len;
	if (len >= MAX_POOL - off ||
	    !mkd_array_reserve(&tab->pool, &tab->pool_cap, off + len + 1, 1))
		return 0;
	memcpy(tab->pool + off, s, len);
	tab->pool[off + len] = '\0';
	tab->pool_len += len + 1;
	return (uint32_t)off;
}

/* Module names repeat: reuse the last one given. */
static uint32_t module_add(struct mkd_symtab *tab, const char *module)
{
	size_t i;

	if (!module)
		return 0;
	for (i = tab->n; i-- > 0 && i + 8 > tab->n;)
		if (tab->entries[i].module &&
		    !strcmp(tab->pool + tab->entries[i].module, module))
			return tab->entries[i].module;
	return pool_add(tab, module, strlen(module));
}

struct mkd_error *mkd_symtab_add(struct mkd_symtab *tab,
				 const struct mkd_symtab_add *sym)
{
	struct mkd_symtab_entry *e;
	uint32_t name, module = 0;

	if (tab->n >= MAX_ENTRIES)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"more than %u symbols", MAX_ENTRIES);
	if (!mkd_array_reserve(&tab->entries, &tab->cap, tab->n + 1,
			       sizeof(*tab->entries)))
		return &mkd_enomem;
	name = pool_add(tab, sym->name, sym->name_len);
	if (sym->module)
		module = module_add(tab, sym->module);
	if (!name || (sym->module && !module))
		return &mkd_enomem;
	e = &tab->entries[tab->n];
	e->address = sym->address;
	e->size = sym->size;
	e->name = name;
	e->module = module;
	e->order = tab->next_order++;
	e->rank = sym->rank;
	e->source = sym->source;
	e->flags = sym->size ? 0 : MKD_SYMBOL_SIZE_GUESSED;
	if (sym->absolute || sym->type == 'a' || sym->type == 'A')
		e->flags |= MKD_SYMTAB_ABSOLUTE;
	e->type = sym->type;
	tab->n++;
	tab->finished = false;
	return NULL;
}

static bool is_weak(char type)
{
	return type == 'w' || type == 'W' || type == 'v' || type == 'V';
}

static unsigned underscores(const char *name)
{
	unsigned n = 0;

	while (name[n] == '_' && n < 8)
		n++;
	return n;
}

/*
 * Among symbols at one address the kernel prints strong ones before weak
 * ones and names with fewer leading underscores first; sources keep
 * their order.
 */
static int compare_entries(const void *a, const void *b, void *pool)
{
	const struct mkd_symtab_entry *x = a, *y = b;
	const char *names = pool;
	unsigned ux, uy;

	if (x->address != y->address)
		return x->address < y->address ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (is_weak(x->type) != is_weak(y->type))
		return is_weak(x->type) ? 1 : -1;
	ux = underscores(names + x->name);
	uy = underscores(names + y->name);
	if (ux != uy)
		return ux < uy ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Is e given, with its name, by a better-ranked live entry before it? */
static bool shadowed(const struct mkd_symtab *tab,
		     const struct mkd_symtab_entry *e)
{
	size_t j;

	for (j = tab->nlive; j-- > 0;) {
		const struct mkd_symtab_entry *x = &tab->entries[tab->live[j]];

		if (x->address != e->address)
			return false;
		if (x->rank < e->rank &&
		    !strcmp(tab->pool + x->name, tab->pool + e->name))
			return true;
	}
	return false;
}

static struct mkd_error *list_live(struct mkd_symtab *tab)
{
	size_t i;

	tab->nlive = 0;
	if (!mkd_array_reserve(&tab->live, &tab->live_cap, tab->n,
			       sizeof(*tab->live)))
		return &mkd_enomem;
	for (i = 0; i < tab->n; i++)
		if (!shadowed(tab, &tab->entries[i]))
			tab->live[tab->nlive++] = (uint32_t)i;
	return NULL;
}

/* Walking down the table: the lowest address of one kind so far. */
struct next_up {
	bool have_seen, have_above;
	uint64_t seen, above;		/* above: lowest above the current */
	uint32_t seen_module, above_module;
};

static bool same_module(const struct mkd_symtab *tab, uint32_t a, uint32_t b)
{
	return a == b || (a && b && !strcmp(tab->pool + a, tab->pool + b));
}

/*
 * A symbol without a size runs to the next higher address of its kind -
 * absolute symbols (per-CPU offsets) and the rest do not interleave -
 * within its own module or the image, and no further than a kernel image
 * can span.
 */
static void guess_sizes(struct mkd_symtab *tab)
{
	struct next_up kinds[2] = { { 0 }, { 0 } };
	size_t i;

	for (i = tab->nlive; i-- > 0;) {
		struct mkd_symtab_entry *e = &tab->entries[tab->live[i]];
		struct next_up *k = &kinds[!!(e->flags & MKD_SYMTAB_ABSOLUTE)];

		if (k->have_seen && k->seen > e->address) {
			k->above = k->seen;
			k->above_module = k->seen_module;
			k->have_above = true;
		}
		if (e->flags & MKD_SYMBOL_SIZE_GUESSED) {
			e->size = 0;
			if (k->have_above &&
			    same_module(tab, k->above_module, e->module) &&
			    k->above - e->address <= MAX_GUESS)
				e->size = k->above - e->address;
		}
		k->seen = e->address;
		k->seen_module = e->module;
		k->have_seen = true;
	}
}

static uint64_t hash_name(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 0x100000001b3ull;
	return h;
}

static bool better_named(const struct mkd_symtab_entry *x,
			 const struct mkd_symtab_entry *y)
{
	/* Lower rank, then the kernel image before modules; else first. */
	if (x->rank != y->rank)
		return x->rank < y->rank;
	return !x->module && y->module;
}

static struct mkd_error *index_names(struct mkd_symtab *tab)
{
	size_t size = 16, i;

	while (size < 2 * tab->nlive)
		size *= 2;
	free(tab->names);
	tab->names = calloc(size, sizeof(*tab->names));
	if (!tab->names) {
		tab->names_size = 0;
		return &mkd_enomem;
	}
	tab->names_size = size;
	for (i = 0; i < tab->nlive; i++) {
		uint32_t idx = tab->live[i];
		const char *name = tab->pool + tab->entries[idx].name;
		size_t slot = hash_name(name) & (size - 1);
		uint32_t *s;

		for (;; slot = (slot + 1) & (size - 1)) {
			s = &tab->names[slot];
			if (!*s || !strcmp(tab->pool + tab->entries[*s - 1].name,
					   name))
				break;
		}
		if (!*s || better_named(&tab->entries[idx],
					&tab->entries[*s - 1]))
			*s = idx + 1;
	}
	return NULL;
}

struct mkd_error *mkd_symtab_finish(struct mkd_symtab *tab)
{
	struct mkd_error *err;

	if (tab->finished)
		return NULL;
	if (tab->n)
		qsort_r(tab->entries, tab->n, sizeof(*tab->entries),
			compare_entries, tab->pool);
	err = list_live(tab);
	if (err)
		return err;
	guess_sizes(tab);
	err = index_names(tab);
	if (err)
		return err;
	tab->finished = true;
	return NULL;
}

const struct mkd_symtab_entry *mkd_symtab_by_name(const struct mkd_symtab *tab,
						  const char *name)
{
	size_t slot;

	if (!tab->names_size)
		return NULL;
	slot = hash_name(name) & (tab->names_size - 1);
	for (;; slot = (slot + 1) & (tab->names_size - 1)) {
		uint32_t s = tab->names[slot];

		if (!s)
			return NULL;
		if (!strcmp(tab->pool + tab->entries[s - 1].name, name))
			return &tab->entries[s - 1];
	}
}

const struct mkd_symtab_entry *mkd_symtab_by_module_name(const struct mkd_symtab *tab,
							 const char *module,
							 size_t module_len,
							 const char *name)
{
	size_t i;

	for (i = 0; i < tab->nlive; i++) {
		const struct mkd_symtab_entry *e = &tab->entries[tab->live[i]];
		const char *m = tab->pool + e->module;

		if (e->module && !strncmp(m, module, module_len) &&
		    !m[module_len] && !strcmp(tab->pool + e->name, name))
			return e;
	}
	return NULL;
}

const struct mkd_symtab_entry *mkd_symtab_by_addr(const struct mkd_symtab *tab,
						  uint64_t addr)
{
	const struct mkd_symtab_entry *e;
	size_t lo = 0, hi = tab->nlive;

	/* The first live entry above addr... */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (tab->entries[tab->live[mid]].address <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	/* ...so the one before it is the highest at or below addr. */
	while (lo > 1 && tab->entries[tab->live[lo - 2]].address ==
			 tab->entries[tab->live[lo - 1]].address)
		lo--;
	e = &tab->entries[tab->live[lo - 1]];
	if (addr - e->address < e->size || addr == e->address)
		return e;
	return NULL;
}

void mkd_symtab_fill(const struct mkd_symtab *tab,
		     const struct mkd_symtab_entry *e, struct mkd_symbol *sym)
{
	memset(sym, 0, sizeof(*sym));
	sym->name = tab->pool + e->name;
	sym->address = e->address;
	sym->size = e->size;
	sym->type = e->type;
	sym->source = e->source;
	sym->flags = e->flags & ~MKD_SYMTAB_ABSOLUTE;
	sym->module = e->module ? tab->pool + e->module : NULL;
}
