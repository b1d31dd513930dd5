// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-common.c - the harness of every reader's fuzz target (see fuzz.h).
 *
 * The input, with its format's magic imposed, becomes a memfd opened with
 * mkd_dump_open_fd().  If it opens, every read-only question of mkdump.h
 * is asked, bounded so that one input stays fast: the state of every page
 * (at most FUZZ_MAX_RUNS runs), a sample of pages read through the cache,
 * without it and across page ends, vmcoreinfo, notes, registers, address
 * translation and the kernel log.  The answers are checked against what
 * mkdump.h promises; a broken promise aborts, and libFuzzer keeps the
 * input like any other crash.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mkdump.h"
#include "fuzz.h"

#define FUZZ_MAX_RUNS (1u << 20)	/* page runs walked per input */
#define FUZZ_SAMPLES 32			/* pages read per input */
#define FUZZ_ABSENT 8			/* pages not in the dump, tried */
#define FUZZ_MAX_READ (4u << 20)	/* bytes of sample pages per input */
#define FUZZ_MAX_CPUS 64
#define FUZZ_MAX_LOG 4096		/* log records per input */
#define FUZZ_MAX_KEYS 64		/* vmcoreinfo lines looked up */
#define FUZZ_CACHE_PAGES 64

#define promise(cond, ...)                                              \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "fuzz: broken promise: %s: ",   \
				#cond);                                 \
			fprintf(stderr, __VA_ARGS__);                   \
			fputc('\n', stderr);                            \
			abort();                                        \
		}                                                       \
	} while (0)

struct sample {
	uint64_t pfn;
	enum mkd_page_state state;
	bool read_ok;
	uint64_t hash;		/* of the page's bytes, once read */
};

struct walk {
	struct sample data[FUZZ_SAMPLES];	/* present, zero, damaged */
	size_t ndata;
	struct sample absent[FUZZ_ABSENT];	/* filtered, lost, not dumped */
	size_t nabsent;
};

/* Check what every error promises, release it, return its code. */
static enum mkd_error_code consume(struct mkd_error *err)
{
	enum mkd_error_code code;
	uint64_t addr;

	if (!err)
		return 0;
	code = mkd_error_code(err);
	promise(code >= MKD_ERR_NOMEM && code <= MKD_ERR_NO_TRANSLATION,
		"code %d", (int)code);
	promise(mkd_error_message(err)[0] != '\0', "code %d", (int)code);
	promise(code == MKD_ERR_IO || mkd_error_errno(err) == 0, "%s",
		mkd_error_message(err));
	(void)mkd_error_address(err, &addr);
	mkd_error_destroy(err);
	return code;
}

static uint64_t hash_bytes(const uint8_t *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	while (len--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

/* ------------------------------------------------------------------ */
/* The input as a file */

static bool variant_matches(const struct fuzz_variant *v, const uint8_t *data,
			    size_t size)
{
	const struct fuzz_patch *p;

	for (p = v->patches; p < v->patches + FUZZ_MAX_PATCHES && p->len; p++)
		if ((size_t)p->offset + p->len > size ||
		    memcmp(data + p->offset, p->bytes, p->len))
			return false;
	return true;
}

/* The variant the input carries, else one picked by its size. */
static const struct fuzz_variant *pick_variant(const struct fuzz_format *fmt,
					       const uint8_t *data,
					       size_t size)
{
	size_t i;

	for (i = 0; i < fmt->nvariants; i++)
		if (variant_matches(&fmt->variants[i], data, size))
			return &fmt->variants[i];
	return &fmt->variants[size % fmt->nvariants];
}

static int input_fd(const struct fuzz_format *fmt, const uint8_t *data,
		    size_t size)
{
	const struct fuzz_variant *v = pick_variant(fmt, data, size);
	const struct fuzz_patch *p;
	size_t len = size, done = 0;
	uint8_t *buf;
	int fd;

	for (p = v->patches; p < v->patches + FUZZ_MAX_PATCHES && p->len; p++)
		if ((size_t)p->offset + p->len > len)
			len = (size_t)p->offset + p->len;
	buf = calloc(1, len);
	fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	if (!buf || fd < 0)
		abort();
	memcpy(buf, data, size);
	for (p = v->patches; p < v->patches + FUZZ_MAX_PATCHES && p->len; p++)
		memcpy(buf + p->offset, p->bytes, p->len);
	while (done < len) {
		ssize_t n = write(fd, buf + done, len - done);

		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	free(buf);
	return fd;
}

/* ------------------------------------------------------------------ */
/* What the dump is */

static void check_info(struct mkd_dump *dump)
{
	uint32_t ps = mkd_dump_page_size(dump), cpu;
	uint64_t max = mkd_dump_max_pfn(dump), top;
	size_t i, n = mkd_dump_ram_range_count(dump);
	const struct mkd_range *ram = mkd_dump_ram_ranges(dump);
	const char *release = mkd_dump_kernel_release(dump);
	int64_t secs;

	promise(mkd_dump_format(dump) && mkd_dump_codecs(dump), "names");
	promise(ps >= 512 && !(ps & (ps - 1)), "page size %u", ps);
	promise(mkd_dump_file_count(dump) == 1, "one fd");
	promise(mkd_dump_level(dump) >= -1, "level %d", mkd_dump_level(dump));
	(void)strlen(mkd_arch_name(mkd_dump_arch(dump)));
	(void)(mkd_dump_container(dump) && strlen(mkd_dump_container(dump)));
	(void)(release && strlen(release));
	(void)mkd_dump_incomplete(dump);
	(void)mkd_dump_crash_time(dump, &secs);
	(void)mkd_dump_panic_cpu(dump, &cpu);
	top = max > UINT64_MAX / ps ? UINT64_MAX : max * ps;
	for (i = 0; i < n; i++) {
		promise(ram[i].start < ram[i].end, "range %zu empty", i);
		promise(i == 0 || ram[i - 1].end <= ram[i].start,
			"ranges %zu and %zu overlap or are out of order",
			i - 1, i);
		promise(ram[i].end <= top, "range %zu ends past max_pfn", i);
	}
}

/* ------------------------------------------------------------------ */
/* Pages */

static void take_sample(struct walk *w, const struct mkd_page_run *run)
{
	bool data = run->state == MKD_PAGE_PRESENT ||
		    run->state == MKD_PAGE_ZERO ||
		    run->state == MKD_PAGE_DAMAGED;
	struct sample s = { .pfn = run->pfn, .state = run->state };

	if (!data) {
		if (w->nabsent < FUZZ_ABSENT)
			w->absent[w->nabsent++] = s;
		return;
	}
	if (w->ndata < FUZZ_SAMPLES)
		w->data[w->ndata++] = s;
	if (run->count > 1 && w->ndata < FUZZ_SAMPLES) {
		s.pfn = run->pfn + run->count - 1;	/* its last page */
		w->data[w->ndata++] = s;
	}
}

static void check_run(uint64_t pfn, uint64_t max,
		      const struct mkd_page_run *run)
{
	promise(run->pfn == pfn, "run at 0x%llx for pfn 0x%llx",
		(unsigned long long)run->pfn, (unsigned long long)pfn);
	promise(run->count >= 1, "empty run at 0x%llx",
		(unsigned long long)pfn);
	promise((unsigned)run->state < MKD_PAGE_STATE_COUNT, "state %d",
		(int)run->state);
	promise(run->state != MKD_PAGE_FILTERED ||
		(unsigned)run->reason < MKD_FILTER_REASON_COUNT,
		"reason %d", (int)run->reason);
	promise(pfn >= max || run->count <= max - pfn,
		"run of 0x%llx %s pages at 0x%llx passes max_pfn 0x%llx",
		(unsigned long long)run->count,
		mkd_page_state_name(run->state), (unsigned long long)pfn,
		(unsigned long long)max);
}

static void walk_pages(struct mkd_dump *dump, struct walk *w)
{
	uint64_t max = mkd_dump_max_pfn(dump), pfn = 0;
	struct mkd_page_run run;
	unsigned runs;

	for (runs = 0; pfn < max && runs < FUZZ_MAX_RUNS; runs++) {
		struct mkd_error *err = mkd_page_state(dump, pfn, &run);

		if (err) {
			consume(err);
			pfn++;
			continue;
		}
		check_run(pfn, max, &run);
		take_sample(w, &run);
		pfn += run.count;
	}
	/* Past the end, everything is "not dumped". */
	consume(mkd_page_state(dump, max, &run));
	promise(run.state == MKD_PAGE_NOT_DUMPED, "pfn max_pfn is %s",
		mkd_page_state_name(run.state));
	consume(mkd_page_state(dump, UINT64_MAX, &run));
	promise(run.state == MKD_PAGE_NOT_DUMPED && run.count >= 1, "last");
}

/* Read one page the walk says holds data; remember what it held. */
static void read_data_page(struct mkd_dump *dump, struct sample *s,
			   uint8_t *buf)
{
	uint32_t ps = mkd_dump_page_size(dump);
	enum mkd_error_code code;
	size_t done = 0, i;

	code = consume(mkd_read_phys(dump, s->pfn * ps, buf, ps, &done));
	if (code) {
		promise(done < ps, "failed read of pfn 0x%llx did it all",
			(unsigned long long)s->pfn);
		promise(code != MKD_ERR_NO_DATA && code != MKD_ERR_INVALID,
			"%s pfn 0x%llx reads as error %d",
			mkd_page_state_name(s->state),
			(unsigned long long)s->pfn, (int)code);
		return;
	}
	promise(done == ps, "done %zu", done);
	promise(s->state != MKD_PAGE_DAMAGED, "damaged pfn 0x%llx reads",
		(unsigned long long)s->pfn);
	if (s->state == MKD_PAGE_ZERO)
		for (i = 0; i < ps; i++)
			promise(buf[i] == 0, "zero pfn 0x%llx has data",
				(unsigned long long)s->pfn);
	s->read_ok = true;
	s->hash = hash_bytes(buf, ps);
}

/* Read again (cached or not): the same answer, the same bytes. */
static void reread_data_page(struct mkd_dump *dump, const struct sample *s,
			     uint8_t *buf)
{
	uint32_t ps = mkd_dump_page_size(dump);
	enum mkd_error_code code;

	code = consume(mkd_read_phys(dump, s->pfn * ps, buf, ps, NULL));
	if (!s->read_ok)
		return;		/* a damaged page may be found so only once */
	promise(code == 0, "pfn 0x%llx read once, then error %d",
		(unsigned long long)s->pfn, (int)code);
	promise(hash_bytes(buf, ps) == s->hash, "pfn 0x%llx changed",
		(unsigned long long)s->pfn);
}

/* A read that starts 32 bytes before the page's end and runs on. */
static void read_across(struct mkd_dump *dump, const struct sample *s,
			uint8_t *page, uint8_t *buf)
{
	uint32_t ps = mkd_dump_page_size(dump);
	uint64_t addr = s->pfn * ps + ps - 32;
	size_t done = 0;

	if (!s->read_ok || addr + 64 < addr)
		return;
	consume(mkd_read_phys(dump, addr, buf, 64, &done));
	promise(done >= 32 && done <= 64, "done %zu", done);
	consume(mkd_read_phys(dump, s->pfn * ps, page, ps, NULL));
	promise(!memcmp(buf, page + ps - 32, 32), "tail of pfn 0x%llx",
		(unsigned long long)s->pfn);
}

static void read_absent_page(struct mkd_dump *dump, const struct sample *s,
			     uint8_t *buf)
{
	uint32_t ps = mkd_dump_page_size(dump);
	enum mkd_error_code code;
	size_t done = 1;

	code = consume(mkd_read_phys(dump, s->pfn * ps, buf, ps, &done));
	promise(done == 0, "%s pfn 0x%llx gave %zu bytes",
		mkd_page_state_name(s->state), (unsigned long long)s->pfn,
		done);
	promise(code == MKD_ERR_NO_DATA ||
		(s->state == MKD_PAGE_LOST && code == MKD_ERR_TRUNCATED),
		"%s pfn 0x%llx reads as error %d",
		mkd_page_state_name(s->state), (unsigned long long)s->pfn,
		(int)code);
}

static void read_pages(struct mkd_dump *dump, struct walk *w)
{
	uint32_t ps = mkd_dump_page_size(dump);
	size_t n = w->ndata, i;
	uint8_t *a = malloc(ps), *b = malloc(ps);

	if (!a || !b)
		abort();
	if (n > FUZZ_MAX_READ / ps)
		n = FUZZ_MAX_READ / ps;
	for (i = 0; i < n; i++)
		read_data_page(dump, &w->data[i], a);
	for (i = 0; i < n; i++)		/* from the cache */
		reread_data_page(dump, &w->data[i], a);
	for (i = 0; i < n; i++)
		read_across(dump, &w->data[i], a, b);
	for (i = 0; i < w->nabsent; i++)
		read_absent_page(dump, &w->absent[i], a);
	consume(mkd_dump_set_cache_size(dump, 0));
	for (i = 0; i < n; i++)		/* without a cache */
		reread_data_page(dump, &w->data[i], a);
	consume(mkd_dump_set_cache_size(dump, 2));
	for (i = 0; i < n; i++)		/* through a cache that evicts */
		reread_data_page(dump, &w->data[i], a);
	free(a);
	free(b);
}

/* ------------------------------------------------------------------ */
/* VMCOREINFO and notes */

typedef struct mkd_error *u64_getter(const struct mkd_dump *, const char *,
				     uint64_t *);

static enum mkd_error_code get_number(const struct mkd_dump *dump,
				      const char *name)
{
	int64_t value;

	return consume(mkd_vmcoreinfo_number(dump, name, &value));
}

/* A "KIND(name)=value" line: the typed accessor must find name. */
static void lookup_line(struct mkd_dump *dump, const char *line, size_t len)
{
	static const struct {
		const char *kind;
		u64_getter *get;	/* NULL: signed, get_number() */
	} kinds[] = {
		{ "SYMBOL(", mkd_vmcoreinfo_symbol },
		{ "OFFSET(", mkd_vmcoreinfo_offset },
		{ "SIZE(", mkd_vmcoreinfo_size },
		{ "LENGTH(", mkd_vmcoreinfo_length },
		{ "NUMBER(", NULL },
	};
	const char *close = memchr(line, ')', len);
	enum mkd_error_code code;
	char name[128];
	size_t i, k, n;
	uint64_t u;

	if (!close || (size_t)(close - line) + 1 >= len || close[1] != '=')
		return;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		k = strlen(kinds[i].kind);
		n = (size_t)(close - line);
		if (n < k || memcmp(line, kinds[i].kind, k) ||
		    n - k >= sizeof(name))
			continue;
		memcpy(name, line + k, n - k);
		name[n - k] = '\0';
		if (strchr(name, '('))
			continue;	/* the lookup would build another key */
		code = kinds[i].get ? consume(kinds[i].get(dump, name, &u))
				    : get_number(dump, name);
		promise(code != MKD_ERR_NOT_FOUND, "%s%s) is there",
			kinds[i].kind, name);
	}
}

static void check_vmcoreinfo(struct mkd_dump *dump)
{
	static const char *const keys[] = {
		"OSRELEASE", "PAGESIZE", "CRASHTIME", "KERNELOFFSET", "BUILD-ID",
		"SYMBOL(init_top_pgt)", "NUMBER(phys_base)", "",
	};
	size_t len = 0, i, nlines = 0;
	const char *text = mkd_vmcoreinfo(dump, &len), *p, *end, *v;
	uint64_t u;
	int64_t s;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = mkd_vmcoreinfo_get(dump, keys[i]);
		promise(!v || (text && v >= text && v <= text + len), "%s",
			keys[i]);
	}
	consume(mkd_vmcoreinfo_symbol(dump, "init_top_pgt", &u));
	consume(mkd_vmcoreinfo_number(dump, "no-such-key", &s));
	if (!text)
		return;
	(void)hash_bytes((const uint8_t *)text, len);
	for (p = text, end = text + len; p < end && nlines < FUZZ_MAX_KEYS;
	     nlines++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		lookup_line(dump, p, (size_t)(eol - p));
		p = eol + 1;
	}
}

static void check_notes(struct mkd_dump *dump)
{
	size_t len = 1;
	const void *notes = mkd_dump_notes(dump, &len);

	promise(notes || len == 0, "%zu bytes of notes at NULL", len);
	if (notes)
		(void)hash_bytes(notes, len);
}

static void check_cpus(struct mkd_dump *dump)
{
	size_t n = mkd_dump_cpu_count(dump), i;
	struct mkd_cpu_regs regs;
	unsigned r;

	for (i = 0; i < n && i < FUZZ_MAX_CPUS; i++) {
		promise(!consume(mkd_dump_cpu_regs(dump, i, &regs)), "cpu %zu",
			i);
		promise(regs.cpu == i, "cpu %zu says %u", i, regs.cpu);
		promise(regs.nregs <= MKD_X86_64_REG_COUNT, "%u regs",
			regs.nregs);
		for (r = 0; r < regs.nregs; r++)
			(void)strlen(mkd_x86_64_reg_name(r));
	}
	promise(consume(mkd_dump_cpu_regs(dump, n, &regs)) ==
		MKD_ERR_NOT_FOUND, "cpu %zu of %zu", n, n);
}

/* ------------------------------------------------------------------ */
/* Kernel virtual addresses and the log */

/* A virtual read gives the bytes of the physical page it maps to. */
static void check_vaddr(struct mkd_dump *dump, uint64_t va)
{
	uint32_t ps = mkd_dump_page_size(dump);
	size_t len = ps - (size_t)(va & (ps - 1)), vdone = 0, pdone = 0;
	uint8_t vbuf[64], pbuf[64];
	uint64_t pa;

	if (len > sizeof(vbuf))
		len = sizeof(vbuf);
	if (consume(mkd_vtop(dump, va, &pa)))
		return;
	consume(mkd_read_virt(dump, va, vbuf, len, &vdone));
	consume(mkd_read_phys(dump, pa, pbuf, len, &pdone));
	promise(vdone <= len && vdone == pdone, "va 0x%llx: %zu vs %zu",
		(unsigned long long)va, vdone, pdone);
	promise(!memcmp(vbuf, pbuf, vdone), "va 0x%llx", (unsigned long long)va);
	/* And one that crosses into the next page. */
	if ((va | (ps - 1)) != UINT64_MAX) {
		consume(mkd_read_virt(dump, (va | (ps - 1)) - 31, vbuf, 64,
				      &vdone));
		promise(vdone <= 64, "done %zu", vdone);
	}
}

static void check_virt(struct mkd_dump *dump)
{
	struct mkd_vm_info info = { .size = sizeof(info) };
	uint64_t vas[8], v;
	size_t n = 0, i;

	if (consume(mkd_dump_vm_info(dump, &info))) {
		consume(mkd_vtop(dump, 0xffffffff81000000ULL, &v));
		return;
	}
	promise(info.size == sizeof(info), "size %u", info.size);
	promise(mkd_dump_arch(dump) != MKD_ARCH_X86_64 ||
		info.levels == 4 || info.levels == 5, "%u levels",
		info.levels);
	vas[n++] = 0xffffffff81000000ULL + info.kernel_offset;
	vas[n++] = info.page_offset;
	vas[n++] = info.page_offset + 0x100000;
	vas[n++] = 0;
	vas[n++] = 0x0000800000000000ULL;	/* not canonical */
	vas[n++] = UINT64_MAX;
	if (!consume(mkd_vmcoreinfo_symbol(dump, "init_top_pgt", &v)))
		vas[n++] = v;
	if (!consume(mkd_vmcoreinfo_symbol(dump, "_stext", &v)))
		vas[n++] = v;
	for (i = 0; i < n; i++)
		check_vaddr(dump, vas[i]);
}

static int log_record(const struct mkd_log_record *rec, void *arg)
{
	uint64_t *count = arg;

	promise(rec->level <= 7, "level %u", rec->level);
	promise(rec->text || rec->text_len == 0, "text");
	if (rec->text)
		(void)hash_bytes((const uint8_t *)rec->text, rec->text_len);
	return ++*count >= FUZZ_MAX_LOG;
}

static void check_log(struct mkd_dump *dump)
{
	uint64_t count = 0, skipped = 0;

	consume(mkd_log_iterate(dump, log_record, &count, &skipped));
}

/* ------------------------------------------------------------------ */

int fuzz_dump(const struct fuzz_format *format, const uint8_t *data,
	      size_t size)
{
	/*
	 * A small cache: under ASan, poisoning the default 4 MiB at every
	 * open and close would take most of the time.  read_pages() still
	 * runs through a cache that evicts and through none.
	 */
	struct mkd_open_options opts = {
		.size = sizeof(opts),
		.cache_pages = FUZZ_CACHE_PAGES,
	};
	struct mkd_dump *dump = NULL;
	struct mkd_error *err;
	struct walk w = { .ndata = 0 };
	int fd = input_fd(format, data, size);

	err = mkd_dump_open_fd(fd, format->name, &opts, &dump);
	close(fd);
	if (err) {
		consume(err);
		return 0;
	}
	promise(dump != NULL, "opened without a dump");
	check_info(dump);
	check_vmcoreinfo(dump);
	check_notes(dump);
	check_cpus(dump);
	walk_pages(dump, &w);
	check_virt(dump);
	check_log(dump);
	read_pages(dump, &w);	/* last: it changes the cache size */
	mkd_dump_destroy(dump);
	return 0;
}
