// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter-truth.c - hold libmkdump's page classes to makedumpfile's.
 *
 *   filter-truth LEVEL VMCORE MD.elf|- [MD.kdump]
 *
 * Classifies VMCORE (an ELF /proc/vmcore) at LEVEL with the library, then
 * compares with what `makedumpfile -d LEVEL` wrote from the same vmcore:
 *
 * - MD.elf (makedumpfile -E): makedumpfile's ELF writer leaves a run of
 *   excluded pages in the file (with its data) when fewer than 256 of
 *   them lie between two kept pages of one PT_LOAD (PFN_EXCLUDED in
 *   makedumpfile.h), and starts a new PT_LOAD after longer runs.  We play
 *   that writer on our own exclusions and compare its program headers
 *   with the file's, exactly; then, page by page, what the library reads
 *   in MD.elf (present, or filtered) with our prediction.
 * - MD.kdump (makedumpfile without -E): its second bitmap says per page
 *   whether makedumpfile kept it, short runs included; a kept zero page
 *   points at the one shared zero page written first after the page
 *   descriptors.  So this is the page-exact check.
 *
 * Prints one line per check and exits 0 only when everything agrees.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mkdump.h"

#define PFN_EXCLUDED 256
#define MAX_SEGS 100000
#define MAX_SHOWN 10

struct seg {
	uint64_t paddr, memsz, filesz;
};

struct segs {
	struct seg *v;
	size_t n, cap;
};

struct truth {
	int level;
	uint32_t ps;
	uint64_t max_pfn;
	uint8_t *cls;		/* our class per pfn */
	uint8_t *in_dump;	/* pfn in VMCORE's PT_LOADs */
	struct segs in;		/* VMCORE's PT_LOADs, file order */
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("filter-truth: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void die_err(struct mkd_error *err)
{
	die("%s", mkd_error_message(err));
}

static void seg_add(struct segs *s, uint64_t paddr, uint64_t memsz,
		    uint64_t filesz)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			die("out of memory");
	}
	s->v[s->n++] = (struct seg){ paddr, memsz, filesz };
}

static void pread_all(int fd, void *buf, size_t len, uint64_t off,
		      const char *path)
{
	ssize_t n = pread(fd, buf, len, (off_t)off);

	if (n != (ssize_t)len)
		die("'%s': short read at %#" PRIx64, path, off);
}

/* The PT_LOADs of an ELF64 core, in file order. */
static void read_loads(const char *path, struct segs *s)
{
	int fd = open(path, O_RDONLY);
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned i;

	if (fd < 0)
		die("cannot open '%s': %s", path, strerror(errno));
	pread_all(fd, &eh, sizeof(eh), 0, path);
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phnum == PN_XNUM)
		die("'%s' is not an ELF64 core this tool knows", path);
	for (i = 0; i < eh.e_phnum; i++) {
		pread_all(fd, &ph, sizeof(ph), eh.e_phoff + (uint64_t)i * sizeof(ph),
			  path);
		if (ph.p_type == PT_LOAD)
			seg_add(s, ph.p_paddr, ph.p_memsz, ph.p_filesz);
	}
	close(fd);
}

static void classify(struct truth *t, const char *vmcore, double *secs)
{
	struct mkd_classifier *cl;
	struct mkd_dump *dump;
	struct mkd_error *err;
	struct timespec a, b;
	uint64_t pfn = 0;

	if (mkd_dump_open(vmcore, NULL, &dump))
		die("cannot open '%s'", vmcore);
	t->ps = mkd_dump_page_size(dump);
	t->max_pfn = mkd_dump_max_pfn(dump);
	t->cls = calloc(t->max_pfn, 1);
	t->in_dump = calloc(t->max_pfn, 1);
	if (!t->cls || !t->in_dump)
		die("out of memory");
	clock_gettime(CLOCK_MONOTONIC, &a);
	err = mkd_classifier_create(dump, t->level, &cl);
	while (!err && pfn < t->max_pfn) {
		struct mkd_class_run run;
		uint64_t i;

		err = mkd_classify(cl, pfn, &run);
		for (i = 0; !err && i < run.count && pfn < t->max_pfn; i++, pfn++) {
			t->cls[pfn] = (uint8_t)run.cls;
			t->in_dump[pfn] = !(run.flags & MKD_CLASS_RUN_NOT_DUMPED);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (err)
		die_err(err);
	*secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	mkd_classifier_destroy(cl);
	mkd_dump_destroy(dump);
}

static bool excluded(const struct truth *t, uint64_t pfn)
{
	return pfn < t->max_pfn && t->in_dump[pfn] &&
	       mkd_dump_level_excludes(t->level, (enum mkd_page_class)t->cls[pfn]);
}

/* makedumpfile's second bitmap as we predict it: in a PT_LOAD, not excluded. */
static bool dumpable(const struct truth *t, uint64_t pfn)
{
	return pfn < t->max_pfn && t->in_dump[pfn] && !excluded(t, pfn);
}

/*
 * One input PT_LOAD as makedumpfile's ELF writer splits it: excluded runs
 * of PFN_EXCLUDED pages or more end a segment (the next starts at the
 * next kept page); shorter runs stay in the file; the run at the end is
 * past p_filesz whatever its length.
 */
static void predict_load(const struct truth *t, const struct seg *in,
			 struct segs *out)
{
	uint64_t ps = t->ps, paddr = in->paddr, memsz = 0, filesz = 0;
	uint64_t pfn = in->paddr / ps, end = (in->paddr + in->memsz) / ps;
	uint64_t head = ps - in->paddr % ps, tail = (in->paddr + in->memsz) % ps;
	uint64_t run = 0;

	if (head != ps) {
		memsz = filesz = head;
		pfn++;
	}
	if (tail)
		end++;
	for (; pfn < end; pfn++) {
		uint64_t size = (pfn == end - 1 && tail) ? tail : ps;

		if (!dumpable(t, pfn)) {
			run++;
			memsz += size;
			continue;
		}
		if (run >= PFN_EXCLUDED) {
			seg_add(out, paddr, memsz, filesz);
			paddr += memsz;
			memsz = filesz = ps;	/* as makedumpfile, even for a tail */
		} else {
			memsz += size;
			filesz += ps * run + size;
		}
		run = 0;
	}
	seg_add(out, paddr, memsz, filesz);
}

static bool seg_holds(const struct segs *s, uint64_t addr)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (addr >= s->v[i].paddr && addr < s->v[i].paddr + s->v[i].filesz)
			return true;
	return false;
}

static int check_segments(const struct truth *t, const char *md,
			  struct segs *pred)
{
	struct segs got = { 0 };
	size_t i, same = 0;

	for (i = 0; i < t->in.n; i++)
		predict_load(t, &t->in.v[i], pred);
	read_loads(md, &got);
	for (i = 0; i < pred->n && i < got.n; i++) {
		const struct seg *a = &pred->v[i], *b = &got.v[i];

		if (a->paddr == b->paddr && a->memsz == b->memsz &&
		    a->filesz == b->filesz) {
			same++;
		} else if (i - same < MAX_SHOWN) {
			printf("  segment %zu: predicted %#" PRIx64 "+%#" PRIx64
			       " filesz %#" PRIx64 ", makedumpfile %#" PRIx64
			       "+%#" PRIx64 " filesz %#" PRIx64 "\n", i,
			       a->paddr, a->memsz, a->filesz, b->paddr,
			       b->memsz, b->filesz);
		}
	}
	printf("elf segments: %zu predicted, %zu in the file, %zu match\n",
	       pred->n, got.n, same);
	free(got.v);
	return same == pred->n && same == got.n ? 0 : 1;
}

/* Page by page: the library's view of MD.elf against our prediction. */
static int check_elf_pages(const struct truth *t, const char *md,
			   const struct segs *pred)
{
	uint64_t pfn, agree = 0, disagree = 0, hidden = 0;
	struct mkd_dump *dump;
	struct mkd_error *err;

	if ((err = mkd_dump_open(md, NULL, &dump)))
		die_err(err);
	for (pfn = 0; pfn < t->max_pfn; pfn++) {
		struct mkd_page_run run;
		bool want, have;

		if (!t->in_dump[pfn])
			continue;
		if ((err = mkd_page_state(dump, pfn, &run)))
			die_err(err);
		want = seg_holds(pred, pfn * t->ps);
		have = run.state == MKD_PAGE_PRESENT;
		hidden += want && excluded(t, pfn);
		if (want == have) {
			agree++;
			continue;
		}
		if (disagree++ < MAX_SHOWN)
			printf("  pfn %#" PRIx64 ": ours %s, predicted %s, "
			       "makedumpfile's ELF %s\n", pfn,
			       mkd_page_class_name(t->cls[pfn]),
			       want ? "present" : "left out",
			       mkd_page_state_name(run.state));
	}
	printf("elf pages: %" PRIu64 " agree, %" PRIu64 " disagree "
	       "(%" PRIu64 " excluded pages the ELF writer keeps in short runs)\n",
	       agree, disagree, hidden);
	mkd_dump_destroy(dump);
	return disagree ? 1 : 0;
}

struct kdump {
	uint8_t *bitmap2;
	uint64_t bits;		/* pfns the bitmap covers */
	uint64_t desc_off, zero_off;
	int fd;
};

static void kdump_open(const char *path, int level, struct kdump *k)
{
	uint8_t h[464];
	uint32_t block, sub, blocks;
	int32_t file_level;
	uint64_t len, i, dumpable = 0;

	k->fd = open(path, O_RDONLY);
	if (k->fd < 0)
		die("cannot open '%s': %s", path, strerror(errno));
	pread_all(k->fd, h, sizeof(h), 0, path);
	if (memcmp(h, "KDUMP   ", 8))
		die("'%s' is not a kdump-compressed file", path);
	memcpy(&block, h + 428, 4);
	memcpy(&sub, h + 432, 4);
	memcpy(&blocks, h + 436, 4);
	if (block < 512 || block > (1u << 20) || blocks > (1u << 24))
		die("'%s': odd header", path);
	/* kdump_sub_header in block 1: phys_base, then dump_level. */
	pread_all(k->fd, &file_level, 4, (uint64_t)block + 8, path);
	if (file_level != level)
		die("'%s' was made at dump level %d, not %d", path,
		    (int)file_level, level);
	len = (uint64_t)blocks * block / 2;
	k->bits = len * 8;
	k->bitmap2 = malloc(len);
	if (!k->bitmap2)
		die("out of memory");
	pread_all(k->fd, k->bitmap2, len,
		  (1 + (uint64_t)sub) * block + len, path);
	for (i = 0; i < len; i++)
		dumpable += (uint64_t)__builtin_popcount(k->bitmap2[i]);
	k->desc_off = (1 + (uint64_t)sub + blocks) * block;
	/* makedumpfile writes the shared zero page first after the descs. */
	k->zero_off = k->desc_off + 24 * dumpable;
}

/* Kept in MD.kdump: bit set, and (with level bit 1) not the zero page. */
static bool kdump_kept(const struct kdump *k, uint64_t pfn, uint64_t *rank,
		       int level, const char *path)
{
	uint64_t off;

	if (pfn >= k->bits || !(k->bitmap2[pfn / 8] & (1u << (pfn % 8))))
		return false;
	(*rank)++;
	if (!(level & MKD_DL_ZERO))
		return true;
	pread_all(k->fd, &off, 8, k->desc_off + 24 * (*rank - 1), path);
	return off != k->zero_off;
}

static int check_kdump(const struct truth *t, const char *md)
{
	uint64_t pfn, rank = 0, agree = 0, disagree = 0, kept = 0;
	struct kdump k;

	kdump_open(md, t->level, &k);
	for (pfn = 0; pfn < t->max_pfn || pfn < k.bits; pfn++) {
		bool have = kdump_kept(&k, pfn, &rank, t->level, md);
		bool want = dumpable(t, pfn);

		kept += have;
		if (want == have) {
			agree += pfn < t->max_pfn && t->in_dump[pfn];
			continue;
		}
		if (disagree++ < MAX_SHOWN)
			printf("  pfn %#" PRIx64 ": ours %s (%s), makedumpfile %s\n",
			       pfn, pfn < t->max_pfn ?
			       mkd_page_class_name(t->cls[pfn]) : "-",
			       want ? "kept" : "excluded",
			       have ? "kept" : "excluded");
	}
	printf("kdump pages: %" PRIu64 " agree, %" PRIu64 " disagree "
	       "(makedumpfile keeps %" PRIu64 ")\n", agree, disagree, kept);
	free(k.bitmap2);
	close(k.fd);
	return disagree ? 1 : 0;
}

static void report_classes(const struct truth *t, double secs)
{
	uint64_t n[MKD_CLASS_COUNT] = { 0 }, pages = 0, pfn;
	int c;

	for (pfn = 0; pfn < t->max_pfn; pfn++)
		if (t->in_dump[pfn]) {
			n[t->cls[pfn]]++;
			pages++;
		}
	printf("level %d: %" PRIu64 " pfns (%" PRIu64 " in the dump) "
	       "classified in %.3f s (%.0f pfns/s):", t->level, t->max_pfn,
	       pages, secs, secs > 0 ? (double)t->max_pfn / secs : 0.0);
	for (c = 0; c < MKD_CLASS_COUNT; c++)
		if (n[c])
			printf(" %s %" PRIu64, mkd_page_class_name(c), n[c]);
	printf("\n");
}

int main(int argc, char **argv)
{
	struct truth t = { 0 };
	struct segs pred = { 0 };
	double secs;
	int bad = 0;

	if (argc < 4 || argc > 5)
		die("usage: filter-truth LEVEL VMCORE MD.elf|- [MD.kdump]");
	t.level = atoi(argv[1]);
	classify(&t, argv[2], &secs);
	read_loads(argv[2], &t.in);
	report_classes(&t, secs);
	if (strcmp(argv[3], "-")) {
		bad |= check_segments(&t, argv[3], &pred);
		bad |= check_elf_pages(&t, argv[3], &pred);
	}
	if (argc == 5)
		bad |= check_kdump(&t, argv[4]);
	free(pred.v);
	free(t.in.v);
	free(t.cls);
	free(t.in_dump);
	return bad;
}
