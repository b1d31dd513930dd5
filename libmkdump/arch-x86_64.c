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

static bool is_canonical(uint64_t va, unsigned levels)
{
	unsigned bits = levels == 5 ? 57 : 48;
	int64_t sva = (int64_t)(va << (64 - bits)) >> (64 - bits);

	return (uint64_t)sva == va;
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
 * The lowest mapped address at or above va under the table of this level
 * (va's bits above the level's span are kept).  Empty entries are skipped
 * whole, so a sparse 5-level tree costs a few hundred reads; *budget caps
 * the reads on a damaged one.  Unreadable tables count as empty.
 */
static bool first_mapping(const struct mkd_vm *vm, uint64_t table, int level,
			  uint64_t va, unsigned *budget, uint64_t *found_va,
			  uint64_t *found_pa)
{
	uint64_t addr_mask = PTE_ADDR_MASK & ~vm->sme_mask;
	unsigned shift = 12 + 9 * (unsigned)level, idx;
	uint64_t size = 1ULL << shift;

	for (idx = (va >> shift) & 511; idx < 512 && *budget; idx++) {
		uint64_t start = (va & ~(size * 512 - 1)) | (uint64_t)idx << shift;
		uint64_t cur = start > va ? start : va, entry;
		struct mkd_error *err;

		(*budget)--;
		err = read_entry(vm, table, idx, &entry);
		if (err || !(entry & PTE_PRESENT)) {
			mkd_error_destroy(err);
			continue;
		}
		if (level == 0 || ((level == 1 || level == 2) &&
				   (entry & PTE_HUGE))) {
			*found_va = cur;
			*found_pa = (entry & addr_mask & ~(size - 1)) |
				    (cur & (size - 1));
			return true;
		}
		if (first_mapping(vm, entry & addr_mask, level - 1, cur, budget,
				  found_va, found_pa))
			return true;
	}
	return false;
}

/*
 * The direct map is the first region of the kernel half above the LDT
 * remap (0xffff888000000000, or 0xff11000000000000 with 5 levels); KASLR
 * moves its base up in 1 GiB steps, by up to a third of the free space:
 * some 24 TiB with 4 levels, but petabytes with 5.  So find the first
 * mapping above the region's start by walking the tables, and take the
 * base from its (virtual, physical) pair.  Unknown stays 0.
 */
#define DIRECT_MAP_ALIGN (1ULL << 30)

static void find_page_offset(struct mkd_vm *vm)
{
	uint64_t start = vm->info.levels == 5 ? 0xff11000000000000ULL
					      : 0xffff888000000000ULL;
	uint64_t va, pa, base;
	unsigned budget = 1U << 16;

	if (!first_mapping(vm, vm->info.pgd_paddr, (int)vm->info.levels - 1,
			   start, &budget, &va, &pa))
		return;
	base = va - pa;
	if (pa <= va && base >= start && !(base & (DIRECT_MAP_ALIGN - 1)))
		vm->info.page_offset = base;
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
