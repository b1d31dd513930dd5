// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-log.c - log [-T] [-m]: the kernel log as dmesg shows it, with
 * wall-clock times on request.  Records the dump lacks are counted and
 * said at the end, never dropped silently.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "analyze.h"

static const char usage[] =
	"log [-T] [-m] [--json]\n\n"
	"The kernel log (printk ring buffer), oldest first, each line\n"
	"prefixed with its timestamp, seconds since boot, as dmesg prints it.\n"
	"  -T  wall-clock times (UTC): the boot time from the dump's\n"
	"      timekeeper (time of day minus uptime at the crash) plus the\n"
	"      record's timestamp\n"
	"  -m  the message level, as <N>, after the timestamp";

enum { OPT_T = 1, OPT_M };

static const struct az_option opts[] = {
	{ "-T", OPT_T, false },
	{ "-m", OPT_M, false },
	{ NULL, 0, false },
};

struct log_out {
	struct az_ctx *ctx;
	bool wall, level;
	int64_t boot_ns;	/* wall-clock time at boot, for -T */
};

static void format_prefix(const struct log_out *lo,
			  const struct mkd_log_record *rec, char *buf,
			  size_t len)
{
	int n;

	if (lo->wall) {
		int64_t ns = lo->boot_ns + (int64_t)rec->ts_nsec;
		time_t t = (time_t)(ns / 1000000000);
		struct tm tm;

		if (gmtime_r(&t, &tm))
			n = (int)strftime(buf, len,
					  "[%a %b %e %H:%M:%S UTC %Y] ", &tm);
		else
			n = snprintf(buf, len, "[%" PRId64 "] ", ns);
	} else
		n = snprintf(buf, len, "[%5" PRIu64 ".%06" PRIu64 "] ",
			     rec->ts_nsec / 1000000000,
			     rec->ts_nsec % 1000000000 / 1000);
	if (lo->level && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "<%u>", rec->level);
}

/*
 * Every line of a record gets the prefix, as the kernel's syslog (and so
 * dmesg) writes them; a text that ends in a newline ends with an empty
 * prefixed line.
 */
static void print_text(const struct log_out *lo,
		       const struct mkd_log_record *rec)
{
	const char *p = rec->text, *end = rec->text + rec->text_len;
	char prefix[80];

	format_prefix(lo, rec, prefix, sizeof(prefix));
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		fprintf(lo->ctx->out, "%s%.*s\n", prefix, (int)len, p);
		if (!nl)
			break;
		p = nl + 1;
	}
}

static void print_json(const struct log_out *lo,
		       const struct mkd_log_record *rec)
{
	struct json *j = &lo->ctx->js;

	json_begin_object(j, NULL);
	json_uint(j, "seq", rec->seq);
	json_uint(j, "ts_nsec", rec->ts_nsec);
	if (lo->wall)
		json_int(j, "time_ns", lo->boot_ns + (int64_t)rec->ts_nsec);
	json_uint(j, "level", rec->level);
	json_uint(j, "facility", rec->facility);
	json_uint(j, "caller_id", rec->caller_id);
	json_string_len(j, "text", rec->text, rec->text_len);
	json_end_object(j);
}

static int print_record(const struct mkd_log_record *rec, void *arg)
{
	const struct log_out *lo = arg;

	if (lo->ctx->json)
		print_json(lo, rec);
	else
		print_text(lo, rec);
	return az_interrupted();
}

static int parse(struct az_ctx *ctx, int argc, char **argv,
		 struct log_out *lo)
{
	struct az_getopt g;
	int c;

	az_getopt_init(&g, ctx, argc, argv, opts, usage);
	while ((c = az_getopt(&g)) > 0)
		if (c == OPT_T)
			lo->wall = true;
		else if (c == OPT_M)
			lo->level = true;
	if (c < 0)
		return az_getopt_exit(c);
	if (g.noperands)
		return az_usage_error(ctx, "no operands expected");
	return EXIT_OK;
}

static int boot_time(struct az_ctx *ctx, struct log_out *lo)
{
	struct mkd_kernel_clock clock = { .size = sizeof(clock) };
	struct mkd_error *err = mkd_kernel_clock(ctx->dump, &clock);

	if (err)
		return az_fail(ctx, err);
	lo->boot_ns = clock.boot_realtime_ns;
	return EXIT_OK;
}

int cmd_log(struct az_ctx *ctx, int argc, char **argv)
{
	struct log_out lo = { .ctx = ctx };
	struct mkd_error *err;
	uint64_t skipped = 0;
	int rc;

	rc = parse(ctx, argc, argv, &lo);
	if (!rc && lo.wall)
		rc = boot_time(ctx, &lo);
	if (rc)
		return rc;
	if (ctx->json) {
		json_begin_object(&ctx->js, NULL);
		if (lo.wall)
			json_int(&ctx->js, "boot_time_ns", lo.boot_ns);
		json_begin_array(&ctx->js, "records");
	}
	err = mkd_log_iterate(ctx->dump, print_record, &lo, &skipped);
	if (ctx->json) {
		json_end_array(&ctx->js);
		json_uint(&ctx->js, "missing_records", skipped);
		json_end_object(&ctx->js);
		json_finish(&ctx->js);
	} else if (skipped)
		fprintf(ctx->out, "<%" PRIu64 " log records missing from the "
			"dump (filtered or damaged pages)>\n", skipped);
	return err ? az_fail(ctx, err) : EXIT_OK;
}
