#!/bin/bash
# deps.sh: install the Debian packages the test bed needs. Idempotent: when
# everything is already installed it only runs one dpkg-query.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs=(build-essential flex bison bc libelf-dev libssl-dev cpio kmod dkms
	busybox-static qemu-system-x86 linux-source-6.1 linux-source-6.12
	python3 xz-utils file
	# arm64 targets: cross compiler (+ libc for the static guest tools) and
	# QEMU; the arm64 busybox comes from scripts/busybox.sh.
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm)

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	log "deps: all ${#pkgs[@]} packages installed"
	exit 0
fi
[ "$(id -u)" = 0 ] || die "deps: missing ${missing[*]} (run as root)"
log "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# Without recommends: qemu would bring GTK, GStreamer and friends.
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
