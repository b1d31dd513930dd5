// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * module.c - the loaded modules, from the kernel's `modules` list.
 *
 * Facts (Linux 6.1, include/linux/module.h): struct module links into
 * `modules` through `list`, newest first; name is char[56]; state is
 * enum module_state (LIVE 0, COMING 1, GOING 2, UNFORMED 3); core_layout
 * {base, size, text_size, ...} is its resident memory (6.4 split it into
 * mem[MOD_MEM_NUM_TYPES], text first); refcnt (atomic_t, with
 * CONFIG_MODULE_UNLOAD) holds users + 1 (MODULE_REF_BASE), as lsmod
 * shows it less one.  Layouts come from the dump's types.
 */
#include <stdio.h>

#include "internal.h"
#include "kernel.h"
#include "kstate.h"
#include "symbols.h"

#define MAX_MODULES 65536

struct module_layout {
	uint64_t list, name, name_len, state, refcnt, base, size, text_size;
	bool has_refcnt, has_text_size;
};

static struct mkd_error *find_core(struct mkd_dump *dump,
				   struct module_layout *l)
{
	const char *m = "struct module";
	struct mkd_error *err;

	err = mkd_ks_member(dump, m, "core_layout.base", &l->base, NULL);
	if (!err)
		err = mkd_ks_member(dump, m, "core_layout.size", &l->size,
				    NULL);
	if (!err) {
		err = mkd_ks_member(dump, m, "core_layout.text_size",
				    &l->text_size, NULL);
		l->has_text_size = !err;
		mkd_error_destroy(err);
		return NULL;
	}
	if (mkd_error_code(err) != MKD_ERR_NOT_FOUND)
		return err;
	mkd_error_destroy(err);
	err = mkd_ks_member(dump, m, "mem[0].base", &l->base, NULL);
	if (!err)
		err = mkd_ks_member(dump, m, "mem[0].size", &l->size, NULL);
	return err;
}

static struct mkd_error *find_layout(struct mkd_dump *dump,
				     struct module_layout *l)
{
	const char *m = "struct module";
	struct mkd_error *err;

	memset(l, 0, sizeof(*l));
	err = mkd_ks_member(dump, m, "list", &l->list, NULL);
	if (!err)
		err = mkd_ks_member(dump, m, "name", &l->name, &l->name_len);
	if (!err)
		err = mkd_ks_member(dump, m, "state", &l->state, NULL);
	if (!err)
		err = find_core(dump, l);
	if (!err) {
		err = mkd_ks_member(dump, m, "refcnt", &l->refcnt, NULL);
		l->has_refcnt = !err;
		if (err && mkd_error_code(err) == MKD_ERR_NOT_FOUND) {
			mkd_error_destroy(err);
			err = NULL;
		}
	}
	if (!err && l->name_len > MKD_MODULE_NAME_LEN + 8)
		err = mkd_error_create(MKD_ERR_UNSUPPORTED,
				       "module names of %llu bytes",
				       (unsigned long long)l->name_len);
	return err ? mkd_error_wrap(err, "module layout") : NULL;
}

static struct mkd_error *read_at(struct mkd_dump *dump, uint64_t addr,
				 void *buf, size_t len)
{
	return mkd_read_virt(dump, addr, buf, len, NULL);
}

static struct mkd_error *read_module(struct mkd_dump *dump,
				     const struct module_layout *l,
				     uint64_t addr, struct mkd_module *mod)
{
	uint8_t raw[8], name[MKD_MODULE_NAME_LEN + 8];
	struct mkd_error *err;
	size_t n = (size_t)l->name_len;

	memset(mod, 0, sizeof(*mod));
	mod->address = addr;
	mod->refcount = -1;
	err = read_at(dump, addr + l->name, name, n);
	if (!err) {
		n = strnlen((char *)name, n < MKD_MODULE_NAME_LEN ?
						  n : MKD_MODULE_NAME_LEN);
		memcpy(mod->name, name, n);
		err = read_at(dump, addr + l->state, raw, 4);
	}
	if (!err) {
		mod->state = (int32_t)mkd_le32(raw);
		err = read_at(dump, addr + l->base, raw, 8);
	}
	if (!err) {
		mod->base = mkd_le64(raw);
		err = read_at(dump, addr + l->size, raw, 4);
	}
	if (!err) {
		mod->size = mkd_le32(raw);
		if (l->has_text_size)
			err = read_at(dump, addr + l->text_size, raw, 4);
		mod->text_size = l->has_text_size ? mkd_le32(raw) : mod->size;
	}
	if (!err && l->has_refcnt &&
	    !read_at(dump, addr + l->refcnt, raw, 4))
		mod->refcount = (int32_t)mkd_le32(raw) - 1;
	return err ? mkd_error_wrap(err, "module 0x%llx",
				    (unsigned long long)addr) : NULL;
}

static void module_note(mkd_task_note_fn *note, void *arg,
			struct mkd_error *err)
{
	if (note)
		note(err, arg);
	mkd_error_destroy(err);
}

/* The next link after node, or false (noted) when the list ends badly. */
static bool next_link(struct mkd_dump *dump, uint64_t node,
		      struct mkd_addr_set *seen, uint64_t *next,
		      mkd_task_note_fn *note, void *arg,
		      struct mkd_error **fatal)
{
	struct mkd_error *err;
	uint8_t raw[8];
	bool added;

	err = read_at(dump, node, raw, 8);
	if (err) {
		module_note(note, arg, mkd_error_wrap(err,
			    "modules list: link at 0x%llx",
			    (unsigned long long)node));
		return false;
	}
	*next = mkd_le64(raw);
	*fatal = mkd_addr_set_add(seen, *next, &added);
	if (*fatal)
		return false;
	if (!added || seen->count > MAX_MODULES) {
		module_note(note, arg, mkd_error_at(MKD_ERR_CORRUPT, *next,
			    "modules list: the link at 0x%llx loops back to 0x%llx",
			    (unsigned long long)node,
			    (unsigned long long)*next));
		return false;
	}
	return true;
}

MKD_EXPORT struct mkd_error *mkd_module_iterate(struct mkd_dump *dump,
						mkd_module_fn *fn,
						mkd_task_note_fn *note,
						void *arg)
{
	struct mkd_addr_set seen = { 0 };
	struct mkd_error *err, *fatal = NULL;
	struct module_layout l;
	struct mkd_module mod;
	uint64_t head, node;

	err = find_layout(dump, &l);
	if (!err)
		err = mkd_symbols_core_address(dump, "modules", &head);
	if (err)
		return err;
	node = head;
	while (next_link(dump, node, &seen, &node, note, arg, &fatal) &&
	       node != head) {
		err = read_module(dump, &l, node - l.list, &mod);
		if (err)
			module_note(note, arg, err);
		else if (fn(&mod, arg))
			break;
	}
	mkd_addr_set_deinit(&seen);
	return fatal;
}

MKD_EXPORT const char *mkd_module_state_name(int32_t state)
{
	static const char *const names[] = {
		"live", "coming", "going", "unformed",
	};

	return state >= 0 && state < 4 ? names[state] : "?";
}
