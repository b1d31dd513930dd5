// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * types-cmp - compare the kernel types BTF gives with those a vmlinux's
 * DWARF gives, through the public interface only.
 *
 *   types-cmp [-p] DUMP VMLINUX TYPE...
 *
 * The dump is opened twice: alone (types from its BTF) and with
 * mkd_dump_load_vmlinux() (types from DWARF).  Every TYPE is found on
 * both sides and walked alike: size, kind, every member's name, bit
 * offset, bitfield width, size and C spelling, and the members of
 * anonymous and of named struct or union members (each type once), and
 * enumerators; with -p also the structs and unions members point to.  Prints one line of counts; the first differences go to
 * stderr.  Exit 0 when nothing differs, 1 when something does, 2 on
 * errors.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkdump.h"

#define MAX_SEEN 65536
#define MAX_DEPTH 12
#define MAX_REPORTED 20

struct cmp {
	const struct mkd_type *seen[MAX_SEEN];
	size_t nseen;
	unsigned long types, members, enumerators, differ;
	bool pointers;		/* -p: follow pointers to structs too */
};

static void differs(struct cmp *c, const char *path, const char *what,
		    const char *a, const char *b)
{
	if (c->differ++ < MAX_REPORTED)
		fprintf(stderr, "%s: %s: BTF %s, DWARF %s\n", path, what, a, b);
}

static void differs_u(struct cmp *c, const char *path, const char *what,
		      uint64_t a, uint64_t b)
{
	char x[32], y[32];

	if (a == b)
		return;
	snprintf(x, sizeof(x), "%" PRIu64, a);
	snprintf(y, sizeof(y), "%" PRIu64, b);
	differs(c, path, what, x, y);
}

static bool seen(struct cmp *c, const struct mkd_type *t)
{
	size_t i;

	for (i = 0; i < c->nseen; i++)
		if (c->seen[i] == t)
			return true;
	if (c->nseen < MAX_SEEN)
		c->seen[c->nseen++] = t;
	return false;
}

static bool is_record(const struct mkd_type *t)
{
	return mkd_type_kind(t) == MKD_TYPE_STRUCT ||
	       mkd_type_kind(t) == MKD_TYPE_UNION;
}

static void walk(struct cmp *c, const char *path, const struct mkd_type *a,
		 const struct mkd_type *b, int depth);

/*
 * BTF (pahole) writes int a[2][3] as int a[6]: spell every run of
 * dimensions as one, multiplied out.
 */
static void flatten_dims(char *s, size_t size)
{
	char out[512], *p = s;
	size_t len = 0;

	while (*p && len + 32 < sizeof(out)) {
		unsigned long long n = 1;
		char *end;

		if (*p != '[') {
			out[len++] = *p++;
			continue;
		}
		if (p[1] == ']') {		/* flexible */
			len += (size_t)sprintf(out + len, "[]");
			p += 2;
			continue;
		}
		while (*p == '[' && p[1] != ']') {
			n *= strtoull(p + 1, &end, 10);
			if (*end != ']')
				break;
			p = end + 1;
		}
		len += (size_t)sprintf(out + len, "[%llu]", n);
	}
	out[len] = '\0';
	snprintf(s, size, "%s", out);
}

static void walk_member(struct cmp *c, const char *path,
			const struct mkd_type_member *ma,
			const struct mkd_type_member *mb, int depth)
{
	char sa[512], sb[512], sub[1024];
	const struct mkd_type *ua = mkd_type_unqualified(ma->type);
	const struct mkd_type *ub = mkd_type_unqualified(mb->type);

	snprintf(sub, sizeof(sub), "%s.%s", path, ma->name ? ma->name : "(anon)");
	c->members++;
	if ((ma->name == NULL) != (mb->name == NULL) ||
	    (ma->name && strcmp(ma->name, mb->name)))
		differs(c, sub, "name", ma->name ? ma->name : "(anon)",
			mb->name ? mb->name : "(anon)");
	differs_u(c, sub, "bit offset", ma->bit_offset, mb->bit_offset);
	differs_u(c, sub, "bit size", ma->bit_size, mb->bit_size);
	differs_u(c, sub, "size", mkd_type_size(ma->type),
		  mkd_type_size(mb->type));
	mkd_type_format(ma->type, NULL, sa, sizeof(sa));
	mkd_type_format(mb->type, NULL, sb, sizeof(sb));
	flatten_dims(sa, sizeof(sa));
	flatten_dims(sb, sizeof(sb));
	if (strcmp(sa, sb))
		differs(c, sub, "type", sa, sb);
	if (c->pointers && mkd_type_kind(ua) == MKD_TYPE_POINTER &&
	    mkd_type_kind(ub) == MKD_TYPE_POINTER) {
		ua = mkd_type_unqualified(mkd_type_target(ua));
		ub = mkd_type_unqualified(mkd_type_target(ub));
		if (!mkd_type_is_complete(ua) || !mkd_type_is_complete(ub))
			return;
	}
	if (is_record(ua) && is_record(ub))
		walk(c, sub, ua, ub, depth + 1);
}

static void walk_enum(struct cmp *c, const char *path,
		      const struct mkd_type *a, const struct mkd_type *b)
{
	struct mkd_type_enumerator ea, eb;
	size_t i;

	for (i = 0; mkd_type_enumerator(a, i, &ea); i++) {
		c->enumerators++;
		if (!mkd_type_enumerator(b, i, &eb)) {
			differs(c, path, "enumerator", ea.name, "(none)");
			return;
		}
		if (strcmp(ea.name, eb.name))
			differs(c, path, "enumerator", ea.name, eb.name);
		differs_u(c, ea.name, "value", (uint64_t)ea.value,
			  (uint64_t)eb.value);
	}
}

static void walk(struct cmp *c, const char *path, const struct mkd_type *a,
		 const struct mkd_type *b, int depth)
{
	struct mkd_type_member ma, mb;
	size_t i, na, nb;

	if (depth > MAX_DEPTH || seen(c, a))
		return;
	c->types++;
	differs_u(c, path, "size", mkd_type_size(a), mkd_type_size(b));
	if (mkd_type_kind(a) != mkd_type_kind(b)) {
		differs(c, path, "kind", mkd_type_kind_name(mkd_type_kind(a)),
			mkd_type_kind_name(mkd_type_kind(b)));
		return;
	}
	if (mkd_type_kind(a) == MKD_TYPE_ENUM) {
		walk_enum(c, path, a, b);
		return;
	}
	na = mkd_type_member_count(a);
	nb = mkd_type_member_count(b);
	differs_u(c, path, "members", na, nb);
	for (i = 0; i < na && i < nb; i++) {
		mkd_type_member(a, i, &ma);
		mkd_type_member(b, i, &mb);
		walk_member(c, path, &ma, &mb, depth);
	}
}

static struct mkd_dump *open_dump(const char *path, const char *vmlinux)
{
	struct mkd_dump *dump;
	struct mkd_error *err;

	err = mkd_dump_open(path, NULL, &dump);
	if (!err && vmlinux) {
		err = mkd_dump_load_vmlinux(dump, vmlinux);
		if (err)
			mkd_dump_destroy(dump);
	}
	if (err) {
		fprintf(stderr, "types-cmp: %s\n", mkd_error_message(err));
		mkd_error_destroy(err);
		exit(2);
	}
	return dump;
}

static const struct mkd_type *find(struct mkd_dump *dump, const char *name,
				   const char *side)
{
	const struct mkd_type *t;
	struct mkd_error *err = mkd_type_find(dump, name, &t);

	if (!err)
		return mkd_type_unqualified(t);
	fprintf(stderr, "types-cmp: %s: %s\n", side, mkd_error_message(err));
	mkd_error_destroy(err);
	return NULL;
}

int main(int argc, char **argv)
{
	static struct cmp c;
	struct mkd_dump *btf, *dwarf;
	int i, missing = 0;

	if (argc > 1 && !strcmp(argv[1], "-p")) {
		c.pointers = true;
		argv++;
		argc--;
	}
	if (argc < 4) {
		fputs("usage: types-cmp [-p] DUMP VMLINUX TYPE...\n", stderr);
		return 2;
	}
	btf = open_dump(argv[1], NULL);
	dwarf = open_dump(argv[1], argv[2]);
	for (i = 3; i < argc; i++) {
		const struct mkd_type *a = find(btf, argv[i], "BTF");
		const struct mkd_type *b = find(dwarf, argv[i], "DWARF");

		if (!a || !b) {
			missing++;
			continue;
		}
		walk(&c, argv[i], a, b, 0);
	}
	printf("types=%lu members=%lu enumerators=%lu differ=%lu missing=%d\n",
	       c.types, c.members, c.enumerators, c.differ, missing);
	mkd_dump_destroy(btf);
	mkd_dump_destroy(dwarf);
	return c.differ || missing ? 1 : missing ? 2 : 0;
}
