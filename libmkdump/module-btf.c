// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * module-btf.c - loaded modules' BTF as type sources.
 *
 * Facts (Linux 6.1, CONFIG_DEBUG_INFO_BTF_MODULES, kernel/bpf/btf.c):
 * when a module comes, btf_module_notify() copies its .BTF section into
 * a struct btf (data, data_size, name = the module's name) and links a
 * struct btf_module {list, module, btf, ...} into the static list
 * btf_modules.  struct module's own btf_data is only valid while the
 * module initialises: do_init_module() clears it (the section is not
 * SHF_ALLOC and is freed), so the copy on btf_modules is what a dump
 * holds.  A module's BTF is split BTF on vmlinux's: its type ids start
 * at vmlinux's type count (void included), its string offsets at the
 * length of vmlinux's string section.  (Kernels from 6.11 may ship
 * modules with a distilled base, .BTF.base, whose ids the kernel maps to
 * vmlinux's at load time; such blobs are not read right here.)
 *
 * Read once, on the first lookup that vmlinux's types cannot answer.
 * The walk is bounded (count, cycles, bytes per blob and in all); a
 * module whose blob cannot be read or parsed keeps its error.
 */
#include <stdlib.h>

#include "internal.h"
#include "kernel.h"
#include "kstate.h"
#include "types.h"

#define MAX_MODULES 4096
#define MAX_MODULE_BLOB ((uint64_t)16 << 20)
#define MAX_ALL_BLOBS ((uint64_t)256 << 20)

struct btf_layout {
	uint64_t list, btf;		/* in struct btf_module */
	uint64_t data, data_size, name;	/* in struct btf */
	uint64_t name_len, data_size_len;
};

static struct mkd_error *find_layout(struct mkd_dump *dump,
				     struct btf_layout *l)
{
	const char *bm = "struct btf_module", *b = "struct btf";
	struct mkd_error *err;

	err = mkd_ks_member(dump, bm, "list", &l->list, NULL);
	if (!err)
		err = mkd_ks_member(dump, bm, "btf", &l->btf, NULL);
	if (!err)
		err = mkd_ks_member(dump, b, "data", &l->data, NULL);
	if (!err)
		err = mkd_ks_member(dump, b, "data_size", &l->data_size,
				    &l->data_size_len);
	if (!err)
		err = mkd_ks_member(dump, b, "name", &l->name, &l->name_len);
	return err ? mkd_error_wrap(err, "module BTF layout") : NULL;
}

static struct mkd_error *read_blob(struct mkd_dump *dump, uint64_t addr,
				   uint64_t len, uint64_t *total,
				   uint8_t **ret)
{
	struct mkd_error *err;
	uint8_t *blob;

	if (!len || len > MAX_MODULE_BLOB || *total + len > MAX_ALL_BLOBS)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"%llu bytes of BTF at 0x%llx is more than allowed",
					(unsigned long long)len,
					(unsigned long long)addr);
	*total += len;
	blob = malloc((size_t)len);
	if (!blob)
		return &mkd_enomem;
	err = mkd_read_virt(dump, addr, blob, (size_t)len, NULL);
	if (err) {
		free(blob);
		return err;
	}
	*ret = blob;
	return NULL;
}

/* The module BTF of the struct btf at addr, into mod. */
static struct mkd_error *load_one(struct mkd_dump *dump,
				  const struct btf_layout *l,
				  const struct mkd_types *base, uint64_t addr,
				  uint64_t *total, struct mkd_module_btf *mod)
{
	size_t n = l->name_len < MKD_MODULE_NAME_LEN ?
		   (size_t)l->name_len : MKD_MODULE_NAME_LEN;
	uint64_t data, len;
	struct mkd_error *err;
	uint8_t *blob = NULL;

	err = mkd_read_virt(dump, addr + l->name, mod->name, n, NULL);
	mod->name[n] = '\0';
	if (!err)
		err = mkd_ks_read_uint(dump, addr + l->data, 8, &data);
	if (!err)
		err = mkd_ks_read_uint(dump, addr + l->data_size,
				       l->data_size_len, &len);
	if (!err)
		err = read_blob(dump, data, len, total, &blob);
	if (err)
		return err;
	err = mkd_btf_parse_split(blob, (size_t)len, base,
				  mkd_btf_pointer_size(dump), &mod->types);
	free(blob);
	return err;
}

static struct mkd_error *add_module(struct mkd_module_types *mt,
				    struct mkd_module_btf **mod)
{
	if (!mkd_array_reserve(&mt->mods, &mt->cap, mt->n + 1,
			       sizeof(*mt->mods)))
		return &mkd_enomem;
	*mod = &mt->mods[mt->n++];
	memset(*mod, 0, sizeof(**mod));
	return NULL;
}

/* Every entry of btf_modules; only memory or a bad list head fail. */
static struct mkd_error *walk(struct mkd_dump *dump,
			      const struct mkd_types *base,
			      struct mkd_module_types *mt)
{
	struct mkd_addr_set seen = { 0 };
	struct mkd_module_btf *mod;
	uint64_t head, node, btf, total = 0;
	struct mkd_error *err;
	struct btf_layout l;
	bool added;

	err = find_layout(dump, &l);
	if (!err)
		err = mkd_ks_symbol(dump, "btf_modules", &head);
	for (node = head; !err;) {
		err = mkd_ks_read_uint(dump, node, 8, &node);
		if (err || node == head)
			break;
		err = mkd_addr_set_add(&seen, node, &added);
		if (!err && (!added || seen.count > MAX_MODULES))
			err = mkd_error_at(MKD_ERR_CORRUPT, node,
					   "btf_modules loops or is too long at 0x%llx",
					   (unsigned long long)node);
		if (!err)
			err = add_module(mt, &mod);
		if (err)
			break;
		mod->error = mkd_ks_read_uint(dump, node - l.list + l.btf, 8,
					      &btf);
		if (!mod->error)
			mod->error = load_one(dump, &l, base, btf, &total, mod);
		if (mod->error)
			mod->error = mkd_error_wrap(mod->error, "module '%s'",
						    mod->name);
	}
	mkd_addr_set_deinit(&seen);
	return err;
}

struct mkd_error *mkd_module_types_ready(struct mkd_dump *dump,
					 const struct mkd_module_types **ret)
{
	const struct mkd_types *base;
	struct mkd_module_types *mt;

	if (!dump->module_types) {
		mt = calloc(1, sizeof(*mt));
		if (!mt)
			return &mkd_enomem;
		/* Set first: lookups made by the walk find no modules. */
		dump->module_types = mt;
		mt->error = mkd_types_ready(dump, &base);
		if (!mt->error)
			mt->error = walk(dump, base, mt);
		if (mt->error)
			mt->error = mkd_error_wrap(mt->error, "modules' BTF");
	}
	*ret = dump->module_types;
	return NULL;
}

void mkd_module_types_destroy(struct mkd_module_types *mt)
{
	size_t i;

	if (!mt)
		return;
	for (i = 0; i < mt->n; i++) {
		mkd_types_destroy(mt->mods[i].types);
		mkd_error_destroy(mt->mods[i].error);
	}
	free(mt->mods);
	mkd_error_destroy(mt->error);
	free(mt);
}
