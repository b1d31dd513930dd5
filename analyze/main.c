// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - mkdump-analyze: open a dump (set), load the extra symbol and
 * type sources asked for, then run commands from -c, -f, standard input
 * or the user's keyboard
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "session.h"

static const char *progname = "mkdump-analyze";

/* A -c or -f, in the order given. */
struct script {
	bool is_file;
	const char *text;	/* the commands, or the file's path */
};

struct args {
	const char *vmlinux;
	const char *system_map;
	bool json;
	struct script *scripts;
	int nscripts;
	char **dumps;
	int ndumps;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [--vmlinux FILE] [--system-map FILE] [--json]\n"
		"       [-c 'CMD; CMD...'] [-f SCRIPT] DUMP...\n\n"
		"Analyse a Linux kernel crash dump with no debuginfo package:\n"
		"symbols and types come from the dump.  Several DUMP files are\n"
		"one dump (a split set).  Without -c or -f, commands are read\n"
		"from standard input, interactively on a terminal.  'help'\n"
		"lists the commands; see mkdump-analyze(1).\n", progname);
}

static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
		{ "vmlinux", required_argument, NULL, 'V' },
		{ "system-map", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	a->scripts = calloc((size_t)argc, sizeof(*a->scripts));
	if (!a->scripts)
		return EXIT_FAILURE_;
	while ((c = getopt_long(argc, argv, "c:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'f':
			a->scripts[a->nscripts].is_file = c == 'f';
			a->scripts[a->nscripts++].text = optarg;
			break;
		case 'V': a->vmlinux = optarg; break;
		case 'S': a->system_map = optarg; break;
		case 'j': a->json = true; break;
		case 'h': usage(stdout); return -1;
		case 'v':
			printf("mkdump-analyze %d.%d\n", MKD_VERSION_MAJOR,
			       MKD_VERSION_MINOR);
			return -1;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	a->dumps = argv + optind;
	a->ndumps = argc - optind;
	if (!a->ndumps) {
		fprintf(stderr, "%s: no dump given\n", progname);
		usage(stderr);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int fail(struct mkd_error *err)
{
	int code = cli_exit_code(err);

	fprintf(stderr, "%s: %s\n", progname, mkd_error_message(err));
	mkd_error_destroy(err);
	return code;
}

/* The dump and the sources of symbols and types asked for. */
static int open_dump(const struct args *a, struct mkd_dump **dump)
{
	struct mkd_error *err;

	err = mkd_dump_open_files((const char *const *)a->dumps,
				  (size_t)a->ndumps, NULL, dump);
	if (err)
		return fail(err);
	if (a->system_map) {
		err = mkd_dump_load_system_map(*dump, a->system_map);
		if (err)
			return fail(err);
	}
	if (a->vmlinux) {
		err = mkd_dump_load_vmlinux(*dump, a->vmlinux);
		if (err)
			return fail(err);
	}
	return EXIT_OK;
}

static int run_file(struct az_session *s, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL;
	size_t cap = 0;

	if (!f) {
		fprintf(stderr, "%s: cannot open '%s': %m\n", progname, path);
		return EXIT_FAILURE_;
	}
	while (!az_session_done(s) && getline(&line, &cap, f) >= 0)
		az_session_run_line(s, line);
	free(line);
	if (f != stdin)
		fclose(f);
	return EXIT_OK;
}

static int run_scripts(struct az_session *s, const struct args *a)
{
	int i, rc = EXIT_OK;

	if (!a->nscripts && isatty(STDIN_FILENO)) {
		/* As crash does: the summary first, then the prompt. */
		az_session_catch_interrupts();
		az_session_run_line(s, "sys");
		return az_interactive(s);
	}
	if (!a->nscripts)
		rc = run_file(s, "-");
	for (i = 0; i < a->nscripts && !az_session_done(s); i++) {
		if (a->scripts[i].is_file)
			rc = run_file(s, a->scripts[i].text);
		else
			az_session_run_line(s, a->scripts[i].text);
		if (rc)
			break;
	}
	return rc ? rc : az_session_status(s);
}

int main(int argc, char **argv)
{
	struct az_session_options so = { 0 };
	struct mkd_dump *dump = NULL;
	struct az_session *s;
	struct args a = { 0 };
	int rc;

	rc = parse_args(argc, argv, &a);
	if (rc)
		goto out_args;
	rc = open_dump(&a, &dump);
	if (rc)
		goto out_dump;
	/* A reader that quits early (| head) must not kill the session. */
	signal(SIGPIPE, SIG_IGN);
	so.paths = (const char *const *)a.dumps;
	so.npaths = (size_t)a.ndumps;
	so.json = a.json;
	so.vmlinux = a.vmlinux;
	s = az_session_create(dump, &so);
	if (!s) {
		fprintf(stderr, "%s: out of memory\n", progname);
		rc = EXIT_FAILURE_;
		goto out_dump;
	}
	rc = run_scripts(s, &a);
	az_session_destroy(s);
out_dump:
	mkd_dump_destroy(dump);
out_args:
	free(a.scripts);
	return rc < 0 ? EXIT_OK : rc;
}
