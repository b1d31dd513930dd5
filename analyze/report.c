// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.c - how commands report: errors and warnings on stderr, and
 * notes in the output for what cannot be shown
 */
#include <stdarg.h>

#include "analyze.h"

static void vreport(struct az_ctx *ctx, const char *what, const char *fmt,
		    va_list ap)
{
	fflush(ctx->out);
	fprintf(stderr, "%s: %s", ctx->cmd ? ctx->cmd : "mkdump-analyze",
		what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int az_fail(struct az_ctx *ctx, struct mkd_error *err)
{
	int code = cli_exit_code(err);

	/*
	 * A command's bad argument is a failure, not a bad command line;
	 * "not a dump" is for opening one.  Damaged and incomplete stand.
	 */
	if (code == EXIT_USAGE || code == EXIT_NOT_DUMP)
		code = EXIT_FAILURE_;
	fflush(ctx->out);
	fprintf(stderr, "%s: %s\n", ctx->cmd ? ctx->cmd : "mkdump-analyze",
		mkd_error_message(err));
	mkd_error_destroy(err);
	return code;
}

int az_errorf(struct az_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ctx, "", fmt, ap);
	va_end(ap);
	return EXIT_FAILURE_;
}

int az_usage_error(struct az_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ctx, "", fmt, ap);
	va_end(ap);
	if (ctx->cmd)
		fprintf(stderr, "Try 'help %s'.\n", ctx->cmd);
	else
		fprintf(stderr, "Try 'help'.\n");
	return EXIT_USAGE;
}

void az_warn(struct az_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ctx, "warning: ", fmt, ap);
	va_end(ap);
}

/* The note for a page that the dump does not hold. */
static const char *page_note(struct az_ctx *ctx, uint64_t paddr, char *buf,
			     size_t len)
{
	struct mkd_page_run run;
	struct mkd_error *err;
	uint32_t psize = mkd_dump_page_size(ctx->dump);

	err = mkd_page_state(ctx->dump, paddr / (psize ? psize : 4096), &run);
	if (err) {
		mkd_error_destroy(err);
		snprintf(buf, len, "<page not in dump>");
		return buf;
	}
	switch (run.state) {
	case MKD_PAGE_FILTERED:
		if (run.reason == MKD_FILTER_UNKNOWN)
			snprintf(buf, len, "<page filtered out>");
		else
			snprintf(buf, len, "<page filtered out: %s>",
				 mkd_filter_reason_name(run.reason));
		break;
	case MKD_PAGE_LOST:
		snprintf(buf, len, "<page lost by the dump>");
		break;
	case MKD_PAGE_DAMAGED:
		snprintf(buf, len, "<page damaged>");
		break;
	default:
		snprintf(buf, len, "<page not in dump>");
		break;
	}
	return buf;
}

const char *az_unreadable(struct az_ctx *ctx, const struct mkd_error *err,
			  uint64_t addr, bool phys, char *buf, size_t len)
{
	struct mkd_error *e;
	uint64_t paddr = addr;

	switch (mkd_error_code(err)) {
	case MKD_ERR_NO_TRANSLATION:
		snprintf(buf, len, "<not mapped>");
		return buf;
	case MKD_ERR_CORRUPT:
		snprintf(buf, len, "<page damaged>");
		return buf;
	case MKD_ERR_TRUNCATED:
		snprintf(buf, len, "<beyond the end of a cut dump>");
		return buf;
	case MKD_ERR_NO_DATA:
		break;
	default:
		snprintf(buf, len, "<unreadable: %s>", mkd_error_message(err));
		return buf;
	}
	if (!phys) {
		e = mkd_vtop(ctx->dump, addr, &paddr);
		if (e) {
			mkd_error_destroy(e);
			snprintf(buf, len, "<page table not in dump>");
			return buf;
		}
	}
	return page_note(ctx, paddr, buf, len);
}
