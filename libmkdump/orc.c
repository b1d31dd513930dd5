// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * orc.c - the kernel's ORC unwind tables read from the dump, turned into
 * CFI rows.
 *
 * Facts (Linux 6.1, arch/x86/include/asm/orc_types.h, unwind_orc.c):
 * vmlinux has two parallel tables, __start_orc_unwind_ip (s32 each, the
 * address of the entry plus its value is a code address; sorted) and
 * __start_orc_unwind (struct orc_entry, 6 bytes: s16 sp_offset, s16
 * bp_offset, then bitfields sp_reg:4 bp_reg:4 type:2 end:1).  The entry
 * for an address is the last one whose address is not above it.  A
 * module has the same two tables in struct module.arch (num_orcs,
 * orc_unwind_ip, orc_unwind), sorted when it was loaded.  ORC registers:
 * 0 undefined, 1 prev_sp, 2 dx, 3 di, 4 bp, 5 sp, 6 r10, 7 r13,
 * 8 bp_indirect, 9 sp_indirect; types: 0 call, 1 regs, 2 regs_partial.
 * sp_reg undefined means the end of the stack when `end` is set, else
 * code that cannot be unwound.  The bitfield positions are taken from
 * the dump's BTF when it has struct orc_entry.
 */
#include <stdlib.h>

#include "internal.h"
#include "symbols.h"
#include "unwind.h"

#define ORC_ENTRY_SIZE 6
#define MAX_ORC_ENTRIES (1u << 24)
#define MAX_MODULES 65536

enum {
	ORC_REG_UNDEFINED = 0, ORC_REG_PREV_SP, ORC_REG_DX, ORC_REG_DI,
	ORC_REG_BP, ORC_REG_SP, ORC_REG_R10, ORC_REG_R13,
	ORC_REG_BP_INDIRECT, ORC_REG_SP_INDIRECT,
};
enum { ORC_TYPE_CALL = 0, ORC_TYPE_REGS, ORC_TYPE_REGS_PARTIAL };

const struct mkd_orc_layout mkd_orc_layout_6_1 = {
	.sp_reg = 0, .bp_reg = 4, .type = 8, .end = 10, .type_bits = 2,
};

/* One pair of tables and the text they cover. */
struct orc_table {
	uint64_t ip, orc;	/* addresses of the two arrays */
	uint32_t n;
	struct mkd_range text[2];
};

struct mkd_orc {
	struct mkd_orc_layout layout;
	struct orc_table kernel;
	struct orc_table *mods;
	size_t nmods;
	bool mods_loaded;
};

static void decode_sp(unsigned reg, int16_t off, struct mkd_cfi_row *row)
{
	static const uint8_t base[] = {
		[ORC_REG_DX] = MKD_X86_64_RDX, [ORC_REG_DI] = MKD_X86_64_RDI,
		[ORC_REG_BP] = MKD_X86_64_RBP, [ORC_REG_SP] = MKD_X86_64_RSP,
		[ORC_REG_R10] = MKD_X86_64_R10, [ORC_REG_R13] = MKD_X86_64_R13,
		[ORC_REG_BP_INDIRECT] = MKD_X86_64_RBP,
		[ORC_REG_SP_INDIRECT] = MKD_X86_64_RSP,
	};

	if (reg == ORC_REG_UNDEFINED || reg == ORC_REG_PREV_SP ||
	    reg >= sizeof(base)) {
		row->kind = MKD_CFI_UNDEFINED;
		return;
	}
	row->cfa_reg = base[reg];
	row->cfa_offset = off;
	/* The kernel adds sp_offset after the load for SP_INDIRECT only. */
	if (reg == ORC_REG_SP_INDIRECT) {
		row->cfa_deref = true;
		row->cfa_offset = 0;
		row->cfa_post = off;
	} else if (reg == ORC_REG_BP_INDIRECT) {
		row->cfa_deref = true;
	}
}

void mkd_orc_decode(const uint8_t raw[6], const struct mkd_orc_layout *l,
		    struct mkd_cfi_row *row)
{
	unsigned bits = mkd_le16(raw + 4);
	unsigned sp_reg = bits >> l->sp_reg & 0xf;
	unsigned bp_reg = bits >> l->bp_reg & 0xf;
	unsigned type = bits >> l->type & ((1u << l->type_bits) - 1);
	bool end = bits >> l->end & 1;

	memset(row, 0, sizeof(*row));
	if (sp_reg == ORC_REG_UNDEFINED) {
		row->kind = end ? MKD_CFI_END : MKD_CFI_UNDEFINED;
		return;
	}
	if (type > ORC_TYPE_REGS_PARTIAL) {
		row->kind = MKD_CFI_UNDEFINED;
		return;
	}
	row->kind = type == ORC_TYPE_CALL ? MKD_CFI_CALL :
		    type == ORC_TYPE_REGS ? MKD_CFI_REGS : MKD_CFI_IRET_REGS;
	decode_sp(sp_reg, (int16_t)mkd_le16(raw), row);
	if (row->kind == MKD_CFI_UNDEFINED)
		return;
	row->bp_offset = (int16_t)mkd_le16(raw + 2);
	if (bp_reg == ORC_REG_PREV_SP)
		row->bp_rule = MKD_CFI_BP_AT_CFA;
	else if (bp_reg == ORC_REG_BP)
		row->bp_rule = MKD_CFI_BP_AT_BP;
	else if (bp_reg == ORC_REG_UNDEFINED)
		row->bp_rule = MKD_CFI_BP_SAME;
	else
		row->kind = MKD_CFI_UNDEFINED;
}

/* The bitfields' places from BTF, when it has them and they make sense. */
static void find_layout(struct mkd_dump *dump, struct mkd_orc_layout *l)
{
	static const char *const names[] = { "sp_reg", "bp_reg", "type", "end" };
	uint8_t pos[4];
	const struct mkd_type *t;
	struct mkd_type_member m;
	struct mkd_error *err;
	size_t i, k;

	*l = mkd_orc_layout_6_1;
	err = mkd_type_find(dump, "struct orc_entry", &t);
	if (err || mkd_type_size(t) != ORC_ENTRY_SIZE) {
		mkd_error_destroy(err);
		return;
	}
	for (k = 0; k < 4; k++) {
		for (i = 0; i < mkd_type_member_count(t); i++)
			if (mkd_type_member(t, i, &m) && m.name &&
			    !strcmp(m.name, names[k]))
				break;
		if (i == mkd_type_member_count(t) || m.bit_offset < 32 ||
		    m.bit_offset + m.bit_size > 48 ||
		    m.bit_size != (k < 2 ? 4u : k == 2 ? l->type_bits : 1u))
			return;		/* not the 6.1 shape: keep the default */
		pos[k] = (uint8_t)(m.bit_offset - 32);
	}
	l->sp_reg = pos[0];
	l->bp_reg = pos[1];
	l->type = pos[2];
	l->end = pos[3];
}

static struct mkd_error *core_symbol(struct mkd_dump *dump, const char *name,
				     uint64_t *addr)
{
	struct mkd_error *err = mkd_symbols_core_address(dump, name, addr);

	return err ? mkd_error_wrap(err, "symbol '%s'", name) : NULL;
}

static struct mkd_error *kernel_table(struct mkd_dump *dump,
				      struct orc_table *t)
{
	static const char *const names[] = {
		"__start_orc_unwind_ip", "__stop_orc_unwind_ip",
		"__start_orc_unwind", "_stext", "_etext", "_sinittext",
		"_einittext",
	};
	uint64_t a[7];
	struct mkd_error *err = NULL;
	size_t i;

	for (i = 0; i < 7 && !err; i++)
		err = core_symbol(dump, names[i], &a[i]);
	if (err)
		return err;
	if (a[1] < a[0] || (a[1] - a[0]) % 4 ||
	    (a[1] - a[0]) / 4 > MAX_ORC_ENTRIES || a[4] < a[3] || a[6] < a[5])
		return mkd_error_create(MKD_ERR_CORRUPT,
					"the ORC table bounds 0x%llx-0x%llx make no sense",
					(unsigned long long)a[0],
					(unsigned long long)a[1]);
	t->ip = a[0];
	t->n = (uint32_t)((a[1] - a[0]) / 4);
	t->orc = a[2];
	t->text[0] = (struct mkd_range){ a[3], a[4] };
	t->text[1] = (struct mkd_range){ a[5], a[6] };
	return NULL;
}

struct mkd_error *mkd_orc_create(struct mkd_dump *dump, struct mkd_orc **ret)
{
	struct mkd_orc *orc;
	struct mkd_error *err;

	*ret = NULL;
	orc = calloc(1, sizeof(*orc));
	if (!orc)
		return &mkd_enomem;
	err = kernel_table(dump, &orc->kernel);
	if (err) {
		free(orc);
		return mkd_error_wrap(err, "ORC");
	}
	find_layout(dump, &orc->layout);
	*ret = orc;
	return NULL;
}

void mkd_orc_destroy(struct mkd_orc *orc)
{
	if (!orc)
		return;
	free(orc->mods);
	free(orc);
}

static bool in_table_text(const struct orc_table *t, uint64_t pc)
{
	return (pc >= t->text[0].start && pc < t->text[0].end) ||
	       (pc >= t->text[1].start && pc < t->text[1].end);
}

static struct mkd_error *ip_at(struct mkd_dump *dump,
			       const struct orc_table *t, uint32_t i,
			       uint64_t *ip)
{
	uint64_t at = t->ip + 4 * (uint64_t)i;
	struct mkd_error *err;
	uint8_t raw[4];

	err = mkd_read_virt(dump, at, raw, 4, NULL);
	if (err)
		return mkd_error_wrap(err, "ORC address table");
	*ip = at + (uint64_t)(int64_t)(int32_t)mkd_le32(raw);
	return NULL;
}

/* The last entry whose address is not above pc (binary search). */
static struct mkd_error *table_find(struct mkd_dump *dump,
				    const struct mkd_orc *orc,
				    const struct orc_table *t, uint64_t pc,
				    struct mkd_cfi_row *row)
{
	uint32_t lo = 0, hi = t->n, mid;
	struct mkd_error *err;
	uint8_t raw[ORC_ENTRY_SIZE];
	uint64_t ip;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		err = ip_at(dump, t, mid, &ip);
		if (err)
			return err;
		if (ip <= pc)
			lo = mid;
		else
			hi = mid;
	}
	err = ip_at(dump, t, lo, &ip);
	if (!err && (t->n == 0 || ip > pc))
		return mkd_error_at(MKD_ERR_NOT_FOUND, pc,
				    "no ORC entry for 0x%llx",
				    (unsigned long long)pc);
	if (!err)
		err = mkd_read_virt(dump, t->orc + ORC_ENTRY_SIZE * (uint64_t)lo,
				    raw, sizeof(raw), NULL);
	if (err)
		return mkd_error_wrap(err, "ORC entry %u", lo);
	mkd_orc_decode(raw, &orc->layout, row);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Modules */

enum {
	M_LIST, M_STATE, M_NUM, M_IP, M_ORC, M_CORE, M_CORE_TEXT, M_INIT,
	M_INIT_TEXT, M_COUNT
};

static struct mkd_error *module_layout(struct mkd_dump *dump,
				       uint64_t off[M_COUNT])
{
	static const char *const paths[M_COUNT] = {
		"list", "state", "arch.num_orcs", "arch.orc_unwind_ip",
		"arch.orc_unwind", "core_layout.base", "core_layout.text_size",
		"init_layout.base", "init_layout.text_size",
	};
	struct mkd_error *err;
	uint64_t bits;
	size_t i;

	for (i = 0; i < M_COUNT; i++) {
		err = mkd_type_member_offset(dump, "struct module", paths[i],
					     &bits, NULL);
		if (err)
			return err;
		if (bits % 8)
			return mkd_error_create(MKD_ERR_UNSUPPORTED,
						"struct module.%s is a bitfield",
						paths[i]);
		off[i] = bits / 8;
	}
	return NULL;
}

static struct mkd_error *read_u64(struct mkd_dump *dump, uint64_t addr,
				  uint64_t *v)
{
	uint8_t raw[8];
	struct mkd_error *err = mkd_read_virt(dump, addr, raw, 8, NULL);

	if (!err)
		*v = mkd_le64(raw);
	return err;
}

static struct mkd_error *read_u32(struct mkd_dump *dump, uint64_t addr,
				  uint32_t *v)
{
	uint8_t raw[4];
	struct mkd_error *err = mkd_read_virt(dump, addr, raw, 4, NULL);

	if (!err)
		*v = mkd_le32(raw);
	return err;
}

static struct mkd_error *module_table(struct mkd_dump *dump,
				      const uint64_t off[M_COUNT],
				      uint64_t mod, struct orc_table *t)
{
	uint32_t core_text = 0, init_text = 0;
	uint64_t core = 0, init = 0;
	struct mkd_error *err;

	err = read_u32(dump, mod + off[M_NUM], &t->n);
	if (!err)
		err = read_u64(dump, mod + off[M_IP], &t->ip);
	if (!err)
		err = read_u64(dump, mod + off[M_ORC], &t->orc);
	if (!err)
		err = read_u64(dump, mod + off[M_CORE], &core);
	if (!err)
		err = read_u32(dump, mod + off[M_CORE_TEXT], &core_text);
	if (!err)
		err = read_u64(dump, mod + off[M_INIT], &init);
	if (!err)
		err = read_u32(dump, mod + off[M_INIT_TEXT], &init_text);
	if (err)
		return err;
	if (t->n > MAX_ORC_ENTRIES)
		t->n = 0;	/* not believable: no table */
	t->text[0] = (struct mkd_range){ core, core + core_text };
	t->text[1] = (struct mkd_range){ init, init + init_text };
	return NULL;
}

static struct mkd_error *load_modules(struct mkd_dump *dump,
				      struct mkd_orc *orc)
{
	uint64_t off[M_COUNT], head = 0, next = 0;
	size_t cap = 0, n;
	struct mkd_error *err;

	orc->mods_loaded = true;
	err = module_layout(dump, off);
	if (!err)
		err = mkd_symbols_core_address(dump, "modules", &head);
	if (!err)
		err = read_u64(dump, head, &next);
	for (n = 0; !err && next != head; n++) {
		if (n == MAX_MODULES) {
			err = mkd_error_create(MKD_ERR_CORRUPT,
					       "the modules list does not end");
			break;
		}
		if (!mkd_array_reserve(&orc->mods, &cap, orc->nmods + 1,
				       sizeof(*orc->mods)))
			return &mkd_enomem;
		err = module_table(dump, off, next - off[M_LIST],
				   &orc->mods[orc->nmods]);
		if (!err)
			orc->nmods++;
		if (!err)
			err = read_u64(dump, next, &next);
	}
	return err ? mkd_error_wrap(err, "modules' ORC tables") : NULL;
}

static const struct orc_table *module_for(struct mkd_dump *dump,
					  struct mkd_orc *orc, uint64_t pc,
					  struct mkd_error **err)
{
	size_t i;

	*err = NULL;
	if (!orc->mods_loaded)
		*err = load_modules(dump, orc);
	for (i = 0; i < orc->nmods; i++)
		if (in_table_text(&orc->mods[i], pc))
			return &orc->mods[i];
	return NULL;
}

struct mkd_error *mkd_orc_find(struct mkd_dump *dump, struct mkd_orc *orc,
			       uint64_t pc, struct mkd_cfi_row *row)
{
	const struct orc_table *t = &orc->kernel;
	struct mkd_error *err;

	if (!in_table_text(t, pc)) {
		t = module_for(dump, orc, pc, &err);
		if (!t && err)
			return err;
		mkd_error_destroy(err);
	}
	if (!t)
		return mkd_error_at(MKD_ERR_NOT_FOUND, pc,
				    "no ORC table covers 0x%llx",
				    (unsigned long long)pc);
	return table_find(dump, orc, t, pc, row);
}

bool mkd_orc_is_text(struct mkd_dump *dump, struct mkd_orc *orc, uint64_t pc)
{
	struct mkd_error *err;
	bool found;

	if (in_table_text(&orc->kernel, pc))
		return true;
	found = module_for(dump, orc, pc, &err) != NULL;
	mkd_error_destroy(err);
	return found;
}
