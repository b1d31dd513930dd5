// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * struct-value.c - typed values from the dump, printed crash's way:
 * integers in decimal (hex with -x), pointers in hex (with the symbol
 * they point to when there is one), char arrays as strings, nested
 * structs and arrays in braces.  Parts the dump lacks show their note.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "struct-value.h"

#define MAX_DEPTH 16		/* nesting shown before "{...}" */
#define MAX_ELEMENTS 256	/* array elements shown before "..." */

int az_value_read(struct az_value *v, struct az_ctx *ctx, uint64_t addr,
		  uint64_t size)
{
	uint64_t psize = mkd_dump_page_size(ctx->dump), off = 0;

	memset(v, 0, sizeof(*v));
	v->ctx = ctx;
	v->addr = addr;
	if (size > AZ_VALUE_MAX_SIZE)
		return az_errorf(ctx, "%" PRIu64 " bytes is too large to show",
				 size);
	v->size = size;
	v->bytes = calloc(1, size ? size : 1);
	if (!v->bytes)
		return az_errorf(ctx, "out of memory");
	while (off < size) {
		size_t done = 0;
		struct mkd_error *err = mkd_read_virt(ctx->dump, addr + off,
						      v->bytes + off,
						      size - off, &done);
		struct az_value_hole *h;
		uint64_t bad;

		if (!err)
			break;
		bad = off + done;
		/* The rest of the failing page, in value offsets. */
		off = ((addr + bad) | (psize - 1)) + 1 - addr;
		if (off > size)
			off = size;
		if (v->nholes == AZ_VALUE_MAX_HOLES) {
			v->holes[v->nholes - 1].end = off;
			mkd_error_destroy(err);
			continue;
		}
		h = &v->holes[v->nholes++];
		h->start = bad;
		h->end = off;
		az_unreadable(ctx, err, addr + bad, false, h->note,
			      sizeof(h->note));
		mkd_error_destroy(err);
	}
	return EXIT_OK;
}

uint64_t az_value_unread(const struct az_value *v)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < v->nholes; i++)
		n += v->holes[i].end - v->holes[i].start;
	return n;
}

void az_value_release(struct az_value *v)
{
	free(v->bytes);
	v->bytes = NULL;
}

/* The note of a hole that overlaps the bits, or NULL. */
static const char *hole_note(const struct az_value *v, uint64_t bit_offset,
			     uint64_t bits)
{
	uint64_t start = bit_offset / 8, end = (bit_offset + bits + 7) / 8;
	size_t i;

	if (end > v->size)
		return "<past the end of what was read>";
	for (i = 0; i < v->nholes; i++)
		if (v->holes[i].start < end && start < v->holes[i].end)
			return v->holes[i].note;
	return NULL;
}

/* bits (1-64) at bit_offset, little-endian. */
static uint64_t get_bits(const struct az_value *v, uint64_t bit_offset,
			 uint32_t bits)
{
	uint64_t value = 0;
	uint32_t i;

	if (bit_offset % 8 == 0 && bits % 8 == 0 && bits <= 64) {
		memcpy(&value, v->bytes + bit_offset / 8, bits / 8);
		return value;
	}
	for (i = 0; i < bits && i < 64; i++) {
		uint64_t b = bit_offset + i;

		value |= (uint64_t)((v->bytes[b / 8] >> (b % 8)) & 1) << i;
	}
	return value;
}

static int64_t sign_extend(uint64_t value, uint32_t bits)
{
	if (bits >= 64)
		return (int64_t)value;
	if (value & (1ull << (bits - 1)))
		value |= ~0ull << bits;
	return (int64_t)value;
}

static bool is_record(const struct mkd_type *u)
{
	enum mkd_type_kind k = mkd_type_kind(u);

	return k == MKD_TYPE_STRUCT || k == MKD_TYPE_UNION;
}

static bool is_char(const struct mkd_type *t)
{
	const struct mkd_type *u = mkd_type_unqualified(t);

	return mkd_type_kind(u) == MKD_TYPE_INT && mkd_type_size(u) == 1;
}

static const char *enum_name(const struct mkd_type *u, int64_t value)
{
	struct mkd_type_enumerator e;
	size_t i, n = mkd_type_member_count(u);

	for (i = 0; i < n; i++)
		if (mkd_type_enumerator(u, i, &e) && e.value == value)
			return e.name;
	return NULL;
}

static uint32_t value_bits(const struct mkd_type *u, uint32_t bit_size)
{
	uint64_t size = mkd_type_size(u);

	return bit_size ? bit_size : size > 8 ? 64 : (uint32_t)size * 8;
}

/* " <panic+16>" for an address that is a symbol's, else "". */
static void symbol_suffix(struct az_value *v, uint64_t addr, char *buf,
			  size_t len)
{
	struct mkd_symbol sym;
	struct mkd_error *err;
	uint64_t off;

	buf[0] = '\0';
	if (addr >> 47 != 0x1ffff)
		return;
	err = mkd_symbol_lookup_addr(v->ctx->dump, addr, &sym, &off);
	if (err) {
		mkd_error_destroy(err);
		return;
	}
	snprintf(buf, len, off ? " <%s+%" PRIu64 ">" : " <%s>", sym.name, off);
}

static void format_scalar(struct az_value *v, const struct mkd_type *t,
			  uint64_t bit_offset, uint32_t bit_size, char *buf,
			  size_t len)
{
	const struct mkd_type *u = mkd_type_unqualified(t);
	uint32_t bits = value_bits(u, bit_size);
	uint64_t raw = get_bits(v, bit_offset, bits);
	int64_t sval = sign_extend(raw, bits);
	const char *name;
	char sym[160];

	switch (mkd_type_kind(u)) {
	case MKD_TYPE_POINTER:
		symbol_suffix(v, raw, sym, sizeof(sym));
		snprintf(buf, len, "0x%" PRIx64 "%s", raw, sym);
		return;
	case MKD_TYPE_BOOL:
		snprintf(buf, len, raw ? "true" : "false");
		return;
	case MKD_TYPE_ENUM:
		name = enum_name(u, mkd_type_is_signed(u) ? sval
							   : (int64_t)raw);
		if (name) {
			snprintf(buf, len, "%s", name);
			return;
		}
		break;
	case MKD_TYPE_INT:
		break;
	default:
		snprintf(buf, len, "0x%" PRIx64 " <%s>", raw,
			 mkd_type_kind_name(mkd_type_kind(u)));
		return;
	}
	if (v->hex)
		snprintf(buf, len, "0x%" PRIx64, raw);
	else if (mkd_type_is_signed(u))
		snprintf(buf, len, "%" PRId64, sval);
	else
		snprintf(buf, len, "%" PRIu64, raw);
}

/* A char array as a C string up to its first NUL, escaped. */
static void format_chars(struct az_value *v, uint64_t byte, uint64_t n,
			 char *buf, size_t len)
{
	size_t o = 0;
	uint64_t i;

	buf[o++] = '"';
	for (i = 0; i < n && v->bytes[byte + i] && o + 6 < len; i++) {
		uint8_t c = v->bytes[byte + i];

		if (c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, len - o, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\%03o", c);
	}
	buf[o++] = '"';
	buf[o] = '\0';
}

static void print_members(struct az_value *v, const struct mkd_type *u,
			  uint64_t base, int indent, int depth);

static void print_line(struct az_value *v, int indent, const char *name,
		       const char *value)
{
	if (name)
		fprintf(v->ctx->out, "%*s%s = %s,\n", indent, "", name, value);
	else
		fprintf(v->ctx->out, "%*s%s,\n", indent, "", value);
}

static void print_any(struct az_value *v, const struct mkd_type *t,
		      const char *name, uint64_t bit_offset,
		      uint32_t bit_size, int indent, int depth);

static void print_array(struct az_value *v, const struct mkd_type *u,
			const char *name, uint64_t bit_offset, int indent,
			int depth)
{
	const struct mkd_type *elem = mkd_type_target(u);
	uint64_t n = mkd_type_array_length(u), esize = mkd_type_size(elem);
	uint64_t i, shown = n < MAX_ELEMENTS ? n : MAX_ELEMENTS;
	char idx[32];

	if (!esize || !n) {
		print_line(v, indent, name, "{}");
		return;
	}
	fprintf(v->ctx->out, "%*s%s%s{\n", indent, "", name ? name : "",
		name ? " = " : "");
	for (i = 0; i < shown; i++) {
		snprintf(idx, sizeof(idx), "[%" PRIu64 "]", i);
		print_any(v, elem, idx, bit_offset + i * esize * 8, 0,
			  indent + 2, depth + 1);
	}
	if (shown < n)
		fprintf(v->ctx->out, "%*s... (%" PRIu64 " more elements)\n",
			indent + 2, "", n - shown);
	fprintf(v->ctx->out, "%*s},\n", indent, "");
}

static void print_any(struct az_value *v, const struct mkd_type *t,
		      const char *name, uint64_t bit_offset,
		      uint32_t bit_size, int indent, int depth)
{
	const struct mkd_type *u = mkd_type_unqualified(t);
	uint64_t bits = bit_size ? bit_size : mkd_type_size(u) * 8;
	const char *note = hole_note(v, bit_offset, bits);
	enum mkd_type_kind k = mkd_type_kind(u);
	char buf[512];

	if (note && !is_record(u) && k != MKD_TYPE_ARRAY) {
		print_line(v, indent, name, note);
	} else if (depth >= MAX_DEPTH && (is_record(u) || k == MKD_TYPE_ARRAY)) {
		print_line(v, indent, name, "{...}");
	} else if (is_record(u)) {
		fprintf(v->ctx->out, "%*s%s%s{\n", indent, "",
			name ? name : "", name ? " = " : "");
		print_members(v, u, bit_offset, indent + 2, depth + 1);
		fprintf(v->ctx->out, "%*s},\n", indent, "");
	} else if (k == MKD_TYPE_ARRAY && is_char(mkd_type_target(u))) {
		if (note)
			print_line(v, indent, name, note);
		else {
			format_chars(v, bit_offset / 8, mkd_type_size(u), buf,
				     sizeof(buf));
			print_line(v, indent, name, buf);
		}
	} else if (k == MKD_TYPE_ARRAY) {
		print_array(v, u, name, bit_offset, indent, depth);
	} else {
		format_scalar(v, t, bit_offset, bit_size, buf, sizeof(buf));
		print_line(v, indent, name, buf);
	}
}

static void print_members(struct az_value *v, const struct mkd_type *u,
			  uint64_t base, int indent, int depth)
{
	size_t i, n = mkd_type_member_count(u);
	struct mkd_type_member m;

	for (i = 0; i < n; i++) {
		if (!mkd_type_member(u, i, &m))
			continue;
		print_any(v, m.type, m.name, base + m.bit_offset, m.bit_size,
			  indent, depth);
	}
}

void az_value_print(struct az_value *v, const struct mkd_type *type,
		    const char *name, uint64_t bit_offset, uint32_t bit_size,
		    int indent)
{
	print_any(v, type, name, bit_offset, bit_size, indent, 0);
}

static void json_any(struct az_value *v, const struct mkd_type *t,
		     const char *key, uint64_t bit_offset, uint32_t bit_size,
		     int depth);

static void json_note(struct az_value *v, const char *key, const char *note)
{
	json_begin_object(&v->ctx->js, key);
	json_string(&v->ctx->js, "note", note);
	json_end_object(&v->ctx->js);
}

/* Members; those of anonymous structs and unions as if they were direct. */
static void json_members(struct az_value *v, const struct mkd_type *u,
			 uint64_t base, int depth)
{
	size_t i, n = mkd_type_member_count(u);
	struct mkd_type_member m;

	for (i = 0; i < n; i++) {
		if (!mkd_type_member(u, i, &m))
			continue;
		if (!m.name && is_record(mkd_type_unqualified(m.type)) &&
		    depth < MAX_DEPTH)
			json_members(v, mkd_type_unqualified(m.type),
				     base + m.bit_offset, depth + 1);
		else
			json_any(v, m.type, m.name ? m.name : "", base +
				 m.bit_offset, m.bit_size, depth + 1);
	}
}

static void json_array(struct az_value *v, const struct mkd_type *u,
		       const char *key, uint64_t bit_offset, int depth)
{
	const struct mkd_type *elem = mkd_type_target(u);
	uint64_t n = mkd_type_array_length(u), esize = mkd_type_size(elem);
	uint64_t i, shown = n < 16 * MAX_ELEMENTS ? n : 16 * MAX_ELEMENTS;
	char more[64];

	json_begin_array(&v->ctx->js, key);
	for (i = 0; esize && i < shown; i++)
		json_any(v, elem, NULL, bit_offset + i * esize * 8, 0,
			 depth + 1);
	if (esize && shown < n) {
		snprintf(more, sizeof(more), "%" PRIu64 " more elements",
			 n - shown);
		json_note(v, NULL, more);
	}
	json_end_array(&v->ctx->js);
}

static void json_scalar(struct az_value *v, const struct mkd_type *u,
			const char *key, uint64_t bit_offset,
			uint32_t bit_size)
{
	uint32_t bits = value_bits(u, bit_size);
	uint64_t raw = get_bits(v, bit_offset, bits);
	int64_t sval = sign_extend(raw, bits);
	const char *name;

	switch (mkd_type_kind(u)) {
	case MKD_TYPE_BOOL:
		json_bool(&v->ctx->js, key, raw);
		return;
	case MKD_TYPE_ENUM:
		name = enum_name(u, mkd_type_is_signed(u) ? sval
							   : (int64_t)raw);
		if (name) {
			json_string(&v->ctx->js, key, name);
			return;
		}
		break;
	default:
		break;
	}
	if (mkd_type_kind(u) != MKD_TYPE_POINTER && mkd_type_is_signed(u))
		json_int(&v->ctx->js, key, sval);
	else
		json_uint(&v->ctx->js, key, raw);
}

static void json_any(struct az_value *v, const struct mkd_type *t,
		     const char *key, uint64_t bit_offset, uint32_t bit_size,
		     int depth)
{
	const struct mkd_type *u = mkd_type_unqualified(t);
	uint64_t bits = bit_size ? bit_size : mkd_type_size(u) * 8;
	const char *note = hole_note(v, bit_offset, bits);
	enum mkd_type_kind k = mkd_type_kind(u);
	uint64_t byte = bit_offset / 8, len;

	if (note && !is_record(u) &&
	    (k != MKD_TYPE_ARRAY || is_char(mkd_type_target(u)))) {
		json_note(v, key, note);
	} else if (depth >= MAX_DEPTH && (is_record(u) || k == MKD_TYPE_ARRAY)) {
		json_note(v, key, "nested too deep to show");
	} else if (is_record(u)) {
		json_begin_object(&v->ctx->js, key);
		json_members(v, u, bit_offset, depth);
		json_end_object(&v->ctx->js);
	} else if (k == MKD_TYPE_ARRAY && is_char(mkd_type_target(u))) {
		len = strnlen((const char *)v->bytes + byte, mkd_type_size(u));
		json_string_len(&v->ctx->js, key, (const char *)v->bytes + byte,
				len);
	} else if (k == MKD_TYPE_ARRAY) {
		json_array(v, u, key, bit_offset, depth);
	} else {
		json_scalar(v, u, key, bit_offset, bit_size);
	}
}

void az_value_json(struct az_value *v, const struct mkd_type *type,
		   const char *key, uint64_t bit_offset, uint32_t bit_size)
{
	json_any(v, type, key, bit_offset, bit_size, 0);
}
