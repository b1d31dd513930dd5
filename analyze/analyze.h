/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * analyze.h - what mkdump-analyze's commands share.
 *
 * A command is one file analyze/cmd-NAME.c defining
 *	int cmd_NAME(struct az_ctx *ctx, int argc, char **argv);
 * plus its line in the table in analyze/commands.c and its prototype at
 * the end of this file.  argv[0] is the
 * command's name.  It parses its options with az_getopt() (which also
 * takes --json and --help for it), reads the dump through the public
 * libmkdump API only, writes its output to ctx->out (text) or through
 * ctx->js (when ctx->json), and returns an exit code (enum cli_exit).
 * A failing command does not end the session: the frame remembers that
 * one failed, and a batch run exits non-zero at its end.
 *
 * Never silently wrong: when a value cannot be read, the output says so
 * where the value would be (az_unreadable()), it never shows zeros.
 */
#ifndef MKD_ANALYZE_H
#define MKD_ANALYZE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "json.h"
#include "mkdump.h"

struct az_session;

/* What a command runs with; the frame makes one per command run. */
struct az_ctx {
	struct mkd_dump *dump;	/* the open dump (set); NULL for AZ_NO_DUMP */
	FILE *out;		/* output: stdout, or a "| shell" pipe */
	bool json;		/* write JSON (global --json or the command's) */
	struct json js;		/* JSON writer on out, initialised */
	const char *cmd;	/* the running command's name, for messages */
	struct az_session *session;	/* the frame's own state */
};

/* Command flags. */
enum {
	AZ_NO_DUMP = 1u << 0,	/* runs without a dump (help, quit) */
};

typedef int az_command_fn(struct az_ctx *ctx, int argc, char **argv);

struct az_command {
	const char *name;
	az_command_fn *run;
	unsigned flags;
	const char *summary;	/* one line for "help" */
};

/* The table (commands.c), sorted by name, ended by a NULL name. */
extern const struct az_command az_commands[];
const struct az_command *az_command_find(const char *name);

/* ---- Reporting (stderr; the output stream stays clean) ---- */

/* Print "CMD: <message>" for err, destroy it, return its exit code. */
int az_fail(struct az_ctx *ctx, struct mkd_error *err);
/* Print "CMD: <message>"; returns EXIT_FAILURE_. */
int az_errorf(struct az_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print "CMD: <message>" and a hint to "help CMD"; returns EXIT_USAGE. */
int az_usage_error(struct az_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A warning that does not fail the command: "CMD: warning: <message>". */
void az_warn(struct az_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Why the memory behind err cannot be shown, as a note to put in the
 * output where the value would be: "<page filtered out: user>",
 * "<page not in dump>", "<not mapped>", "<page damaged>"...  err is the
 * error of a mkd_read_virt()/mkd_read_phys() at addr (virtual unless
 * phys); it is not destroyed.  Returns buf.
 */
const char *az_unreadable(struct az_ctx *ctx, const struct mkd_error *err,
			  uint64_t addr, bool phys, char *buf, size_t len);

/* ---- Options ---- */

struct az_option {
	const char *name;	/* as typed: "-T", "-16", "--all" */
	int id;			/* what az_getopt() returns for it; > 0 */
	bool has_arg;		/* takes the next word as its argument */
};

enum {
	AZ_OPT_END = 0,		/* no more options: operands are ready */
	AZ_OPT_HELP = -1,	/* --help was given and answered */
	AZ_OPT_ERROR = -2,	/* a bad option, reported */
};

struct az_getopt {
	struct az_ctx *ctx;
	const struct az_option *opts;	/* ended by a NULL name; may be NULL */
	const char *usage;	/* "rd [-p] ADDR [COUNT]\n\nwhat it does..." */
	int argc;
	char **argv;
	int next;		/* next word to look at */
	const char *arg;	/* the argument of the option just returned */
	char **operands;	/* after AZ_OPT_END: the operands, in order */
	int noperands;
};

/*
 * Parse argv (argv[0] is the command).  Options and operands may mix;
 * "--" ends the options.  --json (sets ctx->json) and -h/--help (prints
 * usage on ctx->out) are understood by every command.
 */
void az_getopt_init(struct az_getopt *g, struct az_ctx *ctx, int argc,
		    char **argv, const struct az_option *opts,
		    const char *usage);
/* The next option's id, or AZ_OPT_END / AZ_OPT_HELP / AZ_OPT_ERROR. */
int az_getopt(struct az_getopt *g);
/* What a command returns for a negative az_getopt() result. */
int az_getopt_exit(int c);

/*
 * True once the user pressed Ctrl-C during this command (interactive
 * sessions only): long loops stop early; the frame says so.
 */
bool az_interrupted(void);

/* ---- Values ---- */

/* A number (0x.., decimal, K/M/G suffix); false if it is not one. */
bool az_parse_u64(const char *s, uint64_t *value);
/*
 * An address: a number, a symbol name, or "symbol+offset".  Reports the
 * failure itself (usage error for a bad word, the lookup's error for an
 * unknown symbol) and returns its exit code; 0 on success.
 */
int az_parse_address(struct az_ctx *ctx, const char *word, uint64_t *addr);

/* "297.2 MB": bytes as crash writes sizes. */
void az_format_size(uint64_t bytes, char *buf, size_t len);

/* ---- The session (session.c, interactive.c) ---- */

struct az_session_options {
	const char *const *paths;	/* the dump files, one dump set */
	size_t npaths;
	const char *vmlinux;		/* --vmlinux, or NULL */
	bool json;			/* --json for every command */
};

/* The dump open in the session (completion needs it). */
struct mkd_dump *az_session_dump(struct az_session *s);
/* The dump file names, as given. */
const char *const *az_session_paths(struct az_session *s, size_t *n);
/* The --vmlinux file loaded, or NULL. */
const char *az_session_vmlinux(struct az_session *s);
/* Ask the session to end after this command (quit). */
void az_session_quit(struct az_session *s);
/* Run one line: "cmd args; cmd args | shell".  Returns the worst code. */
int az_session_run_line(struct az_session *s, const char *line);
/* Ctrl-C stops the running command instead of the session. */
void az_session_catch_interrupts(void);
/* Read the user's lines with readline until quit or end of input. */
int az_interactive(struct az_session *s);

/* ---- The commands, one file each, in name order ---- */

az_command_fn cmd_bt;
az_command_fn cmd_help;
az_command_fn cmd_kmem;
az_command_fn cmd_log;
az_command_fn cmd_mod;
az_command_fn cmd_ps;
az_command_fn cmd_quit;
az_command_fn cmd_rd;
az_command_fn cmd_struct;
az_command_fn cmd_sym;
az_command_fn cmd_sys;

#endif /* MKD_ANALYZE_H */
