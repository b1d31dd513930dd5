// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd-help.c - help [CMD]: the command table, or one command's usage */
#include "analyze.h"

static const char usage[] =
	"help [COMMAND]\n\n"
	"Without COMMAND, list the commands; with one, describe it\n"
	"(the same as 'COMMAND --help').";

static void list_commands(struct az_ctx *ctx)
{
	const struct az_command *c;

	if (ctx->json) {
		json_begin_array(&ctx->js, NULL);
		for (c = az_commands; c->name; c++) {
			json_begin_object(&ctx->js, NULL);
			json_string(&ctx->js, "name", c->name);
			json_string(&ctx->js, "summary", c->summary);
			json_end_object(&ctx->js);
		}
		json_end_array(&ctx->js);
		json_finish(&ctx->js);
		return;
	}
	fprintf(ctx->out, "commands:\n");
	for (c = az_commands; c->name; c++)
		fprintf(ctx->out, "  %-8s %s\n", c->name, c->summary);
	fprintf(ctx->out, "\n'help COMMAND' or 'COMMAND --help' describes "
		"one; --json after any command writes JSON.\n");
}

int cmd_help(struct az_ctx *ctx, int argc, char **argv)
{
	const struct az_command *c;
	struct az_getopt g;
	char *help_argv[] = { NULL, "--help", NULL };
	int o;

	az_getopt_init(&g, ctx, argc, argv, NULL, usage);
	while ((o = az_getopt(&g)) > 0)
		;
	if (o < 0)
		return az_getopt_exit(o);
	if (g.noperands > 1)
		return az_usage_error(ctx, "one command at a time");
	if (!g.noperands) {
		list_commands(ctx);
		return EXIT_OK;
	}
	c = az_command_find(g.operands[0]);
	if (!c)
		return az_usage_error(ctx, "'%s' is not a command",
				      g.operands[0]);
	help_argv[0] = (char *)c->name;
	ctx->cmd = c->name;
	return c->run(ctx, 2, help_argv);
}

int cmd_quit(struct az_ctx *ctx, int argc, char **argv)
{
	struct az_getopt g;
	int o;

	az_getopt_init(&g, ctx, argc, argv, NULL, "quit\n\nEnd the session.");
	while ((o = az_getopt(&g)) > 0)
		;
	if (o < 0)
		return az_getopt_exit(o);
	az_session_quit(ctx->session);
	return EXIT_OK;
}
