/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * struct-value.h - a typed value read from the dump, printed crash's way
 * (text) or as JSON.  The bytes are read once; the pages that could not
 * be read are remembered with their note, and a member that overlaps one
 * shows the note instead of a value.
 */
#ifndef MKD_ANALYZE_STRUCT_VALUE_H
#define MKD_ANALYZE_STRUCT_VALUE_H

#include "analyze.h"

#define AZ_VALUE_MAX_SIZE ((size_t)1 << 20)
#define AZ_VALUE_MAX_HOLES 300

struct az_value_hole {
	uint64_t start, end;	/* byte offsets in the value */
	char note[80];
};

struct az_value {
	struct az_ctx *ctx;
	uint64_t addr;		/* where the value is in the dump */
	uint8_t *bytes;
	uint64_t size;
	struct az_value_hole holes[AZ_VALUE_MAX_HOLES];
	size_t nholes;
	bool hex;		/* integers in hex */
};

/* Read size bytes at addr (virtual); 0 or an exit code (reported). */
int az_value_read(struct az_value *v, struct az_ctx *ctx, uint64_t addr,
		  uint64_t size);
void az_value_release(struct az_value *v);
/* Bytes of the value that could not be read. */
uint64_t az_value_unread(const struct az_value *v);
/*
 * Print the value of type at bit_offset in v: as "name = value" lines at
 * indent (text), or as a JSON value under key.
 */
void az_value_print(struct az_value *v, const struct mkd_type *type,
		    const char *name, uint64_t bit_offset, uint32_t bit_size,
		    int indent);
void az_value_json(struct az_value *v, const struct mkd_type *type,
		   const char *key, uint64_t bit_offset, uint32_t bit_size);

#endif /* MKD_ANALYZE_STRUCT_VALUE_H */
