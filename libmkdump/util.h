/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util.h - small shared helpers: byte-order loads, overflow-checked
 * arithmetic, a growable array, and a bounded cursor that refuses to read
 * past the end of its buffer.  Use these instead of ad-hoc loops.
 */
#ifndef MKD_UTIL_H
#define MKD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct mkd_error;

static inline uint16_t mkd_le16(const void *p)
{
	const uint8_t *b = p;

	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t mkd_le32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline uint64_t mkd_le64(const void *p)
{
	const uint8_t *b = p;

	return mkd_le32(b) | (uint64_t)mkd_le32(b + 4) << 32;
}

static inline uint32_t mkd_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[0] << 24;
}

static inline uint64_t mkd_be64(const void *p)
{
	const uint8_t *b = p;

	return (uint64_t)mkd_be32(b) << 32 | mkd_be32(b + 4);
}

static inline bool mkd_add_overflows(uint64_t a, uint64_t b, uint64_t *sum)
{
	return __builtin_add_overflow(a, b, sum);
}

static inline bool mkd_mul_overflows(uint64_t a, uint64_t b, uint64_t *prod)
{
	return __builtin_mul_overflow(a, b, prod);
}

/*
 * Make room for at least need elements of elsize bytes in *array, whose
 * capacity is *cap; grows geometrically.  Returns false on overflow or
 * out of memory, leaving the array as it was.
 */
bool mkd_array_reserve(void *array, size_t *cap, size_t need, size_t elsize);

/* A cursor over a buffer: reads past the end fail and set ->bad. */
struct mkd_cursor {
	const uint8_t *data;
	size_t len;
	size_t pos;
	bool bad;
};

static inline void mkd_cursor_init(struct mkd_cursor *c, const void *data,
				   size_t len)
{
	c->data = data;
	c->len = len;
	c->pos = 0;
	c->bad = false;
}

static inline size_t mkd_cursor_left(const struct mkd_cursor *c)
{
	return c->len - c->pos;
}

/* Pointer to the next n bytes and skip them, or NULL (and bad). */
static inline const uint8_t *mkd_cursor_take(struct mkd_cursor *c, size_t n)
{
	const uint8_t *p;

	if (c->bad || n > c->len - c->pos) {
		c->bad = true;
		return NULL;
	}
	p = c->data + c->pos;
	c->pos += n;
	return p;
}

static inline uint32_t mkd_cursor_le32(struct mkd_cursor *c)
{
	const uint8_t *p = mkd_cursor_take(c, 4);

	return p ? mkd_le32(p) : 0;
}

static inline uint64_t mkd_cursor_le64(struct mkd_cursor *c)
{
	const uint8_t *p = mkd_cursor_take(c, 8);

	return p ? mkd_le64(p) : 0;
}

/*
 * A string builder with a size limit: text past the limit is dropped and
 * ->full set, so building from hostile data stays bounded.  Allocation
 * failure also sets ->full (and ->nomem).
 */
struct mkd_strbuf {
	char *s;		/* NUL-terminated once anything was added */
	size_t len, cap, limit;
	bool full, nomem;
};

void mkd_strbuf_init(struct mkd_strbuf *sb, size_t limit);
void mkd_strbuf_deinit(struct mkd_strbuf *sb);
void mkd_strbuf_append(struct mkd_strbuf *sb, const char *s, size_t len);
void mkd_strbuf_prepend(struct mkd_strbuf *sb, const char *s, size_t len);
void mkd_strbuf_addf(struct mkd_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The text so far ("" when empty). */
const char *mkd_strbuf_str(const struct mkd_strbuf *sb);

/* Strict number parsing: the whole string must be a number. */
bool mkd_parse_u64(const char *s, size_t len, int base, uint64_t *value);
bool mkd_parse_s64(const char *s, size_t len, int base, int64_t *value);

#endif /* MKD_UTIL_H */
