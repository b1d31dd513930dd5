// SPDX-License-Identifier: LGPL-2.1-or-later
/* dump.c - what a dump is: accessors, and the setters formats use */
#include <stdlib.h>

#include "internal.h"
#include "symbols.h"

struct mkd_error *mkd_dump_add_ram(struct mkd_dump *dump, uint64_t start,
				   uint64_t end)
{
	struct mkd_range *r;
	size_t i;

	if (end <= start)
		return NULL;
	/* Formats give ranges in order; merge touching ones. */
	if (dump->nram) {
		r = &dump->ram[dump->nram - 1];
		if (start >= r->start && start <= r->end) {
			if (end > r->end)
				r->end = end;
			return NULL;
		}
	}
	if (!mkd_array_reserve(&dump->ram, &dump->ram_cap, dump->nram + 1,
			       sizeof(*dump->ram)))
		return &mkd_enomem;
	/* Keep sorted even if a format gives them out of order. */
	for (i = dump->nram; i > 0 && dump->ram[i - 1].start > start; i--)
		dump->ram[i] = dump->ram[i - 1];
	dump->ram[i].start = start;
	dump->ram[i].end = end;
	dump->nram++;
	return NULL;
}

void mkd_dump_add_codec(struct mkd_dump *dump, const char *codec)
{
	size_t len = strlen(dump->codecs), n = strlen(codec);
	const char *p = dump->codecs;

	while ((p = strstr(p, codec))) {
		if ((p == dump->codecs || p[-1] == ',') &&
		    (p[n] == '\0' || p[n] == ','))
			return;	/* already listed */
		p += n;
	}
	if (len + n + 2 > sizeof(dump->codecs))
		return;
	if (len)
		dump->codecs[len++] = ',';
	memcpy(dump->codecs + len, codec, n + 1);
}

static struct mkd_error *copy_bytes(void **dst, size_t *dst_len,
				    const void *src, size_t len)
{
	char *p = malloc(len + 1);

	if (!p)
		return &mkd_enomem;
	if (len)	/* src may be NULL then: a dump without notes */
		memcpy(p, src, len);
	p[len] = '\0';
	free(*dst);
	*dst = p;
	*dst_len = len;
	return NULL;
}

struct mkd_error *mkd_dump_set_notes(struct mkd_dump *dump, const void *buf,
				     size_t len)
{
	return copy_bytes((void **)&dump->notes, &dump->notes_len, buf, len);
}

struct mkd_error *mkd_dump_set_capture(struct mkd_dump *dump,
				       const char *text, size_t len)
{
	return copy_bytes((void **)&dump->capture, &dump->capture_len, text,
			  len);
}

struct mkd_error *mkd_dump_set_vmcoreinfo(struct mkd_dump *dump,
					  const char *text, size_t len)
{
	/* The kernel pads the note with NULs; keep only the text. */
	len = strnlen(text, len);
	return copy_bytes((void **)&dump->vmcoreinfo, &dump->vmcoreinfo_len,
			  text, len);
}

struct mkd_error *mkd_dump_set_release(struct mkd_dump *dump,
				       const char *release, size_t maxlen)
{
	size_t len = strnlen(release, maxlen), dummy;
	size_t i;

	if (len == 0)
		return NULL;
	for (i = 0; i < len; i++)
		if ((unsigned char)release[i] < 0x20 ||
		    (unsigned char)release[i] > 0x7e)
			return NULL;	/* garbage: not a release string */
	return copy_bytes((void **)&dump->release, &dummy, release, len);
}

/* Kernel messages are ASCII; anything else could upset a terminal or JSON. */
struct mkd_error *mkd_dump_set_panic_string(struct mkd_dump *dump,
					    const char *text, size_t maxlen)
{
	size_t len = strnlen(text, maxlen), i;
	char *p;

	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;	/* panic() messages often end in a newline */
	if (len == 0)
		return NULL;
	p = malloc(len + 1);
	if (!p)
		return &mkd_enomem;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		p[i] = (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t' ?
		       (char)c : '?';
	}
	p[len] = '\0';
	free(dump->panic_string);
	dump->panic_string = p;
	return NULL;
}

MKD_EXPORT const char *mkd_dump_format(const struct mkd_dump *dump)
{
	return dump->ops->name;
}

MKD_EXPORT const char *mkd_dump_container(const struct mkd_dump *dump)
{
	return dump->container;
}

MKD_EXPORT const char *mkd_dump_codecs(const struct mkd_dump *dump)
{
	return dump->codecs[0] ? dump->codecs : "none";
}

MKD_EXPORT enum mkd_arch mkd_dump_arch(const struct mkd_dump *dump)
{
	return dump->arch;
}

MKD_EXPORT const char *mkd_arch_name(enum mkd_arch arch)
{
	switch (arch) {
	case MKD_ARCH_X86_64:
		return "x86_64";
	case MKD_ARCH_X86:
		return "x86";
	default:
		return "unknown";
	}
}

MKD_EXPORT uint32_t mkd_dump_page_size(const struct mkd_dump *dump)
{
	return dump->page_size;
}

MKD_EXPORT uint64_t mkd_dump_max_pfn(const struct mkd_dump *dump)
{
	return dump->max_pfn;
}

MKD_EXPORT size_t mkd_dump_file_count(const struct mkd_dump *dump)
{
	return dump->nfiles;
}

MKD_EXPORT int mkd_dump_level(const struct mkd_dump *dump)
{
	return dump->dump_level;
}

MKD_EXPORT bool mkd_dump_incomplete(const struct mkd_dump *dump)
{
	return dump->incomplete;
}

MKD_EXPORT size_t mkd_dump_part_count(const struct mkd_dump *dump,
				      uint64_t *set_id)
{
	if (set_id)
		*set_id = dump->set_id;
	return dump->nparts;
}

MKD_EXPORT const struct mkd_part *mkd_dump_parts(const struct mkd_dump *dump)
{
	return dump->parts;
}

MKD_EXPORT const char *mkd_dump_capture_info(const struct mkd_dump *dump,
					     size_t *len)
{
	if (len)
		*len = dump->capture_len;
	return dump->capture;
}

MKD_EXPORT const char *mkd_dump_kernel_release(const struct mkd_dump *dump)
{
	return dump->release;
}

MKD_EXPORT bool mkd_dump_crash_time(const struct mkd_dump *dump,
				    int64_t *secs)
{
	if (dump->has_crash_time)
		*secs = dump->crash_time;
	return dump->has_crash_time;
}

/*
 * Where the format does not record it, the kernel does: panic() and
 * crash_kexec() claim the int panic_cpu (kernel/panic.c, kexec_core.c)
 * with their CPU number before the capture kernel starts; it is -1
 * (PANIC_CPU_INVALID) in a live dump.
 */
#define MAX_PANIC_CPU 8192

static void panic_cpu_from_kernel(struct mkd_dump *dump)
{
	struct mkd_error *err;
	uint64_t addr = 0;
	uint8_t raw[4];
	int32_t cpu;

	dump->panic_cpu_looked = true;
	/* The kernel's own symbol: no module symbols, no BTF, no table. */
	err = mkd_symbols_core_address_once(dump, "panic_cpu", &addr);
	if (!err)
		err = mkd_read_virt(dump, addr, raw, sizeof(raw), NULL);
	if (err) {
		mkd_error_destroy(err);
		return;
	}
	cpu = (int32_t)mkd_le32(raw);
	if (cpu >= 0 && cpu < MAX_PANIC_CPU) {
		dump->panic_cpu = (uint32_t)cpu;
		dump->has_panic_cpu = true;
	}
}

MKD_EXPORT bool mkd_dump_panic_cpu(struct mkd_dump *dump, uint32_t *cpu)
{
	if (!dump->has_panic_cpu && !dump->panic_cpu_looked)
		panic_cpu_from_kernel(dump);
	if (dump->has_panic_cpu)
		*cpu = dump->panic_cpu;
	return dump->has_panic_cpu;
}

MKD_EXPORT const char *mkd_dump_panic_string(const struct mkd_dump *dump)
{
	return dump->panic_string;
}

MKD_EXPORT size_t mkd_dump_ram_range_count(const struct mkd_dump *dump)
{
	return dump->nram;
}

MKD_EXPORT const struct mkd_range *mkd_dump_ram_ranges(const struct mkd_dump *dump)
{
	return dump->ram;
}

MKD_EXPORT const void *mkd_dump_notes(const struct mkd_dump *dump, size_t *len)
{
	*len = dump->notes_len;
	return dump->notes;
}

MKD_EXPORT const char *mkd_page_state_name(enum mkd_page_state state)
{
	static const char *const names[] = {
		[MKD_PAGE_PRESENT] = "present",
		[MKD_PAGE_ZERO] = "zero",
		[MKD_PAGE_FILTERED] = "filtered",
		[MKD_PAGE_NOT_DUMPED] = "not-dumped",
		[MKD_PAGE_LOST] = "lost",
		[MKD_PAGE_DAMAGED] = "damaged",
	};

	return (unsigned)state < MKD_PAGE_STATE_COUNT ? names[state] : "?";
}

MKD_EXPORT const char *mkd_filter_reason_name(enum mkd_filter_reason reason)
{
	static const char *const names[] = {
		[MKD_FILTER_UNKNOWN] = "unknown",
		[MKD_FILTER_ZERO] = "zero",
		[MKD_FILTER_CACHE] = "cache",
		[MKD_FILTER_CACHE_PRIVATE] = "cache-private",
		[MKD_FILTER_USER] = "user",
		[MKD_FILTER_FREE] = "free",
		[MKD_FILTER_HWPOISON] = "hwpoison",
		[MKD_FILTER_OFFLINE] = "offline",
	};

	return (unsigned)reason < MKD_FILTER_REASON_COUNT ? names[reason] : "?";
}
