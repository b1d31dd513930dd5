// SPDX-License-Identifier: GPL-2.0-or-later
/* format.c - numbers as the commands write them */
#include <inttypes.h>

#include "analyze.h"

void az_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KB", "MB", "GB", "TB", "PB" };
	double v = (double)bytes / 1024;
	int u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " bytes", bytes);
		return;
	}
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (v == (double)(uint64_t)v)
		snprintf(buf, len, "%" PRIu64 " %s", (uint64_t)v, units[u]);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
}
