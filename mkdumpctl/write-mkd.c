// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * write-mkd.c - what capture and convert share: copy any dump the library
 * reads into a new mkd dump, page state by page state, with progress on a
 * terminal.
 *
 * A source page that cannot be read (a damaged block, a read error of
 * /proc/vmcore) is written as "lost" and the copy goes on: a capture must
 * save what it can.  Only errors of the output (a full disk) or of the
 * library stop it, and then what was written up to the last checkpoint
 * stays readable.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

#define BATCH_PAGES 64

struct copy {
	struct mkd_dump *src;
	struct mkd_writer *w;
	struct mkd_classifier *cl;	/* dump levels 2-31; else NULL */
	int dump_level;
	uint32_t page_size;
	uint8_t *buf;
	uint64_t lost;
	uint64_t limit;			/* of output bytes; 0 none */
	bool over;			/* the output passed the limit */
	struct ctl_progress pr;
};

/* Past the limit: stop copying (the caller decides what comes next). */
static bool over_limit(struct copy *c)
{
	struct mkd_writer_stats s;

	if (!c->limit || c->over)
		return c->over;
	mkd_writer_get_stats(c->w, &s);
	c->over = s.bytes_out > c->limit;
	return c->over;
}

/* Is this read error about the page (write it lost) or about us? */
static bool page_error(const struct mkd_error *err)
{
	switch (mkd_error_code(err)) {
	case MKD_ERR_CORRUPT:
	case MKD_ERR_NO_DATA:
	case MKD_ERR_TRUNCATED:
		return true;
	case MKD_ERR_IO:
		return mkd_error_errno(err) == EIO ||
		       mkd_error_errno(err) == EFAULT;
	default:
		return false;
	}
}

/* Read pages in batches; a page that cannot be read is written lost. */
static struct mkd_error *copy_present(struct copy *c, uint64_t pfn,
				      uint64_t count)
{
	while (count && !over_limit(c)) {
		size_t n = count < BATCH_PAGES ? (size_t)count : BATCH_PAGES;
		size_t done = 0, pages;
		struct mkd_error *err, *werr = NULL;

		err = mkd_read_phys(c->src, pfn * c->page_size, c->buf,
				    n * c->page_size, &done);
		pages = done / c->page_size;
		if (pages)
			werr = mkd_writer_add_pages(c->w, pfn, pages, c->buf);
		if (werr || (err && !page_error(err))) {
			mkd_error_destroy(werr ? err : NULL);
			return werr ? werr : err;
		}
		if (err) {
			mkd_error_destroy(err);
			err = mkd_writer_add_run(c->w, pfn + pages, 1,
						 MKD_PAGE_LOST, 0);
			if (err)
				return err;
			c->lost++;
			pages++;
		}
		c->pr.bytes += (uint64_t)pages * c->page_size;
		pfn += pages;
		count -= pages;
		ctl_progress_show(&c->pr, pfn, false);
	}
	return NULL;
}

/*
 * Pages with data, cut by page class: a class the dump level leaves out
 * is written filtered, with the class as its reason; the rest is copied.
 * The classifier reads struct pages a section at a time, in pfn order,
 * so only the pages kept are read.
 */
static struct mkd_error *copy_classified(struct copy *c, uint64_t pfn,
					 uint64_t count)
{
	struct mkd_error *err = NULL;

	while (!err && count) {
		struct mkd_class_run cr;
		uint64_t n;

		err = mkd_classify(c->cl, pfn, &cr);
		if (err)
			break;
		/* A class run starts at pfn and holds at least that page. */
		n = cr.count && cr.count < count ? cr.count : count;
		if (mkd_dump_level_excludes(c->dump_level, cr.cls))
			err = mkd_writer_add_run(c->w, pfn, n, MKD_PAGE_FILTERED,
						 (enum mkd_filter_reason)cr.cls);
		else
			err = copy_present(c, pfn, n);
		pfn += n;
		count -= n;
	}
	return err;
}

static struct mkd_error *copy_run(struct copy *c,
				  const struct mkd_page_run *run)
{
	switch (run->state) {
	case MKD_PAGE_PRESENT:
		if (c->cl)
			return copy_classified(c, run->pfn, run->count);
		return copy_present(c, run->pfn, run->count);
	case MKD_PAGE_ZERO:
	case MKD_PAGE_FILTERED:
		return mkd_writer_add_run(c->w, run->pfn, run->count,
					  run->state, run->reason);
	case MKD_PAGE_LOST:
	case MKD_PAGE_DAMAGED:
		c->lost += run->count;
		return mkd_writer_add_run(c->w, run->pfn, run->count,
					  MKD_PAGE_LOST, 0);
	default:
		return NULL;	/* not RAM: a gap */
	}
}

static struct mkd_error *copy_pages(struct copy *c, uint64_t pfn,
				     uint64_t max)
{
	struct mkd_error *err = NULL;

	while (!err && pfn < max && !over_limit(c)) {
		struct mkd_page_run run;

		err = mkd_page_state(c->src, pfn, &run);
		if (err)
			break;
		if (run.count > max - pfn)
			run.count = max - pfn;
		err = copy_run(c, &run);
		pfn += run.count;
		ctl_progress_show(&c->pr, pfn, false);
	}
	return err;
}

static void info_num(struct mkd_writer *w, const char *key, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	mkd_error_destroy(mkd_writer_set_info(w, key, buf));
}

static void info_str(struct mkd_writer *w, const char *key, const char *v)
{
	if (v && !strchr(v, '\n'))
		mkd_error_destroy(mkd_writer_set_info(w, key, v));
}

/* The CAPTURE section: what this copy was; failures only lose a key. */
static void describe(struct mkd_writer *w, struct mkd_dump *src,
		     const char *in, const struct ctl_write_opts *o)
{
	struct utsname u;
	char version[32];
	int64_t secs;
	uint32_t cpu;

	info_str(w, "tool", "mkdumpctl");
	snprintf(version, sizeof(version), "%d.%d", MKD_VERSION_MAJOR,
		 MKD_VERSION_MINOR);
	info_str(w, "tool_version", version);
	if (!uname(&u))
		info_str(w, "host", u.nodename);
	info_str(w, "command", o->command);
	info_str(w, "source", in);
	info_str(w, "source_format", mkd_dump_format(src));
	info_str(w, "release", mkd_dump_kernel_release(src));
	if (mkd_dump_crash_time(src, &secs))
		info_num(w, "crash_time", secs);
	info_num(w, "capture_time", (int64_t)time(NULL));
	if (mkd_dump_panic_cpu(src, &cpu))
		info_num(w, "panic_cpu", cpu);
	if (o->dump_level >= 0)
		info_num(w, "dump_level", o->dump_level);
	if (o->limit) {
		info_num(w, "limit", (int64_t)o->limit);
		info_str(w, "dump_levels", o->levels);
		info_num(w, "dump_level_asked", o->level_asked);
		info_str(w, "fallback", o->fallback);
	}
	info_str(w, "codec", o->codec);
	info_num(w, "level", o->level);
	info_num(w, "threads", o->threads);
}

static struct mkd_error *write_metadata(struct mkd_writer *w,
					struct mkd_dump *src,
					const struct ctl_write_opts *o)
{
	struct mkd_error *err = NULL;
	const void *data;
	size_t len;

	data = mkd_vmcoreinfo(src, &len);
	if (data && len)
		err = mkd_writer_add_section(w, MKD_SECTION_VMCOREINFO, data,
					     len);
	data = mkd_dump_notes(src, &len);
	if (!err && data && len)
		err = mkd_writer_add_section(w, MKD_SECTION_NOTES, data, len);
	if (!err)
		err = mkd_writer_set_ram(w, mkd_dump_ram_ranges(src),
					 mkd_dump_ram_range_count(src));
	if (!err && o->part_count)
		err = mkd_writer_set_part(w, o->set_id, o->part_index,
					  o->part_count, o->parts);
	return err;
}

int ctl_open_output(const char *out, const char *in, int *fd, bool *regular)
{
	struct stat st, ist;

	if (!strcmp(out, "-")) {
		if (isatty(STDOUT_FILENO)) {
			fprintf(stderr, "%s: will not write a dump to a terminal\n",
				ctl_progname);
			return EXIT_USAGE;
		}
		*fd = STDOUT_FILENO;
	} else {
		if (in && !stat(out, &st) && !stat(in, &ist) &&
		    st.st_dev == ist.st_dev && st.st_ino == ist.st_ino) {
			fprintf(stderr, "%s: '%s' is the input\n", ctl_progname,
				out);
			return EXIT_USAGE;
		}
		*fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			   0600);
		if (*fd < 0) {
			fprintf(stderr, "%s: cannot create '%s': %s\n",
				ctl_progname, out, strerror(errno));
			return EXIT_FAILURE_;
		}
	}
	*regular = !fstat(*fd, &st) && S_ISREG(st.st_mode);
	return EXIT_OK;
}

static struct mkd_error *make_writer(int fd, bool regular, const char *out,
				     struct mkd_dump *src,
				     const struct ctl_write_opts *o,
				     struct mkd_writer **w)
{
	struct mkd_writer_options wo = {
		.size = sizeof(wo),
		.codec = o->codec,
		.level = o->level,
		.page_size = mkd_dump_page_size(src),
		.block_pages = o->block_pages,
		.threads = o->threads,
		.arch = mkd_dump_arch(src),
		.checkpoint_bytes = o->checkpoint,
	};

	if (o->zero_pages)
		wo.flags |= MKD_WRITER_ZERO_PAGES;
	if (regular)
		wo.flags |= MKD_WRITER_SYNC;
	return mkd_writer_create(fd, strcmp(out, "-") ? out : "(stdout)", &wo,
				 w);
}

static void report(struct copy *c, const char *out)
{
	struct mkd_writer_stats s;
	double secs = ctl_now() - c->pr.start;

	if (!c->pr.on)
		return;
	mkd_writer_get_stats(c->w, &s);
	fprintf(stderr, "%s: %" PRIu64 " pages stored, %" PRIu64 " zero, %"
		PRIu64 " filtered, %" PRIu64 " lost; %.1f MiB in %.1f s\n",
		out, s.pages[MKD_PAGE_PRESENT], s.pages[MKD_PAGE_ZERO],
		s.pages[MKD_PAGE_FILTERED], s.pages[MKD_PAGE_LOST],
		s.bytes_out / 1048576.0, secs);
}

static struct mkd_error *run_copy(struct copy *c, const char *in,
				  const char *out,
				  const struct ctl_write_opts *o)
{
	uint64_t end = o->end_pfn ? o->end_pfn : mkd_dump_max_pfn(c->src);
	struct mkd_error *err;

	describe(c->w, c->src, in, o);
	err = write_metadata(c->w, c->src, o);
	if (!err)
		err = copy_pages(c, o->start_pfn, end);
	if (!err && !c->over) {
		err = mkd_writer_finish(c->w);
		/* Whole but too big is too big: the caller decides. */
		over_limit(c);
	}
	if (c->over)
		return err;
	ctl_progress_show(&c->pr, c->pr.max_pfn, true);
	if (!err)
		report(c, out);
	return err;
}

int ctl_copy_dump(struct mkd_dump *src, struct mkd_classifier *cl, int fd,
		  bool regular, const char *in, const char *out,
		  const struct ctl_write_opts *o, struct ctl_copy_result *res)
{
	struct copy c = {
		.src = src, .cl = cl, .dump_level = o->dump_level,
		.page_size = mkd_dump_page_size(src), .limit = o->limit,
	};
	struct mkd_error *err;

	memset(res, 0, sizeof(*res));
	c.buf = malloc((size_t)BATCH_PAGES * c.page_size);
	if (!c.buf) {
		fprintf(stderr, "%s: out of memory\n", ctl_progname);
		return EXIT_FAILURE_;
	}
	err = make_writer(fd, regular, out, src, o, &c.w);
	if (!err) {
		ctl_progress_start(&c.pr, o->progress, mkd_dump_max_pfn(src));
		err = run_copy(&c, in, out, o);
	}
	if (c.w) {
		struct mkd_writer_stats s;

		mkd_writer_get_stats(c.w, &s);
		res->bytes = s.bytes_out;
	}
	if (c.over && c.pr.on)
		fputc('\n', stderr);
	res->lost = c.lost;
	res->over_limit = c.over;
	mkd_writer_destroy(c.w);
	free(c.buf);
	return err ? ctl_fail(err) : EXIT_OK;
}

struct mkd_error *ctl_make_classifier(struct mkd_dump *src, int dump_level,
				      struct mkd_classifier **cl)
{
	/* Zero pages (bit 1) are the writer's to find; the rest need classes. */
	*cl = NULL;
	if (dump_level > 1)
		return mkd_classifier_create(src, dump_level & ~1, cl);
	return NULL;
}

int ctl_close_output(int fd, const char *out, int rc)
{
	if (fd != STDOUT_FILENO && close(fd) < 0 && !rc) {
		fprintf(stderr, "%s: closing '%s': %s\n", ctl_progname, out,
			strerror(errno));
		rc = EXIT_FAILURE_;
	}
	return rc;
}

int ctl_write_dump(struct mkd_dump *src, const char *in, const char *out,
		   const struct ctl_write_opts *o)
{
	struct mkd_classifier *cl = NULL;
	struct ctl_copy_result res;
	struct mkd_error *err;
	bool regular = false;
	int fd = -1, rc;

	/* Before the output exists: a refusal writes nothing. */
	err = ctl_make_classifier(src, o->keep_states ? -1 : o->dump_level,
				  &cl);
	if (err) {
		fprintf(stderr, "%s %s: %s\n", ctl_progname, o->command,
			mkd_error_message(err));
		rc = ctl_exit_code(err);
		mkd_error_destroy(err);
		return rc;
	}
	rc = ctl_open_output(out, in, &fd, &regular);
	if (!rc) {
		rc = ctl_copy_dump(src, cl, fd, regular, in, out, o, &res);
		rc = ctl_close_output(fd, out, rc);
		if (rc)
			fprintf(stderr, "%s: '%s' is cut short: it reads up to its last checkpoint\n",
				ctl_progname, out);
		else if (res.lost)
			fprintf(stderr, "%s: %" PRIu64 " pages of '%s' could not be read; they are marked lost\n",
				ctl_progname, res.lost, in);
	}
	mkd_classifier_destroy(cl);
	return rc;
}

int ctl_write_mkd(const char *in, const char *out,
		  const struct ctl_write_opts *o)
{
	struct mkd_dump *src;
	struct mkd_error *err;
	int rc;

	err = mkd_dump_open(in, NULL, &src);
	if (err)
		return ctl_fail(err);
	/* keep the cache: kernel metadata comes in small reads */
	rc = ctl_write_dump(src, in, out, o);
	mkd_dump_destroy(src);
	return rc;
}

unsigned ctl_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 16 ? 16 : (unsigned)n;
}

int ctl_parse_write_option(const char *cmd, int c, const char *arg,
			   struct ctl_write_opts *o)
{
	uint64_t v;

	switch (c) {
	case 'z':
		if (ctl_parse_codec(arg, o) < 0)
			return ctl_usage_error(cmd, "unknown codec '%s'", arg);
		return 0;
	case 't':
		if (!ctl_parse_u64(arg, &v) || v == 0 || v > 256)
			return ctl_usage_error(cmd, "bad thread count '%s'",
					       arg);
		o->threads = (unsigned)v;
		return 0;
	case 'b':
		if (!ctl_parse_u64(arg, &v) || v == 0 || v > 65535)
			return ctl_usage_error(cmd, "bad block size '%s'", arg);
		o->block_pages = (uint32_t)v;
		return 0;
	case 'c':
		if (!ctl_parse_u64(arg, &v) || v < 4096)
			return ctl_usage_error(cmd, "bad checkpoint interval '%s'",
					       arg);
		o->checkpoint = v;
		return 0;
	}
	return ctl_usage_error(cmd, "bad option");
}

int ctl_parse_codec(const char *arg, struct ctl_write_opts *o)
{
	static const char *const names[] = { "none", "zlib", "lzo", "zstd" };
	const char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : strlen(arg), i;
	char *end;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && !strncmp(arg, names[i], len))
			break;
	if (i == sizeof(names) / sizeof(names[0]))
		return -1;
	o->codec = names[i];
	o->level = 0;
	if (colon) {
		long level = strtol(colon + 1, &end, 10);

		if (!colon[1] || *end || level < -50 || level > 22)
			return -1;
		o->level = (int)level;
	}
	return 0;
}
