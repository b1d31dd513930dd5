// SPDX-License-Identifier: GPL-2.0-or-later
/* gen-spec.c - parsing the text specs of synthetic dumps (see gen.h) */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "mkdump.h"

static int fail(char *err, size_t errlen, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "line %u: ", line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int reason_of(const char *name)
{
	int i;

	for (i = 0; i < MKD_FILTER_REASON_COUNT; i++)
		if (!strcmp(name, mkd_filter_reason_name(i)))
			return i;
	return -1;
}

static int add_range(struct gen_spec *s, const char *a, const char *b,
		     enum gen_kind kind, int reason)
{
	struct gen_range *r;
	char *end1, *end2;
	uint64_t start = strtoull(a, &end1, 16), stop = strtoull(b, &end2, 16);

	if (*end1 || *end2 || stop <= start || start % s->page_size ||
	    stop % s->page_size)
		return -1;
	r = realloc(s->ranges, (s->nranges + 1) * sizeof(*r));
	if (!r)
		return -1;
	s->ranges = r;
	r[s->nranges++] = (struct gen_range){ start, stop, kind, reason };
	return 0;
}

static int add_vmcoreinfo(struct gen_spec *s, const char *kv)
{
	size_t n = strlen(kv);
	char *p = realloc(s->vmcoreinfo, s->vmcoreinfo_len + n + 2);

	if (!p)
		return -1;
	memcpy(p + s->vmcoreinfo_len, kv, n);
	p[s->vmcoreinfo_len + n] = '\n';
	p[s->vmcoreinfo_len + n + 1] = '\0';
	s->vmcoreinfo = p;
	s->vmcoreinfo_len += n + 1;
	return 0;
}

static int parse_line(struct gen_spec *s, char **w, int n)
{
	if (!strcmp(w[0], "page_size") && n == 2)
		s->page_size = (uint32_t)strtoul(w[1], NULL, 0);
	else if (!strcmp(w[0], "arch") && n == 2)
		snprintf(s->arch, sizeof(s->arch), "%s", w[1]);
	else if (!strcmp(w[0], "release") && n == 2)
		snprintf(s->release, sizeof(s->release), "%s", w[1]);
	else if (!strcmp(w[0], "codec") && n == 2)
		snprintf(s->codec, sizeof(s->codec), "%s", w[1]);
	else if (!strcmp(w[0], "cpus") && n == 2)
		s->cpus = (unsigned)strtoul(w[1], NULL, 0);
	else if (!strcmp(w[0], "dump_level") && n == 2)
		s->dump_level = (int)strtol(w[1], NULL, 0);
	else if (!strcmp(w[0], "split") && n == 2)
		s->split = (unsigned)strtoul(w[1], NULL, 0);
	else if (!strcmp(w[0], "vmcoreinfo") && n == 2)
		return add_vmcoreinfo(s, w[1]);
	else if (!strcmp(w[0], "ram") && n == 3)
		return add_range(s, w[1], w[2], GEN_DATA, 0);
	else if (!strcmp(w[0], "zero") && n == 3)
		return add_range(s, w[1], w[2], GEN_ZERO, 0);
	else if (!strcmp(w[0], "filter") && n == 4 && reason_of(w[3]) >= 0)
		return add_range(s, w[1], w[2], GEN_FILTERED, reason_of(w[3]));
	else if (!strcmp(w[0], "option") && n == 3 &&
		 s->noptions < sizeof(s->options) / sizeof(s->options[0])) {
		struct gen_option *o = &s->options[s->noptions++];

		snprintf(o->name, sizeof(o->name), "%s", w[1]);
		snprintf(o->value, sizeof(o->value), "%s", w[2]);
	} else
		return -1;
	return 0;
}

int gen_spec_parse(const char *text, struct gen_spec *s, char *err,
		   size_t errlen)
{
	char *copy = strdup(text), *line, *save = NULL;
	unsigned lineno = 0;

	memset(s, 0, sizeof(*s));
	s->page_size = 4096;
	s->cpus = 1;
	s->dump_level = -1;
	strcpy(s->arch, "x86_64");
	strcpy(s->codec, "none");
	if (!copy)
		return fail(err, errlen, 0, "out of memory");
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *w[8], *wsave = NULL, *hash = strchr(line, '#');
		int n = 0;

		lineno++;
		if (hash)
			*hash = '\0';
		for (w[0] = strtok_r(line, " \t", &wsave); w[n] && n < 7;)
			w[++n] = strtok_r(NULL, " \t", &wsave);
		if (n && parse_line(s, w, n) < 0) {
			fail(err, errlen, lineno, "cannot use '%s'", w[0]);
			free(copy);	/* w[0] points into it */
			gen_spec_free(s);
			return -1;
		}
	}
	free(copy);
	return 0;
}

void gen_spec_free(struct gen_spec *s)
{
	free(s->vmcoreinfo);
	free(s->ranges);
	s->vmcoreinfo = NULL;
	s->ranges = NULL;
	s->nranges = 0;
}

const char *gen_option(const struct gen_spec *s, const char *name,
		       const char *def)
{
	size_t i;

	for (i = 0; i < s->noptions; i++)
		if (!strcmp(s->options[i].name, name))
			return s->options[i].value;
	return def;
}
