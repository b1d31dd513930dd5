// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd-extract.c - mkdumpctl extract: vmcoreinfo, notes, the kernel log */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "ctl.h"

static const char extract_help[] =
"usage: mkdumpctl extract [--json] vmcoreinfo|notes|dmesg|regs DUMP...\n"
"\n"
"Write a part of the dump to standard output:\n"
"  vmcoreinfo   the kernel's VMCOREINFO text (KEY=VALUE lines)\n"
"  notes        all ELF notes, raw, as in a PT_NOTE segment\n"
"  dmesg        the kernel log, decoded from the printk ring buffer\n"
"               using vmcoreinfo alone (no vmlinux needed)\n"
"  regs         each CPU's registers from the dump's notes\n"
"\n"
"  -j, --json   dmesg or regs as JSON\n"
"  -h, --help   this text\n";

struct log_out {
	bool json;
	struct json j;
};

static void print_json(struct json *j, const struct mkd_log_record *rec)
{
	json_begin_object(j, NULL);
	json_uint(j, "seq", rec->seq);
	json_uint(j, "ts_nsec", rec->ts_nsec);
	json_uint(j, "level", rec->level);
	json_uint(j, "facility", rec->facility);
	json_uint(j, "flags", rec->flags);
	json_uint(j, "caller_id", rec->caller_id);
	json_string_len(j, "text", rec->text, rec->text_len);
	json_end_object(j);
}

/*
 * As the kernel's syslog(2) and so dmesg(1) show it (record_print_text()):
 * every line of a record gets the "[seconds.micros] " prefix, and a text
 * that ends in a newline ends with an empty prefixed line.
 */
static void print_text(const struct mkd_log_record *rec)
{
	const char *p = rec->text, *end = rec->text + rec->text_len;
	unsigned long long secs = rec->ts_nsec / 1000000000;
	unsigned long usecs = rec->ts_nsec % 1000000000 / 1000;

	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		printf("[%5llu.%06lu] %.*s\n", secs, usecs, (int)len, p);
		if (!nl)
			break;
		p = nl + 1;
	}
}

static int print_record(const struct mkd_log_record *rec, void *arg)
{
	struct log_out *out = arg;

	if (out->json)
		print_json(&out->j, rec);
	else
		print_text(rec);
	return 0;
}

static int extract_dmesg(struct mkd_dump *dump, bool json_out)
{
	struct log_out out = { .json = json_out };
	struct mkd_error *err;
	uint64_t skipped = 0;

	json_init(&out.j, stdout);
	if (json_out)
		json_begin_array(&out.j, NULL);
	err = mkd_log_iterate(dump, print_record, &out, &skipped);
	if (json_out) {
		json_end_array(&out.j);
		json_finish(&out.j);
	}
	if (err)
		return ctl_fail(err);
	if (skipped)
		fprintf(stderr, "mkdumpctl extract: %" PRIu64
			" log records are missing from the dump\n", skipped);
	return EXIT_OK;
}

static const char *regs_source(uint32_t source)
{
	return source == MKD_REGS_PRSTATUS ? "prstatus"
	       : source == MKD_REGS_QEMU ? "qemu" : "unknown";
}

static void print_regs(const struct mkd_cpu_regs *r, struct json *j)
{
	int i, col = 0;

	if (j) {
		json_begin_object(j, NULL);
		json_uint(j, "cpu", r->cpu);
		json_string(j, "source", regs_source(r->source));
		json_int(j, "pid", r->pid);
		json_begin_object(j, "regs");
	} else {
		printf("CPU %u (%s, pid %d):\n", r->cpu, regs_source(r->source),
		       r->pid);
	}
	for (i = 0; i < MKD_X86_64_REG_COUNT; i++) {
		if (!(r->valid_mask >> i & 1))
			continue;
		if (j) {
			json_uint(j, mkd_x86_64_reg_name(i), r->regs[i]);
			continue;
		}
		printf("  %-8s %016" PRIx64 "%s", mkd_x86_64_reg_name(i),
		       r->regs[i], ++col % 3 ? "" : "\n");
	}
	if (j) {
		json_end_object(j);
		json_end_object(j);
	} else if (col % 3) {
		putchar('\n');
	}
}

static int extract_regs(struct mkd_dump *dump, bool json_out)
{
	size_t cpu, n = mkd_dump_cpu_count(dump);
	struct json j;

	if (mkd_dump_arch(dump) != MKD_ARCH_X86_64) {
		fprintf(stderr, "mkdumpctl extract: registers of %s dumps are not decoded\n",
			mkd_arch_name(mkd_dump_arch(dump)));
		return EXIT_NOT_DUMP;
	}
	json_init(&j, stdout);
	if (json_out)
		json_begin_array(&j, NULL);
	for (cpu = 0; cpu < n; cpu++) {
		struct mkd_cpu_regs r;
		struct mkd_error *err = mkd_dump_cpu_regs(dump, cpu, &r);

		if (err)
			return ctl_fail(err);
		print_regs(&r, json_out ? &j : NULL);
	}
	if (json_out) {
		json_end_array(&j);
		json_finish(&j);
	}
	if (!n)
		fprintf(stderr, "mkdumpctl extract: the dump has no register notes\n");
	return EXIT_OK;
}

static int extract(struct mkd_dump *dump, const char *what, bool json_out)
{
	const void *data;
	size_t len;

	if (!strcmp(what, "dmesg"))
		return extract_dmesg(dump, json_out);
	if (!strcmp(what, "regs"))
		return extract_regs(dump, json_out);
	if (!strcmp(what, "vmcoreinfo"))
		data = mkd_vmcoreinfo(dump, &len);
	else
		data = mkd_dump_notes(dump, &len);
	if (!data || !len) {
		fprintf(stderr, "mkdumpctl extract: the dump has no %s\n", what);
		return EXIT_FAILURE_;
	}
	return fwrite(data, 1, len, stdout) == len ? EXIT_OK : EXIT_FAILURE_;
}

int cmd_extract(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct mkd_error *err;
	struct mkd_dump *dump;
	bool json_out = false;
	const char *what;
	int c, rc;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json_out = true; break;
		case 'h': fputs(extract_help, stdout); return EXIT_OK;
		default: return ctl_usage_error("extract", "bad option");
		}
	}
	if (argc - optind < 2)
		return ctl_usage_error("extract", "need WHAT and DUMP");
	what = argv[optind];
	if (strcmp(what, "vmcoreinfo") && strcmp(what, "notes") &&
	    strcmp(what, "dmesg") && strcmp(what, "regs"))
		return ctl_usage_error("extract", "cannot extract '%s'", what);
	err = ctl_open(argv + optind + 1, argc - optind - 1, &dump);
	if (err)
		return ctl_fail(err);
	rc = extract(dump, what, json_out);
	mkd_dump_destroy(dump);
	return rc;
}
