/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * error.h - building struct mkd_error values inside the library.
 *
 * Errors are values: a function that fails returns one and adds nothing
 * to global state.  Layers on the way up add context with mkd_error_wrap()
 * so the final message reads outermost first, e.g.
 *   "'vmcore': reading pfn 0x1234: zlib: invalid stored block lengths".
 * mkd_enomem is a static singleton: wrapping it returns it unchanged and
 * destroying it does nothing, so out-of-memory paths never allocate.
 */
#ifndef MKD_ERROR_H
#define MKD_ERROR_H

#include "mkdump.h"

#define MKD_PRINTF(f, a) __attribute__((format(printf, f, a)))

struct mkd_error {
	enum mkd_error_code code;
	int errnum;
	bool has_address;
	bool is_static;
	uint64_t address;
	char *message;
};

extern struct mkd_error mkd_enomem;

struct mkd_error *mkd_error_create(enum mkd_error_code code,
				   const char *fmt, ...) MKD_PRINTF(2, 3);
/* An MKD_ERR_IO error: "<message>: <strerror(errnum)>". */
struct mkd_error *mkd_error_sys(int errnum, const char *fmt, ...)
	MKD_PRINTF(2, 3);
/* An error about an address (kept for mkd_error_address()). */
struct mkd_error *mkd_error_at(enum mkd_error_code code, uint64_t address,
			       const char *fmt, ...) MKD_PRINTF(3, 4);
/* A copy of err, for a failure kept and reported again (NULL for NULL). */
struct mkd_error *mkd_error_dup(const struct mkd_error *err);
/* Append ": <suffix>" to err's message; returns err. */
struct mkd_error *mkd_error_wrap_suffix(struct mkd_error *err,
					const char *suffix);
/* Prefix err's message with "<context>: "; returns err. */
struct mkd_error *mkd_error_wrap(struct mkd_error *err, const char *fmt, ...)
	MKD_PRINTF(2, 3);

#endif /* MKD_ERROR_H */
