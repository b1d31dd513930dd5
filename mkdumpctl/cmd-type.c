// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd-type.c - mkdumpctl type: kernel types, their sizes and members */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static const char type_help[] =
"usage: mkdumpctl type [OPTIONS] TYPE[.MEMBER...]... [--] DUMP...\n"
"       mkdumpctl type [OPTIONS] --enum NAME... [--] DUMP...\n"
"\n"
"Describe kernel types from the BTF in the dump (no debuginfo package\n"
"needed), or from the DWARF of the kernel's vmlinux if given: size and members with their offsets and sizes, as pahole\n"
"prints them.  TYPE is a C type name: \"struct task_struct\",\n"
"\"task_struct\", \"pid_t\", \"enum pid_type\".  A member path after it\n"
"describes that member and where it lies: \"task_struct.se.vruntime\",\n"
"\"task_struct.comm[0]\" (members of anonymous structs and unions are\n"
"found directly).  Types only a loaded module defines come from that\n"
"module's BTF in the dump; \"MODULE:TYPE\" (\"virtio_blk:struct virtio_blk\")\n"
"asks one module first.  The dump is made of the trailing arguments that are\n"
"files; put -- before it when a query could be taken for a file.\n"
"\n"
"  -e, --enum          the queries are enumerators: print their values\n"
"  -V, --vmlinux FILE  types from FILE's DWARF instead of the dump's BTF\n"
"                      (refused if it is not the dump's kernel)\n"
"  -j, --json          JSON: an array, one object per query\n"
"  -h, --help          this text\n";

#define NAME_BUF 512
#define MAX_INLINE 8	/* anonymous members shown inside each other */

static bool is_record(const struct mkd_type *t)
{
	enum mkd_type_kind k = mkd_type_kind(t);

	return k == MKD_TYPE_STRUCT || k == MKD_TYPE_UNION;
}

static void print_body(const struct mkd_type *t, uint64_t base, int depth);

static const char tabs[] = "\t\t\t\t\t\t\t\t\t\t";

/* The offset/size comment starts at this column, as in pahole. */
#define COMMENT_COLUMN 56

static void pad_to_comment(int depth, const char *decl)
{
	int col = 8 * depth + (int)strlen(decl);

	printf("%*s", col < COMMENT_COLUMN ? COMMENT_COLUMN - col : 1, "");
}

static void print_member(const struct mkd_type_member *m, uint64_t base,
			 int depth)
{
	const struct mkd_type *u = mkd_type_unqualified(m->type);
	uint64_t bits = base + m->bit_offset, size = mkd_type_size(m->type);
	char decl[NAME_BUF];
	size_t len;

	if (!m->name && is_record(u) && depth < MAX_INLINE) {
		printf("%.*s%s {\n", depth, tabs,
		       mkd_type_kind(u) == MKD_TYPE_STRUCT ? "struct" : "union");
		print_body(u, bits, depth + 1);
		printf("%.*s};\n", depth, tabs);
		return;
	}
	mkd_type_format(m->type, m->name, decl, sizeof(decl) - 16);
	len = strlen(decl);
	if (m->bit_size)
		snprintf(decl + len, sizeof(decl) - len, ":%u", m->bit_size);
	strcat(decl, ";");
	printf("%.*s%s", depth, tabs, decl);
	pad_to_comment(depth, decl);
	if (m->bit_size)	/* offset as byte:bit, as pahole does */
		printf("/* %5" PRIu64 ":%2" PRIu64 " %4" PRIu64 " */\n",
		       bits / 8, bits % 8, size);
	else
		printf("/* %5" PRIu64 "    %4" PRIu64 " */\n", bits / 8, size);
}

/* Members at their offsets from the outermost type, as pahole does. */
static void print_body(const struct mkd_type *t, uint64_t base, int depth)
{
	struct mkd_type_member m;
	size_t i;

	for (i = 0; mkd_type_member(t, i, &m); i++)
		print_member(&m, base, depth);
}

static void print_enum(const struct mkd_type *t)
{
	struct mkd_type_enumerator e;
	size_t i;

	for (i = 0; mkd_type_enumerator(t, i, &e); i++)
		printf("\t%s = %" PRId64 ",\n", e.name, e.value);
}

static void print_body_of(const struct mkd_type *u, const char *name)
{
	if (!mkd_type_name(u))	/* "struct {...}" */
		name = mkd_type_kind_name(mkd_type_kind(u));
	printf("%s {\n", name);
	if (mkd_type_kind(u) == MKD_TYPE_ENUM)
		print_enum(u);
	else
		print_body(u, 0, 1);
	printf("};\t/* size: %" PRIu64 ", members: %zu */\n",
	       mkd_type_size(u), mkd_type_member_count(u));
}

static void print_type(const char *query, const struct mkd_type *t,
		       bool is_member, uint64_t bit_offset)
{
	const struct mkd_type *u = mkd_type_unqualified(t);
	char name[NAME_BUF];

	if (is_member)
		printf("/* %s: offset %" PRIu64 " (bit %" PRIu64 "), size %"
		       PRIu64 " */\n", query, bit_offset / 8, bit_offset,
		       mkd_type_size(t));
	mkd_type_format(u, NULL, name, sizeof(name));
	if (mkd_type_kind(t) == MKD_TYPE_TYPEDEF) {
		char decl[NAME_BUF];

		mkd_type_format(mkd_type_target(t), mkd_type_name(t), decl,
				sizeof(decl));
		printf("typedef %s;\t/* %s, size: %" PRIu64 " */\n", decl,
		       name, mkd_type_size(t));
	}
	if (is_record(u) || mkd_type_kind(u) == MKD_TYPE_ENUM)
		print_body_of(u, name);
	else if (mkd_type_kind(t) != MKD_TYPE_TYPEDEF)
		printf("%s;\t/* size: %" PRIu64 " */\n", name,
		       mkd_type_size(u));
}

static void json_members(struct json *j, const struct mkd_type *t)
{
	struct mkd_type_member m;
	char name[NAME_BUF];
	size_t i;

	json_begin_array(j, "members");
	for (i = 0; mkd_type_member(t, i, &m); i++) {
		json_begin_object(j, NULL);
		if (m.name)
			json_string(j, "name", m.name);
		else
			json_null(j, "name");
		mkd_type_format(m.type, NULL, name, sizeof(name));
		json_string(j, "type", name);
		json_uint(j, "offset", m.bit_offset / 8);
		json_uint(j, "bit_offset", m.bit_offset);
		json_uint(j, "bit_size", m.bit_size);
		json_uint(j, "size", mkd_type_size(m.type));
		json_end_object(j);
	}
	json_end_array(j);
}

static void json_enumerators(struct json *j, const struct mkd_type *t)
{
	struct mkd_type_enumerator e;
	size_t i;

	json_begin_array(j, "enumerators");
	for (i = 0; mkd_type_enumerator(t, i, &e); i++) {
		json_begin_object(j, NULL);
		json_string(j, "name", e.name);
		json_int(j, "value", e.value);
		json_end_object(j);
	}
	json_end_array(j);
}

static void json_type(struct json *j, const struct mkd_type *t,
		      bool is_member, uint64_t bit_offset)
{
	const struct mkd_type *u = mkd_type_unqualified(t);
	char name[NAME_BUF];

	mkd_type_format(t, NULL, name, sizeof(name));
	json_string(j, "type", name);
	json_string(j, "kind", mkd_type_kind_name(mkd_type_kind(t)));
	json_uint(j, "size", mkd_type_size(t));
	if (is_member) {
		json_uint(j, "offset", bit_offset / 8);
		json_uint(j, "bit_offset", bit_offset);
	}
	if (mkd_type_kind(u) == MKD_TYPE_ARRAY)
		json_uint(j, "length", mkd_type_array_length(u));
	if (is_record(u))
		json_members(j, u);
	else if (mkd_type_kind(u) == MKD_TYPE_ENUM)
		json_enumerators(j, u);
}

/* "struct task_struct.se.vruntime": the type name ends at '.' or '['. */
static struct mkd_error *lookup(struct mkd_dump *dump, const char *query,
				const struct mkd_type **t, bool *is_member,
				uint64_t *bit_offset)
{
	size_t n = strcspn(query, ".[");
	const char *path = query[n] == '.' ? query + n + 1 : query + n;
	struct mkd_error *err;
	char name[NAME_BUF];

	snprintf(name, sizeof(name), "%.*s", (int)n, query);
	err = mkd_type_find(dump, name, t);
	*is_member = *path != '\0';
	*bit_offset = 0;
	if (!err && *is_member)
		err = mkd_type_path(*t, path, bit_offset, t);
	return err;
}

static int type_query(struct mkd_dump *dump, const char *query,
		      struct json *j)
{
	const struct mkd_type *t = NULL;
	struct mkd_error *err;
	bool is_member;
	uint64_t bits;

	err = lookup(dump, query, &t, &is_member, &bits);
	if (j) {
		json_begin_object(j, NULL);
		json_string(j, "query", query);
		if (err)
			json_string(j, "error", mkd_error_message(err));
		else
			json_type(j, t, is_member, bits);
		json_end_object(j);
	} else if (!err) {
		print_type(query, t, is_member, bits);
	}
	return err ? ctl_fail(err) : EXIT_OK;
}

static int enum_query(struct mkd_dump *dump, const char *query,
		      struct json *j)
{
	const struct mkd_type *t = NULL;
	struct mkd_error *err;
	char name[NAME_BUF];
	int64_t value = 0;

	err = mkd_enum_value(dump, query, &value, &t);
	if (!err)
		mkd_type_format(t, NULL, name, sizeof(name));
	if (j) {
		json_begin_object(j, NULL);
		json_string(j, "query", query);
		if (err) {
			json_string(j, "error", mkd_error_message(err));
		} else {
			json_int(j, "value", value);
			json_string(j, "type", name);
		}
		json_end_object(j);
	} else if (!err) {
		printf("%s = %" PRId64 "\t/* %s */\n", query, value, name);
	}
	return err ? ctl_fail(err) : EXIT_OK;
}

static int run(struct mkd_dump *dump, char **queries, int nq, bool json_out,
	       bool enums)
{
	int i, rc = EXIT_OK;
	struct json j;

	json_init(&j, stdout);
	if (json_out)
		json_begin_array(&j, NULL);
	for (i = 0; i < nq; i++) {
		struct json *jp = json_out ? &j : NULL;
		int r = enums ? enum_query(dump, queries[i], jp)
			      : type_query(dump, queries[i], jp);

		if (r != EXIT_OK && rc == EXIT_OK)
			rc = r;
	}
	if (json_out) {
		json_end_array(&j);
		json_finish(&j);
	}
	return rc;
}

int cmd_type(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "enum", no_argument, NULL, 'e' },
		{ "vmlinux", required_argument, NULL, 'V' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool json_out = false, enums = false;
	const char *vmlinux = NULL;
	struct mkd_error *err;
	struct mkd_dump *dump;
	int c, nq, ndumps, rc;
	char **dumps;

	while ((c = getopt_long(argc, argv, "+eV:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'e': enums = true; break;
		case 'V': vmlinux = optarg; break;
		case 'j': json_out = true; break;
		case 'h': fputs(type_help, stdout); return EXIT_OK;
		default: return ctl_usage_error("type", "bad option");
		}
	}
	nq = ctl_split_queries(argc - optind, argv + optind, &dumps, &ndumps);
	if (nq < 1 || ndumps < 1)
		return ctl_usage_error("type", "need TYPE and DUMP");
	err = ctl_open(dumps, ndumps, &dump);
	if (!err && vmlinux) {
		err = mkd_dump_load_vmlinux(dump, vmlinux);
		if (err)
			mkd_dump_destroy(dump);
	}
	if (err)
		return ctl_fail(err);
	rc = run(dump, argv + optind, nq, json_out, enums);
	mkd_dump_destroy(dump);
	return rc;
}
