// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * capture-limit.c - capture --limit: when the dump would pass a size
 * limit, fall back to the next dump level of a list (-d 1,31; with one
 * level, that level then 31), and record in the CAPTURE section which
 * level was asked, which was used and why.
 *
 * Before writing, each level but the last is estimated: the pages it
 * keeps (from the page classes, as the copy decides them) times the
 * bytes per page of a sample of those pages compressed as the capture
 * would (written to /dev/null through the real writer); on the test
 * bed's vmcore the estimate is 6 % above the truth.
 *
 * A file we open is the exact judge: a level is passed over on its
 * estimate only when that is clearly over (by a quarter); else it is
 * written, and if it passes the limit while being written the file is
 * truncated and written again at the next level.
 *
 * Standard output (a pipe, or a file the shell opened, which may hold
 * data before ours) is never rewritten: a level is passed over when its
 * estimate is over, and the copy stops when it passes the limit, so the
 * stream ends without its trailer and reads as a dump cut short (or,
 * when only its last few KiB of index passed, whole but too big: the
 * exit code says so).
 *
 * When no level fits the capture fails with EXIT_TOO_BIG and a file
 * output is removed, so that nothing that looks complete is left.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

#define SAMPLE_PAGES 1024
#define OVERHEAD (64 << 10)	/* header, sections, index, trailer */

struct sample {
	struct mkd_dump *src;
	struct mkd_classifier *cl;
	int level;
	uint64_t stride;	/* sample every stride-th kept page */
	uint64_t kept;		/* pages with data the level keeps */
	struct mkd_writer *w;	/* of the sampled pages, to /dev/null */
	uint8_t *page;
};

/* Count n kept pages from pfn, and write the sampled ones. */
static struct mkd_error *sample_kept(struct sample *s, uint64_t pfn,
				     uint64_t n)
{
	uint32_t ps = mkd_dump_page_size(s->src);

	for (; n; n--, pfn++) {
		struct mkd_error *err;
		size_t done = 0;

		if (s->kept++ % s->stride)
			continue;
		err = mkd_read_phys(s->src, pfn * ps, s->page, ps, &done);
		mkd_error_destroy(err);	/* an unreadable page is not data */
		if (done == ps) {
			err = mkd_writer_add_pages(s->w, pfn, 1, s->page);
			if (err)
				return err;
		}
	}
	return NULL;
}

static struct mkd_error *sample_run(struct sample *s, uint64_t pfn,
				    uint64_t count)
{
	struct mkd_error *err = NULL;

	while (!err && count) {
		struct mkd_class_run cr = { .count = count };
		uint64_t n;

		if (s->cl)
			err = mkd_classify(s->cl, pfn, &cr);
		if (err)
			break;
		n = cr.count && cr.count < count ? cr.count : count;
		if (!s->cl || !mkd_dump_level_excludes(s->level, cr.cls))
			err = sample_kept(s, pfn, n);
		pfn += n;
		count -= n;
	}
	return err;
}

static struct mkd_error *sample_walk(struct sample *s)
{
	uint64_t pfn = 0, max = mkd_dump_max_pfn(s->src);
	struct mkd_error *err = NULL;

	while (!err && pfn < max) {
		struct mkd_page_run run;

		err = mkd_page_state(s->src, pfn, &run);
		if (err)
			break;
		if (run.count > max - pfn)
			run.count = max - pfn;
		if (run.state == MKD_PAGE_PRESENT)
			err = sample_run(s, pfn, run.count);
		pfn += run.count;
	}
	return err;
}

static struct mkd_error *sample_writer(int fd, struct mkd_dump *src,
				       const struct ctl_write_opts *o,
				       int level, struct mkd_writer **w)
{
	struct mkd_writer_options wo = {
		.size = sizeof(wo), .codec = o->codec, .level = o->level,
		.page_size = mkd_dump_page_size(src),
		.block_pages = o->block_pages, .threads = 1,
		.arch = mkd_dump_arch(src),
	};

	if (level & 1)
		wo.flags |= MKD_WRITER_ZERO_PAGES;
	return mkd_writer_create(fd, "(estimate)", &wo, w);
}

/* Bytes the capture at level would write, about; 0 with an error. */
static struct mkd_error *estimate(struct mkd_dump *src, int level,
				  uint64_t present,
				  const struct ctl_write_opts *o,
				  uint64_t *bytes)
{
	struct sample s = { .src = src, .level = level };
	struct mkd_writer_stats st;
	struct mkd_error *err;
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	s.stride = present / SAMPLE_PAGES + 1;
	s.page = malloc(mkd_dump_page_size(src));
	err = ctl_make_classifier(src, level, &s.cl);
	if (!err && fd >= 0 && s.page)
		err = sample_writer(fd, src, o, level, &s.w);
	if (!err && s.w)
		err = sample_walk(&s);
	if (!err && s.w)
		err = mkd_writer_finish(s.w);
	*bytes = 0;
	if (!err && s.w) {
		uint64_t sampled = (s.kept + s.stride - 1) / s.stride;

		mkd_writer_get_stats(s.w, &st);
		*bytes = OVERHEAD + (sampled ? (uint64_t)((double)st.bytes_out /
				     sampled * s.kept) : 0);
	}
	mkd_writer_destroy(s.w);
	mkd_classifier_destroy(s.cl);
	free(s.page);
	if (fd >= 0)
		close(fd);
	return err;
}

static uint64_t count_present(struct mkd_dump *src)
{
	uint64_t pfn = 0, max = mkd_dump_max_pfn(src), n = 0;

	while (pfn < max) {
		struct mkd_page_run run;
		struct mkd_error *err = mkd_page_state(src, pfn, &run);

		if (err) {
			mkd_error_destroy(err);
			break;
		}
		if (run.count > max - pfn)
			run.count = max - pfn;
		if (run.state == MKD_PAGE_PRESENT)
			n += run.count;
		pfn += run.count;
	}
	return n;
}

struct attempt {
	struct mkd_dump *src;
	const char *in, *out;
	int fd;
	bool regular;
	bool rewritable;	/* a file we opened: it can be truncated */
	bool written;		/* something is in the output */
	char why[512];		/* the levels passed over, and why */
};

/* "-d LEVEL: WHAT BYTES bytes", after the reasons before it. */
static void add_reason(struct attempt *a, int level, const char *what,
		       uint64_t bytes)
{
	size_t len = strlen(a->why);

	snprintf(a->why + len, sizeof(a->why) - len, "%s-d %d: %s",
		 len ? "; " : "", level, what);
	len = strlen(a->why);
	if (bytes)
		snprintf(a->why + len, sizeof(a->why) - len,
			 " %" PRIu64 " bytes", bytes);
}

/* Start the output again (a regular file only). */
static int rewind_output(struct attempt *a)
{
	if (!a->written)
		return EXIT_OK;
	if (ftruncate(a->fd, 0) < 0 || lseek(a->fd, 0, SEEK_SET) < 0) {
		fprintf(stderr, "%s: cannot rewrite '%s': %s\n", ctl_progname,
			a->out, strerror(errno));
		return EXIT_FAILURE_;
	}
	return EXIT_OK;
}

/* Write at one level; *over when it passed the limit. */
static int try_level(struct attempt *a, int level, struct ctl_write_opts *o,
		     bool *over)
{
	struct mkd_classifier *cl;
	struct ctl_copy_result res;
	struct mkd_error *err;
	int rc = rewind_output(a);

	if (rc)
		return rc;
	err = ctl_make_classifier(a->src, level, &cl);
	if (err)
		return ctl_fail(err);
	o->dump_level = level;
	o->zero_pages = level & 1;
	o->fallback = a->why[0] ? a->why : NULL;
	a->written = true;
	rc = ctl_copy_dump(a->src, cl, a->fd, a->regular, a->in, a->out, o,
			   &res);
	mkd_classifier_destroy(cl);
	*over = !rc && res.over_limit;
	if (*over)
		add_reason(a, level, "the output passed the limit at",
			   res.bytes);
	else if (!rc && res.lost)
		fprintf(stderr, "%s: %" PRIu64 " pages of '%s' could not be read; they are marked lost\n",
			ctl_progname, res.lost, a->in);
	return rc;
}

/* Estimate, then write, each level in turn until one fits. */
static int try_levels(struct attempt *a, const int *levels, int n,
		      struct ctl_write_opts *o)
{
	uint64_t present = count_present(a->src), bytes;
	bool over = true;
	int i, rc = EXIT_OK;

	for (i = 0; !rc && over && i < n; i++) {
		if (i + 1 < n) {
			struct mkd_error *err = estimate(a->src, levels[i],
							 present, o, &bytes);
			if (err)
				return ctl_fail(err);
			if (bytes > (a->rewritable ? o->limit / 4 * 5 :
				     o->limit)) {
				add_reason(a, levels[i], "estimated", bytes);
				continue;
			}
		}
		if (a->written && !a->rewritable) {
			/* A pipe cannot take a second dump. */
			add_reason(a, levels[i],
				   "not tried: standard output cannot be rewritten",
				   0);
			break;
		}
		rc = try_level(a, levels[i], o, &over);
	}
	if (!rc && over) {
		fprintf(stderr, "%s capture: no dump level fits in %" PRIu64 " bytes (%s)\n",
			ctl_progname, o->limit, a->why);
		rc = EXIT_TOO_BIG;
	}
	return rc;
}

int ctl_capture_limited(const char *in, const char *out,
			struct ctl_write_opts *o, const int *levels, int n)
{
	struct attempt a = { .in = in, .out = out, .fd = -1 };
	struct mkd_classifier *cl;
	struct mkd_error *err;
	int i, rc;

	err = mkd_dump_open(in, NULL, &a.src);
	if (err)
		return ctl_fail(err);
	mkd_error_destroy(mkd_dump_set_cache_size(a.src, 0));
	/* Every level must be possible before the output exists. */
	for (i = 0; !err && i < n; i++) {
		err = ctl_make_classifier(a.src, levels[i], &cl);
		mkd_classifier_destroy(cl);
	}
	if (err) {
		fprintf(stderr, "%s capture: %s\n", ctl_progname,
			mkd_error_message(err));
		rc = ctl_exit_code(err);
		mkd_error_destroy(err);
		goto out;
	}
	o->level_asked = levels[0];
	rc = ctl_open_output(out, in, &a.fd, &a.regular);
	if (rc)
		goto out;
	/* Standard output, even a file, may hold what came before us. */
	a.rewritable = a.regular && strcmp(out, "-");
	rc = try_levels(&a, levels, n, o);
	rc = ctl_close_output(a.fd, out, rc);
	if (rc == EXIT_TOO_BIG && a.rewritable && unlink(out) == 0)
		fprintf(stderr, "%s: '%s' removed\n", ctl_progname, out);
	else if (rc == EXIT_TOO_BIG && a.written)
		fprintf(stderr, "%s: the dump on standard output passed the limit\n",
			ctl_progname);
	else if (rc && a.written)
		fprintf(stderr, "%s: '%s' is cut short: it reads up to its last checkpoint\n",
			ctl_progname, out);
out:
	mkd_dump_destroy(a.src);
	return rc;
}
