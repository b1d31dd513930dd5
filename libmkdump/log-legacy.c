// SPDX-License-Identifier: LGPL-2.1-or-later
/* log-legacy.c - the structured log_buf of Linux 3.5 to 5.9 (not yet) */
#include "log.h"

struct mkd_error *mkd_log_legacy_walk(struct mkd_dump *dump,
				      struct mkd_log_walk *walk)
{
	(void)dump, (void)walk;
	return mkd_error_create(MKD_ERR_UNSUPPORTED,
				"the log_buf of kernels before 5.10 is not supported yet");
}
