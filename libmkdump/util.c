// SPDX-License-Identifier: LGPL-2.1-or-later
/* util.c - shared helpers (see util.h) */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

bool mkd_array_reserve(void *array, size_t *cap, size_t need, size_t elsize)
{
	void **arrayp = array;
	size_t new_cap = *cap ? *cap : 8;
	size_t bytes;
	void *p;

	if (need <= *cap)
		return true;
	while (new_cap < need) {
		if (new_cap > SIZE_MAX / 2)
			return false;
		new_cap *= 2;
	}
	if (__builtin_mul_overflow(new_cap, elsize, &bytes))
		return false;
	p = realloc(*arrayp, bytes);
	if (!p)
		return false;
	*arrayp = p;
	*cap = new_cap;
	return true;
}

static bool copy_number(const char *s, size_t len, char *buf, size_t size)
{
	if (len == 0 || len >= size)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	/* strtoull accepts leading blanks and signs; we do not. */
	return buf[0] != ' ' && buf[0] != '\t' && buf[0] != '+';
}

bool mkd_parse_u64(const char *s, size_t len, int base, uint64_t *value)
{
	char buf[32], *end;
	unsigned long long v;

	if (!copy_number(s, len, buf, sizeof(buf)) || buf[0] == '-')
		return false;
	errno = 0;
	v = strtoull(buf, &end, base);
	if (errno || *end)
		return false;
	*value = v;
	return true;
}

bool mkd_parse_s64(const char *s, size_t len, int base, int64_t *value)
{
	char buf[32], *end;
	long long v;

	if (!copy_number(s, len, buf, sizeof(buf)))
		return false;
	errno = 0;
	v = strtoll(buf, &end, base);
	if (errno || *end)
		return false;
	*value = v;
	return true;
}

void mkd_strbuf_init(struct mkd_strbuf *sb, size_t limit)
{
	memset(sb, 0, sizeof(*sb));
	sb->limit = limit;
}

void mkd_strbuf_deinit(struct mkd_strbuf *sb)
{
	free(sb->s);
	mkd_strbuf_init(sb, sb->limit);
}

/* Room for n more bytes (and the NUL); may shorten n to the limit. */
static bool strbuf_room(struct mkd_strbuf *sb, size_t *n)
{
	if (sb->full)
		return false;
	if (*n > sb->limit - sb->len) {
		*n = sb->limit - sb->len;
		sb->full = true;
	}
	if (!mkd_array_reserve(&sb->s, &sb->cap, sb->len + *n + 1, 1)) {
		sb->full = sb->nomem = true;
		return false;
	}
	return true;
}

void mkd_strbuf_append(struct mkd_strbuf *sb, const char *s, size_t len)
{
	if (!strbuf_room(sb, &len))
		return;
	memcpy(sb->s + sb->len, s, len);
	sb->len += len;
	sb->s[sb->len] = '\0';
}

void mkd_strbuf_prepend(struct mkd_strbuf *sb, const char *s, size_t len)
{
	if (!strbuf_room(sb, &len))
		return;
	memmove(sb->s + len, sb->s, sb->len);
	memcpy(sb->s, s, len);
	sb->len += len;
	sb->s[sb->len] = '\0';
}

void mkd_strbuf_addf(struct mkd_strbuf *sb, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		mkd_strbuf_append(sb, buf, (size_t)n < sizeof(buf) ?
				  (size_t)n : sizeof(buf) - 1);
}

const char *mkd_strbuf_str(const struct mkd_strbuf *sb)
{
	return sb->s ? sb->s : "";
}
