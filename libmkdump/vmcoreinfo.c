// SPDX-License-Identifier: LGPL-2.1-or-later
/* vmcoreinfo.c - the kernel's KEY=VALUE description of itself */
#include <stdio.h>

#include "internal.h"

MKD_EXPORT const char *mkd_vmcoreinfo(const struct mkd_dump *dump,
				      size_t *len)
{
	if (len)
		*len = dump->vmcoreinfo_len;
	return dump->vmcoreinfo;
}

/* The value of key: the text after "key=" up to the end of its line. */
MKD_EXPORT const char *mkd_vmcoreinfo_get(const struct mkd_dump *dump,
					  const char *key)
{
	const char *p = dump->vmcoreinfo, *end;
	size_t klen = strlen(key);

	if (!p)
		return NULL;
	end = p + dump->vmcoreinfo_len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > klen && !memcmp(p, key, klen) &&
		    p[klen] == '=')
			return p + klen + 1;
		p = eol + 1;
	}
	return NULL;
}

static struct mkd_error *lookup(const struct mkd_dump *dump,
				const char *kind, const char *name,
				const char **value, size_t *len)
{
	char key[256];

	if ((size_t)snprintf(key, sizeof(key), "%s(%s)", kind, name) >=
	    sizeof(key))
		return mkd_error_create(MKD_ERR_INVALID,
					"vmcoreinfo key too long: '%s'", name);
	*value = mkd_vmcoreinfo_get(dump, key);
	if (!*value)
		return mkd_error_create(MKD_ERR_NOT_FOUND,
					"vmcoreinfo has no %s", key);
	*len = strcspn(*value, "\n");
	return NULL;
}

static struct mkd_error *get_u64(const struct mkd_dump *dump,
				 const char *kind, const char *name,
				 int base, uint64_t *value)
{
	struct mkd_error *err;
	const char *v;
	size_t len;

	err = lookup(dump, kind, name, &v, &len);
	if (err)
		return err;
	if (!mkd_parse_u64(v, len, base, value))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"vmcoreinfo %s(%s) is not a number: '%.*s'",
					kind, name, (int)(len > 40 ? 40 : len),
					v);
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_vmcoreinfo_symbol(const struct mkd_dump *dump,
						   const char *name,
						   uint64_t *value)
{
	return get_u64(dump, "SYMBOL", name, 16, value);
}

MKD_EXPORT struct mkd_error *mkd_vmcoreinfo_offset(const struct mkd_dump *dump,
						   const char *name,
						   uint64_t *value)
{
	return get_u64(dump, "OFFSET", name, 10, value);
}

MKD_EXPORT struct mkd_error *mkd_vmcoreinfo_size(const struct mkd_dump *dump,
						 const char *name,
						 uint64_t *value)
{
	return get_u64(dump, "SIZE", name, 10, value);
}

MKD_EXPORT struct mkd_error *mkd_vmcoreinfo_length(const struct mkd_dump *dump,
						   const char *name,
						   uint64_t *value)
{
	return get_u64(dump, "LENGTH", name, 10, value);
}

MKD_EXPORT struct mkd_error *mkd_vmcoreinfo_number(const struct mkd_dump *dump,
						   const char *name,
						   int64_t *value)
{
	struct mkd_error *err;
	const char *v;
	size_t len;

	err = lookup(dump, "NUMBER", name, &v, &len);
	if (err)
		return err;
	if (!mkd_parse_s64(v, len, 10, value))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"vmcoreinfo NUMBER(%s) is not a number: '%.*s'",
					name, (int)(len > 40 ? 40 : len), v);
	return NULL;
}
