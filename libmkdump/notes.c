// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * notes.c - the dump's ELF notes: VMCOREINFO, per-CPU registers
 * (NT_PRSTATUS, QEMU's CPU state) and what follows from vmcoreinfo
 * (kernel release, crash time).
 *
 * Notes come from the format as one blob laid out as in a PT_NOTE
 * segment: {namesz, descsz, type} then name and desc, each padded to 4.
 */
#include <stdlib.h>

#include "internal.h"

#define NT_PRSTATUS 1
#define MAX_CPUS 8192	/* more notes than this is a corrupt dump */

struct note {
	const char *name;	/* NUL-terminated within namesz */
	uint32_t namesz, type;
	const uint8_t *desc;
	uint32_t descsz;
};

/* The next note, or false at the end (or at a malformed note). */
static bool note_next(struct mkd_cursor *c, struct note *n, bool *bad)
{
	const uint8_t *hdr, *name;

	*bad = false;
	if (mkd_cursor_left(c) < 12)
		return false;
	hdr = mkd_cursor_take(c, 12);
	n->namesz = mkd_le32(hdr);
	n->descsz = mkd_le32(hdr + 4);
	n->type = mkd_le32(hdr + 8);
	if (n->namesz == 0 && n->descsz == 0 && n->type == 0)
		return false;	/* zero padding at the end of the segment */
	name = mkd_cursor_take(c, ((size_t)n->namesz + 3) & ~(size_t)3);
	n->desc = mkd_cursor_take(c, ((size_t)n->descsz + 3) & ~(size_t)3);
	if (!name || !n->desc || (n->namesz && name[n->namesz - 1] != '\0')) {
		*bad = true;
		return false;
	}
	n->name = n->namesz ? (const char *)name : "";
	return true;
}

static struct mkd_error *add_cpu(struct mkd_dump *dump, size_t *cap,
				 struct mkd_cpu_regs **ret)
{
	struct mkd_cpu_regs *regs;

	if (dump->ncpus >= MAX_CPUS)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"more than %d CPU notes", MAX_CPUS);
	if (!mkd_array_reserve(&dump->cpus, cap, dump->ncpus + 1,
			       sizeof(*dump->cpus)))
		return &mkd_enomem;
	regs = &dump->cpus[dump->ncpus];
	memset(regs, 0, sizeof(*regs));
	regs->cpu = (uint32_t)dump->ncpus++;
	regs->pid = -1;
	*ret = regs;
	return NULL;
}

/*
 * QEMU writes all NT_PRSTATUS notes, then all QEMU notes, both in CPU
 * order: the n-th QEMU note completes the n-th CPU.
 */
static struct mkd_error *take_regs(struct mkd_dump *dump,
				   const struct note *n, size_t *cap,
				   size_t *nqemu)
{
	const struct mkd_arch_ops *arch = dump->arch_ops;
	struct mkd_cpu_regs *regs;
	struct mkd_error *err;

	if (!strcmp(n->name, "CORE") && n->type == NT_PRSTATUS &&
	    arch->prstatus) {
		err = add_cpu(dump, cap, &regs);
		return err ? err : arch->prstatus(n->desc, n->descsz, regs);
	}
	if (!strcmp(n->name, "QEMU") && arch->qemu_cpu) {
		if (*nqemu < dump->ncpus) {
			regs = &dump->cpus[*nqemu];
		} else {
			err = add_cpu(dump, cap, &regs);
			if (err)
				return err;
		}
		(*nqemu)++;
		/* QEMU's NT_PRSTATUS pid is its CPU number + 1, not a task. */
		regs->pid = -1;
		regs->source = MKD_REGS_QEMU;
		return arch->qemu_cpu(n->desc, n->descsz, regs);
	}
	return NULL;
}

static struct mkd_error *walk_notes(struct mkd_dump *dump)
{
	struct mkd_cursor c;
	struct note n;
	size_t cap = 0, nqemu = 0;
	bool bad;

	mkd_cursor_init(&c, dump->notes, dump->notes_len);
	while (note_next(&c, &n, &bad)) {
		struct mkd_error *err = NULL;

		if (!strcmp(n.name, "VMCOREINFO") && !dump->vmcoreinfo)
			err = mkd_dump_set_vmcoreinfo(dump,
						      (const char *)n.desc,
						      n.descsz);
		else if (dump->arch_ops)
			err = take_regs(dump, &n, &cap, &nqemu);
		if (err)
			return mkd_error_wrap(err, "ELF note '%s' type %u",
					      n.name, n.type);
	}
	if (bad)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"ELF note at offset %zu overruns the notes (%zu bytes)",
					c.pos, dump->notes_len);
	return NULL;
}

/* The architecture, when the format could not say, from vmcoreinfo. */
static enum mkd_arch arch_from_vmcoreinfo(const struct mkd_dump *dump)
{
	if (mkd_vmcoreinfo_get(dump, "SYMBOL(init_top_pgt)") ||
	    mkd_vmcoreinfo_get(dump, "NUMBER(pgtable_l5_enabled)"))
		return MKD_ARCH_X86_64;
	return MKD_ARCH_UNKNOWN;
}

struct mkd_error *mkd_notes_parse(struct mkd_dump *dump)
{
	struct mkd_error *err;
	const char *v;

	/* VMCOREINFO first: it may be what tells the architecture. */
	dump->arch_ops = mkd_arch_ops_find(dump->arch);
	err = walk_notes(dump);
	if (err)
		return err;
	if (dump->arch == MKD_ARCH_UNKNOWN) {
		dump->arch = arch_from_vmcoreinfo(dump);
		dump->arch_ops = mkd_arch_ops_find(dump->arch);
		dump->ncpus = 0;
		err = walk_notes(dump);
		if (err)
			return err;
	}
	if (!dump->release) {
		v = mkd_vmcoreinfo_get(dump, "OSRELEASE");
		if (v)
			err = mkd_dump_set_release(dump, v, strcspn(v, "\n"));
		if (err)
			return err;
	}
	if (!dump->has_crash_time) {
		v = mkd_vmcoreinfo_get(dump, "CRASHTIME");
		if (v && mkd_parse_s64(v, strcspn(v, "\n"), 10,
				       &dump->crash_time))
			dump->has_crash_time = true;
	}
	return NULL;
}

MKD_EXPORT size_t mkd_dump_cpu_count(const struct mkd_dump *dump)
{
	return dump->ncpus;
}

MKD_EXPORT struct mkd_error *mkd_dump_cpu_regs(const struct mkd_dump *dump,
					       size_t cpu,
					       struct mkd_cpu_regs *regs)
{
	if (cpu >= dump->ncpus)
		return mkd_error_create(MKD_ERR_NOT_FOUND,
					"no registers for CPU %zu (the dump has %zu)",
					cpu, dump->ncpus);
	*regs = dump->cpus[cpu];
	return NULL;
}
