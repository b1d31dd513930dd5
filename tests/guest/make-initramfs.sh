#!/bin/bash
# Build the guest test bed's initramfs images.
#
# usage: make-initramfs.sh KERNEL_DIR KVER OUT_DIR
#
# KERNEL_DIR is the unpacked linux-image-KVER package (fetch-kernel.sh).
# Writes into OUT_DIR:
#   kexec-crash         static helper built from kexec-crash.c
#   initrd-base.cpio    busybox, init.sh as /init, virtio + fw_cfg modules
#   initrd-panic.cpio   initrd-base.cpio followed by a second archive that
#                       holds /boot/vmlinuz and /boot/initrd.img (a copy of
#                       initrd-base.cpio) for kexec-crash to load
# The archives are uncompressed: unpacking gzip under TCG costs more than
# reading a few more megabytes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
MODULES="qemu_fw_cfg virtio virtio_ring virtio_pci_modern_dev
virtio_pci_legacy_dev virtio_pci virtio_blk"

find_busybox() {
	local bb
	bb=$(dpkg -L busybox-static 2>/dev/null | grep -m 1 '/bin/busybox$') ||
		die "package 'busybox-static' is not installed"
	if LC_ALL=C readelf -l "$bb" | grep -q 'INTERP'; then
		die "'$bb' is dynamically linked; the guest needs busybox-static"
	fi
	printf '%s\n' "$bb"
}

install_busybox() {
	local root=$1 bb applet
	bb=$(find_busybox)
	mkdir -p "$root/bin"
	cp "$bb" "$root/bin/busybox"
	for applet in $("$bb" --list); do
		[ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
	done
	ln -s bin "$root/sbin"
}

# copy_module KERNEL_DIR KVER ROOT NAME: copy NAME.ko, uncompressed, to the
# same path under ROOT.
copy_module() {
	local kdir=$1 kver=$2 root=$3 name=$4 src rel dest
	src=$(find "$kdir/lib/modules/$kver/kernel" \
		-name "$name.ko" -o -name "$name.ko.xz" -o -name "$name.ko.zst" |
		head -n 1)
	[ -n "$src" ] || die "no module '$name' under '$kdir/lib/modules/$kver'"
	rel=${src#"$kdir"/}
	dest=$root/${rel%.ko*}.ko
	mkdir -p "$(dirname "$dest")"
	case $src in
	*.ko.xz) xz -dc "$src" >"$dest" ;;
	*.ko.zst) zstd -qdc "$src" >"$dest" ;;
	*) cp "$src" "$dest" ;;
	esac
}

# Every module the guest loads must find its dependencies in the image.
check_module_deps() {
	local root=$1 kver=$2 dep
	local mdir=$root/lib/modules/$kver
	need_file "$mdir/modules.dep" "depmod wrote nothing"
	for dep in $(tr -d ':' <"$mdir/modules.dep"); do
		[ -f "$mdir/$dep" ] ||
			die "module '$dep' is needed but not in the initramfs (add it to MODULES)"
	done
}

install_modules() {
	local kdir=$1 kver=$2 root=$3 name f
	mkdir -p "$root/lib/modules/$kver"
	for name in $MODULES; do
		copy_module "$kdir" "$kver" "$root" "$name"
	done
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ ! -f "$kdir/lib/modules/$kver/$f" ] ||
			cp "$kdir/lib/modules/$kver/$f" "$root/lib/modules/$kver/"
	done
	depmod -b "$root" "$kver" || die "depmod failed for '$root'"
	check_module_deps "$root" "$kver"
}

build_helper() {
	local out=$1
	gcc -static -Os -Wall -Wextra -Werror -o "$out.tmp" "$HERE/kexec-crash.c" ||
		die "cannot build static '$out' from kexec-crash.c (libc6-dev installed?)"
	strip "$out.tmp"
	mv "$out.tmp" "$out"
}

pack() {
	local out=$1 root=$2
	"$PY" "$HERE/mkcpio.py" "$out" "$root" --char dev/console:5:1 ||
		die "cannot pack '$root' into '$out'"
}

main() {
	[ $# -eq 3 ] || die "usage: $GUEST_PROG KERNEL_DIR KVER OUT_DIR"
	local kdir=$1 kver=$2 out=$3
	need_cmd dpkg gcc strip readelf depmod xz zstd "$PY"
	need_file "$kdir/boot/vmlinuz-$kver" "run fetch-kernel.sh first"
	mkdir -p "$out"
	WORK=$(mktemp -d "$out/.initramfs.XXXXXX")
	local work=$WORK
	trap 'rm -rf "$WORK"' EXIT

	build_helper "$out/kexec-crash"

	local base=$work/base
	mkdir -p "$base"/{dev,proc,sys,boot}
	install_busybox "$base"
	install_modules "$kdir" "$kver" "$base"
	install -m 755 "$HERE/init.sh" "$base/init"
	install -m 755 "$out/kexec-crash" "$base/bin/kexec-crash"
	pack "$work/initrd-base.cpio" "$base"

	local extra=$work/extra
	mkdir -p "$extra/boot"
	cp "$kdir/boot/vmlinuz-$kver" "$extra/boot/vmlinuz"
	cp "$work/initrd-base.cpio" "$extra/boot/initrd.img"
	"$PY" "$HERE/mkcpio.py" "$work/extra.cpio" "$extra" ||
		die "cannot pack '$extra'"
	cat "$work/initrd-base.cpio" "$work/extra.cpio" >"$work/initrd-panic.cpio"

	mv "$work/initrd-base.cpio" "$work/initrd-panic.cpio" "$out/"
}

main "$@"
