// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * type-format.c - types written the way C declares them.
 *
 * A declarator grows from the inside out: a pointer puts "*" before it
 * (in parentheses when it points to an array or a function), an array
 * puts "[n]" after it, a function its parameters; the base type goes in
 * front last.  Work and length are bounded, so hostile types print as
 * "..." rather than running away.
 */
#include "internal.h"
#include "types.h"

#define MAX_LEN 4096
#define MAX_DEPTH 16
#define MAX_STEPS 4096

struct fmt {
	unsigned steps;
};

static void format(struct fmt *f, const struct mkd_type *t,
		   struct mkd_strbuf *decl, unsigned depth);

static void prefix_word(struct mkd_strbuf *decl, const char *word,
			const char *name)
{
	if (decl->len)
		mkd_strbuf_prepend(decl, " ", 1);
	if (name) {
		mkd_strbuf_prepend(decl, name, strlen(name));
		mkd_strbuf_prepend(decl, " ", 1);
	}
	mkd_strbuf_prepend(decl, word, strlen(word));
}

static const char *tag_word(uint8_t kind)
{
	return kind == MKD_TYPE_STRUCT ? "struct" :
	       kind == MKD_TYPE_UNION ? "union" : "enum";
}

static void format_params(struct fmt *f, const struct mkd_type *t,
			  struct mkd_strbuf *decl, unsigned depth)
{
	uint32_t i;

	mkd_strbuf_append(decl, "(", 1);
	for (i = 0; i < t->nitems && !decl->full; i++) {
		const struct mkd_type_field *p = &t->fields[i];
		struct mkd_strbuf param;

		mkd_strbuf_init(&param, MAX_LEN);
		if (p->name)
			mkd_strbuf_append(&param, p->name, strlen(p->name));
		format(f, p->type, &param, depth + 1);
		if (i)
			mkd_strbuf_append(decl, ", ", 2);
		mkd_strbuf_append(decl, mkd_strbuf_str(&param), param.len);
		mkd_strbuf_deinit(&param);
	}
	if (t->flags & MKD_TYPEF_VARIADIC)
		mkd_strbuf_append(decl, t->nitems ? ", ..." : "...",
				  t->nitems ? 5 : 3);
	else if (!t->nitems)
		mkd_strbuf_append(decl, "void", 4);
	mkd_strbuf_append(decl, ")", 1);
}

static void format_pointer(struct fmt *f, const struct mkd_type *t,
			   struct mkd_strbuf *decl, unsigned depth)
{
	const struct mkd_type *to = t->target;

	if (to->kind == MKD_TYPE_ARRAY || to->kind == MKD_TYPE_FUNCTION) {
		mkd_strbuf_prepend(decl, "(*", 2);
		mkd_strbuf_append(decl, ")", 1);
	} else {
		mkd_strbuf_prepend(decl, "*", 1);
	}
	format(f, to, decl, depth + 1);
}

static void format_qualifier(struct fmt *f, const struct mkd_type *t,
			     struct mkd_strbuf *decl, unsigned depth)
{
	const char *word = mkd_type_kind_name(t->kind);

	/* "char *const p" qualifies the pointer, "const char *p" the char. */
	if (t->target->kind == MKD_TYPE_POINTER) {
		prefix_word(decl, word, NULL);
		format(f, t->target, decl, depth + 1);
		return;
	}
	format(f, t->target, decl, depth + 1);
	mkd_strbuf_prepend(decl, " ", 1);
	mkd_strbuf_prepend(decl, word, strlen(word));
}

static void format(struct fmt *f, const struct mkd_type *t,
		   struct mkd_strbuf *decl, unsigned depth)
{
	if (depth > MAX_DEPTH || ++f->steps > MAX_STEPS || decl->full) {
		prefix_word(decl, "...", NULL);
		return;
	}
	switch (t->kind) {
	case MKD_TYPE_VOID:
		prefix_word(decl, "void", NULL);
		break;
	case MKD_TYPE_STRUCT: case MKD_TYPE_UNION: case MKD_TYPE_ENUM:
		prefix_word(decl, tag_word(t->kind), t->name ? t->name : "{...}");
		break;
	case MKD_TYPE_POINTER:
		format_pointer(f, t, decl, depth);
		break;
	case MKD_TYPE_ARRAY:
		if (t->length)
			mkd_strbuf_addf(decl, "[%llu]",
					(unsigned long long)t->length);
		else
			mkd_strbuf_append(decl, "[]", 2);
		format(f, t->target, decl, depth + 1);
		break;
	case MKD_TYPE_FUNCTION:
		format_params(f, t, decl, depth);
		format(f, t->target, decl, depth + 1);
		break;
	case MKD_TYPE_CONST: case MKD_TYPE_VOLATILE: case MKD_TYPE_RESTRICT:
		format_qualifier(f, t, decl, depth);
		break;
	case MKD_TYPE_TAG:
		format(f, t->target, decl, depth + 1);
		break;
	case MKD_TYPE_OTHER:
		prefix_word(decl, "?", NULL);
		break;
	default:	/* integers, floats, typedefs: their name */
		prefix_word(decl, t->name ? t->name : "?", NULL);
		break;
	}
}

MKD_EXPORT size_t mkd_type_format(const struct mkd_type *type,
				  const char *name, char *buf, size_t len)
{
	struct fmt f = { 0 };
	struct mkd_strbuf decl;
	size_t n;

	mkd_strbuf_init(&decl, MAX_LEN);
	if (name)
		mkd_strbuf_append(&decl, name, strlen(name));
	format(&f, type, &decl, 0);
	if (decl.full && decl.len >= 3)	/* say it was cut */
		memcpy(decl.s + decl.len - 3, "...", 3);
	n = decl.len;
	if (len) {
		size_t copy = n < len ? n : len - 1;

		memcpy(buf, mkd_strbuf_str(&decl), copy);
		buf[copy] = '\0';
	}
	mkd_strbuf_deinit(&decl);
	return n;
}
