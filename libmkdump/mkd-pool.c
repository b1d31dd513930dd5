// SPDX-License-Identifier: LGPL-2.1-or-later
/* mkd-pool.c - worker threads compressing mkd blocks (see mkd-pool.h) */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "compress.h"
#include "mkd-layout.h"
#include "mkd-pool.h"

enum job_state { JOB_FREE, JOB_QUEUED, JOB_RUNNING, JOB_DONE };

struct worker {
	struct mkd_pool *pool;
	pthread_t thread;
	struct mkd_compressor *comp;
	bool started;
};

struct mkd_pool {
	struct mkd_block_job *jobs;
	size_t njobs;
	size_t head;			/* oldest submitted job */
	size_t nsubmitted;		/* jobs from head on that are in use */
	enum mkd_codec codec;
	uint64_t seed;
	size_t page_size;
	uint32_t block_pages, batch;
	size_t bound;			/* compression room for one block */

	struct mkd_compressor *inline_comp;	/* when there are no workers */
	struct worker *workers;
	unsigned nworkers;
	pthread_mutex_t lock;
	pthread_cond_t work;		/* a job was queued, or stop */
	pthread_cond_t done;		/* a job is done */
	bool stop;
};

/* Compress and checksum one block; keep the raw bytes when not smaller. */
static struct mkd_error *block_run(struct mkd_pool *p,
				   struct mkd_compressor *comp,
				   const uint8_t *raw, uint32_t npages,
				   uint8_t *out, struct mkd_block_out *b)
{
	size_t raw_len = npages * p->page_size, len = raw_len;
	struct mkd_error *err = mkd_compress(comp, raw, raw_len, out, &len);

	if (err)
		return err;
	b->npages = npages;
	if (len < raw_len) {
		b->payload = out;
		b->len = len;
		b->fcodec = mkd_file_codec_from(p->codec);
	} else {
		b->payload = raw;
		b->len = raw_len;
		b->fcodec = MKD_FCODEC_NONE;
	}
	b->sum = mkd_sum(b->payload, b->len, p->seed);
	return NULL;
}

static void job_run(struct mkd_pool *p, struct mkd_compressor *comp,
		    struct mkd_block_job *job)
{
	uint32_t done = 0;

	job->nblocks = 0;
	while (!job->err && done < job->npages) {
		uint32_t n = job->npages - done < p->block_pages ?
			     job->npages - done : p->block_pages;

		job->err = block_run(p, comp, job->raw + done * p->page_size,
				     n, job->out + job->nblocks * p->bound,
				     &job->blocks[job->nblocks]);
		job->nblocks++;
		done += n;
	}
}

/* The earliest queued job, or NULL; called locked. */
static struct mkd_block_job *next_queued(struct mkd_pool *p)
{
	size_t i;

	for (i = 0; i < p->nsubmitted; i++) {
		struct mkd_block_job *job = &p->jobs[(p->head + i) % p->njobs];

		if (job->state == JOB_QUEUED)
			return job;
	}
	return NULL;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct mkd_pool *p = w->pool;
	struct mkd_block_job *job;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && !(job = next_queued(p)))
			pthread_cond_wait(&p->work, &p->lock);
		if (p->stop)
			break;
		job->state = JOB_RUNNING;
		pthread_mutex_unlock(&p->lock);
		job_run(p, w->comp, job);
		pthread_mutex_lock(&p->lock);
		job->state = JOB_DONE;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static struct mkd_error *jobs_alloc(struct mkd_pool *p)
{
	size_t i, block = p->block_pages * p->page_size;

	p->bound = mkd_compress_bound(p->codec, block);
	p->jobs = calloc(p->njobs, sizeof(*p->jobs));
	if (!p->jobs)
		return &mkd_enomem;
	for (i = 0; i < p->njobs; i++) {
		struct mkd_block_job *job = &p->jobs[i];

		job->cap = p->block_pages * p->batch;
		job->raw = malloc(block * p->batch);
		job->out = malloc(p->bound * p->batch);
		job->blocks = calloc(p->batch, sizeof(*job->blocks));
		if (!job->raw || !job->out || !job->blocks)
			return &mkd_enomem;
	}
	return NULL;
}

static struct mkd_error *workers_start(struct mkd_pool *p, int level)
{
	struct mkd_error *err;
	unsigned i;
	int ret;

	p->workers = calloc(p->nworkers, sizeof(*p->workers));
	if (!p->workers)
		return &mkd_enomem;
	for (i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];

		w->pool = p;
		err = mkd_compressor_create(p->codec, level, &w->comp);
		if (err)
			return err;
		ret = pthread_create(&w->thread, NULL, worker_main, w);
		if (ret)
			return mkd_error_sys(ret, "cannot start a compression thread");
		w->started = true;
	}
	return NULL;
}

struct mkd_error *mkd_pool_create(unsigned threads, enum mkd_codec codec,
				  int level, uint32_t page_size,
				  uint32_t block_pages, uint32_t batch,
				  uint64_t seed, struct mkd_pool **ret)
{
	struct mkd_pool *p = calloc(1, sizeof(*p));
	struct mkd_error *err;

	if (!p)
		return &mkd_enomem;
	p->codec = codec;
	p->seed = seed;
	p->page_size = page_size;
	p->block_pages = block_pages;
	p->batch = batch ? batch : 1;
	p->nworkers = threads > 1 ? threads : 0;
	p->njobs = p->nworkers ? 4 * (size_t)p->nworkers : 1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	err = jobs_alloc(p);
	if (!err && p->nworkers)
		err = workers_start(p, level);
	else if (!err)
		err = mkd_compressor_create(codec, level, &p->inline_comp);
	if (err) {
		mkd_pool_destroy(p);
		return err;
	}
	*ret = p;
	return NULL;
}

void mkd_pool_destroy(struct mkd_pool *p)
{
	size_t i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; p->workers && i < p->nworkers; i++) {
		if (p->workers[i].started)
			pthread_join(p->workers[i].thread, NULL);
		mkd_compressor_destroy(p->workers[i].comp);
	}
	for (i = 0; p->jobs && i < p->njobs; i++) {
		mkd_error_destroy(p->jobs[i].err);
		free(p->jobs[i].raw);
		free(p->jobs[i].out);
		free(p->jobs[i].blocks);
	}
	mkd_compressor_destroy(p->inline_comp);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p->workers);
	free(p->jobs);
	free(p);
}

struct mkd_block_job *mkd_pool_free_job(struct mkd_pool *p)
{
	struct mkd_block_job *job;

	if (p->nsubmitted == p->njobs)
		return NULL;
	job = &p->jobs[(p->head + p->nsubmitted) % p->njobs];
	job->npages = 0;
	job->nblocks = 0;
	return job;
}

void mkd_pool_submit(struct mkd_pool *p, struct mkd_block_job *job)
{
	if (!p->nworkers) {
		job_run(p, p->inline_comp, job);
		job->state = JOB_DONE;
		p->nsubmitted++;
		return;
	}
	pthread_mutex_lock(&p->lock);
	job->state = JOB_QUEUED;
	p->nsubmitted++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
}

struct mkd_block_job *mkd_pool_oldest(struct mkd_pool *p)
{
	struct mkd_block_job *job;

	if (!p->nsubmitted)
		return NULL;
	job = &p->jobs[p->head];
	if (!p->nworkers)
		return job;
	pthread_mutex_lock(&p->lock);
	while (job->state != JOB_DONE)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
	return job;
}

void mkd_pool_release(struct mkd_pool *p)
{
	struct mkd_block_job *job = &p->jobs[p->head];

	pthread_mutex_lock(&p->lock);
	job->state = JOB_FREE;
	mkd_error_destroy(job->err);
	job->err = NULL;
	p->head = (p->head + 1) % p->njobs;
	p->nsubmitted--;
	pthread_mutex_unlock(&p->lock);
}
