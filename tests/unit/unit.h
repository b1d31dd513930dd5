/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * unit.h - Check suites register themselves: a file defines
 * `static Suite *foo_suite(void)` and says UNIT_SUITE(foo_suite); main.c
 * runs them all.  No central list to edit.
 */
#ifndef MKD_UNIT_H
#define MKD_UNIT_H

#include <check.h>

#include "internal.h"
#include "../gen/gen.h"

typedef Suite *unit_suite_fn(void);
void unit_register(unit_suite_fn *fn);

#define UNIT_SUITE(fn)                                                    \
	static void __attribute__((constructor)) unit_register_##fn(void) \
	{                                                                 \
		unit_register(fn);                                        \
	}

/* A scratch directory for the test run (created once, under $TMPDIR). */
const char *unit_tmpdir(void);
/*
 * Write a dump of format from spec text into the scratch dir; its path.
 * Writers of split dumps put the other parts at path.2, path.3...
 */
char *unit_gen(const char *format, const char *spec, const char *name);
/* A whole file in memory (malloc'd, one spare byte); fails the test if not. */
uint8_t *unit_slurp(const char *path, size_t *len);
/* Write data to path, replacing it; fails the test if not. */
void unit_spill(const char *path, const void *data, size_t len);
/* Open path, failing the test with the error message if it cannot. */
struct mkd_dump *unit_open(const char *path);
/* Fail the test with err's message if err is not NULL. */
#define ck_assert_ok(err)                                                 \
	do {                                                              \
		struct mkd_error *e_ = (err);                             \
		ck_assert_msg(!e_, "%s", mkd_error_message(e_));          \
	} while (0)
/*
 * Check every page of dump against spec: present pages must read as
 * gen_page_expect() says, and a page the spec has as data must not be
 * missing.  *pages_checked (may be NULL) counts the pages read.
 */
void unit_check_pattern(struct mkd_dump *dump, const char *spec,
			uint64_t *pages_checked);

#endif /* MKD_UNIT_H */
