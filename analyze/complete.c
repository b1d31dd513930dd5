// SPDX-License-Identifier: GPL-2.0-or-later
/* complete.c - sorted lists of symbol and struct names for completion */
#include <stdlib.h>
#include <string.h>

#include "complete.h"

static int add_name(struct az_names *n, const char *name)
{
	if (n->count == n->cap) {
		size_t cap = n->cap ? 2 * n->cap : 4096;
		const char **p = realloc(n->names, cap * sizeof(*p));

		if (!p)
			return -1;
		n->names = p;
		n->cap = cap;
	}
	n->names[n->count++] = name;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void sort_unique(struct az_names *n)
{
	size_t i, out = 0;

	if (!n->count)
		return;
	qsort(n->names, n->count, sizeof(*n->names), cmp_names);
	for (i = 1; i < n->count; i++)
		if (strcmp(n->names[i], n->names[out]))
			n->names[++out] = n->names[i];
	n->count = out + 1;
}

static int add_symbol(const struct mkd_symbol *sym, void *arg)
{
	return sym->name && *sym->name ? add_name(arg, sym->name) : 0;
}

void az_names_symbols(struct mkd_dump *dump, struct az_names *names)
{
	struct mkd_error *err = mkd_symbol_iterate(dump, add_symbol, names);

	mkd_error_destroy(err);
	sort_unique(names);
}

/* Struct and union tags: what "struct NAME ADDR" takes. */
static int add_type(const struct mkd_type *type, void *arg)
{
	enum mkd_type_kind k = mkd_type_kind(type);
	const char *name = mkd_type_name(type);

	if ((k != MKD_TYPE_STRUCT && k != MKD_TYPE_UNION) || !name || !*name)
		return 0;
	return add_name(arg, name);
}

void az_names_types(struct mkd_dump *dump, struct az_names *names)
{
	mkd_error_destroy(mkd_type_iterate(dump, add_type, names));
	sort_unique(names);
}

void az_names_free(struct az_names *names)
{
	free(names->names);
	names->names = NULL;
	names->count = names->cap = 0;
}

size_t az_names_lower_bound(const char *const *names, size_t count,
			    const char *prefix)
{
	size_t lo = 0, hi = count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(names[mid], prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
