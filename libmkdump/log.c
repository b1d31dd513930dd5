// SPDX-License-Identifier: LGPL-2.1-or-later
/* log.c - the kernel log; placeholder until the ring buffer reader lands */
#include "internal.h"

MKD_EXPORT struct mkd_error *mkd_log_iterate(struct mkd_dump *dump,
					     mkd_log_fn *fn, void *arg,
					     uint64_t *skipped)
{
	(void)dump, (void)fn, (void)arg;
	if (skipped)
		*skipped = 0;
	return mkd_error_create(MKD_ERR_UNSUPPORTED,
				"the kernel log reader is not written yet");
}
