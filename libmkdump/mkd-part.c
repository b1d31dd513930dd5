// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mkd-part.c - marking an mkd dump as one part of a split set (the SPLIT
 * section, doc/mkd-format.md 8.1).  The reader side is formats/mkd-set.c.
 */
#include <stdlib.h>

#include "mkd-layout.h"

MKD_EXPORT struct mkd_error *
mkd_writer_set_part(struct mkd_writer *w, uint64_t set_id, uint32_t index,
		    uint32_t count, const struct mkd_part *parts)
{
	struct mkd_split_head h = {
		.set_id = set_id, .index = index, .count = count,
		.max_pfn = count ? parts[count - 1].end_pfn : 0,
	};
	size_t len = MKD_SPLIT_HEAD_SIZE + 16 * (size_t)count;
	struct mkd_split_head check;
	struct mkd_part *decoded;
	struct mkd_writer_stats st;
	struct mkd_error *err;
	uint8_t *buf;

	mkd_writer_get_stats(w, &st);
	if (st.next_pfn)
		return mkd_error_create(MKD_ERR_INVALID,
					"the split part must come before the pages");
	if (count == 0 || count > MKD_MAX_PARTS)
		return mkd_error_create(MKD_ERR_INVALID,
					"%u parts: a split set has 1 to %d",
					count, MKD_MAX_PARTS);
	buf = malloc(len);
	if (!buf)
		return &mkd_enomem;
	mkd_split_encode(&h, parts, buf);
	/* What we write must be what a reader accepts. */
	err = mkd_split_decode(buf, len, &check, &decoded);
	if (err) {
		mkd_error_destroy(err);
		err = mkd_error_create(MKD_ERR_INVALID,
				       "part %u of %u: the ranges must follow each other from pfn 0",
				       index + 1, count);
	} else {
		free(decoded);
		err = mkd_writer_add_section(w, MKD_SECTION_SPLIT, buf, len);
	}
	free(buf);
	return err;
}
