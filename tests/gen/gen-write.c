// SPDX-License-Identifier: GPL-2.0-or-later
/* gen-write.c - the table of synthetic dump writers */
#include <string.h>

#include "gen.h"

static const struct {
	const char *name;
	gen_writer *write;
} writers[] = {
	{ "elf", gen_write_elf },
	{ "lkcd", gen_write_lkcd },
	{ "kdump", gen_write_kdump },
	{ "diskdump", gen_write_diskdump },
	{ "flat", gen_write_flat },
	{ "mkd", gen_write_mkd },
};

int gen_write_path(const char *format, const struct gen_spec *spec,
		   FILE *out, const char *path, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		if (!strcmp(writers[i].name, format))
			return writers[i].write(spec, out, path, err, errlen);
	snprintf(err, errlen, "no writer for format '%s'", format);
	return -1;
}

int gen_write(const char *format, const struct gen_spec *spec, FILE *out,
	      char *err, size_t errlen)
{
	return gen_write_path(format, spec, out, NULL, err, errlen);
}
