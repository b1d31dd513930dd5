/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl.h - what mkdumpctl's commands share: the command table entry, exit
 * codes and the JSON writer (common/, shared with mkdump-analyze), error
 * reporting.  Only the CLI prints and exits.
 */
#ifndef MKDUMPCTL_H
#define MKDUMPCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "json.h"
#include "mkdump.h"

struct ctl_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

extern const char *ctl_progname;

/* Print "mkdumpctl: <message>" for err, destroy it, return its exit code. */
int ctl_fail(struct mkd_error *err);
int ctl_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline int ctl_exit_code(const struct mkd_error *err)
{
	return cli_exit_code(err);
}
/* Parse a number with an optional 0x prefix and K/M/G suffix. */
static inline bool ctl_parse_u64(const char *s, uint64_t *value)
{
	return cli_parse_u64(s, value);
}
/* Open one dump from one or more files (a split set). */
struct mkd_error *ctl_open(char **paths, int n, struct mkd_dump **dump);
/*
 * Split "QUERY... [--] DUMP..." operands: the dump files follow "--" if
 * there is one, else they are the trailing operands that exist as files
 * (at least the last one).  Returns the number of queries.
 */
int ctl_split_queries(int argc, char **argv, char ***dumps, int *ndumps);

/* How capture and convert write an mkd dump (write-mkd.c). */
struct ctl_write_opts {
	const char *command;	/* "capture", "convert" */
	const char *codec;	/* "none", "zlib", "lzo", "zstd" */
	int level;		/* codec level, 0 = its fast default */
	unsigned threads;
	uint32_t block_pages;	/* 0 = the library's default */
	uint64_t checkpoint;	/* bytes between checkpoints, 0 = default */
	int dump_level;		/* recorded in the dump; -1 = none */
	bool zero_pages;	/* write all-zero pages as "zero" */
	bool progress;		/* on standard error */
	bool keep_states;	/* no filtering: dump_level only recorded */
	uint64_t start_pfn, end_pfn;	/* pages to copy; end 0 = all */
	/* A part of a split set (part_count > 0): see mkd_writer_set_part. */
	uint64_t set_id;
	uint32_t part_index, part_count;
	const struct mkd_part *parts;
	/* capture --limit (limit > 0): recorded in the CAPTURE section. */
	uint64_t limit;		/* output bytes; passing it stops the copy */
	const char *levels;	/* the levels to try, "1,31" */
	int level_asked;
	const char *fallback;	/* why this level, or NULL */
};
struct ctl_copy_result {
	uint64_t lost;		/* source pages written lost */
	uint64_t bytes;		/* written */
	bool over_limit;	/* stopped: the output passed o->limit */
};
/* Copy the dump at in into a new mkd dump at out ("-": stdout). */
int ctl_write_mkd(const char *in, const char *out,
		  const struct ctl_write_opts *o);
/* The same from an open dump (in names it in messages and metadata). */
int ctl_write_dump(struct mkd_dump *src, const char *in, const char *out,
		   const struct ctl_write_opts *o);
/* The pieces of ctl_write_dump, for capture --limit (write-mkd.c). */
int ctl_open_output(const char *out, const char *in, int *fd, bool *regular);
int ctl_close_output(int fd, const char *out, int rc);
struct mkd_error *ctl_make_classifier(struct mkd_dump *src, int dump_level,
				      struct mkd_classifier **cl);
int ctl_copy_dump(struct mkd_dump *src, struct mkd_classifier *cl, int fd,
		  bool regular, const char *in, const char *out,
		  const struct ctl_write_opts *o, struct ctl_copy_result *res);
/*
 * capture --limit: the first of levels[0..n) whose dump fits in o->limit
 * bytes (capture-limit.c); EXIT_TOO_BIG when none does.
 */
int ctl_capture_limited(const char *in, const char *out,
			struct ctl_write_opts *o, const int *levels, int n);
/* The progress line of commands that write dumps (progress.c). */
struct ctl_progress {
	bool on;
	uint64_t max_pfn;
	uint64_t bytes;		/* of pages read */
	double start, last;
};
double ctl_now(void);
void ctl_progress_start(struct ctl_progress *p, bool on, uint64_t max_pfn);
/* Show the line if a quarter second has passed, or always when last. */
void ctl_progress_show(struct ctl_progress *p, uint64_t pfn, bool last);

/* How convert writes ELF and kdump dumps (write-export.c). */
struct ctl_export_opts {
	enum mkd_export_format format;
	const char *codec;	/* kdump: "zlib", "lzo", "zstd", "none" */
	int level;
	uint32_t max_segments;	/* ELF; 0 = the library's default */
	bool flat;		/* kdump: the flattened stream */
	bool json;		/* counts on standard output */
	bool progress;		/* on standard error */
};
int ctl_write_export(const char *in, const char *out,
		     const struct ctl_export_opts *e);
/* "zstd" or "zstd:LEVEL" into o; -1 if it is neither. */
int ctl_parse_codec(const char *arg, struct ctl_write_opts *o);
/* -z, -t, -b of capture and convert; 0 or an exit code. */
int ctl_parse_write_option(const char *cmd, int c, const char *arg,
			   struct ctl_write_opts *o);
/* Compression threads when not told: one per online CPU, up to 16. */
unsigned ctl_default_threads(void);

int cmd_info(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_read(int argc, char **argv);
int cmd_pages(int argc, char **argv);
int cmd_sym(int argc, char **argv);
int cmd_type(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_split(int argc, char **argv);
int cmd_merge(int argc, char **argv);

#endif /* MKDUMPCTL_H */
