// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gen-mkd.c - synthetic mkd dumps, written with libmkdump's own writer
 * (the reader's tests are then round trips).  Zero pages are written as
 * "zero" runs, filtered ones as filtered runs with their reason.
 * Options: "block_pages N", "threads N", "checkpoint BYTES",
 * "level N", "zero stored" (zero pages as data), "zero detect" (zero
 * pages as data, the writer finds them), "lost START-END" (pages written
 * as lost), "finish no" (stop without finishing: a cut dump).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "mkdump.h"

#define BATCH 64

struct gen_mkd {
	const struct gen_spec *s;
	struct mkd_writer *w;
	uint64_t lost_start, lost_end;	/* byte addresses */
	const char *zero;
	uint8_t *buf;
};

static int fail(char *err, size_t errlen, struct mkd_error *e)
{
	snprintf(err, errlen, "%s", mkd_error_message(e));
	mkd_error_destroy(e);
	return -1;
}

static enum mkd_arch arch_of(const char *name)
{
	return !strcmp(name, "x86_64") ? MKD_ARCH_X86_64 : MKD_ARCH_UNKNOWN;
}

static struct mkd_error *create(struct gen_mkd *g, FILE *out)
{
	const struct gen_spec *s = g->s;
	struct mkd_writer_options o = {
		.size = sizeof(o),
		.codec = s->codec,
		.page_size = s->page_size,
		.block_pages = (uint32_t)atoi(gen_option(s, "block_pages",
							 "0")),
		.threads = (uint32_t)atoi(gen_option(s, "threads", "0")),
		.level = atoi(gen_option(s, "level", "0")),
		.checkpoint_bytes = strtoull(gen_option(s, "checkpoint", "0"),
					     NULL, 0),
		.arch = arch_of(s->arch),
	};

	if (!strcmp(g->zero, "detect"))
		o.flags |= MKD_WRITER_ZERO_PAGES;
	fflush(out);
	return mkd_writer_create(fileno(out), "gen", &o, &g->w);
}

/* RAM: every page that is not a hole, as byte ranges. */
static struct mkd_error *set_ram(struct gen_mkd *g)
{
	uint64_t pfn, max = gen_max_pfn(g->s), ps = g->s->page_size;
	struct mkd_range *r = calloc(max / 2 + 1, sizeof(*r));
	struct mkd_error *err;
	size_t n = 0;
	int reason;

	if (!r)
		return mkd_writer_set_ram(g->w, NULL, 0);
	for (pfn = 0; pfn < max; pfn++) {
		if (gen_page_kind(g->s, pfn, &reason) == GEN_HOLE)
			continue;
		if (n && r[n - 1].end == pfn * ps)
			r[n - 1].end += ps;
		else
			r[n++] = (struct mkd_range){ pfn * ps, (pfn + 1) * ps };
	}
	err = mkd_writer_set_ram(g->w, r, n);
	free(r);
	return err;
}

static struct mkd_error *metadata(struct gen_mkd *g)
{
	const struct gen_spec *s = g->s;
	struct mkd_error *err = NULL;
	uint8_t *notes;
	size_t len;
	char level[16];

	if (s->release[0])
		err = mkd_writer_set_info(g->w, "release", s->release);
	snprintf(level, sizeof(level), "%d", s->dump_level);
	if (!err && s->dump_level >= 0)
		err = mkd_writer_set_info(g->w, "dump_level", level);
	if (!err && s->vmcoreinfo_len)
		err = mkd_writer_add_section(g->w, MKD_SECTION_VMCOREINFO,
					     s->vmcoreinfo, s->vmcoreinfo_len);
	notes = gen_notes(s, &len);
	if (!err && notes)
		err = mkd_writer_add_section(g->w, MKD_SECTION_NOTES, notes,
					     len);
	free(notes);
	return err ? err : set_ram(g);
}

/* What a page becomes: its kind, with lost and zero options applied. */
static int page_kind(const struct gen_mkd *g, uint64_t pfn, int *reason)
{
	uint64_t addr = pfn * g->s->page_size;
	int kind = gen_page_kind(g->s, pfn, reason);

	if (kind != GEN_HOLE && addr >= g->lost_start && addr < g->lost_end)
		return -1;	/* lost */
	if (kind == GEN_ZERO && strcmp(g->zero, "elided"))
		return GEN_DATA;
	return kind;
}

static struct mkd_error *write_data(struct gen_mkd *g, uint64_t pfn,
				    uint64_t n)
{
	uint32_t ps = g->s->page_size;
	uint64_t i;

	for (i = 0; i < n; i++)
		gen_page_expect(g->s, pfn + i, g->buf + i * ps);
	return mkd_writer_add_pages(g->w, pfn, n, g->buf);
}

static struct mkd_error *write_pages(struct gen_mkd *g)
{
	uint64_t pfn = 0, max = gen_max_pfn(g->s);
	struct mkd_error *err = NULL;

	while (!err && pfn < max) {
		int reason, r2, kind = page_kind(g, pfn, &reason);
		uint64_t n = 1;

		while (pfn + n < max && n < BATCH &&
		       page_kind(g, pfn + n, &r2) == kind && r2 == reason)
			n++;
		if (kind == GEN_DATA)
			err = write_data(g, pfn, n);
		else if (kind == GEN_ZERO)
			err = mkd_writer_add_run(g->w, pfn, n, MKD_PAGE_ZERO,
						 0);
		else if (kind == GEN_FILTERED)
			err = mkd_writer_add_run(g->w, pfn, n,
						 MKD_PAGE_FILTERED, reason);
		else if (kind < 0)
			err = mkd_writer_add_run(g->w, pfn, n, MKD_PAGE_LOST,
						 0);
		pfn += n;
	}
	return err;
}

int gen_write_mkd(const struct gen_spec *s, FILE *out, const char *path,
		  char *err, size_t errlen)
{
	struct gen_mkd g = { .s = s };
	struct mkd_error *e;
	const char *lost = gen_option(s, "lost", NULL);

	g.zero = gen_option(s, "zero", "elided");
	if (lost && sscanf(lost, "%" SCNx64 "-%" SCNx64, &g.lost_start,
			   &g.lost_end) != 2) {
		snprintf(err, errlen, "bad lost range '%s'", lost);
		return -1;
	}
	g.buf = malloc((size_t)BATCH * s->page_size);
	if (!g.buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	e = create(&g, out);
	if (!e)
		e = metadata(&g);
	if (!e)
		e = write_pages(&g);
	if (!e && strcmp(gen_option(s, "finish", "yes"), "no"))
		e = mkd_writer_finish(g.w);
	mkd_writer_destroy(g.w);
	free(g.buf);
	return e ? fail(err, errlen, e) : 0;
}
