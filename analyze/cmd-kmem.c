// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-kmem.c - kmem -i: memory usage at the crash, as /proc/meminfo
 * derives it, in crash's PAGES / TOTAL / PERCENTAGE layout
 */
#include <inttypes.h>

#include "analyze.h"

static const char usage[] =
	"kmem -i [--json]\n\n"
	"Memory usage at the crash, computed as /proc/meminfo does it from\n"
	"the kernel's counters (vm_zone_stat, vm_node_stat, _totalram_pages,\n"
	"the block device inodes, swap and huge page pools, vm_committed_as).\n"
	"SHMEM is /proc/meminfo's Shmem (crash's SHARED counts pages with\n"
	"more than one user instead) and SLAB is SReclaimable + SUnreclaim.";

enum { OPT_I = 1 };

static const struct az_option opts[] = {
	{ "-i", OPT_I, false },
	{ NULL, 0, false },
};

struct row {
	const char *label;
	uint64_t pages;
	uint64_t of;		/* percentage of this; 0: none */
	const char *of_name;
	const char *key;	/* JSON */
};

static void print_row(struct az_ctx *ctx, const struct row *r,
		      uint32_t page_size)
{
	char size[32];

	if (!r->label) {
		fputc('\n', ctx->out);
		return;
	}
	if (r->pages)
		az_format_size(r->pages * page_size, size, sizeof(size));
	else
		snprintf(size, sizeof(size), "0");
	fprintf(ctx->out, "%13s  %8" PRIu64 "  %11s  ", r->label, r->pages,
		size);
	if (r->of_name && r->of)
		fprintf(ctx->out, "%3" PRIu64 "%% of %s\n",
			r->pages * 100 / r->of, r->of_name);
	else if (r->of_name)
		fprintf(ctx->out, "  0%% of %s\n", r->of_name);
	else
		fprintf(ctx->out, "       ----\n");
}

static size_t make_rows(const struct mkd_meminfo *m, struct row *r)
{
	uint64_t used = m->total > m->free ? m->total - m->free : 0;
	uint64_t swap_used = m->swap_total > m->swap_free ?
			     m->swap_total - m->swap_free : 0;
	const struct row rows[] = {
		{ "TOTAL MEM", m->total, 0, NULL, "total" },
		{ "FREE", m->free, m->total, "TOTAL MEM", "free" },
		{ "USED", used, m->total, "TOTAL MEM", "used" },
		{ "SHMEM", m->shmem, m->total, "TOTAL MEM", "shmem" },
		{ "BUFFERS", m->buffers, m->total, "TOTAL MEM", "buffers" },
		{ "CACHED", m->cached, m->total, "TOTAL MEM", "cached" },
		{ "SLAB", m->slab_reclaimable + m->slab_unreclaimable,
		  m->total, "TOTAL MEM", "slab" },
		{ NULL, 0, 0, NULL, NULL },
		{ "TOTAL HUGE", m->huge_total, 0, NULL, "huge_total" },
		{ "HUGE FREE", m->huge_free, m->huge_total, "TOTAL HUGE",
		  "huge_free" },
		{ NULL, 0, 0, NULL, NULL },
		{ "TOTAL SWAP", m->swap_total, 0, NULL, "swap_total" },
		{ "SWAP USED", swap_used, m->swap_total, "TOTAL SWAP",
		  "swap_used" },
		{ "SWAP FREE", m->swap_free, m->swap_total, "TOTAL SWAP",
		  "swap_free" },
		{ NULL, 0, 0, NULL, NULL },
		{ "COMMIT LIMIT", m->commit_limit, 0, NULL, "commit_limit" },
		{ "COMMITTED", m->committed, m->commit_limit, "TOTAL LIMIT",
		  "committed" },
	};
	size_t i, n = sizeof(rows) / sizeof(rows[0]);

	for (i = 0; i < n; i++)
		r[i] = rows[i];
	return n;
}

static void print_json(struct az_ctx *ctx, const struct mkd_meminfo *m,
		       const struct row *rows, size_t n)
{
	size_t i;

	json_begin_object(&ctx->js, NULL);
	json_uint(&ctx->js, "page_size", m->page_size);
	json_begin_object(&ctx->js, "pages");
	for (i = 0; i < n; i++)
		if (rows[i].key)
			json_uint(&ctx->js, rows[i].key, rows[i].pages);
	json_uint(&ctx->js, "slab_reclaimable", m->slab_reclaimable);
	json_uint(&ctx->js, "slab_unreclaimable", m->slab_unreclaimable);
	json_uint(&ctx->js, "swap_cached", m->swap_cached);
	json_uint(&ctx->js, "present", m->present);
	json_end_object(&ctx->js);
	json_end_object(&ctx->js);
	json_finish(&ctx->js);
}

int cmd_kmem(struct az_ctx *ctx, int argc, char **argv)
{
	struct mkd_meminfo m = { .size = sizeof(m) };
	struct row rows[24];
	struct az_getopt g;
	struct mkd_error *err;
	bool info = false;
	size_t i, n;
	int c;

	az_getopt_init(&g, ctx, argc, argv, opts, usage);
	while ((c = az_getopt(&g)) > 0)
		info = true;
	if (c < 0)
		return az_getopt_exit(c);
	if (!info || g.noperands)
		return az_usage_error(ctx, "only 'kmem -i' is supported");
	err = mkd_kernel_meminfo(ctx->dump, &m);
	if (err)
		return az_fail(ctx, err);
	n = make_rows(&m, rows);
	if (ctx->json) {
		print_json(ctx, &m, rows, n);
		return EXIT_OK;
	}
	fprintf(ctx->out, "%13s  %8s  %11s  %s\n", "", "PAGES", "TOTAL",
		"PERCENTAGE");
	for (i = 0; i < n; i++)
		print_row(ctx, &rows[i], m.page_size);
	return EXIT_OK;
}
