// SPDX-License-Identifier: LGPL-2.1-or-later
/* error.c - error values (see error.h) */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "internal.h"

struct mkd_error mkd_enomem = {
	.code = MKD_ERR_NOMEM,
	.is_static = true,
	.message = (char *)"out of memory",
};

static struct mkd_error *error_vcreate(enum mkd_error_code code,
				       const char *fmt, va_list ap)
{
	struct mkd_error *err = calloc(1, sizeof(*err));

	if (!err)
		return &mkd_enomem;
	if (vasprintf(&err->message, fmt, ap) < 0) {
		free(err);
		return &mkd_enomem;
	}
	err->code = code;
	return err;
}

struct mkd_error *mkd_error_create(enum mkd_error_code code,
				   const char *fmt, ...)
{
	struct mkd_error *err;
	va_list ap;

	va_start(ap, fmt);
	err = error_vcreate(code, fmt, ap);
	va_end(ap);
	return err;
}

struct mkd_error *mkd_error_sys(int errnum, const char *fmt, ...)
{
	struct mkd_error *err;
	va_list ap;

	if (errnum == ENOMEM)
		return &mkd_enomem;
	va_start(ap, fmt);
	err = error_vcreate(MKD_ERR_IO, fmt, ap);
	va_end(ap);
	if (err->is_static)
		return err;
	err->errnum = errnum;
	return mkd_error_wrap_suffix(err, strerror(errnum));
}

struct mkd_error *mkd_error_at(enum mkd_error_code code, uint64_t address,
			       const char *fmt, ...)
{
	struct mkd_error *err;
	va_list ap;

	va_start(ap, fmt);
	err = error_vcreate(code, fmt, ap);
	va_end(ap);
	if (!err->is_static) {
		err->has_address = true;
		err->address = address;
	}
	return err;
}

struct mkd_error *mkd_error_wrap(struct mkd_error *err, const char *fmt, ...)
{
	char *context, *message;
	va_list ap;
	int ret;

	if (!err || err->is_static)
		return err;
	va_start(ap, fmt);
	ret = vasprintf(&context, fmt, ap);
	va_end(ap);
	if (ret < 0)
		return err;	/* keep the error without its context */
	if (!*context) {
		free(context);
		return err;
	}
	ret = asprintf(&message, "%s: %s", context, err->message);
	free(context);
	if (ret < 0)
		return err;
	free(err->message);
	err->message = message;
	return err;
}

struct mkd_error *mkd_error_wrap_suffix(struct mkd_error *err,
					const char *suffix)
{
	char *message;

	if (!err || err->is_static)
		return err;
	if (asprintf(&message, "%s: %s", err->message, suffix) < 0)
		return err;
	free(err->message);
	err->message = message;
	return err;
}

struct mkd_error *mkd_error_dup(const struct mkd_error *err)
{
	struct mkd_error *copy;

	if (!err || err->is_static)
		return (struct mkd_error *)err;
	copy = malloc(sizeof(*copy));
	if (!copy)
		return &mkd_enomem;
	*copy = *err;
	copy->message = strdup(err->message);
	if (!copy->message) {
		free(copy);
		return &mkd_enomem;
	}
	return copy;
}

MKD_EXPORT enum mkd_error_code mkd_error_code(const struct mkd_error *err)
{
	return err ? err->code : 0;
}

MKD_EXPORT const char *mkd_error_message(const struct mkd_error *err)
{
	return err ? err->message : "success";
}

MKD_EXPORT int mkd_error_errno(const struct mkd_error *err)
{
	return err ? err->errnum : 0;
}

MKD_EXPORT bool mkd_error_address(const struct mkd_error *err, uint64_t *addr)
{
	if (!err || !err->has_address)
		return false;
	*addr = err->address;
	return true;
}

MKD_EXPORT void mkd_error_destroy(struct mkd_error *err)
{
	if (!err || err->is_static)
		return;
	free(err->message);
	free(err);
}
