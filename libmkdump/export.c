// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * export.c - mkd_dump_export() and what the ELF and kdump writers share:
 * the output (plain or flattened), the walk over page states, reading
 * pages with every failure counted, the notes.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "export.h"

#define OUT_BUF (1u << 20)
#define FLAT_HEADER_SIZE 4096
#define FLAT_RECORD_MAX (1u << 20)	/* a record grows up to this */
#define NOTE_NAME "VMCOREINFO"

/* ------------------------------------------------------------------ */
/* Output */

static void put_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static struct mkd_error *out_fail(struct mkd_out *o, struct mkd_error *err)
{
	if (!o->failed)
		o->failed = mkd_error_dup(err);
	return err;
}

static struct mkd_error *out_sys(struct mkd_out *o, int errnum)
{
	return out_fail(o, mkd_error_sys(errnum, "writing '%s'", o->name));
}

/* Write len bytes at off (relative), or in order if not seekable. */
static struct mkd_error *raw_write(struct mkd_out *o, uint64_t off,
				   const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len) {
		ssize_t n = o->seekable ?
			    pwrite(o->fd, p, len, (off_t)(o->base + off)) :
			    write(o->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return out_sys(o, n < 0 ? errno : ENOSPC);
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
		o->bytes += (uint64_t)n;
	}
	return NULL;
}

static struct mkd_error *flush(struct mkd_out *o)
{
	struct mkd_error *err;

	if (o->flat && o->rec_len)
		put_be64(o->buf + o->rec_hdr + 8, o->rec_len);
	o->rec_len = 0;
	err = raw_write(o, o->buf_off, o->buf, o->fill);
	o->buf_off += o->fill;
	o->fill = 0;
	return err;
}

struct mkd_error *mkd_out_init(struct mkd_out *o, int fd, const char *name,
			       bool flat)
{
	off_t at = lseek(fd, 0, SEEK_CUR);

	memset(o, 0, sizeof(*o));
	o->fd = fd;
	o->name = name;
	o->flat = flat;
	o->seekable = !flat && at >= 0;
	o->base = at >= 0 ? (uint64_t)at : 0;
	o->buf = malloc(OUT_BUF);
	if (!o->buf)
		return &mkd_enomem;
	if (!flat)
		return NULL;
	memset(o->buf, 0, FLAT_HEADER_SIZE);
	memcpy(o->buf, "makedumpfile", 12);
	put_be64(o->buf + 16, 1);	/* type: flattened */
	put_be64(o->buf + 24, 1);	/* version */
	o->fill = FLAT_HEADER_SIZE;
	return NULL;
}

/* Buffered while each write follows the last; else flushed first. */
static struct mkd_error *plain_write(struct mkd_out *o, uint64_t off,
				     const void *data, size_t len)
{
	struct mkd_error *err = NULL;

	if (off != o->pos && !o->seekable)
		return out_fail(o, mkd_error_create(MKD_ERR_INVALID,
			"'%s' is not seekable: this format needs a file (or the flattened form)",
			o->name));
	if (o->fill && (off != o->buf_off + o->fill ||
			o->fill + len > OUT_BUF || len > OUT_BUF / 2))
		err = flush(o);	/* a pipe takes the bytes in order */
	if (err)
		return err;
	if (off + len > o->pos)
		o->pos = off + len;
	if (len > OUT_BUF / 2)
		return raw_write(o, off, data, len);
	if (!o->fill)
		o->buf_off = off;
	memcpy(o->buf + o->fill, data, len);
	o->fill += len;
	return NULL;
}

static struct mkd_error *flat_write(struct mkd_out *o, uint64_t off,
				    const void *data, size_t len)
{
	struct mkd_error *err;

	if (o->rec_len && off == o->rec_off + o->rec_len &&
	    o->rec_len + len <= FLAT_RECORD_MAX && o->fill + len <= OUT_BUF) {
		memcpy(o->buf + o->fill, data, len);
		o->fill += len;
		o->rec_len += len;
		return NULL;
	}
	if (o->fill + 16 + len > OUT_BUF) {
		err = flush(o);
		if (err)
			return err;
	}
	if (16 + len > OUT_BUF) {
		uint8_t h[16];

		put_be64(h, off);
		put_be64(h + 8, len);
		err = raw_write(o, 0, h, sizeof(h));
		return err ? err : raw_write(o, 0, data, len);
	}
	if (o->rec_len)
		put_be64(o->buf + o->rec_hdr + 8, o->rec_len);
	o->rec_hdr = o->fill;
	put_be64(o->buf + o->fill, off);
	o->fill += 16;
	memcpy(o->buf + o->fill, data, len);
	o->fill += len;
	o->rec_off = off;
	o->rec_len = len;
	return NULL;
}

struct mkd_error *mkd_out_write(struct mkd_out *o, uint64_t off,
				const void *data, size_t len)
{
	if (o->failed)
		return mkd_error_dup(o->failed);
	if (!len)
		return NULL;
	return o->flat ? flat_write(o, off, data, len)
		       : plain_write(o, off, data, len);
}

struct mkd_error *mkd_out_finish(struct mkd_out *o)
{
	static const uint8_t end[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	struct mkd_error *err;

	if (o->failed)
		return mkd_error_dup(o->failed);
	err = flush(o);
	if (!err && o->flat)
		err = raw_write(o, 0, end, sizeof(end));
	return err;
}

void mkd_out_deinit(struct mkd_out *o)
{
	free(o->buf);
	mkd_error_destroy(o->failed);
	o->buf = NULL;
	o->failed = NULL;
}

/* ------------------------------------------------------------------ */
/* Walking the source */

/* The first range that ends after pfn's page starts, or n. */
static size_t range_at(const struct mkd_range *r, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Cut one run at RAM range edges (in pages: a partial page is in). */
static struct mkd_error *cut_run(struct mkd_dump *src,
				 const struct mkd_page_run *run,
				 mkd_export_run_fn *fn, void *arg)
{
	const struct mkd_range *r = mkd_dump_ram_ranges(src);
	size_t n = mkd_dump_ram_range_count(src);
	uint64_t ps = mkd_dump_page_size(src), left = run->count;
	struct mkd_page_run piece = *run;
	struct mkd_error *err = NULL;

	while (!err && left) {
		size_t i = range_at(r, n, piece.pfn * ps);
		uint64_t first = i < n ? r[i].start / ps : UINT64_MAX;
		uint64_t end = i < n ? (r[i].end + ps - 1) / ps : UINT64_MAX;
		bool inside = piece.pfn >= first;
		uint64_t edge = inside ? end : first;

		piece.count = edge - piece.pfn < left ? edge - piece.pfn : left;
		err = fn(arg, inside ? &r[i] : NULL, &piece);
		piece.pfn += piece.count;
		left -= piece.count;
	}
	return err;
}

struct mkd_error *mkd_export_walk(struct mkd_dump *src,
				  mkd_export_run_fn *fn, void *arg)
{
	uint64_t pfn = 0, max = mkd_dump_max_pfn(src);
	struct mkd_error *err = NULL;

	while (!err && pfn < max) {
		struct mkd_page_run run;

		err = mkd_page_state(src, pfn, &run);
		if (err)
			break;
		/* A run holds at least its first page; bound the last. */
		run.pfn = pfn;
		if (run.count == 0)
			run.count = 1;
		if (run.count > max - pfn)
			run.count = max - pfn;
		err = cut_run(src, &run, fn, arg);
		pfn += run.count;
	}
	return err;
}

/* Is this read error about the page (count it) or about us (stop)? */
static bool page_error(const struct mkd_error *err)
{
	switch (mkd_error_code(err)) {
	case MKD_ERR_CORRUPT:
	case MKD_ERR_NO_DATA:
	case MKD_ERR_TRUNCATED:
	case MKD_ERR_UNSUPPORTED:	/* a codec we lack */
		return true;
	case MKD_ERR_IO:
		return mkd_error_errno(err) == EIO ||
		       mkd_error_errno(err) == EFAULT;
	default:
		return false;
	}
}

static struct mkd_error *count_missing(struct mkd_dump *src, uint64_t pfn,
				       uint64_t missing[MKD_PAGE_STATE_COUNT])
{
	struct mkd_page_run run;
	struct mkd_error *err = mkd_page_state(src, pfn, &run);

	if (err)
		return err;
	if (mkd_state_has_data(run.state) || run.state == MKD_PAGE_DAMAGED)
		run.state = MKD_PAGE_LOST;
	missing[run.state]++;
	return NULL;
}

struct mkd_error *mkd_export_read(struct mkd_dump *src, uint64_t pfn,
				  size_t n, uint8_t *buf, bool *ok,
				  uint64_t missing[MKD_PAGE_STATE_COUNT])
{
	size_t ps = mkd_dump_page_size(src), i = 0;

	while (i < n) {
		size_t done = 0, pages;
		struct mkd_error *err;

		err = mkd_read_phys(src, (pfn + i) * ps, buf + i * ps,
				    (n - i) * ps, &done);
		pages = done / ps;
		if (ok)
			memset(ok + i, true, pages);
		i += pages;
		if (!err)
			break;
		if (!page_error(err))
			return err;
		mkd_error_destroy(err);
		memset(buf + i * ps, 0, ps);
		if (ok)
			ok[i] = false;
		err = count_missing(src, pfn + i, missing);
		if (err)
			return err;
		i++;
	}
	return NULL;
}

void mkd_export_progress(const struct mkd_export_options *o, uint64_t pfn,
			 uint64_t max_pfn, uint64_t bytes)
{
	if (o->progress)
		o->progress(o->progress_arg, pfn, max_pfn, bytes);
}

/* ------------------------------------------------------------------ */
/* Notes */

static bool has_vmcoreinfo_note(const uint8_t *p, size_t len)
{
	size_t off = 0;

	while (len - off >= 12) {
		uint32_t namesz = mkd_le32(p + off);
		uint32_t descsz = mkd_le32(p + off + 4);
		uint64_t next = off + 12 + ((namesz + 3ULL) & ~3ULL) +
				((descsz + 3ULL) & ~3ULL);

		if (namesz == sizeof(NOTE_NAME) && next <= len &&
		    !memcmp(p + off + 12, NOTE_NAME, sizeof(NOTE_NAME)))
			return true;
		if (next > len)
			break;
		off = (size_t)next;
	}
	return false;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

struct mkd_error *mkd_export_notes(const struct mkd_dump *src, uint8_t **buf,
				   size_t *len)
{
	size_t nlen = 0, vlen = 0, extra = 0, name4;
	const uint8_t *notes = mkd_dump_notes(src, &nlen);
	const char *vi = mkd_vmcoreinfo(src, &vlen);
	uint8_t *b, *p;

	if (!notes)
		nlen = 0;
	name4 = (sizeof(NOTE_NAME) + 3) & ~3u;
	if (vi && vlen && vlen < UINT32_MAX - 4 &&
	    !has_vmcoreinfo_note(notes, nlen))
		extra = 12 + name4 + ((vlen + 3) & ~(size_t)3);
	b = calloc(1, nlen + extra + 1);
	if (!b)
		return &mkd_enomem;
	if (nlen)
		memcpy(b, notes, nlen);
	if (extra) {
		p = b + nlen;
		put_le32(p, sizeof(NOTE_NAME));
		put_le32(p + 4, (uint32_t)vlen);
		put_le32(p + 8, 0);
		memcpy(p + 12, NOTE_NAME, sizeof(NOTE_NAME));
		memcpy(p + 12 + name4, vi, vlen);
	}
	*buf = b;
	*len = nlen + extra;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The entry point */

static struct mkd_error *check_options(const struct mkd_export_options *o,
				       enum mkd_export_format format)
{
	if (o->size < sizeof(*o))
		return mkd_error_create(MKD_ERR_INVALID,
					"export options of %u bytes: the library needs %zu",
					o->size, sizeof(*o));
	if (o->flags & ~(uint32_t)MKD_EXPORT_FLAT)
		return mkd_error_create(MKD_ERR_INVALID,
					"unknown export flags 0x%x", o->flags);
	if (format != MKD_EXPORT_ELF && format != MKD_EXPORT_KDUMP)
		return mkd_error_create(MKD_ERR_INVALID,
					"unknown export format %d", (int)format);
	if (format == MKD_EXPORT_ELF && (o->flags & MKD_EXPORT_FLAT))
		return mkd_error_create(MKD_ERR_INVALID,
					"only kdump dumps have a flattened form");
	return NULL;
}

MKD_EXPORT struct mkd_error *
mkd_dump_export(struct mkd_dump *src, enum mkd_export_format format, int fd,
		const char *name, const struct mkd_export_options *opts,
		struct mkd_export_stats *stats)
{
	struct mkd_export_options defaults = { .size = sizeof(defaults) };
	struct mkd_export_stats local;
	struct mkd_error *err;
	struct mkd_out out;

	if (!opts)
		opts = &defaults;
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	stats->dump_level = -1;
	err = check_options(opts, format);
	if (err)
		return err;
	err = mkd_out_init(&out, fd, name ? name : "(output)",
			   opts->flags & MKD_EXPORT_FLAT);
	if (!err)
		err = format == MKD_EXPORT_ELF ?
		      mkd_export_elf(src, &out, opts, stats) :
		      mkd_export_kdump(src, &out, opts, stats);
	if (!err)
		err = mkd_out_finish(&out);
	stats->bytes_out = out.bytes;
	mkd_out_deinit(&out);
	return err;
}
