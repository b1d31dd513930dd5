// SPDX-License-Identifier: LGPL-2.1-or-later
/* codec-snappy.c - snappy through libsnappy's C interface */
#include <snappy-c.h>

#include "codec.h"

bool mkd_snappy_available(void)
{
	return true;
}

struct mkd_error *mkd_snappy_decompress(const void *src, size_t src_len,
					void *dst, size_t dst_len)
{
	size_t out = 0;

	if (snappy_uncompressed_length(src, src_len, &out) != SNAPPY_OK ||
	    out != dst_len)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"snappy: bad length header (%zu, expected %zu)",
					out, dst_len);
	if (snappy_uncompress(src, src_len, dst, &out) != SNAPPY_OK)
		return mkd_error_create(MKD_ERR_CORRUPT, "snappy: bad data");
	return NULL;
}
