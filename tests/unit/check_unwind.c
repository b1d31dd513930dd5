// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_unwind.c - the unwinder's loop on fake memory: good chains,
 * pt_regs and the user boundary, guesses, and bad input (corrupt rows,
 * stack pointers into nowhere, unreadable words) that must end bounded
 * with a note.  Also the decoding of raw ORC entries.
 */
#include <stdlib.h>

#include "unit.h"
#include "unwind.h"

#define STACK_BASE 0x10000ull
#define STACK_SIZE 0x4000ull
#define TEXT_START 0x1000ull
#define TEXT_END 0x3000ull
#define HOLE 0x13000ull		/* reads here fail as "filtered" */

struct fake {
	uint8_t stack[STACK_SIZE];
	struct mkd_cfi_row rows[TEXT_END - TEXT_START];
	bool have_row[TEXT_END - TEXT_START];
	uint64_t hole;		/* one unreadable word, 0 for none */
	bool irq;		/* the upper half is an IRQ stack */
};

static struct mkd_error *fake_read(void *arg, uint64_t addr, void *buf,
				   size_t len)
{
	struct fake *f = arg;

	if (f->hole && addr <= f->hole && addr + len > f->hole)
		return mkd_error_at(MKD_ERR_NO_DATA, f->hole,
				    "page filtered out");
	if (addr >= TEXT_START && addr + len <= TEXT_END) {
		memset(buf, 0x90, len);		/* no call instructions */
		return NULL;
	}
	if (addr < STACK_BASE || addr + len > STACK_BASE + STACK_SIZE)
		return mkd_error_at(MKD_ERR_NO_TRANSLATION, addr, "not mapped");
	memcpy(buf, f->stack + (addr - STACK_BASE), len);
	return NULL;
}

static struct mkd_error *fake_row(void *arg, uint64_t pc,
				  struct mkd_cfi_row *row)
{
	struct fake *f = arg;

	if (pc < TEXT_START || pc >= TEXT_END || !f->have_row[pc - TEXT_START])
		return mkd_error_at(MKD_ERR_NOT_FOUND, pc, "no row");
	*row = f->rows[pc - TEXT_START];
	return NULL;
}

static bool fake_start(void *arg, uint64_t pc, uint64_t *start)
{
	*start = pc & ~0xffull;
	return pc >= TEXT_START && pc < TEXT_END;
}

static bool fake_is_text(void *arg, uint64_t pc)
{
	return pc >= TEXT_START && pc < TEXT_END;
}

#define IRQ_BASE (STACK_BASE + STACK_SIZE / 2)

static bool fake_stack(void *arg, uint64_t addr, struct mkd_stack_range *s)
{
	struct fake *f = arg;

	if (addr < STACK_BASE || addr >= STACK_BASE + STACK_SIZE)
		return false;
	*s = (struct mkd_stack_range){ STACK_BASE, STACK_BASE + STACK_SIZE,
				       MKD_STACK_TASK };
	if (f->irq && addr >= IRQ_BASE)
		*s = (struct mkd_stack_range){ IRQ_BASE,
			STACK_BASE + STACK_SIZE, MKD_STACK_IRQ };
	else if (f->irq)
		s->end = IRQ_BASE;
	return true;
}

static const struct mkd_unwind_ops fake_ops = {
	.read = fake_read, .find_row = fake_row, .func_start = fake_start,
	.is_text = fake_is_text, .find_stack = fake_stack,
};

static void put(struct fake *f, uint64_t addr, uint64_t v)
{
	size_t i;

	for (i = 0; i < 8; i++)
		f->stack[addr - STACK_BASE + i] = (uint8_t)(v >> (8 * i));
}

/* Every pc of [start, end) gets row. */
static void rows(struct fake *f, uint64_t start, uint64_t end,
		 struct mkd_cfi_row row)
{
	uint64_t pc;

	for (pc = start; pc < end; pc++) {
		f->rows[pc - TEXT_START] = row;
		f->have_row[pc - TEXT_START] = true;
	}
}

static const struct mkd_cfi_row call16 = {
	.kind = MKD_CFI_CALL, .cfa_reg = MKD_X86_64_RSP, .cfa_offset = 16,
};

static void run(struct fake *f, uint64_t pc, uint64_t sp,
		struct mkd_stack_trace *t)
{
	struct mkd_unwind_start st = { .signal = true };

	st.regs[MKD_X86_64_RIP] = pc;
	st.regs[MKD_X86_64_RSP] = sp;
	st.valid = 1ull << MKD_X86_64_RIP | 1ull << MKD_X86_64_RSP;
	memset(t, 0, sizeof(*t));
	ck_assert_ok(mkd_unwind_run(&fake_ops, f, &st, t));
}

/* Three functions of 16-byte frames, the last one the stack's bottom. */
static struct fake *chain(void)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct mkd_cfi_row bottom = { .kind = MKD_CFI_END };

	ck_assert_ptr_nonnull(f);
	rows(f, 0x1000, 0x1300, call16);
	rows(f, 0x1300, 0x1400, bottom);
	put(f, STACK_BASE + 0x108, 0x1150);	/* 0x1000's caller */
	put(f, STACK_BASE + 0x118, 0x1250);
	put(f, STACK_BASE + 0x128, 0x1350);
	return f;
}

START_TEST(unwind_follows_a_chain_to_the_bottom)
{
	struct fake *f = chain();
	struct mkd_stack_trace t;
	size_t i;

	run(f, 0x1010, STACK_BASE + 0x100, &t);
	ck_assert_int_eq(t.end, MKD_UNWIND_END_BOTTOM);
	ck_assert_uint_eq(t.n, 4);
	ck_assert_uint_eq(t.frames[3].pc, 0x1350);
	ck_assert_uint_eq(t.frames[3].sp, STACK_BASE + 0x130);
	ck_assert_uint_eq(t.frames[0].cfa, STACK_BASE + 0x110);
	for (i = 0; i < t.n; i++)
		ck_assert_uint_eq(t.frames[i].flags, MKD_FRAME_RELIABLE);
	mkd_stack_trace_deinit(&t);
	free(f);
}
END_TEST

START_TEST(unwind_stops_at_user_mode_regs)
{
	struct fake *f = chain();
	struct mkd_cfi_row regs = { .kind = MKD_CFI_REGS,
				    .cfa_reg = MKD_X86_64_RSP };
	struct mkd_stack_trace t;
	uint64_t pt = STACK_BASE + 0x130;

	rows(f, 0x1300, 0x1400, regs);
	put(f, pt + 8 * MKD_X86_64_RIP, 0x47b7a0);
	put(f, pt + 8 * MKD_X86_64_CS, 0x33);
	put(f, pt + 8 * MKD_X86_64_RSP, 0x7ffc39a1a3f8);
	put(f, pt + 8 * MKD_X86_64_RAX, 0xffffffffffffffda);
	run(f, 0x1010, STACK_BASE + 0x100, &t);
	ck_assert_int_eq(t.end, MKD_UNWIND_END_USER);
	ck_assert_uint_eq(t.n, 5);
	ck_assert(t.frames[4].flags & MKD_FRAME_USER);
	ck_assert(t.frames[4].flags & MKD_FRAME_REGS);
	ck_assert_uint_eq(t.frames[4].regs_addr, pt);
	ck_assert_uint_eq(t.frames[4].pc, 0x47b7a0);
	ck_assert_uint_eq(t.frames[4].regs[MKD_X86_64_RAX], 0xffffffffffffffda);
	mkd_stack_trace_deinit(&t);
	free(f);
}
END_TEST

START_TEST(unwind_marks_frame_pointer_guesses)
{
	struct fake *f = chain();
	struct mkd_unwind_start st = { .signal = true };
	struct mkd_stack_trace t = { 0 };

	/* 0x2000 has no row: rbp-based guess: ra at rbp + 8. */
	st.regs[MKD_X86_64_RIP] = 0x2000;
	st.regs[MKD_X86_64_RSP] = STACK_BASE + 0xe0;
	st.regs[MKD_X86_64_RBP] = STACK_BASE + 0xf0;
	st.valid = 1ull << MKD_X86_64_RIP | 1ull << MKD_X86_64_RSP |
		   1ull << MKD_X86_64_RBP;
	put(f, STACK_BASE + 0xf8, 0x1010);
	ck_assert_ok(mkd_unwind_run(&fake_ops, f, &st, &t));
	ck_assert_uint_ge(t.n, 2);
	ck_assert_uint_eq(t.frames[1].pc, 0x1010);
	ck_assert(t.frames[1].flags & MKD_FRAME_UNCERTAIN);
	ck_assert(!(t.frames[1].flags & MKD_FRAME_RELIABLE));
	ck_assert_ptr_nonnull(t.frames[1].note);
	ck_assert(t.frames[t.n - 1].flags & MKD_FRAME_UNCERTAIN);
	mkd_stack_trace_deinit(&t);
	free(f);
}
END_TEST

START_TEST(unwind_stack_pointer_into_nowhere)
{
	struct fake *f = chain();
	struct mkd_stack_trace t;

	run(f, 0x1010, 0xdead0000, &t);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_int_eq(t.end, MKD_UNWIND_END_ERROR);
	ck_assert_ptr_nonnull(strstr(t.note, "no known stack"));
	mkd_stack_trace_deinit(&t);
	free(f);
}
END_TEST

START_TEST(unwind_unreadable_word_gives_a_note)
{
	struct fake *f = chain();
	struct mkd_stack_trace t;

	f->hole = STACK_BASE + 0x118;
	run(f, 0x1010, STACK_BASE + 0x100, &t);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_int_eq(t.end, MKD_UNWIND_END_ERROR);
	ck_assert_ptr_nonnull(strstr(t.note, "filtered"));
	mkd_stack_trace_deinit(&t);
	free(f);
}
END_TEST

START_TEST(unwind_refuses_a_stack_going_backwards)
{
	struct fake *f = chain();
	struct mkd_cfi_row back = call16;
	struct mkd_stack_trace t;

	back.cfa_offset = -16;
	rows(f, 0x1000, 0x1100, back);
	put(f, STACK_BASE + 0xe8, 0x1050);
	run(f, 0x1010, STACK_BASE + 0x100, &t);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_int_eq(t.end, MKD_UNWIND_END_ERROR);
	ck_assert_ptr_nonnull(strstr(t.note, "wrong way"));
	mkd_stack_trace_deinit(&t);
	free(f);
}
END_TEST

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random rows over random stacks: always bounded, always a reason. */
START_TEST(unwind_survives_corrupt_rows_and_stacks)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct mkd_stack_trace t;
	uint64_t s = 0x9e3779b97f4a7c15ull, i, k;

	ck_assert_ptr_nonnull(f);
	for (k = 0; k < 300; k++) {
		for (i = 0; i < TEXT_END - TEXT_START; i++) {
			struct mkd_cfi_row *r = &f->rows[i];

			r->kind = (uint8_t)(rnd(&s) % 6);
			r->cfa_reg = (uint8_t)(rnd(&s) % 24);
			r->cfa_deref = rnd(&s) % 4 == 0;
			r->cfa_offset = (int32_t)(rnd(&s) % 512) - 64;
			r->cfa_post = (int32_t)(rnd(&s) % 64) - 32;
			r->bp_rule = (uint8_t)(rnd(&s) % 4);
			r->bp_offset = (int32_t)(rnd(&s) % 64) - 32;
			f->have_row[i] = rnd(&s) % 8 != 0;
		}
		for (i = 0; i < STACK_SIZE; i += 8)
			put(f, STACK_BASE + i, rnd(&s) % 3 ?
			    TEXT_START + rnd(&s) % (TEXT_END - TEXT_START) :
			    STACK_BASE + rnd(&s) % STACK_SIZE);
		f->hole = k % 5 ? 0 : STACK_BASE + (rnd(&s) % STACK_SIZE & ~7ull);
		run(f, TEXT_START + rnd(&s) % 0x2000,
		    STACK_BASE + (rnd(&s) % STACK_SIZE & ~7ull), &t);
		ck_assert_uint_ge(t.n, 1);
		ck_assert_uint_le(t.n, MKD_UNWIND_MAX_FRAMES);
		ck_assert_int_ne(t.end, 0);
		if (t.end == MKD_UNWIND_END_ERROR)
			ck_assert_int_ne(t.note[0], '\0');
		for (i = 1; i < t.n; i++)
			if (!(t.frames[i].flags & MKD_FRAME_USER))
				ck_assert_uint_gt(t.frames[i].sp,
						  t.frames[i - 1].sp);
		mkd_stack_trace_deinit(&t);
	}
	free(f);
}
END_TEST

/*
 * A panic in an interrupt handler, as on the guest's keyboard sysrq: the
 * handler 0x1000 on the IRQ stack, called by 0x1100 (common_interrupt)
 * after it switched stacks, whose row finds the task stack through the
 * old sp saved at its own sp; 0x1200 (asm_common_interrupt) holds the
 * pt_regs of the interrupted 0x1300, whose caller 0x1400 is the bottom.
 */
START_TEST(unwind_crosses_from_the_irq_stack_through_pt_regs)
{
	struct fake *f = chain();
	struct mkd_cfi_row indirect = {
		.kind = MKD_CFI_CALL, .cfa_reg = MKD_X86_64_RSP,
		.cfa_deref = true, .cfa_post = 16,
	};
	struct mkd_cfi_row regs = { .kind = MKD_CFI_REGS,
				    .cfa_reg = MKD_X86_64_RSP };
	struct mkd_cfi_row bottom = { .kind = MKD_CFI_END };
	uint64_t pt = STACK_BASE + 0x110;
	struct mkd_stack_trace t;
	size_t i;

	f->irq = true;
	rows(f, 0x1100, 0x1200, indirect);
	rows(f, 0x1200, 0x1300, regs);
	rows(f, 0x1300, 0x1400, call16);
	rows(f, 0x1400, 0x1500, bottom);
	put(f, IRQ_BASE + 0x108, 0x1150);	/* the handler's caller */
	put(f, IRQ_BASE + 0x110, STACK_BASE + 0x100);	/* the old sp */
	put(f, STACK_BASE + 0x108, 0x1250);
	put(f, pt + 8 * MKD_X86_64_RIP, 0x1350);
	put(f, pt + 8 * MKD_X86_64_CS, 0x10);
	put(f, pt + 8 * MKD_X86_64_RSP, STACK_BASE + 0x200);
	put(f, pt + 8 * MKD_X86_64_RAX, 0x1ad40);
	put(f, STACK_BASE + 0x208, 0x1450);
	run(f, 0x1010, IRQ_BASE + 0x100, &t);
	ck_assert_int_eq(t.end, MKD_UNWIND_END_BOTTOM);
	ck_assert_uint_eq(t.n, 5);
	ck_assert_uint_eq(t.frames[1].pc, 0x1150);
	ck_assert_int_eq(t.frames[1].stack, MKD_STACK_IRQ);
	ck_assert_uint_eq(t.frames[1].cfa, STACK_BASE + 0x110);
	ck_assert_uint_eq(t.frames[2].pc, 0x1250);
	ck_assert_int_eq(t.frames[2].stack, MKD_STACK_TASK);
	ck_assert_uint_eq(t.frames[3].pc, 0x1350);
	ck_assert(t.frames[3].flags & MKD_FRAME_REGS);
	ck_assert_uint_eq(t.frames[3].regs_addr, pt);
	ck_assert_uint_eq(t.frames[3].regs[MKD_X86_64_RAX], 0x1ad40);
	ck_assert_uint_eq(t.frames[4].pc, 0x1450);
	for (i = 0; i < t.n; i++)
		ck_assert(t.frames[i].flags & MKD_FRAME_RELIABLE);
	mkd_stack_trace_deinit(&t);

	/* An old sp back on the IRQ stack, below: refused, with a note. */
	put(f, IRQ_BASE + 0x110, IRQ_BASE + 0x20);
	run(f, 0x1010, IRQ_BASE + 0x100, &t);
	ck_assert_int_eq(t.end, MKD_UNWIND_END_ERROR);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_ptr_nonnull(strstr(t.note, "wrong way"));
	mkd_stack_trace_deinit(&t);
	free(f);
}
END_TEST

START_TEST(orc_entries_decode)
{
	const struct mkd_orc_layout *l = &mkd_orc_layout_6_1;
	struct mkd_cfi_row r;
	/* sp_offset 16, bp_offset -16, sp_reg SP, bp_reg PREV_SP, call */
	const uint8_t call[6] = { 0x10, 0, 0xf0, 0xff, 0x15, 0x00 };
	/* sp_reg SP_INDIRECT, sp_offset 8, regs_partial */
	const uint8_t irq[6] = { 8, 0, 0, 0, 0x09, 0x02 };
	const uint8_t end[6] = { 0, 0, 0, 0, 0x00, 0x04 };
	const uint8_t undef[6] = { 0, 0, 0, 0, 0x00, 0x00 };
	const uint8_t bad_reg[6] = { 0, 0, 0, 0, 0x0f, 0x00 };

	mkd_orc_decode(call, l, &r);
	ck_assert_int_eq(r.kind, MKD_CFI_CALL);
	ck_assert_int_eq(r.cfa_reg, MKD_X86_64_RSP);
	ck_assert_int_eq(r.cfa_offset, 16);
	ck_assert_int_eq(r.bp_rule, MKD_CFI_BP_AT_CFA);
	ck_assert_int_eq(r.bp_offset, -16);
	mkd_orc_decode(irq, l, &r);
	ck_assert_int_eq(r.kind, MKD_CFI_IRET_REGS);
	ck_assert(r.cfa_deref);
	ck_assert_int_eq(r.cfa_offset, 0);
	ck_assert_int_eq(r.cfa_post, 8);
	mkd_orc_decode(end, l, &r);
	ck_assert_int_eq(r.kind, MKD_CFI_END);
	mkd_orc_decode(undef, l, &r);
	ck_assert_int_eq(r.kind, MKD_CFI_UNDEFINED);
	mkd_orc_decode(bad_reg, l, &r);
	ck_assert_int_eq(r.kind, MKD_CFI_UNDEFINED);
}
END_TEST

static Suite *unwind_suite(void)
{
	Suite *s = suite_create("unwind");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, unwind_follows_a_chain_to_the_bottom);
	tcase_add_test(tc, unwind_stops_at_user_mode_regs);
	tcase_add_test(tc, unwind_marks_frame_pointer_guesses);
	tcase_add_test(tc, unwind_stack_pointer_into_nowhere);
	tcase_add_test(tc, unwind_unreadable_word_gives_a_note);
	tcase_add_test(tc, unwind_refuses_a_stack_going_backwards);
	tcase_add_test(tc, unwind_survives_corrupt_rows_and_stacks);
	tcase_add_test(tc, unwind_crosses_from_the_irq_stack_through_pt_regs);
	tcase_add_test(tc, orc_entries_decode);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(unwind_suite)
