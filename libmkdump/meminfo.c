// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * meminfo.c - memory usage at the crash, as /proc/meminfo derives it.
 *
 * Facts (Linux 6.1, fs/proc/meminfo.c, mm/util.c, block/bdev.c):
 * the RAM the kernel manages is the sum of node_present_pages over the
 * nodes (node_data[nr_node_ids], or contig_page_data without NUMA);
 * MemTotal is _totalram_pages; MemFree is vm_zone_stat[NR_FREE_PAGES];
 * Buffers is nr_blockdev_pages(), the page counts (address_space.nrpages)
 * of the inodes on blockdev_superblock->s_inodes; Cached is
 * vm_node_stat[NR_FILE_PAGES] minus NR_SWAPCACHE minus Buffers; Shmem is
 * NR_SHMEM; the slab counters NR_SLAB_{RECLAIMABLE,UNRECLAIMABLE}_B hold
 * pages despite their names (the kernel shifts bytes to pages).  Swap:
 * total_swap_pages and nr_swap_pages.  Committed_AS is the counter of
 * vm_committed_as (per-CPU deltas left out, as the kernel does);
 * CommitLimit is (MemTotal - huge pages) * sysctl_overcommit_ratio / 100
 * + swap, or sysctl_overcommit_kbytes when set.  Huge pages: hstates[],
 * hugetlb_max_hstate of them, the default at default_hstate_idx.  Enum
 * values and layouts come from the dump's BTF.
 */
#include <string.h>

#include "kstate.h"

#define MAX_BLOCKDEV_INODES 1000000
#define MAX_HSTATES 64
#define MAX_NODES 65536

/* vm_zone_stat[item] or vm_node_stat[item] (atomic_long_t arrays). */
static struct mkd_error *vmstat(struct mkd_dump *dump, const char *array,
				const char *item, uint64_t *value)
{
	struct mkd_error *err;
	int64_t index;

	err = mkd_enum_value(dump, item, &index, NULL);
	if (!err && (index < 0 || index > 1000))
		err = mkd_error_create(MKD_ERR_CORRUPT, "%s is %lld", item,
				       (long long)index);
	if (!err)
		err = mkd_ks_read_symbol(dump, array, 8 * (uint64_t)index,
					 value);
	if (err)
		return mkd_error_wrap(err, "reading %s[%s]", array, item);
	/* A counter that went negative for a moment reads as 0. */
	if ((int64_t)*value < 0)
		*value = 0;
	return NULL;
}

struct bdev_walk {
	uint64_t head, next;
	uint64_t list_off, mapping_off, nrpages_off;
};

static struct mkd_error *bdev_layout(struct mkd_dump *dump,
				     struct bdev_walk *w)
{
	struct mkd_error *err;
	uint64_t sb, s_inodes;

	err = mkd_ks_read_symbol(dump, "blockdev_superblock", 0, &sb);
	if (!err)
		err = mkd_ks_member(dump, "struct super_block", "s_inodes",
				    &s_inodes, NULL);
	if (!err)
		err = mkd_ks_member(dump, "struct inode", "i_sb_list",
				    &w->list_off, NULL);
	if (!err)
		err = mkd_ks_member(dump, "struct inode", "i_mapping",
				    &w->mapping_off, NULL);
	if (!err)
		err = mkd_ks_member(dump, "struct address_space", "nrpages",
				    &w->nrpages_off, NULL);
	if (err)
		return err;
	w->head = sb + s_inodes;
	return mkd_ks_read_uint(dump, w->head, 8, &w->next);
}

/* nr_blockdev_pages(): a bounded walk of the block device inodes. */
static struct mkd_error *blockdev_pages(struct mkd_dump *dump,
					uint64_t *pages)
{
	struct bdev_walk w;
	struct mkd_error *err;
	uint64_t n, mapping, nr;

	*pages = 0;
	err = bdev_layout(dump, &w);
	for (n = 0; !err && w.next != w.head; n++) {
		if (n == MAX_BLOCKDEV_INODES)
			return mkd_error_create(MKD_ERR_CORRUPT,
						"the block device inode list "
						"does not end");
		err = mkd_ks_read_uint(dump, w.next - w.list_off +
				       w.mapping_off, 8, &mapping);
		if (!err && mapping)
			err = mkd_ks_read_uint(dump, mapping + w.nrpages_off,
					       8, &nr);
		if (!err && mapping)
			*pages += nr;
		if (!err)
			err = mkd_ks_read_uint(dump, w.next, 8, &w.next);
	}
	if (err)
		return mkd_error_wrap(err, "counting block device pages");
	return NULL;
}

/* Pages of huge page pools: all of them, and the default one's. */
static struct mkd_error *huge_pages(struct mkd_dump *dump,
				    struct mkd_meminfo *mi)
{
	uint64_t addr, size, nstates, def, i, order, nr, nfree;
	const struct mkd_type *t;
	struct mkd_error *err;

	mi->huge_total = mi->huge_free = mi->huge_all = 0;
	mi->huge_page_pages = 0;
	if (mkd_ks_symbol(dump, "hstates", &addr)) {
		/* No CONFIG_HUGETLBFS: there are none. */
		return NULL;
	}
	err = mkd_type_find(dump, "struct hstate", &t);
	if (!err)
		err = mkd_ks_read_symbol(dump, "hugetlb_max_hstate", 0,
					 &nstates);
	if (!err)
		err = mkd_ks_read_symbol(dump, "default_hstate_idx", 0, &def);
	if (err)
		return mkd_error_wrap(err, "reading the huge page pools");
	size = mkd_type_size(t);
	nstates &= 0xffffffff;
	def &= 0xffffffff;
	if (nstates > MAX_HSTATES)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"%llu huge page sizes",
					(unsigned long long)nstates);
	for (i = 0; i < nstates; i++) {
		uint64_t h = addr + i * size;

		err = mkd_ks_read_member(dump, h, "struct hstate", "order",
					 &order);
		if (!err)
			err = mkd_ks_read_member(dump, h, "struct hstate",
						 "nr_huge_pages", &nr);
		if (!err)
			err = mkd_ks_read_member(dump, h, "struct hstate",
						 "free_huge_pages", &nfree);
		if (err)
			return err;
		if (order >= 40)
			return mkd_error_create(MKD_ERR_CORRUPT,
						"huge page order %llu",
						(unsigned long long)order);
		mi->huge_all += nr << order;
		if (i == def) {
			mi->huge_total = nr << order;
			mi->huge_free = nfree << order;
			mi->huge_page_pages = 1ull << order;
		}
	}
	return NULL;
}

static struct mkd_error *swap_and_commit(struct mkd_dump *dump,
					 struct mkd_meminfo *mi)
{
	uint64_t committed, ratio, kbytes;
	struct mkd_error *err;

	err = mkd_ks_read_symbol(dump, "total_swap_pages", 0, &mi->swap_total);
	if (!err)
		err = mkd_ks_read_symbol(dump, "nr_swap_pages", 0,
					 &mi->swap_free);
	if (!err) {
		uint64_t off;

		err = mkd_ks_member(dump, "struct percpu_counter", "count",
				    &off, NULL);
		if (!err)
			err = mkd_ks_read_symbol(dump, "vm_committed_as", off,
						 &committed);
	}
	if (!err)
		err = mkd_ks_read_symbol(dump, "sysctl_overcommit_kbytes", 0,
					 &kbytes);
	if (!err)
		err = mkd_ks_read_symbol(dump, "sysctl_overcommit_ratio", 0,
					 &ratio);
	if (err)
		return err;
	mi->committed = (int64_t)committed < 0 ? 0 : committed;
	if (kbytes)
		mi->commit_limit = kbytes / (mi->page_size / 1024);
	else
		mi->commit_limit = (mi->total - mi->huge_all) *
				   (ratio & 0xffffffff) / 100;
	mi->commit_limit += mi->swap_total;
	return NULL;
}

/* The zones' present pages of every node (node_present_pages). */
static struct mkd_error *present_pages(struct mkd_dump *dump,
				       uint64_t *pages)
{
	uint64_t nr_nodes = 1, node, pgdat, n, i;
	struct mkd_error *err;
	bool numa = !mkd_ks_symbol(dump, "node_data", &node);

	*pages = 0;
	if (numa)
		err = mkd_ks_read_symbol(dump, "nr_node_ids", 0, &nr_nodes);
	else
		err = mkd_ks_symbol(dump, "contig_page_data", &pgdat);
	nr_nodes &= 0xffffffff;
	if (!err && nr_nodes > MAX_NODES)
		err = mkd_error_create(MKD_ERR_CORRUPT, "nr_node_ids is %llu",
				       (unsigned long long)nr_nodes);
	for (i = 0; !err && i < nr_nodes; i++) {
		if (numa)
			err = mkd_ks_read_uint(dump, node + 8 * i, 8, &pgdat);
		if (!err && pgdat)
			err = mkd_ks_read_member(dump, pgdat,
						 "struct pglist_data",
						 "node_present_pages", &n);
		if (!err && pgdat)
			*pages += n;
	}
	if (err)
		return mkd_error_wrap(err, "counting present pages");
	return NULL;
}

static struct mkd_error *read_meminfo(struct mkd_dump *dump,
				      struct mkd_meminfo *mi)
{
	uint64_t file, swapcache;
	struct mkd_error *err;

	err = mkd_ks_read_symbol(dump, "_totalram_pages", 0, &mi->total);
	if (!err)
		err = present_pages(dump, &mi->present);
	if (!err)
		err = vmstat(dump, "vm_zone_stat", "NR_FREE_PAGES", &mi->free);
	if (!err)
		err = vmstat(dump, "vm_node_stat", "NR_FILE_PAGES", &file);
	if (!err)
		err = vmstat(dump, "vm_node_stat", "NR_SWAPCACHE", &swapcache);
	if (!err)
		err = vmstat(dump, "vm_node_stat", "NR_SHMEM", &mi->shmem);
	if (!err)
		err = vmstat(dump, "vm_node_stat", "NR_SLAB_RECLAIMABLE_B",
			     &mi->slab_reclaimable);
	if (!err)
		err = vmstat(dump, "vm_node_stat", "NR_SLAB_UNRECLAIMABLE_B",
			     &mi->slab_unreclaimable);
	if (!err)
		err = blockdev_pages(dump, &mi->buffers);
	if (!err)
		err = huge_pages(dump, mi);
	if (!err)
		err = swap_and_commit(dump, mi);
	if (err)
		return err;
	mi->swap_cached = swapcache;
	mi->cached = file > swapcache + mi->buffers ?
		     file - swapcache - mi->buffers : 0;
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_kernel_meminfo(struct mkd_dump *dump,
						struct mkd_meminfo *mi)
{
	struct mkd_error *err;
	uint32_t size = mi->size;

	if (size < sizeof(*mi))
		return mkd_error_create(MKD_ERR_INVALID,
					"struct mkd_meminfo too small");
	memset(mi, 0, sizeof(*mi));
	mi->size = size;
	mi->page_size = mkd_dump_page_size(dump);
	if (mi->page_size < 1024)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"page size %u", mi->page_size);
	err = read_meminfo(dump, mi);
	if (err)
		return mkd_error_wrap(err, "reading memory usage");
	return NULL;
}
