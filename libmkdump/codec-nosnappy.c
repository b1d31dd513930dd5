// SPDX-License-Identifier: LGPL-2.1-or-later
/* codec-nosnappy.c - built when libsnappy was not found */
#include "codec.h"

bool mkd_snappy_available(void)
{
	return false;
}

struct mkd_error *mkd_snappy_decompress(const void *src, size_t src_len,
					void *dst, size_t dst_len)
{
	(void)src, (void)src_len, (void)dst, (void)dst_len;
	return mkd_error_create(MKD_ERR_UNSUPPORTED,
				"snappy pages, but this libmkdump was built without libsnappy");
}
