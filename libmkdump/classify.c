// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * classify.c - which pages a dump level leaves out: the public classifier.
 *
 * It walks one memory section at a time the way makedumpfile walks
 * mem_map: pfns in increasing order, a page that a rule drops taking its
 * whole free block or compound page with it (pageclass.c decides), pages
 * outside the dump skipped, zero pages found last among the pages the
 * rules keep.  The answer for the section is one byte per pfn.
 *
 * makedumpfile clears bits in one bitmap, so when two ranges overlap the
 * first one counts; we keep the first class written to a pfn.  A range
 * that runs past the end of a section (only corrupt free orders or
 * gigantic pages do) is carried into the next section when that section
 * is asked for next; tail pages of a gigantic page whose head lies in an
 * earlier section also follow their head directly.
 */
#include <stdlib.h>

#include "internal.h"
#include "memmap.h"
#include "pageclass.h"

#define CLS_MASK 0x0f
#define CLS_NOT_DUMPED 0x10
#define CLS_NO_MEMMAP 0x20
#define CLS_UNSET 0xff

struct mkd_classifier {
	struct mkd_dump *dump;
	int level;
	struct mkd_page_rules rules;
	struct mkd_memmap map;
	uint64_t npages;		/* pfns per section */
	uint8_t *structs;		/* the section's struct pages */
	uint8_t *have;			/* struct page i was read */
	uint8_t *cls;			/* class and CLS_* flags per pfn */
	uint8_t *page;			/* one page, for the zero test */
	bool valid;
	uint64_t sec;			/* the section in cls */
	uint64_t spill_end;		/* a range past the section's end */
	uint8_t spill_cls;
};

MKD_EXPORT const char *mkd_page_class_name(enum mkd_page_class cls)
{
	if (cls == MKD_CLASS_OTHER)
		return "other";
	if ((unsigned)cls >= MKD_CLASS_COUNT)
		return "?";
	return mkd_filter_reason_name((enum mkd_filter_reason)cls);
}

/* makedumpfile's -d bits: 2 and 4 both drop plain cache, only 4 private. */
MKD_EXPORT bool mkd_dump_level_excludes(int level, enum mkd_page_class cls)
{
	switch (cls) {
	case MKD_CLASS_ZERO:
		return level & MKD_DL_ZERO;
	case MKD_CLASS_CACHE:
		return level & (MKD_DL_CACHE | MKD_DL_CACHE_PRIVATE);
	case MKD_CLASS_CACHE_PRIVATE:
		return level & MKD_DL_CACHE_PRIVATE;
	case MKD_CLASS_USER:
		return level & MKD_DL_USER;
	case MKD_CLASS_FREE:
		return level & MKD_DL_FREE;
	case MKD_CLASS_HWPOISON:
	case MKD_CLASS_OFFLINE:
		return true;
	default:
		return false;
	}
}

static struct mkd_error *read_virt(void *arg, uint64_t vaddr, void *buf,
				   size_t len, size_t *done)
{
	return mkd_read_virt(arg, vaddr, buf, len, done);
}

static struct mkd_error *classifier_alloc(struct mkd_classifier *cl)
{
	size_t n = (size_t)cl->npages;

	cl->structs = malloc(n * cl->rules.size);
	cl->have = malloc(n);
	cl->cls = malloc(n);
	cl->page = malloc(cl->dump->page_size);
	if (!cl->structs || !cl->have || !cl->cls || !cl->page)
		return &mkd_enomem;
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_classifier_create(struct mkd_dump *dump,
						   int level,
						   struct mkd_classifier **ret)
{
	struct mkd_memmap_layout layout;
	struct mkd_classifier *cl;
	struct mkd_error *err;

	*ret = NULL;
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return &mkd_enomem;
	cl->dump = dump;
	cl->level = level;
	err = mkd_page_rules_init(&cl->rules, dump, level);
	if (!err)
		err = mkd_memmap_layout_read(dump, &layout);
	if (!err && layout.page_struct != cl->rules.size)
		err = mkd_error_create(MKD_ERR_CORRUPT, "SIZE(page) disagrees");
	if (!err)
		err = mkd_memmap_init(&cl->map, &layout, read_virt, dump);
	if (!err) {
		cl->npages = mkd_memmap_section_pages(&cl->map);
		err = classifier_alloc(cl);
	}
	if (err) {
		mkd_classifier_destroy(cl);
		return mkd_error_wrap(err, "'%s'", dump->files[0]->name);
	}
	*ret = cl;
	return NULL;
}

MKD_EXPORT void mkd_classifier_destroy(struct mkd_classifier *cl)
{
	if (!cl)
		return;
	mkd_memmap_deinit(&cl->map);
	free(cl->structs);
	free(cl->have);
	free(cl->cls);
	free(cl->page);
	free(cl);
}

/* Give [from, to) of the section class c, where nothing was written yet. */
static void mark(struct mkd_classifier *cl, uint64_t start, uint64_t from,
		 uint64_t to, uint8_t c)
{
	uint64_t i, end = start + cl->npages;

	if (to > end)
		to = end;
	for (i = from; i < to; i++)
		if (cl->cls[i - start] == CLS_UNSET)
			cl->cls[i - start] = c;
}

/* Flag the pfns the dump does not hold: makedumpfile never looks at them. */
static struct mkd_error *mark_not_dumped(struct mkd_classifier *cl,
					 uint64_t start)
{
	uint64_t pfn = start, end = start + cl->npages;

	while (pfn < end) {
		struct mkd_page_run run;
		struct mkd_error *err = mkd_page_state(cl->dump, pfn, &run);

		if (err)
			return err;
		if (run.count > end - pfn)
			run.count = end - pfn;
		if (run.state == MKD_PAGE_NOT_DUMPED)
			mark(cl, start, pfn, pfn + run.count,
			     MKD_CLASS_OTHER | CLS_NOT_DUMPED);
		pfn += run.count;
	}
	return NULL;
}

static bool in_dump(struct mkd_classifier *cl, uint64_t pfn)
{
	struct mkd_page_run run;
	struct mkd_error *err = mkd_page_state(cl->dump, pfn, &run);

	mkd_error_destroy(err);
	return !err && run.state != MKD_PAGE_NOT_DUMPED;
}

/*
 * A tail page whose head is in an earlier section: the head's verdict,
 * when it covers pfn.  (A head in this section was seen by the scan and
 * kept, or its range would have covered the tail.)
 */
static struct mkd_error *tail_class(struct mkd_classifier *cl, uint64_t pfn,
				    uint64_t start, uint64_t head_ptr,
				    uint8_t *c)
{
	uint8_t buf[2 * 4096], have[2];
	struct mkd_page_fields f;
	struct mkd_page_verdict v;
	uint64_t base, head;
	struct mkd_error *err;

	*c = MKD_CLASS_OTHER;
	err = mkd_memmap_section(&cl->map, pfn >> cl->map.pfn_shift, &base);
	if (err || !base || !mkd_memmap_pfn_of(&cl->map, base, head_ptr - 1,
					       &head) ||
	    head >= start || !in_dump(cl, head) ||
	    (head >> cl->map.pfn_shift) != ((head + 1) >> cl->map.pfn_shift))
		return err;
	err = mkd_memmap_read(&cl->map, head, 2, buf, have);
	if (err || !have[0])
		return err;
	mkd_page_fields_load(&cl->rules, buf, have[1] ? buf + cl->rules.size
						      : NULL, &f);
	v = mkd_page_decide(&cl->rules, &f, head, cl->level);
	if (!v.tail && v.cls != MKD_CLASS_OTHER && pfn - head < v.npages)
		*c = (uint8_t)v.cls;
	return NULL;
}

/* Apply one verdict at pfn; returns the next pfn to look at. */
static uint64_t apply(struct mkd_classifier *cl, uint64_t start, uint64_t pfn,
		      struct mkd_page_verdict v)
{
	uint64_t end = start + cl->npages, last;

	if (v.cls == MKD_CLASS_OTHER) {
		mark(cl, start, pfn, pfn + 1, MKD_CLASS_OTHER);
		return pfn + 1;
	}
	last = pfn + v.npages < pfn ? UINT64_MAX : pfn + v.npages;
	mark(cl, start, pfn, last, (uint8_t)v.cls);
	if (last > end && last > cl->spill_end) {
		cl->spill_end = last;
		cl->spill_cls = (uint8_t)v.cls;
	}
	return last;
}

static struct mkd_error *scan_one(struct mkd_classifier *cl, uint64_t start,
				  uint64_t *pfn)
{
	uint64_t i = *pfn - start, sz = cl->rules.size;
	const uint8_t *next = NULL;
	struct mkd_page_fields f;
	struct mkd_page_verdict v;
	struct mkd_error *err;
	uint8_t c;

	if (cl->cls[i] == (MKD_CLASS_OTHER | CLS_NOT_DUMPED)) {
		(*pfn)++;
		return NULL;
	}
	if (!cl->have[i]) {
		mark(cl, start, *pfn, *pfn + 1,
		     MKD_CLASS_OTHER | CLS_NO_MEMMAP);
		(*pfn)++;
		return NULL;
	}
	if (i + 1 < cl->npages && cl->have[i + 1])
		next = cl->structs + (i + 1) * sz;
	mkd_page_fields_load(&cl->rules, cl->structs + i * sz, next, &f);
	v = mkd_page_decide(&cl->rules, &f, *pfn, cl->level);
	if (!v.tail) {
		*pfn = apply(cl, start, *pfn, v);
		return NULL;
	}
	err = tail_class(cl, *pfn, start, f.head, &c);
	if (err)
		return err;
	mark(cl, start, *pfn, *pfn + 1, c);
	(*pfn)++;
	return NULL;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	return len == 0 || (p[0] == 0 && !memcmp(p, p + 1, len - 1));
}

/* Level bit 1: the pages every other rule keeps, if their data is zero. */
static struct mkd_error *find_zero(struct mkd_classifier *cl, uint64_t start)
{
	uint32_t ps = cl->dump->page_size;
	uint64_t i;

	for (i = 0; i < cl->npages; i++) {
		struct mkd_error *err;
		uint8_t *c = &cl->cls[i];

		if ((*c & ~CLS_NO_MEMMAP) != MKD_CLASS_OTHER)
			continue;
		err = mkd_read_phys(cl->dump, (start + i) * ps, cl->page, ps,
				    NULL);
		if (err && (mkd_error_code(err) == MKD_ERR_NO_DATA ||
			    mkd_error_code(err) == MKD_ERR_CORRUPT ||
			    mkd_error_code(err) == MKD_ERR_TRUNCATED)) {
			mkd_error_destroy(err);
			continue;	/* cannot tell: keep it */
		}
		if (err)
			return err;
		if (all_zero(cl->page, ps))
			*c = (uint8_t)((*c & CLS_NO_MEMMAP) | MKD_CLASS_ZERO);
	}
	return NULL;
}

static struct mkd_error *classify_section(struct mkd_classifier *cl,
					  uint64_t sec)
{
	uint64_t start = sec << cl->map.pfn_shift, pfn = start, carried;
	bool follows = cl->valid && cl->sec + 1 == sec;
	struct mkd_error *err;

	cl->valid = false;
	memset(cl->cls, CLS_UNSET, cl->npages);
	err = mark_not_dumped(cl, start);
	if (!err)
		err = mkd_memmap_read(&cl->map, start, cl->npages, cl->structs,
				      cl->have);
	if (err)
		return err;
	carried = follows ? cl->spill_end : 0;
	cl->spill_end = 0;
	if (carried > start) {
		mark(cl, start, start, carried, cl->spill_cls);
		/* It may go on over more sections. */
		if (carried > start + cl->npages)
			cl->spill_end = carried;
	}
	while (!err && pfn < start + cl->npages)
		err = scan_one(cl, start, &pfn);
	if (!err && (cl->level & MKD_DL_ZERO))
		err = find_zero(cl, start);
	if (err)
		return err;
	cl->sec = sec;
	cl->valid = true;
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_classify(struct mkd_classifier *cl,
					  uint64_t pfn,
					  struct mkd_class_run *run)
{
	uint64_t max = mkd_dump_max_pfn(cl->dump), sec, i, n;
	struct mkd_error *err;
	uint8_t c;

	memset(run, 0, sizeof(*run));
	run->pfn = pfn;
	run->count = 1;
	if (pfn >= max) {
		run->count = UINT64_MAX - pfn;
		run->flags = MKD_CLASS_RUN_NOT_DUMPED;
		return NULL;
	}
	sec = pfn >> cl->map.pfn_shift;
	if (!cl->valid || cl->sec != sec) {
		err = classify_section(cl, sec);
		if (err)
			return mkd_error_wrap(err, "classifying pfn 0x%llx",
					      (unsigned long long)pfn);
	}
	i = pfn & (cl->npages - 1);
	n = cl->npages - i;
	if (n > max - pfn)
		n = max - pfn;
	c = cl->cls[i];
	for (run->count = 1; run->count < n && cl->cls[i + run->count] == c;)
		run->count++;
	run->cls = (enum mkd_page_class)(c & CLS_MASK);
	run->flags = (c & CLS_NOT_DUMPED ? MKD_CLASS_RUN_NOT_DUMPED : 0) |
		     (c & CLS_NO_MEMMAP ? MKD_CLASS_RUN_NO_MEMMAP : 0);
	return NULL;
}
