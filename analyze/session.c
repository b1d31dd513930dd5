// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * session.c - one analysis session: the open dump, lines split into
 * commands ("cmd args; cmd args | shell"), each run with a fresh context,
 * and the session's exit status (the first failing command's code)
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "session.h"

/* A signal handler can only leave a mark: the one global of the frame. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	interrupted = 1;
}

void az_session_catch_interrupts(void)
{
	struct sigaction sa = { .sa_handler = on_interrupt };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
}

bool az_interrupted(void)
{
	return interrupted;
}

struct az_session *az_session_create(struct mkd_dump *dump,
				     const struct az_session_options *opts)
{
	struct az_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->dump = dump;
	s->opts = *opts;
	return s;
}

void az_session_destroy(struct az_session *s)
{
	free(s);
}

struct mkd_dump *az_session_dump(struct az_session *s)
{
	return s->dump;
}

const char *const *az_session_paths(struct az_session *s, size_t *n)
{
	*n = s->opts.npaths;
	return s->opts.paths;
}

const char *az_session_vmlinux(struct az_session *s)
{
	return s->opts.vmlinux;
}

void az_session_quit(struct az_session *s)
{
	s->quit = true;
}

bool az_session_done(const struct az_session *s)
{
	return s->quit;
}

int az_session_status(const struct az_session *s)
{
	return s->status;
}

/*
 * One command of a line, split into words in place.  Quotes ('...',
 * "...") and backslash work as in the shell; an unquoted ';' or newline
 * ends the command, an unquoted '|' sends its output to the shell
 * command that follows (up to the next ';'), '#' at the start of a word
 * begins a comment.
 */
struct split {
	char *words;		/* room for every word, each NUL-ended */
	char **argv;		/* room for every word pointer + NULL */
	int argc;
	char *pipe;		/* the shell command after '|', or NULL */
};

/* Copy the shell text after '|' up to an unquoted ';' or newline. */
static const char *take_pipe(const char *p, char *out, char **pipe)
{
	char quote = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	*pipe = out;
	for (; *p; p++) {
		if (!quote && (*p == ';' || *p == '\n'))
			break;
		if (quote && *p == quote)
			quote = 0;
		else if (!quote && (*p == '\'' || *p == '"'))
			quote = *p;
		*out++ = *p;
	}
	*out = '\0';
	return p;
}

static bool ends_word(char c)
{
	return c == ' ' || c == '\t' || c == ';' || c == '\n' || c == '|';
}

/* One word at p (not at a separator); returns the end. */
static const char *take_word(const char *p, char **out)
{
	char quote = 0;
	char *o = *out;

	for (; *p && (quote || !ends_word(*p)); p++) {
		if (quote && *p == quote)
			quote = 0;
		else if (!quote && (*p == '\'' || *p == '"'))
			quote = *p;
		else if (*p == '\\' && p[1] && quote != '\'')
			*o++ = *++p;
		else
			*o++ = *p;
	}
	*o++ = '\0';
	*out = o;
	return p;
}

static const char *split_command(const char *p, struct split *sp)
{
	char *o = sp->words;

	sp->argc = 0;
	sp->pipe = NULL;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == ';' || *p == '\n')
			break;
		if (*p == '#') {
			p += strcspn(p, "\n");
			break;
		}
		if (*p == '|') {
			p = take_pipe(p + 1, o, &sp->pipe);
			break;
		}
		sp->argv[sp->argc++] = o;
		p = take_word(p, &o);
	}
	sp->argv[sp->argc] = NULL;
	return *p ? p + 1 : p;
}

static const char *const aliases[][2] = {
	{ "q", "quit" }, { "exit", "quit" }, { "?", "help" },
};

const struct az_command *az_command_find(const char *name)
{
	const struct az_command *c;
	size_t i;

	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcmp(name, aliases[i][0]))
			name = aliases[i][1];
	for (c = az_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static FILE *open_pipe(struct az_ctx *ctx, const char *shell)
{
	FILE *f;

	if (!*shell) {
		az_usage_error(ctx, "nothing after '|'");
		return NULL;
	}
	fflush(stdout);
	f = popen(shell, "w");
	if (!f)
		az_errorf(ctx, "cannot run '%s': %m", shell);
	return f;
}

static int run_command(struct az_session *s, struct split *sp)
{
	struct az_ctx ctx = {
		.dump = s->dump,
		.out = stdout,
		.json = s->opts.json,
		.cmd = sp->argv[0],
		.session = s,
	};
	const struct az_command *c = az_command_find(sp->argv[0]);
	int rc;

	if (!c) {
		ctx.cmd = NULL;
		return az_usage_error(&ctx, "'%s' is not a command", sp->argv[0]);
	}
	ctx.cmd = c->name;
	if (!s->dump && !(c->flags & AZ_NO_DUMP))
		return az_errorf(&ctx, "no dump is open");
	if (sp->pipe && !(ctx.out = open_pipe(&ctx, sp->pipe)))
		return EXIT_FAILURE_;
	json_init(&ctx.js, ctx.out);
	interrupted = 0;
	rc = c->run(&ctx, sp->argc, sp->argv);
	fflush(ctx.out);
	if (sp->pipe)
		pclose(ctx.out);
	if (interrupted) {
		interrupted = 0;
		fprintf(stderr, "%s: interrupted\n", c->name);
		if (!rc)
			rc = EXIT_FAILURE_;
	}
	return rc;
}

int az_session_run_line(struct az_session *s, const char *line)
{
	size_t len = strlen(line);
	struct split sp;
	const char *p = line;
	int worst = EXIT_OK;

	/* A word takes at least one byte and one separator or the end. */
	sp.words = malloc(len + 2);
	sp.argv = calloc(len / 2 + 2, sizeof(*sp.argv));
	if (!sp.words || !sp.argv) {
		fprintf(stderr, "mkdump-analyze: out of memory\n");
		worst = EXIT_FAILURE_;
		goto out_free;
	}
	while (*p && !s->quit) {
		int rc;

		p = split_command(p, &sp);
		if (!sp.argc)
			continue;
		rc = run_command(s, &sp);
		if (rc && !worst)
			worst = rc;
		if (rc && !s->status)
			s->status = rc;
	}
out_free:
	free(sp.words);
	free(sp.argv);
	return worst;
}
