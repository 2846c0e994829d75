#!/bin/bash
# kernel-source.sh VERSION: extracts the source tree of kernel VERSION (e.g.
# 6.6) under $PAGETRAIL_CACHE/src/linux-source-VERSION and prints its path.
#
# Where it looks, first match wins (the network is never used):
#  1. Debian's linux-source-VERSION package (/usr/src/linux-source-VERSION.tar.xz),
#     installed with apt-get if Debian has it (6.1 and 6.12 on Debian 12);
#  2. $PAGETRAIL_KERNEL_SOURCES, a directory holding any of
#       linux-source-VERSION.tar.xz  (Debian's layout),
#       linux-VERSION.tar.xz, linux-VERSION.N.tar.xz  (kernel.org's; .tar.gz too),
#       linux-source-VERSION/ or linux-VERSION*/  (an extracted tree).
# A tarball's single top directory is stripped, whatever its name.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ver=${1:?usage: kernel-source.sh VERSION}
src=$PT_CACHE/src/linux-source-$ver
mkdir -p "$PT_CACHE/src"
exec 8>"$src.lock"
flock 8

deb=/usr/src/linux-source-$ver.tar.xz
if [ ! -f "$deb" ] && apt-cache show "linux-source-$ver" >/dev/null 2>&1; then
	log "installing linux-source-$ver"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "linux-source-$ver" >&2 || true
fi
dir=${PAGETRAIL_KERNEL_SOURCES:-}
tried=("$deb")
found=
if [ -f "$deb" ]; then
	found=$deb
elif [ -n "$dir" ]; then
	for c in "$dir/linux-source-$ver.tar.xz" "$dir/linux-$ver.tar.xz" \
		"$dir/linux-$ver.tar.gz" "$dir"/linux-"$ver".[0-9]*.tar.xz \
		"$dir"/linux-"$ver".[0-9]*.tar.gz "$dir/linux-source-$ver" \
		"$dir/linux-$ver" "$dir"/linux-"$ver".[0-9]*; do
		tried+=("$c")
		if [ -f "$c" ] || [ -f "$c/Makefile" ]; then
			found=$c
			break
		fi
	done
fi
# The tree is reused only while it came from the same file (path, size,
# mtime): an upgraded linux-source package or a new tarball is extracted
# again, and build-kernel.sh keys its cache by the release it then reads.
ident=
[ -z "$found" ] || ident=$(stat -L -c '%n %s %Y' "$found")
if [ -n "$ident" ] && [ -f "$src/.pagetrail-extracted" ] &&
	[ "$(cat "$src/.pagetrail-extracted")" = "$ident" ]; then
	echo "$src"
	exit 0
fi
if [ -z "$found" ]; then
	echo "error: no source for kernel $ver. Looked for: ${tried[*]}" >&2
	[ -n "$dir" ] || echo "error: set PAGETRAIL_KERNEL_SOURCES to a directory holding kernel.org's linux-$ver.N.tar.xz" >&2
	exit 1
fi

rm -rf "$src" "$src.tmp"
mkdir -p "$src.tmp"
if [ -d "$found" ]; then
	log "copying $found"
	cp -a "$found/." "$src.tmp/"
else
	log "extracting $found"
	tar -C "$src.tmp" --strip-components=1 -xf "$found"
fi
[ -f "$src.tmp/Makefile" ] || { echo "error: $found holds no kernel tree" >&2; exit 1; }
mv "$src.tmp" "$src"
echo "$ident" >"$src/.pagetrail-extracted"
echo "$src"
