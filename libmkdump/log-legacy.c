// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * log-legacy.c - the kernel log of Linux 3.11 to 5.9: records of struct
 * printk_log packed one after the other in log_buf, oldest at
 * log_first_idx, the next to write at log_next_idx.  Each record is a
 * header, its text and dictionary, padded; a header with len 0 means
 * "continue at the start of the buffer".
 *
 * The buffer has no sequence numbers for us (log_first_seq is not in
 * vmcoreinfo): records are numbered from 0, oldest first.  A record
 * whose text is missing from the dump is skipped and counted; one whose
 * header is missing or impossible ends the walk with an error, as the
 * records after it cannot be found.
 */
#include <stdlib.h>

#include "log.h"

#define TEXT_MAX 0xffff			/* text_len is a u16 */
#define MAX_BUF_LEN (1ULL << 31)	/* LOG_BUF_LEN_MAX */
#define MAX_HEADER 256

struct legacy_layout {
	uint64_t size, ts_nsec, len, text_len, dict_len, caller_id;
	bool has_caller;
};

struct legacy {
	struct legacy_layout l;
	uint64_t buf, buf_len, first, next;
};

static struct mkd_error *read_layout(const struct mkd_dump *dump,
				     struct legacy_layout *l)
{
	struct mkd_error *err;

	err = mkd_vmcoreinfo_size(dump, "printk_log", &l->size);
	if (!err)
		err = mkd_vmcoreinfo_offset(dump, "printk_log.ts_nsec",
					    &l->ts_nsec);
	if (!err)
		err = mkd_vmcoreinfo_offset(dump, "printk_log.len", &l->len);
	if (!err)
		err = mkd_vmcoreinfo_offset(dump, "printk_log.text_len",
					    &l->text_len);
	if (!err)
		err = mkd_vmcoreinfo_offset(dump, "printk_log.dict_len",
					    &l->dict_len);
	if (err)
		return err;
	/* caller_id exists with CONFIG_PRINTK_CALLER (5.1 and later). */
	err = mkd_vmcoreinfo_offset(dump, "printk_log.caller_id",
				    &l->caller_id);
	l->has_caller = !err;
	if (err && mkd_error_code(err) != MKD_ERR_NOT_FOUND)
		return err;
	mkd_error_destroy(err);
	/* dict_len is followed by facility and the flags:5 level:3 byte. */
	if (!l->size || l->size > MAX_HEADER || l->ts_nsec > l->size - 8 ||
	    l->len > l->size - 2 || l->text_len > l->size - 2 ||
	    l->dict_len > l->size - 4 ||
	    (l->has_caller && l->caller_id > l->size - 4))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"vmcoreinfo gives an impossible printk_log layout");
	return NULL;
}

static struct mkd_error *read_uint(struct mkd_dump *dump, const char *sym,
				   size_t width, uint64_t *value)
{
	uint8_t raw[8];
	struct mkd_error *err;
	uint64_t addr;

	err = mkd_vmcoreinfo_symbol(dump, sym, &addr);
	if (!err)
		err = mkd_read_virt(dump, addr, raw, width, NULL);
	if (err)
		return mkd_error_wrap(err, "%s", sym);
	*value = width == 8 ? mkd_le64(raw) : mkd_le32(raw);
	return NULL;
}

static struct mkd_error *legacy_open(struct mkd_dump *dump, struct legacy *g)
{
	struct mkd_error *err;

	memset(g, 0, sizeof(*g));
	err = read_layout(dump, &g->l);
	/* SYMBOL(log_buf) is the pointer variable; it points to the text. */
	if (!err)
		err = read_uint(dump, "log_buf", 8, &g->buf);
	if (!err)
		err = read_uint(dump, "log_buf_len", 4, &g->buf_len);
	if (!err)
		err = read_uint(dump, "log_first_idx", 4, &g->first);
	if (!err)
		err = read_uint(dump, "log_next_idx", 4, &g->next);
	if (err)
		return err;
	if (g->buf_len < g->l.size || g->buf_len > MAX_BUF_LEN ||
	    g->first > g->buf_len - g->l.size ||
	    g->next > g->buf_len - g->l.size)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"log_buf of %llu bytes with records from %llu to %llu is impossible",
					(unsigned long long)g->buf_len,
					(unsigned long long)g->first,
					(unsigned long long)g->next);
	return NULL;
}

/* The header at idx; *len is the record's length, 0 for "wrap". */
static struct mkd_error *read_header(struct mkd_dump *dump,
				     const struct legacy *g, uint64_t idx,
				     uint8_t *hdr, uint64_t *len)
{
	struct mkd_error *err;

	if (idx > g->buf_len - g->l.size)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"log_buf record at %llu runs past the buffer's end",
					(unsigned long long)idx);
	err = mkd_read_virt(dump, g->buf + idx, hdr, g->l.size, NULL);
	if (err)
		return mkd_error_wrap(err, "log_buf record at %llu",
				      (unsigned long long)idx);
	*len = mkd_le16(hdr + g->l.len);
	if (*len && (*len < g->l.size || *len > g->buf_len - idx))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"log_buf record at %llu has impossible length %llu",
					(unsigned long long)idx,
					(unsigned long long)*len);
	return NULL;
}

static void emit(struct mkd_dump *dump, const struct legacy *g,
		 struct mkd_log_walk *walk, uint64_t idx, const uint8_t *hdr,
		 uint64_t len, uint64_t seq, char *text)
{
	const struct legacy_layout *l = &g->l;
	const uint8_t *dl = hdr + l->dict_len;
	struct mkd_log_record rec = {
		.seq = seq,
		.ts_nsec = mkd_le64(hdr + l->ts_nsec),
		.facility = dl[2],
		.flags = dl[3] & 0x1f,
		.level = dl[3] >> 5,
		.caller_id = l->has_caller ? mkd_le32(hdr + l->caller_id) : 0,
		.text = text,
		.text_len = mkd_le16(hdr + l->text_len),
	};
	struct mkd_error *err;

	/* The text lies within the record; a longer text_len is cut. */
	if (rec.text_len > len - l->size)
		rec.text_len = (size_t)(len - l->size);
	err = mkd_read_virt(dump, g->buf + idx + l->size, text, rec.text_len,
			    NULL);
	if (err) {
		mkd_error_destroy(err);
		walk->skipped++;
		return;
	}
	mkd_log_emit(walk, &rec);
}

static struct mkd_error *walk_records(struct mkd_dump *dump,
				      const struct legacy *g,
				      struct mkd_log_walk *walk, char *text)
{
	uint64_t idx, seq = 0, steps, len = 0;
	uint8_t hdr[MAX_HEADER];
	struct mkd_error *err;

	/* Each step eats a header at least, or wraps. */
	for (idx = g->first, steps = 0; idx != g->next && !walk->stopped;
	     steps++) {
		if (steps > 2 * (g->buf_len / g->l.size) + 2)
			return mkd_error_create(MKD_ERR_CORRUPT,
						"log_buf records do not lead from %llu to %llu",
						(unsigned long long)g->first,
						(unsigned long long)g->next);
		err = read_header(dump, g, idx, hdr, &len);
		if (err)
			return err;
		if (!len) {
			idx = 0;
			continue;
		}
		emit(dump, g, walk, idx, hdr, len, seq++, text);
		idx += len;
	}
	return NULL;
}

struct mkd_error *mkd_log_legacy_walk(struct mkd_dump *dump,
				      struct mkd_log_walk *walk)
{
	struct mkd_error *err;
	struct legacy g;
	char *text;

	err = legacy_open(dump, &g);
	if (err)
		return err;
	text = malloc(TEXT_MAX);
	if (!text)
		return &mkd_enomem;
	err = walk_records(dump, &g, walk, text);
	free(text);
	return err;
}
