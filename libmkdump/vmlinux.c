// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vmlinux.c - the kernel's vmlinux file: checked against the dump, then
 * its ELF symbol table fed to the symbol table and its DWARF made the
 * type source (dwarf-types.h).
 *
 * Facts (x86_64, Linux 6.1): the image is linked at 0xffffffff81000000
 * and moved as a whole by KASLR (VMCOREINFO KERNELOFFSET); per-CPU
 * variables live in .data..percpu, linked at address 0, and are offsets,
 * never moved.  The build ID is an ELF note (owner "GNU", type 3) that
 * the kernel also prints in VMCOREINFO as BUILD-ID.  linux_banner is
 * "Linux version RELEASE (...".
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"
#include "dwarf-types.h"
#include "symbols.h"

#define MAX_SYMBOLS (1u << 24)
#define MAX_BUILD_ID 64
#define BANNER_MAX 256

struct mkd_vmlinux {
	int fd;
	Elf *elf;
	struct mkd_dwarf *dwarf;
};

void mkd_vmlinux_destroy(struct mkd_vmlinux *v)
{
	if (!v)
		return;
	mkd_dwarf_destroy(v->dwarf);
	if (v->elf)
		elf_end(v->elf);
	if (v->fd >= 0)
		close(v->fd);
	free(v);
}

struct mkd_dwarf *mkd_vmlinux_dwarf(const struct mkd_dump *dump)
{
	return dump->vmlinux ? dump->vmlinux->dwarf : NULL;
}

static struct mkd_error *elf_error(const char *what)
{
	return mkd_error_create(MKD_ERR_INVALID, "%s: %s", what,
				elf_errmsg(-1));
}

static struct mkd_error *open_elf(const char *path, struct mkd_vmlinux *v)
{
	GElf_Ehdr eh;

	v->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (v->fd < 0)
		return mkd_error_sys(errno, "cannot open");
	elf_version(EV_CURRENT);
	v->elf = elf_begin(v->fd, ELF_C_READ_MMAP, NULL);
	if (!v->elf || elf_kind(v->elf) != ELF_K_ELF || !gelf_getehdr(v->elf, &eh))
		return mkd_error_create(MKD_ERR_INVALID, "not an ELF file");
	if (eh.e_machine != EM_X86_64 || eh.e_ident[EI_CLASS] != ELFCLASS64)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"not an x86_64 vmlinux (machine %u)",
					eh.e_machine);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Is it the dump's kernel? */

/* The GNU build ID as lower-case hex, or "" if the file has none. */
static void build_id(Elf *elf, char *hex, size_t len)
{
	Elf_Scn *scn = NULL;

	hex[0] = '\0';
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		GElf_Nhdr nh;
		size_t off = 0, name_off, desc_off, i;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		while (data && (off = gelf_getnote(data, off, &nh, &name_off,
						   &desc_off)) > 0) {
			const char *p = data->d_buf;

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp(p + name_off, "GNU", 4) ||
			    nh.n_descsz > MAX_BUILD_ID || 2 * nh.n_descsz >= len)
				continue;
			for (i = 0; i < nh.n_descsz; i++)
				snprintf(hex + 2 * i, 3, "%02x",
					 (uint8_t)p[desc_off + i]);
			return;
		}
	}
}

struct elf_syms {
	Elf_Data *data, *strings;
	size_t count, strndx;
	GElf_Shdr sh;
};

static bool find_symtab(Elf *elf, struct elf_syms *s)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &s->sh) || s->sh.sh_type != SHT_SYMTAB ||
		    !s->sh.sh_entsize)
			continue;
		s->data = elf_getdata(scn, NULL);
		s->count = s->sh.sh_size / s->sh.sh_entsize;
		s->strndx = s->sh.sh_link;
		return s->data != NULL;
	}
	return false;
}

/* The value of the first symbol called name, if any. */
static bool symbol_value(Elf *elf, const struct elf_syms *s,
			 const char *name, GElf_Sym *ret)
{
	size_t i;

	for (i = 0; i < s->count && i < MAX_SYMBOLS; i++) {
		const char *n;

		if (!gelf_getsym(s->data, (int)i, ret))
			return false;
		n = elf_strptr(elf, s->strndx, ret->st_name);
		if (n && !strcmp(n, name))
			return true;
	}
	return false;
}

/* The release in the file's linux_banner, read from its section. */
static bool banner_release(Elf *elf, const struct elf_syms *s, char *out,
			   size_t len)
{
	static const char prefix[] = "Linux version ";
	char banner[BANNER_MAX];
	Elf_Scn *scn;
	GElf_Shdr sh;
	GElf_Sym sym;
	Elf_Data *data;
	size_t off;

	if (!symbol_value(elf, s, "linux_banner", &sym) ||
	    !(scn = elf_getscn(elf, sym.st_shndx)) || !gelf_getshdr(scn, &sh) ||
	    sh.sh_type != SHT_PROGBITS || sym.st_value < sh.sh_addr ||
	    !(data = elf_getdata(scn, NULL)))
		return false;
	off = (size_t)(sym.st_value - sh.sh_addr);
	if (off >= data->d_size)
		return false;
	snprintf(banner, sizeof(banner), "%.*s",
		 (int)(data->d_size - off < BANNER_MAX - 1 ?
		       data->d_size - off : BANNER_MAX - 1),
		 (const char *)data->d_buf + off);
	if (strncmp(banner, prefix, sizeof(prefix) - 1))
		return false;
	snprintf(out, len, "%.*s",
		 (int)strcspn(banner + sizeof(prefix) - 1, " \n"),
		 banner + sizeof(prefix) - 1);
	return true;
}

static struct mkd_error *check_kernel(const struct mkd_dump *dump, Elf *elf,
				      const struct elf_syms *s)
{
	const char *want = mkd_vmcoreinfo_get(dump, "BUILD-ID");
	const char *release = mkd_dump_kernel_release(dump);
	char have[2 * MAX_BUILD_ID + 1], rel[BANNER_MAX];
	size_t want_len = want ? strcspn(want, "\n") : 0;

	build_id(elf, have, sizeof(have));
	if (want_len && have[0]) {
		if (want_len == strlen(have) && !strncasecmp(want, have, want_len))
			return NULL;
		return mkd_error_create(MKD_ERR_INVALID,
					"not this kernel's: build ID %s, the dump's is %.*s",
					have, (int)want_len, want);
	}
	if (!release)
		return NULL;	/* nothing to tell it by but _stext */
	if (!banner_release(elf, s, rel, sizeof(rel)))
		return mkd_error_create(MKD_ERR_INVALID,
					"not this kernel's: it has no build ID and no linux_banner, the dump is %s",
					release);
	if (strcmp(rel, release))
		return mkd_error_create(MKD_ERR_INVALID,
					"not this kernel's: it is %s, the dump is %s",
					rel, release);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Symbols */

struct sym_load {
	Elf *elf;
	const struct elf_syms *s;
	uint64_t offset, image_start;
};

/* The nm letter of a symbol, as the kernel's kallsyms prints it. */
static char nm_type(const GElf_Sym *sym, const GElf_Shdr *sh)
{
	char c;

	if (sym->st_shndx == SHN_ABS)
		c = 'a';
	else if (sh->sh_flags & SHF_EXECINSTR)
		c = 't';
	else if (sh->sh_type == SHT_NOBITS)
		c = 'b';
	else if (sh->sh_flags & SHF_WRITE)
		c = 'd';
	else
		c = 'r';
	if (GELF_ST_BIND(sym->st_info) == STB_WEAK)
		return GELF_ST_TYPE(sym->st_info) == STT_OBJECT ? 'V' : 'W';
	if (GELF_ST_BIND(sym->st_info) != STB_LOCAL)
		c = (char)(c - 'a' + 'A');
	return c;
}

static struct mkd_error *add_symbol(struct sym_load *l, struct mkd_symtab *tab,
				    uint8_t rank, const GElf_Sym *sym)
{
	struct mkd_symtab_add add = { .rank = rank,
				      .source = MKD_SYMBOL_VMLINUX };
	unsigned type = GELF_ST_TYPE(sym->st_info);
	GElf_Shdr sh = { 0 };
	Elf_Scn *scn;
	bool image;

	if (type == STT_FILE || type == STT_SECTION ||
	    sym->st_shndx == SHN_UNDEF)
		return NULL;
	add.name = elf_strptr(l->elf, l->s->strndx, sym->st_name);
	if (!add.name || !add.name[0])
		return NULL;
	if (sym->st_shndx != SHN_ABS &&
	    (sym->st_shndx >= SHN_LORESERVE ||
	     !(scn = elf_getscn(l->elf, sym->st_shndx)) ||
	     !gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC)))
		return NULL;
	add.name_len = strlen(add.name);
	add.type = nm_type(sym, &sh);
	/* Below the image: per-CPU offsets and other values stay. */
	image = sym->st_shndx != SHN_ABS && sym->st_value >= l->image_start;
	/* kallsyms lists per-CPU variables as absolute: so do we. */
	if (!image && sym->st_shndx != SHN_ABS)
		add.type = 'A';
	add.address = image ? sym->st_value + l->offset : sym->st_value;
	add.absolute = !image;
	add.size = sym->st_size;
	return mkd_symtab_add(tab, &add);
}

static struct mkd_error *add_symbols(void *arg, struct mkd_symtab *tab,
				     uint8_t rank)
{
	struct sym_load *l = arg;
	struct mkd_error *err = NULL;
	GElf_Sym sym;
	size_t i;

	if (l->s->count > MAX_SYMBOLS)
		return mkd_error_create(MKD_ERR_INVALID,
					"%zu symbols is more than a kernel has",
					l->s->count);
	for (i = 1; !err && i < l->s->count; i++) {
		if (!gelf_getsym(l->s->data, (int)i, &sym))
			return elf_error("reading its symbol table");
		err = add_symbol(l, tab, rank, &sym);
	}
	return err;
}

static struct mkd_error *load_symbols(struct mkd_dump *dump, Elf *elf,
				      const struct elf_syms *s)
{
	struct sym_load l = { .elf = elf, .s = s };
	struct mkd_error *err;
	GElf_Sym sym;
	bool has;

	has = symbol_value(elf, s, "_stext", &sym);
	err = mkd_symbols_image_offset(dump, has, sym.st_value, &l.offset);
	if (err)
		return err;
	l.image_start = UINT64_C(1) << 63;
	if (symbol_value(elf, s, "_text", &sym))
		l.image_start = sym.st_value;
	return mkd_symbols_add_vmlinux(dump, add_symbols, &l);
}

/* ------------------------------------------------------------------ */

static struct mkd_error *load(struct mkd_dump *dump, struct mkd_vmlinux *v)
{
	struct elf_syms s = { 0 };
	struct mkd_error *err;
	bool have_syms;

	have_syms = find_symtab(v->elf, &s);
	err = check_kernel(dump, v->elf, &s);
	if (err)
		return err;
	err = mkd_dwarf_create(v->elf, 8, &v->dwarf);
	if (err && mkd_error_code(err) == MKD_ERR_NOT_FOUND && have_syms) {
		mkd_error_destroy(err);	/* symbols only: stripped of DWARF */
		err = NULL;
	}
	if (!err && have_syms)
		err = load_symbols(dump, v->elf, &s);
	if (!err && !have_syms && !v->dwarf)
		err = mkd_error_create(MKD_ERR_INVALID,
				       "neither symbols nor DWARF in it");
	return err;
}

MKD_EXPORT struct mkd_error *mkd_dump_load_vmlinux(struct mkd_dump *dump,
						   const char *path)
{
	struct mkd_vmlinux *v;
	struct mkd_error *err;

	if (dump->vmlinux)
		return mkd_error_create(MKD_ERR_INVALID,
					"'%s': a vmlinux is loaded already",
					path);
	v = calloc(1, sizeof(*v));
	if (!v)
		return &mkd_enomem;
	v->fd = -1;
	err = open_elf(path, v);
	if (!err)
		err = load(dump, v);
	if (err) {
		mkd_vmlinux_destroy(v);
		return mkd_error_wrap(err, "'%s'", path);
	}
	dump->vmlinux = v;
	return NULL;
}
