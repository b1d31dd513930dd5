// SPDX-License-Identifier: GPL-2.0-or-later
/* main.c - runs every registered Check suite */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

#define MAX_SUITES 64

static unit_suite_fn *suites[MAX_SUITES];
static size_t nsuites;
static char tmpdir[256];

void unit_register(unit_suite_fn *fn)
{
	if (nsuites < MAX_SUITES)
		suites[nsuites++] = fn;
}

const char *unit_tmpdir(void)
{
	if (!tmpdir[0]) {
		const char *base = getenv("TMPDIR");

		snprintf(tmpdir, sizeof(tmpdir), "%s/mkd-unit.XXXXXX",
			 base ? base : "/tmp");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(2);
		}
	}
	return tmpdir;
}

char *unit_gen(const char *format, const char *spec, const char *name)
{
	char err[256], *path;
	struct gen_spec s;
	FILE *f;
	int rc;

	if (asprintf(&path, "%s/%s", unit_tmpdir(), name) < 0)
		ck_abort_msg("out of memory");
	rc = gen_spec_parse(spec, &s, err, sizeof(err));
	ck_assert_msg(rc == 0, "spec: %s", err);
	f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "cannot create %s", path);
	rc = gen_write_path(format, &s, f, path, err, sizeof(err));
	ck_assert_msg(rc == 0, "writing %s: %s", format, err);
	ck_assert_int_eq(fclose(f), 0);
	gen_spec_free(&s);
	return path;
}

uint8_t *unit_slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	off_t size = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
	uint8_t *buf;

	ck_assert_msg(size >= 0, "cannot read %s", path);
	buf = malloc((size_t)size + 1);
	ck_assert(buf != NULL);
	ck_assert_int_eq(pread(fd, buf, (size_t)size, 0), size);
	close(fd);
	*len = (size_t)size;
	return buf;
}

void unit_spill(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_msg(fd >= 0, "cannot create %s", path);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

struct mkd_dump *unit_open(const char *path)
{
	struct mkd_dump *dump = NULL;

	ck_assert_ok(mkd_dump_open(path, NULL, &dump));
	return dump;
}

/*
 * Per-page checks use if + ck_abort_msg: a passing ck_assert costs Check
 * a write() to record its place, and there are millions of pages.
 */
static void check_page(struct mkd_dump *dump, const struct gen_spec *s,
		       uint64_t pfn, enum mkd_page_state state,
		       uint8_t *got, uint8_t *want)
{
	uint32_t ps = mkd_dump_page_size(dump);
	struct mkd_error *err;
	enum gen_kind kind;
	int reason;

	if (state != MKD_PAGE_PRESENT && state != MKD_PAGE_ZERO) {
		/* No page fill here: runs of holes can be millions long. */
		kind = gen_page_kind(s, pfn, &reason);
		if (kind == GEN_DATA)
			ck_abort_msg("pfn 0x%llx is data in the spec but %s in the dump",
				     (unsigned long long)pfn,
				     mkd_page_state_name(state));
		return;
	}
	kind = gen_page_expect(s, pfn, want);
	if (kind != GEN_DATA && kind != GEN_ZERO)
		ck_abort_msg("pfn 0x%llx is %s in the dump, not data in the spec",
			     (unsigned long long)pfn,
			     mkd_page_state_name(state));
	err = mkd_read_phys(dump, pfn * ps, got, ps, NULL);
	if (err)
		ck_abort_msg("%s", mkd_error_message(err));
	if (memcmp(got, want, ps))
		ck_abort_msg("pfn 0x%llx reads wrong", (unsigned long long)pfn);
}

void unit_check_pattern(struct mkd_dump *dump, const char *spec,
			uint64_t *pages_checked)
{
	uint32_t ps = mkd_dump_page_size(dump);
	uint8_t *got = malloc(ps), *want = malloc(ps);
	uint64_t pfn = 0, n = 0;
	struct gen_spec s;
	char err[256];

	ck_assert(got && want);
	ck_assert_msg(gen_spec_parse(spec, &s, err, sizeof(err)) == 0, "%s",
		      err);
	while (pfn < mkd_dump_max_pfn(dump)) {
		struct mkd_page_run run;
		uint64_t i;

		ck_assert_ok(mkd_page_state(dump, pfn, &run));
		for (i = 0; i < run.count && pfn + i < mkd_dump_max_pfn(dump);
		     i++, n++)
			check_page(dump, &s, pfn + i, run.state, got, want);
		pfn += run.count;
	}
	gen_spec_free(&s);
	free(got);
	free(want);
	if (pages_checked)
		*pages_checked = n;
}

int main(void)
{
	SRunner *sr;
	size_t i;
	int failed;

	if (!nsuites) {
		fprintf(stderr, "no suites registered\n");
		return 2;
	}
	sr = srunner_create(suites[0]());
	for (i = 1; i < nsuites; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
