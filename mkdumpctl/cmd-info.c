// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd-info.c - mkdumpctl info: what a dump is and what it holds */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

static const char info_help[] =
"usage: mkdumpctl info [--json] [--set] DUMP...\n"
"\n"
"Describe each DUMP: format, codecs, kernel release, architecture, page\n"
"size, CPUs, RAM ranges, pages by state, dump level, crash time and the\n"
"panic message when the format records one.\n"
"\n"
"  -j, --json   one JSON object per dump (an array if several)\n"
"  -s, --set    the files are one dump split into parts\n"
"  -h, --help   this text\n";

struct info {
	const char *path;
	uint64_t states[MKD_PAGE_STATE_COUNT];
	uint64_t reasons[MKD_FILTER_REASON_COUNT];
};

static struct mkd_error *count_pages(struct mkd_dump *dump, struct info *in)
{
	uint64_t pfn = 0, max = mkd_dump_max_pfn(dump);

	while (pfn < max) {
		struct mkd_page_run run;
		struct mkd_error *err = mkd_page_state(dump, pfn, &run);

		if (err)
			return err;
		if (run.count > max - pfn)
			run.count = max - pfn;
		in->states[run.state] += run.count;
		if (run.state == MKD_PAGE_FILTERED)
			in->reasons[run.reason] += run.count;
		pfn += run.count;
	}
	return NULL;
}

static uint64_t ram_bytes(struct mkd_dump *dump)
{
	const struct mkd_range *r = mkd_dump_ram_ranges(dump);
	size_t i, n = mkd_dump_ram_range_count(dump);
	uint64_t total = 0;

	for (i = 0; i < n; i++)
		total += r[i].end - r[i].start;
	return total;
}

static void format_time(int64_t secs, char *buf, size_t size)
{
	time_t t = (time_t)secs;
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "%" PRId64, secs);
}

/* Translation facts; false (and nothing printed) when unavailable. */
static bool vm_info(struct mkd_dump *dump, struct mkd_vm_info *vm)
{
	struct mkd_error *err;

	memset(vm, 0, sizeof(*vm));
	vm->size = sizeof(*vm);
	err = mkd_dump_vm_info(dump, vm);
	mkd_error_destroy(err);
	return err == NULL;
}

/*
 * The value of key in the dump's capture info, copied into buf; false if
 * it is not there.
 */
static bool capture_get(struct mkd_dump *dump, const char *key, char *buf,
			size_t size)
{
	size_t len, klen = strlen(key);
	const char *p = mkd_dump_capture_info(dump, &len), *end;

	for (end = p ? p + len : NULL; p && p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > klen && !memcmp(p, key, klen) &&
		    p[klen] == '=') {
			snprintf(buf, size, "%.*s", (int)(eol - p - klen - 1),
				 p + klen + 1);
			return true;
		}
		p = eol + 1;
	}
	return false;
}

/* capture --limit: the levels asked and used, and why (mkd only). */
struct fallback {
	char limit[32], levels[64], asked[16], used[16], why[512];
};

static bool get_fallback(struct mkd_dump *dump, struct fallback *f)
{
	if (!capture_get(dump, "limit", f->limit, sizeof(f->limit)))
		return false;
	if (!capture_get(dump, "dump_levels", f->levels, sizeof(f->levels)))
		f->levels[0] = '\0';
	if (!capture_get(dump, "dump_level_asked", f->asked, sizeof(f->asked)))
		f->asked[0] = '\0';
	if (!capture_get(dump, "dump_level", f->used, sizeof(f->used)))
		f->used[0] = '\0';
	if (!capture_get(dump, "fallback", f->why, sizeof(f->why)))
		f->why[0] = '\0';
	return true;
}

static void print_text_extra(struct mkd_dump *dump)
{
	const struct mkd_part *p = mkd_dump_parts(dump);
	size_t i, n;
	uint64_t id;
	struct fallback f;

	if (get_fallback(dump, &f)) {
		printf("limit:         %s bytes, dump levels %s\n", f.limit,
		       f.levels);
		if (f.why[0])
			printf("fallback:      -d %s instead of -d %s: %s\n",
			       f.used, f.asked, f.why);
	}
	n = mkd_dump_part_count(dump, &id);
	if (!n)
		return;
	printf("split set:     %016" PRIx64 ", %zu parts\n", id, n);
	for (i = 0; i < n; i++)
		printf("  part %-3zu pfn 0x%" PRIx64 "-0x%" PRIx64 "  %s\n",
		       i + 1, p[i].start_pfn, p[i].end_pfn - 1,
		       p[i].path ? p[i].path : "(missing)");
}

static void print_json_extra(struct json *j, struct mkd_dump *dump)
{
	const struct mkd_part *p = mkd_dump_parts(dump);
	size_t i, n = mkd_dump_part_count(dump, NULL);
	char id[32];
	uint64_t set_id;
	struct fallback f;

	if (get_fallback(dump, &f)) {
		json_begin_object(j, "limit");
		json_uint(j, "bytes", strtoull(f.limit, NULL, 10));
		json_string(j, "levels", f.levels);
		json_int(j, "asked", strtol(f.asked, NULL, 10));
		json_int(j, "used", strtol(f.used, NULL, 10));
		json_string(j, "fallback", f.why[0] ? f.why : NULL);
		json_end_object(j);
	} else {
		json_null(j, "limit");
	}
	if (!n) {
		json_null(j, "split");
		return;
	}
	mkd_dump_part_count(dump, &set_id);
	snprintf(id, sizeof(id), "%016" PRIx64, set_id);
	json_begin_object(j, "split");
	json_string(j, "set_id", id);
	json_begin_array(j, "parts");
	for (i = 0; i < n; i++) {
		json_begin_object(j, NULL);
		json_uint(j, "start_pfn", p[i].start_pfn);
		json_uint(j, "end_pfn", p[i].end_pfn);
		json_string(j, "file", p[i].path);
		json_end_object(j);
	}
	json_end_array(j);
	json_end_object(j);
}

static void print_text(struct mkd_dump *dump, const struct info *in)
{
	struct mkd_vm_info vm;
	const struct mkd_range *r = mkd_dump_ram_ranges(dump);
	size_t i, n = mkd_dump_ram_range_count(dump);
	const char *release = mkd_dump_kernel_release(dump);
	int64_t secs;
	uint32_t cpu;
	char when[64];

	printf("dump:          %s\n", in->path);
	printf("format:        %s%s%s%s\n", mkd_dump_format(dump),
	       mkd_dump_container(dump) ? " (" : "",
	       mkd_dump_container(dump) ? mkd_dump_container(dump) : "",
	       mkd_dump_container(dump) ? ")" : "");
	printf("codecs:        %s\n", mkd_dump_codecs(dump));
	printf("kernel:        %s\n", release ? release : "(unknown)");
	printf("arch:          %s\n", mkd_arch_name(mkd_dump_arch(dump)));
	printf("page size:     %u\n", mkd_dump_page_size(dump));
	printf("cpus:          %zu\n", mkd_dump_cpu_count(dump));
	if (mkd_dump_panic_cpu(dump, &cpu))
		printf("panic cpu:     %u\n", cpu);
	if (mkd_dump_crash_time(dump, &secs)) {
		format_time(secs, when, sizeof(when));
		printf("crash time:    %s\n", when);
	}
	if (mkd_dump_panic_string(dump))
		printf("panic:         %s\n", mkd_dump_panic_string(dump));
	if (mkd_dump_level(dump) >= 0)
		printf("dump level:    %d\n", mkd_dump_level(dump));
	printf("complete:      %s\n", mkd_dump_incomplete(dump) ? "no" : "yes");
	print_text_extra(dump);
	printf("vmcoreinfo:    %s\n", mkd_vmcoreinfo(dump, NULL) ? "yes" : "no");
	if (vm_info(dump, &vm)) {
		printf("paging:        %u-level\n", vm.levels);
		printf("kaslr offset:  0x%" PRIx64 "\n", vm.kernel_offset);
		printf("phys_base:     %s0x%" PRIx64 "\n",
		       vm.phys_base < 0 ? "-" : "",
		       vm.phys_base < 0 ? -(uint64_t)vm.phys_base
				        : (uint64_t)vm.phys_base);
		if (vm.page_offset)
			printf("direct map:    0x%" PRIx64 "\n", vm.page_offset);
	}
	printf("ram:           %" PRIu64 " MiB in %zu ranges\n",
	       ram_bytes(dump) >> 20, n);
	for (i = 0; i < n; i++)
		printf("  0x%016" PRIx64 "-0x%016" PRIx64 "\n", r[i].start,
		       r[i].end - 1);
	printf("pages:\n");
	for (i = 0; i < MKD_PAGE_STATE_COUNT; i++)
		if (in->states[i])
			printf("  %-12s %" PRIu64 "\n", mkd_page_state_name(i),
			       in->states[i]);
	for (i = 0; i < MKD_FILTER_REASON_COUNT; i++)
		if (in->reasons[i])
			printf("    filtered %-10s %" PRIu64 "\n",
			       mkd_filter_reason_name(i), in->reasons[i]);
}

static void print_json_vm(struct json *j, struct mkd_dump *dump)
{
	struct mkd_vm_info vm;

	if (!vm_info(dump, &vm)) {
		json_null(j, "vm");
		return;
	}
	json_begin_object(j, "vm");
	json_uint(j, "levels", vm.levels);
	json_uint(j, "kernel_offset", vm.kernel_offset);
	json_int(j, "phys_base", vm.phys_base);
	json_uint(j, "page_offset", vm.page_offset);
	json_uint(j, "pgd_paddr", vm.pgd_paddr);
	json_end_object(j);
}

static void print_json(struct json *j, struct mkd_dump *dump,
		       const struct info *in)
{
	const struct mkd_range *r = mkd_dump_ram_ranges(dump);
	size_t i, n = mkd_dump_ram_range_count(dump);
	int64_t secs;
	uint32_t cpu;
	char when[64];

	json_begin_object(j, NULL);
	json_string(j, "dump", in->path);
	json_uint(j, "files", mkd_dump_file_count(dump));
	json_string(j, "format", mkd_dump_format(dump));
	json_string(j, "container", mkd_dump_container(dump));
	json_string(j, "codecs", mkd_dump_codecs(dump));
	json_string(j, "kernel_release", mkd_dump_kernel_release(dump));
	json_string(j, "arch", mkd_arch_name(mkd_dump_arch(dump)));
	json_uint(j, "page_size", mkd_dump_page_size(dump));
	json_uint(j, "cpus", mkd_dump_cpu_count(dump));
	if (mkd_dump_panic_cpu(dump, &cpu))
		json_uint(j, "panic_cpu", cpu);
	else
		json_null(j, "panic_cpu");
	if (mkd_dump_crash_time(dump, &secs)) {
		format_time(secs, when, sizeof(when));
		json_int(j, "crash_time", secs);
		json_string(j, "crash_time_utc", when);
	} else {
		json_null(j, "crash_time");
	}
	json_string(j, "panic_string", mkd_dump_panic_string(dump));
	if (mkd_dump_level(dump) >= 0)
		json_int(j, "dump_level", mkd_dump_level(dump));
	else
		json_null(j, "dump_level");
	json_bool(j, "complete", !mkd_dump_incomplete(dump));
	print_json_extra(j, dump);
	json_bool(j, "vmcoreinfo", mkd_vmcoreinfo(dump, NULL) != NULL);
	print_json_vm(j, dump);
	json_uint(j, "max_pfn", mkd_dump_max_pfn(dump));
	json_uint(j, "ram_bytes", ram_bytes(dump));
	json_begin_array(j, "ram_ranges");
	for (i = 0; i < n; i++) {
		json_begin_object(j, NULL);
		json_uint(j, "start", r[i].start);
		json_uint(j, "end", r[i].end);
		json_end_object(j);
	}
	json_end_array(j);
	json_begin_object(j, "pages");
	for (i = 0; i < MKD_PAGE_STATE_COUNT; i++)
		json_uint(j, mkd_page_state_name(i), in->states[i]);
	json_end_object(j);
	json_begin_object(j, "filtered");
	for (i = 0; i < MKD_FILTER_REASON_COUNT; i++)
		json_uint(j, mkd_filter_reason_name(i), in->reasons[i]);
	json_end_object(j);
	json_end_object(j);
}

static int describe(char **paths, int n, bool json_out, struct json *j,
		    bool first)
{
	struct info in = { .path = paths[0] };
	struct mkd_dump *dump = NULL;
	struct mkd_error *err;

	err = ctl_open(paths, n, &dump);
	if (!err)
		err = count_pages(dump, &in);
	if (err) {
		mkd_dump_destroy(dump);
		return ctl_fail(err);
	}
	if (json_out) {
		print_json(j, dump, &in);
	} else {
		if (!first)
			putchar('\n');
		print_text(dump, &in);
	}
	mkd_dump_destroy(dump);
	return EXIT_OK;
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "set", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool json_out = false, set = false;
	int c, i, status = EXIT_OK, ndumps;
	struct json j;

	while ((c = getopt_long(argc, argv, "jsh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json_out = true; break;
		case 's': set = true; break;
		case 'h': fputs(info_help, stdout); return EXIT_OK;
		default: return ctl_usage_error("info", "bad option");
		}
	}
	if (optind >= argc)
		return ctl_usage_error("info", "no dump given");
	ndumps = set ? 1 : argc - optind;
	json_init(&j, stdout);
	if (json_out && ndumps > 1)
		json_begin_array(&j, NULL);
	for (i = 0; i < ndumps; i++) {
		int n = set ? argc - optind : 1;
		int rc = describe(argv + optind + i, n, json_out, &j, i == 0);

		if (rc != EXIT_OK && status == EXIT_OK)
			status = rc;
	}
	if (json_out && ndumps > 1)
		json_end_array(&j);
	if (json_out)
		json_finish(&j);
	return status;
}
