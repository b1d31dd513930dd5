// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kstate.c - the kernel's state at the crash as `uname`, `uptime` and
 * /proc say it: utsname, clocks, load averages, CPU counts.
 *
 * Facts (Linux 6.1): init_uts_ns.name is a struct new_utsname (65-byte
 * strings).  The clocks live in tk_core (kernel/time/timekeeping.c), an
 * anonymous struct { seqcount_raw_spinlock_t seq; struct timekeeper
 * timekeeper; }, updated every tick: CLOCK_REALTIME is xtime_sec plus
 * tkr_mono.xtime_nsec >> tkr_mono.shift nanoseconds, CLOCK_MONOTONIC is
 * tkr_mono.base plus the same nanoseconds, CLOCK_BOOTTIME adds offs_boot.
 * avenrun[3] holds the load averages in fixed point (FSHIFT 11).  The
 * CPU masks are struct cpumask __cpu_{possible,present,online,active}_mask,
 * meaningful below nr_cpu_ids.  Layouts come from the dump's BTF.
 */
#include <string.h>

#include "kstate.h"
#include "util.h"

#define MAX_CPUMASK_BYTES 4096	/* NR_CPUS 32768 */

struct mkd_error *mkd_ks_symbol(struct mkd_dump *dump, const char *name,
				uint64_t *addr)
{
	struct mkd_symbol sym;
	struct mkd_error *err = mkd_symbol_lookup_name(dump, name, &sym);

	if (err)
		return err;
	*addr = sym.address;
	return NULL;
}

struct mkd_error *mkd_ks_member(struct mkd_dump *dump, const char *type,
				const char *path, uint64_t *offset,
				uint64_t *size)
{
	const struct mkd_type *t;
	struct mkd_error *err;
	uint64_t bits;

	err = mkd_type_member_offset(dump, type, path, &bits, &t);
	if (err)
		return err;
	if (bits % 8)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"%s.%s is a bitfield", type, path);
	*offset = bits / 8;
	if (size)
		*size = mkd_type_size(t);
	return NULL;
}

struct mkd_error *mkd_ks_read_uint(struct mkd_dump *dump, uint64_t addr,
				   uint64_t size, uint64_t *value)
{
	uint8_t buf[8] = { 0 };
	struct mkd_error *err;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"a %llu-byte integer",
					(unsigned long long)size);
	err = mkd_read_virt(dump, addr, buf, (size_t)size, NULL);
	if (err)
		return err;
	*value = mkd_le64(buf);
	return NULL;
}

struct mkd_error *mkd_ks_read_member(struct mkd_dump *dump, uint64_t addr,
				     const char *type, const char *path,
				     uint64_t *value)
{
	uint64_t off, size;
	struct mkd_error *err;

	err = mkd_ks_member(dump, type, path, &off, &size);
	if (!err)
		err = mkd_ks_read_uint(dump, addr + off, size, value);
	if (err)
		return mkd_error_wrap(err, "reading %s.%s", type, path);
	return NULL;
}

struct mkd_error *mkd_ks_read_symbol(struct mkd_dump *dump, const char *name,
				     uint64_t offset, uint64_t *value)
{
	struct mkd_error *err;
	uint64_t addr;

	err = mkd_ks_symbol(dump, name, &addr);
	if (!err)
		err = mkd_ks_read_uint(dump, addr + offset, 8, value);
	if (err)
		return mkd_error_wrap(err, "reading '%s'", name);
	return NULL;
}

/* Copy the 65-byte utsname field path out of the struct at buf. */
static struct mkd_error *uts_field(struct mkd_dump *dump, const uint8_t *buf,
				   size_t len, const char *path, char *out)
{
	uint64_t off = 0, size = 0;
	struct mkd_error *err;

	err = mkd_ks_member(dump, "struct new_utsname", path, &off, &size);
	if (err)
		return err;
	if (size != MKD_UTS_LEN + 1 || off + size > len)
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"new_utsname.%s is %llu bytes", path,
					(unsigned long long)size);
	memcpy(out, buf + off, MKD_UTS_LEN);
	out[MKD_UTS_LEN] = '\0';
	return NULL;
}

static struct mkd_error *read_uts(struct mkd_dump *dump, struct mkd_uts *uts)
{
	uint8_t buf[6 * (MKD_UTS_LEN + 1)];
	const struct mkd_type *t;
	struct mkd_error *err;
	uint64_t addr = 0, off = 0;

	err = mkd_ks_symbol(dump, "init_uts_ns", &addr);
	if (!err)
		err = mkd_ks_member(dump, "struct uts_namespace", "name", &off,
				    NULL);
	if (!err)
		err = mkd_type_find(dump, "struct new_utsname", &t);
	if (err)
		return err;
	if (mkd_type_size(t) > sizeof(buf))
		return mkd_error_create(MKD_ERR_UNSUPPORTED,
					"struct new_utsname is too large");
	err = mkd_read_virt(dump, addr + off, buf, mkd_type_size(t), NULL);
	if (!err)
		err = uts_field(dump, buf, sizeof(buf), "sysname", uts->sysname);
	if (!err)
		err = uts_field(dump, buf, sizeof(buf), "nodename", uts->nodename);
	if (!err)
		err = uts_field(dump, buf, sizeof(buf), "release", uts->release);
	if (!err)
		err = uts_field(dump, buf, sizeof(buf), "version", uts->version);
	if (!err)
		err = uts_field(dump, buf, sizeof(buf), "machine", uts->machine);
	if (!err)
		err = uts_field(dump, buf, sizeof(buf), "domainname",
				uts->domainname);
	return err;
}

MKD_EXPORT struct mkd_error *mkd_kernel_uts(struct mkd_dump *dump,
					    struct mkd_uts *uts)
{
	struct mkd_error *err;

	if (uts->size < sizeof(*uts))
		return mkd_error_create(MKD_ERR_INVALID,
					"struct mkd_uts too small");
	err = read_uts(dump, uts);
	if (err)
		return mkd_error_wrap(err, "reading init_uts_ns");
	return NULL;
}

/* Where struct timekeeper is in tk_core: after the seqcount, 8-aligned. */
static struct mkd_error *timekeeper_address(struct mkd_dump *dump,
					    uint64_t *addr)
{
	const struct mkd_type *seq;
	struct mkd_error *err;

	err = mkd_ks_symbol(dump, "tk_core", addr);
	if (!err)
		err = mkd_type_find(dump, "seqcount_raw_spinlock_t", &seq);
	if (err)
		return err;
	*addr += (mkd_type_size(seq) + 7) & ~(uint64_t)7;
	return NULL;
}

static struct mkd_error *read_clock(struct mkd_dump *dump,
				    struct mkd_kernel_clock *c)
{
	static const char tk[] = "struct timekeeper";
	uint64_t addr, sec, xnsec, shift, base, offs_boot;
	struct mkd_error *err;

	err = timekeeper_address(dump, &addr);
	if (!err)
		err = mkd_ks_read_member(dump, addr, tk, "xtime_sec", &sec);
	if (!err)
		err = mkd_ks_read_member(dump, addr, tk, "tkr_mono.xtime_nsec",
					 &xnsec);
	if (!err)
		err = mkd_ks_read_member(dump, addr, tk, "tkr_mono.shift",
					 &shift);
	if (!err)
		err = mkd_ks_read_member(dump, addr, tk, "tkr_mono.base", &base);
	if (!err)
		err = mkd_ks_read_member(dump, addr, tk, "offs_boot",
					 &offs_boot);
	if (err)
		return err;
	if (shift >= 64 || sec > INT64_MAX / 1000000000 - 1)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"impossible timekeeper values");
	xnsec >>= shift;
	c->realtime_ns = (int64_t)(sec * 1000000000 + xnsec);
	c->monotonic_ns = (int64_t)(base + xnsec);
	c->boottime_ns = c->monotonic_ns + (int64_t)offs_boot;
	c->boot_realtime_ns = c->realtime_ns - c->boottime_ns;
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_kernel_clock(struct mkd_dump *dump,
					      struct mkd_kernel_clock *clock)
{
	struct mkd_error *err;

	if (clock->size < sizeof(*clock))
		return mkd_error_create(MKD_ERR_INVALID,
					"struct mkd_kernel_clock too small");
	err = read_clock(dump, clock);
	if (err)
		return mkd_error_wrap(err, "reading the timekeeper (tk_core)");
	return NULL;
}

MKD_EXPORT struct mkd_error *mkd_kernel_loadavg(struct mkd_dump *dump,
						uint64_t avenrun[3])
{
	struct mkd_error *err = NULL;
	int i;

	for (i = 0; i < 3 && !err; i++)
		err = mkd_ks_read_symbol(dump, "avenrun", 8 * (uint64_t)i,
					 &avenrun[i]);
	return err;
}

static const char *const mask_names[] = {
	[MKD_CPUS_POSSIBLE] = "__cpu_possible_mask",
	[MKD_CPUS_PRESENT] = "__cpu_present_mask",
	[MKD_CPUS_ONLINE] = "__cpu_online_mask",
	[MKD_CPUS_ACTIVE] = "__cpu_active_mask",
};

static uint32_t count_bits(const uint8_t *mask, uint64_t nbits)
{
	uint32_t n = 0;
	uint64_t i;

	for (i = 0; i < nbits; i++)
		n += (mask[i / 8] >> (i % 8)) & 1;
	return n;
}

MKD_EXPORT struct mkd_error *mkd_kernel_cpu_count(struct mkd_dump *dump,
						  enum mkd_cpu_mask which,
						  uint32_t *count)
{
	uint8_t mask[MAX_CPUMASK_BYTES];
	const struct mkd_type *t;
	struct mkd_error *err;
	uint64_t addr, nr, ids_addr, size;

	if ((unsigned)which >= sizeof(mask_names) / sizeof(mask_names[0]))
		return mkd_error_create(MKD_ERR_INVALID, "no CPU mask %d",
					(int)which);
	err = mkd_ks_symbol(dump, "nr_cpu_ids", &ids_addr);
	if (!err)
		err = mkd_ks_read_uint(dump, ids_addr, 4, &nr);
	if (!err)
		err = mkd_type_find(dump, "struct cpumask", &t);
	if (!err)
		err = mkd_ks_symbol(dump, mask_names[which], &addr);
	if (err)
		return mkd_error_wrap(err, "reading %s", mask_names[which]);
	size = mkd_type_size(t);
	if (size > sizeof(mask) || nr > size * 8)
		return mkd_error_create(MKD_ERR_CORRUPT,
					"nr_cpu_ids %llu past the CPU mask",
					(unsigned long long)nr);
	err = mkd_read_virt(dump, addr, mask, (size_t)((nr + 7) / 8), NULL);
	if (err)
		return mkd_error_wrap(err, "reading %s", mask_names[which]);
	*count = count_bits(mask, nr);
	return NULL;
}
