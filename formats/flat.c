// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * flat.c - the flattened format (makedumpfile -F, QEMU's kdump-* output):
 * a stream of records that say where their bytes go in the real file.
 *
 *   4096-byte header: char sig[16] = "makedumpfile", be64 type = 1,
 *                     be64 version = 1, zeros
 *   records:          be64 offset, be64 size, then size bytes of data;
 *                     offset -1 ends the stream
 *
 * It is a container: unwrap() returns a view of the logical file, read
 * in place.  The index is built once by reading record headers in order
 * with large buffered reads; it holds extents, never data.  An extent is
 * a run of records of one size that are adjacent in the logical file and
 * evenly spaced in the flattened one, which covers the interleaved
 * streams (descriptors and page data) both producers write, so QEMU's
 * thousands of equal records become a few extents.  Where records
 * overwrite earlier ones the later wins: the (rare) overlapping case is
 * re-indexed record by record and resolved with a sweep.
 *
 * Holes in the logical file read as zeros, which is what the file that
 * `makedumpfile -R` rearranges from the same stream holds there.  A
 * stream cut short (no end record) gives the logical file written so far;
 * the reader inside sees missing descriptors as zeros, i.e. lost pages.
 */
#include <stdlib.h>

#include "internal.h"

#define FLAT_HEADER_SIZE 4096
#define RECORD_HEADER 16
#define MAX_RECORD (1ULL << 30)		/* bytes in one record */
#define MAX_LOGICAL (1ULL << 50)	/* end of the logical file: 1 PiB */
#define MAX_EXTENTS (1u << 25)		/* 1 GiB of index, at worst */
#define SCAN_BUF (1u << 20)
#define SCAN_SMALL 4096			/* read after a big record */
#define MERGE_CANDIDATES 4		/* extents a record may extend */

struct extent {
	uint64_t log;		/* logical offset of the first record */
	uint64_t phys;		/* file offset of its data */
	uint32_t len;		/* bytes per record */
	uint32_t count;		/* records: [log, log + len * count) */
	union {
		uint64_t stride;	/* file distance between records */
		uint64_t seq;		/* exact mode: record number */
	};
};

struct flat {
	struct extent *ext;	/* sorted by log, not overlapping */
	size_t n, cap;
};

struct scanner {
	struct mkd_file *f;
	uint8_t *buf;
	uint64_t buf_off;
	size_t buf_len;
	bool exact;		/* one extent per record, with its number */
	bool cut;		/* no end record */
	uint64_t records;
};

static bool flat_probe(const struct mkd_probe *p)
{
	static const uint8_t sig[16] = "makedumpfile";

	return p->head_len >= 16 && !memcmp(p->head, sig, 16);
}

static uint64_t ext_end(const struct extent *e)
{
	return e->log + (uint64_t)e->len * e->count;
}

/* ------------------------------------------------------------------ */
/* Building the index */

static bool try_merge(struct flat *fl, uint64_t log, uint64_t size,
		      uint64_t phys)
{
	size_t i, first = fl->n > MERGE_CANDIDATES ? fl->n - MERGE_CANDIDATES
						   : 0;

	for (i = fl->n; i-- > first;) {
		struct extent *e = &fl->ext[i];

		if (size != e->len || log != ext_end(e) || phys <= e->phys ||
		    e->count == UINT32_MAX)
			continue;
		if (e->count == 1)
			e->stride = phys - e->phys;
		else if (phys != e->phys + e->stride * e->count)
			continue;
		e->count++;
		return true;
	}
	return false;
}

static struct mkd_error *add_record(struct flat *fl, struct scanner *s,
				    uint64_t log, uint64_t size,
				    uint64_t phys)
{
	struct extent *e;

	if (size == 0 || (!s->exact && try_merge(fl, log, size, phys)))
		return NULL;
	if (fl->n == MAX_EXTENTS)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"record %llu: more than %u pieces to index",
					(unsigned long long)s->records,
					MAX_EXTENTS);
	if (!mkd_array_reserve(&fl->ext, &fl->cap, fl->n + 1,
			       sizeof(*fl->ext)))
		return &mkd_enomem;
	e = &fl->ext[fl->n++];
	e->log = log;
	e->phys = phys;
	e->len = (uint32_t)size;
	e->count = 1;
	if (s->exact)
		e->seq = s->records;
	else
		e->stride = 0;
	return NULL;
}

/* The 16 bytes at off, through the buffer; NULL at the end of the file. */
static struct mkd_error *record_header(struct scanner *s, uint64_t off,
				       uint64_t last_size, const uint8_t **p)
{
	struct mkd_error *err;
	size_t want;

	*p = NULL;
	if (off >= s->buf_off &&
	    off - s->buf_off + RECORD_HEADER <= s->buf_len) {
		*p = s->buf + (off - s->buf_off);
		return NULL;
	}
	/* After a big record the next header is far: read only around it. */
	want = last_size >= SCAN_BUF / 4 ? SCAN_SMALL : SCAN_BUF;
	err = mkd_file_read_partial(s->f, s->buf, want, off, &s->buf_len);
	if (err)
		return err;
	s->buf_off = off;
	if (s->buf_len >= RECORD_HEADER)
		*p = s->buf;
	return NULL;
}

static struct mkd_error *bad_record(const struct scanner *s, uint64_t off,
				    const char *why, int64_t value)
{
	return mkd_error_create(MKD_ERR_CORRUPT,
				"record %llu at 0x%llx: %s %lld",
				(unsigned long long)s->records,
				(unsigned long long)off, why,
				(long long)value);
}

/* Check one record header; *size is cut to what the file holds. */
static struct mkd_error *check_record(struct scanner *s, uint64_t off,
				      int64_t log, int64_t *size)
{
	uint64_t avail = s->f->size - off - RECORD_HEADER;

	if (log < 0)
		return bad_record(s, off, "negative offset", log);
	if (*size < 0 || (uint64_t)*size > MAX_RECORD)
		return bad_record(s, off, "absurd size", *size);
	if ((uint64_t)log + (uint64_t)*size > MAX_LOGICAL)
		return bad_record(s, off, "data beyond 1 PiB at offset", log);
	if ((uint64_t)*size > avail) {
		*size = (int64_t)avail;	/* the stream was cut short */
		s->cut = true;
	}
	return NULL;
}

static struct mkd_error *scan(struct flat *fl, struct scanner *s)
{
	uint64_t off = FLAT_HEADER_SIZE, size = 0;
	struct mkd_error *err;

	for (;;) {
		const uint8_t *h;
		int64_t log, len;

		err = record_header(s, off, size, &h);
		if (err)
			return err;
		if (!h) {
			s->cut = true;
			return NULL;
		}
		log = (int64_t)mkd_be64(h);
		len = (int64_t)mkd_be64(h + 8);
		if (log == -1)
			return NULL;
		err = check_record(s, off, log, &len);
		if (!err)
			err = add_record(fl, s, (uint64_t)log, (uint64_t)len,
					 off + RECORD_HEADER);
		if (err)
			return err;
		s->records++;
		size = (uint64_t)len;
		off += RECORD_HEADER + size;
		if (s->cut)
			return NULL;
	}
}

static int ext_cmp(const void *a, const void *b)
{
	const struct extent *x = a, *y = b;

	if (x->log != y->log)
		return x->log < y->log ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static bool overlapping(const struct flat *fl)
{
	uint64_t end = 0;
	size_t i;

	for (i = 0; i < fl->n; i++) {
		if (fl->ext[i].log < end)
			return true;
		end = ext_end(&fl->ext[i]);
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Overwritten records: the later one wins (exact mode only) */

struct heap {
	size_t *idx;		/* extents, the highest seq on top */
	size_t n;
	const struct extent *ext;
};

static bool heap_above(const struct heap *h, size_t a, size_t b)
{
	return h->ext[h->idx[a]].seq > h->ext[h->idx[b]].seq;
}

static void heap_swap(struct heap *h, size_t a, size_t b)
{
	size_t t = h->idx[a];

	h->idx[a] = h->idx[b];
	h->idx[b] = t;
}

static void heap_push(struct heap *h, size_t i)
{
	size_t at = h->n++;

	h->idx[at] = i;
	for (; at && heap_above(h, at, (at - 1) / 2); at = (at - 1) / 2)
		heap_swap(h, at, (at - 1) / 2);
}

static void heap_pop(struct heap *h)
{
	size_t at = 0;

	h->idx[0] = h->idx[--h->n];
	for (;;) {
		size_t c = 2 * at + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && heap_above(h, c + 1, c))
			c++;
		if (!heap_above(h, c, at))
			break;
		heap_swap(h, at, c);
		at = c;
	}
}

/* Append the piece [from, to) of extent e, joining it to the last. */
static void emit(struct extent *out, size_t *n, const struct extent *e,
		 uint64_t from, uint64_t to)
{
	struct extent *last = *n ? &out[*n - 1] : NULL;
	uint64_t phys = e->phys + (from - e->log);

	if (last && ext_end(last) == from &&
	    last->phys + last->len == phys && last->seq == e->seq) {
		last->len += (uint32_t)(to - from);
		return;
	}
	out[(*n)++] = (struct extent){ .log = from, .phys = phys,
				       .len = (uint32_t)(to - from),
				       .count = 1, .seq = e->seq };
}

/*
 * Sweep the sorted records: at every point the newest record that
 * covers it wins.  The result has at most 2n - 1 pieces.
 */
static struct mkd_error *resolve(struct flat *fl)
{
	struct heap h = { .ext = fl->ext };
	struct extent *out = calloc(2 * fl->n + 1, sizeof(*out));
	uint64_t at = 0;
	size_t i = 0, n = 0;

	h.idx = malloc((fl->n + 1) * sizeof(*h.idx));
	if (!out || !h.idx) {
		free(out);
		free(h.idx);
		return &mkd_enomem;
	}
	while (i < fl->n || h.n) {
		uint64_t next;

		if (!h.n && fl->ext[i].log > at)
			at = fl->ext[i].log;
		while (i < fl->n && fl->ext[i].log <= at)
			heap_push(&h, i++);
		while (h.n && ext_end(&fl->ext[h.idx[0]]) <= at)
			heap_pop(&h);
		if (!h.n)
			continue;
		next = ext_end(&fl->ext[h.idx[0]]);
		if (i < fl->n && fl->ext[i].log < next)
			next = fl->ext[i].log;
		emit(out, &n, &fl->ext[h.idx[0]], at, next);
		at = next;
	}
	free(h.idx);
	free(fl->ext);
	fl->ext = realloc(out, (n ? n : 1) * sizeof(*out));
	if (!fl->ext)
		fl->ext = out;	/* shrinking failed: keep the big one */
	fl->n = n;
	fl->cap = n;
	return NULL;
}

static struct mkd_error *build_index(struct mkd_file *f, struct flat *fl,
				     bool exact)
{
	struct scanner s = { .f = f, .exact = exact };
	struct mkd_error *err;

	s.buf = malloc(SCAN_BUF);
	if (!s.buf)
		return &mkd_enomem;
	err = scan(fl, &s);
	free(s.buf);
	if (err)
		return err;
	if (fl->n > 1)	/* with none, ext is NULL: qsort must not see it */
		qsort(fl->ext, fl->n, sizeof(*fl->ext), ext_cmp);
	if (!overlapping(fl))
		return NULL;
	if (!exact) {
		/* Rare: start again, one extent per record, numbered. */
		free(fl->ext);
		memset(fl, 0, sizeof(*fl));
		return build_index(f, fl, true);
	}
	return resolve(fl);
}

/* ------------------------------------------------------------------ */
/* The view */

/* The first extent that ends after off, or n. */
static size_t ext_find(const struct flat *fl, uint64_t off)
{
	size_t lo = 0, hi = fl->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ext_end(&fl->ext[mid]) <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Bytes at logical pos, at most max: from the file, or zeros in a hole. */
static struct mkd_error *read_piece(struct mkd_file *f, uint8_t *buf,
				    uint64_t max, uint64_t pos, size_t *n)
{
	const struct flat *fl = f->priv;
	size_t i = ext_find(fl, pos);
	const struct extent *e = i < fl->n ? &fl->ext[i] : NULL;
	uint64_t k, within;

	if (!e || e->log > pos) {
		uint64_t hole = (e ? e->log : f->size) - pos;

		*n = (size_t)(hole < max ? hole : max);
		memset(buf, 0, *n);
		return NULL;
	}
	k = (pos - e->log) / e->len;
	within = (pos - e->log) % e->len;
	*n = (size_t)(e->len - within < max ? e->len - within : max);
	return mkd_file_read(f->inner, buf, *n,
			     e->phys + k * e->stride + within);
}

static struct mkd_error *flat_pread(struct mkd_file *f, void *buf,
				    size_t len, uint64_t off, size_t *got)
{
	size_t done = 0;

	while (done < len && off + done < f->size) {
		uint64_t left = f->size - (off + done);
		struct mkd_error *err;
		size_t n;

		err = read_piece(f, (uint8_t *)buf + done,
				 left < len - done ? left : len - done,
				 off + done, &n);
		if (err) {
			*got = done;
			return mkd_error_wrap(err, "'%s' at 0x%llx", f->name,
					      (unsigned long long)(off + done));
		}
		done += n;
	}
	*got = done;
	return NULL;
}

static void flat_view_destroy(struct mkd_file *f)
{
	struct flat *fl = f->priv;

	free(fl->ext);
	free(fl);
}

static const struct mkd_file_ops flat_view_ops = {
	.pread = flat_pread,
	.destroy = flat_view_destroy,
};

static struct mkd_error *check_header(struct mkd_file *f)
{
	uint8_t h[32];
	struct mkd_error *err = mkd_file_read(f, h, sizeof(h), 0);
	uint64_t type, version;

	if (err)
		return err;
	type = mkd_be64(h + 16);
	version = mkd_be64(h + 24);
	if (type != 1 || version != 1)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"flattened type %llu version %llu (only 1 and 1 are known)",
					(unsigned long long)type,
					(unsigned long long)version);
	if (f->size < FLAT_HEADER_SIZE)
		return mkd_error_create(MKD_ERR_TRUNCATED,
					"the file ends inside the %u-byte header",
					FLAT_HEADER_SIZE);
	return NULL;
}

static struct mkd_error *flat_unwrap(struct mkd_file *file,
				     struct mkd_file **inner)
{
	struct mkd_error *err;
	struct flat *fl;

	err = check_header(file);
	if (err)
		return err;
	fl = calloc(1, sizeof(*fl));
	if (!fl)
		return &mkd_enomem;
	err = build_index(file, fl, false);
	if (!err)
		err = mkd_file_view(file, file->name,
				    fl->n ? ext_end(&fl->ext[fl->n - 1]) : 0,
				    &flat_view_ops, fl, inner);
	if (err) {
		free(fl->ext);
		free(fl);
	}
	return err;
}

const struct mkd_format_ops mkd_format_flat = {
	.name = "flattened",
	.probe = flat_probe,
	.unwrap = flat_unwrap,
};
