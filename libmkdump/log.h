/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * log.h - what the kernel log readers share.  mkd_log_iterate() (log.c)
 * picks a reader from what vmcoreinfo describes: the lockless ring buffer
 * of Linux 5.10 and later (log-prb.c) or the older structured log_buf
 * (log-legacy.c).  A reader calls mkd_log_emit() for each record, oldest
 * first, and counts in walk->skipped the records it could not read.
 */
#ifndef MKD_LOG_H
#define MKD_LOG_H

#include "internal.h"

struct mkd_log_walk {
	mkd_log_fn *fn;
	void *arg;
	uint64_t skipped;	/* records whose data is not in the dump */
	bool stopped;		/* fn asked to stop; readers return at once */
};

/* Hand one record to the caller; sets walk->stopped if it says stop. */
static inline void mkd_log_emit(struct mkd_log_walk *walk,
				const struct mkd_log_record *rec)
{
	if (walk->fn(rec, walk->arg))
		walk->stopped = true;
}

struct mkd_error *mkd_log_prb_walk(struct mkd_dump *dump,
				   struct mkd_log_walk *walk);
struct mkd_error *mkd_log_legacy_walk(struct mkd_dump *dump,
				      struct mkd_log_walk *walk);

#endif /* MKD_LOG_H */
