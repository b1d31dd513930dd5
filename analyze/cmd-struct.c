// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-struct.c - struct TYPE[.MEMBER,...] ADDR [COUNT]: a kernel structure
 * in the dump with its values, by the types in the dump's BTF
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "struct-value.h"

static const char usage[] =
	"struct [-x] [--json] TYPE[.MEMBER[,MEMBER...]] ADDR [COUNT]\n\n"
	"Show the TYPE (a struct or union, \"task_struct\" or \"struct\n"
	"task_struct\", or any other type) at ADDR (hex, or symbol[+offset]),\n"
	"or only the MEMBERs named (paths such as se.vruntime or comm),\n"
	"for COUNT consecutive objects.  Integers are decimal (-x: hex),\n"
	"pointers hex with the symbol they point to, char arrays strings.\n"
	"Members the dump lacks show why in place of their value.";

enum { OPT_X = 1 };

static const struct az_option opts[] = {
	{ "-x", OPT_X, false },
	{ NULL, 0, false },
};

#define MAX_COUNT 4096
#define MAX_PATHS 64

struct query {
	char *spec;			/* the TYPE operand, split in place */
	const struct mkd_type *type;
	char *paths[MAX_PATHS];
	int npaths;
	uint64_t addr, count;
	bool hex;
};

static struct mkd_error *find_type(struct az_ctx *ctx, const char *name,
				   const struct mkd_type **type)
{
	static const char *const prefixes[] = { "struct ", "union ", "" };
	char buf[256];
	struct mkd_error *err = NULL;
	size_t i;

	if (strchr(name, ' '))
		return mkd_type_find(ctx->dump, name, type);
	for (i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++) {
		mkd_error_destroy(err);
		snprintf(buf, sizeof(buf), "%s%s", prefixes[i], name);
		err = mkd_type_find(ctx->dump, buf, type);
		if (!err)
			return NULL;
	}
	return err;
}

/* "task_struct.pid,comm" into the type and the member paths. */
static int parse_spec(struct az_ctx *ctx, struct query *q)
{
	char *dot = strchr(q->spec, '.'), *p, *save = NULL;
	struct mkd_error *err;

	if (dot) {
		*dot = '\0';
		for (p = strtok_r(dot + 1, ",", &save); p;
		     p = strtok_r(NULL, ",", &save)) {
			if (q->npaths == MAX_PATHS)
				return az_usage_error(ctx, "too many members");
			q->paths[q->npaths++] = p;
		}
		if (!q->npaths)
			return az_usage_error(ctx, "no member after '.'");
	}
	err = find_type(ctx, q->spec, &q->type);
	return err ? az_fail(ctx, err) : EXIT_OK;
}

/* Every member path must exist before anything is printed. */
static int check_paths(struct az_ctx *ctx, const struct query *q)
{
	uint64_t off;
	int i;

	for (i = 0; i < q->npaths; i++) {
		struct mkd_error *err = mkd_type_path(q->type, q->paths[i],
						      &off, NULL);

		if (err)
			return az_fail(ctx, err);
	}
	return EXIT_OK;
}

static int parse(struct az_ctx *ctx, int argc, char **argv, struct query *q)
{
	struct az_getopt g;
	int c, rc;

	az_getopt_init(&g, ctx, argc, argv, opts, usage);
	while ((c = az_getopt(&g)) > 0)
		q->hex = true;
	if (c < 0)
		return az_getopt_exit(c);
	if (g.noperands < 2 || g.noperands > 3)
		return az_usage_error(ctx, "TYPE ADDR [COUNT] expected");
	q->spec = g.operands[0];
	rc = parse_spec(ctx, q);
	if (!rc)
		rc = check_paths(ctx, q);
	if (!rc)
		rc = az_parse_address(ctx, g.operands[1], &q->addr);
	if (rc)
		return rc;
	q->count = 1;
	if (g.noperands == 3 && (!az_parse_u64(g.operands[2], &q->count) ||
				 !q->count || q->count > MAX_COUNT))
		return az_usage_error(ctx, "bad count '%s' (1 to %d)",
				      g.operands[2], MAX_COUNT);
	return EXIT_OK;
}

/*
 * The bit size of the member at bit_offset of record u (base: u's own
 * offset), looking into anonymous members: mkd_type_path() does not say
 * whether the member it found is a bitfield.
 */
static uint32_t bitfield_size(const struct mkd_type *u, uint64_t base,
			      uint64_t bit_offset, int depth)
{
	size_t i, n = mkd_type_member_count(u);
	struct mkd_type_member m;
	uint32_t bits;

	for (i = 0; i < n && depth < 8; i++) {
		const struct mkd_type *mu;

		if (!mkd_type_member(u, i, &m))
			continue;
		if (m.bit_size && base + m.bit_offset == bit_offset)
			return m.bit_size;
		mu = mkd_type_unqualified(m.type);
		if (m.name || (mkd_type_kind(mu) != MKD_TYPE_STRUCT &&
			       mkd_type_kind(mu) != MKD_TYPE_UNION))
			continue;
		bits = bitfield_size(mu, base + m.bit_offset, bit_offset,
				     depth + 1);
		if (bits)
			return bits;
	}
	return 0;
}

/* Where path is, its type and bit size (0: not a bitfield). */
static struct mkd_error *resolve(const struct query *q, const char *path,
				 uint64_t *bit_offset,
				 const struct mkd_type **type, uint32_t *bits)
{
	const struct mkd_type *parent = q->type;
	uint64_t parent_off = 0;
	const char *dot = strrchr(path, '.');
	struct mkd_error *err;
	char head[256];

	err = mkd_type_path(q->type, path, bit_offset, type);
	if (err)
		return err;
	if (dot && (size_t)(dot - path) < sizeof(head)) {
		memcpy(head, path, (size_t)(dot - path));
		head[dot - path] = '\0';
		err = mkd_type_path(q->type, head, &parent_off, &parent);
		if (err)
			return err;
	}
	parent = mkd_type_unqualified(parent);
	*bits = bitfield_size(parent, parent_off, *bit_offset, 0);
	return NULL;
}

/* The members asked for, as text lines or JSON members. */
static int show_members(struct az_value *v, const struct query *q)
{
	int i, rc = EXIT_OK;

	for (i = 0; i < q->npaths; i++) {
		const struct mkd_type *t;
		uint64_t off;
		uint32_t bits;
		struct mkd_error *err = resolve(q, q->paths[i], &off, &t,
						&bits);

		if (err) {
			rc = az_fail(v->ctx, err);
			if (v->ctx->json)
				json_null(&v->ctx->js, q->paths[i]);
		} else if (v->ctx->json)
			az_value_json(v, t, q->paths[i], off, bits);
		else
			az_value_print(v, t, q->paths[i], off, bits, 2);
	}
	return rc;
}

static void show_whole_text(struct az_value *v, const struct query *q,
			    const char *tname)
{
	const struct mkd_type *u = mkd_type_unqualified(q->type);
	size_t i, n = mkd_type_member_count(u);
	struct mkd_type_member m;
	enum mkd_type_kind k = mkd_type_kind(u);

	if (k != MKD_TYPE_STRUCT && k != MKD_TYPE_UNION) {
		az_value_print(v, q->type, tname, 0, 0, 0);
		return;
	}
	fprintf(v->ctx->out, "%s {\n", tname);
	for (i = 0; i < n; i++)
		if (mkd_type_member(u, i, &m))
			az_value_print(v, m.type, m.name, m.bit_offset,
				       m.bit_size, 2);
	fprintf(v->ctx->out, "}\n");
}

static int show_one(struct az_ctx *ctx, const struct query *q, uint64_t addr,
		    const char *tname)
{
	struct az_value v;
	int rc = az_value_read(&v, ctx, addr, mkd_type_size(q->type));

	if (rc)
		return rc;
	v.hex = q->hex;
	if (v.nholes && az_value_unread(&v) == v.size) {
		/* One note for the object rather than one per member. */
		if (ctx->json) {
			json_begin_object(&ctx->js, NULL);
			json_string(&ctx->js, "type", tname);
			json_uint(&ctx->js, "address", addr);
			json_string(&ctx->js, "note", v.holes[0].note);
			json_end_object(&ctx->js);
		} else
			fprintf(ctx->out, "%s %" PRIx64 ": %s\n", tname, addr,
				v.holes[0].note);
		az_value_release(&v);
		return az_errorf(ctx, "nothing at 0x%" PRIx64 " can be read",
				 addr);
	}
	if (ctx->json) {
		json_begin_object(&ctx->js, NULL);
		json_string(&ctx->js, "type", tname);
		json_uint(&ctx->js, "address", addr);
		if (q->npaths) {
			json_begin_object(&ctx->js, "members");
			rc = show_members(&v, q);
			json_end_object(&ctx->js);
		} else
			az_value_json(&v, q->type, "value", 0, 0);
		json_end_object(&ctx->js);
	} else if (q->npaths) {
		fprintf(ctx->out, "%s %" PRIx64 " {\n", tname, addr);
		rc = show_members(&v, q);
		fprintf(ctx->out, "}\n");
	} else
		show_whole_text(&v, q, tname);
	az_value_release(&v);
	return rc;
}

int cmd_struct(struct az_ctx *ctx, int argc, char **argv)
{
	struct query q = { 0 };
	char tname[256];
	uint64_t i, size;
	int rc = parse(ctx, argc, argv, &q), r;

	if (rc)
		return rc;
	size = mkd_type_size(q.type);
	if (!size)
		return az_errorf(ctx, "'%s' has no size (declared only?)",
				 q.spec);
	if (q.count > (UINT64_MAX - q.addr) / size)
		return az_usage_error(ctx, "the range passes the end of memory");
	mkd_type_format(q.type, NULL, tname, sizeof(tname));
	if (ctx->json && q.count > 1)
		json_begin_array(&ctx->js, NULL);
	for (i = 0; i < q.count; i++) {
		r = show_one(ctx, &q, q.addr + i * size, tname);
		if (r && !rc)
			rc = r;
	}
	if (ctx->json && q.count > 1)
		json_end_array(&ctx->js);
	if (ctx->json)
		json_finish(&ctx->js);
	return rc;
}
