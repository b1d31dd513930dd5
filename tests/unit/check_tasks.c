// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_tasks.c - the task walk on a synthetic kernel: a small world of
 * processes and threads written into a kimage with a layout given here
 * (the real one comes from BTF), then corrupted: lists that loop either
 * way, links into unmapped memory, pages left out of the dump, a cap.
 * The walk must report each reachable task once, note what it could not
 * read with the address, and always end.
 */
#include <stdlib.h>

#include "unit.h"
#include "kimage.h"
#include "kernel.h"

#define DM 0xffff888000000000ULL	/* direct map */
#define PA0 0x200000ULL
#define NPAGES 32
#define VA(i) (DM + PA0 + (uint64_t)(i) * KIMAGE_PAGE)
#define SIG(i) VA(16 + (i))		/* signal_struct of process i */
#define MM(i) VA(24 + (i))		/* mm_struct of process i */
#define PF_KTHREAD 0x00200000u

static const struct mkd_task_layout layout = {
	.init_task = VA(0), .task_size = 0x100, .tasks = 0x00,
	.pid = 0x10, .tgid = 0x14, .flags = 0x18, .exit_state = 0x1c,
	.state = 0x20, .state_size = 4, .has_cpu = true, .cpu = 0x24,
	.start_time = 0x28, .real_parent = 0x30, .group_leader = 0x38,
	.mm = 0x40, .comm = 0x48, .comm_len = 16, .has_thread_head = true,
	.signal = 0x58, .thread_node = 0x60, .signal_thread_head = 0x10,
	.thread_group = 0x70, .mm_rss = 0x10, .mm_rss_stride = 8,
	.mm_rss_mask = 0xb, .mm_total_vm = 0x00,
};

/* Task i of the world: pages 0..6. */
struct spec {
	int32_t pid, tgid;
	int leader, parent;	/* task indexes */
	uint32_t state, pf;
	const char *comm;
	int has_mm;
};

static const struct spec world[] = {
	{ 0, 0, 0, 0, 0, PF_KTHREAD, "swapper/0", 0 },
	{ 1, 1, 1, 0, 1, 0, "init", 1 },
	{ 2, 2, 2, 0, 0x402, PF_KTHREAD, "kthreadd", 0 },
	{ 100, 100, 3, 1, 1, 0, "app", 1 },
	{ 101, 100, 3, 1, 2, 0, "app-worker", 1 },
	{ 102, 100, 3, 1, 0x2001, 0, "app-io", 1 },
	{ 200, 200, 6, 3, 8, 0, "sh", 0 },
};
#define NTASKS 7
static const int processes[] = { 0, 1, 2, 3, 6 };	/* init_task.tasks */
#define NPROCS 5

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void link_ring(struct kimage *k, const uint64_t *nodes, size_t n,
		      uint64_t head)
{
	size_t i;

	for (i = 0; i <= n; i++) {
		uint64_t node = i < n ? nodes[i] : head;
		uint64_t next = i + 1 < n ? nodes[i + 1] : (i < n ? head : nodes[0]);
		uint64_t prev = i == 0 ? head : (i < n ? nodes[i - 1] : nodes[n - 1]);

		kimage_write_u64(k, node, next);
		kimage_write_u64(k, node + 8, prev);
	}
}

static void write_task(struct kimage *k, int i)
{
	const struct spec *s = &world[i];
	uint8_t t[0x100] = { 0 };

	put32(t + 0x10, (uint32_t)s->pid);
	put32(t + 0x14, (uint32_t)s->tgid);
	put32(t + 0x18, s->pf);
	put32(t + 0x20, s->state);
	put32(t + 0x24, (uint32_t)i % 2);
	put64(t + 0x28, 1000u * (unsigned)i);
	put64(t + 0x30, VA(s->parent));
	put64(t + 0x38, VA(s->leader));
	put64(t + 0x40, s->has_mm ? MM(s->leader) : 0);
	memcpy(t + 0x48, s->comm, strlen(s->comm));
	put64(t + 0x58, SIG(s->leader));
	kimage_write(k, VA(i), t, sizeof(t));
}

static void write_mm(struct kimage *k, int i, uint64_t total_vm)
{
	static const uint64_t counters[] = { 5, 7, 100, 1 };	/* swap: 100 */
	int c;

	kimage_write_u64(k, MM(i), total_vm);
	for (c = 0; c < 4; c++)
		kimage_write_u64(k, MM(i) + 0x10 + 8 * (uint64_t)c,
				 counters[c]);
}

static void world_build(struct kimage *k)
{
	uint64_t nodes[NTASKS];
	int i, p;

	kimage_init(k, 4);
	kimage_map(k, VA(0), PA0, NPAGES * KIMAGE_PAGE);
	for (i = 0; i < NTASKS; i++)
		write_task(k, i);
	for (p = 1; p < NPROCS; p++)
		nodes[p - 1] = VA(processes[p]) + layout.tasks;
	link_ring(k, nodes, NPROCS - 1, VA(0) + layout.tasks);
	for (p = 0; p < NPROCS; p++) {
		int lead = processes[p], n = 0;

		for (i = 0; i < NTASKS; i++)
			if (world[i].leader == lead)
				nodes[n++] = VA(i) + layout.thread_node;
		link_ring(k, nodes, (size_t)n, SIG(lead) + 0x10);
	}
	write_mm(k, 1, 300);
	write_mm(k, 3, 4000);
}

/* What a walk saw. */
struct seen {
	struct mkd_task tasks[16];
	int n;
	int notes;
	char note[512];
};

static int collect(const struct mkd_task *task, void *arg)
{
	struct seen *s = arg;

	ck_assert_int_lt(s->n, 16);
	s->tasks[s->n++] = *task;
	return 0;
}

static void noted(const struct mkd_error *note, void *arg)
{
	struct seen *s = arg;
	size_t len = strlen(s->note);

	s->notes++;
	snprintf(s->note + len, sizeof(s->note) - len, "%s|",
		 mkd_error_message(note));
}

static void walk(struct kimage *k, uint64_t max, struct seen *s)
{
	uint64_t current[2] = { VA(1), VA(4) }, idle[2] = { VA(0), 0 };
	struct mkd_task_cpus cpus = { 2, current, idle };
	char *path = kimage_write_elf(k, "tasks.elf");
	struct mkd_dump *dump = unit_open(path);

	memset(s, 0, sizeof(*s));
	ck_assert_ok(mkd_task_walk(dump, &layout, &cpus, 0, max, collect,
				   noted, s));
	mkd_dump_destroy(dump);
	free(path);
	kimage_free(k);
}

/* The pids seen, as "0 1 2 ...". */
static const char *pids(const struct seen *s)
{
	static char buf[256];
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < s->n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d",
					i ? " " : "", s->tasks[i].pid);
	return buf;
}

START_TEST(walk_reports_every_task_once_in_order)
{
	struct kimage k;
	struct seen s;

	world_build(&k);
	walk(&k, 0, &s);
	ck_assert_str_eq(pids(&s), "0 1 2 100 101 102 200");
	ck_assert_int_eq(s.notes, 0);
	ck_assert_str_eq(s.tasks[4].comm, "app-worker");
	ck_assert_int_eq(s.tasks[4].tgid, 100);
	ck_assert_int_eq(s.tasks[4].ppid, 1);
	ck_assert_int_eq(s.tasks[6].ppid, 100);
	ck_assert_int_eq(s.tasks[1].current_cpu, 0);
	ck_assert_int_eq(s.tasks[4].current_cpu, 1);
	ck_assert_int_eq(s.tasks[3].current_cpu, -1);
	ck_assert(s.tasks[0].flags & MKD_TASK_IDLE);
	ck_assert(s.tasks[0].flags & MKD_TASK_KTHREAD);
	ck_assert(!(s.tasks[1].flags & MKD_TASK_KTHREAD));
	ck_assert(s.tasks[3].flags & MKD_TASK_LEADER);
	ck_assert(!(s.tasks[4].flags & MKD_TASK_LEADER));
	ck_assert_int_eq(s.tasks[1].rss, 13);		/* 5 + 7 + 1 */
	ck_assert_int_eq(s.tasks[5].total_vm, 4000);
	ck_assert_int_eq(s.tasks[6].rss, 0);
	ck_assert_int_eq(s.tasks[2].state_letter, 'I');
	ck_assert_int_eq(s.tasks[5].state_letter, 'S');
	ck_assert_int_eq(s.tasks[6].state_letter, 't');
	ck_assert_int_eq(s.tasks[3].cpu, 1);
	ck_assert_int_eq(s.tasks[3].start_time, 3000);
}
END_TEST

START_TEST(walk_goes_backwards_past_a_forward_loop)
{
	struct kimage k;
	struct seen s;

	world_build(&k);
	/* kthreadd's next goes back to init. */
	kimage_write_u64(&k, VA(2), VA(1));
	walk(&k, 0, &s);
	ck_assert_str_eq(pids(&s), "0 1 2 200 100 101 102");
	ck_assert_int_eq(s.notes, 1);
	ck_assert_msg(strstr(s.note, "loops back to 0xffff888000201000"),
		      "%s", s.note);
}
END_TEST

START_TEST(walk_notes_a_task_in_a_page_left_out)
{
	struct kimage k;
	struct seen s;

	world_build(&k);
	kimage_drop(&k, VA(2));
	walk(&k, 0, &s);
	ck_assert_str_eq(pids(&s), "0 1 200 100 101 102");
	ck_assert_msg(strstr(s.note, "leads to 0xffff888000202000"),
		      "%s", s.note);
}
END_TEST

START_TEST(walk_ends_when_both_directions_break)
{
	struct kimage k;
	struct seen s;

	world_build(&k);
	kimage_write_u64(&k, VA(1), DM + 0x40000000);	/* unmapped */
	kimage_write_u64(&k, VA(6) + 8, VA(6));	/* sh's prev: itself */
	walk(&k, 0, &s);
	ck_assert_str_eq(pids(&s), "0 1 200");
	ck_assert_int_eq(s.notes, 2);
	ck_assert_msg(strstr(s.note, "leads to 0xffff888040000000"), "%s",
		      s.note);
	ck_assert_msg(strstr(s.note, "loops back to 0xffff888000206000"),
		      "%s", s.note);
}
END_TEST

START_TEST(walk_notes_a_null_link)
{
	struct kimage k;
	struct seen s;

	world_build(&k);
	kimage_write_u64(&k, VA(2), 0);		/* kthreadd's next */
	walk(&k, 0, &s);
	ck_assert_str_eq(pids(&s), "0 1 2 200 100 101 102");
	ck_assert_int_eq(s.notes, 1);
	ck_assert_msg(strstr(s.note, "the link at 0xffff888000202000 is NULL"),
		      "%s", s.note);
}
END_TEST

START_TEST(walk_reports_a_looping_thread_once)
{
	struct kimage k;
	struct seen s;

	world_build(&k);
	/* app-io's next thread is app-worker again. */
	kimage_write_u64(&k, VA(5) + 0x60, VA(4) + 0x60);
	walk(&k, 0, &s);
	ck_assert_str_eq(pids(&s), "0 1 2 100 101 102 200");
	ck_assert_msg(strstr(s.note, "thread list: the link at"), "%s",
		      s.note);
}
END_TEST

START_TEST(walk_stops_at_the_cap)
{
	struct kimage k;
	struct seen s;

	world_build(&k);
	walk(&k, 3, &s);
	ck_assert_str_eq(pids(&s), "0 1 2");
	ck_assert_msg(strstr(s.note, "more than 3 tasks"), "%s", s.note);
}
END_TEST

START_TEST(walk_marks_an_unreadable_mm)
{
	struct kimage k;
	struct seen s;

	world_build(&k);
	kimage_drop(&k, MM(3));
	walk(&k, 0, &s);
	ck_assert_int_eq(s.n, NTASKS);
	ck_assert(s.tasks[3].flags & MKD_TASK_NO_MM);
	ck_assert(!(s.tasks[1].flags & MKD_TASK_NO_MM));
	ck_assert_int_eq(s.notes, 3);	/* each thread of app */
	ck_assert_msg(strstr(s.note, "mm 0xffff88800021b000"), "%s", s.note);
}
END_TEST

START_TEST(state_letters_are_those_of_proc)
{
	static const struct {
		uint32_t state, exit_state;
		char letter;
	} cases[] = {
		{ 0, 0, 'R' }, { 1, 0, 'S' }, { 2, 0, 'D' }, { 4, 0, 'T' },
		{ 0x104, 0, 'T' }, { 8, 0, 't' }, { 0x80, 0x10, 'X' },
		{ 0x80, 0x20, 'Z' }, { 0x40, 0, 'P' }, { 0x402, 0, 'I' },
		{ 0x2402, 0, 'I' }, { 0x1000, 0, 'D' }, { 0x2001, 0, 'S' },
		{ 0x102, 0, 'D' }, { 0x800, 0, 'R' },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(mkd_task_state_letter(cases[i].state,
						    cases[i].exit_state) ==
			      cases[i].letter, "state 0x%x exit 0x%x",
			      cases[i].state, cases[i].exit_state);
}
END_TEST

START_TEST(addr_set_grows_and_finds)
{
	struct mkd_addr_set set = { 0 };
	bool added;
	uint64_t i;

	for (i = 1; i <= 5000; i++) {
		ck_assert_ok(mkd_addr_set_add(&set, DM + i * 0x2000, &added));
		ck_assert(added);
	}
	ck_assert_ok(mkd_addr_set_add(&set, DM + 0x2000, &added));
	ck_assert(!added);
	ck_assert_uint_eq(set.count, 5000);
	ck_assert(mkd_addr_set_has(&set, DM + 4000 * 0x2000));
	ck_assert(!mkd_addr_set_has(&set, DM + 0x1000));
	ck_assert(!mkd_addr_set_has(&set, 0));
	mkd_addr_set_deinit(&set);
}
END_TEST

static Suite *tasks_suite(void)
{
	Suite *s = suite_create("tasks");
	TCase *tc = tcase_create("walk");

	tcase_add_test(tc, walk_reports_every_task_once_in_order);
	tcase_add_test(tc, walk_goes_backwards_past_a_forward_loop);
	tcase_add_test(tc, walk_notes_a_task_in_a_page_left_out);
	tcase_add_test(tc, walk_ends_when_both_directions_break);
	tcase_add_test(tc, walk_notes_a_null_link);
	tcase_add_test(tc, walk_reports_a_looping_thread_once);
	tcase_add_test(tc, walk_stops_at_the_cap);
	tcase_add_test(tc, walk_marks_an_unreadable_mm);
	tcase_add_test(tc, state_letters_are_those_of_proc);
	tcase_add_test(tc, addr_set_grows_and_finds);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(tasks_suite)
