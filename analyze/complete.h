/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * complete.h - sorted name lists for completion: kernel symbols and
 * struct names of a dump.  The strings belong to the dump and live as
 * long as it does; the list owns only its array.
 */
#ifndef MKD_ANALYZE_COMPLETE_H
#define MKD_ANALYZE_COMPLETE_H

#include <stddef.h>

#include "mkdump.h"

struct az_names {
	const char **names;	/* sorted, without duplicates */
	size_t count;
	size_t cap;
};

/* Fill names (empty on any failure: completion is a convenience). */
void az_names_symbols(struct mkd_dump *dump, struct az_names *names);
void az_names_types(struct mkd_dump *dump, struct az_names *names);
void az_names_free(struct az_names *names);
/* Index of the first name not less than prefix. */
size_t az_names_lower_bound(const char *const *names, size_t count,
			    const char *prefix);

#endif /* MKD_ANALYZE_COMPLETE_H */
