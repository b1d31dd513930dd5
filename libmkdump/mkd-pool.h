/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mkd-pool.h - compressing the mkd writer's blocks on worker threads.
 *
 * A fixed ring of jobs, each a batch of consecutive blocks (so that a
 * hand-over between threads costs little next to the work it carries):
 * the caller fills a free job's pages and submits it; workers compress
 * and checksum each block of the submitted jobs in any order; the caller
 * takes jobs back strictly in the order it submitted them, so the file is
 * written in order by one thread.  Memory is fixed at creation: 4 jobs
 * per thread.  With no worker threads, submit compresses at once.
 */
#ifndef MKD_POOL_H
#define MKD_POOL_H

#include "internal.h"

/* One block of a job, once compressed. */
struct mkd_block_out {
	const uint8_t *payload;		/* the compressed or the raw bytes */
	size_t len;
	uint16_t fcodec;		/* enum mkd_file_codec of payload */
	uint32_t npages;
	uint64_t sum;			/* checksum of payload */
};

struct mkd_block_job {
	uint8_t *raw;			/* the pages, filled by the caller */
	uint32_t npages;		/* pages filled */
	uint32_t cap;			/* pages the job holds */

	/* Results, valid once the job comes back from the pool. */
	struct mkd_block_out *blocks;
	uint32_t nblocks;
	struct mkd_error *err;		/* the caller takes it */

	/* The pool's. */
	uint8_t *out;
	int state;
};

struct mkd_pool;

/*
 * threads workers (0 or 1: none), blocks of block_pages pages of
 * page_size bytes, batch blocks per job; checksums seeded with seed.
 */
struct mkd_error *mkd_pool_create(unsigned threads, enum mkd_codec codec,
				  int level, uint32_t page_size,
				  uint32_t block_pages, uint32_t batch,
				  uint64_t seed, struct mkd_pool **ret);
/* Stops the workers; jobs still in flight are dropped. */
void mkd_pool_destroy(struct mkd_pool *p);
/* The job to fill next (emptied), or NULL when every job is in flight. */
struct mkd_block_job *mkd_pool_free_job(struct mkd_pool *p);
void mkd_pool_submit(struct mkd_pool *p, struct mkd_block_job *job);
/* Wait for the oldest submitted job and return it; NULL if none. */
struct mkd_block_job *mkd_pool_oldest(struct mkd_pool *p);
/* The oldest job has been written: it is free again. */
void mkd_pool_release(struct mkd_pool *p);

#endif /* MKD_POOL_H */
