// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * read.c - reading memory: page states, physical reads through the page
 * cache, and kernel virtual reads through the architecture's translation.
 */
#include "internal.h"

MKD_EXPORT struct mkd_error *mkd_page_state(struct mkd_dump *dump,
					    uint64_t pfn,
					    struct mkd_page_run *run)
{
	struct mkd_error *err;

	memset(run, 0, sizeof(*run));
	run->pfn = pfn;
	run->count = 1;
	if (pfn >= dump->max_pfn) {
		/* Everything to the end of the pfn space (a run is never 0). */
		run->state = MKD_PAGE_NOT_DUMPED;
		if (pfn < UINT64_MAX)
			run->count = UINT64_MAX - pfn;
		return NULL;
	}
	err = dump->ops->page_state(dump, pfn, run);
	if (err)
		return mkd_error_wrap(err, "'%s': pfn 0x%llx",
				      dump->files[0]->name,
				      (unsigned long long)pfn);
	if (run->count == 0)
		run->count = 1;
	return NULL;
}

/* Say why a page has no data, in the words of its state. */
static struct mkd_error *explain_no_data(struct mkd_dump *dump, uint64_t pfn,
					 struct mkd_error *err)
{
	struct mkd_page_run run;
	struct mkd_error *serr = mkd_page_state(dump, pfn, &run);

	if (serr) {
		mkd_error_destroy(serr);
		return err;
	}
	if (run.state == MKD_PAGE_FILTERED)
		return mkd_error_wrap(err, "page filtered out (%s)",
				      mkd_filter_reason_name(run.reason));
	if (run.state == MKD_PAGE_NOT_DUMPED || run.state == MKD_PAGE_LOST)
		return mkd_error_wrap(err, "page %s",
				      mkd_page_state_name(run.state));
	return err;
}

static struct mkd_error *read_page(struct mkd_dump *dump, uint64_t pfn,
				   const uint8_t **data)
{
	struct mkd_error *err;
	uint8_t *slot;

	if (pfn >= dump->max_pfn)
		return mkd_error_at(MKD_ERR_NO_DATA, pfn << dump->page_shift,
				    "pfn 0x%llx is beyond the dump's end",
				    (unsigned long long)pfn);
	*data = mkd_cache_lookup(&dump->cache, pfn);
	if (*data)
		return NULL;
	/*
	 * Read into scratch and cache only what was read: a page that is
	 * not in the dump must cost nothing to the pages that are cached.
	 */
	err = dump->ops->read_page(dump, pfn, dump->page_buf);
	if (err) {
		if (mkd_error_code(err) == MKD_ERR_NO_DATA)
			err = explain_no_data(dump, pfn, err);
		return err;
	}
	slot = mkd_cache_insert(&dump->cache, pfn);
	if (slot)
		memcpy(slot, dump->page_buf, dump->page_size);
	*data = slot ? slot : dump->page_buf;
	return NULL;
}

/*
 * Whole pages from paddr on, as many as the format gives in one go;
 * 0 when it cannot (or failed: read_page will then say why).  They skip
 * the page cache: a long read would only push out what is worth keeping.
 */
static size_t read_whole_pages(struct mkd_dump *dump, uint64_t paddr,
			       void *buf, size_t len)
{
	uint64_t count = len >> dump->page_shift, pfn = paddr >> dump->page_shift;
	uint64_t done = 0;
	struct mkd_error *err;

	if (!dump->ops->read_pages || count < 2 ||
	    (paddr & (dump->page_size - 1)) || pfn >= dump->max_pfn)
		return 0;
	if (count > dump->max_pfn - pfn)
		count = dump->max_pfn - pfn;
	err = dump->ops->read_pages(dump, pfn, count, buf, &done);
	if (err) {
		mkd_error_destroy(err);
		return 0;
	}
	return (size_t)done << dump->page_shift;
}

MKD_EXPORT struct mkd_error *mkd_read_phys(struct mkd_dump *dump,
					   uint64_t paddr, void *buf,
					   size_t len, size_t *done)
{
	struct mkd_error *err = NULL;
	size_t off = 0;

	if (len && paddr + (len - 1) < paddr)
		err = mkd_error_create(MKD_ERR_INVALID,
				       "read wraps past the end of the address space");
	while (!err && off < len) {
		uint64_t addr = paddr + off;
		size_t in_page = (size_t)(addr & (dump->page_size - 1));
		size_t n = dump->page_size - in_page;
		const uint8_t *data;
		size_t whole = read_whole_pages(dump, addr,
						(uint8_t *)buf + off,
						len - off);

		if (whole) {
			off += whole;
			continue;
		}
		err = read_page(dump, addr >> dump->page_shift, &data);
		if (err) {
			err = mkd_error_wrap(err, "reading physical 0x%llx",
					     (unsigned long long)addr);
			if (!err->is_static) {
				err->has_address = true;
				err->address = addr;
			}
			break;
		}
		if (n > len - off)
			n = len - off;
		memcpy((uint8_t *)buf + off, data + in_page, n);
		off += n;
	}
	if (done)
		*done = off;
	return err;
}

MKD_EXPORT struct mkd_error *mkd_dump_set_cache_size(struct mkd_dump *dump,
						     size_t pages)
{
	if (!mkd_cache_resize(&dump->cache, pages))
		return &mkd_enomem;
	return NULL;
}

static struct mkd_error *vm_read_phys(void *arg, uint64_t paddr, void *buf,
				      size_t len)
{
	return mkd_read_phys(arg, paddr, buf, len, NULL);
}

static struct mkd_error *vm_ready(struct mkd_dump *dump)
{
	struct mkd_error *err;

	if (dump->vm.ready)
		return NULL;
	if (!dump->arch_ops)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"no address translation for architecture %s",
					mkd_arch_name(dump->arch));
	dump->vm.read = vm_read_phys;
	dump->vm.read_arg = dump;
	err = dump->arch_ops->vm_init(dump, &dump->vm);
	if (err)
		return mkd_error_wrap(err, "setting up address translation");
	dump->vm.ready = true;
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_dump_vm_info(struct mkd_dump *dump,
					      struct mkd_vm_info *info)
{
	struct mkd_error *err = vm_ready(dump);
	uint32_t size = info->size;

	if (err)
		return err;
	if (size > sizeof(*info) || size == 0)
		size = sizeof(*info);
	memcpy(info, &dump->vm.info, size);
	info->size = size;
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_vtop(struct mkd_dump *dump, uint64_t vaddr,
				      uint64_t *paddr)
{
	struct mkd_error *err = vm_ready(dump);

	if (err)
		return err;
	return dump->arch_ops->vtop(&dump->vm, vaddr, paddr);
}

MKD_EXPORT struct mkd_error *mkd_read_virt(struct mkd_dump *dump,
					   uint64_t vaddr, void *buf,
					   size_t len, size_t *done)
{
	size_t off = 0;

	while (off < len) {
		uint64_t va = vaddr + off, pa;
		size_t n = dump->page_size - (size_t)(va & (dump->page_size - 1));
		struct mkd_error *err;
		size_t got = 0;

		if (n > len - off)
			n = len - off;
		err = mkd_vtop(dump, va, &pa);
		if (!err)
			err = mkd_read_phys(dump, pa, (uint8_t *)buf + off, n,
					    &got);
		if (err) {
			if (done)
				*done = off + got;
			return mkd_error_wrap(err, "reading virtual 0x%llx",
					      (unsigned long long)va);
		}
		off += n;
	}
	if (done)
		*done = off;
	return NULL;
}
