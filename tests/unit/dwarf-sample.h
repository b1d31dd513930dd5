/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dwarf-sample.h - C types whose DWARF check_dwarf.c reads: compiled by
 * gcc at test time (DWARF 5, and DWARF 4 for the old bitfield form) and
 * included by the test itself, so offsetof() and sizeof() say what the
 * DWARF must say.
 */
typedef unsigned long long u64;
enum color { RED, GREEN = 5, BLUE = -2 };
enum { ANON_A = 7, ANON_B };
struct node { struct node *next; };
struct fwd_only;
union num { int i; char c[3]; };
struct sample {
	char a;
	unsigned int f1 : 3, f2 : 7;
	int : 0;
	unsigned char f3 : 4;
	signed char f4 : 2;
	long long grid[2][3];
	union {
		int u1;
		struct {
			short s1, s2;
		};
	};
	const volatile u64 *p;
	struct fwd_only *opaque;
	enum color col;
	int (*fn)(struct sample *, ...);
	struct node n;
	union num nums[2];
	char tail[];
};
