// SPDX-License-Identifier: LGPL-2.1-or-later
/* compress.c - codecs with state: compressing, and zstd decompressing */
#include <stdlib.h>
#include <lzo/lzo1x.h>
#include <zlib.h>
#include <zstd.h>

#include "compress.h"

struct mkd_compressor {
	enum mkd_codec codec;
	int level;
	ZSTD_CCtx *zstd;
	void *lzo_work;
};

struct mkd_error *mkd_codec_parse(const char *name, enum mkd_codec *codec)
{
	static const enum mkd_codec known[] = {
		MKD_CODEC_NONE, MKD_CODEC_ZLIB, MKD_CODEC_LZO, MKD_CODEC_ZSTD,
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(name, mkd_codec_name(known[i]))) {
			*codec = known[i];
			return NULL;
		}
	return mkd_error_create(MKD_ERR_INVALID,
				"unknown codec '%s' (none, zlib, lzo, zstd)",
				name);
}

size_t mkd_compress_bound(enum mkd_codec codec, size_t len)
{
	switch (codec) {
	case MKD_CODEC_ZLIB:
		return compressBound((uLong)len);
	case MKD_CODEC_LZO:
		return len + len / 16 + 64 + 3;	/* LZO1X worst case */
	case MKD_CODEC_ZSTD:
		return ZSTD_compressBound(len);
	default:
		return len;
	}
}

struct mkd_error *mkd_compressor_create(enum mkd_codec codec, int level,
					struct mkd_compressor **ret)
{
	struct mkd_compressor *c = calloc(1, sizeof(*c));

	if (!c)
		return &mkd_enomem;
	c->codec = codec;
	c->level = level ? level : 1;
	if (codec == MKD_CODEC_ZSTD)
		c->zstd = ZSTD_createCCtx();
	if (codec == MKD_CODEC_LZO) {
		if (lzo_init() != LZO_E_OK) {
			free(c);
			return mkd_error_create(MKD_ERR_UNSUPPORTED,
						"lzo: cannot initialise");
		}
		c->lzo_work = malloc(LZO1X_1_MEM_COMPRESS);
	}
	if ((codec == MKD_CODEC_ZSTD && !c->zstd) ||
	    (codec == MKD_CODEC_LZO && !c->lzo_work)) {
		mkd_compressor_destroy(c);
		return &mkd_enomem;
	}
	*ret = c;
	return NULL;
}

void mkd_compressor_destroy(struct mkd_compressor *c)
{
	if (!c)
		return;
	ZSTD_freeCCtx(c->zstd);
	free(c->lzo_work);
	free(c);
}

static struct mkd_error *zlib_compress(struct mkd_compressor *c,
				       const void *src, size_t len, void *dst,
				       size_t *out_len)
{
	uLongf out = compressBound((uLong)len);
	int ret = compress2(dst, &out, src, (uLong)len, c->level);

	if (ret != Z_OK)
		return mkd_error_create(MKD_ERR_INVALID, "zlib: %s",
					zError(ret));
	*out_len = out;
	return NULL;
}

static struct mkd_error *lzo_compress(struct mkd_compressor *c,
				      const void *src, size_t len, void *dst,
				      size_t *out_len)
{
	lzo_uint out = 0;
	int ret = lzo1x_1_compress(src, len, dst, &out, c->lzo_work);

	if (ret != LZO_E_OK)
		return mkd_error_create(MKD_ERR_INVALID, "lzo: error %d", ret);
	*out_len = out;
	return NULL;
}

static struct mkd_error *zstd_compress(struct mkd_compressor *c,
				       const void *src, size_t len, void *dst,
				       size_t *out_len)
{
	size_t out = ZSTD_compressCCtx(c->zstd, dst, ZSTD_compressBound(len),
				       src, len, c->level);

	if (ZSTD_isError(out))
		return mkd_error_create(MKD_ERR_INVALID, "zstd: %s",
					ZSTD_getErrorName(out));
	*out_len = out;
	return NULL;
}

struct mkd_error *mkd_compress(struct mkd_compressor *c, const void *src,
			       size_t len, void *dst, size_t *out_len)
{
	switch (c->codec) {
	case MKD_CODEC_ZLIB:
		return zlib_compress(c, src, len, dst, out_len);
	case MKD_CODEC_LZO:
		return lzo_compress(c, src, len, dst, out_len);
	case MKD_CODEC_ZSTD:
		return zstd_compress(c, src, len, dst, out_len);
	default:
		*out_len = len;	/* "not smaller": the caller stores it raw */
		return NULL;
	}
}

struct mkd_decompressor {
	ZSTD_DCtx *zstd;
};

struct mkd_error *mkd_decompressor_create(struct mkd_decompressor **ret)
{
	struct mkd_decompressor *d = calloc(1, sizeof(*d));

	if (!d)
		return &mkd_enomem;
	d->zstd = ZSTD_createDCtx();
	if (!d->zstd) {
		free(d);
		return &mkd_enomem;
	}
	*ret = d;
	return NULL;
}

void mkd_decompressor_destroy(struct mkd_decompressor *d)
{
	if (!d)
		return;
	ZSTD_freeDCtx(d->zstd);
	free(d);
}

struct mkd_error *mkd_decompress(struct mkd_decompressor *d,
				 enum mkd_codec codec, const void *src,
				 size_t src_len, void *dst, size_t dst_len)
{
	size_t out;

	if (codec != MKD_CODEC_ZSTD)
		return mkd_codec_decompress(codec, src, src_len, dst, dst_len);
	out = ZSTD_decompressDCtx(d->zstd, dst, dst_len, src, src_len);
	if (ZSTD_isError(out))
		return mkd_error_create(MKD_ERR_CORRUPT, "zstd: %s",
					ZSTD_getErrorName(out));
	if (out != dst_len)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"zstd: decompressed to %zu bytes, expected %zu",
					out, dst_len);
	return NULL;
}
