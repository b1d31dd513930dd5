/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gen.h - synthetic dumps for tests, written from a small text spec.
 *
 * A spec is lines of "keyword args" ('#' starts a comment):
 *   page_size 4096              (default 4096)
 *   arch x86_64                 (default x86_64)
 *   release 6.1.0-test          (utsname release where the format has one)
 *   cpus 2                      (register notes, default 1)
 *   codec zlib|lzo|zstd|snappy|none|rle|gzip   (default none)
 *   dump_level 31
 *   vmcoreinfo KEY=VALUE        (repeatable, in order)
 *   ram START END               (hex byte addresses; pages hold the pattern)
 *   zero START END              (pages inside RAM that are all zero)
 *   filter START END REASON     (pages inside RAM left out: zero, cache,
 *                                cache-private, user, free, unknown)
 *   split N                     (formats that split: write N parts)
 *   option NAME VALUE           (format-specific knobs, e.g. version 8)
 * Later lines win where ranges overlap.  Page data is a pure function of
 * the physical address (gen_page_fill), so any reader test can check any
 * page without keeping the input around; each page's second half repeats
 * its first, so page codecs compress it to about half.
 */
#ifndef MKD_GEN_H
#define MKD_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum gen_kind {
	GEN_HOLE,	/* not RAM */
	GEN_DATA,
	GEN_ZERO,
	GEN_FILTERED,
};

struct gen_range {
	uint64_t start, end;	/* byte addresses, page aligned */
	enum gen_kind kind;
	int reason;		/* enum mkd_filter_reason for GEN_FILTERED */
};

struct gen_option {
	char name[32];
	char value[96];
};

struct gen_spec {
	uint32_t page_size;
	char arch[16];
	char release[65];
	char codec[16];
	unsigned cpus;
	int dump_level;		/* -1 = not given */
	unsigned split;		/* 0 = not split */
	char *vmcoreinfo;	/* "KEY=VALUE\n"..., NUL-terminated */
	size_t vmcoreinfo_len;
	struct gen_range *ranges;
	size_t nranges;
	struct gen_option options[16];
	size_t noptions;
};

int gen_spec_parse(const char *text, struct gen_spec *spec, char *err,
		   size_t errlen);
void gen_spec_free(struct gen_spec *spec);
/* Format-specific knob, or def. */
const char *gen_option(const struct gen_spec *spec, const char *name,
		       const char *def);

/* The pattern page for pfn. */
void gen_page_fill(uint8_t *buf, uint32_t page_size, uint64_t pfn);
/* What pfn is in the spec; fills buf (page_size) with its content. */
enum gen_kind gen_page_expect(const struct gen_spec *spec, uint64_t pfn,
			      uint8_t *buf);
enum gen_kind gen_page_kind(const struct gen_spec *spec, uint64_t pfn,
			    int *reason);
/* One past the last pfn of RAM in the spec. */
uint64_t gen_max_pfn(const struct gen_spec *spec);
/* x86_64 elf_prstatus note for cpu (desc only, 336 bytes). */
size_t gen_prstatus(unsigned cpu, uint8_t *desc);
/* All notes (PRSTATUS per cpu, VMCOREINFO) as a PT_NOTE blob; malloc'd. */
uint8_t *gen_notes(const struct gen_spec *spec, size_t *len);

/*
 * Writers.  out is the (first) file; a writer of split dumps writes the
 * other parts next to path as path.2, path.3...
 */
typedef int gen_writer(const struct gen_spec *spec, FILE *out,
		       const char *path, char *err, size_t errlen);
int gen_write(const char *format, const struct gen_spec *spec, FILE *out,
	      char *err, size_t errlen);
int gen_write_path(const char *format, const struct gen_spec *spec,
		   FILE *out, const char *path, char *err, size_t errlen);

gen_writer gen_write_elf;
gen_writer gen_write_lkcd;
/*
 * LKCD's run-length encoding of one page (see gen-lkcd.c): the encoded
 * length, or len when encoding would not shrink it (out holds len bytes).
 */
size_t gen_lkcd_rle(const uint8_t *in, size_t len, uint8_t *out);
gen_writer gen_write_kdump;
gen_writer gen_write_diskdump;
gen_writer gen_write_flat;
gen_writer gen_write_mkd;

#endif /* MKD_GEN_H */
