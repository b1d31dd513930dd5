// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * arch-x86_64.c - x86_64: register notes and kernel address translation.
 *
 * Translation walks the kernel's own page tables (4 or 5 levels, as
 * NUMBER(pgtable_l5_enabled) says) from init_top_pgt, whose physical
 * address follows from the kernel text mapping: the text is mapped at
 * __START_KERNEL_map + phys_base.  Every address, direct map included,
 * is translated by the walk, so nothing depends on where KASLR put the
 * regions; the direct map's base is found once, for information.
 */
#include "internal.h"

#define START_KERNEL_MAP 0xffffffff80000000ULL
#define CPU_ENTRY_AREA_BASE 0xfffffe0000000000ULL	/* 4 and 5 levels */
#define PTE_PRESENT 0x1ULL
#define PTE_HUGE 0x80ULL		/* PS: 1 GiB at PUD, 2 MiB at PMD */
#define PTE_ADDR_MASK 0x000ffffffffff000ULL
#define PRSTATUS_REGS_OFFSET 112	/* elf_prstatus.pr_reg */
#define PRSTATUS_PID_OFFSET 32
#define PRSTATUS_NREGS 27		/* user_regs_struct */

static struct mkd_error *read_entry(const struct mkd_vm *vm, uint64_t table,
				    unsigned index, uint64_t *entry)
{
	uint8_t raw[8];
	struct mkd_error *err;

	err = vm->read(vm->read_arg, table + index * 8ULL, raw, sizeof(raw));
	if (err)
		return err;
	*entry = mkd_le64(raw);
	return NULL;
}

static uint64_t sign_extend(uint64_t va, unsigned levels)
{
	unsigned bits = levels == 5 ? 57 : 48;

	return (uint64_t)((int64_t)(va << (64 - bits)) >> (64 - bits));
}

static bool is_canonical(uint64_t va, unsigned levels)
{
	return sign_extend(va, levels) == va;
}

static struct mkd_error *x86_64_vtop(const struct mkd_vm *vm, uint64_t va,
				     uint64_t *pa)
{
	static const char *const names[] = { "pte", "pmd", "pud", "p4d", "pgd" };
	uint64_t table = vm->info.pgd_paddr, entry = 0;
	uint64_t addr_mask = PTE_ADDR_MASK & ~vm->sme_mask;
	int level;

	if (!is_canonical(va, vm->info.levels))
		return mkd_error_at(MKD_ERR_NO_TRANSLATION, va,
				    "0x%llx is not a canonical address",
				    (unsigned long long)va);
	for (level = (int)vm->info.levels - 1; level >= 0; level--) {
		unsigned shift = 12 + 9 * (unsigned)level;
		struct mkd_error *err;

		err = read_entry(vm, table, (va >> shift) & 511, &entry);
		if (err)
			return mkd_error_wrap(err, "%s of 0x%llx", names[level],
					      (unsigned long long)va);
		if (!(entry & PTE_PRESENT))
			return mkd_error_at(MKD_ERR_NO_TRANSLATION, va,
					    "0x%llx is not mapped (%s entry 0x%llx)",
					    (unsigned long long)va,
					    names[level],
					    (unsigned long long)entry);
		if ((level == 1 || level == 2) && (entry & PTE_HUGE)) {
			uint64_t size = 1ULL << shift;

			*pa = (entry & addr_mask & ~(size - 1)) |
			      (va & (size - 1));
			return NULL;
		}
		table = entry & addr_mask;
	}
	*pa = table | (va & 0xfff);
	return NULL;
}

/*
 * The direct map starts at the lowest address of the kernel half that
 * maps physical 0; KASLR moves it in 1 GiB steps above the LDT remap,
 * and it comes first of the regions randomized below the CPU entry area
 * (far above 64 TiB with 5 levels).  Rather than translate every step,
 * each failing with an error to build and free, walk the tables in
 * address order and go down only into present entries; a budget of reads
 * bounds the walk on corrupt tables, where the offset stays unknown (0).
 */
#define OFFSET_SEARCH_BUDGET 256	/* tables read and steps tried */

struct offset_search {
	const struct mkd_vm *vm;
	uint64_t lo, hi;	/* the 1 GiB steps searched: [lo, hi) */
	unsigned budget;
};

/* True when the step at va translates: that ends the search. */
static bool try_step(struct offset_search *s, uint64_t va, uint64_t *pa)
{
	struct mkd_error *err = x86_64_vtop(s->vm, va, pa);

	mkd_error_destroy(err);
	return !err;
}

/* Search the table at paddr table, of level, whose first entry maps base. */
static bool search_table(struct offset_search *s, uint64_t table, int level,
			 uint64_t base, uint64_t *va, uint64_t *pa)
{
	uint64_t mask = PTE_ADDR_MASK & ~s->vm->sme_mask;
	unsigned shift = 12 + 9 * (unsigned)level, i;
	struct mkd_error *err;
	uint8_t raw[4096];

	if (!s->budget)
		return false;
	s->budget--;
	err = s->vm->read(s->vm->read_arg, table, raw, sizeof(raw));
	if (err) {
		mkd_error_destroy(err);
		return false;
	}
	for (i = 0; i < 512 && s->budget; i++) {
		uint64_t start = sign_extend(base + ((uint64_t)i << shift),
					     s->vm->info.levels);
		uint64_t entry = mkd_le64(raw + i * 8);

		if (start >= s->hi)
			break;
		if (start + ((1ULL << shift) - 1) < s->lo ||
		    !(entry & PTE_PRESENT))
			continue;
		if (level > 2) {
			if (search_table(s, entry & mask, level - 1, start,
					 va, pa))
				return true;
			continue;
		}
		/* A PUD entry maps exactly one step. */
		s->budget--;
		if (try_step(s, start, pa)) {
			*va = start;
			return true;
		}
	}
	return false;
}

static void find_page_offset(struct mkd_vm *vm)
{
	struct offset_search s = { .vm = vm, .budget = OFFSET_SEARCH_BUDGET };
	uint64_t va, pa;

	s.lo = vm->info.levels == 5 ? 0xff11000000000000ULL
				    : 0xffff888000000000ULL;
	s.hi = CPU_ENTRY_AREA_BASE;
	if (search_table(&s, vm->info.pgd_paddr, (int)vm->info.levels - 1, 0,
			 &va, &pa) && pa == 0)
		vm->info.page_offset = va;
}

static struct mkd_error *x86_64_vm_init(struct mkd_dump *dump,
					struct mkd_vm *vm)
{
	uint64_t top_pgt, offset = 0;
	int64_t l5 = 0, phys_base = 0, sme = 0;
	struct mkd_error *err;
	const char *v;

	if (!dump->vmcoreinfo)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"the dump has no VMCOREINFO");
	err = mkd_vmcoreinfo_symbol(dump, "init_top_pgt", &top_pgt);
	if (err)
		return err;
	err = mkd_vmcoreinfo_number(dump, "phys_base", &phys_base);
	if (err)
		return err;
	v = mkd_vmcoreinfo_get(dump, "KERNELOFFSET");
	if (v && !mkd_parse_u64(v, strcspn(v, "\n"), 16, &offset))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"vmcoreinfo KERNELOFFSET is not a number");
	err = mkd_vmcoreinfo_number(dump, "pgtable_l5_enabled", &l5);
	if (err && mkd_error_code(err) != MKD_ERR_NOT_FOUND)
		return err;
	mkd_error_destroy(err);
	err = mkd_vmcoreinfo_number(dump, "sme_mask", &sme);
	if (err && mkd_error_code(err) != MKD_ERR_NOT_FOUND)
		return err;
	mkd_error_destroy(err);
	if (top_pgt < START_KERNEL_MAP)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"init_top_pgt 0x%llx is outside the kernel text",
					(unsigned long long)top_pgt);
	vm->info.levels = l5 ? 5 : 4;
	vm->info.kernel_offset = offset;
	vm->info.phys_base = phys_base;
	vm->info.pgd_paddr = top_pgt - START_KERNEL_MAP + (uint64_t)phys_base;
	vm->sme_mask = (uint64_t)sme;	/* memory encryption bit */
	find_page_offset(vm);
	return NULL;
}

static struct mkd_error *x86_64_prstatus(const void *desc, size_t len,
					 struct mkd_cpu_regs *regs)
{
	const uint8_t *p = desc;
	unsigned i;

	if (len < PRSTATUS_REGS_OFFSET + PRSTATUS_NREGS * 8)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"NT_PRSTATUS note of %zu bytes is too short for x86_64",
					len);
	regs->source = MKD_REGS_PRSTATUS;
	regs->pid = (int32_t)mkd_le32(p + PRSTATUS_PID_OFFSET);
	for (i = 0; i < PRSTATUS_NREGS; i++)
		regs->regs[i] = mkd_le64(p + PRSTATUS_REGS_OFFSET + i * 8);
	regs->nregs = PRSTATUS_NREGS;
	regs->valid_mask |= (1ULL << PRSTATUS_NREGS) - 1;
	return NULL;
}

/*
 * QEMU's QEMUCPUState (target/i386/arch_dump.c): version, size, then
 * rax rbx rcx rdx rsi rdi rsp rbp r8..r15 rip rflags, ten 24-byte
 * segments (cs ds es fs gs ss ldt tr gdt idt: selector, limit, flags,
 * pad, base) and cr[5].
 */
#define QEMU_GPR_OFFSET 8
#define QEMU_SEG_OFFSET 152
#define QEMU_SEG_SIZE 24
#define QEMU_CR_OFFSET (QEMU_SEG_OFFSET + 10 * QEMU_SEG_SIZE)

static void set_reg(struct mkd_cpu_regs *regs, enum mkd_x86_64_reg reg,
		    uint64_t value)
{
	regs->regs[reg] = value;
	regs->valid_mask |= 1ULL << reg;
}

static struct mkd_error *x86_64_qemu_cpu(const void *desc, size_t len,
					 struct mkd_cpu_regs *regs)
{
	static const enum mkd_x86_64_reg gprs[] = {
		MKD_X86_64_RAX, MKD_X86_64_RBX, MKD_X86_64_RCX, MKD_X86_64_RDX,
		MKD_X86_64_RSI, MKD_X86_64_RDI, MKD_X86_64_RSP, MKD_X86_64_RBP,
		MKD_X86_64_R8, MKD_X86_64_R9, MKD_X86_64_R10, MKD_X86_64_R11,
		MKD_X86_64_R12, MKD_X86_64_R13, MKD_X86_64_R14, MKD_X86_64_R15,
		MKD_X86_64_RIP, MKD_X86_64_EFLAGS,
	};
	static const enum mkd_x86_64_reg segs[] = {
		MKD_X86_64_CS, MKD_X86_64_DS, MKD_X86_64_ES, MKD_X86_64_FS,
		MKD_X86_64_GS, MKD_X86_64_SS,
	};
	const uint8_t *p = desc;
	unsigned i;

	if (len < QEMU_CR_OFFSET + 5 * 8)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"QEMU CPU note of %zu bytes is too short",
					len);
	for (i = 0; i < sizeof(gprs) / sizeof(gprs[0]); i++)
		set_reg(regs, gprs[i], mkd_le64(p + QEMU_GPR_OFFSET + i * 8));
	for (i = 0; i < sizeof(segs) / sizeof(segs[0]); i++)
		set_reg(regs, segs[i],
			mkd_le32(p + QEMU_SEG_OFFSET + i * QEMU_SEG_SIZE));
	set_reg(regs, MKD_X86_64_FS_BASE,
		mkd_le64(p + QEMU_SEG_OFFSET + 3 * QEMU_SEG_SIZE + 16));
	set_reg(regs, MKD_X86_64_GS_BASE,
		mkd_le64(p + QEMU_SEG_OFFSET + 4 * QEMU_SEG_SIZE + 16));
	set_reg(regs, MKD_X86_64_CR0, mkd_le64(p + QEMU_CR_OFFSET));
	set_reg(regs, MKD_X86_64_CR2, mkd_le64(p + QEMU_CR_OFFSET + 16));
	set_reg(regs, MKD_X86_64_CR3, mkd_le64(p + QEMU_CR_OFFSET + 24));
	set_reg(regs, MKD_X86_64_CR4, mkd_le64(p + QEMU_CR_OFFSET + 32));
	if (!regs->source)
		regs->source = MKD_REGS_QEMU;
	regs->nregs = MKD_X86_64_REG_COUNT;
	return NULL;
}

const struct mkd_arch_ops mkd_arch_x86_64 = {
	.arch = MKD_ARCH_X86_64,
	.name = "x86_64",
	.vm_init = x86_64_vm_init,
	.vtop = x86_64_vtop,
	.prstatus = x86_64_prstatus,
	.qemu_cpu = x86_64_qemu_cpu,
};

MKD_EXPORT const char *mkd_x86_64_reg_name(enum mkd_x86_64_reg reg)
{
	static const char *const names[] = {
		"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10",
		"r9", "r8", "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax",
		"rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base",
		"ds", "es", "fs", "gs", "cr0", "cr2", "cr3", "cr4",
	};

	return (unsigned)reg < MKD_X86_64_REG_COUNT ? names[reg] : "?";
}
