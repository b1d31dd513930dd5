/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mkd-pool.h - compressing the mkd writer's blocks on worker threads.
 *
 * A fixed ring of jobs: the caller fills a free job's raw buffer and
 * submits it; workers compress and checksum submitted jobs in any order;
 * the caller takes jobs back strictly in the order it submitted them, so
 * the file is written in order by one thread.  Memory is fixed at
 * creation: 2 jobs per thread, each a raw buffer and a compression
 * buffer.  With no worker threads, submit compresses at once.
 */
#ifndef MKD_POOL_H
#define MKD_POOL_H

#include "internal.h"

struct mkd_block_job {
	uint8_t *raw;			/* raw_cap bytes, the caller fills */
	uint32_t npages;		/* set by the caller */
	size_t raw_len;			/* set by the caller */
	uint64_t number;		/* block number, set by the caller */

	/* Results, valid once the job comes back from the pool. */
	const uint8_t *payload;		/* the compressed or the raw bytes */
	size_t payload_len;
	uint16_t fcodec;		/* enum mkd_file_codec of payload */
	uint64_t sum;			/* checksum of payload */
	struct mkd_error *err;		/* owned by the job until taken */

	/* The pool's. */
	uint8_t *out;
	int state;
};

struct mkd_pool;

struct mkd_error *mkd_pool_create(unsigned threads, enum mkd_codec codec,
				  int level, size_t raw_cap, uint64_t seed,
				  struct mkd_pool **ret);
/* Stops the workers; jobs still in flight are dropped. */
void mkd_pool_destroy(struct mkd_pool *p);
/* The job to fill next, or NULL when every job is in flight. */
struct mkd_block_job *mkd_pool_free_job(struct mkd_pool *p);
void mkd_pool_submit(struct mkd_pool *p, struct mkd_block_job *job);
/* Wait for the oldest submitted job and return it; NULL if none. */
struct mkd_block_job *mkd_pool_oldest(struct mkd_pool *p);
/* The oldest job has been written: it is free again. */
void mkd_pool_release(struct mkd_pool *p);

#endif /* MKD_POOL_H */
