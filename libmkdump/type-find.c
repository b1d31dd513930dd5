// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * type-find.c - finding things in the dump's type model: types by their
 * C name, members by path ("se.sum_exec_runtime", "comm[0]") and
 * enumerators by name.  Names are asked of one source: the DWARF of a
 * loaded vmlinux if there is one, else the dump's BTF, built on first
 * use (a failure is kept and reported again rather than retried).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "dwarf-types.h"
#include "types.h"

#define MAX_ANON_DEPTH 32	/* anonymous structs inside each other */
#define MAX_VISITS 100000	/* members looked at for one name */
#define NAME_BUF 256

struct mkd_error *mkd_types_ready(struct mkd_dump *dump,
				  const struct mkd_types **types)
{
	struct mkd_types *m = NULL;
	struct mkd_error *err;

	if (!dump->types) {
		err = mkd_btf_load(dump, &m);
		if (err) {
			m = calloc(1, sizeof(*m));
			if (!m)
				return err;
			m->error = err;
		}
		dump->types = m;
	}
	if (dump->types->error)
		return mkd_error_dup(dump->types->error);
	*types = dump->types;
	return NULL;
}

void mkd_types_retry(struct mkd_dump *dump)
{
	/* Modules' models point into dump->types: they go first. */
	if (dump->module_types && dump->module_types->error) {
		mkd_module_types_destroy(dump->module_types);
		dump->module_types = NULL;
	}
	if (dump->types && dump->types->error && !dump->module_types) {
		mkd_types_destroy(dump->types);
		dump->types = NULL;
	}
}

/* ------------------------------------------------------------------ */
/* Types by name */

static const char *skip_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n) || (s[n] != ' ' && s[n] != '\t'))
		return NULL;
	for (s += n; *s == ' ' || *s == '\t'; s++)
		;
	return s;
}

/*
 * "unsigned long" and friends in the words GCC names them with ("long
 * unsigned int"); false if name is not made of base type words only.
 */
static bool canonical_int(const char *name, char *out, size_t size)
{
	unsigned longs = 0, shorts = 0, sign = 0, chars = 0, ints = 0;
	const char *p = name;

	while (*p) {
		size_t n = strcspn(p, " \t");

		if (n == 4 && !strncmp(p, "long", 4)) longs++;
		else if (n == 5 && !strncmp(p, "short", 5)) shorts++;
		else if (n == 6 && !strncmp(p, "signed", 6)) sign = sign ? 3 : 1;
		else if (n == 8 && !strncmp(p, "unsigned", 8)) sign = sign ? 3 : 2;
		else if (n == 4 && !strncmp(p, "char", 4)) chars++;
		else if (n == 3 && !strncmp(p, "int", 3)) ints++;
		else if (n) return false;
		p += n;
		p += strspn(p, " \t");
	}
	if (sign == 3 || longs > 2 || shorts > 1 || chars > 1 || ints > 1 ||
	    (chars && (longs || shorts || ints)) || (longs && shorts))
		return false;
	if (chars)
		snprintf(out, size, "%schar", sign == 1 ? "signed " :
			 sign == 2 ? "unsigned " : "");
	else
		snprintf(out, size, "%s%s%sint", shorts ? "short " : "",
			 longs == 2 ? "long long " : longs ? "long " : "",
			 sign == 2 ? "unsigned " : "");
	return true;
}

/*
 * The source names are asked of: DWARF, else the BTF model; or, when
 * module is set, that module's own BTF types.
 */
struct names {
	struct mkd_dwarf *dwarf;
	const struct mkd_types *btf;
	const struct mkd_types *module;
	struct mkd_error *err;		/* the first failure of DWARF */
};

static struct mkd_error *names_get(struct mkd_dump *dump, struct names *n)
{
	memset(n, 0, sizeof(*n));
	n->dwarf = mkd_vmlinux_dwarf(dump);
	if (n->dwarf)
		return NULL;
	return mkd_types_ready(dump, &n->btf);
}

static const struct mkd_type *lookup(struct names *n, enum mkd_type_ns ns,
				     const char *name, int kind)
{
	const struct mkd_type *t = NULL;

	if (n->module)
		return mkd_types_lookup(n->module, ns, name, kind);
	if (!n->dwarf)
		return mkd_types_lookup(n->btf, ns, name, kind);
	if (!n->err)
		n->err = mkd_dwarf_lookup(n->dwarf, ns, name, kind, &t);
	return n->err ? NULL : t;
}

static const struct mkd_type *find_plain(struct names *n, const char *name)
{
	const struct mkd_type *t;
	char canon[64];

	t = lookup(n, MKD_TYPE_NS_ORDINARY, name, -1);
	if (!t && canonical_int(name, canon, sizeof(canon)))
		t = lookup(n, MKD_TYPE_NS_ORDINARY, canon, -1);
	if (!t)
		t = lookup(n, MKD_TYPE_NS_TAG, name, -1);
	return t;
}

static const struct mkd_type *find_named(struct names *n, const char *name)
{
	static const struct {
		const char *word;
		int kind;
	} tags[] = {
		{ "struct", MKD_TYPE_STRUCT },
		{ "union", MKD_TYPE_UNION },
		{ "enum", MKD_TYPE_ENUM },
	};
	const char *rest;
	size_t i;

	while (*name == ' ' || *name == '\t')
		name++;
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		rest = skip_prefix(name, tags[i].word);
		if (rest)
			return lookup(n, MKD_TYPE_NS_TAG, rest, tags[i].kind);
	}
	return find_plain(n, name);
}

static bool is_complete(const struct mkd_type *t)
{
	return t && !(t->flags & MKD_TYPEF_INCOMPLETE);
}

/*
 * What vmlinux's types miss (or only declare), from the loaded modules'
 * BTF in list order; a module whose BTF failed is passed over.
 */
static const struct mkd_type *find_in_modules(struct mkd_dump *dump,
					      const char *name,
					      const struct mkd_type *declared)
{
	const struct mkd_module_types *mt;
	struct names n = { 0 };
	const struct mkd_type *t;
	size_t i;

	if (mkd_module_types_ready(dump, &mt))
		return declared;
	for (i = 0; i < mt->n; i++) {
		n.module = mt->mods[i].types;
		t = n.module ? find_named(&n, name) : NULL;
		if (is_complete(t))
			return t;
		if (!declared)
			declared = t;
	}
	return declared;
}

/* "module:name": that module's own types, then vmlinux's. */
static struct mkd_error *find_qualified(struct mkd_dump *dump,
					struct names *n, const char *name,
					const char *colon,
					const struct mkd_type **type)
{
	const struct mkd_module_types *mt;
	struct mkd_error *err;
	size_t i, len = (size_t)(colon - name);

	err = mkd_module_types_ready(dump, &mt);
	for (i = 0; !err && i < mt->n; i++) {
		if (strlen(mt->mods[i].name) != len ||
		    memcmp(mt->mods[i].name, name, len))
			continue;
		if (mt->mods[i].error)
			return mkd_error_dup(mt->mods[i].error);
		n->module = mt->mods[i].types;
		*type = find_named(n, colon + 1);
		n->module = NULL;
		if (!*type)
			*type = find_named(n, colon + 1);
		return NULL;
	}
	if (!err && mt->error)
		return mkd_error_wrap(mkd_error_dup(mt->error),
				      "no BTF of module '%.*s'", (int)len, name);
	return err ? err : mkd_error_create(MKD_ERR_NOT_FOUND,
					    "no BTF of module '%.*s'",
					    (int)len, name);
}

MKD_EXPORT struct mkd_error *mkd_type_find(struct mkd_dump *dump,
					   const char *name,
					   const struct mkd_type **type)
{
	const char *colon = strchr(name, ':');
	struct mkd_error *err;
	struct names n;

	err = names_get(dump, &n);
	if (err)
		return err;
	*type = NULL;
	if (colon)
		err = find_qualified(dump, &n, name, colon, type);
	else
		*type = find_named(&n, name);
	if (!err && !n.err && !colon && !is_complete(*type))
		*type = find_in_modules(dump, name, *type);
	if (n.err)
		return mkd_error_wrap(n.err, "'%s'", name);
	if (err)
		return err;
	if (!*type)
		return mkd_error_create(MKD_ERR_NOT_FOUND, "no type '%s'%s",
					name, n.dwarf ? " in DWARF" : "");
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_type_count(struct mkd_dump *dump,
					    size_t *count)
{
	struct mkd_error *err;
	struct names n;

	err = names_get(dump, &n);
	if (err)
		return err;
	*count = n.dwarf ? mkd_dwarf_named_count(n.dwarf) : n.btf->ntypes;
	return NULL;
}

/* An enumerator vmlinux's types lack, from the modules' BTF. */
static const struct mkd_type_value *enumerator_in_modules(struct mkd_dump *dump,
							  const char *name)
{
	const struct mkd_module_types *mt;
	const struct mkd_type_value *v;
	size_t i;

	if (mkd_module_types_ready(dump, &mt))
		return NULL;
	for (i = 0; i < mt->n; i++) {
		v = mt->mods[i].types ?
		    mkd_types_enumerator(mt->mods[i].types, name) : NULL;
		if (v)
			return v;
	}
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_enum_value(struct mkd_dump *dump,
					    const char *name, int64_t *value,
					    const struct mkd_type **type)
{
	const struct mkd_type_value *v = NULL;
	struct mkd_error *err;
	struct names n;

	err = names_get(dump, &n);
	if (err)
		return err;
	if (n.dwarf) {
		err = mkd_dwarf_enumerator(n.dwarf, name, &v);
		if (err)
			return err;
	} else {
		v = mkd_types_enumerator(n.btf, name);
	}
	if (!v)
		v = enumerator_in_modules(dump, name);
	if (!v)
		return mkd_error_create(MKD_ERR_NOT_FOUND,
					"no enumerator '%s'", name);
	*value = v->value;
	if (type)
		*type = v->parent;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Member paths */

struct member_search {
	const char *name;
	size_t len;
	unsigned visits;
};

static bool is_record(const struct mkd_type *t)
{
	return t->kind == MKD_TYPE_STRUCT || t->kind == MKD_TYPE_UNION;
}

/*
 * The member called s->name in t, looking inside anonymous members as C
 * does; *bit_offset is from the start of t.  Bounded in depth and work.
 */
static bool find_member(const struct mkd_type *t, struct member_search *s,
			unsigned depth, uint64_t *bit_offset,
			const struct mkd_type **type)
{
	uint32_t i;

	for (i = 0; i < t->nitems && s->visits < MAX_VISITS; i++) {
		const struct mkd_type_field *f = &t->fields[i];
		const struct mkd_type *sub;

		s->visits++;
		if (f->name && strlen(f->name) == s->len &&
		    !memcmp(f->name, s->name, s->len)) {
			*bit_offset = f->bit_offset;
			*type = f->type;
			return true;
		}
		sub = mkd_type_unqualified(f->type);
		if (f->name || !is_record(sub) || depth >= MAX_ANON_DEPTH)
			continue;
		if (find_member(sub, s, depth + 1, bit_offset, type)) {
			*bit_offset += f->bit_offset;
			return true;
		}
	}
	return false;
}

static struct mkd_error *path_error(enum mkd_error_code code,
				    const struct mkd_type *t, const char *fmt,
				    const char *what, size_t len)
{
	char name[NAME_BUF];

	mkd_type_format(t, NULL, name, sizeof(name));
	return mkd_error_create(code, fmt, (int)len, what, name);
}

static struct mkd_error *step_member(const char **p, const struct mkd_type **cur,
				     uint64_t *off)
{
	const struct mkd_type *t = mkd_type_unqualified(*cur), *type;
	struct member_search s = { .name = *p };
	uint64_t bits;

	while (isalnum((unsigned char)(*p)[s.len]) || (*p)[s.len] == '_')
		s.len++;
	if (!s.len)
		return mkd_error_create(MKD_ERR_INVALID,
					"expected a member name at '%s'", *p);
	if (!is_record(t))
		return path_error(MKD_ERR_INVALID, *cur,
				  "'%.*s': %s is not a struct or union",
				  *p, s.len);
	if (!find_member(t, &s, 0, &bits, &type))
		return path_error(MKD_ERR_NOT_FOUND, *cur,
				  "no member '%.*s' in %s", *p, s.len);
	if (mkd_add_overflows(*off, bits, off))
		return mkd_error_create(MKD_ERR_CORRUPT, "member offset overflows");
	*cur = type;
	*p += s.len;
	return NULL;
}

static struct mkd_error *step_index(const char **p, const struct mkd_type **cur,
				    uint64_t *off)
{
	const struct mkd_type *t = mkd_type_unqualified(*cur);
	const char *start = *p + 1;
	uint64_t index, bits;
	char *end;

	if (!isdigit((unsigned char)*start))
		return mkd_error_create(MKD_ERR_INVALID,
					"expected an index at '%s'", *p);
	index = strtoull(start, &end, 0);
	if (*end != ']')
		return mkd_error_create(MKD_ERR_INVALID,
					"expected ']' at '%s'", end);
	if (t->kind != MKD_TYPE_ARRAY)
		return path_error(MKD_ERR_INVALID, *cur,
				  "'%.*s': %s is not an array",
				  *p, (size_t)(end + 1 - *p));
	if (t->length && index >= t->length)
		return path_error(MKD_ERR_NOT_FOUND, *cur,
				  "index %.*s is past the end of %s",
				  start, (size_t)(end - start));
	if (mkd_mul_overflows(index, t->target->size, &bits) ||
	    mkd_mul_overflows(bits, 8, &bits) ||
	    mkd_add_overflows(*off, bits, off))
		return mkd_error_create(MKD_ERR_INVALID, "index overflows");
	*cur = t->target;
	*p = end + 1;
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_type_path(const struct mkd_type *type,
					   const char *path,
					   uint64_t *bit_offset,
					   const struct mkd_type **member_type)
{
	const struct mkd_type *cur = type;
	struct mkd_error *err = NULL;
	const char *p = path;
	uint64_t off = 0;

	while (!err && *p) {
		if (*p == '[') {
			err = step_index(&p, &cur, &off);
			continue;
		}
		if (p != path && *p++ != '.')
			return mkd_error_create(MKD_ERR_INVALID,
						"expected '.' or '[' at '%s'",
						p - 1);
		err = step_member(&p, &cur, &off);
	}
	if (err)
		return mkd_error_wrap(err, "'%s'", path);
	*bit_offset = off;
	if (member_type)
		*member_type = cur;
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_type_member_offset(struct mkd_dump *dump,
						    const char *type_name,
						    const char *path,
						    uint64_t *bit_offset,
						    const struct mkd_type **member_type)
{
	const struct mkd_type *type;
	struct mkd_error *err;

	err = mkd_type_find(dump, type_name, &type);
	if (!err)
		err = mkd_type_path(type, path, bit_offset, member_type);
	return err;
}
