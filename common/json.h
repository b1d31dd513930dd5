/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.h - a small streaming JSON writer for the --json output of the
 * command-line tools (mkdumpctl, mkdump-analyze).  Objects and arrays
 * nest; the writer places commas and indentation.  Strings need not be
 * UTF-8: an invalid byte is written as \u00XX, so output always parses.
 */
#ifndef MKD_COMMON_JSON_H
#define MKD_COMMON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *f;
	int depth;
	bool need_comma[32];
};

void json_init(struct json *j, FILE *f);
/* key is NULL for a value inside an array or at the top. */
void json_begin_object(struct json *j, const char *key);
void json_end_object(struct json *j);
void json_begin_array(struct json *j, const char *key);
void json_end_array(struct json *j);
void json_string(struct json *j, const char *key, const char *value);
void json_string_len(struct json *j, const char *key, const char *value,
		     size_t len);
void json_uint(struct json *j, const char *key, uint64_t value);
void json_int(struct json *j, const char *key, int64_t value);
void json_bool(struct json *j, const char *key, bool value);
void json_null(struct json *j, const char *key);
/* A number already written as JSON text ("0.30"); the caller checks it. */
void json_number(struct json *j, const char *key, const char *text);
/* End the document with a newline. */
void json_finish(struct json *j);

#endif /* MKD_COMMON_JSON_H */
