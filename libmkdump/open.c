// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * open.c - finding a dump's format and opening it.
 *
 * The one table of formats lives here.  Each file is probed against it
 * by content; a container (the flattened format) hands back the file it
 * carries, which is probed again.  All files of a split set must be of
 * the same format.
 */
#include <stdlib.h>

#include "internal.h"
#include "types.h"
#include "unwind.h"

static const struct mkd_format_ops *const formats[] = {
	&mkd_format_flat,
	&mkd_format_elf,
	&mkd_format_kdump,
	&mkd_format_diskdump,
	&mkd_format_lkcd,
	&mkd_format_mkd,
};

static const struct mkd_arch_ops *const archs[] = {
	&mkd_arch_x86_64,
};

const struct mkd_arch_ops *mkd_arch_ops_find(enum mkd_arch arch)
{
	size_t i;

	for (i = 0; i < sizeof(archs) / sizeof(archs[0]); i++)
		if (archs[i]->arch == arch)
			return archs[i];
	return NULL;
}

#define MAX_UNWRAP 4	/* containers inside containers, at most */
#define DEFAULT_CACHE_PAGES 1024

static struct mkd_error *probe_file(struct mkd_file **filep,
				    const char **container,
				    const struct mkd_format_ops **ret)
{
	unsigned char head[MKD_PROBE_SIZE];
	struct mkd_probe probe;
	struct mkd_error *err;
	size_t i, depth;

	for (depth = 0; depth <= MAX_UNWRAP; depth++) {
		struct mkd_file *inner;

		err = mkd_file_read_partial(*filep, head, sizeof(head), 0,
					    &probe.head_len);
		if (err)
			return err;
		probe.file = *filep;
		probe.head = head;
		for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
			if (formats[i]->probe(&probe))
				break;
		if (i == sizeof(formats) / sizeof(formats[0]))
			return mkd_error_create(MKD_ERR_NOT_DUMP,
						"'%s' is not a dump of any known format",
						(*filep)->name);
		if (!formats[i]->unwrap) {
			*ret = formats[i];
			return NULL;
		}
		err = formats[i]->unwrap(*filep, &inner);
		if (err)
			return mkd_error_wrap(err, "'%s' (%s)", (*filep)->name,
					      formats[i]->name);
		*filep = inner;
		*container = formats[i]->name;
	}
	return mkd_error_create(MKD_ERR_NOT_DUMP,
				"'%s': containers nested too deep",
				(*filep)->name);
}

static struct mkd_error *probe_all(struct mkd_dump *dump)
{
	struct mkd_error *err;
	size_t i;

	for (i = 0; i < dump->nfiles; i++) {
		const struct mkd_format_ops *ops;
		const char *container = NULL;

		err = probe_file(&dump->files[i], &container, &ops);
		if (err)
			return err;
		if (i == 0) {
			dump->ops = ops;
			dump->container = container;
		} else if (ops != dump->ops) {
			return mkd_error_create(MKD_ERR_INVALID,
						"'%s' is a %s dump, '%s' a %s dump: not one set",
						dump->files[0]->name,
						dump->ops->name,
						dump->files[i]->name, ops->name);
		}
	}
	return NULL;
}

static struct mkd_error *dump_finish(struct mkd_dump *dump,
				     const struct mkd_open_options *opts)
{
	struct mkd_error *err;
	size_t pages = DEFAULT_CACHE_PAGES;

	if (dump->page_size < 512 || dump->page_size > (1u << 24) ||
	    (dump->page_size & (dump->page_size - 1)))
		return mkd_error_create(MKD_ERR_CORRUPT,
					"'%s': page size %u is not a power of two between 512 and 16 MiB",
					dump->files[0]->name, dump->page_size);
	dump->page_shift = (unsigned)__builtin_ctz(dump->page_size);
	err = mkd_notes_parse(dump);
	if (err)
		return mkd_error_wrap(err, "'%s'", dump->files[0]->name);
	dump->page_buf = malloc(dump->page_size);
	if (!dump->page_buf)
		return &mkd_enomem;
	mkd_cache_init(&dump->cache, dump->page_size);
	if (opts && opts->size >= offsetof(struct mkd_open_options, reserved) &&
	    opts->cache_pages)
		pages = opts->cache_pages;
	mkd_cache_resize(&dump->cache, pages); /* a failed cache only slows */
	return NULL;
}

static struct mkd_error *dump_open(struct mkd_dump *dump,
				   const struct mkd_open_options *opts)
{
	struct mkd_error *err;

	err = probe_all(dump);
	if (err)
		return err;
	dump->page_size = 4096;
	dump->dump_level = -1;
	err = dump->ops->open(dump);
	if (err)
		return err;
	return dump_finish(dump, opts);
}

static struct mkd_error *dump_alloc(size_t n, struct mkd_dump **ret)
{
	struct mkd_dump *dump = calloc(1, sizeof(*dump));

	if (!dump)
		return &mkd_enomem;
	dump->files = calloc(n, sizeof(*dump->files));
	if (!dump->files) {
		free(dump);
		return &mkd_enomem;
	}
	dump->nfiles = n;
	*ret = dump;
	return NULL;
}

MKD_EXPORT struct mkd_error *
mkd_dump_open_files(const char *const *paths, size_t n,
		    const struct mkd_open_options *opts, struct mkd_dump **ret)
{
	struct mkd_error *err;
	struct mkd_dump *dump = NULL;
	size_t i;

	*ret = NULL;
	if (n == 0)
		return mkd_error_create(MKD_ERR_INVALID, "no dump file given");
	err = dump_alloc(n, &dump);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		err = mkd_file_open(paths[i], &dump->files[i]);
		if (err)
			goto out_destroy;
	}
	err = dump_open(dump, opts);
	if (err)
		goto out_destroy;
	*ret = dump;
	return NULL;

out_destroy:
	mkd_dump_destroy(dump);
	return err;
}

MKD_EXPORT struct mkd_error *
mkd_dump_open(const char *path, const struct mkd_open_options *opts,
	      struct mkd_dump **ret)
{
	return mkd_dump_open_files(&path, 1, opts, ret);
}

MKD_EXPORT struct mkd_error *
mkd_dump_open_fd(int fd, const char *name,
		 const struct mkd_open_options *opts, struct mkd_dump **ret)
{
	struct mkd_error *err;
	struct mkd_dump *dump = NULL;

	*ret = NULL;
	err = dump_alloc(1, &dump);
	if (err)
		return err;
	err = mkd_file_from_fd(fd, name ? name : "(fd)", &dump->files[0]);
	if (!err)
		err = dump_open(dump, opts);
	if (err) {
		mkd_dump_destroy(dump);
		return err;
	}
	*ret = dump;
	return NULL;
}

MKD_EXPORT void mkd_dump_destroy(struct mkd_dump *dump)
{
	size_t i;

	if (!dump)
		return;
	if (dump->ops && dump->priv && dump->ops->close)
		dump->ops->close(dump);
	for (i = 0; i < dump->nfiles; i++)
		mkd_file_destroy(dump->files[i]);
	free(dump->files);
	free(dump->release);
	free(dump->panic_string);
	free(dump->ram);
	free(dump->vmcoreinfo);
	free(dump->notes);
	free(dump->capture);
	free(dump->parts);
	free(dump->cpus);
	free(dump->page_buf);
	mkd_cache_deinit(&dump->cache);
	mkd_symbols_destroy(dump->symbols);
	mkd_module_types_destroy(dump->module_types);
	mkd_types_destroy(dump->types);
	mkd_vmlinux_destroy(dump->vmlinux);
	mkd_orc_destroy(dump->orc);
	mkd_percpu_destroy(dump->percpu);
	free(dump);
}
