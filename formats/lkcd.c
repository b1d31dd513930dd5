// SPDX-License-Identifier: LGPL-2.1-or-later
/* lkcd.c - placeholder until the reader lands: recognises nothing */
#include "internal.h"

static bool lkcd_probe(const struct mkd_probe *p)
{
	(void)p;
	return false;
}

const struct mkd_format_ops mkd_format_lkcd = {
	.name = "lkcd",
	.probe = lkcd_probe,
};
