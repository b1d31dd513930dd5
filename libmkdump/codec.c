// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * codec.c - decompressing one page (or block) with the libraries Debian
 * ships: zlib, lzo2, zstd; snappy comes from codec-snappy.c when the
 * build found libsnappy, else from codec-nosnappy.c.
 */
#include <lzo/lzo1x.h>
#include <zlib.h>
#include <zstd.h>

#include "internal.h"
#include "codec.h"

const char *mkd_codec_name(enum mkd_codec codec)
{
	switch (codec) {
	case MKD_CODEC_NONE:
		return "none";
	case MKD_CODEC_ZLIB:
		return "zlib";
	case MKD_CODEC_LZO:
		return "lzo";
	case MKD_CODEC_SNAPPY:
		return "snappy";
	case MKD_CODEC_ZSTD:
		return "zstd";
	}
	return "?";
}

bool mkd_codec_available(enum mkd_codec codec)
{
	return codec != MKD_CODEC_SNAPPY || mkd_snappy_available();
}

static struct mkd_error *short_output(const char *codec, size_t got,
				      size_t want)
{
	return mkd_error_create(MKD_ERR_CORRUPT,
				"%s: decompressed to %zu bytes, expected %zu",
				codec, got, want);
}

static struct mkd_error *zlib_decompress(const void *src, size_t src_len,
					 void *dst, size_t dst_len)
{
	uLongf out = dst_len;
	int ret;

	if (src_len > ULONG_MAX)
		return mkd_error_create(MKD_ERR_CORRUPT, "zlib: block too big");
	ret = uncompress(dst, &out, src, (uLong)src_len);
	if (ret != Z_OK)
		return mkd_error_create(MKD_ERR_CORRUPT, "zlib: %s",
					zError(ret));
	return out == dst_len ? NULL : short_output("zlib", out, dst_len);
}

static struct mkd_error *lzo_decompress(const void *src, size_t src_len,
					void *dst, size_t dst_len)
{
	lzo_uint out = dst_len;
	int ret;

	ret = lzo1x_decompress_safe(src, src_len, dst, &out, NULL);
	if (ret != LZO_E_OK)
		return mkd_error_create(MKD_ERR_CORRUPT, "lzo: error %d", ret);
	return out == dst_len ? NULL : short_output("lzo", out, dst_len);
}

static struct mkd_error *zstd_decompress(const void *src, size_t src_len,
					 void *dst, size_t dst_len)
{
	size_t out = ZSTD_decompress(dst, dst_len, src, src_len);

	if (ZSTD_isError(out))
		return mkd_error_create(MKD_ERR_CORRUPT, "zstd: %s",
					ZSTD_getErrorName(out));
	return out == dst_len ? NULL : short_output("zstd", out, dst_len);
}

struct mkd_error *mkd_codec_decompress(enum mkd_codec codec,
				       const void *src, size_t src_len,
				       void *dst, size_t dst_len)
{
	switch (codec) {
	case MKD_CODEC_NONE:
		if (src_len != dst_len)
			return short_output("raw", src_len, dst_len);
		memcpy(dst, src, dst_len);
		return NULL;
	case MKD_CODEC_ZLIB:
		return zlib_decompress(src, src_len, dst, dst_len);
	case MKD_CODEC_LZO:
		return lzo_decompress(src, src_len, dst, dst_len);
	case MKD_CODEC_SNAPPY:
		return mkd_snappy_decompress(src, src_len, dst, dst_len);
	case MKD_CODEC_ZSTD:
		return zstd_decompress(src, src_len, dst, dst_len);
	}
	return mkd_error_create(MKD_ERR_UNSUPPORTED, "unknown codec %d",
				(int)codec);
}
