/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sanitizer.h - telling AddressSanitizer about memory the library pools.
 *
 * The page cache keeps its pages in one block, where a format that writes
 * past a page's end would land in the next page unseen.  Under ASan each
 * page is followed by a poisoned gap of MKD_REDZONE bytes and a page not
 * in use is poisoned whole; in other builds the gap is 0 and the calls do
 * nothing.
 */
#ifndef MKD_SANITIZER_H
#define MKD_SANITIZER_H

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define MKD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MKD_ASAN 1
#endif
#endif

#ifdef MKD_ASAN
#include <sanitizer/asan_interface.h>

#define MKD_REDZONE 64

static inline void mkd_poison(const void *p, size_t len)
{
	__asan_poison_memory_region(p, len);
}

static inline void mkd_unpoison(const void *p, size_t len)
{
	__asan_unpoison_memory_region(p, len);
}
#else
#define MKD_REDZONE 0

static inline void mkd_poison(const void *p, size_t len)
{
	(void)p, (void)len;
}

static inline void mkd_unpoison(const void *p, size_t len)
{
	(void)p, (void)len;
}
#endif

#endif /* MKD_SANITIZER_H */
