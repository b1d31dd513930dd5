// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-sys.c - sys: what the dump is and the kernel's state at the crash
 * (release, clock, load, CPUs, memory, panic message), laid out as crash
 * does.  A value that cannot be read says why where it would be.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze.h"

static const char usage[] =
	"sys [--json]\n\n"
	"The dump file(s) and format, and the crashed kernel's release,\n"
	"version, machine, node name, time of the crash, uptime, load\n"
	"averages, CPUs, tasks, memory and panic message.  MEMORY is the RAM the\n"
	"kernel's zones hold (as crash shows it), then MemTotal: that less\n"
	"what the kernel reserved (its image, crashkernel=...).";

/* A value, or why it is missing (then msg is set and owned). */
struct field {
	bool ok;
	char *msg;
};

struct sys_info {
	struct mkd_uts uts;
	struct field uts_f;
	struct mkd_kernel_clock clock;
	struct field clock_f;
	int64_t crash_sec;
	const char *crash_source;	/* "dump header", "timekeeper" */
	uint64_t avenrun[3];
	struct field load_f;
	uint32_t cpus[4];		/* enum mkd_cpu_mask */
	struct field cpus_f;
	struct mkd_meminfo mem;
	struct field mem_f;
	uint64_t tasks;			/* every thread, idle tasks too */
	uint64_t task_notes;		/* parts of the walk it could not read */
	struct field tasks_f;
	char *panic;			/* the panic line, or NULL */
	const char *panic_source;	/* "dump header", "kernel log" */
	struct field panic_f;
};

static void set_field(struct field *f, struct mkd_error *err)
{
	f->ok = !err;
	f->msg = NULL;
	if (err) {
		f->msg = strdup(mkd_error_message(err));
		mkd_error_destroy(err);
	}
}

/* The log line that says why the kernel died, the last one wins. */
static const char *const panic_prefixes[] = {
	"Kernel panic - not syncing: ", "BUG: ", "Oops: ",
	"general protection fault", "kernel BUG at ",
};

static int find_panic(const struct mkd_log_record *rec, void *arg)
{
	struct sys_info *si = arg;
	size_t i, n;

	for (i = 0; i < sizeof(panic_prefixes) / sizeof(*panic_prefixes); i++) {
		n = strlen(panic_prefixes[i]);
		if (rec->text_len < n || memcmp(rec->text, panic_prefixes[i], n))
			continue;
		/* A later "Kernel panic" line outranks an earlier Oops. */
		if (si->panic && i && !strncmp(si->panic, panic_prefixes[0],
					       strlen(panic_prefixes[0])))
			continue;
		free(si->panic);
		si->panic = strndup(rec->text, rec->text_len);
		break;
	}
	return 0;
}

static void read_panic(struct az_ctx *ctx, struct sys_info *si)
{
	const char *s = mkd_dump_panic_string(ctx->dump);
	struct mkd_error *err;

	if (s && *s) {
		si->panic = strdup(s);
		si->panic_source = "dump header";
		set_field(&si->panic_f, NULL);
		return;
	}
	err = mkd_log_iterate(ctx->dump, find_panic, si, NULL);
	si->panic_source = "kernel log";
	set_field(&si->panic_f, err);
}

static void read_cpus(struct az_ctx *ctx, struct sys_info *si)
{
	struct mkd_error *err = NULL;
	int i;

	for (i = 0; i <= MKD_CPUS_ACTIVE && !err; i++)
		err = mkd_kernel_cpu_count(ctx->dump, i, &si->cpus[i]);
	set_field(&si->cpus_f, err);
}

static int count_task(const struct mkd_task *task, void *arg)
{
	((struct sys_info *)arg)->tasks++;
	return 0;
}

static void count_task_note(const struct mkd_error *note, void *arg)
{
	((struct sys_info *)arg)->task_notes++;
}

static void gather(struct az_ctx *ctx, struct sys_info *si)
{
	si->uts.size = sizeof(si->uts);
	set_field(&si->uts_f, mkd_kernel_uts(ctx->dump, &si->uts));
	si->clock.size = sizeof(si->clock);
	set_field(&si->clock_f, mkd_kernel_clock(ctx->dump, &si->clock));
	if (mkd_dump_crash_time(ctx->dump, &si->crash_sec))
		si->crash_source = "dump header";
	else if (si->clock_f.ok) {
		si->crash_sec = si->clock.realtime_ns / 1000000000;
		si->crash_source = "timekeeper";
	}
	set_field(&si->load_f, mkd_kernel_loadavg(ctx->dump, si->avenrun));
	read_cpus(ctx, si);
	set_field(&si->tasks_f, mkd_task_iterate(ctx->dump, 0, count_task,
						 count_task_note, si));
	si->mem.size = sizeof(si->mem);
	set_field(&si->mem_f, mkd_kernel_meminfo(ctx->dump, &si->mem));
	read_panic(ctx, si);
}

static void release(struct sys_info *si)
{
	free(si->uts_f.msg);
	free(si->clock_f.msg);
	free(si->load_f.msg);
	free(si->cpus_f.msg);
	free(si->tasks_f.msg);
	free(si->mem_f.msg);
	free(si->panic_f.msg);
	free(si->panic);
}

/* "0.30" as /proc/loadavg rounds it. */
static void format_load(uint64_t v, char *buf, size_t len)
{
	uint64_t fixed1 = 1u << MKD_LOADAVG_SHIFT;

	v += fixed1 / 200;
	snprintf(buf, len, "%" PRIu64 ".%02" PRIu64, v >> MKD_LOADAVG_SHIFT,
		 ((v & (fixed1 - 1)) * 100) >> MKD_LOADAVG_SHIFT);
}

static void format_uptime(int64_t ns, char *buf, size_t len)
{
	int64_t s = ns / 1000000000;
	int64_t days = s / 86400;

	s %= 86400;
	if (days)
		snprintf(buf, len, "%" PRId64 " days, %02d:%02d:%02d", days,
			 (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
	else
		snprintf(buf, len, "%02d:%02d:%02d", (int)(s / 3600),
			 (int)(s / 60 % 60), (int)(s % 60));
}

static void format_date(int64_t sec, char *buf, size_t len)
{
	time_t t = (time_t)sec;
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, len, "%a %b %e %H:%M:%S UTC %Y", &tm))
		snprintf(buf, len, "%" PRId64 " seconds after the epoch", sec);
}

#define LINE(ctx, key, ...) do { \
	fprintf((ctx)->out, "%12s: ", key); \
	fprintf((ctx)->out, __VA_ARGS__); \
	fputc('\n', (ctx)->out); \
} while (0)

static void print_dump(struct az_ctx *ctx)
{
	size_t i, n;
	const char *const *paths = az_session_paths(ctx->session, &n);
	const char *container = mkd_dump_container(ctx->dump);
	int level = mkd_dump_level(ctx->dump);
	char what[128];

	const char *vmlinux = az_session_vmlinux(ctx->session);

	if (vmlinux)
		LINE(ctx, "KERNEL", "%s", vmlinux);
	else
		LINE(ctx, "KERNEL", "(none: symbols and types from the dump)");
	snprintf(what, sizeof(what), "%s%s%s", mkd_dump_format(ctx->dump),
		 container ? ", " : "", container ? container : "");
	if (level > 0)
		snprintf(what + strlen(what), sizeof(what) - strlen(what),
			 ", dump level %d: PARTIAL DUMP", level);
	for (i = 0; i < n; i++)
		LINE(ctx, i ? "" : n > 1 ? "DUMPFILES" : "DUMPFILE",
		     "%s%s%s%s", paths[i], i + 1 == n ? "  [" : "",
		     i + 1 == n ? what : "", i + 1 == n ? "]" : "");
	if (mkd_dump_incomplete(ctx->dump))
		LINE(ctx, "", "[INCOMPLETE: the dump was not finished]");
}

static const char *why(const struct field *f, char *buf, size_t len)
{
	snprintf(buf, len, "<unknown: %s>", f->msg ? f->msg : "not found");
	return buf;
}

static void print_time(struct az_ctx *ctx, const struct sys_info *si)
{
	char b[3][32], w[512];

	if (si->crash_source) {
		format_date(si->crash_sec, b[0], sizeof(b[0]));
		LINE(ctx, "DATE", "%s", b[0]);
	} else
		LINE(ctx, "DATE", "%s", why(&si->clock_f, w, sizeof(w)));
	if (si->clock_f.ok) {
		format_uptime(si->clock.boottime_ns, b[0], sizeof(b[0]));
		LINE(ctx, "UPTIME", "%s", b[0]);
	} else
		LINE(ctx, "UPTIME", "%s", why(&si->clock_f, w, sizeof(w)));
	if (si->load_f.ok) {
		format_load(si->avenrun[0], b[0], sizeof(b[0]));
		format_load(si->avenrun[1], b[1], sizeof(b[1]));
		format_load(si->avenrun[2], b[2], sizeof(b[2]));
		LINE(ctx, "LOAD AVERAGE", "%s, %s, %s", b[0], b[1], b[2]);
	} else
		LINE(ctx, "LOAD AVERAGE", "%s", why(&si->load_f, w, sizeof(w)));
	if (!si->tasks_f.ok)
		LINE(ctx, "TASKS", "%s", why(&si->tasks_f, w, sizeof(w)));
	else if (si->task_notes)
		LINE(ctx, "TASKS", "%" PRIu64 " or more  [%" PRIu64
		     " parts of the task lists unreadable]", si->tasks,
		     si->task_notes);
	else
		LINE(ctx, "TASKS", "%" PRIu64, si->tasks);
}

static void print_uts(struct az_ctx *ctx, const struct sys_info *si)
{
	const char *r = mkd_dump_kernel_release(ctx->dump);
	char w[512];

	if (si->uts_f.ok) {
		LINE(ctx, "NODENAME", "%s", si->uts.nodename);
		LINE(ctx, "RELEASE", "%s", si->uts.release);
		LINE(ctx, "VERSION", "%s", si->uts.version);
		LINE(ctx, "MACHINE", "%s", si->uts.machine);
		return;
	}
	/* VMCOREINFO's OSRELEASE still names the kernel. */
	LINE(ctx, "NODENAME", "%s", why(&si->uts_f, w, sizeof(w)));
	LINE(ctx, "RELEASE", "%s", r ? r : w);
	LINE(ctx, "VERSION", "%s", w);
	LINE(ctx, "MACHINE", "%s", w);
}

static void print_text(struct az_ctx *ctx, const struct sys_info *si)
{
	char b[2][32], w[512];

	print_dump(ctx);
	if (si->cpus_f.ok)
		LINE(ctx, "CPUS", "%u  [%u present, %u possible]",
		     si->cpus[MKD_CPUS_ONLINE], si->cpus[MKD_CPUS_PRESENT],
		     si->cpus[MKD_CPUS_POSSIBLE]);
	else
		LINE(ctx, "CPUS", "%s", why(&si->cpus_f, w, sizeof(w)));
	print_time(ctx, si);
	print_uts(ctx, si);
	if (si->mem_f.ok) {
		az_format_size(si->mem.total * si->mem.page_size, b[0],
			       sizeof(b[0]));
		az_format_size(si->mem.present * si->mem.page_size, b[1],
			       sizeof(b[1]));
		LINE(ctx, "MEMORY", "%s  [MemTotal %s]", b[1], b[0]);
	} else
		LINE(ctx, "MEMORY", "%s", why(&si->mem_f, w, sizeof(w)));
	if (si->panic)
		LINE(ctx, "PANIC", "\"%s\"", si->panic);
	else if (si->panic_f.ok)
		LINE(ctx, "PANIC", "(none in the %s)", si->panic_source);
	else
		LINE(ctx, "PANIC", "%s", why(&si->panic_f, w, sizeof(w)));
}

/* A missing group: null, and why in "errors". */
static bool json_missing(struct az_ctx *ctx, const char *key,
			 const struct field *f)
{
	if (f->ok)
		return false;
	json_null(&ctx->js, key);
	return true;
}

static void json_errors(struct az_ctx *ctx, const struct sys_info *si)
{
	static const char *const keys[] = {
		"utsname", "clock", "load_average", "cpus", "tasks", "memory",
		"panic",
	};
	const struct field *f[] = {
		&si->uts_f, &si->clock_f, &si->load_f, &si->cpus_f,
		&si->tasks_f, &si->mem_f, &si->panic_f,
	};
	size_t i;

	json_begin_object(&ctx->js, "errors");
	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if (!f[i]->ok)
			json_string(&ctx->js, keys[i], f[i]->msg);
	json_end_object(&ctx->js);
}

static void json_dump(struct az_ctx *ctx)
{
	size_t i, n;
	const char *const *paths = az_session_paths(ctx->session, &n);

	json_string(&ctx->js, "vmlinux", az_session_vmlinux(ctx->session));
	json_begin_array(&ctx->js, "dump_files");
	for (i = 0; i < n; i++)
		json_string(&ctx->js, NULL, paths[i]);
	json_end_array(&ctx->js);
	json_string(&ctx->js, "format", mkd_dump_format(ctx->dump));
	json_string(&ctx->js, "container", mkd_dump_container(ctx->dump));
	json_int(&ctx->js, "dump_level", mkd_dump_level(ctx->dump));
	json_bool(&ctx->js, "incomplete", mkd_dump_incomplete(ctx->dump));
}

static void json_kernel(struct az_ctx *ctx, const struct sys_info *si)
{
	int i;
	char b[32];

	if (!json_missing(ctx, "utsname", &si->uts_f)) {
		json_begin_object(&ctx->js, "utsname");
		json_string(&ctx->js, "sysname", si->uts.sysname);
		json_string(&ctx->js, "nodename", si->uts.nodename);
		json_string(&ctx->js, "release", si->uts.release);
		json_string(&ctx->js, "version", si->uts.version);
		json_string(&ctx->js, "machine", si->uts.machine);
		json_string(&ctx->js, "domainname", si->uts.domainname);
		json_end_object(&ctx->js);
	}
	if (!json_missing(ctx, "cpus", &si->cpus_f)) {
		json_begin_object(&ctx->js, "cpus");
		json_uint(&ctx->js, "online", si->cpus[MKD_CPUS_ONLINE]);
		json_uint(&ctx->js, "present", si->cpus[MKD_CPUS_PRESENT]);
		json_uint(&ctx->js, "possible", si->cpus[MKD_CPUS_POSSIBLE]);
		json_uint(&ctx->js, "active", si->cpus[MKD_CPUS_ACTIVE]);
		json_end_object(&ctx->js);
	}
	if (!json_missing(ctx, "tasks", &si->tasks_f)) {
		json_begin_object(&ctx->js, "tasks");
		json_uint(&ctx->js, "count", si->tasks);
		json_uint(&ctx->js, "unreadable_parts", si->task_notes);
		json_end_object(&ctx->js);
	}
	if (!json_missing(ctx, "load_average", &si->load_f)) {
		json_begin_array(&ctx->js, "load_average");
		for (i = 0; i < 3; i++) {
			format_load(si->avenrun[i], b, sizeof(b));
			json_number(&ctx->js, NULL, b);
		}
		json_end_array(&ctx->js);
	}
}

static void json_state(struct az_ctx *ctx, const struct sys_info *si)
{
	if (si->crash_source) {
		json_int(&ctx->js, "crash_time", si->crash_sec);
		json_string(&ctx->js, "crash_time_source", si->crash_source);
	} else
		json_null(&ctx->js, "crash_time");
	if (!json_missing(ctx, "uptime_ns", &si->clock_f)) {
		json_int(&ctx->js, "uptime_ns", si->clock.boottime_ns);
		json_int(&ctx->js, "boot_time_ns", si->clock.boot_realtime_ns);
	}
	if (!json_missing(ctx, "memory", &si->mem_f)) {
		json_begin_object(&ctx->js, "memory");
		json_uint(&ctx->js, "page_size", si->mem.page_size);
		json_uint(&ctx->js, "total_pages", si->mem.total);
		json_uint(&ctx->js, "present_pages", si->mem.present);
		json_end_object(&ctx->js);
	}
	if (si->panic_f.ok) {
		json_string(&ctx->js, "panic", si->panic);
		json_string(&ctx->js, "panic_source", si->panic_source);
	} else
		json_null(&ctx->js, "panic");
}

static void print_json(struct az_ctx *ctx, const struct sys_info *si)
{
	json_begin_object(&ctx->js, NULL);
	json_dump(ctx);
	json_kernel(ctx, si);
	json_state(ctx, si);
	json_errors(ctx, si);
	json_end_object(&ctx->js);
	json_finish(&ctx->js);
}

int cmd_sys(struct az_ctx *ctx, int argc, char **argv)
{
	struct sys_info si = { 0 };
	struct az_getopt g;
	int c;

	az_getopt_init(&g, ctx, argc, argv, NULL, usage);
	while ((c = az_getopt(&g)) > 0)
		;
	if (c < 0)
		return az_getopt_exit(c);
	if (g.noperands)
		return az_usage_error(ctx, "no operands expected");
	gather(ctx, &si);
	if (ctx->json)
		print_json(ctx, &si);
	else
		print_text(ctx, &si);
	release(&si);
	return EXIT_OK;
}
