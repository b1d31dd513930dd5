// SPDX-License-Identifier: LGPL-2.1-or-later
/* type-iter.c - walking every named type of the dump's model */
#include "internal.h"
#include "types.h"

MKD_EXPORT struct mkd_error *mkd_type_iterate(struct mkd_dump *dump,
					      mkd_type_fn *fn, void *arg)
{
	const struct mkd_types *types;
	struct mkd_error *err = mkd_types_ready(dump, &types);
	size_t i;

	if (err)
		return err;
	for (i = 1; i < types->ntypes; i++)
		if (fn(&types->types[i], arg))
			break;
	return NULL;
}
