// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-dwarf.c - the DWARF type source (dwarf-types.h) on hostile ELF
 * files: the name index, then a lookup of every name it holds (a
 * bounded number), each found type asked what a user can ask.
 *
 * The input is an ELF file with DWARF (seeds: small shared objects gcc
 * built with -g); it goes through a memfd so libelf reads it as it reads
 * a vmlinux.  Only the ELF magic is imposed.
 */
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "dwarf-internal.h"

#define MAX_LOOKUPS 256
#define MAX_MEMBERS 64

#define promise(cond)                                                   \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "fuzz: broken promise: %s\n",   \
				#cond);                                 \
			abort();                                        \
		}                                                       \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int input_fd(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-dwarf", MFD_CLOEXEC);
	size_t done = 0;

	if (fd < 0)
		abort();
	if (size >= 4 && write(fd, "\177ELF", 4) != 4)
		abort();
	for (done = size >= 4 ? 4 : 0; done < size;) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	return fd;
}

static void ask(const struct mkd_type *t)
{
	const struct mkd_type *u = mkd_type_unqualified(t);
	struct mkd_type_member m;
	struct mkd_type_enumerator e;
	char buf[256];
	uint64_t bits;
	size_t i;

	(void)mkd_type_format(t, "x", buf, sizeof(buf));
	promise(strlen(buf) < sizeof(buf));
	(void)mkd_type_size(t);
	(void)mkd_type_is_complete(t);
	(void)mkd_type_array_length(u);
	for (i = 0; i < MAX_MEMBERS && mkd_type_member(u, i, &m); i++) {
		promise(m.type != NULL);
		(void)mkd_type_size(m.type);
		if (m.name && u->kind != MKD_TYPE_FUNCTION)
			mkd_error_destroy(mkd_type_path(u, m.name, &bits, NULL));
	}
	for (i = 0; i < MAX_MEMBERS && mkd_type_enumerator(u, i, &e); i++)
		promise(e.name != NULL);
}

static void lookup_all(struct mkd_dwarf *dw)
{
	const struct mkd_type *t;
	const struct mkd_type_value *v;
	size_t i, n = 0;

	for (i = 0; i < dw->names.size && n < MAX_LOOKUPS; i++) {
		const struct dw_name *e = (const struct dw_name *)
			((const char *)dw->names.slots + i * dw->names.esize);
		struct mkd_error *err;

		if (!e->hash)
			continue;
		n++;
		if (e->kind == DW_NAME_ENUMERATOR) {
			err = mkd_dwarf_enumerator(dw, e->name, &v);
			promise(err || !v || !strcmp(v->name, e->name));
		} else {
			err = mkd_dwarf_lookup(dw, e->kind == MKD_TYPE_TYPEDEF ||
						   e->kind == MKD_TYPE_INT ?
						   MKD_TYPE_NS_ORDINARY :
						   MKD_TYPE_NS_TAG,
					       e->name, -1, &t);
			if (!err && t)
				ask(t);
		}
		mkd_error_destroy(err);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mkd_dwarf *dw = NULL;
	struct mkd_error *err;
	int fd = input_fd(data, size);
	Elf *elf;

	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf) {
		err = mkd_dwarf_create(elf, 8, &dw);
		if (err)
			mkd_error_destroy(err);
		else
			lookup_all(dw);
		mkd_dwarf_destroy(dw);
		elf_end(elf);
	}
	close(fd);
	return 0;
}
