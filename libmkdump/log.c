// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * log.c - the kernel log: picks the reader that fits what vmcoreinfo
 * describes (see log.h).
 */
#include "log.h"

MKD_EXPORT struct mkd_error *mkd_log_iterate(struct mkd_dump *dump,
					     mkd_log_fn *fn, void *arg,
					     uint64_t *skipped)
{
	struct mkd_log_walk walk = { .fn = fn, .arg = arg };
	struct mkd_error *err;

	if (skipped)
		*skipped = 0;
	if (!fn)
		return mkd_error_create(MKD_ERR_INVALID,
					"reading the kernel log needs a callback");
	if (!dump->vmcoreinfo)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"reading the kernel log: the dump has no VMCOREINFO");
	if (mkd_vmcoreinfo_get(dump, "SYMBOL(prb)"))
		err = mkd_log_prb_walk(dump, &walk);
	else if (mkd_vmcoreinfo_get(dump, "SYMBOL(log_buf)"))
		err = mkd_log_legacy_walk(dump, &walk);
	else
		err = mkd_error_create(MKD_ERR_UNSUPPORTED,
				       "VMCOREINFO describes no kernel log (neither prb nor log_buf)");
	if (skipped)
		*skipped = walk.skipped;
	if (err)
		return mkd_error_wrap(err, "reading the kernel log");
	return NULL;
}
