/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * internal.h - what the library's modules share: the dump object, the
 * file layer, the format interface and small helpers.
 *
 * Layering: a format (formats/<name>.c) reads its files through struct
 * mkd_file and answers two questions about pages: their state and their
 * data.  Everything else (the page cache, notes, vmcoreinfo, registers,
 * address translation, the kernel log) is built by the core on top of
 * those answers and never looks at the format.
 */
#ifndef MKD_INTERNAL_H
#define MKD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mkdump.h"
#include "error.h"
#include "util.h"
#include "cache.h"

#define MKD_EXPORT __attribute__((visibility("default")))

/* ------------------------------------------------------------------ */
/* Files */

struct mkd_file;

struct mkd_file_ops {
	/* Read up to len bytes at off; *got < len only at the end of data. */
	struct mkd_error *(*pread)(struct mkd_file *f, void *buf, size_t len,
				   uint64_t off, size_t *got);
	void (*destroy)(struct mkd_file *f);
};

/*
 * A byte source: a plain descriptor, or a view that a container (such as
 * the flattened format) builds over another file.  name is for messages.
 */
struct mkd_file {
	char *name;
	int fd;				/* -1 for views */
	uint64_t size;
	const struct mkd_file_ops *ops;	/* NULL for a plain descriptor */
	void *priv;
	struct mkd_file *inner;		/* the file a view reads from */
};

struct mkd_error *mkd_file_open(const char *path, struct mkd_file **ret);
struct mkd_error *mkd_file_from_fd(int fd, const char *name,
				   struct mkd_file **ret);
/* A view: ops/priv read from inner, which the view then owns. */
struct mkd_error *mkd_file_view(struct mkd_file *inner, const char *name,
				uint64_t size, const struct mkd_file_ops *ops,
				void *priv, struct mkd_file **ret);
void mkd_file_destroy(struct mkd_file *f);
/* Read exactly len bytes or fail (MKD_ERR_TRUNCATED past the end). */
struct mkd_error *mkd_file_read(struct mkd_file *f, void *buf, size_t len,
				uint64_t off);
/* Read up to len bytes; *got says how many. */
struct mkd_error *mkd_file_read_partial(struct mkd_file *f, void *buf,
					size_t len, uint64_t off,
					size_t *got);

/* ------------------------------------------------------------------ */
/* Formats */

struct mkd_dump;

struct mkd_probe {
	struct mkd_file *file;
	const unsigned char *head;	/* the first head_len bytes */
	size_t head_len;		/* at most MKD_PROBE_SIZE */
};
#define MKD_PROBE_SIZE 4096

struct mkd_format_ops {
	const char *name;
	/* "Is this mine?"  Looks at the head only; never an error. */
	bool (*probe)(const struct mkd_probe *probe);
	/*
	 * Containers only: return a view of the file they carry, which is
	 * then probed again.  A container has no other operation.
	 */
	struct mkd_error *(*unwrap)(struct mkd_file *file,
				    struct mkd_file **inner);
	/* Read the metadata and fill the dump's fields (see below). */
	struct mkd_error *(*open)(struct mkd_dump *dump);
	/* State of pfn and how many pages after it share it. */
	struct mkd_error *(*page_state)(struct mkd_dump *dump, uint64_t pfn,
					struct mkd_page_run *run);
	/*
	 * Copy one page into buf (page_size bytes).  Zero pages are filled
	 * with zeros; a page not in the dump gives MKD_ERR_NO_DATA, a page
	 * that cannot be decoded MKD_ERR_CORRUPT.
	 */
	struct mkd_error *(*read_page)(struct mkd_dump *dump, uint64_t pfn,
				       void *buf);
	/*
	 * Optional, for formats that keep pages as they are: copy up to
	 * count whole pages from pfn on into buf in one go, and say how
	 * many (0 when the first page needs read_page, e.g. a page only
	 * partly in the dump).  Only a speed-up: an error makes the caller
	 * fall back to read_page, which says what is wrong.
	 */
	struct mkd_error *(*read_pages)(struct mkd_dump *dump, uint64_t pfn,
					uint64_t count, void *buf,
					uint64_t *done);
	void (*close)(struct mkd_dump *dump);
};

extern const struct mkd_format_ops mkd_format_elf;
extern const struct mkd_format_ops mkd_format_kdump;
extern const struct mkd_format_ops mkd_format_diskdump;
extern const struct mkd_format_ops mkd_format_flat;
extern const struct mkd_format_ops mkd_format_lkcd;
extern const struct mkd_format_ops mkd_format_mkd;

/* ------------------------------------------------------------------ */
/* Architectures (address translation reads memory through a callback) */

typedef struct mkd_error *mkd_phys_reader(void *arg, uint64_t paddr,
					  void *buf, size_t len);

struct mkd_vm {
	struct mkd_vm_info info;
	bool ready;
	uint64_t sme_mask;	/* x86_64: memory encryption bit in PTEs */
	mkd_phys_reader *read;
	void *read_arg;
};

struct mkd_arch_ops {
	enum mkd_arch arch;
	const char *name;
	/* Find the translation facts from vmcoreinfo and memory. */
	struct mkd_error *(*vm_init)(struct mkd_dump *dump, struct mkd_vm *vm);
	struct mkd_error *(*vtop)(const struct mkd_vm *vm, uint64_t vaddr,
				  uint64_t *paddr);
	/* Decode a register note of this architecture. */
	struct mkd_error *(*prstatus)(const void *desc, size_t len,
				      struct mkd_cpu_regs *regs);
	struct mkd_error *(*qemu_cpu)(const void *desc, size_t len,
				      struct mkd_cpu_regs *regs);
};

extern const struct mkd_arch_ops mkd_arch_x86_64;
const struct mkd_arch_ops *mkd_arch_ops_find(enum mkd_arch arch);

/* ------------------------------------------------------------------ */
/* The dump */

struct mkd_dump {
	const struct mkd_format_ops *ops;
	void *priv;			/* the format's state */
	struct mkd_file **files;
	size_t nfiles;
	const char *container;		/* "flattened" or NULL */

	/* Filled by the format's open(); defaults in brackets. */
	enum mkd_arch arch;		/* [unknown: from vmcoreinfo] */
	uint32_t page_size;		/* [4096] */
	uint64_t max_pfn;		/* required */
	int dump_level;			/* [-1] */
	bool incomplete;
	char *release;			/* [OSRELEASE from vmcoreinfo] */
	int64_t crash_time;		/* [CRASHTIME] */
	bool has_crash_time;
	uint32_t panic_cpu;
	bool has_panic_cpu;
	bool panic_cpu_looked;		/* the kernel's panic_cpu was read */
	char *panic_string;		/* mkd_dump_set_panic_string() */
	struct mkd_range *ram;		/* mkd_dump_add_ram() */
	size_t nram, ram_cap;
	char codecs[64];		/* mkd_dump_add_codec() */

	char *vmcoreinfo;		/* mkd_dump_set_vmcoreinfo() */
	size_t vmcoreinfo_len;
	uint8_t *notes;			/* mkd_dump_set_notes() */
	size_t notes_len;
	char *capture;			/* an mkd dump's CAPTURE text */
	size_t capture_len;
	struct mkd_part *parts;		/* of a split set; paths not owned */
	size_t nparts;
	uint64_t set_id;

	/* Built by the core after open(). */
	unsigned page_shift;
	struct mkd_cpu_regs *cpus;
	size_t ncpus;
	const struct mkd_arch_ops *arch_ops;
	struct mkd_vm vm;
	struct mkd_page_cache cache;
	uint8_t *page_buf;		/* one page of scratch */

	/* Kernel knowledge, built on first use; NULL until then. */
	struct mkd_symbols *symbols;	/* symbols.c */
	struct mkd_types *types;	/* types.c */
	struct mkd_module_types *module_types;	/* module-btf.c */
	struct mkd_vmlinux *vmlinux;	/* vmlinux.c */
	struct mkd_orc *orc;		/* orc.c */
	struct mkd_percpu *percpu;	/* percpu.c */
};

/* Helpers for formats' open(). */
struct mkd_error *mkd_dump_add_ram(struct mkd_dump *dump, uint64_t start,
				   uint64_t end);
void mkd_dump_add_codec(struct mkd_dump *dump, const char *codec);
struct mkd_error *mkd_dump_set_notes(struct mkd_dump *dump, const void *buf,
				     size_t len);
struct mkd_error *mkd_dump_set_capture(struct mkd_dump *dump,
				       const char *text, size_t len);
struct mkd_error *mkd_dump_set_vmcoreinfo(struct mkd_dump *dump,
					  const char *text, size_t len);
struct mkd_error *mkd_dump_set_release(struct mkd_dump *dump,
				       const char *release, size_t maxlen);
/* At most maxlen bytes up to a NUL; an empty message leaves it NULL. */
struct mkd_error *mkd_dump_set_panic_string(struct mkd_dump *dump,
					    const char *text, size_t maxlen);

/* Kernel knowledge: freed with the dump. */
void mkd_symbols_destroy(struct mkd_symbols *symbols);
void mkd_types_destroy(struct mkd_types *types);
void mkd_vmlinux_destroy(struct mkd_vmlinux *vmlinux);
/* The DWARF type source of a loaded vmlinux, or NULL. */
struct mkd_dwarf *mkd_vmlinux_dwarf(const struct mkd_dump *dump);
void mkd_percpu_destroy(struct mkd_percpu *pc);

/* Core steps run after the format's open() (notes.c). */
struct mkd_error *mkd_notes_parse(struct mkd_dump *dump);

/* Decompression of one page-sized block (codec.c). */
enum mkd_codec {
	MKD_CODEC_NONE,
	MKD_CODEC_ZLIB,
	MKD_CODEC_LZO,
	MKD_CODEC_SNAPPY,
	MKD_CODEC_ZSTD,
};
const char *mkd_codec_name(enum mkd_codec codec);
bool mkd_codec_available(enum mkd_codec codec);
/* Decompress exactly dst_len bytes; anything else is MKD_ERR_CORRUPT. */
struct mkd_error *mkd_codec_decompress(enum mkd_codec codec,
				       const void *src, size_t src_len,
				       void *dst, size_t dst_len);

#endif /* MKD_INTERNAL_H */
