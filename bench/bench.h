/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench.h - random-read throughput of dump readers on the same files.
 *
 * Each reader (ours, libkdumpfile, any later peer) is one file with one
 * struct bench_reader; bench-read.c knows them only through this table
 * entry.  A reader that cannot open a file says why and is reported as
 * "cannot open", never as a failure of the bench.
 */
#ifndef MKD_BENCH_H
#define MKD_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* Runs of pages present in a dump, for drawing addresses. */
struct bench_runs {
	uint64_t *pfn, *count;
	size_t n, cap;
	uint64_t pages;		/* sum of counts */
	uint32_t page_size;
};

int bench_runs_add(struct bench_runs *runs, uint64_t pfn, uint64_t count);

/* How the readers are set up; the same for all of them. */
struct bench_opts {
	long cache_pages;	/* libmkdump's page cache; -1: its default */
};

struct bench_reader {
	const char *name;
	/* The handle, or NULL with the reason in why. */
	void *(*open)(const char *path, const struct bench_opts *opts,
		      char *why, size_t whylen);
	/* Read len bytes of physical memory at addr; 0 on success. */
	int (*read)(void *handle, uint64_t addr, void *buf, size_t len);
	/* The pages present in the dump; 0 on success. */
	int (*present)(void *handle, struct bench_runs *runs);
	void (*close)(void *handle);
};

extern const struct bench_reader bench_mkdump;
extern const struct bench_reader bench_kdumpfile;

#endif /* MKD_BENCH_H */
