// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * log-prb.c - the kernel log of Linux 5.10 and later: the lockless printk
 * ring buffer (kernel/printk/printk_ringbuffer.[ch]), read with nothing
 * but the layout that vmcoreinfo exports.
 *
 * The buffer is three arrays: descriptors (an id with a state, and where
 * the record's text block lies), infos (seq, time, text length, level)
 * and a byte ring of text blocks.  A record's id picks its slot (id modulo
 * the count); live ids run from tail_id to head_id, oldest first.  Text
 * positions ("lpos") count bytes since boot: the low bits index the ring,
 * the high bits count its wraps.  A text block starts with its record's
 * id; a block that would cross the end of the ring is stored whole at its
 * start instead (a "wrapped" block: begin and next in different wraps).
 *
 * Invariants: no size read from the dump is allocated or looped over
 * without a cap; a record whose pieces are missing or damaged is skipped
 * and counted, and only a damaged ring as a whole fails the walk.
 */
#include <stdlib.h>

#include "log.h"
#include "vwindow.h"

/* Descriptor state: the top two bits of state_var, the id below. */
#define DESC_STATE_SHIFT 62
#define DESC_ID_MASK ((1ULL << DESC_STATE_SHIFT) - 1)
enum desc_state {
	DESC_RESERVED = 0,	/* being written */
	DESC_COMMITTED = 1,	/* written, may still be extended */
	DESC_FINALIZED = 2,	/* written for good */
	DESC_REUSABLE = 3,	/* free */
};

/* Special lpos values: bit 0 set means the record has no text block. */
#define LPOS_NO_DATA 0x1ULL	/* FAILED_LPOS: the text was lost */
#define LPOS_EMPTY 0x3ULL	/* NO_LPOS: the text is empty */
#define BLOCK_ID_SIZE 8

/*
 * Caps: CONFIG_LOG_BUF_SHIFT is at most 25 and log_buf_len= at most 2 GiB
 * (LOG_BUF_LEN_MAX); there is one descriptor per 32 bytes of text.
 */
#define MAX_SIZE_BITS 31
#define MAX_COUNT_BITS 26
#define MAX_STRUCT_SIZE 4096
#define TEXT_MAX 0xffff			/* printk_info.text_len is a u16 */
#define WINDOW_BYTES (64 * 1024)	/* per array, per chunk */

/* Offsets and sizes from vmcoreinfo, as needed to read the buffer. */
struct prb_layout {
	uint64_t rb_size, desc_ring, text_data_ring;	/* printk_ringbuffer */
	uint64_t count_bits, descs, infos, head_id, tail_id; /* prb_desc_ring */
	uint64_t desc_size, state_var, text_blk_lpos;	/* prb_desc */
	uint64_t lpos_begin, lpos_next;			/* prb_data_blk_lpos */
	uint64_t info_size, seq, ts_nsec, text_len, caller_id; /* printk_info */
	uint64_t size_bits, data;			/* prb_data_ring */
};

typedef struct mkd_error *layout_getter(const struct mkd_dump *dump,
					const char *name, uint64_t *value);

static const struct layout_key {
	layout_getter *get;
	const char *name;
	size_t field;
} layout_keys[] = {
#define SIZE(name, field) { mkd_vmcoreinfo_size, name, \
	offsetof(struct prb_layout, field) }
#define OFF(name, field) { mkd_vmcoreinfo_offset, name, \
	offsetof(struct prb_layout, field) }
	SIZE("printk_ringbuffer", rb_size),
	OFF("printk_ringbuffer.desc_ring", desc_ring),
	OFF("printk_ringbuffer.text_data_ring", text_data_ring),
	OFF("prb_desc_ring.count_bits", count_bits),
	OFF("prb_desc_ring.descs", descs),
	OFF("prb_desc_ring.infos", infos),
	OFF("prb_desc_ring.head_id", head_id),
	OFF("prb_desc_ring.tail_id", tail_id),
	SIZE("prb_desc", desc_size),
	OFF("prb_desc.state_var", state_var),
	OFF("prb_desc.text_blk_lpos", text_blk_lpos),
	OFF("prb_data_blk_lpos.begin", lpos_begin),
	OFF("prb_data_blk_lpos.next", lpos_next),
	SIZE("printk_info", info_size),
	OFF("printk_info.seq", seq),
	OFF("printk_info.ts_nsec", ts_nsec),
	OFF("printk_info.text_len", text_len),
	OFF("printk_info.caller_id", caller_id),
	OFF("prb_data_ring.size_bits", size_bits),
	OFF("prb_data_ring.data", data),
#undef SIZE
#undef OFF
};

/* The ring buffer as found in the dump. */
struct prb {
	struct prb_layout l;
	uint64_t descs, infos;		/* array addresses */
	uint64_t count;			/* descriptors, a power of two */
	uint64_t head_id, tail_id;
	uint64_t data;			/* text ring address */
	unsigned size_bits;
	uint64_t data_size;		/* bytes, a power of two */
};

/* field + width must fit in a struct of size bytes. */
static bool fits(uint64_t field, uint64_t width, uint64_t size)
{
	return field <= size && width <= size - field;
}

/* Every field we read lies inside its struct, every struct is sane. */
static bool layout_is_sane(const struct prb_layout *l)
{
	uint64_t lpos = l->text_blk_lpos;

	if (!l->rb_size || l->rb_size > MAX_STRUCT_SIZE ||
	    !l->desc_size || l->desc_size > MAX_STRUCT_SIZE ||
	    !l->info_size || l->info_size > MAX_STRUCT_SIZE)
		return false;
	return fits(l->desc_ring + l->count_bits, 4, l->rb_size) &&
	       fits(l->desc_ring + l->descs, 8, l->rb_size) &&
	       fits(l->desc_ring + l->infos, 8, l->rb_size) &&
	       fits(l->desc_ring + l->head_id, 8, l->rb_size) &&
	       fits(l->desc_ring + l->tail_id, 8, l->rb_size) &&
	       fits(l->text_data_ring + l->size_bits, 4, l->rb_size) &&
	       fits(l->text_data_ring + l->data, 8, l->rb_size) &&
	       fits(l->state_var, 8, l->desc_size) &&
	       fits(lpos + l->lpos_begin, 8, l->desc_size) &&
	       fits(lpos + l->lpos_next, 8, l->desc_size) &&
	       fits(l->seq, 8, l->info_size) &&
	       fits(l->ts_nsec, 8, l->info_size) &&
	       /* text_len, then facility, then flags:5 level:3 */
	       fits(l->text_len, 4, l->info_size) &&
	       fits(l->caller_id, 4, l->info_size);
}

static struct mkd_error *read_layout(const struct mkd_dump *dump,
				     struct prb_layout *l)
{
	size_t i;

	for (i = 0; i < sizeof(layout_keys) / sizeof(layout_keys[0]); i++) {
		const struct layout_key *k = &layout_keys[i];
		struct mkd_error *err;

		err = k->get(dump, k->name, (uint64_t *)((char *)l + k->field));
		if (err)
			return err;
	}
	if (!layout_is_sane(l))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"vmcoreinfo gives an impossible printk ring buffer layout");
	return NULL;
}

static struct mkd_error *read_u64(struct mkd_dump *dump, uint64_t vaddr,
				  uint64_t *value)
{
	uint8_t raw[8];
	struct mkd_error *err = mkd_read_virt(dump, vaddr, raw, 8, NULL);

	if (!err)
		*value = mkd_le64(raw);
	return err;
}

static struct mkd_error *read_u32(struct mkd_dump *dump, uint64_t vaddr,
				  uint64_t *value)
{
	uint8_t raw[4];
	struct mkd_error *err = mkd_read_virt(dump, vaddr, raw, 4, NULL);

	if (!err)
		*value = mkd_le32(raw);
	return err;
}

/* The fields of struct printk_ringbuffer at rb that the walk needs. */
static struct mkd_error *read_ring_header(struct mkd_dump *dump,
					  uint64_t rb, struct prb *r)
{
	const struct prb_layout *l = &r->l;
	uint64_t dr = rb + l->desc_ring, tr = rb + l->text_data_ring;
	uint64_t count_bits = 0, size_bits = 0;
	struct mkd_error *err;

	err = read_u32(dump, dr + l->count_bits, &count_bits);
	if (!err)
		err = read_u64(dump, dr + l->descs, &r->descs);
	if (!err)
		err = read_u64(dump, dr + l->infos, &r->infos);
	if (!err)
		err = read_u64(dump, dr + l->head_id, &r->head_id);
	if (!err)
		err = read_u64(dump, dr + l->tail_id, &r->tail_id);
	if (!err)
		err = read_u32(dump, tr + l->size_bits, &size_bits);
	if (!err)
		err = read_u64(dump, tr + l->data, &r->data);
	if (err)
		return err;
	if (count_bits > MAX_COUNT_BITS || size_bits > MAX_SIZE_BITS ||
	    size_bits < 3)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"impossible ring sizes: 2^%llu descriptors, 2^%llu bytes of text",
					(unsigned long long)count_bits,
					(unsigned long long)size_bits);
	r->count = 1ULL << count_bits;
	r->size_bits = (unsigned)size_bits;
	r->data_size = 1ULL << size_bits;
	r->head_id &= DESC_ID_MASK;
	r->tail_id &= DESC_ID_MASK;
	return NULL;
}

/* An array the walk reads must be mapped, at least at both ends. */
static struct mkd_error *check_array(struct mkd_dump *dump, const char *what,
				     uint64_t start, uint64_t len)
{
	uint64_t last, pa;
	struct mkd_error *err;

	if (mkd_add_overflows(start, len - 1, &last))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"the %s at 0x%llx runs past the end of memory",
					what, (unsigned long long)start);
	err = mkd_vtop(dump, start, &pa);
	if (!err)
		err = mkd_vtop(dump, last, &pa);
	if (err && mkd_error_code(err) == MKD_ERR_NO_TRANSLATION) {
		struct mkd_error *bad;

		bad = mkd_error_create(MKD_ERR_CORRUPT,
				       "the %s at 0x%llx is not mapped: %s",
				       what, (unsigned long long)start,
				       mkd_error_message(err));
		mkd_error_destroy(err);
		return bad;
	}
	/* Unreadable page tables only cost the records behind them. */
	mkd_error_destroy(err);
	return NULL;
}

static struct mkd_error *ring_open(struct mkd_dump *dump, struct prb *r)
{
	struct mkd_error *err;
	uint64_t prb, rb;

	memset(r, 0, sizeof(*r));
	err = read_layout(dump, &r->l);
	if (!err)
		err = mkd_vmcoreinfo_symbol(dump, "prb", &prb);
	if (err)
		return err;
	/* SYMBOL(prb) is the pointer variable; it points to the buffer. */
	err = read_u64(dump, prb, &rb);
	if (!err)
		err = read_ring_header(dump, rb, r);
	if (err)
		return mkd_error_wrap(err, "printk ring buffer (prb at 0x%llx)",
				      (unsigned long long)prb);
	if (((r->head_id - r->tail_id) & DESC_ID_MASK) >= r->count)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"printk ring buffer ids %llu..%llu do not fit its %llu descriptors",
					(unsigned long long)r->tail_id,
					(unsigned long long)r->head_id,
					(unsigned long long)r->count);
	err = check_array(dump, "descriptor array", r->descs,
			  r->count * r->l.desc_size);
	if (!err)
		err = check_array(dump, "info array", r->infos,
				  r->count * r->l.info_size);
	if (!err)
		err = check_array(dump, "text ring", r->data, r->data_size);
	return err;
}

/* ------------------------------------------------------------------ */
/* Text blocks */

enum block_kind {
	BLOCK_TEXT,	/* text at *off, at most *size bytes */
	BLOCK_EMPTY,	/* a record with no text */
	BLOCK_LOST,	/* the kernel could not store the text */
	BLOCK_BAD,	/* positions that make no sense */
};

static uint64_t lpos_wraps(const struct prb *r, uint64_t lpos)
{
	return lpos >> r->size_bits;
}

/*
 * Where the block of [begin, next) lies in the text ring: *off is the
 * ring offset of the block (its id first), *size its length.
 */
static enum block_kind locate_block(const struct prb *r, uint64_t begin,
				    uint64_t next, uint64_t *off,
				    uint64_t *size)
{
	if ((begin & 1) && (next & 1))
		return begin == LPOS_EMPTY && next == LPOS_EMPTY ? BLOCK_EMPTY
								 : BLOCK_LOST;
	if (lpos_wraps(r, begin) == lpos_wraps(r, next) && begin < next) {
		*off = begin & (r->data_size - 1);
		*size = next - begin;
	} else if (lpos_wraps(r, begin + r->data_size) ==
		   lpos_wraps(r, next)) {
		/* Wrapped: stored whole at the start of the ring. */
		*off = 0;
		*size = next & (r->data_size - 1);
	} else {
		return BLOCK_BAD;
	}
	if ((begin | next) & (BLOCK_ID_SIZE - 1) || *size < BLOCK_ID_SIZE ||
	    *size > r->data_size - *off)
		return BLOCK_BAD;
	return BLOCK_TEXT;
}

/* ------------------------------------------------------------------ */
/* The walk */

struct prb_walk {
	struct mkd_dump *dump;
	const struct prb *r;
	struct mkd_log_walk *log;
	struct mkd_vwindow descs, infos;
	uint8_t *block;		/* a block id and up to TEXT_MAX bytes */
};

/*
 * Read rec's text from its block; false if the record is to be skipped
 * (*missing says whether to count it).
 */
static bool read_text(struct prb_walk *w, uint64_t id, uint64_t begin,
		      uint64_t next, struct mkd_log_record *rec, bool *missing)
{
	const struct prb *r = w->r;
	uint64_t off = 0, size = 0;
	struct mkd_error *err;

	*missing = false;
	switch (locate_block(r, begin, next, &off, &size)) {
	case BLOCK_EMPTY:
		rec->text = "";
		rec->text_len = 0;
		return true;
	case BLOCK_LOST:
		return false;
	case BLOCK_BAD:
		*missing = true;
		return false;
	case BLOCK_TEXT:
		break;
	}
	/* A text_len larger than the block is cut to the block. */
	if (rec->text_len > size - BLOCK_ID_SIZE)
		rec->text_len = (size_t)(size - BLOCK_ID_SIZE);
	err = mkd_read_virt(w->dump, r->data + off, w->block,
			    BLOCK_ID_SIZE + rec->text_len, NULL);
	/* A block that names another record was overwritten. */
	if (err || (mkd_le64(w->block) & DESC_ID_MASK) != id) {
		mkd_error_destroy(err);
		*missing = true;
		return false;
	}
	rec->text = (const char *)w->block + BLOCK_ID_SIZE;
	return true;
}

static void fill_info(const struct prb_layout *l, const uint8_t *info,
		      struct mkd_log_record *rec)
{
	const uint8_t *tl = info + l->text_len;

	rec->seq = mkd_le64(info + l->seq);
	rec->ts_nsec = mkd_le64(info + l->ts_nsec);
	rec->text_len = mkd_le16(tl);
	/*
	 * vmcoreinfo has no offsets for facility and the flags:5 level:3
	 * bit-field; they follow text_len (as they have since 5.10).
	 */
	rec->facility = tl[2];
	rec->flags = tl[3] & 0x1f;
	rec->level = tl[3] >> 5;
	rec->caller_id = mkd_le32(info + l->caller_id);
}

/* Hand the record with this id to the caller, or skip it. */
static void visit(struct prb_walk *w, uint64_t id)
{
	const struct prb *r = w->r;
	const struct prb_layout *l = &r->l;
	uint64_t slot = id & (r->count - 1), sv, lpos;
	const uint8_t *desc, *info;
	struct mkd_log_record rec;
	bool missing;

	desc = mkd_vwindow_get(&w->descs, r->descs + slot * l->desc_size,
			       l->desc_size);
	info = mkd_vwindow_get(&w->infos, r->infos + slot * l->info_size,
			       l->info_size);
	if (!desc || !info) {
		w->log->skipped++;
		return;
	}
	sv = mkd_le64(desc + l->state_var);
	/* Another id in the slot: this record is gone (or not yet there). */
	if ((sv & DESC_ID_MASK) != id)
		return;
	if (sv >> DESC_STATE_SHIFT != DESC_COMMITTED &&
	    sv >> DESC_STATE_SHIFT != DESC_FINALIZED)
		return;
	memset(&rec, 0, sizeof(rec));
	fill_info(l, info, &rec);
	lpos = l->text_blk_lpos;
	if (!read_text(w, id, mkd_le64(desc + lpos + l->lpos_begin),
		       mkd_le64(desc + lpos + l->lpos_next), &rec, &missing)) {
		w->log->skipped += missing;
		return;
	}
	mkd_log_emit(w->log, &rec);
}

/* Records [first, first + n), all in one run of slots. */
static struct mkd_error *walk_chunk(struct prb_walk *w, uint64_t first,
				    uint64_t n)
{
	const struct prb *r = w->r;
	uint64_t slot = first & (r->count - 1), i;
	struct mkd_error *err;

	err = mkd_vwindow_load(&w->descs, w->dump,
			       r->descs + slot * r->l.desc_size,
			       (size_t)(n * r->l.desc_size));
	if (!err)
		err = mkd_vwindow_load(&w->infos, w->dump,
				       r->infos + slot * r->l.info_size,
				       (size_t)(n * r->l.info_size));
	for (i = 0; !err && i < n && !w->log->stopped; i++)
		visit(w, (first + i) & DESC_ID_MASK);
	return err;
}

static struct mkd_error *walk_ring(struct prb_walk *w)
{
	const struct prb *r = w->r;
	uint64_t total = ((r->head_id - r->tail_id) & DESC_ID_MASK) + 1;
	uint64_t per_chunk, done = 0;
	struct mkd_error *err = NULL;

	per_chunk = WINDOW_BYTES / (r->l.desc_size > r->l.info_size ?
				    r->l.desc_size : r->l.info_size);
	while (!err && done < total && !w->log->stopped) {
		uint64_t first = (r->tail_id + done) & DESC_ID_MASK;
		uint64_t slot = first & (r->count - 1);
		uint64_t n = total - done;

		/* Chunks stop at the end of the arrays. */
		if (n > r->count - slot)
			n = r->count - slot;
		if (n > per_chunk)
			n = per_chunk;
		err = walk_chunk(w, first, n);
		done += n;
	}
	return err;
}

struct mkd_error *mkd_log_prb_walk(struct mkd_dump *dump,
				   struct mkd_log_walk *log)
{
	struct prb_walk w = { .dump = dump, .log = log };
	struct mkd_error *err;
	struct prb r;

	err = ring_open(dump, &r);
	if (err)
		return err;
	w.r = &r;
	err = mkd_vwindow_init(&w.descs, dump, WINDOW_BYTES);
	if (err)
		return err;
	err = mkd_vwindow_init(&w.infos, dump, WINDOW_BYTES);
	if (err)
		goto out_descs;
	w.block = malloc(BLOCK_ID_SIZE + TEXT_MAX);
	if (!w.block) {
		err = &mkd_enomem;
		goto out_infos;
	}
	err = walk_ring(&w);
	free(w.block);
out_infos:
	mkd_vwindow_deinit(&w.infos);
out_descs:
	mkd_vwindow_deinit(&w.descs);
	return err;
}
