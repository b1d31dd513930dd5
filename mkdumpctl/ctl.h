/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl.h - what mkdumpctl's commands share: the command table entry, exit
 * codes (stable: scripts depend on them, see mkdumpctl(8)), error
 * reporting and the JSON writer.  Only the CLI prints and exits.
 */
#ifndef MKDUMPCTL_H
#define MKDUMPCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mkdump.h"

enum ctl_exit {
	EXIT_OK = 0,
	EXIT_FAILURE_ = 1,	/* I/O error, out of memory, anything else */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_NOT_DUMP = 3,	/* input is not a dump we can read */
	EXIT_DAMAGED = 4,	/* dump damaged: corrupt data or metadata */
	EXIT_INCOMPLETE = 5,	/* dump cut short, the rest is consistent */
};

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
int ctl_exit_code(const struct mkd_error *err);
/* Parse a number with an optional 0x prefix and K/M/G suffix. */
bool ctl_parse_u64(const char *s, uint64_t *value);
/* Open one dump from one or more files (a split set). */
struct mkd_error *ctl_open(char **paths, int n, struct mkd_dump **dump);
/*
 * Split "QUERY... [--] DUMP..." operands: the dump files follow "--" if
 * there is one, else they are the trailing operands that exist as files
 * (at least the last one).  Returns the number of queries.
 */
int ctl_split_queries(int argc, char **argv, char ***dumps, int *ndumps);

/* A streaming JSON writer: objects and arrays nest, commas are ours. */
struct json {
	FILE *f;
	int depth;
	bool need_comma[32];
};
void json_init(struct json *j, FILE *f);
void json_begin_object(struct json *j, const char *key);
void json_end_object(struct json *j);
void json_begin_array(struct json *j, const char *key);
void json_end_array(struct json *j);
void json_string(struct json *j, const char *key, const char *value);
void json_string_len(struct json *j, const char *key, const char *value,
		     size_t len);
void json_uint(struct json *j, const char *key, uint64_t value);
void json_int(struct json *j, const char *key, int64_t value);
void json_bool(struct json *j, const char *key, bool value);
void json_null(struct json *j, const char *key);
void json_finish(struct json *j);

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
};
/* Copy the dump at in into a new mkd dump at out ("-": stdout). */
int ctl_write_mkd(const char *in, const char *out,
		  const struct ctl_write_opts *o);
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

#endif /* MKDUMPCTL_H */
