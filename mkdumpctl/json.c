// SPDX-License-Identifier: GPL-2.0-or-later
/* json.c - a small streaming JSON writer for --json output */
#include <inttypes.h>
#include <string.h>

#include "ctl.h"

void json_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma[0] = false;
}

static void put_escaped(FILE *f, const char *s, size_t len)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);	/* UTF-8 passes through */
	}
	fputc('"', f);
}

/* Separator, indentation and "key": for the next value. */
static void member(struct json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	if (j->depth)
		fprintf(j->f, "\n%*s", j->depth * 2, "");
	j->need_comma[j->depth] = true;
	if (key) {
		put_escaped(j->f, key, strlen(key));
		fputs(": ", j->f);
	}
}

static void open_nested(struct json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	if (j->depth < (int)(sizeof(j->need_comma) - 1))
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_nested(struct json *j, char c)
{
	bool had = j->need_comma[j->depth];

	if (j->depth)
		j->depth--;
	if (had)
		fprintf(j->f, "\n%*s", j->depth * 2, "");
	fputc(c, j->f);
}

void json_begin_object(struct json *j, const char *key)
{
	open_nested(j, key, '{');
}

void json_end_object(struct json *j)
{
	close_nested(j, '}');
}

void json_begin_array(struct json *j, const char *key)
{
	open_nested(j, key, '[');
}

void json_end_array(struct json *j)
{
	close_nested(j, ']');
}

void json_string_len(struct json *j, const char *key, const char *value,
		     size_t len)
{
	member(j, key);
	put_escaped(j->f, value, len);
}

void json_string(struct json *j, const char *key, const char *value)
{
	if (!value) {
		json_null(j, key);
		return;
	}
	json_string_len(j, key, value, strlen(value));
}

void json_uint(struct json *j, const char *key, uint64_t value)
{
	member(j, key);
	fprintf(j->f, "%" PRIu64, value);
}

void json_int(struct json *j, const char *key, int64_t value)
{
	member(j, key);
	fprintf(j->f, "%" PRId64, value);
}

void json_bool(struct json *j, const char *key, bool value)
{
	member(j, key);
	fputs(value ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}

void json_finish(struct json *j)
{
	fputc('\n', j->f);
}
