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

struct progress {
	double start, last;
	bool on;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The same line as capture's progress: percent, MiB read, rate, ETA. */
static void show_progress(void *arg, uint64_t pfn, uint64_t max_pfn,
			  uint64_t bytes)
{
	struct progress *p = arg;
	double t = now(), secs = t - p->start, rate, eta;
	bool last = pfn >= max_pfn;

	if (!p->on || (!last && t - p->last < 0.25))
		return;
	p->last = t;
	rate = secs > 0 ? bytes / secs : 0;
	eta = pfn && !last ? secs * (double)(max_pfn - pfn) / pfn : 0;
	fprintf(stderr, "\r%3" PRIu64 "%%  %8.1f MiB read  %7.1f MB/s  ETA %d:%02d ",
		max_pfn ? pfn * 100 / max_pfn : 100, bytes / 1048576.0,
		rate / 1e6, (int)eta / 60, (int)eta % 60);
}

static int open_out(const char *out, const char *in, int *fd)
{
	struct stat st, ist;

	if (!strcmp(out, "-")) {
		if (isatty(STDOUT_FILENO)) {
			fprintf(stderr, "%s: will not write a dump to a terminal\n",
				ctl_progname);
			return EXIT_USAGE;
		}
		*fd = STDOUT_FILENO;
		return EXIT_OK;
	}
	if (!stat(out, &st) && !stat(in, &ist) && st.st_dev == ist.st_dev &&
	    st.st_ino == ist.st_ino) {
		fprintf(stderr, "%s: '%s' is the input\n", ctl_progname, out);
		return EXIT_USAGE;
	}
	*fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (*fd < 0) {
		fprintf(stderr, "%s: cannot create '%s': %s\n", ctl_progname,
			out, strerror(errno));
		return EXIT_FAILURE_;
	}
	return EXIT_OK;
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
	struct progress pr = { .on = e->progress };
	struct mkd_export_options eo = {
		.size = sizeof(eo), .codec = e->codec, .level = e->level,
		.max_segments = e->max_segments,
		.progress = show_progress, .progress_arg = &pr,
	};
	struct mkd_export_stats s;
	struct mkd_error *err;

	if (e->flat)
		eo.flags |= MKD_EXPORT_FLAT;
	pr.start = pr.last = now();
	err = mkd_dump_export(src, e->format, fd,
			      strcmp(out, "-") ? out : "(stdout)", &eo, &s);
	if (pr.on) {
		show_progress(&pr, mkd_dump_max_pfn(src),
			      mkd_dump_max_pfn(src), s.written *
			      (uint64_t)mkd_dump_page_size(src));
		fputc('\n', stderr);
	}
	if (err)
		return ctl_fail(err);
	warn(in, out, &s);
	if (e->json)
		report_json(e->format == MKD_EXPORT_ELF ? "elf" : "kdump", out,
			    &s);
	else if (pr.on)
		report_text(out, &s, now() - pr.start);
	return EXIT_OK;
}

int ctl_write_export(const char *in, const char *out,
		     const struct ctl_export_opts *e)
{
	struct mkd_dump *src;
	struct mkd_error *err;
	int fd = -1, rc;

	err = mkd_dump_open(in, NULL, &src);
	if (err)
		return ctl_fail(err);
	rc = open_out(out, in, &fd);
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
