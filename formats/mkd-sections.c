// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mkd-sections.c - the SECTION records of an mkd file (doc/mkd-format.md
 * section 8): VMCOREINFO, notes, the RAM map and the CAPTURE text go into
 * the dump (from the first file of a set only), a SPLIT section into the
 * reader; the summary is only checked; unknown types are skipped unread.
 */
#include <stdlib.h>

#include "mkd-reader.h"

#define MAX_SECTION_BYTES (256ULL << 20)

static struct mkd_error *set_ram(struct mkd_dump *dump, const uint8_t *p,
				 uint64_t len)
{
	struct mkd_error *err = NULL;
	uint64_t i, prev = 0;

	if (len % 16)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"memory map of %llu bytes is not whole ranges",
					(unsigned long long)len);
	for (i = 0; !err && i < len; i += 16) {
		uint64_t start = mkd_le64(p + i), end = mkd_le64(p + i + 8);

		if (end <= start || start < prev)
			return mkd_error_create(MKD_ERR_CORRUPT,
						"memory map range %llu is empty or out of order",
						(unsigned long long)(i / 16));
		prev = end;
		err = mkd_dump_add_ram(dump, start, end);
	}
	return err;
}

static void capture_value(struct mkd_dump *dump, const char *key,
			  size_t klen, const char *v, size_t vlen)
{
	int64_t n;

#define KEY(k) (klen == sizeof(k) - 1 && !memcmp(key, k, klen))
	if (KEY("dump_level") && mkd_parse_s64(v, vlen, 10, &n) &&
	    n >= 0 && n <= 255)
		dump->dump_level = (int)n;
	else if (KEY("panic_cpu") && mkd_parse_s64(v, vlen, 10, &n) &&
		 n >= 0 && n <= UINT32_MAX) {
		dump->panic_cpu = (uint32_t)n;
		dump->has_panic_cpu = true;
	} else if (KEY("crash_time") && mkd_parse_s64(v, vlen, 10, &n)) {
		dump->crash_time = n;
		dump->has_crash_time = true;
	}
#undef KEY
}

static struct mkd_error *set_capture(struct mkd_dump *dump, const char *p,
				     size_t len)
{
	const char *end = p + len;
	struct mkd_error *err = mkd_dump_set_capture(dump, p, len);

	if (err)
		return err;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *eq;

		if (!eol)
			eol = end;
		eq = memchr(p, '=', (size_t)(eol - p));
		if (eq) {
			capture_value(dump, p, (size_t)(eq - p), eq + 1,
				      (size_t)(eol - eq - 1));
			/* The kernel's own OSRELEASE wins over the copy. */
			if ((size_t)(eq - p) == 7 && !memcmp(p, "release", 7) &&
			    !dump->release &&
			    !mkd_vmcoreinfo_get(dump, "OSRELEASE")) {
				err = mkd_dump_set_release(dump, eq + 1,
						(size_t)(eol - eq - 1));
				if (err)
					return err;
			}
		}
		p = eol + 1;
	}
	return NULL;
}

static struct mkd_error *apply_section(struct mkd_dump *dump,
				       struct mkd_reader *r, uint32_t type,
				       const uint8_t *p, uint64_t len)
{
	if (type == MKD_SECTION_SPLIT) {
		r->has_split = true;
		return mkd_split_decode(p, len, &r->split, &r->parts);
	}
	if (!r->apply)
		return NULL;	/* another part of the set said it */
	switch (type) {
	case MKD_SECTION_VMCOREINFO:
		return mkd_dump_set_vmcoreinfo(dump, (const char *)p, len);
	case MKD_SECTION_NOTES:
		return mkd_dump_set_notes(dump, p, len);
	case MKD_SECTION_MEMORY_MAP:
		return set_ram(dump, p, len);
	case MKD_SECTION_CAPTURE:
		return set_capture(dump, (const char *)p, len);
	}
	return NULL;
}

static const char *section_name(uint32_t type)
{
	static const char *const names[] = {
		[MKD_SECTION_VMCOREINFO] = "vmcoreinfo",
		[MKD_SECTION_NOTES] = "notes",
		[MKD_SECTION_MEMORY_MAP] = "memory map",
		[MKD_SECTION_CAPTURE] = "capture",
		[MKD_SECTION_SUMMARY] = "summary",
		[MKD_SECTION_SPLIT] = "split",
	};

	return type < sizeof(names) / sizeof(names[0]) && names[type] ?
	       names[type] : "?";
}

static bool section_known(uint32_t type)
{
	return (type >= MKD_SECTION_VMCOREINFO &&
		type <= MKD_SECTION_SUMMARY) || type == MKD_SECTION_SPLIT;
}

/*
 * The first section of each type this reader knows is read and checked
 * (the summary only checked); other types are skipped unread.
 */
struct mkd_error *mkd_reader_read_sections(struct mkd_dump *dump,
					   struct mkd_reader *r)
{
	bool seen[MKD_SECTION_SPLIT + 1] = { false };
	struct mkd_error *err = NULL;
	size_t i;

	for (i = 0; !err && i < r->nsections; i++) {
		const struct mkd_section_entry *s = &r->sections[i];
		struct mkd_record rec;
		uint8_t *buf = NULL;

		if (!section_known(s->type) || seen[s->type] ||
		    (!r->apply && s->type != MKD_SECTION_SPLIT))
			continue;
		seen[s->type] = true;
		if (s->length > MAX_SECTION_BYTES)
			err = mkd_error_create(MKD_ERR_CORRUPT,
					       "%u bytes is too big",
					       s->length);
		else
			err = mkd_reader_read_record(r, s->offset,
						     MKD_REC_SECTION,
						     s->length, &rec, &buf);
		if (!err && rec.arg1 != s->type)
			err = mkd_error_create(MKD_ERR_CORRUPT,
					       "section at 0x%llx is of type %llu",
					       (unsigned long long)s->offset,
					       (unsigned long long)rec.arg1);
		if (!err)
			err = apply_section(dump, r, s->type,
					    buf + MKD_RECORD_SIZE, s->length);
		free(buf);
		if (err)
			err = mkd_error_wrap(err, "%s section",
					     section_name(s->type));
	}
	return err;
}
