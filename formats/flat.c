// SPDX-License-Identifier: LGPL-2.1-or-later
/* flat.c - placeholder until the reader lands: recognises nothing */
#include "internal.h"

static bool flat_probe(const struct mkd_probe *p)
{
	(void)p;
	return false;
}

const struct mkd_format_ops mkd_format_flat = {
	.name = "flat",
	.probe = flat_probe,
};
