// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sysmap.c - System.map files as a symbol source.
 *
 * A line is "ADDRESS TYPE NAME", as nm writes it; a copy of /proc/kallsyms
 * (with real addresses) also works, its "[module]" column included.  The
 * addresses of a System.map are the link-time ones: kernel image symbols
 * (at or above _text) move by the KASLR offset, per-CPU offsets and other
 * absolute values below it do not.  Module lines are never moved.
 */
#include <stdlib.h>

#include "internal.h"
#include "symbols.h"

#define MAX_NAME 1024

struct map_line {
	uint64_t address;
	char type;
	const char *name, *module;
	size_t name_len, module_len;
};

/* The next line of text from *pos, without its newline. */
static bool next_line(const char *text, size_t len, size_t *pos,
		      const char **line, size_t *line_len)
{
	const char *nl;

	if (*pos >= len)
		return false;
	*line = text + *pos;
	nl = memchr(*line, '\n', len - *pos);
	*line_len = nl ? (size_t)(nl - *line) : len - *pos;
	*pos += *line_len + (nl != NULL);
	if (*line_len && (*line)[*line_len - 1] == '\r')
		(*line_len)--;
	return true;
}

/* The next blank-separated word of [*p, end), or false. */
static bool next_word(const char **p, const char *end, const char **word,
		      size_t *word_len)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
	if (*p == end)
		return false;
	*word = *p;
	while (*p < end && **p != ' ' && **p != '\t')
		(*p)++;
	*word_len = (size_t)(*p - *word);
	return true;
}

static bool parse_line(const char *line, size_t len, struct map_line *m)
{
	const char *p = line, *end = line + len, *w, *extra;
	size_t wlen, extra_len;

	if (!next_word(&p, end, &w, &wlen) || wlen > 16 ||
	    !mkd_parse_u64(w, wlen, 16, &m->address))
		return false;
	if (!next_word(&p, end, &w, &wlen) || wlen != 1)
		return false;
	m->type = w[0];
	if (!next_word(&p, end, &m->name, &m->name_len) ||
	    m->name_len > MAX_NAME)
		return false;
	m->module = NULL;
	m->module_len = 0;
	if (next_word(&p, end, &w, &wlen)) {
		/* Only /proc/kallsyms' "[module]" may follow. */
		if (wlen < 3 || w[0] != '[' || w[wlen - 1] != ']' ||
		    next_word(&p, end, &extra, &extra_len))
			return false;
		m->module = w + 1;
		m->module_len = wlen - 2;
	}
	return true;
}

static bool is_blank(const char *line, size_t len)
{
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	return len == 0;
}

bool mkd_system_map_stext(const char *text, size_t len, uint64_t *addr)
{
	const char *line;
	size_t pos = 0, line_len;
	bool have_text = false;
	struct map_line m;

	while (next_line(text, len, &pos, &line, &line_len)) {
		if (!parse_line(line, line_len, &m) || m.module)
			continue;
		if (m.name_len == 6 && !memcmp(m.name, "_stext", 6)) {
			*addr = m.address;
			return true;
		}
		if (m.name_len == 5 && !memcmp(m.name, "_text", 5)) {
			*addr = m.address;
			have_text = true;
		}
	}
	return have_text;
}

/* Addresses at or above this move with the kernel image. */
static uint64_t image_start(const char *text, size_t len)
{
	const char *line;
	size_t pos = 0, line_len;
	uint64_t stext = 0;
	struct map_line m;

	while (next_line(text, len, &pos, &line, &line_len))
		if (parse_line(line, line_len, &m) && !m.module &&
		    m.name_len == 5 && !memcmp(m.name, "_text", 5))
			return m.address;
	if (mkd_system_map_stext(text, len, &stext))
		return stext;
	return UINT64_C(1) << 63;	/* at least: the kernel half */
}

static struct mkd_error *bad_line(const char *text, size_t len, size_t lineno)
{
	/* Debian's linux-image ships a one-line stand-in. */
	if (memmem(text, len, "The real System.map is in", 25))
		return mkd_error_create(MKD_ERR_INVALID,
					"this is a placeholder: the real System.map is in the kernel's debug package");
	return mkd_error_create(MKD_ERR_INVALID,
				"line %zu is not 'ADDRESS TYPE NAME'", lineno);
}

static struct mkd_error *add_line(struct mkd_symtab *tab,
				  const struct map_line *m, uint64_t start,
				  uint64_t offset, uint8_t rank)
{
	char module[MAX_NAME + 1];
	bool image = !m->module && m->address >= start;
	struct mkd_symtab_add sym = {
		.name = m->name, .name_len = m->name_len,
		.address = image ? m->address + offset : m->address,
		.type = m->type, .rank = rank,
		.source = MKD_SYMBOL_SYSTEM_MAP,
		/* Below the image: per-CPU offsets and other values. */
		.absolute = !m->module && !image,
	};

	if (m->module) {
		size_t n = m->module_len < MAX_NAME ? m->module_len : MAX_NAME;

		memcpy(module, m->module, n);
		module[n] = '\0';
		sym.module = module;
	}
	return mkd_symtab_add(tab, &sym);
}

struct mkd_error *mkd_system_map_parse(const char *text, size_t len,
				       uint64_t offset, struct mkd_symtab *tab,
				       uint8_t rank)
{
	uint64_t start = image_start(text, len);
	size_t pos = 0, line_len, lineno = 0, added = 0;
	struct mkd_error *err = NULL;
	const char *line;
	struct map_line m;

	while (!err && next_line(text, len, &pos, &line, &line_len)) {
		lineno++;
		if (is_blank(line, line_len))
			continue;
		if (!parse_line(line, line_len, &m)) {
			err = bad_line(text, len, lineno);
			break;
		}
		err = add_line(tab, &m, start, offset, rank);
		added++;
	}
	if (!err && !added)
		err = mkd_error_create(MKD_ERR_INVALID, "no symbols in it");
	if (err)
		mkd_symtab_remove_rank(tab, rank);
	return err;
}
