// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * progress.c - the one progress line of the commands that write dumps
 * (capture, convert, split, merge): percent of the page frames passed,
 * MiB read, rate and ETA, on standard error, at most four times a second.
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "ctl.h"

double ctl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void ctl_progress_start(struct ctl_progress *p, bool on, uint64_t max_pfn)
{
	p->on = on;
	p->max_pfn = max_pfn;
	p->bytes = 0;
	p->start = p->last = ctl_now();
}

void ctl_progress_show(struct ctl_progress *p, uint64_t pfn, bool last)
{
	double t = ctl_now(), secs = t - p->start, rate, eta;

	if (!p->on || (!last && t - p->last < 0.25))
		return;
	p->last = t;
	rate = secs > 0 ? p->bytes / secs : 0;
	eta = pfn && !last ? secs * (double)(p->max_pfn - pfn) / pfn : 0;
	fprintf(stderr, "\r%3" PRIu64 "%%  %8.1f MiB read  %7.1f MB/s  ETA %d:%02d ",
		p->max_pfn ? pfn * 100 / p->max_pfn : 100,
		p->bytes / 1048576.0, rate / 1e6, (int)eta / 60, (int)eta % 60);
	if (last)
		fputc('\n', stderr);
}
