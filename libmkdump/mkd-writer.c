// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mkd-writer.c - writing mkd dumps (doc/mkd-format.md), strictly
 * sequentially.
 *
 * The calling thread declares pages in pfn order: stored pages are
 * copied into the current job (a batch of blocks), every page extends the
 * pending runs.  A full job goes to the pool (mkd-pool.c) to be
 * compressed; jobs come back in order and their blocks are written by the
 * calling thread, which records where each went.  A checkpoint submits
 * the partial job (its last block may be short), waits for every job in
 * flight, and writes the INDEX record of all that was declared since the
 * previous checkpoint: so an INDEX never names a block that is not before
 * it in the file.  Output goes through a buffer that
 * is flushed after every INDEX and SECTION record, so a killed writer
 * loses at most what came after its last checkpoint.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "compress.h"
#include "mkd-layout.h"
#include "mkd-pool.h"

#define DEFAULT_BLOCK_PAGES 2
#define DEFAULT_CHECKPOINT (8ULL << 20)
#define SYNC_SPACING 1.0	/* seconds between syncs, at least ... */
#define SYNC_STRETCH 8		/* ... unless this many intervals passed */
#define MAX_THREADS 256
#define MAX_PENDING_RUNS 65536
#define MAX_PENDING_BLOCKS (1u << 20)
#define MAX_INFO (64u << 10)
#define OBUF_SIZE (1u << 20)
#define BATCH_BYTES (128u << 10)

struct mkd_writer {
	int fd;
	char *name;
	uint32_t flags;
	struct mkd_fheader h;
	enum mkd_codec codec;

	/* The first I/O or compression failure, replayed by later calls. */
	bool failed;
	enum mkd_error_code fail_code;
	int fail_errno;
	char *fail_msg;

	uint64_t pos;			/* bytes written, buffered included */
	uint8_t *obuf;
	size_t ofill;

	struct mkd_pool *pool;
	struct mkd_block_job *cur;	/* the blocks being filled */

	bool started;			/* pages have come: info is written */
	bool finished;
	char *info;			/* CAPTURE key=value lines */
	size_t info_len;
	uint64_t ram_top_pfn;

	/* The segment since the last checkpoint. */
	uint64_t seg_start_pfn;
	uint64_t seg_first_block;
	uint64_t ckpt_pos;
	uint64_t interval;		/* bytes between checkpoints, wished */
	bool stretch;			/* space syncs out (see below) */
	double last_sync;		/* CLOCK_MONOTONIC seconds */
	struct mkd_run_entry *runs;
	size_t nruns, runs_cap;
	struct mkd_block_entry *blocks;
	size_t nblocks, blocks_cap;

	/* The whole dump. */
	struct mkd_section_entry *sections;
	size_t nsections, sections_cap;
	struct mkd_dir_entry *dir;
	size_t ndir, dir_cap;
	uint64_t last_index;
	uint64_t payload_bytes;		/* of all blocks */
	struct mkd_writer_stats stats;
};

/* ------------------------------------------------------------------ */
/* Failures and output */

static struct mkd_error *fail(struct mkd_writer *w, struct mkd_error *err)
{
	if (!w->failed) {
		w->failed = true;
		w->fail_code = err->code;
		w->fail_errno = err->errnum;
		w->fail_msg = strdup(err->message);
	}
	return err;
}

/* Refuse calls after a failure or after finish. */
static struct mkd_error *usable(const struct mkd_writer *w)
{
	struct mkd_error *err;

	if (w->finished)
		return mkd_error_create(MKD_ERR_INVALID,
					"'%s': the dump is already finished",
					w->name);
	if (!w->failed)
		return NULL;
	err = mkd_error_create(w->fail_code, "%s",
			       w->fail_msg ? w->fail_msg : "writer failed");
	if (!err->is_static)
		err->errnum = w->fail_errno;
	return err;
}

static struct mkd_error *write_all(struct mkd_writer *w, const void *buf,
				   size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fail(w, mkd_error_sys(n < 0 ? errno : EIO,
						     "writing '%s'", w->name));
		p += n;
		len -= (size_t)n;
	}
	return NULL;
}

static struct mkd_error *out_flush(struct mkd_writer *w)
{
	struct mkd_error *err = write_all(w, w->obuf, w->ofill);

	w->ofill = 0;
	return err;
}

static struct mkd_error *out_put(struct mkd_writer *w, const void *data,
				 size_t len)
{
	bool direct = len >= OBUF_SIZE / 2;
	struct mkd_error *err = NULL;

	if (direct || w->ofill + len > OBUF_SIZE)
		err = out_flush(w);
	if (!err && direct)
		err = write_all(w, data, len);
	if (err)
		return err;
	if (!direct) {
		memcpy(w->obuf + w->ofill, data, len);
		w->ofill += len;
	}
	w->pos += len;
	return NULL;
}

/* Make what was written durable, where the descriptor can be. */
static struct mkd_error *out_sync(struct mkd_writer *w)
{
	struct mkd_error *err = out_flush(w);

	if (err || !(w->flags & MKD_WRITER_SYNC))
		return err;
	if (fdatasync(w->fd) < 0 && errno != EINVAL && errno != EROFS &&
	    errno != ENOTSUP)
		return fail(w, mkd_error_sys(errno, "syncing '%s'", w->name));
	return NULL;
}

static struct mkd_error *put_record_sum(struct mkd_writer *w, uint16_t type,
					uint16_t flags, uint64_t arg1,
					uint64_t arg2, const void *payload,
					size_t len, uint64_t sum)
{
	struct mkd_record r = {
		.type = type, .flags = flags, .length = len,
		.arg1 = arg1, .arg2 = arg2, .payload_sum = sum,
	};
	uint8_t head[MKD_RECORD_SIZE];
	struct mkd_error *err;

	mkd_record_encode(&r, w->h.dump_id, head);
	err = out_put(w, head, sizeof(head));
	return err ? err : out_put(w, payload, len);
}

static struct mkd_error *put_record(struct mkd_writer *w, uint16_t type,
				    uint64_t arg1, uint64_t arg2,
				    const void *payload, size_t len)
{
	return put_record_sum(w, type, 0, arg1, arg2, payload, len,
			      mkd_sum(payload, len, w->h.dump_id));
}

/* ------------------------------------------------------------------ */
/* Sections */

static struct mkd_error *write_section(struct mkd_writer *w, uint32_t type,
				       const void *data, size_t len)
{
	struct mkd_section_entry *e;
	uint64_t offset = w->pos;
	struct mkd_error *err;

	if (len > UINT32_MAX)
		return mkd_error_create(MKD_ERR_INVALID,
					"section %u of %zu bytes is too big",
					type, len);
	if (!mkd_array_reserve(&w->sections, &w->sections_cap,
			       w->nsections + 1, sizeof(*w->sections)))
		return &mkd_enomem;
	err = put_record(w, MKD_REC_SECTION, type, 0, data, len);
	if (!err)
		err = out_flush(w);	/* a cut dump keeps its sections */
	if (err)
		return err;
	e = &w->sections[w->nsections++];
	e->offset = offset;
	e->type = type;
	e->length = (uint32_t)len;
	return NULL;
}

/* The first page is coming: write what must come before it. */
static struct mkd_error *start(struct mkd_writer *w)
{
	if (w->started)
		return NULL;
	w->started = true;
	if (!w->info_len)
		return NULL;
	return write_section(w, MKD_SECTION_CAPTURE, w->info, w->info_len);
}

static struct mkd_error *before_pages(const struct mkd_writer *w,
				      const char *what)
{
	struct mkd_error *err = usable(w);

	if (!err && w->started)
		err = mkd_error_create(MKD_ERR_INVALID,
				       "'%s': %s must come before the pages",
				       w->name, what);
	return err;
}

MKD_EXPORT struct mkd_error *
mkd_writer_add_section(struct mkd_writer *w, uint32_t type, const void *data,
		       size_t len)
{
	struct mkd_error *err = usable(w);

	if (err)
		return err;
	if (type == 0 || type == MKD_SECTION_SUMMARY)
		return mkd_error_create(MKD_ERR_INVALID,
					"section type %u is not for callers",
					type);
	return write_section(w, type, data, len);
}

MKD_EXPORT struct mkd_error *
mkd_writer_set_ram(struct mkd_writer *w, const struct mkd_range *ranges,
		   size_t n)
{
	struct mkd_error *err = before_pages(w, "the RAM map");
	uint8_t *buf;
	size_t i;

	if (err)
		return err;
	for (i = 0; i < n; i++)
		if (ranges[i].end <= ranges[i].start ||
		    (i && ranges[i].start < ranges[i - 1].end))
			return mkd_error_create(MKD_ERR_INVALID,
						"RAM range %zu is empty, unsorted or overlapping",
						i);
	if (n > SIZE_MAX / 16 || !(buf = malloc(n * 16 + 1)))
		return &mkd_enomem;
	for (i = 0; i < n; i++) {
		struct mkd_range r = ranges[i];
		uint8_t *p = buf + 16 * i;
		int b;

		for (b = 0; b < 8; b++) {
			p[b] = (uint8_t)(r.start >> (8 * b));
			p[8 + b] = (uint8_t)(r.end >> (8 * b));
		}
	}
	if (n)
		w->ram_top_pfn = (ranges[n - 1].end + w->h.page_size - 1) /
				 w->h.page_size;
	err = write_section(w, MKD_SECTION_MEMORY_MAP, buf, n * 16);
	free(buf);
	return err;
}

static bool info_key_ok(const char *key)
{
	if (!*key)
		return false;
	for (; *key; key++)
		if (!((*key >= 'a' && *key <= 'z') ||
		      (*key >= '0' && *key <= '9') || *key == '_'))
			return false;
	return true;
}

MKD_EXPORT struct mkd_error *
mkd_writer_set_info(struct mkd_writer *w, const char *key, const char *value)
{
	struct mkd_error *err = before_pages(w, "capture info");
	size_t klen, vlen;
	char *p;

	if (err)
		return err;
	klen = strlen(key);
	vlen = strlen(value);
	if (!info_key_ok(key) || strchr(value, '\n'))
		return mkd_error_create(MKD_ERR_INVALID,
					"bad capture info '%s'", key);
	if (w->info_len + klen + vlen + 2 > MAX_INFO)
		return mkd_error_create(MKD_ERR_INVALID,
					"capture info is over %u bytes",
					MAX_INFO);
	p = realloc(w->info, w->info_len + klen + vlen + 2);
	if (!p)
		return &mkd_enomem;
	w->info = p;
	p += w->info_len;
	memcpy(p, key, klen);
	p[klen] = '=';
	memcpy(p + klen + 1, value, vlen);
	p[klen + 1 + vlen] = '\n';
	w->info_len += klen + vlen + 2;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Blocks */

/* Write one compressed block and note it in the segment. */
static struct mkd_error *write_block(struct mkd_writer *w,
				     const struct mkd_block_out *b)
{
	struct mkd_block_entry *e;
	struct mkd_error *err;

	if (!mkd_array_reserve(&w->blocks, &w->blocks_cap, w->nblocks + 1,
			       sizeof(*w->blocks)))
		return fail(w, &mkd_enomem);
	e = &w->blocks[w->nblocks];
	e->offset = w->pos;
	e->length = (uint32_t)b->len;
	e->codec = b->fcodec;
	e->npages = (uint16_t)b->npages;
	err = put_record_sum(w, MKD_REC_BLOCK, b->fcodec, w->stats.blocks,
			     b->npages, b->payload, b->len, b->sum);
	if (err)
		return err;
	w->nblocks++;
	w->stats.blocks++;
	w->payload_bytes += b->len;
	return NULL;
}

/* Write the blocks of the oldest job in flight, in order. */
static struct mkd_error *retire_oldest(struct mkd_writer *w)
{
	struct mkd_block_job *job = mkd_pool_oldest(w->pool);
	struct mkd_error *err = NULL;
	uint32_t i;

	if (!job)
		return NULL;
	if (job->err) {
		err = fail(w, mkd_error_wrap(job->err, "compressing block %llu",
					     (unsigned long long)
					     (w->stats.blocks + job->nblocks - 1)));
		job->err = NULL;
	}
	for (i = 0; !err && i < job->nblocks; i++)
		err = write_block(w, &job->blocks[i]);
	mkd_pool_release(w->pool);
	return err;
}

static struct mkd_error *drain(struct mkd_writer *w)
{
	struct mkd_error *err = NULL;

	while (!err && mkd_pool_oldest(w->pool))
		err = retire_oldest(w);
	return err;
}

static struct mkd_error *submit_current(struct mkd_writer *w)
{
	struct mkd_block_job *job = w->cur;

	w->cur = NULL;
	if (job && job->npages)
		mkd_pool_submit(w->pool, job);
	return NULL;
}

static struct mkd_error *current_block(struct mkd_writer *w)
{
	struct mkd_error *err;

	while (!w->cur) {
		w->cur = mkd_pool_free_job(w->pool);
		if (w->cur)
			break;
		err = retire_oldest(w);
		if (err)
			return err;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Runs and checkpoints */

static struct mkd_error *push_run(struct mkd_writer *w, uint64_t pfn,
				  uint64_t count, uint8_t state,
				  uint8_t reason)
{
	struct mkd_run_entry *last = w->nruns ? &w->runs[w->nruns - 1] : NULL;

	while (count) {
		uint64_t add;

		if (last && last->state == state && last->reason == reason &&
		    last->pfn + last->count == pfn &&
		    last->count < MKD_MAX_RUN_PAGES) {
			add = MKD_MAX_RUN_PAGES - last->count;
			add = add < count ? add : count;
			last->count += (uint32_t)add;
		} else {
			if (!mkd_array_reserve(&w->runs, &w->runs_cap,
					       w->nruns + 1, sizeof(*w->runs)))
				return &mkd_enomem;
			add = count < MKD_MAX_RUN_PAGES ? count
							: MKD_MAX_RUN_PAGES;
			last = &w->runs[w->nruns++];
			last->pfn = pfn;
			last->count = (uint32_t)add;
			last->state = state;
			last->reason = reason;
		}
		pfn += add;
		count -= add;
	}
	w->stats.next_pfn = pfn;
	return NULL;
}

static uint8_t *encode_index(const struct mkd_writer *w,
			     const struct mkd_seg_head *sh, size_t len)
{
	uint8_t *buf = malloc(len), *p;
	size_t i;

	if (!buf)
		return NULL;
	mkd_seg_head_encode(sh, buf);
	p = buf + MKD_SEG_HEAD_SIZE;
	for (i = 0; i < w->nruns; i++, p += MKD_ENTRY_SIZE)
		mkd_run_encode(&w->runs[i], p);
	for (i = 0; i < w->nblocks; i++, p += MKD_ENTRY_SIZE)
		mkd_block_entry_encode(&w->blocks[i], p);
	for (i = 0; i < w->nsections; i++, p += MKD_ENTRY_SIZE)
		mkd_section_entry_encode(&w->sections[i], p);
	return buf;
}

static struct mkd_error *write_index(struct mkd_writer *w)
{
	struct mkd_seg_head sh = {
		.start_pfn = w->seg_start_pfn, .end_pfn = w->stats.next_pfn,
		.first_block = w->seg_first_block, .self_offset = w->pos,
		.nblocks = (uint32_t)w->nblocks, .nruns = (uint32_t)w->nruns,
		.nsections = (uint32_t)w->nsections,
	};
	size_t len = MKD_SEG_HEAD_SIZE +
		     MKD_ENTRY_SIZE * (w->nruns + w->nblocks + w->nsections);
	struct mkd_error *err;
	uint8_t *buf;

	if (!mkd_array_reserve(&w->dir, &w->dir_cap, w->ndir + 1,
			       sizeof(*w->dir)) ||
	    !(buf = encode_index(w, &sh, len)))
		return fail(w, &mkd_enomem);
	err = put_record(w, MKD_REC_INDEX, w->ndir, w->last_index, buf, len);
	free(buf);
	if (!err)
		err = out_flush(w);
	if (err)
		return err;
	w->dir[w->ndir++] = (struct mkd_dir_entry){
		sh.self_offset, sh.start_pfn, sh.end_pfn, sh.first_block,
		sh.nblocks, sh.nruns, len,
	};
	w->last_index = sh.self_offset;
	w->seg_start_pfn = sh.end_pfn;
	w->seg_first_block += w->nblocks;
	w->nruns = w->nblocks = 0;
	w->ckpt_pos = w->pos;
	w->stats.checkpoints++;
	return NULL;
}

static struct mkd_error *checkpoint(struct mkd_writer *w)
{
	struct mkd_error *err = submit_current(w);

	if (!err)
		err = drain(w);
	if (err)
		return err;
	if (!w->nruns && !w->nblocks && w->stats.next_pfn == w->seg_start_pfn)
		return NULL;	/* nothing new to describe */
	err = out_sync(w);
	return err ? err : write_index(w);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A checkpoint every interval bytes.  With MKD_WRITER_SYNC each one costs
 * an fdatasync(), which on a disk can take longer than writing the
 * interval: so unless the caller chose the interval, wait for a second
 * to pass since the last sync, or for SYNC_STRETCH intervals (the
 * header's checkpoint_bytes tells readers).
 */
static struct mkd_error *maybe_checkpoint(struct mkd_writer *w)
{
	uint64_t since = w->pos - w->ckpt_pos;
	struct mkd_error *err;
	double t;

	if (w->nruns >= MAX_PENDING_RUNS || w->nblocks >= MAX_PENDING_BLOCKS)
		return checkpoint(w);
	if (since < w->interval)
		return NULL;
	if (!w->stretch)
		return checkpoint(w);
	t = now();
	if (t - w->last_sync < SYNC_SPACING && since < w->h.checkpoint_bytes)
		return NULL;
	err = checkpoint(w);
	w->last_sync = now();
	return err;
}

/* ------------------------------------------------------------------ */
/* Pages */

static bool page_is_zero(const uint8_t *p, size_t len)
{
	static const uint8_t zero[8];

	/* Zero head, and every byte equal to the one 8 before it. */
	return !memcmp(p, zero, 8) && !memcmp(p, p + 8, len - 8);
}

static struct mkd_error *add_stored(struct mkd_writer *w, uint64_t pfn,
				    const uint8_t *page)
{
	size_t ps = w->h.page_size;
	struct mkd_error *err = current_block(w);

	if (!err)
		err = push_run(w, pfn, 1, MKD_FSTATE_STORED, 0);
	if (err)
		return err;
	memcpy(w->cur->raw + (size_t)w->cur->npages * ps, page, ps);
	w->cur->npages++;
	w->stats.pages[MKD_PAGE_PRESENT]++;
	w->stats.bytes_in += ps;
	if (w->cur->npages == w->cur->cap)
		return submit_current(w);
	return NULL;
}

static struct mkd_error *check_order(const struct mkd_writer *w,
				     uint64_t pfn, uint64_t count)
{
	uint64_t end;

	if (pfn < w->stats.next_pfn || mkd_add_overflows(pfn, count, &end))
		return mkd_error_create(MKD_ERR_INVALID,
					"'%s': pfn 0x%llx comes after pfn 0x%llx: pages must be given in order",
					w->name, (unsigned long long)pfn,
					(unsigned long long)w->stats.next_pfn);
	return NULL;
}

MKD_EXPORT struct mkd_error *
mkd_writer_add_pages(struct mkd_writer *w, uint64_t pfn, size_t n,
		     const void *data)
{
	size_t i, ps = w->h.page_size;
	struct mkd_error *err = usable(w);

	if (!err)
		err = check_order(w, pfn, n);
	if (!err)
		err = start(w);
	for (i = 0; !err && i < n; i++) {
		const uint8_t *page = (const uint8_t *)data + i * ps;

		if ((w->flags & MKD_WRITER_ZERO_PAGES) &&
		    page_is_zero(page, ps)) {
			err = push_run(w, pfn + i, 1, MKD_FSTATE_ZERO, 0);
			w->stats.pages[MKD_PAGE_ZERO]++;
		} else {
			err = add_stored(w, pfn + i, page);
		}
		if (!err)
			err = maybe_checkpoint(w);
	}
	return err;
}

MKD_EXPORT struct mkd_error *
mkd_writer_add_run(struct mkd_writer *w, uint64_t pfn, uint64_t count,
		   enum mkd_page_state state, enum mkd_filter_reason reason)
{
	static const uint8_t fstate[MKD_PAGE_STATE_COUNT] = {
		[MKD_PAGE_ZERO] = MKD_FSTATE_ZERO,
		[MKD_PAGE_FILTERED] = MKD_FSTATE_FILTERED,
		[MKD_PAGE_LOST] = MKD_FSTATE_LOST,
	};
	struct mkd_error *err = usable(w);

	if (!err)
		err = check_order(w, pfn, count);
	if (err)
		return err;
	if (state == MKD_PAGE_NOT_DUMPED) {
		w->stats.next_pfn = pfn + count;	/* a gap: not RAM */
		return NULL;
	}
	if ((unsigned)state >= MKD_PAGE_STATE_COUNT || !fstate[state] ||
	    (unsigned)reason >= MKD_FILTER_REASON_COUNT)
		return mkd_error_create(MKD_ERR_INVALID,
					"a run cannot be %s (reason %d)",
					mkd_page_state_name(state),
					(int)reason);
	err = start(w);
	if (state != MKD_PAGE_FILTERED)
		reason = MKD_FILTER_UNKNOWN;
	if (!err)
		err = push_run(w, pfn, count, fstate[state], (uint8_t)reason);
	if (err)
		return err;
	w->stats.pages[state] += count;
	if (state == MKD_PAGE_FILTERED)
		w->stats.filtered[reason] += count;
	return maybe_checkpoint(w);
}

/* ------------------------------------------------------------------ */
/* The end */

static struct mkd_error *write_summary(struct mkd_writer *w)
{
	struct mkd_summary s = {
		.stored = w->stats.pages[MKD_PAGE_PRESENT],
		.zero = w->stats.pages[MKD_PAGE_ZERO],
		.lost = w->stats.pages[MKD_PAGE_LOST],
		.blocks = w->stats.blocks,
		.bytes_raw = w->stats.bytes_in,
		.bytes_stored = w->payload_bytes,
	};
	uint8_t buf[MKD_SUMMARY_SIZE];
	size_t i;

	for (i = 0; i < MKD_FILTER_REASON_COUNT && i < 8; i++)
		s.filtered[i] = w->stats.filtered[i];
	mkd_summary_encode(&s, buf);
	return write_section(w, MKD_SECTION_SUMMARY, buf, sizeof(buf));
}

static struct mkd_error *write_end(struct mkd_writer *w)
{
	struct mkd_end_head eh = {
		.max_pfn = w->stats.next_pfn > w->ram_top_pfn ?
			   w->stats.next_pfn : w->ram_top_pfn,
		.nsegments = w->ndir, .nsections = w->nsections,
		.nblocks = w->stats.blocks,
	};
	size_t i, len = MKD_END_HEAD_SIZE + MKD_DIR_ENTRY_SIZE * w->ndir +
			MKD_ENTRY_SIZE * w->nsections;
	struct mkd_trailer t = { .end_offset = w->pos, .end_length = len,
				 .dump_id = w->h.dump_id };
	uint8_t *buf = malloc(len), *p, tail[MKD_TRAILER_SIZE];
	struct mkd_error *err;

	if (!buf)
		return fail(w, &mkd_enomem);
	mkd_end_head_encode(&eh, buf);
	p = buf + MKD_END_HEAD_SIZE;
	for (i = 0; i < w->ndir; i++, p += MKD_DIR_ENTRY_SIZE)
		mkd_dir_entry_encode(&w->dir[i], p);
	for (i = 0; i < w->nsections; i++, p += MKD_ENTRY_SIZE)
		mkd_section_entry_encode(&w->sections[i], p);
	err = put_record(w, MKD_REC_END, w->ndir, w->last_index, buf, len);
	free(buf);
	if (err)
		return err;
	t.file_size = w->pos + MKD_TRAILER_SIZE;
	mkd_trailer_encode(&t, tail);
	return out_put(w, tail, sizeof(tail));
}

MKD_EXPORT struct mkd_error *mkd_writer_finish(struct mkd_writer *w)
{
	struct mkd_error *err = usable(w);

	if (!err)
		err = start(w);
	if (!err)
		err = checkpoint(w);
	if (!err)
		err = write_summary(w);
	if (!err)
		err = write_end(w);
	if (!err)
		err = out_sync(w);
	if (err)
		return err;
	w->finished = true;
	return NULL;
}

MKD_EXPORT void mkd_writer_get_stats(const struct mkd_writer *w,
				     struct mkd_writer_stats *stats)
{
	*stats = w->stats;
	stats->bytes_out = w->pos;
}

/* ------------------------------------------------------------------ */
/* Creating */

static uint16_t machine_of(enum mkd_arch arch)
{
	switch (arch) {
	case MKD_ARCH_X86_64:
		return 62;
	case MKD_ARCH_X86:
		return 3;
	default:
		return 0;
	}
}

static uint64_t random_id(void)
{
	uint64_t id = 0;
	struct timespec ts;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) == sizeof(id))
		return id;
	/* No entropy yet (early in a capture kernel): unique is enough. */
	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^
	       ((uint64_t)getpid() << 48);
}

static struct mkd_error *check_options(const struct mkd_writer_options *o,
				       struct mkd_fheader *h,
				       enum mkd_codec *codec)
{
	struct mkd_error *err;

	h->page_size = o->page_size ? o->page_size : 4096;
	h->block_pages = o->block_pages ? o->block_pages : DEFAULT_BLOCK_PAGES;
	h->checkpoint_bytes = o->checkpoint_bytes ? o->checkpoint_bytes
						  : DEFAULT_CHECKPOINT;
	if (h->checkpoint_bytes > UINT64_MAX / SYNC_STRETCH)
		h->checkpoint_bytes = UINT64_MAX / SYNC_STRETCH;
	if (h->page_size < MKD_MIN_PAGE_SIZE ||
	    h->page_size > MKD_MAX_PAGE_SIZE ||
	    (h->page_size & (h->page_size - 1)))
		return mkd_error_create(MKD_ERR_INVALID, "bad page size %u",
					h->page_size);
	if (h->block_pages > MKD_MAX_BLOCK_PAGES ||
	    (uint64_t)h->block_pages * h->page_size > MKD_MAX_BLOCK_BYTES)
		return mkd_error_create(MKD_ERR_INVALID,
					"blocks of %u pages are over 16 MiB",
					h->block_pages);
	if (o->threads > MAX_THREADS)
		return mkd_error_create(MKD_ERR_INVALID,
					"%u threads is more than %d",
					o->threads, MAX_THREADS);
	err = mkd_codec_parse(o->codec ? o->codec : "zstd", codec);
	if (err)
		return err;
	h->codec = mkd_file_codec_from(*codec);
	h->machine = machine_of(o->arch);
	return NULL;
}

/*
 * Blocks handed to a worker at once: about BATCH_BYTES of pages, so that
 * waking a thread is cheap next to the work.  Without workers, one (the
 * file then grows block by block, and checkpoints come as often).
 */
static uint32_t batch_of(const struct mkd_fheader *h, uint32_t threads)
{
	uint64_t block = (uint64_t)h->block_pages * h->page_size;

	if (threads <= 1 || block >= BATCH_BYTES)
		return 1;
	return (uint32_t)(BATCH_BYTES / block);
}

static struct mkd_error *writer_init(struct mkd_writer *w,
				     const struct mkd_writer_options *o)
{
	uint8_t head[MKD_HEADER_SIZE];
	struct mkd_error *err;

	err = check_options(o, &w->h, &w->codec);
	if (err)
		return err;
	w->flags = o->flags;
	w->interval = w->h.checkpoint_bytes;
	w->stretch = (w->flags & MKD_WRITER_SYNC) && !o->checkpoint_bytes;
	if (w->stretch)
		w->h.checkpoint_bytes *= SYNC_STRETCH;
	w->last_sync = now();
	w->h.major = MKD_FILE_VERSION_MAJOR;
	w->h.minor = MKD_FILE_VERSION_MINOR;
	w->h.header_size = MKD_HEADER_SIZE;
	w->h.dump_id = random_id();
	w->h.checksum = MKD_CHECKSUM_XXH3;
	w->h.create_time = (int64_t)time(NULL);
	w->obuf = malloc(OBUF_SIZE);
	if (!w->obuf)
		return &mkd_enomem;
	err = mkd_pool_create(o->threads, w->codec, o->level, w->h.page_size,
			      w->h.block_pages, batch_of(&w->h, o->threads),
			      w->h.dump_id,
			      &w->pool);
	if (err)
		return err;
	mkd_fheader_encode(&w->h, head);
	err = out_put(w, head, sizeof(head));
	if (!err)
		err = out_flush(w);
	w->ckpt_pos = w->pos;
	return err;
}

MKD_EXPORT struct mkd_error *
mkd_writer_create(int fd, const char *name,
		  const struct mkd_writer_options *opts,
		  struct mkd_writer **ret)
{
	struct mkd_writer_options o = { 0 };
	struct mkd_writer *w;
	struct mkd_error *err;

	if (opts)
		memcpy(&o, opts, opts->size && opts->size < sizeof(o) ?
				 opts->size : sizeof(o));
	w = calloc(1, sizeof(*w));
	if (!w)
		return &mkd_enomem;
	w->fd = fd;
	w->name = strdup(name ? name : "(fd)");
	err = w->name ? writer_init(w, &o) : &mkd_enomem;
	if (err) {
		mkd_writer_destroy(w);
		return err;
	}
	*ret = w;
	return NULL;
}

MKD_EXPORT void mkd_writer_destroy(struct mkd_writer *w)
{
	if (!w)
		return;
	mkd_pool_destroy(w->pool);
	free(w->name);
	free(w->fail_msg);
	free(w->obuf);
	free(w->info);
	free(w->runs);
	free(w->blocks);
	free(w->sections);
	free(w->dir);
	free(w);
}
