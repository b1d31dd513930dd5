#!/bin/sh
# /bench/load in the benchmark guest's initramfs, run by /init
# (mkd.run=/bench/load) before it prints the truth and waits for the dump.
#
# Gives the guest's memory what a working machine's holds: anonymous
# memory (fill, a static program that keeps FILL_MIB MiB of mixed data
# and stays alive), then page cache (every byte of the virtio disk
# /dev/vda read through the block device's cache), so little stays free.
# Prints the kernel's own counts as "MKD-BENCH-MEMINFO name kB" lines.

FILL_MIB=320
FILL_SEED=2

mkdir -p /tmp
mkfifo /tmp/fill.fifo || exit 1
fill hold "$FILL_MIB" "$FILL_SEED" >/tmp/fill.fifo &
read -r line </tmp/fill.fifo
[ "$line" = filled ] || { echo "MKD-FAIL: fill did not fill"; exit 1; }
[ -b /dev/vda ] || { echo "MKD-FAIL: no /dev/vda"; exit 1; }
# The kernel drops a block device's cache when its last user closes it:
# a sleeper keeps /dev/vda open.
sleep 2147483647 </dev/vda &
dd if=/dev/vda of=/dev/null bs=1M 2>/dev/null ||
	{ echo "MKD-FAIL: cannot read /dev/vda"; exit 1; }
sed -n 's/^\(MemTotal\|MemFree\|Buffers\|Cached\|AnonPages\|Shmem\|Slab\): *\([0-9]*\) kB$/MKD-BENCH-MEMINFO \1 \2/p' \
	/proc/meminfo
