/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * codec.h - the optional codecs' two entry points.  Exactly one of
 * codec-<name>.c and codec-no<name>.c is built, as the Makefile finds the
 * library or not, so no source file needs an #ifdef.
 */
#ifndef MKD_CODEC_H
#define MKD_CODEC_H

#include "internal.h"

bool mkd_snappy_available(void);
struct mkd_error *mkd_snappy_decompress(const void *src, size_t src_len,
					void *dst, size_t dst_len);

#endif /* MKD_CODEC_H */
