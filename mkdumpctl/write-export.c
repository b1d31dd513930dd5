// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * write-export.c - convert -f elf|kdump: have the library write the dump
 * in a format crash and drgn read (mkd_dump_export()), then say what the
 * format could not keep: pages without data written as zeros (ELF),
 * pages left out, pages lost.  Those lines go to standard error whether
 * or not it is a terminal: they are about the output's truth.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

/* The library's progress callback: the line capture shows. */
static void show_progress(void *arg, uint64_t pfn, uint64_t max_pfn,
			  uint64_t bytes)
{
	struct ctl_progress *p = arg;

	p->bytes = bytes;
	ctl_progress_show(p, pfn, false);	/* export() ends the line */
}

static uint64_t zero_filled(const struct mkd_export_stats *s)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < MKD_PAGE_STATE_COUNT; i++)
		n += s->zero_filled[i];
	return n;
}

static void warn(const char *in, const char *out,
		 const struct mkd_export_stats *s)
{
	uint64_t zf = zero_filled(s);

	if (zf)
		fprintf(stderr, "%s: %" PRIu64 " pages without data in '%s' are zeros in '%s' (%" PRIu64 " filtered, %" PRIu64 " lost, %" PRIu64 " not dumped): ELF cannot mark them; --elf-segments keeps more of them out\n",
			ctl_progname, zf, in, out,
			s->zero_filled[MKD_PAGE_FILTERED],
			s->zero_filled[MKD_PAGE_LOST] +
			s->zero_filled[MKD_PAGE_DAMAGED],
			s->zero_filled[MKD_PAGE_NOT_DUMPED]);
	if (s->lost)
		fprintf(stderr, "%s: %" PRIu64 " pages of '%s' could not be read; they are marked lost\n",
			ctl_progname, s->lost, in);
	if (s->outside_ram)
		fprintf(stderr, "%s: %" PRIu64 " pages of '%s' lie outside its RAM map and were not written\n",
			ctl_progname, s->outside_ram, in);
}

static void report_text(const char *out, const struct mkd_export_stats *s,
			double secs)
{
	fprintf(stderr, "%s: %" PRIu64 " pages written (%" PRIu64 " zero), %"
		PRIu64 " left out, %" PRIu64 " zero-filled, %" PRIu64
		" lost; %.1f MiB in %.1f s\n", out, s->written, s->zero_pages,
		s->left_out, zero_filled(s), s->lost,
		s->bytes_out / 1048576.0, secs);
}

static void report_json(const char *format, const char *out,
			const struct mkd_export_stats *s)
{
	struct json j;
	int i;

	json_init(&j, stdout);
	json_begin_object(&j, NULL);
	json_string(&j, "format", format);
	json_string(&j, "output", out);
	json_begin_object(&j, "source_pages");
	for (i = 0; i < MKD_PAGE_STATE_COUNT; i++)
		json_uint(&j, mkd_page_state_name(i), s->pages[i]);
	json_end_object(&j);
	json_uint(&j, "written", s->written);
	json_uint(&j, "zero_pages", s->zero_pages);
	json_begin_object(&j, "zero_filled");
	for (i = 0; i < MKD_PAGE_STATE_COUNT; i++)
		if (i != MKD_PAGE_PRESENT && i != MKD_PAGE_ZERO)
			json_uint(&j, mkd_page_state_name(i),
				  s->zero_filled[i]);
	json_end_object(&j);
	json_uint(&j, "left_out", s->left_out);
	json_uint(&j, "lost", s->lost);
	json_uint(&j, "outside_ram", s->outside_ram);
	if (!strcmp(format, "elf"))
		json_uint(&j, "segments", s->segments);
	else
		json_int(&j, "dump_level", s->dump_level);
	json_uint(&j, "bytes", s->bytes_out);
	json_end_object(&j);
	json_finish(&j);
}

static int export(struct mkd_dump *src, int fd, const char *in,
		  const char *out, const struct ctl_export_opts *e)
{
	struct ctl_progress pr;
	struct mkd_export_options eo = {
		.size = sizeof(eo), .codec = e->codec, .level = e->level,
		.max_segments = e->max_segments,
		.progress = show_progress, .progress_arg = &pr,
	};
	struct mkd_export_stats s = { 0 };
	struct mkd_error *err;

	if (e->flat)
		eo.flags |= MKD_EXPORT_FLAT;
	ctl_progress_start(&pr, e->progress, mkd_dump_max_pfn(src));
	err = mkd_dump_export(src, e->format, fd,
			      strcmp(out, "-") ? out : "(stdout)", &eo, &s);
	pr.bytes = s.written * (uint64_t)mkd_dump_page_size(src);
	ctl_progress_show(&pr, pr.max_pfn, true);
	if (err)
		return ctl_fail(err);
	warn(in, out, &s);
	if (e->json)
		report_json(e->format == MKD_EXPORT_ELF ? "elf" : "kdump", out,
			    &s);
	else if (pr.on)
		report_text(out, &s, ctl_now() - pr.start);
	return EXIT_OK;
}

int ctl_write_export(const char *in, const char *out,
		     const struct ctl_export_opts *e)
{
	struct mkd_dump *src;
	struct mkd_error *err;
	int fd = -1, rc;
	bool regular;

	err = mkd_dump_open(in, NULL, &src);
	if (err)
		return ctl_fail(err);
	rc = ctl_open_output(out, in, &fd, &regular);
	if (rc)
		goto out;
	rc = export(src, fd, in, out, e);
	if (fd != STDOUT_FILENO && close(fd) < 0 && !rc) {
		fprintf(stderr, "%s: closing '%s': %s\n", ctl_progname, out,
			strerror(errno));
		rc = EXIT_FAILURE_;
	}
	if (rc)
		fprintf(stderr, "%s: '%s' is incomplete: do not use it\n",
			ctl_progname, out);
out:
	mkd_dump_destroy(src);
	return rc;
}
