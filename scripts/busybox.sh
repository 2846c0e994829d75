#!/bin/bash
# busybox.sh ARCH: prints the path of a static busybox for ARCH.
#
# The host's own arch uses /bin/busybox (package busybox-static). Another
# arch gets Debian's busybox-static:ARCH: the foreign architecture is added
# to dpkg, the .deb downloaded with apt-get download and extracted with
# dpkg-deb -x under $PAGETRAIL_CACHE/busybox-ARCH. Idempotent and cached:
# once extracted, nothing is fetched again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: busybox.sh ARCH}
case "$arch" in
x86_64) deb_arch=amd64 ;;
arm64) deb_arch=arm64 ;;
*) die "busybox: unknown arch $arch" ;;
esac

if [ "$deb_arch" = "$(dpkg --print-architecture)" ]; then
	[ -x /bin/busybox ] || die "no /bin/busybox (apt-get install busybox-static)"
	echo /bin/busybox
	exit 0
fi

dir=$PT_CACHE/busybox-$arch
bb=$dir/bin/busybox
if [ ! -x "$bb" ]; then
	mkdir -p "$PT_CACHE"
	exec 9>"$dir.lock"
	flock 9
fi
if [ ! -x "$bb" ]; then
	if ! dpkg --print-foreign-architectures | grep -qx "$deb_arch"; then
		[ "$(id -u)" = 0 ] || die "busybox: run as root to add dpkg architecture $deb_arch"
		log "busybox: adding dpkg architecture $deb_arch"
		dpkg --add-architecture "$deb_arch"
		apt-get update -qq >&2
	fi
	tmp=$(mktemp -d)
	chmod 755 "$tmp" # apt-get download drops to user _apt
	trap 'rm -rf "$tmp"' EXIT
	log "busybox: downloading busybox-static:$deb_arch"
	if ! (cd "$tmp" && apt-get download -qq "busybox-static:$deb_arch" >&2); then
		# The package lists may predate the new architecture.
		apt-get update -qq >&2
		(cd "$tmp" && apt-get download -qq "busybox-static:$deb_arch" >&2) ||
			die "busybox: cannot download busybox-static:$deb_arch"
	fi
	rm -rf "$dir.new"
	dpkg-deb -x "$tmp"/busybox-static_*.deb "$dir.new"
	[ -x "$dir.new/bin/busybox" ] || die "busybox: no bin/busybox in the .deb"
	rm -rf "$dir"
	mv "$dir.new" "$dir"
	log "busybox: $bb ($(dpkg-deb -f "$tmp"/busybox-static_*.deb Version))"
fi
echo "$bb"
