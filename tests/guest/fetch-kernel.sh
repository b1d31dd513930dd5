#!/bin/bash
# Fetch and unpack the Debian kernel the guest test bed boots.
#
# Resolves the version that linux-image-amd64 depends on, downloads
# linux-image-<ver> into $MKD_CACHE/debs/ and unpacks it (no install) into
# $MKD_CACHE/linux-<ver>/.  Both are reused when present.  With --dbg it
# also fetches linux-image-<ver>-dbg (~860 MB) and extracts only
# usr/lib/debug/boot/vmlinux-<ver> into the same tree.
#
# --dbg-path FILE (for `make guest-vmlinux-dbg`) writes the vmlinux's path
# to FILE.  If the -dbg download fails because the network is gone (the
# package's mirror cannot be reached at all), it writes the reason to
# FILE.skip instead and exits 0, so the tests that need the vmlinux skip
# loudly; any other failure still fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $GUEST_PROG [--dbg] [--kver VER] [--cache DIR] [--version-file FILE]

  --dbg                also fetch the -dbg package and extract its vmlinux
                       (~860 MB download; the .deb is deleted afterwards)
  --kver VER           use kernel VER (e.g. 6.1.0-56-amd64) instead of asking
                       apt which one linux-image-amd64 depends on
  --cache DIR          download cache (default \$MKD_CACHE or ~/.cache/mkdump)
  --version-file FILE  write VER to FILE (only rewritten when it changes)
  --dbg-path FILE      with --dbg: write the vmlinux path to FILE, or, when
                       the network is gone, the reason to FILE.skip

Prints the unpacked package directory on stdout.
EOF
}

# Which linux-image-<ver> the linux-image-amd64 meta package pulls in.
resolve_version() {
	local deps ver
	deps=$(apt-cache depends linux-image-amd64 2>/dev/null) ||
		die "apt-cache knows no 'linux-image-amd64' (run apt-get update?)"
	ver=$(printf '%s\n' "$deps" |
		sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*\)$/\1/p' | head -n 1)
	[ -n "$ver" ] ||
		die "cannot find a linux-image-<ver> dependency of 'linux-image-amd64'"
	printf '%s\n' "$ver"
}

apt_download() {
	local pkg=$1 dir=$2
	local opts=()
	# apt drops to user _apt for downloads, which cannot write into root's
	# cache; stay root instead of warning about it.
	[ "$(id -u)" -ne 0 ] || opts=(-o APT::Sandbox::User=root)
	(cd "$dir" && apt-get "${opts[@]}" -q download "$pkg") >&2 ||
		die "apt-get download '$pkg' failed"
}

# fetch_deb PKG: path of PKG's .deb in the cache, downloading it if needed.
fetch_deb() {
	local pkg=$1 debs=$CACHE/debs deb tmp
	mkdir -p "$debs"
	deb=$(find_deb "$debs" "$pkg")
	if [ -z "$deb" ]; then
		note "downloading $pkg"
		tmp=$(mktemp -d "$debs/.download.XXXXXX")
		apt_download "$pkg" "$tmp"
		deb=$(find_deb "$tmp" "$pkg")
		[ -n "$deb" ] || die "apt-get download left no '${pkg}_*.deb' in '$tmp'"
		mv "$deb" "$debs/"
		rmdir "$tmp"
		deb=$debs/${deb##*/}
	fi
	printf '%s\n' "$deb"
}

find_deb() {
	find "$1" -maxdepth 1 -name "${2}_*_amd64.deb" | sort | tail -n 1
}

unpack_image() {
	local ver=$1 dest=$CACHE/linux-$1 deb tmp
	if [ -f "$dest/.unpacked" ]; then
		return 0
	fi
	deb=$(fetch_deb "linux-image-$ver") || exit 1
	note "unpacking ${deb##*/}"
	rm -rf "$dest"
	tmp=$(mktemp -d "$CACHE/.unpack.XXXXXX")
	dpkg-deb -x "$deb" "$tmp" || die "dpkg-deb cannot unpack '$deb'"
	[ -f "$tmp/boot/vmlinuz-$ver" ] ||
		die "'$deb' holds no boot/vmlinuz-$ver"
	[ -d "$tmp/lib/modules/$ver" ] ||
		die "'$deb' holds no lib/modules/$ver"
	mv "$tmp" "$dest"
	touch "$dest/.unpacked"
}

extract_dbg_vmlinux() {
	local ver=$1 dest=$CACHE/linux-$1 member deb
	member=usr/lib/debug/boot/vmlinux-$ver
	if [ -f "$dest/$member" ]; then
		return 0
	fi
	deb=$(fetch_deb "linux-image-$ver-dbg") || exit 1
	note "extracting $member from ${deb##*/}"
	mkdir -p "$dest/${member%/*}"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$dest" "./$member" ||
		die "cannot extract '$member' from '$deb'"
	[ -f "$dest/$member" ] || die "'$deb' holds no '$member'"
	rm -f "$deb"
}

# Can we reach the mirror that holds PKG at all?  (Not: does it work.)
mirror_reachable() {
	local uri host port=80
	uri=$(apt-get --print-uris -q download "$1" 2>/dev/null |
		sed -n "s/^'\([a-z]*:\/\/[^']*\)'.*/\1/p" | head -n 1)
	[ -n "$uri" ] || return 0	# apt cannot say: not a network question
	case $uri in https://*) port=443 ;; file:* | cdrom:*) return 0 ;; esac
	host=${uri#*://}
	host=${host%%/*}
	timeout 20 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
}

# apt's words for "no network" (apt-get download's stderr).
NET_GONE='Could not resolve|Temporary failure resolving|Could not connect|Network is unreachable|No route to host|Connection timed out|Connection failed'

# fetch_dbg VER PATHFILE: the vmlinux, or a loud reason to skip.
fetch_dbg() {
	local ver=$1 file=$2 member pkg=linux-image-$1-dbg log
	member=$CACHE/linux-$ver/usr/lib/debug/boot/vmlinux-$ver
	rm -f "$file.skip"
	mkdir -p "$(dirname "$file")"
	log=$(mktemp)
	note "fetching the debug vmlinux of $ver (~860 MB the first time)"
	if ! (extract_dbg_vmlinux "$ver") 2> "$log"; then
		cat "$log" >&2
		if grep -qE "$NET_GONE" "$log" || ! mirror_reachable "$pkg"; then
			note "SKIP: the network is gone: cannot download '$pkg'; crash and drgn tests will be skipped"
			echo "network gone: '$pkg' cannot be downloaded" > "$file.skip"
			rm -f "$file" "$log"
			return 0
		fi
		rm -f "$log"
		die "cannot fetch the debug vmlinux from '$pkg'"
	fi
	cat "$log" >&2
	rm -f "$log"
	write_if_changed "$file" "$member"
}

write_if_changed() {
	local file=$1 value=$2
	if [ -f "$file" ] && [ "$(cat "$file")" = "$value" ]; then
		return 0
	fi
	mkdir -p "$(dirname "$file")"
	printf '%s\n' "$value" >"$file.tmp"
	mv "$file.tmp" "$file"
}

main() {
	local dbg=0 kver="" version_file="" dbg_path=""
	CACHE=${MKD_CACHE:-$HOME/.cache/mkdump}
	while [ $# -gt 0 ]; do
		case $1 in
		--dbg) dbg=1 ;;
		--kver) kver=${2:?--kver needs a value}; shift ;;
		--cache) CACHE=${2:?--cache needs a value}; shift ;;
		--version-file) version_file=${2:?--version-file needs a value}; shift ;;
		--dbg-path) dbg_path=${2:?--dbg-path needs a value}; shift ;;
		-h | --help) usage; exit 0 ;;
		*) usage >&2; die "unknown argument '$1'" ;;
		esac
		shift
	done
	need_cmd apt-cache apt-get dpkg-deb tar
	mkdir -p "$CACHE"
	CACHE=$(cd "$CACHE" && pwd)

	[ -n "$kver" ] || kver=$(resolve_version)
	unpack_image "$kver"
	if [ -n "$dbg_path" ]; then
		fetch_dbg "$kver" "$dbg_path"
	elif [ "$dbg" -eq 1 ]; then
		extract_dbg_vmlinux "$kver"
	fi
	[ -z "$version_file" ] || write_if_changed "$version_file" "$kver"
	printf '%s\n' "$CACHE/linux-$kver"
}

main "$@"
