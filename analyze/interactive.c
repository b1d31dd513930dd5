// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * interactive.c - the readline loop: prompt, history in ~/.mkdump_history,
 * completion of command names (first word), struct names (after
 * "struct") and kernel symbol names (elsewhere).
 *
 * readline's completion callbacks take no user pointer, so the state they
 * need lives in one file-static struct, set while az_interactive() runs.
 */
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "analyze.h"
#include "complete.h"
#include "session.h"

#define HISTORY_LINES 1000

static struct {
	struct az_session *session;
	struct az_names symbols;	/* built on the first completion */
	struct az_names types;
	bool symbols_tried, types_tried;
	const char *const *list;	/* what the generator walks */
	size_t count, next;
	size_t next_command;
} comp;

static char *history_path(void)
{
	const char *home = getenv("HOME");
	char *path;

	if (!home || !*home)
		return NULL;
	if (asprintf(&path, "%s/.mkdump_history", home) < 0)
		return NULL;
	return path;
}

static char *command_generator(const char *text, int state)
{
	const struct az_command *c;
	size_t len = strlen(text);

	if (!state)
		comp.next_command = 0;
	while ((c = &az_commands[comp.next_command])->name) {
		comp.next_command++;
		if (!strncmp(c->name, text, len))
			return strdup(c->name);
	}
	return NULL;
}

/* Names from a sorted list that start with the text. */
static char *list_generator(const char *text, int state)
{
	size_t len = strlen(text);

	if (!state)
		comp.next = az_names_lower_bound(comp.list, comp.count, text);
	if (comp.next < comp.count &&
	    !strncmp(comp.list[comp.next], text, len))
		return strdup(comp.list[comp.next++]);
	return NULL;
}

static bool first_word_is(const char *word)
{
	size_t n = strlen(word);
	const char *p = rl_line_buffer;

	while (*p == ' ')
		p++;
	return !strncmp(p, word, n) && (p[n] == ' ' || p[n] == '\t');
}

static char **complete(const char *text, int start, int end)
{
	struct mkd_dump *dump = az_session_dump(comp.session);
	struct az_names *names = &comp.symbols;

	rl_attempted_completion_over = 1;
	if (strspn(rl_line_buffer, " \t") >= (size_t)start)
		return rl_completion_matches(text, command_generator);
	if (!dump)
		return NULL;
	if (first_word_is("struct")) {
		if (!comp.types_tried)
			az_names_types(dump, &comp.types);
		comp.types_tried = true;
		names = &comp.types;
	} else {
		if (!comp.symbols_tried)
			az_names_symbols(dump, &comp.symbols);
		comp.symbols_tried = true;
	}
	comp.list = (const char *const *)names->names;
	comp.count = names->count;
	return rl_completion_matches(text, list_generator);
}

int az_interactive(struct az_session *s)
{
	char *hist = history_path();
	char *line = NULL;
	bool eof = false;

	comp.session = s;
	az_session_catch_interrupts();
	rl_readline_name = "mkdump-analyze";
	rl_attempted_completion_function = complete;
	stifle_history(HISTORY_LINES);
	if (hist)
		read_history(hist);
	while (!az_session_done(s)) {
		line = readline("mkdump> ");
		if (!line) {
			eof = true;
			break;
		}
		if (line[strspn(line, " \t")])
			add_history(line);
		az_session_run_line(s, line);
		free(line);
	}
	if (eof)
		putchar('\n');
	if (hist && write_history(hist))
		fprintf(stderr, "mkdump-analyze: cannot write '%s'\n", hist);
	free(hist);
	az_names_free(&comp.symbols);
	az_names_free(&comp.types);
	return az_session_status(s);
}
