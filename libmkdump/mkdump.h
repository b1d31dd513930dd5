/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mkdump.h - public interface of libmkdump, a library that reads Linux
 * kernel crash dumps of any common format with random access.
 *
 * Conventions (see doc/libmkdump.md):
 * - Every fallible function returns a struct mkd_error pointer: NULL means
 *   success; otherwise the caller owns the error and releases it with
 *   mkd_error_destroy().  The library never prints and never exits.
 * - Handles are opaque.  Objects returned by the _create() and _open()
 *   functions are owned by the caller and released with the matching
 *   _destroy(), which accepts NULL.  Strings and buffers returned by accessors belong to the
 *   handle and live as long as it does.
 * - Addresses and sizes are 64-bit whatever the host; a "pfn" is a
 *   physical address divided by the dump's page size.
 */
#ifndef MKDUMP_H
#define MKDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MKD_VERSION_MAJOR 0
#define MKD_VERSION_MINOR 1

/* ------------------------------------------------------------------ */
/* Errors */

enum mkd_error_code {
	MKD_ERR_NOMEM = 1,	/* out of memory */
	MKD_ERR_IO,		/* a system call failed; see mkd_error_errno() */
	MKD_ERR_NOT_DUMP,	/* the input is not a dump of a known format */
	MKD_ERR_CORRUPT,	/* the dump is damaged or inconsistent */
	MKD_ERR_TRUNCATED,	/* the dump ends before the data it describes */
	MKD_ERR_UNSUPPORTED,	/* valid, but a variant we cannot handle */
	MKD_ERR_NO_DATA,	/* the page is not in the dump (filtered, hole) */
	MKD_ERR_NOT_FOUND,	/* a key, symbol or CPU that does not exist */
	MKD_ERR_INVALID,	/* a bad argument from the caller */
	MKD_ERR_NO_TRANSLATION,	/* a virtual address that is not mapped */
};

struct mkd_error;

enum mkd_error_code mkd_error_code(const struct mkd_error *err);
/* Human-readable, lower case, context first: "reading pfn 0x12: ..." */
const char *mkd_error_message(const struct mkd_error *err);
/* The errno behind an MKD_ERR_IO error, else 0. */
int mkd_error_errno(const struct mkd_error *err);
/* The address the error is about, if any (returns false if none). */
bool mkd_error_address(const struct mkd_error *err, uint64_t *addr);
void mkd_error_destroy(struct mkd_error *err);

/* ------------------------------------------------------------------ */
/* Opening a dump */

struct mkd_dump;

struct mkd_open_options {
	uint32_t size;		/* sizeof(struct mkd_open_options) */
	uint32_t flags;		/* reserved, 0 */
	size_t cache_pages;	/* page cache size; 0 = default (1024) */
	uint64_t reserved[6];
};

/*
 * Open one dump file; the format is found from the content.  On failure
 * *ret is set to NULL.
 */
struct mkd_error *mkd_dump_open(const char *path,
				const struct mkd_open_options *opts,
				struct mkd_dump **ret);
/*
 * Open several files as one dump (a split set, in any order).  With one
 * path this is mkd_dump_open().
 */
struct mkd_error *mkd_dump_open_files(const char *const *paths, size_t n,
				      const struct mkd_open_options *opts,
				      struct mkd_dump **ret);
/* Open an already open descriptor; the dump dups it, the caller keeps fd. */
struct mkd_error *mkd_dump_open_fd(int fd, const char *name,
				   const struct mkd_open_options *opts,
				   struct mkd_dump **ret);
void mkd_dump_destroy(struct mkd_dump *dump);

/* ------------------------------------------------------------------ */
/* What the dump is */

enum mkd_arch {
	MKD_ARCH_UNKNOWN = 0,
	MKD_ARCH_X86_64,
	MKD_ARCH_X86,
};

/* Format name: "elf", "kdump", "diskdump", "lkcd", "mkd". */
const char *mkd_dump_format(const struct mkd_dump *dump);
/* Transport, if the format is wrapped ("flattened"), else NULL. */
const char *mkd_dump_container(const struct mkd_dump *dump);
/* Page codecs used, e.g. "zlib", "lzo,zlib", "none", "rle"; never NULL. */
const char *mkd_dump_codecs(const struct mkd_dump *dump);
enum mkd_arch mkd_dump_arch(const struct mkd_dump *dump);
const char *mkd_arch_name(enum mkd_arch arch);
uint32_t mkd_dump_page_size(const struct mkd_dump *dump);
/* One past the highest pfn the dump knows of. */
uint64_t mkd_dump_max_pfn(const struct mkd_dump *dump);
/* Number of files the dump was opened from. */
size_t mkd_dump_file_count(const struct mkd_dump *dump);
/* Dump level (makedumpfile -d bits) or -1 when the format does not say. */
int mkd_dump_level(const struct mkd_dump *dump);
/* True if the producer recorded that it did not finish. */
bool mkd_dump_incomplete(const struct mkd_dump *dump);
/*
 * A dump opened from a split set (mkd parts): the parts of the whole set,
 * in pfn order, those not given with path NULL (their pages are lost and
 * the dump incomplete).  Count 0 for a dump that is not split.
 */
struct mkd_part {
	uint64_t start_pfn, end_pfn;	/* its pages: [start_pfn, end_pfn) */
	const char *path;		/* the file given, or NULL */
};
size_t mkd_dump_part_count(const struct mkd_dump *dump, uint64_t *set_id);
const struct mkd_part *mkd_dump_parts(const struct mkd_dump *dump);
/*
 * What the writer of an mkd dump said about it: its CAPTURE section as
 * key=value lines (doc/mkd-format.md), or NULL.  Owned by the dump.
 */
const char *mkd_dump_capture_info(const struct mkd_dump *dump, size_t *len);
/* Kernel release ("6.1.0-28-amd64") or NULL when unknown. */
const char *mkd_dump_kernel_release(const struct mkd_dump *dump);
/* Crash time in seconds since the epoch; false if unknown. */
bool mkd_dump_crash_time(const struct mkd_dump *dump, int64_t *secs);
/*
 * CPU that panicked; false if unknown.  From the format's header where it
 * records one, else from the kernel's panic_cpu variable (which needs
 * the kernel's symbols: the first call may read them).
 */
bool mkd_dump_panic_cpu(struct mkd_dump *dump, uint32_t *cpu);
/*
 * The panic message the producer recorded (LKCD's header has one), or NULL
 * when the format has none.  Printable ASCII, tabs and newlines; any other
 * byte reads as '?'.
 */
const char *mkd_dump_panic_string(const struct mkd_dump *dump);

/* Physical RAM as the dump describes it, sorted, not overlapping. */
struct mkd_range {
	uint64_t start;		/* first byte */
	uint64_t end;		/* one past the last byte */
};
size_t mkd_dump_ram_range_count(const struct mkd_dump *dump);
const struct mkd_range *mkd_dump_ram_ranges(const struct mkd_dump *dump);

/* ------------------------------------------------------------------ */
/* Pages */

enum mkd_page_state {
	MKD_PAGE_PRESENT = 0,	/* data in the dump */
	MKD_PAGE_ZERO,		/* known to be all zero (stored or elided) */
	MKD_PAGE_FILTERED,	/* RAM left out on purpose; see reason */
	MKD_PAGE_NOT_DUMPED,	/* not RAM, or outside what the dump covers */
	MKD_PAGE_LOST,		/* meant to be in the dump but never written */
	MKD_PAGE_DAMAGED,	/* in the dump, but its data cannot be read */
	MKD_PAGE_STATE_COUNT
};

enum mkd_filter_reason {
	MKD_FILTER_UNKNOWN = 0,	/* the format does not say why */
	MKD_FILTER_ZERO,
	MKD_FILTER_CACHE,
	MKD_FILTER_CACHE_PRIVATE,
	MKD_FILTER_USER,
	MKD_FILTER_FREE,
	MKD_FILTER_HWPOISON,
	MKD_FILTER_OFFLINE,
	MKD_FILTER_REASON_COUNT
};

const char *mkd_page_state_name(enum mkd_page_state state);
const char *mkd_filter_reason_name(enum mkd_filter_reason reason);

/* A run of pages that share one state. */
struct mkd_page_run {
	uint64_t pfn;			/* first pfn of the run */
	uint64_t count;			/* number of pages, >= 1 */
	enum mkd_page_state state;
	enum mkd_filter_reason reason;	/* for MKD_PAGE_FILTERED */
};

/*
 * State of the page at pfn and of the pages after it that share it
 * (run->count may stop early; callers loop).  Does not read page data,
 * so a page said PRESENT can still turn out DAMAGED when read.
 */
struct mkd_error *mkd_page_state(struct mkd_dump *dump, uint64_t pfn,
				 struct mkd_page_run *run);

/*
 * Read len bytes of physical memory at paddr.  Stops at the first byte
 * that cannot be read and returns why (MKD_ERR_NO_DATA for a page not in
 * the dump, MKD_ERR_CORRUPT for a damaged one); *done (may be NULL) says
 * how many bytes were read before that.  Zero pages read as zeros.
 */
struct mkd_error *mkd_read_phys(struct mkd_dump *dump, uint64_t paddr,
				void *buf, size_t len, size_t *done);

/* Change the page cache size (pages); 0 disables caching. */
struct mkd_error *mkd_dump_set_cache_size(struct mkd_dump *dump,
					  size_t pages);

/* ------------------------------------------------------------------ */
/* Page classes: what makedumpfile's dump levels leave out */

/*
 * Why a dump level drops a page.  Every class but MKD_CLASS_OTHER has the
 * value of the mkd_filter_reason a dump records for a page it dropped.
 */
enum mkd_page_class {
	MKD_CLASS_OTHER = 0,				/* kept */
	MKD_CLASS_ZERO = MKD_FILTER_ZERO,		/* content all zero */
	MKD_CLASS_CACHE = MKD_FILTER_CACHE,		/* page cache */
	MKD_CLASS_CACHE_PRIVATE = MKD_FILTER_CACHE_PRIVATE, /* ... with fs data */
	MKD_CLASS_USER = MKD_FILTER_USER,		/* anonymous, hugetlbfs */
	MKD_CLASS_FREE = MKD_FILTER_FREE,		/* in the buddy allocator */
	MKD_CLASS_HWPOISON = MKD_FILTER_HWPOISON,	/* memory failure */
	MKD_CLASS_OFFLINE = MKD_FILTER_OFFLINE,		/* logically offline */
	MKD_CLASS_COUNT = MKD_FILTER_REASON_COUNT
};

/* Dump level bits (makedumpfile -d); hwpoison and offline always go. */
enum mkd_dump_level_bit {
	MKD_DL_ZERO = 1,
	MKD_DL_CACHE = 2,		/* page cache without private data */
	MKD_DL_CACHE_PRIVATE = 4,	/* all page cache */
	MKD_DL_USER = 8,
	MKD_DL_FREE = 16,
	MKD_DL_ALL = 31
};

/* "other", "zero", "cache", "cache-private", "user", "free", ... */
const char *mkd_page_class_name(enum mkd_page_class cls);
/* Does dump level (0-31) leave out pages of class cls? */
bool mkd_dump_level_excludes(int level, enum mkd_page_class cls);

/* Run flags. */
enum {
	/* Not in the dump (not RAM): not classified, as makedumpfile. */
	MKD_CLASS_RUN_NOT_DUMPED = 1u << 0,
	/* In the dump, but its struct page is not: kept. */
	MKD_CLASS_RUN_NO_MEMMAP = 1u << 1,
};

/* A run of pages with one class (and the same flags). */
struct mkd_class_run {
	uint64_t pfn;
	uint64_t count;			/* >= 1 */
	enum mkd_page_class cls;
	uint32_t flags;			/* MKD_CLASS_RUN_* */
	uint64_t reserved[2];
};

/*
 * A classifier decides, from vmcoreinfo and the struct pages in the dump
 * alone, which pages a dump level leaves out, exactly as makedumpfile
 * does.  It reads mem_map one memory section at a time (2 MiB of struct
 * pages on x86_64) and keeps only that section's answer, so a capture can
 * ask about a section, then read only the pages it keeps.  With level bit
 * MKD_DL_ZERO the classifier also reads every page the other rules keep,
 * to find the zero ones; a capture that reads the pages anyway can leave
 * that bit out and test for zeros itself.
 *
 * MKD_ERR_UNSUPPORTED naming the missing vmcoreinfo key when the dump
 * lacks what the level needs.  Owned by the caller; the dump must outlive
 * it.
 */
struct mkd_classifier;

struct mkd_error *mkd_classifier_create(struct mkd_dump *dump, int level,
					struct mkd_classifier **ret);
/*
 * The class of pfn and of the pages after it that share it (run->count
 * may stop early, at most at the end of a section; callers loop).  Exact
 * when pfns are asked in increasing order, as a capture does; a jump
 * starts over at the start of pfn's section.
 */
struct mkd_error *mkd_classify(struct mkd_classifier *cl, uint64_t pfn,
			       struct mkd_class_run *run);
void mkd_classifier_destroy(struct mkd_classifier *cl);

/* ------------------------------------------------------------------ */
/* Kernel virtual addresses */

/* Translate a kernel virtual address using the dump's page tables. */
struct mkd_error *mkd_vtop(struct mkd_dump *dump, uint64_t vaddr,
			   uint64_t *paddr);
/* Like mkd_read_phys() for kernel virtual addresses. */
struct mkd_error *mkd_read_virt(struct mkd_dump *dump, uint64_t vaddr,
				void *buf, size_t len, size_t *done);

/* Facts the translation uses, as found in the dump. */
struct mkd_vm_info {
	uint32_t size;		/* set by the caller to sizeof */
	uint32_t levels;	/* page table levels: 4 or 5 */
	uint64_t kernel_offset;	/* KASLR offset of the kernel text */
	int64_t phys_base;	/* physical load offset (may be negative) */
	uint64_t page_offset;	/* base of the direct map */
	uint64_t pgd_paddr;	/* physical address of the kernel's top table */
	uint64_t reserved[8];
};
struct mkd_error *mkd_dump_vm_info(struct mkd_dump *dump,
				   struct mkd_vm_info *info);

/* ------------------------------------------------------------------ */
/* VMCOREINFO */

/* The raw text (KEY=VALUE lines), or NULL if the dump has none. */
const char *mkd_vmcoreinfo(const struct mkd_dump *dump, size_t *len);
/* The value of KEY, or NULL. */
const char *mkd_vmcoreinfo_get(const struct mkd_dump *dump, const char *key);
/*
 * Typed accessors for "SYMBOL(name)=hex", "OFFSET(name)=dec",
 * "SIZE(name)=dec", "LENGTH(name)=dec", "NUMBER(name)=dec": MKD_ERR_NOT_FOUND
 * when absent, MKD_ERR_CORRUPT when the value does not parse.
 */
struct mkd_error *mkd_vmcoreinfo_symbol(const struct mkd_dump *dump,
					const char *name, uint64_t *value);
struct mkd_error *mkd_vmcoreinfo_offset(const struct mkd_dump *dump,
					const char *name, uint64_t *value);
struct mkd_error *mkd_vmcoreinfo_size(const struct mkd_dump *dump,
				      const char *name, uint64_t *value);
struct mkd_error *mkd_vmcoreinfo_length(const struct mkd_dump *dump,
					const char *name, uint64_t *value);
struct mkd_error *mkd_vmcoreinfo_number(const struct mkd_dump *dump,
					const char *name, int64_t *value);

/* ------------------------------------------------------------------ */
/* ELF notes and CPU registers */

/* All ELF notes of the dump, concatenated as in a PT_NOTE segment. */
const void *mkd_dump_notes(const struct mkd_dump *dump, size_t *len);

/* x86_64 general registers, in struct pt_regs order. */
enum mkd_x86_64_reg {
	MKD_X86_64_R15, MKD_X86_64_R14, MKD_X86_64_R13, MKD_X86_64_R12,
	MKD_X86_64_RBP, MKD_X86_64_RBX, MKD_X86_64_R11, MKD_X86_64_R10,
	MKD_X86_64_R9, MKD_X86_64_R8, MKD_X86_64_RAX, MKD_X86_64_RCX,
	MKD_X86_64_RDX, MKD_X86_64_RSI, MKD_X86_64_RDI, MKD_X86_64_ORIG_RAX,
	MKD_X86_64_RIP, MKD_X86_64_CS, MKD_X86_64_EFLAGS, MKD_X86_64_RSP,
	MKD_X86_64_SS, MKD_X86_64_FS_BASE, MKD_X86_64_GS_BASE, MKD_X86_64_DS,
	MKD_X86_64_ES, MKD_X86_64_FS, MKD_X86_64_GS,
	MKD_X86_64_CR0, MKD_X86_64_CR2, MKD_X86_64_CR3, MKD_X86_64_CR4,
	MKD_X86_64_REG_COUNT
};

enum mkd_regs_source {
	MKD_REGS_PRSTATUS = 1,	/* NT_PRSTATUS note (kdump, netdump) */
	MKD_REGS_QEMU,		/* QEMU's per-CPU note */
};

struct mkd_cpu_regs {
	uint32_t cpu;		/* index in the dump's order */
	uint32_t source;	/* enum mkd_regs_source */
	int32_t pid;		/* task on the CPU (PRSTATUS), else -1 */
	uint32_t nregs;		/* registers valid from regs[0] */
	uint64_t valid_mask;	/* bit i set when regs[i] is known */
	uint64_t regs[MKD_X86_64_REG_COUNT];
	uint64_t reserved[4];
};

size_t mkd_dump_cpu_count(const struct mkd_dump *dump);
struct mkd_error *mkd_dump_cpu_regs(const struct mkd_dump *dump, size_t cpu,
				    struct mkd_cpu_regs *regs);
const char *mkd_x86_64_reg_name(enum mkd_x86_64_reg reg);

/* ------------------------------------------------------------------ */
/* Kernel log (printk ring buffer) */

struct mkd_log_record {
	uint64_t seq;
	uint64_t ts_nsec;	/* local_clock() at printk time */
	uint32_t caller_id;	/* 0x80000000|cpu or pid */
	uint8_t level;		/* 0-7 */
	uint8_t facility;
	uint16_t flags;
	const char *text;	/* not NUL-terminated text of text_len bytes */
	size_t text_len;
};

/*
 * Call fn for each record of the kernel log, oldest first: the printk
 * ring buffer of Linux 5.10 and later, or the log_buf of 3.11 to 5.9,
 * found through VMCOREINFO alone.  rec and its text are valid only during
 * the call.  A non-zero return from fn stops the walk (the function then
 * returns NULL).  Records whose data is missing from the dump (filtered
 * or damaged pages) are skipped and counted in *skipped (may be NULL);
 * records the kernel itself had lost or was still writing are not
 * reported.  MKD_ERR_CORRUPT means the log's metadata is impossible.
 */
typedef int mkd_log_fn(const struct mkd_log_record *rec, void *arg);
struct mkd_error *mkd_log_iterate(struct mkd_dump *dump, mkd_log_fn *fn,
				  void *arg, uint64_t *skipped);

/* ------------------------------------------------------------------ */
/* Kernel state at the crash: what uname, uptime and /proc would say
 *
 * Read through the kernel's own symbols and types (kallsyms and BTF from
 * the dump; see the symbol and type sections below), so these need a
 * kernel that exports them (Linux 5.x and later with BTF).  Each call
 * reads the dump again; on failure the output is not meaningful.
 */

#define MKD_UTS_LEN 64

/* The kernel's utsname (init_uts_ns), NUL-terminated strings. */
struct mkd_uts {
	uint32_t size;		/* set by the caller to sizeof */
	char sysname[MKD_UTS_LEN + 1];
	char nodename[MKD_UTS_LEN + 1];
	char release[MKD_UTS_LEN + 1];
	char version[MKD_UTS_LEN + 1];
	char machine[MKD_UTS_LEN + 1];
	char domainname[MKD_UTS_LEN + 1];
	uint64_t reserved[4];
};
struct mkd_error *mkd_kernel_uts(struct mkd_dump *dump, struct mkd_uts *uts);

/*
 * The kernel's clocks as its timekeeper last updated them (every tick,
 * so within a tick of the crash), in nanoseconds.
 */
struct mkd_kernel_clock {
	uint32_t size;		/* set by the caller to sizeof */
	uint32_t reserved0;
	int64_t realtime_ns;	/* CLOCK_REALTIME: since the epoch */
	int64_t monotonic_ns;	/* CLOCK_MONOTONIC: since boot, not suspend */
	int64_t boottime_ns;	/* CLOCK_BOOTTIME: uptime, with suspend */
	int64_t boot_realtime_ns; /* realtime - boottime: when it booted */
	uint64_t reserved[4];
};
struct mkd_error *mkd_kernel_clock(struct mkd_dump *dump,
				   struct mkd_kernel_clock *clock);

/* Load averages, fixed point with 11 fraction bits (avenrun[]). */
#define MKD_LOADAVG_SHIFT 11
struct mkd_error *mkd_kernel_loadavg(struct mkd_dump *dump,
				     uint64_t avenrun[3]);

enum mkd_cpu_mask {
	MKD_CPUS_POSSIBLE,
	MKD_CPUS_PRESENT,
	MKD_CPUS_ONLINE,
	MKD_CPUS_ACTIVE,
};
/* Number of CPUs in one of the kernel's CPU masks. */
struct mkd_error *mkd_kernel_cpu_count(struct mkd_dump *dump,
				       enum mkd_cpu_mask which,
				       uint32_t *count);

/* Memory usage as /proc/meminfo derives it; all counts in pages. */
struct mkd_meminfo {
	uint32_t size;		/* set by the caller to sizeof */
	uint32_t page_size;	/* bytes */
	uint64_t present;	/* RAM pages in the kernel's zones */
	uint64_t total;		/* MemTotal: _totalram_pages */
	uint64_t free;		/* MemFree */
	uint64_t buffers;	/* Buffers: block device page cache */
	uint64_t cached;	/* Cached: page cache - swap cache - buffers */
	uint64_t swap_cached;	/* SwapCached */
	uint64_t shmem;		/* Shmem */
	uint64_t slab_reclaimable;	/* SReclaimable */
	uint64_t slab_unreclaimable;	/* SUnreclaim */
	uint64_t swap_total;	/* SwapTotal */
	uint64_t swap_free;	/* SwapFree */
	uint64_t committed;	/* Committed_AS */
	uint64_t commit_limit;	/* CommitLimit */
	uint64_t huge_total;	/* default huge page size: all, in pages */
	uint64_t huge_free;	/* ... free, in pages */
	uint64_t huge_page_pages; /* pages per default huge page; 0 none */
	uint64_t huge_all;	/* pages in huge pages of every size */
	uint64_t reserved[8];
};
struct mkd_error *mkd_kernel_meminfo(struct mkd_dump *dump,
				     struct mkd_meminfo *mi);

/* ------------------------------------------------------------------ */
/* Kernel symbols
 *
 * One symbol table per dump, fed by ordered sources: first the kernel's
 * own kallsyms table read from the dump (needs the kallsyms SYMBOL()
 * lines of VMCOREINFO), then the symbol tables of the modules loaded in
 * it (needs the kernel's BTF), then System.map files in the order they
 * were loaded.  A name is answered by the first source that knows it
 * ("module:name" asks one module); an address by the symbol that contains
 * it, whatever its source.  The table is built on first use and lives as
 * long as the dump; names and module strings in struct mkd_symbol point
 * into it.  A source that cannot be read is skipped; lookups that miss
 * then say why.
 */

enum mkd_symbol_source {
	MKD_SYMBOL_KALLSYMS = 1,	/* the kernel's table in the dump */
	MKD_SYMBOL_SYSTEM_MAP,		/* a System.map file */
	MKD_SYMBOL_MODULES,		/* loaded modules' tables in the dump */
	MKD_SYMBOL_VMLINUX,		/* a vmlinux's ELF symbol table */
};

/* The size was not recorded: it runs to the next symbol's address. */
#define MKD_SYMBOL_SIZE_GUESSED 0x1

struct mkd_symbol {
	const char *name;
	uint64_t address;
	uint64_t size;		/* bytes; 0 when nothing follows it */
	char type;		/* nm letter: T t D d B b R r A W ... */
	uint8_t source;		/* enum mkd_symbol_source */
	uint16_t flags;		/* MKD_SYMBOL_* */
	uint32_t reserved0;
	const char *module;	/* NULL for the kernel image */
	uint64_t reserved[2];
};

/*
 * Add the symbols of a System.map file (or of a copy of /proc/kallsyms),
 * moved by the dump's KASLR offset (VMCOREINFO KERNELOFFSET).  A file
 * whose _stext contradicts the dump is refused (MKD_ERR_INVALID).
 */
struct mkd_error *mkd_dump_load_system_map(struct mkd_dump *dump,
					   const char *path);
/*
 * Load the kernel's vmlinux (an ELF file, with or without debuginfo):
 * its ELF symbol table becomes a symbol source (ranked like a System.map
 * loaded at that point, moved by the KASLR offset, with recorded sizes),
 * and its DWARF, if it has any, becomes the type source: every type
 * lookup (mkd_type_find, mkd_enum_value...) then asks DWARF instead of
 * the dump's BTF.  A vmlinux that is not the dump's kernel is refused
 * (MKD_ERR_INVALID, "not this kernel's: ..."): its build ID must equal
 * VMCOREINFO's BUILD-ID, or, when either lacks one, the release in its
 * linux_banner must equal the dump's; its _stext must land on the
 * dump's.  At most one vmlinux per dump; the file stays open (mapped)
 * until the dump is destroyed.  Types found before keep their values.
 */
struct mkd_error *mkd_dump_load_vmlinux(struct mkd_dump *dump,
					const char *path);
/*
 * Use or ignore one source (all are used by default); ignoring kallsyms
 * lets a System.map answer alone.  Ignoring a source drops what it gave;
 * the dump's own sources are read again when used again.
 */
struct mkd_error *mkd_symbol_source_enable(struct mkd_dump *dump,
					   enum mkd_symbol_source source,
					   bool enable);
/* The symbol called name or "module:name" (MKD_ERR_NOT_FOUND if none). */
struct mkd_error *mkd_symbol_lookup_name(struct mkd_dump *dump,
					 const char *name,
					 struct mkd_symbol *sym);
/*
 * The symbol that contains addr and addr's offset in it, as in
 * "panic+0x118/0x2f4" (MKD_ERR_NOT_FOUND if none).
 */
struct mkd_error *mkd_symbol_lookup_addr(struct mkd_dump *dump,
					 uint64_t addr, struct mkd_symbol *sym,
					 uint64_t *offset);
/* Call fn for every symbol by address; a non-zero return stops the walk. */
typedef int mkd_symbol_fn(const struct mkd_symbol *sym, void *arg);
struct mkd_error *mkd_symbol_iterate(struct mkd_dump *dump, mkd_symbol_fn *fn,
				     void *arg);
/* Number of symbols (after building the table). */
struct mkd_error *mkd_symbol_count(struct mkd_dump *dump, size_t *count);

/* ------------------------------------------------------------------ */
/* Kernel types
 *
 * A C type model built on first use from the kernel's BTF, read from the
 * dump between __start_BTF and __stop_BTF (no debuginfo package needed),
 * or, once mkd_dump_load_vmlinux() has loaded a vmlinux with DWARF, from
 * that DWARF alone (converted as lookups need it).
 * Types are opaque and live as long as the dump; every accessor is
 * infallible.  Typedef and qualifier chains are checked when the model is
 * built, so walking them always ends.
 */

enum mkd_type_kind {
	MKD_TYPE_VOID = 0,
	MKD_TYPE_INT,		/* integers and char */
	MKD_TYPE_BOOL,
	MKD_TYPE_FLOAT,
	MKD_TYPE_POINTER,
	MKD_TYPE_ARRAY,
	MKD_TYPE_STRUCT,
	MKD_TYPE_UNION,
	MKD_TYPE_ENUM,
	MKD_TYPE_FUNCTION,	/* a prototype: return type, parameters */
	MKD_TYPE_TYPEDEF,
	MKD_TYPE_CONST,
	MKD_TYPE_VOLATILE,
	MKD_TYPE_RESTRICT,
	MKD_TYPE_TAG,		/* an attribute such as __user; see through it */
	MKD_TYPE_OTHER,		/* not a C type (a BTF variable, section...) */
};

struct mkd_type;

struct mkd_type_member {
	const char *name;	/* NULL for an anonymous struct or union */
	const struct mkd_type *type;
	uint64_t bit_offset;	/* from the start of the enclosing type */
	uint32_t bit_size;	/* bitfield width, 0 if not a bitfield */
	uint32_t reserved0;
	uint64_t reserved[2];
};

struct mkd_type_enumerator {
	const char *name;
	int64_t value;		/* read as uint64_t for unsigned enums */
	uint64_t reserved[2];
};

/*
 * Find a type by its C name: "struct task_struct", "union thread_union",
 * "enum pid_type", a typedef ("pid_t") or a base type ("unsigned int").
 * A bare name is tried as a typedef or base type, then as a struct,
 * union or enum tag.  Complete definitions win over declarations.  What
 * vmlinux's types lack is looked for in the loaded modules' BTF (read
 * from the dump on the first such miss); "module:name" asks that
 * module's own types first, then vmlinux's.
 */
struct mkd_error *mkd_type_find(struct mkd_dump *dump, const char *name,
				const struct mkd_type **type);
enum mkd_type_kind mkd_type_kind(const struct mkd_type *type);
const char *mkd_type_kind_name(enum mkd_type_kind kind);
/* Tag, typedef or base type name; NULL when anonymous or unnamed. */
const char *mkd_type_name(const struct mkd_type *type);
/*
 * Write the type as C spells it into buf, declaring name if not NULL:
 * "struct list_head *", "char comm[16]", "void (*fn)(int)".  Returns the
 * length like snprintf (names longer than 4 KiB are cut with "...").
 */
size_t mkd_type_format(const struct mkd_type *type, const char *name,
		       char *buf, size_t len);
/* Size in bytes, through typedefs; 0 for void, functions, declarations. */
uint64_t mkd_type_size(const struct mkd_type *type);
/* False for a struct or union that is only declared. */
bool mkd_type_is_complete(const struct mkd_type *type);
/* True for signed integers, and enums their source marks signed. */
bool mkd_type_is_signed(const struct mkd_type *type);
/*
 * What a type is made from: the pointee, the array element, the type a
 * typedef names or a qualifier qualifies, a function's return type (the
 * void type for void).  NULL for other kinds.
 */
const struct mkd_type *mkd_type_target(const struct mkd_type *type);
/* The type with typedefs, qualifiers and tags stripped. */
const struct mkd_type *mkd_type_unqualified(const struct mkd_type *type);
/* Elements of an array type; 0 for a flexible array. */
uint64_t mkd_type_array_length(const struct mkd_type *type);
/* Members of a struct or union, enumerators, or function parameters. */
size_t mkd_type_member_count(const struct mkd_type *type);
bool mkd_type_member(const struct mkd_type *type, size_t i,
		     struct mkd_type_member *member);
bool mkd_type_enumerator(const struct mkd_type *type, size_t i,
			 struct mkd_type_enumerator *enumerator);
/*
 * Resolve a member path such as "se.sum_exec_runtime", "comm[0]" or
 * "thread.fpu" from type: members of anonymous structs and unions are
 * found as if they were direct members, typedefs are seen through.
 * *bit_offset is from the start of type; *member_type (may be NULL) is
 * the type at the end of the path.
 */
struct mkd_error *mkd_type_path(const struct mkd_type *type, const char *path,
				uint64_t *bit_offset,
				const struct mkd_type **member_type);
/* mkd_type_find() then mkd_type_path(). */
struct mkd_error *mkd_type_member_offset(struct mkd_dump *dump,
					 const char *type_name,
					 const char *path,
					 uint64_t *bit_offset,
					 const struct mkd_type **member_type);
/*
 * The value of an enumerator, e.g. "PIDTYPE_TGID" (vmlinux's, then the
 * loaded modules'); *type may be NULL.
 */
struct mkd_error *mkd_enum_value(struct mkd_dump *dump, const char *name,
				 int64_t *value, const struct mkd_type **type);
/*
 * Number of types in vmlinux's model (BTF), or of type names DWARF
 * defines; modules' types are not counted, nor walked by iterate.
 */
struct mkd_error *mkd_type_count(struct mkd_dump *dump, size_t *count);
/*
 * Call fn for every type of the model but void, in the model's order
 * (named and anonymous, declarations too); a non-zero return stops.
 */
typedef int mkd_type_fn(const struct mkd_type *type, void *arg);
struct mkd_error *mkd_type_iterate(struct mkd_dump *dump, mkd_type_fn *fn,
				   void *arg);
/* ------------------------------------------------------------------ */
/* Stack traces
 *
 * Unwinding uses the kernel's ORC tables read from the dump (vmlinux's
 * and loaded modules'), so no debuginfo is needed.  It follows
 * exception and interrupt frames (struct pt_regs on the stack), the IRQ
 * stack and the exception stacks of a CPU, and stops at the user-mode
 * boundary.  Where no ORC entry covers an address the frame pointer is
 * tried instead: that frame and all after it are MKD_FRAME_UNCERTAIN,
 * never MKD_FRAME_RELIABLE.  Code the tables mark as opaque (such as
 * __crash_kexec, where the panic CPU's registers are taken) is crossed
 * by a stack scan checked against the call instruction (see
 * MKD_FRAME_SCANNED).  A trace is bounded (at most 256 frames, the
 * stack pointer only grows within a stack); a trace that cannot go on
 * ends with a note saying why (a filtered page, a pointer off every
 * stack), not with an error.
 */

enum mkd_stack_kind {
	MKD_STACK_UNKNOWN = 0,
	MKD_STACK_TASK,		/* the task's kernel stack */
	MKD_STACK_IRQ,		/* the CPU's hard IRQ stack */
	MKD_STACK_DF,		/* exception stacks of the CPU ... */
	MKD_STACK_NMI,
	MKD_STACK_DB,
	MKD_STACK_MCE,
	MKD_STACK_VC,
	MKD_STACK_VC2,
	MKD_STACK_USER,		/* user space (the boundary frame) */
};

enum mkd_frame_flag {
	MKD_FRAME_RELIABLE = 1u << 0,	/* found from unwind tables alone */
	MKD_FRAME_UNCERTAIN = 1u << 1,	/* guessed; see the frame's note */
	MKD_FRAME_REGS = 1u << 2,	/* entered through pt_regs at regs_addr */
	MKD_FRAME_PARTIAL_REGS = 1u << 3, /* ... of which only the iret part */
	MKD_FRAME_USER = 1u << 4,	/* user mode: the kernel trace ends */
	/*
	 * Found by scanning the stack past a function the unwind tables
	 * leave out: its return address follows a call to that function.
	 * Reliable only when the unwind from it reached the stack's bottom.
	 */
	MKD_FRAME_SCANNED = 1u << 5,
};

struct mkd_frame {
	uint64_t pc;		/* where the frame executes (a return address
				   unless the frame was entered through regs) */
	uint64_t sp;		/* stack pointer in the frame */
	uint64_t cfa;		/* the caller's sp; 0 when not known */
	uint32_t flags;		/* enum mkd_frame_flag */
	uint32_t stack;		/* enum mkd_stack_kind holding sp */
	uint64_t regs_addr;	/* the pt_regs (MKD_FRAME_REGS), else 0 */
	uint64_t regs_valid;	/* bit i: regs[i] (mkd_x86_64_reg) is known */
	uint64_t regs[MKD_X86_64_REG_COUNT];
	/* The symbol holding pc (sym.name NULL when none), pc's offset. */
	struct mkd_symbol sym;
	uint64_t sym_offset;
	const char *note;	/* why the frame is uncertain, else NULL */
	uint64_t reserved[4];
};

enum mkd_unwind_end {
	MKD_UNWIND_END_BOTTOM = 1,	/* the stack's marked bottom */
	MKD_UNWIND_END_USER,		/* the last frame is user mode */
	MKD_UNWIND_END_ERROR,		/* could not go on: see the note */
	MKD_UNWIND_END_LIMIT,		/* too many frames */
};

struct mkd_stack_trace;

/*
 * The trace of what CPU cpu (the dump's index, as mkd_dump_cpu_regs(),
 * taken as the kernel's CPU id) was running, from the registers the dump
 * saved for it.
 */
struct mkd_error *mkd_stack_trace_cpu(struct mkd_dump *dump, size_t cpu,
				      struct mkd_stack_trace **ret);
/*
 * The trace of the task whose struct task_struct is at task: from its
 * CPU's registers when it was running on one, else from the frame it
 * saved when it was switched out.
 */
struct mkd_error *mkd_stack_trace_task(struct mkd_dump *dump, uint64_t task,
				       struct mkd_stack_trace **ret);
void mkd_stack_trace_destroy(struct mkd_stack_trace *trace);
size_t mkd_stack_trace_frame_count(const struct mkd_stack_trace *trace);
/* Frame i, 0 being the innermost; NULL past the end. */
const struct mkd_frame *mkd_stack_trace_frame(const struct mkd_stack_trace *trace,
					      size_t i);
enum mkd_unwind_end mkd_stack_trace_end(const struct mkd_stack_trace *trace);
/* Why the trace ended where it did, or NULL for a clean end. */
const char *mkd_stack_trace_note(const struct mkd_stack_trace *trace);
/* The task (0 if unknown), its pid and comm (-1 and "" if unknown). */
uint64_t mkd_stack_trace_task_address(const struct mkd_stack_trace *trace);
int32_t mkd_stack_trace_pid(const struct mkd_stack_trace *trace);
const char *mkd_stack_trace_comm(const struct mkd_stack_trace *trace);
/* The CPU it ran on, or -1 for a task that was not running. */
int32_t mkd_stack_trace_cpu_index(const struct mkd_stack_trace *trace);
/* "task", "IRQ", "NMI", "#DF", ..., "user". */
const char *mkd_stack_kind_name(enum mkd_stack_kind kind);
const char *mkd_unwind_end_name(enum mkd_unwind_end end);

/* ------------------------------------------------------------------ */
/* CPUs, tasks and modules of the dumped kernel
 *
 * Read through the kernel's own symbols and types (kallsyms and BTF from
 * the dump; no debuginfo needed).  Layouts come from the types, so a
 * kernel whose structures moved is read right or refused, never misread.
 * Walks over kernel lists are bounded and cycle-safe: a list that loops
 * or points into memory the dump lacks ends that part of the walk with a
 * note naming the address, and the walk goes on where it can.
 */

/* The kernel's CPU ids (not the register notes of mkd_dump_cpu_count()). */
struct mkd_cpus {
	uint32_t size;		/* set by the caller to sizeof */
	uint32_t nr_cpu_ids;	/* CPU ids are below this */
	uint32_t possible;	/* CPUs in the kernel's possible mask */
	uint32_t online;	/* CPUs in its online mask */
	uint64_t reserved[4];
};

/* Read on first use, kept with the dump; a failure is kept too. */
struct mkd_error *mkd_kernel_cpus(struct mkd_dump *dump, struct mkd_cpus *cpus);
/* False when offline, not possible, or unknown (mkd_kernel_cpus() says). */
bool mkd_kernel_cpu_online(struct mkd_dump *dump, uint32_t cpu);
bool mkd_kernel_cpu_possible(struct mkd_dump *dump, uint32_t cpu);
/* The CPU's per-CPU offset (__per_cpu_offset[cpu]). */
struct mkd_error *mkd_percpu_offset(struct mkd_dump *dump, uint32_t cpu,
				    uint64_t *offset);
/* Address of the per-CPU variable name (e.g. "runqueues") on cpu. */
struct mkd_error *mkd_percpu_address(struct mkd_dump *dump, const char *name,
				     uint32_t cpu, uint64_t *addr);
/* The task_struct running on cpu (its `current`), and its idle task. */
struct mkd_error *mkd_cpu_current_task(struct mkd_dump *dump, uint32_t cpu,
				       uint64_t *task);
struct mkd_error *mkd_cpu_idle_task(struct mkd_dump *dump, uint32_t cpu,
				    uint64_t *task);

#define MKD_TASK_COMM_LEN 16

enum mkd_task_flag {
	MKD_TASK_KTHREAD = 1 << 0,	/* a kernel thread (PF_KTHREAD) */
	MKD_TASK_CURRENT = 1 << 1,	/* running on current_cpu */
	MKD_TASK_IDLE = 1 << 2,		/* a CPU's idle task */
	MKD_TASK_LEADER = 1 << 3,	/* leads its thread group */
	MKD_TASK_NO_PARENT = 1 << 8,	/* parent unreadable: ppid is -1 */
	MKD_TASK_NO_MM = 1 << 9,	/* mm unreadable: rss, total_vm 0 */
};

/* One task (thread), copied out: valid after the call. */
struct mkd_task {
	uint64_t address;	/* of its struct task_struct */
	int32_t pid;
	int32_t tgid;		/* its process */
	int32_t ppid;		/* tgid of real_parent, as /proc says */
	int32_t cpu;		/* CPU it runs or last ran on; -1 unknown */
	int32_t current_cpu;	/* CPU it is running on now, or -1 */
	uint32_t flags;		/* enum mkd_task_flag */
	uint32_t pf_flags;	/* the kernel's PF_* flags */
	uint32_t state;		/* __state */
	uint32_t exit_state;
	char state_letter;	/* as /proc: R S D T t X Z P I */
	char comm[MKD_TASK_COMM_LEN + 1];	/* NUL-terminated */
	uint64_t mm;		/* struct mm_struct; 0 for most kthreads */
	uint64_t rss;		/* resident pages: file + anon + shmem */
	uint64_t total_vm;	/* mapped pages */
	uint64_t start_time;	/* monotonic ns at fork */
	uint64_t reserved[4];
};

enum mkd_task_iterate_flag {
	MKD_TASK_ITER_LEADERS = 1 << 0,	/* processes only, no other threads */
	MKD_TASK_ITER_NO_IDLE = 1 << 1,	/* leave out the CPUs' idle tasks */
};

/* A non-zero return stops the walk (which then returns NULL). */
typedef int mkd_task_fn(const struct mkd_task *task, void *arg);
/* What could not be read (valid during the call); the walk goes on. */
typedef void mkd_task_note_fn(const struct mkd_error *note, void *arg);

/*
 * Call fn for every task: the idle task of each CPU (pid 0, as crash
 * lists them), then each process from init_task's list, each followed by
 * its other threads.  Each task is reported once.  note (may be NULL)
 * hears of lists that loop or break and of tasks read only in part.  An
 * error means the walk could not start (no symbols or types).
 */
struct mkd_error *mkd_task_iterate(struct mkd_dump *dump, uint32_t flags,
				   mkd_task_fn *fn, mkd_task_note_fn *note,
				   void *arg);
/* The task with this pid (a walk; MKD_ERR_NOT_FOUND when none). */
struct mkd_error *mkd_task_from_pid(struct mkd_dump *dump, int32_t pid,
				    struct mkd_task *task);
/* The task_struct at addr, read as it is (not checked against lists). */
struct mkd_error *mkd_task_from_address(struct mkd_dump *dump, uint64_t addr,
					struct mkd_task *task);

#define MKD_MODULE_NAME_LEN 56

/* One loaded module, copied out. */
struct mkd_module {
	uint64_t address;	/* of its struct module */
	char name[MKD_MODULE_NAME_LEN + 1];	/* NUL-terminated */
	int32_t state;		/* 0 live, 1 coming, 2 going, 3 unformed */
	int32_t refcount;	/* users, as lsmod; -1 unknown */
	uint64_t base;		/* start of its core (text) memory */
	uint64_t size;		/* bytes of core memory */
	uint64_t text_size;	/* bytes of it that are code; 0 unknown */
	uint64_t reserved[4];
};

typedef int mkd_module_fn(const struct mkd_module *mod, void *arg);
/*
 * Call fn for each module on the kernel's modules list, in list order
 * (newest first, as lsmod).  A non-zero return stops the walk.
 */
struct mkd_error *mkd_module_iterate(struct mkd_dump *dump, mkd_module_fn *fn,
				     mkd_task_note_fn *note, void *arg);
/* "live", "coming", "going", "unformed" or "?". */
const char *mkd_module_state_name(int32_t state);

/* ------------------------------------------------------------------ */
/* Writing mkd dumps (doc/mkd-format.md) */

/*
 * A writer streams one mkd dump to a descriptor, strictly sequentially
 * (a file, a pipe, a socket).  The order of calls: create; sections, RAM
 * map and capture info; then pages and runs in increasing pfn order;
 * finish.  Pfns not given are "not RAM".  Every checkpoint_bytes of output
 * the writer ends the current block and writes an index checkpoint: a
 * dump cut short reads up to its last checkpoint.  Destroying a writer
 * without finishing leaves exactly such a cut dump.
 *
 * After a failure every later call fails with the same error code and
 * errno (a full disk stays ENOSPC).  The writer never closes fd.
 */
struct mkd_writer;

enum mkd_section_type {
	MKD_SECTION_VMCOREINFO = 1,	/* VMCOREINFO text */
	MKD_SECTION_NOTES = 2,		/* ELF notes, as in a PT_NOTE */
	MKD_SECTION_MEMORY_MAP = 3,	/* written by mkd_writer_set_ram() */
	MKD_SECTION_CAPTURE = 4,	/* written from mkd_writer_set_info() */
	MKD_SECTION_SUMMARY = 5,	/* written by mkd_writer_finish() */
	MKD_SECTION_KERNEL_LOG = 6,	/* reserved */
	MKD_SECTION_TRACE = 7,		/* reserved */
	MKD_SECTION_SPLIT = 8,		/* written by mkd_writer_set_part() */
};

enum mkd_writer_flags {
	MKD_WRITER_ZERO_PAGES = 1 << 0,	/* store all-zero pages as "zero" */
	MKD_WRITER_SYNC = 1 << 1,	/* fdatasync() before checkpoints */
};

struct mkd_writer_options {
	uint32_t size;		/* sizeof(struct mkd_writer_options) */
	uint32_t flags;		/* enum mkd_writer_flags */
	const char *codec;	/* "zstd" (NULL), "lzo", "zlib", "none" */
	int level;		/* codec level; 0 = the codec's fast one */
	uint32_t page_size;	/* 0 = 4096 */
	uint32_t block_pages;	/* pages per block; 0 = 2 */
	uint32_t threads;	/* compression threads; 0, 1 = the caller's */
	enum mkd_arch arch;	/* of the dumped kernel */
	uint64_t checkpoint_bytes;	/* 0 = 8 MiB */
	uint64_t reserved[6];
};

struct mkd_writer_stats {
	uint64_t pages[MKD_PAGE_STATE_COUNT];	/* declared, by state */
	uint64_t filtered[MKD_FILTER_REASON_COUNT];
	uint64_t next_pfn;	/* every pfn below has been declared */
	uint64_t blocks;	/* blocks written */
	uint64_t checkpoints;	/* index checkpoints written */
	uint64_t bytes_in;	/* bytes of stored pages */
	uint64_t bytes_out;	/* bytes written to the descriptor */
	uint64_t reserved[8];
};

/* Write the file header to fd; name is for messages. */
struct mkd_error *mkd_writer_create(int fd, const char *name,
				    const struct mkd_writer_options *opts,
				    struct mkd_writer **ret);
/* A section of any type but SUMMARY (enum mkd_section_type or private). */
struct mkd_error *mkd_writer_add_section(struct mkd_writer *w, uint32_t type,
					 const void *data, size_t len);
/* The RAM map (byte ranges, sorted); before the first page. */
struct mkd_error *mkd_writer_set_ram(struct mkd_writer *w,
				     const struct mkd_range *ranges, size_t n);
/* A key=value of the CAPTURE section; before the first page. */
struct mkd_error *mkd_writer_set_info(struct mkd_writer *w, const char *key,
				      const char *value);
/* n pages of data starting at pfn (n * page_size bytes). */
struct mkd_error *mkd_writer_add_pages(struct mkd_writer *w, uint64_t pfn,
				       size_t n, const void *data);
/*
 * count pages from pfn that have no data: MKD_PAGE_ZERO, _FILTERED (with
 * reason), _LOST, or _NOT_DUMPED (a gap).
 */
struct mkd_error *mkd_writer_add_run(struct mkd_writer *w, uint64_t pfn,
				     uint64_t count, enum mkd_page_state state,
				     enum mkd_filter_reason reason);
/*
 * This dump is part index (0-based) of a split set of count parts, set_id
 * shared by all of them; parts[0..count) are the pfn ranges of every part,
 * contiguous from pfn 0.  Before the first page; the writer then takes
 * only pages inside parts[index].
 */
struct mkd_error *mkd_writer_set_part(struct mkd_writer *w, uint64_t set_id,
				      uint32_t index, uint32_t count,
				      const struct mkd_part *parts);
void mkd_writer_get_stats(const struct mkd_writer *w,
			  struct mkd_writer_stats *stats);
/* Write the last checkpoint, the summary, the end record, the trailer. */
struct mkd_error *mkd_writer_finish(struct mkd_writer *w);
void mkd_writer_destroy(struct mkd_writer *w);

/* ------------------------------------------------------------------ */
/* Writing a dump in another format (crash- and drgn-compatible vmcores)
 *
 * mkd_dump_export() writes the whole of an open dump to fd as an ELF
 * vmcore (as kdump's /proc/vmcore: one PT_NOTE with the dump's notes,
 * VMCOREINFO included, then PT_LOADs with physical and direct-map
 * addresses, the kernel image mapped a second time at its text address)
 * or as a kdump-compressed dump (makedumpfile's format, header version 6,
 * optionally flattened so it can go to a pipe).
 *
 * Neither format can say every page state mkd can.  kdump leaves
 * filtered pages out of its "dumped" bitmap and gives lost pages a
 * descriptor with offset 0, as makedumpfile does on a full disk.  ELF
 * leaves pages without data out of p_filesz (the p_memsz tail, as
 * makedumpfile -E does), except where that would need more than
 * max_segments PT_LOADs: then the shortest gaps are written as zeros and
 * counted in zero_filled (crash and drgn read p_memsz tails as zeros as
 * well).  Pages with data outside the dump's RAM map are not written and
 * are counted.  The ELF is written strictly in order; a kdump file is
 * written in order except for its descriptor table, so a non-seekable
 * output needs MKD_EXPORT_FLAT.  The writer never closes fd.
 */

enum mkd_export_format {
	MKD_EXPORT_ELF = 1,
	MKD_EXPORT_KDUMP = 2,
};

enum mkd_export_flags {
	MKD_EXPORT_FLAT = 1 << 0,	/* kdump: the flattened stream */
};

/* pfn reached of max_pfn; bytes of page data read so far. */
typedef void mkd_export_progress_fn(void *arg, uint64_t pfn, uint64_t max_pfn,
				    uint64_t bytes);

struct mkd_export_options {
	uint32_t size;		/* sizeof(struct mkd_export_options) */
	uint32_t flags;		/* enum mkd_export_flags */
	const char *codec;	/* kdump: "zlib" (NULL), "lzo", "zstd", "none" */
	int level;		/* codec level; 0 = its fast default */
	uint32_t max_segments;	/* ELF: PT_LOADs for RAM; 0 = 4096 */
	mkd_export_progress_fn *progress;	/* may be NULL */
	void *progress_arg;
	uint64_t reserved[6];
};

struct mkd_export_stats {
	uint64_t pages[MKD_PAGE_STATE_COUNT];	/* source RAM pages, by state */
	uint64_t written;	/* pages whose data is in the output */
	uint64_t zero_pages;	/* ... of which all zero */
	uint64_t zero_filled[MKD_PAGE_STATE_COUNT];	/* written as zeros
				   without data in the source, by its state */
	uint64_t left_out;	/* RAM pages not in the output (filtered) */
	uint64_t lost;		/* recorded as lost (kdump) */
	uint64_t outside_ram;	/* pages with data outside the RAM map */
	uint64_t segments;	/* ELF: PT_LOAD headers */
	uint64_t bytes_out;	/* bytes written to fd */
	int dump_level;		/* kdump: the level recorded */
	uint32_t reserved0;
	uint64_t reserved[8];
};

/* stats may be NULL. */
struct mkd_error *mkd_dump_export(struct mkd_dump *src,
				  enum mkd_export_format format, int fd,
				  const char *name,
				  const struct mkd_export_options *opts,
				  struct mkd_export_stats *stats);

#ifdef __cplusplus
}
#endif
#endif /* MKDUMP_H */
