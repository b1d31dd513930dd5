// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mkd-set.c - the mkd format as libmkdump sees it: one file, or the parts
 * of a split set (`mkdumpctl split`) opened together as one dump.
 *
 * Each part is a whole mkd file (mkd.c reads it) with a SPLIT section
 * naming its set, its place and the pfn ranges of every part, so the
 * files may be given in any order and a missing part is known exactly: its
 * RAM pages are lost and the dump incomplete.  Files of different sets,
 * two copies of one part, or a whole dump among parts are refused.  The
 * metadata sections (vmcoreinfo, notes, RAM map, capture) are the same in
 * every part; they are taken from the first file given.
 */
#include <stdlib.h>

#include "mkd-reader.h"

struct mkd_set {
	struct mkd_reader **files;	/* as given */
	size_t nfiles;
	struct mkd_reader **by_part;	/* [nparts]: the part's file or NULL */
};

static bool mkd_probe(const struct mkd_probe *p)
{
	return p->head_len >= 8 && !memcmp(p->head, MKD_FILE_MAGIC, 8);
}

/* Do a and b describe the same set (b being another part of it)? */
static struct mkd_error *same_set(const struct mkd_reader *a,
				  const struct mkd_reader *b)
{
	const struct mkd_split_head *x = &a->split, *y = &b->split;
	uint32_t i;

	if (!b->has_split)
		return mkd_error_create(MKD_ERR_INVALID,
					"'%s' is a whole dump, not part of a split set",
					b->f->name);
	if (x->set_id != y->set_id)
		return mkd_error_create(MKD_ERR_INVALID,
					"'%s' and '%s' are parts of different split sets (%016llx, %016llx)",
					a->f->name, b->f->name,
					(unsigned long long)x->set_id,
					(unsigned long long)y->set_id);
	if (x->count != y->count || x->max_pfn != y->max_pfn ||
	    a->h.page_size != b->h.page_size)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"'%s' and '%s' disagree about their split set",
					a->f->name, b->f->name);
	for (i = 0; i < x->count; i++)
		if (a->parts[i].start_pfn != b->parts[i].start_pfn ||
		    a->parts[i].end_pfn != b->parts[i].end_pfn)
			return mkd_error_create(MKD_ERR_CORRUPT,
						"'%s' and '%s' disagree about the range of part %u",
						a->f->name, b->f->name, i + 1);
	return NULL;
}

/* Every file a part of one set, each part at most once. */
static struct mkd_error *check_set(struct mkd_dump *dump, struct mkd_set *set)
{
	const struct mkd_reader *first = set->files[0];
	uint32_t count = first->split.count, i;
	struct mkd_error *err;
	size_t f;

	if (!first->has_split)
		return same_set(set->files[1], first);
	set->by_part = calloc(count, sizeof(*set->by_part));
	dump->parts = calloc(count, sizeof(*dump->parts));
	if (!set->by_part || !dump->parts)
		return &mkd_enomem;
	for (f = 0; f < set->nfiles; f++) {
		struct mkd_reader *r = set->files[f];

		err = f ? same_set(first, r) : NULL;
		if (err)
			return err;
		if (set->by_part[r->split.index])
			return mkd_error_create(MKD_ERR_INVALID,
						"'%s' and '%s' are both part %u of the set",
						set->by_part[r->split.index]->f->name,
						r->f->name, r->split.index + 1);
		set->by_part[r->split.index] = r;
	}
	for (i = 0; i < count; i++) {
		dump->parts[i] = first->parts[i];
		dump->parts[i].path = set->by_part[i] ?
				      set->by_part[i]->f->name : NULL;
		if (!set->by_part[i] || set->by_part[i]->incomplete)
			dump->incomplete = true;
	}
	dump->nparts = count;
	dump->set_id = first->split.set_id;
	dump->max_pfn = first->split.max_pfn;
	return NULL;
}

static struct mkd_error *mkd_set_open(struct mkd_dump *dump)
{
	struct mkd_set *set = calloc(1, sizeof(*set));
	struct mkd_error *err = NULL;
	struct mkd_reader *r;
	size_t i;

	if (!set)
		return &mkd_enomem;
	dump->priv = set;
	if (dump->nfiles > MKD_MAX_PARTS)
		return mkd_error_create(MKD_ERR_INVALID,
					"%zu files: more parts than a split set has",
					dump->nfiles);
	set->files = calloc(dump->nfiles, sizeof(*set->files));
	if (!set->files)
		return &mkd_enomem;
	set->nfiles = dump->nfiles;
	for (i = 0; !err && i < set->nfiles; i++)
		err = mkd_reader_open(dump, dump->files[i], i == 0,
				      &set->files[i]);
	if (err)
		return err;
	r = set->files[0];
	dump->page_size = r->h.page_size;
	dump->arch = r->h.machine == 62 ? MKD_ARCH_X86_64 : MKD_ARCH_UNKNOWN;
	if (set->nfiles > 1 || r->has_split)
		return check_set(dump, set);
	dump->max_pfn = r->max_pfn;
	dump->incomplete = r->incomplete;
	return NULL;
}

/* The part holding pfn (< max_pfn). */
static size_t part_find(const struct mkd_dump *dump, uint64_t pfn)
{
	size_t lo = 0, hi = dump->nparts;

	while (lo + 1 < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (dump->parts[mid].start_pfn <= pfn)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* In a part not given, pages in RAM are lost and the rest not RAM. */
static void missing_run(const struct mkd_dump *dump, uint64_t pfn,
			uint64_t end, struct mkd_page_run *run)
{
	uint64_t ps = dump->page_size, addr = pfn * ps;
	size_t i;

	run->state = MKD_PAGE_NOT_DUMPED;
	run->count = end - pfn;
	for (i = 0; i < dump->nram; i++) {
		const struct mkd_range *m = &dump->ram[i];

		if (m->end <= addr)
			continue;
		if (m->start < addr + ps) {
			run->state = MKD_PAGE_LOST;
			if ((m->end + ps - 1) / ps < end)
				run->count = (m->end + ps - 1) / ps - pfn;
		} else if (m->start / ps < end) {
			run->count = m->start / ps - pfn;
		}
		return;
	}
}

static struct mkd_error *mkd_set_page_state(struct mkd_dump *dump,
					    uint64_t pfn,
					    struct mkd_page_run *run)
{
	struct mkd_set *set = dump->priv;
	const struct mkd_part *p;
	struct mkd_error *err;
	size_t k;

	if (!dump->nparts)
		return mkd_reader_page_state(dump, set->files[0], pfn, run);
	if (pfn >= dump->max_pfn) {
		run->state = MKD_PAGE_NOT_DUMPED;
		run->count = 1;
		return NULL;
	}
	k = part_find(dump, pfn);
	p = &dump->parts[k];
	if (!set->by_part[k]) {
		missing_run(dump, pfn, p->end_pfn, run);
		return NULL;
	}
	err = mkd_reader_page_state(dump, set->by_part[k], pfn, run);
	if (!err && run->count > p->end_pfn - pfn)
		run->count = p->end_pfn - pfn;
	return err;
}

static struct mkd_error *mkd_set_read_page(struct mkd_dump *dump,
					   uint64_t pfn, void *buf)
{
	struct mkd_set *set = dump->priv;
	size_t k;

	if (!dump->nparts)
		return mkd_reader_read_page(dump, set->files[0], pfn, buf);
	if (pfn >= dump->max_pfn)
		return mkd_error_at(MKD_ERR_NO_DATA, pfn * dump->page_size,
				    "pfn 0x%llx is not in the dump",
				    (unsigned long long)pfn);
	k = part_find(dump, pfn);
	if (!set->by_part[k])
		return mkd_error_at(MKD_ERR_NO_DATA, pfn * dump->page_size,
				    "pfn 0x%llx is in part %zu of the split set, which was not given",
				    (unsigned long long)pfn, k + 1);
	return mkd_reader_read_page(dump, set->by_part[k], pfn, buf);
}

static void mkd_set_close(struct mkd_dump *dump)
{
	struct mkd_set *set = dump->priv;
	size_t i;

	for (i = 0; set->files && i < set->nfiles; i++)
		mkd_reader_destroy(set->files[i]);
	free(set->files);
	free(set->by_part);
	free(set);
}

const struct mkd_format_ops mkd_format_mkd = {
	.name = "mkd",
	.probe = mkd_probe,
	.open = mkd_set_open,
	.page_state = mkd_set_page_state,
	.read_page = mkd_set_read_page,
	.close = mkd_set_close,
};
