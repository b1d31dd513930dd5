// SPDX-License-Identifier: GPL-2.0-or-later
/* json.c - a small streaming JSON writer for --json output */
#include <inttypes.h>
#include <string.h>

#include "json.h"

void json_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma[0] = false;
}

/* Length of the valid UTF-8 sequence at s (at most left bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t left)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	if (n > left)
		return 0;
	cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * JSON strings must be UTF-8; kernel text need not be.  A byte that does
 * not start a valid sequence is written as \u00XX (its Latin-1 reading),
 * so the output always parses and no byte is lost silently.
 */
static void put_escaped(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	fputc('"', f);
	while (i < len) {
		unsigned char c = p[i];
		size_t n;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else if (c < 0x80)
			fputc(c, f);
		else if ((n = utf8_len(p + i, len - i))) {
			fwrite(p + i, 1, n, f);
			i += n;
			continue;
		} else
			fprintf(f, "\\u%04x", c);
		i++;
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

void json_number(struct json *j, const char *key, const char *text)
{
	member(j, key);
	fputs(text, j->f);
}

void json_finish(struct json *j)
{
	fputc('\n', j->f);
}
