/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * compress.h - codecs with state kept between blocks: compressors (one
 * per writer thread, with the codec's scratch memory) and a decompressor
 * (one per reader, so zstd does not build a context for every block).
 * codec.c does the stateless decompression these fall back on.
 */
#ifndef MKD_COMPRESS_H
#define MKD_COMPRESS_H

#include "internal.h"

struct mkd_compressor;

/* Find a codec by name ("none", "zlib", "lzo", "zstd"). */
struct mkd_error *mkd_codec_parse(const char *name, enum mkd_codec *codec);
/* The room compress() needs for len input bytes. */
size_t mkd_compress_bound(enum mkd_codec codec, size_t len);
/* level 0 = the codec's fast default. */
struct mkd_error *mkd_compressor_create(enum mkd_codec codec, int level,
					struct mkd_compressor **ret);
void mkd_compressor_destroy(struct mkd_compressor *c);
/*
 * Compress len bytes into dst (mkd_compress_bound() bytes).  *out_len is
 * the compressed size; the caller stores the input raw when that is not
 * smaller than len.
 */
struct mkd_error *mkd_compress(struct mkd_compressor *c, const void *src,
			       size_t len, void *dst, size_t *out_len);

struct mkd_decompressor;

struct mkd_error *mkd_decompressor_create(struct mkd_decompressor **ret);
void mkd_decompressor_destroy(struct mkd_decompressor *d);
/* Like mkd_codec_decompress(): exactly dst_len bytes or MKD_ERR_CORRUPT. */
struct mkd_error *mkd_decompress(struct mkd_decompressor *d,
				 enum mkd_codec codec, const void *src,
				 size_t src_len, void *dst, size_t dst_len);

#endif /* MKD_COMPRESS_H */
